// SPDX-License-Identifier: MIT
/*
 * video.c - the firmware's frame buffer, handed to the kernel as
 * boot_params.screen_info of type VIDEO_TYPE_EFI, so that efifb (and the
 * early console) can draw on it after ExitBootServices.
 *
 * Runs under boot services, in long mode. The mode is the one the firmware
 * set up (no mode switch): the Graphics Output Protocol tells its size, the
 * frame buffer's address and the pixel layout. A machine without GOP, or a
 * mode without a linear frame buffer (PixelBltOnly), leaves screen_info
 * zero and the kernel without a frame buffer console.
 */
#include "loader.h"

/* Position and width of the run of set bits in a pixel mask. */
static void video_mask_bits(uint32_t mask, uint8_t *size, uint8_t *pos)
{
	uint8_t p = 0, n = 0;

	if (mask) {
		while (!(mask & 1)) {
			mask >>= 1;
			p++;
		}
		while (mask & 1) {
			mask >>= 1;
			n++;
		}
	}
	*size = n;
	*pos = p;
}

void video_fill_screen_info(struct loader *ld)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mode;
	struct screen_info si = { 0 };
	uint64_t base;
	EFI_STATUS st;

	st = BS->LocateProtocol(&GraphicsOutputProtocol, NULL, (void **)&gop);
	if (EFI_ERROR(st) || !gop->Mode || !gop->Mode->Info) {
		console_trace(ld, "trace: framebuffer none (no GOP)\n");
		return;
	}
	mode = gop->Mode->Info;
	base = gop->Mode->FrameBufferBase;

	switch (mode->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		/* Byte order in memory: red, green, blue, reserved. */
		si.lfb_depth = 32;
		si.red_size = si.green_size = si.blue_size = si.rsvd_size = 8;
		si.red_pos = 0;
		si.green_pos = 8;
		si.blue_pos = 16;
		si.rsvd_pos = 24;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		si.lfb_depth = 32;
		si.red_size = si.green_size = si.blue_size = si.rsvd_size = 8;
		si.blue_pos = 0;
		si.green_pos = 8;
		si.red_pos = 16;
		si.rsvd_pos = 24;
		break;
	case PixelBitMask:
		video_mask_bits(mode->PixelInformation.RedMask, &si.red_size,
				&si.red_pos);
		video_mask_bits(mode->PixelInformation.GreenMask,
				&si.green_size, &si.green_pos);
		video_mask_bits(mode->PixelInformation.BlueMask, &si.blue_size,
				&si.blue_pos);
		video_mask_bits(mode->PixelInformation.ReservedMask,
				&si.rsvd_size, &si.rsvd_pos);
		si.lfb_depth = si.red_size + si.green_size + si.blue_size +
			       si.rsvd_size;
		break;
	default:
		console_trace(ld, "trace: framebuffer none (GOP pixel format "
			      "%u)\n", (unsigned)mode->PixelFormat);
		return;
	}

	si.orig_video_isVGA = VIDEO_TYPE_EFI;
	si.lfb_width = (uint16_t)mode->HorizontalResolution;
	si.lfb_height = (uint16_t)mode->VerticalResolution;
	/* Bytes per scan line: a scan line may be longer than the width. */
	si.lfb_linelength = (uint16_t)(mode->PixelsPerScanLine *
				       si.lfb_depth / 8);
	si.lfb_base = (uint32_t)base;
	si.ext_lfb_base = (uint32_t)(base >> 32);
	if (si.ext_lfb_base)
		si.capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
	/* For VIDEO_TYPE_EFI, lfb_size is in bytes (efifb, sysfb). */
	si.lfb_size = (uint32_t)si.lfb_linelength * si.lfb_height;
	si.pages = 1;
	ld->bp->screen_info = si;
	console_trace(ld, "trace: framebuffer 0x%llx %ux%u depth %u "
		      "linelength %u\n", (unsigned long long)base,
		      si.lfb_width, si.lfb_height, si.lfb_depth,
		      si.lfb_linelength);
}
