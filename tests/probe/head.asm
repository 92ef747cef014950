; SPDX-License-Identifier: MIT
;
; head.asm - the start of the probe's protected-mode part: its three ways in.
;
; Loaded at L (0x100000 on the 16-bit path, anywhere on the 32/64-bit
; paths), so everything here is position-independent: L comes from a call
; (32-bit) or a RIP-relative lea (64-bit). Each entry saves the CPU state
; the loader left in a struct probe_entry (tests/probe/probe.h) and calls
; the report code, probe_main(), at L + info.c32_offset or c64_offset.
;
;   L + 0x000               startup_32, boot.rst "32-bit Boot Protocol":
;                           protected mode, paging off, ESI = boot_params,
;                           no stack (the kernel borrows boot_params.scratch
;                           for its first call; so does this code)
;   L + PROBE_PM16_OFFSET   from setup.asm (16-bit path): flat segments,
;                           ESI = X * 16, EDI = ESP = the filled struct
;   L + PROBE_INFO_OFFSET   struct probe_info, zero here, filled by mkprobe
;   L + 0x200               startup_64, boot.rst "64-bit Boot Protocol":
;                           long mode, identity mapped, RSI = boot_params
;
; On the 32/64-bit paths the stack is at L + info.stack_top, inside
; init_size and above the file, so the payload's checksum is not disturbed.
; probe_main() does not return; if it did, the CPU halts.

%include "probe_layout.inc"

; The struct on the stack, rounded up to keep the stack 16-byte aligned.
%define ENTRY_ALLOC	((PROBE_ENTRY_SIZE + 15) & ~15)

	bits	32
	org	0

startup_32:
	jmp	near startup_32_body
	times	PROBE_PM16_OFFSET - ($ - $$) db 0xcc
entry_from_16:
	jmp	near pm16_body
	times	PROBE_INFO_OFFSET - ($ - $$) db 0xcc
probe_info:
	times	PROBE_INFO_SIZE db 0
	times	KERNEL_64_ENTRY_OFFSET - ($ - $$) db 0xcc

;
; startup_64: 64-bit protocol entry.
; In: long mode, CS = BOOT_CS, RSI = boot_params, interrupts off.
; Out: does not return.
;
	bits	64
startup_64:
	mov	rax, rsp		; RSP as the loader left it, reported
	lea	rbp, [rel startup_32]	; L
	mov	ecx, [rbp + PROBE_INFO_OFFSET + PI_stack_top]
	lea	rsp, [rbp + rcx]
	push	rax			; [rsp + ENTRY_ALLOC + 8]
	pushfq				; [rsp + ENTRY_ALLOC]
	sub	rsp, ENTRY_ALLOC
	mov	rdi, rsp
	xor	eax, eax
	mov	ecx, PROBE_ENTRY_SIZE
	cld
	rep	stosb
	mov	rdi, rsp
	mov	dword [rdi + PE_magic], PROBE_ENTRY_MAGIC
	mov	dword [rdi + PE_path], PROBE_PATH_64
	mov	[rdi + PE_load_addr], rbp
	mov	[rdi + PE_boot_params], rsi
	mov	rax, [rsp + ENTRY_ALLOC]
	mov	[rdi + PE_flags], rax
	mov	rax, [rsp + ENTRY_ALLOC + 8]
	mov	[rdi + PE_sp], rax
	mov	rax, cr0
	mov	[rdi + PE_cr0], rax
	mov	rax, cr3
	mov	[rdi + PE_cr3], rax
	mov	rax, cr4
	mov	[rdi + PE_cr4], rax
	mov	ecx, MSR_EFER
	rdmsr
	mov	[rdi + PE_efer], eax
	mov	[rdi + PE_efer + 4], edx
	sgdt	[rdi + PE_gdt_limit]	; limit, then the 8-byte base
	mov	ax, cs
	mov	[rdi + PE_cs], ax
	mov	ax, ds
	mov	[rdi + PE_ds], ax
	mov	ax, es
	mov	[rdi + PE_es], ax
	mov	ax, fs
	mov	[rdi + PE_fs], ax
	mov	ax, gs
	mov	[rdi + PE_gs], ax
	mov	ax, ss
	mov	[rdi + PE_ss], ax
	mov	eax, [rbp + PROBE_INFO_OFFSET + PI_c64_offset]
	add	rax, rbp
	call	rax			; probe_main(rdi)
.halt:
	cli
	hlt
	jmp	.halt

;
; startup_32_body: 32-bit protocol entry (jumped to from startup_32).
; In: protected mode, paging off, CS = BOOT_CS, ESI = boot_params; boot.rst
;     wants EBX, EDI and EBP zero: they are saved for the report.
; Out: does not return.
;
	bits	32
startup_32_body:
	mov	eax, ebx
	mov	ecx, edi
	mov	edx, ebp
	lea	esp, [esi + BP_SCRATCH + 4]	; 4 bytes for the call below
	call	.here
.here:
	pop	ebp
	sub	ebp, .here		; L
	mov	esp, [ebp + PROBE_INFO_OFFSET + PI_stack_top]
	add	esp, ebp
	push	eax			; [esp + ENTRY_ALLOC + 12]: EBX
	push	ecx			; [esp + ENTRY_ALLOC + 8]: EDI
	push	edx			; [esp + ENTRY_ALLOC + 4]: EBP
	pushfd				; [esp + ENTRY_ALLOC]: EFLAGS
	sub	esp, ENTRY_ALLOC
	mov	edi, esp
	xor	eax, eax
	mov	ecx, PROBE_ENTRY_SIZE
	cld
	rep	stosb
	mov	edi, esp
	mov	dword [edi + PE_magic], PROBE_ENTRY_MAGIC
	mov	dword [edi + PE_path], PROBE_PATH_32
	mov	[edi + PE_load_addr], ebp
	mov	[edi + PE_boot_params], esi
	mov	eax, [esp + ENTRY_ALLOC]
	mov	[edi + PE_flags], eax
	mov	eax, [esp + ENTRY_ALLOC + 4]
	mov	[edi + PE_ebp], eax
	mov	eax, [esp + ENTRY_ALLOC + 8]
	mov	[edi + PE_edi], eax
	mov	eax, [esp + ENTRY_ALLOC + 12]
	mov	[edi + PE_ebx], eax
	mov	eax, cr0
	mov	[edi + PE_cr0], eax
	mov	eax, cr3
	mov	[edi + PE_cr3], eax
	mov	eax, cr4
	mov	[edi + PE_cr4], eax
	mov	ecx, MSR_EFER
	rdmsr
	mov	[edi + PE_efer], eax
	mov	[edi + PE_efer + 4], edx
	sgdt	[edi + PE_gdt_limit]	; limit, then the 4-byte base
	mov	ax, cs
	mov	[edi + PE_cs], ax
	mov	ax, ds
	mov	[edi + PE_ds], ax
	mov	ax, es
	mov	[edi + PE_es], ax
	mov	ax, fs
	mov	[edi + PE_fs], ax
	mov	ax, gs
	mov	[edi + PE_gs], ax
	mov	ax, ss
	mov	[edi + PE_ss], ax
	jmp	call_probe_main_32

;
; pm16_body: the 16-bit path, after setup.asm switched to protected mode.
; In: flat BOOT_CS/BOOT_DS segments (setup.asm's GDT), ESI = X * 16,
;     EDI = ESP = struct probe_entry, in the loader's setup heap.
; Out: does not return.
;
pm16_body:
	call	.here
.here:
	pop	ebp
	sub	ebp, .here		; L
	mov	[edi + PE_load_addr], ebp
	and	esp, ~15
	; fall through

;
; call_probe_main_32: probe_main(edi), cdecl.
; In: EBP = L, EDI = struct probe_entry, ESP 16-byte aligned.
;
call_probe_main_32:
	sub	esp, 12			; 16-byte aligned at the call
	push	edi
	mov	eax, [ebp + PROBE_INFO_OFFSET + PI_c32_offset]
	add	eax, ebp
	call	eax
.halt:
	cli
	hlt
	jmp	.halt
