/* SPDX-License-Identifier: MIT */
/*
 * trace.h - the boot trace: what both loaders print, one fact per line,
 * when the config says "trace on" (or T is held at start on the BIOS path).
 *
 * The lines are the same on the BIOS and UEFI paths, so that a reader can
 * put two traces side by side and a test can check each number against what
 * the probe kernel (tests/probe) reports it was handed. Every format is here
 * once; docs/boot-protocol.md explains each line.
 */
#ifndef COMMON_TRACE_H
#define COMMON_TRACE_H

/* A range of the memory map: start, end (inclusive), type name. */
#define TRACE_E820	"trace: e820 0x%016llx-0x%016llx %s\n"
/* The kernel file: path, size, protocol major.minor. */
#define TRACE_FILE	"trace: file %s size 0x%llx protocol %u.%02u\n"
/* Real-mode part (BIOS): address, bytes, setup sectors. */
#define TRACE_SETUP	"trace: setup 0x%08llx size 0x%x setup_sects %u\n"
/* Protected-mode part: address, bytes, bytes reserved (init_size rule). */
#define TRACE_KERNEL	"trace: kernel 0x%08llx size 0x%llx span 0x%llx\n"
/* One initrd file: path, address, bytes. */
#define TRACE_INITRD	"trace: initrd %s 0x%08llx size 0x%x\n"
/* All initrds together, as the kernel sees them. */
#define TRACE_RAMDISK	"trace: ramdisk 0x%08llx size 0x%llx\n"
/* The command line: address, length without the NUL, text. */
#define TRACE_CMDLINE	"trace: cmdline 0x%08llx size %u \"%s\"\n"
/* The zero page (BIOS: the real-mode part, the kernel builds its own). */
#define TRACE_BOOT_PARAMS "trace: boot_params 0x%08llx\n"
/* The header as written, read back from memory just before the jump. */
#define TRACE_HEADER	"trace: header type_of_loader=0x%02x loadflags=0x%02x " \
			"heap_end_ptr=0x%04x cmd_line_ptr=0x%08x " \
			"ramdisk_image=0x%08x ramdisk_size=0x%08x " \
			"vid_mode=0x%04x code32_start=0x%08x\n"
/*
 * The IDE channel a loader reads by DMA: vendor:device, PCI bus:dev.fn,
 * channel, master or slave, command and control ports; then the
 * bus-master block, and whether the loader turned bus mastering on.
 */
#define TRACE_ATA	"trace: ata %04x:%04x at %02x:%02x.%u channel %d %s, " \
			"ports 0x%x/0x%x\n"
#define TRACE_ATA_BM	"trace: ata bus master 0x%x%s\n"
#define TRACE_ATA_BM_ON	", bus mastering turned on"
/* Disk requests made to load everything. */
#define TRACE_READS	"trace: reads %u\n"
/*
 * A step of the boot done (core/phase.c): its name, ms from the loader's
 * start, ms since the last step's line, ms of it inside the block reads,
 * disk requests made; a step that read a file goes on with its bytes, the
 * rate over the step and its path. Then the end of the line.
 */
#define TRACE_PHASE	"trace: phase %s %u.%03u ms +%u.%03u ms disk %u.%03u ms " \
			"requests %u"
#define TRACE_PHASE_READ " bytes %llu %u.%u MiB/s %s"
/* The jump itself, with the registers the protocol defines. */
#define TRACE_JUMP16	"trace: jump 16-bit cs=0x%04x ip=0x0000 ds=es=fs=gs=ss=0x%04x " \
			"sp=0x%04x\n"
#define TRACE_JUMP32	"trace: jump 32-bit eip=0x%08llx esi=0x%08llx cs=0x%02x " \
			"ds=0x%02x\n"
#define TRACE_JUMP64	"trace: jump 64-bit rip=0x%llx rsi=0x%llx cs=0x%02x " \
			"ds=0x%02x\n"

#endif /* COMMON_TRACE_H */
