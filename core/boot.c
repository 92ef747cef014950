// SPDX-License-Identifier: MIT
/*
 * boot.c - the boot flow above the firmware, once for both loaders: the
 * config file through the backend's file operations and the shared parser
 * (common/config.c), then the entry loop. The backend has set up its
 * console and boot volume before, and does the loading and the jump in
 * plat_boot_entry(); nothing here knows which firmware it runs on.
 */
#include "boot.h"
#include "console.h"
#include "file.h"
#include "fmt.h"
#include "keys.h"
#include "phase.h"
#include "platform.h"

/* Not const, so that the compiler cannot fold the zeros into the code. */
struct config_enrolled config_enrolled = { CONFIG_ENROLL_MARKER, { 0 } };
int boot_first_key = KEY_NONE;

void boot_check_trace_key(void)
{
	int key = keys_poll();

	if (key == 't' || key == 'T')
		trace_on = true;
	else
		boot_first_key = key;
}

/* The file's bytes into text (size + 1 bytes); false after saying why. */
static bool read_text(char *text, uint64_t *size)
{
	const char *why = NULL;
	struct file f;
	bool ok;

	if (!file_open(CONFIG_PATH, &f, &why)) {
		if (why)
			console_printf("config: %s: %s\n", CONFIG_PATH, why);
		return false;
	}
	*size = f.size;
	if (*size > CONFIG_MAX_BYTES) {
		console_printf("config: %s: %llu bytes, more than %u\n",
			       CONFIG_PATH, (unsigned long long)*size,
			       CONFIG_MAX_BYTES);
		file_close(&f);
		return false;
	}
	ok = file_read(&f, 0, text, *size, &why);
	file_close(&f);
	if (!ok && why)
		console_printf("config: %s: %s\n", CONFIG_PATH, why);
	return ok;
}

bool boot_read_config(struct config *cfg)
{
	enum config_error err;
	unsigned line = 0;
	uint64_t size;
	char *text, msg[200];
	bool ok;

	text = plat_alloc(CONFIG_MAX_BYTES + 1);
	if (!text) {
		console_printf("config: %s: no memory for %u bytes\n",
			       CONFIG_PATH, CONFIG_MAX_BYTES + 1);
		return false;
	}
	ok = read_text(text, &size);
	/* An enrolled hash: the bytes as read, before any parsing. */
	if (ok && config_check_enrolled(&config_enrolled, text, (size_t)size,
					msg, sizeof(msg))) {
		console_printf("%s\n", msg);
		ok = false;
	}
	if (ok) {
		err = config_parse(text, (size_t)size, cfg, &line);
		/* Line 0: an error of the whole file, such as no entry. */
		if (err != CONFIG_OK && line)
			console_printf("config: %s:%u: %s\n", CONFIG_PATH,
				       line, config_strerror(err));
		else if (err != CONFIG_OK)
			console_printf("config: %s: %s\n", CONFIG_PATH,
				       config_strerror(err));
		ok = err == CONFIG_OK;
	}
	plat_free(text);
	/* The parser's promise, checked where an index is used. */
	if (ok && (cfg->entry_count == 0 ||
		   cfg->default_entry >= cfg->entry_count)) {
		console_printf("config: %s: no entry to boot\n", CONFIG_PATH);
		ok = false;
	}
	if (ok && cfg->trace)
		trace_on = true;
	if (ok)
		phase_mark("config", CONFIG_PATH, size);
	return ok;
}

/* Boot e; returns when it failed, after saying why. */
static void boot_one(const struct config_entry *e)
{
	const char *unpinned = config_entry_unpinned(e);

	console_printf("bzboot: booting entry \"%s\"\n", e->name);
	if (e->grub_vars)
		console_printf("bzboot: %s: %s\n", e->name, menu_not_bootable);
	/* An enrolled config boots only files it pins with a hash. */
	else if (config_is_enrolled(&config_enrolled) && unpinned)
		console_printf("config: %s: no SHA-256 (path#HASH), "
			       "and the config is enrolled\n",
			       unpinned);
	else
		plat_boot_entry(e);
}

/* With the menu: a failed entry brings it back, with a line saying so. */
__attribute__((noreturn)) static void boot_with_menu(const struct config *cfg,
						     bool countdown)
{
	static char message[SCREEN_COLS];
	/*
	 * The editor's copy, on the stack: stage2's .bss is full, its stack
	 * (below STACK_TOP) has room for 3 KiB.
	 */
	struct config_entry edited;
	const struct config_entry *e;
	const char *shown = NULL;
	unsigned pick = cfg->default_entry;

	for (;;) {
		e = menu_run(cfg, &pick, countdown, shown, &edited);
		phase_mark("menu", NULL, 0);
		countdown = false;
		plat_screen_clear();
		boot_one(e);
		fmt_snprintf(message, sizeof(message), " bzboot: entry \"%s\" "
			     "could not be booted (messages above)", e->name);
		shown = message;
		console_printf("bzboot: press a key to return to the menu\n");
		keys_flush();
		keys_wait();
	}
}

void boot_entries(const struct config *cfg)
{
	unsigned count = cfg->entry_count, i = cfg->default_entry;
	bool countdown;
	int key;

	if (menu_wanted(cfg, &countdown))
		boot_with_menu(cfg, countdown);
	phase_mark("menu", NULL, 0);
	for (unsigned tried = 1;; tried++) {
		boot_one(&cfg->entry[i]);
		if (tried == count)
			break;
		i = (i + 1) % count;
		console_printf("bzboot: press R to reboot, any other key to "
			       "try entry \"%s\"\n", cfg->entry[i].name);
		/* Keys typed while the entry loaded do not answer this. */
		keys_flush();
		key = keys_wait();
		if (key == 'r' || key == 'R')
			plat_reboot();
	}
	console_printf("bzboot: no entry could be booted\n");
	console_fatal();
}
