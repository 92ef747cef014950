// SPDX-License-Identifier: MIT
/*
 * inspect_facts.c - the model of `mkdisk inspect`'s facts and its two
 * printers. inspect_describe.c adds each fact once, with its JSON name,
 * its value and its line of text; the text printer prints the lines in
 * order, the JSON printer the named values, so the two outputs cannot
 * disagree.
 *
 * The JSON is written here rather than with a library: the tree gives
 * the nesting and the commas, and the one delicate part, strings, would
 * need code of its own with json-c too, which copies bytes that are not
 * UTF-8 into its output unchanged (a file name can hold any byte).
 *
 * Runs on the build machine (hosted C); writes stdout.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

void facts_init(struct facts *m)
{
	memset(m, 0, sizeof(*m));
	m->root.type = FACT_OBJECT;
	m->open[0] = &m->root;
	m->depth = 1;
}

static char *format_text(const char *fmt, va_list ap)
{
	char *s;

	if (!fmt)
		return NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		mkdisk_die("out of memory");
	return s;
}

static struct fact *fact_add(struct facts *m, enum fact_type type,
			     const char *key, const char *fmt, va_list ap)
{
	struct fact *parent = m->open[m->depth - 1];
	struct fact *fact = calloc(1, sizeof(*fact));

	if (!fact)
		mkdisk_die("out of memory");
	fact->type = type;
	fact->key = key;
	fact->text = format_text(fmt, ap);
	if (parent->last)
		parent->last->next = fact;
	else
		parent->first = fact;
	parent->last = fact;
	return fact;
}

void fact_text(struct facts *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fact_add(m, FACT_TEXT, NULL, fmt, ap);
	va_end(ap);
}

void fact_uint(struct facts *m, const char *key, uint64_t v,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fact_add(m, FACT_UINT, key, fmt, ap)->num = v;
	va_end(ap);
}

void fact_string(struct facts *m, const char *key, const char *s,
		 const char *fmt, ...)
{
	struct fact *fact;
	va_list ap;

	va_start(ap, fmt);
	fact = fact_add(m, FACT_STRING, key, fmt, ap);
	va_end(ap);
	if (s && !(fact->str = strdup(s)))
		mkdisk_die("out of memory");
}

void fact_bool(struct facts *m, const char *key, bool v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fact_add(m, FACT_BOOL, key, fmt, ap)->num = v;
	va_end(ap);
}

void fact_open(struct facts *m, const char *key, enum fact_type type,
	       const char *fmt, ...)
{
	struct fact *fact;
	va_list ap;

	if (m->depth == FACTS_MAX_DEPTH)
		mkdisk_die("inspect: facts nested deeper than %u",
			   FACTS_MAX_DEPTH);
	va_start(ap, fmt);
	fact = fact_add(m, type, key, fmt, ap);
	va_end(ap);
	m->open[m->depth++] = fact;
}

void fact_close(struct facts *m)
{
	if (m->depth > 1)
		m->depth--;
}

static void print_text(const struct fact *fact)
{
	for (; fact; fact = fact->next) {
		if (fact->text)
			printf("%s\n", fact->text);
		print_text(fact->first);
	}
}

void facts_print_text(const struct facts *m)
{
	print_text(m->root.first);
}

/* Length of a valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* A JSON string (RFC 8259): quotes, escapes, invalid UTF-8 as U+FFFD. */
static void json_write_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else if (*s < 0x20)
			printf("\\u%04x", *s);
		else if (*s < 0x80)
			putchar(*s);
		else if ((n = utf8_sequence(s)) != 0)
			s += fwrite(s, 1, n, stdout) - 1;
		else
			fputs("\\ufffd", stdout);
	}
	putchar('"');
}

/* The members of an object or the elements of an array, indented. */
static void print_json_members(const struct fact *parent, unsigned depth)
{
	bool first = true;

	for (const struct fact *fact = parent->first; fact;
	     fact = fact->next) {
		if (fact->type == FACT_TEXT)
			continue;
		printf("%s\n%*s", first ? "" : ",", 2 * depth, "");
		first = false;
		if (parent->type == FACT_OBJECT) {
			json_write_string(fact->key);
			fputs(": ", stdout);
		}
		switch (fact->type) {
		case FACT_UINT:
			printf("%llu", (unsigned long long)fact->num);
			break;
		case FACT_STRING:
			if (fact->str)
				json_write_string(fact->str);
			else
				fputs("null", stdout);
			break;
		case FACT_BOOL:
			fputs(fact->num ? "true" : "false", stdout);
			break;
		case FACT_OBJECT:
		case FACT_ARRAY:
			putchar(fact->type == FACT_OBJECT ? '{' : '[');
			print_json_members(fact, depth + 1);
			printf("\n%*s%c", 2 * depth, "",
			       fact->type == FACT_OBJECT ? '}' : ']');
			break;
		case FACT_TEXT:
			break;
		}
	}
}

void facts_print_json(const struct facts *m)
{
	putchar('{');
	print_json_members(&m->root, 1);
	fputs("\n}\n", stdout);
}

static void free_facts(struct fact *fact)
{
	while (fact) {
		struct fact *next = fact->next;

		free_facts(fact->first);
		free(fact->text);
		free(fact->str);
		free(fact);
		fact = next;
	}
}

void facts_free(struct facts *m)
{
	free_facts(m->root.first);
	facts_init(m);
}
