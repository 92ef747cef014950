// SPDX-License-Identifier: MIT
/*
 * load.c - the lines of core/load.h, once for both loaders. The trace's
 * formats are common/trace.h's; the other lines are here, and
 * docs/errors.md lists them.
 */
#include "console.h"
#include "load.h"
#include "trace.h"

static unsigned long long kib(uint64_t bytes)
{
	return (unsigned long long)(bytes >> 10);
}

void load_say_kernel(const char *path, uint64_t size, uint16_t version)
{
	console_printf("bzboot: loading %s (%llu KiB, protocol %u.%02u)\n",
		       path, kib(size), version >> 8, version & 0xff);
	trace(TRACE_FILE, path, (unsigned long long)size, version >> 8,
	      version & 0xff);
}

void load_say_initrd(const char *path, uint64_t size)
{
	console_printf("bzboot: loading %s (%llu KiB)\n", path, kib(size));
}

void load_say_initrd_no_room(const char *path, uint64_t total,
			     uint32_t addr_max, uint64_t room)
{
	/* Rounded up: a missing part of a KiB is still missing. */
	uint64_t missing = total > room ? total - room : 0;

	console_printf("linux: %s: %llu KiB of initrd do not fit in free RAM "
		       "below initrd_addr_max 0x%08x clear of the kernel: "
		       "%llu KiB missing\n", path, kib(total), addr_max,
		       kib(missing + 1023));
}

void load_trace_handover(const struct linux_load *load,
			 const struct setup_header *hdr, uint64_t boot_params,
			 const char *cmdline, unsigned reads)
{
	unsigned len = 0;

	if (!trace_on)
		return;
	while (cmdline[len])
		len++;
	if (load->initrd_size)
		console_printf(TRACE_RAMDISK,
			       (unsigned long long)load->initrd_addr,
			       (unsigned long long)load->initrd_size);
	console_printf(TRACE_CMDLINE, (unsigned long long)load->cmdline_addr,
		       len, cmdline);
	console_printf(TRACE_BOOT_PARAMS, (unsigned long long)boot_params);
	console_printf(TRACE_HEADER, hdr->type_of_loader, hdr->loadflags,
		       hdr->heap_end_ptr, hdr->cmd_line_ptr,
		       hdr->ramdisk_image, hdr->ramdisk_size, hdr->vid_mode,
		       hdr->code32_start);
	console_printf(TRACE_READS, reads);
}

void load_say_starting(void)
{
	console_printf("bzboot: starting Linux\n");
}
