// SPDX-License-Identifier: MIT
/*
 * test_bootenv.c - host tests of common/bootenv.c: the environment block
 * built and parsed back, its layout at the documented offsets (a CRC
 * computed here from the bytes, not through bootenv.c), and each damage
 * refused.
 */
#include <string.h>

#include "bootenv.h"
#include "check.h"
#include "crc32.h"

int main(void)
{
	struct bootenv env, got;
	uint8_t block[BOOTENV_SIZE], copy[BOOTENV_SIZE];
	char longest[CONFIG_NAME_MAX];
	uint32_t crc, stored;
	bool zero = true;

	check_begin("bootenv");

	memset(&env, 0, sizeof(env));
	strcpy(env.saved, "debian-6.1.0-10");
	strcpy(env.oneshot, "rescue");
	bootenv_build(&env, block);
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_OK, "round trip: parsed");
	CHECK_STREQ(got.saved, "debian-6.1.0-10", "round trip: saved");
	CHECK_STREQ(got.oneshot, "rescue", "round trip: one-shot");

	/* The documented layout, byte for byte. */
	CHECK(memcmp(block, "bzbenv01", 8) == 0, "layout: the magic at 0");
	CHECK(strcmp((char *)block + 0x10, "debian-6.1.0-10") == 0,
	      "layout: saved at 0x10");
	CHECK(strcmp((char *)block + 0x50, "rescue") == 0,
	      "layout: one-shot at 0x50");
	for (unsigned i = 0x90; i < BOOTENV_SIZE; i++)
		zero &= block[i] == 0;
	for (unsigned i = 0x10 + 16; i < 0x50; i++)
		zero &= block[i] == 0;
	CHECK(zero, "layout: padding and the rest are zero");
	memcpy(copy, block, sizeof(copy));
	memset(copy + 8, 0, 4);
	crc = crc32(copy, sizeof(copy));
	stored = (uint32_t)block[8] | (uint32_t)block[9] << 8 |
		 (uint32_t)block[10] << 16 | (uint32_t)block[11] << 24;
	CHECK_EQ(stored, crc, "layout: CRC32 at 8, of the block with the "
		 "field zero, LE");

	/* The one-shot cleared, as a loader writes it back. */
	env.oneshot[0] = '\0';
	bootenv_build(&env, block);
	CHECK(bootenv_parse(block, &got) == BOOTENV_OK &&
	      !strcmp(got.saved, "debian-6.1.0-10") && got.oneshot[0] == '\0',
	      "cleared: saved kept, one-shot empty");

	/* Names of 63 bytes fit; longer ones are cut. */
	memset(longest, 'n', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	strcpy(env.saved, longest);
	bootenv_build(&env, block);
	CHECK(bootenv_parse(block, &got) == BOOTENV_OK &&
	      !strcmp(got.saved, longest), "a 63-byte name round trips");

	/* Damage. */
	bootenv_build(&env, block);
	block[0] = 'B';
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_ERR_MAGIC, "bad magic");
	bootenv_build(&env, block);
	block[0x200 - 1] ^= 1;
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_ERR_CRC,
		 "a flipped bit in the reserved bytes");
	bootenv_build(&env, block);
	block[0x50] ^= 0x20;
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_ERR_CRC,
		 "a changed one-shot name");
	CHECK(got.saved[0] == '\0' && got.oneshot[0] == '\0',
	      "damage: nothing taken");
	/* A name without a NUL, with a CRC that matches it. */
	bootenv_build(&env, block);
	memset(block + 0x10, 'x', 64);
	memset(block + 8, 0, 4);
	crc = crc32(block, BOOTENV_SIZE);
	for (unsigned i = 0; i < 4; i++)
		block[8 + i] = (uint8_t)(crc >> (8 * i));
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_ERR_NAME,
		 "a 64-byte name without its NUL");
	memset(block, 0, sizeof(block));
	CHECK_EQ(bootenv_parse(block, &got), BOOTENV_ERR_MAGIC,
		 "an all-zero sector");
	CHECK_STREQ(bootenv_strerror(BOOTENV_ERR_CRC),
		    "CRC32 mismatch: the block is damaged", "the CRC message");
	return check_end();
}
