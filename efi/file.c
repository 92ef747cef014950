// SPDX-License-Identifier: MIT
/*
 * file.c - reading files by name from the FAT volume the loader itself was
 * loaded from, through the firmware's EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.
 *
 * Runs under boot services, in long mode. The volume is found through
 * LoadedImage->DeviceHandle, so the config, kernel and initrd(s) come from
 * the same partition as EFI/BOOT/BOOTX64.EFI. Paths in /bzboot.cfg are
 * written with '/' and become UEFI paths with '\'.
 *
 * The firmware's FAT driver trusts the cluster chains: a chain that loops
 * comes back as wrong bytes with EFI_SUCCESS. So before a file is read,
 * the shared FAT reader (common/fat.c, the one stage2 reads with) walks its
 * chain over the partition's Disk I/O protocol, and a broken chain fails
 * with the same message as on the BIOS path.
 *
 * Speed: what costs is the number of disk commands, not their size. OVMF's
 * IDE driver (AtaAtapiPassThru, IdeMode.c) stalls 10 ms after every DMA
 * command, and its ATA bus driver cuts a request into commands of at most
 * 256 sectors (128 KiB; more only on disks over 128 GiB, with 48-bit LBA):
 * about 11 ms per 128 KiB, whichever protocol asks (Simple File System,
 * Disk I/O or Block I/O, measured alike). So file_read() asks for the whole
 * range in one Read call and only calls again for what a short read left
 * over, or after a device error (up to two more tries); and the chain
 * check's small reads (a sector of a directory, a few KiB of the FAT) are
 * served from two windows of FILE_WINDOW_SECTORS, each read in one command.
 * Faster still, on an IDE disk ata.c has checked: the same fat_disk reads
 * go by DMA, and file_read() reads the file's cluster runs itself through
 * common/fat.c (fat_read()), up to 16 MiB per command; any DMA failure
 * leaves the rest to the firmware's file reads, retries and messages.
 */
#include "loader.h"

/* EFI_FILE_INFO plus a FileName as long as a path in /bzboot.cfg. */
#define FILE_INFO_BYTES		(SIZE_OF_EFI_FILE_INFO + CONFIG_PATH_MAX * 2)
/* Reads tried again after EFI_DEVICE_ERROR, as stage2 does (3 in all). */
#define FILE_READ_RETRIES	2
/* The chain check's read windows: one IDE command's worth (128 KiB). */
#define FILE_WINDOW_SECTORS	256
#define FILE_WINDOW_PAGES	(FILE_WINDOW_SECTORS * 512 / EFI_PAGE_SIZE)

static void file_mount_fat(struct loader *ld, EFI_HANDLE device);

bool file_open_boot_volume(struct loader *ld)
{
	EFI_LOADED_IMAGE *image;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(ld->image, &LoadedImageProtocol,
				(void **)&image);
	if (EFI_ERROR(st)) {
		console_printf("file: no LoadedImage protocol on our image: "
			       "%s\n", console_status_name(st));
		return false;
	}
	st = BS->HandleProtocol(image->DeviceHandle, &FileSystemProtocol,
				(void **)&fs);
	if (EFI_ERROR(st)) {
		console_printf("file: the boot device has no file system "
			       "protocol: %s\n", console_status_name(st));
		return false;
	}
	st = fs->OpenVolume(fs, &ld->root);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot open the boot volume: %s\n",
			       console_status_name(st));
		return false;
	}
	/* Only to reset the disk before a retry: none, no reset. */
	if (EFI_ERROR(BS->HandleProtocol(image->DeviceHandle, &BlockIoProtocol,
					 (void **)&ld->block_io)))
		ld->block_io = NULL;
	file_mount_fat(ld, image->DeviceHandle);
	return true;
}

/*
 * Read count 512-byte sectors at lba, from the partition's start: by DMA
 * (ata.c) while it is on and can reach buf, else through Disk I/O. A
 * sector the drive fails three times fails the read. Any other failed
 * DMA command turns DMA off; then Disk I/O reads the sectors, except for
 * a file's data (ld->dma_strict): that read fails, and file_read()
 * starts again with the firmware's file reads.
 */
static EFI_STATUS file_disk_read_direct(struct loader *ld, uint64_t lba,
					uint32_t count, void *buf)
{
	bool dma = ld->dma.on;

	if (dma && ata_read_boot_disk(ld, lba, count, buf))
		return EFI_SUCCESS;
	if (dma && (ld->dma_media_error || (!ld->dma.on && ld->dma_strict)))
		return EFI_DEVICE_ERROR;
	return ld->disk_io->ReadDisk(ld->disk_io,
				     ld->block_io->Media->MediaId, lba * 512,
				     (UINTN)count * 512, buf);
}

/*
 * struct fat_disk's read. A small read comes from one of the windows; when
 * neither holds the sectors, the one not used last is refilled from lba
 * on. The FAT is read in ascending order and a directory sits in a few
 * sectors, so one command serves many reads, and the two windows let the
 * directories and the FAT take turns. If a window cannot be read (a bad
 * sector in it, not necessarily in the range asked for), the range is read
 * alone.
 */
static int file_disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct loader *ld = ctx;
	struct file_window *w = NULL;
	uint32_t fill = FILE_WINDOW_SECTORS;
	unsigned i;

	if (!ld->window[0].buf || count >= FILE_WINDOW_SECTORS)
		return EFI_ERROR(file_disk_read_direct(ld, lba, count, buf)) ?
			-1 : 0;
	for (i = 0; i < FILE_WINDOWS; i++)
		if (lba >= ld->window[i].lba &&
		    lba + count <= ld->window[i].lba + ld->window[i].sectors)
			w = &ld->window[i];
	if (!w) {
		w = &ld->window[(ld->window_last + 1) % FILE_WINDOWS];
		/* common/fat.c reads inside the partition only. */
		if (fill > ld->fat.part_sectors - lba)
			fill = (uint32_t)(ld->fat.part_sectors - lba);
		w->sectors = 0;
		if (EFI_ERROR(file_disk_read_direct(ld, lba, fill, w->buf)))
			return EFI_ERROR(file_disk_read_direct(ld, lba, count,
							       buf)) ? -1 : 0;
		w->lba = lba;
		w->sectors = fill;
	}
	ld->window_last = (unsigned)(w - ld->window);
	BS->CopyMem(buf, w->buf + (lba - w->lba) * 512, (UINTN)count * 512);
	return 0;
}

/*
 * Mount the boot partition with common/fat.c for the chain checks. Without
 * Disk I/O, or on a file system it cannot read, the checks are skipped
 * (the trace says so): the firmware's driver still reads the files.
 */
static void file_mount_fat(struct loader *ld, EFI_HANDLE device)
{
	EFI_PHYSICAL_ADDRESS window;
	enum fat_error err;
	unsigned i;

	ld->fat_ok = false;
	if (!ld->block_io ||
	    EFI_ERROR(BS->HandleProtocol(device, &DiskIoProtocol,
					 (void **)&ld->disk_io)))
		return;
	/* Without windows, every small read is a command of its own. */
	ld->window_last = 0;
	for (i = 0; i < FILE_WINDOWS; i++) {
		ld->window[i].sectors = 0;
		ld->window[i].buf = NULL;
	}
	if (!EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
					 FILE_WINDOWS * FILE_WINDOW_PAGES,
					 &window)))
		for (i = 0; i < FILE_WINDOWS; i++)
			ld->window[i].buf = (uint8_t *)(UINTN)window +
					    i * FILE_WINDOW_SECTORS * 512;
	ld->fat_disk.read = file_disk_read;
	ld->fat_disk.ctx = ld;
	err = fat_mount(&ld->fat, &ld->fat_disk, 0,
			(ld->block_io->Media->LastBlock + 1) *
			(ld->block_io->Media->BlockSize / 512));
	ld->fat_ok = err == FAT_OK;
	if (err)
		console_trace(ld, "no cluster chain checks: %s\n",
			      fat_strerror(err));
}

/*
 * The cluster chain of path, walked by common/fat.c (fat_open() checks it
 * whole: free, bad or out-of-range clusters, a loop, a short chain).
 */
static bool file_check_chain(struct loader *ld, const char *path)
{
	struct fat_file f;
	enum fat_error err;

	if (!ld->fat_ok)
		return true;
	err = fat_open(&ld->fat, path, &f);
	switch (err) {
	case FAT_OK:
		return true;
	case FAT_ERR_BAD_CLUSTER:
	case FAT_ERR_CHAIN_LOOP:
	case FAT_ERR_CHAIN_SHORT:
	case FAT_ERR_IO:
		console_printf("fat: %s: %s\n", path, fat_strerror(err));
		return false;
	default:
		/* Names the firmware finds and we do not: its word counts. */
		console_trace(ld, "no cluster chain check for %s: %s\n", path,
			      fat_strerror(err));
		return true;
	}
}

/* "/boot/vmlinuz" -> L"\\boot\\vmlinuz" */
static bool file_path_to_efi(const char *path, CHAR16 *out, size_t max)
{
	size_t i;

	for (i = 0; path[i]; i++) {
		unsigned char c = (unsigned char)path[i];

		if (i + 1 >= max)
			return false;
		out[i] = c == '/' ? L'\\' : c;
	}
	out[i] = 0;
	return true;
}

bool file_open(struct loader *ld, const char *path, EFI_FILE_HANDLE *fh,
	       uint64_t *size)
{
	CHAR16 name[CONFIG_PATH_MAX];
	union {
		EFI_FILE_INFO info;
		uint8_t bytes[FILE_INFO_BYTES];
	} u;
	UINTN info_bytes = sizeof(u);
	EFI_FILE_HANDLE h;
	EFI_STATUS st;

	/* On failure no handle: nothing for the caller to close. */
	*fh = NULL;
	if (!file_path_to_efi(path, name, CONFIG_PATH_MAX)) {
		console_printf("file: %s: path longer than %u characters\n",
			       path, CONFIG_PATH_MAX - 1);
		return false;
	}
	st = ld->root->Open(ld->root, &h, name, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot open %s: %s\n", path,
			       console_status_name(st));
		return false;
	}
	st = h->GetInfo(h, &GenericFileInfo, &info_bytes, &u.info);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot read the size of %s: %s\n", path,
			       console_status_name(st));
		file_close(h);
		return false;
	}
	if (u.info.Attribute & EFI_FILE_DIRECTORY) {
		console_printf("file: %s: is a directory, not a file\n", path);
		file_close(h);
		return false;
	}
	if (!file_check_chain(ld, path)) {
		file_close(h);
		return false;
	}
	*fh = h;
	*size = u.info.FileSize;
	return true;
}

/*
 * Before another try, as stage2 resets the drive (INT 13h AH=00h): reset
 * the disk, read its first block, and open the file again. The read is
 * there for OVMF's IDE path under QEMU: after one failed read, the next
 * file read fails too, however fine the disk is again, unless a plain
 * block read comes first (seen with QEMU's blkdebug, "once" errors). A
 * new file handle, because the file system may keep a handle's error.
 */
static bool file_reopen(struct loader *ld, const char *path,
			EFI_FILE_HANDLE *fh)
{
	EFI_BLOCK_IO *bio = ld->block_io;
	EFI_PHYSICAL_ADDRESS block;
	uint64_t size;

	if (bio && bio->Media->BlockSize <= EFI_PAGE_SIZE &&
	    !EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 1,
					 &block))) {
		/* Their failure is the next file read's to report. */
		bio->Reset(bio, FALSE);
		bio->ReadBlocks(bio, bio->Media->MediaId, 0,
				bio->Media->BlockSize, (void *)block);
		BS->FreePages(block, 1);
	}
	file_close(*fh);
	return file_open(ld, path, fh, &size);
}

/*
 * With DMA on: the range through common/fat.c, whose fat_read() reads the
 * file's cluster runs in large requests, by DMA straight into buf. False
 * when it cannot: then the firmware's file reads take over, unless the
 * drive itself failed a sector three times (ld->dma_media_error; ata.c
 * says why the firmware is not asked then), which fails the file.
 */
static bool file_read_dma(struct loader *ld, const char *path,
			  uint64_t offset, void *buf, uint64_t len)
{
	struct fat_file f;
	enum fat_error err;

	ld->dma_media_error = false;
	if (!ld->fat_ok || !ata_can_read_to(ld, buf, len) ||
	    offset + len > UINT32_MAX)
		return false;
	err = fat_open(&ld->fat, path, &f);
	if (err == FAT_OK && offset + len > f.size)
		err = FAT_ERR_IO;
	if (err == FAT_OK) {
		ld->dma_strict = true;
		err = fat_read(&ld->fat, &f, (uint32_t)offset, buf,
			       (uint32_t)len);
		ld->dma_strict = false;
	}
	if (err && ld->dma_media_error) {
		/* The drive failed it three times: as stage2 says it. */
		console_printf("fat: %s: reading %llu bytes at offset %llu: "
			       "%s\n", path, (unsigned long long)len,
			       (unsigned long long)offset, fat_strerror(err));
		return false;
	}
	if (err && ld->dma.on)
		console_trace(ld, "trace: %s read through the firmware (%s)\n",
			      path, fat_strerror(err));
	return err == FAT_OK;
}

bool file_read(struct loader *ld, EFI_FILE_HANDLE *fhp, const char *path,
	       uint64_t offset, void *buf, uint64_t len)
{
	uint8_t *p = buf;
	uint64_t done = 0;
	unsigned attempt = 1;
	EFI_STATUS st;

	if (file_read_dma(ld, path, offset, buf, len))
		return true;
	if (ld->dma_media_error)
		return false;
	while (done < len) {
		uint64_t at = offset + done;
		UINTN n = len - done;

		/*
		 * Every time: where a failed Read leaves the position is
		 * not defined.
		 */
		st = (*fhp)->SetPosition(*fhp, at);
		if (EFI_ERROR(st)) {
			console_printf("file: cannot seek to byte %llu of %s: "
				       "%s\n", (unsigned long long)at, path,
				       console_status_name(st));
			return false;
		}
		st = (*fhp)->Read(*fhp, &n, p + done);
		ld->reads++;
		/* A device error may pass (a bus hiccup): try again. */
		if (st == EFI_DEVICE_ERROR && attempt <= FILE_READ_RETRIES) {
			console_printf("file: read of %s failed at byte %llu: "
				       "%s, attempt %u of %u\n", path,
				       (unsigned long long)at,
				       console_status_name(st), attempt,
				       FILE_READ_RETRIES + 1);
			if (!file_reopen(ld, path, fhp))
				return false;
			attempt++;
			continue;
		}
		if (EFI_ERROR(st)) {
			console_printf("file: read of %s failed at byte %llu: "
				       "%s\n", path, (unsigned long long)at,
				       console_status_name(st));
			return false;
		}
		if (n == 0) {
			console_printf("file: %s ended at byte %llu, expected "
				       "%llu\n", path, (unsigned long long)at,
				       (unsigned long long)(offset + len));
			return false;
		}
		done += n;
		attempt = 1;
	}
	return true;
}

void file_close(EFI_FILE_HANDLE fh)
{
	if (fh)
		fh->Close(fh);
}
