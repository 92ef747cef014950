// SPDX-License-Identifier: MIT
/*
 * main.c - stage2, the BIOS path's loader, as a table of contents.
 *
 * entry.asm enters stage2_main() in 32-bit protected mode with the boot
 * drive stage1 was started from. From there: console, A20, memory map,
 * disk, partition table, FAT file system, config file, the disk's DMA
 * path, then linux.c loads the chosen entry and jumps to the kernel's
 * real-mode setup code.
 */
#include "bios.h"
#include "bzimage.h"
#include "layout.h"
#include "mbr.h"
#include "stage2.h"

/* Largest config file stage2 reads. */
#define CONFIG_MAX_BYTES	16384
/* Ticks of the BIOS timer (18.2 Hz) in a second, rounded. */
#define TICKS_PER_SECOND	18

static struct e820_entry e820_map[E820_MAX_ENTRIES];
static struct fat_volume volume;
static struct config config;
static uint8_t sector[512];
static char config_text[CONFIG_MAX_BYTES + 1];

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

	err = fat_mount(&volume, &disk, p.lba_first, p.sectors);
	if (err)
		fatal("fat: partition at LBA %u: %s", p.lba_first,
		      fat_strerror(err));
}

static void read_config(void)
{
	struct fat_file file;
	enum fat_error ferr;
	enum config_error cerr;
	unsigned line = 0;

	ferr = fat_open(&volume, CONFIG_PATH, &file);
	if (ferr)
		fatal("config: %s: %s", CONFIG_PATH, fat_strerror(ferr));
	if (file.size > CONFIG_MAX_BYTES)
		fatal("config: %s: %u bytes, more than the %u stage2 reads",
		      CONFIG_PATH, file.size, CONFIG_MAX_BYTES);
	ferr = fat_read(&volume, &file, 0, config_text, file.size);
	if (ferr)
		fatal("config: %s: %s", CONFIG_PATH, fat_strerror(ferr));
	cerr = config_parse(config_text, file.size, &config, &line);
	/* Line 0: an error of the whole file, such as no entry at all. */
	if (cerr && line)
		fatal("config: %s:%u: %s", CONFIG_PATH, line,
		      config_strerror(cerr));
	if (cerr)
		fatal("config: %s: %s", CONFIG_PATH, config_strerror(cerr));
	if (config.trace)
		trace_on = true;
}

/* BIOS timer ticks since midnight (INT 1Ah AH=00h). */
static uint32_t timer_ticks(void)
{
	struct biosregs r;

	/*
	 * INT 1Ah AH=00h: read tick count. Out: CX:DX ticks. Interrupts on,
	 * so that a pending timer interrupt moves the count on.
	 */
	bios_regs_init(&r);
	r.eflags |= EFLAGS_IF;
	bios_int(0x1a, &r, &r);
	return (uint32_t)r.cx << 16 | r.dx;
}

/*
 * With a timeout, list the entries and let a key pick one; without, boot
 * the default at once. A key held at start (T) turns the trace on.
 */
static unsigned choose_entry(void)
{
	unsigned pick = config.default_entry;
	uint32_t start, limit;
	int key;

	if (config.timeout_s == 0 || config.entry_count == 1)
		return pick;
	for (unsigned i = 0; i < config.entry_count; i++)
		console_printf("  %u) %s%s\n", i + 1, config.entry[i].name,
			       i == pick ? " (default)" : "");
	console_printf("bzboot: press 1-%u to choose, Enter to boot; "
		       "booting the default in %u s\n", config.entry_count,
		       config.timeout_s);
	start = timer_ticks();
	limit = config.timeout_s * TICKS_PER_SECOND;
	while (timer_ticks() - start < limit) {
		key = console_pollkey();
		if (key >= '1' && key < '1' + (int)config.entry_count)
			return (unsigned)(key - '1');
		if (key == '\r' || key == '\n')
			break;
	}
	return pick;
}

/*
 * Boot the chosen entry; when it fails (linux_boot() has said why), wait
 * for a key: R reboots, any other key tries the next entry. Never loops by
 * itself, never reboots without a key.
 */
static void boot_entries(unsigned first, unsigned e820_len)
{
	unsigned i = first;
	int key;

	for (unsigned tried = 1;; tried++) {
		const struct config_entry *e = &config.entry[i];

		console_printf("bzboot: booting entry \"%s\"\n", e->name);
		linux_boot(&volume, e, e820_map, e820_len);
		if (tried == config.entry_count)
			break;
		i = (i + 1) % config.entry_count;
		console_printf("bzboot: press R to reboot, any other key to "
			       "try entry \"%s\"\n", config.entry[i].name);
		key = console_getkey();
		if (key == 'r' || key == 'R')
			console_reboot();
	}
	fatal("bzboot: no entry could be booted");
}

void stage2_main(uint32_t drive);

void stage2_main(uint32_t drive)
{
	struct mbr_partition part;
	unsigned e820_len;
	int key;

	/* Serial port on; everything from here shows on screen and COM1. */
	console_init();
	console_printf("\nbzboot stage2: BIOS boot from drive 0x%02x\n", drive);
	/* A key held at start turns the trace on ('t' or 'T'). */
	key = console_pollkey();
	if (key == 't' || key == 'T')
		trace_on = true;

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
	read_config();
	if (trace_on)
		e820_print_map(e820_map, e820_len);

	/* Faster reads: ATA DMA, if the disk is provably on an IDE channel. */
	disk_enable_dma(!config.disk_firmware, part.lba_first);

	/* Load the chosen entry's kernel and initrds, and jump. */
	boot_entries(choose_entry(), e820_len);
}
