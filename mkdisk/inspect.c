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

#include "bzimage.h"
#include "layout.h"
#include "linux_boot.h"
#include "mbr.h"
#include "mkdisk.h"

#define INSPECT_USAGE_LINE "usage: " INSPECT_USAGE

/* The boot sector and all the setup code: the header, the version string. */
#define INSPECT_HEAD_BYTES	SETUP_MAX_BYTES

#define DEFAULT_MEM_MIB		512
#define MIN_MEM_MIB		2
#define MAX_MEM_MIB		(1024 * 1024)
#define DEFAULT_INITRD_BYTES	(16ULL * MKDISK_MIB)
#define KIB			1024ULL
#define GIB			(1024ULL * MKDISK_MIB)
#define FOUR_GIB		(4 * GIB)

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
#define SYNTHETIC_E820_MAX	8

/* boot.rst "Running the Kernel": the real-mode entry is segment X+0x20. */
#define REALMODE_ENTRY_SEGMENT_OFFSET	0x20

/* boot.rst: the jump at 0x200 is a short jmp, 0xeb and a signed byte. */
#define JMP_SHORT_OPCODE	0xeb
/* boot.rst "kernel_version": the string is at this field's value + 0x200. */
#define KERNEL_VERSION_BASE	0x200
/* boot.rst "hardware_subarch": 0 is the default x86/PC environment. */
#define HARDWARE_SUBARCH_PC	0

/*
 * boot.rst "The kernel_info" (2.15+): at kernel_info_offset from the start
 * of the protected-mode part, read-only facts about the image.
 */
#define KERNEL_INFO_MAGIC	0x506f544c	/* "LToP" */

struct kernel_info {
	uint32_t header;		/* 0x00, KERNEL_INFO_MAGIC */
	uint32_t size;			/* 0x04, the fixed part */
	uint32_t size_total;		/* 0x08, with variable data */
	uint32_t setup_type_max;	/* 0x0c, highest setup_data type */
} __attribute__((packed));

_Static_assert(sizeof(struct kernel_info) == 16, "kernel_info");

/*
 * The PE/COFF headers of an EFI program (and of a kernel's EFI stub), as
 * far as inspect reads them (Microsoft "PE Format"): the MZ header's
 * e_lfanew gives the offset of "PE\0\0", the COFF header follows, then
 * the optional header.
 */
#define PE_SIGNATURE		0x00004550	/* "PE\0\0" */
#define PE_OPT_MAGIC_PE32	0x10b
#define PE_OPT_MAGIC_PE32_PLUS	0x20b
#define PE_MACHINE_I386		0x014c
#define PE_MACHINE_ARM		0x01c2
#define PE_MACHINE_ARMNT	0x01c4
#define PE_MACHINE_EBC		0x0ebc
#define PE_MACHINE_RISCV64	0x5064
#define PE_MACHINE_AMD64	0x8664
#define PE_MACHINE_ARM64	0xaa64
#define PE_SUBSYSTEM_EFI_APPLICATION	10
#define PE_SUBSYSTEM_EFI_BOOT_DRIVER	11
#define PE_SUBSYSTEM_EFI_RUNTIME_DRIVER	12

struct mz_header {
	uint16_t e_magic;		/* 0x00, MZ_MAGIC */
	uint8_t _pad_0x02[0x3a];	/* 0x02 */
	uint32_t e_lfanew;		/* 0x3c, offset of struct pe_header */
} __attribute__((packed));

struct pe_header {
	uint32_t signature;			/* 0x00, PE_SIGNATURE */
	uint16_t machine;			/* 0x04 */
	uint16_t number_of_sections;		/* 0x06 */
	uint32_t time_date_stamp;		/* 0x08 */
	uint32_t pointer_to_symbol_table;	/* 0x0c */
	uint32_t number_of_symbols;		/* 0x10 */
	uint16_t size_of_optional_header;	/* 0x14 */
	uint16_t characteristics;		/* 0x16 */
	uint16_t magic;				/* 0x18, optional hdr */
	uint8_t major_linker_version;		/* 0x1a */
	uint8_t minor_linker_version;		/* 0x1b */
	uint32_t size_of_code;			/* 0x1c */
	uint32_t size_of_initialized_data;	/* 0x20 */
	uint32_t size_of_uninitialized_data;	/* 0x24 */
	uint32_t address_of_entry_point;	/* 0x28 */
	uint8_t _pad_0x2c[0x30];		/* 0x2c */
	uint16_t subsystem;			/* 0x5c, optional + 68 */
} __attribute__((packed));

_Static_assert(offsetof(struct mz_header, e_lfanew) == 0x3c, "e_lfanew");
_Static_assert(offsetof(struct pe_header, magic) == 0x18, "optional header");
_Static_assert(offsetof(struct pe_header, subsystem) == 0x18 + 68,
	       "subsystem");

/* cpio archives (cpio(5)): the initramfs format is "newc". */
#define CPIO_NEWC_MAGIC		"070701"
#define CPIO_CRC_MAGIC		"070702"
#define CPIO_ODC_MAGIC		"070707"
#define CPIO_MAGIC_LEN		6
/* 0x71c7, in either byte order. */
#define CPIO_BINARY_MAGIC	070707

/* What a file turned out to be. */
enum inspect_kind {
	KIND_BZIMAGE,		/* bzimage_check() says BZIMAGE_OK */
	KIND_LINUX,		/* "HdrS", but bzimage_check() refuses it */
	KIND_EMPTY,
	KIND_ELF,
	KIND_PE,		/* "MZ" without a Linux header */
	KIND_CPIO,
	KIND_COMPRESSED,
	KIND_BZBOOT_DISK,	/* an MBR with stage1_info: mkdisk output */
	KIND_BOOT_SECTOR,	/* 0xaa55 at 0x1fe, no "HdrS" */
	KIND_TEXT,
	KIND_UNKNOWN,
};

static const char *const kind_names[] = {
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

struct options {
	const char *path;
	bool json;
	uint64_t mem_mib;
	uint64_t initrd_bytes;
};

/* The synthetic BIOS memory map and what stage2 would do on it. */
struct bios_plan {
	struct e820_entry map[SYNTHETIC_E820_MAX];
	unsigned map_len;
	uint64_t kernel_end;		/* BZIMAGE_LOAD_ADDR + span */
	bool kernel_fits;
	uint64_t run_start, run_end;	/* where the decompressor works */
	bool run_fits;
	uint64_t initrd_limit;		/* the initrd must end by this */
	bool initrd_placed;
	uint64_t initrd_addr;
	bool initrd_overlaps_run;
	uint32_t cmdline_max;
};

/* Everything learnt about the file, printed as text or as JSON. */
struct inspect_file {
	const char *path;
	int fd;
	uint64_t size;
	uint8_t head[INSPECT_HEAD_BYTES];
	size_t head_len;

	/* The shared check and its message. */
	enum bzimage_error err;
	struct bzimage_info info;
	char message[512];

	enum inspect_kind kind;
	char what[256];			/* "an ELF 64-bit x86-64 ..." */
	char hint[256];			/* what to do instead, or "" */

	/* A Linux header ("HdrS" at 0x202): the fields as stored. */
	bool has_hdrs;
	struct setup_header hdr;
	size_t hdr_bytes;		/* bytes of hdr the file has */
	uint32_t hdr_end;		/* 0x202 + the byte at 0x201 */
	bool has_version_string;
	char version_string[256];
	uint32_t setup_bytes;		/* after "0 means 4" */
	const char *payload_format;	/* "xz", ... or NULL */
	bool has_kernel_info;
	struct kernel_info kernel_info;

	/* "MZ" and a PE header: an EFI program or a kernel's EFI stub. */
	bool has_mz;
	bool has_pe;
	uint32_t pe_offset;
	struct pe_header pe;

	/* Other kinds. */
	unsigned elf_class;		/* 32 or 64 */
	unsigned elf_type;
	unsigned elf_machine;
	const char *format;		/* cpio or compression format */

	/* For a bzImage: what stage2 would do with it (--mem). */
	struct bios_plan bios;
};


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
static const char *format_size(uint64_t bytes, char *buf, size_t size)
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
static void make_printable(char *s)
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

static const char *pe_machine_name(unsigned machine)
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

static const char *pe_format_name(unsigned magic)
{
	if (magic == PE_OPT_MAGIC_PE32_PLUS)
		return "PE32+";
	if (magic == PE_OPT_MAGIC_PE32)
		return "PE32";
	return "unknown PE format";
}

static const char *pe_subsystem_name(unsigned subsystem)
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

/* Is field [offset, offset + size) of the header in this file's header? */
static bool header_has(const struct inspect_file *f, size_t offset,
		       size_t size, uint16_t since)
{
	if (!f->has_hdrs || f->hdr.version < since)
		return false;
	if (offset + size > SETUP_HEADER_OFFSET + f->hdr_bytes)
		return false;
	/* Fields before the jump's end are in every header. */
	return offset < SETUP_HEADER_END_BASE || offset + size <= f->hdr_end;
}

#define HEADER_HAS(f, field, since) \
	header_has(f, HDR_OFF(field), \
		   sizeof(((struct setup_header *)0)->field), since)

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

static void text_print_flags(unsigned value, const struct flag_bit *bits,
			     unsigned count, unsigned width_bits)
{
	unsigned known = 0;

	for (unsigned i = 0; i < count; i++) {
		bool set = value & bits[i].mask;

		known |= bits[i].mask;
		printf("      bit %u  %-27s %-5s  %s\n",
		       bit_number(bits[i].mask), bits[i].name,
		       set ? "set" : "clear",
		       set ? bits[i].if_set : bits[i].if_clear);
	}
	for (unsigned b = 0; b < width_bits; b++)
		if ((value & ~known) & (1u << b))
			printf("      bit %u  %-27s %-5s  %s\n", b, "(unnamed)",
			       "set", "not named in boot.rst");
}

static void text_print_header(const struct inspect_file *f)
{
	char value[24], meaning[512];

	printf("\nSetup header (boot.rst \"The Real-Mode Kernel Header\"), at "
	       "0x%x, ends at 0x%x:\n", SETUP_HEADER_OFFSET, f->hdr_end);
	printf("  %-21s %-6s %-18s  %s\n", "field", "offset", "value",
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
			printf("  %-21s 0x%03x  %-18s  %s\n", fld->name,
			       fld->offset, "-", meaning);
			continue;
		}
		snprintf(value, sizeof(value), "0x%0*llx", fld->size * 2,
			 (unsigned long long)v);
		field_meaning(f, fld, v, meaning, sizeof(meaning));
		printf("  %-21s 0x%03x  %-18s  %s\n", fld->name, fld->offset,
		       value, meaning);
		if (fld->offset == HDR_OFF(loadflags))
			text_print_flags((unsigned)v, loadflags_bits,
					 FLAG_BITS(loadflags_bits), 8);
		if (fld->offset == HDR_OFF(xloadflags))
			text_print_flags((unsigned)v, xloadflags_bits,
					 FLAG_BITS(xloadflags_bits), 16);
	}
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

static void text_print_layout(const struct inspect_file *f)
{
	uint64_t pm_end = f->size, pm_bytes;
	char s[32];

	printf("\nFile layout (%llu bytes%s%s):\n",
	       (unsigned long long)f->size, f->size < KIB ? "" : ", ",
	       f->size < KIB ? "" : format_size(f->size, s, sizeof(s)));
	printf("  0x%08x-0x%08x  boot sector: %sthe setup header at 0x%x, "
	       "0xaa55 at 0x%zx\n", 0, LINUX_SECTOR_SIZE - 1,
	       f->has_mz ? "\"MZ\" for the EFI stub at 0, " : "",
	       SETUP_HEADER_OFFSET, HDR_OFF(boot_flag));
	if (f->setup_bytes >= f->size) {
		printf("  0x%08x-0x%08llx  setup code, cut short: the file "
		       "ends before the %u bytes setup_sects gives\n",
		       LINUX_SECTOR_SIZE, (unsigned long long)(f->size - 1),
		       f->setup_bytes);
		return;
	}
	printf("  0x%08x-0x%08x  setup code: %u sectors (setup_sects), the "
	       "16-bit real-mode part\n", LINUX_SECTOR_SIZE,
	       f->setup_bytes - 1, f->setup_bytes / LINUX_SECTOR_SIZE - 1);
	pm_bytes = pm_end - f->setup_bytes;
	printf("  0x%08x-0x%08llx  protected-mode part: %llu bytes (%s), "
	       "loaded at code32_start\n", f->setup_bytes,
	       (unsigned long long)(pm_end - 1), (unsigned long long)pm_bytes,
	       format_size(pm_bytes, s, sizeof(s)));
	if (HEADER_HAS(f, payload_offset, BOOT_PROTOCOL(2, 8)) &&
	    f->hdr.payload_length) {
		uint64_t start = (uint64_t)f->setup_bytes +
				 f->hdr.payload_offset;

		printf("  0x%08llx-0x%08llx  payload: the compressed vmlinux "
		       "(%s), %u bytes (payload_offset, payload_length)\n",
		       (unsigned long long)start,
		       (unsigned long long)(start + f->hdr.payload_length - 1),
		       f->payload_format ? f->payload_format :
		       "unknown-format", f->hdr.payload_length);
	}
	if (f->info.syssize_bytes && pm_bytes > f->info.syssize_bytes)
		printf("  0x%08llx-0x%08llx  %llu bytes after syssize's "
		       "end (a signature or padding)\n",
		       (unsigned long long)(f->setup_bytes +
					    f->info.syssize_bytes),
		       (unsigned long long)(pm_end - 1),
		       (unsigned long long)(pm_bytes - f->info.syssize_bytes));
}

static void text_print_entries(const struct inspect_file *f)
{
	uint16_t xlf = f->info.xloadflags;

	printf("\nEntry points:\n");
	printf("  16-bit       the jump at 0x%zx: a loader jumps to segment "
	       "X+0x%x, offset 0, with the real-mode part at segment X\n",
	       HDR_OFF(jump), REALMODE_ENTRY_SEGMENT_OFFSET);
	printf("  32-bit       code32_start 0x%08x, the start of the "
	       "protected-mode part (boot.rst \"32-bit Boot Protocol\")\n",
	       f->hdr.code32_start);
	if (xlf & XLF_KERNEL_64)
		printf("  64-bit       load address + 0x%x (XLF_KERNEL_64; "
		       "boot.rst \"64-bit Boot Protocol\")\n",
		       KERNEL_64_ENTRY_OFFSET);
	else
		printf("  64-bit       none: XLF_KERNEL_64 is clear, a 32-bit "
		       "kernel\n");
	if (f->has_pe)
		printf("  EFI stub     \"MZ\" at 0, PE header at 0x%x "
		       "(e_lfanew at 0x%zx): %s %s, entry RVA 0x%x; firmware "
		       "can run the file as an EFI program\n", f->pe_offset,
		       offsetof(struct mz_header, e_lfanew),
		       pe_machine_name(f->pe.machine),
		       pe_format_name(f->pe.magic),
		       f->pe.address_of_entry_point);
	else
		printf("  EFI stub     none (no PE header)\n");
	if (f->hdr.handover_offset &&
	    (xlf & (XLF_EFI_HANDOVER_32 | XLF_EFI_HANDOVER_64)))
		printf("  handover     EFI handover protocol:%s%s%s\n",
		       xlf & XLF_EFI_HANDOVER_32 ? " 32-bit at load + "
		       "handover_offset" : "",
		       (xlf & XLF_EFI_HANDOVER_32) &&
		       (xlf & XLF_EFI_HANDOVER_64) ? "," : "",
		       xlf & XLF_EFI_HANDOVER_64 ? " 64-bit at load + "
		       "handover_offset + 0x200" : "");
	else
		printf("  handover     none (no EFI handover entry)\n");
}

static void text_print_bios(const struct inspect_file *f,
			    const struct options *o,
			    const struct bios_plan *p)
{
	const struct bzimage_info *info = &f->info;
	unsigned seg = REALMODE_KERNEL_ADDR >> 4;
	char s[32], s2[32];

	printf("\nBIOS: stage2 and the 16-bit boot protocol, on a "
	       "SeaBIOS-like E820 map of %llu MiB (--mem):\n",
	       (unsigned long long)o->mem_mib);
	for (unsigned i = 0; i < p->map_len; i++)
		printf("  e820         0x%09llx-0x%09llx  %s\n",
		       (unsigned long long)p->map[i].addr,
		       (unsigned long long)(p->map[i].addr + p->map[i].size -
					    1),
		       e820_type_name(p->map[i].type));
	printf("  setup        0x%05x-0x%05x  boot sector and setup code, "
	       "%u bytes, at segment X = 0x%04x\n", REALMODE_KERNEL_ADDR,
	       REALMODE_KERNEL_ADDR + info->setup_bytes - 1,
	       info->setup_bytes, seg);
	printf("  heap         0x%05x-0x%05x  the setup code's stack and "
	       "heap; heap_end_ptr = 0x%04x, CAN_USE_HEAP set\n",
	       REALMODE_KERNEL_ADDR + info->setup_bytes,
	       REALMODE_KERNEL_ADDR + REALMODE_HEAP_END - 1,
	       REALMODE_HEAP_END_PTR);
	printf("  cmdline      0x%05x-0x%05x  cmd_line_ptr = 0x%05x; at most "
	       "%u bytes (cmdline_size %u, room 0x%x)\n",
	       REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET,
	       REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET +
	       REALMODE_CMDLINE_MAX - 1,
	       REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET, p->cmdline_max,
	       info->cmdline_size, REALMODE_CMDLINE_MAX);
	printf("  kernel       0x%08x-0x%08llx  protected-mode part, %llu "
	       "bytes; reserved to 0x%08llx (bzimage_kernel_span: the "
	       "larger of init_size and the file)%s\n",
	       BZIMAGE_LOAD_ADDR,
	       (unsigned long long)(BZIMAGE_LOAD_ADDR + info->kernel_bytes -
				    1),
	       (unsigned long long)info->kernel_bytes,
	       (unsigned long long)p->kernel_end,
	       p->kernel_fits ? "" : "; NOT in RAM: stage2 refuses to load");
	if (info->init_size)
		printf("  runtime      0x%08llx-0x%08llx  where the "
		       "decompressor unpacks the kernel (init_size %s)%s\n",
		       (unsigned long long)p->run_start,
		       (unsigned long long)(p->run_end - 1),
		       format_size(info->init_size, s, sizeof(s)),
		       p->run_fits ? "" : "; NOT in RAM: the kernel cannot "
		       "decompress");
	if (!o->initrd_bytes)
		printf("  initrd       none (--initrd-size 0)\n");
	else if (p->initrd_placed)
		printf("  initrd       0x%08llx-0x%08llx  %s (--initrd-size), "
		       "the highest page-aligned place ending by 0x%08llx, "
		       "clear of the kernel%s\n",
		       (unsigned long long)p->initrd_addr,
		       (unsigned long long)(p->initrd_addr + o->initrd_bytes -
					    1),
		       format_size(o->initrd_bytes, s, sizeof(s)),
		       (unsigned long long)p->initrd_limit,
		       p->initrd_overlaps_run ? "; WARNING: inside the "
		       "runtime range, the decompressor would overwrite it" :
		       "");
	else
		printf("  initrd       %s does not fit in RAM ending by "
		       "0x%08llx (initrd_addr_max 0x%08x) clear of the "
		       "kernel: stage2 stops\n",
		       format_size(o->initrd_bytes, s2, sizeof(s2)),
		       (unsigned long long)p->initrd_limit,
		       info->initrd_addr_max);
	printf("  jump         real mode, CS:IP = 0x%04x:0000, "
	       "DS=ES=FS=GS=SS = 0x%04x, SP = 0x%04x\n",
	       seg + REALMODE_ENTRY_SEGMENT_OFFSET, seg, REALMODE_HEAP_END);
}

static void text_print_uefi(const struct inspect_file *f)
{
	const struct bzimage_info *info = &f->info;
	bool k64 = info->xloadflags & XLF_KERNEL_64;
	uint64_t run = bzimage_runtime_start(info, info->code32_start);

	printf("\nUEFI: BOOTX64.EFI and the %s boot protocol (addresses "
	       "depend on the firmware's free memory):\n",
	       k64 ? "64-bit" : "32-bit");
	printf("  kernel       at code32_start 0x%08x if free, else "
	       "pref_address 0x%08llx%s%s\n", info->code32_start,
	       (unsigned long long)info->pref_address,
	       info->relocatable ? ", else the lowest free multiple of "
	       "kernel_alignment above it" : "",
	       info->relocatable ? "" : " (not relocatable)");
	if (info->init_size)
		printf("  reserved     at 0x%08x: 0x%08x-0x%08llx (the file "
		       "and init_size) and 0x%08llx-0x%08llx (where it "
		       "decompresses)\n", info->code32_start,
		       info->code32_start,
		       (unsigned long long)(info->code32_start +
					    bzimage_kernel_span(info) - 1),
		       (unsigned long long)run,
		       (unsigned long long)(run + info->init_size - 1));
	else
		printf("  reserved     at 0x%08x: 0x%08x-0x%08llx, the file "
		       "(no init_size before protocol 2.10)\n",
		       info->code32_start, info->code32_start,
		       (unsigned long long)(info->code32_start +
					    bzimage_kernel_span(info) - 1));
	printf("  boot_params  a zeroed 4 KiB page below 4 GiB; header "
	       "copied from 0x%x to 0x%x, then the loader's writes, e820 "
	       "from the UEFI memory map, efi_info, screen_info (GOP), "
	       "acpi_rsdp_addr\n", SETUP_HEADER_OFFSET, info->header_end);
	printf("  cmdline      its own buffer below 4 GiB, at most %u bytes\n",
	       info->cmdline_size);
	printf("  initrd       as high as free memory allows, ending by "
	       "initrd_addr_max 0x%08x, clear of the kernel%s\n",
	       info->initrd_addr_max,
	       info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ?
	       "; above 4 GiB if nothing below fits "
	       "(XLF_CAN_BE_LOADED_ABOVE_4G)" : "");
	if (k64)
		printf("  jump         64-bit: load address + 0x%x, long mode, "
		       "identity mapped, CS = 0x%02x, DS = 0x%02x, RSI = "
		       "boot_params\n", KERNEL_64_ENTRY_OFFSET, BOOT_CS,
		       BOOT_DS);
	else
		printf("  jump         32-bit: the load address, protected "
		       "mode, paging off, CS = 0x%02x, DS = 0x%02x, ESI = "
		       "boot_params\n", BOOT_CS, BOOT_DS);
	printf("  not used     the kernel's EFI stub and EFI handover entry: "
	       "bzboot builds boot_params itself\n");
}

static void text_print_other(const struct inspect_file *f)
{
	char s[32];

	printf("\nFile: %llu bytes%s%s%s\n", (unsigned long long)f->size,
	       f->size < KIB ? "" : " (",
	       f->size < KIB ? "" : format_size(f->size, s, sizeof(s)),
	       f->size < KIB ? "" : ")");
	printf("  what         %s\n", f->what);
	if (f->kind == KIND_ELF)
		printf("  ELF          class %u-bit, e_type %u, e_machine %u\n",
		       f->elf_class, f->elf_type, f->elf_machine);
	if (f->has_pe)
		printf("  PE           header at 0x%x: machine 0x%04x (%s), "
		       "subsystem %u (%s), entry RVA 0x%x\n", f->pe_offset,
		       f->pe.machine, pe_machine_name(f->pe.machine),
		       f->pe.subsystem, pe_subsystem_name(f->pe.subsystem),
		       f->pe.address_of_entry_point);
	if (f->hint[0])
		printf("  instead      %s\n", f->hint);
}

static void print_text(const struct inspect_file *f, const struct options *o)
{
	char line[1024];

	verdict_line(f, o, line, sizeof(line));
	printf("%s\n", line);
	if (f->err != BZIMAGE_OK)
		printf("  the loaders and mkdisk say: %s\n", f->message);

	if (!f->has_hdrs) {
		text_print_other(f);
		return;
	}
	text_print_layout(f);
	text_print_header(f);
	if (f->kind != KIND_BZIMAGE) {
		printf("\nNot placed in memory: bzimage_check() refuses the "
		       "file.\n");
		return;
	}
	text_print_entries(f);
	text_print_bios(f, o, &f->bios);
	text_print_uefi(f);
}

/* ------------------------------------------------------------------ */
/* JSON, written by hand: one object, two-space indents.               */

struct json {
	unsigned depth;
	bool need_comma;
};

/* Length of a valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* A JSON string: quotes, escapes, invalid UTF-8 as U+FFFD. */
static void json_write_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		default:
			if (*s < 0x20) {
				printf("\\u%04x", *s);
			} else if (*s < 0x80) {
				putchar(*s);
			} else if ((n = utf8_sequence(s)) != 0) {
				fwrite(s, 1, n, stdout);
				s += n;
				continue;
			} else {
				fputs("\\ufffd", stdout);
			}
			break;
		}
		s++;
	}
	putchar('"');
}

/* Start a member (or an array element when key is NULL). */
static void json_write_key(struct json *j, const char *key)
{
	if (j->need_comma)
		putchar(',');
	putchar('\n');
	for (unsigned i = 0; i < j->depth; i++)
		fputs("  ", stdout);
	if (key) {
		json_write_string(key);
		fputs(": ", stdout);
	}
	j->need_comma = true;
}

static void json_open(struct json *j, const char *key, char bracket)
{
	json_write_key(j, key);
	putchar(bracket);
	j->depth++;
	j->need_comma = false;
}

static void json_close(struct json *j, char bracket)
{
	j->depth--;
	putchar('\n');
	for (unsigned i = 0; i < j->depth; i++)
		fputs("  ", stdout);
	putchar(bracket);
	j->need_comma = true;
}

static void json_uint(struct json *j, const char *key, uint64_t v)
{
	json_write_key(j, key);
	printf("%llu", (unsigned long long)v);
}

static void json_bool(struct json *j, const char *key, bool v)
{
	json_write_key(j, key);
	fputs(v ? "true" : "false", stdout);
}

/* A string member; NULL writes null. */
static void json_string(struct json *j, const char *key, const char *s)
{
	json_write_key(j, key);
	if (s)
		json_write_string(s);
	else
		fputs("null", stdout);
}

static void json_flags(struct json *j, const char *key, unsigned value,
		       const struct flag_bit *bits, unsigned count)
{
	json_open(j, key, '[');
	for (unsigned i = 0; i < count; i++)
		if (value & bits[i].mask)
			json_string(j, NULL, bits[i].name);
	json_close(j, ']');
}

static void json_header(struct json *j, const struct inspect_file *f)
{
	json_open(j, "setup_header", '{');
	for (unsigned i = 0; i < HEADER_FIELD_COUNT; i++)
		if (field_present(f, &header_fields[i]))
			json_uint(j, header_fields[i].name,
				  field_value(f, &header_fields[i]));
	json_close(j, '}');
	json_flags(j, "loadflags_set", f->hdr.loadflags, loadflags_bits,
		   FLAG_BITS(loadflags_bits));
	json_flags(j, "xloadflags_set",
		   HEADER_HAS(f, xloadflags, BOOT_PROTOCOL(2, 12)) ?
		   f->hdr.xloadflags : 0, xloadflags_bits,
		   FLAG_BITS(xloadflags_bits));
}

static void json_layout(struct json *j, const struct inspect_file *f)
{
	bool has_payload = HEADER_HAS(f, payload_offset, BOOT_PROTOCOL(2, 8)) &&
			   f->hdr.payload_length;

	json_open(j, "layout", '{');
	/* boot.rst: setup_sects 0 means 4. */
	json_uint(j, "setup_sects_effective",
		  f->setup_bytes / LINUX_SECTOR_SIZE - 1);
	json_uint(j, "setup_bytes", f->setup_bytes);
	json_uint(j, "protected_mode_offset", f->setup_bytes);
	json_uint(j, "protected_mode_bytes", f->size > f->setup_bytes ?
		  f->size - f->setup_bytes : 0);
	json_uint(j, "syssize_bytes", (uint64_t)f->hdr.syssize * 16);
	json_uint(j, "header_end", f->hdr_end);
	if (has_payload) {
		json_uint(j, "payload_file_offset",
			  (uint64_t)f->setup_bytes + f->hdr.payload_offset);
		json_string(j, "payload_compression", f->payload_format);
	}
	json_close(j, '}');
	if (f->has_kernel_info) {
		json_open(j, "kernel_info", '{');
		json_uint(j, "header", f->kernel_info.header);
		json_uint(j, "size", f->kernel_info.size);
		json_uint(j, "size_total", f->kernel_info.size_total);
		json_uint(j, "setup_type_max", f->kernel_info.setup_type_max);
		json_close(j, '}');
	}
}

static void json_entries(struct json *j, const struct inspect_file *f)
{
	uint16_t xlf = f->info.xloadflags;

	json_open(j, "entry_points", '{');
	json_uint(j, "real_mode_16_offset", HDR_OFF(jump));
	json_uint(j, "protected_mode_32", f->hdr.code32_start);
	if (xlf & XLF_KERNEL_64)
		json_uint(j, "long_mode_64_offset", KERNEL_64_ENTRY_OFFSET);
	else
		json_string(j, "long_mode_64_offset", NULL);
	json_bool(j, "efi_stub", f->has_pe);
	if (f->hdr.handover_offset && (xlf & XLF_EFI_HANDOVER_32))
		json_uint(j, "efi_handover_32_offset", f->hdr.handover_offset);
	else
		json_string(j, "efi_handover_32_offset", NULL);
	if (f->hdr.handover_offset && (xlf & XLF_EFI_HANDOVER_64))
		json_uint(j, "efi_handover_64_offset", f->hdr.handover_offset +
			  KERNEL_64_ENTRY_OFFSET);
	else
		json_string(j, "efi_handover_64_offset", NULL);
	json_close(j, '}');
}

static void json_bios(struct json *j, const struct inspect_file *f,
		      const struct options *o)
{
	const struct bzimage_info *info = &f->info;
	const struct bios_plan *p = &f->bios;

	json_open(j, "bios", '{');
	json_uint(j, "mem_mib", o->mem_mib);
	json_open(j, "e820", '[');
	for (unsigned i = 0; i < p->map_len; i++) {
		json_open(j, NULL, '{');
		json_uint(j, "addr", p->map[i].addr);
		json_uint(j, "size", p->map[i].size);
		json_uint(j, "type", p->map[i].type);
		json_string(j, "type_name", e820_type_name(p->map[i].type));
		json_close(j, '}');
	}
	json_close(j, ']');
	json_uint(j, "real_mode_addr", REALMODE_KERNEL_ADDR);
	json_uint(j, "real_mode_bytes", info->setup_bytes);
	json_uint(j, "heap_end_ptr", REALMODE_HEAP_END_PTR);
	json_uint(j, "cmd_line_ptr", REALMODE_KERNEL_ADDR +
		  REALMODE_CMDLINE_OFFSET);
	json_uint(j, "cmdline_max", p->cmdline_max);
	json_uint(j, "kernel_addr", BZIMAGE_LOAD_ADDR);
	json_uint(j, "kernel_bytes", info->kernel_bytes);
	json_uint(j, "kernel_span", bzimage_kernel_span(info));
	json_bool(j, "kernel_fits", p->kernel_fits);
	json_uint(j, "runtime_start", p->run_start);
	json_uint(j, "runtime_end", p->run_end);
	json_uint(j, "initrd_size", o->initrd_bytes);
	json_uint(j, "initrd_limit", p->initrd_limit);
	if (p->initrd_placed)
		json_uint(j, "initrd_addr", p->initrd_addr);
	else
		json_string(j, "initrd_addr", NULL);
	json_bool(j, "initrd_overlaps_runtime", p->initrd_overlaps_run);
	json_uint(j, "jump_cs", (REALMODE_KERNEL_ADDR >> 4) +
		  REALMODE_ENTRY_SEGMENT_OFFSET);
	json_uint(j, "jump_ds", REALMODE_KERNEL_ADDR >> 4);
	json_uint(j, "jump_sp", REALMODE_HEAP_END);
	json_close(j, '}');
}

static void json_uefi(struct json *j, const struct inspect_file *f)
{
	const struct bzimage_info *info = &f->info;
	bool k64 = info->xloadflags & XLF_KERNEL_64;
	uint64_t run = bzimage_runtime_start(info, info->code32_start);

	json_open(j, "uefi", '{');
	json_string(j, "protocol", k64 ? "64-bit" : "32-bit");
	json_open(j, "kernel_addr_tried", '[');
	json_uint(j, NULL, info->code32_start);
	json_uint(j, NULL, info->pref_address);
	json_close(j, ']');
	json_bool(j, "relocatable", info->relocatable);
	json_uint(j, "kernel_alignment", info->kernel_alignment);
	json_uint(j, "runtime_start_at_code32_start", run);
	json_uint(j, "header_copy_end", info->header_end);
	json_uint(j, "entry_offset", k64 ? KERNEL_64_ENTRY_OFFSET : 0);
	json_bool(j, "initrd_above_4g",
		  info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
	json_close(j, '}');
}

static void print_json(const struct inspect_file *f, const struct options *o)
{
	struct json j = { 0, false };
	char line[1024];

	verdict_line(f, o, line, sizeof(line));
	putchar('{');
	j.depth = 1;
	json_string(&j, "file", f->path);
	json_uint(&j, "size", f->size);
	json_bool(&j, "bootable", f->kind == KIND_BZIMAGE);
	json_string(&j, "kind", kind_names[f->kind]);
	json_string(&j, "check", (unsigned)f->err < sizeof(check_names) /
		    sizeof(check_names[0]) && check_names[f->err] ?
		    check_names[f->err] : "other");
	json_string(&j, "message", f->err == BZIMAGE_OK ? NULL : f->message);
	json_string(&j, "summary", line);
	json_string(&j, "what", f->what);
	json_string(&j, "hint", f->hint[0] ? f->hint : NULL);
	json_string(&j, "format", f->format);
	if (f->kind == KIND_ELF) {
		json_open(&j, "elf", '{');
		json_uint(&j, "class", f->elf_class);
		json_uint(&j, "e_type", f->elf_type);
		json_uint(&j, "e_machine", f->elf_machine);
		json_close(&j, '}');
	}
	if (f->has_pe) {
		json_open(&j, "pe", '{');
		json_uint(&j, "offset", f->pe_offset);
		json_uint(&j, "machine", f->pe.machine);
		json_uint(&j, "magic", f->pe.magic);
		json_uint(&j, "subsystem", f->pe.subsystem);
		json_uint(&j, "address_of_entry_point",
			  f->pe.address_of_entry_point);
		json_close(&j, '}');
	}
	if (f->has_hdrs) {
		char protocol[8];

		snprintf(protocol, sizeof(protocol), "%u.%02u",
			 f->hdr.version >> 8, f->hdr.version & 0xff);
		json_string(&j, "protocol", protocol);
		json_string(&j, "kernel_version", f->has_version_string ?
			    f->version_string : NULL);
		json_header(&j, f);
		json_layout(&j, f);
	}
	if (f->kind == KIND_BZIMAGE) {
		json_entries(&j, f);
		json_bios(&j, f, o);
		json_uefi(&j, f);
	}
	json_close(&j, '}');
	putchar('\n');
}

int inspect_main(int argc, char **argv)
{
	struct inspect_file *f;
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
	if (opt.json)
		print_json(f, &opt);
	else
		print_text(f, &opt);
	close(f->fd);
	status = f->kind == KIND_BZIMAGE ? 0 : 1;
	free(f);

	if (fflush(stdout) || ferror(stdout))
		mkdisk_die("stdout: cannot write: %s", strerror(errno));
	return status;
}
