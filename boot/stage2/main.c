// SPDX-License-Identifier: MIT
/*
 * main.c - stage2, the BIOS path's loader, as a table of contents.
 *
 * entry.asm enters stage2_main() in 32-bit protected mode with the boot
 * drive stage1 was started from. From there: console, A20, memory map,
 * disk, partition table, FAT file system; then the loader core (core/)
 * reads the config, lets the user choose, and boots the entry through
 * platform.c, where linux.c loads it and jumps to the kernel's real-mode
 * setup code.
 */
#include "bios.h"
#include "boot.h"
#include "bzimage.h"
#include "layout.h"
#include "mbr.h"
#include "stage2.h"

static struct config config;
static uint8_t sector[512];

static void find_partition(struct mbr_partition *part)
{
	enum mbr_error err;

	if (disk_read_sectors(0, 1, sector))
		fatal("disk: cannot read the partition table (LBA 0)");
	err = mbr_find_boot_partition(sector, disk_sectors(), part);
	if (err)
		fatal("mbr: %s", mbr_strerror(err));
	trace("trace: partition type 0x%02x lba %u sectors %u\n",
	      part->type, part->lba_first, part->sectors);
}

static void mount_fat(const struct mbr_partition *part)
{
	static const struct fat_disk disk = { disk_read_callback, NULL };
	struct mbr_partition p = *part;
	enum fat_error err;

	err = fat_mount(&boot_volume, &disk, p.lba_first, p.sectors);
	if (err)
		fatal("fat: partition at LBA %u: %s", p.lba_first,
		      fat_strerror(err));
}

void stage2_main(uint32_t drive);

void stage2_main(uint32_t drive)
{
	struct mbr_partition part;

	/* Serial port on; everything from here shows on screen and COM1. */
	console_init();
	console_printf("\nbzboot stage2: BIOS boot from drive 0x%02x\n", drive);
	/* A key held at start turns the trace on ('t' or 'T'). */
	boot_check_trace_key();

	/* A20 on, so that memory above 1 MiB is reachable. */
	a20_enable();

	/* The memory map, to know where RAM is for the initrd. */
	e820_len = e820_read_map(e820_map, E820_MAX_ENTRIES);

	/* The boot disk: INT 13h extensions, its size. */
	disk_init((uint8_t)drive);

	/* The partition table in the MBR: our FAT partition. */
	find_partition(&part);

	/* The FAT file system on it. */
	mount_fat(&part);

	/* The config file: entries, default, timeout, trace. */
	if (!boot_read_config(&config))
		console_fatal();
	if (trace_on)
		e820_print_map(e820_map, e820_len);

	/* Faster reads: ATA DMA, if the disk is provably on an IDE channel. */
	disk_enable_dma(!config.disk_firmware, part.lba_first);

	/*
	 * The menu, then the chosen entry's kernel and initrds, and the jump;
	 * the others in turn, while they fail.
	 */
	boot_entries(&config);
}
