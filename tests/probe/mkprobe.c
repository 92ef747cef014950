// SPDX-License-Identifier: MIT
/*
 * mkprobe.c - build a probe bzImage from its assembled parts (host tool).
 *
 * The probe's setup header is not written in nasm: this tool fills a
 * struct setup_header (common/linux_boot.h) from its options, so every
 * field has one definition and variants (protocol version, setup_sects,
 * init_size, initrd_addr_max, cmdline_size, xloadflags, ...) are options.
 * The file it writes:
 *
 *   0x000             boot sector: zeros, sentinel 0xff at 0x1ef, the
 *                     setup header at 0x1f1 with boot_flag 0xaa55
 *   0x200             jump to setup.bin (the "jump" field), "HdrS", ...
 *   0x200 + SETUP_IP  setup.bin (its first instruction jumps over the
 *                     kernel_version string that mkprobe writes into it),
 *                     then pseudo-random bytes up to the end of setup_sects
 *   setup_bytes       protected-mode part: head.bin (with struct probe_info
 *                     filled in), probe32.bin, probe64.bin, kernel_info
 *                     (2.15+), then payload_size xorshift32 bytes
 *
 * `mkprobe --nasm-inc FILE` writes the offsets nasm needs (header fields,
 * struct probe_info, struct probe_entry) as %define lines instead.
 * `mkprobe --describe PROBE` reads a built probe back through struct
 * setup_header and struct probe_info and prints, as `key=value` lines in
 * the probe's own format, the fields its protocol version has that a
 * loader leaves as they are (boot.rst "read"; also code32_start,
 * kernel_alignment and vid_mode, which the 16-bit loaders here do not
 * change): the host test expects the probe to report exactly these.
 *
 * On failure: one line `mkprobe: error: FILE: problem`, exit 1 (2 for bad
 * usage), and no output file left behind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzimage.h"
#include "linux_boot.h"
#include "probe.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian");

/* setup.asm's code starts right after the header; its IP in segment X+0x20. */
#define PROBE_SETUP_CODE_OFFSET	\
	(SETUP_HEADER_OFFSET + sizeof(struct setup_header))
#define PROBE_SETUP_IP		(PROBE_SETUP_CODE_OFFSET - 0x200)
/* boot.rst: the jump at 0x200 is a short jmp (0xeb, rel8). */
#define JMP_SHORT_OPCODE	0xeb
/* boot.rst kernel_info (2.15+): "LToP" at kernel_info_offset. */
#define KERNEL_INFO_MAGIC	0x506f544c
#define KERNEL_INFO_BYTES	16
/* Where the boot sector carries the sentinel byte (zero-page.rst). */
#define SENTINEL_VALUE		0xff
/* Size limits mkprobe enforces. */
#define PAYLOAD_MAX		(256u << 20)
#define PM_ALIGN		16

static const char *out_path;
static char *tmp_path;

static void die(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(const char *file, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkprobe: error: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tmp_path)
		unlink(tmp_path);
	exit(1);
}

struct blob {
	uint8_t *data;
	size_t size;
};

static struct blob blob_read(const char *path)
{
	struct blob b = { NULL, 0 };
	FILE *f = fopen(path, "rb");
	long len;

	if (!f)
		die(path, "cannot open: %s", strerror(errno));
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		die(path, "cannot read: %s", strerror(errno));
	b.size = (size_t)len;
	b.data = malloc(b.size ? b.size : 1);
	if (!b.data)
		die(path, "out of memory");
	if (b.size && fread(b.data, 1, b.size, f) != b.size)
		die(path, "short read");
	fclose(f);
	return b;
}

static uint64_t parse_number(const char *opt, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg)
		goto bad;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "mkprobe: error: %s: not a number: '%s'\n", opt, arg);
	exit(2);
}

/* Protocol "2.12" or 0x20c. */
static uint16_t parse_version(const char *arg)
{
	unsigned maj, min;
	char extra;

	if (sscanf(arg, "%u.%u%c", &maj, &min, &extra) == 2 && maj < 256 &&
	    min < 256)
		return (uint16_t)BOOT_PROTOCOL(maj, min);
	return (uint16_t)parse_number("--version", arg);
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static unsigned log2_exact(uint32_t v)
{
	unsigned n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static void fill_random(uint8_t *p, size_t n, uint32_t *state)
{
	for (size_t i = 0; i < n; i += 4) {
		*state = probe_xorshift32(*state);
		for (size_t j = 0; j < 4 && i + j < n; j++)
			p[i + j] = (uint8_t)(*state >> (8 * j));
	}
}

/* FNV-1a, to give each variant its own default seed. */
static uint32_t name_seed(const char *s)
{
	uint32_t h = 0x811c9dc5;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x01000193;
	return h ? h : 1;
}

#define DEF(f, name, value) fprintf(f, "%%define %s 0x%llx\n", name, \
				    (unsigned long long)(value))
#define DEF_HDR(f, field) DEF(f, "HDR_" #field, \
			      SETUP_HEADER_OFFSET + \
			      offsetof(struct setup_header, field))
#define DEF_PE(f, field) DEF(f, "PE_" #field, \
			     offsetof(struct probe_entry, field))
#define DEF_PI(f, field) DEF(f, "PI_" #field, \
			     offsetof(struct probe_info, field))

static void write_nasm_inc(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(path, "cannot create: %s", strerror(errno));
	fprintf(f, "; Generated by mkprobe --nasm-inc from common/linux_boot.h"
		" and tests/probe/probe.h.\n");
	DEF(f, "PROBE_SETUP_IP", PROBE_SETUP_IP);
	DEF_HDR(f, code32_start);
	DEF(f, "BP_SCRATCH", offsetof(struct boot_params, scratch));
	DEF(f, "KERNEL_64_ENTRY_OFFSET", KERNEL_64_ENTRY_OFFSET);
	DEF(f, "BOOT_CS", BOOT_CS);
	DEF(f, "BOOT_DS", BOOT_DS);
	DEF(f, "PROBE_VERSION_OFFSET", PROBE_VERSION_OFFSET);
	DEF(f, "PROBE_VERSION_LEN", PROBE_VERSION_LEN);
	DEF(f, "PROBE_PM16_OFFSET", PROBE_PM16_OFFSET);
	DEF(f, "PROBE_INFO_OFFSET", PROBE_INFO_OFFSET);
	DEF(f, "PROBE_INFO_SIZE", sizeof(struct probe_info));
	DEF(f, "PROBE_INFO_MAGIC", PROBE_INFO_MAGIC);
	DEF_PI(f, magic);
	DEF_PI(f, c32_offset);
	DEF_PI(f, c64_offset);
	DEF_PI(f, stack_top);
	DEF(f, "PROBE_ENTRY_SIZE", sizeof(struct probe_entry));
	DEF(f, "PROBE_ENTRY_MAGIC", PROBE_ENTRY_MAGIC);
	DEF_PE(f, magic);
	DEF_PE(f, path);
	DEF_PE(f, load_addr);
	DEF_PE(f, boot_params);
	DEF_PE(f, sp);
	DEF_PE(f, flags);
	DEF_PE(f, cr0);
	DEF_PE(f, cr3);
	DEF_PE(f, cr4);
	DEF_PE(f, efer);
	DEF_PE(f, gdt_limit);
	DEF_PE(f, cs);
	DEF_PE(f, ds);
	DEF_PE(f, es);
	DEF_PE(f, fs);
	DEF_PE(f, gs);
	DEF_PE(f, ss);
	DEF_PE(f, ip);
	DEF_PE(f, ebx);
	DEF_PE(f, edi);
	DEF_PE(f, ebp);
	DEF_PE(f, e820_count);
	DEF_PE(f, e820);
	DEF(f, "E820_ENTRY_SIZE", sizeof(struct e820_entry));
	DEF(f, "PROBE_E820_MAX", PROBE_E820_MAX);
	DEF(f, "PROBE_PATH_16", PROBE_PATH_16);
	DEF(f, "PROBE_PATH_32", PROBE_PATH_32);
	DEF(f, "PROBE_PATH_64", PROBE_PATH_64);
	DEF(f, "PROBE_STACK16_BYTES", PROBE_STACK16_BYTES);
	DEF(f, "PROBE_COM1", PROBE_COM1);
	DEF(f, "PROBE_EXIT_PORT", PROBE_EXIT_PORT);
	DEF(f, "PROBE_EXIT_FAIL", PROBE_EXIT_FAIL);
	DEF(f, "MSR_EFER", MSR_EFER);
	if (fclose(f))
		die(path, "cannot write: %s", strerror(errno));
}

/* Print a field the loader must leave alone, if the version has it. */
#define SAY(field, since) do { \
		if (h.version >= (since)) \
			printf("%s=0x%llx\n", #field, \
			       (unsigned long long)h.field); \
	} while (0)

static void describe(const char *path)
{
	struct blob b = blob_read(path);
	struct setup_header h;
	struct probe_info info;
	uint32_t setup_bytes;

	if (b.size < SETUP_HEADER_OFFSET + sizeof(h))
		die(path, "too short for a setup header");
	memcpy(&h, b.data + SETUP_HEADER_OFFSET, sizeof(h));
	if (h.header != HDRS_MAGIC || h.boot_flag != BOOT_FLAG_MAGIC)
		die(path, "not a bzImage (no \"HdrS\" or 0xaa55)");
	setup_bytes = ((h.setup_sects ? h.setup_sects : SETUP_SECTS_DEFAULT)
		       + 1) * LINUX_SECTOR_SIZE;
	if (b.size < setup_bytes + PROBE_INFO_OFFSET + sizeof(info))
		die(path, "too short for a probe");
	memcpy(&info, b.data + setup_bytes + PROBE_INFO_OFFSET, sizeof(info));
	if (info.magic != PROBE_INFO_MAGIC)
		die(path, "no struct probe_info: not a probe");
	if (memcmp(&info.hdr, &h, sizeof(h)))
		die(path, "the setup header and probe_info's copy differ");
	info.name[PROBE_NAME_LEN - 1] = 0;
	printf("variant=%s\n", info.name);
	printf("setup_bytes=0x%x\n", setup_bytes);
	printf("pm_size=0x%x\n", info.pm_size);
	printf("payload_size=0x%x\n", info.payload_size);
	SAY(setup_sects, 0);
	SAY(syssize, 0);
	SAY(boot_flag, 0);
	SAY(jump, BOOT_PROTOCOL(2, 0));
	SAY(header, BOOT_PROTOCOL(2, 0));
	SAY(version, BOOT_PROTOCOL(2, 0));
	SAY(kernel_version, BOOT_PROTOCOL(2, 0));
	SAY(code32_start, BOOT_PROTOCOL(2, 0));
	SAY(vid_mode, 0);
	SAY(initrd_addr_max, BOOT_PROTOCOL(2, 3));
	SAY(kernel_alignment, BOOT_PROTOCOL(2, 5));
	SAY(relocatable_kernel, BOOT_PROTOCOL(2, 5));
	SAY(cmdline_size, BOOT_PROTOCOL(2, 6));
	SAY(payload_offset, BOOT_PROTOCOL(2, 8));
	SAY(payload_length, BOOT_PROTOCOL(2, 8));
	SAY(min_alignment, BOOT_PROTOCOL(2, 10));
	SAY(pref_address, BOOT_PROTOCOL(2, 10));
	SAY(init_size, BOOT_PROTOCOL(2, 10));
	SAY(handover_offset, BOOT_PROTOCOL(2, 11));
	SAY(xloadflags, BOOT_PROTOCOL(2, 12));
	SAY(kernel_info_offset, BOOT_PROTOCOL(2, 15));
	if (fflush(stdout))
		die("stdout", "cannot write");
}

struct options {
	const char *name;
	const char *setup, *head, *c32, *c64;
	uint16_t version;
	unsigned setup_sects;
	uint32_t payload_size;
	uint32_t seed;
	uint32_t init_size;		/* 0: as small as the probe allows */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	unsigned relocatable;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint16_t xloadflags;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: mkprobe -o OUT --setup SETUP.bin --head HEAD.bin --c32 P32.bin\n"
"               --c64 P64.bin [options]\n"
"       mkprobe --nasm-inc OUT.inc\n"
"       mkprobe --describe PROBE.bzImage\n"
"Options (header fields of the probe; boot.rst names):\n"
"  --name NAME               variant name the probe reports\n"
"  --version 2.15            boot protocol version\n"
"  --setup-sects N           setup_sects (0 means 4)\n"
"  --payload-size BYTES      pseudo-random payload (K/M suffixes)\n"
"  --seed N                  payload seed (default: from the name)\n"
"  --init-size BYTES         init_size (default: as small as possible)\n"
"  --pref-address ADDR       pref_address\n"
"  --kernel-alignment BYTES  kernel_alignment (a power of two)\n"
"  --relocatable 0|1         relocatable_kernel\n"
"  --initrd-addr-max ADDR    initrd_addr_max\n"
"  --cmdline-size N          cmdline_size\n"
"  --xloadflags N            xloadflags (1 KERNEL_64, 2 ABOVE_4G)\n");
}

static void build(const struct options *o)
{
	struct blob setup = blob_read(o->setup), head = blob_read(o->head);
	struct blob c32 = blob_read(o->c32), c64 = blob_read(o->c64);
	unsigned sects = o->setup_sects ? o->setup_sects : SETUP_SECTS_DEFAULT;
	uint32_t setup_bytes = (sects + 1) * LINUX_SECTOR_SIZE;
	uint32_t c32_off, c64_off, kinfo_off = 0, payload_off, pm_size;
	uint32_t stack_top, init_size, state;
	struct setup_header h;
	struct probe_info info;
	char version_str[PROBE_VERSION_LEN];
	size_t total;
	uint8_t *img, *pm;
	FILE *f;

	/* Protected-mode part layout. */
	if (head.size < KERNEL_64_ENTRY_OFFSET)
		die(o->head, "%zu bytes, shorter than the 64-bit entry at 0x%x",
		    head.size, KERNEL_64_ENTRY_OFFSET);
	for (size_t i = 0; i < sizeof(info); i++)
		if (head.data[PROBE_INFO_OFFSET + i])
			die(o->head, "byte 0x%zx of struct probe_info is not "
			    "zero: head.asm and probe.h disagree",
			    PROBE_INFO_OFFSET + i);
	c32_off = align_up((uint32_t)head.size, PM_ALIGN);
	c64_off = align_up(c32_off + (uint32_t)c32.size, PM_ALIGN);
	payload_off = align_up(c64_off + (uint32_t)c64.size, PM_ALIGN);
	if (o->version >= BOOT_PROTOCOL(2, 15)) {
		kinfo_off = payload_off;
		payload_off = align_up(kinfo_off + KERNEL_INFO_BYTES, PM_ALIGN);
	}
	if (o->payload_size % 4 || o->payload_size > PAYLOAD_MAX)
		die(out_path, "payload size %u: need a multiple of 4, at most "
		    "%u", o->payload_size, PAYLOAD_MAX);
	pm_size = payload_off + o->payload_size;

	/* The stack for the 32/64-bit paths sits at the top of init_size. */
	init_size = align_up(align_up(pm_size, PM_ALIGN) + PROBE_STACK_BYTES,
			     BZIMAGE_PAGE_SIZE);
	if (o->init_size) {
		if (o->init_size < init_size)
			die(out_path, "init_size 0x%x is too small: the probe "
			    "needs 0x%x (file and stack)", o->init_size,
			    init_size);
		init_size = o->init_size;
	}
	stack_top = init_size & ~(uint32_t)(PM_ALIGN - 1);

	/* Setup sectors: setup.bin with the version string, random fill. */
	memset(version_str, 0, sizeof(version_str));
	snprintf(version_str, sizeof(version_str), "bzboot probe %s", o->name);
	if (setup.size < PROBE_VERSION_OFFSET + PROBE_VERSION_LEN)
		die(o->setup, "too short for the version string");
	for (size_t i = 0; i < PROBE_VERSION_LEN; i++)
		if (setup.data[PROBE_VERSION_OFFSET + i])
			die(o->setup, "byte 0x%zx of the version string is not "
			    "zero: setup.asm and probe.h disagree",
			    PROBE_VERSION_OFFSET + i);
	memcpy(setup.data + PROBE_VERSION_OFFSET, version_str,
	       PROBE_VERSION_LEN);
	if (PROBE_SETUP_CODE_OFFSET + setup.size > setup_bytes)
		die(o->setup, "%zu bytes do not fit in %u setup sectors",
		    setup.size, sects);
	if (setup_bytes > SETUP_MAX_BYTES)
		die(out_path, "setup_sects %u: more than 32 KiB of setup",
		    sects);
	if (strlen(o->name) >= PROBE_NAME_LEN)
		die(out_path, "variant name '%s' is longer than %d", o->name,
		    PROBE_NAME_LEN - 1);

	total = setup_bytes + pm_size;
	img = calloc(1, total);
	if (!img)
		die(out_path, "out of memory");
	pm = img + setup_bytes;

	memcpy(img + PROBE_SETUP_CODE_OFFSET, setup.data, setup.size);
	state = o->seed ^ 0x5e7095e7;
	fill_random(img + PROBE_SETUP_CODE_OFFSET + setup.size,
		    setup_bytes - PROBE_SETUP_CODE_OFFSET - setup.size, &state);
	img[offsetof(struct boot_params, sentinel)] = SENTINEL_VALUE;

	/* The setup header, field by field (boot.rst). */
	memset(&h, 0, sizeof(h));
	h.setup_sects = (uint8_t)o->setup_sects;
	h.syssize = (pm_size + 15) / 16;
	h.vid_mode = VID_MODE_NORMAL;
	h.boot_flag = BOOT_FLAG_MAGIC;
	h.jump = (uint16_t)(JMP_SHORT_OPCODE |
			    ((PROBE_SETUP_CODE_OFFSET - SETUP_HEADER_END_BASE)
			     << 8));
	h.header = HDRS_MAGIC;
	h.version = o->version;
	/* boot.rst: the string is at kernel_version + 0x200. */
	h.kernel_version = (uint16_t)(PROBE_SETUP_CODE_OFFSET +
				      PROBE_VERSION_OFFSET - 0x200);
	h.loadflags = LOADED_HIGH;
	h.code32_start = BZIMAGE_LOAD_ADDR;
	if (o->version >= BOOT_PROTOCOL(2, 3))
		h.initrd_addr_max = o->initrd_addr_max;
	if (o->version >= BOOT_PROTOCOL(2, 5)) {
		h.kernel_alignment = o->kernel_alignment;
		h.relocatable_kernel = (uint8_t)o->relocatable;
	}
	if (o->version >= BOOT_PROTOCOL(2, 6))
		h.cmdline_size = o->cmdline_size;
	if (o->version >= BOOT_PROTOCOL(2, 10)) {
		h.min_alignment = (uint8_t)log2_exact(o->kernel_alignment);
		h.pref_address = o->pref_address;
		h.init_size = init_size;
	}
	if (o->version >= BOOT_PROTOCOL(2, 12))
		h.xloadflags = o->xloadflags;
	if (kinfo_off) {
		uint32_t ki[4] = { KERNEL_INFO_MAGIC, KERNEL_INFO_BYTES,
				   KERNEL_INFO_BYTES, 0 };

		memcpy(pm + kinfo_off, ki, sizeof(ki));
		h.kernel_info_offset = kinfo_off;
	}
	memcpy(img + SETUP_HEADER_OFFSET, &h, sizeof(h));

	/* Protected-mode part. */
	memcpy(pm, head.data, head.size);
	memcpy(pm + c32_off, c32.data, c32.size);
	memcpy(pm + c64_off, c64.data, c64.size);
	state = o->seed;
	fill_random(pm + payload_off, o->payload_size, &state);

	memset(&info, 0, sizeof(info));
	info.magic = PROBE_INFO_MAGIC;
	memcpy(info.name, o->name, strlen(o->name));
	info.pm_size = pm_size;
	info.c32_offset = c32_off;
	info.c64_offset = c64_off;
	info.payload_offset = payload_off;
	info.payload_size = o->payload_size;
	info.seed = o->seed;
	info.stack_top = stack_top;
	info.setup_code_offset = PROBE_SETUP_CODE_OFFSET;
	info.setup_bytes = setup_bytes;
	info.setup_crc32 = probe_crc32(0, img + PROBE_SETUP_CODE_OFFSET,
				       setup_bytes - PROBE_SETUP_CODE_OFFSET);
	info.hdr = h;
	memcpy(pm + PROBE_INFO_OFFSET, &info, sizeof(info));

	/* Write beside the output, rename when complete. */
	tmp_path = malloc(strlen(out_path) + 16);
	if (!tmp_path)
		die(out_path, "out of memory");
	sprintf(tmp_path, "%s.tmp.%d", out_path, (int)getpid());
	f = fopen(tmp_path, "wb");
	if (!f)
		die(tmp_path, "cannot create: %s", strerror(errno));
	if (fwrite(img, 1, total, f) != total || fclose(f))
		die(tmp_path, "cannot write: %s", strerror(errno));
	if (rename(tmp_path, out_path))
		die(out_path, "cannot rename from %s: %s", tmp_path,
		    strerror(errno));
	free(img);
}

int main(int argc, char **argv)
{
	enum { O_NAME = 256, O_SETUP, O_HEAD, O_C32, O_C64, O_VERSION,
	       O_SECTS, O_PAYLOAD, O_SEED, O_INIT, O_PREF, O_ALIGN, O_RELOC,
	       O_IMAX, O_CMDSZ, O_XLF, O_INC, O_DESCRIBE, O_HELP };
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, O_NAME },
		{ "setup", required_argument, NULL, O_SETUP },
		{ "head", required_argument, NULL, O_HEAD },
		{ "c32", required_argument, NULL, O_C32 },
		{ "c64", required_argument, NULL, O_C64 },
		{ "version", required_argument, NULL, O_VERSION },
		{ "setup-sects", required_argument, NULL, O_SECTS },
		{ "payload-size", required_argument, NULL, O_PAYLOAD },
		{ "seed", required_argument, NULL, O_SEED },
		{ "init-size", required_argument, NULL, O_INIT },
		{ "pref-address", required_argument, NULL, O_PREF },
		{ "kernel-alignment", required_argument, NULL, O_ALIGN },
		{ "relocatable", required_argument, NULL, O_RELOC },
		{ "initrd-addr-max", required_argument, NULL, O_IMAX },
		{ "cmdline-size", required_argument, NULL, O_CMDSZ },
		{ "xloadflags", required_argument, NULL, O_XLF },
		{ "nasm-inc", required_argument, NULL, O_INC },
		{ "describe", required_argument, NULL, O_DESCRIBE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = {
		.name = "probe",
		.version = BOOT_PROTOCOL(2, 15),
		.setup_sects = 8,
		.payload_size = 3u << 20,
		.pref_address = 0x1000000,
		.kernel_alignment = 0x200000,
		.relocatable = 1,
		.initrd_addr_max = 0x7fffffff,
		.cmdline_size = 2047,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
	};
	bool seed_given = false;
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		const char *opt = argv[optind - 1];

		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case O_NAME:
			o.name = optarg;
			break;
		case O_SETUP:
			o.setup = optarg;
			break;
		case O_HEAD:
			o.head = optarg;
			break;
		case O_C32:
			o.c32 = optarg;
			break;
		case O_C64:
			o.c64 = optarg;
			break;
		case O_VERSION:
			o.version = parse_version(optarg);
			break;
		case O_SECTS:
			v = parse_number(opt, optarg);
			if (v > 255)
				goto bad_value;
			o.setup_sects = (unsigned)v;
			break;
		case O_PAYLOAD:
			v = parse_number(opt, optarg);
			if (v > PAYLOAD_MAX)
				goto bad_value;
			o.payload_size = (uint32_t)v;
			break;
		case O_SEED:
			v = parse_number(opt, optarg);
			if (!v || v > UINT32_MAX)
				goto bad_value;
			o.seed = (uint32_t)v;
			seed_given = true;
			break;
		case O_INIT:
			v = parse_number(opt, optarg);
			if (v > UINT32_MAX)
				goto bad_value;
			o.init_size = (uint32_t)v;
			break;
		case O_PREF:
			o.pref_address = parse_number(opt, optarg);
			break;
		case O_ALIGN:
			v = parse_number(opt, optarg);
			if (!v || v > UINT32_MAX || (v & (v - 1)))
				goto bad_value;
			o.kernel_alignment = (uint32_t)v;
			break;
		case O_RELOC:
			v = parse_number(opt, optarg);
			if (v > 1)
				goto bad_value;
			o.relocatable = (unsigned)v;
			break;
		case O_IMAX:
			v = parse_number(opt, optarg);
			if (v > UINT32_MAX)
				goto bad_value;
			o.initrd_addr_max = (uint32_t)v;
			break;
		case O_CMDSZ:
			v = parse_number(opt, optarg);
			if (v > UINT32_MAX)
				goto bad_value;
			o.cmdline_size = (uint32_t)v;
			break;
		case O_XLF:
			v = parse_number(opt, optarg);
			if (v > UINT16_MAX)
				goto bad_value;
			o.xloadflags = (uint16_t)v;
			break;
		case O_INC:
			write_nasm_inc(optarg);
			return 0;
		case O_DESCRIBE:
			describe(optarg);
			return 0;
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		continue;
bad_value:
		fprintf(stderr, "mkprobe: error: %s: value out of range: "
			"'%s'\n", opt, optarg);
		return 2;
	}
	if (optind != argc || !out_path || !o.setup || !o.head || !o.c32 ||
	    !o.c64) {
		usage(stderr);
		return 2;
	}
	if (o.version < BOOT_PROTOCOL_MIN) {
		fprintf(stderr, "mkprobe: error: --version: the probe needs "
			"protocol 2.02+ (cmd_line_ptr)\n");
		return 2;
	}
	if (!seed_given)
		o.seed = name_seed(o.name);
	build(&o);
	return 0;
}
