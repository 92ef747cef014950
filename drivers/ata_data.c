// SPDX-License-Identifier: MIT
/*
 * ata_data.c - what the IDE driver (ata.c) decides from data alone, with
 * no port I/O, so that the host's unit tests (tests/unit/test_ata.c) run
 * it: whether a PCI function is a usable IDE controller, its channel's
 * ports, the bus-master engine's PRD table, and the IDENTIFY DEVICE words
 * the loaders need.
 */
#include "ata.h"
#include "fmt.h"

/* Legacy command and control (alternate status) ports of each channel. */
static const uint16_t legacy_cmd_port[2] = { 0x1f0, 0x170 };
static const uint16_t legacy_ctrl_port[2] = { 0x3f6, 0x376 };
/* In native mode BARn+1 holds 4 ports; the control register is the third. */
#define IDE_NATIVE_CTRL_OFFSET	2
/* Each channel's 8 bus-master registers in BAR4's block (SFF-8038i). */
#define BM_CHANNEL_STRIDE	8

/* IDENTIFY DEVICE words. */
#define ID_CONFIG		0	/* bit 15 clear: an ATA device */
#define ID_CAPABILITIES		49	/* bit 8: DMA supported */
#define ID_COMMANDS_2		83	/* bit 10: 48-bit addressing */
#define ID_LBA48_SECTORS	100	/* words 100-103 */
#define ID_NOT_ATA		(1u << 15)
#define ID_DMA			(1u << 8)
#define ID_LBA48		(1u << 10)

/* The PRD entry that ends the table. */
#define PRD_END			0x8000

_Static_assert(sizeof(struct ata_prd) == 8, "SFF-8038i PRD entry");

const char *ata_check_function(const struct ata_pci_function *f, char *why,
			       size_t why_size)
{
	uint8_t progif = (uint8_t)(f->class >> 8);
	uint32_t bm_bar = f->bar[IDE_BAR_BUS_MASTER];

	if ((f->class >> 24) != PCI_CLASS_STORAGE ||
	    (uint8_t)(f->class >> 16) != PCI_SUBCLASS_IDE) {
		fmt_snprintf(why, why_size, "PCI %02x:%02x.%u is class "
			     "%02x:%02x, not IDE", f->bus, f->device,
			     f->function, (unsigned)(f->class >> 24),
			     (unsigned)(uint8_t)(f->class >> 16));
		return why;
	}
	if (!(progif & IDE_PROGIF_BUS_MASTER) || !(bm_bar & PCI_BAR_IO) ||
	    !(bm_bar & 0xfffc))
		return "the IDE controller has no bus-master I/O block";
	if (!(f->command & PCI_COMMAND_IO))
		return "the IDE controller's I/O ports are off";
	return NULL;
}

bool ata_channel_ports(struct ata_channel *ch, uint8_t progif, int channel,
		       const uint32_t *bar)
{
	uint32_t cmd_bar = bar[2 * channel], ctrl_bar = bar[2 * channel + 1];
	uint32_t bm_bar = bar[IDE_BAR_BUS_MASTER];

	if (!(bm_bar & PCI_BAR_IO) || !(bm_bar & 0xfffc))
		return false;
	ch->bm = (uint16_t)((bm_bar & 0xfffc) + BM_CHANNEL_STRIDE * channel);
	if (!(progif & IDE_PROGIF_NATIVE(channel))) {
		ch->cmd = legacy_cmd_port[channel];
		ch->ctrl = legacy_ctrl_port[channel];
		return true;
	}
	if (!(cmd_bar & ctrl_bar & PCI_BAR_IO))
		return false;
	ch->cmd = (uint16_t)(cmd_bar & 0xfffc);
	ch->ctrl = (uint16_t)((ctrl_bar & 0xfffc) + IDE_NATIVE_CTRL_OFFSET);
	return ch->cmd && ch->ctrl != IDE_NATIVE_CTRL_OFFSET;
}

unsigned ata_fill_prd(struct ata_prd *prd, uint32_t addr, uint32_t count)
{
	uint32_t left = count * 512;
	unsigned i = 0;

	while (left) {
		uint32_t n = ATA_PRD_PIECE - (addr & (ATA_PRD_PIECE - 1));

		if (n > left)
			n = left;
		prd[i++] = (struct ata_prd){
			.addr = addr,
			.bytes = (uint16_t)n,	/* 64 KiB is 0 */
		};
		addr += n;
		left -= n;
	}
	prd[i - 1].flags = PRD_END;
	return i;
}

const char *ata_identify_check(const uint16_t *id, uint64_t *sectors)
{
	if (id[ID_CONFIG] & ID_NOT_ATA)
		return "IDENTIFY DEVICE: not an ATA disk";
	if (!(id[ID_CAPABILITIES] & ID_DMA))
		return "IDENTIFY DEVICE: no DMA";
	if (!(id[ID_COMMANDS_2] & ID_LBA48))
		return "IDENTIFY DEVICE: no 48-bit addressing";
	*sectors = (uint64_t)id[ID_LBA48_SECTORS] |
		   (uint64_t)id[ID_LBA48_SECTORS + 1] << 16 |
		   (uint64_t)id[ID_LBA48_SECTORS + 2] << 32 |
		   (uint64_t)id[ID_LBA48_SECTORS + 3] << 48;
	return NULL;
}
