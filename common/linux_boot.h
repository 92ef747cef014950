/* SPDX-License-Identifier: MIT */
/*
 * linux_boot.h - the Linux/x86 boot protocol structures, in one place.
 *
 * struct setup_header is the "real-mode kernel header" that every bzImage
 * carries at offset 0x1f1 of its first sector (Documentation/x86/boot.rst).
 * struct boot_params is the 4 KiB "zero page" (Documentation/x86/
 * zero-page.rst) that the kernel's own setup code builds on the 16-bit path
 * and that a loader builds itself on the 32- and 64-bit paths.
 *
 * Fields carry the names and the order of the kernel documents, with their
 * offset in a comment; every offset is checked by a static assert at the end
 * of this file. Used by stage2 (32-bit), the EFI loader (64-bit), mkdisk and
 * the host tests: freestanding, no code.
 *
 * The structures are packed: never take the address of a member, copy it to a
 * local instead.
 */
#ifndef COMMON_LINUX_BOOT_H
#define COMMON_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

/* boot.rst: "a sector" is always 512 bytes in the boot protocol. */
#define LINUX_SECTOR_SIZE	512

/* Magics. */
#define BOOT_FLAG_MAGIC		0xaa55		/* at 0x1fe, boot_flag */
#define HDRS_MAGIC		0x53726448	/* "HdrS", at 0x202 */
#define ELF_MAGIC		0x464c457f	/* "\x7fELF", an ELF vmlinux */
#define MZ_MAGIC		0x5a4d		/* "MZ", a PE/EFI image */
#define EFI_LOADER_SIGNATURE_64	0x34364c45	/* "EL64", efi_info */
#define EFI_LOADER_SIGNATURE_32	0x32334c45	/* "EL32", efi_info */

/* boot.rst: setup_sects 0 means 4. */
#define SETUP_SECTS_DEFAULT	4
/* boot.rst: "The real-mode code can total up to 32K". */
#define SETUP_MAX_BYTES		0x8000

/* Protocol versions, as (major << 8) | minor. */
#define BOOT_PROTOCOL(maj, min)	(((maj) << 8) | (min))
#define BOOT_PROTOCOL_MIN	BOOT_PROTOCOL(2, 2)	/* cmd_line_ptr */

/* boot.rst: before 2.06 the command line is at most 255 characters. */
#define CMDLINE_SIZE_PRE_2_06	255
/* boot.rst: before 2.03 the highest initrd address is 0x37ffffff. */
#define INITRD_ADDR_MAX_PRE_2_03	0x37ffffff

/* boot.rst: bzImage protected-mode part loads at 0x100000. */
#define BZIMAGE_LOAD_ADDR	0x100000

/* type_of_loader: boot.rst "Otherwise, enter 0xFF here". */
#define LOADER_TYPE_UNDEFINED	0xff

/* loadflags (0x211) */
#define LOADED_HIGH		(1 << 0)	/* protected mode at 0x100000 */
#define KASLR_FLAG		(1 << 1)	/* set by the kernel */
#define QUIET_FLAG		(1 << 5)	/* suppress early messages */
#define KEEP_SEGMENTS		(1 << 6)	/* obsolete */
#define CAN_USE_HEAP		(1 << 7)	/* heap_end_ptr is valid */

/* xloadflags (0x236) */
#define XLF_KERNEL_64			(1 << 0)  /* 64-bit entry at +0x200 */
#define XLF_CAN_BE_LOADED_ABOVE_4G	(1 << 1)  /* kernel, boot_params,
						     cmdline, initrd */
#define XLF_EFI_HANDOVER_32		(1 << 2)
#define XLF_EFI_HANDOVER_64		(1 << 3)
#define XLF_EFI_KEXEC			(1 << 4)
#define XLF_5LEVEL			(1 << 5)
#define XLF_5LEVEL_ENABLED		(1 << 6)

/* vid_mode (0x1fa) values, boot.rst "vga=". */
#define VID_MODE_NORMAL		0xffff
#define VID_MODE_EXTENDED	0xfffe
#define VID_MODE_ASK		0xfffd

/*
 * zero-page.rst: secure_boot, the firmware's Secure Boot state as the
 * kernel's enum efi_secureboot_mode (include/linux/efi.h) numbers it;
 * 0 leaves the kernel to ask, which it can only do through its EFI stub.
 */
#define SECUREBOOT_MODE_UNSET		0
#define SECUREBOOT_MODE_UNKNOWN		1
#define SECUREBOOT_MODE_DISABLED	2
#define SECUREBOOT_MODE_ENABLED		3

/* 32/64-bit protocol selectors: boot.rst __BOOT_CS / __BOOT_DS. */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

/* 64-bit protocol: entry is the load address plus this. */
#define KERNEL_64_ENTRY_OFFSET	0x200

/* screen_info.orig_video_isVGA values (include/uapi/linux/screen_info.h) */
#define VIDEO_TYPE_VGAC		0x22	/* VGA+ in colour text mode */
#define VIDEO_TYPE_VLFB		0x23	/* VESA linear frame buffer */
#define VIDEO_TYPE_EFI		0x70	/* EFI graphic mode */

/* screen_info.capabilities */
#define VIDEO_CAPABILITY_64BIT_BASE	(1 << 1)

/* e820 entry types (arch/x86/include/asm/e820/types.h) */
#define E820_TYPE_RAM		1
#define E820_TYPE_RESERVED	2
#define E820_TYPE_ACPI		3
#define E820_TYPE_NVS		4
#define E820_TYPE_UNUSABLE	5
#define E820_TYPE_PMEM		7

/* zero-page.rst: e820_table holds at most 128 entries. */
#define E820_MAX_ENTRIES_ZEROPAGE	128

/* The real-mode kernel header, at 0x1f1 of the kernel file. */
struct setup_header {
	uint8_t setup_sects;		/* 0x1f1 */
	uint16_t root_flags;		/* 0x1f2 */
	uint32_t syssize;		/* 0x1f4, 16-byte paragraphs */
	uint16_t ram_size;		/* 0x1f8 */
	uint16_t vid_mode;		/* 0x1fa */
	uint16_t root_dev;		/* 0x1fc */
	uint16_t boot_flag;		/* 0x1fe, BOOT_FLAG_MAGIC */
	uint16_t jump;			/* 0x200 */
	uint32_t header;		/* 0x202, HDRS_MAGIC */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;	/* 0x208 */
	uint16_t start_sys_seg;		/* 0x20c */
	uint16_t kernel_version;	/* 0x20e, string at this + 0x200 */
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;	/* 0x212 */
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;	/* 0x220 */
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;		/* 0x226 */
	uint8_t ext_loader_type;	/* 0x227 */
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;	/* 0x234 */
	uint8_t min_alignment;		/* 0x235 */
	uint16_t xloadflags;		/* 0x236 */
	uint32_t cmdline_size;		/* 0x238 */
	uint32_t hardware_subarch;	/* 0x23c */
	uint64_t hardware_subarch_data;	/* 0x240 */
	uint32_t payload_offset;	/* 0x248 */
	uint32_t payload_length;	/* 0x24c */
	uint64_t setup_data;		/* 0x250 */
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;	/* 0x264 */
	uint32_t kernel_info_offset;	/* 0x268 */
} __attribute__((packed));

/* Offset of the setup header in the kernel file and in boot_params. */
#define SETUP_HEADER_OFFSET	0x1f1
/* boot.rst: the header ends at 0x202 + the byte at 0x201 (jump's offset). */
#define SETUP_HEADER_END_BASE	0x202
#define SETUP_HEADER_LEN_BYTE	0x201

/* include/uapi/linux/screen_info.h */
struct screen_info {
	uint8_t orig_x;			/* 0x00 */
	uint8_t orig_y;			/* 0x01 */
	uint16_t ext_mem_k;		/* 0x02 */
	uint16_t orig_video_page;	/* 0x04 */
	uint8_t orig_video_mode;	/* 0x06 */
	uint8_t orig_video_cols;	/* 0x07 */
	uint8_t flags;			/* 0x08 */
	uint8_t unused2;		/* 0x09 */
	uint16_t orig_video_ega_bx;	/* 0x0a */
	uint16_t unused3;		/* 0x0c */
	uint8_t orig_video_lines;	/* 0x0e */
	uint8_t orig_video_isVGA;	/* 0x0f, VIDEO_TYPE_* */
	uint16_t orig_video_points;	/* 0x10 */
	uint16_t lfb_width;		/* 0x12 */
	uint16_t lfb_height;		/* 0x14 */
	uint16_t lfb_depth;		/* 0x16 */
	uint32_t lfb_base;		/* 0x18 */
	uint32_t lfb_size;		/* 0x1c, in 64 KiB units for VLFB */
	uint16_t cl_magic;		/* 0x20 */
	uint16_t cl_offset;		/* 0x22 */
	uint16_t lfb_linelength;	/* 0x24 */
	uint8_t red_size;		/* 0x26 */
	uint8_t red_pos;		/* 0x27 */
	uint8_t green_size;		/* 0x28 */
	uint8_t green_pos;		/* 0x29 */
	uint8_t blue_size;		/* 0x2a */
	uint8_t blue_pos;		/* 0x2b */
	uint8_t rsvd_size;		/* 0x2c */
	uint8_t rsvd_pos;		/* 0x2d */
	uint16_t vesapm_seg;		/* 0x2e */
	uint16_t vesapm_off;		/* 0x30 */
	uint16_t pages;			/* 0x32 */
	uint16_t vesa_attributes;	/* 0x34 */
	uint32_t capabilities;		/* 0x36 */
	uint32_t ext_lfb_base;		/* 0x3a */
	uint8_t _reserved[2];		/* 0x3e */
} __attribute__((packed));

/* arch/x86/include/uapi/asm/bootparam.h: struct efi_info */
struct efi_info {
	uint32_t efi_loader_signature;	/* 0x00, "EL64" */
	uint32_t efi_systab;		/* 0x04 */
	uint32_t efi_memdesc_size;	/* 0x08 */
	uint32_t efi_memdesc_version;	/* 0x0c */
	uint32_t efi_memmap;		/* 0x10 */
	uint32_t efi_memmap_size;	/* 0x14 */
	uint32_t efi_systab_hi;		/* 0x18 */
	uint32_t efi_memmap_hi;		/* 0x1c */
} __attribute__((packed));

/* One memory range, as INT 15h E820 reports it and the kernel takes it. */
struct e820_entry {
	uint64_t addr;			/* 0x00 */
	uint64_t size;			/* 0x08 */
	uint32_t type;			/* 0x10, E820_TYPE_* */
} __attribute__((packed));

/* The zero page. */
struct boot_params {
	struct screen_info screen_info;		/* 0x000 */
	uint8_t apm_bios_info[0x14];		/* 0x040 */
	uint8_t _pad_0x054[4];			/* 0x054 */
	uint64_t tboot_addr;			/* 0x058 */
	uint8_t ist_info[0x10];			/* 0x060 */
	uint64_t acpi_rsdp_addr;		/* 0x070 */
	uint8_t _pad_0x078[8];			/* 0x078 */
	uint8_t hd0_info[16];			/* 0x080, obsolete */
	uint8_t hd1_info[16];			/* 0x090, obsolete */
	uint8_t sys_desc_table[0x10];		/* 0x0a0, obsolete */
	uint8_t olpc_ofw_header[0x10];		/* 0x0b0 */
	uint32_t ext_ramdisk_image;		/* 0x0c0 */
	uint32_t ext_ramdisk_size;		/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;		/* 0x0c8 */
	uint8_t _pad_0x0cc[112];		/* 0x0cc */
	uint32_t cc_blob_address;		/* 0x13c */
	uint8_t edid_info[0x80];		/* 0x140 */
	struct efi_info efi_info;		/* 0x1c0 */
	uint32_t alt_mem_k;			/* 0x1e0 */
	uint32_t scratch;			/* 0x1e4 */
	uint8_t e820_entries;			/* 0x1e8 */
	uint8_t eddbuf_entries;			/* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;	/* 0x1ea */
	uint8_t kbd_status;			/* 0x1eb */
	uint8_t secure_boot;			/* 0x1ec */
	uint8_t _pad_0x1ed[2];			/* 0x1ed */
	uint8_t sentinel;			/* 0x1ef */
	uint8_t _pad_0x1f0[1];			/* 0x1f0 */
	struct setup_header hdr;		/* 0x1f1 */
	uint8_t _pad_0x26c[0x290 - 0x26c];	/* 0x26c */
	uint32_t edd_mbr_sig_buffer[16];	/* 0x290 */
	struct e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	uint8_t _pad_0xcd0[48];			/* 0xcd0 */
	uint8_t eddbuf[6 * 82];			/* 0xd00 */
	uint8_t _pad_0xeec[276];		/* 0xeec */
} __attribute__((packed));

#define BP_OFF(f)	offsetof(struct boot_params, f)
#define HDR_OFF(f)	(SETUP_HEADER_OFFSET + offsetof(struct setup_header, f))

_Static_assert(sizeof(struct boot_params) == 4096, "zero page is 4 KiB");
_Static_assert(sizeof(struct screen_info) == 0x40, "screen_info size");
_Static_assert(sizeof(struct efi_info) == 0x20, "efi_info size");
_Static_assert(sizeof(struct e820_entry) == 20, "e820_entry size");
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "hdr size");

_Static_assert(BP_OFF(screen_info) == 0x000, "screen_info");
_Static_assert(BP_OFF(acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(BP_OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(BP_OFF(ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(BP_OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(BP_OFF(cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(BP_OFF(edid_info) == 0x140, "edid_info");
_Static_assert(BP_OFF(efi_info) == 0x1c0, "efi_info");
_Static_assert(BP_OFF(alt_mem_k) == 0x1e0, "alt_mem_k");
_Static_assert(BP_OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(BP_OFF(secure_boot) == 0x1ec, "secure_boot");
_Static_assert(BP_OFF(sentinel) == 0x1ef, "sentinel");
_Static_assert(BP_OFF(hdr) == 0x1f1, "hdr");
_Static_assert(BP_OFF(edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig_buffer");
_Static_assert(BP_OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(BP_OFF(eddbuf) == 0xd00, "eddbuf");

_Static_assert(HDR_OFF(setup_sects) == 0x1f1, "setup_sects");
_Static_assert(HDR_OFF(root_flags) == 0x1f2, "root_flags");
_Static_assert(HDR_OFF(syssize) == 0x1f4, "syssize");
_Static_assert(HDR_OFF(vid_mode) == 0x1fa, "vid_mode");
_Static_assert(HDR_OFF(boot_flag) == 0x1fe, "boot_flag");
_Static_assert(HDR_OFF(jump) == 0x200, "jump");
_Static_assert(HDR_OFF(header) == 0x202, "header");
_Static_assert(HDR_OFF(version) == 0x206, "version");
_Static_assert(HDR_OFF(kernel_version) == 0x20e, "kernel_version");
_Static_assert(HDR_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(HDR_OFF(loadflags) == 0x211, "loadflags");
_Static_assert(HDR_OFF(code32_start) == 0x214, "code32_start");
_Static_assert(HDR_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(HDR_OFF(ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(HDR_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(HDR_OFF(ext_loader_ver) == 0x226, "ext_loader_ver");
_Static_assert(HDR_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(HDR_OFF(initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(HDR_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(HDR_OFF(relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(HDR_OFF(min_alignment) == 0x235, "min_alignment");
_Static_assert(HDR_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(HDR_OFF(cmdline_size) == 0x238, "cmdline_size");
_Static_assert(HDR_OFF(hardware_subarch) == 0x23c, "hardware_subarch");
_Static_assert(HDR_OFF(payload_offset) == 0x248, "payload_offset");
_Static_assert(HDR_OFF(payload_length) == 0x24c, "payload_length");
_Static_assert(HDR_OFF(setup_data) == 0x250, "setup_data");
_Static_assert(HDR_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(HDR_OFF(init_size) == 0x260, "init_size");
_Static_assert(HDR_OFF(handover_offset) == 0x264, "handover_offset");
_Static_assert(HDR_OFF(kernel_info_offset) == 0x268, "kernel_info_offset");

_Static_assert(offsetof(struct screen_info, orig_video_isVGA) == 0x0f, "");
_Static_assert(offsetof(struct screen_info, lfb_width) == 0x12, "");
_Static_assert(offsetof(struct screen_info, lfb_base) == 0x18, "");
_Static_assert(offsetof(struct screen_info, lfb_linelength) == 0x24, "");
_Static_assert(offsetof(struct screen_info, red_size) == 0x26, "");
_Static_assert(offsetof(struct screen_info, capabilities) == 0x36, "");
_Static_assert(offsetof(struct screen_info, ext_lfb_base) == 0x3a, "");
_Static_assert(offsetof(struct efi_info, efi_memmap) == 0x10, "");
_Static_assert(offsetof(struct efi_info, efi_memmap_hi) == 0x1c, "");

#endif /* COMMON_LINUX_BOOT_H */
