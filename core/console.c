// SPDX-License-Identifier: MIT
/*
 * console.c - formatted output to the screen and the serial line at once,
 * through the backend's plat_console_write(), and the end of a failed boot.
 * A "\n" goes out as "\r\n": the terminal and the screen both want it.
 */
#include "console.h"
#include "fmt.h"
#include "keys.h"
#include "platform.h"

bool trace_on;

void console_vprintf(const char *fmt, va_list ap)
{
	char buf[CONSOLE_LINE_MAX];
	const char *p, *start;

	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	for (p = start = buf; *p; p++) {
		if (*p != '\n')
			continue;
		plat_console_write(start, (size_t)(p - start));
		plat_console_write("\r\n", 2);
		start = p + 1;
	}
	if (p != start)
		plat_console_write(start, (size_t)(p - start));
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void console_fatal(void)
{
	console_printf("bzboot: cannot boot. Press a key to reboot.\n");
	keys_flush();
	keys_wait();
	plat_reboot();
}
