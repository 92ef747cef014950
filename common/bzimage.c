// SPDX-License-Identifier: MIT
/*
 * bzimage.c - the rules of Documentation/x86/boot.rst that every loader
 * applies: is this file a kernel we can boot, where do its parts go, and
 * what does the loader write into its header before the jump.
 *
 * Runs in 32-bit stage2, in the 64-bit EFI loader, in mkdisk and in the
 * host unit tests; freestanding, no allocation, no 64-bit division.
 */
#include "bzimage.h"
#include "fmt.h"

#define MIB			0x100000ull
#define FOUR_GIB		0x100000000ull

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void copy_bytes(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static void zero_bytes(void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Read the setup header out of the file's first bytes. The file may be
 * shorter than the whole structure (old protocols end it earlier); missing
 * bytes read as zero.
 */
static void read_header(const uint8_t *buf, size_t len,
			struct setup_header *hdr)
{
	size_t n = 0;

	zero_bytes(hdr, sizeof(*hdr));
	if (len > SETUP_HEADER_OFFSET)
		n = len - SETUP_HEADER_OFFSET;
	if (n > sizeof(*hdr))
		n = sizeof(*hdr);
	copy_bytes(hdr, buf + SETUP_HEADER_OFFSET, n);
}

enum bzimage_error bzimage_check(const void *buf, size_t buf_len,
				 uint64_t file_size, struct bzimage_info *info)
{
	const uint8_t *b = buf;
	struct setup_header hdr;
	uint32_t hdr_end;

	zero_bytes(info, sizeof(*info));
	info->file_size = file_size;
	if (buf_len > file_size)
		buf_len = (size_t)file_size;
	if (file_size == 0)
		return BZIMAGE_ERR_EMPTY;
	if (buf_len >= 4 && get_le32(b) == ELF_MAGIC)
		return BZIMAGE_ERR_ELF;
	/* The header's fixed part runs to "HdrS" and the version, 0x208. */
	if (buf_len < HDR_OFF(realmode_swtch))
		return BZIMAGE_ERR_TOO_SMALL;
	read_header(b, buf_len, &hdr);
	if (hdr.header != HDRS_MAGIC)
		return hdr.boot_flag == BOOT_FLAG_MAGIC ?
			BZIMAGE_ERR_NO_HDRS : BZIMAGE_ERR_NOT_KERNEL;

	info->version = hdr.version;
	info->loadflags = hdr.loadflags;
	if (hdr.version < BOOT_PROTOCOL_MIN)
		return BZIMAGE_ERR_OLD_PROTOCOL;
	if (!(hdr.loadflags & LOADED_HIGH))
		return BZIMAGE_ERR_ZIMAGE;

	/* boot.rst: the header ends at 0x202 + the byte at 0x201. */
	hdr_end = SETUP_HEADER_END_BASE + b[SETUP_HEADER_LEN_BYTE];
	info->header_end = hdr_end;
	if (buf_len < hdr_end)
		return BZIMAGE_ERR_TOO_SMALL;

	/* boot.rst: setup_sects 0 means 4. */
	info->setup_sects = hdr.setup_sects ? hdr.setup_sects :
					      SETUP_SECTS_DEFAULT;
	info->setup_bytes = (info->setup_sects + 1) * LINUX_SECTOR_SIZE;
	if (info->setup_bytes > SETUP_MAX_BYTES)
		return BZIMAGE_ERR_SETUP_TOO_BIG;
	if (file_size <= info->setup_bytes)
		return BZIMAGE_ERR_NO_PAYLOAD;
	info->kernel_bytes = file_size - info->setup_bytes;

	/*
	 * boot.rst: syssize is 4 bytes from 2.04, in 16-byte paragraphs.
	 * Builders round it up (memtest86+'s .bin and iPXE's .lkrn end 8
	 * and 7 bytes before syssize x 16, and GRUB boots them), so the
	 * file is whole when its last paragraph has at least one byte: 15
	 * short is the rounding, 16 short is a missing paragraph.
	 */
	if (hdr.version >= BOOT_PROTOCOL(2, 4)) {
		info->syssize_bytes = (uint64_t)hdr.syssize * 16;
		if (info->kernel_bytes < info->syssize_bytes &&
		    info->syssize_bytes - info->kernel_bytes >= 16)
			return BZIMAGE_ERR_TRUNCATED;
	}

	info->xloadflags = hdr.version >= BOOT_PROTOCOL(2, 12) ?
			   hdr.xloadflags : 0;
	info->code32_start = hdr.code32_start;
	info->cmdline_size = hdr.version >= BOOT_PROTOCOL(2, 6) ?
			     hdr.cmdline_size : CMDLINE_SIZE_PRE_2_06;
	info->initrd_addr_max = hdr.version >= BOOT_PROTOCOL(2, 3) ?
				hdr.initrd_addr_max : INITRD_ADDR_MAX_PRE_2_03;
	if (hdr.version >= BOOT_PROTOCOL(2, 5)) {
		info->kernel_alignment = hdr.kernel_alignment;
		info->relocatable = hdr.relocatable_kernel != 0;
	}
	info->pref_address = BZIMAGE_LOAD_ADDR;
	if (hdr.version >= BOOT_PROTOCOL(2, 10)) {
		info->pref_address = hdr.pref_address;
		info->init_size = hdr.init_size;
	}
	return BZIMAGE_OK;
}

const char *bzimage_strerror(enum bzimage_error err)
{
	switch (err) {
	case BZIMAGE_OK:
		return "no error";
	case BZIMAGE_ERR_EMPTY:
		return "file is empty";
	case BZIMAGE_ERR_TOO_SMALL:
		return "file too short for a kernel header";
	case BZIMAGE_ERR_ELF:
		return "an ELF file (an uncompressed vmlinux?), not a bzImage";
	case BZIMAGE_ERR_NOT_KERNEL:
		return "not a Linux kernel";
	case BZIMAGE_ERR_NO_HDRS:
		return "not a bzImage";
	case BZIMAGE_ERR_OLD_PROTOCOL:
		return "kernel boot protocol too old";
	case BZIMAGE_ERR_ZIMAGE:
		return "a zImage, not a bzImage";
	case BZIMAGE_ERR_SETUP_TOO_BIG:
		return "setup code larger than 32 KiB";
	case BZIMAGE_ERR_TRUNCATED:
		return "kernel file truncated";
	case BZIMAGE_ERR_NO_PAYLOAD:
		return "no protected-mode kernel after the setup code";
	}
	return "unknown error";
}

int bzimage_format_error(char *buf, size_t size, const char *path,
			 enum bzimage_error err, const struct bzimage_info *info)
{
	const char *what = bzimage_strerror(err);

	switch (err) {
	case BZIMAGE_ERR_EMPTY:
	case BZIMAGE_ERR_TOO_SMALL:
		return fmt_snprintf(buf, size, "%s: %s (%llu bytes)", path,
				    what,
				    (unsigned long long)info->file_size);
	case BZIMAGE_ERR_ELF:
		return fmt_snprintf(buf, size,
			"%s: %s. Use the compressed arch/x86/boot/bzImage "
			"(installed as /boot/vmlinuz-*)", path, what);
	case BZIMAGE_ERR_NOT_KERNEL:
		return fmt_snprintf(buf, size,
			"%s: %s (no 0xAA55 at 0x1fe, no \"HdrS\" at 0x202)",
			path, what);
	case BZIMAGE_ERR_NO_HDRS:
		return fmt_snprintf(buf, size,
			"%s: %s (no \"HdrS\" at 0x202)", path, what);
	case BZIMAGE_ERR_OLD_PROTOCOL:
		return fmt_snprintf(buf, size,
			"%s: kernel protocol %u.%02u is too old (need 2.02+)",
			path, info->version >> 8, info->version & 0xff);
	case BZIMAGE_ERR_ZIMAGE:
		return fmt_snprintf(buf, size,
			"%s: %s (LOADED_HIGH clear in loadflags 0x%02x); "
			"only bzImage kernels load above 1 MiB", path, what,
			info->loadflags);
	case BZIMAGE_ERR_SETUP_TOO_BIG:
		return fmt_snprintf(buf, size, "%s: %s (%u sectors)", path,
				    what, info->setup_sects);
	case BZIMAGE_ERR_TRUNCATED:
		return fmt_snprintf(buf, size,
			"%s: %s (%llu bytes after the setup, syssize says "
			"%llu)", path, what,
			(unsigned long long)info->kernel_bytes,
			(unsigned long long)info->syssize_bytes);
	case BZIMAGE_ERR_NO_PAYLOAD:
		return fmt_snprintf(buf, size, "%s: %s (%llu bytes, setup %u)",
				    path, what,
				    (unsigned long long)info->file_size,
				    info->setup_bytes);
	case BZIMAGE_OK:
		break;
	}
	return fmt_snprintf(buf, size, "%s: %s", path, what);
}

bool bzimage_version_string(const void *buf, size_t buf_len, char *out,
			    size_t size)
{
	const uint8_t *b = buf;
	struct setup_header hdr;
	size_t off, n = 0;

	if (!size)
		return false;
	out[0] = '\0';
	if (buf_len < HDR_OFF(type_of_loader))
		return false;
	read_header(b, buf_len, &hdr);
	/* boot.rst: kernel_version points to a string at itself + 0x200. */
	if (hdr.version < BOOT_PROTOCOL(2, 0) || !hdr.kernel_version)
		return false;
	off = (size_t)hdr.kernel_version + 0x200;
	if (off >= buf_len)
		return false;
	while (off + n < buf_len && b[off + n] && n + 1 < size) {
		out[n] = (char)b[off + n];
		n++;
	}
	out[n] = '\0';
	return true;
}

bool bzimage_cmdline_fits(const struct bzimage_info *info, size_t len)
{
	/* boot.rst: cmdline_size is the length without the NUL. */
	return len <= info->cmdline_size;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool word_is(const char *s, const char *word)
{
	while (*word)
		if (*s++ != *word++)
			return false;
	return !*s || is_space(*s);
}

/* A C-notation integer (decimal, 0x hex or 0 octal) up to a space. */
static bool parse_c_integer(const char *s, uint32_t *out)
{
	uint32_t v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] && !is_space(s[1])) {
		base = 8;
		s++;
	}
	if (!*s || is_space(*s))
		return false;
	for (; *s && !is_space(*s); s++) {
		uint32_t d;

		if (*s >= '0' && *s <= '9')
			d = (uint32_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (uint32_t)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (uint32_t)(*s - 'A' + 10);
		else
			return false;
		if (d >= base || v > 0xffff)
			return false;
		v = v * base + d;
	}
	*out = v;
	return v <= 0xffff;
}

bool bzimage_cmdline_vid_mode(const char *cmdline, uint16_t *vid_mode)
{
	const char *s = cmdline;
	bool found = false;

	/* The last vga= wins, as in the kernel's own parser. */
	while (*s) {
		while (is_space(*s))
			s++;
		if (s[0] == 'v' && s[1] == 'g' && s[2] == 'a' && s[3] == '=') {
			const char *v = s + 4;
			uint32_t n;

			if (word_is(v, "normal")) {
				*vid_mode = VID_MODE_NORMAL;
				found = true;
			} else if (word_is(v, "ext")) {
				*vid_mode = VID_MODE_EXTENDED;
				found = true;
			} else if (word_is(v, "ask")) {
				*vid_mode = VID_MODE_ASK;
				found = true;
			} else if (parse_c_integer(v, &n)) {
				*vid_mode = (uint16_t)n;
				found = true;
			}
		}
		while (*s && !is_space(*s))
			s++;
	}
	return found;
}

/*
 * The end of [addr, addr + size), saturated: a bogus firmware range that
 * runs past 2^64 covers everything from addr up, rather than wrapping to
 * a small end that would hide it.
 */
static uint64_t range_end(uint64_t addr, uint64_t size)
{
	return addr + size < addr ? ~0ull : addr + size;
}

/*
 * The lowest start of anything [addr, addr + size) must not touch: a range
 * of the map that is not RAM (firmware maps may overlap), or one of the
 * kernel's ranges. Returns false when nothing is in the way.
 */
static bool first_blocker(const struct e820_entry *map, unsigned map_len,
			  const struct bzimage_region *kernel, unsigned nkernel,
			  uint64_t addr, uint64_t size, uint64_t *blocker)
{
	bool hit = false;

	for (unsigned i = 0; i < nkernel; i++) {
		const struct bzimage_region *k = &kernel[i];

		if (addr < range_end(k->addr, k->size) &&
		    k->addr < addr + size && (!hit || k->addr < *blocker)) {
			*blocker = k->addr;
			hit = true;
		}
	}
	for (unsigned i = 0; i < map_len; i++) {
		struct e820_entry e = map[i];

		if (e.type == E820_TYPE_RAM ||
		    !(e.addr < addr + size &&
		      addr < range_end(e.addr, e.size)))
			continue;
		if (!hit || e.addr < *blocker)
			*blocker = e.addr;
		hit = true;
	}
	return hit;
}

uint64_t bzimage_runtime_start(const struct bzimage_info *info,
			       uint64_t load_addr)
{
	uint64_t align = info->kernel_alignment, start = load_addr;

	/* boot.rst "init_size": not relocatable, it runs at pref_address. */
	if (!info->relocatable)
		return info->pref_address;
	/* boot.rst: align_up(load_address, kernel_alignment). */
	if (align && !(align & (align - 1)))
		start = align_up(load_addr, align);
	/*
	 * The decompressor (arch/x86/boot/compressed/head_{32,64}.S) never
	 * goes below LOAD_PHYSICAL_ADDR, which it publishes as pref_address.
	 */
	if (start < info->pref_address)
		start = info->pref_address;
	return start;
}

uint64_t bzimage_kernel_span(const struct bzimage_info *info)
{
	uint64_t span = align_up(info->kernel_bytes, BZIMAGE_PAGE_SIZE);

	if (info->init_size > span)
		span = info->init_size;
	return span;
}

bool bzimage_place_initrd(const struct bzimage_info *info,
			  const struct e820_entry *map, unsigned map_len,
			  uint64_t kernel_addr, uint64_t size, bool above_4g,
			  uint64_t *addr)
{
	/* The file as loaded, and where it decompresses and runs. */
	struct bzimage_region kernel[2] = {
		{ kernel_addr, bzimage_kernel_span(info) },
		{ bzimage_runtime_start(info, kernel_addr), info->init_size },
	};
	uint64_t limit = (uint64_t)info->initrd_addr_max + 1;
	uint64_t best = 0;
	bool found = false;

	/* boot.rst: the initrd must end at or below initrd_addr_max. */
	if (above_4g && (info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		limit = ~0ull;
	else if (limit > FOUR_GIB)
		limit = FOUR_GIB;
	if (size == 0 || size > limit)
		return false;

	for (unsigned i = 0; i < map_len; i++) {
		struct e820_entry e = map[i];
		uint64_t lo = e.addr, hi = e.addr + e.size, start, blocker = 0;

		if (e.type != E820_TYPE_RAM || hi <= lo)
			continue;
		if (lo < MIB)
			lo = MIB;
		if (hi > limit)
			hi = limit;
		/* Slide down from the top of this range past every blocker. */
		while (hi > lo && hi - lo >= size) {
			start = (hi - size) & ~(uint64_t)(BZIMAGE_PAGE_SIZE - 1);
			if (start < lo)
				break;
			if (!first_blocker(map, map_len, kernel, 2, start,
					   size, &blocker)) {
				if (!found || start > best)
					best = start;
				found = true;
				break;
			}
			hi = blocker;
		}
	}
	if (found)
		*addr = best;
	return found;
}

void bzimage_write_header(struct setup_header *hdr, const struct linux_load *l)
{
	hdr->type_of_loader = LOADER_TYPE_UNDEFINED;
	if (l->heap_end_ptr) {
		hdr->heap_end_ptr = l->heap_end_ptr;
		hdr->loadflags |= CAN_USE_HEAP;
	}
	hdr->cmd_line_ptr = (uint32_t)l->cmdline_addr;
	hdr->ramdisk_image = (uint32_t)l->initrd_addr;
	hdr->ramdisk_size = (uint32_t)l->initrd_size;
	if (l->set_vid_mode)
		hdr->vid_mode = l->vid_mode;
	/* boot.rst: code32_start is where the protected-mode part was put. */
	if (l->kernel_addr != BZIMAGE_LOAD_ADDR)
		hdr->code32_start = (uint32_t)l->kernel_addr;
}

void bzimage_write_boot_params(struct boot_params *bp,
			       const struct linux_load *l)
{
	struct setup_header hdr = bp->hdr;

	bzimage_write_header(&hdr, l);
	bp->hdr = hdr;
	/* zero-page.rst: the high 32 bits of addresses above 4 GiB. */
	bp->ext_cmd_line_ptr = (uint32_t)(l->cmdline_addr >> 32);
	bp->ext_ramdisk_image = (uint32_t)(l->initrd_addr >> 32);
	bp->ext_ramdisk_size = (uint32_t)(l->initrd_size >> 32);
}

void bzimage_init_boot_params(struct boot_params *bp, const void *kernel_buf,
			      const struct bzimage_info *info)
{
	const uint8_t *k = kernel_buf;
	uint32_t end = info->header_end;

	/*
	 * boot.rst: copy only 0x1f1 up to 0x202 + byte[0x201]. Copying whole
	 * sectors would also set the sentinel at 0x1ef and make the kernel
	 * clear fields it then takes for stale.
	 */
	if (end > SETUP_HEADER_OFFSET + sizeof(struct setup_header))
		end = SETUP_HEADER_OFFSET + sizeof(struct setup_header);
	zero_bytes(bp, sizeof(*bp));
	copy_bytes((uint8_t *)bp + SETUP_HEADER_OFFSET,
		   k + SETUP_HEADER_OFFSET, end - SETUP_HEADER_OFFSET);
}

unsigned e820_sanitize(struct e820_entry *map, unsigned len)
{
	unsigned out = 0;

	/* Insertion sort by address: maps are short. */
	for (unsigned i = 1; i < len; i++) {
		struct e820_entry e = map[i];
		unsigned j = i;

		while (j > 0 && map[j - 1].addr > e.addr) {
			map[j] = map[j - 1];
			j--;
		}
		map[j] = e;
	}
	for (unsigned i = 0; i < len; i++) {
		if (map[i].size == 0)
			continue;
		if (out > 0 && map[out - 1].type == map[i].type &&
		    map[out - 1].addr + map[out - 1].size == map[i].addr) {
			map[out - 1].size += map[i].size;
			continue;
		}
		map[out++] = map[i];
	}
	return out;
}

const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
		return "RAM";
	case E820_TYPE_RESERVED:
		return "reserved";
	case E820_TYPE_ACPI:
		return "ACPI";
	case E820_TYPE_NVS:
		return "NVS";
	case E820_TYPE_UNUSABLE:
		return "unusable";
	case E820_TYPE_PMEM:
		return "persistent";
	}
	return "other";
}
