// SPDX-License-Identifier: MIT
/*
 * test_ata.c - host tests of the drivers' data-only parts: the PRD table
 * (drivers/ata_data.c), the IDENTIFY DEVICE check, the PCI function check
 * and the channel ports, the BIOS's EDD 3.0 data (drivers/edd.c) and the
 * UEFI device path (drivers/devpath.c), on records built in memory.
 */
#include "ata.h"
#include "check.h"
#include "devpath.h"
#include "edd.h"

/* A PRD table one entry longer than the most count sectors need. */
#define PRD_MAX		(ATA_PRD_ENTRIES(ATA_READ_MAX_SECTORS) + 1)
#define PRD_LAST	0x8000
#define CANARY		0xdeadbeef

static struct ata_prd prd[PRD_MAX];

/* What any table must be: contiguous, within 64 KiB, the last marked. */
static void check_prd(uint32_t addr, uint32_t count)
{
	unsigned n, i;
	uint64_t bytes = 0;
	uint32_t next = addr;
	const char *bad = NULL;

	for (i = 0; i < PRD_MAX; i++)
		prd[i] = (struct ata_prd){ CANARY, 0xffff, 0xffff };
	n = ata_fill_prd(prd, addr, count);
	if (n == 0 || n > ATA_PRD_ENTRIES(count)) {
		CHECK_FAIL("entry count out of range",
			   "prd 0x%x x %u: %u entries", addr, count, n);
		return;
	}
	for (i = 0; i < n && !bad; i++) {
		uint32_t len = prd[i].bytes ? prd[i].bytes : ATA_PRD_PIECE;

		if (prd[i].addr != next)
			bad = "an entry does not follow the one before";
		else if ((prd[i].addr & (ATA_PRD_PIECE - 1)) + len >
			 ATA_PRD_PIECE)
			bad = "an entry crosses 64 KiB";
		else if (prd[i].flags != (i == n - 1 ? PRD_LAST : 0))
			bad = "only the last entry is marked last";
		next += len;
		bytes += len;
	}
	if (!bad && bytes != (uint64_t)count * 512)
		bad = "the entries do not add up to the sectors";
	if (!bad && n < PRD_MAX && prd[n].addr != CANARY)
		bad = "an entry past the end was written";
	CHECK(!bad, "prd 0x%x x %u sectors: %u entries%s%s", addr, count, n,
	      bad ? ": " : "", bad ? bad : "");
}

static void test_prd(void)
{
	static const uint32_t addrs[] = { 0x100000, 0x1ff00, 0x12345678,
					  0x50002, 0xfffe, 0xffff0000 };
	static const uint32_t counts[] = { 1, 2, 127, 128, 129, 32768,
					   ATA_READ_MAX_SECTORS };

	for (unsigned a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++)
		for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]);
		     c++)
			if ((uint64_t)addrs[a] + counts[c] * 512ull <=
			    0x100000000ull)
				check_prd(addrs[a], counts[c]);

	/* Exact tables. */
	CHECK_EQ(ata_fill_prd(prd, 0x1ff00, 2), 2, "prd split at 64 KiB");
	CHECK(prd[0].addr == 0x1ff00 && prd[0].bytes == 0x100 &&
	      prd[0].flags == 0, "prd split: first piece up to 0x20000");
	CHECK(prd[1].addr == 0x20000 && prd[1].bytes == 0x300 &&
	      prd[1].flags == PRD_LAST, "prd split: the rest, marked last");
	CHECK_EQ(ata_fill_prd(prd, 0x20000, 128), 1, "prd 64 KiB aligned");
	CHECK(prd[0].bytes == 0 && prd[0].flags == PRD_LAST,
	      "prd: a whole 64 KiB piece is written as 0 bytes");
	CHECK_EQ(ata_fill_prd(prd, 0x100002, 32768),
		 ATA_PRD_ENTRIES(32768), "prd 16 MiB unaligned: the most");
}

static void test_identify(void)
{
	uint16_t id[ATA_IDENTIFY_WORDS] = { 0 };
	uint64_t sectors = 0;

	id[0] = 0x0040;
	id[49] = 1u << 8;
	id[83] = 1u << 10;
	id[100] = 0xabcd;
	id[101] = 0x6789;
	id[102] = 0x2345;
	id[103] = 0x0001;
	CHECK_STREQ(ata_identify_check(id, &sectors) ?: "ok", "ok",
		    "identify: ATA, DMA, LBA48");
	CHECK(sectors == 0x000123456789abcdull,
	      "identify: words 100-103 are the sector count, low first");

	id[83] = 0;
	CHECK_STREQ(ata_identify_check(id, &sectors),
		    "IDENTIFY DEVICE: no 48-bit addressing", "identify: no LBA48");
	id[83] = 1u << 10;
	id[49] = 0x0200;	/* LBA, no DMA */
	CHECK_STREQ(ata_identify_check(id, &sectors),
		    "IDENTIFY DEVICE: no DMA", "identify: no DMA");
	id[49] = 1u << 8;
	id[0] = 0x85c0;		/* an ATAPI device's word 0 */
	CHECK_STREQ(ata_identify_check(id, &sectors),
		    "IDENTIFY DEVICE: not an ATA disk", "identify: ATAPI");
}

static void test_pci(void)
{
	/* QEMU's PIIX3 IDE at 00:01.1: legacy ports, bus master at 0xc000. */
	struct ata_pci_function f = {
		.bus = 0, .device = 1, .function = 1, .id = 0x70108086,
		.class = 0x01018000, .command = PCI_COMMAND_IO,
		.bar = { 0, 0, 0, 0, 0xc001 },
	};
	struct ata_channel ch;
	char why[64];

	CHECK_STREQ(ata_check_function(&f, why, sizeof(why)) ?: "ok", "ok",
		    "pci: PIIX3 IDE");
	f.class = 0x01060100;
	f.device = 0x1f;
	f.function = 2;
	CHECK_STREQ(ata_check_function(&f, why, sizeof(why)),
		    "PCI 00:1f.2 is class 01:06, not IDE", "pci: AHCI");
	f.class = 0x01010000;
	CHECK_STREQ(ata_check_function(&f, why, sizeof(why)),
		    "the IDE controller has no bus-master I/O block",
		    "pci: no bus master in prog-if");
	f.class = 0x01018000;
	f.bar[4] = 0xfebf0000;
	CHECK_STREQ(ata_check_function(&f, why, sizeof(why)),
		    "the IDE controller has no bus-master I/O block",
		    "pci: BAR4 in memory space");
	f.bar[4] = 0xc001;
	f.command = 0;
	CHECK_STREQ(ata_check_function(&f, why, sizeof(why)),
		    "the IDE controller's I/O ports are off", "pci: I/O off");

	CHECK(ata_channel_ports(&ch, 0x80, 0, f.bar) && ch.cmd == 0x1f0 &&
	      ch.ctrl == 0x3f6 && ch.bm == 0xc000, "ports: legacy primary");
	CHECK(ata_channel_ports(&ch, 0x80, 1, f.bar) && ch.cmd == 0x170 &&
	      ch.ctrl == 0x376 && ch.bm == 0xc008, "ports: legacy secondary");

	uint32_t native[IDE_BARS] = { 0xd001, 0xd101, 0xd201, 0xd301,
				      0xc001 };
	CHECK(ata_channel_ports(&ch, 0x85, 0, native) && ch.cmd == 0xd000 &&
	      ch.ctrl == 0xd102 && ch.bm == 0xc000, "ports: native primary");
	CHECK(ata_channel_ports(&ch, 0x85, 1, native) && ch.cmd == 0xd200 &&
	      ch.ctrl == 0xd302 && ch.bm == 0xc008,
	      "ports: native secondary");
	native[2] = 0xfebf1000;
	CHECK(!ata_channel_ports(&ch, 0x85, 1, native),
	      "ports: native with a memory BAR refused");
	CHECK(ata_channel_ports(&ch, 0x81, 1, native) && ch.cmd == 0x170,
	      "ports: secondary legacy while primary native");
	native[4] = 0;
	CHECK(!ata_channel_ports(&ch, 0x80, 0, native),
	      "ports: no bus-master BAR refused");
}

/* SeaBIOS's answer for a disk on QEMU's PIIX3, T13 layout. */
static struct edd_params edd_piix(int channel, int slave)
{
	struct edd_params p = {
		.size = sizeof(p), .bytes_per_sector = 512, .sectors = 131072,
		.dpte_seg = 0xffff, .dpte_off = 0xffff, .key = EDD_KEY,
		.path_length = EDD_PATH_T13,
		.interface_path = { 0, 1, 1, (uint8_t)channel },
		.device_path = { (uint8_t)slave },
	};

	memcpy(p.host_bus, "PCI ", 4);
	memcpy(p.interface, "ATA     ", 8);
	return p;
}

/* The checksum byte of the device path, path_length bytes from key. */
static void edd_sum(struct edd_params *p)
{
	uint8_t *b = (uint8_t *)&p->key, sum = 0;

	b[p->path_length - 1] = 0;
	for (unsigned i = 0; i < p->path_length; i++)
		sum += b[i];
	b[p->path_length - 1] = (uint8_t)-sum;
}

static void dpte_sum(struct edd_dpte *d)
{
	uint8_t *b = (uint8_t *)d, sum = 0;

	d->checksum = 0;
	for (unsigned i = 0; i < sizeof(*d); i++)
		sum += b[i];
	d->checksum = (uint8_t)-sum;
}

static void test_edd(void)
{
	struct edd_params p = edd_piix(1, 1);
	struct edd_dpte d = { .cmd_port = 0x170, .ctrl_port = 0x376,
			      .head_prefix = 0xa0 | EDD_DPTE_SLAVE };
	struct ata_location loc;
	char why[48];
	const char *err;

	edd_sum(&p);
	err = edd_ata_location(&p, NULL, &loc, why, sizeof(why));
	CHECK_STREQ(err ?: "ok", "ok", "edd: T13 path");
	CHECK(loc.bus == 0 && loc.device == 1 && loc.function == 1 &&
	      loc.channel == 1 && loc.slave == 1 && loc.dpte_port == 0,
	      "edd: T13 path: 00:01.1, secondary slave");

	dpte_sum(&d);
	err = edd_ata_location(&p, &d, &loc, why, sizeof(why));
	CHECK(!err && loc.dpte_port == 0x170, "edd: a valid DPTE gives its port");
	d.head_prefix = 0xa0;
	dpte_sum(&d);
	CHECK_STREQ(edd_ata_location(&p, &d, &loc, why, sizeof(why)),
		    "EDD device path and DPTE disagree on master/slave",
		    "edd: DPTE says master");
	d.checksum ^= 1;
	err = edd_ata_location(&p, &d, &loc, why, sizeof(why));
	CHECK(!err && loc.dpte_port == 0, "edd: a DPTE with a bad sum is ignored");

	/* Phoenix: 36 bytes, no channel. */
	p.path_length = EDD_PATH_PHOENIX;
	edd_sum(&p);
	err = edd_ata_location(&p, NULL, &loc, why, sizeof(why));
	CHECK(!err && loc.channel == -1, "edd: Phoenix path has no channel");

	p = edd_piix(0, 0);
	edd_sum(&p);
	p.checksum ^= 0x40;
	CHECK_STREQ(edd_ata_location(&p, NULL, &loc, why, sizeof(why)),
		    "EDD 3.0 device path checksum wrong", "edd: bad checksum");
	p = edd_piix(0, 0);
	p.key = 0;
	CHECK_STREQ(edd_ata_location(&p, NULL, &loc, why, sizeof(why)),
		    "no EDD 3.0 device path", "edd: EDD 2.x, no key");
	p = edd_piix(0, 0);
	memcpy(p.interface, "SCSI    ", 8);
	edd_sum(&p);
	CHECK_STREQ(edd_ata_location(&p, NULL, &loc, why, sizeof(why)),
		    "EDD interface SCSI, not ATA", "edd: virtio is SCSI");
	p = edd_piix(0, 0);
	memcpy(p.host_bus, "ISA ", 4);
	edd_sum(&p);
	CHECK_STREQ(edd_ata_location(&p, NULL, &loc, why, sizeof(why)),
		    "EDD host bus not PCI", "edd: ISA");
	p = edd_piix(0, 2);
	edd_sum(&p);
	CHECK_STREQ(edd_ata_location(&p, NULL, &loc, why, sizeof(why)),
		    "EDD device path names no ATA master or slave",
		    "edd: device 2");

	p = edd_piix(0, 0);
	CHECK_EQ(edd_dpte_addr(&p), 0, "edd: FFFFh:FFFFh is no DPTE");
	p.dpte_seg = 0x9fc0;
	p.dpte_off = 0x0010;
	CHECK_EQ(edd_dpte_addr(&p), 0x9fc10, "edd: DPTE far pointer");
}

/* Append a node of len bytes (type, sub-type, then body) to buf at *at. */
static void node(uint8_t *buf, size_t *at, uint8_t type, uint8_t sub,
		 size_t len, const uint8_t *body)
{
	buf[*at] = type;
	buf[*at + 1] = sub;
	buf[*at + 2] = (uint8_t)len;
	buf[*at + 3] = (uint8_t)(len >> 8);
	if (len > DEVPATH_HEADER_BYTES)
		memcpy(buf + *at + 4, body, len - 4);
	*at += len;
}

/*
 * OVMF's path of a partition on an IDE disk: PciRoot(0x0)/Pci(0x1,0x1)/
 * Ata(Secondary,Slave,0x0)/HD(1,MBR,...,0x800,...), at an odd address.
 */
static size_t ovmf_path(uint8_t *buf, uint8_t channel, uint8_t slave,
			bool pci, bool hd)
{
	static const uint8_t acpi[8] = { 0xd0, 0x41, 0x03, 0x0a };
	const uint8_t pcidev[2] = { 1, 1 };
	const uint8_t ata[4] = { channel, slave, 0, 0 };
	uint8_t part[38] = { 1, 0, 0, 0, 0x00, 0x08, 0, 0, 0, 0, 0, 0,
			     0x00, 0xf8, 0x03 };
	size_t at = 0;

	node(buf, &at, 0x02, 0x01, 12, acpi);
	if (pci)
		node(buf, &at, DEVPATH_HARDWARE, DEVPATH_HW_PCI, 6, pcidev);
	node(buf, &at, DEVPATH_MESSAGING, DEVPATH_MSG_ATAPI, 8, ata);
	if (hd)
		node(buf, &at, DEVPATH_MEDIA, DEVPATH_MEDIA_HARDDRIVE, 42,
		     part);
	node(buf, &at, DEVPATH_END, DEVPATH_END_ENTIRE, 4, NULL);
	return at;
}

static void test_devpath(void)
{
	uint8_t mem[128] = { 0 }, *buf = mem + 1;
	struct devpath_ata p;
	const char *err;

	ovmf_path(buf, 1, 1, true, true);
	err = devpath_find_ata(buf, &p);
	CHECK_STREQ(err ?: "ok", "ok", "devpath: OVMF's IDE partition");
	CHECK(p.ata == 18 && p.hd == 26 && p.channel == 1 && p.slave == 1 &&
	      p.part_lba == 2048, "devpath: Ata() at 18, HD() at 26, LBA 2048");

	ovmf_path(buf, 0, 0, false, true);
	CHECK_STREQ(devpath_find_ata(buf, &p),
		    "no PCI Ata() node in the boot device's path",
		    "devpath: Ata() without Pci()");
	ovmf_path(buf, 0, 0, true, false);
	CHECK_STREQ(devpath_find_ata(buf, &p),
		    "no HD() partition node after Ata() in the device path",
		    "devpath: the whole disk, no HD()");
	ovmf_path(buf, 2, 0, true, true);
	CHECK_STREQ(devpath_find_ata(buf, &p), "Ata() names no IDE channel",
		    "devpath: channel 2");
	ovmf_path(buf, 0, 0, true, true);
	buf[12 + 2] = 2;	/* the Pci() node claims 2 bytes */
	CHECK_STREQ(devpath_find_ata(buf, &p),
		    "a device path node shorter than its header",
		    "devpath: node length 2 stops the walk");
	ovmf_path(buf, 0, 0, true, true);
	buf[18 + 2] = 6;	/* Ata() of 6 bytes */
	CHECK_STREQ(devpath_find_ata(buf, &p),
		    "the device path's Ata() node is short",
		    "devpath: short Ata()");
}

int main(void)
{
	check_begin("ata");
	test_prd();
	test_identify();
	test_pci();
	test_edd();
	test_devpath();
	return check_end();
}
