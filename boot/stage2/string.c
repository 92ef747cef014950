// SPDX-License-Identifier: MIT
/*
 * string.c - the few C library functions stage2 needs: gcc emits calls to
 * memcpy and memset for structure copies even in freestanding code, and
 * the kernel and initrd are copied up from the bounce buffer with memcpy.
 * 32-bit protected mode, flat segments.
 */
#include "stage2.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t dwords = n >> 2, tail = n & 3;

	/* rep movsd then the 0..3 byte tail: a megabyte per few ms. */
	__asm__ volatile("rep movsl\n\t"
			 "movl %[tail], %%ecx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(src), "+c"(dwords)
			 : [tail] "r"(tail)
			 : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
