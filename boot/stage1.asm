; SPDX-License-Identifier: MIT
;
; stage1.asm - the MBR: the first code of ours the CPU runs on the BIOS path.
;
; The BIOS loads this sector to 0x7c00 and jumps to it in 16-bit real mode
; with the boot drive in DL. It loads stage2 from the sectors that follow
; (where mkdisk recorded them in struct stage1_info, common/mbr.h) to
; STAGE2_ADDR with INT 13h extended reads, checks stage2's magic, and jumps
; to it with the boot drive still in DL.
;
; It must fit in the 440 bytes before the disk signature, stage1_info
; included; the partition table and disk signature are left to mkdisk. On
; failure it prints "bzboot stage1: error X" on screen and COM1, where X is
; one of the letters below (the README has the same table), waits for a key
; and hands back to the BIOS (INT 18h: try the next boot device).

%include "layout.inc"

	bits	16
	org	STAGE1_ADDR

ERR_NO_EXT	equ	'E'	; BIOS has no INT 13h extensions (AH=41h)
ERR_READ	equ	'D'	; INT 13h AH=42h read of stage2 failed
ERR_STAGE2	equ	'S'	; no stage2 magic: stage1_info wrong or empty

READ_TRIES	equ	3	; attempts per read, with a disk reset between
; Sectors per read: 32 KiB. stage2 (up to STAGE2_MAX_BYTES, 48 KiB) starts
; on a 32 KiB boundary, so no read crosses a 64 KiB one, which some BIOSes
; refuse (INT 13h status 09h); and 64 is below every BIOS's sector limit.
MAX_SECTORS	equ	64
%if STAGE2_ADDR % (MAX_SECTORS * 512)
%error "a stage2 read would cross a 64 KiB boundary"
%endif

; start: the BIOS jumps here.
; In: DL boot drive. Out: jumps to stage2 with DL. Clobbers: everything.
start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, STACK_TOP
	jmp	0:.flat			; some BIOSes enter at 07c0:0000
.flat:
	sti
	cld
	mov	[boot_drive], dl

	; INT 13h AH=41h: extensions present? In: BX 55AAh, DL drive.
	; Out: CF clear, BX AA55h, CX bit 0 = packet (AH=42h) access.
	mov	al, ERR_NO_EXT
	mov	ah, 0x41
	mov	bx, 0x55aa
	int	0x13
	jc	error
	cmp	bx, 0xaa55
	jne	error
	test	cl, 1
	jz	error

	; Read stage2 in chunks of at most MAX_SECTORS, each to segment:0.
	mov	eax, [info_lba]
	mov	[dap.lba], eax
	mov	word [dap.segment], STAGE2_ADDR >> 4
	mov	cx, [info_sectors]
	xor	ebx, ebx
.next_chunk:
	jcxz	.loaded
	mov	bx, cx
	cmp	bx, MAX_SECTORS
	jbe	.count_ok
	mov	bx, MAX_SECTORS
.count_ok:
	mov	[dap.count], bx
	call	read_chunk
	sub	cx, bx
	add	[dap.lba], ebx		; BX <= 64, EBX high half is zero
	shl	bx, 5			; sectors -> paragraphs
	add	[dap.segment], bx
	jmp	.next_chunk

.loaded:
	mov	al, ERR_STAGE2
	cmp	word [STAGE2_ADDR + STAGE2_MAGIC_OFFSET], STAGE2_MAGIC
	jne	error
	mov	dl, [boot_drive]
	jmp	0:STAGE2_ADDR

; read_chunk: one INT 13h AH=42h read of the packet at dap, with retries.
; In: dap filled in. Out: returns on success, else jumps to error.
; Clobbers: AX, DX, SI, DI.
read_chunk:
	mov	di, READ_TRIES
.retry:
	; INT 13h AH=42h: extended read. In: DL drive, DS:SI packet.
	; Out: CF clear on success, AH status.
	mov	ah, 0x42
	mov	dl, [boot_drive]
	mov	si, dap
	int	0x13
	jnc	.done
	; INT 13h AH=00h: reset the drive before the next attempt.
	xor	ah, ah
	mov	dl, [boot_drive]
	int	0x13
	dec	di
	jnz	.retry
	mov	al, ERR_READ
	jmp	error
.done:
	ret

; error: print the message with the letter in AL, wait for a key, and give
; the machine back to the BIOS. Never returns, never reboots by itself.
; In: AL error letter.
error:
	mov	[msg_letter], al
	mov	si, msg
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
	; INT 16h AH=00h: wait for a key.
	xor	ah, ah
	int	0x16
	; INT 18h: boot failure, the BIOS tries the next device.
	int	0x18
.halt:
	hlt
	jmp	.halt

msg:		db	13, 10, "bzboot stage1: error "
msg_letter:	db	"?", 13, 10, "press a key", 13, 10, 0

; INT 13h disk address packet.
dap:
		db	0x10		; packet size
		db	0
.count:		dw	0		; sectors
.offset:	dw	0
.segment:	dw	0
.lba:		dq	0

boot_drive:	db	0

code_end:
%if code_end - $$ > STAGE1_INFO_OFFSET
%error "stage1 code overlaps stage1_info"
%endif
	times	STAGE1_INFO_OFFSET - ($ - $$) db 0

; struct stage1_info (common/mbr.h): mkdisk fills in the sector count.
info_lba:	dd	STAGE2_LBA
info_sectors:	dw	0
info_magic:	dw	STAGE1_INFO_MAGIC

	; Disk signature and partition table: mkdisk's.
	times	0x1fe - ($ - $$) db 0
	dw	0xaa55
