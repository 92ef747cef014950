; SPDX-License-Identifier: MIT
;
; handover.asm - the UEFI loader's last instructions: enter the kernel
; through the 64-bit boot protocol, or, for a kernel without XLF_KERNEL_64,
; the 32-bit one (Documentation/x86/boot.rst, "64-bit Boot Protocol" and
; "32-bit Boot Protocol").
;
; Runs after ExitBootServices, in 64-bit long mode, on the firmware's stack
; and page tables. boot.rst wants paging on with the kernel's init_size
; range, the zero page and the command line identity mapped: the UEFI spec
; (2.3.4, x64 platforms) has the firmware identity map all the memory in
; its map, and OVMF does, so its page tables serve as they are and we build
; none. What we must supply is a GDT with flat __BOOT_CS and __BOOT_DS, CS
; and the data segments loaded from it, interrupts off, and RSI pointing to
; boot_params. The GDT lives in this image (loader memory, RAM to the
; kernel); the kernel's startup_64 loads its own GDT before it moves or
; overwrites anything, so ours only has to last until then.
;
; The 32-bit entry wants protected mode with paging off. Long mode is left
; the way the Intel SDM (vol. 3, 9.8.5.4) describes: from compatibility
; mode (a 32-bit code segment), running from an identity-mapped page below
; 4 GiB, clear CR0.PG, then EFER.LME. That code and its GDT are copied to a
; page below 4 GiB that the C side allocated before ExitBootServices, since
; this image may have been loaded above 4 GiB.

%include "efi/linux_boot.inc"

; Descriptor fields: base 0, limit 0xfffff in 4 KiB units (4 GiB), G=1.
; 0x9a: present, ring 0, code, execute/read; flags 0xa: G=1, L=1 (64-bit).
%define GDT_CODE64_FLAT	0x00af9a000000ffff
; 0x9a as above; flags 0xc: G=1, D/B=1 (32-bit), L=0.
%define GDT_CODE32_FLAT	0x00cf9a000000ffff
; 0x92: present, ring 0, data, read/write; flags 0xc: G=1, D/B=1.
%define GDT_DATA_FLAT	0x00cf92000000ffff

; Control bits for leaving long mode.
%define CR0_PG		0x80000000	; paging enable
%define MSR_EFER	0xc0000080	; extended feature enable register
%define EFER_LME	0x00000100	; long mode enable

	bits	64
	default	rel

	section	.text

; handover_jump_64 - load our GDT and jump to the kernel's 64-bit entry.
; In: rdi = entry address (kernel load address + 0x200),
;     rsi = struct boot_params (kept as is: the kernel takes it in RSI).
; Out: does not return.
; Clobbers: rax, the segment registers, the GDTR.
	global	handover_jump_64
handover_jump_64:
	cli
	cld
	; lgdt takes a 10-byte limit:base operand; this image is relocated
	; at load time, so the base is taken here, RIP-relative.
	lea	rax, [gdt]
	sub	rsp, 16
	mov	word [rsp], gdt.end - gdt - 1
	mov	[rsp + 2], rax
	lgdt	[rsp]
	add	rsp, 16

	; boot.rst: DS, ES and SS must be __BOOT_DS.
	mov	ax, BOOT_DS
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax

	; boot.rst: CS must be __BOOT_CS; only a far transfer loads CS.
	lea	rax, [.cs_loaded]
	push	BOOT_CS
	push	rax
	o64 retf
.cs_loaded:
	jmp	rdi

; handover_jump_32 - leave long mode and jump to the kernel's 32-bit entry.
; In: rdi = a page below 4 GiB, identity mapped, free for the trampoline,
;     esi = struct boot_params (below 4 GiB),
;     edx = entry address (code32_start, below 4 GiB).
; Out: does not return.
; Clobbers: everything.
	global	handover_jump_32
handover_jump_32:
	cli
	cld
	mov	ebx, edx		; the entry, out of rdmsr's way
	mov	r8, rdi			; the low page
	mov	r9, rsi			; boot_params

	; Copy the trampoline (its GDT and its code) to the low page.
	lea	rsi, [trampoline]
	mov	ecx, trampoline.end - trampoline
	rep movsb
	mov	rsi, r9

	lea	rax, [r8 + trampoline.gdt - trampoline]
	sub	rsp, 16
	mov	word [rsp], trampoline.gdt_end - trampoline.gdt - 1
	mov	[rsp + 2], rax
	lgdt	[rsp]
	add	rsp, 16

	; A far return to a 32-bit code segment: compatibility mode.
	lea	rax, [r8 + trampoline.compat - trampoline]
	push	BOOT_CS
	push	rax
	o64 retf

; Copied to the low page by handover_jump_32; position independent.
	align	16
trampoline:
.gdt:
	dq	0			; 0x00: the null descriptor
	times	BOOT_CS - ($ - .gdt) db 0
	dq	GDT_CODE32_FLAT		; __BOOT_CS, 32-bit
	times	BOOT_DS - ($ - .gdt) db 0
	dq	GDT_DATA_FLAT		; __BOOT_DS
.gdt_end:

	bits	32
.compat:
	; SDM 9.8.5.4: paging off first (long mode goes inactive), then LME.
	; CR4 stays as the firmware set it: PAE does nothing with paging
	; off, and the kernel loads CR4 itself before it turns paging on.
	mov	eax, cr0
	and	eax, ~CR0_PG
	mov	cr0, eax
	mov	ecx, MSR_EFER
	rdmsr
	and	eax, ~EFER_LME
	wrmsr

	; boot.rst: DS, ES and SS must be __BOOT_DS.
	mov	ax, BOOT_DS
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax

	; boot.rst: %esi = boot_params; %ebp, %edi and %ebx must be zero.
	mov	eax, ebx
	xor	ebx, ebx
	xor	ebp, ebp
	xor	edi, edi
	jmp	eax
.end:
	bits	64

	section	.rodata
	align	16
; Each descriptor sits at the offset its selector names.
gdt:
	dq	0			; 0x00: the null descriptor
	times	BOOT_CS - ($ - gdt) db 0
	dq	GDT_CODE64_FLAT		; __BOOT_CS
	times	BOOT_DS - ($ - gdt) db 0
	dq	GDT_DATA_FLAT		; __BOOT_DS
.end:

	section	.note.GNU-stack noalloc noexec nowrite progbits
