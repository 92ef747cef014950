// SPDX-License-Identifier: MIT
/*
 * trust.c - UEFI Secure Boot and measured boot for BOOTX64.EFI (README,
 * "Trust"). Runs under boot services, in long mode.
 *
 * Secure Boot: bzboot loads the kernel itself and never calls LoadImage
 * on it, so the firmware checks BOOTX64.EFI's signature and nothing after
 * it. The chain goes on through the config hash enrolled in the signed
 * loader and the path#HASH of each file in that config (core/boot.c
 * enforces both). Here we read the firmware's SecureBoot and SetupMode
 * variables, refuse to go on under Secure Boot without an enrolled
 * config, and tell the kernel the state through boot_params.secure_boot.
 *
 * Measured boot: when the firmware has EFI_TCG2_PROTOCOL (TCG EFI
 * Protocol Specification, family 2.0) with a TPM behind it, the config,
 * the kernel and each initrd are extended into PCR 9 and the command line
 * into PCR 8, one EV_IPL event each in the firmware's TCG log; before the
 * memory map is taken the log is copied into the LINUX_EFI_TPM_EVENT_LOG
 * configuration table, which the kernel's EFI stub would otherwise make,
 * so that the kernel's TPM driver finds it.
 */
#include "boot.h"
#include "loader.h"
#include "platform.h"
#include "tcg.h"

/* The firmware's global variables (UEFI 2.9, 3.3). */
static EFI_GUID global_variable_guid = EFI_GLOBAL_VARIABLE;

/* EFI_TCG2_PROTOCOL_GUID (TCG EFI Protocol Specification, 6.1). */
static EFI_GUID tcg2_guid = { 0x607f766c, 0x7455, 0x42be,
	{ 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };

/* Linux include/linux/efi.h: LINUX_EFI_TPM_EVENT_LOG_GUID. */
static EFI_GUID linux_tpm_event_log_guid = { 0xb7799cb0, 0xeca2, 0x4943,
	{ 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } };

/*
 * Linux include/linux/efi.h: LINUX_EFI_TPM_FINAL_LOG_GUID, the
 * firmware's EFI_TCG2_FINAL_EVENTS_TABLE_GUID.
 */
static EFI_GUID tcg2_final_events_guid = { 0x1e2ed096, 0x30e2, 0x4254,
	{ 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } };

/* TCG EFI Protocol Specification 6.4: log formats. */
#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_2	0x00000002

/* The PCRs a boot loader uses (PC Client Firmware Profile, 3.3.4). */
#define TPM_PCR_CMDLINE			8
#define TPM_PCR_FILES			9

/*
 * The firmware says where its log's last record starts, not where it
 * ends, nor how long the final-events table is: records are read at most
 * this far, so that a damaged one cannot send us across all of memory.
 */
#define TPM_LOG_READ_MAX		(16u << 20)

/*
 * TCG EFI Protocol Specification 6.4: GetCapability's answer, with the C
 * compiler's natural alignment (not packed, unlike the event below): the
 * firmware tells the two layouts apart by Size, and OVMF, given the
 * packed 30 bytes, answered with the 28-byte 1.0 layout (seen here).
 */
struct efi_tcg2_version {
	uint8_t major;
	uint8_t minor;
};

struct efi_tcg2_boot_service_capability {
	uint8_t size;
	struct efi_tcg2_version structure_version;
	struct efi_tcg2_version protocol_version;
	uint32_t hash_algorithm_bitmap;
	uint32_t supported_event_logs;
	uint8_t tpm_present_flag;
	uint16_t max_command_size;
	uint16_t max_response_size;
	uint32_t manufacturer_id;
	uint32_t number_of_pcr_banks;
	uint32_t active_pcr_banks;
};

/* The event HashLogExtendEvent logs: packed, as the specification has it. */
struct efi_tcg2_event_header {
	uint32_t header_size;
	uint16_t header_version;
	uint32_t pcr_index;
	uint32_t event_type;
} __attribute__((packed));

struct efi_tcg2_event {
	uint32_t size;
	struct efi_tcg2_event_header header;
	uint8_t event[];
} __attribute__((packed));

_Static_assert(sizeof(struct efi_tcg2_boot_service_capability) == 36,
	       "EFI_TCG2_BOOT_SERVICE_CAPABILITY, naturally aligned");

/* The protocol's functions, in order. */
struct efi_tcg2_protocol {
	EFI_STATUS (EFIAPI *get_capability)(
		struct efi_tcg2_protocol *this,
		struct efi_tcg2_boot_service_capability *cap);
	EFI_STATUS (EFIAPI *get_event_log)(
		struct efi_tcg2_protocol *this, uint32_t format,
		EFI_PHYSICAL_ADDRESS *location,
		EFI_PHYSICAL_ADDRESS *last_entry, BOOLEAN *truncated);
	EFI_STATUS (EFIAPI *hash_log_extend_event)(
		struct efi_tcg2_protocol *this, uint64_t flags,
		EFI_PHYSICAL_ADDRESS data, uint64_t data_len,
		struct efi_tcg2_event *event);
	/* SubmitCommand and the PCR bank functions: not used. */
};

/*
 * Linux include/linux/efi.h: struct linux_efi_tpm_eventlog, the table the
 * kernel reads (drivers/char/tpm/eventlog/efi.c): the log's size, the
 * bytes of the firmware's final-events table that are already in the log
 * (so that they are not counted twice), the log's format, the log.
 */
struct linux_efi_tpm_eventlog {
	uint32_t size;
	uint32_t final_events_preboot_size;
	uint8_t version;
	uint8_t log[];
} __attribute__((packed));

/* TCG EFI Protocol Specification 6.7: EFI_TCG2_FINAL_EVENTS_TABLE. */
struct efi_tcg2_final_events_table {
	uint64_t version;
	uint64_t number_of_events;
	uint8_t events[];
} __attribute__((packed));

/* ---- Secure Boot ------------------------------------------------------ */

/* A one-byte global variable into *value; the status of GetVariable. */
static EFI_STATUS read_u8_variable(CHAR16 *name, uint8_t *value)
{
	UINTN size = sizeof(*value);

	return RT->GetVariable(name, &global_variable_guid, NULL, &size,
			       value);
}

/*
 * The state as the kernel's EFI stub finds it (Linux
 * drivers/firmware/efi/libstub/secureboot.c): no SecureBoot variable is a
 * firmware without Secure Boot; SecureBoot 1 with SetupMode 0 is on; an
 * unreadable variable is unknown.
 */
void trust_read_secure_boot(struct loader *ld)
{
	uint8_t secure_boot = 0, setup_mode = 0;
	EFI_STATUS status;

	status = read_u8_variable(L"SecureBoot", &secure_boot);
	if (status == EFI_NOT_FOUND) {
		ld->secure_boot = SECUREBOOT_MODE_DISABLED;
		return;
	}
	if (EFI_ERROR(status)) {
		ld->secure_boot = SECUREBOOT_MODE_UNKNOWN;
		return;
	}
	status = read_u8_variable(L"SetupMode", &setup_mode);
	if (EFI_ERROR(status) && status != EFI_NOT_FOUND) {
		ld->secure_boot = SECUREBOOT_MODE_UNKNOWN;
		return;
	}
	ld->secure_boot = secure_boot == 1 && setup_mode == 0 ?
		SECUREBOOT_MODE_ENABLED : SECUREBOOT_MODE_DISABLED;
}

bool trust_check_secure_boot(const struct loader *ld)
{
	/* Unknown counts as on: a signed loader must not guess "off". */
	if (ld->secure_boot == SECUREBOOT_MODE_DISABLED)
		return true;
	console_trace(ld, "trace: Secure Boot %s\n",
		      ld->secure_boot == SECUREBOOT_MODE_ENABLED ?
		      "enabled" : "state unknown");
	if (config_is_enrolled(&config_enrolled))
		return true;
	/*
	 * Without an enrolled hash anyone who can write the disk chooses the
	 * config, and with it the kernel: booting it would turn a signed
	 * BOOTX64.EFI into a way around Secure Boot.
	 */
	console_printf("bzboot: Secure Boot is on and no config hash is "
		       "enrolled in BOOTX64.EFI: booting nothing. Build the "
		       "image with mkdisk --enroll-config\n");
	return false;
}

/* ---- measured boot ---------------------------------------------------- */

static struct efi_tcg2_protocol *tcg2;

void tpm_open(struct loader *ld)
{
	struct efi_tcg2_boot_service_capability cap;
	struct efi_tcg2_protocol *p;

	if (EFI_ERROR(BS->LocateProtocol(&tcg2_guid, NULL, (void **)&p)))
		return;
	BS->SetMem(&cap, sizeof(cap), 0);
	cap.size = sizeof(cap);
	if (EFI_ERROR(p->get_capability(p, &cap)) || !cap.tpm_present_flag ||
	    !(cap.supported_event_logs & EFI_TCG2_EVENT_LOG_FORMAT_TCG_2)) {
		console_trace(ld, "trace: EFI_TCG2_PROTOCOL without a TPM 2.0 "
			      "log: no measurements\n");
		return;
	}
	tcg2 = p;
	console_trace(ld, "trace: TPM 2.0: measuring into PCR %u and %u\n",
		      TPM_PCR_CMDLINE, TPM_PCR_FILES);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * Extend pcr with the SHA-256 (and every other active bank's hash) of
 * data, and log an EV_IPL event whose data is the text "TAG: TEXT" and a
 * NUL. EV_IPL, as GRUB and Limine use for the same PCRs: the PC Client
 * profile's type for what the boot loader loads, whose data tools print
 * as text. Not EV_EVENT_TAG: its tag IDs name fixed meanings (the
 * kernel's stub tags its own initrd and load options in PCR 9), and
 * bzboot has none registered. The "TAG: " form with the whole text and a
 * NUL is GRUB's in PCR 8, where the text is what was hashed: tpm2-tools'
 * tpm2_eventlog then checks the command line's digest from the log alone.
 * False after one line when the TPM refused.
 */
static bool tpm_measure(uint32_t pcr, const void *data, uint64_t len,
			const char *tag, const char *text)
{
	size_t tag_len = str_len(tag), text_len = str_len(text);
	size_t bytes = sizeof(struct efi_tcg2_event) + tag_len + 2 +
		text_len + 1;
	struct efi_tcg2_event *ev;
	EFI_STATUS status;
	uint8_t *p;

	if (!tcg2)
		return true;
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, bytes, (void **)&ev))) {
		console_printf("tpm: %s: no memory for %llu bytes to measure\n",
			       text, (unsigned long long)bytes);
		return false;
	}
	p = ev->event;
	BS->CopyMem(p, (void *)tag, tag_len);
	p += tag_len;
	*p++ = ':';
	*p++ = ' ';
	BS->CopyMem(p, (void *)text, text_len);
	p[text_len] = '\0';
	ev->size = (uint32_t)bytes;
	ev->header.header_size = sizeof(ev->header);
	ev->header.header_version = 1;
	ev->header.pcr_index = pcr;
	ev->header.event_type = EV_IPL;
	status = tcg2->hash_log_extend_event(tcg2, 0,
					     (EFI_PHYSICAL_ADDRESS)(uintptr_t)
					     data, len, ev);
	BS->FreePool(ev);
	/* EFI_VOLUME_FULL: extended, but the log had no room for it. */
	if (!EFI_ERROR(status) || status == EFI_VOLUME_FULL)
		return true;
	console_printf("tpm: %s: HashLogExtendEvent into PCR %u failed: %s\n",
		       text, pcr, console_status_name(status));
	return false;
}

void plat_measure_config(const void *text, size_t len)
{
	/* A refused measurement leaves the PCR short: nothing will unseal. */
	tpm_measure(TPM_PCR_FILES, text, len, "bzboot_config", CONFIG_PATH);
}

bool tpm_measure_kernel(struct loader *ld)
{
	uint64_t head = ld->info.setup_bytes, body = ld->info.kernel_bytes;
	uint8_t *file;
	bool ok;

	if (!tcg2)
		return true;
	/*
	 * The file as sha256sum sees it, in one buffer: the setup part is in
	 * kernel_head, the rest where the kernel runs.
	 */
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, head + body,
				       (void **)&file))) {
		console_printf("tpm: %s: no memory for %llu bytes to measure\n",
			       ld->entry->kernel,
			       (unsigned long long)(head + body));
		return false;
	}
	BS->CopyMem(file, ld->kernel_head, head);
	BS->CopyMem(file + head, (void *)ld->load.kernel_addr, body);
	ok = tpm_measure(TPM_PCR_FILES, file, head + body, "bzboot_kernel",
			 ld->entry->kernel);
	BS->FreePool(file);
	return ok;
}

bool tpm_measure_initrd(const char *path, const void *data, uint64_t len)
{
	return tpm_measure(TPM_PCR_FILES, data, len, "bzboot_initrd", path);
}

bool tpm_measure_cmdline(const char *cmdline, uint64_t len)
{
	/* The bytes at cmd_line_ptr, without the NUL. */
	return tpm_measure(TPM_PCR_CMDLINE, cmdline, len, "bzboot_cmdline",
			   cmdline);
}

static void *config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (mem_equal(&t->VendorGuid, guid, sizeof(*guid)))
			return t->VendorTable;
	}
	return NULL;
}

/*
 * As the kernel's stub does (drivers/firmware/efi/libstub/tpm.c): the
 * log from its first event to the end of its last, into the
 * LINUX_EFI_TPM_EVENT_LOG table, in EfiACPIReclaimMemory, which the
 * kernel keeps. Events the firmware logs after GetEventLog (our own none;
 * ExitBootServices' yes) go to its final-events table as well; the
 * kernel adds that table's events after the log, minus those already in
 * it, whose bytes final_events_preboot_size gives. Without the table the
 * PCRs are still right: only the log is missing in the booted system.
 */
void tpm_install_event_log(struct loader *ld)
{
	EFI_PHYSICAL_ADDRESS first, last;
	struct efi_tcg2_final_events_table *final;
	struct linux_efi_tpm_eventlog *table;
	uint32_t last_bytes, preboot = 0;
	BOOLEAN truncated;
	uint64_t size;
	EFI_STATUS status;

	if (!tcg2)
		return;
	status = tcg2->get_event_log(tcg2, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2,
				     &first, &last, &truncated);
	if (EFI_ERROR(status) || !first || !last || last < first) {
		console_printf("tpm: no event log from the firmware (%s): "
			       "the kernel will not see bzboot's events\n",
			       console_status_name(status));
		return;
	}
	last_bytes = tcg_event2_bytes((const void *)(uintptr_t)last,
				      TPM_LOG_READ_MAX);
	size = last - first + last_bytes;
	if (!last_bytes || size > 0xffffffffull - sizeof(*table)) {
		console_printf("tpm: the firmware's event log cannot be read: "
			       "the kernel will not see bzboot's events\n");
		return;
	}
	final = config_table(&tcg2_final_events_guid);
	if (final && final->number_of_events)
		preboot = (uint32_t)tcg_events_bytes(final->events,
						      final->number_of_events,
						      TPM_LOG_READ_MAX);
	if (EFI_ERROR(BS->AllocatePool(EfiACPIReclaimMemory,
				       sizeof(*table) + size,
				       (void **)&table))) {
		console_printf("tpm: no memory for the %llu-byte event log\n",
			       (unsigned long long)size);
		return;
	}
	table->size = (uint32_t)size;
	table->final_events_preboot_size = preboot;
	table->version = EFI_TCG2_EVENT_LOG_FORMAT_TCG_2;
	BS->CopyMem(table->log, (void *)(uintptr_t)first, size);
	status = BS->InstallConfigurationTable(&linux_tpm_event_log_guid,
					       table);
	if (EFI_ERROR(status)) {
		console_printf("tpm: InstallConfigurationTable failed: %s\n",
			       console_status_name(status));
		BS->FreePool(table);
		return;
	}
	console_trace(ld, "trace: TPM event log, %llu bytes%s, handed on at "
		      "0x%llx\n", (unsigned long long)size,
		      truncated ? " (truncated by the firmware)" : "",
		      (unsigned long long)(uintptr_t)table);
}
