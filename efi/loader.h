/* SPDX-License-Identifier: MIT */
/*
 * loader.h - what the files of the UEFI loader (BOOTX64.EFI) give each
 * other, as arch/x86/boot/boot.h does for the kernel's own setup code.
 *
 * The loader runs as an EFI application in 64-bit long mode, under boot
 * services, on the firmware's stack and page tables, until main.c's last
 * step calls ExitBootServices and jumps to the kernel. It reads the same
 * /bzboot.cfg, kernel and initrd(s) as the BIOS stage2, from the FAT volume
 * it was itself loaded from, and enters the kernel through the 64-bit boot
 * protocol (Documentation/x86/boot.rst), building boot_params itself: not
 * through the kernel's EFI stub, not through the EFI handover protocol. A
 * kernel without a 64-bit entry (XLF_KERNEL_64 clear, e.g. Debian's 686
 * kernels) is entered through the 32-bit protocol instead.
 *
 * Firmware calls are plain C calls (gnu-efi with GNU_EFI_USE_MS_ABI); the
 * firmware's own types (EFI_STATUS, CHAR16, EFI_FILE_HANDLE) appear only at
 * this boundary. Every step prints its own one-line failure message and
 * returns false; main.c then waits for a key (console_halt()).
 */
#ifndef EFI_LOADER_H
#define EFI_LOADER_H

#include <efi.h>
#include <efilib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "config.h"
#include "linux_boot.h"

/* UEFI pages are 4 KiB, whatever the CPU's paging uses. */
#define EFI_PAGE_BYTES		4096
#define EFI_SIZE_TO_PAGES_64(n)	(((n) + EFI_PAGE_BYTES - 1) / EFI_PAGE_BYTES)
/* AllocateMaxAddress limit for what must sit below 4 GiB. */
#define EFI_BELOW_4G		0xffffffffull
#define FOUR_GIB		0x100000000ull
#define MIB			0x100000ull

/*
 * The firmware's memory map, in a buffer allocated once with room to spare,
 * so that reading it again right before ExitBootServices needs no
 * allocation (which would change the map and make its key stale).
 */
struct memory_map {
	EFI_MEMORY_DESCRIPTOR *buf;
	UINTN buf_bytes;		/* allocated size */
	UINTN map_bytes;		/* size of the last map read */
	UINTN key;
	UINTN desc_bytes;		/* descriptor stride, not sizeof() */
	UINT32 desc_version;
};

/* What the loader learns on the way, handed from step to step. */
struct loader {
	EFI_HANDLE image;
	EFI_FILE_HANDLE root;		/* root directory of the boot volume */
	struct config cfg;
	const struct config_entry *entry;	/* the entry being booted */

	/* The kernel file's boot sector and setup code, header included. */
	uint8_t kernel_head[SETUP_MAX_BYTES];
	struct bzimage_info info;
	uint64_t kernel_run_addr;	/* boot.rst "kernel runtime start" */
	bool entry_32;			/* no XLF_KERNEL_64: 32-bit protocol */
	uint64_t trampoline_addr;	/* a page below 4 GiB, 32-bit entry */

	/* Addresses for the header writes (common/bzimage.c). */
	struct linux_load load;
	struct boot_params *bp;
	struct memory_map map;
};

/* console.c: ConOut, and COM1 unless ConOut already reaches a UART. */
void console_init(void);
void console_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Only when trace is on in /bzboot.cfg: each step, with its addresses. */
void console_trace(const struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *console_status_name(EFI_STATUS status);
/* A key's character, or -1 when timeout_s seconds pass (0: wait forever). */
int console_read_key(unsigned timeout_s);
/* The end of a failed boot: wait for a key, then return to the firmware. */
EFI_STATUS console_halt(void);
/* After ExitBootServices: print on COM1 only, or not at all. */
void console_boot_services_gone(void);

/* file.c: the FAT volume this loader was loaded from. */
bool file_open_boot_volume(struct loader *ld);
bool file_open(const struct loader *ld, const char *path, EFI_FILE_HANDLE *fh,
	       uint64_t *size);
bool file_read(EFI_FILE_HANDLE fh, const char *path, uint64_t offset,
	       void *buf, uint64_t len);
void file_close(EFI_FILE_HANDLE fh);

/* menu.c: /bzboot.cfg and the choice of an entry. */
bool menu_load_config(struct loader *ld);
bool menu_choose_entry(struct loader *ld);

/* memory.c: allocations, the memory map, and ExitBootServices. */
bool memory_alloc_at(uint64_t addr, uint64_t bytes, EFI_MEMORY_TYPE type);
bool memory_alloc_below(uint64_t max_addr, uint64_t bytes,
			EFI_MEMORY_TYPE type, uint64_t *addr);
void memory_free(uint64_t addr, uint64_t bytes);
struct e820_entry *memory_free_ranges(unsigned *count);
bool memory_prepare_map(struct loader *ld);
bool memory_exit_boot_services(struct loader *ld);

/* video.c and acpi.c: what the firmware knows about the machine. */
void video_fill_screen_info(struct loader *ld);
void acpi_fill_rsdp(struct loader *ld);

/* linux.c: the kernel, initrd(s), command line and boot_params. */
bool linux_load_kernel(struct loader *ld);
bool linux_load_initrds(struct loader *ld);
bool linux_set_cmdline(struct loader *ld);
bool linux_init_boot_params(struct loader *ld);
void linux_fill_efi_info(struct loader *ld);
void linux_start_kernel(struct loader *ld) __attribute__((noreturn));

/* handover.asm: the jump itself, never returns. */
void handover_jump_64(uint64_t entry, struct boot_params *bp)
	__attribute__((noreturn));
void handover_jump_32(uint64_t trampoline_addr, struct boot_params *bp,
		      uint32_t entry) __attribute__((noreturn));

#endif /* EFI_LOADER_H */
