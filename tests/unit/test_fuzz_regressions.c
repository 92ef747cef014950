// SPDX-License-Identifier: MIT
/*
 * test_fuzz_regressions.c - host tests that replay what the fuzz targets
 * (tests/fuzz/) and a MemorySanitizer run of fuzz_fat found in common/,
 * rebuilt in memory so that each case names the input's nature:
 *
 *   config   config_format_single() took a value with a blank at an end;
 *	      config_parse() reads it back without (fuzz_config, input
 *	      " `d" as the kernel path).
 *   bzimage  bzimage_place_initrd() put the initrd inside a reserved e820
 *	      range whose end runs past 2^64 (fuzz_bzimage, a QEMU-like map
 *	      with one bogus entry).
 *   fat      a long name that fills its LFN entries exactly (13 units, no
 *	      NUL, as the spec allows) was read on into uninitialized stack
 *	      (MemorySanitizer, fuzz_fat's FAT12 seed with "vmlinuz-6.1.0");
 *	      a 20-entry long name with a surrogate pair at units 254-255
 *	      wrote its NUL one byte past fat_dirent.name, into short_name.
 *
 * Each case fails on the code before its fix. The FAT cases use a 32 KiB
 * FAT12 image built here, sector by sector.
 */
#include <stdlib.h>

#include "bzimage.h"
#include "check.h"
#include "config.h"
#include "fat.h"

/* --- config ------------------------------------------------------------ */

static void test_config_blanks(void)
{
	static const char *const bad[] = {
		" `d", "/boot/vmlinuz ", "\t/boot/vmlinuz", " ",
	};
	const char *initrd[1];
	char buf[CONFIG_TEXT_MAX];
	struct config cfg;
	unsigned line;
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(config_format_single(buf, sizeof(buf), bad[i], NULL,
					      0, NULL), -1,
			 "config: kernel \"%s\" with an end blank refused",
			 bad[i]);
		initrd[0] = bad[i];
		CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", initrd,
					      1, NULL), -1,
			 "config: initrd \"%s\" with an end blank refused",
			 bad[i]);
		CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", NULL, 0,
					      bad[i]), -1,
			 "config: cmdline \"%s\" with an end blank refused",
			 bad[i]);
	}

	/* Blanks inside a value are kept, and read back as they were. */
	initrd[0] = "/boot/my initrd";
	n = config_format_single(buf, sizeof(buf), "/boot/a kernel", initrd, 1,
				 "quiet  console=ttyS0");
	CHECK(n > 0, "config: inner blanks accepted");
	CHECK_EQ(config_parse(buf, (size_t)(n > 0 ? n : 0), &cfg, &line),
		 CONFIG_OK, "config: inner blanks parse back");
	CHECK_STREQ(cfg.entry[0].kernel, "/boot/a kernel",
		    "config: kernel path with a blank round trip");
	CHECK_STREQ(cfg.entry[0].initrd[0], "/boot/my initrd",
		    "config: initrd path with a blank round trip");
	CHECK_STREQ(cfg.entry[0].cmdline, "quiet  console=ttyS0",
		    "config: cmdline with two blanks round trip");
}

/* --- bzimage ----------------------------------------------------------- */

static void test_bzimage_wrapping_reserved(void)
{
	static uint8_t image[BZIMAGE_PROBE_BYTES];
	struct setup_header *h = (void *)(image + SETUP_HEADER_OFFSET);
	const uint64_t file_size = 7u << 20, initrd_size = 0x1e00000;
	/* fuzz_bzimage's seed map, one reserved entry's size made bogus. */
	static const struct e820_entry map[] = {
		{ 0x0, 0x9fc00, E820_TYPE_RAM },
		{ 0x9fc00, 0x400, E820_TYPE_RESERVED },
		{ 0xf0000, 0x10000, E820_TYPE_RESERVED },
		{ 0x100000, 0x1fee0000, E820_TYPE_RAM },
		{ 0x11ffe0000, 0xffffffff0001ff00ull, 253 },
		{ 0xfeffc000, 0x4000, E820_TYPE_RESERVED },
		{ 0xfffc0000, 0x40000, E820_TYPE_RESERVED },
		{ 0x100000000, 0x40000000, E820_TYPE_RAM },
	};
	struct bzimage_info info;
	uint64_t addr = 0;
	bool placed;

	h->setup_sects = 27;
	h->boot_flag = BOOT_FLAG_MAGIC;
	h->jump = 0x6aeb;
	h->header = HDRS_MAGIC;
	h->version = BOOT_PROTOCOL(2, 15);
	h->loadflags = LOADED_HIGH;
	h->syssize = (file_size - 28 * 512) / 16;
	h->initrd_addr_max = 0x7fffffff;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->init_size = 0x2400000;
	if (!CHECK_EQ(bzimage_check(image, sizeof(image), file_size, &info),
		      BZIMAGE_OK, "bzimage: the crash input's header is valid"))
		return;

	placed = bzimage_place_initrd(&info, map, sizeof(map) / sizeof(map[0]),
				      0x1000000, initrd_size, true, &addr);
	CHECK(placed, "bzimage: initrd placed despite a wrapping entry");
	/* [0x11ffe0000, 2^64) is reserved: the initrd must end below it. */
	CHECK(addr + initrd_size <= 0x11ffe0000ull,
	      "bzimage: initrd at %#llx is not in the wrapping reserved range",
	      (unsigned long long)addr);
	CHECK((addr >= 0x100000 && addr + initrd_size <= 0x1ffe0000) ||
	      (addr >= 0x100000000 && addr + initrd_size <= 0x140000000),
	      "bzimage: initrd inside one RAM range");
}

/* --- fat ----------------------------------------------------------------- */

#define SECTOR		512
#define IMG_SECTORS	64
#define ROOT_LBA	3	/* 1 reserved, 2 FATs of 1 sector */
#define ROOT_ENTRIES	32	/* 2 sectors */
#define DATA_LBA	5	/* cluster 2 */

static uint8_t img[IMG_SECTORS * SECTOR];
static unsigned root_used;

static int img_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	(void)ctx;
	if (lba >= IMG_SECTORS || count > IMG_SECTORS - lba)
		return -1;
	memcpy(buf, img + lba * SECTOR, (size_t)count * SECTOR);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* FAT12, 512-byte clusters: 59 data clusters; cluster 2 holds "hello". */
static void img_format(void)
{
	uint8_t *b = img;

	memset(img, 0, sizeof(img));
	root_used = 0;
	b[0] = 0xeb;			/* BS_jmpBoot */
	b[1] = 0x3c;
	b[2] = 0x90;
	memcpy(b + 3, "REGRESS ", 8);
	put16(b + 0x0b, SECTOR);	/* BPB_BytsPerSec */
	b[0x0d] = 1;			/* BPB_SecPerClus */
	put16(b + 0x0e, 1);		/* BPB_RsvdSecCnt */
	b[0x10] = 2;			/* BPB_NumFATs */
	put16(b + 0x11, ROOT_ENTRIES);	/* BPB_RootEntCnt */
	put16(b + 0x13, IMG_SECTORS);	/* BPB_TotSec16 */
	b[0x15] = 0xf8;			/* BPB_Media */
	put16(b + 0x16, 1);		/* BPB_FATSz16 */
	b[0x1fe] = 0x55;
	b[0x1ff] = 0xaa;
	/* Entries 0 and 1, then cluster 2: end of chain (0xfff). */
	for (unsigned fat = 1; fat <= 2; fat++)
		memcpy(img + fat * SECTOR, "\xf8\xff\xff\xff\x0f", 5);
	memcpy(img + DATA_LBA * SECTOR, "hello", 5);
}

static uint8_t short_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/*
 * A root entry "name83" (11 bytes) for the 5-byte file at cluster 2, after
 * the LFN entries holding units[0..count), as many entries as they fill
 * (the last entry first on disk, as the spec orders them).
 */
static void img_add_file(const char *name83, const uint16_t *units,
			 unsigned count)
{
	unsigned entries = (count + 12) / 13;
	uint8_t *root = img + ROOT_LBA * SECTOR;
	uint8_t sum = short_checksum((const uint8_t *)name83);
	uint8_t *d;
	static const uint8_t where[13] = {
		1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30,
	};

	for (unsigned e = entries; e >= 1; e--) {
		d = root + root_used++ * 32;

		d[0] = (uint8_t)(e | (e == entries ? 0x40 : 0));
		d[11] = FAT_ATTR_LONG_NAME;
		d[13] = sum;
		for (unsigned k = 0; k < 13; k++) {
			unsigned u = (e - 1) * 13 + k;
			uint16_t v = u < count ? units[u] :
				     u == count ? 0x0000 : 0xffff;

			put16(d + where[k], v);
		}
	}
	d = root + root_used++ * 32;
	memcpy(d, name83, 11);
	d[11] = FAT_ATTR_ARCHIVE;
	put16(d + 26, 2);		/* DIR_FstClusLO */
	put32(d + 28, 5);		/* DIR_FileSize */
}

/*
 * Fill the stack below the caller with non-zero bytes, so that a read of
 * an uninitialized local in the next call sees junk, not luck's zeros.
 */
static __attribute__((noinline)) void stack_scribble(void)
{
	volatile uint8_t junk[64 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0x41;
}

static bool img_first_entry(struct fat_volume *vol, struct fat_dirent *ent,
			    const char *tn)
{
	struct fat_disk disk = { img_read, NULL };
	struct fat_file root = { 0, 0, true, FAT_ATTR_DIRECTORY };
	struct fat_dir it;

	if (!CHECK_EQ(fat_mount(vol, &disk, 0, IMG_SECTORS), FAT_OK,
		      "%s: image mounts", tn) ||
	    !CHECK_EQ(fat_opendir(vol, &root, &it), FAT_OK,
		      "%s: root opens", tn))
		return false;
	memset(ent, 0x5a, sizeof(*ent));
	stack_scribble();
	return CHECK_EQ(fat_readdir(&it, ent), FAT_OK, "%s: entry read", tn);
}

static void test_fat_full_lfn_entry(void)
{
	static const char name[] = "vmlinuz-6.1.0";	/* 13 units */
	static struct fat_volume vol;
	static struct fat_dirent ent;
	const char *tn = "fat: 13-unit long name without NUL";
	uint16_t units[13];
	struct fat_file f;
	char data[6] = "";

	for (unsigned i = 0; i < 13; i++)
		units[i] = (uint8_t)name[i];
	img_format();
	img_add_file("VMLINU~1   ", units, 13);
	if (!img_first_entry(&vol, &ent, tn))
		return;
	CHECK_STREQ(ent.name, name, "%s: the name ends with its entry", tn);
	CHECK_STREQ(ent.short_name, "VMLINU~1", "%s: short name", tn);
	if (CHECK_EQ(fat_open(&vol, "/vmlinuz-6.1.0", &f), FAT_OK,
		     "%s: opens by its long name", tn))
		CHECK(fat_read(&vol, &f, 0, data, 5) == FAT_OK &&
		      strcmp(data, "hello") == 0, "%s: file reads", tn);
}

static void test_fat_lfn_overflow(void)
{
	static struct fat_volume vol;
	static struct fat_dirent ent;
	const char *tn = "fat: 20-entry name, surrogate pair at 254";
	uint16_t units[256];
	size_t len;

	/* U+4E2D takes 3 bytes of UTF-8: 254 of them are 762 bytes. */
	for (unsigned i = 0; i < 254; i++)
		units[i] = 0x4e2d;
	units[254] = 0xd83d;		/* U+1F600: 4 bytes of UTF-8 */
	units[255] = 0xde00;
	img_format();
	img_add_file("LONGNA~1TXT", units, 256);
	if (!img_first_entry(&vol, &ent, tn))
		return;
	CHECK_STREQ(ent.short_name, "LONGNA~1.TXT",
		    "%s: short name not overwritten by the long name's NUL",
		    tn);
	len = strnlen(ent.name, sizeof(ent.name));
	CHECK(len < sizeof(ent.name), "%s: long name NUL-terminated", tn);
	CHECK_EQ(len, 254 * 3 + 1, "%s: 255 units kept, the cut pair a '?'",
		 tn);
}

int main(void)
{
	check_begin("fuzz_regressions");
	test_config_blanks();
	test_bzimage_wrapping_reserved();
	test_fat_full_lfn_entry();
	test_fat_lfn_overflow();
	return check_end();
}
