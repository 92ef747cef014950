/* SPDX-License-Identifier: MIT */
/*
 * bootenv.h - the environment file, /loader/bzboot.env on the boot
 * partition: the saved default entry and a one-shot entry, which mkdisk
 * (set-default, set-oneshot) and the loaders change in place. Like GRUB's
 * grubenv it is made once, at a fixed size, and only ever overwritten:
 * never grown, truncated or renamed, so that a loader can write it as
 * plain disk sectors without touching the file system's structure.
 *
 * One 512-byte sector, so that each write is one sector write, which a
 * disk does whole or not at all; the CRC catches anything else:
 *
 *	0x000	8	magic "bzbenv01"
 *	0x008	4	CRC32 (common/crc32.c, as GPT's) of the 512 bytes with
 *			this field as zero, little-endian
 *	0x00c	4	zero
 *	0x010	64	saved default: an entry name, NUL-padded ("": none)
 *	0x050	64	one-shot entry, the same
 *	0x090	368	zero
 *
 * An entry name is bzboot.cfg's `entry NAME`, or a BLS entry's file name
 * without ".conf". Freestanding and pure: no I/O.
 */
#ifndef COMMON_BOOTENV_H
#define COMMON_BOOTENV_H

#include <stdint.h>

#include "config.h"

#define BOOTENV_PATH		"/loader/bzboot.env"
#define BOOTENV_SIZE		512
#define BOOTENV_MAGIC		"bzbenv01"
#define BOOTENV_MAGIC_LEN	8
#define BOOTENV_CRC_OFFSET	0x008
#define BOOTENV_SAVED_OFFSET	0x010
#define BOOTENV_ONESHOT_OFFSET	0x050

struct bootenv {
	char saved[CONFIG_NAME_MAX];
	char oneshot[CONFIG_NAME_MAX];
};

enum bootenv_error {
	BOOTENV_OK = 0,
	BOOTENV_ERR_MAGIC,
	BOOTENV_ERR_CRC,
	BOOTENV_ERR_NAME,
	BOOTENV_ERR_COUNT
};

const char *bootenv_strerror(enum bootenv_error err);

/* block's fields into env, after the magic, the CRC and the names. */
enum bootenv_error bootenv_parse(const uint8_t block[BOOTENV_SIZE],
				 struct bootenv *env);

/*
 * env into block (all of it written). Names longer than
 * CONFIG_NAME_MAX - 1 bytes are the caller's to refuse; here they are cut.
 */
void bootenv_build(const struct bootenv *env, uint8_t block[BOOTENV_SIZE]);

#endif /* COMMON_BOOTENV_H */
