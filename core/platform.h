/* SPDX-License-Identifier: MIT */
/*
 * platform.h - the seam between the loader core (core/) and a firmware
 * backend: every operation the core needs from the machine, declared once.
 * boot/stage2/platform.c defines them for the BIOS, efi/platform.c for
 * UEFI, tests/unit/fake_platform.c for the host tests (an in-memory file,
 * a scripted key stream, a captured screen).
 *
 * Plain extern functions, not a struct of function pointers: a binary
 * holds exactly one backend, so the linker binds each call once, with no
 * indirect calls, no table to initialise and no pointer relocations in the
 * position-independent EFI image; a backend that misses an operation fails
 * to link. The host fake is one more definition of the same functions.
 *
 * Nothing above this header knows which firmware it runs on. The core
 * calls these only after the backend's own set-up (console, disk, the
 * boot volume) is done.
 */
#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * Text to every output the loader owns: the screen, and the serial line
 * when the loader drives the UART itself. Written as given: the core sends
 * "\r\n" for a new line, as both a terminal and the screen want.
 */
void plat_console_write(const char *s, size_t len);

/*
 * The screen as a grid of SCREEN_ROWS x SCREEN_COLS cells, for the
 * full-screen menu: clear it (cursor to row 0, column 0), or move the
 * cursor; plat_console_write() then writes from there, on the screen and
 * on the serial line alike.
 *
 * Two operations rather than ANSI sequences the core would emit and each
 * backend would interpret: UEFI's ConOut has ClearScreen() and
 * SetCursorPosition(), and OVMF's terminal driver turns them into the
 * sequences on the serial line itself; stage2 sets its VGA cursor and
 * sends ESC [ 2 J / ESC [ row ; col H to COM1. Nobody parses escapes.
 */
#define SCREEN_ROWS	25
#define SCREEN_COLS	80
void plat_screen_clear(void);
void plat_screen_goto(unsigned row, unsigned col);

/*
 * A key from the machine's keyboard (INT 16h, EFI SimpleTextInput),
 * decoded to an enum key (keys.h), or KEY_NONE. Never waits.
 */
int plat_key_poll(void);

/*
 * A byte from the serial line the loader reads itself, or -1 (none
 * waiting, or no such line). keys.c decodes escape sequences in them.
 */
int plat_serial_poll(void);

/* Milliseconds from an arbitrary start; wraps modulo 2^32. */
uint32_t plat_time_ms(void);

/*
 * The time-stamp counter's rate in kHz, for core/phase.c: stage2 measures
 * it against the PIT on the first call, the UEFI loader against
 * BS->Stall when it starts; 0 when unknown.
 */
uint32_t plat_tsc_khz(void);

/*
 * Disk requests made so far: calls to the firmware's disk or file
 * service, and commands of the loader's own disk driver.
 */
unsigned plat_disk_requests(void);

/*
 * Give the machine a moment while polling for keys: halt until the next
 * interrupt or a short timer, so a waiting loader does not spin flat out.
 */
void plat_idle(void);

/* Reset the machine. */
__attribute__((noreturn)) void plat_reboot(void);

/*
 * Memory for the core's passing needs (the config text), freed before
 * the first entry boots. NULL when there is none.
 */
void *plat_alloc(size_t bytes);
void plat_free(void *p);

/*
 * Read count 512-byte sectors at lba of the boot disk into buf (anywhere
 * in memory; count may be large: the backend cuts it into its commands).
 * lba counts as file_mount() was told (stage2: the whole disk; UEFI: the
 * boot partition). False after the backend's own retries and messages.
 */
bool plat_block_read(uint64_t lba, uint32_t count, void *buf);
/*
 * Write count sectors from buf at lba, numbered as plat_block_read()
 * numbers them (stage2: INT 13h AH=43h; UEFI: Disk I/O). Only
 * file_overwrite_sector() calls it, for the environment file. False
 * after the backend's own message.
 */
bool plat_block_write(uint64_t lba, uint32_t count, const void *buf);

/*
 * The firmware's own file system, for core/file.c when the boot volume
 * cannot be read as blocks: open path (*fs: its handle) and give its
 * size; read len bytes at offset (may replace *fs, to try again); close.
 * Each failure prints its own line. Stage2 has none: it always mounts.
 */
bool plat_fs_open(const char *path, void **fs, uint64_t *size);
bool plat_fs_read(const char *path, void **fs, uint64_t offset, void *buf,
		  uint64_t len);
void plat_fs_close(void *fs);
/*
 * The same file system's directories, for file_opendir(): open path
 * (*fs: its handle, closed by plat_fs_close()); false for a missing
 * directory without a word, else after a line. Then the next file's name
 * (subdirectories and names of size bytes or more left out): 1, 0 at the
 * end, -1 after a line.
 */
bool plat_fs_opendir(const char *path, void **fs);
int plat_fs_readdir(const char *path, void *fs, char *name, size_t size);

/*
 * Measured boot: the config's bytes as read and accepted, into the TPM
 * when the machine has one the backend drives (UEFI: PCR 9, efi/trust.c);
 * nothing otherwise. A failure prints its own line.
 */
void plat_measure_config(const void *text, size_t len);

/*
 * A Boot Loader Interface variable (systemd's, docs/menu.md) as ASCII
 * into value (size bytes, NUL included): false when there is none, it
 * does not fit or is not ASCII. take: delete it first, and false when
 * that fails (a one-shot that stays would be taken at every boot). Only
 * the UEFI loader has them; stage2 has none.
 */
bool plat_loader_var(const char *name, char *value, size_t size, bool take);

/*
 * Load the entry's kernel and initrd(s), build what the kernel is handed,
 * and jump. Returns only when the entry cannot be booted, after printing
 * why and giving back what it took.
 */
void plat_boot_entry(const struct config_entry *entry);

#endif /* CORE_PLATFORM_H */
