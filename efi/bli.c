// SPDX-License-Identifier: MIT
/*
 * bli.c - systemd's Boot Loader Interface: EFI variables under the vendor
 * GUID 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f, values NUL-terminated UTF-16
 * strings (LoaderFeatures: a UINT64). The core reads LoaderEntryOneShot,
 * LoaderEntryDefault and the timeouts through plat_loader_var(); this file
 * writes what bootctl, systemd-analyze and the root-partition discovery
 * read (docs/menu.md, "Boot Loader Interface"). Written ones are volatile
 * (BS|RT): they describe this boot only. A write that fails is not worth
 * a message: the boot goes on, and the OS sees no variable.
 */
#include "bli.h"
#include "fmt.h"
#include "gpt.h"
#include "phase.h"
#include "platform.h"

static EFI_GUID bli_guid = { 0x4a67b082, 0x0a4c, 0x41cf,
			     { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c,
			       0x4f } };

/* ASCII into UTF-16, len chars (NULs included). */
static void widen(CHAR16 *to, const char *s, size_t len)
{
	while (len--)
		*to++ = (uint8_t)*s++;
}

/*
 * A volatile variable holding len chars of s (its NULs included; at most
 * LIST_MAX).
 */
#define LIST_MAX	(CONFIG_MAX_ENTRIES * (CONFIG_NAME_MAX + 5))
static void set_var(const char *name, const char *s, size_t len)
{
	CHAR16 name16[32], v[LIST_MAX];

	widen(name16, name, 32);
	widen(v, s, len);
	RT->SetVariable(name16, &bli_guid, EFI_VARIABLE_BOOTSERVICE_ACCESS |
			EFI_VARIABLE_RUNTIME_ACCESS, len * sizeof(CHAR16), v);
}

static void set_string(const char *name, const char *s)
{
	size_t n = 0;

	while (s[n++])
		;
	set_var(name, s, n);
}

/*
 * Microseconds since the counter's zero (the CPU's reset), as systemd-boot
 * counts LoaderTimeInitUSec and LoaderTimeExecUSec.
 */
static void set_time(const char *name, uint64_t tsc)
{
	char text[24];
	uint32_t khz = plat_tsc_khz();

	fmt_snprintf(text, sizeof(text), "%llu",
		     (unsigned long long)(khz ? tsc * 1000 / khz : 0));
	set_string(name, text);
}

bool plat_loader_var(const char *name, char *value, size_t size, bool take)
{
	CHAR16 name16[32], v[CONFIG_NAME_MAX + 8];
	UINTN bytes = sizeof(v);
	UINT32 attr;
	size_t i;

	widen(name16, name, 32);
	if (EFI_ERROR(RT->GetVariable(name16, &bli_guid, &attr, &bytes, v)))
		return false;
	/* A one-shot that cannot be deleted would come back at every boot. */
	if (take && EFI_ERROR(RT->SetVariable(name16, &bli_guid, 0, 0, NULL)))
		return false;
	for (i = 0; i < bytes / 2 && i < size && v[i]; i++) {
		if (v[i] > 0x7e)
			return false;
		value[i] = (char)v[i];
	}
	if (i == size)
		return false;
	value[i] = '\0';
	return i > 0;
}

bool bli_boot_partition(const struct loader *ld, HARDDRIVE_DEVICE_PATH *hd)
{
	EFI_LOADED_IMAGE *image;
	EFI_DEVICE_PATH *dp;

	if (EFI_ERROR(BS->HandleProtocol(ld->image, &LoadedImageProtocol,
					 (void **)&image)) ||
	    EFI_ERROR(BS->HandleProtocol(image->DeviceHandle,
					 &DevicePathProtocol, (void **)&dp)))
		return false;
	for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_HARDDRIVE_DP)
			continue;
		/* Device path nodes need not be aligned. */
		BS->CopyMem(hd, dp, sizeof(*hd));
		return true;
	}
	return false;
}

void bli_export(struct loader *ld)
{
	/* Timeouts, default and one-shot entries: systemd's bits 0 to 3. */
	static const uint64_t features = 0xf;
	char list[LIST_MAX];
	char guid[GPT_GUID_TEXT];
	HARDDRIVE_DEVICE_PATH hd;
	size_t n = 0;

	set_string("LoaderInfo", "bzboot " BZBOOT_VERSION);
	set_time("LoaderTimeInitUSec", phase_started());
	RT->SetVariable(L"LoaderFeatures", &bli_guid,
			EFI_VARIABLE_BOOTSERVICE_ACCESS |
			EFI_VARIABLE_RUNTIME_ACCESS, sizeof(features),
			(void *)&features);
	for (unsigned i = 0; i < ld->cfg.entry_count; i++)
		n += (size_t)fmt_snprintf(list + n, sizeof(list) - n, "%s%s",
					  ld->cfg.entry[i].name,
					  ld->cfg.entry[i].bls ? ".conf" : "")
		     + 1;
	set_var("LoaderEntries", list, n);

	/*
	 * The partition's unique GUID, only on a GPT disk: systemd-boot sets
	 * none for an MBR partition.
	 */
	if (!bli_boot_partition(ld, &hd) ||
	    hd.SignatureType != SIGNATURE_TYPE_GUID)
		return;
	gpt_guid_format((const struct gpt_guid *)hd.Signature, guid);
	set_string("LoaderDevicePartUUID", guid);
}

void bli_selected(const struct config_entry *e)
{
	char id[CONFIG_NAME_MAX + 5];

	fmt_snprintf(id, sizeof(id), "%s%s", e->name, e->bls ? ".conf" : "");
	set_string("LoaderEntrySelected", id);
}

void bli_exec_time(void)
{
	set_time("LoaderTimeExecUSec", phase_tsc());
}
