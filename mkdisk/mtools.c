// SPDX-License-Identifier: MIT
/*
 * mtools.c - the FAT32 partition is made and filled by mtools (mformat,
 * mmd, mcopy), working on the image file at the partition's byte offset
 * ("-i IMAGE@@1048576"): no loop mounts, no root.
 *
 * Each tool runs through posix_spawnp() with an argument vector, never a
 * shell, so no file name is ever parsed as shell syntax. Its stdout and
 * stderr go into one pipe; when it fails, what it said becomes a single
 * mkdisk error line. mtools_init_environment() sets what the tools inherit:
 * MTOOLS_SKIP_CHECK=1, since mtools would otherwise refuse a partition
 * whose geometry it finds odd, and the clock (below). mcopy reads from
 * stdin when the source is "-": that is how the embedded EFI loader and
 * the config go in, from a temporary file. The same runner starts
 * qemu-img for `--format qcow2` and mke2fs for `--rootfs`.
 *
 * Reproducible images: mformat would pick a random volume serial, so it
 * gets one (-N). Every directory entry mformat, mmd and mcopy write (the
 * volume label, ".", "..", each file) carries the time the tool ran: mtools
 * takes "now" from SOURCE_DATE_EPOCH when it is set (Debian 12's 4.0.32
 * does), for the creation, change and access dates alike, and turns it
 * into FAT's local date and time with the C library's localtime(), so TZ
 * is set too, to UTC. The files go in one at a time in the order main()
 * gives, so they take the same clusters every time.
 *
 * Hosted code (the build machine). Every failure goes through mkdisk_die().
 */
/* mkostemp(), pipe2() */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout.h"
#include "mkdisk.h"

extern char **environ;

/* How much of a tool's output goes into the error line. */
#define MTOOLS_MESSAGE_MAX	400

/* The geometry written into the FAT boot sector, as the MBR's CHS uses. */
#define MTOOLS_HEADS		"255"
#define MTOOLS_SECTORS		"63"

/* The FAT partition's first LBA: mkdisk's own, or install's choice. */
static uint64_t partition_lba = PARTITION_START_LBA;

void mtools_set_partition_lba(uint64_t lba)
{
	partition_lba = lba;
}

/* "IMAGE@@OFFSET": mtools' syntax for a partition inside an image file. */
static char *image_spec(const char *image)
{
	static char spec[4096 + 32];
	int n = snprintf(spec, sizeof(spec), "%s@@%llu", image,
			 (unsigned long long)(partition_lba *
					      MKDISK_SECTOR_SIZE));

	if (n < 0 || (size_t)n >= sizeof(spec))
		mkdisk_die("%s: path too long", image);
	return spec;
}

/*
 * The tool's output as one line: lines joined with "; ", the tool's own
 * "mcopy: " prefixes kept, runs of blanks folded.
 */
static void output_to_line(const char *out, size_t len, char *line,
			   size_t size)
{
	size_t i, n = 0;
	bool blank = true;

	for (i = 0; i < len && n + 3 < size; i++) {
		char c = out[i];

		if (c == '\n' || c == '\r') {
			if (!blank) {
				line[n++] = ';';
				line[n++] = ' ';
				blank = true;
			}
			continue;
		}
		if (c == ' ' || c == '\t' || (unsigned char)c < 0x20) {
			if (!blank)
				line[n++] = ' ';
			blank = true;
			continue;
		}
		line[n++] = c;
		blank = false;
	}
	while (n && (line[n - 1] == ' ' || line[n - 1] == ';'))
		n--;
	line[n] = '\0';
}

/*
 * Drop the lines of out that start with prefix (a tool's warnings, which
 * are not why it failed); returns the new length.
 */
static size_t drop_lines(char *out, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix), r = 0, w = 0;

	while (r < len) {
		size_t end = r;

		while (end < len && out[end] != '\n')
			end++;
		if (end < len)
			end++;
		if (end - r < plen || memcmp(out + r, prefix, plen)) {
			memmove(out + w, out + r, end - r);
			w += end - r;
		}
		r = end;
	}
	return w;
}

/*
 * Run argv (argv[0] found in PATH) with stdin from stdin_fd (-1 for
 * /dev/null); die with its output when it fails, less the lines that
 * start with skip (NULL: none). image names the file in the message.
 */
static void mtools_run_tool(const char *image, char *const argv[],
			    int stdin_fd, const char *package,
			    const char *skip)
{
	posix_spawn_file_actions_t actions;
	char out[MTOOLS_MESSAGE_MAX], line[MTOOLS_MESSAGE_MAX];
	size_t out_len = 0;
	int pipe_fds[2], status, err;
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		mkdisk_die("pipe: %s", strerror(errno));
	if (posix_spawn_file_actions_init(&actions) != 0)
		mkdisk_die("posix_spawn_file_actions_init failed");
	if (stdin_fd >= 0)
		posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
	else
		posix_spawn_file_actions_addopen(&actions, 0, "/dev/null",
						 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);

	err = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_fds[1]);
	if (err != 0) {
		close(pipe_fds[0]);
		if (err == ENOENT)
			mkdisk_die("%s: not found: install the Debian package "
				   "%s (or run `make deps`)", argv[0], package);
		mkdisk_die("%s: cannot run: %s", argv[0], strerror(err));
	}
	mkdisk_set_child(pid);

	/* Keep the start of the output; read the rest to let the tool end. */
	for (;;) {
		char discard[512];
		ssize_t n;

		if (out_len < sizeof(out))
			n = read(pipe_fds[0], out + out_len,
				 sizeof(out) - out_len);
		else
			n = read(pipe_fds[0], discard, sizeof(discard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out_len < sizeof(out))
			out_len += (size_t)n;
	}
	close(pipe_fds[0]);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			mkdisk_die("%s: waitpid: %s", argv[0], strerror(errno));
	}
	mkdisk_set_child(0);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (skip)
		out_len = drop_lines(out, out_len, skip);
	output_to_line(out, out_len, line, sizeof(line));
	if (line[0])
		mkdisk_die("%s: %s failed: %s", image, argv[0], line);
	if (WIFSIGNALED(status))
		mkdisk_die("%s: %s was killed by signal %d", image, argv[0],
			   WTERMSIG(status));
	mkdisk_die("%s: %s failed with exit status %d", image, argv[0],
		   WEXITSTATUS(status));
}

static void mtools_run(const char *image, char *const argv[], int stdin_fd)
{
	mtools_run_tool(image, argv, stdin_fd, "mtools", NULL);
}

void mtools_init_environment(uint64_t epoch)
{
	char value[32];

	snprintf(value, sizeof(value), "%llu", (unsigned long long)epoch);
	/* "UTC0": a POSIX TZ rule, needing no zoneinfo file. */
	if (setenv("MTOOLS_SKIP_CHECK", "1", 1) < 0 ||
	    setenv("SOURCE_DATE_EPOCH", value, 1) < 0 ||
	    setenv("TZ", "UTC0", 1) < 0)
		mkdisk_die("setenv: %s", strerror(errno));
}

void mtools_format(const char *image, const struct fat32_plan *plan,
		   uint32_t volume_id)
{
	char sectors[16], spc[16], hidden[16], serial[16];
	char *argv[] = {
		"mformat", "-i", image_spec(image),
		"-F",				/* FAT32 */
		"-T", sectors,			/* the whole partition */
		"-c", spc,			/* sectors per cluster */
		/* Without a hard disk's geometry, mformat makes a floppy
		 * (media byte 0xf0). */
		"-h", MTOOLS_HEADS, "-s", MTOOLS_SECTORS,
		"-H", hidden,		/* sectors before the FAT */
		"-v", MKDISK_VOLUME_LABEL,
		"-N", serial,		/* volume ID, 8 hex digits */
		"::", NULL
	};

	snprintf(sectors, sizeof(sectors), "%u", plan->partition_sectors);
	snprintf(spc, sizeof(spc), "%u", plan->sectors_per_cluster);
	snprintf(hidden, sizeof(hidden), "%u", PARTITION_START_LBA);
	snprintf(serial, sizeof(serial), "%08x", volume_id);
	mtools_run(image, argv, -1);
}

/* "::/boot": mtools' name of a path in the image given with -i. */
static char *fat_spec(const char *fat_path)
{
	static char spec[256];
	int n = snprintf(spec, sizeof(spec), "::%s", fat_path);

	if (n < 0 || (size_t)n >= sizeof(spec))
		mkdisk_die("%s: path too long", fat_path);
	return spec;
}

void mtools_mkdir(const char *image, const char *fat_path)
{
	char *argv[] = { "mmd", "-i", image_spec(image), fat_spec(fat_path),
			 NULL };

	mtools_run(image, argv, -1);
}

/*
 * mcopy takes "a:name" for a file on drive A: and "-x" for an option: a
 * relative host path goes in as "./path".
 */
void mtools_copy_file(const char *image, const char *host_path,
		      const char *fat_path)
{
	char *source;
	char *argv[] = {
		"mcopy", "-i", image_spec(image),
		"-D", "o",	/* never ask; the target is new anyway */
		NULL, fat_spec(fat_path), NULL
	};

	if (host_path[0] == '/') {
		source = strdup(host_path);
	} else {
		source = malloc(strlen(host_path) + 3);
		if (source) {
			strcpy(source, "./");
			strcat(source, host_path);
		}
	}
	if (!source)
		mkdisk_die("%s: out of memory", host_path);
	argv[5] = source;
	mtools_run(image, argv, -1);
	free(source);
}

void mtools_copy_data(const char *image, const void *data, size_t size,
		      const char *fat_path)
{
	char *argv[] = {
		"mcopy", "-i", image_spec(image), "-D", "o",
		"-",			/* from stdin */
		fat_spec(fat_path), NULL
	};
	FILE *tmp = tmpfile();

	if (!tmp)
		mkdisk_die("%s: cannot make a temporary file: %s", fat_path,
			   strerror(errno));
	if (fwrite(data, 1, size, tmp) != size || fflush(tmp) != 0 ||
	    fseek(tmp, 0, SEEK_SET) != 0)
		mkdisk_die("%s: writing a temporary file failed: %s", fat_path,
			   strerror(errno));
	mtools_run(image, argv, fileno(tmp));
	fclose(tmp);
}

/*
 * qemu-img writes the qcow2 file itself (created new: the caller made
 * sure no file is at that path but its own empty temporary one). The
 * conversion copies only the clusters that hold data, so a mostly empty
 * FAT32 becomes a small file.
 */
void mtools_convert_qcow2(const char *raw, const char *qcow2)
{
	char *argv[] = {
		"qemu-img", "convert",
		"-q",			/* no progress output */
		"-f", "raw", "-O", "qcow2",
		(char *)raw, (char *)qcow2, NULL
	};

	mtools_run_tool(qcow2, argv, -1, "qemu-utils", NULL);
}

void mtools_sign_efi(const char *key, const char *cert, const char *in,
		     const char *out)
{
	char *argv[] = {
		"sbsign", "--key", (char *)key, "--cert", (char *)cert,
		"--output", (char *)out, (char *)in, NULL
	};

	/*
	 * Its usual failures are a bad key or certificate: name the key.
	 * gnu-efi's images make it warn "data remaining[...]: gaps between
	 * PE/COFF sections?" (bytes after the last section, which it signs
	 * all the same; sbverify and OVMF accept the result): not the cause.
	 */
	mtools_run_tool(key, argv, -1, "sbsigntool", "warning: ");
}

/*
 * Debian puts mke2fs in /usr/sbin (/sbin is a link to it), which is not in
 * a user's PATH: look there after PATH. $MKE2FS, if set, is the one to run.
 */
static const char *mke2fs_program(void)
{
	static const char *const dirs[] = { "/usr/sbin/", "/sbin/" };
	static char found[64];
	const char *env = getenv("MKE2FS");
	const char *path = getenv("PATH");
	unsigned i;

	if (env && env[0])
		return env;
	/* In PATH: posix_spawnp finds it by the bare name. */
	for (const char *p = path; p && *p;) {
		size_t len = strcspn(p, ":");
		char dir[4096];

		if (len && len < sizeof(dir) - 8) {
			snprintf(dir, sizeof(dir), "%.*s/mke2fs", (int)len, p);
			if (access(dir, X_OK) == 0)
				return "mke2fs";
		}
		p += len;
		if (*p == ':')
			p++;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(found, sizeof(found), "%smke2fs", dirs[i]);
		if (access(found, X_OK) == 0)
			return found;
	}
	return "mke2fs";
}

/*
 * mke2fs writes the same bytes for the same DIR when it is given the
 * UUID, the directory hash seed (-E hash_seed, else random) and the time
 * (E2FSPROGS_FAKE_TIME: the superblock's and each inode's creation time);
 * the files keep DIR's owners, modes and times. -F: the file is no block
 * device, and mke2fs must never stop to ask.
 */
void mtools_mke2fs(const char *image, const char *dir, const char *uuid,
		   uint64_t epoch)
{
	char hash_seed[80], when[32];
	char *argv[] = {
		(char *)mke2fs_program(), "-q", "-F",
		"-t", "ext4",
		"-d", (char *)dir,		/* the files, from DIR */
		"-L", "root",
		"-U", (char *)uuid,
		"-E", hash_seed,
		(char *)image, NULL
	};

	snprintf(hash_seed, sizeof(hash_seed), "hash_seed=%s", uuid);
	snprintf(when, sizeof(when), "%llu", (unsigned long long)epoch);
	if (setenv("E2FSPROGS_FAKE_TIME", when, 1) < 0)
		mkdisk_die("setenv: %s", strerror(errno));
	mtools_run_tool(image, argv, -1, "e2fsprogs", NULL);
}
