/* SPDX-License-Identifier: MIT */
/*
 * devpath.h - where a UEFI device path (UEFI spec, "Device Path
 * Protocol") says an IDE disk partition is: the Pci() node, then Ata()
 * (channel, master or slave), then HD() (the partition's first LBA). The
 * EFI loader (efi/ata.c) hands in its boot partition's path; devpath.c
 * reads it as bytes, with no firmware call, unit tested on the host
 * (tests/unit/test_ata.c).
 */
#ifndef DRIVERS_DEVPATH_H
#define DRIVERS_DEVPATH_H

#include <stddef.h>
#include <stdint.h>

/* Every node starts with type, sub-type and its length in bytes (LE). */
#define DEVPATH_HEADER_BYTES	4
#define DEVPATH_HARDWARE	0x01
#define DEVPATH_HW_PCI		0x01
#define DEVPATH_MESSAGING	0x03
#define DEVPATH_MSG_ATAPI	0x01	/* "Ata()": IDE channel, device */
#define DEVPATH_MEDIA		0x04
#define DEVPATH_MEDIA_HARDDRIVE	0x01	/* "HD()": a partition */
#define DEVPATH_END		0x7f
#define DEVPATH_END_ENTIRE	0xff
/* Node lengths, and the fields this reads, as offsets in the node. */
#define DEVPATH_ATAPI_BYTES	8
#define DEVPATH_ATAPI_CHANNEL	4	/* PrimarySecondary: 0, 1 */
#define DEVPATH_ATAPI_DEVICE	5	/* SlaveMaster: 0 master, 1 slave */
#define DEVPATH_HD_BYTES	42
#define DEVPATH_HD_START	8	/* PartitionStart, 64-bit LBA */

/* What devpath_find_ata() found, as byte offsets into the path. */
struct devpath_ata {
	size_t ata;			/* the Ata() node */
	size_t hd;			/* the HD() node after it */
	int channel;			/* 0 primary, 1 secondary */
	int slave;			/* 0 master, 1 slave */
	uint64_t part_lba;		/* HD()'s PartitionStart */
};

/*
 * Walk the path dp (up to its End node): the first Ata() after a Pci()
 * node, and the first HD() after that. NULL, or why DMA is not tried.
 */
const char *devpath_find_ata(const void *dp, struct devpath_ata *p);

#endif /* DRIVERS_DEVPATH_H */
