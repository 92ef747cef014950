/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - a small printf engine for places with no C library: stage2, the
 * EFI loader, and the shared message code in common/.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%, with the length modifiers hh, h,
 * l, ll, z, a field width, '0' and '-' flags. 64-bit values are printed
 * without 64-bit division, so stage2 needs no libgcc.
 */
#ifndef COMMON_FMT_H
#define COMMON_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* As vsnprintf: returns the length the whole output has, NUL excluded. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* COMMON_FMT_H */
