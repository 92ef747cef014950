// SPDX-License-Identifier: MIT
/*
 * bls.c - see bls.h. Freestanding: runs in 32-bit stage2, in the EFI
 * loader and on the host (unit tests). The rules quoted are from the Boot
 * Loader Specification (UAPI.1) and the Version Format Specification
 * (UAPI.10).
 */
#include "bls.h"

static const char *const bls_error_text[BLS_ERR_COUNT] = {
	[BLS_OK] = "no error",
	[BLS_ERR_NOT_TEXT] = "not a text file (NUL or control byte)",
	[BLS_ERR_BAD_NAME] = "not NAME.conf with a NAME of at most 63 bytes",
	[BLS_ERR_TOO_LONG] = "value too long",
	[BLS_ERR_TOO_MANY_INITRDS] = "too many initrd lines",
	[BLS_ERR_NO_LINUX] = "no linux line",
	[BLS_ERR_OTHER_ARCH] = "for another architecture",
	[BLS_ERR_BAD_TIMEOUT] =
		"timeout: expected seconds, menu-force or menu-hidden",
	[BLS_ERR_BAD_BOOL] = "editor: expected yes or no",
};

const char *bls_strerror(enum bls_error err)
{
	if ((unsigned)err >= BLS_ERR_COUNT || !bls_error_text[err])
		return "unknown BLS error";
	return bls_error_text[err];
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* The key of a line is exactly word (len bytes)? */
static bool key_is(const char *key, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] != key[i])
			return false;
	return word[len] == '\0';
}

/* ASCII case ignored: "x64" and "X64" are one architecture. */
static bool value_is_nocase(const char *v, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lower(v[i]) != word[i])
			return false;
	return word[len] == '\0';
}

/* value into dst (size with the NUL); false when it does not fit. */
static bool copy_value(char *dst, size_t size, const char *v, size_t len)
{
	size_t i;

	if (len >= size)
		return false;
	for (i = 0; i < len; i++)
		dst[i] = v[i];
	dst[len] = '\0';
	return true;
}

/* A path: the specification makes the leading '/' optional; ours not. */
static bool copy_path(char *dst, size_t size, const char *v, size_t len)
{
	if (len && v[0] == '/')
		return copy_value(dst, size, v, len);
	if (size < 2)
		return false;
	dst[0] = '/';
	return copy_value(dst + 1, size - 1, v, len);
}

/* One line split: its key and value, blanks around them dropped. */
struct bls_line {
	const char *key, *value;
	size_t key_len, value_len;
};

/*
 * The next line of text from *pos: false at the end. Lines that are
 * blank or comments come back with key_len 0. *bad: a control byte.
 */
static bool next_line(const char *text, size_t len, size_t *pos,
		      struct bls_line *l, bool *bad)
{
	size_t start = *pos, end, i;

	if (start >= len)
		return false;
	for (end = start; end < len && text[end] != '\n'; end++)
		;
	*pos = end + 1;
	if (end > start && text[end - 1] == '\r')
		end--;
	*bad = false;
	for (i = start; i < end; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c != '\t' && (c < 0x20 || c == 0x7f))
			*bad = true;
	}
	while (start < end && is_blank(text[start]))
		start++;
	while (end > start && is_blank(text[end - 1]))
		end--;
	l->key = text + start;
	l->key_len = 0;
	l->value = text + end;
	l->value_len = 0;
	if (start == end || text[start] == '#')
		return true;
	for (i = start; i < end && !is_blank(text[i]); i++)
		;
	l->key_len = i - start;
	while (i < end && is_blank(text[i]))
		i++;
	l->value = text + i;
	l->value_len = end - i;
	return true;
}

static bool has_dollar(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (v[i] == '$')
			return true;
	return false;
}

/* The entry's name: file_name less ".conf", which it must end in. */
static bool entry_name(const char *file_name, char *name)
{
	size_t n = str_len(file_name), suffix = sizeof(BLS_SUFFIX) - 1;

	if (n <= suffix || n - suffix >= CONFIG_NAME_MAX ||
	    !value_is_nocase(file_name + n - suffix, suffix, BLS_SUFFIX))
		return false;
	return copy_value(name, CONFIG_NAME_MAX, file_name, n - suffix);
}

/* Append " value" (no blank first) to the command line. */
static bool append_options(char *cmdline, const char *v, size_t len)
{
	size_t n = str_len(cmdline);

	if (n && len) {
		if (n + 1 >= CONFIG_CMDLINE_MAX)
			return false;
		cmdline[n++] = ' ';
	}
	return copy_value(cmdline + n, CONFIG_CMDLINE_MAX - n, v, len);
}

enum bls_error bls_parse_entry(const char *file_name, const char *text,
			       size_t len, struct config_entry *e,
			       struct bls_sort *s, unsigned *line)
{
	bool other_arch = false, bad, ok;
	unsigned lineno = 0;
	struct bls_line l;
	size_t pos = 0;

	*line = 0;
	e->name[0] = e->title[0] = e->kernel[0] = e->cmdline[0] = '\0';
	e->initrd_count = 0;
	e->grub_vars = false;
	/* BLS has no "#HASH": nothing of an entry is pinned. */
	e->bls = true;
	e->kernel_hash.set = false;
	for (unsigned i = 0; i < CONFIG_MAX_INITRDS; i++)
		e->initrd_hash[i].set = false;
	s->sort_key[0] = s->machine_id[0] = s->version[0] = '\0';
	if (!entry_name(file_name, e->name))
		return BLS_ERR_BAD_NAME;
	copy_value(s->name, sizeof(s->name), e->name, str_len(e->name));

	while (next_line(text, len, &pos, &l, &bad)) {
		*line = ++lineno;
		if (bad)
			return BLS_ERR_NOT_TEXT;
		if (l.key_len == 0)
			continue;
		ok = true;
		if (key_is(l.key, l.key_len, "title")) {
			/* The menu's text: cut to its row, not refused. */
			if (l.value_len >= sizeof(e->title))
				l.value_len = sizeof(e->title) - 1;
			copy_value(e->title, sizeof(e->title), l.value,
				   l.value_len);
			continue;
		} else if (key_is(l.key, l.key_len, "version")) {
			ok = copy_value(s->version, sizeof(s->version),
					l.value, l.value_len);
		} else if (key_is(l.key, l.key_len, "machine-id")) {
			ok = copy_value(s->machine_id, sizeof(s->machine_id),
					l.value, l.value_len);
		} else if (key_is(l.key, l.key_len, "sort-key")) {
			ok = copy_value(s->sort_key, sizeof(s->sort_key),
					l.value, l.value_len);
		} else if (key_is(l.key, l.key_len, "linux")) {
			ok = copy_path(e->kernel, sizeof(e->kernel), l.value,
				       l.value_len);
		} else if (key_is(l.key, l.key_len, "initrd")) {
			/* UAPI.1: "used in the order they are listed". */
			if (e->initrd_count == CONFIG_MAX_INITRDS)
				return BLS_ERR_TOO_MANY_INITRDS;
			ok = copy_path(e->initrd[e->initrd_count],
				       sizeof(e->initrd[0]), l.value,
				       l.value_len);
			e->initrd_count++;
		} else if (key_is(l.key, l.key_len, "options")) {
			/* UAPI.1: "combined in the order they are listed". */
			ok = append_options(e->cmdline, l.value, l.value_len);
		} else if (key_is(l.key, l.key_len, "architecture")) {
			/* Both bzImage kinds boot on x86; nothing else. */
			other_arch = !value_is_nocase(l.value, l.value_len,
						      "x64") &&
				     !value_is_nocase(l.value, l.value_len,
						      "ia32");
			continue;
		} else {
			continue;	/* UAPI.1 keys we do not use, grub_* */
		}
		if (!ok)
			return BLS_ERR_TOO_LONG;
		if (has_dollar(l.value, l.value_len))
			e->grub_vars = true;
	}
	*line = 0;
	if (other_arch)
		return BLS_ERR_OTHER_ARCH;
	if (!e->kernel[0])
		return BLS_ERR_NO_LINUX;
	return BLS_OK;
}

/* UAPI.10: the characters that take part; all others are skipped. */
static bool ver_valid(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '~' ||
	       c == '^';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int bls_version_compare(const char *a, const char *b)
{
	static const char separators[] = "-^.";
	size_t na, nb, i;

	for (;;) {
		while (*a && !ver_valid(*a))
			a++;
		while (*b && !ver_valid(*b))
			b++;
		/* "~" sorts lower than anything, the end of a string too. */
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++;
			b++;
			continue;
		}
		/* The end: the string with characters left is newer. */
		if (!*a || !*b)
			return (*a != '\0') - (*b != '\0');
		/* Then '-', '^', '.': continuing with one sorts lower. */
		for (i = 0; separators[i]; i++)
			if (*a == separators[i] || *b == separators[i])
				break;
		if (separators[i]) {
			if (*a != separators[i])
				return 1;
			if (*b != separators[i])
				return -1;
			a++;
			b++;
			continue;
		}
		if (is_digit(*a) || is_digit(*b)) {
			/* Numbers as numbers: leading zeros, then length. */
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (na = 0; is_digit(a[na]); na++)
				;
			for (nb = 0; is_digit(b[nb]); nb++)
				;
			if (na != nb)
				return na < nb ? -1 : 1;
		} else {
			/* Letters by ASCII ("B" < "a"); a longer run wins. */
			for (na = 0; is_letter(a[na]); na++)
				;
			for (nb = 0; is_letter(b[nb]); nb++)
				;
		}
		for (i = 0; i < na && i < nb; i++)
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
		if (na != nb)
			return na < nb ? -1 : 1;
		a += na;
		b += nb;
	}
}

int bls_compare(const struct bls_sort *a, const struct bls_sort *b)
{
	int r;

	/* UAPI.1: with sort-key: sort-key, machine-id, version (newest). */
	if (a->sort_key[0] && b->sort_key[0]) {
		r = str_cmp(a->sort_key, b->sort_key);
		if (!r)
			r = str_cmp(a->machine_id, b->machine_id);
		if (!r)
			r = -bls_version_compare(a->version, b->version);
		if (r)
			return r;
	} else if (a->sort_key[0] || b->sort_key[0]) {
		/* Only one has a sort-key: it goes first. */
		return a->sort_key[0] ? -1 : 1;
	}
	/* Last, the file names, "in descending version order". */
	return -bls_version_compare(a->name, b->name);
}

/* [set] at p (after '['), matched against c: *end past the ']'. */
static bool glob_set(const char *p, char c, const char **end)
{
	bool match = false;

	while (*p && *p != ']') {
		char lo = lower(p[0]), hi = lo;

		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = lower(p[2]);
			p += 2;
		}
		if (lower(c) >= lo && lower(c) <= hi)
			match = true;
		p++;
	}
	*end = *p ? p + 1 : p;
	return match;
}

bool bls_glob_match(const char *p, const char *s)
{
	const char *end;

	for (; *p; p++, s++) {
		if (*p == '*') {
			/* Every tail of s, the empty one too. */
			for (;; s++) {
				if (bls_glob_match(p + 1, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '[') {
			if (!glob_set(p + 1, *s, &end))
				return false;
			p = end - 1;
		} else if (*p != '?' && lower(*p) != lower(*s)) {
			return false;
		}
	}
	return *s == '\0';
}

/* loader.conf(5) booleans. */
static bool parse_bool(const char *v, size_t len, bool *out)
{
	static const char *const yes[] = { "yes", "y", "true", "t", "on",
					   "1" };
	static const char *const no[] = { "no", "n", "false", "f", "off",
					  "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (value_is_nocase(v, len, yes[i])) {
			*out = true;
			return true;
		}
		if (value_is_nocase(v, len, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_timeout(const char *v, size_t len,
			  struct bls_loader_conf *lc)
{
	unsigned t = 0;
	size_t i;

	if (key_is(v, len, "menu-force")) {
		lc->menu_force = true;
		return true;
	}
	/* menu-disabled: no way into the menu here either but Esc. */
	if (key_is(v, len, "menu-hidden") || key_is(v, len, "menu-disabled")) {
		lc->timeout_s = 0;
		return true;
	}
	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (!is_digit(v[i]))
			return false;
		t = t * 10 + (unsigned)(v[i] - '0');
		if (t > CONFIG_TIMEOUT_MAX)
			return false;
	}
	lc->timeout_s = t;
	return true;
}

enum bls_error bls_parse_loader_conf(const char *text, size_t len,
				     struct bls_loader_conf *lc,
				     unsigned *line)
{
	enum bls_error first = BLS_OK;
	unsigned lineno = 0, first_line = 0;
	struct bls_line l;
	size_t pos = 0;
	bool bad, on;

	*lc = (struct bls_loader_conf){ 0 };
	while (next_line(text, len, &pos, &l, &bad)) {
		enum bls_error err = BLS_OK;

		lineno++;
		if (bad)
			err = BLS_ERR_NOT_TEXT;
		else if (l.key_len == 0)
			continue;
		else if (key_is(l.key, l.key_len, "default")) {
			if (copy_value(lc->default_glob,
				       sizeof(lc->default_glob), l.value,
				       l.value_len))
				lc->has_default = true;
			else
				err = BLS_ERR_TOO_LONG;
		} else if (key_is(l.key, l.key_len, "timeout")) {
			if (parse_timeout(l.value, l.value_len, lc))
				lc->has_timeout = true;
			else
				err = BLS_ERR_BAD_TIMEOUT;
		} else if (key_is(l.key, l.key_len, "editor")) {
			if (parse_bool(l.value, l.value_len, &on)) {
				lc->has_editor = true;
				lc->editor_off = !on;
			} else {
				err = BLS_ERR_BAD_BOOL;
			}
		}
		if (err && !first) {
			first = err;
			first_line = lineno;
		}
	}
	*line = first_line;
	return first;
}
