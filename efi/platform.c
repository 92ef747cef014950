// SPDX-License-Identifier: MIT
/*
 * platform.c - the UEFI backend's memory for core/platform.h: pool
 * memory. Runs under boot services, in long mode. The block reads and the
 * file system fallback are file.c's.
 */
#include "loader.h"
#include "platform.h"

struct loader *platform_loader;

/* Disk requests: file.c and ata.c count them. */
unsigned plat_disk_requests(void)
{
	return platform_loader ? platform_loader->reads : 0;
}

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
