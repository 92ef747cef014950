// SPDX-License-Identifier: MIT
/*
 * edd.c - where the BIOS's EDD 3.0 data says an ATA drive is (edd.h).
 * Data only, no I/O: stage2's disk.c makes the INT 13h AH=48h call.
 */
#include "edd.h"
#include "fmt.h"

/* The bytes sum to 0 (mod 256): the EDD and DPTE checksums. */
static uint8_t edd_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum;
}

/* Whether the n-byte field holds text (space padded, no NUL). */
static bool edd_field_is(const char *field, const char *text, size_t n)
{
	while (n--)
		if (*field++ != *text++)
			return false;
	return true;
}

uint32_t edd_dpte_addr(const struct edd_params *p)
{
	if (((uint32_t)p->dpte_seg << 16 | p->dpte_off) == EDD_DPTE_NONE)
		return 0;
	return ((uint32_t)p->dpte_seg << 4) + p->dpte_off;
}

const char *edd_ata_location(const struct edd_params *p,
			     const struct edd_dpte *dpte,
			     struct ata_location *loc, char *why,
			     size_t why_size)
{
	char name[sizeof(p->interface) + 1];
	unsigned i;

	if (p->key != EDD_KEY || (p->path_length != EDD_PATH_T13 &&
				  p->path_length != EDD_PATH_PHOENIX))
		return "no EDD 3.0 device path";
	if (edd_sum(&p->key, p->path_length))
		return "EDD 3.0 device path checksum wrong";
	if (!edd_field_is(p->interface, "ATA     ", sizeof(p->interface))) {
		for (i = 0; i < sizeof(p->interface) && p->interface[i] > ' ' &&
			    p->interface[i] < 0x7f; i++)
			name[i] = p->interface[i];
		name[i] = '\0';
		fmt_snprintf(why, why_size, "EDD interface %s, not ATA", name);
		return why;
	}
	if (!edd_field_is(p->host_bus, "PCI ", sizeof(p->host_bus)))
		return "EDD host bus not PCI";
	*loc = (struct ata_location){
		.bus = p->interface_path[0],
		.device = p->interface_path[1],
		.function = p->interface_path[2],
		.channel = p->path_length == EDD_PATH_T13 ?
			   p->interface_path[3] : -1,
		.slave = p->device_path[0],
	};
	if (loc->slave > 1)
		return "EDD device path names no ATA master or slave";

	/* The DPTE, when there is a valid one, must agree. */
	if (!dpte || edd_sum(dpte, sizeof(*dpte)) || !dpte->cmd_port)
		return NULL;
	if (!(dpte->head_prefix & EDD_DPTE_SLAVE) != !loc->slave)
		return "EDD device path and DPTE disagree on master/slave";
	loc->dpte_port = dpte->cmd_port;
	return NULL;
}
