// SPDX-License-Identifier: MIT
/*
 * mbr.c - reading the classic MBR partition table: which partition holds
 * the FAT file system both loaders read. Used by stage2 (32-bit), mkdisk's
 * inspection and the host tests; freestanding.
 */
#include "mbr.h"

static bool is_fat_type(uint8_t type)
{
	switch (type) {
	case MBR_TYPE_FAT12:
	case MBR_TYPE_FAT16_SMALL:
	case MBR_TYPE_FAT16:
	case MBR_TYPE_FAT32_CHS:
	case MBR_TYPE_FAT32_LBA:
	case MBR_TYPE_FAT16_LBA:
	case MBR_TYPE_EFI_SYSTEM:
		return true;
	}
	return false;
}

enum mbr_error mbr_find_boot_partition(const void *sector, uint64_t disk_sectors,
				       struct mbr_partition *out)
{
	const struct mbr *mbr = sector;
	int pick = -1;

	if (mbr->signature != MBR_SIGNATURE)
		return MBR_ERR_NO_SIGNATURE;
	for (int i = 0; i < MBR_PART_COUNT; i++) {
		struct mbr_partition p = mbr->part[i];

		if (p.type == MBR_TYPE_GPT_PROTECTIVE)
			return MBR_ERR_GPT;
		if (!is_fat_type(p.type))
			continue;
		/* The first active FAT partition wins, else the first FAT. */
		if (pick < 0 || (p.status == MBR_STATUS_ACTIVE &&
				 mbr->part[pick].status != MBR_STATUS_ACTIVE))
			pick = i;
	}
	if (pick < 0)
		return MBR_ERR_NO_PARTITION;
	*out = mbr->part[pick];
	if (out->lba_first == 0 || out->sectors == 0)
		return MBR_ERR_BAD_PARTITION;
	if (disk_sectors &&
	    (uint64_t)out->lba_first + out->sectors > disk_sectors)
		return MBR_ERR_BAD_PARTITION;
	return MBR_OK;
}

const char *mbr_strerror(enum mbr_error err)
{
	switch (err) {
	case MBR_OK:
		return "no error";
	case MBR_ERR_NO_SIGNATURE:
		return "no partition table (no 0xAA55 at the end of the MBR)";
	case MBR_ERR_GPT:
		return "a GPT disk (protective MBR): read its GPT instead";
	case MBR_ERR_NO_PARTITION:
		return "no FAT or EFI System partition in the MBR";
	case MBR_ERR_BAD_PARTITION:
		return "partition entry is empty or runs past the disk's end";
	}
	return "unknown error";
}
