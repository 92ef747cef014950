// SPDX-License-Identifier: MIT
/*
 * gpt.c - reading the GUID Partition Table: which header and entry array
 * to trust, and which entry has a given unique GUID. Used by stage2
 * (32-bit, no libgcc: no 64-bit division here), mkdisk's read-back and
 * the host tests; freestanding.
 *
 * The disk is read one sector at a time into the caller's buffer, so the
 * entry array (16 KiB and more) needs no room of its own: its CRC is
 * carried from sector to sector.
 */
#include "crc32.h"
#include "fmt.h"
#include "gpt.h"

static bool entry_size_ok(uint32_t size)
{
	/* 128 * 2^n, and at most a sector, so no entry straddles two. */
	return size == 128 || size == 256 || size == GPT_SECTOR_SIZE;
}

/* Sectors the entry array of h takes; its size was checked. */
static uint64_t entries_sectors(const struct gpt_header *h)
{
	uint64_t bytes = (uint64_t)h->entry_count * h->entry_size;

	return (bytes + GPT_SECTOR_SIZE - 1) / GPT_SECTOR_SIZE;
}

uint32_t gpt_header_crc(const void *header, uint32_t header_size)
{
	static const uint8_t zero[4];
	const uint8_t *p = header;
	uint32_t crc;

	/* UEFI 5.3.2: computed with the CRC field itself set to zero. */
	crc = crc32_update(CRC32_INIT, p,
			   offsetof(struct gpt_header, header_crc32));
	crc = crc32_update(crc, zero, sizeof(zero));
	return crc32_update(crc, p + offsetof(struct gpt_header, reserved),
			    header_size -
			    offsetof(struct gpt_header, reserved));
}

/* The fields of a header whose CRC matched: do they fit the disk? */
static bool layout_ok(const struct gpt_disk *disk, uint64_t lba,
		      const struct gpt_header *h)
{
	uint64_t n = entries_sectors(h);

	if (h->first_usable_lba > h->last_usable_lba)
		return false;
	if (disk->sectors && h->last_usable_lba >= disk->sectors)
		return false;
	if (lba == GPT_PRIMARY_LBA)
		/* Header, then its array, then the usable LBAs. */
		return h->first_usable_lba > lba &&
		       h->entries_lba > lba &&
		       h->entries_lba + n <= h->first_usable_lba;
	/* The usable LBAs, then the array, then the backup header. */
	return h->last_usable_lba < lba &&
	       h->entries_lba > h->last_usable_lba &&
	       h->entries_lba + n <= lba;
}

/* The CRC32 of the entry array of h, read a sector at a time. */
static enum gpt_error check_entries(const struct gpt_disk *disk, void *sector,
				    const struct gpt_header *h)
{
	uint64_t left = (uint64_t)h->entry_count * h->entry_size;
	uint64_t lba = h->entries_lba;
	uint32_t crc = CRC32_INIT;

	while (left) {
		uint32_t n = left < GPT_SECTOR_SIZE ? (uint32_t)left :
						      GPT_SECTOR_SIZE;

		if (disk->read(disk->ctx, lba++, 1, sector))
			return GPT_ERR_READ;
		crc = crc32_update(crc, sector, n);
		left -= n;
	}
	return crc == h->entries_crc32 ? GPT_OK : GPT_ERR_ENTRIES_CRC;
}

enum gpt_error gpt_read_header(const struct gpt_disk *disk, void *sector,
			       uint64_t lba, struct gpt_header *h)
{
	const uint8_t *s = sector;
	uint32_t stored;

	if (disk->read(disk->ctx, lba, 1, sector))
		return GPT_ERR_READ;
	__builtin_memcpy(h, s, sizeof(*h));
	if (h->signature != GPT_SIGNATURE)
		return GPT_ERR_SIGNATURE;
	if (h->header_size < GPT_HEADER_SIZE ||
	    h->header_size > GPT_SECTOR_SIZE)
		return GPT_ERR_HEADER_SIZE;
	stored = h->header_crc32;
	if (gpt_header_crc(s, h->header_size) != stored)
		return GPT_ERR_HEADER_CRC;
	if (h->my_lba != lba)
		return GPT_ERR_MY_LBA;
	if (!entry_size_ok(h->entry_size) || h->entry_count == 0 ||
	    (uint64_t)h->entry_count * h->entry_size > GPT_MAX_ENTRIES_BYTES)
		return GPT_ERR_ENTRY_SIZE;
	if (!layout_ok(disk, lba, h))
		return GPT_ERR_LAYOUT;
	return check_entries(disk, sector, h);
}

/* Errors after which the header's own fields can be believed. */
static bool header_sound(enum gpt_error err)
{
	return err == GPT_OK || err == GPT_ERR_LAYOUT ||
	       err == GPT_ERR_ENTRIES_CRC;
}

enum gpt_error gpt_read_table(const struct gpt_disk *disk, void *sector,
			      struct gpt_table *t)
{
	struct gpt_header h;

	*t = (struct gpt_table){ 0 };
	t->primary = gpt_read_header(disk, sector, GPT_PRIMARY_LBA, &t->header);
	if (t->primary == GPT_OK)
		return GPT_OK;

	/* UEFI 5.3.2: the backup is at the disk's last LBA. */
	if (disk->sectors > GPT_PRIMARY_LBA + 1)
		t->backup_lba = disk->sectors - 1;
	else if (header_sound(t->primary) &&
		 t->header.alternate_lba > GPT_PRIMARY_LBA)
		t->backup_lba = t->header.alternate_lba;
	if (!t->backup_lba) {
		t->backup = GPT_ERR_NO_BACKUP;
		return t->primary;
	}
	t->backup = gpt_read_header(disk, sector, t->backup_lba, &h);
	if (t->backup != GPT_OK)
		return t->primary;
	t->header = h;
	return GPT_OK;
}

bool gpt_guid_equal(const struct gpt_guid *a, const struct gpt_guid *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

	for (size_t i = 0; i < sizeof(*a); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

bool gpt_guid_is_zero(const struct gpt_guid *g)
{
	static const struct gpt_guid zero;

	return gpt_guid_equal(g, &zero);
}

enum gpt_error gpt_find_partition(const struct gpt_disk *disk, void *sector,
				  const struct gpt_table *t,
				  const struct gpt_guid *guid,
				  struct gpt_entry *out)
{
	const struct gpt_header *h = &t->header;
	const uint8_t *s = sector;
	uint64_t loaded = 0;
	bool have = false;

	for (uint32_t i = 0; i < h->entry_count; i++) {
		uint64_t offset = (uint64_t)i * h->entry_size;
		uint64_t lba = h->entries_lba + offset / GPT_SECTOR_SIZE;
		struct gpt_entry e;

		if (!have || lba != loaded) {
			if (disk->read(disk->ctx, lba, 1, sector))
				return GPT_ERR_READ;
			loaded = lba;
			have = true;
		}
		__builtin_memcpy(&e, s + (offset & (GPT_SECTOR_SIZE - 1)),
				 sizeof(e));
		/* A zero type GUID marks an unused entry. */
		if (gpt_guid_is_zero(&e.type) || !gpt_guid_equal(&e.unique, guid))
			continue;
		*out = e;
		if (e.first_lba > e.last_lba ||
		    e.first_lba < h->first_usable_lba ||
		    e.last_lba > h->last_usable_lba)
			return GPT_ERR_BAD_PARTITION;
		return GPT_OK;
	}
	return GPT_ERR_NOT_FOUND;
}

void gpt_guid_format(const struct gpt_guid *g, char *buf)
{
	const uint8_t *d = g->data4;

	fmt_snprintf(buf, GPT_GUID_TEXT,
		     "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		     g->data1, g->data2, g->data3, d[0], d[1], d[2], d[3],
		     d[4], d[5], d[6], d[7]);
}

const char *gpt_strerror(enum gpt_error err)
{
	switch (err) {
	case GPT_OK:
		return "no error";
	case GPT_ERR_READ:
		return "cannot be read";
	case GPT_ERR_SIGNATURE:
		return "no \"EFI PART\" signature";
	case GPT_ERR_HEADER_SIZE:
		return "header size is not 92 to 512 bytes";
	case GPT_ERR_HEADER_CRC:
		return "header CRC32 does not match";
	case GPT_ERR_MY_LBA:
		return "the header names another LBA as its own";
	case GPT_ERR_LAYOUT:
		return "usable LBAs or entry array overlap or run off the disk";
	case GPT_ERR_ENTRY_SIZE:
		return "entry size is not 128, 256 or 512, or the entry array "
		       "is empty or over 1 MiB";
	case GPT_ERR_ENTRIES_CRC:
		return "entry array CRC32 does not match";
	case GPT_ERR_NO_BACKUP:
		return "the disk's size is unknown, so there is no backup to "
		       "look for";
	case GPT_ERR_NOT_FOUND:
		return "no partition with that GUID";
	case GPT_ERR_BAD_PARTITION:
		return "partition entry lies outside the usable LBAs";
	}
	return "unknown error";
}

int gpt_format_table_error(char *buf, size_t size, const struct gpt_table *t)
{
	if (t->backup == GPT_ERR_NO_BACKUP)
		return fmt_snprintf(buf, size,
				    "primary GPT header at LBA %u: %s; %s",
				    GPT_PRIMARY_LBA, gpt_strerror(t->primary),
				    gpt_strerror(t->backup));
	return fmt_snprintf(buf, size,
			    "primary GPT header at LBA %u: %s; backup at LBA "
			    "%llu: %s", GPT_PRIMARY_LBA,
			    gpt_strerror(t->primary),
			    (unsigned long long)t->backup_lba,
			    gpt_strerror(t->backup));
}
