// SPDX-License-Identifier: MIT
/*
 * console.c - stage2's output and input: every character goes to the
 * screen and to COM1 through its ports, so a run with -nographic or
 * -serial shows the same text as the screen. The screen is written in the
 * VGA text buffer directly when the BIOS left it in 80x25 text mode (with
 * the BIOS's cursor kept in step), else through INT 10h. Keys come from
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

/* The VGA text buffer and the BIOS data area's video fields. */
#define VGA_TEXT_ADDR		0xb8000
#define VGA_COLS		80
#define VGA_ROWS		25
#define VGA_ATTR_GREY		0x0700	/* light grey on black */
#define VGA_CRTC_INDEX		0x3d4
#define VGA_CRTC_DATA		0x3d5
#define VGA_CRTC_CURSOR_HIGH	0x0e
#define VGA_CRTC_CURSOR_LOW	0x0f
#define BDA_VIDEO_MODE		0x449	/* current video mode */
#define BDA_VIDEO_COLS		0x44a	/* text columns */
#define BDA_CURSOR_POS		0x450	/* page 0: column, then row */
#define BDA_VIDEO_PAGE		0x462	/* active display page */

bool trace_on;
static bool vga_text;		/* write the text buffer, not INT 10h */

static bool vga_text_mode(void);

/*
 * The BIOS data area, at fixed low addresses. Through an empty asm so that
 * gcc does not take an address below 4 KiB for a null pointer's offset.
 */
static volatile uint8_t *bda(uintptr_t addr)
{
	__asm__("" : "+r"(addr));
	return (volatile uint8_t *)addr;
}

void console_init(void)
{
	vga_text = vga_text_mode();
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

/* INT 10h AH=0Eh: teletype output. In: AL char, BH page, BL colour. */
static void screen_putc_bios(char c)
{
	struct biosregs r;

	bios_regs_init(&r);
	r.ah = 0x0e;
	r.al = (uint8_t)c;
	r.bx = 0x0007;
	bios_int(0x10, &r, NULL);
}

/* Move the hardware cursor, and the BIOS's idea of it, to row, col. */
static void vga_set_cursor(unsigned row, unsigned col)
{
	uint16_t pos = (uint16_t)(row * VGA_COLS + col);

	bda(BDA_CURSOR_POS)[0] = (uint8_t)col;
	bda(BDA_CURSOR_POS)[1] = (uint8_t)row;
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HIGH);
	outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LOW);
	outb(VGA_CRTC_DATA, (uint8_t)pos);
}

/*
 * Characters straight into the 80x25 text buffer. Not through INT 10h:
 * SeaBIOS with a serial console (QEMU -nographic) copies everything
 * written through INT 10h to COM1, where our own copy of each character
 * already goes, and the two interleave.
 */
static void screen_putc_vga(char c)
{
	volatile uint16_t *text = (volatile uint16_t *)VGA_TEXT_ADDR;
	unsigned col = bda(BDA_CURSOR_POS)[0];
	unsigned row = bda(BDA_CURSOR_POS)[1];

	if (c == '\r') {
		col = 0;
	} else if (c == '\n') {
		row++;
	} else {
		text[row * VGA_COLS + col] = VGA_ATTR_GREY | (uint8_t)c;
		if (++col == VGA_COLS) {
			col = 0;
			row++;
		}
	}
	if (row == VGA_ROWS) {
		for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
			text[i] = text[i + VGA_COLS];
		for (unsigned i = 0; i < VGA_COLS; i++)
			text[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR_GREY | ' ';
		row = VGA_ROWS - 1;
	}
	vga_set_cursor(row, col);
}

/* The screen in 80x25 colour text mode, page 0, as the BIOS left it? */
static bool vga_text_mode(void)
{
	uint8_t mode = bda(BDA_VIDEO_MODE)[0];
	uint16_t cols = (uint16_t)(bda(BDA_VIDEO_COLS)[0] |
				 bda(BDA_VIDEO_COLS)[1] << 8);
	uint8_t page = bda(BDA_VIDEO_PAGE)[0];

	return (mode == 0x02 || mode == 0x03) && cols == VGA_COLS &&
	       page == 0;
}

static void screen_putc(char c)
{
	if (vga_text)
		screen_putc_vga(c);
	else
		screen_putc_bios(c);
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
