/* SPDX-License-Identifier: MIT */
/*
 * file.h - the loader's one way to read a file: open a path, read ranges
 * of it, close it. The primary backend is common/fat.c over the
 * platform's block reads (plat_block_read()), on both firmwares; when the
 * boot volume cannot be reached as blocks (UEFI without Disk I/O, or a
 * file system common/fat.c does not read), the firmware's own file system
 * (plat_fs_*()) reads instead. The config and the BLS entries
 * (core/boot.c) and the kernel and initrd(s) (core/load.c) all come
 * through here.
 */
#ifndef CORE_FILE_H
#define CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fat.h"

/* An open file; several may be open at once (the initrds). */
struct file {
	const char *path;		/* as opened, for the firmware's reads */
	uint64_t size;
	struct fat_file fat;		/* when the volume is mounted */
	void *fs;			/* else the firmware's handle */
};

/*
 * Mount the FAT file system of sectors sectors from part_lba, in the
 * numbering of plat_block_read(), on vol: the backend's storage (20 KiB
 * of caches: stage2's .bss; on UEFI pool memory, as a PE image would
 * carry it as data). On failure, files come through the firmware's file
 * system from then on; the error says why.
 */
enum fat_error file_mount(struct fat_volume *vol, uint64_t part_lba,
			  uint64_t sectors);
/* Whether the volume is read as blocks (file_mount() succeeded). */
bool file_mounted(void);

/*
 * Open path and give its size in f. On failure *why is the problem, for
 * the caller to print after its module and the path, or NULL when the
 * firmware's file system has printed a line of its own.
 */
bool file_open(const char *path, struct file *f, const char **why);
/* len bytes at offset of f into buf (the range must be in the file). */
bool file_read(struct file *f, uint64_t offset, void *buf, uint64_t len,
	       const char **why);
void file_close(struct file *f);

/*
 * The same for loading a kernel or an initrd, with the one line of each
 * failure printed: "fat: PATH: PROBLEM", "fat: PATH: reading N bytes at
 * offset M: PROBLEM".
 */
bool file_open_say(const char *path, struct file *f);
bool file_read_say(const char *path, struct file *f, uint64_t offset,
		   void *buf, uint64_t len);

/*
 * Overwrite the first sector of file path in place with new; old is
 * what the caller read from it. The sector written is the one the file's
 * cluster chain names now (path opened again, its chain checked), and
 * only while it still holds old; then it is read back. The file system's
 * structure (the FAT, directories, sizes) never changes. Only on a
 * mounted volume: the firmware's file system is never written through.
 * false with *why.
 */
bool file_overwrite_sector(const char *path, const uint8_t *old,
			   const uint8_t *new, const char **why);

/* A directory being listed. */
struct file_dir {
	const char *path;		/* as opened, for messages */
	struct fat_dir fat;		/* when the volume is mounted */
	void *fs;			/* else the firmware's handle */
};

/*
 * List directory path: file_opendir(), then file_readdir() until it
 * returns 0 (the end) or -1, then file_closedir(). false from
 * file_opendir() with *why NULL: no such directory (nothing to say: most
 * disks have no /loader/entries), or the firmware's file system printed
 * a line of its own; else *why is the problem, as for file_open().
 */
bool file_opendir(const char *path, struct file_dir *d, const char **why);
/*
 * The next file's name (subdirectories are left out) into name, size
 * bytes with its NUL: 1; a name longer than that is left out too. 0 at
 * the end, -1 with *why as for file_open().
 */
int file_readdir(struct file_dir *d, char *name, size_t size,
		 const char **why);
void file_closedir(struct file_dir *d);

#endif /* CORE_FILE_H */
