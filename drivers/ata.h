/* SPDX-License-Identifier: MIT */
/*
 * ata.h - reading an ATA disk on a PCI IDE channel by bus-master DMA
 * (SFF-8038i, the register layout of Intel's PIIX and its clones), shared
 * by stage2 (boot/stage2/ata.c) and the UEFI loader (efi/ata.c).
 *
 * Freestanding, no allocation, no globals: the caller finds the PCI
 * function and its channel, fills a struct ata_channel with
 * ata_channel_ports(), and hands in the PRD table (memory below 4 GiB, not
 * crossing 64 KiB) and 32-bit bus addresses of the destinations. Port I/O
 * is direct (in/out): both loaders run in ring 0. Each loader supplies the
 * time source for the timeouts, as two hooks in struct ata_channel.
 *
 * Two files: ata_data.c decides from data alone (the PCI function, the
 * ports, the PRD table, the IDENTIFY words) and is unit tested on the
 * host (tests/unit/test_ata.c); ata.c drives the ports and is linked only
 * into the loaders.
 */
#ifndef DRIVERS_ATA_H
#define DRIVERS_ATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Configuration space offsets (PCI Local Bus Specification). */
#define PCI_VENDOR_ID		0x00	/* device id at 0x02 */
#define PCI_COMMAND		0x04
#define PCI_CLASS_REVISION	0x08	/* revision, prog-if, subclass, class */
#define PCI_BAR0		0x10	/* BAR n at 0x10 + 4 * n */
#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MASTER	0x0004
#define PCI_BAR_IO		0x1
/* Class 01h (mass storage), subclass 01h (IDE). */
#define PCI_CLASS_STORAGE	0x01
#define PCI_SUBCLASS_IDE	0x01
/*
 * The IDE programming interface byte: bit 0 (channel 0) and bit 2
 * (channel 1) set mean native mode, ports in BAR0/1 and BAR2/3; clear
 * means the legacy ports. Bit 7: a bus-master block in BAR4.
 */
#define IDE_PROGIF_NATIVE(ch)	(1u << (2 * (ch)))
#define IDE_PROGIF_BUS_MASTER	0x80
#define IDE_BAR_BUS_MASTER	4
#define IDE_BARS		5

/* Status register bits. */
#define ATA_SR_BSY		0x80
#define ATA_SR_DF		0x20
#define ATA_SR_DRQ		0x08
#define ATA_SR_ERR		0x01
/* Bus-master status: the engine itself failed (write 1 to clear). */
#define ATA_BM_SR_ERROR		0x02
/* Device register: device 1. */
#define ATA_DEV_SLAVE		0x10

/* One physical region descriptor: a piece may not cross 64 KiB. */
struct ata_prd {
	uint32_t addr;
	uint16_t bytes;			/* 0 means 64 KiB */
	uint16_t flags;
} __attribute__((packed));

#define ATA_PRD_PIECE		0x10000
/*
 * The most a command of n sectors needs: one per 64 KiB or part of it,
 * and one more when the start is not 64 KiB aligned (1 sector at 0x1ff00
 * takes 2).
 */
#define ATA_PRD_ENTRIES(n) \
	(((n) * 512u + ATA_PRD_PIECE - 1) / ATA_PRD_PIECE + 1)
/* READ DMA EXT's sector count is 16 bits (0 would mean 65536). */
#define ATA_READ_MAX_SECTORS	65535


/* How a command failed: a timeout, or the registers at its end. */
struct ata_error {
	bool timeout;
	uint8_t status, error, bm_status;
};

/* A timeout's state; the fields are the loader's clock hooks' to use. */
struct ata_clock {
	uint32_t last;
	uint32_t ticks;
	uint32_t polls;
};

/*
 * One IDE channel, the device on it, and the loader's time source:
 * clock_expired() is called between polls and says when a few seconds
 * have passed since clock_start().
 */
struct ata_channel {
	uint16_t cmd, ctrl, bm;		/* command, control, bus-master ports */
	uint8_t device;			/* ATA_DEV_SLAVE or 0 */
	void (*clock_start)(struct ata_clock *c);
	bool (*clock_expired)(struct ata_clock *c);
};

/*
 * Where the firmware says the boot drive is (stage2: the EDD 3.0 device
 * path, edd.h; the EFI loader: the boot device's path, devpath.h).
 */
struct ata_location {
	uint8_t bus, device, function;	/* the PCI IDE function */
	int channel;			/* 0, 1; -1: not given (Phoenix) */
	int slave;			/* 0 master, 1 slave */
	uint16_t dpte_port;		/* the EDD DPTE's command port, or 0 */
};

/*
 * What a loader read from the IDE function's configuration space (stage2
 * through mechanism 1, the EFI loader through PCI I/O), and where the
 * function is, for the messages.
 */
struct ata_pci_function {
	unsigned bus, device, function;
	uint32_t id;			/* PCI_VENDOR_ID: vendor, device */
	uint32_t class;			/* PCI_CLASS_REVISION */
	uint16_t command;		/* PCI_COMMAND */
	uint32_t bar[IDE_BARS];
};

/* IDENTIFY DEVICE: 256 words. */
#define ATA_IDENTIFY_WORDS	256

/* ata_data.c: no I/O. */

/*
 * Whether the function can serve: a PCI IDE controller (class 01:01)
 * with a bus-master I/O block and its I/O ports on. NULL, or why not
 * (static text, or written into why).
 */
const char *ata_check_function(const struct ata_pci_function *f, char *why,
			       size_t why_size);

/*
 * The channel's ports from the function's programming interface and its
 * BARs (bar[0..4]): legacy or native command/control ports, the
 * bus-master block. False when a port the mode needs is not an I/O BAR.
 */
bool ata_channel_ports(struct ata_channel *ch, uint8_t progif, int channel,
		       const uint32_t *bar);

/*
 * The PRD table for count sectors (>= 1) at the bus address addr (even):
 * pieces that do not cross 64 KiB, the last one marked. Returns the
 * entries written, at most ATA_PRD_ENTRIES(count).
 */
unsigned ata_fill_prd(struct ata_prd *prd, uint32_t addr, uint32_t count);

/*
 * Whether IDENTIFY DEVICE data id[ATA_IDENTIFY_WORDS] is an ATA disk with
 * DMA and 48-bit addressing: NULL with *sectors set (its LBA48 sector
 * count), or why not.
 */
const char *ata_identify_check(const uint16_t *id, uint64_t *sectors);

/* ata.c: port I/O. */

/*
 * IDENTIFY DEVICE by PIO into id[256] and its check: an ATA disk with DMA
 * and 48-bit addressing. NULL with *sectors set (its LBA48 sector count),
 * or why not, written into why.
 */
const char *ata_identify(const struct ata_channel *ch, uint16_t *id,
			 uint64_t *sectors, char *why, size_t why_size);

/*
 * One READ DMA EXT command: count sectors (1 .. ATA_READ_MAX_SECTORS, and
 * at most what prd has room for) at lba to the bus address addr (even),
 * with prd (at bus address prd_bus) as the PRD table. Polled, with the
 * interrupt request masked; a timeout resets the channel. Ends with the
 * engine stopped and its status cleared. False, with err, on failure.
 */
bool ata_read_dma(const struct ata_channel *ch, struct ata_prd *prd,
		  uint32_t prd_bus, uint64_t lba, uint32_t count, uint32_t addr,
		  struct ata_error *err);

#endif /* DRIVERS_ATA_H */
