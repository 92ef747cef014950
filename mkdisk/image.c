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
 * The same inputs give the same bytes: the disk signature and the FAT
 * volume ID come from a hash of everything that goes into the image
 * (image_hash_*), not from a random source.
 *
 * Hosted code (the build machine). Every failure goes through mkdisk_die().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stdlib.h>

#include "config.h"
#include "fat.h"
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

static size_t embed_size(const uint8_t *start, const uint8_t *end)
{
	return (size_t)(end - start);
}

/*
 * stage2 and BOOTX64.EFI as they go onto the image: the built-in bytes,
 * or copies with the config's hash enrolled (image_enroll_config).
 */
static const uint8_t *stage2_data, *efi_data;

const uint8_t *image_stage2(size_t *size)
{
	*size = embed_size(embed_stage2_start, embed_stage2_end);
	return stage2_data ? stage2_data : embed_stage2_start;
}

const uint8_t *image_efi(size_t *size)
{
	*size = embed_size(embed_efi_start, embed_efi_end);
	return efi_data ? efi_data : embed_efi_start;
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

void image_hash_ids(const struct image_hash *hash, struct image_ids *ids)
{
	ids->disk_signature = nonzero((uint32_t)hash->state);
	ids->volume_id = nonzero((uint32_t)(hash->state >> 32));
}

static void write_at(int fd, const char *path, const void *buf, size_t len,
		     uint64_t offset)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			mkdisk_die("%s: write failed: %s", path,
				   n < 0 ? strerror(errno) : "no progress");
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
}

void image_write_boot(int fd, const char *path, uint64_t disk_sectors,
		      uint32_t disk_signature)
{
	struct mbr mbr;
	struct mbr_partition part;
	uint32_t last_lba = (uint32_t)(disk_sectors - 1);
	const uint8_t *stage2;
	size_t stage2_size;

	memcpy(&mbr, embed_stage1_start, sizeof(mbr));

	/* Where stage1 finds stage2; the magic stays as stage1 has it. */
	mbr.info.stage2_lba = STAGE2_LBA;
	mbr.info.stage2_sectors = (uint16_t)image_stage2_sectors();

	mbr.disk_signature = disk_signature;
	mbr.reserved = 0;

	memset(&part, 0, sizeof(part));
	part.status = MBR_STATUS_ACTIVE;
	part.type = MBR_TYPE_EFI_SYSTEM;
	part.lba_first = PARTITION_START_LBA;
	part.sectors = (uint32_t)(disk_sectors - PARTITION_START_LBA);
	chs_encode(PARTITION_START_LBA, part.chs_first);
	chs_encode(last_lba, part.chs_last);
	memset(mbr.part, 0, sizeof(mbr.part));
	mbr.part[0] = part;
	mbr.signature = MBR_SIGNATURE;

	write_at(fd, path, &mbr, sizeof(mbr), 0);
	stage2 = image_stage2(&stage2_size);
	write_at(fd, path, stage2, stage2_size,
		 (uint64_t)STAGE2_LBA * MKDISK_SECTOR_SIZE);
}

/* common/fat.c reads the image through this, as a loader reads a disk. */
struct image_disk {
	int fd;
};

static int image_disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
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

void image_check_fat(int fd, const char *path, uint64_t disk_sectors,
		     const char *const *fat_paths, const uint64_t *sizes,
		     unsigned count, struct fat32_plan *actual)
{
	static struct fat_volume vol;
	struct image_disk image = { .fd = fd };
	struct fat_disk disk = { .read = image_disk_read, .ctx = &image };
	enum fat_error err;
	unsigned i;

	err = fat_mount(&vol, &disk, PARTITION_START_LBA,
			disk_sectors - PARTITION_START_LBA);
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
