/* SPDX-License-Identifier: MIT */
/*
 * mbr.h - the master boot record: the classic partition table and the
 * stage1_info record that mkdisk writes into stage1's code area to tell it
 * where stage2 is.
 *
 *   offset  size  what
 *   0x000   440   stage1 code (boot/stage1.asm)
 *   0x1b0     8   struct stage1_info, inside the code area
 *   0x1b8     4   disk signature (left alone by the loader)
 *   0x1bc     2   reserved, zero
 *   0x1be    64   four struct mbr_partition entries
 *   0x1fe     2   0xaa55
 *
 * Used by stage2 (finding the partition), mkdisk (writing it) and the tests.
 */
#ifndef COMMON_MBR_H
#define COMMON_MBR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define MBR_SIZE		512
#define MBR_CODE_SIZE		440
#define MBR_DISK_SIG_OFFSET	0x1b8
#define MBR_PART_TABLE_OFFSET	0x1be
#define MBR_PART_COUNT		4
#define MBR_SIGNATURE		0xaa55
#define MBR_STATUS_ACTIVE	0x80

/* Partition types. */
#define MBR_TYPE_EMPTY		0x00
#define MBR_TYPE_FAT12		0x01
#define MBR_TYPE_FAT16_SMALL	0x04
#define MBR_TYPE_FAT16		0x06
#define MBR_TYPE_FAT32_CHS	0x0b
#define MBR_TYPE_FAT32_LBA	0x0c
#define MBR_TYPE_FAT16_LBA	0x0e
/* Any Linux file system: mkdisk --rootfs's ext4. */
#define MBR_TYPE_LINUX		0x83
#define MBR_TYPE_GPT_PROTECTIVE	0xee
#define MBR_TYPE_EFI_SYSTEM	0xef

struct mbr_partition {
	uint8_t status;			/* 0x00, MBR_STATUS_ACTIVE or 0 */
	uint8_t chs_first[3];		/* 0x01 */
	uint8_t type;			/* 0x04, MBR_TYPE_* */
	uint8_t chs_last[3];		/* 0x05 */
	uint32_t lba_first;		/* 0x08 */
	uint32_t sectors;		/* 0x0c */
} __attribute__((packed));

/* Where stage1 finds stage2: patched in by mkdisk. */
struct stage1_info {
	uint32_t stage2_lba;		/* 0x00, STAGE2_LBA */
	uint16_t stage2_sectors;	/* 0x04 */
	uint16_t magic;			/* 0x06, STAGE1_INFO_MAGIC */
} __attribute__((packed));

struct mbr {
	uint8_t code[STAGE1_INFO_OFFSET];		/* 0x000 */
	struct stage1_info info;			/* 0x1b0 */
	uint32_t disk_signature;			/* 0x1b8 */
	uint16_t reserved;				/* 0x1bc */
	struct mbr_partition part[MBR_PART_COUNT];	/* 0x1be */
	uint16_t signature;				/* 0x1fe */
} __attribute__((packed));

_Static_assert(sizeof(struct mbr_partition) == 16, "partition entry");
_Static_assert(sizeof(struct stage1_info) == 8, "stage1_info");
_Static_assert(sizeof(struct mbr) == MBR_SIZE, "mbr");
_Static_assert(offsetof(struct mbr, info) == STAGE1_INFO_OFFSET, "info");
_Static_assert(offsetof(struct mbr, info) + sizeof(struct stage1_info) <=
	       MBR_DISK_SIG_OFFSET, "stage1_info overlaps the disk signature");
_Static_assert(offsetof(struct mbr, disk_signature) == MBR_DISK_SIG_OFFSET,
	       "disk_signature");
_Static_assert(offsetof(struct mbr, part) == MBR_PART_TABLE_OFFSET, "part");
_Static_assert(offsetof(struct mbr, signature) == 0x1fe, "signature");

enum mbr_error {
	MBR_OK = 0,
	MBR_ERR_NO_SIGNATURE,	/* no 0xaa55 at 0x1fe */
	MBR_ERR_GPT,		/* protective MBR: a GPT disk */
	MBR_ERR_NO_PARTITION,	/* no usable FAT/ESP partition */
	MBR_ERR_BAD_PARTITION,	/* entry past the end of the disk, or empty */
};

/*
 * Pick the partition to boot from: the first active FAT or EFI System
 * partition, else the first FAT or EFI System partition. disk_sectors is
 * the size of the disk (0 if unknown) to reject entries that run past it.
 */
enum mbr_error mbr_find_boot_partition(const void *sector, uint64_t disk_sectors,
				       struct mbr_partition *out);
const char *mbr_strerror(enum mbr_error err);

#endif /* COMMON_MBR_H */
