// SPDX-License-Identifier: MIT
/*
 * config.c - see config.h. Freestanding: runs in 32-bit stage2, in the EFI
 * loader and on the host (mkdisk, unit tests). It reads the text the
 * loader got from /bzboot.cfg and fills the caller's struct config, or
 * says which line is wrong and why; it also writes the one-entry config
 * mkdisk puts on a new disk.
 */
#include "config.h"
#include "fmt.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char *const config_error_text[CONFIG_ERR_COUNT] = {
	[CONFIG_OK] = "no error",
	[CONFIG_ERR_NOT_TEXT] = "not a text file (NUL or control byte)",
	[CONFIG_ERR_UNKNOWN_KEY] = "unknown keyword",
	[CONFIG_ERR_MISSING_ARGUMENT] = "missing argument",
	[CONFIG_ERR_EXTRA_ARGUMENT] = "more than one word after the keyword",
	[CONFIG_ERR_OUTSIDE_ENTRY] =
		"kernel, initrd or cmdline outside an entry",
	[CONFIG_ERR_GLOBAL_IN_ENTRY] =
		"global keys (default, timeout, editor, trace, gdb, disk) go "
		"before "
		"the first entry",
	[CONFIG_ERR_TOO_MANY_ENTRIES] =
		"too many entries (at most " STR(CONFIG_MAX_ENTRIES) ")",
	[CONFIG_ERR_TOO_MANY_INITRDS] =
		"too many initrds (at most " STR(CONFIG_MAX_INITRDS) ")",
	[CONFIG_ERR_TOO_LONG] = "value too long",
	[CONFIG_ERR_DUPLICATE_KEY] = "keyword given twice",
	[CONFIG_ERR_DUPLICATE_ENTRY] = "two entries with the same name",
	[CONFIG_ERR_NO_KERNEL] = "entry without a kernel line",
	[CONFIG_ERR_NO_ENTRIES] = "no entry",
	[CONFIG_ERR_BAD_DEFAULT] = "default names no entry",
	[CONFIG_ERR_BAD_NUMBER] =
		"not a number of seconds (0-" STR(CONFIG_TIMEOUT_MAX) ")",
	[CONFIG_ERR_BAD_TIMEOUT] =
		"expected seconds (0-" STR(CONFIG_TIMEOUT_MAX) "), menu-force "
		"or menu-hidden",
	[CONFIG_ERR_BAD_ON_OFF] = "expected on or off",
	[CONFIG_ERR_BAD_DISK] = "expected auto or firmware",
	/* In parentheses: one string, not two that lost a comma (clang). */
	[CONFIG_ERR_BAD_HASH] =
		("bad SHA-256 after '#': need 64 hex digits right after the "
		 "path"),
};

const char *config_strerror(enum config_error err)
{
	if ((unsigned)err >= CONFIG_ERR_COUNT || !config_error_text[err])
		return "unknown config error";
	return config_error_text[err];
}

/* A piece of the text: not NUL-terminated. */
struct span {
	const char *s;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Text is printable ASCII, UTF-8 (bytes >= 0x80) and tabs. */
static bool is_text(char c)
{
	unsigned char u = (unsigned char)c;

	return u == '\t' || (u >= 0x20 && u != 0x7f);
}

static bool span_is(struct span a, const char *word)
{
	size_t i;

	for (i = 0; i < a.len; i++)
		if (word[i] != a.s[i])	/* word's NUL ends it early */
			return false;
	return word[a.len] == '\0';
}

static bool span_has_blank(struct span a)
{
	size_t i;

	for (i = 0; i < a.len; i++)
		if (is_blank(a.s[i]))
			return true;
	return false;
}

/* Copy a into dst (size bytes with the NUL); false if it does not fit. */
static bool span_copy(char *dst, size_t size, struct span a)
{
	size_t i;

	if (a.len >= size)
		return false;
	for (i = 0; i < a.len; i++)
		dst[i] = a.s[i];
	dst[a.len] = '\0';
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * A kernel or initrd value: "path" or "path#HASH". The last '#' starts
 * the hash; a blank before it would end up in the path unseen, so it is
 * an error too.
 */
static enum config_error parse_path(struct span a, char *dst, size_t size,
				    struct config_hash *hash)
{
	size_t hash_at = a.len;
	struct span path = a;

	hash->set = false;
	while (hash_at && a.s[hash_at - 1] != '#')
		hash_at--;
	if (hash_at) {
		path.len = hash_at - 1;
		if (a.len - hash_at != SHA256_HEX_LEN || path.len == 0 ||
		    is_blank(path.s[path.len - 1]) ||
		    sha256_from_hex(a.s + hash_at, hash->sha256))
			return CONFIG_ERR_BAD_HASH;
		hash->set = true;
	}
	if (!span_copy(dst, size, path))
		return CONFIG_ERR_TOO_LONG;
	return CONFIG_OK;
}

static enum config_error parse_timeout(struct span a, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (a.len == 0)
		return CONFIG_ERR_BAD_NUMBER;
	for (i = 0; i < a.len; i++) {
		if (a.s[i] < '0' || a.s[i] > '9')
			return CONFIG_ERR_BAD_NUMBER;
		v = v * 10 + (unsigned)(a.s[i] - '0');
		if (v > CONFIG_TIMEOUT_MAX)
			return CONFIG_ERR_BAD_NUMBER;
	}
	*out = v;
	return CONFIG_OK;
}

/* A global on/off key: at most once. */
static enum config_error parse_on_off(struct span a, bool *seen, bool *out)
{
	if (*seen)
		return CONFIG_ERR_DUPLICATE_KEY;
	*seen = true;
	if (span_is(a, "on"))
		*out = true;
	else if (span_is(a, "off"))
		*out = false;
	else
		return CONFIG_ERR_BAD_ON_OFF;
	return CONFIG_OK;
}

/* What the parser carries from line to line. */
struct parser {
	struct config *cfg;
	struct config_entry *entry;	/* the open entry, or NULL */
	unsigned entry_line;
	bool has_kernel, has_cmdline;
	bool has_default, has_timeout, has_trace, has_gdb, has_disk;
	bool has_editor;
	char default_name[CONFIG_NAME_MAX];
	unsigned default_line;
};

/* Close the open entry: it needs a kernel. */
static enum config_error parser_end_entry(struct parser *p, unsigned *line)
{
	if (p->entry && !p->has_kernel) {
		*line = p->entry_line;
		return CONFIG_ERR_NO_KERNEL;
	}
	p->entry = NULL;
	return CONFIG_OK;
}

static enum config_error parser_start_entry(struct parser *p,
					    struct span name, unsigned lineno,
					    unsigned *line)
{
	struct config *cfg = p->cfg;
	struct config_entry *e;
	enum config_error err;
	unsigned i;

	err = parser_end_entry(p, line);
	if (err)
		return err;
	if (cfg->entry_count == CONFIG_MAX_ENTRIES)
		return CONFIG_ERR_TOO_MANY_ENTRIES;
	e = &cfg->entry[cfg->entry_count];
	if (!span_copy(e->name, sizeof(e->name), name))
		return CONFIG_ERR_TOO_LONG;
	for (i = 0; i < cfg->entry_count; i++)
		if (str_equal(cfg->entry[i].name, e->name))
			return CONFIG_ERR_DUPLICATE_ENTRY;
	e->kernel[0] = '\0';
	e->kernel_hash.set = false;
	e->title[0] = '\0';
	e->grub_vars = false;
	e->bls = false;
	e->initrd_count = 0;
	e->cmdline[0] = '\0';
	cfg->entry_count++;
	p->entry = e;
	p->entry_line = lineno;
	p->has_kernel = false;
	p->has_cmdline = false;
	return CONFIG_OK;
}

/* One line without its end: blank, a comment, or "keyword argument". */
static enum config_error parser_line(struct parser *p, struct span l,
				     unsigned lineno, unsigned *line)
{
	struct config_entry *e = p->entry;
	struct span key, arg;
	bool entry_key;

	while (l.len && is_blank(l.s[0])) {
		l.s++;
		l.len--;
	}
	while (l.len && is_blank(l.s[l.len - 1]))
		l.len--;
	if (l.len == 0 || l.s[0] == '#')
		return CONFIG_OK;
	key.s = l.s;
	for (key.len = 0; key.len < l.len && !is_blank(l.s[key.len]);)
		key.len++;
	arg.s = l.s + key.len;
	arg.len = l.len - key.len;
	while (arg.len && is_blank(arg.s[0])) {
		arg.s++;
		arg.len--;
	}

	entry_key = span_is(key, "kernel") || span_is(key, "initrd") ||
		    span_is(key, "cmdline");
	if (!entry_key && !span_is(key, "entry") && !span_is(key, "default") &&
	    !span_is(key, "timeout") && !span_is(key, "trace") &&
	    !span_is(key, "gdb") && !span_is(key, "disk") &&
	    !span_is(key, "editor"))
		return CONFIG_ERR_UNKNOWN_KEY;
	if (entry_key && !e)
		return CONFIG_ERR_OUTSIDE_ENTRY;
	if (!entry_key && !span_is(key, "entry") && e)
		return CONFIG_ERR_GLOBAL_IN_ENTRY;
	if (arg.len == 0)
		return CONFIG_ERR_MISSING_ARGUMENT;
	/* Paths and the command line are the rest of the line. */
	if (!entry_key && span_has_blank(arg))
		return CONFIG_ERR_EXTRA_ARGUMENT;

	if (span_is(key, "entry"))
		return parser_start_entry(p, arg, lineno, line);
	if (span_is(key, "kernel")) {
		if (p->has_kernel)
			return CONFIG_ERR_DUPLICATE_KEY;
		p->has_kernel = true;
		return parse_path(arg, e->kernel, sizeof(e->kernel),
				  &e->kernel_hash);
	} else if (span_is(key, "initrd")) {
		enum config_error err;

		if (e->initrd_count == CONFIG_MAX_INITRDS)
			return CONFIG_ERR_TOO_MANY_INITRDS;
		err = parse_path(arg, e->initrd[e->initrd_count],
				 sizeof(e->initrd[0]),
				 &e->initrd_hash[e->initrd_count]);
		if (err)
			return err;
		e->initrd_count++;
	} else if (span_is(key, "cmdline")) {
		if (p->has_cmdline)
			return CONFIG_ERR_DUPLICATE_KEY;
		p->has_cmdline = true;
		if (!span_copy(e->cmdline, sizeof(e->cmdline), arg))
			return CONFIG_ERR_TOO_LONG;
	} else if (span_is(key, "default")) {
		if (p->has_default)
			return CONFIG_ERR_DUPLICATE_KEY;
		p->has_default = true;
		p->default_line = lineno;
		if (!span_copy(p->default_name, sizeof(p->default_name), arg))
			return CONFIG_ERR_TOO_LONG;
	} else if (span_is(key, "timeout")) {
		if (p->has_timeout)
			return CONFIG_ERR_DUPLICATE_KEY;
		p->has_timeout = true;
		/* loader.conf's words: the menu without a countdown, or none. */
		if (span_is(arg, "menu-force")) {
			p->cfg->menu_force = true;
			return CONFIG_OK;
		}
		if (span_is(arg, "menu-hidden"))
			return CONFIG_OK;
		if (parse_timeout(arg, &p->cfg->timeout_s) == CONFIG_OK)
			return CONFIG_OK;
		/* A number out of range keeps its own message. */
		return arg.s[0] >= '0' && arg.s[0] <= '9' ?
		       CONFIG_ERR_BAD_NUMBER : CONFIG_ERR_BAD_TIMEOUT;
	} else if (span_is(key, "editor")) {
		bool on = true;
		enum config_error err = parse_on_off(arg, &p->has_editor, &on);

		p->cfg->editor_off = !on;
		return err;
	} else if (span_is(key, "trace")) {
		return parse_on_off(arg, &p->has_trace, &p->cfg->trace);
	} else if (span_is(key, "gdb")) {
		return parse_on_off(arg, &p->has_gdb, &p->cfg->gdb);
	} else if (span_is(key, "disk")) {
		if (p->has_disk)
			return CONFIG_ERR_DUPLICATE_KEY;
		p->has_disk = true;
		if (span_is(arg, "firmware"))
			p->cfg->disk_firmware = true;
		else if (!span_is(arg, "auto"))
			return CONFIG_ERR_BAD_DISK;
	}
	return CONFIG_OK;
}

enum config_error config_parse(const char *text, size_t len,
			       struct config *cfg, unsigned *line)
{
	struct parser p = { .cfg = cfg };
	enum config_error err;
	size_t pos = 0, end, stop;
	unsigned lineno = 0, i;

	cfg->entry_count = 0;
	cfg->default_entry = 0;
	cfg->timeout_s = 0;
	cfg->trace = false;
	cfg->gdb = false;
	cfg->disk_firmware = false;
	cfg->menu_force = false;
	cfg->editor_off = false;
	cfg->has_default = cfg->has_timeout = cfg->has_editor = false;
	*line = 0;

	/* A UTF-8 byte order mark, as some Windows editors write. */
	if (len >= 3 && (unsigned char)text[0] == 0xef &&
	    (unsigned char)text[1] == 0xbb && (unsigned char)text[2] == 0xbf)
		pos = 3;

	while (pos < len) {
		struct span l;

		lineno++;
		*line = lineno;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		stop = end;
		if (stop > pos && text[stop - 1] == '\r')
			stop--;		/* CRLF */
		for (i = 0; pos + i < stop; i++)
			if (!is_text(text[pos + i]))
				return CONFIG_ERR_NOT_TEXT;
		l.s = text + pos;
		l.len = stop - pos;
		err = parser_line(&p, l, lineno, line);
		if (err)
			return err;
		pos = end + 1;
	}

	err = parser_end_entry(&p, line);
	if (err)
		return err;
	cfg->has_default = p.has_default;
	cfg->has_timeout = p.has_timeout;
	cfg->has_editor = p.has_editor;
	if (cfg->entry_count == 0) {
		*line = 0;
		return CONFIG_ERR_NO_ENTRIES;
	}
	if (p.has_default) {
		*line = p.default_line;
		for (i = 0; i < cfg->entry_count; i++)
			if (str_equal(cfg->entry[i].name, p.default_name))
				break;
		if (i == cfg->entry_count)
			return CONFIG_ERR_BAD_DEFAULT;
		cfg->default_entry = i;
	}
	*line = 0;
	return CONFIG_OK;
}

/* Output into a fixed buffer that remembers running out of room. */
struct out {
	char *buf;
	size_t size;
	size_t len;
	bool bad;
};

static void out_str(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (o->len + 1 >= o->size) {
			o->bad = true;
			return;
		}
		o->buf[o->len++] = *s;
	}
}

/* A value: one line of text that fits its buffer once parsed back. */
static void out_value(struct out *o, const char *key, const char *value,
		      size_t max)
{
	size_t n;

	for (n = 0; value[n]; n++)
		if (!is_text(value[n]))
			o->bad = true;
	if (n == 0 || n >= max)
		o->bad = true;
	/* The parser drops blanks at either end: such a value reads back cut. */
	else if (is_blank(value[0]) || is_blank(value[n - 1]))
		o->bad = true;
	out_str(o, "\t");
	out_str(o, key);
	out_str(o, " ");
	out_str(o, value);
	out_str(o, "\n");
}

/* A kernel or initrd value: also one the parser reads as a path. */
static void out_path(struct out *o, const char *key, const char *value)
{
	char path[CONFIG_PATH_MAX];
	struct config_hash hash;
	struct span a = { value, 0 };

	while (value[a.len])
		a.len++;
	if (parse_path(a, path, sizeof(path), &hash) != CONFIG_OK)
		o->bad = true;
	out_value(o, key, value, CONFIG_PATH_HASH_MAX);
}

int config_format_single(char *buf, size_t size, const char *kernel,
			 const char *const *initrds, unsigned initrd_count,
			 const char *cmdline)
{
	struct out o = { .buf = buf, .size = size };
	unsigned i;

	if (!buf || size == 0 || !kernel || initrd_count > CONFIG_MAX_INITRDS ||
	    (initrd_count && !initrds))
		return -1;
	out_str(&o, "# bzboot config, written by mkdisk. Keys: default NAME,\n"
		    "# timeout SECONDS, trace on|off, then for each entry:\n"
		    "# entry NAME, kernel PATH, initrd PATH..., cmdline TEXT\n"
		    "default linux\n"
		    "timeout 0\n"
		    "trace off\n"
		    "\n"
		    "entry linux\n");
	out_path(&o, "kernel", kernel);
	for (i = 0; i < initrd_count; i++)
		out_path(&o, "initrd", initrds[i]);
	if (cmdline && cmdline[0])
		out_value(&o, "cmdline", cmdline, CONFIG_CMDLINE_MAX);
	buf[o.len] = '\0';
	if (o.bad) {
		buf[0] = '\0';
		return -1;
	}
	return (int)o.len;
}

int config_format_hash_mismatch(char *buf, size_t size, const char *module,
				const char *path,
				const uint8_t want[SHA256_DIGEST_SIZE],
				const uint8_t got[SHA256_DIGEST_SIZE])
{
	char want_hex[SHA256_HEX_LEN + 1], got_hex[SHA256_HEX_LEN + 1];

	sha256_to_hex(want, want_hex);
	sha256_to_hex(got, got_hex);
	return fmt_snprintf(buf, size, "%s: %s: SHA-256 mismatch: config says "
			    "%s, file has %s", module, path, want_hex,
			    got_hex);
}

bool config_is_enrolled(const struct config_enrolled *slot)
{
	unsigned i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		if (slot->sha256[i])
			return true;
	return false;
}

int config_check_enrolled(const struct config_enrolled *slot,
			  const void *text, size_t len, char *buf,
			  size_t size)
{
	uint8_t got[SHA256_DIGEST_SIZE];
	char want_hex[SHA256_HEX_LEN + 1], got_hex[SHA256_HEX_LEN + 1];
	unsigned i;

	if (!config_is_enrolled(slot))
		return 0;
	sha256(text, len, got);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		if (got[i] != slot->sha256[i])
			break;
	if (i == SHA256_DIGEST_SIZE)
		return 0;
	sha256_to_hex(slot->sha256, want_hex);
	sha256_to_hex(got, got_hex);
	fmt_snprintf(buf, size, "config: %s: SHA-256 mismatch: enrolled %s, "
		     "file has %s", CONFIG_PATH, want_hex, got_hex);
	return -1;
}

const char *config_entry_unpinned(const struct config_entry *e)
{
	unsigned i;

	if (!e->kernel_hash.set)
		return e->kernel;
	for (i = 0; i < e->initrd_count; i++)
		if (!e->initrd_hash[i].set)
			return e->initrd[i];
	return NULL;
}
