// SPDX-License-Identifier: MIT
/*
 * test_mbr.c - host tests of common/mbr.c: which partition the BIOS stage
 * boots from, and the refusals, on MBR sectors built in memory.
 */
#include "check.h"
#include "mbr.h"

static struct mbr mbr;

static void reset(void)
{
	memset(&mbr, 0, sizeof(mbr));
	mbr.signature = MBR_SIGNATURE;
}

int main(void)
{
	struct mbr_partition p;

	check_begin("mbr");

	reset();
	mbr.part[0] = (struct mbr_partition){ MBR_STATUS_ACTIVE, { 0 },
		MBR_TYPE_EFI_SYSTEM, { 0 }, 2048, 131072 };
	CHECK_EQ(mbr_find_boot_partition(&mbr, 133120, &p), MBR_OK,
		 "ESP found");
	CHECK_EQ(p.lba_first, 2048, "ESP start");

	reset();
	mbr.part[0] = (struct mbr_partition){ 0, { 0 }, MBR_TYPE_FAT32_LBA,
		{ 0 }, 2048, 1000 };
	mbr.part[2] = (struct mbr_partition){ MBR_STATUS_ACTIVE, { 0 },
		MBR_TYPE_FAT16, { 0 }, 4096, 1000 };
	CHECK_EQ(mbr_find_boot_partition(&mbr, 0, &p), MBR_OK,
		 "two FAT partitions");
	CHECK_EQ(p.lba_first, 4096, "the active one wins");

	reset();
	mbr.part[1] = (struct mbr_partition){ 0, { 0 }, 0x83, { 0 }, 2048,
		1000 };
	CHECK_EQ(mbr_find_boot_partition(&mbr, 0, &p), MBR_ERR_NO_PARTITION,
		 "Linux-only disk refused");

	reset();
	mbr.part[0] = (struct mbr_partition){ 0, { 0 },
		MBR_TYPE_GPT_PROTECTIVE, { 0 }, 1, 0xffffffff };
	CHECK_EQ(mbr_find_boot_partition(&mbr, 0, &p), MBR_ERR_GPT,
		 "protective MBR refused");

	reset();
	mbr.signature = 0;
	CHECK_EQ(mbr_find_boot_partition(&mbr, 0, &p), MBR_ERR_NO_SIGNATURE,
		 "no 0xAA55");

	reset();
	mbr.part[0] = (struct mbr_partition){ MBR_STATUS_ACTIVE, { 0 },
		MBR_TYPE_EFI_SYSTEM, { 0 }, 2048, 131072 };
	CHECK_EQ(mbr_find_boot_partition(&mbr, 100000, &p),
		 MBR_ERR_BAD_PARTITION, "partition past the disk's end");
	CHECK(mbr_strerror(MBR_ERR_BAD_PARTITION)[0] != '\0',
	      "every error has text");
	return check_end();
}
