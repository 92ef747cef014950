; SPDX-License-Identifier: MIT
;
; bios-tcg-probe.asm - a boot sector that asks the BIOS's INT 1Ah TCG
; interface (TCG PC Client Specific Implementation Specification for
; Conventional BIOS 1.21) to measure into PCR 8, and reports on COM1 what
; happened: could a BIOS boot loader do measured boot through it? Not part
; of bzboot: stage2 has no room to spare for an answer that is no (README,
; "Trust"). Built and run by tests/trust (bios-tcg-probe) under SeaBIOS
; with swtpm as a TPM 2.0 on tpm-tis.
;
; Real mode, loaded at 0000:7C00 by the BIOS, DL the boot drive. Prints:
;   tcg: BB00 eax=.. ebx=.. ecx=..   StatusCheck: 0, 'TCPA', version CH.CL
;   tcg: BB07 eax=..                 CompactHashLogExtendEvent of "bzboot"
;   tcg: BB01 eax=..                 HashLogExtendEvent of "bzboot"
;   tcg: BB02 eax=.. rsp=...         PassThroughToTPM: TPM2_PCR_Read of
;                                    PCR 8, sha256 bank: the response bytes
;   tcg: end
; then halts. Error codes in EAX: 0 success, else TCG_* of the spec.

	bits	16
	org	0x7c00

COM1		equ	0x3f8
COM1_LSR	equ	COM1 + 5
LSR_THRE	equ	0x20		; transmit holding register empty
TCPA		equ	0x41504354	; "TCPA", EBX on entry and on return
PCR		equ	8
EV_IPL		equ	0x0d
OPB		equ	0x8000		; output parameter blocks go here
OPB_BYTES	equ	0x100

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, 0x7c00
	sti

	; INT 1Ah AX=BB00h: StatusCheck. Out: EAX 0, EBX 'TCPA', CX version.
	mov	eax, 0xbb00
	mov	ebx, TCPA
	int	0x1a
	push	ecx
	push	ebx
	mov	si, msg_bb00
	call	puts_eax
	pop	eax
	mov	si, msg_ebx
	call	puts_eax
	pop	eax
	mov	si, msg_ecx
	call	puts_eax
	call	newline

	; AX=BB07h: CompactHashLogExtendEvent. In: ES:DI data, ECX length,
	; EDX PCR, ESI the logged value. Out: EAX error, EDX event number.
	mov	eax, 0xbb07
	mov	ebx, TCPA
	mov	di, data
	mov	ecx, data_len
	mov	edx, PCR
	xor	esi, esi
	int	0x1a
	mov	si, msg_bb07
	call	puts_eax
	call	newline

	; AX=BB01h: HashLogExtendEvent. In: ES:DI input block, DS:SI output
	; block. Out: EAX error.
	mov	eax, 0xbb01
	mov	ebx, TCPA
	mov	di, ipb
	mov	si, OPB
	mov	word [si], OPB_BYTES
	int	0x1a
	mov	si, msg_bb01
	call	puts_eax
	call	newline

	; AX=BB02h: PassThroughToTPM, a TPM2_PCR_Read of PCR 8. The
	; response: OPBLength, reserved, then the TPM's bytes.
	mov	eax, 0xbb02
	mov	ebx, TCPA
	mov	di, pt_ipb
	mov	si, OPB
	mov	word [si], OPB_BYTES
	int	0x1a
	mov	si, msg_bb02
	call	puts_eax
	mov	si, msg_rsp
	call	puts
	mov	cx, [OPB]
	mov	si, OPB + 4
	sub	cx, 4
	jbe	.done
	cmp	cx, OPB_BYTES
	ja	.done
.byte:
	lodsb
	call	put_hex8
	loop	.byte
.done:
	call	newline
	mov	si, msg_end
	call	puts
	call	newline
.halt:
	hlt
	jmp	.halt

; puts_eax: SI's message, then EAX in hex. Clobbers: EAX, BX, CX, SI.
puts_eax:
	push	eax
	call	puts
	pop	eax
	; fall through
; puts_hex: EAX as 8 hex digits. Clobbers: EAX, BX, CX.
puts_hex:
	mov	cx, 4
.next:
	rol	eax, 8
	push	eax
	call	put_hex8
	pop	eax
	loop	.next
	ret

; put_hex8: AL as 2 hex digits. Clobbers: AX, BX.
put_hex8:
	mov	ah, al
	shr	al, 4
	call	.digit
	mov	al, ah
	and	al, 0x0f
.digit:
	mov	bx, hex
	xlatb
	jmp	putc

; puts: the NUL-terminated string at SI. Clobbers: AL, SI.
puts:
	lodsb
	test	al, al
	jz	.end
	call	putc
	jmp	puts
.end:
	ret

newline:
	mov	al, 13
	call	putc
	mov	al, 10
	; fall through
; putc: AL to COM1, when it can take it. Clobbers: nothing.
putc:
	push	dx
	push	ax
	mov	dx, COM1_LSR
.wait:
	in	al, dx
	test	al, LSR_THRE
	jz	.wait
	pop	ax
	mov	dx, COM1
	out	dx, al
	pop	dx
	ret

hex	db	"0123456789abcdef"
msg_bb00 db	"tcg: BB00 eax=", 0
msg_ebx	db	" ebx=", 0
msg_ecx	db	" ecx=", 0
msg_bb07 db	"tcg: BB07 eax=", 0
msg_bb01 db	"tcg: BB01 eax=", 0
msg_bb02 db	"tcg: BB02 eax=", 0
msg_rsp	db	" rsp=", 0
msg_end	db	"tcg: end", 0

data	db	"bzboot"
data_len equ	$ - data

; HashLogExtendEvent's input block, short form: flat 32-bit pointers.
ipb:
	dw	ipb_end - ipb		; IPBLength
	dw	0
	dd	data			; HashDataPtr
	dd	data_len		; HashDataLen
	dd	PCR			; PCRIndex
	dd	log_event		; LogDataPtr
	dd	log_event_end - log_event	; LogDataLen
ipb_end:

; TCG_PCClientPCREventStruct: PCR, type, SHA-1 digest (the BIOS fills
; it), then the event's description.
log_event:
	dd	PCR
	dd	EV_IPL
	times 20 db 0
	dd	data_len
	db	"bzboot"
log_event_end:

; PassThroughToTPM's input block, then the command, big-endian: TPM2_PCR_Read
; (TPM 2.0 Part 3, 22.4) of PCR 8 in the sha256 bank.
pt_ipb:
	dw	pt_ipb_end - pt_ipb	; IPBLength
	dw	0
	dw	OPB_BYTES		; OPBLength
	dw	0
pt_cmd:
	db	0x80, 0x01		; TPM_ST_NO_SESSIONS
	db	0, 0, 0, pt_ipb_end - pt_cmd	; commandSize
	db	0, 0, 0x01, 0x7e	; TPM_CC_PCR_Read
	db	0, 0, 0, 1		; TPML_PCR_SELECTION: one bank
	db	0x00, 0x0b		; TPM_ALG_SHA256
	db	3			; sizeofSelect
	db	0x00, 0x01, 0x00	; PCR 8: byte 1, bit 0
pt_ipb_end:

	times	510 - ($ - $$) db 0
	dw	0xaa55
