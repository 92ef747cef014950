// SPDX-License-Identifier: MIT
/*
 * test_gpt.c - host tests of common/gpt.c on GPT disks built in memory
 * (a small builder here, independent of mkdisk's writer): the primary
 * table, the fall-back to the backup for each kind of damage, the one-line
 * message when both are broken, and finding a partition by its GUID.
 */
#include <stdlib.h>

#include "check.h"
#include "crc32.h"
#include "gpt.h"

/* 8 MiB: big enough for both tables and a partition at 2048. */
#define DISK_SECTORS	16384
#define LAST_LBA	(DISK_SECTORS - 1)

static uint8_t disk[DISK_SECTORS][GPT_SECTOR_SIZE];
static unsigned reads;
static uint64_t fail_lba = (uint64_t)-1;

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	(void)ctx;
	if (lba + count > DISK_SECTORS || lba == fail_lba)
		return -1;
	memcpy(buf, disk[lba], (size_t)count * GPT_SECTOR_SIZE);
	reads += count;
	return 0;
}

static const struct gpt_guid esp_type = GPT_TYPE_EFI_SYSTEM;
static const struct gpt_guid bios_type = GPT_TYPE_BIOS_BOOT;
static const struct gpt_guid esp_guid = { 0x11223344, 0x5566, 0x7788,
	{ 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 } };
static const struct gpt_guid other_guid = { 0xdeadbeef, 1, 2,
	{ 3, 4, 5, 6, 7, 8, 9, 10 } };

static struct gpt_header *header_at(uint64_t lba)
{
	return (struct gpt_header *)disk[lba];
}

static struct gpt_entry *entry_at(uint64_t entries_lba, unsigned i)
{
	return (struct gpt_entry *)disk[entries_lba] + i;
}

/* Recompute the header's CRC at lba. */
static void seal_header(uint64_t lba)
{
	struct gpt_header *h = header_at(lba);

	h->header_crc32 = 0;
	h->header_crc32 = crc32(h, h->header_size);
}

/* Recompute the entry array's CRC and then the header's, at lba. */
static void seal(uint64_t lba)
{
	struct gpt_header *h = header_at(lba);

	h->entries_crc32 = crc32(disk[h->entries_lba],
				 (size_t)h->entry_count * h->entry_size);
	seal_header(lba);
}

/*
 * Both tables: a BIOS boot partition 40-2047 and the ESP from 2048 to the
 * last usable LBA, as mkdisk --gpt lays them out.
 */
static void build(void)
{
	uint64_t backup_entries = LAST_LBA - GPT_ENTRIES_SECTORS;
	uint64_t lbas[2] = { GPT_PRIMARY_LBA, LAST_LBA };
	uint64_t arrays[2] = { 2, backup_entries };

	memset(disk, 0, sizeof(disk));
	for (int k = 0; k < 2; k++) {
		struct gpt_header *h = header_at(lbas[k]);
		struct gpt_entry *e = entry_at(arrays[k], 0);

		h->signature = GPT_SIGNATURE;
		h->revision = GPT_REVISION_1_0;
		h->header_size = GPT_HEADER_SIZE;
		h->my_lba = lbas[k];
		h->alternate_lba = lbas[1 - k];
		h->first_usable_lba = 2 + GPT_ENTRIES_SECTORS;
		h->last_usable_lba = backup_entries - 1;
		h->entries_lba = arrays[k];
		h->entry_count = GPT_ENTRY_COUNT;
		h->entry_size = GPT_ENTRY_SIZE;
		e[0].type = bios_type;
		e[0].unique = other_guid;
		e[0].first_lba = 40;
		e[0].last_lba = 2047;
		e[1].type = esp_type;
		e[1].unique = esp_guid;
		e[1].first_lba = 2048;
		e[1].last_lba = backup_entries - 1;
		seal(lbas[k]);
	}
}

static const struct gpt_disk gdisk = { disk_read, NULL, DISK_SECTORS };

static enum gpt_error read_table(struct gpt_table *t)
{
	uint8_t sector[GPT_SECTOR_SIZE];

	return gpt_read_table(&gdisk, sector, t);
}

static enum gpt_error find(const struct gpt_table *t,
			   const struct gpt_guid *g, struct gpt_entry *e)
{
	uint8_t sector[GPT_SECTOR_SIZE];

	return gpt_find_partition(&gdisk, sector, t, g, e);
}

/* The message for a disk whose tables are both refused. */
static const char *message(const struct gpt_table *t)
{
	static char buf[300];

	gpt_format_table_error(buf, sizeof(buf), t);
	return buf;
}

int main(void)
{
	struct gpt_table t;
	struct gpt_entry e;
	struct gpt_disk nosize = gdisk;
	char text[GPT_GUID_TEXT];

	check_begin("gpt");

	gpt_guid_format(&esp_type, text);
	CHECK_STREQ(text, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
		    "ESP type GUID in text");
	gpt_guid_format(&bios_type, text);
	CHECK_STREQ(text, "21686148-6449-6E6F-744E-656564454649",
		    "BIOS boot type GUID in text");

	build();
	reads = 0;
	CHECK_EQ(read_table(&t), GPT_OK, "sound disk: read");
	CHECK_EQ(t.primary, GPT_OK, "sound disk: the primary is used");
	CHECK_EQ(t.header.my_lba, 1, "sound disk: header at LBA 1");
	CHECK_EQ(reads, 1 + GPT_ENTRIES_SECTORS,
		 "sound disk: the header and 32 sectors of entries read");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_OK, "ESP found by its GUID");
	CHECK_EQ(e.first_lba, 2048, "ESP starts at 2048");
	CHECK(gpt_guid_equal(&e.type, &esp_type), "ESP has the ESP type");
	CHECK_EQ(find(&t, &other_guid, &e), GPT_OK, "BIOS boot partition");
	CHECK_EQ(e.first_lba, 40, "BIOS boot partition at 40, not by position");
	{
		struct gpt_guid none = esp_guid;

		none.data4[7] ^= 1;
		CHECK_EQ(find(&t, &none, &e), GPT_ERR_NOT_FOUND,
			 "a GUID one bit off is not found");
	}

	/* An unused entry (type zero) never matches, whatever its GUID. */
	build();
	memset(&entry_at(2, 1)->type, 0, sizeof(struct gpt_guid));
	seal(GPT_PRIMARY_LBA);
	CHECK_EQ(read_table(&t), GPT_OK, "unused entry: read");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_ERR_NOT_FOUND,
		 "unused entry with the GUID is not a partition");

	/* Damage to the primary: each kind falls back to the backup. */
	build();
	memset(disk[1], 0, GPT_SECTOR_SIZE);
	CHECK_EQ(read_table(&t), GPT_OK, "zeroed primary header: read");
	CHECK_EQ(t.primary, GPT_ERR_SIGNATURE, "zeroed primary: no signature");
	CHECK_EQ(t.header.my_lba, LAST_LBA, "zeroed primary: the backup used");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_OK,
		 "zeroed primary: ESP found in the backup array");
	CHECK_EQ(e.first_lba, 2048, "zeroed primary: ESP start");

	build();
	header_at(1)->first_usable_lba++;
	CHECK_EQ(read_table(&t), GPT_OK, "primary header changed: read");
	CHECK_EQ(t.primary, GPT_ERR_HEADER_CRC, "primary header CRC refused");
	CHECK_EQ(t.header.my_lba, LAST_LBA, "header CRC: the backup used");

	build();
	entry_at(2, 1)->first_lba = 4096;
	CHECK_EQ(read_table(&t), GPT_OK, "primary entry changed: read");
	CHECK_EQ(t.primary, GPT_ERR_ENTRIES_CRC,
		 "primary entry array CRC refused");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_OK, "entries CRC: ESP found");
	CHECK_EQ(e.first_lba, 2048, "entries CRC: the backup's entry used");

	build();
	header_at(1)->my_lba = 2;
	seal(1);
	CHECK_EQ(read_table(&t), GPT_OK, "primary names LBA 2: read");
	CHECK_EQ(t.primary, GPT_ERR_MY_LBA, "my_lba refused");

	build();
	header_at(1)->entries_lba = 30;
	seal(1);
	read_table(&t);
	CHECK_EQ(t.primary, GPT_ERR_LAYOUT,
		 "entry array running into the usable LBAs refused");

	build();
	header_at(1)->last_usable_lba = DISK_SECTORS;
	seal(1);
	read_table(&t);
	CHECK_EQ(t.primary, GPT_ERR_LAYOUT, "usable LBAs past the disk refused");

	build();
	header_at(1)->entry_size = 100;
	seal(1);
	read_table(&t);
	CHECK_EQ(t.primary, GPT_ERR_ENTRY_SIZE, "entry size 100 refused");

	build();
	header_at(1)->entry_count = 0x10000;
	seal_header(1);
	read_table(&t);
	CHECK_EQ(t.primary, GPT_ERR_ENTRY_SIZE, "8 MiB of entries refused");

	build();
	header_at(1)->header_size = 600;
	read_table(&t);
	CHECK_EQ(t.primary, GPT_ERR_HEADER_SIZE, "header size 600 refused");

	build();
	fail_lba = 5;
	read_table(&t);
	fail_lba = (uint64_t)-1;
	CHECK_EQ(t.primary, GPT_ERR_READ, "a failed read of the entries");
	CHECK_EQ(t.backup, GPT_OK, "then the backup");

	/* Both broken: the error is the primary's, the message names both. */
	build();
	header_at(1)->header_crc32 ^= 1;
	header_at(LAST_LBA)->header_crc32 ^= 1;
	CHECK_EQ(read_table(&t), GPT_ERR_HEADER_CRC, "both CRCs bad: refused");
	CHECK_EQ(t.backup, GPT_ERR_HEADER_CRC, "both CRCs bad: backup's error");
	CHECK_STREQ(message(&t),
		    "primary GPT header at LBA 1: header CRC32 does not match; "
		    "backup at LBA 16383: header CRC32 does not match",
		    "both CRCs bad: one line naming both");

	build();
	entry_at(2, 0)->attributes = 1;
	entry_at(LAST_LBA - GPT_ENTRIES_SECTORS, 0)->attributes = 1;
	CHECK_EQ(read_table(&t), GPT_ERR_ENTRIES_CRC, "both arrays bad");
	CHECK_STREQ(message(&t),
		    "primary GPT header at LBA 1: entry array CRC32 does not "
		    "match; backup at LBA 16383: entry array CRC32 does not "
		    "match", "both arrays bad: one line naming both");

	/* Unknown disk size: the backup only through a sound primary. */
	nosize.sectors = 0;
	build();
	entry_at(2, 1)->first_lba = 4096;
	{
		uint8_t sector[GPT_SECTOR_SIZE];

		CHECK_EQ(gpt_read_table(&nosize, sector, &t), GPT_OK,
			 "size unknown, entries bad: backup by alternate_lba");
		CHECK_EQ(t.backup_lba, LAST_LBA, "size unknown: backup LBA");
		memset(disk[1], 0, GPT_SECTOR_SIZE);
		CHECK_EQ(gpt_read_table(&nosize, sector, &t),
			 GPT_ERR_SIGNATURE, "size unknown, no primary: refused");
		CHECK_STREQ(message(&t),
			    "primary GPT header at LBA 1: no \"EFI PART\" "
			    "signature; the disk's size is unknown, so there "
			    "is no backup to look for",
			    "size unknown, no primary: the message");
	}

	/* A partition outside the usable LBAs. */
	build();
	entry_at(2, 1)->last_lba = LAST_LBA;
	seal(1);
	CHECK_EQ(read_table(&t), GPT_OK, "ESP past the usable LBAs: read");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_ERR_BAD_PARTITION,
		 "ESP past the usable LBAs refused");
	build();
	entry_at(2, 1)->first_lba = 3000;
	entry_at(2, 1)->last_lba = 2999 - 1;
	seal(1);
	read_table(&t);
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_ERR_BAD_PARTITION,
		 "ESP ending before it starts refused");

	/* Entries of 256 bytes: the second one lies at byte 256. */
	build();
	{
		struct gpt_header *h = header_at(1);
		struct gpt_entry *second = entry_at(2, 2);

		h->entry_size = 256;
		h->entry_count = 64;
		*second = *entry_at(2, 1);
		memset(entry_at(2, 1), 0, sizeof(struct gpt_entry));
		seal(1);
	}
	CHECK_EQ(read_table(&t), GPT_OK, "256-byte entries: read");
	CHECK_EQ(t.primary, GPT_OK, "256-byte entries: the primary");
	CHECK_EQ(find(&t, &esp_guid, &e), GPT_OK, "256-byte entries: ESP");

	for (int err = GPT_OK; err <= GPT_ERR_BAD_PARTITION; err++)
		CHECK(strcmp(gpt_strerror(err), "unknown error") != 0,
		      "error %d has its text", err);
	return check_end();
}
