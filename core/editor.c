// SPDX-License-Identifier: MIT
/*
 * editor.c - the menu's one-line command-line editor (key e), once for
 * both loaders. It edits a copy of the entry's command line (menu.c);
 * nothing is ever written to disk.
 *
 *   Left/Right, Home/End (Ctrl-A/Ctrl-E)   move
 *   Backspace, Delete                      delete before / at the cursor
 *   Ctrl-K, Ctrl-U                         delete to the end / the start
 *   Enter                                  boot the edited line
 *   Esc                                    back to the menu, unchanged
 *   Ctrl-L                                 draw the line again
 *
 * A line longer than the screen scrolls sideways: '<' and '>' at its
 * ends say there is more. The line can hold at most max - 1 bytes, the
 * config's own limit (CONFIG_CMDLINE_MAX - 1 = 2047), which is also the
 * x86 kernel's cmdline_size since boot protocol 2.06 (COMMAND_LINE_SIZE
 * 2048). The kernel's actual cmdline_size is only known once its header
 * is read: plat_boot_entry() checks the line against it
 * (bzimage_cmdline_fits()) and refuses, with a message, a line too long
 * for an older or smaller kernel, so nothing is ever cut silently.
 */
#include "boot.h"
#include "fmt.h"
#include "keys.h"
#include "platform.h"

/* Columns of text: the line less a mark at either end and the last one. */
#define EDIT_COLS	(SCREEN_COLS - 3)

/*
 * Draw the line from column first, with the cursor at cur. Whole, every
 * time: one line is 79 characters, quick enough on a serial line.
 */
static void edit_draw(unsigned row, const char *line, size_t len,
		      size_t first, size_t cur)
{
	char buf[SCREEN_COLS];
	size_t n = 0, i;

	buf[n++] = first > 0 ? '<' : '>';
	for (i = first; i < len && i < first + EDIT_COLS; i++)
		buf[n++] = line[i];
	while (n < EDIT_COLS + 1)
		buf[n++] = ' ';
	buf[n++] = len > first + EDIT_COLS ? '>' : ' ';
	buf[n] = '\0';
	menu_line(row, buf);
	plat_screen_goto(row, (unsigned)(1 + cur - first));
}

bool editor_edit(char *line, size_t max, unsigned row)
{
	size_t len = 0, cur, first = 0, i;
	char msg[SCREEN_COLS];
	bool full = false;
	int key;

	while (line[len])
		len++;
	cur = len;
	menu_line(row + 1, " Enter: boot this line   Esc: back, unchanged");
	for (;;) {
		/* Keep the cursor inside the window. */
		if (cur < first)
			first = cur;
		if (cur > first + EDIT_COLS - 1)
			first = cur - (EDIT_COLS - 1);
		edit_draw(row, line, len, first, cur);
		key = keys_wait();
		if (full) {
			menu_line(row + 1, "");
			full = false;
		}
		switch (key) {
		case KEY_ENTER:
			return true;
		case KEY_ESC:
			return false;
		case KEY_LEFT:
			if (cur > 0)
				cur--;
			break;
		case KEY_RIGHT:
			if (cur < len)
				cur++;
			break;
		case KEY_HOME:
		case KEY_CTRL_A:
			cur = 0;
			break;
		case KEY_END:
		case KEY_CTRL_E:
			cur = len;
			break;
		case KEY_BACKSPACE:
			if (cur == 0)
				break;
			cur--;
			/* fall through */
		case KEY_DELETE:
			if (cur == len)
				break;
			for (i = cur; i < len; i++)
				line[i] = line[i + 1];
			len--;
			break;
		case KEY_CTRL_K:
			len = cur;
			line[len] = '\0';
			break;
		case KEY_CTRL_U:
			for (i = cur; i <= len; i++)
				line[i - cur] = line[i];
			len -= cur;
			cur = 0;
			break;
		default:
			if (key < 0x20 || key > 0x7e)
				break;
			if (len + 1 >= max) {
				fmt_snprintf(msg, sizeof(msg), " editor: the "
					     "command line is at most %u "
					     "bytes", (unsigned)(max - 1));
				menu_line(row + 1, msg);
				full = true;
				break;
			}
			for (i = len + 1; i > cur; i--)
				line[i] = line[i - 1];
			line[cur++] = (char)key;
			len++;
			break;
		}
	}
}
