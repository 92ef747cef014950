/* SPDX-License-Identifier: MIT */
/*
 * keys.h - keys as the loader sees them, whatever they came from: the
 * BIOS keyboard, EFI's SimpleTextInput (the backend decodes those) or a
 * terminal on the serial line (VT100/VT220/xterm escape sequences,
 * decoded here by a pure decoder the host tests drive byte by byte).
 */
#ifndef CORE_KEYS_H
#define CORE_KEYS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A key: a printable character is its ASCII code (0x20..0x7e); the keys
 * with a control code of their own keep it; the others lie above 0xff.
 */
enum key {
	KEY_NONE = -1,
	KEY_CTRL_A = 0x01,
	KEY_CTRL_E = 0x05,
	KEY_BACKSPACE = 0x08,
	KEY_TAB = 0x09,
	KEY_CTRL_K = 0x0b,
	KEY_CTRL_L = 0x0c,
	KEY_ENTER = 0x0d,
	KEY_CTRL_U = 0x15,
	KEY_ESC = 0x1b,
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_INSERT,
	KEY_DELETE,
	KEY_PGUP,
	KEY_PGDN,
	KEY_F1,
	KEY_F2,
	KEY_F3,
	KEY_F4,
	KEY_F5,
	KEY_F6,
	KEY_F7,
	KEY_F8,
	KEY_F9,
	KEY_F10,
	KEY_F11,
	KEY_F12,
};

/*
 * A lone ESC is the Esc key when no more of a sequence follows within
 * this time. Terminals send a whole sequence in one write, so its bytes
 * arrive back to back at 115200 baud; 100 ms leaves room for a slow link,
 * as vim's ttimeoutlen does.
 */
#define KEYS_ESC_TIMEOUT_MS	100

/* Longest sequence kept: ESC [ 2 4 ; 5 ~ and a little more. */
#define KEYS_VT_MAX		12
/* Keys one byte can complete: an abandoned ESC, and the byte itself. */
#define KEYS_VT_QUEUE		2

/* The serial line's escape-sequence decoder. Zeroed: idle. */
struct keys_vt {
	uint8_t seq[KEYS_VT_MAX];	/* the sequence so far, ESC first */
	unsigned len;
	bool skip;			/* dropping an overlong one */
	uint32_t esc_ms;		/* when its ESC came */
	int queue[KEYS_VT_QUEUE];	/* decoded keys, oldest first */
	unsigned queued;
};

/* One byte from the line, received at now_ms. */
void keys_vt_feed(struct keys_vt *vt, uint8_t byte, uint32_t now_ms);
/* At now_ms: a sequence left at a lone ESC for too long is the Esc key. */
void keys_vt_expire(struct keys_vt *vt, uint32_t now_ms);
/* The next decoded key, or KEY_NONE. */
int keys_vt_next(struct keys_vt *vt);

/* A key from the keyboard or the serial line, or KEY_NONE. */
int keys_poll(void);
/*
 * A sequence from the serial line is under way (its lone ESC not yet
 * timed out): keys_poll() will have a key for it soon.
 */
bool keys_pending(void);
/* Wait for a key. */
int keys_wait(void);
/* Forget keys typed so far (before a prompt, they do not answer it). */
void keys_flush(void);

#endif /* CORE_KEYS_H */
