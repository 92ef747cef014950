// SPDX-License-Identifier: MIT
/*
 * fuzz_seeds.c - makes the seed inputs of the fuzz targets that are easier
 * built than kept in git, at build time ($(BUILD)/fuzz/seeds/, see
 * tests/fuzz/fuzz.mk). A plain host program.
 *
 *	fuzz_seeds DIR			DIR/bzimage/: synthetic kernel
 *					headers in fuzz_bzimage's input
 *					layout; DIR/mbr/: partition tables
 *					in fuzz_mbr's; DIR/gpt/: small GPT
 *					disks in fuzz_gpt's
 *	fuzz_seeds --trim FILE		cut FILE's trailing all-zero sectors
 *					(fuzz_fat reads them back as zeros)
 *	fuzz_seeds --disk OUT FS LBA	OUT: an MBR with one active FAT32 (LBA)
 *					partition at LBA holding the image FS
 *
 * The kernel headers follow boot.rst field by field through struct
 * setup_header (common/linux_boot.h): a 2.15 kernel as Debian ships, a
 * 2.10 one and a 2.02 one, each with an e820 map like QEMU's and a command
 * line with vga=. Nothing is taken from a real kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "gpt.h"
#include "linux_boot.h"
#include "mbr.h"

#define PROBE_BYTES	1024
#define SECTOR		512

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_seeds: error: %s: %s\n", what, why);
	exit(1);
}

static void put(FILE *f, const void *p, size_t n, const char *path)
{
	if (fwrite(p, 1, n, f) != n)
		die(path, strerror(errno));
}

static void put_u64(FILE *f, uint64_t v, const char *path)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(f, b, 8, path);
}

static void put_u32(FILE *f, uint32_t v, const char *path)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(f, b, 4, path);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die(path, strerror(errno));
}

struct kernel_seed {
	const char *name;
	uint16_t version;
	uint8_t setup_sects;
	uint8_t header_len;		/* the byte at 0x201 */
	uint16_t xloadflags;
	uint64_t file_size;
	uint64_t kernel_addr;
	uint64_t initrd_size;
	uint8_t flags;			/* fuzz_bzimage's flags byte */
	const char *cmdline;
};

static const struct kernel_seed kernels[] = {
	{ "modern-2.15", BOOT_PROTOCOL(2, 15), 27, 0x6a,
	  XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_HANDOVER_32 |
	  XLF_EFI_HANDOVER_64 | XLF_EFI_KEXEC, 7 << 20, 0x1000000, 30 << 20,
	  3, "console=ttyS0,115200 vga=0x317 quiet" },
	{ "reloc-2.10", BOOT_PROTOCOL(2, 10), 30, 0x66, 0, 4 << 20, 0x100000,
	  1 << 20, 0, "root=/dev/sda1 vga=ask ro" },
	{ "old-2.02", BOOT_PROTOCOL(2, 2), 0, 0x2c, 0, 1 << 20, 0x100000,
	  512 << 10, 2, "vga=normal" },
};

static const struct e820_entry qemu_map[] = {
	{ 0x0, 0x9fc00, E820_TYPE_RAM },
	{ 0x9fc00, 0x400, E820_TYPE_RESERVED },
	{ 0xf0000, 0x10000, E820_TYPE_RESERVED },
	{ 0x100000, 0x1fee0000, E820_TYPE_RAM },
	{ 0x1ffe0000, 0x20000, E820_TYPE_RESERVED },
	{ 0xfeffc000, 0x4000, E820_TYPE_RESERVED },
	{ 0xfffc0000, 0x40000, E820_TYPE_RESERVED },
	{ 0x100000000, 0x40000000, E820_TYPE_RAM },
};

static void write_kernel_seed(const char *dir, const struct kernel_seed *k)
{
	static const char version[] = "6.1.0-fuzz-seed (bzboot) #1 SMP";
	uint8_t buf[PROBE_BYTES];
	struct setup_header hdr;
	char path[4096];
	unsigned map_len = sizeof(qemu_map) / sizeof(qemu_map[0]);
	FILE *f;

	memset(buf, 0, sizeof(buf));
	memset(&hdr, 0, sizeof(hdr));
	hdr.setup_sects = k->setup_sects;
	hdr.syssize = (uint32_t)((k->file_size - (k->setup_sects ?
		      k->setup_sects + 1 : 5) * SECTOR) / 16);
	hdr.vid_mode = VID_MODE_NORMAL;
	hdr.boot_flag = BOOT_FLAG_MAGIC;
	hdr.jump = (uint16_t)(0xeb | k->header_len << 8);
	hdr.header = HDRS_MAGIC;
	hdr.version = k->version;
	/* boot.rst: the string is at kernel_version + 0x200. */
	hdr.kernel_version = 0x380 - 0x200;
	hdr.loadflags = LOADED_HIGH | CAN_USE_HEAP;
	hdr.code32_start = BZIMAGE_LOAD_ADDR;
	hdr.heap_end_ptr = 0xde00;
	hdr.initrd_addr_max = 0x7fffffff;
	hdr.kernel_alignment = 0x200000;
	hdr.relocatable_kernel = 1;
	hdr.min_alignment = 21;
	hdr.xloadflags = k->xloadflags;
	hdr.cmdline_size = 2047;
	hdr.pref_address = 0x1000000;
	hdr.init_size = 0x2400000;
	hdr.handover_offset = 0x190;
	memcpy(buf + SETUP_HEADER_OFFSET, &hdr, sizeof(hdr));
	memcpy(buf + 0x380, version, sizeof(version));

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, k->name) >=
	    sizeof(path))
		die(dir, "path too long");
	f = fopen(path, "wb");
	if (!f)
		die(path, strerror(errno));
	put(f, buf, sizeof(buf), path);
	put_u64(f, k->file_size, path);
	put_u64(f, k->kernel_addr, path);
	put_u64(f, k->initrd_size, path);
	put(f, &k->flags, 1, path);
	put(f, &(uint8_t){ (uint8_t)map_len }, 1, path);
	for (unsigned i = 0; i < map_len; i++) {
		put_u64(f, qemu_map[i].addr, path);
		put_u64(f, qemu_map[i].size, path);
		put_u32(f, qemu_map[i].type, path);
	}
	put_u64(f, 0x20000, path);		/* cmdline_addr */
	put_u64(f, 0x1e000000, path);		/* initrd_addr */
	put(f, (uint8_t[]){ 0x00, 0xde }, 2, path);	/* heap_end_ptr */
	put(f, (uint8_t[]){ 0x17, 0x03 }, 2, path);	/* vid_mode */
	put(f, k->cmdline, strlen(k->cmdline), path);
	if (fclose(f))
		die(path, strerror(errno));
}

struct mbr_seed {
	const char *name;
	struct mbr_partition part[MBR_PART_COUNT];
	uint16_t signature;
	uint64_t disk_sectors;		/* 0: no size after the sector */
};

static const struct mbr_seed mbrs[] = {
	{ "mkdisk", { { MBR_STATUS_ACTIVE, { 0 }, MBR_TYPE_EFI_SYSTEM, { 0 },
			2048, 131072 } }, MBR_SIGNATURE, 133120 },
	{ "two-fat", { { 0, { 0 }, MBR_TYPE_FAT32_LBA, { 0 }, 2048, 1000 },
		       { 0, { 0 }, 0x83, { 0 }, 4096, 1000 },
		       { MBR_STATUS_ACTIVE, { 0 }, MBR_TYPE_FAT16, { 0 },
			 8192, 1000 } }, MBR_SIGNATURE, 0 },
	{ "gpt", { { 0, { 0 }, MBR_TYPE_GPT_PROTECTIVE, { 0 }, 1,
		     0xffffffff } }, MBR_SIGNATURE, 0 },
	{ "past-end", { { MBR_STATUS_ACTIVE, { 0 }, MBR_TYPE_FAT12, { 0 },
			  63, 4000 } }, MBR_SIGNATURE, 2000 },
	{ "no-signature", { { MBR_STATUS_ACTIVE, { 0 }, MBR_TYPE_FAT12, { 0 },
			      63, 4000 } }, 0, 0 },
};

static void write_mbr_seed(const char *dir, const struct mbr_seed *s)
{
	struct mbr m;
	char path[4096];
	FILE *f;

	memset(&m, 0, sizeof(m));
	memcpy(m.part, s->part, sizeof(m.part));
	m.signature = s->signature;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, s->name) >=
	    sizeof(path))
		die(dir, "path too long");
	f = fopen(path, "wb");
	if (!f)
		die(path, strerror(errno));
	put(f, &m, sizeof(m), path);
	if (s->disk_sectors)
		put_u64(f, s->disk_sectors, path);
	if (fclose(f))
		die(path, strerror(errno));
}

/*
 * GPT disks in fuzz_gpt's input: the GUID to look for, the flags (size
 * known), 15 bytes of padding, then 16 sectors: a protective MBR, the
 * primary header, one sector of 4 entries, usable LBAs 3-13, the backup's
 * entry sector and header. Entry 1 is the ESP with the GUID looked for.
 */
#define GPT_SEED_SECTORS	16

enum gpt_seed_damage { GPT_SEED_NONE, GPT_SEED_ZERO_PRIMARY,
		       GPT_SEED_PRIMARY_CRC, GPT_SEED_BOTH_CRC };

static void write_gpt_seed(const char *dir, const char *name,
			   enum gpt_seed_damage damage, uint8_t flags)
{
	static const struct gpt_guid esp_type = GPT_TYPE_EFI_SYSTEM;
	static const struct gpt_guid bios_type = GPT_TYPE_BIOS_BOOT;
	static const struct gpt_guid want = { 0x01234567, 0x89ab, 0x4def,
		{ 0x80, 1, 2, 3, 4, 5, 6, 7 } };
	static uint8_t disk[GPT_SEED_SECTORS][SECTOR];
	struct gpt_entry *e;
	struct mbr *m = (struct mbr *)disk[0];
	uint8_t pad[15] = { 0 };
	char path[4096];
	FILE *f;

	memset(disk, 0, sizeof(disk));
	m->part[0].type = MBR_TYPE_GPT_PROTECTIVE;
	m->part[0].lba_first = 1;
	m->part[0].sectors = GPT_SEED_SECTORS - 1;
	m->signature = MBR_SIGNATURE;
	for (int k = 0; k < 2; k++) {
		uint64_t lba = k ? GPT_SEED_SECTORS - 1 : 1;
		uint64_t entries = k ? GPT_SEED_SECTORS - 2 : 2;
		struct gpt_header *h = (struct gpt_header *)disk[lba];

		e = (struct gpt_entry *)disk[entries];
		e[0].type = bios_type;
		e[0].unique.data1 = 0xb105;
		e[0].first_lba = 3;
		e[0].last_lba = 4;
		e[1].type = esp_type;
		e[1].unique = want;
		e[1].first_lba = 5;
		e[1].last_lba = GPT_SEED_SECTORS - 3;
		h->signature = GPT_SIGNATURE;
		h->revision = GPT_REVISION_1_0;
		h->header_size = GPT_HEADER_SIZE;
		h->my_lba = lba;
		h->alternate_lba = k ? 1 : GPT_SEED_SECTORS - 1;
		h->first_usable_lba = 3;
		h->last_usable_lba = GPT_SEED_SECTORS - 3;
		h->entries_lba = entries;
		h->entry_count = SECTOR / GPT_ENTRY_SIZE;
		h->entry_size = GPT_ENTRY_SIZE;
		h->entries_crc32 = crc32(disk[entries], SECTOR);
		h->header_crc32 = crc32(h, GPT_HEADER_SIZE);
		if (damage == GPT_SEED_BOTH_CRC ||
		    (damage == GPT_SEED_PRIMARY_CRC && !k))
			h->header_crc32 ^= 1;
	}
	if (damage == GPT_SEED_ZERO_PRIMARY)
		memset(disk[1], 0, SECTOR);

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		die(dir, "path too long");
	f = fopen(path, "wb");
	if (!f)
		die(path, strerror(errno));
	put(f, &want, sizeof(want), path);
	put(f, &flags, 1, path);
	put(f, pad, sizeof(pad), path);
	put(f, disk, sizeof(disk), path);
	if (fclose(f))
		die(path, strerror(errno));
}

/* Cut the all-zero sectors at the end of path, keeping the first one. */
static void trim(const char *path)
{
	uint8_t buf[SECTOR];
	long keep = SECTOR;
	long off = 0;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die(path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i]) {
				keep = off + SECTOR;
				break;
			}
		}
		off += (long)n;
	}
	fclose(f);
	if (truncate(path, keep))
		die(path, strerror(errno));
}

static void make_disk(const char *out, const char *fs, const char *lba_arg)
{
	unsigned long lba = strtoul(lba_arg, NULL, 0);
	uint8_t buf[SECTOR];
	struct mbr m;
	struct stat st;
	FILE *in, *f;
	size_t n;

	if (lba == 0 || stat(fs, &st))
		die(fs, "no such image, or LBA 0");
	memset(&m, 0, sizeof(m));
	m.part[0].status = MBR_STATUS_ACTIVE;
	m.part[0].type = MBR_TYPE_FAT32_LBA;
	m.part[0].lba_first = (uint32_t)lba;
	m.part[0].sectors = (uint32_t)((st.st_size + SECTOR - 1) / SECTOR);
	m.signature = MBR_SIGNATURE;
	in = fopen(fs, "rb");
	f = fopen(out, "wb");
	if (!in || !f)
		die(out, strerror(errno));
	put(f, &m, sizeof(m), out);
	memset(buf, 0, sizeof(buf));
	for (unsigned long i = 1; i < lba; i++)
		put(f, buf, sizeof(buf), out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		put(f, buf, n, out);
	fclose(in);
	if (fclose(f))
		die(out, strerror(errno));
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc == 3 && strcmp(argv[1], "--trim") == 0) {
		trim(argv[2]);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "--disk") == 0) {
		make_disk(argv[2], argv[3], argv[4]);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: fuzz_seeds DIR | --trim FILE | "
			"--disk OUT FS LBA\n");
		return 2;
	}
	make_dir(argv[1]);
	snprintf(path, sizeof(path), "%s/bzimage", argv[1]);
	make_dir(path);
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++)
		write_kernel_seed(path, &kernels[i]);
	snprintf(path, sizeof(path), "%s/mbr", argv[1]);
	make_dir(path);
	for (size_t i = 0; i < sizeof(mbrs) / sizeof(mbrs[0]); i++)
		write_mbr_seed(path, &mbrs[i]);
	snprintf(path, sizeof(path), "%s/gpt", argv[1]);
	make_dir(path);
	write_gpt_seed(path, "sound", GPT_SEED_NONE, 1);
	write_gpt_seed(path, "sound-size-unknown", GPT_SEED_NONE, 0);
	write_gpt_seed(path, "zero-primary", GPT_SEED_ZERO_PRIMARY, 1);
	write_gpt_seed(path, "primary-crc", GPT_SEED_PRIMARY_CRC, 0);
	write_gpt_seed(path, "both-crc", GPT_SEED_BOTH_CRC, 1);
	return 0;
}
