/* SPDX-License-Identifier: MIT */
/*
 * inspect.h - what the three parts of `mkdisk inspect` share:
 *
 *   inspect.c           the command: options, reading the file, what kind
 *                       of file it is, where stage2 would put a bzImage
 *   inspect_describe.c  every fact about the file, once: its JSON name,
 *                       its value and its line of text with the meaning
 *   inspect_facts.c     the model those facts go into, and its two
 *                       printers, text and JSON
 *
 * Hosted code: it runs on the build machine with the C library.
 */
#ifndef MKDISK_INSPECT_H
#define MKDISK_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "layout.h"
#include "linux_boot.h"
#include "mkdisk.h"

/* The boot sector and all the setup code: the header, the version string. */
#define INSPECT_HEAD_BYTES	SETUP_MAX_BYTES

#define KIB			1024ULL
#define GIB			(1024ULL * MKDISK_MIB)
#define FOUR_GIB		(4 * GIB)
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

/* inspect.c: names and sizes in words, for the descriptions. */
extern const char *const inspect_kind_names[];
const char *inspect_check_name(enum bzimage_error err);
const char *format_size(uint64_t bytes, char *buf, size_t size);
void make_printable(char *s);
const char *pe_machine_name(unsigned machine);
const char *pe_format_name(unsigned magic);
const char *pe_subsystem_name(unsigned subsystem);
/* Is field [offset, offset + size) of the header in this file's header? */
bool header_has(const struct inspect_file *f, size_t offset, size_t size,
		uint16_t since);

#define HEADER_HAS(f, field, since) \
	header_has(f, HDR_OFF(field), \
		   sizeof(((struct setup_header *)0)->field), since)

/*
 * The model: a tree of facts. A fact has a JSON name (NULL for an array
 * element or a line of text alone), a value, and a line of text (NULL
 * when the text output does not show it by itself). Objects and arrays
 * hold facts; their text is a title. The text printer prints every line
 * in order; the JSON printer prints every fact that has a value.
 */
enum fact_type {
	FACT_TEXT,		/* a line of text only */
	FACT_UINT,
	FACT_STRING,		/* str NULL is JSON null */
	FACT_BOOL,
	FACT_OBJECT,
	FACT_ARRAY,
};

struct fact {
	enum fact_type type;
	const char *key;
	char *text;
	uint64_t num;
	char *str;
	struct fact *first, *last, *next;
};

#define FACTS_MAX_DEPTH	4

struct facts {
	struct fact root;			/* the JSON object */
	struct fact *open[FACTS_MAX_DEPTH];	/* open[depth - 1]: adding here */
	unsigned depth;
};

#define FACT_FORMAT(n) __attribute__((format(printf, n, n + 1)))

void facts_init(struct facts *m);
/* Each adds one fact to the innermost open object or array; fmt, when not
 * NULL, is its line of text. */
void fact_text(struct facts *m, const char *fmt, ...) FACT_FORMAT(2);
void fact_uint(struct facts *m, const char *key, uint64_t v,
	       const char *fmt, ...) FACT_FORMAT(4);
void fact_string(struct facts *m, const char *key, const char *s,
		 const char *fmt, ...) FACT_FORMAT(4);
void fact_bool(struct facts *m, const char *key, bool v,
	       const char *fmt, ...) FACT_FORMAT(4);
/* Open an object or an array (type), which takes the facts added until
 * fact_close(); fmt is its title line in the text. */
void fact_open(struct facts *m, const char *key, enum fact_type type,
	       const char *fmt, ...) FACT_FORMAT(4);
void fact_close(struct facts *m);
void facts_print_text(const struct facts *m);
void facts_print_json(const struct facts *m);
void facts_free(struct facts *m);

/* inspect_describe.c: every fact about the examined file, into m. */
void inspect_describe(const struct inspect_file *f, const struct options *o,
		      struct facts *m);

#endif
