// SPDX-License-Identifier: MIT
/*
 * disk.c - reading the boot disk: through INT 13h extended reads, or by
 * ATA bus-master DMA (ata.c) once the drive is proven to be an IDE disk.
 *
 * The BIOS can only read into memory below 1 MiB, and SeaBIOS refuses more
 * than 64 KiB per call (process_op() in its block.c answers status 0x09,
 * no sector read, whatever the bus) and ignores the EDD 3.0 64-bit flat
 * buffer, so every INT 13h read lands in the 64 KiB bounce buffer
 * (layout.h) and is copied from there to its destination in protected
 * mode. Reads go in chunks of DISK_MAX_SECTORS_PER_READ: under emulation,
 * the number of requests is what costs, not the bytes. A read counts only
 * when CF is clear and the packet's count says every sector asked for was
 * read; a failed chunk is retried after a drive reset.
 *
 * SeaBIOS reads IDE disks by PIO, about 6.7 MiB/s under QEMU, so after the
 * config is read disk_enable_dma() looks for a faster way: the drive's
 * EDD 3.0 device path (INT 13h AH=48h) names a PCI IDE function, channel
 * and device; ata.c checks the controller and the device's IDENTIFY data;
 * sample sectors read both ways must match. Then reads go by DMA straight
 * to their destination, ATA_DMA_MAX_SECTORS per command. After a failed
 * DMA command everything goes through INT 13h again, with its retries.
 */
#include "bios.h"
#include "edd.h"
#include "fmt.h"
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

_Static_assert(sizeof(struct disk_packet) == 16, "INT 13h packet");
_Static_assert(sizeof(struct edd_params) <= REALMODE_SCRATCH_SIZE, "scratch");
_Static_assert(DISK_MAX_SECTORS_PER_READ * 512 <= BOUNCE_SIZE, "bounce");

/* DMA samples go to the bounce buffer's second half, INT 13h's to its first. */
#define DISK_SAMPLE_SECTORS	64
#define DISK_SAMPLE_DMA_ADDR	(BOUNCE_ADDR + BOUNCE_SIZE / 2)
_Static_assert(DISK_SAMPLE_SECTORS * 512 <= BOUNCE_SIZE / 2, "samples");

static uint8_t boot_drive;
static uint64_t total_sectors;
static unsigned read_calls;
/* What INT 13h AH=48h said, kept for disk_enable_dma(). */
static struct edd_params edd;
static bool use_dma;

void disk_init(uint8_t drive)
{
	struct edd_params *p = (void *)REALMODE_SCRATCH_ADDR;
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
	if (!(r.eflags & EFLAGS_CF) && p->bytes_per_sector == 512) {
		total_sectors = p->sectors;
		edd = *p;
	}
	trace("trace: disk 0x%02x sectors %llu\n", drive,
	      (unsigned long long)total_sectors);
}

uint64_t disk_sectors(void)
{
	return total_sectors;
}

/*
 * One INT 13h extended call on the bounce buffer: AH=42h reads into it,
 * AH=43h writes from it. Returns AH, 0 on success.
 */
static uint8_t disk_bios_io(uint8_t ah, uint64_t lba, uint16_t count)
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
	 * INT 13h AH=42h: extended read; AH=43h, AL=0: extended write, no
	 * verify. In: DL drive, DS:SI packet. Out: CF clear on success, AH
	 * status.
	 */
	bios_regs_init(&r);
	r.ah = ah;
	r.dl = boot_drive;
	r.ds = rm_seg(REALMODE_SCRATCH_ADDR);
	r.si = rm_off(REALMODE_SCRATCH_ADDR);
	read_calls++;
	bios_int(0x13, &r, &r);
	/*
	 * EDD: the BIOS writes the sectors it moved into the packet. Fewer
	 * than asked with CF clear would leave stale bytes in the bounce
	 * buffer (or sectors unwritten): a failure too (0xff when AH says
	 * nothing).
	 */
	if (!(r.eflags & EFLAGS_CF) && dp->sectors == count)
		return 0;
	return r.ah ? r.ah : 0xff;
}

/* The same with retries, a drive reset between them, and a message. */
static uint8_t disk_read_chunk(uint64_t lba, uint16_t count)
{
	struct biosregs r;
	uint8_t status = 0;

	for (int attempt = 1; attempt <= DISK_READ_TRIES; attempt++) {
		status = disk_bios_io(0x42, lba, count);
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

/* Where EDD 3.0 says the drive is (drivers/edd.c); NULL, or why not. */
static const char *disk_locate(struct ata_location *loc)
{
	static char why[48];
	uint32_t dpte = edd_dpte_addr(&edd);

	return edd_ata_location(&edd, dpte ? (const void *)dpte : NULL, loc,
				why, sizeof(why));
}

/* Read count sectors at lba both ways; NULL when they match, else why. */
static const char *disk_compare(uint64_t lba, uint16_t count)
{
	static char why[96];
	struct ata_error err;

	if (disk_bios_io(0x42, lba, count))
		return "INT 13h sample read failed";
	read_calls++;
	if (!ata_read_channel(lba, count, DISK_SAMPLE_DMA_ADDR, &err)) {
		fmt_snprintf(why, sizeof(why), "DMA sample read at LBA %llu "
			     "failed, status 0x%02x, bus master 0x%02x",
			     (unsigned long long)lba, err.status,
			     err.bm_status);
		return why;
	}
	if (memcmp((void *)BOUNCE_ADDR, (void *)DISK_SAMPLE_DMA_ADDR,
		   (size_t)count * 512)) {
		fmt_snprintf(why, sizeof(why), "DMA and INT 13h read "
			     "different data at LBA %llu",
			     (unsigned long long)lba);
		return why;
	}
	return NULL;
}

void disk_enable_dma(bool allowed, uint64_t sample_lba)
{
	struct ata_location loc;
	const char *why = "config says disk firmware";
	uint64_t n = DISK_SAMPLE_SECTORS;

	if (allowed)
		why = disk_locate(&loc);
	if (allowed && !why)
		why = ata_open(&loc, total_sectors);
	if (allowed && !why) {
		if (sample_lba >= total_sectors)
			sample_lba = 0;
		if (n > total_sectors - sample_lba)
			n = total_sectors - sample_lba;
		why = disk_compare(0, 1);
		if (!why)
			why = disk_compare(sample_lba, (uint16_t)n);
		if (!why)
			why = disk_compare(total_sectors - 1, 1);
		if (why)
			ata_close();
	}
	if (why) {
		trace("trace: disk 0x%02x reads through the BIOS (%s)\n",
		      boot_drive, why);
		return;
	}
	use_dma = true;
	trace("trace: disk 0x%02x reads by DMA (checked against INT 13h)\n",
	      boot_drive);
}

/*
 * Read by DMA while it works: straight to dst, or through the bounce
 * buffer when dst is odd (a PRD address must be even). Returns the
 * sectors read; after a failure, DMA is off for good.
 */
static uint32_t disk_read_dma(uint64_t lba, uint32_t count, uint8_t *out)
{
	uint32_t done = 0;
	struct ata_error err;

	while (use_dma && done < count) {
		uint32_t n = count - done;
		uint32_t addr = (uint32_t)(uintptr_t)(out + (size_t)done * 512);
		bool bounce = addr & 1;

		if (n > ATA_DMA_MAX_SECTORS)
			n = ATA_DMA_MAX_SECTORS;
		if (bounce && n > BOUNCE_SIZE / 512)
			n = BOUNCE_SIZE / 512;
		read_calls++;
		if (!ata_read_channel(lba + done, n, bounce ? BOUNCE_ADDR : addr,
				  &err)) {
			console_printf("disk: DMA read %s at LBA %llu (%u "
				       "sectors), status 0x%02x, error 0x%02x, "
				       "bus master 0x%02x; reading through "
				       "the BIOS from now on\n",
				       err.timeout ? "timeout" : "error",
				       (unsigned long long)(lba + done), n,
				       err.status, err.error, err.bm_status);
			use_dma = false;
			ata_close();
			break;
		}
		if (bounce)
			memcpy(out + (size_t)done * 512, (void *)BOUNCE_ADDR,
			       (size_t)n * 512);
		done += n;
	}
	return done;
}

int disk_read_sectors(uint64_t lba, uint32_t count, void *dst)
{
	static uint16_t max_sectors = DISK_MAX_SECTORS_PER_READ;
	uint8_t *out = dst;
	uint32_t done = disk_read_dma(lba, count, out);

	out += (size_t)done * 512;
	lba += done;
	count -= done;
	while (count) {
		uint16_t n = count < max_sectors ? (uint16_t)count :
						   max_sectors;
		uint8_t err;

		/*
		 * A full-sized read that fails (Phoenix's EDD limit is 127
		 * sectors) is not retried: stay at 127 from then on, and read
		 * the same sectors again in 127-sector chunks.
		 */
		if (n > DISK_FALLBACK_SECTORS_PER_READ &&
		    max_sectors > DISK_FALLBACK_SECTORS_PER_READ &&
		    (err = disk_bios_io(0x42, lba, n)) != 0) {
			trace("trace: disk 0x%02x read of %u sectors at LBA %llu "
			      "failed (status 0x%02x, %u read): %u per read "
			      "from now on\n", boot_drive, n,
			      (unsigned long long)lba, err,
			      ((struct disk_packet *)REALMODE_SCRATCH_ADDR)->sectors,
			      DISK_FALLBACK_SECTORS_PER_READ);
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

int disk_write_sectors(uint64_t lba, uint32_t count, const void *src)
{
	uint8_t err;

	/* The environment file: a sector or two, never a bounce's worth. */
	if (count > DISK_FALLBACK_SECTORS_PER_READ)
		return 0xff;
	memcpy((void *)BOUNCE_ADDR, src, (size_t)count * 512);
	err = disk_bios_io(0x43, lba, (uint16_t)count);
	if (err)
		console_printf("disk: write error at LBA %llu (%u sectors), "
			       "status 0x%02x\n", (unsigned long long)lba,
			       count, err);
	return err;
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
