// SPDX-License-Identifier: MIT
/*
 * rootfs.c - `mkdisk --rootfs DIR`: a persistent root file system in a
 * second partition. Debian's mke2fs makes the ext4 from DIR itself
 * (`mke2fs -t ext4 -d DIR`, mtools.c), without root privileges or loop
 * mounts, into a file of its own beside OUT; this file copies it into the
 * image. Before that, rootfs_scan() walks DIR once: to guess the size it
 * needs, and to hash it, so that another DIR gives other GUIDs and another
 * ext4 UUID, as another kernel does (main.c, choose_ids).
 *
 * The size guess is on the safe side. ext4 on a small partition keeps
 * about a sixteenth for inode tables (mke2fs.conf's "small": an inode of
 * 256 bytes per 4 KiB), up to an eighth for the journal, and a little for
 * bitmaps and group descriptors; what is left must hold DIR's files,
 * each rounded up to 4 KiB, a block per directory and an inode each.
 *
 * Hosted code (the build machine). Every failure goes through mkdisk_die().
 */
/* O_NOATIME */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkdisk.h"

#define ROOTFS_BLOCK		4096ULL
#define ROOTFS_INODE_BYTES	256ULL
/* The default size: twice what DIR holds, and this. */
#define ROOTFS_DEFAULT_SLACK_MIB	64ULL

static uint64_t round_block(uint64_t bytes)
{
	return (bytes + ROOTFS_BLOCK - 1) / ROOTFS_BLOCK * ROOTFS_BLOCK;
}

/* A file's bytes into the tree hash, read without changing its atime. */
static void hash_contents(struct image_hash *hash, const char *path,
			  uint64_t size)
{
	static uint8_t buf[1 << 16];
	uint64_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);

	/* O_NOATIME is for the file's owner only. */
	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		mkdisk_die("%s: cannot open it for the root file system: %s",
			   path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mkdisk_die("%s: read failed: %s", path,
				   strerror(errno));
		if (n == 0)
			break;
		image_hash_bytes(hash, buf, (size_t)n);
		done += (uint64_t)n;
	}
	close(fd);
	if (done != size)
		mkdisk_die("%s: %llu bytes now, %llu before: it changed while "
			   "mkdisk read it", path, (unsigned long long)done,
			   (unsigned long long)size);
}

/* One entry (path relative to DIR in rel), then a directory's entries. */
static void scan_entry(const char *path, const char *rel,
		       struct image_hash *hash, struct rootfs_scan *scan)
{
	struct stat st;
	size_t rel_len = strlen(rel);

	if (lstat(path, &st) < 0)
		mkdisk_die("%s: %s", path, strerror(errno));
	scan->entries++;
	scan->data_bytes += ROOTFS_INODE_BYTES;
	image_hash_u64(hash, rel_len);
	image_hash_bytes(hash, rel, rel_len);
	image_hash_u64(hash, st.st_mode);
	image_hash_u64(hash, st.st_uid);
	image_hash_u64(hash, st.st_gid);
	image_hash_u64(hash, (uint64_t)st.st_size);
	image_hash_u64(hash, (uint64_t)st.st_mtime);
	if (S_ISREG(st.st_mode)) {
		scan->data_bytes += round_block((uint64_t)st.st_size);
		hash_contents(hash, path, (uint64_t)st.st_size);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target));

		if (n < 0)
			mkdisk_die("%s: readlink: %s", path, strerror(errno));
		scan->data_bytes += ROOTFS_BLOCK;
		image_hash_bytes(hash, target, (size_t)n);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		image_hash_u64(hash, (uint64_t)st.st_rdev);
	} else if (S_ISDIR(st.st_mode)) {
		struct dirent **names;
		int count, i;

		/* alphasort: the same order on every file system. */
		count = scandir(path, &names, NULL, alphasort);
		if (count < 0)
			mkdisk_die("%s: cannot read the directory: %s", path,
				   strerror(errno));
		scan->data_bytes += ROOTFS_BLOCK;
		for (i = 0; i < count; i++) {
			const char *name = names[i]->d_name;
			char *child_path, *child_rel;

			if (strcmp(name, ".") && strcmp(name, "..")) {
				if (asprintf(&child_path, "%s/%s", path,
					     name) < 0 ||
				    asprintf(&child_rel, "%s/%s", rel,
					     name) < 0)
					mkdisk_die("out of memory");
				/* Directory entries: name, 8 bytes, padded. */
				scan->data_bytes += (strlen(name) + 8 + 3) & ~3U;
				scan_entry(child_path, child_rel, hash, scan);
				free(child_path);
				free(child_rel);
			}
			free(names[i]);
		}
		free(names);
	}
}

void rootfs_scan(const char *dir, struct rootfs_scan *scan)
{
	struct image_hash hash;
	struct stat st;

	if (stat(dir, &st) < 0)
		mkdisk_die("%s: the root file system's directory: %s", dir,
			   strerror(errno));
	if (!S_ISDIR(st.st_mode))
		mkdisk_die("%s: not a directory (--rootfs takes the directory "
			   "that becomes /)", dir);
	memset(scan, 0, sizeof(*scan));
	image_hash_init(&hash);
	scan_entry(dir, "", &hash, scan);
	scan->hash = hash.state;
}

bool rootfs_fits(const struct rootfs_scan *scan, uint64_t mib)
{
	uint64_t bytes = mib * MKDISK_MIB;
	/* Inode tables 1/16, journal up to 1/8, bitmaps and the rest 1/32. */
	uint64_t overhead = bytes / 16 + bytes / 8 + bytes / 32 + MKDISK_MIB;

	return overhead < bytes && scan->data_bytes <= bytes - overhead;
}

uint64_t rootfs_default_mib(const struct rootfs_scan *scan)
{
	return (2 * scan->data_bytes + MKDISK_MIB - 1) / MKDISK_MIB +
	       ROOTFS_DEFAULT_SLACK_MIB;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

void rootfs_copy(int fd, const char *path, const char *fs_path,
		 uint64_t first_lba, uint64_t sectors)
{
	static uint8_t buf[1 << 16];
	uint64_t offset = first_lba * MKDISK_SECTOR_SIZE, done = 0;
	int in = open(fs_path, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		mkdisk_die("%s: %s", fs_path, strerror(errno));
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		const uint8_t *p = buf;
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mkdisk_die("%s: read failed: %s", fs_path,
				   strerror(errno));
		if (n == 0)
			break;
		if (done + (uint64_t)n > sectors * MKDISK_SECTOR_SIZE)
			mkdisk_die("%s: larger than the root partition's %llu "
				   "sectors", fs_path,
				   (unsigned long long)sectors);
		/* The image is a sparse file of zeros: skip what is zero. */
		left = all_zero(buf, (size_t)n) ? 0 : (size_t)n;
		while (left) {
			ssize_t w = pwrite(fd, p, left,
					   (off_t)(offset + done +
						   (uint64_t)(p - buf)));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				mkdisk_die("%s: write failed: %s", path,
					   w < 0 ? strerror(errno) :
					   "no progress");
			p += w;
			left -= (size_t)w;
		}
		done += (uint64_t)n;
	}
	close(in);
	if (done != sectors * MKDISK_SECTOR_SIZE)
		mkdisk_die("%s: %llu bytes, not the root partition's %llu",
			   fs_path, (unsigned long long)done,
			   (unsigned long long)(sectors * MKDISK_SECTOR_SIZE));
}
