// SPDX-License-Identifier: MIT
/*
 * devpath.c - the IDE disk partition a UEFI device path names (devpath.h).
 * Bytes only: nodes need not be aligned, so every field is read bytewise.
 */
#include <stdbool.h>

#include "devpath.h"

static uint64_t devpath_le(const uint8_t *b, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | b[bytes];
	return v;
}

const char *devpath_find_ata(const void *dp, struct devpath_ata *p)
{
	const uint8_t *start = dp, *node = dp;
	bool pci = false, ata = false, hd = false;

	*p = (struct devpath_ata){ 0 };
	for (;;) {
		uint8_t type = node[0], sub = node[1];
		size_t len = (size_t)devpath_le(node + 2, 2);

		if (type == DEVPATH_END && sub == DEVPATH_END_ENTIRE)
			break;
		if (len < DEVPATH_HEADER_BYTES)
			return "a device path node shorter than its header";
		if (type == DEVPATH_HARDWARE && sub == DEVPATH_HW_PCI) {
			pci = true;
		} else if (type == DEVPATH_MESSAGING &&
			   sub == DEVPATH_MSG_ATAPI && pci && !ata) {
			if (len < DEVPATH_ATAPI_BYTES)
				return "the device path's Ata() node is short";
			ata = true;
			p->ata = (size_t)(node - start);
			p->channel = node[DEVPATH_ATAPI_CHANNEL];
			p->slave = node[DEVPATH_ATAPI_DEVICE];
		} else if (type == DEVPATH_MEDIA &&
			   sub == DEVPATH_MEDIA_HARDDRIVE && ata && !hd) {
			if (len < DEVPATH_HD_BYTES)
				return "the device path's HD() node is short";
			hd = true;
			p->hd = (size_t)(node - start);
			p->part_lba = devpath_le(node + DEVPATH_HD_START, 8);
		}
		node += len;
	}
	if (!ata)
		return "no PCI Ata() node in the boot device's path";
	if (!hd)
		return "no HD() partition node after Ata() in the device path";
	if (p->channel > 1)
		return "Ata() names no IDE channel";
	if (p->slave > 1)
		return "Ata() names no master or slave";
	return NULL;
}
