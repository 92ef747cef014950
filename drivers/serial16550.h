/* SPDX-License-Identifier: MIT */
/*
 * serial16550.h - a 16550 UART driven by port I/O (COM1 at COM1_PORT,
 * common/layout.h): 115200 baud, 8N1, FIFOs on, no interrupts. Used by
 * both loaders; stage2 always, the EFI loader when the firmware's console
 * does not already reach the UART, and after ExitBootServices.
 */
#ifndef DRIVERS_SERIAL16550_H
#define DRIVERS_SERIAL16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Program the UART at port; false when no UART answers there. */
bool serial16550_init(uint16_t port);
/* Send len bytes as given (no newline translation). */
void serial16550_write(uint16_t port, const char *s, size_t len);
/* A received byte, or -1 when none is waiting. */
int serial16550_getc(uint16_t port);

#endif /* DRIVERS_SERIAL16550_H */
