// SPDX-License-Identifier: MIT
/*
 * memory.c - page allocations, the EFI memory map, and the last firmware
 * call: ExitBootServices.
 *
 * Runs under boot services, in long mode. Everything the kernel needs to
 * find intact (its own image, the initrd, the command line, boot_params,
 * the memory map itself) is loader memory, EfiLoaderCode for what runs and
 * EfiLoaderData for the rest: the firmware keeps out of it, the kernel's
 * KASLR code (which reads the EFI map when efi_info is set) picks only
 * EfiConventionalMemory, and the e820 table counts it as RAM the kernel
 * may reuse once it has taken what it needs. The kernel's runtime range
 * beyond its file only has to be free at the jump, so it may also cover
 * boot services memory (common/placement.h has the rule and why);
 * memory_place_kernel() applies it, and memory_exit_boot_services()
 * checks it again on the final map.
 *
 * The memory map is read last. Any allocation changes it and makes its
 * key stale, so memory_prepare_map() allocates the map buffer (and the
 * e820 scratch table) beforehand with room to spare, and the loop in
 * memory_exit_boot_services() only reads the map, converts it (plain
 * computation) and calls ExitBootServices, again with a fresh map when the
 * firmware says the key went stale (EFI_INVALID_PARAMETER).
 */
#include "loader.h"

/* Descriptors of slack in the map buffer: allocations add a few each. */
#define MEMORY_MAP_SLACK_DESCS	32
/*
 * UEFI: after a failed ExitBootServices only GetMemoryMap may be called
 * before trying again; a firmware event can change the map each time.
 */
#define EXIT_BOOT_SERVICES_TRIES	8
/* UEFI 2.5 EfiPersistentMemory: missing from gnu-efi 3.0's EFI_MEMORY_TYPE. */
#define EFI_PERSISTENT_MEMORY		14

/* x86 paging structures (Intel SDM vol. 3, 4.5). */
#define PAGE_TABLE_ENTRIES	512
#define PTE_PRESENT		(1ull << 0)
#define PTE_LARGE		(1ull << 7)	/* PS: 1 GiB or 2 MiB page */
#define PTE_ADDR_MASK		0x000ffffffffff000ull
#define CR4_LA57		(1ull << 12)	/* 5-level paging */

bool memory_alloc_at(uint64_t addr, uint64_t bytes, EFI_MEMORY_TYPE type)
{
	EFI_PHYSICAL_ADDRESS a = addr;

	return !EFI_ERROR(BS->AllocatePages(AllocateAddress, type,
					    EFI_SIZE_TO_PAGES(bytes), &a));
}

bool memory_alloc_below(uint64_t max_addr, uint64_t bytes,
			EFI_MEMORY_TYPE type, uint64_t *addr)
{
	EFI_PHYSICAL_ADDRESS a = max_addr;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateMaxAddress, type,
			       EFI_SIZE_TO_PAGES(bytes), &a);
	if (EFI_ERROR(st)) {
		console_printf("memory: cannot allocate %llu bytes below "
			       "0x%llx: %s\n", (unsigned long long)bytes,
			       (unsigned long long)max_addr,
			       console_status_name(st));
		return false;
	}
	*addr = a;
	return true;
}

void memory_free(uint64_t addr, uint64_t bytes)
{
	BS->FreePages(addr, EFI_SIZE_TO_PAGES(bytes));
}

static EFI_MEMORY_DESCRIPTOR *memory_desc(const struct memory_map *map,
					  UINTN i)
{
	return (EFI_MEMORY_DESCRIPTOR *)((uint8_t *)map->buf +
					 i * map->desc_bytes);
}

/*
 * The e820 type of an EFI memory type, as the kernel's own EFI stub maps
 * them (drivers/firmware/efi/libstub/x86-stub.c, setup_e820()). Boot
 * services code and data are RAM: the kernel reserves what it still needs
 * of them itself (efi_reserve_boot_services()).
 */
static uint32_t memory_e820_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return E820_TYPE_RAM;
	case EfiACPIReclaimMemory:
		return E820_TYPE_ACPI;
	case EfiACPIMemoryNVS:
		return E820_TYPE_NVS;
	case EfiUnusableMemory:
		return E820_TYPE_UNUSABLE;
	case EFI_PERSISTENT_MEMORY:
		return E820_TYPE_PMEM;
	default:
		/* Runtime services, MMIO, PAL code, reserved, unknown. */
		return E820_TYPE_RESERVED;
	}
}

/* Read the map into map->buf, which must be large enough. */
static EFI_STATUS memory_read_map(struct memory_map *map)
{
	map->map_bytes = map->buf_bytes;
	return BS->GetMemoryMap(&map->map_bytes, map->buf, &map->key,
				&map->desc_bytes, &map->desc_version);
}

/*
 * One scratch entry per descriptor, after the map: the e820 table made
 * from it, or the map as common/placement.c reads it.
 */
#define MEMORY_SCRATCH_ENTRY_BYTES \
	(sizeof(struct placement_range) > sizeof(struct e820_entry) ? \
	 sizeof(struct placement_range) : sizeof(struct e820_entry))

/*
 * How big a buffer the map needs: its size now, plus slack for the
 * descriptors that allocating the buffer itself (and later ones) add,
 * plus the scratch table after it.
 */
static EFI_STATUS memory_size_map(struct memory_map *map, UINTN *alloc_bytes)
{
	EFI_STATUS st;

	map->buf = NULL;
	map->map_bytes = 0;
	st = BS->GetMemoryMap(&map->map_bytes, NULL, &map->key,
			      &map->desc_bytes, &map->desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
	map->buf_bytes = map->map_bytes + MEMORY_MAP_SLACK_DESCS *
			 map->desc_bytes;
	*alloc_bytes = map->buf_bytes + map->buf_bytes / map->desc_bytes *
		       MEMORY_SCRATCH_ENTRY_BYTES;
	return EFI_SUCCESS;
}

static struct e820_entry *memory_scratch_e820(const struct memory_map *map)
{
	return (struct e820_entry *)((uint8_t *)map->buf + map->buf_bytes);
}

/*
 * The map as it is now, for placement decisions, in a pool buffer that
 * is allocated before the map is read: so the map already shows it.
 */
static EFI_STATUS memory_snapshot(struct memory_map *map)
{
	UINTN alloc_bytes;
	EFI_STATUS st;

	st = memory_size_map(map, &alloc_bytes);
	if (EFI_ERROR(st))
		return st;
	st = BS->AllocatePool(EfiLoaderData, alloc_bytes, (void **)&map->buf);
	if (EFI_ERROR(st))
		return st;
	st = memory_read_map(map);
	if (EFI_ERROR(st))
		BS->FreePool(map->buf);
	return st;
}

struct e820_entry *memory_free_ranges(struct memory_map *map,
				      unsigned *count)
{
	struct e820_entry *ranges;
	EFI_STATUS st;
	unsigned n = 0;

	st = memory_snapshot(map);
	if (EFI_ERROR(st)) {
		console_printf("memory: cannot read the memory map: %s\n",
			       console_status_name(st));
		return NULL;
	}
	ranges = memory_scratch_e820(map);
	for (UINTN i = 0; i < map->map_bytes / map->desc_bytes; i++) {
		EFI_MEMORY_DESCRIPTOR *d = memory_desc(map, i);

		if (d->Type != EfiConventionalMemory)
			continue;
		ranges[n].addr = d->PhysicalStart;
		ranges[n].size = d->NumberOfPages * EFI_PAGE_SIZE;
		ranges[n].type = E820_TYPE_RAM;
		n++;
	}
	*count = e820_sanitize(ranges, n);
	return ranges;
}

void memory_free_snapshot(struct memory_map *map)
{
	BS->FreePool(map->buf);
}

/* UEFI's memory type numbers, as placement.h has them. */
_Static_assert(EfiLoaderCode == PLACEMENT_EFI_LOADER_CODE, "loader code");
_Static_assert(EfiLoaderData == PLACEMENT_EFI_LOADER_DATA, "loader data");
_Static_assert(EfiBootServicesCode == PLACEMENT_EFI_BOOT_SERVICES_CODE,
	       "boot services code");
_Static_assert(EfiBootServicesData == PLACEMENT_EFI_BOOT_SERVICES_DATA,
	       "boot services data");
_Static_assert(EfiConventionalMemory == PLACEMENT_EFI_CONVENTIONAL,
	       "conventional memory");

/*
 * The map as common/placement.c reads it, in the scratch table (the
 * buffer is page-allocated or pool memory: 8-byte aligned, and buf_bytes
 * is a multiple of the descriptor size, itself a multiple of 8).
 */
static struct placement_range *memory_ranges(const struct memory_map *map,
					     unsigned *count)
{
	struct placement_range *r = (struct placement_range *)
		((uint8_t *)map->buf + map->buf_bytes);
	UINTN n = map->map_bytes / map->desc_bytes;

	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = memory_desc(map, i);

		r[i].start = d->PhysicalStart;
		r[i].pages = d->NumberOfPages;
		r[i].type = d->Type;
	}
	*count = (unsigned)n;
	return r;
}

/*
 * Add [start, end) to the spans, merged with one it touches. When all are
 * taken, the last one grows to cover it: avoiding more is still safe.
 */
static void memory_avoid_add(struct placement_span *avoid, unsigned *n,
			     uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < *n; i++) {
		if (avoid[i].end == start) {
			avoid[i].end = end;
			return;
		}
		if (avoid[i].start == end) {
			avoid[i].start = start;
			return;
		}
		if (avoid[i].start <= start && end <= avoid[i].end)
			return;
	}
	if (*n == MEMORY_AVOID_SPANS) {
		struct placement_span *last = &avoid[*n - 1];

		if (start < last->start)
			last->start = start;
		if (end > last->end)
			last->end = end;
		return;
	}
	avoid[*n].start = start;
	avoid[*n].end = end;
	(*n)++;
}

/*
 * The pages of the page tables we run on. The kernel's 64-bit entry
 * keeps using them until it has built its own, so they must survive its
 * first copies. Walks every level from CR3 (4- or 5-level paging); 1 GiB
 * and 2 MiB pages end the walk early.
 */
static void memory_tables_add(uint64_t table, unsigned level,
			      struct placement_span *avoid, unsigned *n)
{
	const uint64_t *entry = (const uint64_t *)table;

	memory_avoid_add(avoid, n, table, table + EFI_PAGE_SIZE);
	if (level == 1)
		return;
	for (unsigned i = 0; i < PAGE_TABLE_ENTRIES; i++) {
		uint64_t e = entry[i];

		if (!(e & PTE_PRESENT) || (level <= 3 && (e & PTE_LARGE)))
			continue;
		memory_tables_add(e & PTE_ADDR_MASK, level - 1, avoid, n);
	}
}

/*
 * What the kernel's ranges must keep clear of at the jump: the firmware's
 * stack we run on (the whole descriptor holding RSP: it grows down inside
 * it) and our page tables. Our GDT is in this image, loader code the
 * checks keep out anyway. No allocation: it runs between GetMemoryMap
 * and ExitBootServices too.
 */
static void memory_avoid(const struct placement_range *r, unsigned count,
			 struct placement_span *avoid, unsigned *n)
{
	uint64_t sp, cr3, cr4;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	*n = 0;
	for (unsigned i = 0; i < count; i++)
		if (r[i].start <= sp &&
		    sp - r[i].start < r[i].pages * EFI_PAGE_SIZE) {
			avoid[0].start = r[i].start;
			avoid[0].end = r[i].start + r[i].pages * EFI_PAGE_SIZE;
			*n = 1;
		}
	memory_tables_add(cr3 & PTE_ADDR_MASK, cr4 & CR4_LA57 ? 5 : 4, avoid,
			  n);
}

void memory_unclaim_kernel(struct loader *ld)
{
	while (ld->kernel_claimed) {
		struct placement_span *p =
			&ld->kernel_claims.piece[--ld->kernel_claimed];

		memory_free(p->start, p->end - p->start);
	}
}

/* The one line when no place is found: what is missing, in KiB. */
static void memory_say_no_place(struct loader *ld,
				const struct placement_range *r,
				unsigned count, uint64_t min_align)
{
	const struct bzimage_info *info = &ld->info;
	uint64_t largest, missing;

	missing = placement_missing(r, count, info, min_align, &largest);
	if (missing)
		console_printf("linux: %s: not enough memory for the kernel: "
			       "it runs in %llu KiB (init_size) from 0x%llx "
			       "up, the largest free or boot services range "
			       "there has %llu KiB: %llu KiB missing\n",
			       ld->entry->kernel,
			       (unsigned long long)(bzimage_kernel_span(info) >>
						    10),
			       (unsigned long long)info->pref_address,
			       (unsigned long long)(largest >> 10),
			       (unsigned long long)((missing + 1023) >> 10));
	else
		console_printf("linux: %s: no place for the kernel: its "
			       "%llu KiB file must go in free memory and the "
			       "%llu KiB from its runtime start in free or "
			       "boot services memory, clear of the loader's "
			       "stack and page tables%s\n", ld->entry->kernel,
			       (unsigned long long)(info->kernel_bytes >> 10),
			       (unsigned long long)(bzimage_kernel_span(info) >>
						    10),
			       info->relocatable ? "" :
			       "; the kernel is not relocatable");
}

bool memory_place_kernel(struct loader *ld, uint64_t min_align)
{
	struct placement_span avoid[MEMORY_AVOID_SPANS];
	struct placement_range *r;
	struct memory_map map;
	unsigned count, navoid;
	EFI_STATUS st;
	bool ok;

	st = memory_snapshot(&map);
	if (EFI_ERROR(st)) {
		console_printf("memory: cannot read the memory map: %s\n",
			       console_status_name(st));
		return false;
	}
	r = memory_ranges(&map, &count);
	memory_avoid(r, count, avoid, &navoid);
	ok = placement_find_kernel(r, count, &ld->info, min_align, avoid,
				   navoid, &ld->kernel, &ld->kernel_claims);
	if (!ok)
		memory_say_no_place(ld, r, count, min_align);
	memory_free_snapshot(&map);
	if (!ok)
		return false;
	/*
	 * Claim every free piece now, as the snapshot showed them: nothing
	 * was allocated since, so they are still free.
	 */
	for (ld->kernel_claimed = 0;
	     ld->kernel_claimed < ld->kernel_claims.count;
	     ld->kernel_claimed++) {
		struct placement_span *p =
			&ld->kernel_claims.piece[ld->kernel_claimed];

		if (!memory_alloc_at(p->start, p->end - p->start,
				     EfiLoaderCode)) {
			console_printf("memory: cannot allocate the kernel's "
				       "free pages at 0x%llx-0x%llx\n",
				       (unsigned long long)p->start,
				       (unsigned long long)p->end);
			memory_unclaim_kernel(ld);
			return false;
		}
	}
	return true;
}

bool memory_prepare_map(struct loader *ld)
{
	struct memory_map *map = &ld->map;
	UINTN alloc_bytes;
	EFI_STATUS st;
	uint64_t addr;

	st = memory_size_map(map, &alloc_bytes);
	if (EFI_ERROR(st)) {
		console_printf("memory: cannot size the memory map: %s\n",
			       console_status_name(st));
		return false;
	}
	/* Below 4 GiB, where a 32-bit kernel can reach it too. */
	if (!memory_alloc_below(EFI_BELOW_4G, alloc_bytes, EfiLoaderData,
				&addr))
		return false;
	map->buf = (EFI_MEMORY_DESCRIPTOR *)addr;
	ld->map_alloc_bytes = alloc_bytes;
	return true;
}

/* Fill the zero page's e820 table from the map; false if it overflows. */
static bool memory_fill_e820(struct loader *ld)
{
	struct memory_map *map = &ld->map;
	struct e820_entry *e820 = memory_scratch_e820(map);
	UINTN count = map->map_bytes / map->desc_bytes;
	unsigned n;

	for (UINTN i = 0; i < count; i++) {
		EFI_MEMORY_DESCRIPTOR *d = memory_desc(map, i);

		e820[i].addr = d->PhysicalStart;
		e820[i].size = d->NumberOfPages * EFI_PAGE_SIZE;
		e820[i].type = memory_e820_type(d->Type);
	}
	n = e820_sanitize(e820, (unsigned)count);
	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		return false;
	for (unsigned i = 0; i < n; i++)
		ld->bp->e820_table[i] = e820[i];
	ld->bp->e820_entries = (uint8_t)n;
	return true;
}

/* zero-page.rst efi_info: the system table and the final memory map. */
static void memory_fill_efi_info(struct loader *ld)
{
	struct memory_map *map = &ld->map;
	struct efi_info info = { 0 };
	uint64_t systab = (uint64_t)ST;
	uint64_t memmap = (uint64_t)map->buf;

	info.efi_loader_signature = EFI_LOADER_SIGNATURE_64;
	info.efi_systab = (uint32_t)systab;
	info.efi_systab_hi = (uint32_t)(systab >> 32);
	info.efi_memdesc_size = (uint32_t)map->desc_bytes;
	info.efi_memdesc_version = map->desc_version;
	info.efi_memmap = (uint32_t)memmap;
	info.efi_memmap_hi = (uint32_t)(memmap >> 32);
	info.efi_memmap_size = (uint32_t)map->map_bytes;
	ld->bp->efi_info = info;
}

/*
 * placement.h's last check, on the map ExitBootServices gets: the
 * kernel's ranges hold only our claimed pieces, boot services memory and
 * free memory, and neither our stack nor our page tables. Plain
 * computation: no allocation, no output. *at: the address in the way.
 */
static enum placement_verdict memory_check_kernel(struct loader *ld,
						  uint64_t *at)
{
	struct placement_span avoid[MEMORY_AVOID_SPANS];
	struct placement_range *r;
	unsigned count, navoid;

	r = memory_ranges(&ld->map, &count);
	memory_avoid(r, count, avoid, &navoid);
	return placement_check_final(r, count, &ld->kernel, &ld->kernel_claims,
				     avoid, navoid, at);
}

bool memory_exit_boot_services(struct loader *ld, bool *gone)
{
	EFI_STATUS st = EFI_SUCCESS;
	enum placement_verdict v;
	bool tried = false;
	uint64_t at;

	*gone = false;

	for (unsigned try = 0; try < EXIT_BOOT_SERVICES_TRIES; try++) {
		/* From here to ExitBootServices: no allocation, no output. */
		st = memory_read_map(&ld->map);
		if (EFI_ERROR(st))
			break;
		v = memory_check_kernel(ld, &at);
		if (v != PLACEMENT_OK) {
			/*
			 * Not exited yet, or (after a failed exit) the
			 * firmware may be half gone: then COM1 only.
			 */
			if (tried)
				console_boot_services_gone();
			console_printf("memory: the kernel's range "
				       "0x%llx-0x%llx is no longer safe at "
				       "ExitBootServices: %s at 0x%llx\n",
				       (unsigned long long)
				       ld->kernel.range[0].start,
				       (unsigned long long)
				       ld->kernel.range[ld->kernel.ranges -
							1].end,
				       placement_strerror(v),
				       (unsigned long long)at);
			return false;
		}
		/* The e820 table overwrites the scratch ranges: after. */
		if (!memory_fill_e820(ld)) {
			if (tried)
				console_boot_services_gone();
			console_printf("memory: the memory map has more than "
				       "%u ranges, the zero page's limit\n",
				       E820_MAX_ENTRIES_ZEROPAGE);
			return false;
		}
		memory_fill_efi_info(ld);
		st = BS->ExitBootServices(ld->image, ld->map.key);
		tried = true;
		*gone = true;
		if (!EFI_ERROR(st)) {
			console_boot_services_gone();
			return true;
		}
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	/* UEFI: after a failed ExitBootServices, ConOut may be gone. */
	if (tried)
		console_boot_services_gone();
	console_printf("memory: %s failed: %s\n",
		       tried ? "ExitBootServices" : "GetMemoryMap",
		       console_status_name(st));
	return false;
}
