// SPDX-License-Identifier: MIT
/*
 * main.c - BOOTX64.EFI, the UEFI half of bzboot: the steps from the
 * firmware's call to the kernel's entry, one call each.
 *
 * The firmware (OVMF, or any UEFI PC firmware) loads this PE image from
 * EFI/BOOT/BOOTX64.EFI on the FAT partition and calls efi_main (through
 * gnu-efi's crt0, which applies our relocations first) in 64-bit long
 * mode, with boot services up, its own page tables (identity mapping all
 * memory) and its own stack. We read /bzboot.cfg, the kernel and the
 * initrd(s) from the same partition, build boot_params the way boot.rst's
 * "64-bit Boot Protocol" says, leave boot services and jump to the
 * kernel's 64-bit entry (or its 32-bit one, for a 32-bit kernel).
 *
 * A failure prints one line that names the file and the problem. Then,
 * as in stage2, a key tries the next entry (R reboots); when none is
 * left, a key reboots. Nothing loops or reboots by itself.
 */
#include "loader.h"

/* One entry, from its kernel file to the jump; returns only on failure. */
static void boot_entry(struct loader *ld)
{
	console_printf("bzboot: booting entry \"%s\"\n", ld->entry->name);

	/* Check the bzImage, place it, read its protected-mode part. */
	if (!linux_load_kernel(ld))
		return;

	/* The initrd(s), concatenated, as high as initrd_addr_max allows. */
	if (!linux_load_initrds(ld))
		return;

	/* The command line, in its own buffer below 4 GiB. */
	if (!linux_set_cmdline(ld))
		return;

	/* The zero page: setup header copied, then the header writes. */
	if (!linux_init_boot_params(ld))
		return;

	/* screen_info from GOP: the kernel's frame buffer console. */
	video_fill_screen_info(ld);

	/* acpi_rsdp_addr from the firmware's configuration table. */
	acpi_fill_rsdp(ld);

	/* The map buffer, allocated now: none may happen after the map. */
	if (!memory_prepare_map(ld))
		return;

	linux_trace_handover(ld);
	console_printf("bzboot: starting Linux\n");

	/* Final map -> e820 and efi_info, then ExitBootServices. */
	if (!memory_exit_boot_services(ld))
		console_fatal();

	/* Own GDT, interrupts off, RSI = boot_params: the kernel's entry. */
	linux_start_kernel(ld);
}

/* From the chosen entry on, each in turn, a key between two tries. */
static void boot_entries(struct loader *ld, unsigned first)
{
	unsigned count = ld->cfg.entry_count, i = first;
	int key;

	for (unsigned tried = 1;; tried++) {
		ld->entry = &ld->cfg.entry[i];
		boot_entry(ld);
		/* It failed and said why: give back what it allocated. */
		linux_unload(ld);
		if (tried == count)
			break;
		i = (i + 1) % count;
		console_printf("bzboot: press R to reboot, any other key to "
			       "try entry \"%s\"\n", ld->cfg.entry[i].name);
		key = console_read_key(NULL);
		if (key == 'r' || key == 'R')
			console_reboot();
	}
	console_printf("bzboot: no entry could be booted\n");
}

/*
 * "gdb on" in the config: say where the firmware put this image, then
 * wait until a debugger clears bzboot_gdb_wait. The firmware picks the
 * address at each boot, so gdb cannot know it in advance: `make debug
 * FIRMWARE=uefi` (efi/debug.py) reads this line from the serial log,
 * loads build/efi/BOOTX64.so's symbols at that base, clears the flag and
 * sets its breakpoints.
 */
volatile int bzboot_gdb_wait = 1;

static void gdb_wait(struct loader *ld)
{
	EFI_LOADED_IMAGE *li;

	if (EFI_ERROR(BS->HandleProtocol(ld->image, &LoadedImageProtocol,
					 (void **)&li))) {
		console_printf("bzboot: gdb: no LoadedImage protocol, so no "
			       "image base to give; not waiting\n");
		return;
	}
	console_printf("bzboot: gdb: image base 0x%llx; waiting for gdb to "
		       "set bzboot_gdb_wait = 0\n",
		       (unsigned long long)(uintptr_t)li->ImageBase);
	while (bzboot_gdb_wait)
		BS->Stall(1000);
	console_printf("bzboot: gdb: going on\n");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* Called by gnu-efi's crt0 (_start), after it has relocated us. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct loader *ld;
	int key;

	/* gnu-efi's ST, BS and RT: the pointers the other files use. */
	ST = systab;
	BS = systab->BootServices;
	RT = systab->RuntimeServices;

	/* ConOut, plus COM1 when ConOut does not reach a serial port. */
	console_init();

	/*
	 * The firmware arms a 5-minute watchdog before it starts a boot
	 * option; a failure message must stay up, not reset the machine.
	 * (EFI_UNSUPPORTED: no watchdog, nothing to disarm.)
	 */
	BS->SetWatchdogTimer(0, 0, 0, NULL);

	/* Our state: too big for the firmware's stack, not in the image. */
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, sizeof(*ld),
				       (void **)&ld))) {
		console_printf("bzboot: no memory for the loader's state\n");
		console_fatal();
	}
	BS->SetMem(ld, sizeof(*ld), 0);
	ld->image = image;

	/* A key held at start turns the trace on ('t' or 'T'), as in stage2. */
	key = console_poll_key();
	ld->trace = key == 't' || key == 'T';

	/* The FAT volume BOOTX64.EFI came from: config, kernel, initrd. */
	if (!file_open_boot_volume(ld))
		console_fatal();

	/* /bzboot.cfg, through the shared parser. */
	if (!menu_load_config(ld))
		console_fatal();
	if (ld->cfg.gdb)
		gdb_wait(ld);

	/* Faster reads: IDE DMA, if the boot disk is provably on a channel. */
	ata_open_boot_disk(ld);

	/*
	 * The default entry, or the one picked before the timeout; then the
	 * others in turn, while they fail.
	 */
	boot_entries(ld, menu_choose_entry(ld));

	console_fatal();
}
