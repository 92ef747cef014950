// SPDX-License-Identifier: MIT
/*
 * tcg.c - sizes of TPM 2.0 event log records (tcg.h). A record's size is
 * not stored in it: it follows from the digests' algorithms and the event
 * data's length, read in turn, each read checked against what the caller
 * says may be read. Little-endian fields, read byte by byte (the log has
 * no alignment).
 */
#include "tcg.h"

static uint32_t get_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

uint32_t tcg_digest_bytes(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1:
		return 20;
	case TPM_ALG_SHA256:
	case TPM_ALG_SM3_256:
		return 32;
	case TPM_ALG_SHA384:
		return 48;
	case TPM_ALG_SHA512:
		return 64;
	}
	return 0;
}

uint32_t tcg_event2_bytes(const void *event, size_t avail)
{
	const uint8_t *p = event;
	uint32_t count, n = TCG_EVENT2_HEADER_BYTES, data;

	if (avail < TCG_EVENT2_HEADER_BYTES)
		return 0;
	count = get_le32(p + 8);
	if (count == 0 || count > TCG_EVENT2_MAX_DIGESTS)
		return 0;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t d;

		if (avail - n < 2)
			return 0;
		d = tcg_digest_bytes((uint16_t)get_le16(p + n));
		if (!d || avail - n - 2 < d)
			return 0;
		n += 2 + d;
	}
	if (avail - n < 4)
		return 0;
	data = get_le32(p + n);
	n += 4;
	if (avail - n < data)
		return 0;
	return n + data;
}

uint64_t tcg_events_bytes(const void *events, uint64_t count, size_t avail)
{
	const uint8_t *p = events;
	uint64_t total = 0;

	for (uint64_t i = 0; i < count; i++) {
		uint32_t n = tcg_event2_bytes(p + total, avail - total);

		if (!n)
			return 0;
		total += n;
	}
	return total;
}
