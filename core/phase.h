/* SPDX-License-Identifier: MIT */
/*
 * phase.h - the loader's own clock and the trace's phase lines, once for
 * both loaders: the time-stamp counter from the loader's start, the disk
 * requests and the time spent in the block reads, at each step of a boot
 * (config read, menu done, kernel read, each initrd read, the jump).
 * docs/boot-protocol.md, "Phase times", explains the lines.
 *
 * Every boot keeps the numbers (an RDTSC per step and per block read);
 * they are printed only with the trace on, and only then is the counter's
 * rate asked for (plat_tsc_khz()).
 */
#ifndef CORE_PHASE_H
#define CORE_PHASE_H

#include <stdint.h>

static inline uint64_t phase_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * n / d, saturated to 32 bits, without libgcc's 64-bit division (stage2
 * is 32-bit code and links no libgcc): one DIVL when the quotient fits.
 */
static inline uint32_t phase_div(uint64_t n, uint32_t d)
{
	if (!d)
		return 0;
#ifdef __i386__
	uint32_t q, r;

	if ((uint32_t)(n >> 32) >= d)
		return UINT32_MAX;
	__asm__("divl %4" : "=a"(q), "=d"(r)
		: "a"((uint32_t)n), "d"((uint32_t)(n >> 32)), "rm"(d));
	return q;
#else
	return n / d > UINT32_MAX ? UINT32_MAX : (uint32_t)(n / d);
#endif
}

/* The loader's start: its first instruction in C, before any set-up. */
void phase_start(void);
/* The counter's value then (efi/bli.c's LoaderTimeInitUSec). */
uint64_t phase_started(void);

/*
 * A step done: with the trace on, one line `trace: phase NAME ...` with
 * the time from the start, since the last step, in the block reads since
 * the last step, and the disk requests made since then. A step that read
 * a file (path not NULL) adds its bytes, the rate over the step and path.
 */
void phase_mark(const char *name, const char *path, uint64_t bytes);

/* core/file.c around each block read: the time inside them. */
uint64_t phase_disk_begin(void);
void phase_disk_end(uint64_t begin);

#endif /* CORE_PHASE_H */
