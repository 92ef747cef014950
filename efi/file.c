// SPDX-License-Identifier: MIT
/*
 * file.c - the boot volume for core/file.c: block reads of the partition
 * the loader itself was loaded from (plat_block_read()), and the
 * firmware's EFI_SIMPLE_FILE_SYSTEM_PROTOCOL as the fallback (plat_fs_*())
 * when that partition cannot be read as blocks or common/fat.c cannot
 * mount it.
 *
 * Runs under boot services, in long mode. The volume is found through
 * LoadedImage->DeviceHandle, so the config, kernel and initrd(s) come from
 * the same partition as EFI/BOOT/BOOTX64.EFI. The firmware's FAT driver
 * trusts the cluster chains (a chain that loops comes back as wrong bytes
 * with EFI_SUCCESS), so common/fat.c, which checks them, reads first.
 *
 * Speed: what costs is the number of disk commands, not their size. OVMF's
 * IDE driver (AtaAtapiPassThru, IdeMode.c) stalls 10 ms after every DMA
 * command, and its ATA bus driver cuts a request into commands of at most
 * 256 sectors (128 KiB; more only on disks over 128 GiB, with 48-bit LBA):
 * about 11 ms per 128 KiB, whichever protocol asks (Simple File System,
 * Disk I/O or Block I/O, measured alike). So common/fat.c's large reads
 * (a file's cluster runs) go in one request, by DMA when ata.c has checked
 * the disk (up to 16 MiB per command); its small reads (a sector of a
 * directory, a few KiB of the FAT) are served from four windows of
 * FILE_WINDOW_SECTORS, each read in one command.
 */
#include "file.h"
#include "loader.h"
#include "platform.h"

/* EFI_FILE_INFO plus a FileName as long as a path in /bzboot.cfg. */
#define FILE_INFO_BYTES		(SIZE_OF_EFI_FILE_INFO + CONFIG_PATH_MAX * 2)
/* Reads tried again after EFI_DEVICE_ERROR, as stage2 does (3 in all). */
#define FILE_READ_RETRIES	2
/* The chain check's read windows: one IDE command's worth (128 KiB). */
#define FILE_WINDOW_SECTORS	256
#define FILE_WINDOW_PAGES	(FILE_WINDOW_SECTORS * 512 / EFI_PAGE_SIZE)

static bool file_mount_blocks(struct loader *ld, EFI_HANDLE device);

/* The firmware's file system on the boot device: the fallback. */
static bool file_open_fs(struct loader *ld, EFI_HANDLE device)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(device, &FileSystemProtocol, (void **)&fs);
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
	return true;
}

bool file_open_boot_volume(struct loader *ld)
{
	EFI_LOADED_IMAGE *image;
	EFI_STATUS st;

	st = BS->HandleProtocol(ld->image, &LoadedImageProtocol,
				(void **)&image);
	if (EFI_ERROR(st)) {
		console_printf("file: no LoadedImage protocol on our image: "
			       "%s\n", console_status_name(st));
		return false;
	}
	/* To reset the disk before a retry, and its size: none, no reset. */
	if (EFI_ERROR(BS->HandleProtocol(image->DeviceHandle, &BlockIoProtocol,
					 (void **)&ld->block_io)))
		ld->block_io = NULL;
	if (file_mount_blocks(ld, image->DeviceHandle))
		return true;
	return file_open_fs(ld, image->DeviceHandle);
}

/*
 * Read count 512-byte sectors at lba, from the partition's start: by DMA
 * (ata.c) while it is on and can reach buf, else through Disk I/O. A
 * sector the drive fails three times by DMA fails the read, without
 * asking the firmware (ata.c says why); any other failed DMA command
 * turns DMA off, and Disk I/O reads the sectors.
 */
static EFI_STATUS file_disk_read_direct(struct loader *ld, uint64_t lba,
					uint32_t count, void *buf)
{
	switch (ata_read_boot_disk(ld, lba, count, buf)) {
	case ATA_READ_OK:
		return EFI_SUCCESS;
	case ATA_READ_MEDIA_ERROR:
		return EFI_DEVICE_ERROR;
	default:
		ld->reads++;
		return ld->disk_io->ReadDisk(ld->disk_io,
					     ld->block_io->Media->MediaId,
					     lba * 512, (UINTN)count * 512,
					     buf);
	}
}

/*
 * core/file.c's block read. A small read comes from one of the windows;
 * when none holds the sectors, the one used longest ago is refilled from
 * lba on. The FAT is read in ascending order and a directory sits in a
 * few sectors, so one command serves many reads, and the windows let the
 * directories and the FAT take turns. If a window cannot be read (a bad
 * sector in it, not necessarily in the range asked for), the range is read
 * alone.
 */
bool plat_block_read(uint64_t lba, uint32_t count, void *buf)
{
	struct loader *ld = platform_loader;
	struct file_window *w = NULL;
	uint32_t fill = FILE_WINDOW_SECTORS;
	unsigned i;

	if (!ld->window[0].buf || count >= FILE_WINDOW_SECTORS)
		return !EFI_ERROR(file_disk_read_direct(ld, lba, count, buf));
	for (i = 0; i < FILE_WINDOWS; i++)
		if (lba >= ld->window[i].lba &&
		    lba + count <= ld->window[i].lba + ld->window[i].sectors)
			w = &ld->window[i];
	if (!w) {
		w = &ld->window[0];
		for (i = 1; i < FILE_WINDOWS; i++)
			if (ld->window[i].used < w->used)
				w = &ld->window[i];
		/* common/fat.c reads inside the partition only. */
		if (fill > ld->part_sectors - lba)
			fill = (uint32_t)(ld->part_sectors - lba);
		w->sectors = 0;
		if (EFI_ERROR(file_disk_read_direct(ld, lba, fill, w->buf)))
			return !EFI_ERROR(file_disk_read_direct(ld, lba, count,
								buf));
		w->lba = lba;
		w->sectors = fill;
	}
	w->used = ++ld->window_clock;
	BS->CopyMem(buf, w->buf + (lba - w->lba) * 512, (UINTN)count * 512);
	return true;
}

/*
 * core/file.c's block write (the environment file): through Disk I/O,
 * which the reads also use, never by DMA; then FlushBlocks, so the
 * sectors are on the disk before a kernel takes over. A read window
 * holding them is dropped.
 */
bool plat_block_write(uint64_t lba, uint32_t count, const void *buf)
{
	struct loader *ld = platform_loader;
	EFI_STATUS st;
	unsigned i;

	for (i = 0; i < FILE_WINDOWS; i++)
		if (lba < ld->window[i].lba + ld->window[i].sectors &&
		    ld->window[i].lba < lba + count)
			ld->window[i].sectors = 0;
	st = ld->disk_io->WriteDisk(ld->disk_io, ld->block_io->Media->MediaId,
				    lba * 512, (UINTN)count * 512,
				    (void *)buf);
	if (!EFI_ERROR(st))
		st = ld->block_io->FlushBlocks(ld->block_io);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot write %u sectors at %llu of the "
			       "boot partition: %s\n", count,
			       (unsigned long long)lba,
			       console_status_name(st));
		return false;
	}
	return true;
}

/*
 * Mount the boot partition with core/file.c over plat_block_read(). False
 * without Disk I/O, or on a file system common/fat.c cannot read (the
 * trace says which): then the firmware's file system reads the files.
 */
static bool file_mount_blocks(struct loader *ld, EFI_HANDLE device)
{
	EFI_PHYSICAL_ADDRESS window;
	enum fat_error err;
	unsigned i;

	ld->disk_io = NULL;
	if (!ld->block_io ||
	    EFI_ERROR(BS->HandleProtocol(device, &DiskIoProtocol,
					 (void **)&ld->disk_io))) {
		ld->disk_io = NULL;
		console_trace(ld, "trace: files through the firmware (no Disk "
			      "I/O on the boot partition)\n");
		return false;
	}
	/* Without windows, every small read is a command of its own. */
	ld->window_clock = 0;
	for (i = 0; i < FILE_WINDOWS; i++)
		ld->window[i] = (struct file_window){ 0 };
	if (!EFI_ERROR(BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
					 FILE_WINDOWS * FILE_WINDOW_PAGES,
					 &window)))
		for (i = 0; i < FILE_WINDOWS; i++)
			ld->window[i].buf = (uint8_t *)(UINTN)window +
					    i * FILE_WINDOW_SECTORS * 512;
	ld->part_sectors = (ld->block_io->Media->LastBlock + 1) *
			   (ld->block_io->Media->BlockSize / 512);
	err = file_mount(&ld->fat, 0, ld->part_sectors);
	if (err) {
		console_trace(ld, "trace: files through the firmware (%s)\n",
			      fat_strerror(err));
		ld->disk_io = NULL;
		if (ld->window[0].buf)
			BS->FreePages(window, FILE_WINDOWS * FILE_WINDOW_PAGES);
		for (i = 0; i < FILE_WINDOWS; i++)
			ld->window[i].buf = NULL;
		return false;
	}
	return true;
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

bool plat_fs_open(const char *path, void **fs, uint64_t *size)
{
	struct loader *ld = platform_loader;
	EFI_FILE_HANDLE *fh = (EFI_FILE_HANDLE *)fs;
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
		plat_fs_close(h);
		return false;
	}
	if (u.info.Attribute & EFI_FILE_DIRECTORY) {
		console_printf("file: %s: is a directory, not a file\n", path);
		plat_fs_close(h);
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
	plat_fs_close(*fh);
	return plat_fs_open(path, (void **)fh, &size);
}

bool plat_fs_read(const char *path, void **fs, uint64_t offset, void *buf,
		  uint64_t len)
{
	struct loader *ld = platform_loader;
	EFI_FILE_HANDLE *fhp = (EFI_FILE_HANDLE *)fs;
	uint8_t *p = buf;
	uint64_t done = 0;
	unsigned attempt = 1;
	EFI_STATUS st;

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

void plat_fs_close(void *fs)
{
	EFI_FILE_HANDLE fh = fs;

	if (fh)
		fh->Close(fh);
}

bool plat_fs_opendir(const char *path, void **fs)
{
	struct loader *ld = platform_loader;
	CHAR16 name[CONFIG_PATH_MAX];
	EFI_FILE_HANDLE h;
	EFI_STATUS st;

	*fs = NULL;
	if (!file_path_to_efi(path, name, CONFIG_PATH_MAX)) {
		console_printf("file: %s: path longer than %u characters\n",
			       path, CONFIG_PATH_MAX - 1);
		return false;
	}
	st = ld->root->Open(ld->root, &h, name, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND)
		return false;
	if (EFI_ERROR(st)) {
		console_printf("file: cannot open %s: %s\n", path,
			       console_status_name(st));
		return false;
	}
	*fs = h;
	return true;
}

/*
 * Read() on a directory handle returns one EFI_FILE_INFO per call, and a
 * size of 0 at the end. Names are UCS-2; BLS names are ASCII, anything
 * else becomes '?'.
 */
int plat_fs_readdir(const char *path, void *fs, char *name, size_t size)
{
	EFI_FILE_HANDLE h = fs;
	union {
		EFI_FILE_INFO info;
		uint8_t bytes[SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16)];
	} u;
	EFI_STATUS st;
	UINTN bytes;
	size_t len;

	for (;;) {
		bytes = sizeof(u);
		st = h->Read(h, &bytes, &u.info);
		if (EFI_ERROR(st)) {
			console_printf("file: cannot list %s: %s\n", path,
				       console_status_name(st));
			return -1;
		}
		if (bytes == 0)
			return 0;
		for (len = 0; u.info.FileName[len]; len++)
			;
		if ((u.info.Attribute & EFI_FILE_DIRECTORY) || len >= size)
			continue;
		for (size_t i = 0; i < len; i++) {
			CHAR16 c = u.info.FileName[i];

			name[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		name[len] = '\0';
		return 1;
	}
}
