// SPDX-License-Identifier: MIT
/*
 * menu.c - the full-screen boot menu, once for both loaders, drawn on the
 * screen and the serial terminal at once (plat_screen_goto() and
 * plat_console_write()), 80x25, ASCII only so that any terminal shows it:
 *
 *    bzboot boot menu
 *   +----------------------------------------------------------------------+
 *   | -> 1) linux                                                           |
 *   |    2) rescue                                                          |
 *   +----------------------------------------------------------------------+
 *    Up/Down, PgUp/PgDn, Home/End: select  Enter: boot  1-9: boot that one
 *    e: edit the command line  Ctrl-L: redraw
 *
 *    Booting "linux" in 5 s. Any key stops the countdown.
 *
 * When it shows (menu_wanted()): a timeout above 0 shows it with a
 * countdown; "timeout menu-force" without one; with "timeout 0" (and
 * "menu-hidden") the default boots at once unless Esc or Space was
 * typed by then (on the serial line, a lone ESC needs its 100 ms to be
 * told from a sequence: the check waits that long, and only then).
 *
 * Keys: Up/Down, Home/End, PgUp/PgDn move; Enter boots the choice; 1-9
 * boot that entry; e opens the command-line editor (editor.c) unless
 * "editor off"; Ctrl-L draws everything again (a terminal attached after
 * the menu was drawn). Any key stops the countdown. Only what changes is
 * drawn again: over a serial line at 115200 baud a whole screen takes
 * about 0.2 s, and more under QEMU's TCG.
 *
 * An entry whose values hold '$' (GRUB variables, from grubby; see
 * common/bls.c) is listed with a '*' and not booted: choosing it shows
 * why. The menu never boots by itself except at the countdown's end.
 */
#include "boot.h"
#include "console.h"
#include "fmt.h"
#include "keys.h"
#include "platform.h"

/* Rows of the layout; the list has room for every entry, no scrolling. */
#define ROW_TITLE	0
#define ROW_TOP		1
#define ROW_LIST	2
#define LIST_ROWS	12
#define ROW_BOTTOM	(ROW_LIST + LIST_ROWS)
#define ROW_HELP	(ROW_BOTTOM + 1)
#define ROW_STATUS	(ROW_BOTTOM + 4)
#define ROW_MESSAGE	(ROW_BOTTOM + 6)
/* The editor's line (editor.c) and its message below it. */
#define ROW_EDIT	(ROW_BOTTOM + 8)

_Static_assert(CONFIG_MAX_ENTRIES <= LIST_ROWS,
	       "menu: every entry has a row of the list");
_Static_assert(CONFIG_MAX_ENTRIES <= 9, "menu: every entry has a digit key");
_Static_assert(ROW_EDIT + 1 < SCREEN_ROWS, "menu: the layout fits 25 rows");

/*
 * Lines are padded to this width, so a line drawn again covers the old
 * one with no erase sequence; the last column is never written, so that
 * no terminal wraps or scrolls.
 */
#define LINE_COLS	(SCREEN_COLS - 1)
/* The frame's inside: columns 2..LINE_COLS - 2. */
#define FRAME_INNER	(LINE_COLS - 3)

const char *const menu_not_bootable =
	"uses GRUB variables ($...), which only GRUB expands: not booted";

void menu_line(unsigned row, const char *text)
{
	char buf[LINE_COLS];
	size_t n = 0;

	while (n < LINE_COLS && text[n]) {
		buf[n] = text[n];
		n++;
	}
	while (n < LINE_COLS)
		buf[n++] = ' ';
	plat_screen_goto(row, 0);
	plat_console_write(buf, LINE_COLS);
}

static const char *entry_title(const struct config_entry *e)
{
	return e->title[0] ? e->title : e->name;
}

static void draw_frame(unsigned row)
{
	char buf[LINE_COLS + 1];
	unsigned i;

	buf[0] = ' ';
	buf[1] = '+';
	for (i = 2; i < LINE_COLS - 1; i++)
		buf[i] = '-';
	buf[i++] = '+';
	buf[i] = '\0';
	menu_line(row, buf);
}

/* text inside the frame's sides, cut or padded to fit. */
static void draw_framed(unsigned row, const char *text)
{
	char buf[LINE_COLS + 1];
	unsigned n = 0, i = 0;

	buf[n++] = ' ';
	buf[n++] = '|';
	while (i < FRAME_INNER && text[i])
		buf[n++] = text[i++];
	while (i++ < FRAME_INNER)
		buf[n++] = ' ';
	buf[n++] = '|';
	buf[n] = '\0';
	menu_line(row, buf);
}

static void draw_entry(const struct config *cfg, unsigned i, unsigned pick)
{
	const struct config_entry *e = &cfg->entry[i];
	char text[FRAME_INNER + 1];

	fmt_snprintf(text, sizeof(text), " %s %u)%c%s", i == pick ? "->" : "  ",
		     i + 1, e->grub_vars ? '*' : ' ', entry_title(e));
	draw_framed(ROW_LIST + i, text);
}

static void draw_status(const struct config *cfg, unsigned pick,
			bool countdown, unsigned left_s)
{
	char buf[LINE_COLS + 1];

	if (countdown)
		fmt_snprintf(buf, sizeof(buf), " Booting \"%s\" in %u s. Any "
			     "key stops the countdown.",
			     entry_title(&cfg->entry[pick]), left_s);
	else
		buf[0] = '\0';
	menu_line(ROW_STATUS, buf);
}

static void draw_all(const struct config *cfg, unsigned pick,
		     bool countdown, unsigned left_s, const char *message)
{
	unsigned i;

	plat_screen_clear();
	menu_line(ROW_TITLE, " bzboot boot menu");
	draw_frame(ROW_TOP);
	for (i = 0; i < LIST_ROWS; i++) {
		if (i < cfg->entry_count)
			draw_entry(cfg, i, pick);
		else
			draw_framed(ROW_LIST + i, "");
	}
	draw_frame(ROW_BOTTOM);
	menu_line(ROW_HELP, " Up/Down, PgUp/PgDn, Home/End: select   "
		  "Enter: boot   1-9: boot that entry");
	menu_line(ROW_HELP + 1, cfg->editor_off ?
		  " Ctrl-L: redraw" :
		  " e: edit the command line   Ctrl-L: redraw");
	draw_status(cfg, pick, countdown, left_s);
	menu_line(ROW_MESSAGE, message ? message : "");
}

/* The choice after key, from pick; pick itself for other keys. */
static unsigned menu_move(unsigned pick, unsigned count, int key)
{
	switch (key) {
	case KEY_UP:
		return pick > 0 ? pick - 1 : pick;
	case KEY_DOWN:
		return pick + 1 < count ? pick + 1 : pick;
	case KEY_PGUP:
		return pick > LIST_ROWS ? pick - LIST_ROWS : 0;
	case KEY_PGDN:
		return pick + LIST_ROWS < count ? pick + LIST_ROWS : count - 1;
	case KEY_HOME:
		return 0;
	case KEY_END:
		return count - 1;
	}
	return pick;
}

bool menu_wanted(const struct config *cfg, bool *countdown)
{
	int key = boot_first_key;

	*countdown = false;
	if (cfg->menu_force)
		return true;
	if (cfg->timeout_s > 0) {
		*countdown = true;
		return true;
	}
	/* Hidden: a key typed by now, a lone ESC given its time. */
	if (key == KEY_NONE)
		key = keys_poll();
	while (key == KEY_NONE && keys_pending()) {
		plat_idle();
		key = keys_poll();
	}
	return key == KEY_ESC || key == ' ';
}

/* The message line's text for a choice that cannot boot. */
static char message_buf[LINE_COLS + 1];

static const char *refuse(const struct config_entry *e)
{
	fmt_snprintf(message_buf, sizeof(message_buf), " \"%s\" %s",
		     e->name, menu_not_bootable);
	return message_buf;
}

/* The message row, remembered for Ctrl-L. */
static void show_message(const char **shown, const char *text)
{
	*shown = text;
	menu_line(ROW_MESSAGE, text);
}

const struct config_entry *menu_run(const struct config *cfg, unsigned *pickp,
				    bool countdown, const char *message,
				    struct config_entry *edited)
{
	unsigned pick = *pickp, moved, left_s = cfg->timeout_s, shown_s;
	uint32_t start = plat_time_ms(), elapsed_ms;
	const struct config_entry *e;
	int key;

	draw_all(cfg, pick, countdown, left_s, message);
	for (;;) {
		if (countdown) {
			/* CONFIG_TIMEOUT_MAX s in ms fits 32 bits. */
			elapsed_ms = plat_time_ms() - start;
			if (elapsed_ms >= cfg->timeout_s * 1000u) {
				countdown = false;
				draw_status(cfg, pick, false, 0);
				if (!cfg->entry[pick].grub_vars)
					break;
				show_message(&message,
					     refuse(&cfg->entry[pick]));
				continue;
			}
			shown_s = cfg->timeout_s - elapsed_ms / 1000u;
			if (shown_s != left_s) {
				left_s = shown_s;
				draw_status(cfg, pick, true, left_s);
			}
		}
		key = keys_poll();
		if (key == KEY_NONE) {
			plat_idle();
			continue;
		}
		if (countdown) {
			countdown = false;
			draw_status(cfg, pick, false, 0);
		}
		if (key >= '1' && key <= '9' &&
		    key < '1' + (int)cfg->entry_count) {
			moved = (unsigned)(key - '1');
			if (moved != pick) {
				draw_entry(cfg, pick, moved);
				draw_entry(cfg, moved, moved);
				pick = moved;
			}
			key = KEY_ENTER;
		}
		if (key == KEY_ENTER) {
			if (!cfg->entry[pick].grub_vars)
				break;
			show_message(&message, refuse(&cfg->entry[pick]));
		} else if (key == 'e') {
			if (cfg->editor_off &&
			    config_is_enrolled(&config_enrolled)) {
				show_message(&message, " editor: locked: the "
					     "config is enrolled");
				continue;
			}
			if (cfg->editor_off) {
				show_message(&message, " editor: locked by "
					     "\"editor off\" in the config");
				continue;
			}
			if (cfg->entry[pick].grub_vars) {
				show_message(&message,
					     refuse(&cfg->entry[pick]));
				continue;
			}
			show_message(&message, "");
			*edited = cfg->entry[pick];
			if (editor_edit(edited->cmdline,
					sizeof(edited->cmdline), ROW_EDIT)) {
				*pickp = pick;
				return edited;
			}
			menu_line(ROW_EDIT, "");
			menu_line(ROW_EDIT + 1, "");
		} else if (key == KEY_CTRL_L) {
			draw_all(cfg, pick, false, 0, message);
		} else {
			moved = menu_move(pick, cfg->entry_count, key);
			if (moved != pick) {
				draw_entry(cfg, pick, moved);
				draw_entry(cfg, moved, moved);
				pick = moved;
			}
		}
	}
	*pickp = pick;
	e = &cfg->entry[pick];
	return e;
}
