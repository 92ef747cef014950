/* SPDX-License-Identifier: MIT */
/*
 * embed.S - the three loaders, built into the mkdisk binary so that one
 * program makes a bootable image: stage1 (the MBR code), stage2 (the
 * sectors after the MBR) and BOOTX64.EFI (the UEFI loader, copied into the
 * FAT partition). mkdisk/mkdisk.mk passes their paths under build/ as
 * STAGE1_BIN, STAGE2_BIN and EFI_BIN, and rebuilds this object when any of
 * them changes. mkdisk/mkdisk.h declares the symbols; each blob lies
 * between its _start and _end.
 */

	.section .rodata.embed, "a"

	.balign 16
	.globl	embed_stage1_start, embed_stage1_end
embed_stage1_start:
	.incbin	STAGE1_BIN
embed_stage1_end:

	.balign 16
	.globl	embed_stage2_start, embed_stage2_end
embed_stage2_start:
	.incbin	STAGE2_BIN
embed_stage2_end:

	.balign 16
	.globl	embed_efi_start, embed_efi_end
embed_efi_start:
	.incbin	EFI_BIN
embed_efi_end:

/* No executable stack for the host binary. */
	.section .note.GNU-stack, "", @progbits
