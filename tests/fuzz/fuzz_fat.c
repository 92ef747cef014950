// SPDX-License-Identifier: MIT
/*
 * fuzz_fat.c - libFuzzer target for common/fat.c, the FAT12/16/32 reader
 * both loaders run on whatever disk they boot from.
 *
 * The input is the start of a disk image. The disk is ceil(size / 512)
 * sectors, or larger when the boot sector's BPB or the MBR's chosen
 * partition says so (at most FUZZ_DISK_MAX_SECTORS): the sectors past the
 * input read as zeros, so a FAT32 image (65525 clusters or more, 33 MiB
 * at least) can be a seed with its empty tail cut off. The read callback
 * refuses, with an error, any read past the disk's end, and aborts on a
 * read outside the mounted partition: fat.h promises there is none.
 *
 * The image is mounted at LBA 0 (a superfloppy) and, when the first sector
 * is an MBR with a FAT partition (mbr_find_boot_partition()), at that
 * partition too. On each mounted volume: fat_open() of fixed paths (the
 * ones the loaders use, "." and "..", empty and too-long components) and
 * of a path from the input's last 64 bytes; fat_read() of whole files and
 * of odd ranges, each compared with the whole; fat_opendir()/fat_readdir()
 * of the root and, depth first, its subdirectories, opening and reading
 * the files found there by path and by entry. Beyond memory errors and
 * undefined behaviour, the mounted geometry and every answer are checked
 * against what fat.h promises (FUZZ_ASSERT).
 */
#include "fuzz.h"

#include "fat.h"
#include "mbr.h"

/* 64 MiB: room for the smallest FAT32 file systems. */
#define FUZZ_DISK_MAX_SECTORS	(128u * 1024)
#define FUZZ_READ_MAX		(1024u * 1024)
#define FUZZ_PATH_TAIL		64
#define FUZZ_DEPTH_MAX		4
#define FUZZ_DIR_ENTRIES_MAX	48
#define FUZZ_PATH_MAX		1024

struct fuzz_disk {
	const uint8_t *data;
	size_t size;
	uint64_t sectors;
	uint64_t part_lba;	/* the partition being read */
	uint64_t part_sectors;
};

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	const struct fuzz_disk *d = ctx;
	uint8_t *out = buf;

	/* fat.h: never a read outside the partition. */
	FUZZ_ASSERT(lba >= d->part_lba);
	FUZZ_ASSERT(count <= d->part_sectors &&
		    lba - d->part_lba <= d->part_sectors - count);
	if (lba >= d->sectors || count > d->sectors - lba)
		return -1;
	for (uint32_t i = 0; i < count; i++, out += FAT_SECTOR_SIZE) {
		uint64_t off = (lba + i) * FAT_SECTOR_SIZE;
		size_t n = 0;

		if (off < d->size)
			n = d->size - off < FAT_SECTOR_SIZE ?
			    d->size - off : FAT_SECTOR_SIZE;
		if (n)
			memcpy(out, d->data + off, n);
		memset(out + n, 0, FAT_SECTOR_SIZE - n);
	}
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void check_volume(const struct fat_volume *vol)
{
	uint64_t clusters = vol->cluster_count;
	uint64_t data_end = vol->data_lba + (clusters << vol->cluster_shift);

	FUZZ_ASSERT(vol->total_sectors <= vol->part_sectors);
	FUZZ_ASSERT(vol->sectors_per_cluster == 1u << vol->cluster_shift);
	FUZZ_ASSERT(vol->cluster_count >= 1);
	FUZZ_ASSERT(data_end <= vol->total_sectors);
	FUZZ_ASSERT((uint64_t)vol->fat_lba + vol->fat_sectors <= vol->root_lba);
	FUZZ_ASSERT(vol->root_lba + vol->root_sectors == vol->data_lba);
	if (vol->cluster_count <= 4084)
		FUZZ_ASSERT(vol->type == FAT_TYPE_12);
	else if (vol->cluster_count <= 65524)
		FUZZ_ASSERT(vol->type == FAT_TYPE_16);
	else
		FUZZ_ASSERT(vol->type == FAT_TYPE_32);
	if (vol->type == FAT_TYPE_32) {
		FUZZ_ASSERT(vol->root_sectors == 0);
		FUZZ_ASSERT(vol->root_cluster >= 2 &&
			    vol->root_cluster - 2 < vol->cluster_count);
	} else {
		FUZZ_ASSERT(vol->root_sectors > 0 && vol->root_cluster == 0);
	}
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_error(enum fat_error err)
{
	FUZZ_ASSERT(err < FAT_ERR_COUNT);
	FUZZ_ASSERT(strlen(fat_strerror(err)) > 0);
}

/*
 * Read a file whole (up to FUZZ_READ_MAX) and in odd pieces: each piece
 * that reads must match the whole, and reads past the end must fail.
 */
static void read_file(struct fat_volume *vol, const struct fat_file *f)
{
	uint32_t size = f->size, len, off;
	enum fat_error err, whole_err;
	uint8_t *whole, *piece;
	static const uint32_t odd[][2] = {
		{ 0, 1 }, { 1, 1 }, { 1, 511 }, { 511, 2 }, { 511, 1026 },
		{ 4095, 4098 }, { 12345, 54321 }, { 0, 0 },
	};

	if (f->is_dir) {
		err = fat_read(vol, f, 0, NULL, 0);
		FUZZ_ASSERT(err == FAT_ERR_IS_DIR);
		return;
	}
	err = fat_read(vol, f, size, NULL, 0);
	FUZZ_ASSERT(err == FAT_OK);
	if (size < UINT32_MAX) {
		uint8_t b;

		err = fat_read(vol, f, size, &b, 1);
		FUZZ_ASSERT(err == FAT_ERR_RANGE);
		err = fat_read(vol, f, size + 1, &b, 0);
		FUZZ_ASSERT(err == FAT_ERR_RANGE);
	}
	err = fat_read(vol, f, 1, NULL, UINT32_MAX);
	FUZZ_ASSERT(err == FAT_ERR_RANGE);

	len = size < FUZZ_READ_MAX ? size : FUZZ_READ_MAX;
	whole = malloc(len ? len : 1);
	piece = malloc(len ? len : 1);
	if (!whole || !piece)
		abort();
	whole_err = fat_read(vol, f, 0, whole, len);
	check_error(whole_err);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		off = odd[i][0];
		if (off > len)
			off = len / 3;
		uint32_t n = odd[i][1] <= len - off ? odd[i][1] : len - off;

		err = fat_read(vol, f, off, piece, n);
		check_error(err);
		if (err == FAT_OK && whole_err == FAT_OK)
			FUZZ_ASSERT(memcmp(piece, whole + off, n) == 0);
	}
	/* The last bytes, past the part read whole when the file is big. */
	if (size > 3) {
		err = fat_read(vol, f, size - 3, piece, 3);
		check_error(err);
		if (err == FAT_OK && whole_err == FAT_OK && size == len)
			FUZZ_ASSERT(memcmp(piece, whole + size - 3, 3) == 0);
	}
	free(piece);
	free(whole);
}

static void open_path(struct fat_volume *vol, const char *path)
{
	struct fat_file f;
	struct fat_dir it;
	struct fat_dirent *ent;
	enum fat_error err;

	memset(&f, 0x5a, sizeof(f));
	err = fat_open(vol, path, &f);
	check_error(err);
	if (err)
		return;
	if (!f.is_dir) {
		read_file(vol, &f);
		return;
	}
	FUZZ_ASSERT(f.size == 0);
	ent = malloc(sizeof(*ent));
	if (!ent)
		abort();
	err = fat_opendir(vol, &f, &it);
	check_error(err);
	for (unsigned i = 0; err == FAT_OK && i < FUZZ_DIR_ENTRIES_MAX; i++) {
		err = fat_readdir(&it, ent);
		check_error(err);
	}
	free(ent);
}

/* List dir (at path) and everything below it, depth first. */
static void walk(struct fat_volume *vol, const struct fat_file *dir,
		 char *path, size_t path_len, unsigned depth, unsigned *budget)
{
	struct fat_dir it;
	struct fat_dirent *ent;
	enum fat_error err;
	struct fat_file f;

	err = fat_opendir(vol, dir, &it);
	check_error(err);
	if (err)
		return;
	ent = malloc(sizeof(*ent));
	if (!ent)
		abort();
	for (unsigned i = 0; i < FUZZ_DIR_ENTRIES_MAX && *budget; i++) {
		size_t name_len;

		(*budget)--;
		memset(ent, 0x5a, sizeof(*ent));
		err = fat_readdir(&it, ent);
		check_error(err);
		if (err)
			break;
		FUZZ_ASSERT(terminated(ent->name, sizeof(ent->name)));
		FUZZ_ASSERT(terminated(ent->short_name,
				       sizeof(ent->short_name)));
		FUZZ_ASSERT(ent->file.is_dir ==
			    !!(ent->file.attr & FAT_ATTR_DIRECTORY));
		if (ent->file.is_dir)
			FUZZ_ASSERT(ent->file.size == 0);

		/* The entry as the loaders reach it: by its path. */
		name_len = strlen(ent->name);
		if (path_len + 1 + name_len < FUZZ_PATH_MAX) {
			path[path_len] = '/';
			memcpy(path + path_len + 1, ent->name, name_len + 1);
			err = fat_open(vol, path, &f);
			check_error(err);
			if (err == FAT_OK && !f.is_dir)
				read_file(vol, &f);
		}
		if (!ent->file.is_dir) {
			/* Unchecked chain: fat_read() must cope alone. */
			read_file(vol, &ent->file);
		} else if (depth < FUZZ_DEPTH_MAX &&
			   strcmp(ent->short_name, ".") != 0 &&
			   strcmp(ent->short_name, "..") != 0 &&
			   path_len + 1 + name_len < FUZZ_PATH_MAX) {
			walk(vol, &ent->file, path, path_len + 1 + name_len,
			     depth + 1, budget);
		}
		path[path_len] = '\0';
	}
	free(ent);
}

static void fuzz_volume(struct fuzz_disk *d, const uint8_t *data,
			size_t size)
{
	static const char *const paths[] = {
		"/", "", "/bzboot.cfg", "bzboot.cfg", "/boot/vmlinuz",
		"/BOOT/VMLINUZ", "/boot/initrd-1.img", "/boot/initrd-2.img",
		"//boot/./initrd-1.img", "/boot/../bzboot.cfg",
		"/boot/vmlinuz/x", "/EFI/BOOT/BOOTX64.EFI", "/.", "/..",
		"/../..", "/no/such/file", "/boot/",
	};
	struct fat_disk disk = { disk_read, d };
	struct fat_volume *vol = malloc(sizeof(*vol));
	char *path = malloc(FUZZ_PATH_MAX);
	char *tail, *long_name;
	struct fat_file root;
	enum fat_error err;
	unsigned budget = 256;

	if (!vol || !path)
		abort();
	err = fat_mount(vol, &disk, d->part_lba, d->part_sectors);
	check_error(err);
	if (err)
		goto out;
	check_volume(vol);

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		open_path(vol, paths[i]);
	tail = fuzz_strndup(data + (size > FUZZ_PATH_TAIL ?
				    size - FUZZ_PATH_TAIL : 0),
			    size > FUZZ_PATH_TAIL ? FUZZ_PATH_TAIL : size);
	open_path(vol, tail);
	free(tail);
	long_name = malloc(FAT_NAME_MAX + 2);
	if (!long_name)
		abort();
	long_name[0] = '/';
	memset(long_name + 1, 'a', FAT_NAME_MAX);
	long_name[FAT_NAME_MAX + 1] = '\0';
	FUZZ_ASSERT(fat_open(vol, long_name, &root) == FAT_ERR_NAME_TOO_LONG);
	free(long_name);

	err = fat_open(vol, "/", &root);
	FUZZ_ASSERT(err == FAT_OK && root.is_dir);
	path[0] = '\0';
	walk(vol, &root, path, 0, 0, &budget);
out:
	free(path);
	free(vol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_disk d = { data, size, (size + FAT_SECTOR_SIZE - 1) /
				FAT_SECTOR_SIZE, 0, 0 };
	uint8_t *sector = calloc(1, MBR_SIZE);
	struct mbr_partition part;
	bool have_part;
	uint64_t want;

	if (!sector)
		abort();
	memcpy(sector, data, size < MBR_SIZE ? size : MBR_SIZE);
	/* A sparse disk as large as the BPB or the partition says. */
	want = sector[0x13] | (uint32_t)sector[0x14] << 8;
	if (!want)
		want = le32(sector + 0x20);
	have_part = mbr_find_boot_partition(sector, 0, &part) == MBR_OK;
	if (have_part &&
	    (uint64_t)part.lba_first + part.sectors > want)
		want = (uint64_t)part.lba_first + part.sectors;
	if (want > FUZZ_DISK_MAX_SECTORS)
		want = FUZZ_DISK_MAX_SECTORS;
	if (want > d.sectors)
		d.sectors = want;
	free(sector);

	d.part_lba = 0;
	d.part_sectors = d.sectors;
	fuzz_volume(&d, data, size);
	if (have_part && part.lba_first < d.sectors) {
		d.part_lba = part.lba_first;
		d.part_sectors = part.sectors;
		fuzz_volume(&d, data, size);
	}
	return 0;
}
