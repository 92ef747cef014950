// SPDX-License-Identifier: MIT
/*
 * crc32.c - see crc32.h. Bit by bit, without a table: a GPT needs the CRC
 * of 92 bytes of header and 16 KiB of entries, a few milliseconds even in
 * stage2, and a 1 KiB table would cost stage2 more than the loop does.
 */
#include "crc32.h"

/* 0x04C11DB7 with its bits reversed: the CRC is computed LSB first. */
#define CRC32_POLY_REVERSED 0xedb88320u

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	/* The running value is kept inverted: initial and final XOR. */
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32_POLY_REVERSED & -(crc & 1));
	}
	return ~crc;
}

uint32_t crc32(const void *data, size_t len)
{
	return crc32_update(CRC32_INIT, data, len);
}
