// SPDX-License-Identifier: MIT
/*
 * serial16550.c - the one 16550 UART driver of both loaders: port I/O
 * only, so it runs in stage2's protected mode, under EFI boot services
 * and after ExitBootServices alike. Register names as in the 16550 data
 * sheet (and Linux's include/uapi/linux/serial_reg.h).
 */
#include "portio.h"
#include "serial16550.h"

/* Registers, as offsets from the base port. */
#define UART_RBR	0	/* receive buffer (DLAB 0) */
#define UART_THR	0	/* transmit holding (DLAB 0) */
#define UART_DLL	0	/* divisor latch low (DLAB 1) */
#define UART_IER	1	/* interrupt enable (DLAB 0) */
#define UART_DLM	1	/* divisor latch high (DLAB 1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_FCR_ENABLE	0x07	/* enable and clear both FIFOs */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_ABSENT	0xff	/* no UART decodes the port */
/* 115200 baud: the divisor of the 1.8432 MHz / 16 clock. */
#define UART_DIVISOR_115200	1
/* Polls of LSR before a byte is sent anyway: never hang on a dead UART. */
#define UART_TX_POLLS	100000

bool serial16550_init(uint16_t port)
{
	if (inb(port + UART_LSR) == UART_LSR_ABSENT)
		return false;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, UART_DIVISOR_115200 & 0xff);
	outb(port + UART_DLM, UART_DIVISOR_115200 >> 8);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE);
	outb(port + UART_MCR, UART_MCR_DTR_RTS);
	return true;
}

void serial16550_write(uint16_t port, const char *s, size_t len)
{
	for (size_t n = 0; n < len; n++) {
		for (unsigned i = 0; i < UART_TX_POLLS; i++)
			if (inb(port + UART_LSR) & UART_LSR_THRE)
				break;
		outb(port + UART_THR, (uint8_t)s[n]);
	}
}

int serial16550_getc(uint16_t port)
{
	if (!(inb(port + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(port + UART_RBR);
}
