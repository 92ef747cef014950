// SPDX-License-Identifier: MIT
/*
 * main.c - stage2, the BIOS path's loader, as a table of contents.
 *
 * entry.asm enters stage2_main() in 32-bit protected mode with the boot
 * drive stage1 was started from. From there: console, A20, memory map,
 * disk, partition table (MBR, or GPT: the partition whose GUID mkdisk
 * wrote into stage2_info), FAT file system; then the loader core (core/)
 * reads the config, lets the user choose, and boots the entry through
 * platform.c, where linux.c loads it and jumps to the kernel's real-mode
 * setup code.
 */
#include "bios.h"
#include "boot.h"
#include "bzimage.h"
#include "file.h"
#include "gpt.h"
#include "layout.h"
#include "mbr.h"
#include "stage2.h"

/* The partition stage2 reads: from the MBR or the GPT. */
struct boot_partition {
	uint64_t lba;
	uint64_t sectors;
	bool gpt;
	uint8_t mbr_type;		/* MBR: the entry's type */
	struct gpt_guid guid;		/* GPT: the entry's unique GUID */
	uint64_t table_lba;		/* GPT: the header used */
};

/* In entry.asm, at STAGE2_INFO_OFFSET: mkdisk --gpt fills it in. */
extern const struct stage2_info stage2_info;

static struct config config;
static struct fat_volume boot_volume;
static uint8_t sector[512];

/*
 * A GPT disk: the partition is the one whose unique GUID mkdisk recorded
 * in stage2_info, wherever the entry sits in the table, from the primary
 * table or, when that is broken, the backup (which says so on the screen).
 */
static void find_gpt_partition(struct boot_partition *part)
{
	struct gpt_disk disk = { disk_read_callback, NULL, disk_sectors() };
	struct gpt_guid guid = stage2_info.boot_partition;
	char text[GPT_GUID_TEXT], msg[200];
	struct gpt_table t;
	struct gpt_entry e;
	enum gpt_error err;

	if (gpt_guid_is_zero(&guid))
		fatal("gpt: stage2 names no partition GUID (stage2_info is "
		      "empty): write the disk with mkdisk --gpt");
	err = gpt_read_table(&disk, sector, &t);
	if (err) {
		gpt_format_table_error(msg, sizeof(msg), &t);
		fatal("gpt: %s", msg);
	}
	if (t.primary)
		console_printf("gpt: primary GPT header at LBA %u: %s; using "
			       "the backup at LBA %llu\n", GPT_PRIMARY_LBA,
			       gpt_strerror(t.primary),
			       (unsigned long long)t.backup_lba);
	err = gpt_find_partition(&disk, sector, &t, &guid, &e);
	if (err) {
		gpt_guid_format(&guid, text);
		fatal("gpt: partition %s: %s", text, gpt_strerror(err));
	}
	part->gpt = true;
	part->guid = guid;
	part->table_lba = t.header.my_lba;
	part->lba = e.first_lba;
	part->sectors = e.last_lba - e.first_lba + 1;
}

static void find_partition(struct boot_partition *part)
{
	struct mbr_partition p;
	enum mbr_error err;

	if (disk_read_sectors(0, 1, sector))
		fatal("disk: cannot read the partition table (LBA 0)");
	err = mbr_find_boot_partition(sector, disk_sectors(), &p);
	if (err == MBR_ERR_GPT) {
		find_gpt_partition(part);
		return;
	}
	if (err)
		fatal("mbr: %s", mbr_strerror(err));
	part->gpt = false;
	part->mbr_type = p.type;
	part->lba = p.lba_first;
	part->sectors = p.sectors;
}

/* With trace on (known only once the config is read): which partition. */
static void trace_partition(const struct boot_partition *part)
{
	char text[GPT_GUID_TEXT];

	if (!part->gpt) {
		trace("trace: partition MBR type 0x%02x lba %llu sectors %llu\n",
		      part->mbr_type, (unsigned long long)part->lba,
		      (unsigned long long)part->sectors);
		return;
	}
	gpt_guid_format(&part->guid, text);
	trace("trace: partition GPT %s lba %llu sectors %llu (header at LBA "
	      "%llu)\n", text, (unsigned long long)part->lba,
	      (unsigned long long)part->sectors,
	      (unsigned long long)part->table_lba);
}

static void mount_fat(const struct boot_partition *part)
{
	enum fat_error err;

	/* core/file.c reads every file through it, by plat_block_read(). */
	err = file_mount(&boot_volume, part->lba, part->sectors);
	if (err)
		fatal("fat: partition at LBA %llu: %s",
		      (unsigned long long)part->lba, fat_strerror(err));
}

void stage2_main(uint32_t drive);

void stage2_main(uint32_t drive)
{
	struct boot_partition part;

	/* The loader's clock, for the trace's phase lines. */
	clock_start();

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

	/* The partition table, MBR or GPT: our FAT partition. */
	find_partition(&part);

	/* The FAT file system on it. */
	mount_fat(&part);

	/* The config file: entries, default, timeout, trace. */
	if (!boot_read_config(&config))
		console_fatal();
	if (trace_on)
		e820_print_map(e820_map, e820_len);
	trace_partition(&part);

	/* Faster reads: ATA DMA, if the disk is provably on an IDE channel. */
	disk_enable_dma(!config.disk_firmware, part.lba);

	/*
	 * The menu, then the chosen entry's kernel and initrds, and the jump;
	 * the others in turn, while they fail.
	 */
	boot_entries(&config);
}
