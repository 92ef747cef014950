/* SPDX-License-Identifier: MIT */
/*
 * bli.h - the Boot Loader Interface's variables the UEFI loader writes
 * (bli.c; it also defines plat_loader_var(), which reads the others).
 */
#ifndef EFI_BLI_H
#define EFI_BLI_H

#include "loader.h"

/* After the config: LoaderInfo, LoaderTimeInitUSec, LoaderFeatures,
 * LoaderEntries, LoaderDevicePartUUID. */
void bli_export(struct loader *ld);
/*
 * The HD() node of the device path this image was loaded from: the boot
 * partition, on either kind of partition table. False when there is none.
 */
bool bli_boot_partition(const struct loader *ld, HARDDRIVE_DEVICE_PATH *hd);
/* LoaderEntrySelected: the entry about to be loaded. */
void bli_selected(const struct config_entry *e);
/* LoaderTimeExecUSec: last, before the final memory map. */
void bli_exec_time(void);

#endif /* EFI_BLI_H */
