; SPDX-License-Identifier: MIT
;
; setup.asm - the probe's setup code: the 16-bit boot protocol entry.
;
; Runs in real mode at X+0x20:0 (boot.rst "Running the Kernel"), reached
; through the short jump at 0x200, so this code starts at IP PROBE_SETUP_IP
; right after the setup header. It does what only real mode can do and hands
; everything else to the report code in the protected-mode part:
;   1. saves FLAGS, CS, DS, ES, FS, GS, SS and SP exactly as the loader left
;      them (on the loader's stack, which is what SS:SP is for);
;   2. finds X from where it runs (CS * 16 + IP), not from the loader's DS,
;      and reloads CS as X+0x20 if the loader entered at X:0x200 instead;
;   3. fills a struct probe_entry (tests/probe/probe.h) on that stack,
;      with the BIOS memory map from INT 15h E820;
;   4. enables A20 through port 0x92 (the kernel's own setup does it too);
;   5. enters 32-bit protected mode with its own flat GDT and jumps to
;      code32_start + PROBE_PM16_OFFSET (head.asm) with ESI = X * 16 (the
;      real-mode part, laid out as boot_params up to the header) and
;      EDI = ESP = the struct. If the protected-mode part is not at
;      code32_start (no struct probe_info magic there), it prints a verdict
;      line itself and exits through isa-debug-exit.
; The report code reads memory above 1 MiB (payload, initrd) in protected
; mode; nothing here touches the setup bytes, so their checksum holds.
;
; In: CS:IP = X+0x20:PROBE_SETUP_IP, the rest as the loader left it.
; Out: does not return.

%include "probe_layout.inc"

; INT 15h E820: "SMAP" in EDX on the way in, in EAX on the way out.
%define E820_SMAP	0x534d4150
; Fast A20 gate: System Control Port A, bit 1 enables A20, bit 0 resets.
%define PORT_A20	0x92
%define A20_ENABLE	0x02
%define A20_RESET	0x01
; 16550 line status register: bit 5, transmit holding register empty.
%define UART_LSR	5
%define UART_LSR_THRE	0x20
; Real-mode segments are 16-byte paragraphs; CS is X + 0x20 (0x200 bytes).
%define SETUP_CS_DELTA	0x20

	bits	16
	org	PROBE_SETUP_IP

setup_entry:
	jmp	short setup_start
	times	PROBE_VERSION_OFFSET - ($ - $$) db 0
	; kernel_version string, written by mkprobe.
	times	PROBE_VERSION_LEN db 0

setup_start:
	pushf				; [bp + 14]: FLAGS at entry
	cli
	push	ss			; [bp + 12]
	push	gs			; [bp + 10]
	push	fs			; [bp + 8]
	push	es			; [bp + 6]
	push	ds			; [bp + 4]
	push	cs			; [bp + 2]
	call	.here			; [bp + 0]: IP of .here
.here:
	mov	bp, sp
	; Linear address of the real-mode part: CS * 16 + IP, less where
	; .here sits in the file (its IP as assembled, plus 0x200).
	movzx	eax, word [bp]
	movzx	ebx, word [bp + 2]
	shl	ebx, 4
	add	eax, ebx
	sub	eax, .here + 0x200
	test	al, 15
	jnz	halt16			; not paragraph aligned: cannot go on
	shr	eax, 4
	add	ax, SETUP_CS_DELTA
	push	ax
	push	word normalized
	retf				; CS = X + 0x20 from here on

normalized:
	mov	ax, ss
	mov	ds, ax
	mov	es, ax
	sub	sp, PROBE_ENTRY_SIZE
	and	sp, ~3
	mov	di, sp
	xor	ax, ax
	mov	cx, PROBE_ENTRY_SIZE
	cld
	rep	stosb
	mov	si, sp			; si: struct probe_entry (ds = es = ss)

	mov	dword [si + PE_magic], PROBE_ENTRY_MAGIC
	mov	dword [si + PE_path], PROBE_PATH_16
	mov	ax, [bp]
	mov	[si + PE_ip], ax
	mov	ax, [bp + 2]
	mov	[si + PE_cs], ax
	mov	ax, [bp + 4]
	mov	[si + PE_ds], ax
	mov	ax, [bp + 6]
	mov	[si + PE_es], ax
	mov	ax, [bp + 8]
	mov	[si + PE_fs], ax
	mov	ax, [bp + 10]
	mov	[si + PE_gs], ax
	mov	ax, [bp + 12]
	mov	[si + PE_ss], ax
	mov	ax, [bp + 14]
	mov	[si + PE_flags], ax
	lea	ax, [bp + 16]		; SP before the pushes above
	mov	[si + PE_sp], ax
	mov	ax, cs
	sub	ax, SETUP_CS_DELTA
	movzx	eax, ax
	shl	eax, 4
	mov	[si + PE_boot_params], eax

	; INT 15h AX=E820h: memory map. In: EBX continuation, ES:DI buffer,
	; ECX size, EDX "SMAP". Out: CF, EAX "SMAP", EBX next (0: last).
	lea	di, [si + PE_e820]
	xor	ebx, ebx
.e820_next:
	mov	eax, 0xe820
	mov	edx, E820_SMAP
	mov	ecx, E820_ENTRY_SIZE
	push	si
	push	di
	int	0x15
	pop	di
	pop	si
	cli				; some BIOSes return with IF set
	jc	.e820_done
	cmp	eax, E820_SMAP
	jne	.e820_done
	add	di, E820_ENTRY_SIZE
	inc	dword [si + PE_e820_count]
	cmp	dword [si + PE_e820_count], PROBE_E820_MAX
	jae	.e820_done
	test	ebx, ebx
	jnz	.e820_next
.e820_done:

	in	al, PORT_A20
	test	al, A20_ENABLE
	jnz	.a20_on
	or	al, A20_ENABLE
	and	al, ~A20_RESET
	out	PORT_A20, al
.a20_on:

	; Protected mode. ebx: linear address of CS:0; edx: code32_start;
	; edi: linear address of the struct; esi: X * 16.
	xor	ebx, ebx
	mov	bx, cs
	shl	ebx, 4
	mov	ax, cs
	sub	ax, SETUP_CS_DELTA
	mov	gs, ax
	mov	edx, [gs:HDR_code32_start]
	xor	edi, edi
	mov	di, ss
	shl	edi, 4
	movzx	eax, si
	add	edi, eax
	mov	esi, [si + PE_boot_params]
	lea	eax, [ebx + gdt]
	push	eax
	push	word gdt_end - gdt - 1
	mov	bp, sp
	o32 lgdt [bp]
	add	sp, 6
	lea	eax, [ebx + pm32]
	mov	ecx, cr0
	or	cl, 1			; CR0.PE
	mov	cr0, ecx
	push	dword BOOT_CS
	push	eax
	o32 retf

halt16:
	cli
	hlt
	jmp	halt16

	bits	32
pm32:
	mov	ax, BOOT_DS
	mov	ds, ax
	mov	es, ax
	mov	fs, ax
	mov	gs, ax
	mov	ss, ax
	mov	esp, edi
	cmp	dword [edx + PROBE_INFO_OFFSET + PI_magic], PROBE_INFO_MAGIC
	jne	.no_code
	lea	eax, [edx + PROBE_PM16_OFFSET]
	jmp	eax
.no_code:
	lea	esi, [ebx + msg_no_code]
.putc:
	lodsb
	test	al, al
	jz	.exit
	mov	ah, al
	mov	dx, PROBE_COM1 + UART_LSR
.wait:
	in	al, dx
	test	al, UART_LSR_THRE
	jz	.wait
	mov	al, ah
	mov	dx, PROBE_COM1
	out	dx, al
	jmp	.putc
.exit:
	mov	al, PROBE_EXIT_FAIL
	out	PROBE_EXIT_PORT, al
.halt:
	cli
	hlt
	jmp	.halt

msg_no_code:
	db	"probe: verdict=FAIL (no probe code at code32_start: the "
	db	"protected-mode part is not where the header says)", 13, 10, 0

	; Flat 4 GiB descriptors at the selectors boot.rst names. (No align:
	; in nasm's bin format it would move the start of the whole file.)
gdt:
	dq	0
	times	BOOT_CS - ($ - gdt) db 0
	; BOOT_CS: base 0, limit 4 GiB, 32-bit, execute/read.
	dq	0x00cf9b000000ffff
	times	BOOT_DS - ($ - gdt) db 0
	; BOOT_DS: base 0, limit 4 GiB, read/write.
	dq	0x00cf93000000ffff
gdt_end:
