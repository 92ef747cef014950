// SPDX-License-Identifier: MIT
/*
 * probe.c - the probe kernel's report: what did the loader hand over?
 *
 * Runs in 32-bit protected mode (16-bit path after setup.asm switched, and
 * the 32-bit path) or in long mode (64-bit path); built once for each, as
 * position-independent code with no writable data (linker/probe.ld). It
 * gets a struct probe_entry from head.asm with the CPU state at entry and
 * finds struct probe_info (what mkprobe wrote: the file's header, payload
 * seed and size) at its load address.
 *
 * It prints one `probe: key=value` line per fact on COM1, checks what the
 * boot protocol (Documentation/x86/boot.rst) lets it check on its own,
 * prints `probe: fail=NAME: why` for each failed check, then one line
 * `probe: verdict=PASS` or `probe: verdict=FAIL (NAME: why[, N more])`,
 * and exits through QEMU's isa-debug-exit (or halts with interrupts off).
 * Numbers are hex with 0x, counts decimal. What the probe cannot know (the
 * token on the command line, the initrd's checksum) the host test compares.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "linux_boot.h"
#include "portio.h"
#include "probe.h"

#define SZ_1M			0x100000ull
#define SZ_4G			0x100000000ull
#define PAGE_SIZE		4096ull
/* boot.rst: the command line ends below 0xa0000 on the 16-bit path. */
#define LOW_MEM_END		0xa0000ull
/* boot.rst: the heap_end_ptr field holds the heap end minus 0x200. */
#define HEAP_END_PTR_DELTA	0x200
/* Real-mode segments: paragraphs of 16 bytes; CS is X + 0x20. */
#define SETUP_CS_DELTA		0x20
#define SEGMENT_BYTES		0x10000ull
/* How far the probe looks for the command line's NUL. */
#define CMDLINE_SCAN_MAX	0x10000u
/* UART registers. */
#define UART_IER		1
#define UART_FCR		2
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define UART_LSR_THRE		0x20
#define UART_LCR_DLAB		0x80
#define UART_LCR_8N1		0x03
#define UART_DIVISOR_115200	1
/* EFI: system table signature "IBI SYST", memory descriptor version. */
#define EFI_SYSTEM_TABLE_SIGNATURE	0x5453595320494249ull
#define EFI_MEMORY_DESCRIPTOR_VERSION	1
/* ACPI: "RSD PTR ", checksummed over the first 20 bytes (ACPI 1.0). */
#define ACPI_RSDP_SIGNATURE	0x2052545020445352ull
#define ACPI_RSDP_V1_BYTES	20
/* Segment descriptor bits (Intel SDM vol. 3, 3.4.5). */
#define DESC_TYPE_SHIFT		40
#define DESC_S			(1ull << 44)
#define DESC_P			(1ull << 47)
#define DESC_L			(1ull << 53)
#define DESC_DB			(1ull << 54)
#define DESC_G			(1ull << 55)
#define DESC_TYPE_CODE		0x8
#define DESC_TYPE_RW		0x2	/* readable code, writable data */
#define DESC_FLAT_LIMIT		0xfffffu
/* Page tables (4-level). */
#define PTE_P			(1ull << 0)
#define PTE_PS			(1ull << 7)
#define PTE_ADDR_MASK		0x000ffffffffff000ull

struct probe {
	const struct probe_entry *e;
	const struct probe_info *info;
	const struct boot_params *bp;	/* the real-mode part on path 16 */
	uint64_t load;
	uint32_t path;
	const struct e820_entry *map;
	unsigned map_len;
	unsigned checks;
	unsigned failures;
	char first_failure[160];
};

/* gcc may call these for struct copies; there is no C library. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

static const volatile uint8_t *phys(uint64_t addr)
{
	return (const volatile uint8_t *)(uintptr_t)addr;
}

static uint64_t read64(uint64_t addr)
{
	const volatile uint8_t *p = phys(addr);
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* COM1: 115200 8N1, FIFOs on, no interrupts; port I/O, no BIOS. */
static void serial_init(void)
{
	outb(PROBE_COM1 + UART_IER, 0);
	outb(PROBE_COM1 + UART_LCR, UART_LCR_DLAB);
	outb(PROBE_COM1 + 0, UART_DIVISOR_115200);
	outb(PROBE_COM1 + 1, 0);
	outb(PROBE_COM1 + UART_LCR, UART_LCR_8N1);
	outb(PROBE_COM1 + UART_FCR, 0xc7);
	outb(PROBE_COM1 + UART_MCR, 0x03);
}

static void serial_putc(char c)
{
	/* Bounded: with no UART at all, go on rather than hang here. */
	for (unsigned i = 0; i < 100000; i++)
		if (inb(PROBE_COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(PROBE_COM1, (uint8_t)c);
}

static void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

/* One line: "probe: " + text + CRLF. */
static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void line(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	serial_puts("probe: ");
	serial_puts(buf);
	serial_puts("\r\n");
}

static void check(struct probe *p, bool ok, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Count a check; on failure print it and keep the first for the verdict. */
static void check(struct probe *p, bool ok, const char *name,
		  const char *fmt, ...)
{
	char why[140];
	va_list ap;

	p->checks++;
	if (ok)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	line("fail=%s: %s", name, why);
	if (!p->failures++)
		fmt_snprintf(p->first_failure, sizeof(p->first_failure),
			     "%s: %s", name, why);
}

static __attribute__((noreturn)) void probe_exit(bool pass)
{
	outb(PROBE_EXIT_PORT, pass ? PROBE_EXIT_PASS : PROBE_EXIT_FAIL);
	/* No isa-debug-exit device: stop here, interrupts off. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

/*
 * 64-bit path: translate through the loader's 4-level page tables, which
 * must map what the probe reads one to one (boot.rst: init_size from the
 * load address, the zero page and the command line "get ident mapping").
 */
static bool page_walk(uint64_t cr3, uint64_t va, uint64_t *pa,
		      uint64_t *page_bytes)
{
	uint64_t table = cr3 & PTE_ADDR_MASK;
	unsigned shift = 39;

	for (int level = 4; level >= 1; level--, shift -= 9) {
		uint64_t ent = read64(table + ((va >> shift) & 511) * 8);

		if (!(ent & PTE_P))
			return false;
		if (level == 1 || ((level == 2 || level == 3) &&
				   (ent & PTE_PS))) {
			uint64_t size = 1ull << shift;

			*pa = (ent & PTE_ADDR_MASK & ~(size - 1)) |
			      (va & (size - 1));
			*page_bytes = size;
			return true;
		}
		table = ent & PTE_ADDR_MASK;
	}
	return false;
}

/*
 * Can the probe read [addr, addr + len)? Without paging: below 4 GiB. With
 * paging (64-bit path): mapped one to one. *bad gets the first address
 * that is not.
 */
static bool readable(const struct probe *p, uint64_t addr, uint64_t len,
		     uint64_t *bad)
{
	uint64_t end = addr + len, a;

	*bad = addr;
	if (end < addr)
		return false;
	if (p->path != PROBE_PATH_64)
		return !(p->e->cr0 & X86_CR0_PG) && end <= SZ_4G;
	if (p->e->cr4 & X86_CR4_LA57)
		return false;		/* 5-level paging: not walked */
	for (a = addr & ~(PAGE_SIZE - 1); a < end;) {
		uint64_t pa, size;

		if (!page_walk(p->e->cr3, a, &pa, &size) || pa != a) {
			*bad = a;
			return false;
		}
		a = (a & ~(size - 1)) + size;
	}
	return true;
}

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* Is [addr, addr + len) inside one E820 RAM range? */
static bool in_ram(const struct probe *p, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < p->map_len; i++) {
		uint64_t base = p->map[i].addr, size = p->map[i].size;

		if (p->map[i].type == E820_TYPE_RAM && addr >= base &&
		    addr + len <= base + size)
			return true;
	}
	return false;
}

/* The highest end of RAM below 4 GiB, per the memory map. */
static uint64_t ram_top_below_4g(const struct probe *p)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < p->map_len; i++) {
		uint64_t end = p->map[i].addr + p->map[i].size;

		if (p->map[i].type != E820_TYPE_RAM || p->map[i].addr >= SZ_4G)
			continue;
		if (end > SZ_4G)
			end = SZ_4G;
		if (end > top)
			top = end;
	}
	return top;
}

static uint16_t hdr_version(const struct probe *p)
{
	return p->info->hdr.version;
}

/* The kernel's bytes from its load address: max(init_size, file). */
static uint64_t kernel_span(const struct probe *p)
{
	uint64_t span = p->info->pm_size;

	if (hdr_version(p) >= BOOT_PROTOCOL(2, 10) &&
	    p->info->hdr.init_size > span)
		span = p->info->hdr.init_size;
	return span;
}

static uint32_t initrd_addr_max(const struct probe *p)
{
	if (hdr_version(p) < BOOT_PROTOCOL(2, 3))
		return INITRD_ADDR_MAX_PRE_2_03;
	return p->info->hdr.initrd_addr_max;
}

static uint32_t cmdline_size(const struct probe *p)
{
	if (hdr_version(p) < BOOT_PROTOCOL(2, 6))
		return CMDLINE_SIZE_PRE_2_06;
	return p->info->hdr.cmdline_size;
}

static void report_identity(struct probe *p)
{
	line("variant=%s", p->info->name);
	line("path=%u", (unsigned)p->path);
	line("load_addr=0x%llx", (unsigned long long)p->load);
	line("boot_params=0x%llx", (unsigned long long)p->e->boot_params);
}

/* boot.rst "Running the Kernel": the real-mode entry state. */
static void report_entry16(struct probe *p)
{
	const struct probe_entry *e = p->e;
	uint64_t x = e->boot_params >> 4;
	uint16_t heap_end_ptr = p->bp->hdr.heap_end_ptr;
	uint32_t heap_end = (uint32_t)heap_end_ptr + HEAP_END_PTR_DELTA;
	bool heap = p->bp->hdr.loadflags & CAN_USE_HEAP;

	line("x=0x%llx", (unsigned long long)x);
	line("cs=0x%x", e->cs);
	line("ip=0x%x", e->ip);
	line("ds=0x%x", e->ds);
	line("es=0x%x", e->es);
	line("fs=0x%x", e->fs);
	line("gs=0x%x", e->gs);
	line("ss=0x%x", e->ss);
	line("sp=0x%llx", (unsigned long long)e->sp);
	line("if=%u", (unsigned)!!(e->flags & X86_EFLAGS_IF));
	line("heap_end=0x%x", heap_end);
	line("sp_below_heap_end=0x%llx",
	     (unsigned long long)(heap_end - e->sp));

	check(p, e->cs == x + SETUP_CS_DELTA, "cs",
	      "CS 0x%x is not X+0x20 (X 0x%llx)", e->cs,
	      (unsigned long long)x);
	check(p, e->ds == x && e->es == x && e->ss == x, "segments",
	      "DS 0x%x ES 0x%x SS 0x%x, not X 0x%llx", e->ds, e->es, e->ss,
	      (unsigned long long)x);
	check(p, e->fs == x && e->gs == x, "fs_gs",
	      "FS 0x%x GS 0x%x, not X 0x%llx (boot.rst recommends it)",
	      e->fs, e->gs, (unsigned long long)x);
	check(p, !(e->flags & X86_EFLAGS_IF), "if",
	      "interrupts enabled at entry");
	check(p, heap, "can_use_heap", "CAN_USE_HEAP clear in loadflags");
	if (heap) {
		check(p, heap_end_ptr >= p->info->setup_bytes &&
		      heap_end <= SEGMENT_BYTES, "heap_end_ptr",
		      "0x%x: heap end 0x%x not between setup end 0x%x and "
		      "0x10000", heap_end_ptr, heap_end,
		      p->info->setup_bytes);
		/* boot.rst: "sp ... normally pointing to the top of the
		 * heap"; the probe wants it inside the heap, the host test
		 * says which value a given loader must use. */
		check(p, e->sp > p->info->setup_bytes && e->sp <= heap_end &&
		      !(e->sp & 1), "sp",
		      "SP 0x%llx is not inside the heap (0x%x, 0x%x]",
		      (unsigned long long)e->sp, p->info->setup_bytes,
		      heap_end);
	}
	check(p, p->load == BZIMAGE_LOAD_ADDR, "load_addr",
	      "protected-mode part at 0x%llx, not 0x%x",
	      (unsigned long long)p->load, BZIMAGE_LOAD_ADDR);
}

/* Decode and check one GDT descriptor of the 32/64-bit protocols. */
static void report_descriptor(struct probe *p, const char *name,
			      uint16_t sel, bool code)
{
	const struct probe_entry *e = p->e;
	uint64_t d, base, limit;
	unsigned type;
	bool ok;

	if (e->gdt_limit < sel + 7u) {
		line("gdt_%s=none", name);
		check(p, false, name[0] == 'c' ? "gdt_cs" : "gdt_ds",
		      "GDT limit 0x%x has no selector 0x%x", e->gdt_limit,
		      sel);
		return;
	}
	d = read64(e->gdt_base + sel);
	base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
	limit = (d & 0xffff) | (((d >> 48) & 0xf) << 16);
	type = (unsigned)(d >> DESC_TYPE_SHIFT) & 0xf;
	line("gdt_%s=0x%016llx", name, (unsigned long long)d);
	ok = (d & DESC_P) && (d & DESC_S) && base == 0 &&
	     limit == DESC_FLAT_LIMIT && (d & DESC_G) &&
	     !!(type & DESC_TYPE_CODE) == code && (type & DESC_TYPE_RW);
	if (code && p->path == PROBE_PATH_64)
		ok = ok && (d & DESC_L) && !(d & DESC_DB);
	else if (code)
		ok = ok && (d & DESC_DB) && !(d & DESC_L);
	check(p, ok, code ? "gdt_cs" : "gdt_ds",
	      "descriptor 0x%x is 0x%016llx, not a flat %s", sel,
	      (unsigned long long)d,
	      code ? (p->path == PROBE_PATH_64 ? "64-bit execute/read" :
		      "32-bit execute/read") : "read/write");
}

/* boot.rst "32-bit Boot Protocol" / "64-bit Boot Protocol": CPU state. */
static void report_entry32_64(struct probe *p)
{
	const struct probe_entry *e = p->e;
	bool pg = e->cr0 & X86_CR0_PG, lma = e->efer & X86_EFER_LMA;

	line("cs=0x%x", e->cs);
	line("ds=0x%x", e->ds);
	line("es=0x%x", e->es);
	line("ss=0x%x", e->ss);
	line("fs=0x%x", e->fs);
	line("gs=0x%x", e->gs);
	line("if=%u", (unsigned)!!(e->flags & X86_EFLAGS_IF));
	line("cr0=0x%llx", (unsigned long long)e->cr0);
	line("cr3=0x%llx", (unsigned long long)e->cr3);
	line("cr4=0x%llx", (unsigned long long)e->cr4);
	line("efer=0x%llx", (unsigned long long)e->efer);
	line("paging=%s", pg ? "on" : "off");
	line("long_mode=%s", lma ? "on" : "off");
	line("gdt_base=0x%llx", (unsigned long long)e->gdt_base);
	line("gdt_limit=0x%x", e->gdt_limit);
	if (p->path == PROBE_PATH_64) {
		line("sp=0x%llx", (unsigned long long)e->sp);
	} else {
		line("ebx=0x%x", e->ebx);
		line("edi=0x%x", e->edi);
		line("ebp=0x%x", e->ebp);
	}

	check(p, e->cs == BOOT_CS, "cs", "CS 0x%x is not __BOOT_CS 0x%x",
	      e->cs, BOOT_CS);
	check(p, e->ds == BOOT_DS && e->es == BOOT_DS && e->ss == BOOT_DS,
	      "segments", "DS 0x%x ES 0x%x SS 0x%x, not __BOOT_DS 0x%x",
	      e->ds, e->es, e->ss, BOOT_DS);
	check(p, !(e->flags & X86_EFLAGS_IF), "if",
	      "interrupts enabled at entry");
	report_descriptor(p, "cs", BOOT_CS, true);
	report_descriptor(p, "ds", BOOT_DS, false);
	if (p->path == PROBE_PATH_32) {
		check(p, (e->cr0 & X86_CR0_PE) && !pg, "mode",
		      "CR0 0x%llx: want protected mode, paging off",
		      (unsigned long long)e->cr0);
		check(p, !e->ebx && !e->edi && !e->ebp, "regs",
		      "EBX 0x%x EDI 0x%x EBP 0x%x, boot.rst wants zero",
		      e->ebx, e->edi, e->ebp);
		check(p, p->bp->hdr.code32_start == p->load, "code32_start",
		      "0x%x, but entered at 0x%llx",
		      p->bp->hdr.code32_start, (unsigned long long)p->load);
	} else {
		check(p, pg && lma && (e->cr4 & X86_CR4_PAE), "mode",
		      "CR0 0x%llx CR4 0x%llx EFER 0x%llx: not long mode",
		      (unsigned long long)e->cr0, (unsigned long long)e->cr4,
		      (unsigned long long)e->efer);
	}
}

/* Fields a loader may write: reported, not compared with the file. */
#define WRITABLE	0xffff

/*
 * Report a field. boot.rst marks some fields "read": when the protocol
 * version has them (since), they must be as in the file.
 */
#define HDR_FIELD(p, field, since) \
	report_field(p, #field, bp->hdr.field, fh->field, since)

static void report_field(struct probe *p, const char *name, uint64_t got,
			 uint64_t file, uint16_t since)
{
	line("%s=0x%llx", name, (unsigned long long)got);
	if (since != WRITABLE && hdr_version(p) >= since)
		check(p, got == file, "header",
		      "%s is 0x%llx, the file says 0x%llx (a read-only field)",
		      name, (unsigned long long)got,
		      (unsigned long long)file);
}

/* The setup header as handed over, against the file's (boot.rst types). */
static void report_header(struct probe *p)
{
	const struct boot_params *bp = p->bp;
	const struct setup_header *fh = &p->info->hdr;
	uint8_t lf = bp->hdr.loadflags;
	uint8_t allowed = CAN_USE_HEAP | QUIET_FLAG | KEEP_SEGMENTS;

	HDR_FIELD(p, setup_sects, 0);
	HDR_FIELD(p, syssize, 0);
	HDR_FIELD(p, boot_flag, 0);
	HDR_FIELD(p, jump, BOOT_PROTOCOL(2, 0));
	HDR_FIELD(p, header, BOOT_PROTOCOL(2, 0));
	HDR_FIELD(p, version, BOOT_PROTOCOL(2, 0));
	HDR_FIELD(p, kernel_version, BOOT_PROTOCOL(2, 0));
	HDR_FIELD(p, type_of_loader, WRITABLE);
	HDR_FIELD(p, loadflags, WRITABLE);
	HDR_FIELD(p, code32_start, WRITABLE);
	HDR_FIELD(p, ramdisk_image, WRITABLE);
	HDR_FIELD(p, ramdisk_size, WRITABLE);
	HDR_FIELD(p, heap_end_ptr, WRITABLE);
	HDR_FIELD(p, ext_loader_ver, WRITABLE);
	HDR_FIELD(p, ext_loader_type, WRITABLE);
	HDR_FIELD(p, cmd_line_ptr, WRITABLE);
	HDR_FIELD(p, vid_mode, WRITABLE);
	HDR_FIELD(p, initrd_addr_max, BOOT_PROTOCOL(2, 3));
	HDR_FIELD(p, kernel_alignment, WRITABLE);
	HDR_FIELD(p, relocatable_kernel, BOOT_PROTOCOL(2, 5));
	HDR_FIELD(p, min_alignment, BOOT_PROTOCOL(2, 10));
	HDR_FIELD(p, xloadflags, BOOT_PROTOCOL(2, 12));
	HDR_FIELD(p, cmdline_size, BOOT_PROTOCOL(2, 6));
	HDR_FIELD(p, hardware_subarch, WRITABLE);
	HDR_FIELD(p, payload_offset, BOOT_PROTOCOL(2, 8));
	HDR_FIELD(p, payload_length, BOOT_PROTOCOL(2, 8));
	HDR_FIELD(p, setup_data, WRITABLE);
	HDR_FIELD(p, pref_address, BOOT_PROTOCOL(2, 10));
	HDR_FIELD(p, init_size, BOOT_PROTOCOL(2, 10));
	HDR_FIELD(p, handover_offset, BOOT_PROTOCOL(2, 11));
	HDR_FIELD(p, kernel_info_offset, BOOT_PROTOCOL(2, 15));

	check(p, lf & LOADED_HIGH, "loadflags",
	      "0x%x: LOADED_HIGH was cleared", lf);
	check(p, (lf & ~allowed) == (fh->loadflags & ~allowed), "loadflags",
	      "0x%x: bits other than CAN_USE_HEAP, QUIET_FLAG and "
	      "KEEP_SEGMENTS differ from the file's 0x%x", lf, fh->loadflags);
	if (p->path != PROBE_PATH_16) {
		line("sentinel=0x%x", bp->sentinel);
		check(p, bp->sentinel == 0, "sentinel",
		      "0x%x at 0x1ef: boot_params was not zeroed, or more than "
		      "the setup header was copied into it", bp->sentinel);
		line("ext_ramdisk_image=0x%x", bp->ext_ramdisk_image);
		line("ext_ramdisk_size=0x%x", bp->ext_ramdisk_size);
		line("ext_cmd_line_ptr=0x%x", bp->ext_cmd_line_ptr);
	}
}

/* The command line, escaped: printable ASCII as is, the rest as \xHH. */
static void report_cmdline(struct probe *p)
{
	uint64_t addr = p->bp->hdr.cmd_line_ptr, bad;
	uint32_t max = cmdline_size(p), len = 0;
	bool found = false;

	if (p->path == PROBE_PATH_64)
		addr |= (uint64_t)p->bp->ext_cmd_line_ptr << 32;
	else if (p->path == PROBE_PATH_32)
		check(p, !p->bp->ext_cmd_line_ptr, "cmdline",
		      "ext_cmd_line_ptr 0x%x set on the 32-bit path",
		      p->bp->ext_cmd_line_ptr);
	line("cmdline_addr=0x%llx", (unsigned long long)addr);
	if (!addr) {
		line("cmdline=");
		check(p, false, "cmdline", "cmd_line_ptr is 0");
		return;
	}
	if (!readable(p, addr, 1, &bad)) {
		check(p, false, "cmdline", "0x%llx is not readable here",
		      (unsigned long long)addr);
		return;
	}
	for (len = 0; len < CMDLINE_SCAN_MAX; len++) {
		if (!readable(p, addr + len, 1, &bad))
			break;
		if (!*phys(addr + len)) {
			found = true;
			break;
		}
	}
	serial_puts("probe: cmdline=");
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = *phys(addr + i);
		char esc[8];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			serial_putc((char)c);
		} else {
			fmt_snprintf(esc, sizeof(esc), "\\x%02x", c);
			serial_puts(esc);
		}
	}
	serial_puts("\r\n");
	line("cmdline_len=%u", len);
	check(p, found && len <= max, "cmdline",
	      "%s%u bytes, cmdline_size is %u", found ? "" : "no NUL in ",
	      len, max);
	if (p->path == PROBE_PATH_16) {
		uint64_t seg = p->e->boot_params;
		uint64_t heap_end = (uint64_t)p->bp->hdr.heap_end_ptr +
				    HEAP_END_PTR_DELTA;

		/* boot.rst: not below the real-mode code, nor in high
		 * memory; and not in the setup code or its heap. */
		check(p, addr >= seg + heap_end && addr + len < LOW_MEM_END,
		      "cmdline_place", "0x%llx: not between the heap end "
		      "0x%llx and 0xa0000", (unsigned long long)addr,
		      (unsigned long long)(seg + heap_end));
	} else {
		bool mapped = readable(p, addr, len + 1, &bad);

		check(p, !overlaps(addr, len + 1, p->load, kernel_span(p)),
		      "cmdline_place", "0x%llx inside the kernel's init_size",
		      (unsigned long long)addr);
		check(p, mapped, "mapped_cmdline",
		      "0x%llx not identity mapped", (unsigned long long)bad);
	}
}

/* The memory map: BIOS E820 on path 16, boot_params on 32/64. */
static void report_e820(struct probe *p)
{
	uint64_t ram = 0, prev_end = 0;
	bool sorted = true;

	if (p->path == PROBE_PATH_16) {
		p->map = p->e->e820;
		p->map_len = p->e->e820_count;
		line("e820_source=bios");
	} else {
		p->map = p->bp->e820_table;
		p->map_len = p->bp->e820_entries;
		line("e820_source=boot_params");
		check(p, p->map_len > 0 &&
		      p->map_len <= E820_MAX_ENTRIES_ZEROPAGE, "e820",
		      "e820_entries is %u", p->map_len);
		if (p->map_len > E820_MAX_ENTRIES_ZEROPAGE)
			p->map_len = 0;
	}
	line("e820_entries=%u", p->map_len);
	for (unsigned i = 0; i < p->map_len; i++) {
		uint64_t a = p->map[i].addr, s = p->map[i].size;

		line("e820.%u=0x%llx 0x%llx %u", i, (unsigned long long)a,
		     (unsigned long long)s, (unsigned)p->map[i].type);
		if (p->map[i].type == E820_TYPE_RAM)
			ram += s;
		if (i && a < prev_end)
			sorted = false;
		prev_end = a + s;
	}
	line("ram_total=0x%llx", (unsigned long long)ram);
	line("ram_top_below_4g=0x%llx",
	     (unsigned long long)ram_top_below_4g(p));
	if (p->path != PROBE_PATH_16) {
		check(p, sorted, "e820_sorted",
		      "entries overlap or are not in address order");
		check(p, ram > 0, "e820_ram", "no RAM in the map");
	}
}

/* Where the kernel runs, and whether its bytes arrived intact. */
static void report_kernel(struct probe *p)
{
	const struct probe_info *in = p->info;
	const volatile uint8_t *pm = phys(p->load);
	const volatile uint32_t *w;
	uint64_t span = kernel_span(p), bad;
	uint32_t state = in->seed, crc;
	uint32_t align = in->hdr.kernel_alignment;
	bool ok = true;

	line("kernel_span=0x%llx", (unsigned long long)span);
	line("pm_size=0x%x", in->pm_size);
	if (p->path == PROBE_PATH_64) {
		bool aligned = align && !(p->load & (align - 1));
		bool known = p->load == in->hdr.pref_address ||
			     p->load == in->hdr.code32_start;

		check(p, in->hdr.relocatable_kernel ? aligned || known : known,
		      "load_addr", "0x%llx: not pref_address 0x%llx%s",
		      (unsigned long long)p->load,
		      (unsigned long long)in->hdr.pref_address,
		      in->hdr.relocatable_kernel ?
		      ", nor kernel_alignment aligned" :
		      " and the kernel is not relocatable");
		ok = readable(p, p->load, span, &bad);
		check(p, ok, "mapped_kernel",
		      "0x%llx (in init_size) not identity mapped",
		      (unsigned long long)bad);
	}
	if (p->map_len)
		check(p, in_ram(p, p->load, span), "kernel_in_ram",
		      "[0x%llx, +0x%llx) is not inside one E820 RAM range",
		      (unsigned long long)p->load, (unsigned long long)span);

	ok = true;
	crc = probe_crc32(0, pm, in->pm_size);
	line("pm_crc32=0x%08x", crc);

	w = (const volatile uint32_t *)(pm + in->payload_offset);
	for (uint32_t i = 0; i < in->payload_size / 4; i++) {
		state = probe_xorshift32(state);
		if (w[i] != state) {
			check(p, false, "payload",
			      "byte 0x%x of the protected-mode part is wrong "
			      "(0x%08x, want 0x%08x)",
			      in->payload_offset + 4 * i, w[i], state);
			ok = false;
			break;
		}
	}
	line("payload=%s", ok ? "ok" : "corrupt");
	line("payload_size=0x%x", in->payload_size);

	if (p->path == PROBE_PATH_16) {
		const volatile uint8_t *rm = phys(p->e->boot_params);

		crc = probe_crc32(0, rm + in->setup_code_offset,
				  in->setup_bytes - in->setup_code_offset);
		line("setup_crc32=0x%08x", crc);
		check(p, crc == in->setup_crc32, "setup_crc32",
		      "setup sectors differ from the file (0x%08x, want "
		      "0x%08x): not all %u bytes loaded?", crc,
		      in->setup_crc32, in->setup_bytes);
	}
}

/* boot.rst: initrd placement rules, and its checksum for the host test. */
static void report_initrd(struct probe *p)
{
	const struct boot_params *bp = p->bp;
	uint64_t addr = bp->hdr.ramdisk_image, size = bp->hdr.ramdisk_size;
	uint64_t limit = (uint64_t)initrd_addr_max(p) + 1, top, end, bad;
	bool above_4g = p->path == PROBE_PATH_64 &&
			(p->info->hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);

	if (p->path == PROBE_PATH_64) {
		addr |= (uint64_t)bp->ext_ramdisk_image << 32;
		size |= (uint64_t)bp->ext_ramdisk_size << 32;
	} else if (p->path == PROBE_PATH_32) {
		check(p, !bp->ext_ramdisk_image && !bp->ext_ramdisk_size,
		      "initrd", "ext_ramdisk_* set on the 32-bit path");
	}
	line("initrd_addr=0x%llx", (unsigned long long)addr);
	line("initrd_size=0x%llx", (unsigned long long)size);
	if (!size) {
		line("initrd=none");
		return;
	}
	end = addr + size;
	top = ram_top_below_4g(p);
	if (top && top < limit)
		limit = top;
	line("initrd_end=0x%llx", (unsigned long long)end);
	line("initrd_limit=0x%llx", (unsigned long long)limit);
	line("initrd_headroom=0x%llx",
	     (unsigned long long)(end <= limit ? limit - end : 0));

	check(p, !(addr & (PAGE_SIZE - 1)), "initrd_aligned",
	      "0x%llx is not page aligned", (unsigned long long)addr);
	check(p, addr >= SZ_1M, "initrd_place", "0x%llx is below 1 MiB",
	      (unsigned long long)addr);
	check(p, end - 1 <= initrd_addr_max(p) || above_4g, "initrd_addr_max",
	      "ends at 0x%llx, above initrd_addr_max 0x%x",
	      (unsigned long long)(end - 1), initrd_addr_max(p));
	check(p, !overlaps(addr, size, p->load, kernel_span(p)),
	      "initrd_overlap", "[0x%llx, 0x%llx) overlaps the kernel's "
	      "[0x%llx, 0x%llx) (load address + init_size)",
	      (unsigned long long)addr, (unsigned long long)end,
	      (unsigned long long)p->load,
	      (unsigned long long)(p->load + kernel_span(p)));
	if (p->path != PROBE_PATH_16)
		check(p, !overlaps(addr, size, p->e->boot_params, PAGE_SIZE),
		      "initrd_overlap", "overlaps boot_params");
	if (p->map_len)
		check(p, in_ram(p, addr, size), "initrd_in_ram",
		      "[0x%llx, 0x%llx) is not inside one E820 RAM range",
		      (unsigned long long)addr, (unsigned long long)end);
	if (!readable(p, addr, size, &bad)) {
		check(p, false, "initrd_readable",
		      "0x%llx is not identity mapped (or above 4 GiB without "
		      "paging): no checksum", (unsigned long long)bad);
		return;
	}
	line("initrd_crc32=0x%08x", probe_crc32(0, phys(addr), size));
}

/* zero-page.rst: efi_info, screen_info, acpi_rsdp_addr (32/64-bit). */
static void report_firmware(struct probe *p)
{
	const struct boot_params *bp = p->bp;
	const struct efi_info *ei = &bp->efi_info;
	const struct screen_info *si = &bp->screen_info;
	uint32_t sig = ei->efi_loader_signature;
	uint64_t rsdp = bp->acpi_rsdp_addr, bad;
	uint8_t type = si->orig_video_isVGA;

	if (sig == EFI_LOADER_SIGNATURE_64 || sig == EFI_LOADER_SIGNATURE_32) {
		uint64_t systab = ei->efi_systab |
				  ((uint64_t)ei->efi_systab_hi << 32);
		uint64_t memmap = ei->efi_memmap |
				  ((uint64_t)ei->efi_memmap_hi << 32);
		uint32_t dsize = ei->efi_memdesc_size;
		uint32_t msize = ei->efi_memmap_size;

		line("efi_loader_signature=%s",
		     sig == EFI_LOADER_SIGNATURE_64 ? "EL64" : "EL32");
		line("efi_systab=0x%llx", (unsigned long long)systab);
		line("efi_memmap=0x%llx", (unsigned long long)memmap);
		line("efi_memmap_size=0x%x", msize);
		line("efi_memdesc_size=0x%x", dsize);
		line("efi_memdesc_version=%u", ei->efi_memdesc_version);
		line("efi_memmap_entries=%u", dsize ? msize / dsize : 0);
		if (systab && readable(p, systab, 8, &bad)) {
			bool ok = read64(systab) == EFI_SYSTEM_TABLE_SIGNATURE;

			line("efi_systab_signature=%s", ok ? "ok" : "bad");
			check(p, ok, "efi_systab",
			      "no \"IBI SYST\" at 0x%llx",
			      (unsigned long long)systab);
		} else {
			check(p, false, "efi_systab",
			      "0x%llx is zero or not mapped",
			      (unsigned long long)systab);
		}
		check(p, memmap && dsize && msize && !(msize % dsize),
		      "efi_memmap", "memmap 0x%llx size 0x%x descriptor 0x%x",
		      (unsigned long long)memmap, msize, dsize);
		check(p, ei->efi_memdesc_version ==
		      EFI_MEMORY_DESCRIPTOR_VERSION, "efi_memdesc_version",
		      "%u, want %u", ei->efi_memdesc_version,
		      EFI_MEMORY_DESCRIPTOR_VERSION);
	} else {
		line("efi_loader_signature=%s", sig ? "bad" : "none");
		check(p, !sig, "efi_info", "signature 0x%x is neither EL64 "
		      "nor EL32", sig);
	}

	line("screen_type=0x%x", type);
	if (type == VIDEO_TYPE_EFI || type == VIDEO_TYPE_VLFB) {
		uint64_t base = si->lfb_base, size = si->lfb_size;

		if (si->capabilities & VIDEO_CAPABILITY_64BIT_BASE)
			base |= (uint64_t)si->ext_lfb_base << 32;
		if (type == VIDEO_TYPE_VLFB)
			size <<= 16;	/* in 64 KiB units for VESA */
		line("lfb_base=0x%llx", (unsigned long long)base);
		line("lfb_size=0x%llx", (unsigned long long)size);
		line("lfb_width=%u", si->lfb_width);
		line("lfb_height=%u", si->lfb_height);
		line("lfb_depth=%u", si->lfb_depth);
		line("lfb_linelength=%u", si->lfb_linelength);
		line("lfb_rgb=%u/%u %u/%u %u/%u", si->red_size, si->red_pos,
		     si->green_size, si->green_pos, si->blue_size,
		     si->blue_pos);
		check(p, base && si->lfb_width && si->lfb_height &&
		      si->lfb_depth, "screen_info",
		      "framebuffer base or geometry is zero");
		check(p, (uint32_t)si->lfb_linelength * 8 >=
		      (uint32_t)si->lfb_width * si->lfb_depth &&
		      (uint64_t)si->lfb_linelength * si->lfb_height <= size,
		      "screen_info", "line length %u for %ux%u x %u bits does "
		      "not fit in 0x%llx bytes", si->lfb_linelength,
		      si->lfb_width, si->lfb_height, si->lfb_depth,
		      (unsigned long long)size);
	}

	line("acpi_rsdp_addr=0x%llx", (unsigned long long)rsdp);
	if (rsdp) {
		uint8_t sum = 0;
		bool ok = readable(p, rsdp, ACPI_RSDP_V1_BYTES, &bad);

		if (ok) {
			for (unsigned i = 0; i < ACPI_RSDP_V1_BYTES; i++)
				sum += *phys(rsdp + i);
			ok = read64(rsdp) == ACPI_RSDP_SIGNATURE && !sum;
		}
		line("acpi_rsdp=%s", ok ? "ok" : "bad");
		check(p, ok, "acpi_rsdp", "no valid \"RSD PTR \" at 0x%llx",
		      (unsigned long long)rsdp);
	}
}

void probe_main(struct probe_entry *e) __attribute__((section(".text.entry"),
						      noreturn, used));

#ifndef __x86_64__
/*
 * The chain loader: a test aid that reaches the probe's own 32- and 64-bit
 * entries without any other loader. On the 16-bit path, with
 * `probe.chain=32` or `probe.chain=64 probe.chain_kernel_size=N` on the
 * command line, the initrd handed over is taken as an inner probe bzImage
 * (N bytes, padded to 4 KiB) followed by the inner probe's initrd. The
 * outer probe then does what a 32/64-bit loader does (boot.rst "32-bit
 * Boot Protocol", "64-bit Boot Protocol"): a zeroed boot_params with the
 * inner header copied up to 0x202 + byte[0x201], the header writes, the
 * BIOS E820 map, the ACPI RSDP; the protected-mode part copied to its
 * pref_address; then the jump, through identity-mapped 4 GiB page tables
 * for 64-bit. Its own lines start with "chain:", not "probe:", so the host
 * test sees only the inner probe's report.
 */
#define CHAIN_BOOT_PARAMS	0x60000u	/* free low memory */
#define CHAIN_CMDLINE		0x61000u
#define CHAIN_GDT		0x62000u
#define CHAIN_PAGE_TABLES	0x70000u	/* PML4, PDPT, 4 PDs */
#define CHAIN_PAGE_RW_P		0x3u
#define CHAIN_PAGE_2M		0x80u
#define CHAIN_GDT_CS64		0x00af9b000000ffffull	/* flat, L=1 */
#define CHAIN_GDT_DS		0x00cf93000000ffffull
#define BIOS_ROM_START		0xe0000u	/* RSDP search area */
#define BIOS_ROM_END		0x100000u

void chain_enter64(uint32_t gdtr, uint32_t cr3, uint32_t bp, uint32_t entry)
	__attribute__((noreturn));

/*
 * chain_enter64: protected mode, paging off -> long mode -> entry.
 * In (cdecl): gdtr (6-byte pseudo-descriptor), cr3 (PML4), bp (RSI for
 * the kernel), entry (load address + 0x200). Does not return.
 */
__asm__(
	".pushsection .text\n"
	".globl chain_enter64\n"
	".hidden chain_enter64\n"
	"chain_enter64:\n"
	"	movl 4(%esp), %eax\n"
	"	lgdt (%eax)\n"
	"	movl 8(%esp), %eax\n"
	"	movl %eax, %cr3\n"
	"	movl 12(%esp), %esi\n"
	"	movl 16(%esp), %edi\n"
	"	movl %cr4, %eax\n"
	"	orl $0x20, %eax\n"		/* CR4.PAE */
	"	movl %eax, %cr4\n"
	"	movl $0xc0000080, %ecx\n"	/* EFER */
	"	rdmsr\n"
	"	orl $0x100, %eax\n"		/* EFER.LME */
	"	wrmsr\n"
	"	movl %cr0, %eax\n"
	"	orl $0x80000000, %eax\n"	/* CR0.PG: compatibility mode */
	"	movl %eax, %cr0\n"
	"	call 1f\n"
	"1:	popl %ecx\n"
	"	addl $(2f - 1b), %ecx\n"
	"	pushl $0x10\n"			/* BOOT_CS, the 64-bit one */
	"	pushl %ecx\n"
	"	lret\n"
	"	.code64\n"
	"2:	movl $0x18, %eax\n"		/* BOOT_DS */
	"	movl %eax, %ds\n"
	"	movl %eax, %es\n"
	"	movl %eax, %ss\n"
	"	movl %esi, %esi\n"		/* zero the upper halves */
	"	movl %edi, %edi\n"
	"	jmp *%rdi\n"
	"	.code32\n"
	".popsection\n");

/* The value of "NAME=" on the command line as a number; 0 if absent. */
static uint64_t cmdline_number(const volatile char *cl, const char *name)
{
	for (uint32_t i = 0; cl[i]; i++) {
		uint32_t j = 0;
		uint64_t v = 0;
		unsigned base = 10;

		if (i && cl[i - 1] != ' ')
			continue;
		while (name[j] && cl[i + j] == name[j])
			j++;
		if (name[j] || cl[i + j] != '=')
			continue;
		j++;
		if (cl[i + j] == '0' && cl[i + j + 1] == 'x') {
			base = 16;
			j += 2;
		}
		for (;; j++) {
			char c = cl[i + j];
			unsigned d;

			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (base == 16 && c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else
				break;
			v = v * base + d;
		}
		return v;
	}
	return 0;
}

static __attribute__((noreturn)) void chain_fail(const char *why)
{
	line("verdict=FAIL (chain: %s)", why);
	probe_exit(false);
}

static void chain_boot(struct probe *p, unsigned bits, uint32_t kernel_size)
{
	const struct setup_header *outer = &p->bp->hdr;
	const volatile uint8_t *file = phys(outer->ramdisk_image);
	struct boot_params *bp = (void *)(uintptr_t)CHAIN_BOOT_PARAMS;
	const struct setup_header *ih;
	uint32_t setup_bytes, hdr_end, load, span, initrd_off;
	uint64_t *pt = (uint64_t *)(uintptr_t)CHAIN_PAGE_TABLES;
	uint64_t *gdt = (uint64_t *)(uintptr_t)CHAIN_GDT;
	uint16_t *gdtr = (uint16_t *)(uintptr_t)(CHAIN_GDT + 0x20);
	volatile char *cl = (volatile char *)(uintptr_t)CHAIN_CMDLINE;
	const volatile char *ocl = (const volatile char *)(uintptr_t)
				   outer->cmd_line_ptr;
	const char *name;
	char msg[120];
	uint32_t i;

	if (!outer->ramdisk_size || kernel_size < 0x1000 ||
	    kernel_size > outer->ramdisk_size)
		chain_fail("no inner bzImage of probe.chain_kernel_size bytes "
			   "in the initrd");
	ih = (const struct setup_header *)(uintptr_t)
	     (outer->ramdisk_image + SETUP_HEADER_OFFSET);
	if (ih->header != HDRS_MAGIC)
		chain_fail("the initrd does not start with a bzImage");
	if (bits == 64 && (ih->version < BOOT_PROTOCOL(2, 12) ||
			   !(ih->xloadflags & XLF_KERNEL_64)))
		chain_fail("the inner kernel has no XLF_KERNEL_64");
	setup_bytes = ((ih->setup_sects ? ih->setup_sects :
			SETUP_SECTS_DEFAULT) + 1) * LINUX_SECTOR_SIZE;
	hdr_end = SETUP_HEADER_END_BASE + file[SETUP_HEADER_LEN_BYTE];
	load = ih->version >= BOOT_PROTOCOL(2, 10) ? (uint32_t)ih->pref_address
						   : BZIMAGE_LOAD_ADDR;
	span = ih->version >= BOOT_PROTOCOL(2, 10) ? ih->init_size : 0;
	if (span < kernel_size - setup_bytes)
		span = kernel_size - setup_bytes;
	if (overlaps(load, span, outer->ramdisk_image, outer->ramdisk_size) ||
	    overlaps(load, span, p->load, kernel_span(p)))
		chain_fail("the inner kernel's place overlaps the outer one");
	initrd_off = (kernel_size + (uint32_t)PAGE_SIZE - 1) &
		     ~((uint32_t)PAGE_SIZE - 1);

	/* boot_params: zeroed, the header up to its end, header writes. */
	memset(bp, 0, sizeof(*bp));
	memcpy((uint8_t *)bp + SETUP_HEADER_OFFSET,
	       (const void *)(uintptr_t)(outer->ramdisk_image +
					 SETUP_HEADER_OFFSET),
	       hdr_end - SETUP_HEADER_OFFSET);
	bp->hdr.type_of_loader = LOADER_TYPE_UNDEFINED;
	bp->hdr.code32_start = load;
	for (i = 0; ocl[i] && i < CMDLINE_SCAN_MAX - 1; i++)
		cl[i] = ocl[i];
	cl[i] = 0;
	bp->hdr.cmd_line_ptr = CHAIN_CMDLINE;
	if (outer->ramdisk_size > initrd_off) {
		bp->hdr.ramdisk_image = outer->ramdisk_image + initrd_off;
		bp->hdr.ramdisk_size = outer->ramdisk_size - initrd_off;
	}
	for (i = 0; i < p->e->e820_count && i < E820_MAX_ENTRIES_ZEROPAGE; i++)
		bp->e820_table[i] = p->e->e820[i];
	bp->e820_entries = (uint8_t)i;
	for (i = BIOS_ROM_START; i < BIOS_ROM_END; i += 16) {
		if (read64(i) == ACPI_RSDP_SIGNATURE) {
			bp->acpi_rsdp_addr = i;
			break;
		}
	}

	memcpy((void *)(uintptr_t)load,
	       (const void *)(uintptr_t)(outer->ramdisk_image + setup_bytes),
	       kernel_size - setup_bytes);
	name = (const char *)(uintptr_t)(load + PROBE_INFO_OFFSET +
					 offsetof(struct probe_info, name));
	fmt_snprintf(msg, sizeof(msg), "chain: %u-bit entry of %s at 0x%x, "
		     "boot_params 0x%x\r\n", bits, name,
		     load, CHAIN_BOOT_PARAMS);
	serial_puts(msg);

	if (bits == 32) {
		__asm__ volatile("xorl %%ebx, %%ebx\n\t"
				 "xorl %%edi, %%edi\n\t"
				 "xorl %%ebp, %%ebp\n\t"
				 "jmp *%%eax"
				 : : "a"(load), "S"(bp) : "memory");
		__builtin_unreachable();
	}

	/* 64-bit: identity map 4 GiB with 2 MiB pages, GDT, long mode. */
	memset(pt, 0, 6 * PAGE_SIZE);
	pt[0] = (CHAIN_PAGE_TABLES + PAGE_SIZE) | CHAIN_PAGE_RW_P;
	for (i = 0; i < 4; i++)
		pt[512 + i] = (CHAIN_PAGE_TABLES + (2 + i) * PAGE_SIZE) |
			      CHAIN_PAGE_RW_P;
	for (i = 0; i < 4 * 512; i++)
		pt[1024 + i] = ((uint64_t)i << 21) | CHAIN_PAGE_RW_P |
			       CHAIN_PAGE_2M;
	gdt[0] = 0;
	gdt[1] = 0;
	gdt[BOOT_CS / 8] = CHAIN_GDT_CS64;
	gdt[BOOT_DS / 8] = CHAIN_GDT_DS;
	gdtr[0] = BOOT_DS + 7;
	gdtr[1] = (uint16_t)CHAIN_GDT;
	gdtr[2] = (uint16_t)(CHAIN_GDT >> 16);
	chain_enter64((uint32_t)(uintptr_t)gdtr, CHAIN_PAGE_TABLES,
		      CHAIN_BOOT_PARAMS, load + KERNEL_64_ENTRY_OFFSET);
}

/* On the 16-bit path: chain-load if the command line asks for it. */
static void chain_maybe(struct probe *p)
{
	const volatile char *cl;
	uint64_t bits;

	if (p->path != PROBE_PATH_16 || !p->bp->hdr.cmd_line_ptr)
		return;
	cl = (const volatile char *)(uintptr_t)p->bp->hdr.cmd_line_ptr;
	bits = cmdline_number(cl, "probe.chain");
	if (!bits)
		return;
	if (bits != 32 && bits != 64)
		chain_fail("probe.chain must be 32 or 64");
	chain_boot(p, (unsigned)bits,
		   (uint32_t)cmdline_number(cl, "probe.chain_kernel_size"));
}
#else
static void chain_maybe(struct probe *p)
{
	(void)p;
}
#endif

void probe_main(struct probe_entry *e)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	p.e = e;
	p.load = e->load_addr;
	p.path = e->path;
	p.info = (const struct probe_info *)(uintptr_t)(p.load +
							PROBE_INFO_OFFSET);
	p.bp = (const struct boot_params *)(uintptr_t)e->boot_params;

	serial_init();
	serial_puts("\r\n");
	chain_maybe(&p);
	report_identity(&p);
	if (e->magic != PROBE_ENTRY_MAGIC ||
	    p.info->magic != PROBE_INFO_MAGIC) {
		check(&p, false, "probe", "entry record or info block damaged");
	} else {
		if (p.path == PROBE_PATH_16)
			report_entry16(&p);
		else
			report_entry32_64(&p);
		report_header(&p);
		report_e820(&p);
		report_cmdline(&p);
		report_kernel(&p);
		report_initrd(&p);
		if (p.path != PROBE_PATH_16)
			report_firmware(&p);
	}
	line("checks=%u failed=%u", p.checks, p.failures);
	if (!p.failures)
		line("verdict=PASS");
	else if (p.failures == 1)
		line("verdict=FAIL (%s)", p.first_failure);
	else
		line("verdict=FAIL (%s, and %u more)", p.first_failure,
		     p.failures - 1);
	probe_exit(!p.failures);
}
