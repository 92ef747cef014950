// SPDX-License-Identifier: MIT
/*
 * menu.c - the choice of an entry, once for both loaders.
 *
 * With "timeout 0" (the default), or a single entry, the default entry
 * boots at once. With a timeout, the entries are listed and:
 *   a digit 1..N          boots that entry at once;
 *   Up/Down, Home/End     move the choice (a line shows the new one);
 *   Enter                 boots the choice;
 *   the timeout           boots the choice (the default if not moved);
 * other keys are ignored. The timeout always runs: a menu never holds the
 * boot forever, not even after a key.
 */
#include "boot.h"
#include "console.h"
#include "keys.h"
#include "platform.h"

/* The choice after key, from pick; pick itself for other keys. */
static unsigned menu_move(unsigned pick, unsigned count, int key)
{
	switch (key) {
	case KEY_UP:
		return pick > 0 ? pick - 1 : pick;
	case KEY_DOWN:
		return pick + 1 < count ? pick + 1 : pick;
	case KEY_HOME:
		return 0;
	case KEY_END:
		return count - 1;
	}
	return pick;
}

unsigned menu_choose_entry(const struct config *cfg)
{
	unsigned pick = cfg->default_entry, moved;
	uint32_t start, limit_ms;
	int key;

	if (cfg->timeout_s == 0 || cfg->entry_count == 1)
		return pick;
	for (unsigned i = 0; i < cfg->entry_count; i++)
		console_printf("  %u) %s%s\n", i + 1, cfg->entry[i].name,
			       i == pick ? " (default)" : "");
	console_printf("bzboot: press 1-%u to choose, Enter to boot; "
		       "booting the default in %u s\n", cfg->entry_count,
		       cfg->timeout_s);
	/* CONFIG_TIMEOUT_MAX (3600 s) in ms fits 32 bits many times over. */
	limit_ms = cfg->timeout_s * 1000u;
	start = plat_time_ms();
	while (plat_time_ms() - start < limit_ms) {
		key = keys_poll();
		if (key == KEY_NONE) {
			plat_idle();
			continue;
		}
		if (key >= '1' && key < '1' + (int)cfg->entry_count)
			return (unsigned)(key - '1');
		if (key == KEY_ENTER)
			break;
		moved = menu_move(pick, cfg->entry_count, key);
		if (moved != pick)
			console_printf("  -> %u) %s\n", moved + 1,
				       cfg->entry[moved].name);
		pick = moved;
	}
	return pick;
}
