// SPDX-License-Identifier: MIT
/*
 * menu.c - /bzboot.cfg: read it from the boot volume, parse it with the
 * shared parser (common/config.c), and pick the entry to boot.
 *
 * Runs under boot services, in long mode. With "timeout 0" (the default)
 * the default entry boots at once. With a timeout, the entries are listed
 * and a digit picks one; Enter or the timeout boots the default.
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
	ok = file_read(fh, CONFIG_PATH, 0, text, size);
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
	BS->FreePool(text);
	return ok;
}

bool menu_choose_entry(struct loader *ld)
{
	const struct config *cfg = &ld->cfg;
	unsigned choice = cfg->default_entry;

	if (cfg->entry_count == 0 || choice >= cfg->entry_count) {
		console_printf("config: %s: no entry to boot\n", CONFIG_PATH);
		return false;
	}
	if (cfg->timeout_s) {
		int key;

		for (unsigned i = 0; i < cfg->entry_count; i++)
			console_printf("  %u  %s%s\n", i + 1,
				       cfg->entry[i].name,
				       i == choice ? " (default)" : "");
		console_printf("bzboot: press 1-%u to choose, Enter to boot "
			       "now; booting %s in %u s\n", cfg->entry_count,
			       cfg->entry[choice].name, cfg->timeout_s);
		key = console_read_key(cfg->timeout_s);
		if (key >= '1' && key < '1' + (int)cfg->entry_count)
			choice = (unsigned)(key - '1');
	}
	ld->entry = &cfg->entry[choice];
	console_printf("bzboot: booting %s\n", ld->entry->name);
	return true;
}
