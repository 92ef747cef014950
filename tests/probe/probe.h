/* SPDX-License-Identifier: MIT */
/*
 * probe.h - the records shared by the probe kernel's parts and mkprobe.
 *
 * The probe is a bzImage that reports what a loader handed over (see
 * README.md beside this file). Its parts are built separately: setup.asm
 * (16-bit, the setup sectors), head.asm (32/64-bit entries at the start of
 * the protected-mode part), probe.c (the report, compiled once for 32-bit
 * and once for 64-bit), and mkprobe.c, the host tool that puts them together
 * and fills in the records below. nasm reads the offsets of these records,
 * and of the boot protocol fields it needs, from build/tests/probe/
 * probe_layout.inc, which `mkprobe --nasm-inc` writes from this header and
 * common/linux_boot.h, so every offset has one home.
 *
 * The protected-mode part, at its load address L:
 *
 *   L + 0x000                   startup_32: 32-bit protocol entry
 *   L + PROBE_PM16_OFFSET       entry from setup.asm (16-bit protocol path)
 *   L + PROBE_INFO_OFFSET       struct probe_info, written by mkprobe
 *   L + 0x200                   startup_64: 64-bit protocol entry
 *   L + info.c32_offset         probe.c built for 32-bit, position-independent
 *   L + info.c64_offset         probe.c built for 64-bit, position-independent
 *   L + info.payload_offset     payload: xorshift32 bytes from info.seed
 *   L + info.pm_size            end of the file
 *   L + info.stack_top          top of the probe's stack on the 32/64-bit
 *                               paths, within init_size (boot.rst: the
 *                               kernel may use init_size bytes from L)
 */
#ifndef TESTS_PROBE_PROBE_H
#define TESTS_PROBE_PROBE_H

#include <stdint.h>

#include "linux_boot.h"

/* Protected-mode part: where setup.asm enters, where the info record is. */
#define PROBE_PM16_OFFSET	0x08
#define PROBE_INFO_OFFSET	0x10

/* "PRBI" little-endian: marks struct probe_info. */
#define PROBE_INFO_MAGIC	0x49425250
/* "PRBE" little-endian: marks struct probe_entry. */
#define PROBE_ENTRY_MAGIC	0x45425250

/* Entry paths, as reported in path=. */
#define PROBE_PATH_16		16
#define PROBE_PATH_32		32
#define PROBE_PATH_64		64

/* E820 entries setup.asm collects through INT 15h on the 16-bit path. */
#define PROBE_E820_MAX		32

/* Stack the probe needs on the 32/64-bit paths (above its file, below
 * init_size) and on the 16-bit path (in the loader's setup heap). */
#define PROBE_STACK_BYTES	0x4000
#define PROBE_STACK16_BYTES	0x1000

/*
 * QEMU isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=0x04):
 * writing V makes QEMU exit with status (V << 1) | 1.
 */
#define PROBE_EXIT_PORT		0xf4
#define PROBE_EXIT_PASS		0x10	/* QEMU exits with 33 */
#define PROBE_EXIT_FAIL		0x11	/* QEMU exits with 35 */

/* COM1, programmed directly (no BIOS). */
#define PROBE_COM1		0x3f8

/* setup.asm leaves room for the kernel_version string here (mkprobe). */
#define PROBE_VERSION_OFFSET	2
#define PROBE_VERSION_LEN	40

/* Longest variant name, NUL included. */
#define PROBE_NAME_LEN		24

/*
 * What mkprobe tells the probe about itself, at L + PROBE_INFO_OFFSET. The
 * probe compares what the loader handed over against this: the header as
 * it is in the file, the payload it can regenerate, the setup bytes.
 */
struct probe_info {
	uint32_t magic;			/* PROBE_INFO_MAGIC */
	char name[PROBE_NAME_LEN];	/* variant name, NUL-terminated */
	uint32_t pm_size;		/* protected-mode part, bytes */
	uint32_t c32_offset;		/* probe.c, 32-bit build */
	uint32_t c64_offset;		/* probe.c, 64-bit build */
	uint32_t payload_offset;	/* in the protected-mode part */
	uint32_t payload_size;		/* bytes, a multiple of 4 */
	uint32_t seed;			/* xorshift32 seed of the payload */
	uint32_t stack_top;		/* offset from L, 16-byte aligned */
	uint32_t setup_code_offset;	/* file offset of setup.asm's code */
	uint32_t setup_bytes;		/* (setup_sects or 4) + 1 sectors */
	uint32_t setup_crc32;		/* CRC32 of file bytes
					   [setup_code_offset, setup_bytes) */
	struct setup_header hdr;	/* the header as in the file */
} __attribute__((packed));

_Static_assert(PROBE_INFO_OFFSET + sizeof(struct probe_info) <=
	       KERNEL_64_ENTRY_OFFSET, "probe_info ends before startup_64");

/*
 * What the entry code saw, written by setup.asm (16-bit path) or head.asm
 * (32/64-bit paths) and handed to probe_main(). Fields an entry path does
 * not know stay zero.
 */
struct probe_entry {
	uint32_t magic;			/* PROBE_ENTRY_MAGIC */
	uint32_t path;			/* PROBE_PATH_* */
	uint64_t load_addr;		/* where the protected-mode part runs */
	uint64_t boot_params;		/* ESI/RSI; X * 16 on the 16-bit path */
	uint64_t sp;			/* SP/RSP at entry (16/64-bit) */
	uint64_t flags;			/* (E/R)FLAGS at entry */
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
	uint16_t gdt_limit;		/* sgdt: limit, then base */
	uint64_t gdt_base;
	uint16_t cs;
	uint16_t ds;
	uint16_t es;
	uint16_t fs;
	uint16_t gs;
	uint16_t ss;
	uint16_t ip;			/* 16-bit path: IP of the entry code */
	uint32_t ebx;			/* 32-bit path: boot.rst wants ebx, */
	uint32_t edi;			/* edi and ebp zero */
	uint32_t ebp;
	uint32_t e820_count;		/* 16-bit path: INT 15h E820 */
	struct e820_entry e820[PROBE_E820_MAX];
} __attribute__((packed));

/* EFLAGS / CR0 / EFER bits the probe looks at. */
#define X86_EFLAGS_IF		(1 << 9)
#define X86_CR0_PE		(1 << 0)
#define X86_CR0_PG		(1u << 31)
#define X86_CR4_PAE		(1 << 5)
#define X86_CR4_LA57		(1 << 12)
#define X86_EFER_LME		(1 << 8)
#define X86_EFER_LMA		(1 << 10)
#define MSR_EFER		0xc0000080

/*
 * The payload's bytes: xorshift32 (Marsaglia) from info.seed, each state
 * stored little-endian. mkprobe writes them, the probe regenerates them.
 */
static inline uint32_t probe_xorshift32(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/*
 * CRC-32 as zlib and gzip compute it (reflected, polynomial 0xedb88320):
 * start with crc = 0, feed the bytes, the result is the checksum. Four bits
 * at a time, so the table is 64 bytes.
 */
static inline uint32_t probe_crc32(uint32_t crc, const volatile uint8_t *p,
				   uint64_t n)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return ~crc;
}

#endif /* TESTS_PROBE_PROBE_H */
