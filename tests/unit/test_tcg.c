// SPDX-License-Identifier: MIT
/*
 * test_tcg.c - host tests of common/tcg.c: the size of TCG_PCR_EVENT2
 * records built in memory as the PC Client Firmware Profile lays them out
 * (one bank, two banks, no event data), and every way a record can be
 * cut short or wrong; then a run of them, as in the final-events table.
 */
#include <string.h>

#include "check.h"
#include "tcg.h"

static size_t put_le(uint8_t *p, uint32_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return bytes;
}

/* A record with the given algorithms and data_len bytes of data. */
static size_t make_event(uint8_t *p, const uint16_t *algs, unsigned count,
			 uint32_t data_len)
{
	size_t n = 0;

	n += put_le(p + n, 9, 4);		/* PCRIndex */
	n += put_le(p + n, EV_IPL, 4);		/* EventType */
	n += put_le(p + n, count, 4);		/* TPML_DIGEST_VALUES.count */
	for (unsigned i = 0; i < count; i++) {
		n += put_le(p + n, algs[i], 2);
		memset(p + n, 0xa5, tcg_digest_bytes(algs[i]));
		n += tcg_digest_bytes(algs[i]);
	}
	n += put_le(p + n, data_len, 4);	/* EventSize */
	memset(p + n, 'x', data_len);
	return n + data_len;
}

int main(void)
{
	static const uint16_t sha256[] = { TPM_ALG_SHA256 };
	static const uint16_t four[] = { TPM_ALG_SHA1, TPM_ALG_SHA256,
					 TPM_ALG_SHA384, TPM_ALG_SHA512 };
	static const uint16_t bogus[] = { 0x0099 };
	uint8_t buf[1024];
	size_t n, m;

	check_begin("tcg");

	CHECK_EQ(tcg_digest_bytes(TPM_ALG_SHA1), 20, "sha1");
	CHECK_EQ(tcg_digest_bytes(TPM_ALG_SHA256), 32, "sha256");
	CHECK_EQ(tcg_digest_bytes(TPM_ALG_SHA384), 48, "sha384");
	CHECK_EQ(tcg_digest_bytes(TPM_ALG_SHA512), 64, "sha512");
	CHECK_EQ(tcg_digest_bytes(0x0099), 0, "an unknown algorithm");

	/* bzboot's own event: sha256 only, "bzboot kernel /boot/vmlinuz". */
	n = make_event(buf, sha256, 1, 27);
	CHECK_EQ(n, 12 + 2 + 32 + 4 + 27, "the layout of one sha256 record");
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)), n, "one bank");
	CHECK_EQ(tcg_event2_bytes(buf, n), n, "exactly avail bytes");
	CHECK_EQ(tcg_event2_bytes(buf, n - 1), 0, "one byte short");
	CHECK_EQ(tcg_event2_bytes(buf, 11), 0, "short of the header");
	CHECK_EQ(tcg_event2_bytes(buf, 12 + 2 + 31), 0, "short of the digest");
	CHECK_EQ(tcg_event2_bytes(buf, 12 + 2 + 32 + 3), 0,
		 "short of EventSize");

	/* A fresh swtpm's four banks (no swtpm_setup --pcr-banks). */
	n = make_event(buf, four, 4, 0);
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)),
		 12 + 4 * 2 + 20 + 32 + 48 + 64 + 4, "four banks, no data");

	n = make_event(buf, bogus, 1, 4);
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)), 0, "an unknown algorithm");
	n = make_event(buf, sha256, 0, 4);
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)), 0, "no digest");
	n = make_event(buf, sha256, 1, 4);
	put_le(buf + 8, TCG_EVENT2_MAX_DIGESTS + 1, 4);
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)), 0, "too many digests");
	/* EventSize near 4 GiB must not wrap around avail. */
	n = make_event(buf, sha256, 1, 0);
	put_le(buf + n - 4, 0xfffffff0u, 4);
	CHECK_EQ(tcg_event2_bytes(buf, sizeof(buf)), 0, "a huge EventSize");

	/* A run: three records, as the final-events table holds them. */
	n = make_event(buf, sha256, 1, 29);
	m = n + make_event(buf + n, four, 4, 40);
	m += make_event(buf + m, sha256, 1, 0);
	CHECK_EQ(tcg_events_bytes(buf, 3, m), m, "three records");
	CHECK_EQ(tcg_events_bytes(buf, 2, m), m - (12 + 2 + 32 + 4),
		 "the first two of them");
	CHECK_EQ(tcg_events_bytes(buf, 0, m), 0, "none");
	CHECK_EQ(tcg_events_bytes(buf, 3, m - 1), 0, "the last one cut short");
	CHECK_EQ(tcg_events_bytes(buf, 4, m), 0, "one more than there are");
	return check_end();
}
