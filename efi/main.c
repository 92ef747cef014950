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
 * The loader core (core/) reads the config, shows the menu and runs the
 * entry loop, as in stage2; boot_entry() here is the UEFI way to boot one.
 * A failure prints one line that names the file and the problem. Then a
 * key tries the next entry (R reboots); when none is left, a key reboots.
 * Nothing loops or reboots by itself.
 */
#include "bli.h"
#include "boot.h"
#include "load.h"
#include "loader.h"
#include "phase.h"
#include "platform.h"

/* One entry, from its kernel file to the jump; returns only on failure. */
static void boot_entry(struct loader *ld)
{
	bool gone;

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

	/* The TPM's event log, with ours in it, as a table for the kernel. */
	tpm_install_event_log(ld);

	/* The map buffer, allocated now: none may happen after the map. */
	if (!memory_prepare_map(ld))
		return;

	linux_trace_handover(ld);
	load_say_starting();
	/* Before the final map: a variable write may allocate memory. */
	bli_exec_time();

	/*
	 * Final map -> e820 and efi_info, then ExitBootServices. A failure
	 * before the first ExitBootServices call leaves boot services up:
	 * the entry loop goes on. After one, the firmware may be half gone
	 * (no allocation, no key from ConIn): stop there.
	 */
	if (!memory_exit_boot_services(ld, &gone)) {
		if (gone)
			console_fatal();
		return;
	}

	/* Own GDT, interrupts off, RSI = boot_params: the kernel's entry. */
	linux_start_kernel(ld);
}

void plat_boot_entry(const struct config_entry *entry)
{
	struct loader *ld = platform_loader;

	ld->entry = entry;
	bli_selected(entry);
	boot_entry(ld);
	/* It failed and said why: give back what it allocated. */
	linux_unload(ld);
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

	/* The loader's clock, for the trace's phase lines. */
	phase_start();

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
	platform_loader = ld;

	/* A key held at start turns the trace on ('t' or 'T'). */
	boot_check_trace_key();

	/* The FAT volume BOOTX64.EFI came from: config, kernel, initrd. */
	if (!file_open_boot_volume(ld))
		console_fatal();

	/* A TPM to measure into, if the firmware has one (trust.c). */
	ld->trace = trace_on;
	tpm_open(ld);

	/* /bzboot.cfg: entries, default, timeout, trace; measured. */
	if (!boot_read_config(&ld->cfg))
		console_fatal();

	/* Under Secure Boot only an enrolled config, pinning every file. */
	trust_read_secure_boot(ld);
	if (!trust_check_secure_boot(ld))
		console_fatal();
	ld->trace = trace_on;
	bli_export(ld);
	if (ld->cfg.gdb)
		gdb_wait(ld);

	/* Faster reads: IDE DMA, if the boot disk is provably on a channel. */
	ata_open_boot_disk(ld);

	/*
	 * The menu, then the chosen entry through boot_entry(); the others
	 * in turn, while they fail.
	 */
	boot_entries(&ld->cfg);
}
