// SPDX-License-Identifier: MIT
/*
 * console.c - the BIOS backend's console for core/platform.h: every
 * character goes to the screen and to COM1 (drivers/serial16550.c), so a
 * run with -nographic or -serial shows the same text as the screen. The
 * screen is written in the VGA text buffer directly when the BIOS left it
 * in 80x25 text mode (with the BIOS's cursor kept in step), else through
 * INT 10h. Keys come from INT 16h, decoded here, and from COM1, decoded by
 * core/keys.c. 32-bit protected mode; BIOS calls via bios_int().
 */
#include <stdarg.h>

#include "bios.h"
#include "console.h"
#include "fmt.h"
#include "keys.h"
#include "layout.h"
#include "platform.h"
#include "serial16550.h"
#include "stage2.h"

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

static bool vga_text;		/* write the text buffer, not INT 10h */
static bool com1;		/* a UART answers at COM1_PORT */

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
	com1 = serial16550_init(COM1_PORT);
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

void plat_console_write(const char *s, size_t len)
{
	if (com1)
		serial16550_write(COM1_PORT, s, len);
	for (size_t i = 0; i < len; i++)
		screen_putc(s[i]);
}

/*
 * The menu's two screen operations (core/platform.h): the text buffer and
 * the cursor here, and the ANSI sequences for the same on COM1.
 */
void plat_screen_clear(void)
{
	volatile uint16_t *text = (volatile uint16_t *)VGA_TEXT_ADDR;
	struct biosregs r;

	if (com1)
		serial16550_write(COM1_PORT, "\x1b[2J\x1b[H", 7);
	if (vga_text) {
		for (unsigned i = 0; i < VGA_ROWS * VGA_COLS; i++)
			text[i] = VGA_ATTR_GREY | ' ';
		vga_set_cursor(0, 0);
		return;
	}
	/* INT 10h AH=06h: scroll up; AL 0 clears CH,CL..DH,DL with BH. */
	bios_regs_init(&r);
	r.ah = 0x06;
	r.bh = 0x07;
	r.dh = VGA_ROWS - 1;
	r.dl = VGA_COLS - 1;
	bios_int(0x10, &r, NULL);
	plat_screen_goto(0, 0);
}

void plat_screen_goto(unsigned row, unsigned col)
{
	struct biosregs r;
	char seq[16];
	int n;

	if (com1) {
		/* ESC [ row ; col H counts from 1. */
		n = fmt_snprintf(seq, sizeof(seq), "\x1b[%u;%uH", row + 1,
				 col + 1);
		serial16550_write(COM1_PORT, seq, (size_t)n);
	}
	if (vga_text) {
		vga_set_cursor(row, col);
		return;
	}
	/* INT 10h AH=02h: set cursor position. In: BH page, DH row, DL col. */
	bios_regs_init(&r);
	r.ah = 0x02;
	r.dh = (uint8_t)row;
	r.dl = (uint8_t)col;
	bios_int(0x10, &r, NULL);
}

/* INT 16h scan codes of the keys without an ASCII code. */
static int bios_scan_key(uint8_t scan)
{
	static const struct {
		uint8_t scan;
		int16_t key;
	} keys[] = {
		{ 0x48, KEY_UP }, { 0x50, KEY_DOWN }, { 0x4b, KEY_LEFT },
		{ 0x4d, KEY_RIGHT }, { 0x47, KEY_HOME }, { 0x4f, KEY_END },
		{ 0x52, KEY_INSERT }, { 0x53, KEY_DELETE },
		{ 0x49, KEY_PGUP }, { 0x51, KEY_PGDN },
		{ 0x85, KEY_F11 }, { 0x86, KEY_F12 },
	};

	/* F1..F10: scan codes 3Bh..44h. */
	if (scan >= 0x3b && scan <= 0x44)
		return KEY_F1 + (scan - 0x3b);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].scan == scan)
			return keys[i].key;
	return KEY_NONE;
}

int plat_key_poll(void)
{
	struct biosregs r;

	/*
	 * INT 16h AH=01h: keystroke waiting? Out: ZF clear if so. With
	 * interrupts on, so the keyboard and timer interrupts get in.
	 */
	bios_regs_init(&r);
	r.ah = 0x01;
	r.eflags |= EFLAGS_IF;
	bios_int(0x16, &r, &r);
	if (r.eflags & EFLAGS_ZF)
		return KEY_NONE;
	/* INT 16h AH=00h: read it. Out: AL ASCII, AH scan code. */
	bios_regs_init(&r);
	bios_int(0x16, &r, &r);
	/* AL 00h (or E0h, the grey keys): a key known by its scan code. */
	if (r.al == 0x00 || r.al == 0xe0)
		return bios_scan_key(r.ah);
	if (r.al == '\n')
		return KEY_ENTER;
	return r.al;
}

int plat_serial_poll(void)
{
	return com1 ? serial16550_getc(COM1_PORT) : -1;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n");
	console_fatal();
}
