; SPDX-License-Identifier: MIT
;
; entry.asm - stage2's first instructions, at STAGE2_ADDR in real mode.
;
; stage1 jumps here with the boot drive in DL. This code sets up flat
; segments and a stack, loads stage2's GDT, switches to 32-bit protected
; mode, clears .bss and calls stage2_main(drive) in C. It also holds the
; GDT and the real-mode IDT descriptor that the mode switches use.
; (A20 is switched on from C, a20.c: stage2 lives below 1 MiB, where the
; A20 line does not matter.)

%include "layout.inc"

	section	.entry progbits alloc exec nowrite align=1
	bits	16

	global	_start
	extern	stage2_main
	extern	__bss_start
	extern	__bss_end

; _start: In: DL boot drive, CS:IP 0:STAGE2_ADDR. Out: never returns.
_start:
	jmp	short real_start
	dw	STAGE2_MAGIC		; at STAGE2_MAGIC_OFFSET, checked by stage1

real_start:
	cli
	cld
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	esp, STACK_TOP
	mov	[boot_drive], dl

	lgdt	[gdt_desc]
	mov	eax, cr0
	or	al, 1			; CR0.PE: protected mode
	mov	cr0, eax
	jmp	dword STAGE2_CS32:pm_start

	bits	32
pm_start:
	mov	ax, STAGE2_DS32
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	esp, STACK_TOP

	; C expects a zeroed .bss.
	mov	edi, __bss_start
	mov	ecx, __bss_end
	sub	ecx, edi
	xor	eax, eax
	rep	stosb

	movzx	eax, byte [boot_drive]
	push	eax
	call	stage2_main		; never returns
.halt:
	hlt
	jmp	.halt

	section	.data
	align	8
	global	gdt_desc
	global	rm_idtr

; The GDT: flat 32-bit code and data for C, and 16-bit code and data with
; 64 KiB limits for the way back to real mode. Selectors in layout.h.
gdt:
	dq	0				; null
	dq	0x00cf9a000000ffff		; STAGE2_CS32: base 0, 4 GiB, code
	dq	0x00cf92000000ffff		; STAGE2_DS32: base 0, 4 GiB, data
	dq	0x00009a000000ffff		; STAGE2_CS16: base 0, 64 KiB, code
	dq	0x000092000000ffff		; STAGE2_DS16: base 0, 64 KiB, data
gdt_end:

gdt_desc:
	dw	gdt_end - gdt - 1
	dd	gdt

; The real-mode interrupt vector table: 256 vectors of 4 bytes at 0.
rm_idtr:
	dw	0x3ff
	dd	0

boot_drive:
	db	0
