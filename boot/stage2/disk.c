// SPDX-License-Identifier: MIT
/*
 * disk.c - reading the boot disk through INT 13h extended reads.
 *
 * The BIOS can only read into memory below 1 MiB, and SeaBIOS refuses more
 * than 128 sectors per call and ignores the EDD 3.0 64-bit flat buffer, so
 * every read lands in the 64 KiB bounce buffer (layout.h) and is copied
 * from there to its destination in protected mode. Reads go in chunks of
 * DISK_MAX_SECTORS_PER_READ: under emulation, the number of requests is what
 * costs, not the bytes. A failed chunk is retried after a drive reset.
 */
#include "bios.h"
#include "layout.h"
#include "stage2.h"

#define DISK_READ_TRIES	3

/* INT 13h disk address packet. */
struct disk_packet {
	uint8_t size;			/* 0x00, sizeof = 16 */
	uint8_t reserved;		/* 0x01 */
	uint16_t sectors;		/* 0x02 */
	uint16_t buf_off;		/* 0x04 */
	uint16_t buf_seg;		/* 0x06 */
	uint64_t lba;			/* 0x08 */
} __attribute__((packed));

/* INT 13h AH=48h result buffer (EDD 1.x part). */
struct disk_params {
	uint16_t size;			/* 0x00 */
	uint16_t flags;			/* 0x02 */
	uint32_t cylinders;		/* 0x04 */
	uint32_t heads;			/* 0x08 */
	uint32_t sectors_per_track;	/* 0x0c */
	uint64_t sectors;		/* 0x10 */
	uint16_t bytes_per_sector;	/* 0x18 */
} __attribute__((packed));

_Static_assert(sizeof(struct disk_packet) == 16, "INT 13h packet");
_Static_assert(DISK_MAX_SECTORS_PER_READ * 512 <= BOUNCE_SIZE, "bounce");

static uint8_t boot_drive;
static uint64_t total_sectors;
static unsigned read_calls;

void disk_init(uint8_t drive)
{
	struct disk_params *p = (void *)REALMODE_SCRATCH_ADDR;
	struct biosregs r;

	boot_drive = drive;

	/* INT 13h AH=41h: extensions? In: BX 55AAh, DL drive. Out: CF, BX. */
	bios_regs_init(&r);
	r.ah = 0x41;
	r.bx = 0x55aa;
	r.dl = drive;
	bios_int(0x13, &r, &r);
	if ((r.eflags & EFLAGS_CF) || r.bx != 0xaa55 || !(r.cx & 1))
		fatal("disk: drive 0x%02x has no INT 13h extended reads", drive);

	/* INT 13h AH=48h: drive parameters. In: DL, DS:SI buffer. */
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	bios_regs_init(&r);
	r.ah = 0x48;
	r.dl = drive;
	r.ds = rm_seg(REALMODE_SCRATCH_ADDR);
	r.si = rm_off(REALMODE_SCRATCH_ADDR);
	bios_int(0x13, &r, &r);
	if (!(r.eflags & EFLAGS_CF) && p->bytes_per_sector == 512)
		total_sectors = p->sectors;
	trace("trace: disk 0x%02x sectors %llu\n", drive,
	      (unsigned long long)total_sectors);
}

uint64_t disk_sectors(void)
{
	return total_sectors;
}

/* One INT 13h AH=42h read into the bounce buffer; returns AH, 0 on success. */
static uint8_t disk_bios_read(uint64_t lba, uint16_t count)
{
	struct disk_packet *dp = (void *)REALMODE_SCRATCH_ADDR;
	struct biosregs r;

	*dp = (struct disk_packet){
		.size = sizeof(*dp),
		.sectors = count,
		.buf_off = rm_off(BOUNCE_ADDR),
		.buf_seg = rm_seg(BOUNCE_ADDR),
		.lba = lba,
	};
	/*
	 * INT 13h AH=42h: extended read. In: DL drive, DS:SI packet.
	 * Out: CF clear on success, AH status.
	 */
	bios_regs_init(&r);
	r.ah = 0x42;
	r.dl = boot_drive;
	r.ds = rm_seg(REALMODE_SCRATCH_ADDR);
	r.si = rm_off(REALMODE_SCRATCH_ADDR);
	read_calls++;
	bios_int(0x13, &r, &r);
	if (!(r.eflags & EFLAGS_CF))
		return 0;
	return r.ah ? r.ah : 0xff;
}

/* The same with retries, a drive reset between them, and a message. */
static uint8_t disk_read_chunk(uint64_t lba, uint16_t count)
{
	struct biosregs r;
	uint8_t status = 0;

	for (int attempt = 1; attempt <= DISK_READ_TRIES; attempt++) {
		status = disk_bios_read(lba, count);
		if (!status)
			return 0;
		console_printf("disk: read error at LBA %llu (%u sectors), "
			       "status 0x%02x, attempt %d of %d\n",
			       (unsigned long long)lba, count, status,
			       attempt, DISK_READ_TRIES);
		/* INT 13h AH=00h: reset the drive. In: DL drive. */
		bios_regs_init(&r);
		r.dl = boot_drive;
		bios_int(0x13, &r, NULL);
	}
	return status;
}

int disk_read_sectors(uint64_t lba, uint32_t count, void *dst)
{
	static uint16_t max_sectors = DISK_MAX_SECTORS_PER_READ;
	uint8_t *out = dst;

	while (count) {
		uint16_t n = count < max_sectors ? (uint16_t)count :
						   max_sectors;
		uint8_t err;

		/*
		 * The first full-sized read finds out whether the BIOS takes
		 * 128 sectors; if it does not, stay at 127 from then on.
		 */
		if (n > DISK_FALLBACK_SECTORS_PER_READ &&
		    max_sectors > DISK_FALLBACK_SECTORS_PER_READ &&
		    disk_bios_read(lba, n) != 0) {
			max_sectors = DISK_FALLBACK_SECTORS_PER_READ;
			continue;
		}
		if (n <= DISK_FALLBACK_SECTORS_PER_READ) {
			err = disk_read_chunk(lba, n);
			if (err)
				return err;
		}
		memcpy(out, (void *)BOUNCE_ADDR, (size_t)n * 512);
		out += (size_t)n * 512;
		lba += n;
		count -= n;
	}
	return 0;
}

int disk_read_callback(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	(void)ctx;
	return disk_read_sectors(lba, count, buf);
}

unsigned disk_read_count(void)
{
	return read_calls;
}
