// SPDX-License-Identifier: MIT
/*
 * linux.c - the kernel side of the UEFI loader: load the bzImage, the
 * initrd(s) and the command line where the boot protocol allows, build
 * boot_params, and enter the kernel (Documentation/x86/boot.rst, "64-bit
 * Boot Protocol").
 *
 * Runs under boot services, in long mode, until linux_start_kernel(), which
 * runs after ExitBootServices. Only the protected-mode part of the bzImage
 * is loaded; its setup code (the real-mode part) never runs on this path,
 * only its header is copied into boot_params. The checks and the header
 * writes are the shared ones of common/bzimage.c, so this loader, stage2
 * and mkdisk accept the same kernels and say the same things about them.
 */
#include "loader.h"
#include "fmt.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * boot.rst "init_size": the kernel runtime start, where the decompressor
 * works on init_size bytes, is align_up(load_address, kernel_alignment)
 * for a relocatable kernel and pref_address otherwise. The decompressor
 * (arch/x86/boot/compressed/head_64.S) also never runs below
 * LOAD_PHYSICAL_ADDR, which is what such kernels put in pref_address: a
 * kernel loaded at 1 MiB runs from 16 MiB.
 */
static uint64_t linux_runtime_start(const struct bzimage_info *info,
				    uint64_t load_addr)
{
	uint64_t start = load_addr;

	if (!info->relocatable)
		return info->pref_address;
	if (info->kernel_alignment)
		start = align_up(start, info->kernel_alignment);
	if (start < info->pref_address)
		start = info->pref_address;
	return start;
}

/*
 * Try to put the kernel at addr: allocate from there to the end of what it
 * uses, the loaded file (kernel_span, at least init_size bytes) and the
 * runtime range [runtime start, + init_size), as one range.
 */
static bool linux_try_kernel_at(struct loader *ld, uint64_t addr)
{
	const struct bzimage_info *info = &ld->info;
	uint64_t run = linux_runtime_start(info, addr);
	uint64_t end = addr + bzimage_kernel_span(info);
	bool high_ok = info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;

	if (run + info->init_size > end)
		end = run + info->init_size;
	end = align_up(end, EFI_PAGE_BYTES);
	if (addr < MIB || (addr & (EFI_PAGE_BYTES - 1)) ||
	    (!high_ok && end > FOUR_GIB))
		return false;
	if (!memory_alloc_at(addr, end - addr, EfiLoaderCode)) {
		console_trace(ld, "kernel range 0x%llx-0x%llx is not free\n",
			      (unsigned long long)addr,
			      (unsigned long long)end);
		return false;
	}
	ld->load.kernel_addr = addr;
	ld->kernel_run_addr = run;
	console_trace(ld, "kernel at 0x%llx, reserved up to 0x%llx, runs "
		      "from 0x%llx (init_size 0x%x)\n",
		      (unsigned long long)addr, (unsigned long long)end,
		      (unsigned long long)run, info->init_size);
	return true;
}

/* Any free range for a relocatable kernel, kernel_alignment aligned. */
static bool linux_try_kernel_anywhere(struct loader *ld)
{
	const struct bzimage_info *info = &ld->info;
	uint64_t align = info->kernel_alignment ? info->kernel_alignment :
						  EFI_PAGE_BYTES;
	struct e820_entry *ranges;
	unsigned count;
	bool ok = false;

	ranges = memory_free_ranges(&count);
	if (!ranges)
		return false;
	for (unsigned i = 0; i < count && !ok; i++) {
		uint64_t lo = ranges[i].addr, hi = lo + ranges[i].size;
		uint64_t addr = align_up(lo < info->pref_address ?
					 info->pref_address : lo, align);

		if (addr + bzimage_kernel_span(info) <= hi)
			ok = linux_try_kernel_at(ld, addr);
	}
	BS->FreePool(ranges);
	return ok;
}

/*
 * boot.rst: the protected-mode part goes to code32_start (0x100000) when
 * that range is free, else to pref_address, else, for a relocatable
 * kernel, to any kernel_alignment-aligned range.
 */
static bool linux_place_kernel(struct loader *ld)
{
	const struct bzimage_info *info = &ld->info;

	if (linux_try_kernel_at(ld, info->code32_start))
		return true;
	if (info->pref_address != info->code32_start &&
	    linux_try_kernel_at(ld, info->pref_address))
		return true;
	if (info->relocatable && linux_try_kernel_anywhere(ld))
		return true;
	console_printf("linux: %s: no free memory for the kernel (%llu "
		       "bytes from 0x%x, init_size %u)%s\n", ld->entry->kernel,
		       (unsigned long long)bzimage_kernel_span(info),
		       info->code32_start, info->init_size,
		       info->relocatable ? "" :
		       "; the kernel is not relocatable");
	return false;
}

bool linux_load_kernel(struct loader *ld)
{
	const char *path = ld->entry->kernel;
	struct bzimage_info *info = &ld->info;
	enum bzimage_error err;
	EFI_FILE_HANDLE fh;
	char msg[256];
	uint64_t size, head;
	bool ok;

	if (!file_open(ld, path, &fh, &size))
		return false;
	console_printf("bzboot: loading %s (%llu bytes)\n", path,
		       (unsigned long long)size);
	/* The setup code too, not only BZIMAGE_PROBE_BYTES: the version. */
	head = size < sizeof(ld->kernel_head) ? size : sizeof(ld->kernel_head);
	if (!file_read(fh, path, 0, ld->kernel_head, head)) {
		file_close(fh);
		return false;
	}
	err = bzimage_check(ld->kernel_head, (size_t)head, size, info);
	if (err != BZIMAGE_OK) {
		bzimage_format_error(msg, sizeof(msg), path, err, info);
		console_printf("linux: %s\n", msg);
		file_close(fh);
		return false;
	}
	/*
	 * boot.rst: XLF_KERNEL_64 means a 64-bit entry at +0x200; without
	 * it (a 32-bit kernel) only the 32-bit protocol remains.
	 */
	ld->entry_32 = !(info->xloadflags & XLF_KERNEL_64);
	if (bzimage_version_string(ld->kernel_head, (size_t)head, msg,
				   sizeof(msg)))
		console_trace(ld, "kernel %s, protocol %u.%02u, %s entry\n",
			      msg, info->version >> 8, info->version & 0xff,
			      ld->entry_32 ? "32-bit" : "64-bit");
	if (!linux_place_kernel(ld)) {
		file_close(fh);
		return false;
	}
	/* The 32-bit entry leaves long mode from a page below 4 GiB. */
	if (ld->entry_32 && !memory_alloc_below(EFI_BELOW_4G, EFI_PAGE_BYTES,
						EfiLoaderCode,
						&ld->trampoline_addr)) {
		file_close(fh);
		return false;
	}
	/* The whole protected-mode part in one read: see file.c. */
	ok = file_read(fh, path, info->setup_bytes,
		       (void *)ld->load.kernel_addr, info->kernel_bytes);
	file_close(fh);
	return ok;
}

bool linux_load_initrds(struct loader *ld)
{
	const struct config_entry *e = ld->entry;
	EFI_FILE_HANDLE fh[CONFIG_MAX_INITRDS];
	uint64_t size[CONFIG_MAX_INITRDS], offset[CONFIG_MAX_INITRDS];
	uint64_t total = 0, addr = 0;
	struct e820_entry *ranges;
	unsigned n = e->initrd_count, opened, count;
	bool placed, ok = false;

	if (n == 0)
		return true;
	/*
	 * The pieces are concatenated, each starting 4-byte aligned: the
	 * kernel's cpio unpacker rejects an archive that does not.
	 */
	for (opened = 0; opened < n; opened++) {
		if (!file_open(ld, e->initrd[opened], &fh[opened],
			       &size[opened]))
			goto out;
		offset[opened] = align_up(total, 4);
		total = offset[opened] + size[opened];
	}
	if (total == 0) {
		console_printf("linux: the initrd is empty (%s)\n",
			       e->initrd[0]);
		goto out;
	}

	/* As high as possible below initrd_addr_max, clear of the kernel. */
	ranges = memory_free_ranges(&count);
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
	BS->FreePool(ranges);
	if (!placed || !memory_alloc_at(addr, total, EfiLoaderData)) {
		console_printf("linux: no room for the initrd (%llu bytes "
			       "below initrd_addr_max 0x%x)\n",
			       (unsigned long long)total,
			       ld->info.initrd_addr_max);
		goto out;
	}
	console_trace(ld, "initrd at 0x%llx, %llu bytes\n",
		      (unsigned long long)addr, (unsigned long long)total);

	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)addr;
		uint64_t end = i + 1 < n ? offset[i + 1] : total;

		console_printf("bzboot: loading %s (%llu bytes)\n",
			       e->initrd[i], (unsigned long long)size[i]);
		if (!file_read(fh[i], e->initrd[i], 0, p + offset[i],
			       size[i]))
			goto out;
		for (uint64_t j = offset[i] + size[i]; j < end; j++)
			p[j] = 0;
	}
	ld->load.initrd_addr = addr;
	ld->load.initrd_size = total;
	ok = true;
out:
	for (unsigned i = 0; i < opened; i++)
		file_close(fh[i]);
	return ok;
}

bool linux_set_cmdline(struct loader *ld)
{
	const char *cmdline = ld->entry->cmdline;
	size_t len = 0;
	uint64_t addr;
	char *p;

	while (cmdline[len])
		len++;
	if (!bzimage_cmdline_fits(&ld->info, len)) {
		console_printf("linux: command line is %llu bytes, the kernel "
			       "takes at most %u (cmdline_size)\n",
			       (unsigned long long)len, ld->info.cmdline_size);
		return false;
	}
	/* Below 4 GiB: cmd_line_ptr then holds the whole address. */
	if (!memory_alloc_below(EFI_BELOW_4G, len + 1, EfiLoaderData, &addr))
		return false;
	p = (char *)addr;
	for (size_t i = 0; i <= len; i++)
		p[i] = cmdline[i];
	ld->load.cmdline_addr = addr;
	ld->load.set_vid_mode = bzimage_cmdline_vid_mode(cmdline,
							 &ld->load.vid_mode);
	console_trace(ld, "command line at 0x%llx: %s\n",
		      (unsigned long long)addr, cmdline);
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
	/* The header writes of boot.rst, and their ext_* high halves. */
	bzimage_write_boot_params(ld->bp, &ld->load);
	console_trace(ld, "boot_params at 0x%llx\n", (unsigned long long)addr);
	return true;
}

void linux_start_kernel(struct loader *ld)
{
	uint64_t entry = ld->load.kernel_addr;

	/* boot.rst: the 64-bit entry is the load address plus 0x200. */
	if (!ld->entry_32)
		entry += KERNEL_64_ENTRY_OFFSET;
	/* After ExitBootServices: on COM1 only. */
	console_trace(ld, "%u e820 ranges; jumping to 0x%llx (%s), "
		      "boot_params at 0x%llx\n", ld->bp->e820_entries,
		      (unsigned long long)entry,
		      ld->entry_32 ? "32-bit protocol" : "64-bit protocol",
		      (unsigned long long)ld->bp);
	if (ld->entry_32)
		handover_jump_32(ld->trampoline_addr, ld->bp,
				 (uint32_t)entry);
	handover_jump_64(entry, ld->bp);
}
