// SPDX-License-Identifier: MIT
/*
 * inspect.c - `mkdisk inspect FILE [--json] [--mem MiB] [--initrd-size
 * BYTES]`: say what a file is, and whether bzboot can boot it, for someone
 * learning the Linux/x86 boot protocol (Documentation/x86/boot.rst).
 *
 * For a bzImage it prints the file's layout (boot sector, setup code,
 * protected-mode part, compressed payload), every field of the setup
 * header with its offset, its value as stored and what it means, the
 * kernel's entry points, and where this project's two loaders would put
 * each part: stage2 on a memory map like SeaBIOS's for --mem MiB, and
 * BOOTX64.EFI, whose addresses depend on the firmware's free memory. For
 * anything else (an ELF vmlinux, a zImage, an old or truncated kernel, an
 * EFI program, a cpio archive, compressed data, a disk image, an empty
 * file) it says what the file is and why bzboot cannot boot it.
 *
 * Nothing here decides by itself: validity is bzimage_check() and the
 * words are bzimage_format_error(), the placement is bzimage_kernel_span()
 * and bzimage_place_initrd() (common/bzimage.c), the addresses come from
 * common/layout.h, every header field is named through struct setup_header
 * (common/linux_boot.h). So inspect says what stage2, the EFI loader and
 * mkdisk itself would say about the same file.
 *
 * This file is the command: the options, reading the file, what kind of
 * file it is, and the BIOS plan; inspect_describe.c states the facts and
 * inspect_facts.c prints them (inspect.h).
 *
 * Runs on the build machine (hosted C); reads FILE, writes stdout only.
 * The first line is the verdict; --json gives the same facts as one JSON
 * object. Exit status 0 for a bzImage bzboot boots, 1 for anything else
 * (described all the same) or a file that cannot be read, 2 for bad usage.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "mbr.h"

#define INSPECT_USAGE_LINE "usage: " INSPECT_USAGE

#define DEFAULT_MEM_MIB		512
#define MIN_MEM_MIB		2
#define MAX_MEM_MIB		(1024 * 1024)
#define DEFAULT_INITRD_BYTES	(16ULL * MKDISK_MIB)

/*
 * The E820 map SeaBIOS reports on QEMU's default "pc" machine: 1 KiB of
 * EBDA below 640 KiB, the BIOS at 0xf0000, 128 KiB that SeaBIOS keeps at
 * the top of low RAM for its tables, the 256 KiB BIOS flash below 4 GiB.
 * From 3.5 GiB of RAM on, QEMU puts 3 GiB below 4 GiB and the rest above
 * (hw/i386/pc_piix.c).
 */
#define SEABIOS_EBDA_ADDR	0x9fc00ULL
#define SEABIOS_EBDA_END	0xa0000ULL
#define SEABIOS_BIOS_ADDR	0xf0000ULL
#define SEABIOS_HIGH_TABLES	0x20000ULL
#define SEABIOS_FLASH_ADDR	0xfffc0000ULL
#define QEMU_PC_SPLIT_FROM	0xe0000000ULL
#define QEMU_PC_LOW_RAM		0xc0000000ULL

/* cpio archives (cpio(5)): the initramfs format is "newc". */
#define CPIO_NEWC_MAGIC		"070701"
#define CPIO_CRC_MAGIC		"070702"
#define CPIO_ODC_MAGIC		"070707"
#define CPIO_MAGIC_LEN		6
/* 0x71c7, in either byte order. */
#define CPIO_BINARY_MAGIC	070707

const char *const inspect_kind_names[] = {
	[KIND_BZIMAGE] = "bzImage",
	[KIND_LINUX] = "linux-kernel",
	[KIND_EMPTY] = "empty",
	[KIND_ELF] = "elf",
	[KIND_PE] = "pe",
	[KIND_CPIO] = "cpio",
	[KIND_COMPRESSED] = "compressed",
	[KIND_BZBOOT_DISK] = "bzboot-disk-image",
	[KIND_BOOT_SECTOR] = "boot-sector",
	[KIND_TEXT] = "text",
	[KIND_UNKNOWN] = "unknown",
};

/* The bzimage_check() verdicts, for --json. */
static const char *const check_names[] = {
	[BZIMAGE_OK] = "ok",
	[BZIMAGE_ERR_EMPTY] = "empty",
	[BZIMAGE_ERR_TOO_SMALL] = "too_small",
	[BZIMAGE_ERR_ELF] = "elf",
	[BZIMAGE_ERR_NOT_KERNEL] = "not_kernel",
	[BZIMAGE_ERR_NO_HDRS] = "no_hdrs",
	[BZIMAGE_ERR_OLD_PROTOCOL] = "old_protocol",
	[BZIMAGE_ERR_ZIMAGE] = "zimage",
	[BZIMAGE_ERR_SETUP_TOO_BIG] = "setup_too_big",
	[BZIMAGE_ERR_TRUNCATED] = "truncated",
	[BZIMAGE_ERR_NO_PAYLOAD] = "no_payload",
};

const char *inspect_check_name(enum bzimage_error err)
{
	if ((unsigned)err < sizeof(check_names) / sizeof(check_names[0]) &&
	    check_names[err])
		return check_names[err];
	return "other";
}

#define inspect_usage_error(...) \
	mkdisk_usage_error(INSPECT_USAGE_LINE, __VA_ARGS__)

static void inspect_print_help(void)
{
	printf(INSPECT_USAGE_LINE "\n"
	       "\n"
	       "Say what FILE is and whether bzboot can boot it. For a "
	       "bzImage: every setup\n"
	       "header field (offset, value, meaning), the entry points, and "
	       "where stage2\n"
	       "(BIOS) and BOOTX64.EFI (UEFI) would load each part. For "
	       "anything else (ELF\n"
	       "vmlinux, zImage, old or truncated kernel, EFI program, cpio, "
	       "compressed data):\n"
	       "what it is and why it does not boot. The first line is the "
	       "verdict.\n"
	       "\n"
	       "  --json               the same facts as one JSON object\n"
	       "  --mem MiB            RAM of the BIOS machine to place the "
	       "parts in\n"
	       "                       (a SeaBIOS-like E820 map; default %u)\n"
	       "  --initrd-size BYTES  initrd to place (K, M, G suffixes; 0 "
	       "for none;\n"
	       "                       default 16M)\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "Exit status: 0 for a bzImage bzboot boots, 1 for anything "
	       "else, 2 for bad usage.\n",
	       DEFAULT_MEM_MIB);
}

/* A whole number with an optional K, M or G suffix (powers of 1024). */
static bool parse_bytes(const char *arg, uint64_t *out)
{
	unsigned long long v;
	uint64_t unit = 1;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		return false;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		unit = KIB;
	else if (*end == 'M' || *end == 'm')
		unit = MKDISK_MIB;
	else if (*end == 'G' || *end == 'g')
		unit = GIB;
	if (unit != 1)
		end++;
	if (*end || v > UINT64_MAX / unit)
		return false;
	*out = v * unit;
	return true;
}

static void parse_args(int argc, char **argv, struct options *opt)
{
	enum { OPT_JSON = 256, OPT_MEM, OPT_INITRD_SIZE };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "initrd-size", required_argument, NULL, OPT_INITRD_SIZE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->mem_mib = DEFAULT_MEM_MIB;
	opt->initrd_bytes = DEFAULT_INITRD_BYTES;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			opt->json = true;
			break;
		case OPT_MEM:
			errno = 0;
			opt->mem_mib = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end ||
			    errno || opt->mem_mib < MIN_MEM_MIB ||
			    opt->mem_mib > MAX_MEM_MIB)
				inspect_usage_error("--mem %s: not a whole "
						    "number of MiB from %u to "
						    "%u", optarg, MIN_MEM_MIB,
						    MAX_MEM_MIB);
			break;
		case OPT_INITRD_SIZE:
			if (!parse_bytes(optarg, &opt->initrd_bytes))
				inspect_usage_error("--initrd-size %s: not a "
						    "size in bytes (K, M, G "
						    "suffixes)", optarg);
			break;
		case 'h':
			inspect_print_help();
			exit(0);
		case ':':
			inspect_usage_error("%s needs a value",
					    argv[optind - 1]);
		default:
			inspect_usage_error("unknown option %s",
					    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		inspect_usage_error("no file: give the file to inspect");
	if (optind + 1 < argc)
		inspect_usage_error("unexpected argument %s", argv[optind + 1]);
	opt->path = argv[optind];
	if (!opt->path[0])
		inspect_usage_error("empty file name");
}

/* Read up to len bytes at off; returns how many there were. */
static size_t read_at(const struct inspect_file *f, void *buf, size_t len,
		      uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(f->fd, (uint8_t *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mkdisk_die("%s: read failed at offset %llu: %s",
				   f->path, (unsigned long long)(off + done),
				   strerror(errno));
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return done;
}

/* "576 bytes", "7.9 MiB", "2 MiB": the unit that reads best. */
const char *format_size(uint64_t bytes, char *buf, size_t size)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} units[] = { { GIB, "GiB" }, { MKDISK_MIB, "MiB" }, { KIB, "KiB" } };

	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (bytes < units[i].unit)
			continue;
		if (bytes % units[i].unit == 0)
			snprintf(buf, size, "%llu %s",
				 (unsigned long long)(bytes / units[i].unit),
				 units[i].name);
		else
			snprintf(buf, size, "%.1f %s",
				 (double)bytes / (double)units[i].unit,
				 units[i].name);
		return buf;
	}
	snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
	return buf;
}

/* Control characters out of a string printed to a terminal. */
void make_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The compression of data from its magic bytes (boot.rst payload_offset). */
static const char *compression_of(const uint8_t *p, size_t len)
{
	static const struct {
		const char *name;
		uint8_t len;
		uint8_t magic[6];
	} magics[] = {
		{ "gzip", 2, { 0x1f, 0x8b } },
		{ "gzip", 2, { 0x1f, 0x9e } },		/* old gzip */
		{ "xz", 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
		{ "zstd", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
		{ "lz4", 4, { 0x02, 0x21, 0x4c, 0x18 } },	/* legacy */
		{ "lz4", 4, { 0x04, 0x22, 0x4d, 0x18 } },	/* frame */
		{ "bzip2", 3, { 'B', 'Z', 'h' } },
		{ "lzo", 4, { 0x89, 'L', 'Z', 'O' } },
		{ "lzma", 3, { 0x5d, 0x00, 0x00 } },
	};

	for (unsigned i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].len &&
		    !memcmp(p, magics[i].magic, magics[i].len))
			return magics[i].name;
	return NULL;
}

static const char *cpio_format_of(const uint8_t *p, size_t len)
{
	uint16_t binary;

	if (len >= CPIO_MAGIC_LEN && !memcmp(p, CPIO_NEWC_MAGIC,
					     CPIO_MAGIC_LEN))
		return "newc";
	if (len >= CPIO_MAGIC_LEN && !memcmp(p, CPIO_CRC_MAGIC,
					     CPIO_MAGIC_LEN))
		return "newc with CRC";
	if (len >= CPIO_MAGIC_LEN && !memcmp(p, CPIO_ODC_MAGIC,
					     CPIO_MAGIC_LEN))
		return "odc";
	if (len < sizeof(binary))
		return NULL;
	memcpy(&binary, p, sizeof(binary));
	if (binary == CPIO_BINARY_MAGIC)
		return "old binary";
	if (binary == __builtin_bswap16(CPIO_BINARY_MAGIC))
		return "old binary, byte-swapped";
	return NULL;
}

static const char *elf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "AArch64";
	case EM_ARM:
		return "ARM";
	case EM_RISCV:
		return "RISC-V";
	}
	return "unknown-machine";
}

static const char *elf_type_name(unsigned type)
{
	switch (type) {
	case ET_EXEC:
		return "executable";
	case ET_DYN:
		return "shared object (a PIE program or a library)";
	case ET_REL:
		return "relocatable object";
	case ET_CORE:
		return "core dump";
	}
	return "file of unknown type";
}

const char *pe_machine_name(unsigned machine)
{
	switch (machine) {
	case PE_MACHINE_AMD64:
		return "x86-64";
	case PE_MACHINE_I386:
		return "i386";
	case PE_MACHINE_ARM64:
		return "AArch64";
	case PE_MACHINE_ARM:
	case PE_MACHINE_ARMNT:
		return "ARM";
	case PE_MACHINE_RISCV64:
		return "RISC-V 64";
	case PE_MACHINE_EBC:
		return "EFI byte code";
	}
	return "unknown-machine";
}

const char *pe_format_name(unsigned magic)
{
	if (magic == PE_OPT_MAGIC_PE32_PLUS)
		return "PE32+";
	if (magic == PE_OPT_MAGIC_PE32)
		return "PE32";
	return "unknown PE format";
}

const char *pe_subsystem_name(unsigned subsystem)
{
	switch (subsystem) {
	case PE_SUBSYSTEM_EFI_APPLICATION:
		return "EFI application";
	case PE_SUBSYSTEM_EFI_BOOT_DRIVER:
		return "EFI boot service driver";
	case PE_SUBSYSTEM_EFI_RUNTIME_DRIVER:
		return "EFI runtime driver";
	}
	return "non-EFI program (Windows or other)";
}

/* "MZ" at 0, and "PE\0\0" at e_lfanew: a PE/COFF image. */
static void read_pe(struct inspect_file *f)
{
	struct mz_header mz;

	if (f->head_len < sizeof(mz))
		return;
	memcpy(&mz, f->head, sizeof(mz));
	if (mz.e_magic != MZ_MAGIC)
		return;
	f->has_mz = true;
	if (read_at(f, &f->pe, sizeof(f->pe), mz.e_lfanew) < sizeof(f->pe) ||
	    f->pe.signature != PE_SIGNATURE)
		return;
	f->has_pe = true;
	f->pe_offset = mz.e_lfanew;
}

/* The setup header as stored, even when bzimage_check() refuses it. */
static void read_linux_header(struct inspect_file *f)
{
	struct setup_header hdr;

	/* boot.rst: "HdrS" at 0x202 marks a header of protocol 2.00+. */
	if (f->head_len < HDR_OFF(version))
		return;
	memset(&hdr, 0, sizeof(hdr));
	f->hdr_bytes = f->head_len - SETUP_HEADER_OFFSET;
	if (f->hdr_bytes > sizeof(hdr))
		f->hdr_bytes = sizeof(hdr);
	memcpy(&hdr, f->head + SETUP_HEADER_OFFSET, f->hdr_bytes);
	if (hdr.header != HDRS_MAGIC)
		return;
	f->has_hdrs = true;
	f->hdr = hdr;
	/* boot.rst: the header ends at 0x202 + the byte at 0x201. */
	f->hdr_end = SETUP_HEADER_END_BASE + f->head[SETUP_HEADER_LEN_BYTE];
	/* boot.rst: setup_sects 0 means 4. */
	f->setup_bytes = ((hdr.setup_sects ? hdr.setup_sects :
			   SETUP_SECTS_DEFAULT) + 1) * LINUX_SECTOR_SIZE;
	f->has_version_string =
		bzimage_version_string(f->head, f->head_len, f->version_string,
				       sizeof(f->version_string));
}

bool header_has(const struct inspect_file *f, size_t offset,
		       size_t size, uint16_t since)
{
	if (!f->has_hdrs || f->hdr.version < since)
		return false;
	if (offset + size > SETUP_HEADER_OFFSET + f->hdr_bytes)
		return false;
	/* Fields before the jump's end are in every header. */
	return offset < SETUP_HEADER_END_BASE || offset + size <= f->hdr_end;
}

/* The payload's format, and kernel_info, from the protected-mode part. */
static void read_protected_mode_facts(struct inspect_file *f)
{
	uint8_t magic[8];
	size_t n;

	if (HEADER_HAS(f, payload_offset, BOOT_PROTOCOL(2, 8)) &&
	    f->hdr.payload_length) {
		n = read_at(f, magic, sizeof(magic),
			    (uint64_t)f->setup_bytes + f->hdr.payload_offset);
		f->payload_format = compression_of(magic, n);
		if (!f->payload_format && n >= 4 &&
		    magic[0] == 0x7f && !memcmp(magic + 1, "ELF", 3))
			f->payload_format = "uncompressed ELF";
	}
	if (HEADER_HAS(f, kernel_info_offset, BOOT_PROTOCOL(2, 15)) &&
	    f->hdr.kernel_info_offset &&
	    read_at(f, &f->kernel_info, sizeof(f->kernel_info),
		    (uint64_t)f->setup_bytes + f->hdr.kernel_info_offset) ==
	    sizeof(f->kernel_info) &&
	    f->kernel_info.header == KERNEL_INFO_MAGIC)
		f->has_kernel_info = true;
}

/* Mostly printable ASCII or UTF-8, with line ends: text. */
static bool looks_like_text(const uint8_t *p, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' &&
		     p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

/* Everything but a Linux header: what is this file? */
static void identify_other(struct inspect_file *f)
{
	const uint8_t *p = f->head;
	size_t len = f->head_len;
	const char *fmt;
	struct mbr mbr;

	if (f->err == BZIMAGE_ERR_EMPTY) {
		f->kind = KIND_EMPTY;
		snprintf(f->what, sizeof(f->what), "an empty file");
		return;
	}
	if (f->err == BZIMAGE_ERR_ELF && len >= EI_NIDENT) {
		Elf32_Ehdr eh;

		/* e_type and e_machine: at the same place in both classes. */
		memset(&eh, 0, sizeof(eh));
		memcpy(&eh, p, len < sizeof(eh) ? len : sizeof(eh));
		f->kind = KIND_ELF;
		f->elf_class = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
		f->elf_type = eh.e_type;
		f->elf_machine = eh.e_machine;
		snprintf(f->what, sizeof(f->what), "an ELF %u-bit %s %s",
			 f->elf_class, elf_machine_name(eh.e_machine),
			 elf_type_name(eh.e_type));
		if (eh.e_type == ET_EXEC && (eh.e_machine == EM_X86_64 ||
					     eh.e_machine == EM_386))
			snprintf(f->hint, sizeof(f->hint),
				 "if this is vmlinux, the uncompressed kernel, "
				 "boot the bzImage built with it "
				 "(arch/x86/boot/bzImage, /boot/vmlinuz-*)");
		else
			snprintf(f->hint, sizeof(f->hint),
				 "a program, not a kernel: give a bzImage "
				 "(/boot/vmlinuz-*)");
		return;
	}
	if (f->has_mz) {
		f->kind = KIND_PE;
		if (f->has_pe)
			snprintf(f->what, sizeof(f->what),
				 "a PE/COFF %s for %s (%s), without a Linux "
				 "setup header (no \"HdrS\" at 0x%zx)",
				 pe_subsystem_name(f->pe.subsystem),
				 pe_machine_name(f->pe.machine),
				 pe_format_name(f->pe.magic), HDR_OFF(header));
		else
			snprintf(f->what, sizeof(f->what),
				 "an MZ (DOS) executable without a PE header "
				 "or a Linux setup header");
		snprintf(f->hint, sizeof(f->hint),
			 "UEFI firmware runs EFI programs itself; bzboot "
			 "boots only Linux bzImages");
		return;
	}
	fmt = cpio_format_of(p, len);
	if (fmt) {
		f->kind = KIND_CPIO;
		f->format = fmt;
		snprintf(f->what, sizeof(f->what), "a cpio archive (%s "
			 "format): likely an initramfs", fmt);
		/* The kernel's unpacker (init/initramfs.c) takes newc only. */
		if (!memcmp(p, CPIO_NEWC_MAGIC, CPIO_MAGIC_LEN) ||
		    !memcmp(p, CPIO_CRC_MAGIC, CPIO_MAGIC_LEN))
			snprintf(f->hint, sizeof(f->hint), "give it to mkdisk "
				 "with --initrd, not --kernel");
		else
			snprintf(f->hint, sizeof(f->hint), "the kernel unpacks "
				 "only newc archives: make it with cpio -H "
				 "newc and give it with --initrd");
		return;
	}
	fmt = compression_of(p, len);
	if (fmt) {
		f->kind = KIND_COMPRESSED;
		f->format = fmt;
		snprintf(f->what, sizeof(f->what), "%s-compressed data: "
			 "likely a compressed initramfs (initrd)", fmt);
		snprintf(f->hint, sizeof(f->hint),
			 "give an initrd to mkdisk with --initrd; a kernel "
			 "must be a bzImage");
		return;
	}
	if (len >= sizeof(mbr)) {
		memcpy(&mbr, p, sizeof(mbr));
		if (mbr.signature == MBR_SIGNATURE &&
		    mbr.info.magic == STAGE1_INFO_MAGIC) {
			f->kind = KIND_BZBOOT_DISK;
			snprintf(f->what, sizeof(f->what),
				 "a bzboot disk image (stage1_info at 0x%x "
				 "names stage2 at LBA %u)",
				 STAGE1_INFO_OFFSET, mbr.info.stage2_lba);
			snprintf(f->hint, sizeof(f->hint),
				 "boot it as a disk: qemu-system-x86_64 "
				 "-hda %s", f->path);
			return;
		}
		if (mbr.signature == MBR_SIGNATURE) {
			f->kind = KIND_BOOT_SECTOR;
			snprintf(f->what, sizeof(f->what),
				 "a boot sector (0xaa55 at 0x%zx) without a "
				 "Linux header: a disk image, an MBR, or a "
				 "kernel older than protocol 2.00",
				 HDR_OFF(boot_flag));
			return;
		}
	}
	if (looks_like_text(p, len)) {
		f->kind = KIND_TEXT;
		snprintf(f->what, sizeof(f->what), "a text file");
		return;
	}
	f->kind = KIND_UNKNOWN;
	snprintf(f->what, sizeof(f->what), "data of an unknown kind");
}

/* A Linux header that bzimage_check() refuses: say why, in its terms. */
static void identify_linux(struct inspect_file *f)
{
	unsigned maj = f->hdr.version >> 8, min = f->hdr.version & 0xff;

	f->kind = KIND_LINUX;
	switch (f->err) {
	case BZIMAGE_ERR_OLD_PROTOCOL:
		snprintf(f->what, sizeof(f->what), "a Linux kernel with boot "
			 "protocol %u.%02u, older than the 2.02 bzboot needs "
			 "(cmd_line_ptr)", maj, min);
		snprintf(f->hint, sizeof(f->hint), "build a newer kernel");
		break;
	case BZIMAGE_ERR_ZIMAGE:
		snprintf(f->what, sizeof(f->what), "a Linux zImage "
			 "(LOADED_HIGH clear: its protected-mode part wants "
			 "0x10000, below 1 MiB)");
		snprintf(f->hint, sizeof(f->hint), "build it with `make "
			 "bzImage`");
		break;
	case BZIMAGE_ERR_TRUNCATED:
		snprintf(f->what, sizeof(f->what), "a truncated Linux bzImage "
			 "(%llu bytes after the setup code, syssize says "
			 "%llu)", (unsigned long long)f->info.kernel_bytes,
			 (unsigned long long)f->info.syssize_bytes);
		snprintf(f->hint, sizeof(f->hint), "copy the whole file "
			 "again");
		break;
	case BZIMAGE_ERR_SETUP_TOO_BIG:
		snprintf(f->what, sizeof(f->what), "a Linux kernel whose setup "
			 "code (%u sectors) is larger than the 32 KiB boot.rst "
			 "allows", f->info.setup_sects);
		break;
	case BZIMAGE_ERR_NO_PAYLOAD:
		snprintf(f->what, sizeof(f->what), "a Linux setup header "
			 "without a protected-mode part after the setup code "
			 "(a truncated kernel, or setup code alone)");
		break;
	default:
		snprintf(f->what, sizeof(f->what), "a Linux kernel header, "
			 "cut short");
		break;
	}
}

static void plan_bios(const struct inspect_file *f, const struct options *o,
		      struct bios_plan *p);

static void inspect_examine(struct inspect_file *f, const struct options *o)
{
	f->err = bzimage_check(f->head, f->head_len, f->size, &f->info);
	if (f->err != BZIMAGE_OK)
		bzimage_format_error(f->message, sizeof(f->message), f->path,
				     f->err, &f->info);
	read_pe(f);
	if (f->err != BZIMAGE_ERR_ELF)
		read_linux_header(f);
	if (f->has_hdrs)
		read_protected_mode_facts(f);

	if (f->err == BZIMAGE_OK) {
		f->kind = KIND_BZIMAGE;
		snprintf(f->what, sizeof(f->what), "a Linux bzImage");
		plan_bios(f, o, &f->bios);
	} else if (f->has_hdrs) {
		identify_linux(f);
	} else {
		identify_other(f);
	}
}

static void e820_add(struct bios_plan *p, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct e820_entry e = { .addr = addr, .size = size, .type = type };

	if (size && p->map_len < SYNTHETIC_E820_MAX)
		p->map[p->map_len++] = e;
}

/* Is [addr, addr + size) inside one RAM range of the map? */
static bool map_has_ram(const struct bios_plan *p, uint64_t addr,
			uint64_t size)
{
	for (unsigned i = 0; i < p->map_len; i++) {
		struct e820_entry e = p->map[i];

		if (e.type == E820_TYPE_RAM && e.addr <= addr &&
		    addr + size <= e.addr + e.size)
			return true;
	}
	return false;
}

/* What stage2 would do with this kernel on a SeaBIOS machine. */
static void plan_bios(const struct inspect_file *f, const struct options *o,
		      struct bios_plan *p)
{
	uint64_t mem = o->mem_mib * MKDISK_MIB, low = mem, high = 0, top = 0;
	const struct bzimage_info *info = &f->info;

	memset(p, 0, sizeof(*p));
	if (mem >= QEMU_PC_SPLIT_FROM) {
		low = QEMU_PC_LOW_RAM;
		high = mem - low;
	}
	e820_add(p, 0, SEABIOS_EBDA_ADDR, E820_TYPE_RAM);
	e820_add(p, SEABIOS_EBDA_ADDR, SEABIOS_EBDA_END - SEABIOS_EBDA_ADDR,
		 E820_TYPE_RESERVED);
	e820_add(p, SEABIOS_BIOS_ADDR, BZIMAGE_LOAD_ADDR - SEABIOS_BIOS_ADDR,
		 E820_TYPE_RESERVED);
	e820_add(p, BZIMAGE_LOAD_ADDR,
		 low - SEABIOS_HIGH_TABLES - BZIMAGE_LOAD_ADDR, E820_TYPE_RAM);
	e820_add(p, low - SEABIOS_HIGH_TABLES, SEABIOS_HIGH_TABLES,
		 E820_TYPE_RESERVED);
	e820_add(p, SEABIOS_FLASH_ADDR, FOUR_GIB - SEABIOS_FLASH_ADDR,
		 E820_TYPE_RESERVED);
	e820_add(p, FOUR_GIB, high, E820_TYPE_RAM);

	p->kernel_end = BZIMAGE_LOAD_ADDR + bzimage_kernel_span(info);
	p->kernel_fits = map_has_ram(p, BZIMAGE_LOAD_ADDR,
				     bzimage_kernel_span(info));
	p->run_start = bzimage_runtime_start(info, BZIMAGE_LOAD_ADDR);
	p->run_end = p->run_start + info->init_size;
	p->run_fits = !info->init_size ||
		      map_has_ram(p, p->run_start, info->init_size);

	/* The initrd must end at or below initrd_addr_max, RAM and 4 GiB. */
	for (unsigned i = 0; i < p->map_len; i++)
		if (p->map[i].type == E820_TYPE_RAM &&
		    p->map[i].addr + p->map[i].size <= FOUR_GIB &&
		    p->map[i].addr + p->map[i].size > top)
			top = p->map[i].addr + p->map[i].size;
	p->initrd_limit = (uint64_t)info->initrd_addr_max + 1;
	if (p->initrd_limit > top)
		p->initrd_limit = top;
	if (o->initrd_bytes)
		p->initrd_placed = bzimage_place_initrd(info, p->map,
							p->map_len,
							BZIMAGE_LOAD_ADDR,
							o->initrd_bytes, false,
							&p->initrd_addr);
	p->initrd_overlaps_run =
		p->initrd_placed && info->init_size &&
		p->initrd_addr < p->run_end &&
		p->run_start < p->initrd_addr + o->initrd_bytes;

	/* stage2: the command line fits cmdline_size and X+0xe000's room. */
	p->cmdline_max = info->cmdline_size;
	if (p->cmdline_max > REALMODE_CMDLINE_MAX - 1)
		p->cmdline_max = REALMODE_CMDLINE_MAX - 1;
}

int inspect_main(int argc, char **argv)
{
	struct inspect_file *f;
	struct facts facts;
	struct options opt;
	struct stat st;
	int status;

	parse_args(argc, argv, &opt);

	f = calloc(1, sizeof(*f));
	if (!f)
		mkdisk_die("out of memory");
	f->path = opt.path;
	f->fd = open(opt.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0)
		mkdisk_die("%s: cannot open: %s", opt.path, strerror(errno));
	if (fstat(f->fd, &st) < 0)
		mkdisk_die("%s: %s", opt.path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		mkdisk_die("%s: is a directory, not a file", opt.path);
	if (!S_ISREG(st.st_mode))
		mkdisk_die("%s: not a regular file", opt.path);
	f->size = (uint64_t)st.st_size;
	f->head_len = read_at(f, f->head, sizeof(f->head), 0);

	inspect_examine(f, &opt);
	facts_init(&facts);
	inspect_describe(f, &opt, &facts);
	if (opt.json)
		facts_print_json(&facts);
	else
		facts_print_text(&facts);
	facts_free(&facts);
	close(f->fd);
	status = f->kind == KIND_BZIMAGE ? 0 : 1;
	free(f);

	if (fflush(stdout) || ferror(stdout))
		mkdisk_die("stdout: cannot write: %s", strerror(errno));
	return status;
}
