// SPDX-License-Identifier: MIT
/*
 * ata.c - reading the boot disk by ATA bus-master DMA (drivers/ata.c) when
 * it sits on a PCI IDE channel, instead of through the firmware.
 *
 * Why: OVMF's IDE driver (IdeMode.c) stalls 10 ms after every DMA command
 * and its ATA bus driver sends at most 256 sectors per command, so every
 * firmware read path costs about 11 ms per 128 KiB (5.7 s for a 64 MiB
 * initrd under QEMU); one READ DMA EXT command here moves 16 MiB.
 *
 * Only for a disk that is provably the one the firmware reads: the boot
 * partition's device path (LoadedImage->DeviceHandle) names the PCI
 * function (Pci()), the channel and device (Ata(), MSG_ATAPI_DP) and the
 * partition's start (HD()); the function must be class 01:01 with a
 * bus-master block in BAR4; IDENTIFY DEVICE must give LBA48, DMA and the
 * whole disk's Block I/O size; LBA 0, the partition's first sectors and
 * the last sector must read the same by DMA as through Block I/O. The
 * function's EFI_PCI_IO_PROTOCOL (GET_PROTOCOL, never BY_DRIVER: the
 * firmware's driver keeps the controller) gives config space and the DMA
 * mappings (Map/Unmap, right with an IOMMU too); the command and
 * bus-master ports are driven directly, as OVMF itself does. Each command
 * runs at TPL_NOTIFY, so that the firmware's driver cannot start one of
 * its own in the middle; the engine is stopped after each.
 *
 * A sector the drive fails is tried again, then fails its file (see
 * ata_read_boot_disk()). After any other failed command DMA is off for
 * good: one message, and the firmware's file reads (file.c) do the rest.
 */
#include "ata.h"
#include "bli.h"
#include "devpath.h"
#include "fmt.h"
#include "loader.h"
#include "trace.h"

/* Sectors per READ DMA EXT command: 16 MiB, as in stage2. */
#define ATA_EFI_MAX_SECTORS	32768
/* Sample reads compared with Block I/O: at most this many sectors. */
#define ATA_SAMPLE_SECTORS	64
#define ATA_SAMPLE_PAGES	(ATA_SAMPLE_SECTORS * 512 / EFI_PAGE_SIZE)
/* Timeouts: a poll every 10 us, 5 s in all (at least: Stall may be late). */
#define ATA_POLL_US		10
#define ATA_TIMEOUT_POLLS	500000

_Static_assert(ATA_PRD_ENTRIES(ATA_EFI_MAX_SECTORS) * sizeof(struct ata_prd)
	       <= EFI_PAGE_SIZE, "the PRD table fits its page");
_Static_assert(ATA_EFI_MAX_SECTORS <= ATA_READ_MAX_SECTORS,
	       "READ DMA EXT sector count");

static void ata_stall_start(struct ata_clock *c)
{
	c->polls = 0;
}

static bool ata_stall_expired(struct ata_clock *c)
{
	BS->Stall(ATA_POLL_US);
	return ++c->polls >= ATA_TIMEOUT_POLLS;
}

/*
 * The handle with protocol whose path is dp up to the node stop (not
 * included), or all of dp when stop is NULL; NULL when there is none.
 */
static EFI_HANDLE ata_locate(EFI_DEVICE_PATH *dp, EFI_DEVICE_PATH *stop,
			     EFI_GUID *protocol)
{
	EFI_DEVICE_PATH *rest = dp;
	EFI_HANDLE h;

	if (EFI_ERROR(BS->LocateDevicePath(protocol, &rest, &h)))
		return NULL;
	if (stop ? rest != stop : !IsDevicePathEnd(rest))
		return NULL;
	return h;
}

static uint32_t ata_pci_read32(EFI_PCI_IO *pci_io, uint32_t reg)
{
	uint32_t v = 0xffffffffu;

	pci_io->Pci.Read(pci_io, EfiPciIoWidthUint32, reg, 1, &v);
	return v;
}

/* The PCI IDE function and its channel; NULL, or why not. */
static const char *ata_find(struct loader *ld, EFI_DEVICE_PATH *dp,
			    const struct devpath_ata *p, char *why, size_t size)
{
	struct ata_boot_disk *d = &ld->dma;
	EFI_HANDLE h = ata_locate(dp, (EFI_DEVICE_PATH *)((uint8_t *)dp +
							   p->ata),
				  &PciIoProtocol);
	struct ata_pci_function f = { 0 };
	UINTN seg, bus, dev, fn;
	const char *err;

	if (!h || EFI_ERROR(BS->HandleProtocol(h, &PciIoProtocol,
					       (void **)&d->pci_io)))
		return "no PCI I/O protocol on the Pci() before Ata()";
	if (!EFI_ERROR(d->pci_io->GetLocation(d->pci_io, &seg, &bus, &dev,
					      &fn))) {
		f.bus = (unsigned)bus;
		f.device = (unsigned)dev;
		f.function = (unsigned)fn;
	}
	f.id = ata_pci_read32(d->pci_io, PCI_VENDOR_ID);
	f.class = ata_pci_read32(d->pci_io, PCI_CLASS_REVISION);
	f.command = (uint16_t)ata_pci_read32(d->pci_io, PCI_COMMAND);
	for (int i = 0; i < IDE_BARS; i++)
		f.bar[i] = ata_pci_read32(d->pci_io, PCI_BAR0 + 4 * i);
	err = ata_check_function(&f, why, size);
	if (err)
		return err;
	if (!ata_channel_ports(&d->ch, (uint8_t)(f.class >> 8), p->channel,
			       f.bar))
		return "the channel's ports are not I/O BARs";
	d->ch.device = p->slave ? ATA_DEV_SLAVE : 0;
	d->ch.clock_start = ata_stall_start;
	d->ch.clock_expired = ata_stall_expired;
	console_trace(ld, TRACE_ATA, (unsigned)(f.id & 0xffff),
		      (unsigned)(f.id >> 16), f.bus, f.device, f.function,
		      p->channel, p->slave ? "slave" : "master", d->ch.cmd,
		      d->ch.ctrl);
	if (!(f.command & PCI_COMMAND_MASTER) &&
	    EFI_ERROR(d->pci_io->Attributes(d->pci_io,
				EfiPciIoAttributeOperationEnable,
				EFI_PCI_IO_ATTRIBUTE_BUS_MASTER, NULL)))
		return "bus mastering is off and cannot be turned on";
	console_trace(ld, TRACE_ATA_BM, d->ch.bm,
		      f.command & PCI_COMMAND_MASTER ? "" : TRACE_ATA_BM_ON);
	return NULL;
}

/* The PRD table: a page below 4 GiB the controller can reach. */
static const char *ata_alloc_prd(struct ata_boot_disk *d)
{
	EFI_PHYSICAL_ADDRESS bus;
	UINTN bytes = EFI_PAGE_SIZE;
	void *host;

	if (EFI_ERROR(d->pci_io->AllocateBuffer(d->pci_io, AllocateAnyPages,
						EfiBootServicesData, 1,
						&host, 0)))
		return "no memory for the PRD table";
	if (EFI_ERROR(d->pci_io->Map(d->pci_io,
				     EfiPciIoOperationBusMasterCommonBuffer,
				     host, &bytes, &bus, &d->prd_map)) ||
	    bytes < EFI_PAGE_SIZE || bus >= FOUR_GIB - EFI_PAGE_SIZE) {
		d->pci_io->FreeBuffer(d->pci_io, 1, host);
		d->prd_map = NULL;
		return "cannot map the PRD table below 4 GiB";
	}
	d->prd = host;
	d->prd_bus = (uint32_t)bus;
	return NULL;
}

void ata_close_boot_disk(struct loader *ld)
{
	struct ata_boot_disk *d = &ld->dma;

	d->on = false;
	if (d->prd_map)
		d->pci_io->Unmap(d->pci_io, d->prd_map);
	if (d->prd)
		d->pci_io->FreeBuffer(d->pci_io, 1, d->prd);
	d->prd_map = NULL;
	d->prd = NULL;
}

/* Whether a read of bytes to buf can go by DMA at all. */
bool ata_can_read_to(const struct loader *ld, const void *buf, uint64_t bytes)
{
	uintptr_t a = (uintptr_t)buf;

	return ld->dma.on && !(a & 1) && a + bytes <= FOUR_GIB;
}

/* Tries of a DMA read that the drive fails, as stage2's INT 13h reads. */
#define ATA_READ_TRIES		3

/* How a read failed: the command's registers, or no mapping (count 0). */
struct ata_failure {
	struct ata_error err;
	uint64_t lba;
	uint32_t count;
};

/*
 * count sectors at the absolute lba to buf, in commands of at most
 * ATA_EFI_MAX_SECTORS, each mapped for the controller. False, with f, on
 * the first failure.
 */
static bool ata_read_abs(struct loader *ld, uint64_t lba, uint32_t count,
			 void *buf, struct ata_failure *f)
{
	struct ata_boot_disk *d = &ld->dma;
	uint8_t *out = buf;

	*f = (struct ata_failure){ 0 };
	while (count) {
		uint32_t n = count < ATA_EFI_MAX_SECTORS ? count :
							   ATA_EFI_MAX_SECTORS;
		UINTN bytes = (UINTN)n * 512;
		EFI_PHYSICAL_ADDRESS bus;
		void *map;
		EFI_TPL tpl;
		bool ok;

		if (EFI_ERROR(d->pci_io->Map(d->pci_io,
					     EfiPciIoOperationBusMasterWrite,
					     out, &bytes, &bus, &map)))
			return false;
		n = (uint32_t)(bytes / 512);
		if (!n || (bus & 1) || bus + bytes > FOUR_GIB) {
			d->pci_io->Unmap(d->pci_io, map);
			return false;
		}
		tpl = BS->RaiseTPL(TPL_NOTIFY);
		ok = ata_read_dma(&d->ch, d->prd, d->prd_bus, lba, n,
				  (uint32_t)bus, &f->err);
		BS->RestoreTPL(tpl);
		d->pci_io->Unmap(d->pci_io, map);
		ld->reads++;
		if (!ok) {
			f->lba = lba;
			f->count = n;
			return false;
		}
		out += bytes;
		lba += n;
		count -= n;
	}
	return true;
}

/*
 * The drive itself failed the read (ERR in its status, the command ended
 * in time, no bus-master error): a bad sector, not trouble with DMA.
 */
static bool ata_media_error(const struct ata_failure *f)
{
	return f->count && !f->err.timeout && (f->err.status & ATA_SR_ERR) &&
	       !(f->err.bm_status & ATA_BM_SR_ERROR);
}

enum ata_read ata_read_boot_disk(struct loader *ld, uint64_t lba,
				 uint32_t count, void *buf)
{
	struct ata_failure f;

	if (!ata_can_read_to(ld, buf, (uint64_t)count * 512))
		return ATA_READ_NO_DMA;
	/*
	 * A sector the drive cannot read is tried again, as stage2 does
	 * through INT 13h; but not through the firmware: OVMF's IDE driver
	 * has been seen, under QEMU, to return such a sector as 0xff bytes
	 * with EFI_SUCCESS after a few failed tries, and the kernel then
	 * started with a hole in it. The drive's answer is the same either
	 * way, so the file fails and the entry with it.
	 */
	for (unsigned attempt = 1;; attempt++) {
		if (ata_read_abs(ld, ld->dma.part_lba + lba, count, buf, &f))
			return ATA_READ_OK;
		if (!ata_media_error(&f))
			break;
		/* The words of stage2's INT 13h retries (disk.c). */
		console_printf("disk: read error at LBA %llu (%u sectors), "
			       "status 0x%02x, attempt %u of %u\n",
			       (unsigned long long)f.lba, f.count,
			       f.err.status, attempt, ATA_READ_TRIES);
		if (attempt == ATA_READ_TRIES)
			return ATA_READ_MEDIA_ERROR;
	}
	if (f.count)
		console_printf("disk: DMA read %s at LBA %llu (%u sectors), "
			       "status 0x%02x, error 0x%02x, bus master "
			       "0x%02x; reading through the firmware from now "
			       "on\n", f.err.timeout ? "timeout" : "error",
			       (unsigned long long)f.lba, f.count,
			       f.err.status, f.err.error, f.err.bm_status);
	else
		console_printf("disk: cannot map a DMA buffer at 0x%llx; "
			       "reading through the firmware from now on\n",
			       (unsigned long long)(uintptr_t)buf);
	ata_close_boot_disk(ld);
	return ATA_READ_NO_DMA;
}

/*
 * count sectors at bio_lba of bio (the disk, or the partition) and at the
 * absolute lba by DMA, into buf (two samples' room); NULL if the same.
 */
static const char *ata_compare(struct loader *ld, EFI_BLOCK_IO *bio,
			       uint64_t bio_lba, uint64_t lba, uint32_t count,
			       uint8_t *buf, char *why, size_t size)
{
	uint8_t *dma = buf + ATA_SAMPLE_SECTORS * 512;
	struct ata_failure f;

	if (EFI_ERROR(bio->ReadBlocks(bio, bio->Media->MediaId, bio_lba,
				      (UINTN)count * 512, buf)))
		return "Block I/O sample read failed";
	if (!ata_read_abs(ld, lba, count, dma, &f)) {
		fmt_snprintf(why, size, "DMA sample read at LBA %llu failed, "
			     "status 0x%02x, bus master 0x%02x",
			     (unsigned long long)lba, f.err.status,
			     f.err.bm_status);
		return why;
	}
	if (!mem_equal(buf, dma, (UINTN)count * 512)) {
		fmt_snprintf(why, size, "DMA and Block I/O read different "
			     "data at LBA %llu", (unsigned long long)lba);
		return why;
	}
	return NULL;
}

/* Find, check and sample the channel; NULL when DMA may be used. */
static const char *ata_check(struct loader *ld, char *why, size_t size)
{
	struct ata_boot_disk *d = &ld->dma;
	EFI_LOADED_IMAGE *image;
	EFI_DEVICE_PATH *dp, *disk_dp;
	EFI_PHYSICAL_ADDRESS buf = EFI_BELOW_4G;
	EFI_BLOCK_IO *bio = NULL;
	EFI_HANDLE h;
	struct devpath_ata p;
	uint64_t sectors, id_sectors, n;
	const char *err;
	EFI_TPL tpl;

	if (EFI_ERROR(BS->HandleProtocol(ld->image, &LoadedImageProtocol,
					 (void **)&image)) ||
	    EFI_ERROR(BS->HandleProtocol(image->DeviceHandle,
					 &DevicePathProtocol, (void **)&dp)))
		return "the boot device has no device path";
	err = devpath_find_ata(dp, &p);
	if (err)
		return err;

	/* The whole disk: the path up to HD(), with Block I/O. */
	n = p.hd;
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, n + END_DEVICE_PATH_LENGTH,
				       (void **)&disk_dp)))
		return "no memory for a device path";
	BS->CopyMem(disk_dp, dp, n);
	SetDevicePathEndNode((EFI_DEVICE_PATH *)((uint8_t *)disk_dp + n));
	h = ata_locate(disk_dp, NULL, &BlockIoProtocol);
	BS->FreePool(disk_dp);
	if (!h || EFI_ERROR(BS->HandleProtocol(h, &BlockIoProtocol,
					       (void **)&bio)))
		return "no Block I/O for the whole disk";
	if (bio->Media->BlockSize != 512)
		return "the disk's blocks are not 512 bytes";
	sectors = bio->Media->LastBlock + 1;
	d->part_lba = p.part_lba;

	err = ata_find(ld, dp, &p, why, size);
	if (err)
		return err;
	err = ata_alloc_prd(d);
	if (err)
		return err;
	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData,
					2 * ATA_SAMPLE_PAGES, &buf)))
		return "no memory for the sample reads";
	tpl = BS->RaiseTPL(TPL_NOTIFY);
	err = ata_identify(&d->ch, (uint16_t *)(UINTN)buf, &id_sectors, why,
			   size);
	BS->RestoreTPL(tpl);
	if (!err && id_sectors != sectors) {
		fmt_snprintf(why, size, "IDENTIFY DEVICE says %llu sectors, "
			     "Block I/O %llu", (unsigned long long)id_sectors,
			     (unsigned long long)sectors);
		err = why;
	}
	n = ATA_SAMPLE_SECTORS;
	if (!err && p.part_lba >= sectors)
		err = "the partition starts past the disk's end";
	if (!err && n > sectors - p.part_lba)
		n = sectors - p.part_lba;
	if (!err && n > ld->block_io->Media->LastBlock + 1)
		n = ld->block_io->Media->LastBlock + 1;
	/* The partition's sectors through its own Block I/O: HD() is right. */
	if (!err)
		err = ata_compare(ld, bio, 0, 0, 1, (uint8_t *)(UINTN)buf, why,
				  size);
	if (!err)
		err = ata_compare(ld, ld->block_io, 0, p.part_lba,
				  (uint32_t)n, (uint8_t *)(UINTN)buf, why,
				  size);
	if (!err)
		err = ata_compare(ld, bio, sectors - 1, sectors - 1, 1,
				  (uint8_t *)(UINTN)buf, why, size);
	BS->FreePages(buf, 2 * ATA_SAMPLE_PAGES);
	return err;
}

/*
 * With trace on: the boot partition as the firmware's device path names
 * it, in the UEFI text form, HD(2,GPT,<unique GUID>,0x800,0x1f000) or
 * HD(1,MBR,0x<disk signature>,0x800,0x1f000). The loader takes its
 * partition from there, whatever table the disk has.
 */
static void ata_trace_partition(struct loader *ld)
{
	HARDDRIVE_DEVICE_PATH hd;
	char sig[GPT_GUID_TEXT];

	if (!ld->trace)
		return;
	if (!bli_boot_partition(ld, &hd)) {
		console_trace(ld, "trace: boot partition none (no HD() node)\n");
		return;
	}
	if (hd.SignatureType == SIGNATURE_TYPE_GUID) {
		struct gpt_guid g;

		BS->CopyMem(&g, hd.Signature, sizeof(g));
		gpt_guid_format(&g, sig);
	} else {
		uint32_t mbr_sig;

		BS->CopyMem(&mbr_sig, hd.Signature, sizeof(mbr_sig));
		fmt_snprintf(sig, sizeof(sig), "0x%08x", mbr_sig);
	}
	console_trace(ld, "trace: boot partition HD(%u,%s,%s,0x%llx,0x%llx)\n",
		      hd.PartitionNumber,
		      hd.SignatureType == SIGNATURE_TYPE_GUID ? "GPT" : "MBR",
		      sig, (unsigned long long)hd.PartitionStart,
		      (unsigned long long)hd.PartitionSize);
}

void ata_open_boot_disk(struct loader *ld)
{
	static char why[128];
	const char *err = "config says disk firmware";

	ata_trace_partition(ld);
	ld->dma = (struct ata_boot_disk){ 0 };
	if (!ld->cfg.disk_firmware && !ld->disk_io)
		err = "files through the firmware's file system";
	else if (!ld->cfg.disk_firmware)
		err = ata_check(ld, why, sizeof(why));
	if (err) {
		ata_close_boot_disk(ld);
		console_trace(ld, "trace: disk reads through the firmware "
			      "(%s)\n", err);
		return;
	}
	ld->dma.on = true;
	console_trace(ld, "trace: disk reads by DMA (checked against the "
		      "firmware)\n");
}
