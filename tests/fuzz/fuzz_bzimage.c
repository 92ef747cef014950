// SPDX-License-Identifier: MIT
/*
 * fuzz_bzimage.c - libFuzzer target for common/bzimage.c: the kernel header
 * checks every loader runs on the first KiB of a kernel file, and what the
 * loaders then do with the header (error text, version string, vga=,
 * initrd placement in an e820 map, the zero page).
 *
 * The input: its first min(size, BZIMAGE_PROBE_BYTES) bytes are the start
 * of the kernel file, copied to a buffer of exactly that size so ASan sees
 * any read past it. The bytes after the first KiB, when there are any, are
 * the rest of the scene, little-endian:
 *
 *	u64 file_size		(else the input's size)
 *	u64 kernel_addr		where the loader put the protected-mode part
 *	u64 initrd_size
 *	u8  flags		bit 0: the loader can go above 4 GiB,
 *				bit 1: it sets vid_mode
 *	u8  map_len		e820 entries that follow (at most 128)
 *	map_len x { u64 addr, u64 size, u32 type }
 *	u64 cmdline_addr, u64 initrd_addr, u16 heap_end_ptr, u16 vid_mode
 *	the rest		a command line (NUL-terminated copy)
 *
 * Beyond "no memory error, no undefined behaviour", every result is checked
 * against what bzimage.h promises (FUZZ_ASSERT): the placed initrd lies in
 * RAM, page-aligned, below its limit, off the kernel; e820_sanitize sorts,
 * drops empty ranges and keeps each type's total; the zero page gets the
 * header bytes 0x1f1..header_end and nothing else.
 */
#include "fuzz.h"

#include "bzimage.h"

#define MIB		0x100000ull
#define FOUR_GIB	0x100000000ull

static struct e820_entry map[E820_MAX_ENTRIES_ZEROPAGE];
static struct e820_entry sorted[E820_MAX_ENTRIES_ZEROPAGE];

static void check_info(const struct bzimage_info *info, size_t buf_len,
		       uint64_t file_size)
{
	FUZZ_ASSERT(info->file_size == file_size);
	FUZZ_ASSERT(info->version >= BOOT_PROTOCOL_MIN);
	FUZZ_ASSERT(info->loadflags & LOADED_HIGH);
	FUZZ_ASSERT(info->setup_sects >= 1 && info->setup_sects <= 255);
	FUZZ_ASSERT(info->setup_bytes == (info->setup_sects + 1) * 512);
	FUZZ_ASSERT(info->setup_bytes <= SETUP_MAX_BYTES);
	FUZZ_ASSERT(file_size > info->setup_bytes);
	FUZZ_ASSERT(info->kernel_bytes == file_size - info->setup_bytes);
	/* syssize is rounded up: up to 15 bytes past the file. */
	FUZZ_ASSERT(info->syssize_bytes < info->kernel_bytes + 16);
	FUZZ_ASSERT(info->header_end >= SETUP_HEADER_END_BASE &&
		    info->header_end <= SETUP_HEADER_END_BASE + 255);
	FUZZ_ASSERT(info->header_end <= buf_len);
}

/* bzimage.h: where a kernel loaded at load_addr decompresses and runs. */
static void check_runtime_start(const struct bzimage_info *info,
				uint64_t load_addr)
{
	uint64_t start = bzimage_runtime_start(info, load_addr);
	uint64_t align = info->kernel_alignment;

	if (!info->relocatable) {
		FUZZ_ASSERT(start == info->pref_address);
		return;
	}
	FUZZ_ASSERT(start >= info->pref_address);
	if (start > info->pref_address) {
		FUZZ_ASSERT(start >= load_addr);
		if (align && !(align & (align - 1)))
			FUZZ_ASSERT(start % align == 0 &&
				    start - load_addr < align);
		else
			FUZZ_ASSERT(start == load_addr);
	}
}

/* Every message: the full length as snprintf, a cut copy a prefix of it. */
static void check_messages(const struct bzimage_info *info, const char *path,
			   size_t small)
{
	static char full[1024], cut[1024];

	for (int e = BZIMAGE_OK; e <= BZIMAGE_ERR_NO_PAYLOAD + 1; e++) {
		int n = bzimage_format_error(full, sizeof(full), path, e,
					     info);
		int m;

		FUZZ_ASSERT(n >= 0);
		FUZZ_ASSERT(strlen(bzimage_strerror(e)) > 0);
		if ((size_t)n >= sizeof(full))
			continue;
		FUZZ_ASSERT(strlen(full) == (size_t)n);
		m = bzimage_format_error(cut, small, path, e, info);
		FUZZ_ASSERT(m == n);
		if (small) {
			size_t k = strlen(cut);

			FUZZ_ASSERT(k < small);
			FUZZ_ASSERT(memcmp(cut, full, k) == 0);
		}
	}
}

static void check_version_string(const uint8_t *buf, size_t len)
{
	static const size_t sizes[] = { 0, 1, 2, 9, 64, 300 };
	char out[300];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (bzimage_version_string(buf, len, out, sizes[i]))
			FUZZ_ASSERT(sizes[i] && strlen(out) < sizes[i]);
		else if (sizes[i])
			FUZZ_ASSERT(out[0] == '\0');
	}
}

static bool overlaps(unsigned __int128 a, unsigned __int128 a_end,
		     unsigned __int128 b, unsigned __int128 b_end)
{
	return a < b_end && b < a_end;
}

/* The promises of bzimage_place_initrd() about a place it found. */
static void check_initrd_place(const struct bzimage_info *info,
			       const struct e820_entry *m, unsigned len,
			       uint64_t kernel_addr, uint64_t size,
			       bool above_4g, uint64_t addr)
{
	unsigned __int128 limit = (unsigned __int128)info->initrd_addr_max + 1;
	unsigned __int128 end = (unsigned __int128)addr + size;
	unsigned __int128 k_end = (unsigned __int128)kernel_addr +
				  bzimage_kernel_span(info);
	unsigned __int128 run = bzimage_runtime_start(info, kernel_addr);
	bool in_ram = false;

	if (above_4g && (info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		limit = (unsigned __int128)1 << 64;
	else if (limit > FOUR_GIB)
		limit = FOUR_GIB;
	FUZZ_ASSERT(addr % BZIMAGE_PAGE_SIZE == 0);
	FUZZ_ASSERT(addr >= MIB);
	FUZZ_ASSERT(end <= limit);
	FUZZ_ASSERT(!overlaps(addr, end, kernel_addr, k_end));
	FUZZ_ASSERT(!overlaps(addr, end, run, run + info->init_size));
	for (unsigned i = 0; i < len; i++) {
		unsigned __int128 e_end = (unsigned __int128)m[i].addr +
					  m[i].size;

		if (m[i].type == E820_TYPE_RAM) {
			if (m[i].addr <= addr && end <= e_end)
				in_ram = true;
		} else {
			FUZZ_ASSERT(!overlaps(addr, end, m[i].addr, e_end));
		}
	}
	FUZZ_ASSERT(in_ram);
}

/* Sorted, no empty range, nothing longer, the same bytes of each type. */
static void check_sanitized(const struct e820_entry *before, unsigned len,
			    const struct e820_entry *after, unsigned n)
{
	FUZZ_ASSERT(n <= len);
	for (unsigned i = 0; i < n; i++) {
		FUZZ_ASSERT(after[i].size != 0);
		if (i > 0)
			FUZZ_ASSERT(after[i - 1].addr <= after[i].addr);
	}
	for (unsigned i = 0; i < len; i++) {
		uint32_t type = before[i].type;
		uint64_t want = 0, got = 0;
		bool seen = false;

		for (unsigned j = 0; j < i; j++)
			seen |= before[j].type == type;
		if (seen)
			continue;
		/* Sums modulo 2^64: merged sizes add up the same way. */
		for (unsigned j = 0; j < len; j++)
			if (before[j].type == type)
				want += before[j].size;
		for (unsigned j = 0; j < n; j++)
			if (after[j].type == type)
				got += after[j].size;
		FUZZ_ASSERT(want == got);
	}
}

static void check_zero_page(const uint8_t *buf,
			    const struct bzimage_info *info,
			    const struct linux_load *load)
{
	struct boot_params *bp = malloc(sizeof(*bp));
	const uint8_t *z = (const uint8_t *)bp;
	size_t end = info->header_end;
	struct linux_load l = *load;
	struct setup_header hdr;

	if (!bp)
		abort();
	memset(bp, 0xa5, sizeof(*bp));
	bzimage_init_boot_params(bp, buf, info);
	if (end > SETUP_HEADER_OFFSET + sizeof(struct setup_header))
		end = SETUP_HEADER_OFFSET + sizeof(struct setup_header);
	for (size_t i = 0; i < sizeof(*bp); i++) {
		if (i >= SETUP_HEADER_OFFSET && i < end)
			FUZZ_ASSERT(z[i] == buf[i]);
		else
			FUZZ_ASSERT(z[i] == 0);
	}

	hdr = bp->hdr;
	bzimage_write_boot_params(bp, &l);
	FUZZ_ASSERT(bp->hdr.type_of_loader == LOADER_TYPE_UNDEFINED);
	FUZZ_ASSERT(bp->hdr.cmd_line_ptr == (uint32_t)l.cmdline_addr);
	FUZZ_ASSERT(bp->ext_cmd_line_ptr == (uint32_t)(l.cmdline_addr >> 32));
	FUZZ_ASSERT(bp->hdr.ramdisk_image == (uint32_t)l.initrd_addr);
	FUZZ_ASSERT(bp->ext_ramdisk_image == (uint32_t)(l.initrd_addr >> 32));
	FUZZ_ASSERT(bp->hdr.ramdisk_size == (uint32_t)l.initrd_size);
	FUZZ_ASSERT(bp->ext_ramdisk_size == (uint32_t)(l.initrd_size >> 32));
	FUZZ_ASSERT(bp->hdr.vid_mode ==
		    (l.set_vid_mode ? l.vid_mode : hdr.vid_mode));
	FUZZ_ASSERT(bp->hdr.code32_start ==
		    (l.kernel_addr != BZIMAGE_LOAD_ADDR ?
		     (uint32_t)l.kernel_addr : hdr.code32_start));
	if (l.heap_end_ptr) {
		FUZZ_ASSERT(bp->hdr.heap_end_ptr == l.heap_end_ptr);
		FUZZ_ASSERT(bp->hdr.loadflags & CAN_USE_HEAP);
	} else {
		FUZZ_ASSERT(bp->hdr.heap_end_ptr == hdr.heap_end_ptr);
		FUZZ_ASSERT(bp->hdr.loadflags == hdr.loadflags);
	}
	free(bp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t buf_len = size < BZIMAGE_PROBE_BYTES ? size :
			 BZIMAGE_PROBE_BYTES;
	struct fuzz_input in = { data + buf_len, size - buf_len, 0 };
	struct bzimage_info info;
	enum bzimage_error err;
	uint64_t file_size = size, kernel_addr, initrd_size, addr;
	struct linux_load load;
	unsigned map_len, flags;
	bool above_4g;
	uint8_t *buf;
	char *cmdline;
	uint16_t vid_mode;

	buf = malloc(buf_len ? buf_len : 1);
	if (!buf)
		abort();
	memcpy(buf, data, buf_len);
	if (fuzz_left(&in) >= 8)
		file_size = fuzz_take(&in, 8);
	kernel_addr = fuzz_take(&in, 8);
	initrd_size = fuzz_take(&in, 8);
	flags = (unsigned)fuzz_take(&in, 1);
	above_4g = flags & 1;
	map_len = (unsigned)fuzz_take(&in, 1);
	if (map_len > E820_MAX_ENTRIES_ZEROPAGE)
		map_len = E820_MAX_ENTRIES_ZEROPAGE;
	for (unsigned i = 0; i < map_len; i++) {
		map[i].addr = fuzz_take(&in, 8);
		map[i].size = fuzz_take(&in, 8);
		map[i].type = (uint32_t)fuzz_take(&in, 4);
	}
	load.kernel_addr = kernel_addr;
	load.cmdline_addr = fuzz_take(&in, 8);
	load.initrd_addr = fuzz_take(&in, 8);
	load.initrd_size = initrd_size;
	load.heap_end_ptr = (uint16_t)fuzz_take(&in, 2);
	load.set_vid_mode = flags & 2;
	load.vid_mode = (uint16_t)fuzz_take(&in, 2);
	/* Without a tail, the whole input doubles as a command line. */
	if (size > buf_len)
		cmdline = fuzz_strndup(in.data + in.pos, fuzz_left(&in));
	else
		cmdline = fuzz_strndup(data, size);

	err = bzimage_check(buf, buf_len, file_size, &info);
	FUZZ_ASSERT(err <= BZIMAGE_ERR_NO_PAYLOAD);
	check_messages(&info, cmdline, (size_t)(file_size & 63));
	check_version_string(buf, buf_len);
	vid_mode = 0x1234;
	if (!bzimage_cmdline_vid_mode(cmdline, &vid_mode))
		FUZZ_ASSERT(vid_mode == 0x1234);
	if (err == BZIMAGE_OK) {
		unsigned n;

		check_info(&info, buf_len, file_size);
		check_runtime_start(&info, kernel_addr);
		FUZZ_ASSERT(bzimage_cmdline_fits(&info, strlen(cmdline)) ==
			    (strlen(cmdline) <= info.cmdline_size));
		if (bzimage_place_initrd(&info, map, map_len, kernel_addr,
					 initrd_size, above_4g, &addr))
			check_initrd_place(&info, map, map_len, kernel_addr,
					   initrd_size, above_4g, addr);
		memcpy(sorted, map, sizeof(map[0]) * map_len);
		n = e820_sanitize(sorted, map_len);
		check_sanitized(map, map_len, sorted, n);
		if (bzimage_place_initrd(&info, sorted, n, kernel_addr,
					 initrd_size, above_4g, &addr))
			check_initrd_place(&info, sorted, n, kernel_addr,
					   initrd_size, above_4g, addr);
		check_zero_page(buf, &info, &load);
	}
	free(cmdline);
	free(buf);
	return 0;
}
