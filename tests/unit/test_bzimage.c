// SPDX-License-Identifier: MIT
/*
 * test_bzimage.c - host tests of common/bzimage.c: the header checks and
 * their messages, the placement rules, the header writes, and the e820
 * clean-up. Inputs are built in memory: a synthetic bzImage header with
 * only the required fields, then one field broken at a time.
 */
#include <stdlib.h>

#include "bzimage.h"
#include "check.h"
#include "fmt.h"

#define FILE_SIZE	(4u << 20)

static uint8_t image[BZIMAGE_PROBE_BYTES];

/* A minimal valid header: protocol 2.15, 27 setup sectors. */
static struct setup_header *make_image(void)
{
	struct setup_header *h = (void *)(image + SETUP_HEADER_OFFSET);

	memset(image, 0, sizeof(image));
	h->setup_sects = 27;
	h->boot_flag = BOOT_FLAG_MAGIC;
	h->jump = 0x66eb;		/* jmp short: header ends at 0x268 */
	h->header = HDRS_MAGIC;
	h->version = BOOT_PROTOCOL(2, 15);
	h->loadflags = LOADED_HIGH;
	h->code32_start = BZIMAGE_LOAD_ADDR;
	h->syssize = (FILE_SIZE - 28 * 512) / 16;
	h->kernel_version = 0x100;	/* string at 0x300 */
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->pref_address = 0x1000000;
	h->init_size = 0x2000000;
	memcpy(image + 0x300, "6.1.0-test (probe) #1", 22);
	return h;
}

static enum bzimage_error check(struct bzimage_info *info)
{
	return bzimage_check(image, sizeof(image), FILE_SIZE, info);
}

/*
 * syssize is rounded up to whole paragraphs: a file up to 15 bytes short
 * of setup + syssize x 16 is whole (memtest86+x64.bin is 8 short), one 16
 * or more short has lost a paragraph. Both sides of the edge, from a
 * syssize that is exact and from one that is not.
 */
static void test_syssize_rounding(void)
{
	struct bzimage_info info;
	struct setup_header *h;
	char msg[256];
	const uint64_t pm = FILE_SIZE - 28 * 512;

	make_image();
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE - 1, &info),
		 BZIMAGE_OK, "1 byte short of syssize: rounding");
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE - 15, &info),
		 BZIMAGE_OK, "15 bytes short of syssize: rounding");
	CHECK_EQ(info.kernel_bytes, pm - 15,
		 "15 short: the loaders read the file's bytes, not syssize's");
	CHECK_EQ(info.syssize_bytes, pm, "15 short: syssize_bytes as written");
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE - 16, &info),
		 BZIMAGE_ERR_TRUNCATED, "16 bytes short of syssize");
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE - 17, &info),
		 BZIMAGE_ERR_TRUNCATED, "17 bytes short of syssize");
	bzimage_format_error(msg, sizeof(msg), "/vmlinuz",
			     BZIMAGE_ERR_TRUNCATED, &info);
	CHECK_STREQ(msg, "/vmlinuz: kernel file truncated (4179951 bytes "
		    "after the setup, syssize says 4179968)",
		    "truncated message");
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE + 100, &info),
		 BZIMAGE_OK, "longer than syssize (a signature after it)");

	/* memtest86+x64.bin's numbers: 142776 bytes, syssize 0x22dc. */
	h = make_image();
	h->syssize = 0x22dc;
	CHECK_EQ(bzimage_check(image, sizeof(image), 28 * 512 + 142776, &info),
		 BZIMAGE_OK, "memtest86+x64.bin: 8 bytes short");
	CHECK_EQ(info.kernel_bytes, 142776, "memtest86+x64.bin: kernel bytes");
	CHECK_EQ(bzimage_check(image, sizeof(image), 28 * 512 + 142769, &info),
		 BZIMAGE_OK, "syssize 0x22dc: 142769 bytes, 15 short");
	CHECK_EQ(bzimage_check(image, sizeof(image), 28 * 512 + 142768, &info),
		 BZIMAGE_ERR_TRUNCATED, "syssize 0x22dc: 142768 bytes, 16 short");

	/* Before 2.04 syssize is 16 bits and not checked. */
	h = make_image();
	h->version = BOOT_PROTOCOL(2, 3);
	CHECK_EQ(bzimage_check(image, sizeof(image), FILE_SIZE - 4096, &info),
		 BZIMAGE_OK, "2.03: syssize not checked");
	CHECK_EQ(info.syssize_bytes, 0, "2.03: no syssize_bytes");
}

static void test_header(void)
{
	struct bzimage_info info;
	struct setup_header *h;
	char msg[256], ver[64];

	make_image();
	CHECK_EQ(check(&info), BZIMAGE_OK, "valid header accepted");
	CHECK_EQ(info.setup_bytes, 28 * 512, "setup bytes = (sects+1)*512");
	CHECK_EQ(info.kernel_bytes, FILE_SIZE - 28 * 512, "kernel bytes");
	CHECK_EQ(info.header_end, 0x202 + 0x66, "header end from byte 0x201");
	CHECK_EQ(info.cmdline_size, 2047, "cmdline_size read");
	CHECK_EQ(info.init_size, 0x2000000, "init_size read");
	CHECK(bzimage_version_string(image, sizeof(image), ver, sizeof(ver)),
	      "version string found");
	CHECK_STREQ(ver, "6.1.0-test (probe) #1", "version string text");

	h = make_image();
	h->setup_sects = 0;
	CHECK_EQ(check(&info), BZIMAGE_OK, "setup_sects 0 accepted");
	CHECK_EQ(info.setup_sects, 4, "setup_sects 0 means 4");
	CHECK_EQ(info.setup_bytes, 5 * 512, "setup_sects 0: 2560 bytes");

	h = make_image();
	h->setup_sects = 64;
	CHECK_EQ(check(&info), BZIMAGE_ERR_SETUP_TOO_BIG, "setup over 32 KiB");

	h = make_image();
	h->header = 0;
	CHECK_EQ(check(&info), BZIMAGE_ERR_NO_HDRS, "no HdrS");
	bzimage_format_error(msg, sizeof(msg), "/vmlinuz", BZIMAGE_ERR_NO_HDRS,
			     &info);
	CHECK_STREQ(msg, "/vmlinuz: not a bzImage (no \"HdrS\" at 0x202)",
		    "no HdrS message");

	h = make_image();
	h->header = 0;
	h->boot_flag = 0;
	CHECK_EQ(check(&info), BZIMAGE_ERR_NOT_KERNEL, "random bytes");

	h = make_image();
	h->version = BOOT_PROTOCOL(2, 1);
	CHECK_EQ(check(&info), BZIMAGE_ERR_OLD_PROTOCOL, "protocol 2.01");
	bzimage_format_error(msg, sizeof(msg), "/vmlinuz",
			     BZIMAGE_ERR_OLD_PROTOCOL, &info);
	CHECK_STREQ(msg, "/vmlinuz: kernel protocol 2.01 is too old "
		    "(need 2.02+)", "old protocol message");

	h = make_image();
	h->loadflags = 0;
	CHECK_EQ(check(&info), BZIMAGE_ERR_ZIMAGE, "zImage (LOADED_HIGH 0)");

	make_image();
	memcpy(image, "\x7f" "ELF", 4);
	CHECK_EQ(check(&info), BZIMAGE_ERR_ELF, "ELF vmlinux");
	bzimage_format_error(msg, sizeof(msg), "vmlinux", BZIMAGE_ERR_ELF,
			     &info);
	CHECK(strstr(msg, "bzImage") != NULL, "ELF message points at bzImage");

	make_image();
	CHECK_EQ(bzimage_check(image, sizeof(image), 0, &info),
		 BZIMAGE_ERR_EMPTY, "empty file");
	CHECK_EQ(bzimage_check(image, 0x100, 0x100, &info),
		 BZIMAGE_ERR_TOO_SMALL, "256-byte file");
	CHECK_EQ(bzimage_check(image, sizeof(image), 28 * 512, &info),
		 BZIMAGE_ERR_NO_PAYLOAD, "setup only, no payload");
	test_syssize_rounding();

	h = make_image();
	h->version = BOOT_PROTOCOL(2, 2);
	CHECK_EQ(check(&info), BZIMAGE_OK, "protocol 2.02 accepted");
	CHECK_EQ(info.cmdline_size, CMDLINE_SIZE_PRE_2_06,
		 "2.02: cmdline_size is 255");
	CHECK_EQ(info.initrd_addr_max, INITRD_ADDR_MAX_PRE_2_03,
		 "2.02: initrd_addr_max is 0x37ffffff");
	CHECK_EQ(info.init_size, 0, "2.02: no init_size");
	CHECK_EQ(info.xloadflags, 0, "2.02: no xloadflags");
}

static void test_cmdline(void)
{
	struct bzimage_info info;
	uint16_t mode = 0;

	make_image();
	check(&info);
	CHECK(bzimage_cmdline_fits(&info, 2047), "2047 bytes fit 2047");
	CHECK(!bzimage_cmdline_fits(&info, 2048), "2048 bytes do not fit");

	CHECK(!bzimage_cmdline_vid_mode("quiet console=ttyS0", &mode),
	      "no vga= option");
	CHECK(bzimage_cmdline_vid_mode("vga=0x317 quiet", &mode) &&
	      mode == 0x317, "vga=0x317");
	CHECK(bzimage_cmdline_vid_mode("quiet vga=791", &mode) && mode == 791,
	      "vga=791 decimal");
	CHECK(bzimage_cmdline_vid_mode("vga=normal", &mode) &&
	      mode == VID_MODE_NORMAL, "vga=normal");
	CHECK(bzimage_cmdline_vid_mode("vga=ext", &mode) &&
	      mode == VID_MODE_EXTENDED, "vga=ext");
	CHECK(bzimage_cmdline_vid_mode("vga=ask", &mode) &&
	      mode == VID_MODE_ASK, "vga=ask");
	CHECK(!bzimage_cmdline_vid_mode("novga=1 xvga=3", &mode),
	      "vga= only as a whole option");
}

static void test_placement(void)
{
	struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_TYPE_RAM },
		{ 0x9fc00, 0x400, E820_TYPE_RESERVED },
		{ 0xf0000, 0x10000, E820_TYPE_RESERVED },
		{ 0x100000, 0x1fee0000, E820_TYPE_RAM },	/* to 512 MiB */
		{ 0x1ffe0000, 0x20000, E820_TYPE_RESERVED },
	};
	struct bzimage_info info;
	struct setup_header *h;
	uint64_t addr = 0;

	make_image();
	check(&info);
	CHECK_EQ(bzimage_kernel_span(&info), 0x2000000,
		 "span is init_size when larger");
	CHECK(bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				   0x100000, false, &addr),
	      "1 MiB initrd placed");
	CHECK_EQ(addr, 0x1ffe0000 - 0x100000, "initrd at the top of RAM");
	CHECK(bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR, 12345,
				   false, &addr), "odd-sized initrd placed");
	CHECK_EQ(addr & 0xfff, 0, "initrd page aligned");
	CHECK(addr + 12345 <= 0x1ffe0000, "initrd ends in RAM");

	/* initrd_addr_max below the top of RAM. */
	h = make_image();
	h->initrd_addr_max = 0x07ffffff;
	check(&info);
	CHECK(bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				   0x100000, false, &addr),
	      "placed under a low initrd_addr_max");
	CHECK_EQ(addr, 0x08000000 - 0x100000, "ends at initrd_addr_max + 1");

	/* Too big for what is left. */
	CHECK(!bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				    0x08000000, false, &addr),
	      "128 MiB initrd under 128 MiB limit refused");

	/*
	 * Must stay clear of the loaded file and of the runtime range: this
	 * relocatable kernel (pref_address 16 MiB, 2 MiB alignment) loaded
	 * at 1 MiB decompresses at [16 MiB, 16 MiB + 32 MiB init_size).
	 */
	h = make_image();
	h->initrd_addr_max = 0x03ffffff;	/* 64 MiB */
	check(&info);
	CHECK_EQ(bzimage_runtime_start(&info, BZIMAGE_LOAD_ADDR), 0x1000000,
		 "runtime start: never below pref_address");
	CHECK_EQ(bzimage_runtime_start(&info, 0x1100000), 0x1200000,
		 "runtime start: load address aligned up");
	CHECK(bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				   0x0f00000, false, &addr),
	      "15 MiB initrd placed above the runtime range");
	CHECK(addr >= 0x1000000 + 0x2000000,
	      "initrd clear of [runtime start, + init_size)");
	CHECK(!bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				    0x1100000, false, &addr),
	      "17 MiB initrd does not fit between 48 and 64 MiB");
	h->initrd_addr_max = 0x02ffffff;	/* 48 MiB: only below 16 MiB */
	check(&info);
	CHECK(!bzimage_place_initrd(&info, map, 5, BZIMAGE_LOAD_ADDR,
				    0x0f00000, false, &addr),
	      "no room: loaded file to 33 MiB, runtime range to 48 MiB");

	/* Not relocatable: it runs at pref_address, wherever it was loaded. */
	h = make_image();
	h->relocatable_kernel = 0;
	check(&info);
	CHECK_EQ(bzimage_runtime_start(&info, BZIMAGE_LOAD_ADDR), 0x1000000,
		 "not relocatable: runtime start is pref_address");

	/* Overlapping reserved range inside RAM is never used. */
	{
		struct e820_entry m2[] = {
			{ 0x100000, 0x7f00000, E820_TYPE_RAM },
			{ 0x7f00000, 0x100000, E820_TYPE_RESERVED },
			{ 0x7e00000, 0x80000, E820_TYPE_RESERVED },
		};

		make_image();
		check(&info);
		CHECK(bzimage_place_initrd(&info, m2, 3, BZIMAGE_LOAD_ADDR,
					   0x10000, false, &addr) &&
		      addr == 0x7ef0000, "shadowed reserved ranges avoided");
	}

	/* Above 4 GiB only with XLF_CAN_BE_LOADED_ABOVE_4G and permission. */
	{
		struct e820_entry m3[] = {
			{ 0x100000, 0x3ff00000, E820_TYPE_RAM },
			{ 0x100000000ull, 0x40000000, E820_TYPE_RAM },
		};

		h = make_image();
		h->initrd_addr_max = 0xffffffff;
		check(&info);
		CHECK(bzimage_place_initrd(&info, m3, 2, BZIMAGE_LOAD_ADDR,
					   0x100000, true, &addr) &&
		      addr == 0x140000000ull - 0x100000,
		      "above 4 GiB when allowed");
		CHECK(bzimage_place_initrd(&info, m3, 2, BZIMAGE_LOAD_ADDR,
					   0x100000, false, &addr) &&
		      addr == 0x40000000 - 0x100000, "below 4 GiB otherwise");
	}
}

static void test_header_writes(void)
{
	static struct boot_params bp;
	struct bzimage_info info;
	struct linux_load l = {
		.kernel_addr = BZIMAGE_LOAD_ADDR,
		.cmdline_addr = 0x123456789ull,
		.initrd_addr = 0x200000000ull,
		.initrd_size = 0x1234,
		.heap_end_ptr = 0xde00,
		.set_vid_mode = true,
		.vid_mode = VID_MODE_ASK,
	};
	struct setup_header hdr;

	make_image();
	memset(image + 0x1e0, 0xff, 0x11);	/* garbage before the header */
	check(&info);
	bzimage_init_boot_params(&bp, image, &info);
	CHECK_EQ(bp.sentinel, 0, "sentinel not copied");
	CHECK_EQ(bp.e820_entries, 0, "fields before 0x1f1 zero");
	hdr = bp.hdr;
	CHECK_EQ(hdr.header, HDRS_MAGIC, "header copied");
	CHECK_EQ(hdr.init_size, 0x2000000, "init_size copied");

	bzimage_write_boot_params(&bp, &l);
	hdr = bp.hdr;
	CHECK_EQ(hdr.type_of_loader, LOADER_TYPE_UNDEFINED, "type_of_loader");
	CHECK_EQ(hdr.loadflags, LOADED_HIGH | CAN_USE_HEAP,
		 "LOADED_HIGH kept, CAN_USE_HEAP set");
	CHECK_EQ(hdr.heap_end_ptr, 0xde00, "heap_end_ptr");
	CHECK_EQ(hdr.cmd_line_ptr, 0x23456789, "cmd_line_ptr low half");
	CHECK_EQ(bp.ext_cmd_line_ptr, 1, "ext_cmd_line_ptr high half");
	CHECK_EQ(hdr.ramdisk_image, 0, "ramdisk_image low half");
	CHECK_EQ(bp.ext_ramdisk_image, 2, "ext_ramdisk_image high half");
	CHECK_EQ(hdr.ramdisk_size, 0x1234, "ramdisk_size");
	CHECK_EQ(bp.ext_ramdisk_size, 0, "ext_ramdisk_size");
	CHECK_EQ(hdr.vid_mode, VID_MODE_ASK, "vid_mode");
	CHECK_EQ(hdr.code32_start, BZIMAGE_LOAD_ADDR,
		 "code32_start unchanged at 0x100000");

	l.kernel_addr = 0x1000000;
	l.heap_end_ptr = 0;
	bzimage_init_boot_params(&bp, image, &info);
	bzimage_write_boot_params(&bp, &l);
	hdr = bp.hdr;
	CHECK_EQ(hdr.code32_start, 0x1000000, "code32_start follows kernel");
	CHECK_EQ(hdr.loadflags, LOADED_HIGH, "no heap: CAN_USE_HEAP clear");
}

static void test_e820(void)
{
	struct e820_entry map[] = {
		{ 0x100000, 0x100000, E820_TYPE_RAM },
		{ 0, 0x9fc00, E820_TYPE_RAM },
		{ 0x200000, 0x100000, E820_TYPE_RAM },
		{ 0x300000, 0, E820_TYPE_RAM },
		{ 0xf0000, 0x10000, E820_TYPE_RESERVED },
	};
	unsigned n = e820_sanitize(map, 5);

	CHECK_EQ(n, 3, "sorted, merged, empty dropped");
	CHECK_EQ(map[0].addr, 0, "first entry at 0");
	CHECK_EQ(map[1].type, E820_TYPE_RESERVED, "reserved kept apart");
	CHECK_EQ(map[2].size, 0x200000, "adjacent RAM merged");
}

static void test_fmt(void)
{
	char buf[64];

	fmt_snprintf(buf, sizeof(buf), "%u %d %x %05u|%-4s|%s", 42u, -7,
		     0xbeefu, 12u, "ab", "cd");
	CHECK_STREQ(buf, "42 -7 beef 00012|ab  |cd", "fmt basics");
	fmt_snprintf(buf, sizeof(buf), "%llu %llx", 18446744073709551615ull,
		     0x123456789abcdefull);
	CHECK_STREQ(buf, "18446744073709551615 123456789abcdef",
		    "fmt 64-bit without 64-bit division");
	CHECK_EQ(fmt_snprintf(buf, 4, "%s", "truncated"), 9,
		 "fmt returns the full length");
	CHECK_STREQ(buf, "tru", "fmt truncates with a NUL");
	fmt_snprintf(buf, sizeof(buf), "%08x %-5d|", 0x1fu, -3);
	CHECK_STREQ(buf, "0000001f -3   |", "fmt zero pad and left justify");
}

int main(void)
{
	check_begin("bzimage");
	test_header();
	test_cmdline();
	test_placement();
	test_header_writes();
	test_e820();
	test_fmt();
	return check_end();
}
