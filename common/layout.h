/* SPDX-License-Identifier: MIT */
/*
 * layout.h - where everything sits in memory and on disk on the BIOS path.
 *
 * The low megabyte while stage2 runs (all addresses physical):
 *
 *   range               what                              put there by
 *   0x00000 - 0x004ff   real-mode IVT, BIOS data area     BIOS
 *   0x00500 - 0x06fff   stack, growing down from 0x7000   stage1, stage2
 *   0x07000 - 0x07bff   unused: keeps the stack off the MBR's page
 *   0x07c00 - 0x07dff   stage1 (the MBR)                  BIOS
 *   0x07e00 - 0x07fff   real-mode scratch (disk packet)   stage2
 *   0x08000 - 0x13fff   stage2 image, <= 48 KiB           stage1
 *     0x08000 -           .realmode first: entry, GDT, BIOS thunk and
 *                         hand-over, below 0x10000 (linker/stage2.ld)
 *   0x14000 - 0x2ffff   stage2 .bss (FAT caches, config)  stage2 entry
 *   0x30000 - 0x3ffff   kernel real-mode part (segment X) stage2
 *       X+0x0000          boot sector + setup, <= 32 KiB
 *       X+0x8000..0xdfff  stack and heap of the setup code
 *       X+0xe000..0xffff  kernel command line
 *   0x40000 - 0x4ffff   bounce buffer for INT 13h, E820   stage2
 *   0x50000 - 0x50fff   ATA DMA descriptor (PRD) table    stage2 (ata.c)
 *   0x51000 - EBDA      unused
 *   EBDA    - 0xfffff   BIOS, video memory, option ROMs
 *
 * stage2's entry checks that the BIOS's base memory (INT 12h) reaches
 * LOW_MEMORY_END before it clears .bss; linker/stage2.ld checks that the
 * regions above do not overlap.
 *
 * Above 1 MiB: the protected-mode kernel at 0x100000 and the initrd(s) as
 * high as the E820 map and initrd_addr_max allow (common/bzimage.c).
 *
 * On disk, MBR layout: LBA 0 holds stage1 and the partition table, stage2
 * follows from LBA 1 in the gap before the first partition at LBA 2048
 * (1 MiB). GPT layout (common/gpt.h): LBA 1-33 hold the primary GPT, so
 * stage2 goes in the BIOS boot partition at GPT_STAGE2_LBA; the EFI System
 * Partition is at LBA 2048 all the same.
 *
 * Only "#define NAME <integer expression>" lines here: the Makefile turns
 * this file into build/layout.inc for nasm.
 */
#ifndef COMMON_LAYOUT_H
#define COMMON_LAYOUT_H

/* Where the BIOS loads the MBR, and the real-mode stack below it. */
#define STAGE1_ADDR 0x7c00
/*
 * Not right below the MBR: off its 4 KiB page. QEMU's TCG watches every
 * page that holds code it has translated (the MBR's, once stage1 ran) and
 * sends each store into it down its self-modifying-code slow path; with
 * the stack in that page, stage2's C code ran tens of times slower
 * (opening a 64 MiB initrd, 65536 FAT entries: 0.4 s instead of 6 ms).
 */
#define STACK_TOP 0x7000

/* stage2 is loaded here by stage1 and linked to run here. */
#define STAGE2_ADDR 0x8000
/* Budget for the stage2 image: 48 KiB, up to its .bss. */
#define STAGE2_MAX_BYTES 0xc000
/*
 * stage2's .bss: a fixed region of its own after the image's budget, so
 * that neither can grow into the other (checked by linker/stage2.ld).
 */
#define STAGE2_BSS_ADDR 0x14000
#define STAGE2_BSS_SIZE 0x1c000
/*
 * The real-mode code and tables (entry, GDT, BIOS thunk, hand-over) end
 * below this: in real mode they run with CS = DS = 0 (modeswitch.inc).
 */
#define REALMODE_CODE_END 0x10000

/* On disk: stage2 starts right after the MBR. */
#define STAGE2_LBA 1
/* First partition at 1 MiB: 2048 sectors of 512 bytes. */
#define PARTITION_START_LBA 2048
/*
 * GPT layout: the BIOS boot partition, holding stage2, from the first
 * 4 KiB-aligned LBA after the primary entry array (LBA 2-33) up to the
 * EFI System Partition.
 */
#define GPT_STAGE2_LBA 40

/* stage1_info: where mkdisk records stage2's place, inside stage1. */
#define STAGE1_INFO_OFFSET 0x1b0
/* "S2" little-endian: marks the record so mkdisk can find it. */
#define STAGE1_INFO_MAGIC 0x3253

/* The first two bytes after stage2's entry jump: "B2", checked by stage1. */
#define STAGE2_MAGIC_OFFSET 2
#define STAGE2_MAGIC 0x3242
/*
 * struct stage2_info (common/gpt.h) right after the magic: the GPT
 * partition GUID mkdisk records for stage2. "P2" marks it.
 */
#define STAGE2_INFO_OFFSET 4
#define STAGE2_INFO_SIZE 20
#define STAGE2_INFO_MAGIC 0x3250

/* 512 bytes for small real-mode structures: INT 13h packet, E820 entry. */
#define REALMODE_SCRATCH_ADDR 0x7e00
#define REALMODE_SCRATCH_SIZE 0x200

/* Bounce buffer for BIOS calls that take a real-mode pointer. */
#define BOUNCE_ADDR 0x40000
/*
 * 64 KiB: SeaBIOS refuses any disk request over 64 KiB (status 0x09,
 * process_op() in its block.c), so a larger buffer would not make the
 * INT 13h reads fewer.
 */
#define BOUNCE_SIZE 0x10000
/*
 * Sectors per INT 13h AH=42h call: 128 fills the bounce buffer; a BIOS that
 * refuses it (Phoenix's limit is 127) gets DISK_FALLBACK_SECTORS_PER_READ.
 */
#define DISK_MAX_SECTORS_PER_READ 128
#define DISK_FALLBACK_SECTORS_PER_READ 127

/*
 * The bus-master DMA engine's physical region descriptor table (ata.c):
 * 4 KiB, 512 entries, the most QEMU reads; aligned, so it cannot cross a
 * 64 KiB boundary (SFF-8038i).
 */
#define ATA_PRD_ADDR 0x50000
#define ATA_PRD_SIZE 0x1000

/* Kernel real-mode part: segment X, boot.rst "Sample Boot Configuration". */
#define REALMODE_KERNEL_ADDR 0x30000
/* Offsets within the 64 KiB segment X. */
#define REALMODE_HEAP_END 0xe000
#define REALMODE_CMDLINE_OFFSET 0xe000
#define REALMODE_CMDLINE_MAX 0x2000
/* boot.rst: heap_end_ptr = heap_end - 0x200 */
#define REALMODE_HEAP_END_PTR (REALMODE_HEAP_END - 0x200)
/* The segment X is 64 KiB: the next region starts after it. */
#define REALMODE_KERNEL_SIZE 0x10000

/*
 * The end of all stage2 uses below 1 MiB (the PRD table is last): the
 * EBDA and the BIOS's memory must start at or above it (INT 12h).
 */
#define LOW_MEMORY_END (ATA_PRD_ADDR + ATA_PRD_SIZE)

/* The GDT selectors stage2 uses in protected mode. */
#define STAGE2_CS32 0x08
#define STAGE2_DS32 0x10
#define STAGE2_CS16 0x18
#define STAGE2_DS16 0x20

/* COM1, programmed directly by the loaders (115200 8N1). */
#define COM1_PORT 0x3f8

#endif /* COMMON_LAYOUT_H */
