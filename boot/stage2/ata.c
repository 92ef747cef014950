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
 * (class 01:01 with a bus-master block in BAR4) through configuration
 * mechanism 1, runs IDENTIFY DEVICE (LBA48, DMA, the sector count INT 13h
 * reported); disk.c then compares sample reads with INT 13h before it uses
 * ata_read_channel() for the boot. The channel itself (commands, polling,
 * clean-up) is drivers/ata.c, shared with the UEFI loader; here are its
 * PCI access, its timeout clock (the PIT) and its PRD table (layout.h).
 */
#include <stdarg.h>

#include "ata.h"
#include "fmt.h"
#include "layout.h"
#include "portio.h"
#include "stage2.h"
#include "trace.h"

/* PCI configuration mechanism 1. */
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000u

/* The PRD table at ATA_PRD_ADDR (layout.h) for ATA_DMA_MAX_SECTORS. */
_Static_assert(ATA_PRD_ENTRIES(ATA_DMA_MAX_SECTORS) * sizeof(struct ata_prd)
	       <= ATA_PRD_SIZE, "PRD table");
_Static_assert(ATA_PRD_ADDR % ATA_PRD_SIZE == 0 &&
	       ATA_PRD_SIZE <= ATA_PRD_PIECE,
	       "the PRD table may not cross 64 KiB");
_Static_assert(ATA_DMA_MAX_SECTORS <= ATA_READ_MAX_SECTORS,
	       "READ DMA EXT sector count");

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

static void pit_clock_start(struct ata_clock *c)
{
	*c = (struct ata_clock){ .last = pit_read() };
}

static bool pit_clock_expired(struct ata_clock *c)
{
	uint16_t now = pit_read();

	if (now > c->last)
		c->ticks++;
	c->last = now;
	return c->ticks >= ATA_TIMEOUT_RESTARTS ||
	       ++c->polls >= ATA_POLL_MAX;
}

/* The channel in use, found by ata_open(); the hooks make it .data. */
static struct {
	struct ata_channel ch;
	uint32_t pci;			/* the function's config address */
	uint16_t pci_command;		/* as the BIOS left it */
	bool ready;
} chan = {
	.ch = {
		.clock_start = pit_clock_start,
		.clock_expired = pit_clock_expired,
	},
};

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
	struct ata_pci_function f = {
		.bus = loc->bus, .device = loc->device,
		.function = loc->function,
	};
	const char *err;
	uint8_t progif;
	int ch = loc->channel;

	chan.pci = pci_address(loc->bus, loc->device, loc->function);
	f.id = pci_read32(chan.pci, PCI_VENDOR_ID);
	if ((f.id & 0xffff) == 0xffff)
		return because("no PCI function at %02x:%02x.%u", loc->bus,
			       loc->device, loc->function);
	f.class = pci_read32(chan.pci, PCI_CLASS_REVISION);
	f.command = (uint16_t)pci_read32(chan.pci, PCI_COMMAND);
	for (int i = 0; i < IDE_BARS; i++)
		f.bar[i] = pci_read32(chan.pci, PCI_BAR0 + 4 * i);
	err = ata_check_function(&f, why, sizeof(why));
	if (err)
		return err;
	chan.pci_command = f.command;
	progif = (uint8_t)(f.class >> 8);

	/* The Phoenix layout has no channel: the DPTE's port tells. */
	for (int c = 0; ch < 0 && loc->dpte_port && c < 2; c++)
		if (ata_channel_ports(&chan.ch, progif, c, f.bar) &&
		    chan.ch.cmd == loc->dpte_port)
			ch = c;
	if (ch < 0 || ch > 1)
		return "EDD names no IDE channel";
	if (!ata_channel_ports(&chan.ch, progif, ch, f.bar))
		return "the channel's ports are not I/O BARs";
	if (loc->dpte_port && loc->dpte_port != chan.ch.cmd)
		return because("EDD's DPTE says port 0x%x, PCI says 0x%x",
			       loc->dpte_port, chan.ch.cmd);
	chan.ch.device = loc->slave ? ATA_DEV_SLAVE : 0;
	trace(TRACE_ATA, (unsigned)(f.id & 0xffff), (unsigned)(f.id >> 16),
	      loc->bus, loc->device, loc->function, ch,
	      loc->slave ? "slave" : "master", chan.ch.cmd, chan.ch.ctrl);
	return NULL;
}

const char *ata_open(const struct ata_location *loc, uint64_t sectors)
{
	uint16_t *id = (void *)BOUNCE_ADDR;	/* free between reads */
	uint64_t id_sectors;
	const char *err;

	chan.ready = false;
	err = ata_find(loc);
	if (!err)
		err = ata_identify(&chan.ch, id, &id_sectors, why, sizeof(why));
	if (err)
		return err;
	if (id_sectors != sectors)
		return because("IDENTIFY DEVICE says %llu sectors, "
			       "INT 13h %llu", (unsigned long long)id_sectors,
			       (unsigned long long)sectors);

	/* SeaBIOS reads by PIO and may have left bus mastering off. */
	if (!(chan.pci_command & PCI_COMMAND_MASTER))
		pci_write16(chan.pci, PCI_COMMAND,
			    chan.pci_command | PCI_COMMAND_MASTER);
	trace(TRACE_ATA_BM, chan.ch.bm,
	      chan.pci_command & PCI_COMMAND_MASTER ? "" : TRACE_ATA_BM_ON);
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

bool ata_read_channel(uint64_t lba, uint32_t count, uint32_t addr,
		      struct ata_error *err)
{
	*err = (struct ata_error){ 0 };
	if (!chan.ready || count > ATA_DMA_MAX_SECTORS)
		return false;
	return ata_read_dma(&chan.ch, (void *)ATA_PRD_ADDR, ATA_PRD_ADDR, lba,
			    count, addr, err);
}
