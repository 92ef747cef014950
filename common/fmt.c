// SPDX-License-Identifier: MIT
/*
 * fmt.c - see fmt.h. Freestanding; used in 32-bit stage2 (no libgcc, so no
 * 64-bit division), the 64-bit EFI loader and on the host.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* Divide *v by 10 in 32-bit steps; returns the remainder. */
static unsigned div10(uint64_t *v)
{
	uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
	uint32_t qhi = hi / 10, r = hi % 10;
	uint32_t t = (r << 16) | (lo >> 16);
	uint32_t q1 = t / 10;

	r = t % 10;
	t = (r << 16) | (lo & 0xffff);
	*v = ((uint64_t)qhi << 32) | (q1 << 16) | (t / 10);
	return t % 10;
}

static void out_number(struct out *o, uint64_t v, unsigned base, bool upper,
		       bool negative, int width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t start = o->len;
	char tmp[24];
	int n = 0;

	do {
		if (base == 16) {
			tmp[n++] = digits[v & 15];
			v >>= 4;
		} else {
			tmp[n++] = digits[div10(&v)];
		}
	} while (v);
	if (negative)
		width--;
	if (negative && pad == '0')
		out_char(o, '-');
	for (int i = n; !left && i < width; i++)
		out_char(o, pad);
	if (negative && pad != '0')
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	while (left && o->len - start < (size_t)width + negative)
		out_char(o, ' ');
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, upper = false;
		char pad = ' ';
		int width = 0, lng = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = sizeof(size_t) == 8 ? 2 : 1;
			else if (*fmt != 'h')
				break;
		}
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n = 0;

			if (!str)
				str = "(null)";
			while (str[n])
				n++;
			for (int i = n; !left && i < width; i++)
				out_char(&o, ' ');
			for (int i = 0; i < n; i++)
				out_char(&o, str[i]);
			for (int i = n; left && i < width; i++)
				out_char(&o, ' ');
			break;
		}
		case 'd':
		case 'i':
			if (lng >= 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			out_number(&o, u, 10, false, s < 0, width, pad, left);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, u, 16, false, false, width, pad, left);
			break;
		case 'X':
			upper = true;
			/* fall through */
		case 'u':
		case 'x':
			if (lng >= 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			out_number(&o, u, *fmt == 'u' ? 10 : 16, upper, false,
				   width, pad, left);
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '%');
			if (!*fmt)
				goto done;
			out_char(&o, *fmt);
			break;
		}
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
