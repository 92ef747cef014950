// SPDX-License-Identifier: MIT
/*
 * env.c - `mkdisk set-default IMAGE ENTRY` and `mkdisk set-oneshot IMAGE
 * ENTRY`: the environment file of an image mkdisk made,
 * /loader/bzboot.env (common/bootenv.h), changed in place the way the
 * loaders change it. The FAT32 partition at PARTITION_START_LBA (where
 * mkdisk puts it on both layouts) is read through common/fat.c; ENTRY
 * must name one of the image's entries (bzboot.cfg's, or a BLS entry's
 * file name without .conf), "" empties the field; the file's one sector
 * is read, checked (magic, CRC) and written back with one pwrite() and
 * fsync(). Nothing else in the image changes, and on any error nothing is
 * written.
 *
 * Hosted code (the build machine); errors through mkdisk_die().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bls.h"
#include "bootenv.h"
#include "config.h"
#include "fat.h"
#include "layout.h"
#include "mkdisk.h"

/* The names of the image's entries, "a, b, c", for a message. */
static char entry_list[CONFIG_MAX_ENTRIES * 2 * (CONFIG_NAME_MAX + 2)];

static void list_add(const char *name)
{
	size_t n = strlen(entry_list);

	snprintf(entry_list + n, sizeof(entry_list) - n, "%s%s",
		 n ? ", " : "", name);
}

/* bzboot.cfg's entries: whether one is called name. */
static bool config_has(const char *image, struct fat_volume *vol,
		       const char *name)
{
	static char text[CONFIG_MAX_BYTES + 1];
	static struct config cfg;
	struct fat_file f;
	enum config_error cerr;
	enum fat_error err;
	unsigned line = 0, i;
	bool found = false;

	err = fat_open(vol, CONFIG_PATH, &f);
	if (err == FAT_ERR_NOT_FOUND)
		return false;
	if (!err && (f.is_dir || f.size > CONFIG_MAX_BYTES))
		mkdisk_die("%s: %s: not a config of at most %u bytes", image,
			   CONFIG_PATH, CONFIG_MAX_BYTES);
	if (!err)
		err = fat_read(vol, &f, 0, text, f.size);
	if (err)
		mkdisk_die("%s: reading %s: %s", image, CONFIG_PATH,
			   fat_strerror(err));
	cerr = config_parse(text, f.size, &cfg, &line);
	if (cerr == CONFIG_ERR_NO_ENTRIES)
		return false;
	if (cerr)
		mkdisk_die("%s: %s:%u: %s", image, CONFIG_PATH, line,
			   config_strerror(cerr));
	for (i = 0; i < cfg.entry_count; i++) {
		list_add(cfg.entry[i].name);
		found |= !strcmp(cfg.entry[i].name, name);
	}
	return found;
}

/* /loader/entries/NAME.conf: whether NAME is name. */
static bool bls_has(const char *image, struct fat_volume *vol,
		    const char *name)
{
	static struct fat_dirent ent;
	struct fat_file dir;
	struct fat_dir it;
	enum fat_error err;
	bool found = false;
	size_t len, k = strlen(BLS_SUFFIX);

	err = fat_open(vol, BLS_ENTRIES_DIR, &dir);
	if (err == FAT_ERR_NOT_FOUND)
		return false;
	if (!err)
		err = dir.is_dir ? fat_opendir(vol, &dir, &it) :
				   FAT_ERR_NOT_DIR;
	while (!err && (err = fat_readdir(&it, &ent)) == FAT_OK) {
		len = strlen(ent.name);
		if (ent.file.is_dir || len <= k ||
		    strcasecmp(ent.name + len - k, BLS_SUFFIX))
			continue;
		ent.name[len - k] = '\0';
		list_add(ent.name);
		found |= !strcmp(ent.name, name);
	}
	if (err != FAT_ERR_NOT_FOUND)
		mkdisk_die("%s: listing %s: %s", image, BLS_ENTRIES_DIR,
			   fat_strerror(err));
	return found;
}

int env_main(int argc, char **argv)
{
	static struct fat_volume vol;
	static const uint8_t qcow2_magic[4] = { 'Q', 'F', 'I', 0xfb };
	bool oneshot = !strcmp(argv[0], "set-oneshot");
	const char *image, *entry, *what;
	struct image_disk disk;
	struct fat_disk fdisk = { image_disk_read, &disk };
	uint8_t block[BOOTENV_SIZE];
	struct bootenv env;
	enum bootenv_error berr;
	enum fat_error err;
	struct fat_file f;
	struct stat st;
	uint64_t lba, disk_sectors;

	if (argc != 3)
		mkdisk_usage_error("usage: " ENV_USAGE, "%s: IMAGE and ENTRY, "
				   "nothing else", argv[0]);
	image = argv[1];
	entry = argv[2];
	what = oneshot ? "one-shot entry" : "saved default";
	if (strlen(entry) >= CONFIG_NAME_MAX)
		mkdisk_die("%s: entry name of %zu bytes, at most %u", image,
			   strlen(entry), CONFIG_NAME_MAX - 1);
	disk.fd = open(image, O_RDWR | O_CLOEXEC);
	if (disk.fd < 0)
		mkdisk_die("%s: cannot open: %s", image, strerror(errno));
	if (fstat(disk.fd, &st) < 0)
		mkdisk_die("%s: %s", image, strerror(errno));
	if (pread(disk.fd, block, 4, 0) == 4 && !memcmp(block, qcow2_magic, 4))
		mkdisk_die("%s: a qcow2 image: %s edits raw images only",
			   image, argv[0]);
	disk_sectors = (uint64_t)st.st_size / MKDISK_SECTOR_SIZE;
	if (!S_ISREG(st.st_mode) || disk_sectors <= PARTITION_START_LBA)
		mkdisk_die("%s: not a disk image mkdisk made (%llu bytes)",
			   image, (unsigned long long)st.st_size);
	err = fat_mount(&vol, &fdisk, PARTITION_START_LBA,
			image_partition_sectors(disk_sectors));
	if (err)
		mkdisk_die("%s: no FAT file system at LBA %u (not an image "
			   "mkdisk made?): %s", image, PARTITION_START_LBA,
			   fat_strerror(err));
	err = fat_open(&vol, BOOTENV_PATH, &f);
	if (!err)
		err = fat_file_lba(&vol, &f, &lba);
	if (err)
		mkdisk_die("%s: %s: %s (made by an older mkdisk?)", image,
			   BOOTENV_PATH, fat_strerror(err));
	if (f.size != BOOTENV_SIZE)
		mkdisk_die("%s: %s: %u bytes, not %u", image, BOOTENV_PATH,
			   f.size, BOOTENV_SIZE);
	if (image_disk_read(&disk, lba, 1, block))
		mkdisk_die("%s: reading %s: %s", image, BOOTENV_PATH,
			   strerror(errno));
	berr = bootenv_parse(block, &env);
	if (berr)
		mkdisk_die("%s: %s: %s", image, BOOTENV_PATH,
			   bootenv_strerror(berr));
	/* Both lists run, so that the message can name every entry. */
	if (entry[0] && !(config_has(image, &vol, entry) |
			  bls_has(image, &vol, entry)))
		mkdisk_die("%s: no entry %s (the image has: %s)", image, entry,
			   entry_list[0] ? entry_list : "none");
	snprintf(oneshot ? env.oneshot : env.saved, CONFIG_NAME_MAX, "%s",
		 entry);
	bootenv_build(&env, block);
	if (pwrite(disk.fd, block, sizeof(block),
		   (off_t)(lba * MKDISK_SECTOR_SIZE)) != (ssize_t)sizeof(block))
		mkdisk_die("%s: writing %s: %s", image, BOOTENV_PATH,
			   strerror(errno));
	if (fsync(disk.fd) < 0 || close(disk.fd) < 0)
		mkdisk_die("%s: %s", image, strerror(errno));
	printf("mkdisk: %s: %s %s\n", image, what, entry[0] ? entry : "(none)");
	return 0;
}
