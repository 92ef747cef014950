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
 *	timeout 0		seconds to wait for a key; 0 boots at once
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
 * Keywords are lower case and may be indented with spaces or tabs. The
 * global keys (default, timeout, trace, gdb, disk) come before the first
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

#define CONFIG_MAX_ENTRIES	8
#define CONFIG_MAX_INITRDS	8
#define CONFIG_NAME_MAX		32	/* bytes incl. NUL */
#define CONFIG_PATH_MAX		128	/* bytes incl. NUL */
#define CONFIG_CMDLINE_MAX	2048	/* bytes incl. NUL */
#define CONFIG_TIMEOUT_MAX	3600	/* seconds */
#define CONFIG_PATH		"/bzboot.cfg"
/* Enough for any text config_format_single() writes. */
#define CONFIG_TEXT_MAX		4096

struct config_entry {
	char name[CONFIG_NAME_MAX];
	char kernel[CONFIG_PATH_MAX];
	char initrd[CONFIG_MAX_INITRDS][CONFIG_PATH_MAX];
	unsigned initrd_count;
	char cmdline[CONFIG_CMDLINE_MAX];	/* "" when not given */
};

struct config {
	struct config_entry entry[CONFIG_MAX_ENTRIES];
	unsigned entry_count;
	unsigned default_entry;			/* index into entry[] */
	unsigned timeout_s;
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
	CONFIG_ERR_BAD_ON_OFF,		/* trace/gdb neither on nor off */
	CONFIG_ERR_BAD_DISK,		/* disk neither auto nor firmware */
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
 * cmdline line). Returns the length written (NUL excluded), or -1 when a
 * value is too long, not one line of text, or starts or ends with a blank
 * (the parser would read it back without), there are too many initrds, or
 * buf is too small (CONFIG_TEXT_MAX always suffices).
 */
int config_format_single(char *buf, size_t size, const char *kernel,
			 const char *const *initrds, unsigned initrd_count,
			 const char *cmdline);

#endif /* COMMON_CONFIG_H */
