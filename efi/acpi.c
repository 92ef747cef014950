// SPDX-License-Identifier: MIT
/*
 * acpi.c - where the ACPI tables are, for boot_params.acpi_rsdp_addr
 * (zero-page.rst, protocol 2.14+).
 *
 * Runs under boot services, in long mode. The firmware publishes the RSDP
 * in its configuration table: the ACPI 2.0+ entry (an XSDT with 64-bit
 * pointers) is preferred, the ACPI 1.0 entry is the fallback, as the
 * kernel's own EFI code does. Without either, the field stays zero and the
 * kernel looks through the EFI system table itself.
 */
#include "loader.h"

void acpi_fill_rsdp(struct loader *ld)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t rsdp10 = 0, rsdp20 = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (mem_equal(&t->VendorGuid, &acpi20, sizeof(acpi20)))
			rsdp20 = (uint64_t)t->VendorTable;
		else if (mem_equal(&t->VendorGuid, &acpi10, sizeof(acpi10)))
			rsdp10 = (uint64_t)t->VendorTable;
	}
	ld->bp->acpi_rsdp_addr = rsdp20 ? rsdp20 : rsdp10;
	console_trace(ld, "trace: acpi_rsdp 0x%08llx (ACPI %s table)\n",
		      (unsigned long long)ld->bp->acpi_rsdp_addr,
		      rsdp20 ? "2.0" : rsdp10 ? "1.0" : "no");
}
