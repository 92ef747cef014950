// SPDX-License-Identifier: MIT
/*
 * test_crc32.c - host tests of common/crc32.c against published CRC-32
 * (IEEE 802.3) check values, and the piecewise form against the whole.
 */
#include "check.h"
#include "crc32.h"

int main(void)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	static const uint8_t zeros[32];
	static const uint8_t ones[32] = {
		[0 ... 31] = 0xff
	};
	uint32_t crc;

	check_begin("crc32");

	/* The "check" value of the CRC catalogue (CRC-32/ISO-HDLC). */
	CHECK_EQ(crc32("123456789", 9), 0xcbf43926, "\"123456789\"");
	CHECK_EQ(crc32("", 0), 0, "nothing");
	CHECK_EQ(crc32("a", 1), 0xe8b7be43, "\"a\"");
	CHECK_EQ(crc32(fox, sizeof(fox) - 1), 0x414fa339, "the quick brown fox");
	/* As zlib.crc32() (Python, gzip) gives them. */
	CHECK_EQ(crc32(zeros, sizeof(zeros)), 0x190a55ad, "32 zero bytes");
	CHECK_EQ(crc32(ones, sizeof(ones)), 0xff6cab0b, "32 0xff bytes");

	crc = crc32_update(CRC32_INIT, fox, 10);
	crc = crc32_update(crc, fox + 10, sizeof(fox) - 1 - 10);
	CHECK_EQ(crc, 0x414fa339, "in two pieces, the same");
	crc = CRC32_INIT;
	for (size_t i = 0; i < 9; i++)
		crc = crc32_update(crc, "123456789" + i, 1);
	CHECK_EQ(crc, 0xcbf43926, "a byte at a time, the same");
	return check_end();
}
