/* SPDX-License-Identifier: MIT */
/*
 * check.h - the checks of the host unit tests (tests/unit/test_<module>.c).
 *
 * Each test binary calls check_begin("module") first, then one CHECK per
 * case, and ends main() with `return check_end();`. Every case prints one
 * line, as the project's test protocol asks:
 *
 *	PASS: module: case name
 *	FAIL: module: case name: what was wrong
 *
 * check_end() returns non-zero when any case failed, so a crash, a sanitizer
 * report or a failed case all make the binary exit non-zero. The case name
 * is a printf format, so loops can name each case. Hosted code: the tests
 * run on the build machine with the C library, ASan and UBSan.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct {
	const char *test;
	unsigned passed;
	unsigned failed;
} check_state;

static inline void check_begin(const char *test)
{
	check_state.test = test;
	/* Keep PASS/FAIL lines in order with any sanitizer output. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Print the PASS or FAIL line of one case; returns ok. */
static inline __attribute__((format(printf, 3, 0)))
bool check_vreport(bool ok, const char *detail, const char *name, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), name, ap);
	if (ok) {
		check_state.passed++;
		printf("PASS: %s: %s\n", check_state.test, buf);
	} else {
		check_state.failed++;
		printf("FAIL: %s: %s: %s\n", check_state.test, buf, detail);
	}
	return ok;
}

static inline __attribute__((format(printf, 3, 4)))
bool check_report(bool ok, const char *detail, const char *name, ...)
{
	va_list ap;
	bool ret;

	va_start(ap, name);
	ret = check_vreport(ok, detail, name, ap);
	va_end(ap);
	return ret;
}

/* Report a case that could not run as a failure, never as a silent skip. */
#define CHECK_FAIL(detail, ...) \
	check_report(false, (detail), __VA_ARGS__)

/* CHECK(cond, "name %d", i): passes when cond is true. */
#define CHECK(cond, ...) \
	check_report(!!(cond), "check `" #cond "` is false at " \
		     __FILE__ ":" CHECK_STR(__LINE__), __VA_ARGS__)

#define CHECK_STR(x) CHECK_STR_(x)
#define CHECK_STR_(x) #x

/* CHECK_EQ(got, want, "name"): integers; the failure shows both values. */
#define CHECK_EQ(got, want, ...) ({ \
	long long check_got_ = (long long)(got); \
	long long check_want_ = (long long)(want); \
	char check_detail_[160]; \
	snprintf(check_detail_, sizeof(check_detail_), \
		 "%s is %lld, expected %lld (%s:%d)", #got, check_got_, \
		 check_want_, __FILE__, __LINE__); \
	check_report(check_got_ == check_want_, check_detail_, __VA_ARGS__); \
})

/* CHECK_STREQ(got, want, "name"): C strings; NULL never equals. */
#define CHECK_STREQ(got, want, ...) ({ \
	const char *check_sgot_ = (got); \
	const char *check_swant_ = (want); \
	char check_detail_[400]; \
	snprintf(check_detail_, sizeof(check_detail_), \
		 "%s is \"%.150s\", expected \"%.150s\" (%s:%d)", #got, \
		 check_sgot_ ? check_sgot_ : "(null)", \
		 check_swant_ ? check_swant_ : "(null)", __FILE__, __LINE__); \
	check_report(check_sgot_ && check_swant_ && \
		     strcmp(check_sgot_, check_swant_) == 0, \
		     check_detail_, __VA_ARGS__); \
})

/* The exit status of main(): 0 only when every case passed. */
static inline int check_end(void)
{
	fflush(stdout);
	return check_state.failed ? 1 : 0;
}

#endif /* TESTS_UNIT_CHECK_H */
