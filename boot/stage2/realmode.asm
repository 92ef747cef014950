; SPDX-License-Identifier: MIT
;
; realmode.asm - bios_int(), the one way stage2's C code calls the BIOS.
;
; C runs in 32-bit protected mode; the BIOS needs real mode. bios_int()
; copies the caller's struct biosregs (bios.h) onto the stack, drops to
; real mode, loads every register from it, executes INT n, stores every
; register (flags included) back, returns to protected mode and copies the
; result to the caller's out struct. Interrupts are on during the call only
; when the caller set EFLAGS_IF: disk reads run faster without the timer
; interrupt, and a wait on the clock needs it. Pointers the BIOS takes (ES:DI, DS:SI)
; must point below 1 MiB: callers use the bounce buffer (layout.h).

%include "layout.inc"
%include "modeswitch.inc"

BIOSREGS_DWORDS	equ	11		; sizeof(struct biosregs) / 4

	section	.realmode progbits alloc exec write align=16
	bits	32
	global	bios_int
	extern	gdt_desc
	extern	rm_idtr

; void bios_int(uint8_t vector, const struct biosregs *in,
;		struct biosregs *out)
; In: cdecl arguments. Out: *out (may be NULL). Clobbers: EAX, ECX, EDX.
bios_int:
	push	ebp
	push	ebx
	push	esi
	push	edi
	mov	al, [esp + 20]
	mov	[int_vector], al	; the only self-modifying code
	mov	esi, [esp + 24]

	sub	esp, BIOSREGS_DWORDS * 4
	mov	edi, esp
	mov	ecx, BIOSREGS_DWORDS
	rep	movsd

	PM32_TO_REAL

	; The frame has the layout of pushad, segment pushes, pushfd.
	popad
	pop	gs
	pop	fs
	pop	es
	pop	ds
	popfd				; IF as the caller asked (bios.h)
	db	0xcd			; INT imm8 ...
int_vector:
	db	0			; ... vector patched in above
	cli
	pushfd
	push	ds
	push	es
	push	fs
	push	gs
	pushad
	cld

	REAL_TO_PM32

	mov	edi, [esp + BIOSREGS_DWORDS * 4 + 28]
	test	edi, edi
	jz	.no_out
	mov	esi, esp
	mov	ecx, BIOSREGS_DWORDS
	rep	movsd
.no_out:
	add	esp, BIOSREGS_DWORDS * 4
	pop	edi
	pop	esi
	pop	ebx
	pop	ebp
	ret
