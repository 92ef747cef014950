/* SPDX-License-Identifier: MIT */
/*
 * fake_platform.h - core/platform.h on the host, for the unit tests of the
 * loader core: a clock that moves only when the core idles, a scripted
 * stream of keys and serial bytes (each due at a time), a captured screen,
 * files held in memory, and an entry boot that fails or "jumps" as told.
 * The core's noreturn ends (reboot, a kernel started, a wait no script
 * will ever answer) come back to the test through fake_run().
 */
#ifndef TESTS_UNIT_FAKE_PLATFORM_H
#define TESTS_UNIT_FAKE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* How a fake_run() ended. */
enum fake_end {
	FAKE_RETURNED,		/* the function returned */
	FAKE_REBOOTED,		/* plat_reboot() */
	FAKE_BOOTED,		/* plat_boot_entry() of an entry told to boot */
	FAKE_STUCK,		/* waiting, with nothing left in the script */
};

/* The clock advances by this much each plat_idle(). */
#define FAKE_IDLE_MS		10
/* Idle this long past the last scripted input: FAKE_STUCK. */
#define FAKE_STUCK_MS		(3600 * 1000)

/* Start afresh: empty screen, script, files; clock at 0; trace off. */
void fake_reset(void);
/* A key from the keyboard (enum key), due at at_ms. */
void fake_key(uint32_t at_ms, int key);
/* Bytes from the serial line, due at at_ms. */
void fake_serial(uint32_t at_ms, const char *bytes, size_t len);
/* A file on the boot volume; data is not copied. */
void fake_file(const char *path, const void *data, size_t size);
/*
 * The disk plat_block_read() reads and plat_block_write() writes: sectors
 * of image (not copied); a read that covers bad_lba (0: none) fails.
 */
void fake_disk(uint8_t *image, uint64_t sectors, uint64_t bad_lba);
/* plat_block_write() writes into that image; from now on it fails. */
void fake_disk_write_fails(void);
/* plat_block_write() calls that wrote, since fake_reset(). */
unsigned fake_disk_writes(void);
/* plat_block_read() calls since fake_reset(). */
unsigned fake_disk_reads(void);
/* plat_alloc() fails from now on. */
void fake_no_memory(void);
/* Entries whose plat_boot_entry() "starts the kernel"; others fail. */
void fake_bootable(const char *name);

/*
 * A Boot Loader Interface variable plat_loader_var() gives (value not
 * copied; a take deletes it; set again: replaced); at most four.
 * Deleting can be made to fail.
 */
void fake_loader_var(const char *name, const char *value);
void fake_loader_var_delete_fails(void);
/* Its value now, NULL when deleted or never set. */
const char *fake_loader_var_value(const char *name);

/* Run fn; how it ended. */
enum fake_end fake_run(void (*fn)(void));

/* All output so far, with "\r\n" turned into "\n". */
const char *fake_screen(void);
/*
 * Row row of the screen grid (clear, goto and text applied), trailing
 * blanks cut. Valid until the next call.
 */
const char *fake_row(unsigned row);
/* Keep a copy of row as it is at at_ms (the first idle from then on). */
void fake_snap(uint32_t at_ms, unsigned row);
const char *fake_snapped(void);
/* plat_screen_clear() calls so far. */
unsigned fake_clears(void);
/* The command line of the last entry plat_boot_entry() was given. */
const char *fake_cmdline(void);
unsigned fake_cursor_row(void);
unsigned fake_cursor_col(void);
/* Whether every "\n" written came as "\r\n". */
bool fake_screen_crlf(void);
uint32_t fake_now(void);
/* Names of the entries plat_boot_entry() was asked for, space-separated. */
const char *fake_tried(void);
/* Allocations not freed. */
int fake_allocs_live(void);

#endif /* TESTS_UNIT_FAKE_PLATFORM_H */
