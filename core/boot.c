// SPDX-License-Identifier: MIT
/*
 * boot.c - the boot flow above the firmware, once for both loaders: the
 * config file through the backend's file operations and the shared parser
 * (common/config.c), then the entry loop. The backend has set up its
 * console and boot volume before, and does the loading and the jump in
 * plat_boot_entry(); nothing here knows which firmware it runs on.
 */
#include "bls.h"
#include "boot.h"
#include "bootenv.h"
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

/*
 * path's bytes into text (at most max bytes, and a NUL after them);
 * false after saying why. *missing: it could not be opened.
 */
static bool read_text(const char *path, char *text, size_t max,
		      uint64_t *size, const char *module, bool *missing)
{
	const char *why = NULL;
	struct file f;
	bool ok;

	*missing = false;
	if (!file_open(path, &f, &why)) {
		*missing = true;
		if (why)
			console_printf("%s: %s: %s\n", module, path, why);
		return false;
	}
	*size = f.size;
	if (*size > max) {
		console_printf("%s: %s: %llu bytes, more than %u\n", module,
			       path, (unsigned long long)*size, (unsigned)max);
		file_close(&f);
		return false;
	}
	ok = file_read(&f, 0, text, *size, &why);
	file_close(&f);
	if (!ok && why)
		console_printf("%s: %s: %s\n", module, path, why);
	text[ok ? *size : 0] = '\0';
	return ok;
}

/*
 * BLS's share of the config buffer: the entries' file names first, each
 * file's text after them. 12 KiB for one entry file is plenty: real ones
 * are a few hundred bytes.
 */
#define BLS_NAMES_BYTES		4096
#define BLS_TEXT_MAX		(CONFIG_MAX_BYTES - BLS_NAMES_BYTES)

/*
 * The names of the files in directory path into names (size bytes), each
 * with its NUL, one after the other: how many. A name that does not fit
 * is left out; a missing directory has none, and nothing to say.
 */
static int list_dir(const char *path, char *names, size_t size)
{
	struct file_dir d;
	const char *why;
	size_t used = 0;
	int count = 0, got;

	if (!file_opendir(path, &d, &why)) {
		if (why)
			console_printf("bls: %s: %s\n", path, why);
		return 0;
	}
	while ((got = file_readdir(&d, names + used, size - used,
				   &why)) > 0) {
		while (names[used++])
			;
		count++;
	}
	if (got < 0 && why)
		console_printf("bls: %s: %s\n", path, why);
	file_closedir(&d);
	return count;
}

/* Whether directory dir lists the file name (buf: size bytes for it). */
static bool dir_has(const char *dir, const char *name, char *buf,
		    size_t size)
{
	int count = list_dir(dir, buf, size);

	for (; count > 0; count--) {
		if (bls_glob_match(name, buf))
			return true;
		while (*buf++)
			;
	}
	return false;
}

static bool has_suffix(const char *name)
{
	size_t n = 0, k = sizeof(BLS_SUFFIX) - 1;

	while (name[n])
		n++;
	return n > k && bls_glob_match("*" BLS_SUFFIX, name);
}

/* One entry file into cfg's next slot, sorted among BLS's (first..). */
static void bls_add(struct config *cfg, unsigned first, struct bls_sort *sort,
		    const char *name, char *text)
{
	char path[sizeof(BLS_ENTRIES_DIR) + CONFIG_NAME_MAX + 8];
	struct config_entry *e = &cfg->entry[cfg->entry_count];
	struct bls_sort *s = &sort[cfg->entry_count];
	struct config_entry tmp;
	struct bls_sort tmp_sort;
	enum bls_error err;
	unsigned line, pos;
	uint64_t size;
	bool missing;

	fmt_snprintf(path, sizeof(path), "%s/%s", BLS_ENTRIES_DIR, name);
	if (cfg->entry_count == CONFIG_MAX_ENTRIES) {
		console_printf("bls: %s: left out: more than %u entries\n",
			       path, CONFIG_MAX_ENTRIES);
		return;
	}
	if (!read_text(path, text, BLS_TEXT_MAX, &size, "bls", &missing))
		return;
	err = bls_parse_entry(name, text, (size_t)size, e, s, &line);
	if (err == BLS_ERR_OTHER_ARCH) {
		trace("bls: %s: %s, skipped\n", path, bls_strerror(err));
		return;
	}
	if (err && line) {
		console_printf("bls: %s:%u: %s\n", path, line,
			       bls_strerror(err));
		return;
	}
	if (err) {
		console_printf("bls: %s: %s\n", path, bls_strerror(err));
		return;
	}
	/* Insertion: the new entry moves up past every later one. */
	for (pos = cfg->entry_count; pos > first; pos--) {
		if (bls_compare(&sort[pos - 1], &sort[pos]) <= 0)
			break;
		tmp = cfg->entry[pos];
		cfg->entry[pos] = cfg->entry[pos - 1];
		cfg->entry[pos - 1] = tmp;
		tmp_sort = sort[pos];
		sort[pos] = sort[pos - 1];
		sort[pos - 1] = tmp_sort;
	}
	cfg->entry_count++;
	trace("bls: %s: entry %u\n", path, pos + 1);
}

/*
 * loader.conf's keys, where bzboot.cfg gave none of its own. Its default
 * is a glob on the BLS entries' file names (NAME.conf; entries from first
 * on): the first in the menu's order that matches. Read only when /loader
 * lists it: opening a missing file is a message (the firmware's file
 * system, on UEFI's fallback, prints its own), and most disks have none.
 */
static void bls_loader_conf(struct config *cfg, char *text, unsigned first)
{
	char file[CONFIG_NAME_MAX + sizeof(BLS_SUFFIX)];
	struct bls_loader_conf lc;
	enum bls_error err;
	unsigned line, i;
	uint64_t size;
	bool missing;

	if (!dir_has(BLS_LOADER_DIR, "loader.conf", text, BLS_TEXT_MAX))
		return;
	if (!read_text(BLS_LOADER_CONF, text, BLS_TEXT_MAX, &size, "bls",
		       &missing))
		return;
	err = bls_parse_loader_conf(text, (size_t)size, &lc, &line);
	if (err)
		console_printf("bls: %s:%u: %s\n", BLS_LOADER_CONF, line,
			       bls_strerror(err));
	if (lc.has_timeout && !cfg->has_timeout) {
		cfg->timeout_s = lc.timeout_s;
		cfg->menu_force = lc.menu_force;
	}
	if (lc.has_editor && !cfg->has_editor)
		cfg->editor_off = lc.editor_off;
	/* @saved: the environment file's saved default, read later. */
	if (!lc.has_default || cfg->has_default ||
	    bls_glob_match("@saved", lc.default_glob))
		return;
	for (i = first; i < cfg->entry_count; i++) {
		fmt_snprintf(file, sizeof(file), "%s" BLS_SUFFIX,
			     cfg->entry[i].name);
		if (bls_glob_match(lc.default_glob, file)) {
			cfg->default_entry = i;
			return;
		}
	}
	console_printf("bls: %s: default %s matches no entry\n",
		       BLS_LOADER_CONF, lc.default_glob);
}

/* The BLS entries after bzboot.cfg's own, then loader.conf. */
static void bls_read(struct config *cfg, char *buf)
{
	struct bls_sort sort[CONFIG_MAX_ENTRIES];
	unsigned first = cfg->entry_count;
	const char *name = buf;
	int count = list_dir(BLS_ENTRIES_DIR, buf, BLS_NAMES_BYTES);

	for (int i = 0; i < count; i++) {
		if (has_suffix(name))
			bls_add(cfg, first, sort, name,
				buf + BLS_NAMES_BYTES);
		while (*name)
			name++;
		name++;
	}
	bls_loader_conf(cfg, buf + BLS_NAMES_BYTES, first);
}

/* The index of the entry called name, or cfg->entry_count. */
static unsigned entry_named(const struct config *cfg, const char *name)
{
	unsigned i, k;

	for (i = 0; i < cfg->entry_count; i++) {
		for (k = 0; cfg->entry[i].name[k] == name[k] && name[k]; k++)
			;
		if (cfg->entry[i].name[k] == name[k])
			break;
	}
	return i;
}

/*
 * BOOTENV_PATH, when /loader lists it: its one-shot entry, else its saved
 * default, becomes the default. The one-shot is cleared on the disk
 * before it is taken, and not taken when that fails: it would come back
 * at every boot. buf: room for /loader's names and two blocks.
 */
static bool boot_read_env(struct config *cfg, char *buf)
{
	uint8_t *block = (uint8_t *)buf + BLS_NAMES_BYTES;
	uint8_t *cleared = block + BOOTENV_SIZE;
	const char *why = NULL, *name, *what;
	struct bootenv env;
	char first;
	enum bootenv_error err;
	struct file f;
	unsigned i;
	bool ok;

	if (!dir_has(BLS_LOADER_DIR, "bzboot.env", buf, BLS_NAMES_BYTES))
		return false;
	ok = file_open(BOOTENV_PATH, &f, &why);
	if (ok && f.size != BOOTENV_SIZE)
		why = "not 512 bytes";
	ok = ok && !why && file_read(&f, 0, block, BOOTENV_SIZE, &why);
	file_close(&f);
	if (!ok) {
		if (why)
			console_printf("env: %s: %s\n", BOOTENV_PATH, why);
		return false;
	}
	err = bootenv_parse(block, &env);
	if (err) {
		console_printf("env: %s: %s\n", BOOTENV_PATH,
			       bootenv_strerror(err));
		return false;
	}
	name = env.saved;
	what = "saved default";
	if (env.oneshot[0]) {
		/* The name stays in env.oneshot: the copy has it cleared. */
		first = env.oneshot[0];
		env.oneshot[0] = '\0';
		bootenv_build(&env, cleared);
		env.oneshot[0] = first;
		if (file_overwrite_sector(BOOTENV_PATH, block, cleared, &why)) {
			name = env.oneshot;
			what = "one-shot entry";
		} else {
			console_printf("env: %s: cannot clear the one-shot "
				       "entry %s: %s; not taken\n",
				       BOOTENV_PATH, env.oneshot, why);
		}
	}
	if (!name[0])
		return false;
	i = entry_named(cfg, name);
	if (i == cfg->entry_count) {
		console_printf("env: %s: %s %s: no such entry\n",
			       BOOTENV_PATH, what, name);
		return false;
	}
	trace("env: %s %s\n", what, name);
	cfg->default_entry = i;
	return name == env.oneshot;
}

/*
 * A Boot Loader Interface entry variable (an id: a bzboot.cfg entry's
 * name, or a BLS entry's file name, with or without ".conf", as bootctl
 * writes it) becomes the default: whether it named an entry.
 */
static bool bli_entry(struct config *cfg, const char *var, bool take)
{
	char id[CONFIG_NAME_MAX + sizeof(BLS_SUFFIX)];
	const struct config_entry *e;
	const char *n, *rest;
	unsigned i;

	if (!plat_loader_var(var, id, sizeof(id), take))
		return false;
	for (i = 0; i < cfg->entry_count; i++) {
		e = &cfg->entry[i];
		for (n = e->name, rest = id; *n && *n == *rest; n++, rest++)
			;
		if (!*n && (!*rest ||
			    (e->bls && bls_glob_match(BLS_SUFFIX, rest)))) {
			trace("bli: %s %s\n", var, id);
			cfg->default_entry = i;
			return true;
		}
	}
	console_printf("bli: %s %s: no such entry\n", var, id);
	return false;
}

/*
 * The default: LoaderEntryOneShot, else bzboot.env's one-shot, else
 * LoaderEntryDefault, else bzboot.env's saved default (else bzboot.cfg's,
 * else loader.conf's, set before). The timeout: LoaderConfigTimeoutOneShot,
 * else LoaderConfigTimeout, else the config's. A variable's value is read
 * as loader.conf's timeout is.
 */
static void boot_read_choices(struct config *cfg, char *buf)
{
	struct bls_loader_conf lc;
	unsigned line, n;
	char *v = buf + 64;

	if (!bli_entry(cfg, "LoaderEntryOneShot", true) &&
	    !boot_read_env(cfg, buf))
		bli_entry(cfg, "LoaderEntryDefault", false);
	if (!plat_loader_var("LoaderConfigTimeoutOneShot", v, 16, true) &&
	    !plat_loader_var("LoaderConfigTimeout", v, 16, false))
		return;
	n = (unsigned)fmt_snprintf(buf, 64, "timeout %s", v);
	if (bls_parse_loader_conf(buf, n, &lc, &line) ||
	    !lc.has_timeout) {
		console_printf("bli: LoaderConfigTimeout %s: %s\n", v,
			       bls_strerror(BLS_ERR_BAD_TIMEOUT));
		return;
	}
	trace("bli: timeout %s\n", v);
	cfg->timeout_s = lc.timeout_s;
	cfg->menu_force = lc.menu_force;
}

bool boot_read_config(struct config *cfg)
{
	enum config_error err = CONFIG_ERR_NO_ENTRIES;
	unsigned line = 0;
	bool ok, missing;
	uint64_t size;
	char *text, msg[200];

	text = plat_alloc(CONFIG_MAX_BYTES + 1);
	if (!text) {
		console_printf("config: %s: no memory for %u bytes\n",
			       CONFIG_PATH, CONFIG_MAX_BYTES + 1);
		return false;
	}
	/* Defaults first, for a disk with BLS entries and no bzboot.cfg. */
	config_parse("", 0, cfg, &line);
	ok = read_text(CONFIG_PATH, text, CONFIG_MAX_BYTES, &size, "config",
		       &missing);
	/* An enrolled hash: the bytes as read, before any parsing. */
	if (ok && config_check_enrolled(&config_enrolled, text, (size_t)size,
					msg, sizeof(msg))) {
		console_printf("%s\n", msg);
		plat_free(text);
		return false;
	}
	/* What the parser reads is what the TPM sees (before parsing). */
	if (ok)
		plat_measure_config(text, (size_t)size);
	if (ok)
		err = config_parse(text, (size_t)size, cfg, &line);
	/* Line 0: an error of the whole file, such as no entry. */
	if (ok && err != CONFIG_OK && err != CONFIG_ERR_NO_ENTRIES) {
		console_printf("config: %s:%u: %s\n", CONFIG_PATH, line,
			       config_strerror(err));
		plat_free(text);
		return false;
	}
	/* A file that could not be read is an error; a missing one not. */
	if (ok || missing)
		bls_read(cfg, text);
	if ((ok || missing) && cfg->entry_count)
		boot_read_choices(cfg, text);
	plat_free(text);
	if (cfg->entry_count == 0) {
		if (ok)
			console_printf("config: %s: %s\n", CONFIG_PATH,
				       config_strerror(err));
		return false;
	}
	/* The parser's promise, checked where an index is used. */
	if (cfg->default_entry >= cfg->entry_count) {
		console_printf("config: %s: no entry to boot\n", CONFIG_PATH);
		return false;
	}
	/*
	 * An enrolled config pins each entry's files and command line: the
	 * editor would boot a command line nobody enrolled.
	 */
	if (config_is_enrolled(&config_enrolled))
		cfg->editor_off = true;
	if (cfg->trace)
		trace_on = true;
	/* The config's bytes; BLS entries are counted in the phase. */
	phase_mark("config", CONFIG_PATH, ok ? size : 0);
	return true;
}

/* Boot e; returns when it failed, after saying why. */
static void boot_one(const struct config_entry *e)
{
	const char *unpinned = config_entry_unpinned(e);

	console_printf("bzboot: booting entry \"%s\"\n", e->name);
	if (e->grub_vars)
		console_printf("bzboot: %s: %s\n", e->name, menu_not_bootable);
	/* A BLS entry has no hashes: not under an enrolled config. */
	else if (config_is_enrolled(&config_enrolled) && e->bls)
		console_printf("bls: %s: a BLS entry has no SHA-256, and the "
			       "config is enrolled\n", e->name);
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
