// SPDX-License-Identifier: MIT
/*
 * test_config.c - host tests of common/config.c: every feature of the
 * config format, every error with its exact code and line number, and the
 * round trip of config_format_single() through config_parse().
 *
 * Each text is copied into a heap buffer of exactly its length (no NUL
 * after it), so ASan catches a parser that reads past len.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"

static struct config *cfg;

static enum config_error parse_len(const char *text, size_t len,
				   unsigned *line)
{
	char *copy = malloc(len ? len : 1);
	enum config_error err;

	memcpy(copy, text, len);
	err = config_parse(copy, len, cfg, line);
	free(copy);
	return err;
}

static enum config_error parse(const char *text, unsigned *line)
{
	return parse_len(text, strlen(text), line);
}

/* Parse text and expect err on line (0: no line). */
static void expect_error(const char *name, const char *text, size_t len,
			 enum config_error want, unsigned want_line)
{
	unsigned line = 12345;
	enum config_error err = parse_len(text, len, &line);
	char detail[200];

	snprintf(detail, sizeof(detail),
		 "got error %d (%s) on line %u, expected %d (%s) on line %u",
		 err, config_strerror(err), line, want,
		 config_strerror(want), want_line);
	check_report(err == want && line == want_line, detail, "%s", name);
}

#define EXPECT_ERROR(name, text, want, want_line) \
	expect_error(name, text, sizeof(text) - 1, want, want_line)

/* A string of n copies of c, in a static buffer per call site size. */
static char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_example(void)
{
	static const char text[] =
		"# comment; blank lines ignored; global keys first\n"
		"\n"
		"default linux\n"
		"timeout 0\n"
		"trace off\n"
		"entry linux\n"
		"    kernel /boot/vmlinuz\n"
		"    initrd /boot/initrd-1.img\n"
		"    initrd /boot/initrd-2.img\n"
		"    cmdline console=ttyS0,115200 quiet\n";
	unsigned line = 99;
	enum config_error err = parse(text, &line);
	const struct config_entry *e = &cfg->entry[0];

	CHECK_EQ(err, CONFIG_OK, "example from the design parses");
	CHECK_EQ(line, 0, "line is 0 on success");
	CHECK_EQ(cfg->entry_count, 1, "example: one entry");
	CHECK_EQ(cfg->default_entry, 0, "example: default is entry 0");
	CHECK_EQ(cfg->timeout_s, 0, "example: timeout 0");
	CHECK(!cfg->trace, "example: trace off");
	CHECK_STREQ(e->name, "linux", "example: entry name");
	CHECK_STREQ(e->kernel, "/boot/vmlinuz", "example: kernel");
	CHECK_EQ(e->initrd_count, 2, "example: two initrds");
	CHECK_STREQ(e->initrd[0], "/boot/initrd-1.img", "example: initrd 1");
	CHECK_STREQ(e->initrd[1], "/boot/initrd-2.img", "example: initrd 2");
	CHECK_STREQ(e->cmdline, "console=ttyS0,115200 quiet",
		    "example: cmdline");
}

static void test_features(void)
{
	unsigned line;
	enum config_error err;
	char big[CONFIG_CMDLINE_MAX + 1], big2[CONFIG_PATH_MAX];
	char text[2 * CONFIG_CMDLINE_MAX];

	err = parse("timeout 5\ntrace on\ndefault second\n"
		    "entry first\nkernel /a\n"
		    "entry second\nkernel /b\ncmdline x\n", &line);
	CHECK(err == CONFIG_OK && cfg->entry_count == 2 &&
	      cfg->default_entry == 1 && cfg->timeout_s == 5 && cfg->trace,
	      "default picks the second entry; timeout 5; trace on");
	CHECK(cfg->has_default && cfg->has_timeout && !cfg->has_editor &&
	      !cfg->editor_off && !cfg->menu_force,
	      "which keys were given is noted");
	err = parse("timeout menu-force\neditor off\nentry a\nkernel /a\n",
		    &line);
	CHECK(err == CONFIG_OK && cfg->menu_force && cfg->editor_off &&
	      cfg->has_editor && cfg->timeout_s == 0,
	      "timeout menu-force, editor off");
	err = parse("timeout menu-hidden\nentry a\nkernel /a\n", &line);
	CHECK(err == CONFIG_OK && !cfg->menu_force && cfg->timeout_s == 0 &&
	      cfg->has_timeout, "timeout menu-hidden is 0");
	CHECK(!cfg->gdb, "gdb off when not given");
	CHECK_STREQ(cfg->entry[0].cmdline, "",
		    "entry without cmdline has an empty one");
	err = parse("gdb on\nentry a\nkernel /a\n", &line);
	CHECK(err == CONFIG_OK && cfg->gdb && !cfg->trace, "gdb on");
	err = parse("gdb off\ntrace on\nentry a\nkernel /a\n", &line);
	CHECK(err == CONFIG_OK && !cfg->gdb && cfg->trace, "gdb off");
	CHECK(!cfg->disk_firmware, "disk auto when not given");
	err = parse("disk firmware\nentry a\nkernel /a\n", &line);
	CHECK(err == CONFIG_OK && cfg->disk_firmware && !cfg->trace, "disk firmware");
	err = parse("disk auto\ntrace on\nentry a\nkernel /a\n", &line);
	CHECK(err == CONFIG_OK && !cfg->disk_firmware && cfg->trace, "disk auto");
	CHECK_EQ(cfg->entry[0].initrd_count, 0, "entry without initrd");

	err = parse("entry a\nkernel /a\nentry b\nkernel /b\n", &line);
	CHECK(err == CONFIG_OK && cfg->default_entry == 0 && !cfg->trace &&
	      cfg->timeout_s == 0, "no default: the first entry");

	err = parse("timeout 3\r\nentry a\r\n\tkernel /boot/k\r\n"
		    "\tcmdline quiet\r\n", &line);
	CHECK(err == CONFIG_OK && cfg->timeout_s == 3 &&
	      strcmp(cfg->entry[0].kernel, "/boot/k") == 0 &&
	      strcmp(cfg->entry[0].cmdline, "quiet") == 0,
	      "CRLF line endings");

	err = parse("entry a\nkernel /k\ncmdline last line", &line);
	CHECK(err == CONFIG_OK &&
	      strcmp(cfg->entry[0].cmdline, "last line") == 0,
	      "no newline at the end");
	err = parse("entry a\r\nkernel /k\r\ncmdline last\r", &line);
	CHECK(err == CONFIG_OK && strcmp(cfg->entry[0].cmdline, "last") == 0,
	      "CR without LF at the end");

	err = parse("\xef\xbb\xbf" "entry a\nkernel /k\n", &line);
	CHECK(err == CONFIG_OK && strcmp(cfg->entry[0].name, "a") == 0,
	      "UTF-8 byte order mark skipped");

	err = parse("\t entry\t\ta \t\n\tkernel\t/boot/k\t \n"
		    "\t\tinitrd \t /i\n", &line);
	CHECK(err == CONFIG_OK && strcmp(cfg->entry[0].name, "a") == 0 &&
	      strcmp(cfg->entry[0].kernel, "/boot/k") == 0 &&
	      strcmp(cfg->entry[0].initrd[0], "/i") == 0,
	      "tabs and spaces around keywords and values");

	err = parse("# top\n   # indented comment\n\t#tab\n \t \n\n"
		    "entry a\n# inside\nkernel /k\n#\n", &line);
	CHECK(err == CONFIG_OK && cfg->entry_count == 1,
	      "comments, blank and white-space lines");

	err = parse("entry a\nkernel /k\n"
		    "cmdline  a  b\tc # not a comment \"q\" \xc3\xa9  \t\n",
		    &line);
	CHECK_STREQ(cfg->entry[0].cmdline,
		    "a  b\tc # not a comment \"q\" \xc3\xa9",
		    "cmdline verbatim, trailing blanks dropped");
	CHECK_EQ(err, CONFIG_OK, "cmdline verbatim parses");

	err = parse("entry a\nkernel /boot/my kernel\ninitrd /x y\n", &line);
	CHECK(err == CONFIG_OK &&
	      strcmp(cfg->entry[0].kernel, "/boot/my kernel") == 0 &&
	      strcmp(cfg->entry[0].initrd[0], "/x y") == 0,
	      "paths with spaces");

	err = parse("entry a\nkernel /k\n\n\n", &line);
	CHECK_EQ(err, CONFIG_OK, "trailing blank lines");

	/* Limits: the largest values and counts that fit. */
	text[0] = '\0';
	for (int i = 0; i < CONFIG_MAX_ENTRIES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "entry e%d\nkernel /k%d\n", i, i);
	err = parse(text, &line);
	CHECK(err == CONFIG_OK && cfg->entry_count == CONFIG_MAX_ENTRIES &&
	      strcmp(cfg->entry[7].kernel, "/k7") == 0,
	      "%d entries", CONFIG_MAX_ENTRIES);

	strcpy(text, "entry a\nkernel /k\n");
	for (int i = 0; i < CONFIG_MAX_INITRDS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "initrd /i%d\n", i);
	err = parse(text, &line);
	CHECK(err == CONFIG_OK &&
	      cfg->entry[0].initrd_count == CONFIG_MAX_INITRDS &&
	      strcmp(cfg->entry[0].initrd[7], "/i7") == 0,
	      "%d initrds, in order", CONFIG_MAX_INITRDS);

	snprintf(text, sizeof(text), "default %s\nentry %s\nkernel /k\n",
		 repeat(big, 'n', CONFIG_NAME_MAX - 1),
		 repeat(big2, 'n', CONFIG_NAME_MAX - 1));
	err = parse(text, &line);
	CHECK(err == CONFIG_OK &&
	      strlen(cfg->entry[0].name) == CONFIG_NAME_MAX - 1,
	      "name of %d bytes", CONFIG_NAME_MAX - 1);

	snprintf(text, sizeof(text), "entry a\nkernel /%s\ninitrd /%s\n",
		 repeat(big, 'k', CONFIG_PATH_MAX - 2),
		 repeat(big2, 'i', CONFIG_PATH_MAX - 2));
	err = parse(text, &line);
	CHECK(err == CONFIG_OK &&
	      strlen(cfg->entry[0].kernel) == CONFIG_PATH_MAX - 1 &&
	      strlen(cfg->entry[0].initrd[0]) == CONFIG_PATH_MAX - 1,
	      "paths of %d bytes", CONFIG_PATH_MAX - 1);

	snprintf(text, sizeof(text), "entry a\nkernel /k\ncmdline %s\n",
		 repeat(big, 'c', CONFIG_CMDLINE_MAX - 1));
	err = parse(text, &line);
	CHECK(err == CONFIG_OK &&
	      strlen(cfg->entry[0].cmdline) == CONFIG_CMDLINE_MAX - 1,
	      "cmdline of %d bytes", CONFIG_CMDLINE_MAX - 1);

	err = parse("timeout 3600\nentry a\nkernel /k\n", &line);
	CHECK(err == CONFIG_OK && cfg->timeout_s == 3600, "timeout 3600");
	err = parse("timeout 007\nentry a\nkernel /k\n", &line);
	CHECK(err == CONFIG_OK && cfg->timeout_s == 7,
	      "timeout with leading zeros");

	/* Only len bytes count, even with more text after them. */
	static const char prefix[] = "entry a\nkernel /k\nbogus line\n";

	err = parse_len(prefix, 18, &line);
	CHECK_EQ(err, CONFIG_OK, "only len bytes are parsed");
}

static void test_errors(void)
{
	char big[CONFIG_CMDLINE_MAX + 1], text[2 * CONFIG_CMDLINE_MAX];

	EXPECT_ERROR("empty file", "", CONFIG_ERR_NO_ENTRIES, 0);
	EXPECT_ERROR("only comments", "# x\n\n", CONFIG_ERR_NO_ENTRIES, 0);
	EXPECT_ERROR("only globals", "timeout 1\ntrace on\n",
		     CONFIG_ERR_NO_ENTRIES, 0);
	EXPECT_ERROR("BOM only", "\xef\xbb\xbf", CONFIG_ERR_NO_ENTRIES, 0);

	EXPECT_ERROR("unknown keyword", "entry a\nkernel /k\nkernal /x\n",
		     CONFIG_ERR_UNKNOWN_KEY, 3);
	EXPECT_ERROR("keywords are lower case", "\nEntry a\n",
		     CONFIG_ERR_UNKNOWN_KEY, 2);
	EXPECT_ERROR("keyword glued to its value", "entry a\nkernel/k\n",
		     CONFIG_ERR_UNKNOWN_KEY, 2);
	EXPECT_ERROR("byte order mark not at the start",
		     "# x\n\xef\xbb\xbf" "entry a\n", CONFIG_ERR_UNKNOWN_KEY,
		     2);

	EXPECT_ERROR("kernel without argument", "entry a\nkernel\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 2);
	EXPECT_ERROR("kernel with only blanks", "entry a\nkernel \t \n",
		     CONFIG_ERR_MISSING_ARGUMENT, 2);
	EXPECT_ERROR("initrd without argument", "entry a\nkernel /k\ninitrd",
		     CONFIG_ERR_MISSING_ARGUMENT, 3);
	EXPECT_ERROR("cmdline without argument",
		     "entry a\nkernel /k\ncmdline\r\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 3);
	EXPECT_ERROR("entry without name", "entry\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 1);
	EXPECT_ERROR("default without argument", "default\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 1);
	EXPECT_ERROR("timeout without argument", "# c\ntimeout  \n",
		     CONFIG_ERR_MISSING_ARGUMENT, 2);
	EXPECT_ERROR("trace without argument", "trace\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 1);

	EXPECT_ERROR("entry name of two words", "entry my linux\n",
		     CONFIG_ERR_EXTRA_ARGUMENT, 1);
	EXPECT_ERROR("default of two words", "default a b\n",
		     CONFIG_ERR_EXTRA_ARGUMENT, 1);
	EXPECT_ERROR("timeout of two words", "timeout 1 2\n",
		     CONFIG_ERR_EXTRA_ARGUMENT, 1);
	EXPECT_ERROR("trace of two words", "trace on\toff\n",
		     CONFIG_ERR_EXTRA_ARGUMENT, 1);

	EXPECT_ERROR("kernel before any entry", "timeout 1\nkernel /k\n",
		     CONFIG_ERR_OUTSIDE_ENTRY, 2);
	EXPECT_ERROR("initrd before any entry", "initrd /i\n",
		     CONFIG_ERR_OUTSIDE_ENTRY, 1);
	EXPECT_ERROR("cmdline before any entry", "\n\ncmdline x\n",
		     CONFIG_ERR_OUTSIDE_ENTRY, 3);

	EXPECT_ERROR("timeout inside an entry",
		     "entry a\nkernel /k\ntimeout 1\n",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 3);
	EXPECT_ERROR("default inside an entry", "entry a\ndefault a\n",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 2);
	EXPECT_ERROR("trace inside an entry", "entry a\nkernel /k\ntrace on",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 3);

	text[0] = '\0';
	for (int i = 0; i <= CONFIG_MAX_ENTRIES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "entry e%d\nkernel /k\n", i);
	expect_error("too many entries", text, strlen(text),
		     CONFIG_ERR_TOO_MANY_ENTRIES, 2 * CONFIG_MAX_ENTRIES + 1);

	strcpy(text, "entry a\nkernel /k\n");
	for (int i = 0; i <= CONFIG_MAX_INITRDS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "initrd /i%d\n", i);
	expect_error("too many initrds", text, strlen(text),
		     CONFIG_ERR_TOO_MANY_INITRDS, 3 + CONFIG_MAX_INITRDS);

	snprintf(text, sizeof(text), "entry %s\n",
		 repeat(big, 'n', CONFIG_NAME_MAX));
	expect_error("entry name too long", text, strlen(text),
		     CONFIG_ERR_TOO_LONG, 1);
	snprintf(text, sizeof(text), "default %s\n",
		 repeat(big, 'n', CONFIG_NAME_MAX));
	expect_error("default name too long", text, strlen(text),
		     CONFIG_ERR_TOO_LONG, 1);
	snprintf(text, sizeof(text), "entry a\nkernel /%s\n",
		 repeat(big, 'k', CONFIG_PATH_MAX - 1));
	expect_error("kernel path too long", text, strlen(text),
		     CONFIG_ERR_TOO_LONG, 2);
	snprintf(text, sizeof(text), "entry a\nkernel /k\ninitrd /%s\n",
		 repeat(big, 'i', CONFIG_PATH_MAX - 1));
	expect_error("initrd path too long", text, strlen(text),
		     CONFIG_ERR_TOO_LONG, 3);
	snprintf(text, sizeof(text), "entry a\nkernel /k\ncmdline %s\n",
		 repeat(big, 'c', CONFIG_CMDLINE_MAX));
	expect_error("cmdline too long", text, strlen(text),
		     CONFIG_ERR_TOO_LONG, 3);

	EXPECT_ERROR("kernel twice", "entry a\nkernel /k\nkernel /j\n",
		     CONFIG_ERR_DUPLICATE_KEY, 3);
	EXPECT_ERROR("cmdline twice",
		     "entry a\nkernel /k\ncmdline a\ninitrd /i\ncmdline b\n",
		     CONFIG_ERR_DUPLICATE_KEY, 5);
	EXPECT_ERROR("default twice", "default a\ndefault a\nentry a\n",
		     CONFIG_ERR_DUPLICATE_KEY, 2);
	EXPECT_ERROR("timeout twice", "timeout 1\ntimeout 1\n",
		     CONFIG_ERR_DUPLICATE_KEY, 2);
	EXPECT_ERROR("trace twice", "trace on\n#\ntrace off\n",
		     CONFIG_ERR_DUPLICATE_KEY, 3);
	EXPECT_ERROR("gdb twice", "gdb off\ngdb off\n",
		     CONFIG_ERR_DUPLICATE_KEY, 2);
	EXPECT_ERROR("gdb inside an entry", "entry a\nkernel /k\ngdb on\n",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 3);
	EXPECT_ERROR("gdb yes", "gdb yes\n", CONFIG_ERR_BAD_ON_OFF, 1);
	EXPECT_ERROR("gdb without argument", "gdb\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 1);
	EXPECT_ERROR("disk twice", "disk firmware\ndisk firmware\n",
		     CONFIG_ERR_DUPLICATE_KEY, 2);
	EXPECT_ERROR("disk inside an entry", "entry a\nkernel /k\ndisk firmware\n",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 3);
	EXPECT_ERROR("disk dma", "disk dma\n", CONFIG_ERR_BAD_DISK, 1);
	EXPECT_ERROR("disk BIOS", "disk BIOS\n", CONFIG_ERR_BAD_DISK, 1);
	EXPECT_ERROR("disk of two words", "disk firmware auto\n",
		     CONFIG_ERR_EXTRA_ARGUMENT, 1);
	EXPECT_ERROR("disk without argument", "disk\n",
		     CONFIG_ERR_MISSING_ARGUMENT, 1);
	EXPECT_ERROR("two entries with one name",
		     "entry a\nkernel /k\nentry b\nkernel /k\nentry a\n",
		     CONFIG_ERR_DUPLICATE_ENTRY, 5);

	EXPECT_ERROR("entry without kernel, then another",
		     "timeout 1\nentry a\ncmdline x\nentry b\nkernel /k\n",
		     CONFIG_ERR_NO_KERNEL, 2);
	EXPECT_ERROR("last entry without kernel",
		     "entry a\nkernel /k\n\nentry b\ninitrd /i\n",
		     CONFIG_ERR_NO_KERNEL, 4);

	EXPECT_ERROR("default names no entry",
		     "timeout 0\ndefault linux\nentry Linux\nkernel /k\n",
		     CONFIG_ERR_BAD_DEFAULT, 2);

	EXPECT_ERROR("timeout not a number", "timeout soon\n",
		     CONFIG_ERR_BAD_TIMEOUT, 1);
	EXPECT_ERROR("timeout negative", "timeout -1\n",
		     CONFIG_ERR_BAD_TIMEOUT, 1);
	EXPECT_ERROR("timeout menu-forced", "timeout menu-forced\n",
		     CONFIG_ERR_BAD_TIMEOUT, 1);
	EXPECT_ERROR("editor yes", "editor yes\n", CONFIG_ERR_BAD_ON_OFF, 1);
	EXPECT_ERROR("editor twice", "editor on\neditor off\n",
		     CONFIG_ERR_DUPLICATE_KEY, 2);
	EXPECT_ERROR("editor in an entry", "entry a\nkernel /a\neditor off\n",
		     CONFIG_ERR_GLOBAL_IN_ENTRY, 3);
	EXPECT_ERROR("timeout with a unit", "timeout 5s\n",
		     CONFIG_ERR_BAD_NUMBER, 1);
	EXPECT_ERROR("timeout over the maximum", "timeout 3601\n",
		     CONFIG_ERR_BAD_NUMBER, 1);
	EXPECT_ERROR("timeout overflowing 32 bits",
		     "timeout 99999999999999999999999\n",
		     CONFIG_ERR_BAD_NUMBER, 1);

	EXPECT_ERROR("trace yes", "trace yes\n", CONFIG_ERR_BAD_ON_OFF, 1);
	EXPECT_ERROR("trace ON", "trace ON\n", CONFIG_ERR_BAD_ON_OFF, 1);
	EXPECT_ERROR("trace o", "trace o\n", CONFIG_ERR_BAD_ON_OFF, 1);

	EXPECT_ERROR("NUL byte", "entry a\nkernel /k\ncmdline a\0b\n",
		     CONFIG_ERR_NOT_TEXT, 3);
	EXPECT_ERROR("NUL in a comment", "# a\0b\nentry a\nkernel /k\n",
		     CONFIG_ERR_NOT_TEXT, 1);
	EXPECT_ERROR("control byte", "entry a\x01\n", CONFIG_ERR_NOT_TEXT, 1);
	EXPECT_ERROR("CR inside a line", "entry a\nkernel /k\rx\n",
		     CONFIG_ERR_NOT_TEXT, 2);
	EXPECT_ERROR("DEL byte", "\n\n\x7f\n", CONFIG_ERR_NOT_TEXT, 3);
	EXPECT_ERROR("binary file", "\x7f" "ELF\x02\x01\x01\0\0\0",
		     CONFIG_ERR_NOT_TEXT, 1);
}

static void test_format(void)
{
	static const char *const initrds[] = {
		"/boot/initrd-1.img", "/boot/initrd-2.img",
	};
	const char *many[CONFIG_MAX_INITRDS + 1];
	char buf[CONFIG_TEXT_MAX], big[4096];
	unsigned line;
	int n;

	n = config_format_single(buf, sizeof(buf), "/boot/vmlinuz", initrds, 2,
				 "console=ttyS0,115200 quiet\tx=\"a b\"");
	CHECK(n > 0 && (size_t)n == strlen(buf), "format: returns the length");
	CHECK_EQ(parse(buf, &line), CONFIG_OK, "format: output parses");
	CHECK(cfg->entry_count == 1 && cfg->default_entry == 0 &&
	      cfg->timeout_s == 0 && !cfg->trace &&
	      strcmp(cfg->entry[0].kernel, "/boot/vmlinuz") == 0 &&
	      cfg->entry[0].initrd_count == 2 &&
	      strcmp(cfg->entry[0].initrd[0], initrds[0]) == 0 &&
	      strcmp(cfg->entry[0].initrd[1], initrds[1]) == 0 &&
	      strcmp(cfg->entry[0].cmdline,
		     "console=ttyS0,115200 quiet\tx=\"a b\"") == 0,
	      "format: round trip of kernel, two initrds and cmdline");

	n = config_format_single(buf, sizeof(buf), "/boot/vmlinuz", NULL, 0,
				 NULL);
	CHECK(n > 0 && parse(buf, &line) == CONFIG_OK &&
	      cfg->entry[0].initrd_count == 0 && cfg->entry[0].cmdline[0] == 0,
	      "format: round trip without initrd or cmdline");
	n = config_format_single(buf, sizeof(buf), "/k", NULL, 0, "");
	CHECK(n > 0 && parse(buf, &line) == CONFIG_OK &&
	      cfg->entry[0].cmdline[0] == 0, "format: empty cmdline");

	repeat(big, 'c', CONFIG_CMDLINE_MAX - 1);
	for (int i = 0; i < CONFIG_MAX_INITRDS; i++)
		many[i] = "/boot/initrd-with-a-longish-name-to-fill-the-"
			  "buffer-and-then-some-more-characters-to-reach-"
			  "the-limit.img";
	n = config_format_single(buf, sizeof(buf), "/boot/vmlinuz", many,
				 CONFIG_MAX_INITRDS, big);
	CHECK(n > 0 && parse(buf, &line) == CONFIG_OK &&
	      strcmp(cfg->entry[0].cmdline, big) == 0 &&
	      cfg->entry[0].initrd_count == CONFIG_MAX_INITRDS,
	      "format: largest config fits CONFIG_TEXT_MAX and round-trips");

	n = config_format_single(buf, sizeof(buf), "/k", NULL, 0, "quiet");
	CHECK_EQ(config_format_single(buf, n + 1, "/k", NULL, 0, "quiet"), n,
		 "format: buffer of exactly length + 1");
	CHECK_EQ(config_format_single(buf, n, "/k", NULL, 0, "quiet"), -1,
		 "format: buffer one byte short");
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", NULL, 0, big),
		 n - 5 + CONFIG_CMDLINE_MAX - 1,
		 "format: cmdline of %d bytes", CONFIG_CMDLINE_MAX - 1);
	repeat(big, 'c', CONFIG_CMDLINE_MAX);
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", NULL, 0, big),
		 -1, "format: cmdline too long");
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", NULL, 0,
				      "a\nkernel /evil"), -1,
		 "format: newline in the cmdline");
	CHECK_EQ(config_format_single(buf, sizeof(buf), "", NULL, 0, "x"), -1,
		 "format: empty kernel path");
	CHECK_EQ(config_format_single(buf, sizeof(buf), NULL, NULL, 0, "x"),
		 -1, "format: no kernel");
	repeat(big, 'k', CONFIG_PATH_MAX);
	CHECK_EQ(config_format_single(buf, sizeof(buf), big, NULL, 0, "x"), -1,
		 "format: kernel path too long");
	many[CONFIG_MAX_INITRDS] = "/x";
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", many,
				      CONFIG_MAX_INITRDS + 1, "x"), -1,
		 "format: too many initrds");
}

/* sha256("abc") and sha256(""), as FIPS 180-4 gives them. */
#define HASH_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define HASH_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static bool hash_is(const struct config_hash *h, const char *hex)
{
	uint8_t want[SHA256_DIGEST_SIZE];

	return h->set && sha256_from_hex(hex, want) == 0 &&
	       memcmp(h->sha256, want, sizeof(want)) == 0;
}

static void test_hashes(void)
{
	static const char text[] =
		"entry a\n"
		"  kernel /boot/vmlinuz#" HASH_ABC "\n"
		"  initrd /boot/initrd-1.img\n"
		"  initrd /boot/my initrd#" HASH_EMPTY "\n"
		"entry b\n"
		"  kernel /k#BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\n";
	char path[CONFIG_PATH_MAX + 1], line_text[400], buf[CONFIG_TEXT_MAX];
	const struct config_entry *a = &cfg->entry[0], *b = &cfg->entry[1];
	struct config_enrolled slot = { CONFIG_ENROLL_MARKER, { 0 } };
	const char *initrds[2];
	unsigned line;
	int n;

	CHECK_EQ(parse(text, &line), CONFIG_OK, "hash: paths with #HASH parse");
	CHECK_STREQ(a->kernel, "/boot/vmlinuz", "hash: kernel path without it");
	CHECK(hash_is(&a->kernel_hash, HASH_ABC), "hash: kernel hash read");
	CHECK(!a->initrd_hash[0].set && !strcmp(a->initrd[0],
						"/boot/initrd-1.img"),
	      "hash: an initrd without one");
	CHECK_STREQ(a->initrd[1], "/boot/my initrd",
		    "hash: a path with a blank, then #HASH");
	CHECK(hash_is(&a->initrd_hash[1], HASH_EMPTY),
	      "hash: second initrd's hash read");
	CHECK(hash_is(&b->kernel_hash, HASH_ABC) && !strcmp(b->kernel, "/k"),
	      "hash: upper-case hex");
	CHECK_STREQ(config_entry_unpinned(a), "/boot/initrd-1.img",
		    "hash: unpinned names the initrd without a hash");
	CHECK(config_entry_unpinned(b) == NULL, "hash: entry b is pinned");
	CHECK_EQ(parse("entry a\nkernel /k\n", &line), CONFIG_OK,
		 "hash: plain kernel parses");
	CHECK(!a->kernel_hash.set && config_entry_unpinned(a) == a->kernel,
	      "hash: a kernel without one is unpinned");

	EXPECT_ERROR("hash: 63 digits", "entry a\nkernel /k#"
		     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\n",
		     CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: 65 digits", "entry a\nkernel /k#" HASH_ABC "0\n",
		     CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: not hex", "entry a\nkernel /k\ninitrd /i#"
		     "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
		     CONFIG_ERR_BAD_HASH, 3);
	EXPECT_ERROR("hash: blank before #", "entry a\nkernel /k #" HASH_ABC
		     "\n", CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: blank after #", "entry a\nkernel /k# " HASH_ABC
		     "\n", CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: no path", "entry a\nkernel #" HASH_ABC "\n",
		     CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: # and nothing", "entry a\nkernel /k#\n",
		     CONFIG_ERR_BAD_HASH, 2);
	EXPECT_ERROR("hash: a # in a path needs a hash",
		     "entry a\nkernel /boot/a#b\n", CONFIG_ERR_BAD_HASH, 2);
	CHECK_EQ(parse("entry a\nkernel /a#b#" HASH_ABC "\n", &line),
		 CONFIG_OK, "hash: the last # starts the hash");
	CHECK_STREQ(a->kernel, "/a#b", "hash: a path holding a #");

	repeat(path, 'p', CONFIG_PATH_MAX - 1);
	snprintf(line_text, sizeof(line_text), "entry a\nkernel %s#%s\n", path,
		 HASH_ABC);
	CHECK_EQ(parse(line_text, &line), CONFIG_OK,
		 "hash: longest path and a hash");
	repeat(path, 'p', CONFIG_PATH_MAX);
	snprintf(line_text, sizeof(line_text), "entry a\nkernel %s#%s\n", path,
		 HASH_ABC);
	CHECK_EQ(parse(line_text, &line), CONFIG_ERR_TOO_LONG,
		 "hash: a path too long before its hash");

	/* mkdisk --hashes: config_format_single with path#HASH. */
	initrds[0] = "/boot/initrd-1.img#" HASH_EMPTY;
	initrds[1] = "/boot/initrd-2.img";
	n = config_format_single(buf, sizeof(buf), "/boot/vmlinuz#" HASH_ABC,
				 initrds, 2, "quiet");
	CHECK(n > 0 && parse(buf, &line) == CONFIG_OK &&
	      hash_is(&a->kernel_hash, HASH_ABC) &&
	      hash_is(&a->initrd_hash[0], HASH_EMPTY) &&
	      !a->initrd_hash[1].set && !strcmp(a->kernel, "/boot/vmlinuz") &&
	      !strcmp(a->initrd[0], "/boot/initrd-1.img"),
	      "hash: format round trip of hashed paths");
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k#abc", NULL, 0,
				      "x"), -1, "hash: format refuses a bad hash");
	initrds[0] = "/i#";
	CHECK_EQ(config_format_single(buf, sizeof(buf), "/k", initrds, 1,
				      "x"), -1,
		 "hash: format refuses a bad initrd hash");

	sha256("abc", 3, slot.sha256);
	CHECK(config_is_enrolled(&slot), "enrolled: a hash in the slot");
	CHECK_EQ(config_check_enrolled(&slot, "abc", 3, buf, sizeof(buf)), 0,
		 "enrolled: the same bytes pass");
	CHECK_EQ(config_check_enrolled(&slot, "abd", 3, buf, sizeof(buf)), -1,
		 "enrolled: other bytes are refused");
	CHECK_STREQ(buf, "config: /bzboot.cfg: SHA-256 mismatch: enrolled "
		    HASH_ABC ", file has "
		    "a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9",
		    "enrolled: the refusal names both hashes");
	memset(slot.sha256, 0, sizeof(slot.sha256));
	CHECK(!config_is_enrolled(&slot), "enrolled: all zero is not");
	CHECK_EQ(config_check_enrolled(&slot, "abd", 3, buf, sizeof(buf)), 0,
		 "enrolled: nothing enrolled, nothing checked");
	CHECK(memcmp(slot.marker, "bzboot-cfg-hash:", 16) == 0,
	      "enrolled: the marker is 16 ASCII bytes");

	{
		uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];

		sha256("abc", 3, want);
		sha256("", 0, got);
		config_format_hash_mismatch(buf, sizeof(buf), "linux",
					    "/boot/vmlinuz", want, got);
		CHECK_STREQ(buf, "linux: /boot/vmlinuz: SHA-256 mismatch: "
			    "config says " HASH_ABC ", file has " HASH_EMPTY,
			    "hash: the mismatch message");
	}
}

static void test_strerror(void)
{
	bool ok = true;

	for (int i = 0; i < CONFIG_ERR_COUNT; i++) {
		const char *s = config_strerror(i);

		ok &= s && *s && strcmp(s, "unknown config error") != 0;
		for (int j = 0; j < i; j++)
			ok &= strcmp(s, config_strerror(j)) != 0;
	}
	CHECK(ok, "config_strerror: one distinct text per error");
	CHECK_STREQ(config_strerror(CONFIG_ERR_TOO_MANY_ENTRIES),
		    "too many entries (at most 8)",
		    "config_strerror: limits in the text");
	CHECK_STREQ(config_strerror(CONFIG_ERR_COUNT), "unknown config error",
		    "config_strerror: out of range");
}

int main(void)
{
	check_begin("config");
	cfg = malloc(sizeof(*cfg));
	test_example();
	test_features();
	test_errors();
	test_format();
	test_hashes();
	test_strerror();
	free(cfg);
	return check_end();
}
