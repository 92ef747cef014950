/* SPDX-License-Identifier: MIT */
/*
 * edd.h - the BIOS's Enhanced Disk Drive data (INT 13h AH=48h, EDD 3.0,
 * T13 and Phoenix layouts) and where it says an ATA drive is. stage2
 * (boot/stage2/disk.c) calls the BIOS; edd.c decodes the result with no
 * I/O, unit tested on the host (tests/unit/test_ata.c).
 */
#ifndef DRIVERS_EDD_H
#define DRIVERS_EDD_H

#include <stddef.h>
#include <stdint.h>

#include "ata.h"

/*
 * INT 13h AH=48h result buffer: EDD 1.x, the 2.x DPTE pointer and the 3.0
 * device path in the T13 layout (the Phoenix one is 8 bytes shorter, its
 * device path 8 bytes, its checksum at 0x41). SeaBIOS fills the T13 layout
 * only for a buffer of exactly 74 bytes; there the PCI interface path
 * carries the channel in its fourth byte.
 */
struct edd_params {
	uint16_t size;			/* 0x00 */
	uint16_t flags;			/* 0x02 */
	uint32_t cylinders;		/* 0x04 */
	uint32_t heads;			/* 0x08 */
	uint32_t sectors_per_track;	/* 0x0c */
	uint64_t sectors;		/* 0x10 */
	uint16_t bytes_per_sector;	/* 0x18 */
	uint16_t dpte_off;		/* 0x1a: EDD 2.x DPTE far pointer */
	uint16_t dpte_seg;		/* 0x1c */
	uint16_t key;			/* 0x1e: EDD 3.0, 0xbedd */
	uint8_t path_length;		/* 0x20: from key to checksum */
	uint8_t reserved[3];		/* 0x21 */
	char host_bus[4];		/* 0x24: "PCI ", "ISA " */
	char interface[8];		/* 0x28: "ATA     ", "SCSI    ", ... */
	uint8_t interface_path[8];	/* 0x30: PCI bus, device, function,
					 * channel (T13) */
	uint8_t device_path[16];	/* 0x38: ATA: 0 master, 1 slave */
	uint8_t reserved2;		/* 0x48 */
	uint8_t checksum;		/* 0x49 */
} __attribute__((packed));

#define EDD_KEY			0xbedd
#define EDD_PATH_T13		44
#define EDD_PATH_PHOENIX	36

/* EDD 2.x Device Parameter Table Extension: how the BIOS drives it. */
struct edd_dpte {
	uint16_t cmd_port;		/* 0x00 */
	uint16_t ctrl_port;		/* 0x02 */
	uint8_t head_prefix;		/* 0x04: bit 4 set for the slave */
	uint8_t vendor[9];		/* 0x05 */
	uint8_t revision;		/* 0x0e */
	uint8_t checksum;		/* 0x0f: the 16 bytes sum to 0 */
} __attribute__((packed));

#define EDD_DPTE_SLAVE		0x10
/* The far pointer FFFFh:FFFFh: no DPTE. */
#define EDD_DPTE_NONE		0xffffffffu

_Static_assert(sizeof(struct edd_params) == 74, "EDD 3.0 T13 buffer");
_Static_assert(offsetof(struct edd_params, key) == 0x1e, "EDD 3.0 key");
_Static_assert(offsetof(struct edd_params, device_path) == 0x38, "EDD 3.0");
_Static_assert(sizeof(struct edd_dpte) == 16, "EDD DPTE");

/* The linear address of the DPTE p points to, 0 when it names none. */
uint32_t edd_dpte_addr(const struct edd_params *p);

/*
 * Where p's EDD 3.0 device path says the drive is: an ATA device on a PCI
 * function (channel -1 in the Phoenix layout). dpte: the DPTE at
 * edd_dpte_addr(p), or NULL; a valid one must agree on master or slave
 * and gives loc->dpte_port. NULL, or why DMA is not tried (static text,
 * or written into why); SeaBIOS gives an AHCI disk no device path and
 * calls a virtio disk "SCSI".
 */
const char *edd_ata_location(const struct edd_params *p,
			     const struct edd_dpte *dpte,
			     struct ata_location *loc, char *why,
			     size_t why_size);

#endif /* DRIVERS_EDD_H */
