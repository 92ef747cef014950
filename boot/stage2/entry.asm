; SPDX-License-Identifier: MIT
;
; entry.asm - stage2's first instructions, at STAGE2_ADDR in real mode.
;
; stage1 jumps here with the boot drive in DL. This code sets up flat
; segments and a stack, checks that the BIOS leaves stage2 the low memory
; it uses (layout.h: up to LOW_MEMORY_END), loads stage2's GDT, switches to
; 32-bit protected mode, clears .bss and calls stage2_main(drive) in C. It
; also holds the GDT and the real-mode IDT descriptor that the mode
; switches use; all of it runs or is read in real mode, so it lives in
; .entry and .realmode, below 64 KiB (linker/stage2.ld).
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

; struct stage2_info (common/gpt.h), at STAGE2_INFO_OFFSET: mkdisk --gpt
; writes the unique GUID of the EFI System Partition into it.
	global	stage2_info
stage2_info:
	dw	STAGE2_INFO_MAGIC
	dw	0
	times	16 db 0
%if stage2_info - _start != STAGE2_INFO_OFFSET
%error "stage2_info is not at STAGE2_INFO_OFFSET"
%endif
%if $ - stage2_info != STAGE2_INFO_SIZE
%error "stage2_info is not STAGE2_INFO_SIZE bytes"
%endif

real_start:
	cli
	cld
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	esp, STACK_TOP
	mov	[boot_drive], dl

	; INT 12h: base memory. Out: AX KiB, up to the EBDA. A BIOS with a
	; large EBDA would have its data under our .bss, bounce buffer or
	; PRD table: stop before clearing or using any of it.
	int	0x12
	cmp	ax, LOW_MEMORY_END >> 10
	jb	low_memory

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

	bits	16
; low_memory: print that the base memory is too small (AX KiB), on screen
; and COM1, wait for a key and give the machine back to the BIOS (INT 18h),
; as stage1 does. In: AX base memory in KiB. Out: never returns.
low_memory:
	mov	bx, low_memory_kib + 3
	mov	cx, 4
.hex:
	mov	dl, al
	and	dl, 0x0f
	add	dl, '0'
	cmp	dl, '9'
	jbe	.digit
	add	dl, 'a' - '0' - 10
.digit:
	mov	[bx], dl
	dec	bx
	shr	ax, 4
	loop	.hex
	mov	si, low_memory_msg
.print:
	lodsb
	test	al, al
	jz	.wait
	; INT 10h AH=0Eh: teletype output. In: AL char, BH page, BL colour.
	mov	ah, 0x0e
	mov	bx, 0x0007
	int	0x10
	; COM1: wait until the transmit holding register is empty, send.
	mov	dx, COM1_PORT + 5
	mov	ah, al
.tx_wait:
	in	al, dx
	test	al, 0x20
	jz	.tx_wait
	mov	dx, COM1_PORT
	mov	al, ah
	out	dx, al
	jmp	.print
.wait:
	sti
	; INT 16h AH=00h: wait for a key.
	xor	ah, ah
	int	0x16
	; INT 18h: boot failure, the BIOS tries the next device.
	int	0x18
.halt:
	hlt
	jmp	.halt

%assign LOW_MEMORY_KIB LOW_MEMORY_END >> 10
%defstr LOW_MEMORY_KIB_STR LOW_MEMORY_KIB

	section	.realmode.data progbits alloc noexec write align=8
	global	gdt_desc
	global	rm_idtr

low_memory_msg:
	db	13, 10, "stage2: base memory is 0x"
low_memory_kib:
	db	"???? KiB (INT 12h), less than the ", LOW_MEMORY_KIB_STR
	db	" KiB stage2 uses (layout.h)", 13, 10, "press a key", 13, 10, 0

	align	8
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
