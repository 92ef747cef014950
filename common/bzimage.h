/* SPDX-License-Identifier: MIT */
/*
 * bzimage.h - checking a kernel file against the boot protocol, and the
 * placement rules every loader follows (Documentation/x86/boot.rst).
 *
 * One copy for stage2, the EFI loader, mkdisk and the tests: each of them
 * reads the first BZIMAGE_PROBE_BYTES of the kernel file, calls
 * bzimage_check() and prints bzimage_format_error() when it fails, so all
 * say the same thing about the same file. Freestanding; no allocation.
 */
#ifndef COMMON_BZIMAGE_H
#define COMMON_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux_boot.h"

/* How much of the kernel file bzimage_check() needs: the first 1 KiB. */
#define BZIMAGE_PROBE_BYTES	1024

/* Page size for initrd alignment and placement. */
#define BZIMAGE_PAGE_SIZE	4096

enum bzimage_error {
	BZIMAGE_OK = 0,
	BZIMAGE_ERR_EMPTY,		/* file is empty */
	BZIMAGE_ERR_TOO_SMALL,		/* shorter than the setup header */
	BZIMAGE_ERR_ELF,		/* an ELF file: vmlinux */
	BZIMAGE_ERR_NOT_KERNEL,		/* no 0xAA55 and no "HdrS" */
	BZIMAGE_ERR_NO_HDRS,		/* 0xAA55 but no "HdrS" at 0x202 */
	BZIMAGE_ERR_OLD_PROTOCOL,	/* version < 2.02 */
	BZIMAGE_ERR_ZIMAGE,		/* LOADED_HIGH clear */
	BZIMAGE_ERR_SETUP_TOO_BIG,	/* setup larger than 32 KiB */
	BZIMAGE_ERR_TRUNCATED,		/* 16+ bytes short of setup + syssize */
	BZIMAGE_ERR_NO_PAYLOAD,		/* nothing after the setup sectors */
};

/* What the loaders need to know about a kernel, all from its header. */
struct bzimage_info {
	uint16_t version;		/* protocol, BOOT_PROTOCOL(maj, min) */
	uint8_t loadflags;
	uint16_t xloadflags;		/* 0 before 2.12 */
	uint32_t setup_sects;		/* after "0 means 4" */
	uint32_t setup_bytes;		/* (setup_sects + 1) * 512 */
	uint64_t file_size;
	uint64_t kernel_bytes;		/* file_size - setup_bytes */
	uint64_t syssize_bytes;		/* syssize * 16 (2.04+), else 0 */
	uint32_t code32_start;
	uint32_t cmdline_size;		/* 255 before 2.06 */
	uint32_t initrd_addr_max;	/* 0x37ffffff before 2.03 */
	uint32_t kernel_alignment;	/* 2.05+, else 0 */
	bool relocatable;		/* 2.05+ relocatable_kernel */
	uint64_t pref_address;		/* 2.10+, else 0x100000 */
	uint32_t init_size;		/* 2.10+, else kernel_bytes, rounded */
	uint32_t header_end;		/* 0x202 + byte at 0x201 */
};

/*
 * Check the start of a kernel file. buf holds its first buf_len bytes
 * (BZIMAGE_PROBE_BYTES, or all of it if it is shorter), file_size is the
 * whole file's size. On BZIMAGE_OK, *info is filled in; on an error, as
 * much of *info as was read (version for BZIMAGE_ERR_OLD_PROTOCOL).
 */
enum bzimage_error bzimage_check(const void *buf, size_t buf_len,
				 uint64_t file_size, struct bzimage_info *info);

/* A fixed text for an error, without values. */
const char *bzimage_strerror(enum bzimage_error err);

/*
 * The full one-line message, "PATH: problem (detail). hint", with values
 * from *info, e.g. "/vmlinuz: kernel protocol 2.01 is too old (need 2.02+)".
 * Returns the length that the message has (as snprintf).
 */
int bzimage_format_error(char *buf, size_t size, const char *path,
			 enum bzimage_error err, const struct bzimage_info *info);

/*
 * The kernel version string, from the kernel_version field: it points into
 * the setup code at (kernel_version + 0x200). Copies at most size - 1 bytes
 * of it into out (always NUL-terminated); returns false when the string is
 * not within the first buf_len bytes of the file.
 */
bool bzimage_version_string(const void *buf, size_t buf_len, char *out,
			    size_t size);

/* Command line length check: len excludes the NUL. */
bool bzimage_cmdline_fits(const struct bzimage_info *info, size_t len);

/*
 * boot.rst "vga=<mode>": the value for vid_mode. Returns false when the
 * command line has no vga= option (leave the kernel's vid_mode as it is).
 */
bool bzimage_cmdline_vid_mode(const char *cmdline, uint16_t *vid_mode);

struct bzimage_region {
	uint64_t addr;
	uint64_t size;
};

/*
 * Where the kernel decompresses itself and runs, for a given load address
 * (boot.rst, "init_size"): pref_address when not relocatable, else the load
 * address aligned up to kernel_alignment, never below pref_address (the
 * decompressor's LOAD_PHYSICAL_ADDR). It needs init_size bytes from there.
 */
uint64_t bzimage_runtime_start(const struct bzimage_info *info,
			       uint64_t load_addr);

/*
 * Placement of the initrd(s): the highest page-aligned address such that
 * [addr, addr + size) lies in one RAM range of the map, ends at or below
 * initrd_addr_max + 1 and 4 GiB (unless above_4g and the kernel allows it),
 * starts at or above 1 MiB, and overlaps neither the loaded kernel
 * [kernel_addr, kernel_addr + bzimage_kernel_span()) nor its runtime range
 * [bzimage_runtime_start(), + init_size). Returns false when no such place
 * exists.
 */
bool bzimage_place_initrd(const struct bzimage_info *info,
			  const struct e820_entry *map, unsigned map_len,
			  uint64_t kernel_addr, uint64_t size, bool above_4g,
			  uint64_t *addr);

/* Bytes the kernel needs from its load address: max(init_size, kernel). */
uint64_t bzimage_kernel_span(const struct bzimage_info *info);

/* What a loader writes into the header (and boot_params) before the jump. */
struct linux_load {
	uint64_t kernel_addr;		/* protected-mode part */
	uint64_t cmdline_addr;
	uint64_t initrd_addr;		/* 0 if none */
	uint64_t initrd_size;
	uint16_t heap_end_ptr;		/* 16-bit path; 0 leaves heap off */
	bool set_vid_mode;
	uint16_t vid_mode;
};

/*
 * The header writes of boot.rst: type_of_loader, loadflags (CAN_USE_HEAP
 * when heap_end_ptr is set), heap_end_ptr, cmd_line_ptr, ramdisk_image,
 * ramdisk_size, vid_mode, code32_start when the kernel is not at its
 * default place. Only the low 32 bits of each address fit here.
 */
void bzimage_write_header(struct setup_header *hdr, const struct linux_load *l);

/* The same, plus the ext_* high halves in the zero page (64-bit path). */
void bzimage_write_boot_params(struct boot_params *bp,
			       const struct linux_load *l);

/*
 * 32/64-bit protocol: zero the boot_params and copy the setup header from
 * the kernel file's first sector(s), 0x1f1 up to info->header_end only.
 */
void bzimage_init_boot_params(struct boot_params *bp, const void *kernel_buf,
			      const struct bzimage_info *info);

/*
 * Sort a memory map by address and merge adjacent ranges of the same type.
 * Returns the new length.
 */
unsigned e820_sanitize(struct e820_entry *map, unsigned len);

/* "RAM", "reserved", "ACPI data"...: for traces and inspect. */
const char *e820_type_name(uint32_t type);

#endif /* COMMON_BZIMAGE_H */
