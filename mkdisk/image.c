// SPDX-License-Identifier: MIT
/*
 * image.c - the parts of the disk image that mkdisk writes itself, and the
 * plan and read-back of the FAT32 file system that mtools writes.
 *
 * LBA 0 is the MBR: the embedded stage1 code with struct stage1_info
 * filled in (where stage2 is, how many sectors), a disk signature and one
 * partition: active, type 0xEF (EFI System), from
 * PARTITION_START_LBA to the end of the image, so SeaBIOS boots stage1 and
 * OVMF finds the EFI System Partition. LBA 1 on holds stage2, in the gap
 * before the partition. The partition itself is formatted and filled by
 * mtools (mtools.c) and read back here through common/fat.c, so an image
 * that our own loaders could not read never leaves mkdisk.
 *
 * With --gpt (image_write_gpt), LBA 0 is a protective MBR that still
 * carries stage1, LBA 1-33 and the last 33 LBAs the primary and backup
 * GPT, stage2 goes into a BIOS boot partition at GPT_STAGE2_LBA, and the
 * EFI System Partition is again at PARTITION_START_LBA, so mtools and
 * `mcopy -i OUT@@1M` reach it the same way on both layouts. stage2's
 * stage2_info record gets the ESP's unique GUID (common/gpt.h).
 *
 * With --rootfs (image_set_root_partition), a second partition follows
 * the ESP up to the disk's last MiB: type 0x83 on MBR (partition 2), the
 * Discoverable Partitions Specification's x86-64 root on GPT (entry 3).
 * The ESP is then as large as on an image without it that is the root
 * partition's size smaller, so it keeps the same layout.
 *
 * The same inputs give the same bytes: the disk signature, the FAT volume
 * ID and the GPT's GUIDs come from a hash of everything that goes into
 * the image (image_hash_*), not from a random source.
 *
 * Hosted code (the build machine). Every failure goes through mkdisk_die().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crc32.h"
#include "fat.h"
#include "gpt.h"
#include "layout.h"
#include "linux_boot.h"
#include "mbr.h"
#include "mkdisk.h"

/* Names of the embedded loaders in messages. */
#define STAGE1_NAME	"built-in stage1.bin"
#define STAGE2_NAME	"built-in stage2.bin"
#define EFI_NAME	"built-in BOOTX64.EFI"
#define REBUILD_HINT	"rebuild with make"

/*
 * Keep the cluster count an eighth above the FAT32 minimum, so that no
 * tool's rounding of the FAT size can bring it below 65525, where every
 * reader (OVMF, common/fat.c) would take the volume for FAT16.
 */
#define FAT32_COMFORT_CLUSTERS \
	(FAT32_MIN_CLUSTERS + FAT32_MIN_CLUSTERS / 8)
/*
 * Clusters of up to 4 KiB (8 sectors), as Microsoft's format chooses for
 * volumes up to 8 GiB; larger only when the cluster count would pass the
 * FAT32 limit (images above 1 TiB).
 */
#define FAT32_PREFERRED_MAX_SPC	8
#define FAT32_MAX_SPC		128

/* The usual BIOS geometry of disks addressed by LBA: 255 heads, 63 sectors. */
#define CHS_HEADS		255
#define CHS_SECTORS		63
#define CHS_MAX_CYLINDER	1023

/* The last sector stage2 may use: the one before the partition. */
#define STAGE2_MAX_SECTORS	(PARTITION_START_LBA - STAGE2_LBA)
#define GPT_STAGE2_MAX_SECTORS	(PARTITION_START_LBA - GPT_STAGE2_LBA)

/* GPT: the backup's entry array and header take the last 33 LBAs. */
#define GPT_BACKUP_SECTORS	(GPT_ENTRIES_SECTORS + 1)
/* The ESP ends on a 1 MiB boundary, as it starts on one. */
#define PARTITION_ALIGN_SECTORS	2048
/* UEFI 5.2.3: the protective MBR's entry starts CHS 0/0/2, LBA 1. */
#define GPT_PROTECTIVE_CHS_FIRST	{ 0x00, 0x02, 0x00 }

static size_t embed_size(const uint8_t *start, const uint8_t *end)
{
	return (size_t)(end - start);
}

/*
 * stage2 and BOOTX64.EFI as they go onto the image: the built-in bytes,
 * or copies with the config's hash enrolled (image_enroll_config).
 */
static const uint8_t *stage2_data, *efi_data;
static size_t efi_data_size;		/* 0: the built-in size */

/* --rootfs: the root partition's size in sectors (0: none). */
static uint64_t root_sectors;

const uint8_t *image_stage2(size_t *size)
{
	*size = embed_size(embed_stage2_start, embed_stage2_end);
	return stage2_data ? stage2_data : embed_stage2_start;
}

const uint8_t *image_efi(size_t *size)
{
	*size = efi_data_size ? efi_data_size :
		embed_size(embed_efi_start, embed_efi_end);
	return efi_data ? efi_data : embed_efi_start;
}

void image_set_efi(const uint8_t *data, size_t size)
{
	efi_data = data;
	efi_data_size = size;
}

/*
 * A copy of a loader with the hash in its enrolled-config slot: the one
 * place where CONFIG_ENROLL_MARKER is followed by an empty (all-zero)
 * slot. None, or more than one, is a loader mkdisk does not understand.
 */
static uint8_t *enroll_copy(const uint8_t *start, const uint8_t *end,
			    const char *name,
			    const uint8_t sha256[SHA256_DIGEST_SIZE])
{
	static const uint8_t zero[SHA256_DIGEST_SIZE];
	size_t size = embed_size(start, end), slot = 0, found = 0, i;
	uint8_t *copy;

	for (i = 0; i + sizeof(struct config_enrolled) <= size; i++)
		if (!memcmp(start + i, CONFIG_ENROLL_MARKER,
			    CONFIG_ENROLL_MARKER_LEN)) {
			slot = i + CONFIG_ENROLL_MARKER_LEN;
			found++;
		}
	if (found != 1)
		mkdisk_die("%s: %zu enrolled-config slots (\"%s\"), expected "
			   "one; " REBUILD_HINT, name, found,
			   CONFIG_ENROLL_MARKER);
	if (memcmp(start + slot, zero, sizeof(zero)))
		mkdisk_die("%s: its enrolled-config slot is not empty; "
			   REBUILD_HINT, name);
	copy = malloc(size);
	if (!copy)
		mkdisk_die("out of memory");
	memcpy(copy, start, size);
	memcpy(copy + slot, sha256, SHA256_DIGEST_SIZE);
	return copy;
}

void image_enroll_config(const uint8_t sha256[SHA256_DIGEST_SIZE])
{
	stage2_data = enroll_copy(embed_stage2_start, embed_stage2_end,
				  STAGE2_NAME, sha256);
	efi_data = enroll_copy(embed_efi_start, embed_efi_end, EFI_NAME,
			       sha256);
	/* The built-in size again: any signed copy is now out of date. */
	efi_data_size = 0;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * Data clusters for a partition with spc sectors per cluster, and the size
 * of one FAT (*fat_sectors). The FAT holds clusters + 2 entries, and the
 * cluster count depends on the FAT size: the first FAT size, computed as if
 * the FATs took no room, is an upper bound, so the count is on the safe
 * (low) side of what mformat makes.
 */
static uint32_t plan_clusters(uint32_t partition_sectors, uint32_t spc,
			      uint32_t *fat_sectors)
{
	uint32_t avail, clusters, fat;

	if (partition_sectors <= FAT32_RESERVED_SECTORS)
		return 0;
	avail = partition_sectors - FAT32_RESERVED_SECTORS;
	clusters = avail / spc;
	fat = (clusters + 2 + FAT32_ENTRIES_PER_SECTOR - 1) /
	      FAT32_ENTRIES_PER_SECTOR;
	if ((uint64_t)fat * FAT32_FAT_COUNT >= avail)
		return 0;
	clusters = (avail - fat * FAT32_FAT_COUNT) / spc;
	if (fat_sectors)
		*fat_sectors = fat;
	return clusters;
}

bool image_plan_fat32(uint32_t partition_sectors, struct fat32_plan *plan)
{
	uint32_t spc = 1;

	if (plan_clusters(partition_sectors, spc, NULL) <
	    FAT32_COMFORT_CLUSTERS)
		return false;
	while (spc < FAT32_PREFERRED_MAX_SPC &&
	       plan_clusters(partition_sectors, spc * 2, NULL) >=
	       FAT32_COMFORT_CLUSTERS)
		spc *= 2;
	while (spc < FAT32_MAX_SPC &&
	       plan_clusters(partition_sectors, spc, NULL) >
	       FAT32_MAX_CLUSTERS)
		spc *= 2;

	plan->partition_sectors = partition_sectors;
	plan->sectors_per_cluster = spc;
	plan->clusters = plan_clusters(partition_sectors, spc,
				       &plan->fat_sectors);
	return true;
}

uint64_t image_cluster_bytes(const struct fat32_plan *plan,
			     uint64_t size_bytes)
{
	uint64_t cluster = (uint64_t)plan->sectors_per_cluster *
			   MKDISK_SECTOR_SIZE;

	return (size_bytes + cluster - 1) / cluster * cluster;
}

uint32_t image_stage2_sectors(void)
{
	size_t size = embed_size(embed_stage2_start, embed_stage2_end);

	return (uint32_t)((size + MKDISK_SECTOR_SIZE - 1) / MKDISK_SECTOR_SIZE);
}

void image_check_loaders(void)
{
	size_t stage1_size = embed_size(embed_stage1_start, embed_stage1_end);
	size_t stage2_size = embed_size(embed_stage2_start, embed_stage2_end);
	size_t efi_size = embed_size(embed_efi_start, embed_efi_end);
	struct mbr mbr;
	uint16_t signature, magic;

	if (stage1_size != MBR_SIZE)
		mkdisk_die("%s: %zu bytes, not %d; " REBUILD_HINT, STAGE1_NAME,
			   stage1_size, MBR_SIZE);
	memcpy(&mbr, embed_stage1_start, sizeof(mbr));
	signature = mbr.signature;
	if (signature != MBR_SIGNATURE)
		mkdisk_die("%s: no 0x%04x at 0x%zx; " REBUILD_HINT,
			   STAGE1_NAME, MBR_SIGNATURE,
			   offsetof(struct mbr, signature));
	magic = mbr.info.magic;
	if (magic != STAGE1_INFO_MAGIC)
		mkdisk_die("%s: no stage1_info magic 0x%04x at 0x%x (found "
			   "0x%04x): boot/stage1.asm and common/mbr.h disagree",
			   STAGE1_NAME, STAGE1_INFO_MAGIC, STAGE1_INFO_OFFSET,
			   magic);

	if (stage2_size <= STAGE2_MAGIC_OFFSET + 2)
		mkdisk_die("%s: only %zu bytes; " REBUILD_HINT, STAGE2_NAME,
			   stage2_size);
	if (image_stage2_sectors() > STAGE2_MAX_SECTORS)
		mkdisk_die("%s: %u sectors, more than the %u before the "
			   "partition at LBA %u", STAGE2_NAME,
			   image_stage2_sectors(), STAGE2_MAX_SECTORS,
			   PARTITION_START_LBA);
	magic = get_le16(embed_stage2_start + STAGE2_MAGIC_OFFSET);
	if (magic != STAGE2_MAGIC)
		mkdisk_die("%s: no stage2 magic 0x%04x at offset %u (found "
			   "0x%04x): boot/ and common/layout.h disagree",
			   STAGE2_NAME, STAGE2_MAGIC, STAGE2_MAGIC_OFFSET,
			   magic);
	magic = get_le16(embed_stage2_start + STAGE2_INFO_OFFSET);
	if (magic != STAGE2_INFO_MAGIC)
		mkdisk_die("%s: no stage2_info magic 0x%04x at offset %u "
			   "(found 0x%04x): boot/stage2/entry.asm and "
			   "common/gpt.h disagree", STAGE2_NAME,
			   STAGE2_INFO_MAGIC, STAGE2_INFO_OFFSET, magic);

	if (efi_size < 2 || get_le16(embed_efi_start) != MZ_MAGIC)
		mkdisk_die("%s: not a PE/COFF image (no \"MZ\"); " REBUILD_HINT,
			   EFI_NAME);
}

/*
 * CHS address of lba in the 255-head, 63-sector geometry, as a partition
 * entry stores it: head; sector (bits 0-5) with cylinder bits 8-9 on top;
 * cylinder bits 0-7. Beyond cylinder 1023 the entry says 1023/254/63, the
 * marker for "use the LBA fields".
 */
static void chs_encode(uint32_t lba, uint8_t chs[3])
{
	uint32_t cylinder = lba / (CHS_HEADS * CHS_SECTORS);
	uint32_t head = lba / CHS_SECTORS % CHS_HEADS;
	uint32_t sector = lba % CHS_SECTORS + 1;

	if (cylinder > CHS_MAX_CYLINDER) {
		cylinder = CHS_MAX_CYLINDER;
		head = CHS_HEADS - 1;
		sector = CHS_SECTORS;
	}
	chs[0] = (uint8_t)head;
	chs[1] = (uint8_t)(sector | (cylinder >> 2 & 0xc0));
	chs[2] = (uint8_t)cylinder;
}

/*
 * FNV-1a, 64 bits (Fowler, Noll, Vo): one XOR and one multiply a byte. It
 * is no cryptographic hash and needs none: the image holds the input bytes
 * themselves, so a changed input changes the image anyway; the hash only
 * makes the identifiers differ with it.
 */
#define FNV1A64_OFFSET_BASIS	0xcbf29ce484222325ULL
#define FNV1A64_PRIME		0x00000100000001b3ULL

void image_hash_init(struct image_hash *hash)
{
	hash->state = FNV1A64_OFFSET_BASIS;
}

void image_hash_bytes(struct image_hash *hash, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h = hash->state;

	while (len--) {
		h ^= *p++;
		h *= FNV1A64_PRIME;
	}
	hash->state = h;
}

void image_hash_u64(struct image_hash *hash, uint64_t value)
{
	uint8_t le[8];
	unsigned i;

	/* Little-endian, so the hash is the same on every build machine. */
	for (i = 0; i < sizeof(le); i++)
		le[i] = (uint8_t)(value >> (8 * i));
	image_hash_bytes(hash, le, sizeof(le));
}

/* Zero means "none" to some tools, for either identifier. */
static uint32_t nonzero(uint32_t value)
{
	return value ? value : 1;
}

/*
 * A GUID from the hash: the hash so far, then label, gives 8 bytes, and
 * one more byte the next 8. Marked as an RFC 4122 version 4 ("random")
 * GUID, which is what it stands for: unique, with no meaning inside.
 */
static void hash_guid(const struct image_hash *hash, const char *label,
		      struct gpt_guid *guid)
{
	struct image_hash h = *hash;
	uint8_t bytes[16];
	unsigned i;

	image_hash_bytes(&h, label, strlen(label));
	for (i = 0; i < sizeof(bytes); i++) {
		if (i == 8)
			image_hash_u64(&h, 1);
		bytes[i] = (uint8_t)(h.state >> (8 * (i % 8)));
	}
	/* RFC 4122 4.1.3 and 4.1.1: version 4, variant 10xx. */
	bytes[7] = (uint8_t)((bytes[7] & 0x0f) | 0x40);
	bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80);
	memcpy(guid, bytes, sizeof(*guid));
}

void image_hash_ids(const struct image_hash *hash, struct image_ids *ids)
{
	ids->disk_signature = nonzero((uint32_t)hash->state);
	ids->volume_id = nonzero((uint32_t)(hash->state >> 32));
	image_hash_guids(hash, ids);
}

void image_hash_guids(const struct image_hash *hash, struct image_ids *ids)
{
	hash_guid(hash, "disk", &ids->disk_guid);
	hash_guid(hash, "esp", &ids->esp_guid);
	hash_guid(hash, "bios boot", &ids->bios_boot_guid);
	/* New labels only: the GUIDs above stay what they were. */
	hash_guid(hash, "root", &ids->root_guid);
	hash_guid(hash, "root ext4", &ids->root_fs_uuid);
}

uint32_t image_partition_sectors(uint64_t disk_sectors)
{
	uint64_t sectors = disk_sectors - PARTITION_START_LBA;

	/*
	 * Both layouts leave the last 33 LBAs to a backup GPT, the MBR one
	 * too: sgdisk -v reads an MBR disk as the GPT it would become and
	 * reports a partition over the backup's place as a problem. And in
	 * whole MiB: sgdisk -v cautions about a partition that does not end
	 * on the boundary its start has. So the last MiB of the disk stays
	 * free, and the ESP, with the FAT32 in it, is the same on both.
	 */
	sectors -= GPT_BACKUP_SECTORS;
	return (uint32_t)(sectors & ~(uint64_t)(PARTITION_ALIGN_SECTORS - 1));
}

void image_set_root_partition(uint64_t sectors)
{
	root_sectors = sectors;
}

/* The ESP's sectors when the root partition, if any, follows it. */
static uint32_t esp_sectors(uint64_t disk_sectors)
{
	return image_partition_sectors(disk_sectors - root_sectors);
}

uint64_t image_root_first_lba(uint64_t disk_sectors)
{
	return PARTITION_START_LBA + (uint64_t)esp_sectors(disk_sectors);
}

/* stage1 in LBA 0, with stage1_info saying where stage2 is. */
static void mbr_from_stage1(struct mbr *mbr, uint32_t stage2_lba)
{
	memcpy(mbr, embed_stage1_start, sizeof(*mbr));
	/* The magic stays as stage1 has it. */
	mbr->info.stage2_lba = stage2_lba;
	mbr->info.stage2_sectors = (uint16_t)image_stage2_sectors();
	mbr->reserved = 0;
	memset(mbr->part, 0, sizeof(mbr->part));
	mbr->signature = MBR_SIGNATURE;
}

static void write_mbr(int fd, const char *path, uint64_t disk_sectors,
		      const struct image_ids *ids)
{
	struct mbr mbr;
	struct mbr_partition part;
	uint32_t sectors = esp_sectors(disk_sectors);
	const uint8_t *stage2;
	size_t stage2_size;

	mbr_from_stage1(&mbr, STAGE2_LBA);
	mbr.disk_signature = ids->disk_signature;

	memset(&part, 0, sizeof(part));
	part.status = MBR_STATUS_ACTIVE;
	part.type = MBR_TYPE_EFI_SYSTEM;
	part.lba_first = PARTITION_START_LBA;
	part.sectors = sectors;
	chs_encode(PARTITION_START_LBA, part.chs_first);
	chs_encode(PARTITION_START_LBA + sectors - 1, part.chs_last);
	mbr.part[0] = part;
	if (root_sectors) {
		uint32_t first = (uint32_t)image_root_first_lba(disk_sectors);

		memset(&part, 0, sizeof(part));
		part.type = MBR_TYPE_LINUX;
		part.lba_first = first;
		part.sectors = (uint32_t)root_sectors;
		chs_encode(first, part.chs_first);
		chs_encode(first + part.sectors - 1, part.chs_last);
		mbr.part[1] = part;
	}

	mkdisk_write_at(fd, path, &mbr, sizeof(mbr), 0);
	stage2 = image_stage2(&stage2_size);
	mkdisk_write_at(fd, path, stage2, stage2_size,
			(uint64_t)STAGE2_LBA * MKDISK_SECTOR_SIZE);
}

/* A partition's name: ASCII into UTF-16LE, the rest zero. */
static void gpt_name(struct gpt_entry *e, const char *name)
{
	unsigned i;

	for (i = 0; name[i] && i < sizeof(e->name) / sizeof(e->name[0]); i++)
		e->name[i] = (uint16_t)(unsigned char)name[i];
}

/*
 * UEFI 5.2.3: one MBR entry of type 0xEE from LBA 1 over the whole disk
 * (at most 2^32 - 1 sectors), not active; no disk signature. stage1's code
 * and stage1_info stay: SeaBIOS and other BIOSes run LBA 0's code
 * whatever the table holds.
 */
static void write_protective_mbr(int fd, const char *path,
				 uint64_t disk_sectors)
{
	static const uint8_t chs_first[3] = GPT_PROTECTIVE_CHS_FIRST;
	struct mbr mbr;
	struct mbr_partition part;
	uint64_t sectors = disk_sectors - 1;

	mbr_from_stage1(&mbr, GPT_STAGE2_LBA);
	mbr.disk_signature = 0;
	memset(&part, 0, sizeof(part));
	part.type = MBR_TYPE_GPT_PROTECTIVE;
	part.lba_first = GPT_PRIMARY_LBA;
	part.sectors = sectors > 0xffffffffULL ? 0xffffffffU :
						 (uint32_t)sectors;
	memcpy(part.chs_first, chs_first, sizeof(chs_first));
	chs_encode((uint32_t)(disk_sectors - 1), part.chs_last);
	mbr.part[0] = part;
	mkdisk_write_at(fd, path, &mbr, sizeof(mbr), 0);
}

/*
 * The GPT: the entry array (the BIOS boot partition with stage2, then the
 * ESP) written twice, the primary header at LBA 1 with its array at LBA 2,
 * the backup header at the last LBA with its array right before it.
 */
static void write_gpt(int fd, const char *path, uint64_t disk_sectors,
		      const struct image_ids *ids)
{
	static const struct gpt_guid esp_type = GPT_TYPE_EFI_SYSTEM;
	static const struct gpt_guid bios_type = GPT_TYPE_BIOS_BOOT;
	static const struct gpt_guid root_type = GPT_TYPE_LINUX_ROOT_X86_64;
	static struct gpt_entry entries[GPT_ENTRY_COUNT];
	uint64_t last_lba = disk_sectors - 1;
	uint64_t backup_entries = last_lba - GPT_ENTRIES_SECTORS;
	uint8_t sector[MKDISK_SECTOR_SIZE];
	struct gpt_header h;
	int copy;

	memset(entries, 0, sizeof(entries));
	entries[0].type = bios_type;
	entries[0].unique = ids->bios_boot_guid;
	entries[0].first_lba = GPT_STAGE2_LBA;
	entries[0].last_lba = PARTITION_START_LBA - 1;
	gpt_name(&entries[0], "BIOS boot partition");
	entries[1].type = esp_type;
	entries[1].unique = ids->esp_guid;
	entries[1].first_lba = PARTITION_START_LBA;
	entries[1].last_lba = PARTITION_START_LBA - 1 +
			      esp_sectors(disk_sectors);
	gpt_name(&entries[1], "EFI System Partition");
	if (root_sectors) {
		entries[2].type = root_type;
		entries[2].unique = ids->root_guid;
		entries[2].first_lba = image_root_first_lba(disk_sectors);
		entries[2].last_lba = entries[2].first_lba + root_sectors - 1;
		gpt_name(&entries[2], "Linux root (x86-64)");
	}

	memset(&h, 0, sizeof(h));
	h.signature = GPT_SIGNATURE;
	h.revision = GPT_REVISION_1_0;
	h.header_size = GPT_HEADER_SIZE;
	h.first_usable_lba = GPT_PRIMARY_LBA + 1 + GPT_ENTRIES_SECTORS;
	h.last_usable_lba = backup_entries - 1;
	h.disk_guid = ids->disk_guid;
	h.entry_count = GPT_ENTRY_COUNT;
	h.entry_size = GPT_ENTRY_SIZE;
	h.entries_crc32 = crc32(entries, sizeof(entries));

	for (copy = 0; copy < 2; copy++) {
		h.my_lba = copy ? last_lba : GPT_PRIMARY_LBA;
		h.alternate_lba = copy ? GPT_PRIMARY_LBA : last_lba;
		h.entries_lba = copy ? backup_entries : GPT_PRIMARY_LBA + 1;
		h.header_crc32 = 0;
		h.header_crc32 = crc32(&h, sizeof(h));
		/* The rest of the header's sector is zero (UEFI 5.3.2). */
		memset(sector, 0, sizeof(sector));
		memcpy(sector, &h, sizeof(h));
		mkdisk_write_at(fd, path, sector, sizeof(sector),
				h.my_lba * MKDISK_SECTOR_SIZE);
		mkdisk_write_at(fd, path, entries, sizeof(entries),
				h.entries_lba * MKDISK_SECTOR_SIZE);
	}
}

/* stage2 at GPT_STAGE2_LBA, its stage2_info naming the ESP by GUID. */
static void write_gpt_stage2(int fd, const char *path,
			     const struct image_ids *ids)
{
	size_t size;
	const uint8_t *stage2 = image_stage2(&size);
	uint8_t *copy = malloc(size);
	struct stage2_info info;

	if (!copy)
		mkdisk_die("out of memory");
	/* The enrolled-config slot, if any, comes with it. */
	memcpy(copy, stage2, size);
	memcpy(&info, copy + STAGE2_INFO_OFFSET, sizeof(info));
	info.boot_partition = ids->esp_guid;
	memcpy(copy + STAGE2_INFO_OFFSET, &info, sizeof(info));
	mkdisk_write_at(fd, path, copy, size,
			(uint64_t)GPT_STAGE2_LBA * MKDISK_SECTOR_SIZE);
	free(copy);
}

void image_write_boot(int fd, const char *path, uint64_t disk_sectors,
		      enum image_table table, const struct image_ids *ids)
{
	if (table == IMAGE_MBR) {
		write_mbr(fd, path, disk_sectors, ids);
		return;
	}
	if (image_stage2_sectors() > GPT_STAGE2_MAX_SECTORS)
		mkdisk_die("%s: %u sectors, more than the %u of the BIOS boot "
			   "partition", STAGE2_NAME, image_stage2_sectors(),
			   GPT_STAGE2_MAX_SECTORS);
	write_protective_mbr(fd, path, disk_sectors);
	write_gpt(fd, path, disk_sectors, ids);
	write_gpt_stage2(fd, path, ids);
}

int image_disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct image_disk *disk = ctx;
	uint8_t *p = buf;
	size_t len = (size_t)count * MKDISK_SECTOR_SIZE;
	uint64_t offset = lba * MKDISK_SECTOR_SIZE;

	while (len) {
		ssize_t n = pread(disk->fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

/*
 * The partition table, read back as stage2 reads it: on GPT both headers
 * (each with its own CRC and its array's), and the ESP found by the GUID
 * stage2 was given. The partition must be where mtools wrote.
 */
void image_check_table(int fd, const char *path, uint64_t disk_sectors,
		       enum image_table table, const struct image_ids *ids)
{
	struct image_disk image = { .fd = fd };
	struct gpt_disk disk = { image_disk_read, &image, disk_sectors };
	uint8_t sector[MKDISK_SECTOR_SIZE];
	uint64_t first, sectors;

	if (image_disk_read(&image, 0, 1, sector))
		mkdisk_die("%s: reading LBA 0 back failed", path);
	if (table == IMAGE_MBR) {
		struct mbr_partition p;
		enum mbr_error err;

		err = mbr_find_boot_partition(sector, disk_sectors, &p);
		if (err != MBR_OK)
			mkdisk_die("%s: reading the MBR back: %s", path,
				   mbr_strerror(err));
		first = p.lba_first;
		sectors = p.sectors;
	} else {
		struct gpt_header backup;
		struct gpt_table t;
		struct gpt_entry e;
		enum gpt_error err;

		err = gpt_read_table(&disk, sector, &t);
		if (err == GPT_OK && t.primary != GPT_OK)
			err = t.primary;
		if (err != GPT_OK) {
			char msg[300];

			gpt_format_table_error(msg, sizeof(msg), &t);
			mkdisk_die("%s: reading the GPT back: %s", path, msg);
		}
		err = gpt_read_header(&disk, sector, disk_sectors - 1, &backup);
		if (err != GPT_OK)
			mkdisk_die("%s: reading the backup GPT header back: %s",
				   path, gpt_strerror(err));
		err = gpt_find_partition(&disk, sector, &t, &ids->esp_guid, &e);
		if (err != GPT_OK)
			mkdisk_die("%s: finding the ESP in the GPT: %s", path,
				   gpt_strerror(err));
		first = e.first_lba;
		sectors = e.last_lba - e.first_lba + 1;
	}
	if (first != PARTITION_START_LBA || sectors != esp_sectors(disk_sectors))
		mkdisk_die("%s: the partition table reads back as LBA %llu, "
			   "%llu sectors, not where the FAT32 was written",
			   path, (unsigned long long)first,
			   (unsigned long long)sectors);
}

void image_check_fat(int fd, const char *path, uint32_t partition_sectors,
		     const char *const *fat_paths, const uint64_t *sizes,
		     unsigned count, struct fat32_plan *actual)
{
	static struct fat_volume vol;
	struct image_disk image = { .fd = fd };
	struct fat_disk disk = { .read = image_disk_read, .ctx = &image };
	enum fat_error err;
	unsigned i;

	err = fat_mount(&vol, &disk, PARTITION_START_LBA, partition_sectors);
	if (err != FAT_OK)
		mkdisk_die("%s: reading the new partition back: %s", path,
			   fat_strerror(err));
	if (vol.type != FAT_TYPE_32 || vol.cluster_count < FAT32_MIN_CLUSTERS)
		mkdisk_die("%s: mformat made FAT%d with %u clusters, not FAT32 "
			   "(%u or more)", path, (int)vol.type,
			   vol.cluster_count, FAT32_MIN_CLUSTERS);

	for (i = 0; i < count; i++) {
		struct fat_file file;

		err = fat_open(&vol, fat_paths[i], &file);
		if (err != FAT_OK)
			mkdisk_die("%s: reading %s back: %s", path,
				   fat_paths[i], fat_strerror(err));
		if (file.is_dir || file.size != sizes[i])
			mkdisk_die("%s: %s reads back as %u bytes, not %llu",
				   path, fat_paths[i], file.size,
				   (unsigned long long)sizes[i]);
	}

	actual->partition_sectors = vol.total_sectors;
	actual->sectors_per_cluster = vol.sectors_per_cluster;
	actual->fat_sectors = vol.fat_sectors;
	actual->clusters = vol.cluster_count;
}
