/* SPDX-License-Identifier: MIT */
/*
 * crc32.h - CRC-32 as IEEE 802.3, zlib and the UEFI specification's GPT
 * use it: polynomial 0x04C11DB7, bit-reversed (0xEDB88320), initial value
 * and final XOR 0xFFFFFFFF. crc32("123456789") is 0xCBF43926.
 *
 * Freestanding, used by stage2 (reading a GPT), mkdisk (writing one) and
 * the host tests.
 */
#ifndef COMMON_CRC32_H
#define COMMON_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of nothing; feed pieces with crc32_update(). */
#define CRC32_INIT 0

/*
 * The CRC of the bytes so far (crc, CRC32_INIT at first) followed by len
 * bytes at data: crc32_update(crc32_update(0, a, n), b, m) is the CRC of
 * a and b one after the other.
 */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

/* The CRC of len bytes at data. */
uint32_t crc32(const void *data, size_t len);

#endif /* COMMON_CRC32_H */
