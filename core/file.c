// SPDX-License-Identifier: MIT
/*
 * file.c - the file layer of file.h: common/fat.c over plat_block_read(),
 * else the firmware's file system. One FAT volume, the boot partition.
 * Files are read and directories listed the same way on both firmwares.
 *
 * Speed: fat_open() notes a file's cluster runs and fat_read() asks for
 * each run in one plat_block_read(), straight into the caller's buffer;
 * the backend cuts that into its commands (16 MiB by DMA, 64 KiB through
 * INT 13h), so a kernel or a 64 MiB initrd takes a few commands.
 */
#include "console.h"
#include "file.h"
#include "phase.h"
#include "platform.h"

static struct fat_volume *volume;
static bool mounted;

static int block_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	uint64_t t = phase_disk_begin();
	bool ok = plat_block_read(lba, count, buf);

	(void)ctx;
	phase_disk_end(t);
	return ok ? 0 : -1;
}

static const struct fat_disk disk = { block_read, NULL };

enum fat_error file_mount(struct fat_volume *vol, uint64_t part_lba,
			  uint64_t sectors)
{
	enum fat_error err = fat_mount(vol, &disk, part_lba, sectors);

	volume = vol;
	mounted = err == FAT_OK;
	return err;
}

bool file_mounted(void)
{
	return mounted;
}

bool file_open(const char *path, struct file *f, const char **why)
{
	enum fat_error err;

	*why = NULL;
	f->path = path;
	f->fs = NULL;
	if (!mounted)
		return plat_fs_open(path, &f->fs, &f->size);
	err = fat_open(volume, path, &f->fat);
	if (err) {
		*why = fat_strerror(err);
		return false;
	}
	if (f->fat.is_dir) {
		*why = "is a directory";
		return false;
	}
	f->size = f->fat.size;
	return true;
}

bool file_read(struct file *f, uint64_t offset, void *buf, uint64_t len,
	       const char **why)
{
	enum fat_error err;
	uint64_t t;
	bool ok;

	*why = NULL;
	if (!mounted) {
		t = phase_disk_begin();
		ok = plat_fs_read(f->path, &f->fs, offset, buf, len);
		phase_disk_end(t);
		return ok;
	}
	/* FAT sizes are 32-bit: a range past that is past the file. */
	if (offset > f->size || len > f->size - offset) {
		*why = "read past the end of the file";
		return false;
	}
	err = fat_read(volume, &f->fat, (uint32_t)offset, buf,
		       (uint32_t)len);
	if (err)
		*why = fat_strerror(err);
	return !err;
}

void file_close(struct file *f)
{
	if (!mounted && f->fs)
		plat_fs_close(f->fs);
	f->fs = NULL;
}

/* Whether two sectors hold the same bytes. */
static bool same_sector(const uint8_t *a, const uint8_t *b)
{
	for (unsigned i = 0; i < FAT_SECTOR_SIZE; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

bool file_overwrite_sector(const char *path, const uint8_t *old,
			   const uint8_t *new, const char **why)
{
	/* In .bss: stage2's stack is for the menu's copies. */
	static uint8_t now[FAT_SECTOR_SIZE];
	struct fat_file f;
	enum fat_error err;
	uint64_t lba;

	*why = "files come through the firmware's file system, "
	       "which bzboot never writes";
	if (!mounted)
		return false;
	err = fat_open(volume, path, &f);
	if (!err)
		err = fat_file_lba(volume, &f, &lba);
	if (err) {
		*why = fat_strerror(err);
		return false;
	}
	*why = "smaller than a sector";
	if (f.size < FAT_SECTOR_SIZE)
		return false;
	*why = "its sector changed since it was read";
	if (!plat_block_read(lba, 1, now) || !same_sector(now, old))
		return false;
	*why = "disk write failed";
	if (!plat_block_write(lba, 1, new))
		return false;
	/* fat.c's one-sector buffer may hold the old bytes. */
	if (volume->sector_lba + volume->part_lba == lba)
		volume->sector_valid = false;
	*why = "the sector reads back different after the write";
	return plat_block_read(lba, 1, now) && same_sector(now, new);
}

bool file_opendir(const char *path, struct file_dir *d, const char **why)
{
	struct fat_file dir;
	enum fat_error err;

	*why = NULL;
	d->path = path;
	d->fs = NULL;
	if (!mounted)
		return plat_fs_opendir(path, &d->fs);
	err = fat_open(volume, path, &dir);
	if (err == FAT_ERR_NOT_FOUND)
		return false;
	if (!err && !dir.is_dir) {
		*why = "not a directory";
		return false;
	}
	if (!err)
		err = fat_opendir(volume, &dir, &d->fat);
	if (err)
		*why = fat_strerror(err);
	return !err;
}

int file_readdir(struct file_dir *d, char *name, size_t size,
		 const char **why)
{
	/* 800 bytes, on the stack: stage2's .bss has no room to spare. */
	struct fat_dirent ent;
	enum fat_error err;
	size_t len;

	*why = NULL;
	if (!mounted)
		return plat_fs_readdir(d->path, d->fs, name, size);
	for (;;) {
		err = fat_readdir(&d->fat, &ent);
		/* NOT_FOUND is the directory's end. */
		if (err == FAT_ERR_NOT_FOUND)
			return 0;
		if (err) {
			*why = fat_strerror(err);
			return -1;
		}
		for (len = 0; ent.name[len]; len++)
			;
		if (ent.file.is_dir || len >= size)
			continue;
		for (size_t i = 0; i <= len; i++)
			name[i] = ent.name[i];
		return 1;
	}
}

void file_closedir(struct file_dir *d)
{
	if (!mounted && d->fs)
		plat_fs_close(d->fs);
	d->fs = NULL;
}

bool file_open_say(const char *path, struct file *f)
{
	const char *why;

	if (file_open(path, f, &why))
		return true;
	if (why)
		console_printf("fat: %s: %s\n", path, why);
	return false;
}

bool file_read_say(const char *path, struct file *f, uint64_t offset,
		   void *buf, uint64_t len)
{
	const char *why;

	if (file_read(f, offset, buf, len, &why))
		return true;
	if (why)
		console_printf("fat: %s: reading %llu bytes at offset %llu: "
			       "%s\n", path, (unsigned long long)len,
			       (unsigned long long)offset, why);
	return false;
}
