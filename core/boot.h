/* SPDX-License-Identifier: MIT */
/*
 * boot.h - the loader's boot flow, written once for both firmwares: after
 * the backend's set-up, read the config, choose an entry (menu.c), boot
 * it, and on failure offer the next one.
 */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <stdbool.h>

#include "config.h"

/*
 * Largest config file either loader reads. One value for both, so that a
 * config that boots on one firmware boots on the other. 16 KiB: what
 * stage2's .bss had room for beside its FAT caches (common/layout.h), and
 * far more than a config of a few entries needs; a file that large is more
 * likely a wrong file than a config.
 */
#define CONFIG_MAX_BYTES	16384

/*
 * The enrolled config hash, in the data of each loader: all zero as
 * built; `mkdisk --enroll-config` finds CONFIG_ENROLL_MARKER in its copy
 * of stage2 and of BOOTX64.EFI and writes /bzboot.cfg's SHA-256 after it
 * (common/config.h). With a hash there, boot_read_config() refuses any
 * other config, and boot_entries() any entry with a file not pinned by
 * "path#HASH".
 */
extern struct config_enrolled config_enrolled;

/* A key held at start, T or t, turns the trace on. */
void boot_check_trace_key(void);

/* CONFIG_PATH read and parsed into cfg; false after saying why. */
bool boot_read_config(struct config *cfg);

/*
 * The chosen entry, then the others in turn while they fail, with a key
 * between two tries: R reboots, any other key goes on. When none boots,
 * say so, wait for a key and reboot.
 */
__attribute__((noreturn)) void boot_entries(const struct config *cfg);

/* menu.c: the entry to boot, with the menu when cfg has a timeout. */
unsigned menu_choose_entry(const struct config *cfg);

#endif /* CORE_BOOT_H */
