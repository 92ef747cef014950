// SPDX-License-Identifier: MIT
/*
 * fuzz_gpt.c - libFuzzer target for common/gpt.c: reading a GUID
 * Partition Table off a disk and finding a partition by its GUID, as
 * stage2 does.
 *
 * The input: 16 bytes of the GUID to look for, one byte of flags (bit 0:
 * the disk's size is known, as INT 13h gives it to stage2), 15 bytes
 * unused, then the disk itself, 512-byte sectors (the last one padded
 * with zeros), up to 128 sectors. Each sector is read into a heap buffer
 * of exactly 512 bytes, so ASan sees any access past it; reads past the
 * disk fail, as a disk's would.
 *
 * The answers are checked against the rules of gpt.h: a table taken is a
 * header whose CRC32 (recomputed here) and my_lba are right, the primary
 * at LBA 1 or else the backup, its usable range and entry array on the
 * disk; a partition found carries the GUID asked for, a type, and lies
 * in the usable range; every error has text; the one-line message fits.
 */
#include "fuzz.h"

#include "crc32.h"
#include "gpt.h"

#define PREFIX_BYTES	32
#define MAX_SECTORS	128

struct disk {
	const uint8_t *data;
	size_t size;
	uint64_t sectors;
	unsigned reads;
};

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	FUZZ_ASSERT(count == 1);
	d->reads++;
	if (lba >= d->sectors)
		return -1;
	memset(buf, 0, GPT_SECTOR_SIZE);
	if (lba * GPT_SECTOR_SIZE < d->size) {
		size_t n = d->size - lba * GPT_SECTOR_SIZE;

		memcpy(buf, d->data + lba * GPT_SECTOR_SIZE,
		       n < GPT_SECTOR_SIZE ? n : GPT_SECTOR_SIZE);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk d = { 0 };
	struct gpt_disk disk = { disk_read, &d, 0 };
	uint8_t *sector = malloc(GPT_SECTOR_SIZE);
	uint8_t *check = malloc(GPT_SECTOR_SIZE);
	struct gpt_guid guid;
	struct gpt_table t;
	struct gpt_entry e;
	enum gpt_error err;
	char msg[300];
	int n;

	if (!sector || !check)
		abort();
	if (size < PREFIX_BYTES) {
		free(sector);
		free(check);
		return 0;
	}
	memcpy(&guid, data, sizeof(guid));
	d.data = data + PREFIX_BYTES;
	d.size = size - PREFIX_BYTES;
	d.sectors = (d.size + GPT_SECTOR_SIZE - 1) / GPT_SECTOR_SIZE;
	if (d.sectors > MAX_SECTORS)
		d.sectors = MAX_SECTORS;
	if (data[16] & 1)
		disk.sectors = d.sectors;

	err = gpt_read_table(&disk, sector, &t);
	FUZZ_ASSERT(strlen(gpt_strerror(err)) > 0);
	FUZZ_ASSERT(strcmp(gpt_strerror(t.primary), "unknown error") != 0);
	FUZZ_ASSERT(strcmp(gpt_strerror(t.backup), "unknown error") != 0);
	/* Two headers and two arrays of at most 1 MiB, read once each. */
	FUZZ_ASSERT(d.reads <= 2 * (1 + GPT_MAX_ENTRIES_BYTES /
				    GPT_SECTOR_SIZE));
	if (err != GPT_OK) {
		FUZZ_ASSERT(err == t.primary && t.backup != GPT_OK);
		n = gpt_format_table_error(msg, sizeof(msg), &t);
		FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(msg));
		FUZZ_ASSERT(strlen(msg) == (size_t)n);
		goto out;
	}

	/* The header taken is sound, and where it says it is. */
	const struct gpt_header *h = &t.header;
	FUZZ_ASSERT(h->signature == GPT_SIGNATURE);
	FUZZ_ASSERT(h->my_lba < d.sectors);
	FUZZ_ASSERT(t.primary == GPT_OK ? h->my_lba == GPT_PRIMARY_LBA :
		    h->my_lba == t.backup_lba && t.backup == GPT_OK);
	FUZZ_ASSERT(disk_read(&d, h->my_lba, 1, check) == 0);
	FUZZ_ASSERT(memcmp(check, h, sizeof(*h)) == 0);
	FUZZ_ASSERT(h->header_size >= GPT_HEADER_SIZE &&
		    h->header_size <= GPT_SECTOR_SIZE);
	{
		struct gpt_header copy;

		memcpy(&copy, check, sizeof(copy));
		FUZZ_ASSERT(gpt_header_crc(check, h->header_size) ==
			    copy.header_crc32);
	}
	FUZZ_ASSERT(h->first_usable_lba <= h->last_usable_lba);
	FUZZ_ASSERT(!disk.sectors || h->last_usable_lba < disk.sectors);
	FUZZ_ASSERT(h->entry_count > 0 && (uint64_t)h->entry_count *
		    h->entry_size <= GPT_MAX_ENTRIES_BYTES);
	/* The usable range and the entry array do not overlap. */
	{
		uint64_t array_end = h->entries_lba +
			((uint64_t)h->entry_count * h->entry_size +
			 GPT_SECTOR_SIZE - 1) / GPT_SECTOR_SIZE;

		FUZZ_ASSERT(array_end <= h->first_usable_lba ||
			    h->entries_lba > h->last_usable_lba);
		FUZZ_ASSERT(array_end <= d.sectors);
	}

	memset(&e, 0x5a, sizeof(e));
	err = gpt_find_partition(&disk, sector, &t, &guid, &e);
	FUZZ_ASSERT(strlen(gpt_strerror(err)) > 0);
	if (err == GPT_OK || err == GPT_ERR_BAD_PARTITION) {
		static const struct gpt_guid zero;

		FUZZ_ASSERT(gpt_guid_equal(&e.unique, &guid));
		FUZZ_ASSERT(!gpt_guid_equal(&e.type, &zero));
	}
	if (err == GPT_OK)
		FUZZ_ASSERT(e.first_lba <= e.last_lba &&
			    e.first_lba >= h->first_usable_lba &&
			    e.last_lba <= h->last_usable_lba);
	else
		FUZZ_ASSERT(err == GPT_ERR_NOT_FOUND ||
			    err == GPT_ERR_BAD_PARTITION ||
			    err == GPT_ERR_READ);
out:
	free(sector);
	free(check);
	return 0;
}
