/* SPDX-License-Identifier: MIT */
/*
 * load.h - what both loaders say while they load an entry, written once:
 * the kernel and initrd lines, the initrd that does not fit, the trace's
 * hand-over lines and the last line before the jump. The backends
 * (boot/stage2/linux.c, efi/linux.c) load and place; they call these to
 * say so, so that a message is found in one place and reads the same on
 * both firmwares.
 */
#ifndef CORE_LOAD_H
#define CORE_LOAD_H

#include <stdint.h>

#include "bzimage.h"

/* "bzboot: loading PATH (N KiB, protocol X.YY)" and the trace's file line. */
void load_say_kernel(const char *path, uint64_t size, uint16_t version);
/* "bzboot: loading PATH (N KiB)", before each initrd is read. */
void load_say_initrd(const char *path, uint64_t size);
/*
 * The initrds, total bytes together, fit nowhere below initrd_addr_max
 * (addr_max) clear of the kernel; the largest place has room bytes.
 * path: the first initrd, the one the entry names first.
 */
void load_say_initrd_no_room(const char *path, uint64_t total,
			     uint32_t addr_max, uint64_t room);
/*
 * The trace's last lines before the jump: the ramdisk, the command line,
 * the zero page's address, the header read back from where the kernel
 * reads it (hdr), and the disk requests made. Nothing with the trace off.
 */
void load_trace_handover(const struct linux_load *load,
			 const struct setup_header *hdr, uint64_t boot_params,
			 const char *cmdline, unsigned reads);
/* "bzboot: starting Linux": the last line before the kernel's own. */
void load_say_starting(void);

#endif /* CORE_LOAD_H */
