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
 * Speed: under emulation what costs is the number of read requests, not
 * their size (OVMF on IDE: a 64 MiB initrd read in 32 KiB pieces takes
 * about 27 s longer than in one piece). file_read() therefore asks for the
 * whole range in one Read call and only calls again for what a short read
 * left over.
 */
#include "loader.h"

/* Longest path in /bzboot.cfg, in characters, NUL included. */
#define FILE_PATH_MAX		256
/* EFI_FILE_INFO plus a FileName of FILE_PATH_MAX characters. */
#define FILE_INFO_BYTES		(SIZE_OF_EFI_FILE_INFO + FILE_PATH_MAX * 2)

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
	return true;
}

/* "/boot/vmlinuz" -> L"\\boot\\vmlinuz" */
static bool file_path_to_efi(const char *path, CHAR16 *out, size_t max)
{
	size_t i;

	for (i = 0; path[i]; i++) {
		if (i + 1 >= max)
			return false;
		out[i] = path[i] == '/' ? L'\\' : (CHAR16)(unsigned char)path[i];
	}
	out[i] = 0;
	return true;
}

bool file_open(const struct loader *ld, const char *path, EFI_FILE_HANDLE *fh,
	       uint64_t *size)
{
	CHAR16 name[FILE_PATH_MAX];
	union {
		EFI_FILE_INFO info;
		uint8_t bytes[FILE_INFO_BYTES];
	} u;
	UINTN info_bytes = sizeof(u);
	EFI_STATUS st;

	if (!file_path_to_efi(path, name, FILE_PATH_MAX)) {
		console_printf("file: %s: path longer than %u characters\n",
			       path, FILE_PATH_MAX - 1);
		return false;
	}
	st = ld->root->Open(ld->root, fh, name, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot open %s: %s\n", path,
			       console_status_name(st));
		return false;
	}
	st = (*fh)->GetInfo(*fh, &GenericFileInfo, &info_bytes, &u.info);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot read the size of %s: %s\n", path,
			       console_status_name(st));
		file_close(*fh);
		return false;
	}
	if (u.info.Attribute & EFI_FILE_DIRECTORY) {
		console_printf("file: %s: is a directory, not a file\n", path);
		file_close(*fh);
		return false;
	}
	*size = u.info.FileSize;
	return true;
}

bool file_read(EFI_FILE_HANDLE fh, const char *path, uint64_t offset,
	       void *buf, uint64_t len)
{
	uint8_t *p = buf;
	uint64_t done = 0;
	EFI_STATUS st;

	st = fh->SetPosition(fh, offset);
	if (EFI_ERROR(st)) {
		console_printf("file: cannot seek to %llu in %s: %s\n",
			       (unsigned long long)offset, path,
			       console_status_name(st));
		return false;
	}
	while (done < len) {
		UINTN n = len - done;

		st = fh->Read(fh, &n, p + done);
		if (EFI_ERROR(st)) {
			console_printf("file: read of %s failed at byte %llu: "
				       "%s\n", path,
				       (unsigned long long)(offset + done),
				       console_status_name(st));
			return false;
		}
		if (n == 0) {
			console_printf("file: %s ended at byte %llu, expected "
				       "%llu\n", path,
				       (unsigned long long)(offset + done),
				       (unsigned long long)(offset + len));
			return false;
		}
		done += n;
	}
	return true;
}

void file_close(EFI_FILE_HANDLE fh)
{
	fh->Close(fh);
}
