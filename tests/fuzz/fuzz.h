/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share: the entry
 * point's prototype, an assertion that libFuzzer reports as a crash, and a
 * reader that takes little-endian values off the fuzzer's input.
 *
 * Hosted code (clang, libFuzzer, ASan, UBSan), built by tests/fuzz/fuzz.mk.
 * A FUZZ_ASSERT names the broken promise of common/ and aborts, so the
 * input lands in $(BUILD)/fuzz/crashes/<target>/ like any memory error.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, \
			__LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The input as a stream of values; reads past its end give zeros. */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint64_t b = in->pos < in->size ? in->data[in->pos++] : 0;

		v |= b << (8 * i);
	}
	return v;
}

static inline size_t fuzz_left(const struct fuzz_input *in)
{
	return in->size - in->pos;
}

/* A heap copy of n bytes at p with a NUL after them, for ASan's sake. */
static inline char *fuzz_strndup(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

#endif /* TESTS_FUZZ_FUZZ_H */
