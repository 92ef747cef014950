// SPDX-License-Identifier: MIT
/*
 * platform.c - the BIOS backend's side of core/platform.h, beyond the
 * console (console.c): time from the BIOS timer, a reboot, the config
 * file through common/fat.c on the boot partition, memory for the core,
 * and an entry booted by linux.c. 32-bit protected mode; BIOS calls via
 * bios_int().
 */
#include "bios.h"
#include "boot.h"
#include "platform.h"
#include "portio.h"
#include "stage2.h"

/* The BIOS timer's tick, 1/18.2 s, in whole ms (54.9 ms, rounded). */
#define MS_PER_TICK	55

struct fat_volume boot_volume;
struct e820_entry e820_map[E820_MAX_ENTRIES];
unsigned e820_len;

/*
 * stage2 has no heap: the core's one passing allocation, the config
 * text, comes from here (.bss, below STAGE2_BSS_END).
 */
static uint8_t arena[CONFIG_MAX_BYTES + 1];
static bool arena_used;

/* The file plat_file_open() opened. */
static struct fat_file open_file;

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

bool plat_file_open(const char *path, uint64_t *size, const char **why)
{
	enum fat_error err = fat_open(&boot_volume, path, &open_file);

	if (err) {
		*why = fat_strerror(err);
		return false;
	}
	if (open_file.is_dir) {
		*why = "is a directory";
		return false;
	}
	*size = open_file.size;
	return true;
}

bool plat_file_read(const char *path, uint64_t offset, void *buf,
		    uint64_t len, const char **why)
{
	enum fat_error err;

	(void)path;
	err = fat_read(&boot_volume, &open_file, (uint32_t)offset, buf,
		       (uint32_t)len);
	if (err)
		*why = fat_strerror(err);
	return !err;
}

void plat_file_close(void)
{
}

void plat_boot_entry(const struct config_entry *entry)
{
	linux_boot(&boot_volume, entry, e820_map, e820_len);
}
