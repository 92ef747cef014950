/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 (FIPS 180-4), the one hash of bzboot: the loaders
 * check the files the config pins (path#HASH) and the enrolled config,
 * mkdisk writes the hashes, the tests compare them with sha256sum.
 * Freestanding (32-bit stage2, the EFI loader, the host); no allocation,
 * no 64-bit division. Incremental, so a loader hashes each piece of a
 * file as it lands in memory and never reads it twice:
 *
 *	struct sha256 h;
 *	uint8_t digest[SHA256_DIGEST_SIZE];
 *
 *	sha256_init(&h);
 *	sha256_update(&h, piece, n);	(any number of times, any sizes)
 *	sha256_final(&h, digest);
 */
#ifndef COMMON_SHA256_H
#define COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64
/* The digest as lower-case hex, as sha256sum prints it. */
#define SHA256_HEX_LEN		(2 * SHA256_DIGEST_SIZE)

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;			/* message length so far */
	uint8_t block[SHA256_BLOCK_SIZE];	/* a partial block */
	unsigned block_len;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, uint8_t digest[SHA256_DIGEST_SIZE]);

/* One call for a whole buffer. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Write the digest as 64 lower-case hex digits and a NUL into hex. */
void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_SIZE],
		   char hex[SHA256_HEX_LEN + 1]);

/*
 * Read exactly SHA256_HEX_LEN hex digits (either case) from hex into
 * digest. Returns 0, or -1 when a character is not a hex digit (digest is
 * then undefined).
 */
int sha256_from_hex(const char *hex, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif /* COMMON_SHA256_H */
