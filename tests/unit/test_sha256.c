// SPDX-License-Identifier: MIT
/*
 * test_sha256.c - host tests of common/sha256.c: the FIPS 180-4 examples
 * ("", "abc", the 448- and 896-bit messages, one million 'a'), every
 * length from 0 to 200 bytes (the padding's edges at 55, 56, 63, 64 and
 * 65 among them) against the host's sha256sum, the same messages fed in
 * pieces of every size, and the hex conversions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sha256.h"

static void hex_of(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256(data, len, d);
	sha256_to_hex(d, hex);
}

/* FIPS 180-4's examples (NIST's "SHA256.pdf" and "SHA2_Additional.pdf"). */
static void test_fips_vectors(void)
{
	static const struct {
		const char *name, *msg, *want;
	} v[] = {
		{ "empty message", "",
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "\"abc\"", "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "448-bit message",
		  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "896-bit message",
		  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[SHA256_HEX_LEN + 1];
	unsigned i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hex_of(v[i].msg, strlen(v[i].msg), hex);
		CHECK_STREQ(hex, v[i].want, "FIPS 180-4: %s", v[i].name);
	}
}

/* One million 'a', in pieces of 1000 as a loader would feed a file. */
static void test_million_a(void)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char piece[1000], hex[SHA256_HEX_LEN + 1];
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256 h;
	unsigned i;

	memset(piece, 'a', sizeof(piece));
	sha256_init(&h);
	for (i = 0; i < 1000; i++)
		sha256_update(&h, piece, sizeof(piece));
	sha256_final(&h, d);
	sha256_to_hex(d, hex);
	CHECK_STREQ(hex, want, "FIPS 180-4: one million 'a'");
}

/* sha256sum's hex of the file at path, or "" when it could not run. */
static void host_sha256sum(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	char cmd[300];
	FILE *p;

	hex[0] = '\0';
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return;
	if (fscanf(p, "%64s", hex) != 1)
		hex[0] = '\0';
	pclose(p);
}

/*
 * Every length 0..200 (so the 1 bit and the length land in the same
 * block, the next one, and on its edge), a pattern no length repeats
 * evenly; each against sha256sum of the same bytes in a file, and fed in
 * pieces of 1..7 and 61..67 bytes, which cross the 64-byte blocks at
 * every offset.
 */
static void test_lengths_against_sha256sum(void)
{
	char path[] = "/tmp/bzboot-test-sha256-XXXXXX";
	uint8_t msg[200], d[SHA256_DIGEST_SIZE];
	char want[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
	unsigned len, i, piece, bad_len = 0, bad_piece = 0, bad_pieces = 0;
	int fd = mkstemp(path);

	if (fd < 0) {
		CHECK_FAIL("mkstemp failed", "lengths 0-200 against sha256sum");
		return;
	}
	close(fd);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (len = 0; len <= sizeof(msg); len++) {
		FILE *f = fopen(path, "wb");

		if (!f || fwrite(msg, 1, len, f) != len) {
			if (f)
				fclose(f);
			bad_len = len + 1000;
			break;
		}
		fclose(f);
		host_sha256sum(path, want);
		hex_of(msg, len, got);
		if (strlen(want) != SHA256_HEX_LEN || strcmp(got, want)) {
			if (!bad_len)
				bad_len = len + 1;
			continue;
		}
		for (piece = 1; piece <= 67; piece++) {
			struct sha256 h;

			if (piece == 8)
				piece = 61;
			sha256_init(&h);
			for (i = 0; i < len; i += piece)
				sha256_update(&h, msg + i,
					      len - i < piece ? len - i : piece);
			sha256_final(&h, d);
			sha256_to_hex(d, got);
			if (strcmp(got, want)) {
				bad_pieces++;
				bad_piece = piece;
			}
		}
	}
	unlink(path);
	CHECK_EQ(bad_len, 0, "lengths 0-200 equal sha256sum (0: all; else "
		 "the first bad length + 1)");
	CHECK_EQ(bad_pieces, 0, "lengths 0-200 fed in pieces equal the whole "
		 "(last bad piece size %u)", bad_piece);
}

static void test_hex(void)
{
	static const char upper[] =
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_LEN + 1], bad[SHA256_HEX_LEN + 1];
	unsigned i;

	sha256("abc", 3, want);
	CHECK_EQ(sha256_from_hex(upper, got), 0, "hex: upper case reads");
	CHECK(memcmp(got, want, sizeof(want)) == 0, "hex: upper case value");
	sha256_to_hex(want, hex);
	CHECK_EQ(sha256_from_hex(hex, got), 0, "hex: lower case reads");
	CHECK(memcmp(got, want, sizeof(want)) == 0, "hex: round trip");
	for (i = 0; i < SHA256_HEX_LEN; i += 9) {
		memcpy(bad, hex, sizeof(bad));
		bad[i] = 'g';
		CHECK_EQ(sha256_from_hex(bad, got), -1,
			 "hex: 'g' at %u is refused", i);
	}
	memcpy(bad, hex, sizeof(bad));
	bad[SHA256_HEX_LEN - 1] = '\0';
	CHECK_EQ(sha256_from_hex(bad, got), -1, "hex: 63 digits are refused");
}

int main(void)
{
	check_begin("sha256");
	test_fips_vectors();
	test_million_a();
	test_lengths_against_sha256sum();
	test_hex();
	return check_end();
}
