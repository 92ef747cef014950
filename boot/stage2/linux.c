// SPDX-License-Identifier: MIT
/*
 * linux.c - loading a bzImage and its initrds and starting it through the
 * 16-bit boot protocol (Documentation/x86/boot.rst), from stage2's 32-bit
 * protected mode.
 *
 * In: the boot partition mounted by core/file.c, one config entry and the E820 map. Out: the
 * kernel's real-mode part at REALMODE_KERNEL_ADDR (segment X) with its
 * header written, the protected-mode part at 0x100000, the initrds
 * concatenated high in RAM, the command line at X+0xe000, and a jump to
 * X+0x20:0000 in real mode. The rules themselves live in common/bzimage.c.
 * On any failure it prints one line naming the file and returns false.
 */
#include "bzimage.h"
#include "file.h"
#include "fmt.h"
#include "layout.h"
#include "load.h"
#include "phase.h"
#include "placement.h"
#include "sha256.h"
#include "stage2.h"
#include "trace.h"

/*
 * A file pinned by "path#HASH" in the config: do the bytes loaded match?
 * h has hashed them, piece by piece, as they were read into place.
 */
static bool hash_matches(const char *path, const struct config_hash *want,
			 struct sha256 *h)
{
	uint8_t got[SHA256_DIGEST_SIZE];
	char msg[200];

	sha256_final(h, got);
	if (!memcmp(got, want->sha256, sizeof(got)))
		return true;
	config_format_hash_mismatch(msg, sizeof(msg), "linux", path,
				    want->sha256, got);
	console_printf("%s\n", msg);
	return false;
}

/* The trace's last lines: what the kernel will find, and the jump. */
static void trace_handover(const struct linux_load *load, const char *cmdline)
{
	/* Read the header back from where the kernel will read it. */
	struct setup_header hdr = *(struct setup_header *)
		(REALMODE_KERNEL_ADDR + SETUP_HEADER_OFFSET);

	load_trace_handover(load, &hdr, REALMODE_KERNEL_ADDR, cmdline,
			    disk_read_count());
	phase_mark("jump", NULL, 0);
	trace(TRACE_JUMP16, (REALMODE_KERNEL_ADDR >> 4) + 0x20,
	      REALMODE_KERNEL_ADDR >> 4, REALMODE_HEAP_END);
}

/* boot.rst: each concatenated initrd starts 4-byte aligned. */
static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ull;
}

bool linux_boot(const struct config_entry *entry,
		const struct e820_entry *map, unsigned map_len)
{
	uint8_t *realmode = (uint8_t *)REALMODE_KERNEL_ADDR;
	struct file kernel, initrd[CONFIG_MAX_INITRDS];
	struct linux_load load = { 0 };
	struct bzimage_info info;
	enum bzimage_error berr;
	size_t cmdline_len = strlen(entry->cmdline);
	uint64_t initrd_total = 0, offset, missing;
	struct placement_kernel k;
	struct sha256 h;
	char msg[256];

	/* The header: is this a bzImage we can boot? */
	/*
	 * Its first bytes go where the real-mode part will: free until then,
	 * and no .bss for them. Zeroed first: a short file leaves a tail.
	 */
	memset(realmode, 0, BZIMAGE_PROBE_BYTES);
	if (!file_open_say(entry->kernel, &kernel) ||
	    !file_read_say(entry->kernel, &kernel, 0, realmode,
		       kernel.size < BZIMAGE_PROBE_BYTES ?
		       kernel.size : BZIMAGE_PROBE_BYTES))
		return false;
	berr = bzimage_check(realmode, BZIMAGE_PROBE_BYTES, kernel.size,
			     &info);
	if (berr) {
		bzimage_format_error(msg, sizeof(msg), entry->kernel, berr,
				     &info);
		console_printf("linux: %s\n", msg);
		return false;
	}
	if (!bzimage_cmdline_fits(&info, cmdline_len) ||
	    cmdline_len >= REALMODE_CMDLINE_MAX) {
		console_printf("linux: %s: command line is %u bytes, the "
			       "kernel takes at most %u (cmdline_size)\n",
			       entry->kernel, (unsigned)cmdline_len,
			       info.cmdline_size);
		return false;
	}
	/*
	 * The kernel's ranges for a load at 0x100000 (placement_kernel_at():
	 * init_size from there and from the runtime start) must be RAM.
	 * Say how much is not.
	 */
	placement_kernel_at(&info, BZIMAGE_LOAD_ADDR, info.kernel_alignment,
			    &k);
	missing = 0;
	for (unsigned i = 0; i < k.ranges; i++)
		missing += placement_e820_missing(map, map_len,
						  k.range[i].start,
						  k.range[i].end);
	if (missing) {
		console_printf("linux: %s: not enough memory: the kernel needs "
			       "RAM at 0x%llx-0x%llx (init_size, runs from "
			       "0x%llx), %llu KiB of it missing\n",
			       entry->kernel,
			       (unsigned long long)k.range[0].start,
			       (unsigned long long)k.range[k.ranges - 1].end,
			       (unsigned long long)k.run.start,
			       (unsigned long long)((missing + 1023) >> 10));
		return false;
	}

	load_say_kernel(entry->kernel, kernel.size, info.version);

	/* boot.rst: real-mode part = (setup_sects + 1) * 512 bytes at X. */
	if (!file_read_say(entry->kernel, &kernel, 0, realmode,
		       info.setup_bytes))
		return false;
	sha256_init(&h);
	if (entry->kernel_hash.set)
		sha256_update(&h, realmode, info.setup_bytes);
	trace(TRACE_SETUP, (unsigned long long)REALMODE_KERNEL_ADDR,
	      info.setup_bytes, info.setup_sects);

	/* The protected-mode part, the rest of the file, at 0x100000. */
	if (!file_read_say(entry->kernel, &kernel, info.setup_bytes,
		       (void *)BZIMAGE_LOAD_ADDR, (uint32_t)info.kernel_bytes))
		return false;
	if (entry->kernel_hash.set) {
		sha256_update(&h, (void *)BZIMAGE_LOAD_ADDR,
			      (size_t)info.kernel_bytes);
		if (!hash_matches(entry->kernel, &entry->kernel_hash, &h))
			return false;
	}
	phase_mark("kernel", entry->kernel, kernel.size);
	load.kernel_addr = BZIMAGE_LOAD_ADDR;
	trace(TRACE_KERNEL, (unsigned long long)load.kernel_addr,
	      (unsigned long long)info.kernel_bytes,
	      (unsigned long long)bzimage_kernel_span(&info));

	/* The initrds, concatenated, as high as the rules allow. */
	for (unsigned i = 0; i < entry->initrd_count; i++) {
		if (!file_open_say(entry->initrd[i], &initrd[i]))
			return false;
		initrd_total = align4(initrd_total) + initrd[i].size;
	}
	if (initrd_total) {
		if (!bzimage_place_initrd(&info, map, map_len,
					  load.kernel_addr, initrd_total,
					  false, &load.initrd_addr)) {
			load_say_initrd_no_room(entry->initrd[0], initrd_total,
						info.initrd_addr_max,
						placement_initrd_room(
							&info, map, map_len,
							load.kernel_addr,
							false));
			return false;
		}
		load.initrd_size = initrd_total;
	}
	offset = 0;
	for (unsigned i = 0; i < entry->initrd_count; i++) {
		uint8_t *dst;

		/* Zero the padding before each piece. */
		while (offset & 3)
			*(uint8_t *)(uintptr_t)(load.initrd_addr + offset++) = 0;
		dst = (uint8_t *)(uintptr_t)(load.initrd_addr + offset);
		load_say_initrd(entry->initrd[i], initrd[i].size);
		if (!file_read_say(entry->initrd[i], &initrd[i], 0, dst,
			       initrd[i].size))
			return false;
		if (entry->initrd_hash[i].set) {
			sha256_init(&h);
			sha256_update(&h, dst, initrd[i].size);
			if (!hash_matches(entry->initrd[i],
					  &entry->initrd_hash[i], &h))
				return false;
		}
		phase_mark("initrd", entry->initrd[i], initrd[i].size);
		trace(TRACE_INITRD, entry->initrd[i],
		      (unsigned long long)(uintptr_t)dst, (unsigned)initrd[i].size);
		offset += initrd[i].size;
	}

	/* boot.rst "Sample Boot Configuration": cmdline at X+0xe000. */
	memcpy(realmode + REALMODE_CMDLINE_OFFSET, entry->cmdline,
	       cmdline_len + 1);
	load.cmdline_addr = REALMODE_KERNEL_ADDR + REALMODE_CMDLINE_OFFSET;
	load.heap_end_ptr = REALMODE_HEAP_END_PTR;
	load.set_vid_mode = bzimage_cmdline_vid_mode(entry->cmdline,
						     &load.vid_mode);
	bzimage_write_header((struct setup_header *)(realmode +
						     SETUP_HEADER_OFFSET),
			     &load);

	trace_handover(&load, entry->cmdline);
	load_say_starting();

	/* boot.rst "Running the Kernel". */
	linux_jump16(REALMODE_KERNEL_ADDR >> 4, REALMODE_HEAP_END);
}
