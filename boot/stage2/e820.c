// SPDX-License-Identifier: MIT
/*
 * e820.c - the BIOS memory map (INT 15h EAX=E820h), which stage2 needs to
 * place the initrd as high as RAM allows. The kernel's setup code asks the
 * BIOS again itself on this path; the map is not handed over.
 *
 * Firmware folklore (arch/x86/boot/memory.c): some BIOSes clobber
 * registers across the call, some return CF set for the last entry instead
 * of EBX = 0, some ignore the 24-byte request. Each entry goes through the
 * scratch buffer below 1 MiB.
 */
#include "bios.h"
#include "bzimage.h"
#include "layout.h"
#include "stage2.h"
#include "trace.h"

#define SMAP_MAGIC		0x534d4150	/* "SMAP" */
#define E820_ACPI3_ENABLED	0x01		/* extended attributes bit 0 */

struct e820_bios_entry {
	struct e820_entry e;
	uint32_t ext_attr;			/* ACPI 3.0 */
} __attribute__((packed));

unsigned e820_read_map(struct e820_entry *map, unsigned max)
{
	struct e820_bios_entry *buf = (void *)REALMODE_SCRATCH_ADDR;
	struct biosregs in, out;
	unsigned n = 0;
	uint32_t next = 0;

	do {
		memset(buf, 0, sizeof(*buf));
		buf->ext_attr = E820_ACPI3_ENABLED;
		/*
		 * INT 15h EAX=E820h: query the memory map. In: EBX
		 * continuation, ECX buffer size, EDX "SMAP", ES:DI buffer.
		 * Out: CF clear, EAX "SMAP", ECX bytes, EBX next (0 = end).
		 */
		bios_regs_init(&in);
		in.eax = 0xe820;
		in.ebx = next;
		in.ecx = sizeof(*buf);
		in.edx = SMAP_MAGIC;
		in.es = rm_seg(REALMODE_SCRATCH_ADDR);
		in.di = rm_off(REALMODE_SCRATCH_ADDR);
		bios_int(0x15, &in, &out);
		if ((out.eflags & EFLAGS_CF) || out.eax != SMAP_MAGIC)
			break;	/* CF on the last entry: also the end */
		next = out.ebx;
		if (out.ecx > 20 && !(buf->ext_attr & E820_ACPI3_ENABLED))
			continue;
		if (buf->e.size && n < max)
			map[n++] = buf->e;
	} while (next);

	if (n == 0)
		fatal("e820: the BIOS gave no memory map (INT 15h E820h)");
	return e820_sanitize(map, n);
}

void e820_print_map(const struct e820_entry *map, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		struct e820_entry e = map[i];

		console_printf(TRACE_E820, (unsigned long long)e.addr,
			       (unsigned long long)(e.addr + e.size - 1),
			       e820_type_name(e.type));
	}
}
