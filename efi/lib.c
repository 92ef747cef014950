// SPDX-License-Identifier: MIT
/*
 * lib.c - the few things BOOTX64.EFI would otherwise take from gnu-efi's
 * libefi: the system table pointers and the protocol GUIDs the loader
 * uses, with the values gnu-efi's headers give them.
 *
 * Why not libefi itself: a static library is linked by object file, and
 * libefi's data.o (where these live) reaches its string, memory, print and
 * device-path code, about 20 KB of the loader's 96 KiB budget for code
 * the loader never calls. Nothing else from libefi is used (the link in
 * efi/efi.mk fails on any undefined symbol); copies and fills go through
 * boot services (BS->CopyMem, BS->SetMem), comparisons through
 * mem_equal() (loader.h).
 */
#include "loader.h"

/* Set by efi_main() from the table the firmware passes. */
EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;

EFI_GUID gEfiLoadedImageProtocolGuid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID gEfiDevicePathProtocolGuid = EFI_DEVICE_PATH_PROTOCOL_GUID;
EFI_GUID gEfiBlockIoProtocolGuid = EFI_BLOCK_IO_PROTOCOL_GUID;
EFI_GUID gEfiDiskIoProtocolGuid = EFI_DISK_IO_PROTOCOL_GUID;
EFI_GUID gEfiSimpleFileSystemProtocolGuid =
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
EFI_GUID gEfiFileInfoGuid = EFI_FILE_INFO_ID;
EFI_GUID gEfiGlobalVariableGuid = EFI_GLOBAL_VARIABLE;
EFI_GUID gEfiGraphicsOutputProtocolGuid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
EFI_GUID gEfiPciIoProtocolGuid = EFI_PCI_IO_PROTOCOL_GUID;
