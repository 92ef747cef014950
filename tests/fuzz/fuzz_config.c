// SPDX-License-Identifier: MIT
/*
 * fuzz_config.c - libFuzzer target for common/config.c: the /bzboot.cfg
 * parser both loaders run on whatever text they find on the disk, and the
 * writer mkdisk uses.
 *
 * The input is the config text, passed with its exact length (no NUL after
 * it, so ASan sees a read past the end). A parsed config is checked against
 * config.h (entry and initrd counts, a kernel per entry, the default in
 * range, every string NUL-terminated in its buffer), then each entry goes
 * through config_format_single() and back through config_parse(): what
 * the writer accepts must read back the same. The input's lines are also
 * fed to the writer as they are (kernel, initrds, cmdline), with a buffer
 * of a size taken from the input, for the same round trip.
 */
#include "fuzz.h"

#include <strings.h>

#include "config.h"
#include "sha256.h"

static struct config cfg, back;

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_config(const struct config *c)
{
	FUZZ_ASSERT(c->entry_count >= 1 &&
		    c->entry_count <= CONFIG_MAX_ENTRIES);
	FUZZ_ASSERT(c->default_entry < c->entry_count);
	FUZZ_ASSERT(c->timeout_s <= CONFIG_TIMEOUT_MAX);
	for (unsigned i = 0; i < c->entry_count; i++) {
		const struct config_entry *e = &c->entry[i];

		FUZZ_ASSERT(terminated(e->name, sizeof(e->name)));
		FUZZ_ASSERT(e->name[0] != '\0');
		FUZZ_ASSERT(terminated(e->kernel, sizeof(e->kernel)));
		FUZZ_ASSERT(e->kernel[0] != '\0');
		FUZZ_ASSERT(terminated(e->cmdline, sizeof(e->cmdline)));
		FUZZ_ASSERT(e->initrd_count <= CONFIG_MAX_INITRDS);
		for (unsigned j = 0; j < e->initrd_count; j++) {
			FUZZ_ASSERT(terminated(e->initrd[j],
					       sizeof(e->initrd[j])));
			FUZZ_ASSERT(e->initrd[j][0] != '\0');
		}
		for (unsigned j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(c->entry[j].name, e->name) != 0);
	}
}

/*
 * A kernel or initrd value read back: its path, and "#HASH" after it when
 * the value pinned the file (the writer writes "path#HASH" as given, the
 * way mkdisk --hashes passes it). The hex may have been upper case.
 */
static void check_value(const char *path, const struct config_hash *hash,
			const char *want)
{
	size_t n = strlen(path);
	char hex[SHA256_HEX_LEN + 1];

	FUZZ_ASSERT(strncmp(path, want, n) == 0);
	if (!hash->set) {
		FUZZ_ASSERT(want[n] == '\0');
		return;
	}
	sha256_to_hex(hash->sha256, hex);
	FUZZ_ASSERT(want[n] == '#' && strcasecmp(want + n + 1, hex) == 0);
}

/*
 * Write a one-entry config into a buffer of size bytes; when the writer
 * takes the values, the text must parse back to exactly them.
 */
static void round_trip(const char *kernel, const char *const *initrds,
		       unsigned initrd_count, const char *cmdline, size_t size)
{
	char *buf = malloc(size ? size : 1);
	enum config_error err;
	unsigned line;
	int n;

	if (!buf)
		abort();
	n = config_format_single(size ? buf : NULL, size, kernel, initrds,
				 initrd_count, cmdline);
	if (n < 0) {
		free(buf);
		return;
	}
	FUZZ_ASSERT((size_t)n < size);
	FUZZ_ASSERT(strlen(buf) == (size_t)n);
	err = config_parse(buf, (size_t)n, &back, &line);
	if (err != CONFIG_OK)
		fprintf(stderr, "written config does not parse: line %u: "
			"%s\n", line, config_strerror(err));
	FUZZ_ASSERT(err == CONFIG_OK);
	check_config(&back);
	FUZZ_ASSERT(back.entry_count == 1);
	FUZZ_ASSERT(back.timeout_s == 0 && !back.trace);
	check_value(back.entry[0].kernel, &back.entry[0].kernel_hash, kernel);
	FUZZ_ASSERT(back.entry[0].initrd_count == initrd_count);
	for (unsigned i = 0; i < initrd_count; i++)
		check_value(back.entry[0].initrd[i],
			    &back.entry[0].initrd_hash[i], initrds[i]);
	FUZZ_ASSERT(strcmp(back.entry[0].cmdline, cmdline ? cmdline : "") ==
		    0);
	free(buf);
}

/* The input's lines as writer arguments: kernel, initrds, cmdline last. */
static void round_trip_lines(const uint8_t *data, size_t size)
{
	char *copy = fuzz_strndup(data, size);
	const char *lines[2 + CONFIG_MAX_INITRDS + 1];
	unsigned count = 0;
	char *p = copy;
	size_t buf_size;

	if (size < 2) {
		free(copy);
		return;
	}
	/* The first byte picks the buffer size: small ones, or the most. */
	buf_size = data[0] < 0xf0 ? (size_t)data[0] * 16 : CONFIG_TEXT_MAX;
	p++;
	while (count < sizeof(lines) / sizeof(lines[0])) {
		char *nl = strchr(p, '\n');

		lines[count++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (count >= 2)
		round_trip(lines[0], lines + 1, count - 2, lines[count - 1],
			   buf_size);
	else
		round_trip(lines[0], NULL, 0, NULL, buf_size);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum config_error err;
	unsigned line = 12345;

	memset(&cfg, 0xa5, sizeof(cfg));
	err = config_parse((const char *)data, size, &cfg, &line);
	FUZZ_ASSERT(err < CONFIG_ERR_COUNT);
	FUZZ_ASSERT(strlen(config_strerror(err)) > 0);
	/* A line number is within the text (0: no line). */
	FUZZ_ASSERT(line <= size + 1);
	if (err == CONFIG_OK) {
		FUZZ_ASSERT(line == 0);
		check_config(&cfg);
		for (unsigned i = 0; i < cfg.entry_count; i++) {
			const struct config_entry *e = &cfg.entry[i];
			const char *initrds[CONFIG_MAX_INITRDS];

			for (unsigned j = 0; j < e->initrd_count; j++)
				initrds[j] = e->initrd[j];
			round_trip(e->kernel, initrds, e->initrd_count,
				   e->cmdline, CONFIG_TEXT_MAX);
		}
	} else if (err == CONFIG_ERR_NO_ENTRIES) {
		FUZZ_ASSERT(line == 0);
	} else {
		FUZZ_ASSERT(line >= 1);
	}
	round_trip_lines(data, size);
	return 0;
}
