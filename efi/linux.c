// SPDX-License-Identifier: MIT
/*
 * linux.c - the kernel side of the UEFI loader: load the bzImage, the
 * initrd(s) and the command line where the boot protocol allows, build
 * boot_params, and enter the kernel (Documentation/x86/boot.rst, "64-bit
 * Boot Protocol", or "32-bit Boot Protocol" for a kernel without a 64-bit
 * entry).
 *
 * Runs under boot services, in long mode, until linux_start_kernel(), which
 * runs after ExitBootServices. Only the protected-mode part of the bzImage
 * is loaded; its setup code (the real-mode part) never runs on this path,
 * only its header is copied into boot_params. The checks and the header
 * writes are the shared ones of common/bzimage.c, so this loader, stage2
 * and mkdisk accept the same kernels and say the same things about them.
 */
#include "file.h"
#include "load.h"
#include "loader.h"
#include "phase.h"
#include "trace.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * boot.rst min_alignment (2.10+): the alignment the kernel needs at least,
 * as a power of two; a loader may use it instead of kernel_alignment.
 */
static uint64_t linux_min_alignment(const struct loader *ld)
{
	const struct setup_header *hdr = (const struct setup_header *)
		(ld->kernel_head + SETUP_HEADER_OFFSET);
	uint8_t log2 = hdr->min_alignment;

	if (ld->info.version < BOOT_PROTOCOL(2, 10) || log2 >= 32)
		return 0;
	return 1ull << log2;
}

/*
 * Where the protected-mode part goes: common/placement.c picks the place
 * (code32_start, pref_address, then any place a relocatable kernel may
 * run from, kernel_alignment down to min_alignment) and memory.c claims
 * its free pages. The runtime range may lie on boot services memory,
 * which is free once we exit (placement.h says why that is safe).
 */
static bool linux_place_kernel(struct loader *ld)
{
	struct placement_kernel *k = &ld->kernel;

	if (!memory_place_kernel(ld, linux_min_alignment(ld)))
		return false;
	console_trace(ld, "trace: place 0x%08llx-0x%08llx runs 0x%08llx-"
		      "0x%08llx align 0x%llx taken\n",
		      (unsigned long long)k->file.start,
		      (unsigned long long)k->file.end,
		      (unsigned long long)k->run.start,
		      (unsigned long long)k->run.end,
		      (unsigned long long)k->align);
	/*
	 * boot.rst (min_alignment): a loader that uses less than
	 * kernel_alignment writes the alignment it used there
	 * (linux_init_boot_params()); the initrd's placement reads it too.
	 */
	if (k->align < ld->info.kernel_alignment)
		ld->info.kernel_alignment = (uint32_t)k->align;
	ld->load.kernel_addr = k->load;
	return true;
}

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
	if (mem_equal(got, want->sha256, sizeof(got)))
		return true;
	config_format_hash_mismatch(msg, sizeof(msg), "linux", path,
				    want->sha256, got);
	console_printf("%s\n", msg);
	return false;
}

bool linux_load_kernel(struct loader *ld)
{
	const char *path = ld->entry->kernel;
	struct bzimage_info *info = &ld->info;
	enum bzimage_error err;
	struct file fh;
	char msg[256];
	uint64_t size, head;
	struct sha256 h;
	bool ok;

	/* The header: is this a bzImage we can boot? */
	if (!file_open_say(path, &fh))
		return false;
	size = fh.size;
	/* The setup code too, not only BZIMAGE_PROBE_BYTES: the version. */
	head = size < sizeof(ld->kernel_head) ? size : sizeof(ld->kernel_head);
	if (!file_read_say(path, &fh, 0, ld->kernel_head, head)) {
		file_close(&fh);
		return false;
	}
	err = bzimage_check(ld->kernel_head, (size_t)head, size, info);
	if (err != BZIMAGE_OK) {
		bzimage_format_error(msg, sizeof(msg), path, err, info);
		console_printf("linux: %s\n", msg);
		file_close(&fh);
		return false;
	}
	load_say_kernel(path, size, info->version);
	if (bzimage_version_string(ld->kernel_head, (size_t)head, msg,
				   sizeof(msg)))
		console_trace(ld, "trace: version %s\n", msg);

	/*
	 * boot.rst: XLF_KERNEL_64 means a 64-bit entry at +0x200; without
	 * it (a 32-bit kernel) only the 32-bit protocol remains.
	 */
	ld->entry_32 = !(info->xloadflags & XLF_KERNEL_64);
	if (!linux_place_kernel(ld)) {
		file_close(&fh);
		return false;
	}
	/* The 32-bit entry leaves long mode from a page below 4 GiB. */
	if (ld->entry_32 && !memory_alloc_below(EFI_BELOW_4G, EFI_PAGE_SIZE,
						EfiLoaderCode,
						&ld->trampoline_addr)) {
		file_close(&fh);
		return false;
	}

	/* The whole protected-mode part in one read: see file.c. */
	ok = file_read_say(path, &fh, info->setup_bytes,
			   (void *)ld->load.kernel_addr, info->kernel_bytes);
	file_close(&fh);
	/* The file is the setup part (read into kernel_head) and the rest. */
	if (ok && ld->entry->kernel_hash.set) {
		sha256_init(&h);
		sha256_update(&h, ld->kernel_head, info->setup_bytes);
		sha256_update(&h, (void *)ld->load.kernel_addr,
			      info->kernel_bytes);
		ok = hash_matches(path, &ld->entry->kernel_hash, &h);
	}
	/* PCR 9: the kernel file, as loaded (trust.c). */
	if (ok)
		ok = tpm_measure_kernel(ld);
	if (ok)
		phase_mark("kernel", path, size);
	if (ok)
		console_trace(ld, TRACE_KERNEL,
			      (unsigned long long)ld->load.kernel_addr,
			      (unsigned long long)info->kernel_bytes,
			      (unsigned long long)bzimage_kernel_span(info));
	return ok;
}

bool linux_load_initrds(struct loader *ld)
{
	const struct config_entry *e = ld->entry;
	struct file fh[CONFIG_MAX_INITRDS];
	uint64_t size[CONFIG_MAX_INITRDS], offset[CONFIG_MAX_INITRDS];
	uint64_t total = 0, addr = 0, room = 0;
	struct memory_map snapshot;
	struct e820_entry *ranges;
	unsigned n = e->initrd_count, opened, count;
	bool placed, ok = false;

	if (n == 0)
		return true;
	/*
	 * docs/boot-protocol.md, 1: the pieces are concatenated, each
	 * starting 4-byte aligned, or the kernel's cpio unpacker rejects
	 * the next one.
	 */
	for (opened = 0; opened < n; opened++) {
		if (!file_open_say(e->initrd[opened], &fh[opened]))
			goto out;
		size[opened] = fh[opened].size;
		offset[opened] = align_up(total, 4);
		total = offset[opened] + size[opened];
	}
	if (total == 0) {
		console_printf("linux: %s: the initrd is empty\n",
			       e->initrd[0]);
		goto out;
	}

	/* As high as possible below initrd_addr_max, clear of the kernel. */
	ranges = memory_free_ranges(&snapshot, &count);
	if (!ranges)
		goto out;
	placed = bzimage_place_initrd(&ld->info, ranges, count,
				      ld->load.kernel_addr, total, false,
				      &addr);
	/* zero-page.rst: above 4 GiB only with XLF_CAN_BE_LOADED_ABOVE_4G. */
	if (!placed)
		placed = bzimage_place_initrd(&ld->info, ranges, count,
					      ld->load.kernel_addr, total,
					      true, &addr);
	if (!placed)
		room = placement_initrd_room(&ld->info, ranges, count,
					     ld->load.kernel_addr, true);
	memory_free_snapshot(&snapshot);
	if (!placed || !memory_alloc_at(addr, total, EfiLoaderData)) {
		load_say_initrd_no_room(e->initrd[0], total,
					ld->info.initrd_addr_max, room);
		goto out;
	}
	ld->load.initrd_addr = addr;
	ld->load.initrd_size = total;

	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)addr;
		uint64_t end = i + 1 < n ? offset[i + 1] : total;

		load_say_initrd(e->initrd[i], size[i]);
		if (!file_read_say(e->initrd[i], &fh[i], 0, p + offset[i],
				   size[i]))
			goto out;
		if (e->initrd_hash[i].set) {
			struct sha256 h;

			sha256_init(&h);
			sha256_update(&h, p + offset[i], size[i]);
			if (!hash_matches(e->initrd[i], &e->initrd_hash[i],
					  &h))
				goto out;
		}
		/* PCR 9: each initrd, as loaded (trust.c). */
		if (!tpm_measure_initrd(e->initrd[i], p + offset[i], size[i]))
			goto out;
		/* Zero the padding up to the next piece. */
		for (uint64_t j = offset[i] + size[i]; j < end; j++)
			p[j] = 0;
		phase_mark("initrd", e->initrd[i], size[i]);
		console_trace(ld, TRACE_INITRD, e->initrd[i],
			      (unsigned long long)(addr + offset[i]),
			      (unsigned)size[i]);
	}
	ok = true;
out:
	for (unsigned i = 0; i < opened; i++)
		file_close(&fh[i]);
	return ok;
}

bool linux_set_cmdline(struct loader *ld)
{
	const char *cmdline = ld->entry->cmdline;
	size_t len = str_len(cmdline);
	uint64_t addr;
	char *p;

	if (!bzimage_cmdline_fits(&ld->info, len)) {
		console_printf("linux: %s: command line is %u bytes, the "
			       "kernel takes at most %u (cmdline_size)\n",
			       ld->entry->kernel, (unsigned)len,
			       ld->info.cmdline_size);
		return false;
	}
	/* Below 4 GiB: cmd_line_ptr then holds the whole address. */
	if (!memory_alloc_below(EFI_BELOW_4G, len + 1, EfiLoaderData, &addr))
		return false;
	p = (char *)addr;
	for (size_t i = 0; i <= len; i++)
		p[i] = cmdline[i];
	ld->load.cmdline_addr = addr;
	/* PCR 8: the command line the kernel gets (trust.c). */
	if (!tpm_measure_cmdline(p, len))
		return false;
	ld->load.set_vid_mode = bzimage_cmdline_vid_mode(cmdline,
							 &ld->load.vid_mode);
	return true;
}

bool linux_init_boot_params(struct loader *ld)
{
	uint64_t addr;

	if (!memory_alloc_below(EFI_BELOW_4G, sizeof(struct boot_params),
				EfiLoaderData, &addr))
		return false;
	ld->bp = (struct boot_params *)addr;
	/* Zeroed, then the setup header copied from the file, 0x1f1 on. */
	bzimage_init_boot_params(ld->bp, ld->kernel_head, &ld->info);
	/* A smaller alignment the kernel was placed with, if any. */
	if (ld->info.version >= BOOT_PROTOCOL(2, 10) && ld->info.relocatable)
		ld->bp->hdr.kernel_alignment = ld->info.kernel_alignment;
	/* The header writes of boot.rst, and their ext_* high halves. */
	bzimage_write_boot_params(ld->bp, &ld->load);
	/*
	 * zero-page.rst secure_boot: the kernel's stub would read it from
	 * the firmware; bzboot skips the stub, so it says it (trust.c).
	 */
	ld->bp->secure_boot = ld->secure_boot;
	return true;
}

/* The trace's lines about what the kernel will find, as stage2's. */
void linux_trace_handover(struct loader *ld)
{
	/* Read the header back from where the kernel will read it. */
	load_trace_handover(&ld->load, &ld->bp->hdr, (uint64_t)ld->bp,
			    ld->entry->cmdline, ld->reads);
}

void linux_unload(struct loader *ld)
{
	memory_unclaim_kernel(ld);
	if (ld->trampoline_addr)
		memory_free(ld->trampoline_addr, EFI_PAGE_SIZE);
	if (ld->load.initrd_addr)
		memory_free(ld->load.initrd_addr, ld->load.initrd_size);
	if (ld->load.cmdline_addr)
		memory_free(ld->load.cmdline_addr,
			    str_len(ld->entry->cmdline) + 1);
	if (ld->bp)
		memory_free((uint64_t)ld->bp, sizeof(*ld->bp));
	if (ld->map.buf)
		memory_free((uint64_t)ld->map.buf, ld->map_alloc_bytes);
	ld->trampoline_addr = 0;
	ld->bp = NULL;
	ld->map.buf = NULL;
	ld->load = (struct linux_load){ 0 };
}

void linux_start_kernel(struct loader *ld)
{
	const struct boot_params *bp = ld->bp;
	uint64_t entry = ld->load.kernel_addr;

	/* After ExitBootServices these lines go to COM1 only. */
	for (unsigned i = 0; ld->trace && i < bp->e820_entries; i++) {
		struct e820_entry e = bp->e820_table[i];

		console_trace(ld, TRACE_E820, (unsigned long long)e.addr,
			      (unsigned long long)(e.addr + e.size - 1),
			      e820_type_name(e.type));
	}
	phase_mark("jump", NULL, 0);
	if (ld->entry_32) {
		/* boot.rst: the 32-bit entry is the load address itself. */
		console_trace(ld, TRACE_JUMP32, (unsigned long long)entry,
			      (unsigned long long)bp, BOOT_CS, BOOT_DS);
		handover_jump_32(ld->trampoline_addr, ld->bp,
				 (uint32_t)entry);
	}
	/* boot.rst: the 64-bit entry is the load address plus 0x200. */
	entry += KERNEL_64_ENTRY_OFFSET;
	console_trace(ld, TRACE_JUMP64, (unsigned long long)entry,
		      (unsigned long long)bp, BOOT_CS, BOOT_DS);
	handover_jump_64(entry, ld->bp);
}
