/* SPDX-License-Identifier: MIT */
/*
 * console.h - the loader's messages, written once for both firmwares:
 * every line goes to the screen and to the serial line at once (through
 * plat_console_write()), and the trace's lines only when it is on.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>

/* Longest line printed at once; the rest of a longer one is cut. */
#define CONSOLE_LINE_MAX	512

/* Trace mode (config "trace on", or T held at start): every step shown. */
extern bool trace_on;

void console_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void console_vprintf(const char *fmt, va_list ap);
#define trace(...) do { if (trace_on) console_printf(__VA_ARGS__); } while (0)

/*
 * The end of a failed boot, after the line that says why: say so, wait
 * for a key (typed after this line), reboot. Never reboots by itself.
 */
__attribute__((noreturn)) void console_fatal(void);

#endif /* CORE_CONSOLE_H */
