// SPDX-License-Identifier: MIT
/*
 * keys.c - one key stream from the keyboard and the serial line.
 *
 * The backend decodes its keyboard (plat_key_poll()); bytes from a
 * terminal on the serial line are decoded here. Terminals send the keys
 * without a character of their own as escape sequences:
 *
 *   ESC [ A..D, ESC O A..D     arrows (normal, application cursor mode)
 *   ESC [ H / F, ESC O H / F   Home, End (xterm)
 *   ESC [ n ~                  VT220 editing and function keys:
 *                              1 Home, 2 Insert, 3 Delete, 4 End,
 *                              5 PgUp, 6 PgDn, 7 Home, 8 End (rxvt),
 *                              11..15 F1..F5, 17..21 F6..F10, 23 24 F11 F12
 *   ESC O P..S                 F1..F4 (VT100 PF1..PF4)
 *   ESC [ [ A..E               F1..F5 (the Linux console)
 *   ESC [ 1 ; 5 A              a modifier as second parameter: ignored
 *
 * A lone ESC, with nothing after it for KEYS_ESC_TIMEOUT_MS, is Esc; ESC
 * and a byte that starts no sequence is Esc, then that byte. A sequence
 * that is not one of the above is dropped whole, an overlong one too (up
 * to its final byte). Backspace arrives as DEL
 * (0x7f) from most terminals, as BS from some; Enter as CR. The other
 * control bytes are the Ctrl keys the editor and the menu use (Ctrl-A is
 * 0x01, Ctrl-L 0x0c): kept as they are.
 *
 * Runs in any CPU mode; the decoder itself is pure (host-tested).
 */
#include <stddef.h>

#include "keys.h"
#include "platform.h"

#define ASCII_ESC	0x1b
#define ASCII_DEL	0x7f

static void vt_push(struct keys_vt *vt, int key)
{
	if (vt->queued < KEYS_VT_QUEUE)
		vt->queue[vt->queued++] = key;
}

/* A byte outside a sequence: its key, or KEY_NONE for one that is none. */
static int vt_plain(uint8_t byte)
{
	if (byte == '\r' || byte == '\n')
		return KEY_ENTER;
	if (byte == ASCII_DEL || byte == KEY_BACKSPACE)
		return KEY_BACKSPACE;
	if ((byte >= 0x01 && byte < ASCII_ESC) || (byte >= 0x20 && byte < 0x7f))
		return byte;
	return KEY_NONE;
}

/* ESC [ n ~: the VT220 key numbers. */
static int vt_tilde(unsigned n)
{
	static const int keys[] = {
		[1] = KEY_HOME, [2] = KEY_INSERT, [3] = KEY_DELETE,
		[4] = KEY_END, [5] = KEY_PGUP, [6] = KEY_PGDN,
		[7] = KEY_HOME, [8] = KEY_END,
		[11] = KEY_F1, [12] = KEY_F2, [13] = KEY_F3, [14] = KEY_F4,
		[15] = KEY_F5, [17] = KEY_F6, [18] = KEY_F7, [19] = KEY_F8,
		[20] = KEY_F9, [21] = KEY_F10, [23] = KEY_F11, [24] = KEY_F12,
	};

	if (n < sizeof(keys) / sizeof(keys[0]) && keys[n])
		return keys[n];
	return KEY_NONE;
}

/* The final byte of ESC [ ... or ESC O ...: cursor keys, Home, End, PF. */
static int vt_final(uint8_t final)
{
	switch (final) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case 'P': return KEY_F1;
	case 'Q': return KEY_F2;
	case 'R': return KEY_F3;
	case 'S': return KEY_F4;
	}
	return KEY_NONE;
}

/* A whole sequence (seq[0] ESC, seq[len-1] its final byte): its key. */
static int vt_decode(const uint8_t *seq, unsigned len)
{
	uint8_t final = seq[len - 1];
	unsigned n = 0;

	if (seq[1] == 'O')
		return len == 3 ? vt_final(final) : KEY_NONE;
	/* ESC [ [ A..E: the Linux console's F1..F5. */
	if (len == 4 && seq[2] == '[')
		return final >= 'A' && final <= 'E' ?
		       KEY_F1 + (final - 'A') : KEY_NONE;
	/* The first parameter; a modifier after ';' is ignored. */
	for (unsigned i = 2; i < len - 1 && seq[i] != ';'; i++)
		n = n * 10 + (seq[i] - '0');
	if (final == '~')
		return vt_tilde(n);
	/* ESC [ A, or ESC [ 1 ; 5 A: the parameter is 1 or none. */
	return n <= 1 ? vt_final(final) : KEY_NONE;
}

void keys_vt_feed(struct keys_vt *vt, uint8_t byte, uint32_t now_ms)
{
	/* The rest of an overlong sequence, up to its final byte. */
	if (vt->skip) {
		vt->skip = !(byte >= 0x40 && byte <= 0x7e);
		return;
	}
	if (vt->len == 0) {
		if (byte == ASCII_ESC) {
			vt->seq[vt->len++] = byte;
			vt->esc_ms = now_ms;
		} else if (vt_plain(byte) != KEY_NONE) {
			vt_push(vt, vt_plain(byte));
		}
		return;
	}
	if (vt->len == 1) {
		if (byte == '[' || byte == 'O') {
			vt->seq[vt->len++] = byte;
			return;
		}
		/* Esc, then whatever came after it (another ESC starts anew). */
		vt->len = 0;
		vt_push(vt, KEY_ESC);
		keys_vt_feed(vt, byte, now_ms);
		return;
	}
	/* Inside ESC [ or ESC O: parameters, then a final byte. */
	vt->seq[vt->len++] = byte;
	if (byte >= 0x40 && byte <= 0x7e &&
	    !(byte == '[' && vt->len == 3 && vt->seq[1] == '[')) {
		int key = vt_decode(vt->seq, vt->len);

		vt->len = 0;
		if (key != KEY_NONE)
			vt_push(vt, key);
		return;
	}
	/* Only digits and ';' may come before the final byte. */
	if (!((byte >= '0' && byte <= '9') || byte == ';' || byte == '['))
		vt->len = 0;
	if (vt->len == KEYS_VT_MAX) {
		vt->len = 0;
		vt->skip = true;
	}
}

void keys_vt_expire(struct keys_vt *vt, uint32_t now_ms)
{
	if (vt->len == 1 && now_ms - vt->esc_ms >= KEYS_ESC_TIMEOUT_MS) {
		vt->len = 0;
		vt_push(vt, KEY_ESC);
	}
}

int keys_vt_next(struct keys_vt *vt)
{
	int key;

	if (vt->queued == 0)
		return KEY_NONE;
	key = vt->queue[0];
	for (unsigned i = 1; i < vt->queued; i++)
		vt->queue[i - 1] = vt->queue[i];
	vt->queued--;
	return key;
}

static struct keys_vt serial_vt;

int keys_poll(void)
{
	int key, byte;

	key = keys_vt_next(&serial_vt);
	if (key != KEY_NONE)
		return key;
	key = plat_key_poll();
	if (key != KEY_NONE)
		return key;
	/* All bytes waiting: a sequence arrives in one go. */
	while (serial_vt.queued == 0 && (byte = plat_serial_poll()) >= 0)
		keys_vt_feed(&serial_vt, (uint8_t)byte, plat_time_ms());
	keys_vt_expire(&serial_vt, plat_time_ms());
	return keys_vt_next(&serial_vt);
}

bool keys_pending(void)
{
	return serial_vt.len != 0 || serial_vt.queued != 0;
}

int keys_wait(void)
{
	int key;

	while ((key = keys_poll()) == KEY_NONE)
		plat_idle();
	return key;
}

void keys_flush(void)
{
	while (plat_key_poll() != KEY_NONE || plat_serial_poll() >= 0)
		;
	serial_vt = (struct keys_vt){ 0 };
}
