/* SPDX-License-Identifier: MIT */
/*
 * boot.h - the loader's boot flow, written once for both firmwares: after
 * the backend's set-up, read the config, choose an entry (menu.c), boot
 * it, and on failure offer the next one.
 */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/*
 * The enrolled config hash, in the data of each loader: all zero as
 * built; `mkdisk --enroll-config` finds CONFIG_ENROLL_MARKER in its copy
 * of stage2 and of BOOTX64.EFI and writes /bzboot.cfg's SHA-256 after it
 * (common/config.h). With a hash there, boot_read_config() refuses any
 * other config, and boot_entries() any entry with a file not pinned by
 * "path#HASH".
 */
extern struct config_enrolled config_enrolled;

/*
 * A key held at start, T or t, turns the trace on; another key is kept
 * in boot_first_key for the menu (Esc or Space show it with timeout 0).
 */
void boot_check_trace_key(void);
extern int boot_first_key;

/* CONFIG_PATH read and parsed into cfg; false after saying why. */
bool boot_read_config(struct config *cfg);

/*
 * Without the menu: the default entry, then the others in turn while
 * they fail, with a key between two tries: R reboots, any other key goes
 * on. When none boots, say so, wait for a key and reboot. With the menu:
 * the entry chosen there; when it fails, its message, a key, and the
 * menu again. Never reboots by itself.
 */
__attribute__((noreturn)) void boot_entries(const struct config *cfg);

/* menu.c: whether the menu shows, and whether with a countdown. */
bool menu_wanted(const struct config *cfg, bool *countdown);
/*
 * menu.c: the full-screen menu, from entry *pick (left at the one
 * chosen). Returns the entry to boot: one of cfg's, or *edited, a copy
 * with the command line the editor changed (never written back to disk).
 * message: a line to show, or NULL.
 */
const struct config_entry *menu_run(const struct config *cfg, unsigned *pick,
				    bool countdown, const char *message,
				    struct config_entry *edited);
/* menu.c: text on row, padded to the screen's width (less one column). */
void menu_line(unsigned row, const char *text);
/* menu.c: why an entry with GRUB variables is not booted. */
extern const char *const menu_not_bootable;

/*
 * editor.c: edit line (at most max - 1 bytes) on row, the row below for
 * messages. true: Enter (boot it); false: Esc (line as it was).
 */
bool editor_edit(char *line, size_t max, unsigned row);

#endif /* CORE_BOOT_H */
