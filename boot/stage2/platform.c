// SPDX-License-Identifier: MIT
/*
 * platform.c - the BIOS backend's side of core/platform.h, beyond the
 * console (console.c): time from the BIOS timer, a reboot, block reads of
 * the boot disk for core/file.c (disk.c), memory for the core, and an
 * entry booted by linux.c. 32-bit protected mode; BIOS calls via
 * bios_int().
 */
#include "bios.h"
#include "boot.h"
#include "platform.h"
#include "portio.h"
#include "stage2.h"

/* The BIOS timer's tick, 1/18.2 s, in whole ms (54.9 ms, rounded). */
#define MS_PER_TICK	55

struct e820_entry e820_map[E820_MAX_ENTRIES];
unsigned e820_len;

/*
 * stage2 has no heap: the core's one passing allocation, the config
 * text, comes from here (.bss, below STAGE2_BSS_END).
 */
static uint8_t arena[CONFIG_MAX_BYTES + 1];
static bool arena_used;

uint32_t plat_time_ms(void)
{
	struct biosregs r;

	/*
	 * INT 1Ah AH=00h: read tick count. Out: CX:DX ticks since midnight.
	 * Interrupts on, so that a pending timer interrupt moves the count
	 * on. At midnight the count starts again: a wait running then ends.
	 */
	bios_regs_init(&r);
	r.eflags |= EFLAGS_IF;
	bios_int(0x1a, &r, &r);
	return ((uint32_t)r.cx << 16 | r.dx) * MS_PER_TICK;
}

void plat_idle(void)
{
	/* Interrupts stay off in protected mode: no hlt, the BIOS polls. */
	__asm__ volatile("pause");
}

void plat_reboot(void)
{
	/* The keyboard controller's reset line, then a triple fault. */
	outb(0x64, 0xfe);
	__asm__ volatile("lidt (%0)\n\tint3" : : "r"(&(uint64_t){ 0 }));
	for (;;)
		__asm__ volatile("cli; hlt");
}

void *plat_alloc(size_t bytes)
{
	if (arena_used || bytes > sizeof(arena))
		return NULL;
	arena_used = true;
	return arena;
}

void plat_free(void *p)
{
	if (p == arena)
		arena_used = false;
}

bool plat_block_read(uint64_t lba, uint32_t count, void *buf)
{
	return disk_read_sectors(lba, count, buf) == 0;
}

bool plat_block_write(uint64_t lba, uint32_t count, const void *buf)
{
	return disk_write_sectors(lba, count, buf) == 0;
}

/* Never called: stage2 mounts the boot partition or stops (main.c). */
bool plat_fs_open(const char *path, void **fs, uint64_t *size)
{
	(void)fs;
	(void)size;
	console_printf("fat: %s: the boot partition is not mounted\n", path);
	return false;
}

bool plat_fs_read(const char *path, void **fs, uint64_t offset, void *buf,
		  uint64_t len)
{
	(void)fs;
	(void)offset;
	(void)buf;
	(void)len;
	console_printf("fat: %s: the boot partition is not mounted\n", path);
	return false;
}

void plat_fs_close(void *fs)
{
	(void)fs;
}

bool plat_fs_opendir(const char *path, void **fs)
{
	(void)fs;
	console_printf("fat: %s: the boot partition is not mounted\n", path);
	return false;
}

int plat_fs_readdir(const char *path, void *fs, char *name, size_t size)
{
	(void)path;
	(void)fs;
	(void)name;
	(void)size;
	return -1;
}

/*
 * No measured boot on BIOS: SeaBIOS's INT 1Ah TCG interface does not
 * extend a TPM 2.0 PCR (README, "Trust").
 */
void plat_measure_config(const void *text, size_t len)
{
	(void)text;
	(void)len;
}

/* The Boot Loader Interface is UEFI's: no variables here. */
bool plat_loader_var(const char *name, char *value, size_t size, bool take)
{
	(void)name;
	(void)value;
	(void)size;
	(void)take;
	return false;
}

void plat_boot_entry(const struct config_entry *entry)
{
	linux_boot(entry, e820_map, e820_len);
}
