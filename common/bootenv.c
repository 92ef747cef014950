// SPDX-License-Identifier: MIT
/*
 * bootenv.c - the environment file's block (bootenv.h): parsed and built
 * the same way by mkdisk and both loaders.
 */
#include <stdbool.h>

#include "bootenv.h"
#include "crc32.h"

static const char *const bootenv_errors[BOOTENV_ERR_COUNT] = {
	[BOOTENV_OK] = "no error",
	[BOOTENV_ERR_MAGIC] = ("not a bzboot environment block "
			       "(no bzbenv01 magic)"),
	[BOOTENV_ERR_CRC] = "CRC32 mismatch: the block is damaged",
	[BOOTENV_ERR_NAME] = "an entry name fills its 64 bytes, no NUL",
};

const char *bootenv_strerror(enum bootenv_error err)
{
	if ((unsigned)err >= BOOTENV_ERR_COUNT)
		return "unknown error";
	return bootenv_errors[err];
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The block's CRC, its own field counted as zero. */
static uint32_t block_crc(const uint8_t *block)
{
	static const uint8_t zero[4];
	uint32_t crc;

	crc = crc32_update(CRC32_INIT, block, BOOTENV_CRC_OFFSET);
	crc = crc32_update(crc, zero, 4);
	return crc32_update(crc, block + BOOTENV_CRC_OFFSET + 4,
			    BOOTENV_SIZE - BOOTENV_CRC_OFFSET - 4);
}

/* A NUL-padded name field into out; false when it has no NUL. */
static bool get_name(const uint8_t *field, char *out)
{
	for (unsigned i = 0; i < CONFIG_NAME_MAX; i++) {
		out[i] = (char)field[i];
		if (!field[i])
			return true;
	}
	out[0] = '\0';
	return false;
}

enum bootenv_error bootenv_parse(const uint8_t block[BOOTENV_SIZE],
				 struct bootenv *env)
{
	env->saved[0] = env->oneshot[0] = '\0';
	for (unsigned i = 0; i < BOOTENV_MAGIC_LEN; i++)
		if (block[i] != (uint8_t)BOOTENV_MAGIC[i])
			return BOOTENV_ERR_MAGIC;
	if (get_le32(block + BOOTENV_CRC_OFFSET) != block_crc(block))
		return BOOTENV_ERR_CRC;
	if (!get_name(block + BOOTENV_SAVED_OFFSET, env->saved) ||
	    !get_name(block + BOOTENV_ONESHOT_OFFSET, env->oneshot)) {
		env->saved[0] = env->oneshot[0] = '\0';
		return BOOTENV_ERR_NAME;
	}
	return BOOTENV_OK;
}

/* name into a field of CONFIG_NAME_MAX bytes, NUL-padded. */
static void put_name(uint8_t *field, const char *name)
{
	unsigned i = 0;

	for (; i < CONFIG_NAME_MAX - 1 && name[i]; i++)
		field[i] = (uint8_t)name[i];
	for (; i < CONFIG_NAME_MAX; i++)
		field[i] = 0;
}

void bootenv_build(const struct bootenv *env, uint8_t block[BOOTENV_SIZE])
{
	uint32_t crc;

	for (unsigned i = 0; i < BOOTENV_SIZE; i++)
		block[i] = 0;
	for (unsigned i = 0; i < BOOTENV_MAGIC_LEN; i++)
		block[i] = (uint8_t)BOOTENV_MAGIC[i];
	put_name(block + BOOTENV_SAVED_OFFSET, env->saved);
	put_name(block + BOOTENV_ONESHOT_OFFSET, env->oneshot);
	crc = block_crc(block);
	for (unsigned i = 0; i < 4; i++)
		block[BOOTENV_CRC_OFFSET + i] = (uint8_t)(crc >> (8 * i));
}
