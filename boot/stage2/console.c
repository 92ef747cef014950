// SPDX-License-Identifier: MIT
/*
 * console.c - stage2's output and input: every character goes to the
 * screen through INT 10h and to COM1 through its ports, so a run with
 * -nographic or -serial shows the same text as the screen. Keys come from
 * INT 16h or from COM1. 32-bit protected mode; BIOS calls via bios_int().
 */
#include <stdarg.h>

#include "bios.h"
#include "fmt.h"
#include "layout.h"
#include "stage2.h"

/* 16550 UART registers, as offsets from COM1_PORT. */
#define UART_DATA	0	/* DLAB=0: transmit/receive */
#define UART_IER	1	/* DLAB=0: interrupt enable */
#define UART_DLL	0	/* DLAB=1: divisor low */
#define UART_DLM	1	/* DLAB=1: divisor high */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_DIVISOR_115200 1
/* Give up on a UART that never drains: it is not there. */
#define UART_TX_SPINS	100000

bool trace_on;

void console_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
	outb(COM1_PORT + UART_DLL, UART_DIVISOR_115200);
	outb(COM1_PORT + UART_DLM, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
	outb(COM1_PORT + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1_PORT + UART_MCR, 0x03);	/* DTR, RTS */
}

static void serial_putc(char c)
{
	for (int i = 0; i < UART_TX_SPINS; i++)
		if (inb(COM1_PORT + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

static void screen_putc(char c)
{
	struct biosregs r;

	/* INT 10h AH=0Eh: teletype output. In: AL char, BH page. */
	bios_regs_init(&r);
	r.ah = 0x0e;
	r.al = (uint8_t)c;
	r.bx = 0x0007;
	bios_int(0x10, &r, NULL);
}

static void console_putc(char c)
{
	if (c == '\n') {
		serial_putc('\r');
		screen_putc('\r');
	}
	serial_putc(c);
	screen_putc(c);
}

void console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		console_putc(*p);
}

int console_pollkey(void)
{
	struct biosregs r;

	if (inb(COM1_PORT + UART_LSR) & UART_LSR_DR)
		return inb(COM1_PORT + UART_DATA);
	/*
	 * INT 16h AH=01h: keystroke waiting? Out: ZF clear if so. With
	 * interrupts on, so the keyboard and timer interrupts get in.
	 */
	bios_regs_init(&r);
	r.ah = 0x01;
	r.eflags |= EFLAGS_IF;
	bios_int(0x16, &r, &r);
	if (r.eflags & EFLAGS_ZF)
		return -1;
	/* INT 16h AH=00h: read it. Out: AL ASCII, AH scan code. */
	bios_regs_init(&r);
	bios_int(0x16, &r, &r);
	return r.al;
}

int console_getkey(void)
{
	int c;

	while ((c = console_pollkey()) < 0)
		__asm__ volatile("pause");
	return c;
}

void console_reboot(void)
{
	/* The keyboard controller's reset line, then a triple fault. */
	outb(0x64, 0xfe);
	__asm__ volatile("lidt (%0)\n\tint3" : : "r"(&(uint64_t){ 0 }));
	for (;;)
		__asm__ volatile("cli; hlt");
}

void fatal(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("%s\n", buf);
	console_printf("bzboot: cannot boot. Press a key to reboot.\n");
	console_getkey();
	console_reboot();
}
