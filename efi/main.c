// SPDX-License-Identifier: MIT
/*
 * main.c - BOOTX64.EFI, the UEFI half of bzboot: the steps from the
 * firmware's call to the kernel's 64-bit entry, one call each.
 *
 * The firmware (OVMF, or any UEFI PC firmware) loads this PE image from
 * EFI/BOOT/BOOTX64.EFI on the FAT partition and calls efi_main (through
 * gnu-efi's crt0, which applies our relocations first) in 64-bit long
 * mode, with boot services up, its own page tables (identity mapping all
 * memory) and its own stack. We read /bzboot.cfg, the kernel and the
 * initrd(s) from the same partition, build boot_params the way boot.rst's
 * "64-bit Boot Protocol" says, leave boot services and jump to the
 * kernel's 64-bit entry. Any failure prints one line and waits for a key,
 * then returns to the firmware.
 */
#include "loader.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct loader *ld;

	/* gnu-efi: the ST, BS and RT pointers the other files use. */
	InitializeLib(image, systab);

	/* ConOut, plus COM1 when ConOut does not reach a serial port. */
	console_init();

	/*
	 * The firmware arms a 5-minute watchdog before it starts a boot
	 * option; a failure message must stay up, not reset the machine.
	 */
	BS->SetWatchdogTimer(0, 0, 0, NULL);

	/* Our state: too big for the firmware's stack, not in the image. */
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, sizeof(*ld),
				       (void **)&ld))) {
		console_printf("bzboot: no memory for the loader's state\n");
		return console_halt();
	}
	ZeroMem(ld, sizeof(*ld));
	ld->image = image;

	/* The FAT volume BOOTX64.EFI came from: config, kernel, initrd. */
	if (!file_open_boot_volume(ld))
		goto fail;

	/* /bzboot.cfg, through the shared parser. */
	if (!menu_load_config(ld))
		goto fail;

	/* The default entry, or the one picked before the timeout. */
	if (!menu_choose_entry(ld))
		goto fail;

	/* Check the bzImage, place it, read its protected-mode part. */
	if (!linux_load_kernel(ld))
		goto fail;

	/* The initrd(s), concatenated, as high as initrd_addr_max allows. */
	if (!linux_load_initrds(ld))
		goto fail;

	/* The command line, in its own buffer below 4 GiB. */
	if (!linux_set_cmdline(ld))
		goto fail;

	/* The zero page: setup header copied, then the header writes. */
	if (!linux_init_boot_params(ld))
		goto fail;

	/* screen_info from GOP: the kernel's frame buffer console. */
	video_fill_screen_info(ld);

	/* acpi_rsdp_addr from the firmware's configuration table. */
	acpi_fill_rsdp(ld);

	/* The map buffer, allocated now: none may happen after the map. */
	if (!memory_prepare_map(ld))
		goto fail;

	console_printf("bzboot: starting the kernel\n");

	/* Final map -> e820 and efi_info, then ExitBootServices. */
	if (!memory_exit_boot_services(ld))
		goto fail;

	/* Own GDT, interrupts off, RSI = boot_params: the kernel's entry. */
	linux_start_kernel(ld);

fail:
	return console_halt();
}
