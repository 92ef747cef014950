// SPDX-License-Identifier: MIT
/*
 * fake_platform.c - the host's core/platform.h for tests/unit/test_core.c
 * (see fake_platform.h). Single-threaded; noreturn operations longjmp
 * back into fake_run().
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "console.h"
#include "fake_platform.h"
#include "file.h"
#include "keys.h"
#include "phase.h"
#include "platform.h"

#define FAKE_SCREEN_MAX		65536
#define FAKE_EVENTS_MAX		256
#define FAKE_FILES_MAX		16
#define FAKE_BOOTABLE_MAX	8

struct fake_event {
	uint32_t at_ms;
	bool serial;		/* a byte of the serial line, else a key */
	int value;
};

static struct {
	char screen[FAKE_SCREEN_MAX];
	size_t screen_len;
	char normal[FAKE_SCREEN_MAX];
	bool crlf;
	uint32_t now;
	struct fake_event event[FAKE_EVENTS_MAX];
	unsigned events, next_key, next_byte;
	struct {
		const char *path;
		const void *data;
		size_t size;
	} file[FAKE_FILES_MAX];
	unsigned files;
	int open;		/* index into file[], -1: none */
	uint8_t *disk;		/* fake_disk() */
	unsigned disk_writes;
	bool disk_write_fails;
	uint64_t disk_sectors, disk_bad;
	unsigned disk_reads;
	bool no_memory;
	int allocs;
	const char *bootable[FAKE_BOOTABLE_MAX];
	unsigned bootables;
	char tried[512];
	char grid[SCREEN_ROWS][SCREEN_COLS];
	unsigned row, col;
	char row_text[SCREEN_COLS + 1];
	unsigned clears;
	uint32_t snap_at;
	unsigned snap_row;
	char snap[SCREEN_COLS + 1];
	char cmdline[CONFIG_CMDLINE_MAX];
	struct {
		const char *name, *value;
	} var[4];
	unsigned vars;
	bool var_delete_fails;
	jmp_buf end;
} fake;

void fake_reset(void)
{
	static struct fat_volume none;

	memset(&fake, 0, sizeof(fake));
	/* No disk: nothing mounted, files through plat_fs_*(). */
	file_mount(&none, 0, 0);
	fake.disk_reads = 0;
	fake.crlf = true;
	fake.open = -1;
	memset(fake.grid, ' ', sizeof(fake.grid));
	boot_first_key = KEY_NONE;
	/* The core's own state: trace off, no half-decoded sequence. */
	trace_on = false;
	keys_flush();
	/* The loader's clock starts with the backend (core/phase.h). */
	phase_start();
}

void fake_key(uint32_t at_ms, int key)
{
	if (fake.events < FAKE_EVENTS_MAX)
		fake.event[fake.events++] = (struct fake_event){ at_ms, false,
								 key };
}

void fake_serial(uint32_t at_ms, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len && fake.events < FAKE_EVENTS_MAX; i++)
		fake.event[fake.events++] = (struct fake_event){
			at_ms, true, (uint8_t)bytes[i] };
}

void fake_file(const char *path, const void *data, size_t size)
{
	if (fake.files < FAKE_FILES_MAX)
		fake.file[fake.files++] = (typeof(fake.file[0])){ path, data,
								 size };
}

void fake_no_memory(void)
{
	fake.no_memory = true;
}

void fake_bootable(const char *name)
{
	if (fake.bootables < FAKE_BOOTABLE_MAX)
		fake.bootable[fake.bootables++] = name;
}

enum fake_end fake_run(void (*fn)(void))
{
	int end = setjmp(fake.end);

	if (end)
		return (enum fake_end)end;
	fn();
	return FAKE_RETURNED;
}

const char *fake_screen(void)
{
	size_t n = 0;

	for (size_t i = 0; i < fake.screen_len; i++)
		if (fake.screen[i] != '\r')
			fake.normal[n++] = fake.screen[i];
	fake.normal[n] = '\0';
	return fake.normal;
}

bool fake_screen_crlf(void)
{
	return fake.crlf;
}

uint32_t fake_now(void)
{
	return fake.now;
}

const char *fake_tried(void)
{
	return fake.tried;
}

int fake_allocs_live(void)
{
	return fake.allocs;
}

const char *fake_row(unsigned row)
{
	size_t n = SCREEN_COLS;

	while (n && fake.grid[row][n - 1] == ' ')
		n--;
	memcpy(fake.row_text, fake.grid[row], n);
	fake.row_text[n] = '\0';
	return fake.row_text;
}

unsigned fake_cursor_row(void)
{
	return fake.row;
}

unsigned fake_cursor_col(void)
{
	return fake.col;
}

/* One character onto the grid, as a terminal puts it. */
static void grid_put(char c)
{
	if (c == '\r') {
		fake.col = 0;
	} else if (c == '\n') {
		fake.row++;
	} else {
		fake.grid[fake.row][fake.col] = c;
		if (++fake.col == SCREEN_COLS) {
			fake.col = 0;
			fake.row++;
		}
	}
	if (fake.row == SCREEN_ROWS) {
		memmove(fake.grid[0], fake.grid[1],
			(SCREEN_ROWS - 1) * SCREEN_COLS);
		memset(fake.grid[SCREEN_ROWS - 1], ' ', SCREEN_COLS);
		fake.row = SCREEN_ROWS - 1;
	}
}

void fake_snap(uint32_t at_ms, unsigned row)
{
	fake.snap_at = at_ms;
	fake.snap_row = row;
}

const char *fake_snapped(void)
{
	return fake.snap;
}

unsigned fake_clears(void)
{
	return fake.clears;
}

const char *fake_cmdline(void)
{
	return fake.cmdline;
}

void plat_screen_clear(void)
{
	fake.clears++;
	memset(fake.grid, ' ', sizeof(fake.grid));
	fake.row = fake.col = 0;
}

void plat_screen_goto(unsigned row, unsigned col)
{
	if (row >= SCREEN_ROWS || col >= SCREEN_COLS)
		abort();
	fake.row = row;
	fake.col = col;
}

void plat_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		grid_put(s[i]);
	for (size_t i = 0; i < len && fake.screen_len + 1 < FAKE_SCREEN_MAX;
	     i++) {
		if (s[i] == '\n' &&
		    (fake.screen_len == 0 ||
		     fake.screen[fake.screen_len - 1] != '\r'))
			fake.crlf = false;
		fake.screen[fake.screen_len++] = s[i];
	}
}

/* The next due event of the kind asked for, or -1. */
static int next_due(bool serial, unsigned *next)
{
	while (*next < fake.events) {
		struct fake_event *e = &fake.event[*next];

		if (e->serial != serial) {
			++*next;
			continue;
		}
		if (e->at_ms > fake.now)
			return -1;
		++*next;
		return e->value;
	}
	return -1;
}

int plat_key_poll(void)
{
	int key = next_due(false, &fake.next_key);

	return key < 0 ? KEY_NONE : key;
}

int plat_serial_poll(void)
{
	return next_due(true, &fake.next_byte);
}

uint32_t plat_time_ms(void)
{
	return fake.now;
}

void plat_idle(void)
{
	uint32_t last = 0;

	for (unsigned i = 0; i < fake.events; i++)
		if (fake.event[i].at_ms > last)
			last = fake.event[i].at_ms;
	if (fake.now > last + FAKE_STUCK_MS)
		longjmp(fake.end, FAKE_STUCK);
	if (fake.snap_at && fake.now >= fake.snap_at) {
		snprintf(fake.snap, sizeof(fake.snap), "%s",
			 fake_row(fake.snap_row));
		fake.snap_at = 0;
	}
	fake.now += FAKE_IDLE_MS;
}

void plat_reboot(void)
{
	longjmp(fake.end, FAKE_REBOOTED);
}

void *plat_alloc(size_t bytes)
{
	void *p = fake.no_memory ? NULL : malloc(bytes);

	if (p)
		fake.allocs++;
	return p;
}

void plat_free(void *p)
{
	if (p)
		fake.allocs--;
	free(p);
}

/* The firmware's file system: fake_file()'s files (nothing mounted). */
bool plat_fs_open(const char *path, void **fs, uint64_t *size)
{
	for (unsigned i = 0; i < fake.files; i++) {
		if (strcmp(fake.file[i].path, path) == 0) {
			fake.open = (int)i;
			*fs = &fake.file[i];
			*size = fake.file[i].size;
			return true;
		}
	}
	plat_console_write("file: cannot open ", 18);
	plat_console_write(path, strlen(path));
	plat_console_write("\r\n", 2);
	return false;
}

bool plat_fs_read(const char *path, void **fs, uint64_t offset, void *buf,
		  uint64_t len)
{
	(void)path;
	if (!*fs || fake.open < 0 ||
	    offset + len > fake.file[fake.open].size)
		return false;
	memcpy(buf, (const char *)fake.file[fake.open].data + offset, len);
	return true;
}

void plat_fs_close(void *fs)
{
	(void)fs;
	fake.open = -1;
}

/*
 * fake_file()'s directories: the files whose paths go on from path and a
 * '/', without another '/'. A directory exists when a file is in it, at
 * any depth.
 */
static struct {
	const char *path;
	unsigned next;		/* index into fake.file[] */
} fake_dir;

bool plat_fs_opendir(const char *path, void **fs)
{
	size_t plen = strlen(path);

	for (unsigned i = 0; i < fake.files; i++) {
		if (strncmp(fake.file[i].path, path, plen) == 0 &&
		    fake.file[i].path[plen] == '/') {
			fake_dir.path = path;
			fake_dir.next = 0;
			*fs = &fake_dir;
			return true;
		}
	}
	return false;
}

int plat_fs_readdir(const char *path, void *fs, char *name, size_t size)
{
	size_t plen = strlen(path);

	(void)fs;
	while (fake_dir.next < fake.files) {
		const char *p = fake.file[fake_dir.next++].path;

		if (strncmp(p, path, plen) != 0 || p[plen] != '/' ||
		    strchr(p + plen + 1, '/') || strlen(p + plen + 1) >= size)
			continue;
		strcpy(name, p + plen + 1);
		return 1;
	}
	return 0;
}

/* The disk: fake_disk()'s image, 512-byte sectors. */
bool plat_block_read(uint64_t lba, uint32_t count, void *buf)
{
	fake.disk_reads++;
	if (!fake.disk || lba + count > fake.disk_sectors ||
	    (fake.disk_bad && fake.disk_bad >= lba &&
	     fake.disk_bad < lba + count))
		return false;
	memcpy(buf, fake.disk + lba * 512, (size_t)count * 512);
	return true;
}

void fake_disk(uint8_t *image, uint64_t sectors, uint64_t bad_lba)
{
	fake.disk = image;
	fake.disk_sectors = sectors;
	fake.disk_bad = bad_lba;
}

/* Into the image itself, as a disk keeps what is written. */
bool plat_block_write(uint64_t lba, uint32_t count, const void *buf)
{
	if (fake.disk_write_fails || !fake.disk ||
	    lba + count > fake.disk_sectors) {
		plat_console_write("disk: write failed\r\n", 20);
		return false;
	}
	fake.disk_writes++;
	memcpy(fake.disk + lba * 512, buf, (size_t)count * 512);
	return true;
}

void fake_disk_write_fails(void)
{
	fake.disk_write_fails = true;
}

unsigned fake_disk_writes(void)
{
	return fake.disk_writes;
}

unsigned fake_disk_reads(void)
{
	return fake.disk_reads;
}

/* The host's counter at a nominal 1 GHz: phase lines' values are not checked. */
uint32_t plat_tsc_khz(void)
{
	return 1000000;
}

unsigned plat_disk_requests(void)
{
	return fake.disk_reads;
}

void plat_measure_config(const void *text, size_t len)
{
	(void)text;
	(void)len;
}

void fake_loader_var(const char *name, const char *value)
{
	unsigned i;

	for (i = 0; i < fake.vars && strcmp(fake.var[i].name, name); i++)
		;
	if (i == fake.vars && fake.vars < 4)
		fake.var[fake.vars++].name = name;
	if (i < fake.vars)
		fake.var[i].value = value;
}

void fake_loader_var_delete_fails(void)
{
	fake.var_delete_fails = true;
}

const char *fake_loader_var_value(const char *name)
{
	for (unsigned i = 0; i < fake.vars; i++)
		if (fake.var[i].value && !strcmp(fake.var[i].name, name))
			return fake.var[i].value;
	return NULL;
}

bool plat_loader_var(const char *name, char *value, size_t size, bool take)
{
	for (unsigned i = 0; i < fake.vars; i++) {
		if (!fake.var[i].value || strcmp(fake.var[i].name, name) ||
		    strlen(fake.var[i].value) >= size)
			continue;
		if (take && fake.var_delete_fails)
			return false;
		strcpy(value, fake.var[i].value);
		if (take)
			fake.var[i].value = NULL;
		return true;
	}
	return false;
}

void plat_boot_entry(const struct config_entry *entry)
{
	size_t n = strlen(fake.tried);

	snprintf(fake.tried + n, sizeof(fake.tried) - n, "%s%s",
		 n ? " " : "", entry->name);
	snprintf(fake.cmdline, sizeof(fake.cmdline), "%s", entry->cmdline);
	for (unsigned i = 0; i < fake.bootables; i++)
		if (strcmp(fake.bootable[i], entry->name) == 0)
			longjmp(fake.end, FAKE_BOOTED);
	/* What a backend prints when an entry fails. */
	plat_console_write("linux: ", 7);
	plat_console_write(entry->kernel, strlen(entry->kernel));
	plat_console_write(": cannot boot\r\n", 15);
}
