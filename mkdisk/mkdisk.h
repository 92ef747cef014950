/* SPDX-License-Identifier: MIT */
/*
 * mkdisk.h - what the parts of mkdisk share: the embedded loaders, the
 * places of the files in the FAT partition, the FAT32 plan, and the
 * one way out on an error.
 *
 *   main.c    options, the temporary output file, the order of the
 *             steps, the summary
 *   input.c   the checks of every input: a regular file FAT32 can hold,
 *             a kernel the loaders take, a command line the config keeps
 *   image.c   the MBR (stage1, stage1_info, partition table), stage2 in the
 *             gap before the partition, or the protective MBR, the GPT and
 *             stage2 in the BIOS boot partition; the FAT32 plan, the
 *             read-back, the hash of the inputs that names the disk, the
 *             partitions and the volume, the loaders' enrolled-config
 *             slots (--enroll-config)
 *   rootfs.c  --rootfs DIR: the walk of DIR (its size and hash), the ext4
 *             made by mke2fs -d in a file of its own, copied into place
 *   mtools.c  mformat, mmd and mcopy, qemu-img and mke2fs, run without a
 *             shell
 *   embed.S   stage1.bin, stage2.bin and BOOTX64.EFI, built in
 *   inspect*.c `mkdisk inspect FILE`: what a file is, its setup header, and
 *             where the loaders would put it
 *   install.c `mkdisk install DISK`: bzboot onto a partitioned disk
 *
 * Hosted code: it runs on the build machine with the C library.
 */
#ifndef MKDISK_MKDISK_H
#define MKDISK_MKDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>
#include <sys/types.h>

#include "bzimage.h"
#include "gpt.h"
#include "sha256.h"

/* The loaders, from mkdisk/embed.S: each blob is [start, end). */
extern const uint8_t embed_stage1_start[], embed_stage1_end[];
extern const uint8_t embed_stage2_start[], embed_stage2_end[];
extern const uint8_t embed_efi_start[], embed_efi_end[];

/*
 * Where mkdisk puts things in the FAT partition (the project's convention;
 * the config's own path is CONFIG_PATH, common/config.h).
 */
#define MKDISK_KERNEL_PATH	"/boot/vmlinuz"
/* initrd number n (from 1) is "/boot/initrd-<n>.img". */
#define MKDISK_INITRD_FORMAT	"/boot/initrd-%u.img"
#define MKDISK_EFI_PATH		"/EFI/BOOT/BOOTX64.EFI"
#define MKDISK_VOLUME_LABEL	"BZBOOT"

/* FAT32 stores a file's size in 32 bits. */
#define FAT32_MAX_FILE_BYTES	0xffffffffULL

/* input.c: each check ends mkdisk with its one line when it fails. */
/* Open path for reading: a regular file FAT32 can hold; ROLE names it. */
int mkdisk_open_input(const char *path, const char *role, struct stat *st);
/* len bytes from the start of fd (fewer at its end), or -1. */
ssize_t mkdisk_read_full(int fd, void *buf, size_t len);
/* len bytes of buf at offset of fd, the file at path; all or the end. */
void mkdisk_write_at(int fd, const char *path, const void *buf, size_t len,
		     uint64_t offset);
/* A kernel the loaders will take, by their rules; its facts in info. */
void mkdisk_check_kernel(const char *path, struct bzimage_info *info,
			 struct stat *st);
/* One line of the config, and within the kernel's cmdline_size. */
void mkdisk_check_cmdline(const char *cmdline, const char *kernel,
			  const struct bzimage_info *info);

#define MKDISK_SECTOR_SIZE	512
#define MKDISK_MIB		(1024 * 1024)
/* FAT32 needs at least 65525 clusters; 64 MiB gives it 127000 or so. */
#define MKDISK_MIN_SIZE_MIB	64
/* The partition table holds 32-bit sector numbers: at most 2 TiB. */
#define MKDISK_MAX_SIZE_MIB	(0xffffffffULL / (MKDISK_MIB / 512))

/* Microsoft's FAT rule: 65525 clusters or more is FAT32, fewer is FAT16. */
#define FAT32_MIN_CLUSTERS	65525
/* Cluster numbers are 28 bits, 0x0ffffff7 marks a bad cluster. */
#define FAT32_MAX_CLUSTERS	0x0ffffff5
/* What mformat uses for FAT32: 32 reserved sectors, two FATs. */
#define FAT32_RESERVED_SECTORS	32
#define FAT32_FAT_COUNT		2
/* Entries of 32 bits in each 512-byte FAT sector. */
#define FAT32_ENTRIES_PER_SECTOR	(MKDISK_SECTOR_SIZE / 4)

/* The FAT32 file system mkdisk asks mformat for. */
struct fat32_plan {
	uint32_t partition_sectors;	/* the whole partition */
	uint32_t sectors_per_cluster;
	uint32_t fat_sectors;		/* one FAT */
	uint32_t clusters;		/* data clusters */
};

/*
 * The time stamps of every file and directory when SOURCE_DATE_EPOCH is
 * unset: 1980-01-01 00:00:00 UTC, the first moment a FAT date can hold.
 * FAT's last is 2107-12-31 23:59:58 (seconds in steps of 2).
 */
#define MKDISK_DEFAULT_EPOCH	315532800ULL
#define MKDISK_MAX_EPOCH	4354819198ULL

/* The partition table an image gets (--gpt). */
enum image_table {
	IMAGE_MBR,
	IMAGE_GPT,
};

/* The identifiers in an image (0 in none). */
struct image_ids {
	uint32_t disk_signature;	/* MBR, 0x1b8; PARTUUID SSSSSSSS-01 */
	uint32_t volume_id;		/* FAT32 boot sector, mformat -N */
	struct gpt_guid disk_guid;	/* GPT header */
	struct gpt_guid esp_guid;	/* the ESP's PARTUUID, in stage2_info */
	struct gpt_guid bios_boot_guid;	/* the BIOS boot partition's */
	struct gpt_guid root_guid;	/* --rootfs: its PARTUUID on GPT */
	struct gpt_guid root_fs_uuid;	/* --rootfs: the ext4's UUID */
};

/* A running hash (FNV-1a, 64 bits) of everything that makes an image. */
struct image_hash {
	uint64_t state;
};

/*
 * Print "mkdisk: error: <message>" on stderr, remove the temporary output
 * file if there is one, and exit 1. The message names the file first.
 */
void mkdisk_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Bad usage: "mkdisk: error: ..." and the usage line on stderr, exit 2. */
void mkdisk_usage_error(const char *usage_line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* The child process running now (0 if none): a signal stops it too. */
void mkdisk_set_child(int pid);

/*
 * Choose the cluster size for a partition of partition_sectors: as large
 * as keeps the cluster count comfortably above FAT32_MIN_CLUSTERS, up to
 * 4 KiB. Returns false when the partition is too small for FAT32.
 */
bool image_plan_fat32(uint32_t partition_sectors, struct fat32_plan *plan);

/* Bytes that a file of size_bytes takes in clusters of the plan. */
uint64_t image_cluster_bytes(const struct fat32_plan *plan,
			     uint64_t size_bytes);

/*
 * Check the embedded stage1, stage2 and EFI loader against common/mbr.h
 * and common/layout.h; dies when they disagree (a stale build).
 */
void image_check_loaders(void);

/*
 * --enroll-config: from now on stage2 and BOOTX64.EFI are copies with
 * sha256 (of /bzboot.cfg) in their enrolled-config slot (struct
 * config_enrolled, common/config.h). Dies when a loader has no slot, more
 * than one, or one already filled.
 */
void image_enroll_config(const uint8_t sha256[SHA256_DIGEST_SIZE]);
/* The loaders as they go onto the image: built in, or enrolled copies. */
const uint8_t *image_stage2(size_t *size);
const uint8_t *image_efi(size_t *size);
/* --sb-key: from now on BOOTX64.EFI is these bytes, signed by sbsign. */
void image_set_efi(const uint8_t *data, size_t size);

/* Sectors that stage2 takes from STAGE2_LBA. */
uint32_t image_stage2_sectors(void);

void image_hash_init(struct image_hash *hash);
void image_hash_bytes(struct image_hash *hash, const void *data, size_t len);
/* A number, as 8 bytes little-endian: a length or an option's value. */
void image_hash_u64(struct image_hash *hash, uint64_t value);
/* Every identifier from the hash so far. */
void image_hash_ids(const struct image_hash *hash, struct image_ids *ids);
/* Only the GPT's GUIDs (with --disk-id, from a hash of it). */
void image_hash_guids(const struct image_hash *hash, struct image_ids *ids);

/*
 * Sectors of the EFI System Partition from PARTITION_START_LBA, on either
 * layout: up to the place of a backup GPT (the last 33 LBAs), in whole
 * MiB: the disk's last MiB stays free.
 */
uint32_t image_partition_sectors(uint64_t disk_sectors);

/*
 * --rootfs: a root partition of sectors (whole MiB) after the ESP, up to
 * the disk's last MiB; 0 for none. Call before image_write_boot(); the
 * ESP is then image_partition_sectors(disk_sectors - sectors).
 */
void image_set_root_partition(uint64_t sectors);
/* Where the root partition starts on a disk of disk_sectors. */
uint64_t image_root_first_lba(uint64_t disk_sectors);

/*
 * Write the boot sectors into the image open as fd, disk_sectors long.
 * IMAGE_MBR: the MBR (stage1 with stage1_info, the disk signature, one
 * active EFI System partition from PARTITION_START_LBA) and
 * stage2 from STAGE2_LBA. IMAGE_GPT: the protective MBR with stage1, both
 * GPTs (BIOS boot partition, ESP), and stage2 from GPT_STAGE2_LBA with
 * the ESP's GUID in its stage2_info.
 */
void image_write_boot(int fd, const char *path, uint64_t disk_sectors,
		      enum image_table table, const struct image_ids *ids);

/*
 * Read the partition table back as stage2 does (GPT: both headers, and
 * the ESP by its GUID); the partition must be where the FAT32 goes.
 */
void image_check_table(int fd, const char *path, uint64_t disk_sectors,
		       enum image_table table, const struct image_ids *ids);

/*
 * Read the new file system back through common/fat.c: it must be FAT32
 * with at least FAT32_MIN_CLUSTERS clusters, and hold each of the
 * count files in fat_paths with the size in sizes. *actual gets the
 * geometry mformat chose.
 */
void image_check_fat(int fd, const char *path, uint32_t partition_sectors,
		     const char *const *fat_paths, const uint64_t *sizes,
		     unsigned count, struct fat32_plan *actual);

/* common/fat.c and gpt.c read an image through this, as a loader reads a disk. */
struct image_disk {
	int fd;
};
/* A fat_disk/gpt_disk read callback on a struct image_disk; 0 or -1. */
int image_disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf);

/*
 * `mkdisk set-default IMAGE ENTRY` and `mkdisk set-oneshot IMAGE ENTRY`
 * (env.c), with argv[0] the subcommand: the image's environment file
 * (common/bootenv.h) rewritten in place. Returns the exit status; exits
 * 1 on an error, 2 on bad usage.
 */
#define ENV_USAGE "mkdisk set-default|set-oneshot IMAGE ENTRY"
int env_main(int argc, char **argv);

/*
 * `mkdisk inspect FILE [--json] [--mem MiB] [--initrd-size BYTES]`, with
 * argv[0] "inspect". Returns the exit status: 0 for a bzImage bzboot
 * boots, 1 for anything else; exits 2 on bad usage.
 */
#define INSPECT_USAGE \
	"mkdisk inspect FILE [--json] [--mem MiB] [--initrd-size BYTES]"
int inspect_main(int argc, char **argv);

/*
 * `mkdisk install DISK ...` (install.c), with argv[0] "install": bzboot
 * onto a disk that is already partitioned. Returns the exit status.
 */
int install_main(int argc, char **argv);

/*
 * The environment every mtools run inherits: MTOOLS_SKIP_CHECK, and the
 * clock at epoch (SOURCE_DATE_EPOCH, TZ=UTC0), so that the same inputs
 * give the same bytes. Call once, before the first tool.
 */
void mtools_init_environment(uint64_t epoch);
/* The FAT partition the tools work on: PARTITION_START_LBA unless set. */
void mtools_set_partition_lba(uint64_t lba);
/* Run mformat on the partition of image (the OUT.tmp file). */
void mtools_format(const char *image, const struct fat32_plan *plan,
		   uint32_t volume_id);
/* Make a directory in the partition, "/boot". */
void mtools_mkdir(const char *image, const char *fat_path);
/* Copy a host file into the partition. */
void mtools_copy_file(const char *image, const char *host_path,
		      const char *fat_path);
/* Copy bytes from memory into the partition as a new file. */
void mtools_copy_data(const char *image, const void *data, size_t size,
		      const char *fat_path);
/* `qemu-img convert` the finished raw image into a new qcow2 file. */
void mtools_convert_qcow2(const char *raw, const char *qcow2);
/*
 * `mke2fs -t ext4 -d dir` into the file image (already its full size),
 * with the file system's UUID (also its directory hash seed) and dated
 * epoch. mke2fs is $MKE2FS, or found in PATH, /usr/sbin or /sbin.
 */
void mtools_mke2fs(const char *image, const char *dir, const char *uuid,
		   uint64_t epoch);

/* What rootfs_scan() found in DIR. */
struct rootfs_scan {
	uint64_t data_bytes;	/* files, directories, inodes, in 4 KiB */
	uint64_t entries;
	uint64_t hash;		/* FNV-1a over the sorted tree */
};

/*
 * Walk DIR in name order without following symbolic links: the bytes
 * its entries take, and a hash of each one's path, type, mode, owner,
 * size, modification time, contents and link target. Dies naming the first
 * entry it cannot read.
 */
void rootfs_scan(const char *dir, struct rootfs_scan *scan);
/*
 * Whether DIR fits in a root partition of mib MiB, at a guess on the safe
 * side (rootfs.c says what ext4 keeps for itself).
 */
bool rootfs_fits(const struct rootfs_scan *scan, uint64_t mib);
/* The default size: twice what DIR holds, and 64 MiB. */
uint64_t rootfs_default_mib(const struct rootfs_scan *scan);
/*
 * Copy the ext4 file in fs_path into the image at first_lba: only its
 * non-zero blocks, so the image stays sparse.
 */
void rootfs_copy(int fd, const char *path, const char *fs_path,
		 uint64_t first_lba, uint64_t sectors);
/*
 * sbsign --key KEY --cert CERT --output OUT IN (Debian's sbsigntool): an
 * Authenticode signature for UEFI Secure Boot. Dies with sbsign's words,
 * naming KEY, when it fails.
 */
void mtools_sign_efi(const char *key, const char *cert, const char *in,
		     const char *out);

#endif /* MKDISK_MKDISK_H */
