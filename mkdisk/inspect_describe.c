// SPDX-License-Identifier: MIT
/*
 * inspect_describe.c - every fact `mkdisk inspect` states about a file,
 * each said once: its JSON name, its value, and its line of text with
 * what it means (boot.rst's words where boot.rst has them). The facts go
 * into the model of inspect_facts.c, which prints them as text or JSON.
 *
 * In order: the verdict, then for a file with a Linux header its layout
 * and every setup header field, and for a bzImage its entry points and
 * where stage2 (on the --mem machine inspect.c planned) and BOOTX64.EFI
 * would put each part; for anything else, what it is and what to give
 * instead.
 *
 * Runs on the build machine (hosted C); reads what inspect.c learnt.
 */
#include <stdio.h>
#include <string.h>

#include "inspect.h"

/* ------------------------------------------------------------------ */
/* The setup header, field by field.                                   */

/* boot.rst's "Protocol" column; 0 for ALL. */
struct header_field {
	const char *name;
	uint16_t offset;
	uint8_t size;
	uint16_t since;
};

#define HEADER_FIELD(field, since) { \
	#field, HDR_OFF(field), \
	sizeof(((struct setup_header *)0)->field), since }

static const struct header_field header_fields[] = {
	HEADER_FIELD(setup_sects, 0),
	HEADER_FIELD(root_flags, 0),
	HEADER_FIELD(syssize, 0),
	HEADER_FIELD(ram_size, 0),
	HEADER_FIELD(vid_mode, 0),
	HEADER_FIELD(root_dev, 0),
	HEADER_FIELD(boot_flag, 0),
	HEADER_FIELD(jump, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(header, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(version, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(realmode_swtch, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(start_sys_seg, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(kernel_version, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(type_of_loader, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(loadflags, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(setup_move_size, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(code32_start, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(ramdisk_image, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(ramdisk_size, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(bootsect_kludge, BOOT_PROTOCOL(2, 0)),
	HEADER_FIELD(heap_end_ptr, BOOT_PROTOCOL(2, 1)),
	HEADER_FIELD(ext_loader_ver, BOOT_PROTOCOL(2, 2)),
	HEADER_FIELD(ext_loader_type, BOOT_PROTOCOL(2, 2)),
	HEADER_FIELD(cmd_line_ptr, BOOT_PROTOCOL(2, 2)),
	HEADER_FIELD(initrd_addr_max, BOOT_PROTOCOL(2, 3)),
	HEADER_FIELD(kernel_alignment, BOOT_PROTOCOL(2, 5)),
	HEADER_FIELD(relocatable_kernel, BOOT_PROTOCOL(2, 5)),
	HEADER_FIELD(min_alignment, BOOT_PROTOCOL(2, 10)),
	HEADER_FIELD(xloadflags, BOOT_PROTOCOL(2, 12)),
	HEADER_FIELD(cmdline_size, BOOT_PROTOCOL(2, 6)),
	HEADER_FIELD(hardware_subarch, BOOT_PROTOCOL(2, 7)),
	HEADER_FIELD(hardware_subarch_data, BOOT_PROTOCOL(2, 7)),
	HEADER_FIELD(payload_offset, BOOT_PROTOCOL(2, 8)),
	HEADER_FIELD(payload_length, BOOT_PROTOCOL(2, 8)),
	HEADER_FIELD(setup_data, BOOT_PROTOCOL(2, 9)),
	HEADER_FIELD(pref_address, BOOT_PROTOCOL(2, 10)),
	HEADER_FIELD(init_size, BOOT_PROTOCOL(2, 10)),
	HEADER_FIELD(handover_offset, BOOT_PROTOCOL(2, 11)),
	HEADER_FIELD(kernel_info_offset, BOOT_PROTOCOL(2, 15)),
};

#define HEADER_FIELD_COUNT (sizeof(header_fields) / sizeof(header_fields[0]))

static uint64_t field_value(const struct inspect_file *f,
			    const struct header_field *fld)
{
	uint64_t v = 0;

	/* Little-endian host (asserted in common/), like the file. */
	memcpy(&v, (const uint8_t *)&f->hdr +
	       (fld->offset - SETUP_HEADER_OFFSET), fld->size);
	return v;
}

static bool field_present(const struct inspect_file *f,
			  const struct header_field *fld)
{
	return header_has(f, fld->offset, fld->size, fld->since);
}

/* A flag of loadflags or xloadflags, as boot.rst describes the bit. */
struct flag_bit {
	unsigned mask;
	const char *name;
	const char *if_set;
	const char *if_clear;
};

static const struct flag_bit loadflags_bits[] = {
	{ LOADED_HIGH, "LOADED_HIGH",
	  "the protected-mode part goes to 0x100000: a bzImage",
	  "the protected-mode part goes to 0x10000: a zImage" },
	{ KASLR_FLAG, "KASLR_FLAG",
	  "set by the kernel itself: KASLR is on",
	  "set by the kernel itself to say whether KASLR is on" },
	{ QUIET_FLAG, "QUIET_FLAG",
	  "early messages suppressed",
	  "a loader may set it to suppress early messages" },
	{ KEEP_SEGMENTS, "KEEP_SEGMENTS",
	  "obsolete", "obsolete" },
	{ CAN_USE_HEAP, "CAN_USE_HEAP",
	  "heap_end_ptr is valid",
	  "a loader sets it when it writes heap_end_ptr (bzboot does)" },
};

static const struct flag_bit xloadflags_bits[] = {
	{ XLF_KERNEL_64, "XLF_KERNEL_64",
	  "64-bit entry at the load address + 0x200",
	  "no 64-bit entry: a 32-bit kernel" },
	{ XLF_CAN_BE_LOADED_ABOVE_4G, "XLF_CAN_BE_LOADED_ABOVE_4G",
	  "kernel, boot_params, command line, initrd may be above 4 GiB",
	  "kernel, boot_params, command line, initrd stay below 4 GiB" },
	{ XLF_EFI_HANDOVER_32, "XLF_EFI_HANDOVER_32",
	  "32-bit EFI handover entry at load + handover_offset",
	  "no 32-bit EFI handover entry" },
	{ XLF_EFI_HANDOVER_64, "XLF_EFI_HANDOVER_64",
	  "64-bit EFI handover entry at load + handover_offset + 0x200",
	  "no 64-bit EFI handover entry" },
	{ XLF_EFI_KEXEC, "XLF_EFI_KEXEC",
	  "kexec may boot it with EFI runtime services",
	  "no kexec EFI boot with runtime services" },
	{ XLF_5LEVEL, "XLF_5LEVEL",
	  "may be entered with 5-level paging on",
	  "must be entered with 4-level paging" },
	{ XLF_5LEVEL_ENABLED, "XLF_5LEVEL_ENABLED",
	  "built with 5-level paging support",
	  "built without 5-level paging support" },
};

#define FLAG_BITS(a) (sizeof(a) / sizeof(a[0]))

static unsigned bit_number(unsigned mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/* The meaning of one field, with its value worked out. */
static void field_meaning(const struct inspect_file *f,
			  const struct header_field *fld, uint64_t v,
			  char *buf, size_t size)
{
	const struct setup_header *h = &f->hdr;
	char s1[32];
	unsigned sects;

	switch (fld->offset) {
	case HDR_OFF(setup_sects):
		/* boot.rst: setup_sects 0 means 4. */
		sects = v ? (unsigned)v : SETUP_SECTS_DEFAULT;
		snprintf(buf, size, "%s%u sectors of setup code: the real-mode "
			 "part is (%u + 1) x 512 = %u bytes",
			 v ? "" : "0 means 4: ", sects, sects,
			 (sects + 1) * LINUX_SECTOR_SIZE);
		break;
	case HDR_OFF(root_flags):
		snprintf(buf, size, "%s (deprecated: \"ro\"/\"rw\" on the "
			 "command line decide)", v ? "mount the root read-only"
			 : "mount the root read-write");
		break;
	case HDR_OFF(syssize):
		if (h->version >= BOOT_PROTOCOL(2, 4))
			snprintf(buf, size, "protected-mode part in 16-byte "
				 "paragraphs: %llu bytes (%s)",
				 (unsigned long long)(v * 16),
				 format_size(v * 16, s1, sizeof(s1)));
		else
			snprintf(buf, size, "protected-mode part in 16-byte "
				 "paragraphs; before 2.04 only the low 16 bits "
				 "count");
		break;
	case HDR_OFF(ram_size):
	case HDR_OFF(bootsect_kludge):
		snprintf(buf, size, "obsolete: for bootsect.S only");
		break;
	case HDR_OFF(vid_mode):
		if (v == VID_MODE_NORMAL)
			snprintf(buf, size, "video mode \"normal\" (80x25 "
				 "text); the loader writes vga= here");
		else if (v == VID_MODE_EXTENDED)
			snprintf(buf, size, "video mode \"ext\" (80x50 "
				 "text); the loader writes vga= here");
		else if (v == VID_MODE_ASK)
			snprintf(buf, size, "video mode \"ask\": the setup "
				 "code asks; the loader writes vga= here");
		else
			snprintf(buf, size, "video mode 0x%llx; the loader "
				 "writes vga= here", (unsigned long long)v);
		break;
	case HDR_OFF(root_dev):
		snprintf(buf, size, "default root device %llu:%llu "
			 "(deprecated: root= on the command line)",
			 (unsigned long long)(v >> 8),
			 (unsigned long long)(v & 0xff));
		break;
	case HDR_OFF(boot_flag):
		snprintf(buf, size, v == BOOT_FLAG_MAGIC ?
			 "0xaa55: the boot-sector signature" :
			 "not the boot-sector signature 0xaa55");
		break;
	case HDR_OFF(jump):
		if ((v & 0xff) == JMP_SHORT_OPCODE)
			snprintf(buf, size, "jmp short 0x%x (over the header "
				 "to the setup code): the 16-bit entry; "
				 "0x%x + its byte 0x%02x ends the header at "
				 "0x%x",
				 SETUP_HEADER_END_BASE + (int8_t)(v >> 8),
				 SETUP_HEADER_END_BASE,
				 (unsigned)(v >> 8), f->hdr_end);
		else
			snprintf(buf, size, "the 16-bit entry (not a short "
				 "jmp); 0x%x + its second byte ends the "
				 "header at 0x%x", SETUP_HEADER_END_BASE,
				 f->hdr_end);
		break;
	case HDR_OFF(header):
		snprintf(buf, size, "\"HdrS\": a boot-protocol header "
			 "(2.00+)");
		break;
	case HDR_OFF(version):
		snprintf(buf, size, "boot protocol %u.%02u",
			 (unsigned)(v >> 8), (unsigned)(v & 0xff));
		break;
	case HDR_OFF(realmode_swtch):
		snprintf(buf, size, v ? "a real-mode hook, set by a loader" :
			 "no real-mode hook (a loader may set one)");
		break;
	case HDR_OFF(start_sys_seg):
		snprintf(buf, size, "load-low segment (obsolete)");
		break;
	case HDR_OFF(kernel_version):
		if (!v)
			snprintf(buf, size, "no version string");
		else if (f->has_version_string) {
			char text[sizeof(f->version_string)];

			memcpy(text, f->version_string, sizeof(text));
			make_printable(text);
			snprintf(buf, size, "version string at 0x%llx + 0x%x "
				 "= 0x%llx: \"%s\"", (unsigned long long)v,
				 KERNEL_VERSION_BASE,
				 (unsigned long long)(v + KERNEL_VERSION_BASE),
				 text);
		} else {
			snprintf(buf, size, "version string at 0x%llx + 0x%x, "
				 "outside the setup code read",
				 (unsigned long long)v, KERNEL_VERSION_BASE);
		}
		break;
	case HDR_OFF(type_of_loader):
		snprintf(buf, size, "the loader writes its id here (bzboot: "
			 "0x%02x, \"undefined\")", LOADER_TYPE_UNDEFINED);
		break;
	case HDR_OFF(loadflags):
		snprintf(buf, size, "option flags, bit by bit below");
		break;
	case HDR_OFF(setup_move_size):
		snprintf(buf, size, "protocols 2.00-2.01 only: bytes moved "
			 "with the setup code to 0x90000");
		break;
	case HDR_OFF(code32_start):
		snprintf(buf, size, "32-bit entry: where the protected-mode "
			 "part is loaded (a loader that moves it writes the "
			 "new address)");
		break;
	case HDR_OFF(ramdisk_image):
		snprintf(buf, size, "the loader writes the initrd's address");
		break;
	case HDR_OFF(ramdisk_size):
		snprintf(buf, size, "the loader writes the initrd's size");
		break;
	case HDR_OFF(heap_end_ptr):
		snprintf(buf, size, "the loader writes the end of the setup "
			 "heap - 0x200 (bzboot: 0x%x) and sets CAN_USE_HEAP",
			 REALMODE_HEAP_END_PTR);
		break;
	case HDR_OFF(ext_loader_ver):
		snprintf(buf, size, "a loader's extended version (with "
			 "type_of_loader 0xeX)");
		break;
	case HDR_OFF(ext_loader_type):
		snprintf(buf, size, "a loader's extended id (with "
			 "type_of_loader 0xeX)");
		break;
	case HDR_OFF(cmd_line_ptr):
		snprintf(buf, size, "the loader writes the command line's "
			 "address (bzboot on BIOS: 0x%x)",
			 REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET);
		break;
	case HDR_OFF(initrd_addr_max):
		snprintf(buf, size, "the initrd's last byte must be at or "
			 "below this: it ends by %s",
			 format_size(v + 1, s1, sizeof(s1)));
		break;
	case HDR_OFF(kernel_alignment):
		snprintf(buf, size, "a relocatable kernel is loaded at a "
			 "multiple of this (%s)", format_size(v, s1,
							     sizeof(s1)));
		break;
	case HDR_OFF(relocatable_kernel):
		snprintf(buf, size, v ? "relocatable: may be loaded at any "
			 "kernel_alignment multiple" : "not relocatable: runs "
			 "at pref_address, wherever it is loaded");
		break;
	case HDR_OFF(min_alignment):
		snprintf(buf, size, "alignment needed at least: 2^%llu = %s",
			 (unsigned long long)v, v < 64 ?
			 format_size(1ULL << v, s1, sizeof(s1)) : "?");
		break;
	case HDR_OFF(xloadflags):
		snprintf(buf, size, "extended flags, bit by bit below");
		break;
	case HDR_OFF(cmdline_size):
		snprintf(buf, size, "the command line may hold %llu bytes, "
			 "without the NUL", (unsigned long long)v);
		break;
	case HDR_OFF(hardware_subarch):
		snprintf(buf, size, v == HARDWARE_SUBARCH_PC ?
			 "the default x86/PC environment (a loader may write "
			 "another)" : "a paravirtualized environment "
			 "(written by a loader)");
		break;
	case HDR_OFF(hardware_subarch_data):
		snprintf(buf, size, "data for hardware_subarch (unused on a "
			 "PC)");
		break;
	case HDR_OFF(payload_offset):
		if (h->payload_length)
			snprintf(buf, size, "payload (the compressed vmlinux) "
				 "at the protected-mode part + this = file "
				 "offset 0x%llx: %s",
				 (unsigned long long)(f->setup_bytes + v),
				 f->payload_format ? f->payload_format :
				 "unknown format");
		else
			snprintf(buf, size, "no payload recorded");
		break;
	case HDR_OFF(payload_length):
		snprintf(buf, size, "payload bytes (%s)",
			 format_size(v, s1, sizeof(s1)));
		break;
	case HDR_OFF(setup_data):
		snprintf(buf, size, "a loader may link struct setup_data "
			 "here (64-bit physical pointer)");
		break;
	case HDR_OFF(pref_address):
		snprintf(buf, size, "preferred load address (%s); a "
			 "non-relocatable kernel runs here",
			 format_size(v, s1, sizeof(s1)));
		break;
	case HDR_OFF(init_size):
		snprintf(buf, size, "memory the kernel needs from its runtime "
			 "start while it decompresses (%s)",
			 format_size(v, s1, sizeof(s1)));
		break;
	case HDR_OFF(handover_offset):
		if (v && (f->info.xloadflags & (XLF_EFI_HANDOVER_32 |
						XLF_EFI_HANDOVER_64)))
			snprintf(buf, size, "EFI handover entry at load + "
				 "0x%llx (32-bit), + 0x%llx (64-bit)",
				 (unsigned long long)v,
				 (unsigned long long)(v +
						      KERNEL_64_ENTRY_OFFSET));
		else
			snprintf(buf, size, "no EFI handover entry");
		break;
	case HDR_OFF(kernel_info_offset):
		if (f->has_kernel_info)
			snprintf(buf, size, "kernel_info (\"LToP\") at the "
				 "protected-mode part + this: size %u, "
				 "size_total %u, setup_type_max 0x%x",
				 f->kernel_info.size,
				 f->kernel_info.size_total,
				 f->kernel_info.setup_type_max);
		else
			snprintf(buf, size, "no kernel_info (\"LToP\") found "
				 "there");
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

/* The bits of a flags field, set or clear, as lines under its row. */
static void describe_flag_bits(struct facts *m, unsigned value,
			       const struct flag_bit *bits, unsigned count,
			       unsigned width_bits)
{
	unsigned known = 0;

	for (unsigned i = 0; i < count; i++) {
		bool set = value & bits[i].mask;

		known |= bits[i].mask;
		fact_text(m, "      bit %u  %-27s %-5s  %s",
			  bit_number(bits[i].mask), bits[i].name,
			  set ? "set" : "clear",
			  set ? bits[i].if_set : bits[i].if_clear);
	}
	for (unsigned b = 0; b < width_bits; b++)
		if ((value & ~known) & (1u << b))
			fact_text(m, "      bit %u  %-27s %-5s  %s", b,
				  "(unnamed)", "set", "not named in boot.rst");
}

/* The names of the bits that are set, for JSON. */
static void describe_flags_set(struct facts *m, const char *key,
			       unsigned value, const struct flag_bit *bits,
			       unsigned count)
{
	fact_open(m, key, FACT_ARRAY, NULL);
	for (unsigned i = 0; i < count; i++)
		if (value & bits[i].mask)
			fact_string(m, NULL, bits[i].name, NULL);
	fact_close(m);
}

static void describe_header(const struct inspect_file *f, struct facts *m)
{
	char value[24], meaning[512];

	fact_open(m, "setup_header", FACT_OBJECT, "\nSetup header (boot.rst "
		  "\"The Real-Mode Kernel Header\"), at 0x%x, ends at 0x%x:",
		  SETUP_HEADER_OFFSET, f->hdr_end);
	fact_text(m, "  %-21s %-6s %-18s  %s", "field", "offset", "value",
		  "meaning");
	for (unsigned i = 0; i < HEADER_FIELD_COUNT; i++) {
		const struct header_field *fld = &header_fields[i];
		uint64_t v = field_value(f, fld);

		if (!field_present(f, fld)) {
			if (f->hdr.version < fld->since)
				snprintf(meaning, sizeof(meaning),
					 "since protocol %u.%02u: not in "
					 "this header", fld->since >> 8,
					 fld->since & 0xff);
			else if (fld->offset + fld->size >
				 SETUP_HEADER_OFFSET + f->hdr_bytes)
				snprintf(meaning, sizeof(meaning),
					 "past the end of the file");
			else
				snprintf(meaning, sizeof(meaning),
					 "past the header's end at 0x%x",
					 f->hdr_end);
			fact_text(m, "  %-21s 0x%03x  %-18s  %s", fld->name,
				  fld->offset, "-", meaning);
			continue;
		}
		snprintf(value, sizeof(value), "0x%0*llx", fld->size * 2,
			 (unsigned long long)v);
		field_meaning(f, fld, v, meaning, sizeof(meaning));
		fact_uint(m, fld->name, v, "  %-21s 0x%03x  %-18s  %s",
			  fld->name, fld->offset, value, meaning);
		if (fld->offset == HDR_OFF(loadflags))
			describe_flag_bits(m, (unsigned)v, loadflags_bits,
					   FLAG_BITS(loadflags_bits), 8);
		if (fld->offset == HDR_OFF(xloadflags))
			describe_flag_bits(m, (unsigned)v, xloadflags_bits,
					   FLAG_BITS(xloadflags_bits), 16);
	}
	fact_close(m);
	describe_flags_set(m, "loadflags_set", f->hdr.loadflags,
			   loadflags_bits, FLAG_BITS(loadflags_bits));
	describe_flags_set(m, "xloadflags_set",
			   HEADER_HAS(f, xloadflags, BOOT_PROTOCOL(2, 12)) ?
			   f->hdr.xloadflags : 0, xloadflags_bits,
			   FLAG_BITS(xloadflags_bits));
}

/* "Linux 6.1.0-27-amd64": the first word of the version string. */
static void version_word(const struct inspect_file *f, char *buf,
			 size_t size)
{
	size_t n = 0;

	while (f->version_string[n] && f->version_string[n] != ' ' &&
	       n + 1 < size) {
		buf[n] = f->version_string[n];
		n++;
	}
	buf[n] = '\0';
	make_printable(buf);
}

/* The verdict, the first line of the text output (and "summary"). */
static void verdict_line(const struct inspect_file *f,
			 const struct options *o, char *buf, size_t size)
{
	const struct bios_plan *p = &f->bios;
	char word[64] = "";
	const char *bits;
	size_t n;

	if (f->kind != KIND_BZIMAGE) {
		n = (size_t)snprintf(buf, size, "%s: not bootable by bzboot: "
				     "%s", f->path, f->what);
		if (f->hint[0] && n < size)
			snprintf(buf + n, size - n, "; %s", f->hint);
		return;
	}
	if (f->has_version_string)
		version_word(f, word, sizeof(word));
	/* boot.rst: XLF_KERNEL_64 (2.12+) announces the 64-bit entry. */
	if (f->info.xloadflags & XLF_KERNEL_64)
		bits = "64-bit kernel";
	else if (f->info.version < BOOT_PROTOCOL(2, 12))
		bits = "kernel without xloadflags (entered as 32-bit)";
	else
		bits = "32-bit kernel";
	n = (size_t)snprintf(buf, size, "%s: bootable bzImage%s%s, boot "
			     "protocol %u.%02u, %s%s: bzboot boots it "
			     "on BIOS and UEFI", f->path,
			     word[0] ? ", Linux " : "", word,
			     f->info.version >> 8, f->info.version & 0xff,
			     bits, f->has_pe ? " with an EFI stub" : "");
	if (n < size && (!p->kernel_fits || !p->run_fits ||
			 (o->initrd_bytes && !p->initrd_placed) ||
			 p->initrd_overlaps_run))
		snprintf(buf + n, size - n, ", but not on the BIOS machine "
			 "of --mem %llu MiB (see below)",
			 (unsigned long long)o->mem_mib);
}

/* Where the parts of a file with a Linux header are. */
static void describe_layout(const struct inspect_file *f, struct facts *m)
{
	bool cut = f->setup_bytes >= f->size;
	uint64_t pm_bytes = cut ? 0 : f->size - f->setup_bytes;
	uint64_t tail = f->info.syssize_bytes && pm_bytes >
			f->info.syssize_bytes ?
			pm_bytes - f->info.syssize_bytes : 0;
	char s[32];

	fact_open(m, "layout", FACT_OBJECT, "\nFile layout (%llu bytes%s%s):",
		  (unsigned long long)f->size, f->size < KIB ? "" : ", ",
		  f->size < KIB ? "" : format_size(f->size, s, sizeof(s)));
	fact_text(m, "  0x%08x-0x%08x  boot sector: %sthe setup header at "
		  "0x%x, 0xaa55 at 0x%zx", 0, LINUX_SECTOR_SIZE - 1,
		  f->has_mz ? "\"MZ\" for the EFI stub at 0, " : "",
		  SETUP_HEADER_OFFSET, HDR_OFF(boot_flag));
	/* boot.rst: setup_sects 0 means 4. */
	fact_uint(m, "setup_sects_effective",
		  f->setup_bytes / LINUX_SECTOR_SIZE - 1, NULL);
	if (cut)
		fact_uint(m, "setup_bytes", f->setup_bytes, "  0x%08x-0x%08llx"
			  "  setup code, cut short: the file ends before the "
			  "%u bytes setup_sects gives", LINUX_SECTOR_SIZE,
			  (unsigned long long)(f->size - 1), f->setup_bytes);
	else
		fact_uint(m, "setup_bytes", f->setup_bytes, "  0x%08x-0x%08x"
			  "  setup code: %u sectors (setup_sects), the 16-bit "
			  "real-mode part", LINUX_SECTOR_SIZE,
			  f->setup_bytes - 1,
			  f->setup_bytes / LINUX_SECTOR_SIZE - 1);
	fact_uint(m, "protected_mode_offset", f->setup_bytes, NULL);
	fact_uint(m, "protected_mode_bytes", pm_bytes, cut ? NULL :
		  "  0x%08x-0x%08llx  protected-mode part: %llu bytes (%s), "
		  "loaded at code32_start", f->setup_bytes,
		  (unsigned long long)(f->size - 1),
		  (unsigned long long)pm_bytes,
		  format_size(pm_bytes, s, sizeof(s)));
	if (HEADER_HAS(f, payload_offset, BOOT_PROTOCOL(2, 8)) &&
	    f->hdr.payload_length) {
		uint64_t start = (uint64_t)f->setup_bytes +
				 f->hdr.payload_offset;

		fact_uint(m, "payload_file_offset", start, cut ? NULL :
			  "  0x%08llx-0x%08llx  payload: the compressed "
			  "vmlinux (%s), %u bytes (payload_offset, "
			  "payload_length)", (unsigned long long)start,
			  (unsigned long long)(start +
					       f->hdr.payload_length - 1),
			  f->payload_format ? f->payload_format :
			  "unknown-format", f->hdr.payload_length);
		fact_string(m, "payload_compression", f->payload_format,
			    NULL);
	}
	fact_uint(m, "syssize_bytes", (uint64_t)f->hdr.syssize * 16,
		  tail ? "  0x%08llx-0x%08llx  %llu bytes after syssize's "
		  "end (a signature or padding)" : NULL,
		  (unsigned long long)(f->setup_bytes +
				       f->info.syssize_bytes),
		  (unsigned long long)(f->size - 1),
		  (unsigned long long)tail);
	fact_uint(m, "header_end", f->hdr_end, NULL);
	fact_close(m);
	if (f->has_kernel_info) {
		fact_open(m, "kernel_info", FACT_OBJECT, NULL);
		fact_uint(m, "header", f->kernel_info.header, NULL);
		fact_uint(m, "size", f->kernel_info.size, NULL);
		fact_uint(m, "size_total", f->kernel_info.size_total, NULL);
		fact_uint(m, "setup_type_max", f->kernel_info.setup_type_max,
			  NULL);
		fact_close(m);
	}
}

static void describe_entries(const struct inspect_file *f, struct facts *m)
{
	uint16_t xlf = f->info.xloadflags;
	uint32_t handover = f->hdr.handover_offset;

	fact_open(m, "entry_points", FACT_OBJECT, "\nEntry points:");
	fact_uint(m, "real_mode_16_offset", HDR_OFF(jump), "  16-bit       "
		  "the jump at 0x%zx: a loader jumps to segment X+0x%x, "
		  "offset 0, with the real-mode part at segment X",
		  HDR_OFF(jump), REALMODE_ENTRY_SEGMENT_OFFSET);
	fact_uint(m, "protected_mode_32", f->hdr.code32_start, "  32-bit     "
		  "  code32_start 0x%08x, the start of the protected-mode "
		  "part (boot.rst \"32-bit Boot Protocol\")",
		  f->hdr.code32_start);
	if (xlf & XLF_KERNEL_64)
		fact_uint(m, "long_mode_64_offset", KERNEL_64_ENTRY_OFFSET,
			  "  64-bit       load address + 0x%x (XLF_KERNEL_64; "
			  "boot.rst \"64-bit Boot Protocol\")",
			  KERNEL_64_ENTRY_OFFSET);
	else
		fact_string(m, "long_mode_64_offset", NULL, "  64-bit       "
			    "none: XLF_KERNEL_64 is clear, a 32-bit kernel");
	if (f->has_pe)
		fact_bool(m, "efi_stub", true, "  EFI stub     \"MZ\" at 0, "
			  "PE header at 0x%x (e_lfanew at 0x%zx): %s %s, "
			  "entry RVA 0x%x; firmware can run the file as an "
			  "EFI program", f->pe_offset,
			  offsetof(struct mz_header, e_lfanew),
			  pe_machine_name(f->pe.machine),
			  pe_format_name(f->pe.magic),
			  f->pe.address_of_entry_point);
	else
		fact_bool(m, "efi_stub", false,
			  "  EFI stub     none (no PE header)");
	if (handover && (xlf & (XLF_EFI_HANDOVER_32 | XLF_EFI_HANDOVER_64)))
		fact_text(m, "  handover     EFI handover protocol:%s%s%s",
			  xlf & XLF_EFI_HANDOVER_32 ? " 32-bit at load + "
			  "handover_offset" : "",
			  (xlf & XLF_EFI_HANDOVER_32) &&
			  (xlf & XLF_EFI_HANDOVER_64) ? "," : "",
			  xlf & XLF_EFI_HANDOVER_64 ? " 64-bit at load + "
			  "handover_offset + 0x200" : "");
	else
		fact_text(m, "  handover     none (no EFI handover entry)");
	if (handover && (xlf & XLF_EFI_HANDOVER_32))
		fact_uint(m, "efi_handover_32_offset", handover, NULL);
	else
		fact_string(m, "efi_handover_32_offset", NULL, NULL);
	if (handover && (xlf & XLF_EFI_HANDOVER_64))
		fact_uint(m, "efi_handover_64_offset",
			  handover + KERNEL_64_ENTRY_OFFSET, NULL);
	else
		fact_string(m, "efi_handover_64_offset", NULL, NULL);
	fact_close(m);
}

/* What stage2 would do, on the map inspect.c made for --mem. */
static void describe_bios(const struct inspect_file *f,
			  const struct options *o, struct facts *m)
{
	const struct bzimage_info *info = &f->info;
	const struct bios_plan *p = &f->bios;
	unsigned seg = REALMODE_KERNEL_ADDR >> 4;
	uint32_t cmdline_addr = REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET;
	char s[32];

	fact_open(m, "bios", FACT_OBJECT, "\nBIOS: stage2 and the 16-bit boot "
		  "protocol, on a SeaBIOS-like E820 map of %llu MiB (--mem):",
		  (unsigned long long)o->mem_mib);
	fact_uint(m, "mem_mib", o->mem_mib, NULL);
	fact_open(m, "e820", FACT_ARRAY, NULL);
	for (unsigned i = 0; i < p->map_len; i++) {
		struct e820_entry e = p->map[i];

		fact_open(m, NULL, FACT_OBJECT, "  e820         0x%09llx-"
			  "0x%09llx  %s", (unsigned long long)e.addr,
			  (unsigned long long)(e.addr + e.size - 1),
			  e820_type_name(e.type));
		fact_uint(m, "addr", e.addr, NULL);
		fact_uint(m, "size", e.size, NULL);
		fact_uint(m, "type", e.type, NULL);
		fact_string(m, "type_name", e820_type_name(e.type), NULL);
		fact_close(m);
	}
	fact_close(m);
	fact_uint(m, "real_mode_addr", REALMODE_KERNEL_ADDR, "  setup        "
		  "0x%05x-0x%05x  boot sector and setup code, %u bytes, at "
		  "segment X = 0x%04x", REALMODE_KERNEL_ADDR,
		  REALMODE_KERNEL_ADDR + info->setup_bytes - 1,
		  info->setup_bytes, seg);
	fact_uint(m, "real_mode_bytes", info->setup_bytes, NULL);
	fact_uint(m, "heap_end_ptr", REALMODE_HEAP_END_PTR, "  heap         "
		  "0x%05x-0x%05x  the setup code's stack and heap; "
		  "heap_end_ptr = 0x%04x, CAN_USE_HEAP set",
		  REALMODE_KERNEL_ADDR + info->setup_bytes,
		  REALMODE_KERNEL_ADDR + REALMODE_HEAP_END - 1,
		  REALMODE_HEAP_END_PTR);
	fact_uint(m, "cmd_line_ptr", cmdline_addr, "  cmdline      0x%05x-"
		  "0x%05x  cmd_line_ptr = 0x%05x; at most %u bytes "
		  "(cmdline_size %u, room 0x%x)", cmdline_addr,
		  cmdline_addr + REALMODE_CMDLINE_MAX - 1, cmdline_addr,
		  p->cmdline_max, info->cmdline_size, REALMODE_CMDLINE_MAX);
	fact_uint(m, "cmdline_max", p->cmdline_max, NULL);
	fact_uint(m, "kernel_addr", BZIMAGE_LOAD_ADDR, "  kernel       "
		  "0x%08x-0x%08llx  protected-mode part, %llu bytes; reserved "
		  "to 0x%08llx (bzimage_kernel_span: the larger of init_size "
		  "and the file)%s", BZIMAGE_LOAD_ADDR,
		  (unsigned long long)(BZIMAGE_LOAD_ADDR +
				       info->kernel_bytes - 1),
		  (unsigned long long)info->kernel_bytes,
		  (unsigned long long)p->kernel_end,
		  p->kernel_fits ? "" : "; NOT in RAM: stage2 refuses to load");
	fact_uint(m, "kernel_bytes", info->kernel_bytes, NULL);
	fact_uint(m, "kernel_span", bzimage_kernel_span(info), NULL);
	fact_bool(m, "kernel_fits", p->kernel_fits, NULL);
	fact_uint(m, "runtime_start", p->run_start, info->init_size ?
		  "  runtime      0x%08llx-0x%08llx  where the decompressor "
		  "unpacks the kernel (init_size %s)%s" : NULL,
		  (unsigned long long)p->run_start,
		  (unsigned long long)(p->run_end - 1),
		  format_size(info->init_size, s, sizeof(s)),
		  p->run_fits ? "" : "; NOT in RAM: the kernel cannot "
		  "decompress");
	fact_uint(m, "runtime_end", p->run_end, NULL);
	if (!o->initrd_bytes)
		fact_uint(m, "initrd_size", 0,
			  "  initrd       none (--initrd-size 0)");
	else if (p->initrd_placed)
		fact_uint(m, "initrd_size", o->initrd_bytes, "  initrd       "
			  "0x%08llx-0x%08llx  %s (--initrd-size), the highest "
			  "page-aligned place ending by 0x%08llx, clear of the "
			  "kernel%s", (unsigned long long)p->initrd_addr,
			  (unsigned long long)(p->initrd_addr +
					       o->initrd_bytes - 1),
			  format_size(o->initrd_bytes, s, sizeof(s)),
			  (unsigned long long)p->initrd_limit,
			  p->initrd_overlaps_run ? "; WARNING: inside the "
			  "runtime range, the decompressor would overwrite it"
			  : "");
	else
		fact_uint(m, "initrd_size", o->initrd_bytes, "  initrd       "
			  "%s does not fit in RAM ending by 0x%08llx "
			  "(initrd_addr_max 0x%08x) clear of the kernel: "
			  "stage2 stops",
			  format_size(o->initrd_bytes, s, sizeof(s)),
			  (unsigned long long)p->initrd_limit,
			  info->initrd_addr_max);
	fact_uint(m, "initrd_limit", p->initrd_limit, NULL);
	if (p->initrd_placed)
		fact_uint(m, "initrd_addr", p->initrd_addr, NULL);
	else
		fact_string(m, "initrd_addr", NULL, NULL);
	fact_bool(m, "initrd_overlaps_runtime", p->initrd_overlaps_run, NULL);
	fact_uint(m, "jump_cs", seg + REALMODE_ENTRY_SEGMENT_OFFSET,
		  "  jump         real mode, CS:IP = 0x%04x:0000, "
		  "DS=ES=FS=GS=SS = 0x%04x, SP = 0x%04x",
		  seg + REALMODE_ENTRY_SEGMENT_OFFSET, seg, REALMODE_HEAP_END);
	fact_uint(m, "jump_ds", seg, NULL);
	fact_uint(m, "jump_sp", REALMODE_HEAP_END, NULL);
	fact_close(m);
}

/* What BOOTX64.EFI would do: the rules, since the addresses are the
 * firmware's. */
static void describe_uefi(const struct inspect_file *f, struct facts *m)
{
	const struct bzimage_info *info = &f->info;
	bool k64 = info->xloadflags & XLF_KERNEL_64;
	uint64_t run = bzimage_runtime_start(info, info->code32_start);
	uint64_t span_end = info->code32_start + bzimage_kernel_span(info) - 1;

	fact_open(m, "uefi", FACT_OBJECT, "\nUEFI: BOOTX64.EFI and the %s boot "
		  "protocol (addresses depend on the firmware's free memory):",
		  k64 ? "64-bit" : "32-bit");
	fact_string(m, "protocol", k64 ? "64-bit" : "32-bit", NULL);
	fact_open(m, "kernel_addr_tried", FACT_ARRAY, "  kernel       at "
		  "code32_start 0x%08x if free, else pref_address 0x%08llx%s%s",
		  info->code32_start, (unsigned long long)info->pref_address,
		  info->relocatable ? ", else the lowest free multiple of "
		  "kernel_alignment above it" : "",
		  info->relocatable ? "" : " (not relocatable)");
	fact_uint(m, NULL, info->code32_start, NULL);
	fact_uint(m, NULL, info->pref_address, NULL);
	fact_close(m);
	fact_bool(m, "relocatable", info->relocatable, NULL);
	fact_uint(m, "kernel_alignment", info->kernel_alignment, NULL);
	if (info->init_size)
		fact_uint(m, "runtime_start_at_code32_start", run,
			  "  reserved     at 0x%08x: 0x%08x-0x%08llx (the file "
			  "and init_size) and 0x%08llx-0x%08llx (where it "
			  "decompresses)", info->code32_start,
			  info->code32_start, (unsigned long long)span_end,
			  (unsigned long long)run,
			  (unsigned long long)(run + info->init_size - 1));
	else
		fact_uint(m, "runtime_start_at_code32_start", run,
			  "  reserved     at 0x%08x: 0x%08x-0x%08llx, the file "
			  "(no init_size before protocol 2.10)",
			  info->code32_start, info->code32_start,
			  (unsigned long long)span_end);
	fact_uint(m, "header_copy_end", info->header_end, "  boot_params  a "
		  "zeroed 4 KiB page below 4 GiB; header copied from 0x%x to "
		  "0x%x, then the loader's writes, e820 from the UEFI memory "
		  "map, efi_info, screen_info (GOP), acpi_rsdp_addr",
		  SETUP_HEADER_OFFSET, info->header_end);
	fact_text(m, "  cmdline      its own buffer below 4 GiB, at most %u "
		  "bytes", info->cmdline_size);
	fact_bool(m, "initrd_above_4g",
		  info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G,
		  "  initrd       as high as free memory allows, ending by "
		  "initrd_addr_max 0x%08x, clear of the kernel%s",
		  info->initrd_addr_max,
		  info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ?
		  "; above 4 GiB if nothing below fits "
		  "(XLF_CAN_BE_LOADED_ABOVE_4G)" : "");
	if (k64)
		fact_uint(m, "entry_offset", KERNEL_64_ENTRY_OFFSET,
			  "  jump         64-bit: load address + 0x%x, long "
			  "mode, identity mapped, CS = 0x%02x, DS = 0x%02x, "
			  "RSI = boot_params", KERNEL_64_ENTRY_OFFSET, BOOT_CS,
			  BOOT_DS);
	else
		fact_uint(m, "entry_offset", 0, "  jump         32-bit: the "
			  "load address, protected mode, paging off, CS = "
			  "0x%02x, DS = 0x%02x, ESI = boot_params", BOOT_CS,
			  BOOT_DS);
	fact_text(m, "  not used     the kernel's EFI stub and EFI handover "
		  "entry: bzboot builds boot_params itself");
	fact_close(m);
}

void inspect_describe(const struct inspect_file *f, const struct options *o,
		      struct facts *m)
{
	/* Without a Linux header, a short section says what the file is. */
	bool other = !f->has_hdrs;
	char line[1024], s[32];

	verdict_line(f, o, line, sizeof(line));
	fact_string(m, "summary", line, "%s", line);
	fact_string(m, "message", f->err == BZIMAGE_OK ? NULL : f->message,
		    f->err == BZIMAGE_OK ? NULL :
		    "  the loaders and mkdisk say: %s", f->message);
	fact_string(m, "file", f->path, NULL);
	fact_uint(m, "size", f->size, other ? "\nFile: %llu bytes%s%s%s" :
		  NULL, (unsigned long long)f->size,
		  f->size < KIB ? "" : " (",
		  f->size < KIB ? "" : format_size(f->size, s, sizeof(s)),
		  f->size < KIB ? "" : ")");
	fact_bool(m, "bootable", f->kind == KIND_BZIMAGE, NULL);
	fact_string(m, "kind", inspect_kind_names[f->kind], NULL);
	fact_string(m, "check", inspect_check_name(f->err), NULL);
	fact_string(m, "what", f->what, other ? "  what         %s" : NULL,
		    f->what);
	if (f->kind == KIND_ELF) {
		fact_open(m, "elf", FACT_OBJECT, "  ELF          class %u-bit, "
			  "e_type %u, e_machine %u", f->elf_class,
			  f->elf_type, f->elf_machine);
		fact_uint(m, "class", f->elf_class, NULL);
		fact_uint(m, "e_type", f->elf_type, NULL);
		fact_uint(m, "e_machine", f->elf_machine, NULL);
		fact_close(m);
	}
	if (f->has_pe) {
		fact_open(m, "pe", FACT_OBJECT, other ? "  PE           header "
			  "at 0x%x: machine 0x%04x (%s), subsystem %u (%s), "
			  "entry RVA 0x%x" : NULL, f->pe_offset,
			  f->pe.machine, pe_machine_name(f->pe.machine),
			  f->pe.subsystem, pe_subsystem_name(f->pe.subsystem),
			  f->pe.address_of_entry_point);
		fact_uint(m, "offset", f->pe_offset, NULL);
		fact_uint(m, "machine", f->pe.machine, NULL);
		fact_uint(m, "magic", f->pe.magic, NULL);
		fact_uint(m, "subsystem", f->pe.subsystem, NULL);
		fact_uint(m, "address_of_entry_point",
			  f->pe.address_of_entry_point, NULL);
		fact_close(m);
	}
	fact_string(m, "hint", f->hint[0] ? f->hint : NULL,
		    other && f->hint[0] ? "  instead      %s" : NULL, f->hint);
	fact_string(m, "format", f->format, NULL);
	if (!f->has_hdrs)
		return;

	snprintf(s, sizeof(s), "%u.%02u", f->hdr.version >> 8,
		 f->hdr.version & 0xff);
	fact_string(m, "protocol", s, NULL);
	fact_string(m, "kernel_version", f->has_version_string ?
		    f->version_string : NULL, NULL);
	describe_layout(f, m);
	describe_header(f, m);
	if (f->kind != KIND_BZIMAGE) {
		fact_text(m, "\nNot placed in memory: bzimage_check() refuses "
			  "the file.");
		return;
	}
	describe_entries(f, m);
	describe_bios(f, o, m);
	describe_uefi(f, m);
}
