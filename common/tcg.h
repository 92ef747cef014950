/* SPDX-License-Identifier: MIT */
/*
 * tcg.h - the TPM 2.0 event log's records (TCG PC Client Platform
 * Firmware Profile, 10.2 "Event Log Structure"), as far as a boot loader
 * must read them to hand the firmware's log on to Linux: the size of one
 * TCG_PCR_EVENT2, and of a run of them. Pure data, no firmware: used by
 * BOOTX64.EFI (efi/trust.c) and the host unit tests.
 */
#ifndef COMMON_TCG_H
#define COMMON_TCG_H

#include <stddef.h>
#include <stdint.h>

/* PC Client Firmware Profile 10.4.1, "Event Types". */
#define EV_NO_ACTION		0x00000003
#define EV_IPL			0x0000000d

/* TCG Algorithm Registry: the hashes a TPM 2.0 log may carry. */
#define TPM_ALG_SHA1		0x0004
#define TPM_ALG_SHA256		0x000b
#define TPM_ALG_SHA384		0x000c
#define TPM_ALG_SHA512		0x000d
#define TPM_ALG_SM3_256		0x0012

/*
 * A TCG_PCR_EVENT2: PCRIndex (4), EventType (4), a TPML_DIGEST_VALUES
 * (count (4), then each algorithm ID (2) and its digest), EventSize (4),
 * the event data.
 */
#define TCG_EVENT2_HEADER_BYTES	12	/* PCRIndex, EventType, count */
/* More digests than algorithms exist is a damaged record. */
#define TCG_EVENT2_MAX_DIGESTS	8

/* Bytes of a digest of algorithm alg; 0 for one this code does not know. */
uint32_t tcg_digest_bytes(uint16_t alg);

/*
 * Bytes of the TCG_PCR_EVENT2 at event, of which avail may be read; 0 when
 * it does not fit in avail, names an unknown algorithm, or has no digest
 * or more than TCG_EVENT2_MAX_DIGESTS.
 */
uint32_t tcg_event2_bytes(const void *event, size_t avail);

/*
 * Bytes of count TCG_PCR_EVENT2s one after the other at events, of which
 * avail may be read; 0 when one of them cannot be read (as above).
 */
uint64_t tcg_events_bytes(const void *events, uint64_t count, size_t avail);

#endif /* COMMON_TCG_H */
