// SPDX-License-Identifier: MIT
/*
 * fat.c - see fat.h. A read-only FAT12/16/32 reader, freestanding: it runs
 * in 32-bit protected-mode stage2 (no libgcc, so shifts instead of 64-bit
 * division), in the 64-bit EFI loader and on the host. It gets a disk read
 * callback and the partition's place from its caller, and hands back file
 * contents in the caller's buffers.
 *
 * The on-disk names follow Microsoft's FAT specification ("FAT: General
 * Overview of On-Disk Format", 2000): BPB_BytsPerSec is byts_per_sec here,
 * DIR_FstClusLO is fst_clus_lo, LDIR_Ord is ord.
 */
#include "fat.h"

/* The boot sector and BPB, at sector 0 of the file system. */
struct fat_bpb {
	uint8_t jmp_boot[3];		/* 0x000 BS_jmpBoot */
	uint8_t oem_name[8];		/* 0x003 BS_OEMName */
	uint16_t byts_per_sec;		/* 0x00b BPB_BytsPerSec */
	uint8_t sec_per_clus;		/* 0x00d BPB_SecPerClus */
	uint16_t rsvd_sec_cnt;		/* 0x00e BPB_RsvdSecCnt */
	uint8_t num_fats;		/* 0x010 BPB_NumFATs */
	uint16_t root_ent_cnt;		/* 0x011 BPB_RootEntCnt */
	uint16_t tot_sec16;		/* 0x013 BPB_TotSec16 */
	uint8_t media;			/* 0x015 BPB_Media */
	uint16_t fat_sz16;		/* 0x016 BPB_FATSz16 */
	uint16_t sec_per_trk;		/* 0x018 BPB_SecPerTrk */
	uint16_t num_heads;		/* 0x01a BPB_NumHeads */
	uint32_t hidd_sec;		/* 0x01c BPB_HiddSec */
	uint32_t tot_sec32;		/* 0x020 BPB_TotSec32 */
	/* FAT32 only from here; FAT12/16 keep BS_DrvNum and the label here. */
	uint32_t fat_sz32;		/* 0x024 BPB_FATSz32 */
	uint16_t ext_flags;		/* 0x028 BPB_ExtFlags */
	uint16_t fs_ver;		/* 0x02a BPB_FSVer */
	uint32_t root_clus;		/* 0x02c BPB_RootClus */
	uint8_t _pad_0x030[0x1fe - 0x030];
	uint16_t signature;		/* 0x1fe, FAT_BOOT_SIGNATURE */
} __attribute__((packed));

_Static_assert(sizeof(struct fat_bpb) == FAT_SECTOR_SIZE, "fat_bpb size");
_Static_assert(__builtin_offsetof(struct fat_bpb, tot_sec32) == 0x20,
	       "BPB_TotSec32");
_Static_assert(__builtin_offsetof(struct fat_bpb, root_clus) == 0x2c,
	       "BPB_RootClus");

#define FAT_BOOT_SIGNATURE	0xaa55	/* bytes 0x55 0xaa */
#define FAT_JMP_SHORT		0xeb	/* BS_jmpBoot: EB xx 90 */
#define FAT_JMP_NEAR		0xe9	/* BS_jmpBoot: E9 xx xx */
/* BPB_ExtFlags: bit 7 set means only FAT number bits 0-3 is active. */
#define FAT_EXT_NO_MIRROR	0x80
#define FAT_EXT_ACTIVE_MASK	0x0f

/* The spec's cluster count limits: the one rule for the FAT type. */
#define FAT12_MAX_CLUSTERS	4084
#define FAT16_MAX_CLUSTERS	65524
/* FAT32 entries are 28 bits; 0x0ffffff7 is the bad-cluster mark. */
#define FAT32_MAX_CLUSTERS	0x0ffffff5
#define FAT32_ENTRY_MASK	0x0fffffff
/* First end-of-chain value per FAT type; everything above ends a chain. */
#define FAT12_EOC		0x0ff8
#define FAT16_EOC		0xfff8
#define FAT32_EOC		0x0ffffff8
#define FAT_FIRST_CLUSTER	2

/* A short (8.3) directory entry. */
struct fat_dir_entry {
	uint8_t name[11];		/* 0x00 DIR_Name, space padded */
	uint8_t attr;			/* 0x0b DIR_Attr */
	uint8_t nt_res;			/* 0x0c DIR_NTRes */
	uint8_t crt_time_tenth;		/* 0x0d DIR_CrtTimeTenth */
	uint16_t crt_time;		/* 0x0e DIR_CrtTime */
	uint16_t crt_date;		/* 0x10 DIR_CrtDate */
	uint16_t lst_acc_date;		/* 0x12 DIR_LstAccDate */
	uint16_t fst_clus_hi;		/* 0x14 DIR_FstClusHI, FAT32 only */
	uint16_t wrt_time;		/* 0x16 DIR_WrtTime */
	uint16_t wrt_date;		/* 0x18 DIR_WrtDate */
	uint16_t fst_clus_lo;		/* 0x1a DIR_FstClusLO */
	uint32_t file_size;		/* 0x1c DIR_FileSize */
} __attribute__((packed));

/* A long file name entry: 13 UTF-16 units of the name, in three pieces. */
struct fat_lfn_entry {
	uint8_t ord;			/* 0x00 LDIR_Ord */
	uint16_t name1[5];		/* 0x01 LDIR_Name1 */
	uint8_t attr;			/* 0x0b LDIR_Attr, FAT_ATTR_LONG_NAME */
	uint8_t type;			/* 0x0c LDIR_Type, 0 */
	uint8_t chksum;			/* 0x0d LDIR_Chksum */
	uint16_t name2[6];		/* 0x0e LDIR_Name2 */
	uint16_t fst_clus_lo;		/* 0x1a LDIR_FstClusLO, 0 */
	uint16_t name3[2];		/* 0x1c LDIR_Name3 */
} __attribute__((packed));

_Static_assert(sizeof(struct fat_dir_entry) == FAT_DIRENT_SIZE, "dirent");
_Static_assert(sizeof(struct fat_lfn_entry) == FAT_DIRENT_SIZE, "lfn");
_Static_assert(__builtin_offsetof(struct fat_dir_entry, fst_clus_lo) == 0x1a,
	       "DIR_FstClusLO");
_Static_assert(__builtin_offsetof(struct fat_lfn_entry, name3) == 0x1c,
	       "LDIR_Name3");

#define DIR_NAME_END		0x00	/* this and all later entries free */
#define DIR_NAME_FREE		0xe5	/* a deleted entry */
#define DIR_NAME_KANJI_E5	0x05	/* stands for a first byte of 0xe5 */
#define DIR_ENTRIES_PER_SECTOR	(FAT_SECTOR_SIZE / FAT_DIRENT_SIZE)
/* DIR_NTRes bits (Windows NT): the 8.3 base or extension is lower case. */
#define DIR_NTRES_LOWER_BASE	0x08
#define DIR_NTRES_LOWER_EXT	0x10
/* The mask that tells a long name entry from a short one. */
#define FAT_ATTR_LONG_NAME_MASK	0x3f
#define LDIR_LAST_LONG_ENTRY	0x40
#define LDIR_ORD_MASK		0x1f
#define LFN_CHARS_PER_ENTRY	13
/* 20 entries x 13 units hold the longest name, 255 units. */
#define LFN_MAX_ENTRIES		20

static const char *const fat_error_text[FAT_ERR_COUNT] = {
	[FAT_OK] = "no error",
	[FAT_ERR_IO] = "disk read failed",
	[FAT_ERR_NOT_FAT] = "not a FAT file system (no boot sector signature)",
	[FAT_ERR_UNSUPPORTED] = "unsupported FAT variant",
	[FAT_ERR_NOT_FOUND] = "no such file or directory",
	[FAT_ERR_NOT_DIR] = "not a directory",
	[FAT_ERR_IS_DIR] = "is a directory",
	[FAT_ERR_BAD_CLUSTER] = "free, bad or out-of-range cluster in a chain",
	[FAT_ERR_CHAIN_LOOP] = "cluster chain loops",
	[FAT_ERR_CHAIN_SHORT] = "cluster chain shorter than the file",
	[FAT_ERR_RANGE] = "read past the end of the file",
	[FAT_ERR_SECTOR_SIZE] = "sector size is not 512 bytes",
	[FAT_ERR_CLUSTER_SIZE] = "sectors per cluster is not a power of two",
	[FAT_ERR_BPB_ZERO] = "a required BPB count is zero",
	[FAT_ERR_BPB_SIZE] = "file system is larger than its partition",
	[FAT_ERR_BPB_LAYOUT] = "FATs, root directory or data area do not fit",
	[FAT_ERR_NAME_TOO_LONG] = "file name too long",
};

const char *fat_strerror(enum fat_error err)
{
	if ((unsigned)err >= FAT_ERR_COUNT || !fat_error_text[err])
		return "unknown FAT error";
	return fat_error_text[err];
}

static void copy_bytes(void *dst, const void *src, uint32_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static char fold_ascii(char c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Read whole sectors at lba (relative to the partition), inside it. */
static enum fat_error volume_read(struct fat_volume *vol, uint64_t lba,
				  uint32_t count, void *buf)
{
	if (lba >= vol->part_sectors || count > vol->part_sectors - lba)
		return FAT_ERR_BPB_LAYOUT;
	if (vol->disk.read(vol->disk.ctx, vol->part_lba + lba, count, buf))
		return FAT_ERR_IO;
	return FAT_OK;
}

/* Bring sector lba into vol->sector, unless it is there already. */
static enum fat_error volume_read_sector(struct fat_volume *vol, uint64_t lba)
{
	enum fat_error err;

	if (vol->sector_valid && vol->sector_lba == lba)
		return FAT_OK;
	vol->sector_valid = false;
	err = volume_read(vol, lba, 1, vol->sector);
	if (err)
		return err;
	vol->sector_lba = lba;
	vol->sector_valid = true;
	return FAT_OK;
}

/* Load the FAT cache with FAT sectors from sector on (cache miss). */
static enum fat_error fat_cache_fill(struct fat_volume *vol, uint32_t sector)
{
	uint32_t count = vol->fat_sectors - sector;
	enum fat_error err;

	if (count > FAT_CACHE_SECTORS)
		count = FAT_CACHE_SECTORS;
	vol->fat_cache_count = 0;
	err = volume_read(vol, (uint64_t)vol->fat_lba + sector, count,
			  vol->fat_cache);
	if (err)
		return err;
	vol->fat_cache_first = sector;
	vol->fat_cache_count = count;
	return FAT_OK;
}

/* Byte offset of the FAT, through the cache: where it is in vol->fat_cache. */
static enum fat_error fat_cache_at(struct fat_volume *vol, uint32_t offset,
				   const uint8_t **p)
{
	uint32_t sector = offset / FAT_SECTOR_SIZE;
	enum fat_error err;

	if (sector >= vol->fat_sectors)
		return FAT_ERR_BAD_CLUSTER;
	/* Unsigned: also a miss when sector is below fat_cache_first. */
	if (sector - vol->fat_cache_first >= vol->fat_cache_count) {
		err = fat_cache_fill(vol, sector);
		if (err)
			return err;
	}
	*p = vol->fat_cache + (offset - vol->fat_cache_first * FAT_SECTOR_SIZE);
	return FAT_OK;
}

/*
 * The FAT entry of cluster: the next cluster, or a mark. A FAT16 or FAT32
 * entry is 2- or 4-byte aligned, so it never straddles a sector and is read
 * whole; a FAT12 entry (1.5 bytes) may, so it is read a byte at a time.
 */
static enum fat_error fat_entry(struct fat_volume *vol, uint32_t cluster,
				uint32_t *value)
{
	const uint8_t *p;
	uint32_t offset;
	uint8_t b[2];
	unsigned i;
	enum fat_error err;

	switch (vol->type) {
	case FAT_TYPE_32:
		err = fat_cache_at(vol, cluster << 2, &p);
		if (err)
			return err;
		/* The top 4 bits are reserved. */
		*value = (p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			  (uint32_t)p[3] << 24) & FAT32_ENTRY_MASK;
		return FAT_OK;
	case FAT_TYPE_16:
		err = fat_cache_at(vol, cluster << 1, &p);
		if (err)
			return err;
		*value = p[0] | (uint32_t)p[1] << 8;
		return FAT_OK;
	default:
		/* 12 bits per entry: 3 bytes hold two entries. */
		offset = cluster + (cluster >> 1);
		for (i = 0; i < 2; i++) {
			err = fat_cache_at(vol, offset + i, &p);
			if (err)
				return err;
			b[i] = *p;
		}
		*value = b[0] | (uint32_t)b[1] << 8;
		*value = cluster & 1 ? *value >> 4 : *value & 0x0fff;
		return FAT_OK;
	}
}

static bool cluster_valid(const struct fat_volume *vol, uint32_t cluster)
{
	return cluster >= FAT_FIRST_CLUSTER &&
	       cluster - FAT_FIRST_CLUSTER < vol->cluster_count;
}

static uint64_t cluster_lba(const struct fat_volume *vol, uint32_t cluster)
{
	return vol->data_lba +
	       ((uint64_t)(cluster - FAT_FIRST_CLUSTER) << vol->cluster_shift);
}

static void chain_start(struct fat_chain *ch, uint32_t cluster)
{
	ch->cluster = cluster;
	ch->brent_mark = cluster;
	ch->brent_power = 1;
	ch->brent_steps = 0;
}

/*
 * Step ch to the next cluster of its chain; *end is set (and ch left alone)
 * at the end of the chain. Brent's algorithm: a loop brings the walk back
 * to brent_mark within brent_power steps once the mark is inside the loop
 * and the power exceeds the loop's length, so any loop is found after at
 * most about three times as many steps as the chain has distinct clusters.
 */
static enum fat_error chain_next(struct fat_volume *vol, struct fat_chain *ch,
				 bool *end)
{
	uint32_t next;
	enum fat_error err;

	*end = false;
	err = fat_entry(vol, ch->cluster, &next);
	if (err)
		return err;
	if (next >= vol->eoc) {
		*end = true;
		return FAT_OK;
	}
	/* Free (0), reserved (1), bad (0x?ff7) or past the last cluster. */
	if (!cluster_valid(vol, next))
		return FAT_ERR_BAD_CLUSTER;
	if (next == ch->brent_mark)
		return FAT_ERR_CHAIN_LOOP;
	if (++ch->brent_steps == ch->brent_power) {
		ch->brent_mark = next;
		ch->brent_power <<= 1;
		ch->brent_steps = 0;
	}
	ch->cluster = next;
	return FAT_OK;
}

static unsigned log2_u32(uint32_t v)
{
	unsigned n = 0;

	while (v >>= 1)
		n++;
	return n;
}

enum fat_error fat_mount(struct fat_volume *vol, const struct fat_disk *disk,
			 uint64_t part_lba, uint64_t part_sectors)
{
	struct fat_bpb bpb;
	uint32_t spc, fat_sz, total, root_sectors, active, data_sectors;
	uint64_t meta, fat_bytes, entries;
	enum fat_error err;
	unsigned i;

	vol->disk = *disk;
	vol->part_lba = part_lba;
	vol->part_sectors = part_sectors;
	vol->sector_valid = false;
	vol->fat_cache_first = 0;
	vol->fat_cache_count = 0;
	vol->chains_next = 0;
	for (i = 0; i < FAT_RUN_CHAINS; i++)
		vol->chains[i].first_cluster = 0;
	if (part_sectors == 0)
		return FAT_ERR_BPB_SIZE;
	err = volume_read_sector(vol, 0);
	if (err)
		return err;
	copy_bytes(&bpb, vol->sector, sizeof(bpb));

	if (bpb.signature != FAT_BOOT_SIGNATURE ||
	    (bpb.jmp_boot[0] != FAT_JMP_SHORT &&
	     bpb.jmp_boot[0] != FAT_JMP_NEAR))
		return FAT_ERR_NOT_FAT;
	if (bpb.byts_per_sec != FAT_SECTOR_SIZE)
		return FAT_ERR_SECTOR_SIZE;
	spc = bpb.sec_per_clus;
	if (spc == 0 || (spc & (spc - 1)))
		return FAT_ERR_CLUSTER_SIZE;
	fat_sz = bpb.fat_sz16 ? bpb.fat_sz16 : bpb.fat_sz32;
	total = bpb.tot_sec16 ? bpb.tot_sec16 : bpb.tot_sec32;
	if (bpb.rsvd_sec_cnt == 0 || bpb.num_fats == 0 || fat_sz == 0 ||
	    total == 0)
		return FAT_ERR_BPB_ZERO;
	if (total > part_sectors)
		return FAT_ERR_BPB_SIZE;

	root_sectors = ((uint32_t)bpb.root_ent_cnt * FAT_DIRENT_SIZE +
			FAT_SECTOR_SIZE - 1) / FAT_SECTOR_SIZE;
	meta = bpb.rsvd_sec_cnt + (uint64_t)bpb.num_fats * fat_sz +
	       root_sectors;
	if (meta >= total)
		return FAT_ERR_BPB_LAYOUT;
	data_sectors = total - (uint32_t)meta;

	vol->total_sectors = total;
	vol->sectors_per_cluster = spc;
	vol->cluster_shift = log2_u32(spc);
	vol->cluster_count = data_sectors >> vol->cluster_shift;
	vol->fat_sectors = fat_sz;
	vol->root_sectors = root_sectors;
	vol->root_lba = bpb.rsvd_sec_cnt + bpb.num_fats * fat_sz;
	vol->data_lba = vol->root_lba + root_sectors;
	vol->root_cluster = 0;
	if (vol->cluster_count == 0)
		return FAT_ERR_BPB_LAYOUT;

	/* Microsoft's rule: the cluster count alone decides the type. */
	if (vol->cluster_count <= FAT12_MAX_CLUSTERS) {
		vol->type = FAT_TYPE_12;
		vol->eoc = FAT12_EOC;
	} else if (vol->cluster_count <= FAT16_MAX_CLUSTERS) {
		vol->type = FAT_TYPE_16;
		vol->eoc = FAT16_EOC;
	} else {
		vol->type = FAT_TYPE_32;
		vol->eoc = FAT32_EOC;
	}

	active = 0;
	if (vol->type == FAT_TYPE_32) {
		if (bpb.fs_ver != 0 || vol->cluster_count > FAT32_MAX_CLUSTERS)
			return FAT_ERR_UNSUPPORTED;
		/* FAT32 has no fixed root directory and no 16-bit FAT size. */
		if (bpb.root_ent_cnt != 0 || bpb.fat_sz16 != 0)
			return FAT_ERR_BPB_LAYOUT;
		vol->root_cluster = bpb.root_clus;
		if (!cluster_valid(vol, vol->root_cluster))
			return FAT_ERR_BPB_LAYOUT;
		if (bpb.ext_flags & FAT_EXT_NO_MIRROR)
			active = bpb.ext_flags & FAT_EXT_ACTIVE_MASK;
		if (active >= bpb.num_fats)
			return FAT_ERR_BPB_LAYOUT;
	} else if (bpb.root_ent_cnt == 0) {
		return FAT_ERR_BPB_ZERO;
	}
	vol->fat_lba = bpb.rsvd_sec_cnt + active * fat_sz;

	/* The FAT must hold an entry for every cluster, 0 and 1 included. */
	entries = (uint64_t)vol->cluster_count + FAT_FIRST_CLUSTER;
	if (vol->type == FAT_TYPE_12)
		fat_bytes = (entries * 3 + 1) >> 1;
	else if (vol->type == FAT_TYPE_16)
		fat_bytes = entries << 1;
	else
		fat_bytes = entries << 2;
	if (fat_bytes > (uint64_t)fat_sz * FAT_SECTOR_SIZE)
		return FAT_ERR_BPB_LAYOUT;
	return FAT_OK;
}

static void file_root(const struct fat_volume *vol, struct fat_file *file)
{
	file->first_cluster = vol->root_cluster;
	file->size = 0;
	file->is_dir = true;
	file->attr = FAT_ATTR_DIRECTORY;
}

enum fat_error fat_opendir(struct fat_volume *vol, const struct fat_file *dir,
			   struct fat_dir *it)
{
	uint32_t first = dir->first_cluster;

	if (!dir->is_dir)
		return FAT_ERR_NOT_DIR;
	/* A ".." entry that points at the root says cluster 0. */
	if (first == 0)
		first = vol->root_cluster;
	it->vol = vol;
	it->done = false;
	it->sector = 0;
	it->entry = 0;
	it->fixed_root = first == 0;
	chain_start(&it->chain, first);
	if (!it->fixed_root && !cluster_valid(vol, first))
		return FAT_ERR_BAD_CLUSTER;
	return FAT_OK;
}

/* A long name being put together from its entries, last piece first. */
struct lfn {
	uint16_t name[LFN_MAX_ENTRIES * LFN_CHARS_PER_ENTRY];
	unsigned expect;	/* LDIR_Ord of the next entry; 0: none */
	unsigned units;		/* room in the entries: 13 per entry */
	uint8_t chksum;
	bool complete;
};

static void lfn_reset(struct lfn *l)
{
	l->expect = 0;
	l->complete = false;
}

static void lfn_add(struct lfn *l, const struct fat_lfn_entry *e)
{
	unsigned seq = e->ord & LDIR_ORD_MASK;
	uint16_t *p;
	unsigned i;

	/* The entry nearest the short entry has ord 1; the first has 0x40. */
	if (e->ord & LDIR_LAST_LONG_ENTRY) {
		l->expect = seq <= LFN_MAX_ENTRIES ? seq : 0;
		l->units = l->expect * LFN_CHARS_PER_ENTRY;
		l->chksum = e->chksum;
	}
	l->complete = false;
	if (l->expect == 0 || seq != l->expect || e->chksum != l->chksum ||
	    e->type != 0) {
		l->expect = 0;
		return;
	}
	p = l->name + (seq - 1) * LFN_CHARS_PER_ENTRY;
	for (i = 0; i < 5; i++)
		*p++ = e->name1[i];
	for (i = 0; i < 6; i++)
		*p++ = e->name2[i];
	for (i = 0; i < 2; i++)
		*p++ = e->name3[i];
	l->expect--;
	l->complete = l->expect == 0;
}

/* The spec's checksum of an 8.3 name, kept in every LFN entry. */
static uint8_t lfn_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;
	unsigned i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/*
 * The long name as UTF-8 into out (FAT_NAME_MAX bytes); false if empty.
 * A name that fills its entries has no NUL (the spec), so it ends where
 * they do; units past FAT_LFN_MAX are ignored, a surrogate pair included,
 * or 254 three-byte units and a pair would need one byte too many.
 */
static bool lfn_to_utf8(const struct lfn *l, char *out)
{
	const unsigned max = l->units < FAT_LFN_MAX ? l->units : FAT_LFN_MAX;
	unsigned i, n = 0;

	for (i = 0; i < max; i++) {
		uint32_t c = l->name[i];

		if (c == 0x0000 || c == 0xffff)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < max &&
		    l->name[i + 1] >= 0xdc00 && l->name[i + 1] < 0xe000) {
			/* A UTF-16 surrogate pair. */
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (l->name[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = '?';	/* an unpaired surrogate */
		}
		if (c < 0x80) {
			out[n++] = (char)c;
		} else if (c < 0x800) {
			out[n++] = (char)(0xc0 | c >> 6);
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[n++] = (char)(0xe0 | c >> 12);
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | c >> 18);
			out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[n] = '\0';
	return n != 0;
}

/* "NAME.EXT" from the space-padded DIR_Name, with the NT case bits. */
static void short_name_to_str(const struct fat_dir_entry *de, char out[13])
{
	unsigned i, n = 0, len;

	for (len = 8; len > 0 && de->name[len - 1] == ' '; len--)
		;
	for (i = 0; i < len; i++) {
		char c = (char)de->name[i];

		if (i == 0 && de->name[0] == DIR_NAME_KANJI_E5)
			c = (char)DIR_NAME_FREE;
		if ((de->nt_res & DIR_NTRES_LOWER_BASE) && c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		out[n++] = c;
	}
	for (len = 3; len > 0 && de->name[8 + len - 1] == ' '; len--)
		;
	if (len)
		out[n++] = '.';
	for (i = 0; i < len; i++) {
		char c = (char)de->name[8 + i];

		if ((de->nt_res & DIR_NTRES_LOWER_EXT) && c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		out[n++] = c;
	}
	out[n] = '\0';
}

/* Move it to its next entry's sector; false at the end of the directory. */
static enum fat_error dir_advance(struct fat_dir *it, bool *more)
{
	struct fat_volume *vol = it->vol;
	bool end;
	enum fat_error err;

	*more = true;
	if (it->entry < DIR_ENTRIES_PER_SECTOR)
		return FAT_OK;
	it->entry = 0;
	it->sector++;
	if (it->fixed_root) {
		*more = it->sector < vol->root_sectors;
		return FAT_OK;
	}
	if (it->sector < vol->sectors_per_cluster)
		return FAT_OK;
	it->sector = 0;
	err = chain_next(vol, &it->chain, &end);
	if (err)
		return err;
	*more = !end;
	return FAT_OK;
}

enum fat_error fat_readdir(struct fat_dir *it, struct fat_dirent *ent)
{
	struct fat_volume *vol = it->vol;
	struct fat_dir_entry de;
	struct lfn lfn;
	enum fat_error err;
	uint64_t lba;
	bool more;

	lfn_reset(&lfn);
	while (!it->done) {
		err = dir_advance(it, &more);
		if (err)
			return err;
		if (!more) {
			it->done = true;
			break;
		}
		if (it->fixed_root)
			lba = (uint64_t)vol->root_lba + it->sector;
		else
			lba = cluster_lba(vol, it->chain.cluster) + it->sector;
		err = volume_read_sector(vol, lba);
		if (err)
			return err;
		copy_bytes(&de, vol->sector + it->entry * FAT_DIRENT_SIZE,
			   sizeof(de));
		it->entry++;

		if (de.name[0] == DIR_NAME_END) {
			it->done = true;
			break;
		}
		if (de.name[0] == DIR_NAME_FREE) {
			lfn_reset(&lfn);
			continue;
		}
		if ((de.attr & FAT_ATTR_LONG_NAME_MASK) == FAT_ATTR_LONG_NAME) {
			struct fat_lfn_entry le;

			copy_bytes(&le, &de, sizeof(le));
			lfn_add(&lfn, &le);
			continue;
		}
		if (de.attr & FAT_ATTR_VOLUME_ID) {
			lfn_reset(&lfn);
			continue;
		}

		short_name_to_str(&de, ent->short_name);
		/* A long name counts only if it belongs to this 8.3 name. */
		if (!lfn.complete || lfn.chksum != lfn_checksum(de.name) ||
		    !lfn_to_utf8(&lfn, ent->name))
			copy_bytes(ent->name, ent->short_name,
				   sizeof(ent->short_name));
		ent->file.first_cluster = de.fst_clus_lo;
		if (vol->type == FAT_TYPE_32)
			ent->file.first_cluster |=
				(uint32_t)de.fst_clus_hi << 16;
		ent->file.attr = de.attr;
		ent->file.is_dir = de.attr & FAT_ATTR_DIRECTORY;
		ent->file.size = ent->file.is_dir ? 0 : de.file_size;
		return FAT_OK;
	}
	return FAT_ERR_NOT_FOUND;
}

/* Does the NUL-terminated name equal comp[0..len), ignoring ASCII case? */
static bool name_equal(const char *name, const char *comp, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (!name[i] || fold_ascii(name[i]) != fold_ascii(comp[i]))
			return false;
	return name[len] == '\0';
}

/* Clusters a file of size bytes needs. */
static uint32_t file_clusters(const struct fat_volume *vol, uint32_t size)
{
	unsigned shift = vol->cluster_shift + 9;	/* bytes per cluster */

	return (size >> shift) + ((size & ((1u << shift) - 1)) != 0);
}

/* Note the run first .. first + count - 1 at the end of runs. */
static void runs_add(struct fat_chain_runs *runs, uint32_t first,
		     uint32_t count)
{
	if (runs->count == FAT_CHAIN_RUNS) {
		runs->whole = false;
		return;
	}
	runs->run[runs->count].first = first;
	runs->run[runs->count].count = count;
	runs->count++;
}

/* Remember the runs of a chain found sound, in place of the oldest. */
static void volume_keep_runs(struct fat_volume *vol,
			     const struct fat_chain_runs *runs)
{
	unsigned i;

	for (i = 0; i < FAT_RUN_CHAINS; i++)
		if (vol->chains[i].first_cluster == runs->first_cluster)
			break;
	if (i == FAT_RUN_CHAINS) {
		i = vol->chains_next;
		vol->chains_next = (i + 1) % FAT_RUN_CHAINS;
	}
	vol->chains[i] = *runs;
}

/* The runs fat_open() noted for the chain from first, or NULL. */
static const struct fat_chain_runs *volume_find_runs(
	const struct fat_volume *vol, uint32_t first)
{
	unsigned i;

	for (i = 0; i < FAT_RUN_CHAINS; i++)
		if (vol->chains[i].first_cluster == first)
			return &vol->chains[i];
	return NULL;
}

/*
 * Walk a file's whole chain: long enough for its size, and no loop. One
 * pass: the runs it finds are kept in vol for fat_read().
 */
static enum fat_error file_check_chain(struct fat_volume *vol,
				       const struct fat_file *file)
{
	uint32_t need = file_clusters(vol, file->size), have = 1;
	uint32_t prev, run_first, run_count = 1;
	struct fat_chain_runs runs;
	struct fat_chain ch;
	enum fat_error err;
	bool end = false;

	if (need == 0)
		return FAT_OK;
	if (!cluster_valid(vol, file->first_cluster))
		return FAT_ERR_BAD_CLUSTER;
	runs.first_cluster = file->first_cluster;
	runs.count = 0;
	runs.whole = true;
	run_first = file->first_cluster;
	chain_start(&ch, file->first_cluster);
	for (;;) {
		prev = ch.cluster;
		err = chain_next(vol, &ch, &end);
		if (err)
			return err;
		if (end)
			break;
		have++;
		if (ch.cluster == prev + 1) {
			run_count++;
		} else {
			runs_add(&runs, run_first, run_count);
			run_first = ch.cluster;
			run_count = 1;
		}
	}
	if (have < need)
		return FAT_ERR_CHAIN_SHORT;
	runs_add(&runs, run_first, run_count);
	volume_keep_runs(vol, &runs);
	return FAT_OK;
}

enum fat_error fat_open(struct fat_volume *vol, const char *path,
			struct fat_file *file)
{
	struct fat_file cur;
	struct fat_dirent ent;
	struct fat_dir it;
	enum fat_error err;
	const char *p = path, *comp;
	uint32_t len;

	file_root(vol, &cur);
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (comp = p; *p && *p != '/'; p++)
			;
		len = (uint32_t)(p - comp);
		if (len >= FAT_NAME_MAX)
			return FAT_ERR_NAME_TOO_LONG;
		if (!cur.is_dir)
			return FAT_ERR_NOT_DIR;
		if (len == 1 && comp[0] == '.')
			continue;
		/* The root has no "." or ".." entries: its parent is itself. */
		if (len == 2 && comp[0] == '.' && comp[1] == '.' &&
		    (cur.first_cluster == 0 ||
		     cur.first_cluster == vol->root_cluster))
			continue;
		err = fat_opendir(vol, &cur, &it);
		if (err)
			return err;
		for (;;) {
			err = fat_readdir(&it, &ent);
			if (err)
				return err;
			if (name_equal(ent.name, comp, len) ||
			    name_equal(ent.short_name, comp, len))
				break;
		}
		cur = ent.file;
	}
	if (!cur.is_dir) {
		err = file_check_chain(vol, &cur);
		if (err)
			return err;
	}
	*file = cur;
	return FAT_OK;
}

/*
 * Read n bytes from off bytes into the sectors at lba: the unaligned head
 * and tail through the sector buffer, everything between in one disk read
 * straight into out.
 */
static enum fat_error volume_read_bytes(struct fat_volume *vol, uint64_t lba,
					uint32_t off, uint8_t *out, uint32_t n)
{
	enum fat_error err;
	uint32_t k;

	lba += off / FAT_SECTOR_SIZE;
	off %= FAT_SECTOR_SIZE;
	if (off) {
		err = volume_read_sector(vol, lba);
		if (err)
			return err;
		k = FAT_SECTOR_SIZE - off;
		if (k > n)
			k = n;
		copy_bytes(out, vol->sector + off, k);
		out += k;
		n -= k;
		lba++;
	}
	if (n >= FAT_SECTOR_SIZE) {
		k = n / FAT_SECTOR_SIZE;
		err = volume_read(vol, lba, k, out);
		if (err)
			return err;
		out += k * FAT_SECTOR_SIZE;
		n -= k * FAT_SECTOR_SIZE;
		lba += k;
	}
	if (n) {
		err = volume_read_sector(vol, lba);
		if (err)
			return err;
		copy_bytes(out, vol->sector, n);
	}
	return FAT_OK;
}

/*
 * A walk along a file's chain run by run, for fat_read(): first through
 * the runs fat_open() noted, then (past them, or without them) through the
 * FAT. In the FAT, pending says that ch.cluster is not handed out yet.
 */
struct run_walk {
	const struct fat_chain_runs *runs;	/* NULL: the FAT only */
	unsigned run;				/* next run in runs */
	uint32_t run_used;			/* clusters of it handed out */
	struct fat_chain ch;
	bool pending;
};

static void walk_start(struct fat_volume *vol, struct run_walk *w,
		       uint32_t first_cluster)
{
	w->runs = volume_find_runs(vol, first_cluster);
	w->run = 0;
	w->run_used = 0;
	chain_start(&w->ch, first_cluster);
	w->pending = true;
}

/*
 * The next run of the chain, at most max (> 0) clusters of it: *first and
 * *count. FAT_ERR_CHAIN_SHORT when the chain has ended.
 */
static enum fat_error walk_next(struct fat_volume *vol, struct run_walk *w,
				uint32_t max, uint32_t *first,
				uint32_t *count)
{
	uint32_t n = 1;
	enum fat_error err;
	bool end;

	if (w->runs && w->run < w->runs->count) {
		const struct fat_run *r = &w->runs->run[w->run];

		n = r->count - w->run_used;
		if (n > max)
			n = max;
		*first = r->first + w->run_used;
		*count = n;
		w->run_used += n;
		if (w->run_used == r->count) {
			w->run++;
			w->run_used = 0;
			/* On in the FAT after the last cluster handed out. */
			chain_start(&w->ch, r->first + r->count - 1);
			w->pending = false;
		}
		return FAT_OK;
	}
	if (w->runs && w->runs->whole)
		return FAT_ERR_CHAIN_SHORT;
	if (!w->pending) {
		err = chain_next(vol, &w->ch, &end);
		if (err)
			return err;
		if (end)
			return FAT_ERR_CHAIN_SHORT;
	}
	*first = w->ch.cluster;
	w->pending = false;
	while (n < max) {
		err = chain_next(vol, &w->ch, &end);
		if (err)
			return err;
		if (end)
			break;
		if (w->ch.cluster != *first + n) {
			/* It starts the next run. */
			w->pending = true;
			break;
		}
		n++;
	}
	*count = n;
	return FAT_OK;
}

enum fat_error fat_read(struct fat_volume *vol, const struct fat_file *file,
			uint32_t offset, void *buf, uint32_t len)
{
	unsigned shift = vol->cluster_shift + 9;	/* bytes per cluster */
	uint32_t pos, skip, want, first, count, n;
	uint64_t run_bytes;
	uint8_t *out = buf;
	struct run_walk w;
	enum fat_error err;

	if (file->is_dir)
		return FAT_ERR_IS_DIR;
	if (offset > file->size || len > file->size - offset)
		return FAT_ERR_RANGE;
	if (len == 0)
		return FAT_OK;
	if (!cluster_valid(vol, file->first_cluster))
		return FAT_ERR_BAD_CLUSTER;

	walk_start(vol, &w, file->first_cluster);
	for (skip = offset >> shift; skip; skip -= count) {
		err = walk_next(vol, &w, skip, &first, &count);
		if (err)
			return err;
	}
	pos = offset & ((1u << shift) - 1);
	/* Clusters the range touches, from the one holding offset. */
	want = (uint32_t)(((uint64_t)pos + len - 1) >> shift) + 1;

	/* One disk read per run of consecutive clusters. */
	while (len) {
		err = walk_next(vol, &w, want, &first, &count);
		if (err)
			return err;
		want -= count;
		run_bytes = ((uint64_t)count << shift) - pos;
		n = run_bytes < len ? (uint32_t)run_bytes : len;
		err = volume_read_bytes(vol, cluster_lba(vol, first), pos, out,
					n);
		if (err)
			return err;
		out += n;
		len -= n;
		pos = 0;
	}
	return FAT_OK;
}

enum fat_error fat_file_lba(const struct fat_volume *vol,
			    const struct fat_file *file, uint64_t *lba)
{
	if (file->is_dir)
		return FAT_ERR_IS_DIR;
	if (file->first_cluster < FAT_FIRST_CLUSTER)
		return FAT_ERR_RANGE;
	*lba = vol->part_lba + cluster_lba(vol, file->first_cluster);
	return FAT_OK;
}
