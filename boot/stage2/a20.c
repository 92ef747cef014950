// SPDX-License-Identifier: MIT
/*
 * a20.c - switching on the A20 address line, so that addresses with bit 20
 * set reach memory above 1 MiB instead of wrapping to 0. Runs in stage2's
 * protected mode before anything is loaded above 1 MiB.
 *
 * Three ways, from the politest: ask the BIOS (INT 15h AX=2401h), the
 * "fast A20" bit in system control port 0x92, and the 8042 keyboard
 * controller's output port. After each, check by writing through an
 * address and its alias 1 MiB higher.
 */
#include "bios.h"
#include "stage2.h"

#define A20_ALIAS	0x100000
#define PORT_SYSCTL_A	0x92
#define SYSCTL_A_A20	0x02
#define SYSCTL_A_RESET	0x01
#define KBC_STATUS	0x64
#define KBC_DATA	0x60
#define KBC_IN_FULL	0x02
#define KBC_CMD_WRITE_OUTPUT	0xd1
#define KBC_OUTPUT_A20_ON	0xdf
#define A20_CHECK_TRIES	1000

static volatile uint32_t a20_probe;

/* With A20 off, a20_probe and a20_probe + 1 MiB are the same memory. */
static bool a20_test(void)
{
	volatile uint32_t *alias =
		(volatile uint32_t *)((uintptr_t)&a20_probe + A20_ALIAS);
	uint32_t saved = *alias;
	bool on = false;

	for (int i = 0; i < A20_CHECK_TRIES && !on; i++) {
		a20_probe = 0x5a5a0000u + (uint32_t)i;
		on = *alias != a20_probe;
	}
	*alias = saved;
	return on;
}

static void kbc_wait(void)
{
	for (int i = 0; i < 100000; i++)
		if (!(inb(KBC_STATUS) & KBC_IN_FULL))
			return;
}

void a20_enable(void)
{
	struct biosregs r;
	uint8_t v;

	if (a20_test())
		return;

	/* INT 15h AX=2401h: enable A20. Out: CF clear on success. */
	bios_regs_init(&r);
	r.ax = 0x2401;
	bios_int(0x15, &r, &r);
	if (a20_test())
		return;

	/* Fast A20; never write the reset bit. */
	v = inb(PORT_SYSCTL_A);
	outb(PORT_SYSCTL_A, (v | SYSCTL_A_A20) & ~SYSCTL_A_RESET);
	if (a20_test())
		return;

	/* 8042: write the output port with the A20 bit set. */
	kbc_wait();
	outb(KBC_STATUS, KBC_CMD_WRITE_OUTPUT);
	kbc_wait();
	outb(KBC_DATA, KBC_OUTPUT_A20_ON);
	kbc_wait();
	if (a20_test())
		return;

	fatal("a20: cannot enable the A20 line (BIOS, port 0x92 and "
	      "keyboard controller all failed)");
}
