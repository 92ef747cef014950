// SPDX-License-Identifier: MIT
/*
 * memory.c - page allocations, the EFI memory map, and the last firmware
 * call: ExitBootServices.
 *
 * Runs under boot services, in long mode. Everything the kernel needs to
 * find intact (its own image, the initrd, the command line, boot_params,
 * the memory map itself) is allocated as EfiLoaderData: the firmware keeps
 * it out of its own way, the kernel's KASLR code (which reads the EFI map
 * when efi_info is set) picks only EfiConventionalMemory, and the e820
 * table counts it as RAM the kernel may reuse once it has taken what it
 * needs.
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

bool memory_alloc_at(uint64_t addr, uint64_t bytes, EFI_MEMORY_TYPE type)
{
	EFI_PHYSICAL_ADDRESS a = addr;

	return !EFI_ERROR(BS->AllocatePages(AllocateAddress, type,
					    EFI_SIZE_TO_PAGES_64(bytes), &a));
}

bool memory_alloc_below(uint64_t max_addr, uint64_t bytes,
			EFI_MEMORY_TYPE type, uint64_t *addr)
{
	EFI_PHYSICAL_ADDRESS a = max_addr;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateMaxAddress, type,
			       EFI_SIZE_TO_PAGES_64(bytes), &a);
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
	BS->FreePages(addr, EFI_SIZE_TO_PAGES_64(bytes));
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

/* A map of the firmware's free memory, for placing the kernel and initrd. */
struct e820_entry *memory_free_ranges(unsigned *count)
{
	struct memory_map map = { 0 };
	struct e820_entry *ranges = NULL;
	EFI_STATUS st;
	unsigned n = 0;

	st = BS->GetMemoryMap(&map.map_bytes, NULL, &map.key, &map.desc_bytes,
			      &map.desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		goto fail;
	/* The pool allocation below can split a range: leave room. */
	map.buf_bytes = map.map_bytes + MEMORY_MAP_SLACK_DESCS * map.desc_bytes;
	st = BS->AllocatePool(EfiLoaderData, map.buf_bytes, (void **)&map.buf);
	if (EFI_ERROR(st))
		goto fail;
	st = BS->AllocatePool(EfiLoaderData,
			      map.buf_bytes / map.desc_bytes * sizeof(*ranges),
			      (void **)&ranges);
	if (EFI_ERROR(st))
		goto fail;
	st = memory_read_map(&map);
	if (EFI_ERROR(st))
		goto fail;
	for (UINTN i = 0; i < map.map_bytes / map.desc_bytes; i++) {
		EFI_MEMORY_DESCRIPTOR *d = memory_desc(&map, i);

		if (d->Type != EfiConventionalMemory)
			continue;
		ranges[n].addr = d->PhysicalStart;
		ranges[n].size = d->NumberOfPages * EFI_PAGE_BYTES;
		ranges[n].type = E820_TYPE_RAM;
		n++;
	}
	BS->FreePool(map.buf);
	*count = e820_sanitize(ranges, n);
	return ranges;
fail:
	console_printf("memory: cannot read the memory map: %s\n",
		       console_status_name(st));
	if (map.buf)
		BS->FreePool(map.buf);
	if (ranges)
		BS->FreePool(ranges);
	return NULL;
}

bool memory_prepare_map(struct loader *ld)
{
	struct memory_map *map = &ld->map;
	EFI_STATUS st;
	uint64_t addr;

	map->map_bytes = 0;
	st = BS->GetMemoryMap(&map->map_bytes, NULL, &map->key,
			      &map->desc_bytes, &map->desc_version);
	if (st != EFI_BUFFER_TOO_SMALL) {
		console_printf("memory: cannot size the memory map: %s\n",
			       console_status_name(st));
		return false;
	}
	/*
	 * One allocation for the map and, after it, the e820 scratch table
	 * (one entry per descriptor). Pages, not pool: the kernel reads the
	 * map through efi_info and must find it where we say. Below 4 GiB,
	 * where a 32-bit kernel can reach it (it gives up EFI otherwise).
	 */
	map->buf_bytes = map->map_bytes + MEMORY_MAP_SLACK_DESCS *
			 map->desc_bytes;
	if (!memory_alloc_below(EFI_BELOW_4G, map->buf_bytes +
				map->buf_bytes / map->desc_bytes *
				sizeof(struct e820_entry), EfiLoaderData,
				&addr))
		return false;
	map->buf = (EFI_MEMORY_DESCRIPTOR *)addr;
	return true;
}

/* Fill the zero page's e820 table from the map; false if it overflows. */
static bool memory_fill_e820(struct loader *ld)
{
	struct memory_map *map = &ld->map;
	struct e820_entry *e820 = (struct e820_entry *)((uint8_t *)map->buf +
							map->buf_bytes);
	UINTN count = map->map_bytes / map->desc_bytes;
	unsigned n;

	for (UINTN i = 0; i < count; i++) {
		EFI_MEMORY_DESCRIPTOR *d = memory_desc(map, i);

		e820[i].addr = d->PhysicalStart;
		e820[i].size = d->NumberOfPages * EFI_PAGE_BYTES;
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

bool memory_exit_boot_services(struct loader *ld)
{
	EFI_STATUS st = EFI_SUCCESS;
	bool tried = false;

	for (unsigned try = 0; try < EXIT_BOOT_SERVICES_TRIES; try++) {
		/* From here to ExitBootServices: no allocation, no output. */
		st = memory_read_map(&ld->map);
		if (EFI_ERROR(st))
			break;
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
