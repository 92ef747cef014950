// SPDX-License-Identifier: MIT
/*
 * fuzz_mbr.c - libFuzzer target for common/mbr.c: picking the partition
 * to boot from out of the first sector of a disk, as stage2 does.
 *
 * The input: 512 bytes of MBR (a shorter input is padded with zeros), then
 * an optional u64 disk size in sectors (else 0, "unknown"). The sector is
 * a heap buffer of exactly MBR_SIZE bytes, so ASan sees any read past it.
 * The choice is checked against mbr.h: no answer for a protective MBR, the
 * first active FAT or EFI System partition, else the first one, inside the
 * disk and not empty.
 */
#include "fuzz.h"

#include "mbr.h"

static bool is_fat_type(uint8_t type)
{
	return type == MBR_TYPE_FAT12 || type == MBR_TYPE_FAT16_SMALL ||
	       type == MBR_TYPE_FAT16 || type == MBR_TYPE_FAT32_CHS ||
	       type == MBR_TYPE_FAT32_LBA || type == MBR_TYPE_FAT16_LBA ||
	       type == MBR_TYPE_EFI_SYSTEM;
}

/* The entry the rules of mbr.h pick, or -1. */
static int expected_pick(const struct mbr *m)
{
	int first = -1;

	for (int i = 0; i < MBR_PART_COUNT; i++) {
		struct mbr_partition p = m->part[i];

		if (!is_fat_type(p.type))
			continue;
		if (p.status == MBR_STATUS_ACTIVE)
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, MBR_SIZE };
	struct mbr *m = calloc(1, MBR_SIZE);
	struct mbr_partition out, want;
	enum mbr_error err;
	uint64_t disk_sectors = 0;
	bool gpt = false;
	int pick;

	if (!m)
		abort();
	memcpy(m, data, size < MBR_SIZE ? size : MBR_SIZE);
	if (size > MBR_SIZE)
		disk_sectors = fuzz_take(&in, 8);
	memset(&out, 0x5a, sizeof(out));
	err = mbr_find_boot_partition(m, disk_sectors, &out);
	FUZZ_ASSERT(strlen(mbr_strerror(err)) > 0);

	for (int i = 0; i < MBR_PART_COUNT; i++)
		gpt |= m->part[i].type == MBR_TYPE_GPT_PROTECTIVE;
	pick = expected_pick(m);
	if (m->signature != MBR_SIGNATURE) {
		FUZZ_ASSERT(err == MBR_ERR_NO_SIGNATURE);
	} else if (gpt) {
		FUZZ_ASSERT(err == MBR_ERR_GPT);
	} else if (pick < 0) {
		FUZZ_ASSERT(err == MBR_ERR_NO_PARTITION);
	} else {
		want = m->part[pick];
		FUZZ_ASSERT(err == MBR_OK || err == MBR_ERR_BAD_PARTITION);
		FUZZ_ASSERT(memcmp(&out, &want, sizeof(out)) == 0);
		FUZZ_ASSERT((err == MBR_OK) ==
			    (want.lba_first != 0 && want.sectors != 0 &&
			     (!disk_sectors ||
			      (uint64_t)want.lba_first + want.sectors <=
			      disk_sectors)));
	}
	free(m);
	return 0;
}
