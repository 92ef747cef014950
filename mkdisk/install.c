// SPDX-License-Identifier: MIT
/*
 * install.c - `mkdisk install DISK`: put bzboot onto a disk that is
 * already partitioned and holds other data, an image file or a block
 * device, changing nothing else on it.
 *
 *   mkdisk install DISK [--kernel BZIMAGE [--initrd FILE]... --cmdline S |
 *                        --config FILE] [--dry-run] [--force]
 *
 * What goes where:
 *   - the files (kernel, initrds, /bzboot.cfg) and BOOTX64.EFI into the
 *     FAT partition, by mcopy at the partition's byte offset: on GPT the
 *     EFI System Partition, on MBR the partition stage2 will boot from
 *     (mbr_find_boot_partition(): the first active FAT or EFI System
 *     partition, else the only one; several and none active is refused,
 *     so that the user, not an order in the table, picks it). BOOTX64.EFI
 *     takes /EFI/BOOT/ when that slot is empty (or holds bzboot), else
 *     /EFI/bzboot/;
 *   - stage2 into the BIOS boot partition (GPT), or the gap after the
 *     table: after the MBR up to the first partition, or on GPT without a
 *     BIOS boot partition after the primary entry array up to the first
 *     partition. Those sectors must be all zero (or hold bzboot's own
 *     stage2) unless --force; anything else is named and refused. On GPT
 *     its stage2_info gets the ESP's unique GUID;
 *   - stage1 into bytes 0-439 of LBA 0, with stage1_info pointing at
 *     stage2: the disk signature, the partition table and 0xAA55 stay.
 *
 * Everything is read and checked before the first write; the writes then
 * go in an order that keeps the disk booting the old way as long as
 * possible: the files, then stage2, then stage1, each made durable with
 * fsync before the next. SIGINT, SIGTERM and SIGHUP are held back for the
 * whole run and looked at between two writes: mkdisk then stops and says
 * what it wrote and what not. --dry-run opens DISK read-only and prints
 * each write (LBAs, length, what) without making it.
 *
 * Hosted code (the build machine). Errors: one line "mkdisk: error:
 * DISK: problem" and exit 1, before anything was written.
 */
/* memmem() */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bzimage.h"
#include "config.h"
#include "fat.h"
#include "gpt.h"
#include "layout.h"
#include "mbr.h"
#include "mkdisk.h"

#define INSTALL_USAGE \
	"usage: mkdisk install DISK [--kernel BZIMAGE [--initrd FILE]... " \
	"--cmdline \"STRING\" |\n" \
	"                            --config FILE] [--dry-run] [--force]"
#define usage_error(...) mkdisk_usage_error(INSTALL_USAGE, __VA_ARGS__)

#define SECTOR	MKDISK_SECTOR_SIZE
#define EFI_BOOT_DIR		"/EFI/BOOT"
#define EFI_BZBOOT_DIR		"/EFI/bzboot"
#define EFI_NAME		"BOOTX64.EFI"
/* The most files install copies: kernel, initrds, BOOTX64.EFI, config. */
#define MAX_FILES		(1 + CONFIG_MAX_INITRDS + 2)
/* Directories it may make: /boot, /EFI, /EFI/BOOT or /EFI/bzboot. */
#define MAX_DIRS		3
/* Steps: directories, files, stage2, stage1. */
#define MAX_STEPS		(MAX_DIRS + MAX_FILES + 2)

struct install_options {
	const char *disk;
	const char *kernel;
	const char *initrds[CONFIG_MAX_INITRDS];
	unsigned initrd_count;
	const char *cmdline;
	const char *config;
	bool dry_run;
	bool force;
};

/* One file to copy into the FAT partition. */
struct install_file {
	char fat_path[64];
	const char *host_path;		/* NULL: data */
	const void *data;
	uint64_t size_bytes;
	bool replaces;			/* a file of that name is there */
};

enum step_kind { STEP_MKDIR, STEP_FILE, STEP_STAGE2, STEP_STAGE1 };

/* One write, in the order they are made. */
struct step {
	enum step_kind kind;
	uint64_t lba;			/* first LBA it may touch */
	uint64_t sectors;		/* how many (the whole partition for
					 * mtools, which picks the clusters) */
	uint32_t bytes;			/* STAGE1: 440 of LBA 0 */
	char what[256];
	struct install_file *file;	/* STEP_FILE */
	char dir[32];			/* STEP_MKDIR */
};

/* What install found on the disk and will do. */
struct install_plan {
	uint64_t disk_sectors;
	bool gpt;
	/* The FAT partition. */
	unsigned part_number;		/* 1-based, as Linux names it */
	uint64_t part_lba, part_sectors;
	struct gpt_guid part_guid;	/* GPT: its unique GUID */
	int fat_type;
	/* Where stage2 goes. */
	uint64_t stage2_lba;
	uint32_t stage2_sectors;
	char stage2_place[160];
	char stage2_found[200];		/* "" if the sectors were free */
	char efi_dir[16];
	char efi_note[200];
	struct install_file files[MAX_FILES];
	unsigned file_count;
	struct step steps[MAX_STEPS];
	unsigned step_count;
};

static int disk_fd = -1;
static struct fat_volume volume;
/* Progress, for the message after an interrupt or a failed write. */
static const struct install_plan *running_plan;
static unsigned steps_done;
static bool writes_started, writes_finished;

/* ---- reading the disk ------------------------------------------------ */

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	uint8_t *p = buf;
	size_t len = (size_t)count * SECTOR;
	off_t offset = (off_t)(lba * SECTOR);

	(void)ctx;
	while (len) {
		ssize_t n = pread(disk_fd, p, len, offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		offset += n;
	}
	return 0;
}

static void read_sectors(const char *disk, uint64_t lba, uint32_t count,
			 void *buf)
{
	if (disk_read(NULL, lba, count, buf))
		mkdisk_die("%s: cannot read LBA %llu: %s", disk,
			   (unsigned long long)lba,
			   errno ? strerror(errno) : "past the end");
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/*
 * Open DISK, for writing unless --dry-run, and measure it. A file with no
 * write permission bit at all is taken as meant to stay as it is, even
 * by root, who could write it anyway; a block device must not be marked
 * read-only (BLKROGET) nor be in use (O_EXCL: a mounted partition).
 */
static uint64_t open_disk(const struct install_options *opt)
{
	int flags = O_CLOEXEC | (opt->dry_run ? O_RDONLY : O_RDWR);
	struct stat st;
	uint64_t bytes;

	if (stat(opt->disk, &st) < 0)
		mkdisk_die("%s: %s", opt->disk, strerror(errno));
	if (S_ISDIR(st.st_mode))
		mkdisk_die("%s: is a directory, not a disk", opt->disk);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		mkdisk_die("%s: neither an image file nor a block device",
			   opt->disk);
	if (!opt->dry_run && S_ISREG(st.st_mode) && !(st.st_mode & 0222))
		mkdisk_die("%s: read-only (mode %04o): nothing written; make "
			   "it writable first", opt->disk,
			   (unsigned)(st.st_mode & 07777));
	if (S_ISBLK(st.st_mode) && !opt->dry_run)
		flags |= O_EXCL;
	disk_fd = open(opt->disk, flags);
	if (disk_fd < 0 && (errno == EROFS || errno == EACCES ||
			    errno == EPERM))
		mkdisk_die("%s: read-only (%s): nothing written", opt->disk,
			   strerror(errno));
	if (disk_fd < 0 && errno == EBUSY)
		mkdisk_die("%s: in use (mounted?): unmount its partitions "
			   "first", opt->disk);
	if (disk_fd < 0)
		mkdisk_die("%s: cannot open: %s", opt->disk, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
	} else {
		int ro = 0, sector_size = 0;

		if (ioctl(disk_fd, BLKGETSIZE64, &bytes) < 0 ||
		    ioctl(disk_fd, BLKSSZGET, &sector_size) < 0 ||
		    ioctl(disk_fd, BLKROGET, &ro) < 0)
			mkdisk_die("%s: cannot measure the device: %s",
				   opt->disk, strerror(errno));
		if (ro && !opt->dry_run)
			mkdisk_die("%s: read-only device: nothing written",
				   opt->disk);
		if (sector_size != SECTOR)
			mkdisk_die("%s: %d-byte sectors; bzboot reads 512-byte "
				   "ones", opt->disk, sector_size);
	}
	if (bytes / SECTOR < 2)
		mkdisk_die("%s: %llu bytes, too small to hold a partition "
			   "table", opt->disk, (unsigned long long)bytes);
	return bytes / SECTOR;
}

/* ---- the partition table --------------------------------------------- */

/*
 * MBR: the FAT partition stage2 will boot from, found by stage2's own
 * rule, so the two cannot disagree; and the gap stage2 goes in.
 */
static void plan_mbr(const char *disk, const uint8_t *lba0,
		     struct install_plan *plan)
{
	const struct mbr *mbr = (const void *)lba0;
	struct mbr_partition p;
	enum mbr_error err;
	uint64_t first_lba = UINT64_MAX;
	unsigned i, fat = 0, active = 0;

	err = mbr_find_boot_partition(lba0, plan->disk_sectors, &p);
	if (err != MBR_OK)
		mkdisk_die("%s: %s", disk, mbr_strerror(err));
	for (i = 0; i < MBR_PART_COUNT; i++) {
		struct mbr_partition q = mbr->part[i];

		if (q.type == MBR_TYPE_EMPTY)
			continue;
		if (q.lba_first && q.lba_first < first_lba)
			first_lba = q.lba_first;
		if (!memcmp(&q, &p, sizeof(q)))
			plan->part_number = i + 1;
		switch (q.type) {
		case MBR_TYPE_FAT12: case MBR_TYPE_FAT16_SMALL:
		case MBR_TYPE_FAT16: case MBR_TYPE_FAT32_CHS:
		case MBR_TYPE_FAT32_LBA: case MBR_TYPE_FAT16_LBA:
		case MBR_TYPE_EFI_SYSTEM:
			fat++;
			active += q.status == MBR_STATUS_ACTIVE;
		}
	}
	if (fat > 1 && !active)
		mkdisk_die("%s: %u FAT partitions and none marked active: mark "
			   "the one for bzboot active (sfdisk --activate DISK "
			   "N)", disk, fat);
	plan->part_lba = p.lba_first;
	plan->part_sectors = p.sectors;

	/* stage2 in the gap between the MBR and the first partition. */
	plan->stage2_lba = STAGE2_LBA;
	if (first_lba - STAGE2_LBA < plan->stage2_sectors)
		mkdisk_die("%s: the gap after the MBR (LBA 1-%llu) has %llu "
			   "sectors, stage2 needs %u: the first partition "
			   "must start at LBA %u or later", disk,
			   (unsigned long long)first_lba - 1,
			   (unsigned long long)first_lba - 1,
			   plan->stage2_sectors,
			   STAGE2_LBA + plan->stage2_sectors);
	snprintf(plan->stage2_place, sizeof(plan->stage2_place),
		 "the gap after the MBR (LBA 1-%llu)",
		 (unsigned long long)first_lba - 1);
}

/* GPT: both headers sound, the ESP, the BIOS boot partition or the gap. */
static void plan_gpt(const char *disk, struct install_plan *plan)
{
	static const struct gpt_guid esp_type = GPT_TYPE_EFI_SYSTEM;
	static const struct gpt_guid bios_type = GPT_TYPE_BIOS_BOOT;
	struct gpt_disk gd = { disk_read, NULL, plan->disk_sectors };
	uint8_t sector[SECTOR], *entries;
	struct gpt_header backup;
	struct gpt_table t;
	enum gpt_error err;
	uint64_t first_lba = UINT64_MAX, array_end, array_bytes;
	uint64_t bios_lba = 0, bios_sectors = 0;
	unsigned i, esp = 0, bios = 0;
	char msg[300];

	err = gpt_read_table(&gd, sector, &t);
	if (err != GPT_OK) {
		gpt_format_table_error(msg, sizeof(msg), &t);
		mkdisk_die("%s: the GPT is damaged: %s", disk, msg);
	}
	if (t.primary != GPT_OK)
		mkdisk_die("%s: primary GPT header at LBA %u: %s; the backup "
			   "is sound: repair the table first (sgdisk -e, or "
			   "gdisk's recovery menu)", disk, GPT_PRIMARY_LBA,
			   gpt_strerror(t.primary));
	err = gpt_read_header(&gd, sector, t.header.alternate_lba, &backup);
	if (err != GPT_OK)
		mkdisk_die("%s: backup GPT header at LBA %llu: %s; repair the "
			   "table first (sgdisk -e, or gdisk's recovery menu)",
			   disk, (unsigned long long)t.header.alternate_lba,
			   gpt_strerror(err));

	array_bytes = (uint64_t)t.header.entry_count * t.header.entry_size;
	array_end = t.header.entries_lba + (array_bytes + SECTOR - 1) / SECTOR;
	entries = malloc((size_t)(array_end - t.header.entries_lba) * SECTOR);
	if (!entries)
		mkdisk_die("out of memory");
	read_sectors(disk, t.header.entries_lba,
		     (uint32_t)(array_end - t.header.entries_lba), entries);
	for (i = 0; i < t.header.entry_count; i++) {
		struct gpt_entry e;

		memcpy(&e, entries + (size_t)i * t.header.entry_size,
		       sizeof(e));
		if (gpt_guid_is_zero(&e.type))
			continue;
		if (e.first_lba < first_lba)
			first_lba = e.first_lba;
		if (gpt_guid_equal(&e.type, &esp_type) && !esp++) {
			plan->part_number = i + 1;
			plan->part_lba = e.first_lba;
			plan->part_sectors = e.last_lba - e.first_lba + 1;
			plan->part_guid = e.unique;
		}
		if (gpt_guid_equal(&e.type, &bios_type) && !bios++) {
			bios_lba = e.first_lba;
			bios_sectors = e.last_lba - e.first_lba + 1;
		}
	}
	free(entries);
	if (!esp)
		mkdisk_die("%s: no EFI System Partition (type "
			   "C12A7328-F81F-11D2-BA4B-00A0C93EC93B) in the GPT",
			   disk);

	if (bios) {
		if (bios_sectors < plan->stage2_sectors)
			mkdisk_die("%s: the BIOS boot partition (LBA "
				   "%llu-%llu) has %llu sectors, stage2 needs "
				   "%u", disk, (unsigned long long)bios_lba,
				   (unsigned long long)(bios_lba +
							bios_sectors - 1),
				   (unsigned long long)bios_sectors,
				   plan->stage2_sectors);
		plan->stage2_lba = bios_lba;
		snprintf(plan->stage2_place, sizeof(plan->stage2_place),
			 "the BIOS boot partition (LBA %llu-%llu)",
			 (unsigned long long)bios_lba,
			 (unsigned long long)(bios_lba + bios_sectors - 1));
		return;
	}
	/* No BIOS boot partition: the gap after the primary entry array. */
	if (first_lba < array_end || first_lba - array_end <
	    plan->stage2_sectors)
		mkdisk_die("%s: no BIOS boot partition, and the gap after the "
			   "GPT entries (LBA %llu-%llu) has %llu sectors, "
			   "stage2 needs %u: add a BIOS boot partition (type "
			   "21686148-6449-6E6F-744E-656564454649) of %u KiB "
			   "or more", disk, (unsigned long long)array_end,
			   (unsigned long long)first_lba - 1,
			   (unsigned long long)(first_lba > array_end ?
						first_lba - array_end : 0),
			   plan->stage2_sectors,
			   (plan->stage2_sectors * SECTOR + 1023) / 1024);
	plan->stage2_lba = array_end;
	snprintf(plan->stage2_place, sizeof(plan->stage2_place),
		 "the gap after the GPT entries (LBA %llu-%llu)",
		 (unsigned long long)array_end,
		 (unsigned long long)first_lba - 1);
}

/*
 * The sectors stage2 will take must be free: all zero, or bzboot's own
 * stage2 from an earlier install. Anything else is named (GRUB's core
 * image says "GRUB " in its first sectors) and refused without --force.
 */
static void check_stage2_space(const char *disk, bool force,
			       struct install_plan *plan)
{
	size_t len = (size_t)plan->stage2_sectors * SECTOR;
	uint8_t *buf = malloc(len);
	const uint8_t *grub;
	uint64_t first = 0;
	uint32_t used = 0, i;

	if (!buf)
		mkdisk_die("out of memory");
	read_sectors(disk, plan->stage2_lba, plan->stage2_sectors, buf);
	for (i = 0; i < plan->stage2_sectors; i++)
		if (!all_zero(buf + (size_t)i * SECTOR, SECTOR) && !used++)
			first = plan->stage2_lba + i;
	if (!used) {
		free(buf);
		return;
	}
	grub = memmem(buf, len, "GRUB ", 5);
	if (buf[STAGE2_MAGIC_OFFSET] == (STAGE2_MAGIC & 0xff) &&
	    buf[STAGE2_MAGIC_OFFSET + 1] == (STAGE2_MAGIC >> 8) &&
	    buf[STAGE2_INFO_OFFSET] == (STAGE2_INFO_MAGIC & 0xff) &&
	    buf[STAGE2_INFO_OFFSET + 1] == (STAGE2_INFO_MAGIC >> 8)) {
		/* An earlier install of bzboot: replacing it is an update. */
		snprintf(plan->stage2_found, sizeof(plan->stage2_found),
			 "bzboot's stage2 of an earlier install");
		free(buf);
		return;
	}
	if (grub)
		snprintf(plan->stage2_found, sizeof(plan->stage2_found),
			 "GRUB's core image (\"GRUB \" at LBA %llu)",
			 (unsigned long long)(plan->stage2_lba +
					      (uint64_t)(grub - buf) / SECTOR));
	else
		snprintf(plan->stage2_found, sizeof(plan->stage2_found),
			 "data: %u of its %u sectors are not zero, the first "
			 "at LBA %llu", used, plan->stage2_sectors,
			 (unsigned long long)first);
	free(buf);
	if (!force)
		mkdisk_die("%s: %s is not free: it holds %s; another boot "
			   "loader's? --force overwrites it", disk,
			   plan->stage2_place, plan->stage2_found);
}

/* ---- the FAT partition ----------------------------------------------- */

static struct fat_disk fat_disk = { disk_read, NULL };

static void mount_partition(const char *disk, struct install_plan *plan)
{
	enum fat_error err = fat_mount(&volume, &fat_disk, plan->part_lba,
				       plan->part_sectors);

	if (err != FAT_OK)
		mkdisk_die("%s: partition %u (LBA %llu) holds no FAT file "
			   "system bzboot can read: %s", disk,
			   plan->part_number,
			   (unsigned long long)plan->part_lba,
			   fat_strerror(err));
	plan->fat_type = (int)volume.type;
}

static bool fat_exists(const char *path, struct fat_file *file)
{
	struct fat_file f;

	return fat_open(&volume, path, file ? file : &f) == FAT_OK;
}

/* The cluster entry n of the FAT in use. */
static uint32_t fat_entry(const char *disk, uint32_t n)
{
	static uint8_t buf[2 * SECTOR];
	static uint64_t cached = UINT64_MAX;
	uint64_t byte, lba;
	uint32_t off;

	switch (volume.type) {
	case FAT_TYPE_12: byte = (uint64_t)n + n / 2; break;
	case FAT_TYPE_16: byte = (uint64_t)n * 2; break;
	default: byte = (uint64_t)n * 4; break;
	}
	lba = volume.part_lba + volume.fat_lba + byte / SECTOR;
	off = (uint32_t)(byte % SECTOR);
	if (lba != cached) {
		/* Two sectors: a FAT12 entry may straddle them. */
		read_sectors(disk, lba, 2, buf);
		cached = lba;
	}
	switch (volume.type) {
	case FAT_TYPE_12: {
		uint32_t v = (uint32_t)(buf[off] | buf[off + 1] << 8);

		return n & 1 ? v >> 4 : v & 0xfff;
	}
	case FAT_TYPE_16:
		return (uint32_t)(buf[off] | buf[off + 1] << 8);
	default:
		return (uint32_t)(buf[off] | buf[off + 1] << 8 |
				  buf[off + 2] << 16 |
				  (uint32_t)buf[off + 3] << 24) & 0x0fffffff;
	}
}

static uint64_t free_bytes(const char *disk)
{
	uint64_t free = 0;
	uint32_t n;

	for (n = 2; n < volume.cluster_count + 2; n++)
		if (!fat_entry(disk, n))
			free++;
	return free * volume.sectors_per_cluster * SECTOR;
}

static uint64_t cluster_bytes(uint64_t size)
{
	uint64_t cluster = (uint64_t)volume.sectors_per_cluster * SECTOR;

	return (size + cluster - 1) / cluster * cluster;
}

/* Does the FAT file at path hold bzboot's EFI loader? */
static bool is_bzboot_efi(const char *path)
{
	static uint8_t buf[1 << 16];
	struct fat_file f;
	uint32_t off;

	if (!fat_exists(path, &f) || f.is_dir)
		return false;
	/* Read in pieces that overlap by the marker's length. */
	for (off = 0; off < f.size; off += sizeof(buf) -
	     CONFIG_ENROLL_MARKER_LEN) {
		uint32_t n = f.size - off < sizeof(buf) ? f.size - off :
							  (uint32_t)sizeof(buf);

		if (fat_read(&volume, &f, off, buf, n) != FAT_OK)
			return false;
		if (memmem(buf, n, CONFIG_ENROLL_MARKER,
			   CONFIG_ENROLL_MARKER_LEN))
			return true;
		if (off + n >= f.size)
			break;
	}
	return false;
}

/* ---- the inputs ------------------------------------------------------ */

static uint64_t input_size(const char *path, const char *role)
{
	struct stat st;

	close(mkdisk_open_input(path, role, &st));
	return (uint64_t)st.st_size;
}

/* The kernel and the command line, as mkdisk checks them for an image. */
static void check_kernel(const char *path, const char *cmdline)
{
	struct bzimage_info info;
	struct stat st;

	mkdisk_check_kernel(path, &info, &st);
	mkdisk_check_cmdline(cmdline, path, &info);
}

static struct install_file *add_file(struct install_plan *plan,
				     const char *fat_path)
{
	struct install_file *f = &plan->files[plan->file_count++];

	snprintf(f->fat_path, sizeof(f->fat_path), "%s", fat_path);
	return f;
}

static char *read_text_file(const char *path, size_t *len)
{
	uint64_t size = input_size(path, "config");
	char *buf;
	FILE *fp;

	if (size >= CONFIG_TEXT_MAX)
		mkdisk_die("%s: %llu bytes, the loaders read at most %u",
			   path, (unsigned long long)size, CONFIG_TEXT_MAX - 1);
	buf = malloc((size_t)size + 1);
	fp = fopen(path, "rb");
	if (!buf || !fp || fread(buf, 1, (size_t)size, fp) != size)
		mkdisk_die("%s: cannot read the config: %s", path,
			   strerror(errno));
	fclose(fp);
	buf[size] = '\0';
	*len = (size_t)size;
	return buf;
}

/*
 * The files for the FAT partition: the kernel, the initrds and a config
 * naming them, or a config of the user's whose files must be there
 * already; then BOOTX64.EFI. The config goes in last, so that it never
 * names a file not yet copied.
 */
static void plan_files(const struct install_options *opt,
		       struct install_plan *plan, const char *efi_path)
{
	static char config[CONFIG_TEXT_MAX];
	struct install_file *f;
	const char *initrd_paths[CONFIG_MAX_INITRDS];
	static char names[CONFIG_MAX_INITRDS][32];
	size_t efi_size, config_len;
	int n;
	unsigned i, j;

	if (opt->config) {
		static struct config cfg;
		char *text = read_text_file(opt->config, &config_len);
		enum config_error err;
		unsigned line;

		err = config_parse(text, config_len, &cfg, &line);
		if (err != CONFIG_OK)
			mkdisk_die("%s: line %u: %s", opt->config, line,
				   config_strerror(err));
		/* The loaders would refuse an entry whose file is missing. */
		for (i = 0; i < cfg.entry_count; i++) {
			const struct config_entry *e = &cfg.entry[i];

			if (!fat_exists(e->kernel, NULL))
				mkdisk_die("%s: entry %s: kernel %s is not on "
					   "partition %u", opt->config,
					   e->name, e->kernel,
					   plan->part_number);
			for (j = 0; j < e->initrd_count; j++)
				if (!fat_exists(e->initrd[j], NULL))
					mkdisk_die("%s: entry %s: initrd %s is "
						   "not on partition %u",
						   opt->config, e->name,
						   e->initrd[j],
						   plan->part_number);
		}
		memcpy(config, text, config_len);
		free(text);
	} else {
		check_kernel(opt->kernel, opt->cmdline);
		f = add_file(plan, MKDISK_KERNEL_PATH);
		f->host_path = opt->kernel;
		f->size_bytes = input_size(opt->kernel, "kernel");
		for (i = 0; i < opt->initrd_count; i++) {
			snprintf(names[i], sizeof(names[i]),
				 MKDISK_INITRD_FORMAT, i + 1);
			f = add_file(plan, names[i]);
			f->host_path = opt->initrds[i];
			f->size_bytes = input_size(opt->initrds[i], "initrd");
			if (!f->size_bytes)
				mkdisk_die("%s: the initrd is empty",
					   opt->initrds[i]);
			initrd_paths[i] = names[i];
		}
		n = config_format_single(config, sizeof(config),
					 MKDISK_KERNEL_PATH, initrd_paths,
					 opt->initrd_count, opt->cmdline);
		if (n < 0)
			mkdisk_die("--cmdline: the config cannot hold it (too "
				   "long, or starts or ends with a blank)");
		config_len = (size_t)n;
	}
	f = add_file(plan, efi_path);
	f->data = image_efi(&efi_size);
	f->size_bytes = efi_size;
	f = add_file(plan, CONFIG_PATH);
	f->data = config;
	f->size_bytes = config_len;
}

/*
 * BOOTX64.EFI's place: /EFI/BOOT/, the path firmware boots without a boot
 * entry, when nothing is there or bzboot is; else /EFI/bzboot/, next to
 * whatever the other loader is.
 */
static const char *choose_efi_dir(struct install_plan *plan)
{
	const char *fallback = EFI_BOOT_DIR "/" EFI_NAME;

	if (!fat_exists(fallback, NULL)) {
		snprintf(plan->efi_dir, sizeof(plan->efi_dir), EFI_BOOT_DIR);
		snprintf(plan->efi_note, sizeof(plan->efi_note),
			 "%s was empty: firmware boots it without a boot "
			 "entry", fallback);
	} else if (is_bzboot_efi(fallback)) {
		snprintf(plan->efi_dir, sizeof(plan->efi_dir), EFI_BOOT_DIR);
		snprintf(plan->efi_note, sizeof(plan->efi_note),
			 "%s held bzboot's, now replaced", fallback);
	} else {
		snprintf(plan->efi_dir, sizeof(plan->efi_dir),
			 EFI_BZBOOT_DIR);
		snprintf(plan->efi_note, sizeof(plan->efi_note),
			 "%s holds another loader, left as it is: add a boot "
			 "entry for \\EFI\\bzboot\\" EFI_NAME " (efibootmgr "
			 "--create --part %u --loader "
			 "'\\EFI\\bzboot\\" EFI_NAME "')", fallback,
			 plan->part_number);
	}
	return plan->efi_dir;
}

/* Room on the partition, and no file of the user's replaced by mistake. */
static void check_files(const char *disk, bool force,
			struct install_plan *plan, unsigned new_dirs)
{
	uint64_t need = 0, have = free_bytes(disk);
	char efi_path[64];
	unsigned i;

	snprintf(efi_path, sizeof(efi_path), "%s/%s", plan->efi_dir,
		 EFI_NAME);
	for (i = 0; i < plan->file_count; i++) {
		struct install_file *f = &plan->files[i];
		struct fat_file old;

		need += cluster_bytes(f->size_bytes);
		if (!fat_exists(f->fat_path, &old))
			continue;
		if (old.is_dir)
			mkdisk_die("%s: partition %u: %s is a directory", disk,
				   plan->part_number, f->fat_path);
		f->replaces = true;
		have += cluster_bytes(old.size);
		/* BOOTX64.EFI's slot was chosen as one bzboot may take. */
		if (!force && strcmp(f->fat_path, efi_path))
			mkdisk_die("%s: partition %u already holds %s: "
				   "--force replaces it", disk,
				   plan->part_number, f->fat_path);
	}
	/* New directories, and one more cluster for each one that grows. */
	need += (uint64_t)(new_dirs + MAX_DIRS) * cluster_bytes(1);
	if (need > have)
		mkdisk_die("%s: partition %u (LBA %llu, FAT%d) has %llu KiB "
			   "free, the files need %llu KiB: too small for them",
			   disk, plan->part_number,
			   (unsigned long long)plan->part_lba, plan->fat_type,
			   (unsigned long long)(have / 1024),
			   (unsigned long long)(need / 1024));
}

/* ---- the plan -------------------------------------------------------- */

static struct step *add_step(struct install_plan *plan, enum step_kind kind)
{
	struct step *s = &plan->steps[plan->step_count++];

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->lba = plan->part_lba;
	s->sectors = plan->part_sectors;
	return s;
}

static void plan_steps(struct install_plan *plan)
{
	static const char *const dirs[] = { "/boot", "/EFI", NULL };
	bool have_kernel = plan->files[0].host_path != NULL;
	struct step *s;
	unsigned i;

	for (i = 0; dirs[i]; i++) {
		if (!strcmp(dirs[i], "/boot") && !have_kernel)
			continue;
		if (fat_exists(dirs[i], NULL))
			continue;
		s = add_step(plan, STEP_MKDIR);
		snprintf(s->dir, sizeof(s->dir), "%s", dirs[i]);
	}
	if (!fat_exists(plan->efi_dir, NULL)) {
		s = add_step(plan, STEP_MKDIR);
		snprintf(s->dir, sizeof(s->dir), "%s", plan->efi_dir);
	}
	for (i = 0; i < plan->step_count; i++) {
		char what[sizeof(plan->steps[i].what)];

		snprintf(what, sizeof(what),
			 "directory %s (mmd)", plan->steps[i].dir);
		memcpy(plan->steps[i].what, what, sizeof(what));
	}
	for (i = 0; i < plan->file_count; i++) {
		struct install_file *f = &plan->files[i];

		s = add_step(plan, STEP_FILE);
		s->file = f;
		snprintf(s->what, sizeof(s->what),
			 "%s, %llu bytes%s%s (mcopy%s)", f->fat_path,
			 (unsigned long long)f->size_bytes,
			 f->host_path ? " from " : "",
			 f->host_path ? f->host_path : "",
			 f->replaces ? ", replacing the file there" : "");
	}
	s = add_step(plan, STEP_STAGE2);
	s->lba = plan->stage2_lba;
	s->sectors = plan->stage2_sectors;
	if (plan->gpt) {
		char guid[GPT_GUID_TEXT];

		gpt_guid_format(&plan->part_guid, guid);
		snprintf(s->what, sizeof(s->what),
			 "stage2 in %s, naming the ESP %s", plan->stage2_place,
			 guid);
	} else {
		snprintf(s->what, sizeof(s->what), "stage2 in %s",
			 plan->stage2_place);
	}
	if (plan->stage2_found[0]) {
		size_t used = strlen(s->what);

		snprintf(s->what + used, sizeof(s->what) - used, ", over ");
		used = strlen(s->what);
		memcpy(s->what + used, plan->stage2_found,
		       strnlen(plan->stage2_found,
			       sizeof(s->what) - used - 1));
	}
	s = add_step(plan, STEP_STAGE1);
	s->lba = 0;
	s->sectors = 1;
	s->bytes = MBR_CODE_SIZE;
	snprintf(s->what, sizeof(s->what), "stage1, the MBR's boot code "
		 "(bytes 0-%u; the disk signature and partition table stay), "
		 "loading stage2 from LBA %llu", MBR_CODE_SIZE - 1,
		 (unsigned long long)plan->stage2_lba);
}

/*
 * "LBA 1-72 (36864 bytes): what", or for mtools, which chooses the
 * clusters itself, "LBA 2048-133119 (in partition 1, FAT32): what".
 */
static void print_step(const char *prefix, unsigned i, const struct step *s,
		       const struct install_plan *plan)
{
	uint64_t bytes = s->bytes ? s->bytes : s->sectors * SECTOR;
	char range[48], size[64];

	if (s->sectors == 1)
		snprintf(range, sizeof(range), "%llu",
			 (unsigned long long)s->lba);
	else
		snprintf(range, sizeof(range), "%llu-%llu",
			 (unsigned long long)s->lba,
			 (unsigned long long)(s->lba + s->sectors - 1));
	if (s->kind == STEP_MKDIR || s->kind == STEP_FILE)
		snprintf(size, sizeof(size), "in partition %u, FAT%d",
			 plan->part_number, plan->fat_type);
	else
		snprintf(size, sizeof(size), "%llu bytes",
			 (unsigned long long)bytes);
	printf("%s%u. LBA %s (%s): %s\n", prefix, i + 1, range, size,
	       s->what);
}

/* ---- the writes ------------------------------------------------------ */

static void sync_disk(const char *disk)
{
	if (fsync(disk_fd) < 0)
		mkdisk_die("%s: fsync: %s", disk, strerror(errno));
}

static void write_at(const char *disk, const void *buf, size_t len,
		     uint64_t offset)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(disk_fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			mkdisk_die("%s: write at byte %llu failed: %s", disk,
				   (unsigned long long)offset,
				   n < 0 ? strerror(errno) : "no progress");
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
}

static void write_stage2(const char *disk, const struct install_plan *plan)
{
	size_t size;
	const uint8_t *stage2 = image_stage2(&size);
	size_t len = (size_t)plan->stage2_sectors * SECTOR;
	uint8_t *copy = calloc(1, len);
	struct stage2_info info;

	if (!copy)
		mkdisk_die("out of memory");
	memcpy(copy, stage2, size);
	/* MBR: all zero, and stage2 takes the partition from the MBR. */
	memcpy(&info, copy + STAGE2_INFO_OFFSET, sizeof(info));
	memset(&info.boot_partition, 0, sizeof(info.boot_partition));
	if (plan->gpt)
		info.boot_partition = plan->part_guid;
	memcpy(copy + STAGE2_INFO_OFFSET, &info, sizeof(info));
	/* Whole sectors: what was after stage2's end there goes too. */
	write_at(disk, copy, len, plan->stage2_lba * SECTOR);
	free(copy);
}

static void write_stage1(const char *disk, const struct install_plan *plan)
{
	struct mbr mbr;

	memcpy(&mbr, embed_stage1_start, sizeof(mbr));
	mbr.info.stage2_lba = (uint32_t)plan->stage2_lba;
	mbr.info.stage2_sectors = (uint16_t)plan->stage2_sectors;
	write_at(disk, &mbr, MBR_CODE_SIZE, 0);
}

static void do_step(const char *disk, const struct step *s)
{
	switch (s->kind) {
	case STEP_MKDIR:
		mtools_mkdir(disk, s->dir);
		break;
	case STEP_FILE:
		if (s->file->host_path)
			mtools_copy_file(disk, s->file->host_path,
					 s->file->fat_path);
		else
			mtools_copy_data(disk, s->file->data,
					 (size_t)s->file->size_bytes,
					 s->file->fat_path);
		break;
	case STEP_STAGE2:
		write_stage2(disk, running_plan);
		break;
	case STEP_STAGE1:
		write_stage1(disk, running_plan);
		break;
	}
	sync_disk(disk);
}

/*
 * After the last file: read them back through common/fat.c, as the
 * loaders will, before stage2 and stage1 make the disk depend on them.
 */
static void check_files_back(const char *disk, struct install_plan *plan)
{
	unsigned i;

	mount_partition(disk, plan);
	for (i = 0; i < plan->file_count; i++) {
		struct fat_file f;
		enum fat_error err = fat_open(&volume, plan->files[i].fat_path,
					      &f);

		if (err != FAT_OK)
			mkdisk_die("%s: reading %s back: %s", disk,
				   plan->files[i].fat_path, fat_strerror(err));
		if (f.size != plan->files[i].size_bytes)
			mkdisk_die("%s: %s reads back as %u bytes, not %llu",
				   disk, plan->files[i].fat_path, f.size,
				   (unsigned long long)
				   plan->files[i].size_bytes);
	}
}

/* What the disk boots now, after the first `done` steps. */
static const char *boot_state(const struct install_plan *plan, unsigned done)
{
	if (done == plan->step_count)
		return "bzboot";
	if (done == plan->step_count - 1)
		return plan->stage2_found[0] ?
		       "nothing under BIOS until stage1 is written (stage2 "
		       "went over what was there)" :
		       "as before under BIOS (stage1 is not written)";
	return "as before under BIOS (neither stage2 nor stage1 is written)";
}

/* After an interrupt or a failed write: what is on the disk now. */
static void report_progress(void)
{
	const struct install_plan *plan = running_plan;
	unsigned i;

	if (!plan || !writes_started || writes_finished)
		return;
	fflush(stdout);
	fprintf(stderr, "mkdisk: install: %u of %u writes made:",
		steps_done, plan->step_count);
	for (i = 0; i < plan->step_count; i++)
		fprintf(stderr, "%s%s %s", i ? ";" : "",
			i < steps_done ? " written" : " NOT written",
			plan->steps[i].kind == STEP_STAGE1 ? "stage1" :
			plan->steps[i].kind == STEP_STAGE2 ? "stage2" :
			plan->steps[i].kind == STEP_MKDIR ? plan->steps[i].dir :
			plan->steps[i].file->fat_path);
	fprintf(stderr, ". The disk boots %s; run install again to finish.\n",
		boot_state(plan, steps_done));
}

static void install_exit_handler(void)
{
	report_progress();
}

/* A held-back SIGINT, SIGTERM or SIGHUP, or 0. */
static int pending_signal(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t pending;
	unsigned i;

	sigpending(&pending);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigismember(&pending, sigs[i]))
			return sigs[i];
	return 0;
}

/* ---- options --------------------------------------------------------- */

static void print_install_help(void)
{
	printf(INSTALL_USAGE "\n"
	       "\n"
	       "Install bzboot onto DISK (an image file or a block device), "
	       "which holds an MBR\n"
	       "or GPT partition table and a FAT partition (GPT: the EFI "
	       "System Partition;\n"
	       "MBR: the active FAT or EFI System partition, or the only "
	       "one). Nothing else\n"
	       "on the disk changes:\n"
	       "  - the files and BOOTX64.EFI go into the FAT partition "
	       "(mcopy); BOOTX64.EFI\n"
	       "    into /EFI/BOOT/ when that is empty, else /EFI/bzboot/;\n"
	       "  - stage2 into the BIOS boot partition (GPT) or the gap "
	       "after the table,\n"
	       "    which must be free (all zero);\n"
	       "  - stage1 into the MBR's boot code, bytes 0-439 of LBA 0.\n"
	       "In that order, each flushed to the disk before the next.\n"
	       "\n"
	       "  --kernel BZIMAGE     the kernel, to " MKDISK_KERNEL_PATH "\n"
	       "  --initrd FILE        an initrd; repeat for more (up to %u)\n"
	       "  --cmdline STRING     the kernel command line (may be empty)\n"
	       "  --config FILE        instead: FILE as " CONFIG_PATH ", its "
	       "files already on\n"
	       "                       the partition\n"
	       "  --dry-run            print every write (LBAs, bytes, what) "
	       "and make none\n"
	       "  --force              write stage2 over sectors that are not "
	       "free (another\n"
	       "                       loader's core image), and replace "
	       "files of the same name\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "See docs/install.md.\n", CONFIG_MAX_INITRDS);
}

static void parse_install_args(int argc, char **argv,
			       struct install_options *opt)
{
	enum { OPT_KERNEL = 256, OPT_INITRD, OPT_CMDLINE, OPT_CONFIG,
	       OPT_DRY_RUN, OPT_FORCE };
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(opt, 0, sizeof(*opt));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			if (opt->kernel)
				usage_error("--kernel given twice");
			opt->kernel = optarg;
			break;
		case OPT_INITRD:
			if (opt->initrd_count == CONFIG_MAX_INITRDS)
				usage_error("--initrd: more than %u initrds",
					    CONFIG_MAX_INITRDS);
			opt->initrds[opt->initrd_count++] = optarg;
			break;
		case OPT_CMDLINE:
			if (opt->cmdline)
				usage_error("--cmdline given twice");
			opt->cmdline = optarg;
			break;
		case OPT_CONFIG:
			if (opt->config)
				usage_error("--config given twice");
			opt->config = optarg;
			break;
		case OPT_DRY_RUN:
			opt->dry_run = true;
			break;
		case OPT_FORCE:
			opt->force = true;
			break;
		case 'h':
			print_install_help();
			exit(0);
		case ':':
			usage_error("%s needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		usage_error("no disk: give the image file or block device");
	opt->disk = argv[optind++];
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	if (opt->config && (opt->kernel || opt->initrd_count || opt->cmdline))
		usage_error("--config goes without --kernel, --initrd and "
			    "--cmdline");
	if (!opt->config && !opt->kernel)
		usage_error("no kernel: give --kernel BZIMAGE, or --config "
			    "FILE");
	if (opt->kernel && !opt->cmdline)
		usage_error("no command line: give --cmdline \"STRING\" "
			    "(\"\" for none)");
}

/* Files are dated SOURCE_DATE_EPOCH when it is set, else now. */
static uint64_t install_epoch(void)
{
	const char *value = getenv("SOURCE_DATE_EPOCH");
	uint64_t now = (uint64_t)time(NULL);

	if (value && value[0] >= '0' && value[0] <= '9')
		now = strtoull(value, NULL, 10);
	if (now < MKDISK_DEFAULT_EPOCH)
		now = MKDISK_DEFAULT_EPOCH;
	if (now > MKDISK_MAX_EPOCH)
		now = MKDISK_MAX_EPOCH;
	return now;
}

int install_main(int argc, char **argv)
{
	static struct install_plan plan;
	struct install_options opt;
	uint8_t lba0[SECTOR];
	struct mbr_partition first_part;
	const char *efi_dir;
	char efi_path[64];
	unsigned new_dirs, i;
	sigset_t block;
	int sig;

	parse_install_args(argc, argv, &opt);
	image_check_loaders();
	/*
	 * Hold the signals back from here on: they are looked at between two
	 * writes, and the tools started inherit the mask, so that a Ctrl-C
	 * does not stop mcopy half-way through the FAT either.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);

	/* 1. The disk and its partition table. */
	plan.disk_sectors = open_disk(&opt);
	plan.stage2_sectors = image_stage2_sectors();
	read_sectors(opt.disk, 0, 1, lba0);
	if (((const struct mbr *)lba0)->signature != MBR_SIGNATURE)
		mkdisk_die("%s: %s", opt.disk,
			   mbr_strerror(MBR_ERR_NO_SIGNATURE));
	plan.gpt = mbr_find_boot_partition(lba0, plan.disk_sectors,
					   &first_part) == MBR_ERR_GPT;
	if (plan.gpt)
		plan_gpt(opt.disk, &plan);
	else
		plan_mbr(opt.disk, lba0, &plan);

	/* 2. stage2's sectors free. */
	check_stage2_space(opt.disk, opt.force, &plan);

	/* 3. The FAT partition: the files' places and room for them. */
	mount_partition(opt.disk, &plan);
	efi_dir = choose_efi_dir(&plan);
	snprintf(efi_path, sizeof(efi_path), "%s/%s", efi_dir, EFI_NAME);
	plan_files(&opt, &plan, efi_path);
	plan_steps(&plan);
	for (new_dirs = 0; plan.steps[new_dirs].kind == STEP_MKDIR;)
		new_dirs++;
	check_files(opt.disk, opt.force, &plan, new_dirs);
	/* check_files() found what each file replaces: say so. */
	plan.step_count = 0;
	plan_steps(&plan);

	printf("mkdisk: install: %s: %s, partition %u (LBA %llu-%llu, "
	       "FAT%d)%s\n", opt.disk, plan.gpt ? "GPT" : "MBR",
	       plan.part_number, (unsigned long long)plan.part_lba,
	       (unsigned long long)(plan.part_lba + plan.part_sectors - 1),
	       plan.fat_type, opt.dry_run ? "; dry run, nothing written" : "");
	printf("  BOOTX64.EFI: %s (%s)\n", efi_path, plan.efi_note);
	if (opt.dry_run) {
		printf("  writes, in this order, each flushed:\n");
		for (i = 0; i < plan.step_count; i++)
			print_step("    ", i, &plan.steps[i], &plan);
		return 0;
	}

	/* 4. The writes: files, stage2, stage1; a signal stops between. */
	mtools_set_partition_lba(plan.part_lba);
	mtools_init_environment(install_epoch());
	running_plan = &plan;
	atexit(install_exit_handler);
	writes_started = true;
	for (i = 0; i < plan.step_count; i++) {
		sig = pending_signal();
		if (sig) {
			fflush(stdout);
			fprintf(stderr, "mkdisk: install: %s: stopped by %s "
				"between two writes\n", opt.disk,
				sig == SIGINT ? "SIGINT" :
				sig == SIGTERM ? "SIGTERM" : "SIGHUP");
			exit(128 + sig);
		}
		do_step(opt.disk, &plan.steps[i]);
		steps_done = i + 1;
		print_step("  wrote ", i, &plan.steps[i], &plan);
		fflush(stdout);
		if (plan.steps[i + 1].kind == STEP_STAGE2)
			check_files_back(opt.disk, &plan);
	}
	writes_finished = true;
	printf("mkdisk: install: %s: done; the disk boots bzboot\n", opt.disk);
	close(disk_fd);
	return 0;
}
