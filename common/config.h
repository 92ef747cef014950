/* SPDX-License-Identifier: MIT */
/*
 * config.h - the boot loader's config file, /bzboot.cfg on the FAT
 * partition: parsed by both loaders (stage2 and BOOTX64.EFI), written by
 * mkdisk, checked by the unit tests. Freestanding; no allocation: the
 * caller owns struct config (about 26 KiB: keep it off small stacks).
 *
 * The format, one keyword and its argument per line:
 *
 *	# a comment; blank lines are ignored
 *	default linux		entry to boot (else the first)
 *	timeout 0		seconds of the menu's countdown; 0 boots
 *				at once (Esc or Space held shows the menu);
 *				menu-force: the menu, no countdown;
 *				menu-hidden: the same as 0
 *	editor on		off: no command-line editor in the menu
 *	trace off		on: print every step with its addresses
 *	gdb off			on: the EFI loader waits for a debugger
 *				(make debug FIRMWARE=uefi; stage2 ignores it)
 *	disk auto		firmware: read only through the firmware's
 *				disk service (INT 13h on BIOS, EFI file I/O
 *				on UEFI), never by IDE DMA
 *	entry linux		starts an entry; a one-word name
 *		kernel /boot/vmlinuz
 *		initrd /boot/initrd-1.img	repeatable; loaded in order
 *		cmdline console=ttyS0,115200 quiet
 *
 * A kernel or initrd path may end in '#' and the file's SHA-256 as 64 hex
 * digits (what sha256sum prints, either case), with no blank before the
 * '#': "kernel /boot/vmlinuz#e3b0c442...b855". The loaders hash the bytes
 * they load and refuse a file that does not match. The last '#' of a path
 * starts its hash, so a path that holds a '#' itself needs one too; text
 * after it that is not 64 hex digits is an error.
 *
 * Keywords are lower case and may be indented with spaces or tabs. The
 * global keys (default, timeout, editor, trace, gdb, disk) come before the first
 * entry; each appears at most once. kernel, initrd and cmdline take the
 * rest of the line verbatim (a path may hold spaces, a command line
 * anything), without its leading and trailing blanks. Lines end in LF or
 * CRLF, the last one may lack it, and a UTF-8 byte order mark at the start
 * is skipped. Other control bytes (NUL included) make the file "not text".
 */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define CONFIG_MAX_ENTRIES	8
#define CONFIG_MAX_INITRDS	8
#define CONFIG_NAME_MAX		64	/* bytes incl. NUL */
#define CONFIG_TITLE_MAX	72	/* bytes incl. NUL: a menu line */
#define CONFIG_PATH_MAX		128	/* bytes incl. NUL */
#define CONFIG_CMDLINE_MAX	2048	/* bytes incl. NUL */
#define CONFIG_TIMEOUT_MAX	3600	/* seconds */
#define CONFIG_PATH		"/bzboot.cfg"
/* A kernel or initrd value: a path, '#' and the hash. */
#define CONFIG_PATH_HASH_MAX	(CONFIG_PATH_MAX + 1 + SHA256_HEX_LEN)
/*
 * Largest config file either loader reads (and mkdisk --config installs).
 * One value for all, so that a config that boots on one firmware boots on
 * the other. 16 KiB: what stage2's .bss had room for beside its FAT
 * caches (common/layout.h), and far more than a config of a few entries
 * needs; a file that large is more likely a wrong file than a config.
 */
#define CONFIG_MAX_BYTES	16384
/* Enough for any text config_format_single() writes. */
#define CONFIG_TEXT_MAX		6144

/* A file's SHA-256 from "path#HASH"; set false when the path has none. */
struct config_hash {
	bool set;
	uint8_t sha256[SHA256_DIGEST_SIZE];
};

struct config_entry {
	char name[CONFIG_NAME_MAX];
	/* The menu's text: "" shows the name (common/bls.c sets it). */
	char title[CONFIG_TITLE_MAX];
	/* A value holds '$', a GRUB variable (bls.c): shown, not booted. */
	bool grub_vars;
	/*
	 * From a BLS file (bls.c), not bzboot.cfg: it has no "#HASH", so an
	 * enrolled config does not boot it (core/boot.c).
	 */
	bool bls;
	char kernel[CONFIG_PATH_MAX];		/* without "#HASH" */
	char initrd[CONFIG_MAX_INITRDS][CONFIG_PATH_MAX];
	unsigned initrd_count;
	struct config_hash kernel_hash;
	struct config_hash initrd_hash[CONFIG_MAX_INITRDS];
	char cmdline[CONFIG_CMDLINE_MAX];	/* "" when not given */
};

struct config {
	struct config_entry entry[CONFIG_MAX_ENTRIES];
	unsigned entry_count;
	unsigned default_entry;			/* index into entry[] */
	unsigned timeout_s;
	bool menu_force;			/* "timeout menu-force" */
	bool editor_off;			/* "editor off" */
	/* Which keys the file gave: they win over /loader/loader.conf. */
	bool has_default, has_timeout, has_editor;
	bool trace;
	bool gdb;				/* wait for gdb (EFI) */
	bool disk_firmware;			/* "disk firmware": no DMA */
};

enum config_error {
	CONFIG_OK = 0,
	CONFIG_ERR_NOT_TEXT,		/* a NUL or other control byte */
	CONFIG_ERR_UNKNOWN_KEY,		/* not a keyword of the format */
	CONFIG_ERR_MISSING_ARGUMENT,	/* keyword with nothing after it */
	CONFIG_ERR_EXTRA_ARGUMENT,	/* a one-word key given more words */
	CONFIG_ERR_OUTSIDE_ENTRY,	/* kernel/initrd/cmdline first */
	CONFIG_ERR_GLOBAL_IN_ENTRY,	/* a global key after an entry */
	CONFIG_ERR_TOO_MANY_ENTRIES,	/* more than CONFIG_MAX_ENTRIES */
	CONFIG_ERR_TOO_MANY_INITRDS,	/* more than CONFIG_MAX_INITRDS */
	CONFIG_ERR_TOO_LONG,		/* value longer than its buffer */
	CONFIG_ERR_DUPLICATE_KEY,	/* kernel, cmdline or a global twice */
	CONFIG_ERR_DUPLICATE_ENTRY,	/* two entries with one name */
	CONFIG_ERR_NO_KERNEL,		/* an entry without kernel */
	CONFIG_ERR_NO_ENTRIES,		/* no entry at all */
	CONFIG_ERR_BAD_DEFAULT,		/* default names no entry */
	CONFIG_ERR_BAD_NUMBER,		/* timeout not a number in range */
	CONFIG_ERR_BAD_TIMEOUT,		/* nor menu-force, menu-hidden */
	CONFIG_ERR_BAD_ON_OFF,		/* trace/gdb neither on nor off */
	CONFIG_ERR_BAD_DISK,		/* disk neither auto nor firmware */
	CONFIG_ERR_BAD_HASH,		/* "#" not followed by 64 hex */
	CONFIG_ERR_COUNT
};

/*
 * Parse len bytes of text (need not end in NUL) into cfg. On an error,
 * *line is the 1-based line it is on (0 for CONFIG_ERR_NO_ENTRIES, which
 * has no line) and cfg holds what was parsed before it.
 */
enum config_error config_parse(const char *text, size_t len,
			       struct config *cfg, unsigned *line);
const char *config_strerror(enum config_error err);

/*
 * Write into buf the text of a config with one entry, "linux", booted at
 * once: what mkdisk puts on a new disk. cmdline may be "" or NULL (no
 * cmdline line). The kernel and initrd paths are written as given, so
 * "path#HASH" pins a file (mkdisk --hashes). Returns the length written (NUL excluded), or -1 when a
 * value is too long, not one line of text, or starts or ends with a blank
 * (the parser would read it back without), there are too many initrds, or
 * buf is too small (CONFIG_TEXT_MAX always suffices).
 */
int config_format_single(char *buf, size_t size, const char *kernel,
			 const char *const *initrds, unsigned initrd_count,
			 const char *cmdline);

/*
 * The message of a file whose bytes do not match its "#HASH": one line,
 * no newline, "MODULE: PATH: SHA-256 mismatch: config says X, file has
 * Y". Returns what fmt_snprintf returns.
 */
int config_format_hash_mismatch(char *buf, size_t size, const char *module,
				const char *path,
				const uint8_t want[SHA256_DIGEST_SIZE],
				const uint8_t got[SHA256_DIGEST_SIZE]);

/*
 * The enrolled config hash: a slot each loader carries in its data, found
 * and filled by `mkdisk --enroll-config` (mkdisk/image.c). It is the 16
 * ASCII bytes CONFIG_ENROLL_MARKER (no NUL) and the 32 bytes of the
 * SHA-256 of /bzboot.cfg as it is on disk; all zero means "not enrolled".
 * A loader with a hash enrolled refuses a config with another hash and
 * any entry whose kernel or initrds carry no "#HASH" (README, "Trust").
 */
#define CONFIG_ENROLL_MARKER		"bzboot-cfg-hash:"
#define CONFIG_ENROLL_MARKER_LEN	16

struct config_enrolled {
	char marker[CONFIG_ENROLL_MARKER_LEN];
	uint8_t sha256[SHA256_DIGEST_SIZE];
};

_Static_assert(sizeof(struct config_enrolled) ==
	       CONFIG_ENROLL_MARKER_LEN + SHA256_DIGEST_SIZE,
	       "the enrolled slot is the marker and the hash, no padding");

/* True when the slot holds a hash (any byte not zero). */
bool config_is_enrolled(const struct config_enrolled *slot);

/*
 * Check the raw bytes of the config (as read, before config_parse)
 * against an enrolled slot. Returns 0 when they match or nothing is
 * enrolled; otherwise -1 with the one-line message in buf:
 * "config: /bzboot.cfg: SHA-256 mismatch: enrolled X, file has Y".
 */
int config_check_enrolled(const struct config_enrolled *slot,
			  const void *text, size_t len, char *buf,
			  size_t size);

/*
 * Under an enrolled config every file of an entry must carry a hash.
 * Returns the first path of e without one (the kernel, then the initrds
 * in order), or NULL when all are pinned.
 */
const char *config_entry_unpinned(const struct config_entry *e);

#endif /* COMMON_CONFIG_H */
