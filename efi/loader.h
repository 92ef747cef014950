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
 * this boundary. Every step prints its own one-line failure message, with
 * the EFI_STATUS by name, and returns false; main.c then offers the next
 * entry, or waits for a key and reboots (console_fatal()). The only
 * statuses not checked are those of calls that give something back
 * (Close, FreePool, FreePages, CloseEvent) and of the console output
 * itself: nothing useful can follow their failure.
 */
#ifndef EFI_LOADER_H
#define EFI_LOADER_H

#include <efi.h>
#include <efilib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ata.h"
#include "bzimage.h"
#include "config.h"
#include "console.h"
#include "fat.h"
#include "gpt.h"
#include "linux_boot.h"
#include "placement.h"

/*
 * Byte compare, true when equal. The loader takes nothing from libefi but
 * the ST/BS/RT pointers and the protocol GUIDs: its memory and GUID
 * helpers (CopyMem, CompareGuid...) pull in its print and device-path code
 * with them, about 20 KB of the 96 KiB budget. Copies and fills go
 * through boot services (BS->CopyMem, BS->SetMem).
 */
static inline bool mem_equal(const void *a, const void *b, UINTN n)
{
	const uint8_t *x = a, *y = b;

	while (n--)
		if (*x++ != *y++)
			return false;
	return true;
}

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

/*
 * Spans the kernel's ranges must keep clear of: the firmware stack we run
 * on, and the pages of the page tables (merged where they touch; past
 * this many, the last span grows to cover the rest).
 */
#define MEMORY_AVOID_SPANS	64

/*
 * file.c: sectors from lba, read in one command for common/fat.c. Four:
 * the FAT, the root and /boot directories and the config each keep one,
 * so none is read twice (two windows read them again after the config).
 */
#define FILE_WINDOWS		4
struct file_window {
	uint8_t *buf;			/* NULL: no memory for it */
	uint64_t lba;
	uint32_t sectors;		/* 0: empty */
	unsigned used;			/* window_clock at its last use */
};

/* ata.c: the boot disk's IDE channel, when it is read by DMA. */
struct ata_boot_disk {
	bool on;			/* checked, and no command failed */
	struct ata_channel ch;
	EFI_PCI_IO *pci_io;		/* the IDE function (GET_PROTOCOL) */
	struct ata_prd *prd;		/* the PRD table, a page */
	uint32_t prd_bus;		/* its bus address */
	void *prd_map;			/* its PciIo->Map() mapping */
	uint64_t part_lba;		/* the boot partition's first sector */
};

/* What the loader learns on the way, handed from step to step. */
struct loader {
	EFI_HANDLE image;
	EFI_FILE_HANDLE root;		/* root directory of the boot volume */
	EFI_BLOCK_IO *block_io;		/* the boot partition, for a reset */
	/* The same, read as blocks by core/file.c; NULL: not mounted. */
	EFI_DISK_IO *disk_io;
	uint64_t part_sectors;
	struct fat_volume fat;		/* core/file.c's volume */
	/* Its read windows (file.c); window_clock counts their uses. */
	struct file_window window[FILE_WINDOWS];
	unsigned window_clock;
	struct config cfg;
	bool trace;			/* "trace on", or T held at start */
	/* The firmware's Secure Boot state, SECUREBOOT_MODE_* (trust.c). */
	uint8_t secure_boot;
	const struct config_entry *entry;	/* the entry being booted */

	/* The kernel file's boot sector and setup code, header included. */
	uint8_t kernel_head[SETUP_MAX_BYTES];
	struct bzimage_info info;
	/* Where the kernel goes (common/placement.c) and what we claimed. */
	struct placement_kernel kernel;
	struct placement_claims kernel_claims;
	unsigned kernel_claimed;	/* pieces allocated so far */
	bool entry_32;			/* no XLF_KERNEL_64: 32-bit protocol */
	uint64_t trampoline_addr;	/* a page below 4 GiB, 32-bit entry */

	/* Addresses for the header writes (common/bzimage.c). */
	struct linux_load load;
	struct boot_params *bp;
	struct memory_map map;

	/* What an entry allocated, given back when it fails. */
	uint64_t map_alloc_bytes;
	unsigned reads;			/* file Reads and DMA commands (trace) */
	struct ata_boot_disk dma;
};

/*
 * console.c: the backend's console, keys and time for core/platform.h:
 * ConOut, and COM1 unless ConOut already reaches a UART. Messages go
 * through core/console.h (console_printf, console_fatal).
 */
void console_init(void);
/* Only with the trace on: the lines of common/trace.h, and a few more. */
void console_trace(const struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *console_status_name(EFI_STATUS status);
/* After ExitBootServices: print on COM1 only, or not at all. */
void console_boot_services_gone(void);

/*
 * file.c: the FAT volume this loader was loaded from, mounted by
 * core/file.c over its blocks, else opened through the firmware's file
 * system (the plat_fs_*() fallback).
 */
bool file_open_boot_volume(struct loader *ld);

/*
 * ata.c: reading the boot disk by IDE DMA, once proven to read what the
 * firmware reads (unless "disk firmware"); the trace says which and why.
 */
void ata_open_boot_disk(struct loader *ld);
/* Whether bytes at buf can be read by DMA: DMA on, buf even, below 4 GiB. */
bool ata_can_read_to(const struct loader *ld, const void *buf,
		     uint64_t bytes);
/*
 * count sectors at lba of the boot partition to buf. ATA_READ_NO_DMA when
 * DMA cannot read it (after a failed command, with one message, DMA is off
 * for good); ATA_READ_MEDIA_ERROR when the drive failed a sector three
 * times: then the read fails, the firmware is not asked.
 */
enum ata_read {
	ATA_READ_OK,
	ATA_READ_NO_DMA,
	ATA_READ_MEDIA_ERROR,
};
enum ata_read ata_read_boot_disk(struct loader *ld, uint64_t lba,
				 uint32_t count, void *buf);
void ata_close_boot_disk(struct loader *ld);

/*
 * platform.c: the boot volume's files and memory for core/platform.h, on
 * the loader state main.c allocated.
 */
extern struct loader *platform_loader;

/* memory.c: allocations, the memory map, and ExitBootServices. */
/*
 * Place the kernel (placement_find_kernel() over the map as it is now,
 * clear of our stack and page tables) and allocate the free pieces of its
 * ranges: ld->kernel, ld->kernel_claims. On failure, one line says why
 * and how much memory is missing.
 */
bool memory_place_kernel(struct loader *ld, uint64_t min_align);
/* Give back the kernel's claimed pieces. */
void memory_unclaim_kernel(struct loader *ld);
bool memory_alloc_at(uint64_t addr, uint64_t bytes, EFI_MEMORY_TYPE type);
bool memory_alloc_below(uint64_t max_addr, uint64_t bytes,
			EFI_MEMORY_TYPE type, uint64_t *addr);
void memory_free(uint64_t addr, uint64_t bytes);
/* Free memory as sorted e820 RAM ranges, in a snapshot of the map. */
struct e820_entry *memory_free_ranges(struct memory_map *map,
				      unsigned *count);
void memory_free_snapshot(struct memory_map *map);
bool memory_prepare_map(struct loader *ld);
/*
 * The final map, then ExitBootServices. On failure (one line said why),
 * *gone: ExitBootServices was called, so boot services may be gone.
 */
bool memory_exit_boot_services(struct loader *ld, bool *gone);

/* video.c and acpi.c: what the firmware knows about the machine. */
void video_fill_screen_info(struct loader *ld);
void acpi_fill_rsdp(struct loader *ld);

/* linux.c: the kernel, initrd(s), command line and boot_params. */
bool linux_load_kernel(struct loader *ld);
bool linux_load_initrds(struct loader *ld);
bool linux_set_cmdline(struct loader *ld);
bool linux_init_boot_params(struct loader *ld);
void linux_trace_handover(struct loader *ld);
void linux_unload(struct loader *ld);
void linux_start_kernel(struct loader *ld) __attribute__((noreturn));

/*
 * trust.c: Secure Boot and measured boot (README, "Trust"). The state
 * from the SecureBoot and SetupMode variables; under Secure Boot (or an
 * unknown state) false after one line when no config hash is enrolled.
 */
void trust_read_secure_boot(struct loader *ld);
bool trust_check_secure_boot(const struct loader *ld);
/*
 * With EFI_TCG2_PROTOCOL and a TPM 2.0: measure what is loaded (kernel
 * and initrds into PCR 9, the command line into PCR 8, the config through
 * plat_measure_config()), each with an EV_IPL event; then hand the log to
 * the kernel. Without a TPM each does nothing and succeeds.
 */
void tpm_open(struct loader *ld);
bool tpm_measure_kernel(struct loader *ld);
bool tpm_measure_initrd(const char *path, const void *data, uint64_t len);
bool tpm_measure_cmdline(const char *cmdline, uint64_t len);
void tpm_install_event_log(struct loader *ld);

/* handover.asm: the jump itself, never returns. */
void handover_jump_64(uint64_t entry, struct boot_params *bp)
	__attribute__((noreturn));
void handover_jump_32(uint64_t trampoline_addr, struct boot_params *bp,
		      uint32_t entry) __attribute__((noreturn));

#endif /* EFI_LOADER_H */
