// SPDX-License-Identifier: MIT
/*
 * ata.c - the IDE channel itself, shared by stage2 and the UEFI loader:
 * IDENTIFY DEVICE and READ DMA EXT through the SFF-8038i bus-master
 * engine, polled. What needs no port (the PCI function's check, the
 * ports, the PRD table, the IDENTIFY words) is ata_data.c.
 *
 * The firmware owns the controller before and after us: every command
 * runs with nIEN set (no interrupt request; the polling needs none), ends
 * with the engine stopped, the status register read and the bus-master
 * status cleared, and leaves the device control register as SeaBIOS does
 * between its own commands. A command that does not end within the
 * loader's timeout (its clock_expired() hook) is stopped and the channel reset,
 * so that the firmware can take over.
 */
#include "ata.h"
#include "fmt.h"
#include "portio.h"

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
/* Device register: LBA addressing; bits 7 and 5 obsolete, set. */
#define ATA_DEV_LBA		0x40
#define ATA_DEV_OBSOLETE	0xa0
/*
 * Device control register: nIEN masks the interrupt request, SRST resets
 * both devices of the channel. Bit 3 is obsolete; SeaBIOS keeps it set
 * and leaves nIEN clear between its commands, so that is how we leave it.
 */
#define ATA_CTL_NIEN		0x02
#define ATA_CTL_SRST		0x04
#define ATA_CTL_IDLE		0x08
/* Commands. */
#define ATA_CMD_IDENTIFY	0xec
#define ATA_CMD_READ_DMA_EXT	0x25

/* Bus-master registers (SFF-8038i), from the channel's block in BAR4. */
#define BM_COMMAND		0
#define BM_STATUS		2
#define BM_PRD_TABLE		4
#define BM_CMD_START		0x01
#define BM_CMD_TO_MEMORY	0x08	/* a read from the disk */
#define BM_SR_ACTIVE		0x01
#define BM_SR_INTERRUPT		0x04	/* write 1 to clear */
#define BM_SR_KEEP		0x60	/* "drive n DMA capable", set by BIOS */

/* The alternate status: the status without clearing an interrupt. */
static uint8_t ata_alt_status(const struct ata_channel *ch)
{
	return inb(ch->ctrl);
}

/* Wait until (status & mask) == 0; false on a timeout. */
static bool ata_wait_clear(const struct ata_channel *ch, uint8_t mask,
			   uint8_t *status)
{
	struct ata_clock c;

	ch->clock_start(&c);
	for (;;) {
		*status = ata_alt_status(ch);
		if (!(*status & mask))
			return true;
		if (ch->clock_expired(&c))
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

static void ata_delay(const struct ata_channel *ch, unsigned n)
{
	while (n--)
		ata_alt_status(ch);
}

/* Select our device with interrupts masked; false if it stays busy. */
static bool ata_select(const struct ata_channel *ch, uint8_t *status)
{
	outb(ch->ctrl, ATA_CTL_IDLE | ATA_CTL_NIEN);
	if (!ata_wait_clear(ch, ATA_SR_BSY | ATA_SR_DRQ, status))
		return false;
	outb(ch->cmd + ATA_DEVICE, ATA_DEV_OBSOLETE | ATA_DEV_LBA | ch->device);
	ata_delay(ch, ATA_DELAY_400NS);
	return ata_wait_clear(ch, ATA_SR_BSY | ATA_SR_DRQ, status);
}

/*
 * After a command: a channel still busy (a timeout) gets a software reset,
 * then the device control register goes back to what SeaBIOS expects.
 */
static void ata_finish(const struct ata_channel *ch)
{
	uint8_t status;

	if (ata_alt_status(ch) & (ATA_SR_BSY | ATA_SR_DRQ)) {
		outb(ch->ctrl, ATA_CTL_IDLE | ATA_CTL_NIEN | ATA_CTL_SRST);
		ata_delay(ch, ATA_DELAY_5US);
		outb(ch->ctrl, ATA_CTL_IDLE | ATA_CTL_NIEN);
		ata_delay(ch, ATA_DELAY_400NS);
		ata_wait_clear(ch, ATA_SR_BSY, &status);
	}
	inb(ch->cmd + ATA_STATUS);
	outb(ch->ctrl, ATA_CTL_IDLE);
}

/* IDENTIFY DEVICE by PIO into id[256]; false with the status on failure. */
static bool ata_identify_pio(const struct ata_channel *ch, uint16_t *id,
			     uint8_t *status)
{
	bool ok = false;

	if (!ata_select(ch, status))
		goto out;
	outb(ch->cmd + ATA_COMMAND, ATA_CMD_IDENTIFY);
	ata_delay(ch, ATA_DELAY_400NS);
	if (!ata_wait_clear(ch, ATA_SR_BSY, status))
		goto out;
	if ((*status & (ATA_SR_ERR | ATA_SR_DF)) || !(*status & ATA_SR_DRQ))
		goto out;
	for (int i = 0; i < ATA_IDENTIFY_WORDS; i++)
		id[i] = inw(ch->cmd + ATA_DATA);
	ok = true;
out:
	ata_finish(ch);
	return ok;
}

const char *ata_identify(const struct ata_channel *ch, uint16_t *id,
			 uint64_t *sectors, char *why, size_t why_size)
{
	uint8_t status;

	if (!ata_identify_pio(ch, id, &status)) {
		fmt_snprintf(why, why_size, "IDENTIFY DEVICE failed, "
			     "status 0x%02x", status);
		return why;
	}
	return ata_identify_check(id, sectors);
}

bool ata_read_dma(const struct ata_channel *ch, struct ata_prd *prd,
		  uint32_t prd_bus, uint64_t lba, uint32_t count, uint32_t addr,
		  struct ata_error *err)
{
	struct ata_clock c;
	uint8_t bm_status = 0, status = 0;
	bool done = false;

	*err = (struct ata_error){ 0 };
	if (count == 0 || count > ATA_READ_MAX_SECTORS || (addr & 1))
		return false;
	ata_fill_prd(prd, addr, count);

	/* The engine stopped, its status clear, the table, the direction. */
	outb(ch->bm + BM_COMMAND, 0);
	outb(ch->bm + BM_STATUS, (inb(ch->bm + BM_STATUS) & BM_SR_KEEP) |
		 ATA_BM_SR_ERROR | BM_SR_INTERRUPT);
	outl(ch->bm + BM_PRD_TABLE, prd_bus);
	outb(ch->bm + BM_COMMAND, BM_CMD_TO_MEMORY);

	if (ata_select(ch, &status)) {
		/* 48-bit registers: the high bytes first, then the low. */
		outb(ch->cmd + ATA_FEATURES, 0);
		outb(ch->cmd + ATA_COUNT, (uint8_t)(count >> 8));
		outb(ch->cmd + ATA_LBA_LOW, (uint8_t)(lba >> 24));
		outb(ch->cmd + ATA_LBA_MID, (uint8_t)(lba >> 32));
		outb(ch->cmd + ATA_LBA_HIGH, (uint8_t)(lba >> 40));
		outb(ch->cmd + ATA_FEATURES, 0);
		outb(ch->cmd + ATA_COUNT, (uint8_t)count);
		outb(ch->cmd + ATA_LBA_LOW, (uint8_t)lba);
		outb(ch->cmd + ATA_LBA_MID, (uint8_t)(lba >> 8));
		outb(ch->cmd + ATA_LBA_HIGH, (uint8_t)(lba >> 16));
		outb(ch->cmd + ATA_COMMAND, ATA_CMD_READ_DMA_EXT);
		outb(ch->bm + BM_COMMAND, BM_CMD_TO_MEMORY | BM_CMD_START);

		/*
		 * Done when the engine has stopped and the device is neither
		 * busy nor asking for data. A device error may leave the
		 * engine active (the table not used up): it ends the wait too.
		 */
		ch->clock_start(&c);
		for (;;) {
			bm_status = inb(ch->bm + BM_STATUS);
			status = ata_alt_status(ch);
			if (!(bm_status & BM_SR_ACTIVE) &&
			    !(status & (ATA_SR_BSY | ATA_SR_DRQ))) {
				done = true;
				break;
			}
			if ((bm_status & ATA_BM_SR_ERROR) ||
			    ((status & (ATA_SR_ERR | ATA_SR_DF)) &&
			     !(status & ATA_SR_BSY)))
				break;
			if (ch->clock_expired(&c)) {
				err->timeout = true;
				break;
			}
		}
	} else {
		err->timeout = true;
	}

	/* Stop; keep what the engine said when the wait ended. */
	outb(ch->bm + BM_COMMAND, 0);
	bm_status |= inb(ch->bm + BM_STATUS) & ATA_BM_SR_ERROR;
	status = inb(ch->cmd + ATA_STATUS);
	err->status = status;
	err->bm_status = bm_status;
	if (status & ATA_SR_ERR)
		err->error = inb(ch->cmd + ATA_ERROR);
	outb(ch->bm + BM_STATUS, (bm_status & BM_SR_KEEP) | ATA_BM_SR_ERROR |
		 BM_SR_INTERRUPT);
	ata_finish(ch);
	return done && !(bm_status & ATA_BM_SR_ERROR) &&
	       !(status & (ATA_SR_ERR | ATA_SR_DF | ATA_SR_BSY | ATA_SR_DRQ));
}
