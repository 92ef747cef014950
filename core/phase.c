// SPDX-License-Identifier: MIT
/*
 * phase.c - the phase lines of phase.h. Counter ticks are kept as they
 * are and turned into microseconds only to print, so a boot with the
 * trace off never measures the counter's rate.
 */
#include "console.h"
#include "phase.h"
#include "platform.h"
#include "trace.h"

static uint64_t start, last, disk, last_disk;
static unsigned last_requests;

void phase_start(void)
{
	start = last = phase_tsc();
}

uint64_t phase_started(void)
{
	return start;
}

uint64_t phase_disk_begin(void)
{
	return phase_tsc();
}

void phase_disk_end(uint64_t begin)
{
	disk += phase_tsc() - begin;
}

void phase_mark(const char *name, const char *path, uint64_t bytes)
{
	uint64_t now = phase_tsc();
	uint64_t ticks[3] = { now - start, now - last, disk - last_disk };
	unsigned requests = plat_disk_requests();
	uint32_t khz, us[3], rate;

	if (trace_on) {
		khz = plat_tsc_khz();
		/* From the start, since the last line, in the block reads. */
		for (int i = 0; i < 3; i++)
			us[i] = phase_div(ticks[i] * 1000, khz);
		console_printf(TRACE_PHASE, name, us[0] / 1000, us[0] % 1000,
			       us[1] / 1000, us[1] % 1000, us[2] / 1000,
			       us[2] % 1000, requests - last_requests);
		/* Tenths of MiB/s: bytes * 10^7 / 2^20 = bytes * 78125 / 2^13. */
		rate = phase_div(bytes * 78125 >> 13, us[1]);
		if (path)
			console_printf(TRACE_PHASE_READ, (unsigned long long)bytes,
				       rate / 10, rate % 10, path);
		console_printf("\n");
	}
	/* The printing is the trace's cost, not the next step's. */
	last = phase_tsc();
	last_disk = disk;
	last_requests = plat_disk_requests();
}
