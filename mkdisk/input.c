// SPDX-License-Identifier: MIT
/*
 * input.c - the checks every input file goes through, for building an
 * image (main.c) and for installing onto a disk (install.c) alike: a
 * regular file that a FAT32 file can hold, read whole; a kernel the
 * loaders will take, by their own rules (common/bzimage.c); a command
 * line that the config keeps and the kernel's buffer holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mkdisk.h"

int mkdisk_open_input(const char *path, const char *role, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		mkdisk_die("%s: cannot open the %s: %s", path, role,
			   strerror(errno));
	if (fstat(fd, st) < 0)
		mkdisk_die("%s: %s", path, strerror(errno));
	if (S_ISDIR(st->st_mode))
		mkdisk_die("%s: is a directory, not a file", path);
	if (!S_ISREG(st->st_mode))
		mkdisk_die("%s: not a regular file", path);
	if ((uint64_t)st->st_size > FAT32_MAX_FILE_BYTES)
		mkdisk_die("%s: %llu bytes, more than a FAT32 file can hold "
			   "(4 GiB - 1)", path,
			   (unsigned long long)st->st_size);
	return fd;
}

ssize_t mkdisk_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done,
				  (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void mkdisk_write_at(int fd, const char *path, const void *buf, size_t len,
		     uint64_t offset)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			mkdisk_die("%s: write failed: %s", path,
				   n < 0 ? strerror(errno) : "no progress");
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
}

void mkdisk_check_kernel(const char *path, struct bzimage_info *info,
			 struct stat *st)
{
	uint8_t buf[BZIMAGE_PROBE_BYTES];
	enum bzimage_error err;
	ssize_t n;
	int fd;

	fd = mkdisk_open_input(path, "kernel", st);
	n = mkdisk_read_full(fd, buf, sizeof(buf));
	if (n < 0)
		mkdisk_die("%s: read failed: %s", path, strerror(errno));
	close(fd);

	memset(info, 0, sizeof(*info));
	err = bzimage_check(buf, (size_t)n, (uint64_t)st->st_size, info);
	if (err != BZIMAGE_OK) {
		char msg[512];

		bzimage_format_error(msg, sizeof(msg), path, err, info);
		mkdisk_die("%s", msg);
	}
}

void mkdisk_check_cmdline(const char *cmdline, const char *kernel,
			  const struct bzimage_info *info)
{
	size_t len = strlen(cmdline), i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)cmdline[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			mkdisk_die("--cmdline: control character 0x%02x at "
				   "byte %zu; the config holds it on one line",
				   c, i);
	}
	/* The config file keeps a value without its outer blanks. */
	if (len && (cmdline[0] == ' ' || cmdline[0] == '\t' ||
		    cmdline[len - 1] == ' ' || cmdline[len - 1] == '\t'))
		mkdisk_die("--cmdline: starts or ends with a blank, which "
			   "/bzboot.cfg cannot keep; the kernel ignores them: "
			   "leave them out");
	if (!bzimage_cmdline_fits(info, len))
		mkdisk_die("%s: the command line is %zu bytes, the kernel "
			   "takes at most %u (cmdline_size)", kernel, len,
			   info->cmdline_size);
	if (len >= CONFIG_CMDLINE_MAX)
		mkdisk_die("--cmdline: %zu bytes, the loaders' config takes at "
			   "most %u", len, CONFIG_CMDLINE_MAX - 1);
}
