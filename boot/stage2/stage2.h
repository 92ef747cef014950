/* SPDX-License-Identifier: MIT */
/*
 * stage2.h - what stage2's modules offer each other. stage2 runs in 32-bit
 * protected mode with flat segments, below 1 MiB (layout.h), and reaches
 * the BIOS through bios_int() (bios.h).
 */
#ifndef BOOT_STAGE2_STAGE2_H
#define BOOT_STAGE2_STAGE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ata.h"
#include "config.h"
#include "console.h"
#include "fat.h"
#include "linux_boot.h"

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/*
 * console.c: the backend's console for core/platform.h, VGA text through
 * INT 10h or the text buffer, and COM1. Messages go through core/console.h.
 */
void console_init(void);
/* Print one line, then core's console_fatal(): wait for a key, reboot. */
__attribute__((noreturn, format(printf, 1, 2)))
void fatal(const char *fmt, ...);

/* a20.c */
void a20_enable(void);

/* e820.c */
#define E820_MAX_ENTRIES E820_MAX_ENTRIES_ZEROPAGE
unsigned e820_read_map(struct e820_entry *map, unsigned max);
void e820_print_map(const struct e820_entry *map, unsigned len);

/* disk.c */
void disk_init(uint8_t drive);
uint64_t disk_sectors(void);
/*
 * Read by ATA DMA from now on if allowed (config "disk auto") and the
 * drive is provably an IDE disk ata.c can drive: its EDD 3.0 device path,
 * IDENTIFY DEVICE and sample reads at LBA 0, sample_lba and the last
 * sector, compared with INT 13h. Otherwise INT 13h stays; trace says why.
 */
void disk_enable_dma(bool allowed, uint64_t sample_lba);
/* Read count sectors at lba to dst (anywhere in memory); 0 on success. */
int disk_read_sectors(uint64_t lba, uint32_t count, void *dst);
/* Disk requests made so far, INT 13h calls and DMA commands (the trace). */
unsigned disk_read_count(void);
/*
 * Write count sectors (at most 127) at lba from src through INT 13h
 * AH=43h, never by DMA; 0 or the BIOS status, after a message.
 */
int disk_write_sectors(uint64_t lba, uint32_t count, const void *src);
/* clock.c: the loader's clock starts (core/phase.h), PIT channel 2 too. */
void clock_start(void);
/* disk_read_sectors() as a callback (the GPT reader's). */
int disk_read_callback(void *ctx, uint64_t lba, uint32_t count, void *buf);

/* ata.c: the boot disk's IDE channel, read by bus-master DMA. */
/* Sectors per READ DMA EXT command: 16 MiB. */
#define ATA_DMA_MAX_SECTORS	32768
/* Find the channel (loc: from EDD 3.0, drivers/edd.c), IDENTIFY the device; NULL when usable, else why not. */
const char *ata_open(const struct ata_location *loc, uint64_t sectors);
/*
 * One command (drivers/ata.c) on the open channel: count (<=
 * ATA_DMA_MAX_SECTORS) sectors to addr (even).
 */
bool ata_read_channel(uint64_t lba, uint32_t count, uint32_t addr,
		      struct ata_error *err);
/* Stop using the channel; bus mastering back as the BIOS had it. */
void ata_close(void);

/*
 * linux.c: load the entry's kernel and initrds, and jump. Returns false,
 * after printing why, only when the entry cannot be booted.
 */
bool linux_boot(const struct config_entry *entry,
		const struct e820_entry *map, unsigned map_len);

/* platform.c: what the core's operations work on, set up by main.c. */
extern struct e820_entry e820_map[E820_MAX_ENTRIES];
extern unsigned e820_len;

/* handover.asm */
__attribute__((noreturn))
void linux_jump16(uint16_t seg, uint16_t sp);

#endif /* BOOT_STAGE2_STAGE2_H */
