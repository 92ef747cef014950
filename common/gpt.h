/* SPDX-License-Identifier: MIT */
/*
 * gpt.h - the GUID Partition Table (UEFI specification 2.10, chapter 5.3)
 * and struct stage2_info, the record in stage2 that names its partition.
 *
 * A GPT disk, as mkdisk --gpt writes it (N = the disk's last LBA):
 *
 *   LBA        what
 *   0          protective MBR: stage1, stage1_info, one entry of type 0xEE
 *   1          primary GPT header (struct gpt_header, 92 bytes)
 *   2-33       primary entry array: 128 entries of 128 bytes
 *   34-39      unused, so the BIOS boot partition starts 4 KiB aligned
 *   40-2047    BIOS boot partition: stage2 at its start
 *   2048-N-33  EFI System Partition: FAT32
 *   N-32-N-1   backup entry array
 *   N          backup GPT header
 *
 * Each header holds the CRC32 of itself (with the CRC field as zero) and
 * of its entry array. A reader takes the primary when both of its CRCs are
 * right, else the backup, found at the disk's last LBA.
 *
 * Used by stage2 (finding its partition), mkdisk (writing the table and
 * reading it back) and the tests. Freestanding: the disk is reached only
 * through the caller's read callback, 512-byte sectors.
 */
#ifndef COMMON_GPT_H
#define COMMON_GPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define GPT_SECTOR_SIZE		512
#define GPT_PRIMARY_LBA		1
#define GPT_SIGNATURE		0x5452415020494645ULL	/* "EFI PART" */
#define GPT_REVISION_1_0	0x00010000
#define GPT_HEADER_SIZE		92
/* What mkdisk writes, and the UEFI minimum of 16 KiB of entries. */
#define GPT_ENTRY_SIZE		128
#define GPT_ENTRY_COUNT		128
#define GPT_ENTRIES_SECTORS \
	(GPT_ENTRY_COUNT * GPT_ENTRY_SIZE / GPT_SECTOR_SIZE)
/*
 * The most entry-array bytes a reader checks: 1 MiB, 8192 entries. The
 * specification sets no limit; this keeps a broken count from making
 * stage2 read the whole disk for the CRC.
 */
#define GPT_MAX_ENTRIES_BYTES	(1024 * 1024)

/*
 * A GUID as stored on disk: the first three fields little-endian, the
 * last eight bytes in order. Written as text, C12A7328-F81F-11D2-BA4B-
 * 00A0C93EC93B is { 0xc12a7328, 0xf81f, 0x11d2, { 0xba, 0x4b, 0x00, ... } }.
 */
struct gpt_guid {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
} __attribute__((packed));

/* EFI System Partition: C12A7328-F81F-11D2-BA4B-00A0C93EC93B. */
#define GPT_TYPE_EFI_SYSTEM { 0xc12a7328, 0xf81f, 0x11d2, \
	{ 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b } }
/* BIOS boot partition, "Hah!IdontNeedEFI": 21686148-6449-6E6F-744E-656564454649. */
#define GPT_TYPE_BIOS_BOOT { 0x21686148, 0x6449, 0x6e6f, \
	{ 0x74, 0x4e, 0x65, 0x65, 0x64, 0x45, 0x46, 0x49 } }
/*
 * The Discoverable Partitions Specification's root partition for x86-64,
 * 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709: what mkdisk --rootfs types its
 * ext4 partition as.
 */
#define GPT_TYPE_LINUX_ROOT_X86_64 { 0x4f68bce3, 0xe8cd, 0x4db1, \
	{ 0x96, 0xe7, 0xfb, 0xca, 0xf9, 0x84, 0xb7, 0x09 } }

struct gpt_header {
	uint64_t signature;		/* 0x00, GPT_SIGNATURE */
	uint32_t revision;		/* 0x08, GPT_REVISION_1_0 */
	uint32_t header_size;		/* 0x0c, GPT_HEADER_SIZE */
	uint32_t header_crc32;		/* 0x10, of header_size bytes, this 0 */
	uint32_t reserved;		/* 0x14, zero */
	uint64_t my_lba;		/* 0x18, where this header is */
	uint64_t alternate_lba;		/* 0x20, where the other one is */
	uint64_t first_usable_lba;	/* 0x28 */
	uint64_t last_usable_lba;	/* 0x30 */
	struct gpt_guid disk_guid;	/* 0x38 */
	uint64_t entries_lba;		/* 0x48, the entry array */
	uint32_t entry_count;		/* 0x50 */
	uint32_t entry_size;		/* 0x54, 128 * 2^n */
	uint32_t entries_crc32;		/* 0x58, of entry_count * entry_size */
} __attribute__((packed));

struct gpt_entry {
	struct gpt_guid type;		/* 0x00, zero: unused entry */
	struct gpt_guid unique;		/* 0x10, this partition's own GUID */
	uint64_t first_lba;		/* 0x20 */
	uint64_t last_lba;		/* 0x28, inclusive */
	uint64_t attributes;		/* 0x30 */
	uint16_t name[36];		/* 0x38, UTF-16LE */
} __attribute__((packed));

_Static_assert(sizeof(struct gpt_guid) == 16, "gpt_guid");
_Static_assert(sizeof(struct gpt_header) == GPT_HEADER_SIZE, "gpt_header");
_Static_assert(offsetof(struct gpt_header, header_crc32) == 0x10, "crc");
_Static_assert(offsetof(struct gpt_header, disk_guid) == 0x38, "disk_guid");
_Static_assert(offsetof(struct gpt_header, entries_crc32) == 0x58, "crc");
_Static_assert(sizeof(struct gpt_entry) == GPT_ENTRY_SIZE, "gpt_entry");
_Static_assert(offsetof(struct gpt_entry, first_lba) == 0x20, "first_lba");
_Static_assert(offsetof(struct gpt_entry, name) == 0x38, "name");

/*
 * struct stage2_info: the record at STAGE2_INFO_OFFSET in stage2's image
 * (boot/stage2/entry.asm) where mkdisk writes the unique GUID of the
 * partition stage2 boots from. All zero on an MBR disk, where stage2
 * takes the partition from the MBR instead.
 */
struct stage2_info {
	uint16_t magic;			/* 0x00, STAGE2_INFO_MAGIC */
	uint16_t reserved;		/* 0x02, zero */
	struct gpt_guid boot_partition;	/* 0x04, gpt_entry.unique */
} __attribute__((packed));

_Static_assert(sizeof(struct stage2_info) == STAGE2_INFO_SIZE, "stage2_info");

/* Why a header (and its entry array), or the lookup, was refused. */
enum gpt_error {
	GPT_OK = 0,
	GPT_ERR_READ,		/* the disk read failed */
	GPT_ERR_SIGNATURE,	/* no "EFI PART" */
	GPT_ERR_HEADER_SIZE,	/* header_size below 92 or above a sector */
	GPT_ERR_HEADER_CRC,	/* header_crc32 does not match */
	GPT_ERR_MY_LBA,		/* my_lba is not where the header was read */
	GPT_ERR_LAYOUT,		/* usable range or entry array off the disk */
	GPT_ERR_ENTRY_SIZE,	/* entry_size not 128, 256 or 512 */
	GPT_ERR_ENTRIES_CRC,	/* entries_crc32 does not match */
	GPT_ERR_NO_BACKUP,	/* disk size unknown: no place for a backup */
	GPT_ERR_NOT_FOUND,	/* no entry with the GUID asked for */
	GPT_ERR_BAD_PARTITION,	/* the entry lies outside the usable range */
};

/* The disk, as common/fat.c reads it: absolute 512-byte sectors. */
struct gpt_disk {
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	void *ctx;
	uint64_t sectors;		/* the disk's size; 0 if unknown */
};

/* The table a reader goes by, and what was wrong with the other header. */
struct gpt_table {
	struct gpt_header header;	/* the header in use */
	enum gpt_error primary;		/* GPT_OK, or why LBA 1 was refused */
	enum gpt_error backup;		/* when primary failed: the backup's */
	uint64_t backup_lba;		/* where the backup was looked for */
};

/*
 * Read and check the primary header and its entry array; when either is
 * wrong, the backup header at the disk's last LBA (or at the primary's
 * alternate_lba when the disk's size is unknown and the primary header
 * itself was sound) and its array. sector is a 512-byte buffer the
 * reader uses. GPT_OK when one of them is sound (t->primary says whether
 * it was the primary); else the primary's error, with t->backup the
 * backup's.
 */
enum gpt_error gpt_read_table(const struct gpt_disk *disk, void *sector,
			      struct gpt_table *t);

/*
 * Read and check one header and its entry array: the primary when lba is
 * GPT_PRIMARY_LBA, else a backup. *h gets the header once its own CRC
 * matched. mkdisk checks both copies of what it wrote with this.
 */
enum gpt_error gpt_read_header(const struct gpt_disk *disk, void *sector,
			       uint64_t lba, struct gpt_header *h);

/*
 * Find the entry whose unique GUID is guid in the table's entry array:
 * GPT_OK and *out, GPT_ERR_NOT_FOUND, or GPT_ERR_BAD_PARTITION for an
 * entry outside the usable LBAs (or ending before it starts).
 */
enum gpt_error gpt_find_partition(const struct gpt_disk *disk, void *sector,
				  const struct gpt_table *t,
				  const struct gpt_guid *guid,
				  struct gpt_entry *out);

/*
 * The header's CRC32: of its header_size bytes with header_crc32 taken as
 * zero. header points at a whole sector; header_size must be checked.
 */
uint32_t gpt_header_crc(const void *header, uint32_t header_size);

bool gpt_guid_equal(const struct gpt_guid *a, const struct gpt_guid *b);
bool gpt_guid_is_zero(const struct gpt_guid *g);

/* "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" into buf (GPT_GUID_TEXT bytes). */
#define GPT_GUID_TEXT 37
void gpt_guid_format(const struct gpt_guid *g, char *buf);

const char *gpt_strerror(enum gpt_error err);

/*
 * One line for a disk whose GPT could not be read: "primary GPT header
 * at LBA 1: <why>; backup at LBA N: <why>". Returns the length, as
 * fmt_snprintf().
 */
int gpt_format_table_error(char *buf, size_t size, const struct gpt_table *t);

#endif /* COMMON_GPT_H */
