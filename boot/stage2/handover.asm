; SPDX-License-Identifier: MIT
;
; handover.asm - the jump into the kernel's real-mode setup code, the last
; thing stage2 does on the BIOS path (boot.rst "Running the Kernel").
;
; The real-mode part of the kernel sits at segment X with the header
; already written. This drops to real mode and enters it the way boot.rst
; asks: DS = ES = FS = GS = SS = X, SP at the end of the heap, interrupts
; off, far jump to X+0x20:0000.

%include "layout.inc"
%include "modeswitch.inc"

	section	.realmode progbits alloc exec write align=16
	bits	32
	global	linux_jump16
	extern	gdt_desc
	extern	rm_idtr

; void linux_jump16(uint16_t seg, uint16_t sp)
; In: cdecl arguments: X, the stack pointer. Out: never returns.
linux_jump16:
	cli
	movzx	ebx, word [esp + 4]	; X
	movzx	ecx, word [esp + 8]	; SP

	PM32_TO_REAL

	mov	ds, bx
	mov	es, bx
	mov	fs, bx
	mov	gs, bx
	mov	ss, bx
	mov	sp, cx
	add	bx, 0x20		; boot.rst: entry at X+0x20:0000
	push	bx
	push	word 0
	retf
