// SPDX-License-Identifier: MIT
/*
 * ata.c - reading the boot disk by ATA bus-master DMA, straight from its
 * IDE channel into the destination, for stage2 in 32-bit protected mode
 * with interrupts off.
 *
 * Why: SeaBIOS reads IDE disks by PIO, at most 64 KiB per INT 13h call,
 * at about 6.7 MiB/s under QEMU; one READ DMA EXT command moves megabytes
 * at a time. Only for a disk that disk.c has located through the BIOS's
 * EDD 3.0 device path (INT 13h AH=48h: PCI bus/device/function, channel,
 * master or slave) and then checked: ata_open() finds the PCI IDE function
 * (class 01:01 with a bus-master block in BAR4, the SFF-8038i register
 * layout of Intel's PIIX and its clones), runs IDENTIFY DEVICE (LBA48, DMA,
 * the sector count INT 13h reported); disk.c then compares sample reads
 * with INT 13h before it uses ata_read_dma() for the boot.
 *
 * The BIOS owns the controller before and after us: every command runs
 * with nIEN set (no interrupt request; the polling needs none), ends with
 * the engine stopped, the status register read and the bus-master status
 * cleared, and leaves the device control register as SeaBIOS does between
 * its own commands. A command that does not end within a few seconds is
 * stopped and the channel reset, so that INT 13h can take over.
 */
#include <stdarg.h>

#include "fmt.h"
#include "layout.h"
#include "portio.h"
#include "stage2.h"

/* PCI configuration mechanism 1. */
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000u
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
 * means the legacy ports below. Bit 7: a bus-master block in BAR4.
 */
#define IDE_PROGIF_NATIVE(ch)	(1u << (2 * (ch)))
#define IDE_PROGIF_BUS_MASTER	0x80
#define IDE_BAR_BUS_MASTER	4

/* Legacy command and control (alternate status) ports of each channel. */
static const uint16_t legacy_cmd_port[2] = { 0x1f0, 0x170 };
static const uint16_t legacy_ctrl_port[2] = { 0x3f6, 0x376 };
/* In native mode BARn+1 holds 4 ports; the control register is the third. */
#define IDE_NATIVE_CTRL_OFFSET	2

/* Command block registers, from the command port (ATA8-ACS / ATA-ATAPI). */
#define ATA_DATA		0
#define ATA_ERROR		1	/* read */
#define ATA_FEATURES		1	/* write */
#define ATA_COUNT		2
#define ATA_LBA_LOW		3
#define ATA_LBA_MID		4
#define ATA_LBA_HIGH		5
#define ATA_DEVICE		6
#define ATA_STATUS		7	/* read; clears a pending interrupt */
#define ATA_COMMAND		7	/* write */
/* Status bits. */
#define ATA_SR_BSY		0x80
#define ATA_SR_DF		0x20
#define ATA_SR_DRQ		0x08
#define ATA_SR_ERR		0x01
/* Device register: LBA addressing, device 1; bits 7 and 5 obsolete, set. */
#define ATA_DEV_LBA		0x40
#define ATA_DEV_SLAVE		0x10
#define ATA_DEV_OBSOLETE	0xa0
/*
 * Device control register: nIEN masks the interrupt request, SRST resets
 * both devices of the channel. Bit 3 is obsolete; SeaBIOS keeps it set
 * and leaves nIEN clear between its commands, so that is how we leave it.
 */
#define ATA_CTL_NIEN		0x02
#define ATA_CTL_SRST		0x04
#define ATA_CTL_BIOS		0x08
/* Commands. */
#define ATA_CMD_IDENTIFY	0xec
#define ATA_CMD_READ_DMA_EXT	0x25
/* IDENTIFY DEVICE words. */
#define ID_CONFIG		0	/* bit 15 clear: an ATA device */
#define ID_CAPABILITIES		49	/* bit 8: DMA supported */
#define ID_COMMANDS_2		83	/* bit 10: 48-bit addressing */
#define ID_LBA48_SECTORS	100	/* words 100-103 */
#define ID_NOT_ATA		(1u << 15)
#define ID_DMA			(1u << 8)
#define ID_LBA48		(1u << 10)

/* Bus-master registers (SFF-8038i), from the channel's block in BAR4. */
#define BM_COMMAND		0
#define BM_STATUS		2
#define BM_PRD_TABLE		4
#define BM_CHANNEL_STRIDE	8
#define BM_CMD_START		0x01
#define BM_CMD_TO_MEMORY	0x08	/* a read from the disk */
#define BM_SR_ACTIVE		0x01
#define BM_SR_ERROR		0x02	/* write 1 to clear */
#define BM_SR_INTERRUPT		0x04	/* write 1 to clear */
#define BM_SR_KEEP		0x60	/* "drive n DMA capable", set by BIOS */

/*
 * The physical region descriptor table (at ATA_PRD_ADDR, layout.h): one
 * entry per piece of the destination; a piece may not cross a 64 KiB
 * boundary.
 */
struct ata_prd {
	uint32_t addr;
	uint16_t bytes;			/* 0 means 64 KiB */
	uint16_t flags;
} __attribute__((packed));

#define PRD_END			0x8000	/* the last entry */
#define PRD_PIECE		0x10000
/* The most a command needs: one piece per 64 KiB, one more if unaligned. */
#define PRD_ENTRIES		(ATA_DMA_MAX_SECTORS * 512 / PRD_PIECE + 1)

_Static_assert(sizeof(struct ata_prd) == 8, "SFF-8038i PRD entry");
_Static_assert(PRD_ENTRIES * sizeof(struct ata_prd) <= ATA_PRD_SIZE,
	       "PRD table");
_Static_assert(ATA_PRD_ADDR % ATA_PRD_SIZE == 0 && ATA_PRD_SIZE <= PRD_PIECE,
	       "the PRD table may not cross 64 KiB");
_Static_assert(ATA_DMA_MAX_SECTORS <= 65535, "READ DMA EXT sector count");

/*
 * Timeouts: channel 0 of the PIT, which the BIOS runs at 18.2 Hz. Its
 * count goes down and starts again from the top once (mode 2) or twice
 * (mode 3, square wave) per 55 ms period, so 92 restarts are 2.5 to 5 s,
 * whichever mode the BIOS chose. Reading it needs no interrupt. A PIT that
 * does not count at all still ends the wait after ATA_POLL_MAX polls.
 */
#define PIT_CHANNEL0		0x40
#define PIT_MODE		0x43
#define PIT_LATCH_CHANNEL0	0x00
#define ATA_TIMEOUT_RESTARTS	92
#define ATA_POLL_MAX		(1u << 24)

struct ata_clock {
	uint16_t last;
	unsigned restarts;
	unsigned polls;
};

/* The channel in use, found by ata_open(). */
static struct {
	uint32_t pci;			/* the function's config address */
	uint16_t cmd, ctrl, bm;		/* command, control, bus-master ports */
	uint8_t device;			/* ATA_DEV_SLAVE or 0 */
	uint16_t pci_command;		/* as the BIOS left it */
	bool ready;
} chan;

static char why[96];

static uint32_t pci_address(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 |
	       (uint32_t)(dev & 0x1f) << 11 | (uint32_t)(fn & 7) << 8;
}

static uint32_t pci_read32(uint32_t pci, uint8_t reg)
{
	outl(PCI_CONFIG_ADDRESS, pci | (reg & 0xfc));
	return inl(PCI_CONFIG_DATA);
}

/* 16 bits alone: the status register beside the command one is RW1C. */
static void pci_write16(uint32_t pci, uint8_t reg, uint16_t v)
{
	outl(PCI_CONFIG_ADDRESS, pci | (reg & 0xfc));
	outw(PCI_CONFIG_DATA + (reg & 2), v);
}

static uint16_t pit_read(void)
{
	uint8_t lo, hi;

	outb(PIT_MODE, PIT_LATCH_CHANNEL0);
	lo = inb(PIT_CHANNEL0);
	hi = inb(PIT_CHANNEL0);
	return (uint16_t)(hi << 8 | lo);
}

static void clock_start(struct ata_clock *c)
{
	*c = (struct ata_clock){ .last = pit_read() };
}

static bool clock_expired(struct ata_clock *c)
{
	uint16_t now = pit_read();

	if (now > c->last)
		c->restarts++;
	c->last = now;
	return c->restarts >= ATA_TIMEOUT_RESTARTS ||
	       ++c->polls >= ATA_POLL_MAX;
}

/* The alternate status: the status without clearing an interrupt. */
static uint8_t ata_alt_status(void)
{
	return inb(chan.ctrl);
}

/* Wait until (status & mask) == 0; false on a timeout. */
static bool ata_wait_clear(uint8_t mask, uint8_t *status)
{
	struct ata_clock c;

	clock_start(&c);
	for (;;) {
		*status = ata_alt_status();
		if (!(*status & mask))
			return true;
		if (clock_expired(&c))
			return false;
	}
}

/*
 * A delay of n reads of the alternate status, each at least 100 ns on
 * the ISA-timed IDE ports: 400 ns for the status to become valid after a
 * command or a device change, 5 us for a software reset pulse.
 */
#define ATA_DELAY_400NS		4
#define ATA_DELAY_5US		50

static void ata_delay(unsigned n)
{
	while (n--)
		ata_alt_status();
}

/* Select our device with interrupts masked; false if it stays busy. */
static bool ata_select(uint8_t *status)
{
	outb(chan.ctrl, ATA_CTL_BIOS | ATA_CTL_NIEN);
	if (!ata_wait_clear(ATA_SR_BSY | ATA_SR_DRQ, status))
		return false;
	outb(chan.cmd + ATA_DEVICE,
	     ATA_DEV_OBSOLETE | ATA_DEV_LBA | chan.device);
	ata_delay(ATA_DELAY_400NS);
	return ata_wait_clear(ATA_SR_BSY | ATA_SR_DRQ, status);
}

/*
 * After a command: a channel still busy (a timeout) gets a software reset,
 * then the device control register goes back to what SeaBIOS expects.
 */
static void ata_finish(void)
{
	uint8_t status;

	if (ata_alt_status() & (ATA_SR_BSY | ATA_SR_DRQ)) {
		outb(chan.ctrl, ATA_CTL_BIOS | ATA_CTL_NIEN | ATA_CTL_SRST);
		ata_delay(ATA_DELAY_5US);
		outb(chan.ctrl, ATA_CTL_BIOS | ATA_CTL_NIEN);
		ata_delay(ATA_DELAY_400NS);
		ata_wait_clear(ATA_SR_BSY, &status);
	}
	inb(chan.cmd + ATA_STATUS);
	outb(chan.ctrl, ATA_CTL_BIOS);
}

/* IDENTIFY DEVICE by PIO into id[256]; false with the status on failure. */
static bool ata_identify(uint16_t *id, uint8_t *status)
{
	bool ok = false;

	if (!ata_select(status))
		goto out;
	outb(chan.cmd + ATA_COMMAND, ATA_CMD_IDENTIFY);
	ata_delay(ATA_DELAY_400NS);
	if (!ata_wait_clear(ATA_SR_BSY, status))
		goto out;
	if ((*status & (ATA_SR_ERR | ATA_SR_DF)) || !(*status & ATA_SR_DRQ))
		goto out;
	for (int i = 0; i < 256; i++)
		id[i] = inw(chan.cmd + ATA_DATA);
	ok = true;
out:
	ata_finish();
	return ok;
}

/*
 * The channel's ports: legacy or from BAR0-3, per the programming
 * interface; false when a native-mode BAR is not an I/O BAR.
 */
static bool ata_channel_ports(uint8_t progif, int ch)
{
	uint32_t cmd_bar, ctrl_bar;

	if (!(progif & IDE_PROGIF_NATIVE(ch))) {
		chan.cmd = legacy_cmd_port[ch];
		chan.ctrl = legacy_ctrl_port[ch];
		return true;
	}
	cmd_bar = pci_read32(chan.pci, PCI_BAR0 + 8 * ch);
	ctrl_bar = pci_read32(chan.pci, PCI_BAR0 + 8 * ch + 4);
	if (!(cmd_bar & ctrl_bar & PCI_BAR_IO))
		return false;
	chan.cmd = (uint16_t)(cmd_bar & 0xfffc);
	chan.ctrl = (uint16_t)((ctrl_bar & 0xfffc) + IDE_NATIVE_CTRL_OFFSET);
	return chan.cmd && chan.ctrl != IDE_NATIVE_CTRL_OFFSET;
}

/* Why the channel is not used, into why[]; returns why. */
__attribute__((format(printf, 1, 2)))
static const char *because(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return why;
}

/* Find the PCI function and the channel; NULL, or why not. */
static const char *ata_find(const struct ata_location *loc)
{
	uint32_t id, class, bar;
	uint8_t progif;
	int ch = loc->channel;

	chan.pci = pci_address(loc->bus, loc->device, loc->function);
	id = pci_read32(chan.pci, PCI_VENDOR_ID);
	if ((id & 0xffff) == 0xffff)
		return because("no PCI function at %02x:%02x.%u", loc->bus,
			       loc->device, loc->function);
	class = pci_read32(chan.pci, PCI_CLASS_REVISION);
	progif = (uint8_t)(class >> 8);
	if ((class >> 24) != PCI_CLASS_STORAGE ||
	    (uint8_t)(class >> 16) != PCI_SUBCLASS_IDE)
		return because("PCI %02x:%02x.%u is class %02x:%02x, not IDE",
			       loc->bus, loc->device, loc->function,
			       (unsigned)(class >> 24),
			       (unsigned)(uint8_t)(class >> 16));
	bar = pci_read32(chan.pci, PCI_BAR0 + 4 * IDE_BAR_BUS_MASTER);
	if (!(progif & IDE_PROGIF_BUS_MASTER) || !(bar & PCI_BAR_IO) ||
	    !(bar & 0xfffc))
		return "the IDE controller has no bus-master I/O block";
	chan.pci_command = (uint16_t)pci_read32(chan.pci, PCI_COMMAND);
	if (!(chan.pci_command & PCI_COMMAND_IO))
		return "the IDE controller's I/O ports are off";

	/* The Phoenix layout has no channel: the DPTE's port tells. */
	for (int c = 0; ch < 0 && loc->dpte_port && c < 2; c++)
		if (ata_channel_ports(progif, c) && chan.cmd == loc->dpte_port)
			ch = c;
	if (ch < 0 || ch > 1)
		return "EDD names no IDE channel";
	if (!ata_channel_ports(progif, ch))
		return "the channel's ports are not I/O BARs";
	if (loc->dpte_port && loc->dpte_port != chan.cmd)
		return because("EDD's DPTE says port 0x%x, PCI says 0x%x",
			       loc->dpte_port, chan.cmd);
	chan.bm = (uint16_t)((bar & 0xfffc) + BM_CHANNEL_STRIDE * ch);
	chan.device = loc->slave ? ATA_DEV_SLAVE : 0;
	trace("trace: ata %04x:%04x at %02x:%02x.%u channel %d %s, "
	      "ports 0x%x/0x%x\n", (unsigned)(id & 0xffff),
	      (unsigned)(id >> 16), loc->bus, loc->device, loc->function, ch,
	      loc->slave ? "slave" : "master", chan.cmd, chan.ctrl);
	return NULL;
}

const char *ata_open(const struct ata_location *loc, uint64_t sectors)
{
	uint16_t *id = (void *)BOUNCE_ADDR;	/* free between reads */
	uint64_t id_sectors;
	const char *err;
	uint8_t status;

	chan.ready = false;
	err = ata_find(loc);
	if (err)
		return err;
	if (!ata_identify(id, &status))
		return because("IDENTIFY DEVICE failed, status 0x%02x", status);
	if (id[ID_CONFIG] & ID_NOT_ATA)
		return "IDENTIFY DEVICE: not an ATA disk";
	if (!(id[ID_CAPABILITIES] & ID_DMA))
		return "IDENTIFY DEVICE: no DMA";
	if (!(id[ID_COMMANDS_2] & ID_LBA48))
		return "IDENTIFY DEVICE: no 48-bit addressing";
	id_sectors = (uint64_t)id[ID_LBA48_SECTORS] |
		     (uint64_t)id[ID_LBA48_SECTORS + 1] << 16 |
		     (uint64_t)id[ID_LBA48_SECTORS + 2] << 32 |
		     (uint64_t)id[ID_LBA48_SECTORS + 3] << 48;
	if (id_sectors != sectors)
		return because("IDENTIFY DEVICE says %llu sectors, "
			       "INT 13h %llu", (unsigned long long)id_sectors,
			       (unsigned long long)sectors);

	/* SeaBIOS reads by PIO and may have left bus mastering off. */
	if (!(chan.pci_command & PCI_COMMAND_MASTER)) {
		pci_write16(chan.pci, PCI_COMMAND,
			    chan.pci_command | PCI_COMMAND_MASTER);
		trace("trace: ata bus master 0x%x, bus mastering turned on\n",
		      chan.bm);
	} else {
		trace("trace: ata bus master 0x%x\n", chan.bm);
	}
	chan.ready = true;
	return NULL;
}

/* Give the channel back to the BIOS alone: bus mastering as it was. */
void ata_close(void)
{
	if (chan.ready && !(chan.pci_command & PCI_COMMAND_MASTER))
		pci_write16(chan.pci, PCI_COMMAND, chan.pci_command);
	chan.ready = false;
}

/* The table for count sectors at addr (even): pieces within 64 KiB. */
static void ata_fill_prd(uint32_t addr, uint32_t count)
{
	struct ata_prd *prd_table = (void *)ATA_PRD_ADDR;
	uint32_t left = count * 512;
	unsigned i = 0;

	while (left) {
		uint32_t n = PRD_PIECE - (addr & (PRD_PIECE - 1));

		if (n > left)
			n = left;
		prd_table[i++] = (struct ata_prd){
			.addr = addr,
			.bytes = (uint16_t)n,	/* 64 KiB is 0 */
		};
		addr += n;
		left -= n;
	}
	prd_table[i - 1].flags = PRD_END;
}

bool ata_read_dma(uint64_t lba, uint32_t count, uint32_t addr,
		  struct ata_error *err)
{
	struct ata_clock c;
	uint8_t bm_status = 0, status = 0;
	bool done = false;

	*err = (struct ata_error){ 0 };
	if (!chan.ready || count == 0 || count > ATA_DMA_MAX_SECTORS ||
	    (addr & 1))
		return false;
	ata_fill_prd(addr, count);

	/* The engine stopped, its status clear, the table, the direction. */
	outb(chan.bm + BM_COMMAND, 0);
	outb(chan.bm + BM_STATUS, (inb(chan.bm + BM_STATUS) & BM_SR_KEEP) |
		 BM_SR_ERROR | BM_SR_INTERRUPT);
	outl(chan.bm + BM_PRD_TABLE, ATA_PRD_ADDR);
	outb(chan.bm + BM_COMMAND, BM_CMD_TO_MEMORY);

	if (ata_select(&status)) {
		/* 48-bit registers: the high bytes first, then the low. */
		outb(chan.cmd + ATA_FEATURES, 0);
		outb(chan.cmd + ATA_COUNT, (uint8_t)(count >> 8));
		outb(chan.cmd + ATA_LBA_LOW, (uint8_t)(lba >> 24));
		outb(chan.cmd + ATA_LBA_MID, (uint8_t)(lba >> 32));
		outb(chan.cmd + ATA_LBA_HIGH, (uint8_t)(lba >> 40));
		outb(chan.cmd + ATA_FEATURES, 0);
		outb(chan.cmd + ATA_COUNT, (uint8_t)count);
		outb(chan.cmd + ATA_LBA_LOW, (uint8_t)lba);
		outb(chan.cmd + ATA_LBA_MID, (uint8_t)(lba >> 8));
		outb(chan.cmd + ATA_LBA_HIGH, (uint8_t)(lba >> 16));
		outb(chan.cmd + ATA_COMMAND, ATA_CMD_READ_DMA_EXT);
		outb(chan.bm + BM_COMMAND, BM_CMD_TO_MEMORY | BM_CMD_START);

		/*
		 * Done when the engine has stopped and the device is neither
		 * busy nor asking for data. A device error may leave the
		 * engine active (the table not used up): it ends the wait too.
		 */
		clock_start(&c);
		for (;;) {
			bm_status = inb(chan.bm + BM_STATUS);
			status = ata_alt_status();
			if (!(bm_status & BM_SR_ACTIVE) &&
			    !(status & (ATA_SR_BSY | ATA_SR_DRQ))) {
				done = true;
				break;
			}
			if ((bm_status & BM_SR_ERROR) ||
			    ((status & (ATA_SR_ERR | ATA_SR_DF)) &&
			     !(status & ATA_SR_BSY)))
				break;
			if (clock_expired(&c)) {
				err->timeout = true;
				break;
			}
		}
	} else {
		err->timeout = true;
	}

	/* Stop; keep what the engine said when the wait ended. */
	outb(chan.bm + BM_COMMAND, 0);
	bm_status |= inb(chan.bm + BM_STATUS) & BM_SR_ERROR;
	status = inb(chan.cmd + ATA_STATUS);
	err->status = status;
	err->bm_status = bm_status;
	if (status & ATA_SR_ERR)
		err->error = inb(chan.cmd + ATA_ERROR);
	outb(chan.bm + BM_STATUS, (bm_status & BM_SR_KEEP) | BM_SR_ERROR |
		 BM_SR_INTERRUPT);
	ata_finish();
	return done && !(bm_status & BM_SR_ERROR) &&
	       !(status & (ATA_SR_ERR | ATA_SR_DF | ATA_SR_BSY | ATA_SR_DRQ));
}
