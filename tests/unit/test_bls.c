// SPDX-License-Identifier: MIT
/*
 * test_bls.c - host tests of common/bls.c: the UAPI.10 version order on
 * the specification's own chain, the UAPI.1 entry sort, entry files as
 * kernel-install and grubby (Fedora) write them, loader.conf and the
 * default's glob.
 *
 * Each text is copied into a heap buffer of exactly its length (no NUL
 * after it), so ASan catches a parser that reads past len.
 */
#include <stdlib.h>
#include <string.h>

#include "bls.h"
#include "check.h"

static struct config_entry entry;
static struct bls_sort sort;

static enum bls_error parse(const char *name, const char *text,
			    unsigned *line)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	enum bls_error err;

	memcpy(copy, text, len);
	err = bls_parse_entry(name, copy, len, &entry, &sort, line);
	free(copy);
	return err;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_version(void)
{
	/* UAPI.10's worked chain, each older than the next. */
	static const char *const chain[] = {
		"122.1", "123~rc1-1", "123", "123-a", "123-a.1", "123-1",
		"123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1",
		"124-1",
	};
	static const struct {
		const char *a, *b;
		int want;
	} pairs[] = {
		{ "6.1.0-9", "6.1.0-10", -1 },
		{ "6.1.0-10~rc1", "6.1.0-10", -1 },
		{ "6.1.0-10~rc1", "6.1.0-9", 1 },
		{ "1.0", "1.0", 0 },
		{ "1.01", "1.1", 0 },		/* leading zeros */
		{ "1.0010", "1.9", 1 },		/* numbers as numbers */
		{ "a", "B", 1 },		/* capitals first */
		{ "abc", "ab", 1 },		/* a longer run wins */
		{ "1~~", "1~", -1 },
		{ "1_2", "12", -1 },		/* '_' skipped, splits 1 and 2 */
		{ "1a", "11", -1 },		/* numbers above letters */
		{ "", "0", -1 },
		{ "5.14.0-362.el9", "5.14.0-70.el9", 1 },
		{ "7.1.10-200.fc44.x86_64", "7.1.9-200.fc44.x86_64", 1 },
	};
	size_t i, j;

	for (i = 0; i < sizeof(chain) / sizeof(chain[0]); i++)
		for (j = 0; j < sizeof(chain) / sizeof(chain[0]); j++)
			CHECK_EQ(sign(bls_version_compare(chain[i], chain[j])),
				 i < j ? -1 : i > j ? 1 : 0,
				 "version: %s vs %s", chain[i], chain[j]);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CHECK_EQ(sign(bls_version_compare(pairs[i].a, pairs[i].b)),
			 pairs[i].want, "version: %s vs %s", pairs[i].a,
			 pairs[i].b);
		CHECK_EQ(sign(bls_version_compare(pairs[i].b, pairs[i].a)),
			 -pairs[i].want, "version: %s vs %s", pairs[i].b,
			 pairs[i].a);
	}
}

static void test_entry(void)
{
	enum bls_error err;
	unsigned line;

	/* What a config entry may have left in the slot: pinned files. */
	entry.kernel_hash.set = true;
	for (unsigned i = 0; i < CONFIG_MAX_INITRDS; i++)
		entry.initrd_hash[i].set = true;
	entry.bls = false;

	/* UAPI.1's example entry. */
	err = parse("6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64"
		       ".conf",
		       "# Boot Loader Specification type#1 entry\n"
		       "# File created by /usr/lib/kernel/install.d/"
		       "90-loaderentry.install (systemd 254)\n"
		       "title      Fedora 19 (Rawhide)\n"
		       "sort-key   fedora\n"
		       "machine-id 6a9857a393724b7a981ebb5b8495b9ea\n"
		       "version    3.8.0-2.fc19.x86_64\n"
		       "options    root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 "
		       "quiet\n"
		       "architecture x64\n"
		       "linux      /6a9857a393724b7a981ebb5b8495b9ea/"
		       "3.8.0-2.fc19.x86_64/linux\n"
		       "initrd     /6a9857a393724b7a981ebb5b8495b9ea/"
		       "3.8.0-2.fc19.x86_64/initrd\n", &line);
	CHECK_EQ(err, BLS_OK, "entry: the spec's example");
	CHECK_STREQ(entry.name, "6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2."
		    "fc19.x86_64", "entry: name is the file name less .conf");
	CHECK_STREQ(entry.title, "Fedora 19 (Rawhide)", "entry: title");
	CHECK_STREQ(entry.kernel, "/6a9857a393724b7a981ebb5b8495b9ea/"
		    "3.8.0-2.fc19.x86_64/linux", "entry: linux");
	CHECK(entry.initrd_count == 1 && strcmp(entry.initrd[0],
		"/6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/initrd")
	      == 0, "entry: initrd");
	CHECK_STREQ(entry.cmdline, "root=UUID=6d3376e4-fc93-4509-95ec-"
		    "a21d68011da2 quiet", "entry: options");
	CHECK_STREQ(sort.sort_key, "fedora", "entry: sort-key");
	CHECK_STREQ(sort.machine_id, "6a9857a393724b7a981ebb5b8495b9ea",
		    "entry: machine-id");
	CHECK_STREQ(sort.version, "3.8.0-2.fc19.x86_64", "entry: version");
	CHECK(!entry.grub_vars, "entry: no GRUB variables");
	CHECK(entry.bls && !entry.kernel_hash.set &&
	      !entry.initrd_hash[0].set &&
	      !entry.initrd_hash[CONFIG_MAX_INITRDS - 1].set,
	      "entry: marked BLS, no file pinned (no #HASH in BLS)");

	/* kernel-install (Debian, systemd 252): CRLF, tabs, two initrds. */
	err = parse("b404882d62964cfa8389ef6602f4fc0f-6.1.0-10-amd64.conf",
		       "title\tDebian GNU/Linux 12 (bookworm)\r\n"
		       "version\t6.1.0-10-amd64\r\n"
		       "machine-id\tb404882d62964cfa8389ef6602f4fc0f\r\n"
		       "sort-key\tdebian\r\n"
		       "options\troot=/dev/sda2 ro\r\n"
		       "options   systemd.machine_id=b404882d62964cfa8389ef6602"
		       "f4fc0f  \r\n"
		       "linux\tb404882d62964cfa8389ef6602f4fc0f/6.1.0-10-amd64/"
		       "linux\r\n"
		       "initrd\t/intel-ucode.img\r\n"
		       "initrd\t/b404882d62964cfa8389ef6602f4fc0f/6.1.0-10-amd64/"
		       "initrd.img-6.1.0-10-amd64\r\n", &line);
	CHECK_EQ(err, BLS_OK, "entry: kernel-install's");
	CHECK_STREQ(entry.cmdline, "root=/dev/sda2 ro systemd.machine_id="
		    "b404882d62964cfa8389ef6602f4fc0f",
		    "entry: options joined with one space");
	CHECK_STREQ(entry.kernel, "/b404882d62964cfa8389ef6602f4fc0f/"
		    "6.1.0-10-amd64/linux", "entry: a '/' put before a path");
	CHECK(entry.initrd_count == 2 &&
	      strcmp(entry.initrd[0], "/intel-ucode.img") == 0,
	      "entry: initrds in order");

	/* grubby (Fedora 44): GRUB variables, GRUB-only keys. */
	err = parse("f0cc30e3b542431dace078c8be7b7003-7.1.10-200.fc44."
		       "x86_64.conf",
		       "title Fedora Linux (7.1.10-200.fc44.x86_64) 44 (KDE "
		       "Plasma Desktop Edition)\n"
		       "version 7.1.10-200.fc44.x86_64\n"
		       "linux /vmlinuz-7.1.10-200.fc44.x86_64\n"
		       "initrd /initramfs-7.1.10-200.fc44.x86_64.img "
		       "$tuned_initrd\n"
		       "options root=UUID=0a1b ro rhgb quiet $tuned_params\n"
		       "grub_users $grub_users\n"
		       "grub_arg --unrestricted\n"
		       "grub_class fedora\n", &line);
	CHECK_EQ(err, BLS_OK, "entry: grubby's");
	CHECK(entry.grub_vars, "entry: grubby's $variables are marked");
	CHECK_STREQ(entry.title, "Fedora Linux (7.1.10-200.fc44.x86_64) 44 "
		    "(KDE Plasma Desktop Edition)", "entry: grubby's title");
	err = parse("a.conf", "linux /a\ntitle 0123456789012345678901234567"
		    "890123456789012345678901234567890123456789012345\n",
		    &line);
	CHECK(err == BLS_OK && strlen(entry.title) == CONFIG_TITLE_MAX - 1,
	      "entry: a long title is cut to its row");
	CHECK_STREQ(sort.sort_key, "", "entry: grubby writes no sort-key");
	CHECK(parse("a.conf", "linux /a\ngrub_users $grub_users\n", &line)
	      == BLS_OK && !entry.grub_vars,
	      "entry: '$' in an ignored key is no matter");

	/* What is refused, and why. */
	CHECK(parse("a.conf", "title x\nefi /EFI/x.efi\n", &line) ==
	      BLS_ERR_NO_LINUX && line == 0, "entry: efi only: no linux");
	CHECK_EQ(parse("a.conf", "linux /a\narchitecture AA64\n", &line),
		 BLS_ERR_OTHER_ARCH, "entry: another architecture");
	CHECK_EQ(parse("a.conf", "linux /a\narchitecture IA32\n", &line),
		 BLS_OK, "entry: IA32 (any case) boots here");
	CHECK_EQ(parse("a.txt", "linux /a\n", &line), BLS_ERR_BAD_NAME,
		 "entry: a name without .conf");
	CHECK_EQ(parse(".conf", "linux /a\n", &line), BLS_ERR_BAD_NAME,
		 "entry: .conf alone");
	CHECK(parse("a.conf", "linux /a\ntitle \x01\n", &line) ==
	      BLS_ERR_NOT_TEXT && line == 2, "entry: a control byte, line 2");
	CHECK(parse("a.conf", "linux /a\ninitrd /1\ninitrd /2\ninitrd /3\n"
		    "initrd /4\ninitrd /5\ninitrd /6\ninitrd /7\ninitrd /8\n"
		    "initrd /9\n", &line) == BLS_ERR_TOO_MANY_INITRDS &&
	      line == 10, "entry: nine initrds");
	char big[CONFIG_PATH_MAX + 16] = "linux /";
	memset(big + 7, 'k', CONFIG_PATH_MAX);
	big[7 + CONFIG_PATH_MAX] = '\0';
	CHECK(parse("a.conf", big, &line) == BLS_ERR_TOO_LONG && line == 1,
	      "entry: a path too long");
	CHECK_STREQ(bls_strerror(BLS_ERR_NO_LINUX), "no linux line",
		    "entry: the message");
}

static void set_sort(struct bls_sort *s, const char *name, const char *key,
		     const char *mid, const char *version)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->name, name);
	strcpy(s->sort_key, key);
	strcpy(s->machine_id, mid);
	strcpy(s->version, version);
}

static void test_sort(void)
{
	struct bls_sort a, b;

	set_sort(&a, "x-6.1.0-10", "debian", "m", "6.1.0-10");
	set_sort(&b, "x-6.1.0-9", "debian", "m", "6.1.0-9");
	CHECK(bls_compare(&a, &b) < 0 && bls_compare(&b, &a) > 0,
	      "sort: newer version first");
	set_sort(&b, "x-6.1.0-10~rc1", "debian", "m", "6.1.0-10~rc1");
	CHECK(bls_compare(&a, &b) < 0, "sort: 6.1.0-10 before its rc1");
	set_sort(&b, "y", "arch", "m", "1");
	CHECK(bls_compare(&b, &a) < 0, "sort: sort-key A-Z first");
	set_sort(&b, "y", "debian", "a", "1");
	CHECK(bls_compare(&b, &a) < 0, "sort: then machine-id A-Z");
	set_sort(&b, "y", "", "", "99");
	CHECK(bls_compare(&a, &b) < 0 && bls_compare(&b, &a) > 0,
	      "sort: with a sort-key before without");
	set_sort(&a, "fc-7.1.9-200.fc44", "", "", "7.1.9");
	set_sort(&b, "fc-7.1.10-200.fc44", "", "", "7.1.10");
	CHECK(bls_compare(&b, &a) < 0, "sort: no sort-keys: the file names, "
	      "newest first");
	set_sort(&a, "same", "k", "m", "1");
	set_sort(&b, "same", "k", "m", "1");
	CHECK_EQ(bls_compare(&a, &b), 0, "sort: equal");
}

static void test_glob(void)
{
	CHECK(bls_glob_match("*", "a.conf"), "glob: *");
	CHECK(bls_glob_match("debian-*", "Debian-6.1.0-10.conf"),
	      "glob: case ignored");
	CHECK(!bls_glob_match("debian-*", "fedora-1.conf"), "glob: no match");
	CHECK(bls_glob_match("a?c.conf", "abc.conf"), "glob: ?");
	CHECK(!bls_glob_match("a?c.conf", "ac.conf"), "glob: ? is one");
	CHECK(bls_glob_match("x-[0-9]*", "x-6.conf"), "glob: a range");
	CHECK(!bls_glob_match("x-[0-5]*", "x-6.conf"), "glob: out of range");
	CHECK(bls_glob_match("*-6.1.0-10.conf", "x-6.1.0-10.conf"),
	      "glob: * then text");
	CHECK(!bls_glob_match("*-6.1.0-10.conf", "x-6.1.0-10.confx"),
	      "glob: to the end");
}

static void test_loader_conf(void)
{
	static const char good[] = "# loader.conf\ndefault debian-*\n"
				   "timeout 4\neditor no\nconsole-mode max\n";
	static const char bad[] = "timeout soon\neditor maybe\n"
				  "default @saved\n";
	struct bls_loader_conf lc;
	unsigned line;

	CHECK_EQ(bls_parse_loader_conf(good, sizeof(good) - 1, &lc, &line),
		 BLS_OK, "loader.conf: good");
	CHECK(lc.has_default && strcmp(lc.default_glob, "debian-*") == 0,
	      "loader.conf: default");
	CHECK(lc.has_timeout && lc.timeout_s == 4 && !lc.menu_force,
	      "loader.conf: timeout 4");
	CHECK(lc.has_editor && lc.editor_off, "loader.conf: editor no");
	CHECK(bls_parse_loader_conf("timeout menu-force\n", 19, &lc, &line)
	      == BLS_OK && lc.menu_force, "loader.conf: menu-force");
	CHECK(bls_parse_loader_conf("timeout menu-hidden\neditor 1\n", 29,
				    &lc, &line) == BLS_OK &&
	      lc.has_timeout && lc.timeout_s == 0 && !lc.editor_off,
	      "loader.conf: menu-hidden, editor 1");
	CHECK_EQ(bls_parse_loader_conf(bad, sizeof(bad) - 1, &lc, &line),
		 BLS_ERR_BAD_TIMEOUT, "loader.conf: bad timeout");
	CHECK(line == 1 && !lc.has_timeout && !lc.has_editor &&
	      lc.has_default, "loader.conf: bad lines skipped, the rest "
	      "read");
}

int main(void)
{
	check_begin("bls");
	test_version();
	test_entry();
	test_sort();
	test_glob();
	test_loader_conf();
	return check_end();
}
