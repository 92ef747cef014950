/* SPDX-License-Identifier: MIT */
/*
 * bls.h - Boot Loader Specification (UAPI.1) Type #1 entries, the files
 * /loader/entries/NAME.conf that kernel-install and grubby write, and
 * /loader/loader.conf: parsed into the loader's own struct config_entry
 * (config.h), sorted as the specification orders them, with the version
 * comparison of the UAPI version format (UAPI.10). Freestanding and pure:
 * no I/O, no allocation; core/boot.c reads the files.
 *
 * An entry file, one key and its value per line ('#' comments):
 *
 *	title        Debian GNU/Linux 12 (bookworm)   the menu's text
 *	version      6.1.0-10-amd64                   sorts, newest first
 *	machine-id   6a9857a393724b7a981ebb5b8495b9ea
 *	sort-key     debian
 *	linux        /6a98.../6.1.0-10-amd64/linux    the kernel
 *	initrd       /6a98.../6.1.0-10-amd64/initrd   repeatable, in order
 *	options      root=/dev/sda2 ro                repeatable, joined
 *	architecture x64                              others are skipped
 *
 * Other keys (efi, devicetree, grub_users, ...) are ignored. The entry's
 * name is its file name without ".conf". A value holding '$' (GRUB
 * variables such as $kernelopts, which grubby writes and only GRUB
 * expands) marks the entry grub_vars: shown, not booted.
 */
#ifndef COMMON_BLS_H
#define COMMON_BLS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define BLS_LOADER_DIR		"/loader"
#define BLS_ENTRIES_DIR		"/loader/entries"
#define BLS_LOADER_CONF		"/loader/loader.conf"
#define BLS_SUFFIX		".conf"
#define BLS_SORT_MAX		64	/* sort-key, version: bytes incl. NUL */
#define BLS_MACHINE_ID_MAX	33	/* 32 hex digits and the NUL */

/* What the sort order needs beside the entry itself. */
struct bls_sort {
	char name[CONFIG_NAME_MAX];	/* the file name less ".conf" */
	char sort_key[BLS_SORT_MAX];	/* "" when none */
	char machine_id[BLS_MACHINE_ID_MAX];
	char version[BLS_SORT_MAX];
};

enum bls_error {
	BLS_OK = 0,
	BLS_ERR_NOT_TEXT,		/* a NUL or other control byte */
	BLS_ERR_BAD_NAME,		/* not NAME.conf, or NAME too long */
	BLS_ERR_TOO_LONG,		/* a value longer than its buffer */
	BLS_ERR_TOO_MANY_INITRDS,	/* more than CONFIG_MAX_INITRDS */
	BLS_ERR_NO_LINUX,		/* no linux line (efi, uki: not ours) */
	BLS_ERR_OTHER_ARCH,		/* architecture neither x64 nor ia32 */
	BLS_ERR_BAD_TIMEOUT,		/* loader.conf: timeout */
	BLS_ERR_BAD_BOOL,		/* loader.conf: editor */
	BLS_ERR_COUNT
};

const char *bls_strerror(enum bls_error err);

/*
 * Parse entry file file_name (its name alone, "x.conf") of len bytes into
 * e and s. On an error, *line is the line (0: the whole file).
 */
enum bls_error bls_parse_entry(const char *file_name, const char *text,
			       size_t len, struct config_entry *e,
			       struct bls_sort *s, unsigned *line);

/*
 * UAPI.10 version comparison: <0, 0, >0 as a is older than, the same as,
 * or newer than b ("6.1.0-10~rc1" < "6.1.0-10" < "6.1.0-10.1").
 */
int bls_version_compare(const char *a, const char *b);

/* The specification's order: <0 when a is listed before b. */
int bls_compare(const struct bls_sort *a, const struct bls_sort *b);

/*
 * A glob (* ? [a-z]) against s, ASCII case ignored, as loader.conf's
 * default matches entry file names.
 */
bool bls_glob_match(const char *pattern, const char *s);

/* /loader/loader.conf: the keys the loader honours. */
struct bls_loader_conf {
	bool has_default, has_timeout, has_editor;
	char default_glob[CONFIG_NAME_MAX + 8];	/* "@saved" kept as is */
	unsigned timeout_s;
	bool menu_force;
	bool editor_off;
};

/*
 * Parse loader.conf. Unknown keys are ignored; a bad value is skipped,
 * and the first such error returned, with *line, after the whole file.
 */
enum bls_error bls_parse_loader_conf(const char *text, size_t len,
				     struct bls_loader_conf *lc,
				     unsigned *line);

#endif /* COMMON_BLS_H */
