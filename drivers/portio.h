/* SPDX-License-Identifier: MIT */
/*
 * portio.h - x86 port I/O, for the code that talks to hardware directly:
 * COM1 in stage2 and in the EFI loader (after ExitBootServices), the A20
 * gate, the keyboard controller, the PIT and PCI configuration space in
 * stage2, the IDE controller in both loaders (drivers/ata.c), and the probe
 * kernel's report and exit.
 */
#ifndef DRIVERS_PORTIO_H
#define DRIVERS_PORTIO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif /* DRIVERS_PORTIO_H */
