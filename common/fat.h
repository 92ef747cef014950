/* SPDX-License-Identifier: MIT */
/*
 * fat.h - a read-only FAT12/FAT16/FAT32 reader with long file names.
 *
 * Stage2 reads the config, the kernel and the initrds from the boot
 * partition through it; mkdisk and the unit tests read images back with it.
 * It reaches the disk only through the caller's read callback, in 512-byte
 * sectors at absolute (whole-disk) LBAs, and keeps all its state in the
 * caller's struct fat_volume: no globals, no allocation, no 64-bit division,
 * so it runs in 32-bit stage2, in the EFI loader and on the host alike.
 *
 * Reading is fast where it matters: fat_read() turns each run of
 * consecutive clusters into one disk read straight into the caller's buffer
 * (a contiguous kernel is one call), and the FAT is cached
 * FAT_CACHE_SECTORS sectors at a time and read a whole entry at a time
 * (FAT16/32 entries never straddle a sector). fat_open() walks a file's
 * chain once, checking it, and notes its runs in the volume, so that
 * fat_read() of that file reads no FAT again (a 64 MiB initrd in 1 KiB
 * clusters has 65536 FAT entries, 256 KiB of FAT to read). A damaged file
 * system gives an error, never a hang or a read outside the partition:
 * cluster numbers are checked against the volume, and cluster chains are
 * walked with Brent's cycle detection.
 *
 * The FAT type comes from the cluster count, as Microsoft's FAT
 * specification ("FAT: General Overview of On-Disk Format") says: fewer than
 * 4085 clusters is FAT12, fewer than 65525 is FAT16, else FAT32.
 */
#ifndef COMMON_FAT_H
#define COMMON_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT_SECTOR_SIZE		512
/*
 * FAT sectors read in one disk call when a FAT sector is not cached: 28 KiB
 * covers 7168 FAT32 clusters per read (28 MiB of file in 4 KiB clusters),
 * and leaves stage2's .bss region (layout.h) at least 32 KiB free for
 * what comes next. Each FAT sector of a file is read once (fat_open()),
 * so the size only sets the number of calls: 10 for a 64 MiB file in
 * 1 KiB clusters (64 sectors would make it 8).
 */
#define FAT_CACHE_SECTORS	56
/*
 * Chains whose runs the volume remembers (fat_open() fills them, oldest
 * replaced first): the kernel and three initrds. Runs kept per chain: a
 * file copied onto a fresh volume is one run; past FAT_CHAIN_RUNS,
 * fat_read() goes on through the FAT.
 */
#define FAT_RUN_CHAINS		4
#define FAT_CHAIN_RUNS		8
#define FAT_DIRENT_SIZE		32
/* Longest long file name: 255 UTF-16 units, at most 3 UTF-8 bytes each. */
#define FAT_LFN_MAX		255
#define FAT_NAME_MAX		(FAT_LFN_MAX * 3 + 1)

/* Directory entry attributes (DIR_Attr). */
#define FAT_ATTR_READ_ONLY	0x01
#define FAT_ATTR_HIDDEN		0x02
#define FAT_ATTR_SYSTEM		0x04
#define FAT_ATTR_VOLUME_ID	0x08
#define FAT_ATTR_DIRECTORY	0x10
#define FAT_ATTR_ARCHIVE	0x20
#define FAT_ATTR_LONG_NAME	0x0f

struct fat_disk {
	/*
	 * Read count 512-byte sectors at lba (absolute, whole-disk) into buf.
	 * count may be large (thousands): the callback splits as it needs.
	 * Returns 0 on success.
	 */
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	void *ctx;
};

enum fat_error {
	FAT_OK = 0,
	FAT_ERR_IO,		/* the read callback failed */
	FAT_ERR_NOT_FAT,	/* no boot sector signature or jump */
	FAT_ERR_UNSUPPORTED,	/* FAT32 version not 0.0, or too big */
	FAT_ERR_NOT_FOUND,	/* no such file; end of a directory */
	FAT_ERR_NOT_DIR,	/* a path component is a file */
	FAT_ERR_IS_DIR,		/* reading a directory as a file */
	FAT_ERR_BAD_CLUSTER,	/* free, bad or out-of-range chain cluster */
	FAT_ERR_CHAIN_LOOP,	/* a cluster chain loops */
	FAT_ERR_CHAIN_SHORT,	/* a chain ends before the file does */
	FAT_ERR_RANGE,		/* read past the end of the file */
	FAT_ERR_SECTOR_SIZE,	/* bytes per sector is not 512 */
	FAT_ERR_CLUSTER_SIZE,	/* sectors per cluster not a power of two */
	FAT_ERR_BPB_ZERO,	/* a count in the BPB that must not be 0 is 0 */
	FAT_ERR_BPB_SIZE,	/* file system larger than its partition */
	FAT_ERR_BPB_LAYOUT,	/* FATs, root or data region do not fit */
	FAT_ERR_NAME_TOO_LONG,	/* a path component longer than 255 bytes */
	FAT_ERR_COUNT
};

enum fat_type {
	FAT_TYPE_12 = 12,
	FAT_TYPE_16 = 16,
	FAT_TYPE_32 = 32,
};

/* Clusters first .. first + count - 1, consecutive in a chain. */
struct fat_run {
	uint32_t first;
	uint32_t count;
};

/*
 * A chain fat_open() walked and found sound, as runs: the whole chain when
 * whole is set, else its first FAT_CHAIN_RUNS runs.
 */
struct fat_chain_runs {
	uint32_t first_cluster;		/* 0: unused */
	uint32_t count;			/* runs in run[] */
	bool whole;
	struct fat_run run[FAT_CHAIN_RUNS];
};

/*
 * One mounted FAT file system; the caller owns the memory (~21 KiB, most of
 * it the FAT cache).
 */
struct fat_volume {
	struct fat_disk disk;
	uint64_t part_lba;		/* partition start, absolute */
	uint64_t part_sectors;
	enum fat_type type;
	/* Geometry from the BPB; every lba below is relative to part_lba. */
	uint32_t total_sectors;
	uint32_t sectors_per_cluster;
	unsigned cluster_shift;		/* log2(sectors_per_cluster) */
	uint32_t fat_lba;		/* the FAT in use (mirror or active) */
	uint32_t fat_sectors;		/* size of one FAT */
	uint32_t root_lba;		/* FAT12/16 fixed root directory */
	uint32_t root_sectors;		/* 0 on FAT32 */
	uint32_t root_cluster;		/* FAT32 root directory; 0 otherwise */
	uint32_t data_lba;		/* cluster 2 */
	uint32_t cluster_count;		/* data clusters: 2 .. count + 1 */
	uint32_t eoc;			/* first end-of-chain mark */
	/* One sector buffer, remembering which sector it holds. */
	uint64_t sector_lba;		/* relative */
	bool sector_valid;
	uint8_t sector[FAT_SECTOR_SIZE];
	/* FAT cache: fat_cache_count sectors from fat_cache_first. */
	uint32_t fat_cache_first;
	uint32_t fat_cache_count;
	uint8_t fat_cache[FAT_CACHE_SECTORS * FAT_SECTOR_SIZE];
	/* Checked chains, for fat_read(); fat_mount() forgets them. */
	struct fat_chain_runs chains[FAT_RUN_CHAINS];
	unsigned chains_next;		/* the slot to fill next */
};

/* An open file or directory. */
struct fat_file {
	uint32_t first_cluster;		/* 0: empty file, or FAT12/16 root */
	uint32_t size;			/* bytes; 0 for directories */
	bool is_dir;
	uint8_t attr;			/* FAT_ATTR_* */
};

/*
 * A walk along a cluster chain, with Brent's cycle detection: brent_mark
 * is a cluster seen earlier, moved forward each time brent_steps reaches
 * brent_power (which then doubles). Meeting the mark again means a loop.
 */
struct fat_chain {
	uint32_t cluster;
	uint32_t brent_mark;
	uint32_t brent_power;
	uint32_t brent_steps;
};

/* Position in a directory, for fat_readdir(). */
struct fat_dir {
	struct fat_volume *vol;
	bool fixed_root;		/* FAT12/16 root: no cluster chain */
	bool done;
	struct fat_chain chain;		/* chained directories */
	uint32_t sector;		/* in the cluster, or in the root */
	uint32_t entry;			/* entry in the sector */
};

/* One directory entry as fat_readdir() returns it. */
struct fat_dirent {
	char name[FAT_NAME_MAX];	/* long name (UTF-8), else short name */
	char short_name[13];		/* "NAME.EXT", NT case bits applied */
	struct fat_file file;
};

const char *fat_strerror(enum fat_error err);

/* Read and check the boot sector of the FAT file system at part_lba. */
enum fat_error fat_mount(struct fat_volume *vol, const struct fat_disk *disk,
			 uint64_t part_lba, uint64_t part_sectors);

/*
 * Find path ("/boot/vmlinuz"; '/' separated, the leading '/' optional,
 * "/" is the root directory). Names match case-insensitively (ASCII) against
 * the long name and the 8.3 name. A file's whole cluster chain is checked
 * here, so a later fat_read() of it meets no surprise, and its runs are
 * noted in vol for fat_read().
 */
enum fat_error fat_open(struct fat_volume *vol, const char *path,
			struct fat_file *file);

/*
 * Read len bytes at offset of file; the whole range must be in the file.
 * The FAT is read only where fat_open() did not note the file's runs
 * (more runs than it keeps, a file from fat_readdir(), or a volume mounted
 * again since).
 */
enum fat_error fat_read(struct fat_volume *vol, const struct fat_file *file,
			uint32_t offset, void *buf, uint32_t len);

/*
 * The absolute LBA (as disk.read counts) of the first sector of file's
 * data, for a caller that overwrites a file in place (core/file.c, the
 * environment file): FAT_ERR_IS_DIR for a directory, FAT_ERR_RANGE for a
 * file with no cluster. The file's first cluster is contiguous on the
 * disk, so its first sectors_per_cluster sectors follow this one.
 */
enum fat_error fat_file_lba(const struct fat_volume *vol,
			    const struct fat_file *file, uint64_t *lba);

/* List a directory: fat_readdir() returns FAT_ERR_NOT_FOUND at the end. */
enum fat_error fat_opendir(struct fat_volume *vol, const struct fat_file *dir,
			   struct fat_dir *it);
enum fat_error fat_readdir(struct fat_dir *it, struct fat_dirent *ent);

#endif /* COMMON_FAT_H */
