// SPDX-License-Identifier: MIT
/*
 * menu.c - /bzboot.cfg: read it from the boot volume, parse it with the
 * shared parser (common/config.c), and pick the entry to boot.
 *
 * Runs under boot services, in long mode. With "timeout 0" (the default),
 * or a single entry, the default entry boots at once. With a timeout, the
 * entries are listed and a digit picks one; Enter or the timeout boots
 * the default, other keys are ignored, as in stage2 (boot/stage2/main.c),
 * whose words this menu uses too.
 */
#include "loader.h"

/* A config file is a few lines: anything larger is not one. */
#define CONFIG_MAX_BYTES	(64 * 1024)

bool menu_load_config(struct loader *ld)
{
	EFI_FILE_HANDLE fh;
	enum config_error err;
	unsigned line = 0;
	uint64_t size;
	char *text;
	bool ok;

	if (!file_open(ld, CONFIG_PATH, &fh, &size))
		return false;
	if (size > CONFIG_MAX_BYTES) {
		console_printf("config: %s: %llu bytes, more than %u\n",
			       CONFIG_PATH, (unsigned long long)size,
			       CONFIG_MAX_BYTES);
		file_close(fh);
		return false;
	}
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, size + 1,
				       (void **)&text))) {
		console_printf("config: %s: no memory for %llu bytes\n",
			       CONFIG_PATH, (unsigned long long)size);
		file_close(fh);
		return false;
	}
	ok = file_read(ld, &fh, CONFIG_PATH, 0, text, size);
	file_close(fh);
	if (ok) {
		text[size] = '\0';
		err = config_parse(text, size, &ld->cfg, &line);
		if (err != CONFIG_OK && line)
			console_printf("config: %s:%u: %s\n", CONFIG_PATH,
				       line, config_strerror(err));
		else if (err != CONFIG_OK)
			console_printf("config: %s: %s\n", CONFIG_PATH,
				       config_strerror(err));
		ok = err == CONFIG_OK;
	}
	/* The parser's promise, checked where an index is used. */
	if (ok && (ld->cfg.entry_count == 0 ||
		   ld->cfg.default_entry >= ld->cfg.entry_count)) {
		console_printf("config: %s: no entry to boot\n", CONFIG_PATH);
		ok = false;
	}
	if (ok && ld->cfg.trace)
		ld->trace = true;
	BS->FreePool(text);
	return ok;
}

unsigned menu_choose_entry(struct loader *ld)
{
	const struct config *cfg = &ld->cfg;
	unsigned pick = cfg->default_entry;
	EFI_EVENT deadline;
	int key;

	if (cfg->timeout_s == 0 || cfg->entry_count == 1)
		return pick;
	for (unsigned i = 0; i < cfg->entry_count; i++)
		console_printf("  %u) %s%s\n", i + 1, cfg->entry[i].name,
			       i == pick ? " (default)" : "");
	console_printf("bzboot: press 1-%u to choose, Enter to boot; "
		       "booting the default in %u s\n", cfg->entry_count,
		       cfg->timeout_s);
	/* No timer, no wait: a menu must never hold the boot forever. */
	deadline = console_deadline(cfg->timeout_s);
	if (!deadline)
		return pick;
	while ((key = console_read_key(deadline)) >= 0) {
		if (key >= '1' && key < '1' + (int)cfg->entry_count) {
			pick = (unsigned)(key - '1');
			break;
		}
		if (key == '\r' || key == '\n')
			break;
	}
	console_deadline_done(deadline);
	return pick;
}
