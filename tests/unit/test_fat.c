// SPDX-License-Identifier: MIT
/*
 * test_fat.c - host tests of common/fat.c against FAT12, FAT16 and FAT32
 * images that mtools (mformat, mmd, mcopy, mdel) builds at test time in
 * build/tests/unit/test_fat.tmp/, plus a FAT32 partition inside an MBR disk
 * at 1 MiB, the layout mkdisk makes.
 *
 * Files are pseudo-random and checked byte for byte, whole and in pieces at
 * odd offsets; one file is fragmented on purpose (copy A1 B1 A2 B2 A3 B3 C,
 * delete the Bs, copy a bigger D), another into more runs than the volume
 * notes per chain (S00..S19, every other one deleted, then E). Each file is
 * read twice: through the runs fat_open() noted, and through a volume
 * mounted afresh, where fat_read() walks the FAT itself. The disk callback
 * counts its calls to prove that runs of clusters are read in one call and
 * that a file fat_open() checked is read without reading the FAT again,
 * and refuses any read outside the partition. Damage is made by patching
 * bytes of the image as the callback returns them (the file itself is left
 * alone): FAT entries out of range, free, bad, looping, ending early; BPB
 * fields one at a time. Every case checks the exact error code.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fat.h"
#include "mbr.h"

#define SECTOR		512
#define MAX_PATCHES	16
#define MANY_FILES	80
#define KIB		1024u
#define MIB		(1024u * 1024u)

/* One byte range of the image replaced as the callback reads it. */
struct patch {
	uint64_t offset;
	uint8_t bytes[4];
	unsigned len;
};

/* The disk behind the read callback: an image file, seen through patches. */
struct image {
	int fd;
	uint64_t part_lba;
	uint64_t part_sectors;
	struct patch patch[MAX_PATCHES];
	unsigned patches;
	bool fail_io;
	bool out_of_bounds;	/* a read outside the partition was asked */
	unsigned calls;
	uint64_t sectors;
};

/* The files every image holds, with the seed of their contents. */
struct file_spec {
	const char *host;	/* name in the temp dir */
	const char *path;	/* path in the image */
	uint32_t size;
	uint32_t seed;
};

static const struct file_spec big_file = {
	"big.bin", "/boot/vmlinuz", 3 * MIB + 123, 1
};
static const struct file_spec frag_file = {
	"D", "/frag/D", 500 * KIB + 77, 2
};
/* Fills the holes left by S01, S03, ..., S19, then runs on: 10 runs or more. */
static const struct file_spec many_runs_file = {
	"E", "/frag/E", 64 * KIB + 5, 3
};
#define HOLE_FILES	20
static const char hello_text[] = "hello, world\n";
static const char long_name[] = "A Long File Name With Spaces.txt";
static const char longer_name[] =
	"this is a rather long file name for testing.cfg";

/* An image type to build and test. */
struct image_spec {
	const char *name;
	enum fat_type type;
	uint32_t sectors;		/* file system size */
	unsigned cluster_sectors;	/* mformat -c */
	bool in_mbr;			/* partition 1 at 1 MiB, MBR disk */
};

static const struct image_spec specs[] = {
	{ "fat12", FAT_TYPE_12, 12288, 4, false },	/* ~3000 clusters */
	{ "fat16", FAT_TYPE_16, 65536, 4, false },	/* ~16000 clusters */
	{ "fat32", FAT_TYPE_32, 140000, 1, false },	/* ~138000 clusters */
	{ "mbr-fat32", FAT_TYPE_32, 90000, 1, true },	/* ~88000 clusters */
};

static char tmpdir[4096];

static void fill_random(uint8_t *buf, uint32_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)(x >> 24);
	}
}

static uint8_t *random_buffer(uint32_t n, uint32_t seed)
{
	uint8_t *buf = malloc(n ? n : 1);

	if (!buf) {
		perror("malloc");
		exit(1);
	}
	fill_random(buf, n, seed);
	return buf;
}

static bool write_file(const char *name, const void *data, size_t n)
{
	char path[4200];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static bool write_random_file(const char *name, uint32_t n, uint32_t seed)
{
	uint8_t *buf = random_buffer(n, seed);
	bool ok = write_file(name, buf, n);

	free(buf);
	return ok;
}

/* Run a shell command in the temp dir; true when it exits 0. */
static __attribute__((format(printf, 1, 2))) bool run(const char *fmt, ...)
{
	char cmd[8192];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_fat: command failed: %s\n", cmd);
		return false;
	}
	return true;
}

/* The host files copied into every image. */
static bool make_host_files(void)
{
	static const char *const frag_names[] = {
		"A1", "B1", "A2", "B2", "A3", "B3", "C"
	};
	char name[32];
	bool ok = true;

	ok &= run("rm -rf src && mkdir -p src/many");
	ok &= write_file("src/hello.txt", hello_text, strlen(hello_text));
	ok &= write_file("src/empty.txt", "", 0);
	ok &= write_file("src/long", long_name, strlen(long_name));
	ok &= write_file("src/longer", longer_name, strlen(longer_name));
	ok &= run("cp src/long 'src/%s' && cp src/longer 'src/%s'",
		  long_name, longer_name);
	ok &= write_random_file(big_file.host, big_file.size, big_file.seed);
	ok &= write_random_file(frag_file.host, frag_file.size,
				frag_file.seed);
	for (unsigned i = 0; i < 7; i++)
		ok &= write_random_file(frag_names[i], 100 * KIB, 10 + i);
	ok &= write_random_file(many_runs_file.host, many_runs_file.size,
				many_runs_file.seed);
	ok &= run("mkdir -p holes");
	for (unsigned i = 0; i < HOLE_FILES; i++) {
		snprintf(name, sizeof(name), "holes/S%02u", i);
		ok &= write_random_file(name, 4 * KIB, 100 + i);
	}
	for (unsigned i = 0; i < MANY_FILES; i++) {
		snprintf(name, sizeof(name), "src/many/F%02u.TXT", i);
		ok &= write_file(name, name, strlen(name));
	}
	return ok;
}

/*
 * mtools allocates FAT32 clusters from the FSInfo sector's next-free hint,
 * which points past C: set it to 0xffffffff ("unknown", FAT spec) so the
 * next file fills the holes first.
 */
static bool forget_next_free(const char *file, uint64_t part_offset)
{
	static const uint8_t unknown[4] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t b[2];
	bool ok;
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return false;
	/* BPB_FSInfo at 0x30; FSI_Nxt_Free at 0x1ec of that sector. */
	ok = pread(fd, b, 2, (off_t)part_offset + 0x30) == 2 &&
	     pwrite(fd, unknown, 4, (off_t)(part_offset +
		    (uint64_t)(b[0] | b[1] << 8) * SECTOR + 0x1ec)) == 4;
	close(fd);
	return ok;
}

/* Build spec's image with mtools; the file system's mtools target in fs. */
static bool make_image(const struct image_spec *spec, char *file,
		       size_t file_size)
{
	char fs[4200];
	bool ok = true;

	snprintf(file, file_size, "%s/%s.img", tmpdir, spec->name);
	snprintf(fs, sizeof(fs), "%s.img%s", spec->name,
		 spec->in_mbr ? "@@1M" : "");
	ok &= run("rm -f %s.img && truncate -s %llu %s.img", spec->name,
		  (unsigned long long)spec->sectors * SECTOR +
			  (spec->in_mbr ? MIB : 0), spec->name);
	if (ok && spec->in_mbr) {
		struct mbr mbr;
		int fd = open(file, O_WRONLY);

		memset(&mbr, 0, sizeof(mbr));
		mbr.part[0].status = MBR_STATUS_ACTIVE;
		mbr.part[0].type = MBR_TYPE_EFI_SYSTEM;
		mbr.part[0].lba_first = MIB / SECTOR;
		mbr.part[0].sectors = spec->sectors;
		mbr.signature = MBR_SIGNATURE;
		ok = fd >= 0 && pwrite(fd, &mbr, sizeof(mbr), 0) == SECTOR;
		if (fd >= 0)
			close(fd);
	}
	ok = ok && run("mformat -i %s -T %u -c %u %s %s ::", fs,
		       spec->sectors, spec->cluster_sectors,
		       spec->type == FAT_TYPE_32 ? "-F" : "",
		       spec->in_mbr ? "-H 2048" : "");
	ok = ok && run("mmd -i %s ::/boot ::/frag ::/many ::/boot/sub", fs);
	ok = ok && run("cd src && mcopy -i ../%s hello.txt empty.txt '%s' "
		       "'%s' ::/", fs, long_name, longer_name);
	ok = ok && run("mcopy -i %s %s ::/boot/vmlinuz", fs, big_file.host);
	ok = ok && run("mcopy -i %s src/hello.txt ::/boot/sub/deep.txt", fs);
	ok = ok && run("mcopy -i %s A1 B1 A2 B2 A3 B3 C ::/frag/", fs);
	ok = ok && run("mdel -i %s ::/frag/B1 ::/frag/B2 ::/frag/B3", fs);
	if (ok && spec->type == FAT_TYPE_32)
		ok = forget_next_free(file, spec->in_mbr ? MIB : 0);
	ok = ok && run("mcopy -i %s D ::/frag/D", fs);
	ok = ok && run("mcopy -i %s src/many/* ::/many/", fs);
	/* Ten 4 KiB holes, each followed by a file, then E fills them. */
	ok = ok && run("mcopy -i %s holes/* ::/frag/", fs);
	ok = ok && run("mdel -i %s ::/frag/S?[13579]", fs);
	if (ok && spec->type == FAT_TYPE_32)
		ok = forget_next_free(file, spec->in_mbr ? MIB : 0);
	ok = ok && run("mcopy -i %s %s ::/frag/E", fs, many_runs_file.host);
	return ok;
}

static void image_apply_patches(const struct image *img, uint64_t offset,
				uint8_t *buf, uint64_t n)
{
	for (unsigned i = 0; i < img->patches; i++) {
		const struct patch *p = &img->patch[i];

		for (unsigned j = 0; j < p->len; j++)
			if (p->offset + j >= offset &&
			    p->offset + j < offset + n)
				buf[p->offset + j - offset] = p->bytes[j];
	}
}

static bool image_pread(const struct image *img, uint64_t offset, void *buf,
			uint64_t n)
{
	if (pread(img->fd, buf, n, (off_t)offset) != (ssize_t)n)
		return false;
	image_apply_patches(img, offset, buf, n);
	return true;
}

/* The struct fat_disk callback. */
static int image_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct image *img = ctx;

	img->calls++;
	img->sectors += count;
	if (lba < img->part_lba ||
	    lba + count > img->part_lba + img->part_sectors) {
		img->out_of_bounds = true;
		return -1;
	}
	if (img->fail_io)
		return -1;
	return image_pread(img, lba * SECTOR, buf, (uint64_t)count * SECTOR) ?
		0 : -1;
}

static void image_patch(struct image *img, uint64_t offset, const void *bytes,
			unsigned len)
{
	struct patch *p;

	if (img->patches == MAX_PATCHES) {
		fprintf(stderr, "test_fat: too many patches\n");
		exit(1);
	}
	p = &img->patch[img->patches++];
	p->offset = offset;
	p->len = len;
	memcpy(p->bytes, bytes, len);
}

/* Patch a little-endian field of the boot sector. */
static void image_patch_bpb(struct image *img, unsigned offset, uint32_t value,
			    unsigned len)
{
	uint8_t b[4] = { value, value >> 8, value >> 16, value >> 24 };

	image_patch(img, img->part_lba * SECTOR + offset, b, len);
}

/*
 * FAT access of the test's own, from the BPB's reserved sector count: the
 * first FAT starts right after the reserved sectors.
 */
static uint64_t fat_offset(const struct image *img, enum fat_type type,
			   uint32_t cluster)
{
	uint8_t rsvd[2];
	uint64_t base;

	if (pread(img->fd, rsvd, 2, (off_t)(img->part_lba * SECTOR + 14)) != 2)
		return 0;
	base = (img->part_lba + (rsvd[0] | rsvd[1] << 8)) * SECTOR;
	if (type == FAT_TYPE_12)
		return base + cluster + cluster / 2;
	return base + (uint64_t)cluster * (type / 8);
}

static uint32_t fat_get(const struct image *img, enum fat_type type,
			uint32_t cluster)
{
	uint8_t b[4] = { 0 };
	uint32_t v;

	image_pread(img, fat_offset(img, type, cluster), b,
		    type == FAT_TYPE_32 ? 4 : 2);
	v = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (type == FAT_TYPE_12)
		return cluster & 1 ? v >> 4 : v & 0xfff;
	return type == FAT_TYPE_16 ? v : v & 0x0fffffff;
}

static void fat_set(struct image *img, enum fat_type type, uint32_t cluster,
		    uint32_t value)
{
	uint64_t off = fat_offset(img, type, cluster);
	uint8_t b[4] = { 0 };

	image_pread(img, off, b, 4);
	if (type == FAT_TYPE_12) {
		uint16_t v = b[0] | b[1] << 8;

		if (cluster & 1)
			v = (v & 0x000f) | (value & 0xfff) << 4;
		else
			v = (v & 0xf000) | (value & 0xfff);
		b[0] = v;
		b[1] = v >> 8;
		image_patch(img, off, b, 2);
	} else if (type == FAT_TYPE_16) {
		b[0] = value;
		b[1] = value >> 8;
		image_patch(img, off, b, 2);
	} else {
		/* The top 4 bits are reserved: keep them. */
		value = (value & 0x0fffffff) | (b[3] & 0xf0u) << 24;
		for (unsigned i = 0; i < 4; i++)
			b[i] = value >> (8 * i);
		image_patch(img, off, b, 4);
	}
}

static enum fat_error mount_patched(struct image *img, struct fat_volume *vol);

/* Damage one FAT entry, and mount again so no cached FAT hides it. */
static void patch_fat(struct image *img, struct fat_volume *vol,
		      uint32_t cluster, uint32_t value)
{
	fat_set(img, vol->type, cluster, value);
	if (mount_patched(img, vol) != FAT_OK) {
		fprintf(stderr, "test_fat: mount after a FAT patch failed\n");
		exit(1);
	}
}

static uint32_t fat_eoc(enum fat_type type)
{
	return type == FAT_TYPE_12 ? 0xfff : type == FAT_TYPE_16 ? 0xffff :
		0x0fffffff;
}

static uint32_t fat_bad(enum fat_type type)
{
	return type == FAT_TYPE_12 ? 0xff7 : type == FAT_TYPE_16 ? 0xfff7 :
		0x0ffffff7;
}

/* List the chain from first into out (at most max); returns its length. */
static unsigned chain_list(const struct image *img, enum fat_type type,
			   uint32_t first, uint32_t *out, unsigned max)
{
	uint32_t c = first;
	unsigned n = 0;

	while (n < max && c >= 2 && c < fat_bad(type)) {
		out[n++] = c;
		c = fat_get(img, type, c);
	}
	return n;
}

static unsigned chain_runs(const uint32_t *chain, unsigned n)
{
	unsigned runs = n ? 1 : 0;

	for (unsigned i = 1; i < n; i++)
		runs += chain[i] != chain[i - 1] + 1;
	return runs;
}

static struct fat_disk image_disk(struct image *img)
{
	return (struct fat_disk){ .read = image_read, .ctx = img };
}

/* Reset the image's patches and counters, and mount it. */
static enum fat_error remount(struct image *img, struct fat_volume *vol)
{
	struct fat_disk disk = image_disk(img);

	img->patches = 0;
	img->fail_io = false;
	img->calls = 0;
	img->sectors = 0;
	return fat_mount(vol, &disk, img->part_lba, img->part_sectors);
}

static enum fat_error mount_patched(struct image *img, struct fat_volume *vol)
{
	struct fat_disk disk = image_disk(img);

	return fat_mount(vol, &disk, img->part_lba, img->part_sectors);
}

/*
 * Reads of f at the offsets of test_file_reads() through vol, against
 * want; how says which way ("noted runs", "the FAT").
 */
static void file_pieces(const char *tn, struct fat_volume *vol,
			const struct fat_file *f, const uint8_t *want,
			uint8_t *got, const char *path, const char *how)
{
	uint32_t cb = vol->sectors_per_cluster * SECTOR;
	uint32_t size = f->size;
	enum fat_error err;
	const struct {
		uint32_t offset, len;
	} pieces[] = {
		{ 0, 1 }, { 1, 1 }, { 511, 2 }, { 512, 512 },
		{ 513, size < 100513 ? size - 513 : 100000 },
		{ cb - 1, 3 }, { cb, cb }, { cb + 7, 2 * cb + 5 },
		{ 12345, size - 12345 }, { size - 7, 7 }, { size - 1, 1 },
		{ 3, size - 3 }, { size / 2 + 1, size / 3 },
	};

	memset(got, 0xcc, size + 16);
	err = fat_read(vol, f, 0, got, size);
	CHECK(err == FAT_OK && memcmp(got, want, size) == 0 &&
	      got[size] == 0xcc, "%s: %s whole read, byte for byte (%s)", tn,
	      path, how);
	for (unsigned i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		uint32_t o = pieces[i].offset, n = pieces[i].len;

		memset(got, 0xcc, n + 16);
		err = fat_read(vol, f, o, got, n);
		CHECK(err == FAT_OK && memcmp(got, want + o, n) == 0 &&
		      got[n] == 0xcc, "%s: %s read %u bytes at %u (%s)", tn,
		      path, n, o, how);
	}
}

/* Whole and partial reads of one file, against its expected bytes. */
static void test_file_reads(const char *tn, struct fat_volume *vol,
			    const struct file_spec *fs)
{
	uint32_t size = fs->size;
	uint8_t *want = random_buffer(size, fs->seed);
	uint8_t *got = malloc(size + 16);
	struct fat_volume *fresh = malloc(sizeof(*fresh));
	struct fat_file f;
	enum fat_error err;

	err = fat_open(vol, fs->path, &f);
	CHECK_EQ(err, FAT_OK, "%s: open %s", tn, fs->path);
	CHECK_EQ(f.size, size, "%s: %s size", tn, fs->path);
	CHECK(!f.is_dir, "%s: %s is a file", tn, fs->path);
	if (err || f.size != size)
		goto out;

	file_pieces(tn, vol, &f, want, got, fs->path, "noted runs");
	/* Mounted again: nothing noted, fat_read() walks the FAT. */
	if (CHECK_EQ(fat_mount(fresh, &vol->disk, vol->part_lba,
			       vol->part_sectors), FAT_OK,
		     "%s: mount again for %s", tn, fs->path))
		file_pieces(tn, fresh, &f, want, got, fs->path, "the FAT");
	CHECK_EQ(fat_read(vol, &f, size, got, 0), FAT_OK,
		 "%s: %s read 0 bytes at the end", tn, fs->path);
	CHECK_EQ(fat_read(vol, &f, size, got, 1), FAT_ERR_RANGE,
		 "%s: %s read 1 byte past the end", tn, fs->path);
	CHECK_EQ(fat_read(vol, &f, size - 3, got, 4), FAT_ERR_RANGE,
		 "%s: %s read across the end", tn, fs->path);
	CHECK_EQ(fat_read(vol, &f, size + 1, got, 0), FAT_ERR_RANGE,
		 "%s: %s offset past the end", tn, fs->path);
	CHECK_EQ(fat_read(vol, &f, 1, got, UINT32_MAX), FAT_ERR_RANGE,
		 "%s: %s huge length", tn, fs->path);
out:
	free(want);
	free(got);
	free(fresh);
}

/* Lookups, names, directories. */
static void test_names(const char *tn, struct fat_volume *vol)
{
	char buf[128];
	struct fat_file f;
	struct fat_dir it;
	struct fat_dirent ent;
	enum fat_error err;
	static const char *const hello_paths[] = {
		"/hello.txt", "hello.txt", "/HELLO.TXT", "/Hello.Txt",
		"//hello.txt", "/./hello.txt", "/boot/../hello.txt",
		"/../hello.txt", "/boot/sub/../../hello.txt",
	};

	for (unsigned i = 0; i < 9; i++) {
		memset(buf, 0, sizeof(buf));
		err = fat_open(vol, hello_paths[i], &f);
		if (!err)
			err = fat_read(vol, &f, 0, buf, f.size);
		CHECK(err == FAT_OK && strcmp(buf, hello_text) == 0,
		      "%s: open and read \"%s\"", tn, hello_paths[i]);
	}

	memset(buf, 0, sizeof(buf));
	err = fat_open(vol, "/a long file name with SPACES.TXT", &f);
	if (!err)
		err = fat_read(vol, &f, 0, buf, f.size);
	CHECK(err == FAT_OK && strcmp(buf, long_name) == 0,
	      "%s: long name, other case", tn);
	snprintf(buf, sizeof(buf), "/%s", longer_name);
	err = fat_open(vol, buf, &f);
	memset(buf, 0, sizeof(buf));
	if (!err)
		err = fat_read(vol, &f, 0, buf, f.size);
	CHECK(err == FAT_OK && strcmp(buf, longer_name) == 0,
	      "%s: long name of 4 LFN entries", tn);
	CHECK_EQ(fat_open(vol, "/this is a rather long file name", &f),
		 FAT_ERR_NOT_FOUND, "%s: prefix of a long name", tn);
	CHECK_EQ(fat_open(vol, "/A Long File Name With Spaces.tx", &f),
		 FAT_ERR_NOT_FOUND, "%s: long name minus a letter", tn);

	/* The 8.3 alias of a long name works too. */
	err = fat_open(vol, "/", &f);
	CHECK(err == FAT_OK && f.is_dir, "%s: open /", tn);
	bool seen_hello = false, seen_long = false, alias_ok = false;
	unsigned count = 0;

	err = fat_opendir(vol, &f, &it);
	while (!err && (err = fat_readdir(&it, &ent)) == FAT_OK) {
		struct fat_file g;
		char path[40];

		count++;
		if (strcmp(ent.name, "hello.txt") == 0)
			seen_hello = true;
		if (strcmp(ent.name, long_name) == 0) {
			seen_long = true;
			snprintf(path, sizeof(path), "/%s", ent.short_name);
			alias_ok = strchr(ent.short_name, '~') &&
				   fat_open(vol, path, &g) == FAT_OK &&
				   g.size == strlen(long_name);
		}
	}
	CHECK_EQ(err, FAT_ERR_NOT_FOUND, "%s: readdir / ends with NOT_FOUND",
		 tn);
	CHECK_EQ(count, 7, "%s: readdir / lists 7 entries", tn);
	CHECK(seen_hello, "%s: readdir: hello.txt lower case (NT case bits)",
	      tn);
	CHECK(seen_long, "%s: readdir: long name", tn);
	CHECK(alias_ok, "%s: open a long name by its 8.3 alias", tn);

	err = fat_open(vol, "/many", &f);
	count = 0;
	if (!err)
		err = fat_opendir(vol, &f, &it);
	while (!err && (err = fat_readdir(&it, &ent)) == FAT_OK)
		count++;
	CHECK(err == FAT_ERR_NOT_FOUND && count == MANY_FILES + 2,
	      "%s: readdir /many: %u files, \".\" and \"..\"", tn, MANY_FILES);
	err = fat_open(vol, "/many/f79.txt", &f);
	memset(buf, 0, sizeof(buf));
	if (!err)
		err = fat_read(vol, &f, 0, buf, f.size);
	CHECK(err == FAT_OK && strcmp(buf, "src/many/F79.TXT") == 0,
	      "%s: last file of a multi-cluster directory", tn);

	err = fat_open(vol, "/boot", &f);
	CHECK(err == FAT_OK && f.is_dir && f.size == 0, "%s: open /boot", tn);
	err = fat_open(vol, "/BOOT/Sub/DEEP.txt", &f);
	CHECK(err == FAT_OK && f.size == strlen(hello_text),
	      "%s: open /boot/sub/deep.txt", tn);
	err = fat_open(vol, "/empty.txt", &f);
	CHECK(err == FAT_OK && f.size == 0 && f.first_cluster == 0,
	      "%s: open an empty file", tn);
	CHECK_EQ(fat_read(vol, &f, 0, buf, 0), FAT_OK,
		 "%s: read 0 bytes of an empty file", tn);
	CHECK_EQ(fat_read(vol, &f, 0, buf, 1), FAT_ERR_RANGE,
		 "%s: read 1 byte of an empty file", tn);

	CHECK_EQ(fat_open(vol, "/nothere", &f), FAT_ERR_NOT_FOUND,
		 "%s: missing file", tn);
	CHECK_EQ(fat_open(vol, "/boot/nothere/x", &f), FAT_ERR_NOT_FOUND,
		 "%s: missing directory", tn);
	CHECK_EQ(fat_open(vol, "/hello.txt/x", &f), FAT_ERR_NOT_DIR,
		 "%s: file used as a directory", tn);
	CHECK_EQ(fat_open(vol, "/hello.txt/", &f), FAT_OK,
		 "%s: trailing slash after a file", tn);
	err = fat_open(vol, "/boot", &f);
	CHECK_EQ(fat_read(vol, &f, 0, buf, 1), FAT_ERR_IS_DIR,
		 "%s: read a directory", tn);
	err = fat_open(vol, "/hello.txt", &f);
	CHECK_EQ(fat_opendir(vol, &f, &it), FAT_ERR_NOT_DIR,
		 "%s: opendir a file", tn);

	char longpath[1000];

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_EQ(fat_open(vol, longpath, &f), FAT_ERR_NAME_TOO_LONG,
		 "%s: path component too long", tn);
}

/* The name readdir gives the root entry whose 8.3 name is short_name. */
static const char *root_name_of(struct fat_volume *vol, const char *short_name)
{
	static struct fat_dirent ent;
	struct fat_file f;
	struct fat_dir it;
	enum fat_error err;

	err = fat_open(vol, "/", &f);
	if (!err)
		err = fat_opendir(vol, &f, &it);
	while (!err && (err = fat_readdir(&it, &ent)) == FAT_OK)
		if (strcmp(ent.short_name, short_name) == 0)
			return ent.name;
	return NULL;
}

/*
 * A long name counts only when its entries are whole, in order and carry
 * the checksum of the 8.3 entry they precede (else an old OS renamed it).
 */
static void test_lfn_damage(const char *tn, struct image *img,
			    struct fat_volume *vol)
{
	char path[64], alias[13], raw[12], *dot;
	uint8_t sector[SECTOR];
	uint64_t root, at = 0;
	struct fat_dirent ent;
	struct fat_file f;
	struct fat_dir it;
	enum fat_error err;
	unsigned i;

	remount(img, vol);
	alias[0] = '\0';
	fat_open(vol, "/", &f);
	err = fat_opendir(vol, &f, &it);
	while (!err && (err = fat_readdir(&it, &ent)) == FAT_OK)
		if (strcmp(ent.name, long_name) == 0)
			snprintf(alias, sizeof(alias), "%s", ent.short_name);
	/* DIR_Name of the alias: "ALONGF~1TXT", space padded. */
	memset(raw, ' ', 11);
	raw[11] = '\0';
	dot = strchr(alias, '.');
	memcpy(raw, alias, dot ? (size_t)(dot - alias) : strlen(alias));
	if (dot)
		memcpy(raw + 8, dot + 1, strlen(dot + 1));
	/* The root's first sector holds all the root entries. */
	root = vol->type == FAT_TYPE_32 ?
	       vol->data_lba + ((uint64_t)(vol->root_cluster - 2) <<
				vol->cluster_shift) : vol->root_lba;
	root = (img->part_lba + root) * SECTOR;
	if (pread(img->fd, sector, SECTOR, (off_t)root) == SECTOR)
		for (i = 0; i < SECTOR; i += FAT_DIRENT_SIZE)
			if (memcmp(sector + i, raw, 11) == 0)
				at = root + i;
	if (!alias[0] || !at || at < root + 3 * FAT_DIRENT_SIZE) {
		CHECK_FAIL("alias entry not found", "%s: damaged long names",
			   tn);
		return;
	}
	snprintf(path, sizeof(path), "/%s", long_name);

	/* Rename the 8.3 entry: its long name no longer belongs to it. */
	image_patch(img, at + 7, "9", 1);
	mount_patched(img, vol);
	CHECK_EQ(fat_open(vol, path, &f), FAT_ERR_NOT_FOUND,
		 "%s: long name with a wrong checksum ignored", tn);
	raw[7] = '9';
	/* The alias of a long name fills all 8 characters: "ALONGF~9". */
	snprintf(path, sizeof(path), "/%.8s.%.3s", raw, raw + 8);
	CHECK_EQ(fat_open(vol, path, &f), FAT_OK,
		 "%s: renamed 8.3 entry found as %s", tn, path);

	/* Delete the middle one of the three long name entries. */
	remount(img, vol);
	image_patch(img, at - 2 * FAT_DIRENT_SIZE, "\xe5", 1);
	mount_patched(img, vol);
	snprintf(path, sizeof(path), "/%s", long_name);
	CHECK_EQ(fat_open(vol, path, &f), FAT_ERR_NOT_FOUND,
		 "%s: long name with an entry missing ignored", tn);
	snprintf(path, sizeof(path), "/%s", alias);
	CHECK_EQ(fat_open(vol, path, &f), FAT_OK,
		 "%s: its 8.3 alias still found", tn);
	CHECK_STREQ(root_name_of(vol, alias), alias,
		    "%s: readdir name is the 8.3 one", tn);

	/* The middle entry's LDIR_Ord says 1 where 2 belongs. */
	remount(img, vol);
	image_patch(img, at - 2 * FAT_DIRENT_SIZE, "\x01", 1);
	mount_patched(img, vol);
	CHECK_STREQ(root_name_of(vol, alias), alias,
		    "%s: long name entries out of order ignored", tn);
	remount(img, vol);
}

/* A contiguous file in a handful of reads; a fragmented one, run by run. */
static void test_coalescing(const char *tn, struct image *img,
			    struct fat_volume *vol)
{
	uint32_t *chain = malloc(sizeof(*chain) * 200000);
	uint8_t *buf = malloc(big_file.size);
	struct fat_file f;
	unsigned n, runs, fat_loads, bound;
	uint32_t entry_bytes = vol->type == FAT_TYPE_32 ? 4 : 2;

	if (fat_open(vol, big_file.path, &f) == FAT_OK) {
		n = chain_list(img, vol->type, f.first_cluster, chain, 200000);
		CHECK_EQ(chain_runs(chain, n), 1,
			 "%s: %s is contiguous in the image", tn,
			 big_file.path);
		/* The clusters in one read, the last partial sector in one. */
		img->calls = 0;
		img->sectors = 0;
		fat_read(vol, &f, 0, buf, f.size);
		check_report(img->calls <= 2, "too many disk reads",
			     "%s: %u MiB contiguous file in %u disk reads "
			     "(at most 2, no FAT read again)", tn,
			     big_file.size / MIB, img->calls);
		CHECK_EQ(img->sectors, (big_file.size + SECTOR - 1) / SECTOR,
			 "%s: %s: only its own sectors read, each once", tn,
			 big_file.path);

		/* Mounted again, nothing noted: the FAT is read as well. */
		mount_patched(img, vol);
		/* FAT cache loads the chain needs, one more for alignment. */
		fat_loads = n * entry_bytes / (FAT_CACHE_SECTORS * SECTOR) + 2;
		bound = fat_loads + 2;
		img->calls = 0;
		img->sectors = 0;
		fat_read(vol, &f, 0, buf, f.size);
		check_report(img->calls <= bound, "too many disk reads",
			     "%s: %u MiB contiguous file in %u disk reads "
			     "through the FAT (at most %u)", tn,
			     big_file.size / MIB, img->calls, bound);
		CHECK(img->sectors <= big_file.size / SECTOR + 1 +
		      fat_loads * FAT_CACHE_SECTORS,
		      "%s: no sector of %s read twice", tn, big_file.path);
	} else {
		CHECK_FAIL("cannot open", "%s: coalescing", tn);
	}

	if (fat_open(vol, frag_file.path, &f) == FAT_OK) {
		n = chain_list(img, vol->type, f.first_cluster, chain, 200000);
		runs = chain_runs(chain, n);
		check_report(runs >= 3, "mtools did not fragment the file",
			     "%s: %s has %u fragments", tn, frag_file.path,
			     runs);
		img->calls = 0;
		fat_read(vol, &f, 0, buf, f.size);
		bound = runs + 1;
		check_report(img->calls <= bound, "too many disk reads",
			     "%s: %u fragments read in %u disk reads "
			     "(at most %u)", tn, runs, img->calls, bound);
	} else {
		CHECK_FAIL("cannot open", "%s: fragmented file", tn);
	}

	/* More runs than noted: the rest of the chain comes from the FAT. */
	if (fat_open(vol, many_runs_file.path, &f) == FAT_OK) {
		n = chain_list(img, vol->type, f.first_cluster, chain, 200000);
		runs = chain_runs(chain, n);
		check_report(runs > FAT_CHAIN_RUNS,
			     "mtools did not fragment the file",
			     "%s: %s has %u runs, more than the %u noted", tn,
			     many_runs_file.path, runs, FAT_CHAIN_RUNS);
		img->calls = 0;
		fat_read(vol, &f, 0, buf, f.size);
		bound = runs + 1 + n * entry_bytes /
			(FAT_CACHE_SECTORS * SECTOR) + 2;
		check_report(img->calls <= bound, "too many disk reads",
			     "%s: %u runs read in %u disk reads (at most %u)",
			     tn, runs, img->calls, bound);
	} else {
		CHECK_FAIL("cannot open", "%s: file of many runs", tn);
	}

	/*
	 * More files opened than the volume notes chains for: the first one
	 * read whole still comes out right (through the FAT).
	 */
	if (fat_open(vol, big_file.path, &f) == FAT_OK) {
		static const char *const others[] = {
			"/frag/D", "/frag/E", "/frag/A1", "/frag/A2", "/frag/C"
		};
		struct fat_file g;
		uint8_t *want = random_buffer(big_file.size, big_file.seed);
		bool opened = true;

		for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]);
		     i++)
			opened &= fat_open(vol, others[i], &g) == FAT_OK;
		CHECK(opened && fat_read(vol, &f, 0, buf, f.size) == FAT_OK &&
		      memcmp(buf, want, f.size) == 0,
		      "%s: %s right after %u more files opened", tn,
		      big_file.path,
		      (unsigned)(sizeof(others) / sizeof(others[0])));
		free(want);
	}
	free(chain);
	free(buf);
}

/* Damaged FATs: every chain error, in files and directories. */
static void test_bad_chains(const char *tn, struct image *img,
			    struct fat_volume *vol)
{
	enum fat_type t = vol->type;
	uint32_t chain[8192], many[64];
	struct fat_file f, stale, hand;
	uint8_t *buf = malloc(big_file.size);
	unsigned n, nm, full;
	uint32_t cb = vol->sectors_per_cluster * SECTOR;

	if (remount(img, vol) || fat_open(vol, big_file.path, &f)) {
		CHECK_FAIL("cannot open", "%s: damaged chains", tn);
		free(buf);
		return;
	}
	stale = f;
	n = chain_list(img, t, f.first_cluster, chain, 8192);

	patch_fat(img, vol, chain[1], vol->cluster_count + 2);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_BAD_CLUSTER,
		 "%s: cluster past the last one in a chain", tn);
	CHECK_EQ(fat_read(vol, &stale, 0, buf, stale.size), FAT_ERR_BAD_CLUSTER,
		 "%s: read through a cluster past the last one", tn);

	remount(img, vol);
	patch_fat(img, vol, chain[1], 0);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_BAD_CLUSTER,
		 "%s: free cluster in a chain", tn);
	remount(img, vol);
	patch_fat(img, vol, chain[1], 1);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_BAD_CLUSTER,
		 "%s: reserved cluster 1 in a chain", tn);
	remount(img, vol);
	patch_fat(img, vol, chain[n / 2], fat_bad(t));
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_BAD_CLUSTER,
		 "%s: bad-cluster mark in a chain", tn);

	remount(img, vol);
	patch_fat(img, vol, chain[5], chain[2]);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_CHAIN_LOOP,
		 "%s: chain loops inside the file", tn);
	CHECK_EQ(fat_read(vol, &stale, 0, buf, stale.size), FAT_ERR_CHAIN_LOOP,
		 "%s: read of a looping chain", tn);
	remount(img, vol);
	patch_fat(img, vol, chain[0], chain[0]);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_CHAIN_LOOP,
		 "%s: first cluster points at itself", tn);
	remount(img, vol);
	patch_fat(img, vol, chain[n - 1], chain[0]);
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_CHAIN_LOOP,
		 "%s: chain loops after the file's end", tn);
	CHECK(fat_read(vol, &stale, 0, buf, 2 * cb) == FAT_OK &&
	      fat_read(vol, &stale, stale.size - 5, buf, 5) == FAT_OK,
	      "%s: reads inside the size still work", tn);

	remount(img, vol);
	patch_fat(img, vol, chain[3], fat_eoc(t));
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_CHAIN_SHORT,
		 "%s: chain shorter than the file", tn);
	CHECK_EQ(fat_read(vol, &stale, 0, buf, stale.size), FAT_ERR_CHAIN_SHORT,
		 "%s: read past the chain's end", tn);
	CHECK_EQ(fat_read(vol, &stale, 5 * cb, buf, 1), FAT_ERR_CHAIN_SHORT,
		 "%s: seek past the chain's end", tn);
	CHECK_EQ(fat_read(vol, &stale, 0, buf, 4 * cb), FAT_OK,
		 "%s: read of the part the chain has", tn);

	remount(img, vol);
	hand = stale;
	hand.first_cluster = 1;
	CHECK_EQ(fat_read(vol, &hand, 0, buf, 1), FAT_ERR_BAD_CLUSTER,
		 "%s: file starting at cluster 1", tn);
	hand.first_cluster = vol->cluster_count + 2;
	CHECK_EQ(fat_read(vol, &hand, 0, buf, 1), FAT_ERR_BAD_CLUSTER,
		 "%s: file starting past the last cluster", tn);

	/* A directory whose full clusters loop never finds its end. */
	if (fat_open(vol, "/many", &f)) {
		CHECK_FAIL("cannot open /many", "%s: directory loops", tn);
		free(buf);
		return;
	}
	nm = chain_list(img, t, f.first_cluster, many, 64);
	full = (MANY_FILES + 2) / (cb / FAT_DIRENT_SIZE);
	if (full == 0 || full > nm) {
		CHECK_FAIL("no full cluster", "%s: directory loops", tn);
		free(buf);
		return;
	}
	patch_fat(img, vol, many[full - 1], many[full > 1 ? 1 : 0]);
	CHECK_EQ(fat_open(vol, "/many/nope", &f), FAT_ERR_CHAIN_LOOP,
		 "%s: directory chain loops (%u clusters)", tn, full);
	CHECK_EQ(fat_open(vol, "/many/F00.TXT", &f), FAT_OK,
		 "%s: entry before a directory loop", tn);
	remount(img, vol);
	patch_fat(img, vol, many[full - 1], 0);
	CHECK_EQ(fat_open(vol, "/many/nope", &f), FAT_ERR_BAD_CLUSTER,
		 "%s: free cluster in a directory chain", tn);

	/* Failing disk reads. */
	remount(img, vol);
	img->fail_io = true;
	CHECK_EQ(fat_open(vol, big_file.path, &f), FAT_ERR_IO,
		 "%s: open on a failing disk", tn);
	CHECK_EQ(fat_read(vol, &stale, 0, buf, stale.size), FAT_ERR_IO,
		 "%s: read on a failing disk", tn);
	CHECK_EQ(mount_patched(img, vol), FAT_ERR_IO,
		 "%s: mount on a failing disk", tn);
	free(buf);
}

#define ONLY_FAT32	1
#define ONLY_FAT1216	2

/* BPB fields broken one at a time. */
static void test_bad_bpb(const char *tn, struct image *img,
			 struct fat_volume *vol)
{
	bool fat32 = vol->type == FAT_TYPE_32;
	enum fat_type type = vol->type;
	uint32_t total = vol->total_sectors;
	uint32_t count = vol->cluster_count;
	const struct {
		unsigned offset, len;
		uint32_t value;
		enum fat_error want;
		const char *what;
		unsigned only;	/* 0: all types; ONLY_FAT32 or ONLY_FAT1216 */
	} cases[] = {
		{ 510, 2, 0, FAT_ERR_NOT_FAT, "no 0xaa55 signature", 0 },
		{ 0, 1, 0, FAT_ERR_NOT_FAT, "no jump instruction", 0 },
		{ 11, 2, 4096, FAT_ERR_SECTOR_SIZE, "4096-byte sectors", 0 },
		{ 11, 2, 0, FAT_ERR_SECTOR_SIZE, "0-byte sectors", 0 },
		{ 13, 1, 3, FAT_ERR_CLUSTER_SIZE, "3 sectors per cluster", 0 },
		{ 13, 1, 0, FAT_ERR_CLUSTER_SIZE, "0 sectors per cluster", 0 },
		{ 14, 2, 0, FAT_ERR_BPB_ZERO, "0 reserved sectors", 0 },
		{ 16, 1, 0, FAT_ERR_BPB_ZERO, "0 FATs", 0 },
		{ 17, 2, 0, FAT_ERR_BPB_ZERO, "0 root entries", ONLY_FAT1216 },
		{ 22, 2, 1, FAT_ERR_BPB_LAYOUT, "FAT too small", ONLY_FAT1216 },
		{ 36, 4, 1, FAT_ERR_BPB_LAYOUT, "FAT too small", ONLY_FAT32 },
		{ 22, 2, 0xffff, FAT_ERR_BPB_LAYOUT, "FATs past the end",
		  ONLY_FAT1216 },
		{ 36, 4, 0x7fffffff, FAT_ERR_BPB_LAYOUT, "FATs past the end",
		  ONLY_FAT32 },
		{ 42, 2, 0x0001, FAT_ERR_UNSUPPORTED, "FAT32 version 0.1",
		  ONLY_FAT32 },
		{ 44, 4, 0, FAT_ERR_BPB_LAYOUT, "root cluster 0", ONLY_FAT32 },
		{ 44, 4, count + 2, FAT_ERR_BPB_LAYOUT,
		  "root cluster past the last", ONLY_FAT32 },
		{ 17, 2, 512, FAT_ERR_BPB_LAYOUT, "FAT32 with root entries",
		  ONLY_FAT32 },
		{ 40, 2, 0x82, FAT_ERR_BPB_LAYOUT, "active FAT 2 of 2",
		  ONLY_FAT32 },
	};
	struct fat_file f;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((cases[i].only == ONLY_FAT32 && !fat32) ||
		    (cases[i].only == ONLY_FAT1216 && fat32))
			continue;
		remount(img, vol);
		image_patch_bpb(img, cases[i].offset, cases[i].value,
				cases[i].len);
		CHECK_EQ(mount_patched(img, vol), cases[i].want,
			 "%s: BPB %s", tn, cases[i].what);
	}

	/* Sizes: the 16-bit field if not 0, else the 32-bit one. */
	remount(img, vol);
	image_patch_bpb(img, 22, 0, 2);
	image_patch_bpb(img, 36, 0, 4);
	CHECK_EQ(mount_patched(img, vol), FAT_ERR_BPB_ZERO,
		 "%s: BPB FAT size 0", tn);
	remount(img, vol);
	image_patch_bpb(img, 19, 0, 2);
	image_patch_bpb(img, 32, 0, 4);
	CHECK_EQ(mount_patched(img, vol), FAT_ERR_BPB_ZERO,
		 "%s: BPB 0 total sectors", tn);
	remount(img, vol);
	CHECK_EQ(fat_mount(vol, &(struct fat_disk){ image_read, img },
			   img->part_lba, total - 1), FAT_ERR_BPB_SIZE,
		 "%s: partition one sector smaller than the file system", tn);
	CHECK_EQ(fat_mount(vol, &(struct fat_disk){ image_read, img },
			   img->part_lba, 0), FAT_ERR_BPB_SIZE,
		 "%s: empty partition", tn);

	/* The type comes from the cluster count, never the label. */
	remount(img, vol);
	image_patch(img, img->part_lba * SECTOR + (fat32 ? 0x52 : 0x36),
		    fat32 ? "FAT1" : "FAT3", 4);
	CHECK(mount_patched(img, vol) == FAT_OK && vol->type == type,
	      "%s: misleading type label ignored", tn);

	if (fat32) {
		/* Mirroring off, FAT 1 active: FAT 0's damage is not seen. */
		uint32_t first;

		remount(img, vol);
		fat_open(vol, big_file.path, &f);
		first = f.first_cluster;
		fat_set(img, FAT_TYPE_32, first, first);
		image_patch_bpb(img, 40, 0x81, 2);
		CHECK(mount_patched(img, vol) == FAT_OK &&
		      fat_open(vol, big_file.path, &f) == FAT_OK,
		      "%s: active FAT 1 used when mirroring is off", tn);
	}
	remount(img, vol);
}

static void test_image(const struct image_spec *spec)
{
	const char *tn = spec->name;
	struct fat_volume *vol = malloc(sizeof(*vol));
	struct image img;
	char file[4200];

	memset(&img, 0, sizeof(img));
	img.fd = -1;
	if (!make_image(spec, file, sizeof(file))) {
		CHECK_FAIL("mtools could not build the image", "%s: image", tn);
		free(vol);
		return;
	}
	img.fd = open(file, O_RDONLY);
	if (img.fd < 0) {
		CHECK_FAIL("cannot open the image", "%s: image", tn);
		free(vol);
		return;
	}
	if (spec->in_mbr) {
		struct mbr mbr;

		/* Find the partition as stage2 does: from the table. */
		if (pread(img.fd, &mbr, sizeof(mbr), 0) != SECTOR ||
		    mbr.signature != MBR_SIGNATURE) {
			CHECK_FAIL("no MBR", "%s: partition table", tn);
			goto out;
		}
		img.part_lba = mbr.part[0].lba_first;
		img.part_sectors = mbr.part[0].sectors;
	} else {
		img.part_lba = 0;
		img.part_sectors = spec->sectors;
	}

	CHECK_EQ(remount(&img, vol), FAT_OK, "%s: mount", tn);
	CHECK_EQ(vol->type, spec->type, "%s: type from the cluster count", tn);
	if (vol->type != spec->type)
		goto out;

	test_names(tn, vol);
	test_file_reads(tn, vol, &big_file);
	test_file_reads(tn, vol, &frag_file);
	test_file_reads(tn, vol, &many_runs_file);
	test_coalescing(tn, &img, vol);
	test_lfn_damage(tn, &img, vol);
	test_bad_chains(tn, &img, vol);
	test_bad_bpb(tn, &img, vol);

	CHECK(!img.out_of_bounds, "%s: no read outside the partition", tn);
out:
	close(img.fd);
	free(vol);
}

static void test_strerror(void)
{
	bool ok = true;

	for (int i = 0; i < FAT_ERR_COUNT; i++) {
		const char *s = fat_strerror(i);

		ok &= s && *s && strcmp(s, "unknown FAT error") != 0;
		for (int j = 0; j < i; j++)
			ok &= strcmp(s, fat_strerror(j)) != 0;
	}
	CHECK(ok, "fat_strerror: one distinct text per error");
	CHECK_STREQ(fat_strerror(FAT_ERR_CHAIN_LOOP), "cluster chain loops",
		    "fat_strerror: chain loop");
	CHECK_STREQ(fat_strerror(FAT_ERR_COUNT + 5), "unknown FAT error",
		    "fat_strerror: out of range");
}

int main(int argc, char **argv)
{
	char cmd[9000];

	(void)argc;
	check_begin("fat");
	test_strerror();

	/* Images go beside the binary: build/tests/unit/test_fat.tmp/. */
	snprintf(tmpdir, sizeof(tmpdir), "%s.tmp", argv[0]);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", tmpdir,
		 tmpdir);
	if (system(cmd) != 0 ||
	    !run("command -v mformat mcopy mmd mdel >/dev/null") ||
	    !make_host_files()) {
		CHECK_FAIL("skipped because mtools or the temp dir is missing",
			   "images");
		return check_end();
	}
	for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		test_image(&specs[i]);
	return check_end();
}
