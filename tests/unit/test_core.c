// SPDX-License-Identifier: MIT
/*
 * test_core.c - host tests of the loader core (core/): the serial line's
 * escape-sequence decoder byte by byte, then the config reader (with BLS
 * entries and loader.conf), the full-screen menu, the command-line editor
 * and the entry loop driven through the fake platform (fake_platform.c):
 * scripted keys and serial bytes at given times (every escape-sequence
 * form the menu and editor use, a lone Esc), the captured screen checked
 * line for line with the messages the QEMU suites expect and row by row
 * on its 80x25 grid, a fake entry boot that fails or starts the kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "bootenv.h"
#include "check.h"
#include "console.h"
#include "fake_platform.h"
#include "file.h"
#include "keys.h"

/* --- the escape-sequence decoder ------------------------------------ */

/*
 * The keys bytes decode to, at time 0, then expired at 1000 ms; taken as
 * they come, as keys_poll() does.
 */
static int decode(const char *bytes, int *keys, int max)
{
	struct keys_vt vt = { 0 };
	int n = 0, key;

	for (const char *p = bytes; *p; p++) {
		keys_vt_feed(&vt, (uint8_t)*p, 0);
		while ((key = keys_vt_next(&vt)) != KEY_NONE && n < max)
			keys[n++] = key;
	}
	keys_vt_expire(&vt, 1000);
	while ((key = keys_vt_next(&vt)) != KEY_NONE && n < max)
		keys[n++] = key;
	return n;
}

static void check_one(const char *bytes, int want, const char *name)
{
	int keys[4], n = decode(bytes, keys, 4);

	CHECK(n == 1 && keys[0] == want, "vt: %s decodes to one key (%d)",
	      name, n ? keys[0] : KEY_NONE);
}

static void test_vt(void)
{
	static const struct {
		const char *bytes;
		int key;
		const char *name;
	} one[] = {
		{ "\x1b[A", KEY_UP, "ESC [ A" },
		{ "\x1b[B", KEY_DOWN, "ESC [ B" },
		{ "\x1b[C", KEY_RIGHT, "ESC [ C" },
		{ "\x1b[D", KEY_LEFT, "ESC [ D" },
		{ "\x1bOA", KEY_UP, "ESC O A" },
		{ "\x1bOD", KEY_LEFT, "ESC O D" },
		{ "\x1b[H", KEY_HOME, "ESC [ H" },
		{ "\x1b[F", KEY_END, "ESC [ F" },
		{ "\x1bOH", KEY_HOME, "ESC O H" },
		{ "\x1bOF", KEY_END, "ESC O F" },
		{ "\x1b[1~", KEY_HOME, "ESC [ 1 ~" },
		{ "\x1b[2~", KEY_INSERT, "ESC [ 2 ~" },
		{ "\x1b[3~", KEY_DELETE, "ESC [ 3 ~" },
		{ "\x1b[4~", KEY_END, "ESC [ 4 ~" },
		{ "\x1b[5~", KEY_PGUP, "ESC [ 5 ~" },
		{ "\x1b[6~", KEY_PGDN, "ESC [ 6 ~" },
		{ "\x1b[7~", KEY_HOME, "ESC [ 7 ~ (rxvt)" },
		{ "\x1b[8~", KEY_END, "ESC [ 8 ~ (rxvt)" },
		{ "\x1bOP", KEY_F1, "ESC O P" },
		{ "\x1bOQ", KEY_F2, "ESC O Q" },
		{ "\x1bOR", KEY_F3, "ESC O R" },
		{ "\x1bOS", KEY_F4, "ESC O S" },
		{ "\x1b[11~", KEY_F1, "ESC [ 11 ~" },
		{ "\x1b[15~", KEY_F5, "ESC [ 15 ~" },
		{ "\x1b[17~", KEY_F6, "ESC [ 17 ~" },
		{ "\x1b[21~", KEY_F10, "ESC [ 21 ~" },
		{ "\x1b[23~", KEY_F11, "ESC [ 23 ~" },
		{ "\x1b[24~", KEY_F12, "ESC [ 24 ~" },
		{ "\x1b[[A", KEY_F1, "ESC [ [ A (Linux console)" },
		{ "\x1b[[E", KEY_F5, "ESC [ [ E (Linux console)" },
		{ "\x1b[1;5A", KEY_UP, "ESC [ 1 ; 5 A (Ctrl-Up)" },
		{ "\x1b[3;2~", KEY_DELETE, "ESC [ 3 ; 2 ~ (Shift-Delete)" },
		{ "\x1b", KEY_ESC, "a lone ESC" },
		{ "\r", KEY_ENTER, "CR" },
		{ "\n", KEY_ENTER, "LF" },
		{ "\x7f", KEY_BACKSPACE, "DEL" },
		{ "\b", KEY_BACKSPACE, "BS" },
		{ "\t", KEY_TAB, "TAB" },
		{ "x", 'x', "a letter" },
		{ "7", '7', "a digit" },
	};
	struct keys_vt vt = { 0 };
	int keys[8], n;

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		check_one(one[i].bytes, one[i].key, one[i].name);

	/* A lone ESC waits for KEYS_ESC_TIMEOUT_MS, and no longer. */
	keys_vt_feed(&vt, 0x1b, 5000);
	keys_vt_expire(&vt, 5000 + KEYS_ESC_TIMEOUT_MS - 1);
	CHECK_EQ(keys_vt_next(&vt), KEY_NONE, "vt: ESC pending before the "
		 "timeout");
	keys_vt_expire(&vt, 5000 + KEYS_ESC_TIMEOUT_MS);
	CHECK_EQ(keys_vt_next(&vt), KEY_ESC, "vt: ESC at the timeout");
	/* The clock wraps: still a difference of 100 ms. */
	keys_vt_feed(&vt, 0x1b, UINT32_MAX - 10);
	keys_vt_expire(&vt, KEYS_ESC_TIMEOUT_MS - 11);
	CHECK_EQ(keys_vt_next(&vt), KEY_ESC, "vt: ESC timeout across a wrap");
	/* The rest of a sequence after the timeout would be its own keys. */
	keys_vt_feed(&vt, 0x1b, 0);
	keys_vt_feed(&vt, '[', 50);
	keys_vt_expire(&vt, 500);
	keys_vt_feed(&vt, 'A', 500);
	CHECK_EQ(keys_vt_next(&vt), KEY_UP, "vt: ESC [ is not expired");

	n = decode("\x1bx", keys, 8);
	CHECK(n == 2 && keys[0] == KEY_ESC && keys[1] == 'x',
	      "vt: ESC x is Esc, then x");
	n = decode("\x1b\x1b[A", keys, 8);
	CHECK(n == 2 && keys[0] == KEY_ESC && keys[1] == KEY_UP,
	      "vt: ESC ESC [ A is Esc, then Up");
	n = decode("\x1b[99~1", keys, 8);
	CHECK(n == 1 && keys[0] == '1',
	      "vt: an unknown ESC [ 99 ~ is dropped, the next key stays");
	n = decode("\x1b[Z2", keys, 8);
	CHECK(n == 1 && keys[0] == '2', "vt: ESC [ Z (Shift-Tab) dropped");
	n = decode("\x1b[1234567890123A3", keys, 8);
	CHECK(n == 1 && keys[0] == '3',
	      "vt: an overlong sequence is dropped whole, the next key stays");
	n = decode("\x1b[A\x1b[B\r", keys, 8);
	CHECK(n == 3 && keys[0] == KEY_UP && keys[1] == KEY_DOWN &&
	      keys[2] == KEY_ENTER, "vt: sequences back to back");
	n = decode("\x01\x0c\x1b[A", keys, 8);
	CHECK(n == 3 && keys[0] == KEY_CTRL_A && keys[1] == KEY_CTRL_L &&
	      keys[2] == KEY_UP, "vt: Ctrl-A and Ctrl-L are kept");
	n = decode("\x1f\x1b[A", keys, 8);
	CHECK(n == 1 && keys[0] == KEY_UP, "vt: 0x1f is no key");
}

/* --- a config and a menu --------------------------------------------- */

static struct config cfg;

static void set_entries(unsigned count, unsigned def, unsigned timeout_s)
{
	static const char *const names[] = { "first", "second", "third" };

	memset(&cfg, 0, sizeof(cfg));
	for (unsigned i = 0; i < count; i++) {
		snprintf(cfg.entry[i].name, sizeof(cfg.entry[i].name), "%s",
			 names[i]);
		snprintf(cfg.entry[i].kernel, sizeof(cfg.entry[i].kernel),
			 "/boot/%s", names[i]);
	}
	cfg.entry_count = count;
	cfg.default_entry = def;
	cfg.timeout_s = timeout_s;
}

/* Rows of the menu's layout (core/menu.c). */
#define ROW_LIST	2
#define ROW_STATUS	18
#define ROW_MESSAGE	20
#define ROW_EDIT	22

static void run_entries(void)
{
	boot_entries(&cfg);
}

static void test_menu(void)
{
	/* timeout 0: the default at once, no menu; other keys ignored. */
	fake_reset();
	set_entries(3, 1, 0);
	fake_bootable("second");
	fake_bootable("third");
	fake_key(0, '3');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: timeout 0 boots");
	CHECK_STREQ(fake_tried(), "second", "menu: timeout 0: the default");
	CHECK_EQ(fake_clears(), 0, "menu: timeout 0 shows no menu");
	CHECK_EQ(fake_now(), 0, "menu: timeout 0 does not wait");

	/* timeout 0, Esc or Space held: the menu, without a countdown. */
	static const struct {
		bool serial;
		int key;
		const char *name;
	} hold[] = {
		{ false, KEY_ESC, "Esc" }, { false, ' ', "Space" },
		{ true, '\x1b', "a lone ESC on serial" },
		{ true, ' ', "Space on serial" },
	};
	for (unsigned i = 0; i < sizeof(hold) / sizeof(hold[0]); i++) {
		fake_reset();
		set_entries(3, 1, 0);
		if (hold[i].serial)
			fake_serial(0, (const char *)&(char){ (char)hold[i].key },
				    1);
		else
			fake_key(0, hold[i].key);
		CHECK_EQ(fake_run(run_entries), FAKE_STUCK,
			 "menu: %s at start opens it, and it waits",
			 hold[i].name);
		CHECK_STREQ(fake_row(0), " bzboot boot menu",
			    "menu: %s: the title", hold[i].name);
		char row[100];
		snprintf(row, sizeof(row), " |%-76s|", " -> 2) second");
		CHECK_STREQ(fake_row(ROW_LIST + 1), row,
			    "menu: %s: the default's row, marked",
			    hold[i].name);
		snprintf(row, sizeof(row), " |%-76s|", "    3) third");
		CHECK_STREQ(fake_row(ROW_LIST + 2), row,
			    "menu: %s: another row", hold[i].name);
		CHECK_STREQ(fake_row(ROW_STATUS), "",
			    "menu: %s: no countdown", hold[i].name);
		CHECK_STREQ(fake_tried(), "", "menu: %s: nothing booted",
			    hold[i].name);
	}

	/* The countdown: shown, counting, then the default boots. */
	fake_reset();
	set_entries(3, 1, 3);
	fake_bootable("second");
	fake_snap(1500, ROW_STATUS);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: countdown boots");
	CHECK_STREQ(fake_tried(), "second", "menu: countdown: the default");
	CHECK(fake_now() >= 3000 && fake_now() <= 3000 + FAKE_IDLE_MS,
	      "menu: waits 3 s (%u ms)", fake_now());
	CHECK_STREQ(fake_snapped(), " Booting \"second\" in 2 s. Any key "
		    "stops the countdown.", "menu: the countdown at 1.5 s");
	CHECK_STREQ(fake_row(0), "bzboot: booting entry \"second\"",
		    "menu: the screen is cleared for the boot");

	/* Any key stops it, one that does nothing too. */
	fake_reset();
	set_entries(3, 1, 2);
	fake_key(500, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_STUCK, "menu: x stops the "
		 "countdown");
	CHECK_STREQ(fake_row(ROW_STATUS), "", "menu: x: countdown gone");
	CHECK_STREQ(fake_tried(), "", "menu: x: nothing booted");

	/* A lone Esc on serial stops it too (after its 100 ms). */
	fake_reset();
	set_entries(3, 1, 1);
	fake_serial(100, "\x1b", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_STUCK, "menu: Esc on serial "
		 "stops the countdown");

	/* A digit boots that entry at once; 0 and past the last do not. */
	fake_reset();
	set_entries(3, 1, 2);
	fake_bootable("third");
	fake_key(100, '4');
	fake_key(200, '0');
	fake_key(500, '3');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: 3 boots");
	CHECK(strcmp(fake_tried(), "third") == 0 && fake_now() < 600,
	      "menu: 3 boots the third at once (%s, %u ms)", fake_tried(),
	      fake_now());

	/* Keys and the sequences a terminal sends for them. */
	static const struct {
		const char *keys;	/* serial bytes */
		const char *want;
	} moves[] = {
		{ "\x1b[B\r", "third" },		/* CSI Down */
		{ "\x1bOB\r", "third" },		/* SS3 Down */
		{ "\x1b[A\r", "first" },		/* CSI Up */
		{ "\x1bOA\x1bOA\r", "first" },	/* SS3 Up, at the top */
		{ "\x1b[F\x1b[H\r", "first" },	/* End, Home */
		{ "\x1bOF\r", "third" },		/* SS3 End */
		{ "\x1b[4~\x1b[A\r", "second" },	/* VT220 End, Up */
		{ "\x1b[8~\x1b[1~\r", "first" },	/* rxvt End, VT220 Home */
		{ "\x1b[7~\x1b[B\r", "second" },	/* rxvt Home, Down */
		{ "\x1b[6~\r", "third" },		/* PgDn */
		{ "\x1b[5~\r", "first" },		/* PgUp */
		{ "\x1b[B\n", "third" },		/* LF is Enter */
		{ "\x1b\x1b[B\r", "third" },		/* Esc, then Down */
		{ "\x1b[1;5B\r", "third" },		/* Ctrl-Down */
	};
	for (unsigned i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		fake_reset();
		set_entries(3, 1, 5);
		fake_bootable("first");
		fake_bootable("second");
		fake_bootable("third");
		fake_serial(100, moves[i].keys, strlen(moves[i].keys));
		CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: keys %u",
			 i);
		CHECK(strcmp(fake_tried(), moves[i].want) == 0 &&
		      fake_now() < 300, "menu: keys %u boot %s (%s, %u ms)",
		      i, moves[i].want, fake_tried(), fake_now());
	}

	/* The same from the keyboard. */
	fake_reset();
	set_entries(3, 0, 5);
	fake_bootable("second");
	fake_key(100, KEY_END);
	fake_key(110, KEY_PGUP);
	fake_key(120, KEY_PGDN);
	fake_key(130, KEY_HOME);
	fake_key(140, KEY_DOWN);
	fake_key(150, KEY_ENTER);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: keyboard keys");
	CHECK_STREQ(fake_tried(), "second", "menu: End PgUp PgDn Home Down");

	/* Moving redraws two rows, not the screen. */
	fake_reset();
	set_entries(3, 0, 5);
	fake_key(100, KEY_DOWN);
	fake_run(run_entries);
	CHECK_EQ(fake_clears(), 1, "menu: Down does not clear the screen");
	CHECK(strncmp(fake_row(ROW_LIST), " |    1) first", 14) == 0 &&
	      strncmp(fake_row(ROW_LIST + 1), " | -> 2) second", 15) == 0,
	      "menu: Down moves the mark (%s)", fake_row(ROW_LIST + 1));

	/* Ctrl-L draws it all again, from the keyboard or serial. */
	fake_reset();
	set_entries(3, 0, 5);
	fake_key(100, KEY_CTRL_L);
	fake_serial(200, "\x0c", 1);
	fake_run(run_entries);
	CHECK_EQ(fake_clears(), 3, "menu: Ctrl-L twice redraws twice");
	CHECK_STREQ(fake_row(0), " bzboot boot menu", "menu: after Ctrl-L");

	/* ... and keeps the message row. */
	fake_reset();
	set_entries(3, 0, 5);
	cfg.editor_off = true;
	fake_key(100, 'e');
	fake_key(200, KEY_CTRL_L);
	fake_run(run_entries);
	CHECK(fake_clears() == 2 && strcmp(fake_row(ROW_MESSAGE), " editor: "
	      "locked by \"editor off\" in the config") == 0,
	      "menu: Ctrl-L keeps the message (%s)", fake_row(ROW_MESSAGE));

	/* A failed entry: its message, a key, the menu again. */
	fake_reset();
	set_entries(3, 0, 1);
	fake_bootable("second");
	fake_key(2000, 'x');
	fake_snap(1500, 1);
	fake_key(3000, KEY_DOWN);
	fake_key(3100, KEY_ENTER);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "menu: back after a "
		 "failure");
	CHECK_STREQ(fake_tried(), "first second", "menu: first failed, "
		    "second chosen after");
	CHECK_STREQ(fake_snapped(), "linux: /boot/first: cannot boot",
		    "menu: the failure's message is shown");
	CHECK(strstr(fake_screen(), "bzboot: press a key to return to the "
		     "menu\n") != NULL, "menu: the failure's prompt");

	/* ... and without a key after it, it waits: never a reboot. */
	fake_reset();
	set_entries(2, 0, 1);
	fake_key(1500, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_STUCK, "menu: all fail, it "
		 "waits");
	CHECK_STREQ(fake_row(ROW_MESSAGE), " bzboot: entry \"first\" could "
		    "not be booted (messages above)", "menu: the menu says "
		    "which failed");
}

/* --- the command-line editor ----------------------------------------- */

static void editor_case(const char *keys, const char *cmdline,
			enum fake_end want_end, const char *want,
			const char *name)
{
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "%s",
		 cmdline);
	fake_bootable("first");
	fake_serial(100, keys, strlen(keys));
	CHECK_EQ(fake_run(run_entries), want_end, "editor: %s: the end",
		 name);
	if (want)
		CHECK_STREQ(fake_cmdline(), want, "editor: %s", name);
}

static void test_editor(void)
{
	editor_case("e tok=1\r", "quiet", FAKE_BOOTED, "quiet tok=1",
		    "type at the end");
	editor_case("e\x1b[H\x1b[3~\x1b[3~\x1b[3~\x1b[3~\x1b[3~\x1b[3~x\r",
		    "quiet ro", FAKE_BOOTED, "xro", "Home, Delete");
	editor_case("e\x1b[D\x1b[D\x7f\x08Z\r", "abcdef", FAKE_BOOTED,
		    "abZef", "Left, Backspace (DEL and BS)");
	editor_case("e\x01\x1b[C\x1b[CX\x05Y\r", "abcd", FAKE_BOOTED,
		    "abXcdY", "Ctrl-A, Right, Ctrl-E");
	editor_case("e\x1bOH\x1bOC\x0b!\r", "abcd", FAKE_BOOTED, "a!",
		    "SS3 Home, SS3 Right, Ctrl-K");
	editor_case("e\x1b[D\x1b[D\x15\r", "abcd", FAKE_BOOTED, "cd",
		    "Ctrl-U");
	editor_case("e\x1b[1~\x1b[4~.\r", "ab", FAKE_BOOTED, "ab.",
		    "VT220 Home, End");
	editor_case("e\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x7fQ\r", "ab",
		    FAKE_BOOTED, "Qab", "Left and Backspace at the start");
	editor_case("e\x1b[C\x1b[3~!\r", "ab", FAKE_BOOTED, "ab!",
		    "Right and Delete at the end");

	/* Esc (alone: after its 100 ms) is back to the menu, unchanged. */
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "ro");
	fake_bootable("first");
	fake_serial(100, "eXYZ\x1b", 5);
	fake_serial(400, "\r", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "editor: Esc, Enter");
	CHECK_STREQ(fake_cmdline(), "ro", "editor: Esc leaves it unchanged");
	CHECK_STREQ(cfg.entry[0].cmdline, "ro", "editor: the config's copy "
		    "is never changed");

	/* What the editor shows: the line, then scrolled sideways. */
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "quiet");
	fake_serial(100, "e", 1);
	fake_run(run_entries);
	CHECK_STREQ(fake_row(ROW_EDIT), ">quiet", "editor: the line");
	CHECK(fake_cursor_row() == ROW_EDIT && fake_cursor_col() == 6,
	      "editor: the cursor after it (%u, %u)", fake_cursor_row(),
	      fake_cursor_col());

	char line[200];
	memset(line, 'a', 100);
	line[100] = '\0';
	line[0] = 'S';
	line[99] = 'E';
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "%s",
		 line);
	fake_serial(100, "e", 1);
	fake_run(run_entries);
	CHECK(fake_row(ROW_EDIT)[0] == '<' &&
	      fake_row(ROW_EDIT)[strlen(fake_row(ROW_EDIT)) - 1] == 'E' &&
	      fake_cursor_col() == 77, "editor: a long line shows its end "
	      "(%s, col %u)", fake_row(ROW_EDIT), fake_cursor_col());
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "%s",
		 line);
	fake_serial(100, "e\x01", 2);
	fake_run(run_entries);
	CHECK(fake_row(ROW_EDIT)[1] == 'S' && fake_row(ROW_EDIT)[0] == '>' &&
	      fake_row(ROW_EDIT)[78] == '>' && fake_cursor_col() == 1,
	      "editor: Home scrolls back (%s)", fake_row(ROW_EDIT));

	/* The limit: a full line takes no more, and says so. */
	static char full[CONFIG_CMDLINE_MAX];
	memset(full, 'x', sizeof(full) - 2);
	full[sizeof(full) - 2] = '\0';
	fake_reset();
	set_entries(2, 0, 5);
	snprintf(cfg.entry[0].cmdline, sizeof(cfg.entry[0].cmdline), "%s",
		 full);
	fake_bootable("first");
	fake_serial(100, "eAB", 3);
	fake_serial(500, "\r", 1);
	fake_snap(300, ROW_EDIT + 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "editor: full line");
	CHECK(strlen(fake_cmdline()) == CONFIG_CMDLINE_MAX - 1 &&
	      fake_cmdline()[CONFIG_CMDLINE_MAX - 2] == 'A',
	      "editor: one more byte fits, not two (%zu)",
	      strlen(fake_cmdline()));
	CHECK_STREQ(fake_snapped(), " editor: the command line is at most "
		    "2047 bytes", "editor: the limit is shown");

	/* editor off: e says so and edits nothing. */
	fake_reset();
	set_entries(2, 0, 5);
	cfg.editor_off = true;
	fake_bootable("first");
	fake_serial(100, "eX", 2);
	fake_snap(200, ROW_MESSAGE);
	fake_serial(300, "\r", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "editor off: boots");
	CHECK_STREQ(fake_cmdline(), "", "editor off: nothing edited");
	CHECK_STREQ(fake_snapped(), " editor: locked by \"editor off\" in "
		    "the config", "editor off: the message");

	/* An entry with GRUB variables: marked, not booted, not edited. */
	fake_reset();
	set_entries(2, 0, 5);
	cfg.entry[0].grub_vars = true;
	fake_bootable("first");
	fake_bootable("second");
	fake_serial(100, "\r", 1);
	fake_snap(200, ROW_MESSAGE);
	fake_serial(300, "2", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "grub vars: 2 boots");
	CHECK_STREQ(fake_tried(), "second", "grub vars: first not booted");
	CHECK_STREQ(fake_snapped(), " \"first\" uses GRUB variables ($...), "
		    "which only GRUB expands: not booted",
		    "grub vars: the message");
	fake_reset();
	set_entries(2, 0, 5);
	cfg.entry[0].grub_vars = true;
	fake_key(100, 'x');
	fake_run(run_entries);
	CHECK(strncmp(fake_row(ROW_LIST), " | -> 1)*first", 14) == 0,
	      "grub vars: marked with * (%s)", fake_row(ROW_LIST));
	fake_reset();
	set_entries(2, 0, 0);
	cfg.entry[0].grub_vars = true;
	fake_bootable("second");
	fake_key(500, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "grub vars: timeout 0");
	CHECK(strstr(fake_screen(), "bzboot: first: uses GRUB variables") &&
	      strcmp(fake_tried(), "second") == 0, "grub vars: timeout 0 "
	      "says why and goes on (%s)", fake_tried());
}

/* --- the entry loop --------------------------------------------------- */

#define BOOTING(name)	"bzboot: booting entry \"" name "\"\n"
#define FAILED(name)	"linux: /boot/" name ": cannot boot\n"
#define PROMPT(name)	"bzboot: press R to reboot, any other key to try " \
			"entry \"" name "\"\n"
#define NONE_BOOTED	"bzboot: no entry could be booted\n" \
			"bzboot: cannot boot. Press a key to reboot.\n"

static void test_entries(void)
{
	/* The default boots: nothing else happens. */
	fake_reset();
	set_entries(2, 0, 0);
	fake_bootable("first");
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "loop: first boots");
	CHECK_STREQ(fake_screen(), BOOTING("first"), "loop: first boots, "
		    "the screen");

	/* It fails: a key tries the next. */
	fake_reset();
	set_entries(2, 0, 0);
	fake_bootable("second");
	fake_key(1000, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "loop: next entry boots");
	CHECK_STREQ(fake_tried(), "first second", "loop: next entry tried");
	CHECK_STREQ(fake_screen(), BOOTING("first") FAILED("first")
		    PROMPT("second") BOOTING("second"),
		    "loop: next entry, the screen");
	CHECK(fake_now() >= 1000, "loop: waits for the key (%u ms)",
	      fake_now());

	/* R (or r) reboots instead. */
	for (int i = 0; i < 2; i++) {
		fake_reset();
		set_entries(2, 0, 0);
		fake_bootable("second");
		fake_key(1000, i ? 'r' : 'R');
		CHECK_EQ(fake_run(run_entries), FAKE_REBOOTED,
			 "loop: %c reboots", i ? 'r' : 'R');
		CHECK_STREQ(fake_tried(), "first", "loop: %c tries no more",
			    i ? 'r' : 'R');
	}

	/* R from the serial line too. */
	fake_reset();
	set_entries(2, 0, 0);
	fake_serial(1000, "R", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_REBOOTED, "loop: R on serial "
		 "reboots");

	/* Any other key goes on: an arrow, Esc, Enter. */
	fake_reset();
	set_entries(3, 0, 0);
	fake_bootable("third");
	fake_key(1000, KEY_DOWN);
	fake_serial(2000, "\r", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED, "loop: Down, CR go on");
	CHECK_STREQ(fake_tried(), "first second third",
		    "loop: Down, CR try the next two");

	/* No key: it waits, it never goes on by itself. */
	fake_reset();
	set_entries(2, 0, 0);
	fake_bootable("second");
	CHECK_EQ(fake_run(run_entries), FAKE_STUCK, "loop: no key, it waits");
	CHECK_STREQ(fake_tried(), "first", "loop: no key, no second try");
	CHECK_STREQ(fake_screen(), BOOTING("first") FAILED("first")
		    PROMPT("second"), "loop: no key, the screen ends at the "
		    "prompt");

	/* A key typed before the prompt does not answer it. */
	fake_reset();
	set_entries(2, 0, 0);
	fake_bootable("second");
	fake_key(0, 'R');
	fake_key(1000, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED,
		 "loop: an early R is not an answer");

	/* From the default on, wrapping round. */
	fake_reset();
	set_entries(3, 1, 0);
	fake_key(1000, 'x');
	fake_key(2000, 'x');
	fake_key(3000, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_REBOOTED,
		 "loop: all fail, a key reboots");
	CHECK_STREQ(fake_tried(), "second third first",
		    "loop: from the default on, each once");
	CHECK_STREQ(fake_screen(), BOOTING("second") FAILED("second")
		    PROMPT("third") BOOTING("third") FAILED("third")
		    PROMPT("first") BOOTING("first") FAILED("first")
		    NONE_BOOTED, "loop: all fail, the screen");

	/* All fail and no key: the last message stays. */
	fake_reset();
	set_entries(1, 0, 0);
	CHECK_EQ(fake_run(run_entries), FAKE_STUCK,
		 "loop: one entry fails, it waits");
	CHECK_STREQ(fake_screen(), BOOTING("first") FAILED("first")
		    NONE_BOOTED, "loop: one entry fails, the screen");

}

/* --- the config file and the trace key ------------------------------- */

static bool read_ok;

static void run_read_config(void)
{
	read_ok = boot_read_config(&cfg);
}

static void run_trace_key(void)
{
	boot_check_trace_key();
}

static void test_config(void)
{
	static const char good[] =
		"timeout 3\ntrace on\nentry a\n kernel /a\nentry b\n"
		" kernel /b\n cmdline x=1\n";
	static const char bad[] = "timeout 3\nbogus 1\nentry a\n kernel /a\n";
	char want[256];
	char *big;

	fake_reset();
	fake_file(CONFIG_PATH, good, sizeof(good) - 1);
	fake_run(run_read_config);
	CHECK(read_ok, "config: a good one is read");
	CHECK(cfg.entry_count == 2 && cfg.timeout_s == 3 &&
	      strcmp(cfg.entry[1].cmdline, "x=1") == 0,
	      "config: parsed through common/config.c");
	CHECK(trace_on, "config: trace on turns the trace on");
	{
		/* Only the phase line (core/phase.c), the trace being on. */
		unsigned t[6], req;
		char tail[64] = "";
		int n = sscanf(fake_screen(), "trace: phase config %u.%3u ms "
			       "+%u.%3u ms disk %u.%3u ms requests %u "
			       "bytes 70 %*u.%*u MiB/s %63[^\n]", &t[0], &t[1],
			       &t[2], &t[3], &t[4], &t[5], &req, tail);

		CHECK(n == 8 && strcmp(tail, CONFIG_PATH) == 0 &&
		      t[0] * 1000 + t[1] >= t[2] * 1000 + t[3] &&
		      t[2] * 1000 + t[3] >= t[4] * 1000 + t[5] &&
		      strchr(fake_screen(), '\n') ==
		      fake_screen() + strlen(fake_screen()) - 1,
		      "config: a good one prints only its phase line: %s",
		      fake_screen());
	}
	CHECK_EQ(fake_allocs_live(), 0, "config: its buffer is freed");

	fake_reset();
	fake_run(run_read_config);
	CHECK(!read_ok, "config: missing");
	CHECK_STREQ(fake_screen(), "file: cannot open /bzboot.cfg\n",
		    "config: missing, the firmware's own line");

	fake_reset();
	fake_file(CONFIG_PATH, bad, sizeof(bad) - 1);
	fake_run(run_read_config);
	CHECK(!read_ok, "config: bad keyword");
	snprintf(want, sizeof(want), "config: /bzboot.cfg:2: %s\n",
		 config_strerror(CONFIG_ERR_UNKNOWN_KEY));
	CHECK_STREQ(fake_screen(), want, "config: bad keyword, the message");
	CHECK_EQ(fake_allocs_live(), 0, "config: freed after an error");

	fake_reset();
	fake_file(CONFIG_PATH, "timeout 1\n", 10);
	fake_run(run_read_config);
	snprintf(want, sizeof(want), "config: /bzboot.cfg: %s\n",
		 config_strerror(CONFIG_ERR_NO_ENTRIES));
	CHECK(!read_ok, "config: no entry");
	CHECK_STREQ(fake_screen(), want, "config: no entry, no line number");

	/* CONFIG_MAX_BYTES is read; one byte more is refused. */
	big = malloc(CONFIG_MAX_BYTES + 1);
	memset(big, '#', CONFIG_MAX_BYTES + 1);
	memcpy(big, "entry a\n kernel /a\n", 19);
	big[19] = '#';
	big[CONFIG_MAX_BYTES - 1] = '\n';
	fake_reset();
	fake_file(CONFIG_PATH, big, CONFIG_MAX_BYTES);
	fake_run(run_read_config);
	CHECK(read_ok, "config: %u bytes are read", CONFIG_MAX_BYTES);
	fake_reset();
	fake_file(CONFIG_PATH, big, CONFIG_MAX_BYTES + 1);
	fake_run(run_read_config);
	CHECK(!read_ok, "config: %u bytes are refused", CONFIG_MAX_BYTES + 1);
	snprintf(want, sizeof(want), "config: /bzboot.cfg: %u bytes, more "
		 "than %u\n", CONFIG_MAX_BYTES + 1, CONFIG_MAX_BYTES);
	CHECK_STREQ(fake_screen(), want, "config: too big, the message");
	CHECK_EQ(fake_allocs_live(), 0, "config: freed when too big");
	free(big);

	fake_reset();
	fake_file(CONFIG_PATH, good, sizeof(good) - 1);
	fake_no_memory();
	fake_run(run_read_config);
	CHECK(!read_ok, "config: no memory");
	snprintf(want, sizeof(want), "config: /bzboot.cfg: no memory for %u "
		 "bytes\n", CONFIG_MAX_BYTES + 1);
	CHECK_STREQ(fake_screen(), want, "config: no memory, the message");

	/* T (or t) held at start turns the trace on; other keys do not. */
	static const struct {
		int key;
		bool serial, on;
	} held[] = {
		{ 'T', false, true }, { 't', false, true }, { 'T', true, true },
		{ 'x', false, false }, { KEY_ENTER, false, false },
	};
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		char byte = (char)held[i].key;

		fake_reset();
		if (held[i].serial)
			fake_serial(0, &byte, 1);
		else
			fake_key(0, held[i].key);
		fake_run(run_trace_key);
		CHECK_EQ(trace_on, held[i].on, "trace key: %s%#x",
			 held[i].serial ? "serial " : "", held[i].key);
	}
	fake_reset();
	fake_run(run_trace_key);
	CHECK(!trace_on && fake_now() == 0,
	      "trace key: none held, no wait, no trace");
}

/* --- an enrolled config (README, "Trust") ---------------------------- */

static void test_enrolled(void)
{
	/* sha256("abc") pins /boot/first; /boot/second has no hash. */
	static const char text[] =
		"entry second\n kernel /boot/second\n"
		"entry first\n kernel /boot/first#"
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n";
	static const char edited[] =
		"entry second\n kernel /boot/second\n"
		"entry first\n kernel /boot/first#"
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
		"# edited\n";
	uint8_t got[SHA256_DIGEST_SIZE];
	char want_hex[SHA256_HEX_LEN + 1], got_hex[SHA256_HEX_LEN + 1];
	char want[400];

	sha256(text, sizeof(text) - 1, config_enrolled.sha256);

	fake_reset();
	fake_file(CONFIG_PATH, edited, sizeof(edited) - 1);
	fake_run(run_read_config);
	sha256(edited, sizeof(edited) - 1, got);
	sha256_to_hex(config_enrolled.sha256, want_hex);
	sha256_to_hex(got, got_hex);
	snprintf(want, sizeof(want), "config: /bzboot.cfg: SHA-256 mismatch: "
		 "enrolled %s, file has %s\n", want_hex, got_hex);
	CHECK(!read_ok, "enrolled: an edited config is refused");
	CHECK_STREQ(fake_screen(), want, "enrolled: edited, the message");
	CHECK_EQ(fake_allocs_live(), 0, "enrolled: freed after a refusal");

	fake_reset();
	fake_file(CONFIG_PATH, text, sizeof(text) - 1);
	fake_run(run_read_config);
	CHECK(read_ok, "enrolled: the enrolled config is read");

	/* The unpinned default is refused unread; a key tries the next. */
	fake_bootable("second");
	fake_bootable("first");
	fake_key(1000, 'x');
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED,
		 "enrolled: the pinned entry boots");
	CHECK_STREQ(fake_tried(), "first",
		    "enrolled: the unpinned entry is never loaded");
	CHECK_STREQ(fake_screen(), BOOTING("second")
		    "config: /boot/second: no SHA-256 (path#HASH), and the "
		    "config is enrolled\n" PROMPT("first") BOOTING("first"),
		    "enrolled: unpinned, the message");

	/* Not enrolled: the same entry loads. */
	memset(config_enrolled.sha256, 0, sizeof(config_enrolled.sha256));
	fake_reset();
	fake_file(CONFIG_PATH, edited, sizeof(edited) - 1);
	fake_run(run_read_config);
	fake_bootable("second");
	CHECK(read_ok && fake_run(run_entries) == FAKE_BOOTED &&
	      !strcmp(fake_tried(), "second"),
	      "enrolled: nothing enrolled, nothing refused");
}

static uint64_t fake_disk_sectors_for_test;

static void run_missing(void)
{
	struct file f;

	(void)file_open_say("/boot/none", &f);
}

/*
 * core/file.c over plat_block_read(): a FAT16 image built by mtools (as
 * test_fat.c builds its images), held in memory as the fake disk.
 */
static uint8_t *disk_image(uint64_t *sectors)
{
	char dir[] = "/tmp/test_core.XXXXXX", cmd[768], path[64];
	uint8_t *img = NULL, *big;
	FILE *f;
	long n;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, sizeof(path), "%s/big", dir);
	big = malloc(300 * 1024);
	for (unsigned i = 0; i < 300 * 1024; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 9));
	f = fopen(path, "wb");
	if (f) {
		fwrite(big, 1, 300 * 1024, f);
		fclose(f);
	}
	free(big);
	snprintf(path, sizeof(path), "%s/cfg", dir);
	f = fopen(path, "wb");
	if (f) {
		fputs("entry a\n kernel /boot/big\n", f);
		fclose(f);
	}
	/* A BLS entry, a file that is none, and a directory, listed. */
	snprintf(path, sizeof(path), "%s/bls", dir);
	f = fopen(path, "wb");
	if (f) {
		fputs("title From FAT\nlinux /boot/big\n", f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "cd %s && truncate -s 8M d.img && "
		 "mformat -i d.img -T 16384 -c 4 :: && mmd -i d.img ::/boot && "
		 "mcopy -i d.img big ::/boot/big && mcopy -i d.img cfg "
		 "::/bzboot.cfg && mmd -i d.img ::/loader ::/loader/entries "
		 "::/loader/entries/sub.conf && mcopy -i d.img bls "
		 "::/loader/entries/from-fat.conf && mcopy -i d.img cfg "
		 "::/loader/entries/README", dir);
	if (system(cmd) == 0) {
		snprintf(path, sizeof(path), "%s/d.img", dir);
		f = fopen(path, "rb");
		img = malloc(8 << 20);
		n = f ? (long)fread(img, 1, 8 << 20, f) : 0;
		if (f)
			fclose(f);
		*sectors = (uint64_t)n / 512;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_core: cannot remove %s\n", dir);
	return img;
}

static struct fat_volume vol;
static struct file big_file;
static uint8_t *big_buf;
static bool big_ok;

static void run_mount_and_read(void)
{
	read_ok = file_mount(&vol, 0, fake_disk_sectors_for_test) == FAT_OK &&
		  boot_read_config(&cfg);
}

static void run_read_big(void)
{
	big_ok = file_open_say("/boot/big", &big_file) &&
		 file_read_say("/boot/big", &big_file, 1000, big_buf,
			       big_file.size - 1000);
	file_close(&big_file);
}

static void test_file_layer(void)
{
	uint64_t sectors = 0;
	uint8_t *img = disk_image(&sectors);
	uint8_t first[512];
	unsigned reads;
	bool same = true;

	CHECK(img && sectors == 16384, "file: the test image was built");
	if (!img || sectors != 16384) {
		free(img);
		return;
	}
	fake_reset();
	fake_disk(img, sectors, 0);
	fake_disk_sectors_for_test = sectors;
	fake_run(run_mount_and_read);
	CHECK(read_ok && cfg.entry_count == 2 &&
	      strcmp(cfg.entry[0].kernel, "/boot/big") == 0,
	      "file: the config read from FAT over block reads");
	/* Listed through file_readdir(): a file, not README or sub.conf/. */
	CHECK(cfg.entry_count == 2 && cfg.entry[1].bls &&
	      strcmp(cfg.entry[1].name, "from-fat") == 0 &&
	      strcmp(cfg.entry[1].title, "From FAT") == 0,
	      "file: a BLS entry listed and read from FAT (%s)",
	      cfg.entry[1].name);
	CHECK_STREQ(fake_screen(), "", "file: nothing said");

	big_buf = malloc(300 * 1024);
	reads = fake_disk_reads();
	fake_run(run_read_big);
	CHECK(big_ok && big_file.size == 300 * 1024, "file: a 300 KiB file");
	for (unsigned i = 1000; i < 300 * 1024; i++)
		same &= big_buf[i - 1000] == (uint8_t)(i * 7 + (i >> 9));
	CHECK(same, "file: its bytes, from offset 1000");
	/* One contiguous run: a directory sector or two, then one read. */
	CHECK(fake_disk_reads() - reads <= 4,
	      "file: read in few block reads (%u)", fake_disk_reads() - reads);

	fake_run(run_read_big);
	CHECK(big_ok, "file: read again");
	/* Its second sector (bytes 512-1023) fails: found by the first. */
	for (unsigned i = 0; i < 512; i++)
		first[i] = (uint8_t)(i * 7 + (i >> 9));
	for (uint64_t lba = 0; lba < sectors; lba++)
		if (memcmp(img + lba * 512, first, 512) == 0) {
			fake_disk(img, sectors, lba + 1);
			break;
		}
	fake_run(run_read_big);
	CHECK(!big_ok, "file: a bad sector fails the read");
	CHECK(strstr(fake_screen(), "fat: /boot/big: reading 306200 bytes at "
		     "offset 1000: disk read failed\n") != NULL,
	      "file: the read error, in stage2's words");

	big_ok = true;
	fake_reset();
	fake_disk(img, sectors, 0);
	fake_run(run_mount_and_read);
	CHECK(read_ok, "file: mounted again");
	fake_run(run_missing);
	CHECK(strstr(fake_screen(), "fat: /boot/none: no such file or "
		     "directory\n") != NULL, "file: a missing file");
	fake_reset();
	free(big_buf);
	free(img);
}

/*
 * An enrolled config with the menu: the editor is locked whatever the
 * config says, and a BLS entry (no hashes) is refused unread.
 */
static void test_enrolled_menu(void)
{
	static const char text[] =
		"timeout 5\neditor on\n"
		"entry first\n kernel /boot/first#"
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n";
	static const char bls[] = "title Debian\nlinux /boot/debian\n"
				  "options ro\n";

	sha256(text, sizeof(text) - 1, config_enrolled.sha256);

	/* e: locked, with its reason; Enter boots the entry unchanged. */
	fake_reset();
	fake_file(CONFIG_PATH, text, sizeof(text) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.editor_off, "enrolled: the editor is off "
	      "despite \"editor on\"");
	fake_bootable("first");
	fake_serial(100, "eX", 2);
	fake_snap(200, ROW_MESSAGE);
	fake_serial(300, "\r", 1);
	CHECK_EQ(fake_run(run_entries), FAKE_BOOTED,
		 "enrolled: menu, the pinned entry boots");
	CHECK_STREQ(fake_cmdline(), "", "enrolled: nothing edited");
	CHECK_STREQ(fake_snapped(), " editor: locked: the config is "
		    "enrolled", "enrolled: the editor's message");

	/* A BLS entry beside it: read, listed, never loaded. */
	fake_reset();
	fake_file(CONFIG_PATH, text, sizeof(text) - 1);
	fake_file("/loader/entries/debian.conf", bls, sizeof(bls) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.entry_count == 2 && cfg.entry[1].bls &&
	      !cfg.entry[0].bls, "enrolled: the BLS entry is read (%u)",
	      cfg.entry_count);
	cfg.timeout_s = 0;
	fake_bootable("debian");
	fake_key(1000, 'x');
	fake_run(run_entries);
	CHECK_STREQ(fake_tried(), "first", "enrolled: the BLS entry is "
		    "never loaded");
	CHECK(strstr(fake_screen(), BOOTING("debian") "bls: debian: a BLS "
		     "entry has no SHA-256, and the config is enrolled\n"
		     NONE_BOOTED) != NULL, "enrolled: the BLS refusal (%s)",
	      fake_screen());

	/* Not enrolled: the same BLS entry boots. */
	memset(config_enrolled.sha256, 0, sizeof(config_enrolled.sha256));
	fake_reset();
	fake_file(CONFIG_PATH, text, sizeof(text) - 1);
	fake_file("/loader/entries/debian.conf", bls, sizeof(bls) - 1);
	fake_run(run_read_config);
	cfg.timeout_s = 0;
	fake_bootable("debian");
	fake_key(1000, 'x');
	CHECK(read_ok && !cfg.editor_off &&
	      fake_run(run_entries) == FAKE_BOOTED &&
	      !strcmp(fake_tried(), "first debian"),
	      "enrolled: nothing enrolled, the BLS entry boots (%s)",
	      fake_tried());
}

/* --- The environment file ------------------------------------------ */

/*
 * An mtools FAT16 image with three entries (a, b, c; default a) and
 * /loader/bzboot.env holding env, as mkdisk makes it.
 */
static uint8_t *env_image(const struct bootenv *env, uint64_t *sectors)
{
	char dir[] = "/tmp/test_core.XXXXXX", cmd[512], path[64];
	uint8_t block[BOOTENV_SIZE], *img = NULL;
	FILE *f;
	long n;

	if (!mkdtemp(dir))
		return NULL;
	bootenv_build(env, block);
	snprintf(path, sizeof(path), "%s/env", dir);
	f = fopen(path, "wb");
	if (f) {
		fwrite(block, 1, sizeof(block), f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/cfg", dir);
	f = fopen(path, "wb");
	if (f) {
		fputs("entry a\n kernel /k\nentry b\n kernel /k\n"
		      "entry c\n kernel /k\n", f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "cd %s && truncate -s 8M d.img && "
		 "mformat -i d.img -T 16384 -c 4 :: && mcopy -i d.img cfg "
		 "::/bzboot.cfg && mmd -i d.img ::/loader && mcopy -i d.img "
		 "env ::/loader/bzboot.env", dir);
	if (system(cmd) == 0) {
		snprintf(path, sizeof(path), "%s/d.img", dir);
		f = fopen(path, "rb");
		img = malloc(8 << 20);
		n = f ? (long)fread(img, 1, 8 << 20, f) : 0;
		if (f)
			fclose(f);
		*sectors = (uint64_t)n / 512;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_core: cannot remove %s\n", dir);
	return img;
}

/* The image's environment block, found by its magic: parsed. */
static enum bootenv_error env_on_disk(const uint8_t *img, uint64_t sectors,
				      struct bootenv *env)
{
	for (uint64_t lba = 0; lba < sectors; lba++)
		if (memcmp(img + lba * 512, BOOTENV_MAGIC, 8) == 0)
			return bootenv_parse(img + lba * 512, env);
	return BOOTENV_ERR_MAGIC;
}

/* A boot: mount the image, read the config; the default entry's name. */
static const char *env_boot(uint8_t *img, uint64_t sectors)
{
	fake_reset();
	fake_disk(img, sectors, 0);
	fake_disk_sectors_for_test = sectors;
	fake_run(run_mount_and_read);
	return read_ok ? cfg.entry[cfg.default_entry].name : "(failed)";
}

static const uint8_t *overwrite_old;
static bool overwrite_ok;

static void run_overwrite(void)
{
	static const uint8_t zero[BOOTENV_SIZE];
	const char *why;

	overwrite_ok = file_mount(&vol, 0, fake_disk_sectors_for_test) ==
		       FAT_OK &&
		       file_overwrite_sector(BOOTENV_PATH, overwrite_old, zero,
					     &why);
	if (!overwrite_ok)
		console_printf("%s\n", why);
}

static void test_env(void)
{
	struct bootenv env = { "", "b" }, got;
	uint64_t sectors = 0;
	uint8_t *img = env_image(&env, &sectors), wrong[BOOTENV_SIZE];

	CHECK(img && sectors == 16384, "env: the test image was built");
	if (!img || sectors != 16384) {
		free(img);
		return;
	}
	/* The one-shot: taken once, cleared on the disk before. */
	CHECK_STREQ(env_boot(img, sectors), "b", "env: the one-shot is the "
		    "default");
	CHECK_EQ(fake_disk_writes(), 1, "env: one sector written");
	CHECK_STREQ(fake_screen(), "", "env: nothing said");
	CHECK(env_on_disk(img, sectors, &got) == BOOTENV_OK &&
	      got.oneshot[0] == '\0' && got.saved[0] == '\0',
	      "env: the one-shot is cleared on the disk, with a good CRC");
	CHECK_STREQ(env_boot(img, sectors), "a", "env: the next boot takes "
		    "the config's default");
	CHECK_EQ(fake_disk_writes(), 0, "env: nothing to clear, no write");

	/* A saved default; a one-shot over it, once. */
	free(img);
	env = (struct bootenv){ "c", "" };
	img = env_image(&env, &sectors);
	CHECK_STREQ(env_boot(img, sectors), "c", "env: the saved default "
		    "over the config's");
	free(img);
	env = (struct bootenv){ "c", "b" };
	img = env_image(&env, &sectors);
	CHECK_STREQ(env_boot(img, sectors), "b", "env: the one-shot over the "
		    "saved default");
	CHECK_STREQ(env_boot(img, sectors), "c", "env: then the saved "
		    "default again");
	CHECK(env_on_disk(img, sectors, &got) == BOOTENV_OK &&
	      !strcmp(got.saved, "c"), "env: the saved default is kept");

	/* A write that fails: the one-shot is not taken. */
	free(img);
	env = (struct bootenv){ "c", "b" };
	img = env_image(&env, &sectors);
	fake_reset();
	fake_disk(img, sectors, 0);
	fake_disk_write_fails();
	fake_run(run_mount_and_read);
	CHECK(read_ok && !strcmp(cfg.entry[cfg.default_entry].name, "c"),
	      "env: a one-shot that cannot be cleared is not taken");
	CHECK(strstr(fake_screen(), "env: /loader/bzboot.env: cannot clear "
		     "the one-shot entry b: disk write failed; not taken\n"),
	      "env: its message (%s)", fake_screen());
	CHECK(env_on_disk(img, sectors, &got) == BOOTENV_OK &&
	      !strcmp(got.oneshot, "b"), "env: the disk is unchanged");

	/* The sector must still hold what was read: else no write. */
	memset(wrong, 0, sizeof(wrong));
	fake_reset();
	fake_disk(img, sectors, 0);
	overwrite_old = wrong;
	fake_run(run_overwrite);
	CHECK(!overwrite_ok && fake_disk_writes() == 0 &&
	      !strcmp(fake_screen(), "its sector changed since it was "
		      "read\n"),
	      "env: a sector that changed since it was read is not written "
	      "(%s)", fake_screen());

	/* A name that is no entry: said, and the one-shot is gone. */
	free(img);
	env = (struct bootenv){ "zz", "yy" };
	img = env_image(&env, &sectors);
	CHECK_STREQ(env_boot(img, sectors), "a", "env: unknown names: the "
		    "config's default");
	CHECK_STREQ(fake_screen(), "env: /loader/bzboot.env: one-shot entry "
		    "yy: no such entry\n", "env: the unknown one-shot, said");
	CHECK_STREQ(env_boot(img, sectors), "a", "env: unknown saved default");
	CHECK_STREQ(fake_screen(), "env: /loader/bzboot.env: saved default "
		    "zz: no such entry\n", "env: the unknown saved default, "
		    "said");

	/* A damaged block: said, and ignored. */
	for (uint64_t lba = 0; lba < sectors; lba++)
		if (memcmp(img + lba * 512, BOOTENV_MAGIC, 8) == 0)
			img[lba * 512 + 0x11] ^= 1;
	CHECK_STREQ(env_boot(img, sectors), "a", "env: damaged: the config's "
		    "default");
	CHECK_STREQ(fake_screen(), "env: /loader/bzboot.env: CRC32 mismatch: "
		    "the block is damaged\n", "env: damaged, said");
	CHECK_EQ(fake_disk_writes(), 0, "env: damaged: nothing written");
	free(img);

	/* Files through the firmware: read, never written. */
	uint8_t block[BOOTENV_SIZE];
	static const char three[] = "entry a\n kernel /k\nentry b\n kernel /k\n";

	env = (struct bootenv){ "", "b" };
	bootenv_build(&env, block);
	fake_reset();
	fake_file(CONFIG_PATH, three, sizeof(three) - 1);
	fake_file(BOOTENV_PATH, block, sizeof(block));
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 0 &&
	      strstr(fake_screen(), "cannot clear the one-shot entry b: files "
		     "come through the firmware's file system, which bzboot "
		     "never writes; not taken\n"), "env: through the firmware: not taken (%s)",
	      fake_screen());
}

/* --- The Boot Loader Interface's variables --------------------------- */

/* Like env_boot(), with the variables set first (NULL: none). */
static const char *bli_boot(uint8_t *img, uint64_t sectors, const char *one,
			    const char *def)
{
	fake_reset();
	if (one)
		fake_loader_var("LoaderEntryOneShot", one);
	if (def)
		fake_loader_var("LoaderEntryDefault", def);
	fake_disk(img, sectors, 0);
	fake_disk_sectors_for_test = sectors;
	fake_run(run_mount_and_read);
	return read_ok ? cfg.entry[cfg.default_entry].name : "(failed)";
}

static void test_bli(void)
{
	static const char three[] = "timeout 3\nentry a\n kernel /k\n"
				    "entry b\n kernel /k\nentry c\n kernel /k\n";
	struct bootenv env = { "c", "b" }, got;
	uint64_t sectors = 0;
	uint8_t *img = env_image(&env, &sectors);

	CHECK(img != NULL, "bli: the test image was built");
	if (!img)
		return;
	/* The variable's one-shot first; bzboot.env's stays for later. */
	CHECK_STREQ(bli_boot(img, sectors, "c", "a"), "c", "bli: "
		    "LoaderEntryOneShot over everything");
	CHECK(fake_loader_var_value("LoaderEntryOneShot") == NULL,
	      "bli: LoaderEntryOneShot deleted");
	CHECK(fake_disk_writes() == 0 && env_on_disk(img, sectors, &got) ==
	      BOOTENV_OK && !strcmp(got.oneshot, "b"),
	      "bli: bzboot.env's one-shot kept for the next boot");
	CHECK_STREQ(bli_boot(img, sectors, NULL, "a"), "b", "bli: "
		    "bzboot.env's one-shot over LoaderEntryDefault");
	CHECK_STREQ(bli_boot(img, sectors, NULL, "a"), "a", "bli: "
		    "LoaderEntryDefault over bzboot.env's saved default");
	CHECK_STREQ(bli_boot(img, sectors, NULL, NULL), "c", "bli: no "
		    "variable: bzboot.env's saved default");
	/* A one-shot that cannot be deleted is not taken. */
	fake_reset();
	fake_loader_var("LoaderEntryOneShot", "b");
	fake_loader_var_delete_fails();
	fake_disk(img, sectors, 0);
	fake_run(run_mount_and_read);
	CHECK(read_ok && !strcmp(cfg.entry[cfg.default_entry].name, "c"),
	      "bli: a one-shot that cannot be deleted is not taken");
	/* Unknown ids; ".conf" only names a BLS entry. */
	CHECK_STREQ(bli_boot(img, sectors, "zz", "a.conf"), "c", "bli: "
		    "unknown ids: the saved default");
	CHECK_STREQ(fake_screen(), "bli: LoaderEntryOneShot zz: no such "
		    "entry\nbli: LoaderEntryDefault a.conf: no such entry\n",
		    "bli: unknown ids, said");
	free(img);

	/* Timeouts: the one-shot's, then the persistent one's. */
	fake_reset();
	fake_file(CONFIG_PATH, three, sizeof(three) - 1);
	fake_loader_var("LoaderConfigTimeoutOneShot", "7");
	fake_loader_var("LoaderConfigTimeout", "menu-force");
	fake_run(run_read_config);
	CHECK(read_ok && cfg.timeout_s == 7 && !cfg.menu_force &&
	      !fake_loader_var_value("LoaderConfigTimeoutOneShot"),
	      "bli: LoaderConfigTimeoutOneShot taken and deleted");
	fake_run(run_read_config);
	CHECK(read_ok && cfg.menu_force, "bli: then LoaderConfigTimeout");
	fake_reset();
	fake_file(CONFIG_PATH, three, sizeof(three) - 1);
	fake_loader_var("LoaderConfigTimeout", "soon");
	fake_run(run_read_config);
	CHECK(read_ok && cfg.timeout_s == 3, "bli: a bad timeout: the "
	      "config's");
	CHECK_STREQ(fake_screen(), "bli: LoaderConfigTimeout soon: timeout: "
		    "expected seconds, menu-force or menu-hidden\n",
		    "bli: a bad timeout, said");
}

/* --- BLS entries beside bzboot.cfg ----------------------------------- */

#define BLS_ENTRY(v) \
	"title Debian " v "\nversion " v "\nsort-key debian\n" \
	"linux /d/" v "/linux\ninitrd /d/" v "/initrd\noptions ro\n"

static void test_bls_read(void)
{
	static const char e9[] = BLS_ENTRY("6.1.0-9");
	static const char e10[] = BLS_ENTRY("6.1.0-10");
	static const char rc[] = BLS_ENTRY("6.1.0-10~rc1");
	static const char fedora[] = "title Fedora\nlinux /vmlinuz\n"
				     "options $kernelopts\n";
	static const char arm[] = "linux /a\narchitecture aa64\n";
	static const char broken[] = "title x\nefi /x.efi\n";
	static const char own[] = "timeout 7\nentry mine\n kernel /mine\n";
	static const char globals[] = "# written by mkdisk --bls\ntrace off\n";
	static const char lconf[] = "default debian-6.1.0-9*\ntimeout 4\n"
				    "editor no\n";

	/* Only BLS entries: sorted, newest first, rc below its release. */
	fake_reset();
	fake_file(CONFIG_PATH, globals, sizeof(globals) - 1);
	fake_file("/loader/entries/debian-6.1.0-9.conf", e9, sizeof(e9) - 1);
	fake_file("/loader/entries/debian-6.1.0-10~rc1.conf", rc,
		  sizeof(rc) - 1);
	fake_file("/loader/entries/debian-6.1.0-10.conf", e10,
		  sizeof(e10) - 1);
	fake_file("/loader/entries/README", "x", 1);
	fake_file("/loader/entries/arm.conf", arm, sizeof(arm) - 1);
	fake_file("/loader/entries/efi.conf", broken, sizeof(broken) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.entry_count == 3, "bls: three entries (%u)",
	      cfg.entry_count);
	CHECK(strcmp(cfg.entry[0].name, "debian-6.1.0-10") == 0 &&
	      strcmp(cfg.entry[1].name, "debian-6.1.0-10~rc1") == 0 &&
	      strcmp(cfg.entry[2].name, "debian-6.1.0-9") == 0,
	      "bls: sorted newest first (%s, %s, %s)", cfg.entry[0].name,
	      cfg.entry[1].name, cfg.entry[2].name);
	CHECK_EQ(cfg.default_entry, 0, "bls: the first is the default");
	CHECK_STREQ(cfg.entry[0].title, "Debian 6.1.0-10", "bls: title");
	CHECK_STREQ(fake_screen(), "bls: /loader/entries/efi.conf: no linux "
		    "line\n", "bls: a bad entry says why, another "
		    "architecture is skipped quietly");
	CHECK_EQ(fake_allocs_live(), 0, "bls: buffer freed");

	/* The Boot Loader Interface's ids: the file name, .conf or not. */
	fake_reset();
	fake_file(CONFIG_PATH, globals, sizeof(globals) - 1);
	fake_file("/loader/entries/debian-6.1.0-9.conf", e9, sizeof(e9) - 1);
	fake_file("/loader/entries/debian-6.1.0-10.conf", e10,
		  sizeof(e10) - 1);
	fake_loader_var("LoaderEntryDefault", "debian-6.1.0-9.conf");
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 1, "bls: LoaderEntryDefault "
	      "names a BLS entry with .conf");
	fake_loader_var("LoaderEntryDefault", "debian-6.1.0-9");
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 1, "bls: and without");

	/* Beside bzboot.cfg's own entries, after them; loader.conf. */
	fake_reset();
	fake_file(CONFIG_PATH, own, sizeof(own) - 1);
	fake_file("/loader/entries/debian-6.1.0-9.conf", e9, sizeof(e9) - 1);
	fake_file("/loader/entries/debian-6.1.0-10.conf", e10,
		  sizeof(e10) - 1);
	fake_file("/loader/entries/fedora.conf", fedora, sizeof(fedora) - 1);
	fake_file("/loader/loader.conf", lconf, sizeof(lconf) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.entry_count == 4 &&
	      strcmp(cfg.entry[0].name, "mine") == 0 &&
	      strcmp(cfg.entry[1].name, "debian-6.1.0-10") == 0 &&
	      strcmp(cfg.entry[3].name, "fedora") == 0,
	      "bls: after bzboot.cfg's own, sort-key before none");
	CHECK(cfg.entry[3].grub_vars, "bls: $kernelopts marks it");
	CHECK_EQ(cfg.default_entry, 2, "bls: loader.conf's default glob");
	CHECK_EQ(cfg.timeout_s, 7, "bls: bzboot.cfg's timeout wins");
	CHECK(cfg.editor_off, "bls: loader.conf's editor no");
	CHECK_STREQ(fake_screen(), "", "bls: nothing to say");

	/* bzboot.cfg's default wins too; a default matching nothing. */
	static const char own_default[] = "default mine\nentry mine\n"
					  " kernel /mine\n";
	fake_reset();
	fake_file(CONFIG_PATH, own_default, sizeof(own_default) - 1);
	fake_file("/loader/entries/debian-6.1.0-9.conf", e9, sizeof(e9) - 1);
	fake_file("/loader/loader.conf", lconf, sizeof(lconf) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 0 && cfg.timeout_s == 4,
	      "bls: bzboot.cfg's default wins, loader.conf's timeout fills "
	      "in");
	fake_reset();
	fake_file(CONFIG_PATH, globals, sizeof(globals) - 1);
	fake_file("/loader/entries/debian-6.1.0-10.conf", e10,
		  sizeof(e10) - 1);
	fake_file("/loader/loader.conf", lconf, sizeof(lconf) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 0, "bls: no match: the first");
	CHECK_STREQ(fake_screen(), "bls: /loader/loader.conf: default "
		    "debian-6.1.0-9* matches no entry\n",
		    "bls: no match, the message");

	/* loader.conf's default is a glob on BLS entries only. */
	static const char lmine[] = "default mine*\n";
	fake_reset();
	fake_file(CONFIG_PATH, own, sizeof(own) - 1);
	fake_file("/loader/entries/debian-6.1.0-9.conf", e9, sizeof(e9) - 1);
	fake_file("/loader/loader.conf", lmine, sizeof(lmine) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.default_entry == 0 &&
	      strstr(fake_screen(), "default mine* matches no entry"),
	      "bls: loader.conf's default ignores bzboot.cfg's names (%s)",
	      fake_screen());

	/* No bzboot.cfg at all: its message, then the BLS entries. */
	fake_reset();
	fake_file("/loader/entries/debian-6.1.0-10.conf", e10,
		  sizeof(e10) - 1);
	fake_run(run_read_config);
	CHECK(read_ok && cfg.entry_count == 1 && cfg.timeout_s == 0,
	      "bls: no bzboot.cfg, BLS entries boot");

	/* Nine entries: one too many, left out with a message. */
	fake_reset();
	fake_file(CONFIG_PATH, globals, sizeof(globals) - 1);
	static char names[9][40];
	for (int i = 0; i < 9; i++) {
		snprintf(names[i], sizeof(names[i]),
			 "/loader/entries/e%d.conf", i);
		fake_file(names[i], "linux /k\n", 9);
	}
	fake_run(run_read_config);
	CHECK(read_ok && cfg.entry_count == CONFIG_MAX_ENTRIES &&
	      strstr(fake_screen(), "bls: /loader/entries/e8.conf: left out: "
		     "more than 8 entries\n"), "bls: nine entries, the "
	      "ninth left out (%s)", fake_screen());
}

int main(void)
{
	check_begin("core");
	test_vt();
	test_menu();
	test_editor();
	test_entries();
	test_config();
	test_enrolled();
	test_file_layer();
	test_env();
	test_bli();
	test_enrolled_menu();
	test_bls_read();
	return check_end();
}
