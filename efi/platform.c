// SPDX-License-Identifier: MIT
/*
 * platform.c - the UEFI backend's files and memory for core/platform.h:
 * the config file through file.c (common/fat.c over the boot disk, the
 * firmware's file protocol as the fallback) and pool memory. Runs under
 * boot services, in long mode. Each failure has printed its own line, with
 * the EFI_STATUS by name, so *why stays NULL.
 */
#include "loader.h"
#include "platform.h"

struct loader *platform_loader;

/* The file plat_file_open() opened. */
static EFI_FILE_HANDLE open_fh;

void *plat_alloc(size_t bytes)
{
	void *p;

	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, bytes, &p)))
		return NULL;
	return p;
}

void plat_free(void *p)
{
	BS->FreePool(p);
}

bool plat_file_open(const char *path, uint64_t *size, const char **why)
{
	*why = NULL;
	return file_open(platform_loader, path, &open_fh, size);
}

bool plat_file_read(const char *path, uint64_t offset, void *buf,
		    uint64_t len, const char **why)
{
	*why = NULL;
	return file_read(platform_loader, &open_fh, path, offset, buf, len);
}

void plat_file_close(void)
{
	file_close(open_fh);
}
