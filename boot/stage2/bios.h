/* SPDX-License-Identifier: MIT */
/*
 * bios.h - calling the BIOS from stage2's 32-bit C code.
 *
 * Every BIOS call goes through bios_int() (realmode.asm) with a struct
 * biosregs: 32-, 16- and 8-bit views of the same registers, in the order
 * pushad leaves them. bios_regs_init() zeroes it and sets CF, so a BIOS
 * that does nothing reads as a failure.
 *
 * Real-mode pointers are segment:offset pairs into the bounce buffer or the
 * scratch area (layout.h), made with rm_seg() and rm_off().
 */
#ifndef BOOT_STAGE2_BIOS_H
#define BOOT_STAGE2_BIOS_H

#include <stdint.h>

#include "portio.h"

#define EFLAGS_CF	(1u << 0)
#define EFLAGS_ZF	(1u << 6)
#define EFLAGS_IF	(1u << 9)

struct biosregs {
	union {
		struct {
			uint32_t edi, esi, ebp, _esp, ebx, edx, ecx, eax;
			uint32_t _fsgs, _dses;
			uint32_t eflags;
		};
		struct {
			uint16_t di, hdi, si, hsi, bp, hbp, _sp, _hsp;
			uint16_t bx, hbx, dx, hdx, cx, hcx, ax, hax;
			uint16_t gs, fs, es, ds;
			uint16_t flags, hflags;
		};
		struct {
			uint8_t dil, dih, edi2, edi3, sil, sih, esi2, esi3;
			uint8_t bpl, bph, ebp2, ebp3, _spl, _sph, _esp2, _esp3;
			uint8_t bl, bh, ebx2, ebx3, dl, dh, edx2, edx3;
			uint8_t cl, ch, ecx2, ecx3, al, ah, eax2, eax3;
		};
	};
};

_Static_assert(sizeof(struct biosregs) == 44, "realmode.asm copies 11 dwords");

void bios_int(uint8_t vector, const struct biosregs *in, struct biosregs *out);

static inline void bios_regs_init(struct biosregs *r)
{
	*r = (struct biosregs){ .eflags = EFLAGS_CF };
}

/* Real-mode segment and offset of a linear address below 1 MiB. */
static inline uint16_t rm_seg(uint32_t addr)
{
	return (uint16_t)(addr >> 4);
}

static inline uint16_t rm_off(uint32_t addr)
{
	return (uint16_t)(addr & 0xf);
}

#endif /* BOOT_STAGE2_BIOS_H */
