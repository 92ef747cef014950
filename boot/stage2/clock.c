// SPDX-License-Identifier: MIT
/*
 * clock.c - stage2's side of the loader's clock (core/phase.h): the
 * time-stamp counter, its rate measured against channel 2 of the PIT, and
 * the disk requests (disk.c counts them).
 *
 * No waiting: clock_start() sets channel 2 counting down from 0xffff at
 * 1.193182 MHz (mode 0, the gate on, the speaker off), and the first
 * plat_tsc_khz() compares the counter ticks since then with the PIT's. The
 * config is usually read well within the PIT's 55 ms, so the measurement
 * costs nothing (when it took less than 10 ms, we wait for the rest);
 * when it took longer (OUT2 has gone up: the count wrapped), channel 2
 * counts 10 ms afresh while we wait. The BIOS uses channel 2
 * only for its own calibration at POST, and the kernel programs it again.
 */
#include "phase.h"
#include "platform.h"
#include "portio.h"
#include "stage2.h"

#define PIT_HZ			1193182u
#define PIT_CHANNEL2		0x42
#define PIT_MODE		0x43
/* Channel 2, low byte then high byte, mode 0 (count down once), binary. */
#define PIT_CH2_MODE0		0xb0
#define PIT_LATCH_CHANNEL2	0x80
#define PORT_B			0x61
#define PORT_B_GATE2		0x01
#define PORT_B_SPEAKER		0x02
#define PORT_B_OUT2		0x20
/* The shortest measurement: 10 ms of PIT ticks. */
#define PIT_WAIT_TICKS		11932u

static uint64_t tsc0;
static uint32_t khz;

static void pit2_start(void)
{
	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	outb(PIT_MODE, PIT_CH2_MODE0);
	outb(PIT_CHANNEL2, 0xff);
	outb(PIT_CHANNEL2, 0xff);
	tsc0 = phase_tsc();
}

/* PIT ticks since pit2_start(), or 0 once the count has wrapped. */
static uint32_t pit2_ticks(void)
{
	uint8_t lo, hi;

	outb(PIT_MODE, PIT_LATCH_CHANNEL2);
	lo = inb(PIT_CHANNEL2);
	hi = inb(PIT_CHANNEL2);
	if (inb(PORT_B) & PORT_B_OUT2)
		return 0;
	return 0xffffu - (uint32_t)(hi << 8 | lo);
}

void clock_start(void)
{
	phase_start();
	pit2_start();
}

uint32_t plat_tsc_khz(void)
{
	uint64_t now;
	uint32_t ticks, polls = 0;

	if (khz)
		return khz;
	/* At least 10 ms of PIT ticks (a PIT that does not count: 0 kHz). */
	do {
		now = phase_tsc();
		ticks = pit2_ticks();
		if (!ticks)
			pit2_start();
		if (++polls == 1u << 24)
			return 0;
	} while (ticks < PIT_WAIT_TICKS);
	/* TSC ticks per PIT tick, times the PIT's ticks per ms. */
	khz = phase_div((now - tsc0) * PIT_HZ, ticks * 1000);
	return khz;
}

unsigned plat_disk_requests(void)
{
	return disk_read_count();
}
