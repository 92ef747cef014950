/* SPDX-License-Identifier: MIT */
/*
 * placement.h - where a kernel may go in a UEFI memory map, and what a
 * loader must own, claim and check to put it there. Pure: the loader
 * reads the firmware's map into an array of struct placement_range, calls
 * these rules, and does the allocations they name.
 *
 * The rule (docs/memory.md): at the jump, the kernel needs two things
 * (boot.rst, init_size):
 *
 *   - the file, [load, load + kernel_bytes), holding its bytes;
 *   - the runtime range, [runtime start, + init_size), free: the
 *     decompressor copies itself to its end and unpacks the kernel there.
 *
 * (As many bytes from the load address are kept free too, as the 64-bit
 * protocol maps them: placement_kernel_at().)
 *
 * Only the bytes that hold data at the jump (the file, boot_params, the
 * command line, the initrd) must be in memory the loader owns before
 * ExitBootServices. The rest of the runtime range only has to be free at
 * the jump, and boot services code and data are: the firmware gives them
 * up in ExitBootServices (UEFI 2.10, 7.4), and the kernel treats them as
 * RAM (x86 efi_reserve_boot_services() keeps back only what it has not
 * already reserved, and never frees what overlaps the kernel image,
 * can_free_region()). The kernel's own EFI stub instead allocates all of
 * init_size from free memory (efi_relocate_kernel()), which is why it
 * needs more memory than this loader. So the
 * runtime range may cover boot services memory, the file may not: it is
 * written now, while the firmware still uses that memory.
 *
 * Every free page of the kernel's ranges is claimed (allocated) at once,
 * so the firmware allocates nothing there before the jump. The map that
 * ExitBootServices is called with is checked again: the ranges may hold
 * only what the loader claimed, boot services memory and free memory, and
 * nothing the loader still uses at the jump (its stack, its GDT, its page
 * tables: the caller passes them as ranges to avoid).
 *
 * Memory types are the UEFI spec's numbers (EFI_MEMORY_TYPE), so a map
 * copied from a firmware trace reads the same here.
 */
#ifndef COMMON_PLACEMENT_H
#define COMMON_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "bzimage.h"

/* UEFI 2.10, 7.2, EFI_MEMORY_TYPE: the ones the rule tells apart. */
#define PLACEMENT_EFI_LOADER_CODE		1
#define PLACEMENT_EFI_LOADER_DATA		2
#define PLACEMENT_EFI_BOOT_SERVICES_CODE	3
#define PLACEMENT_EFI_BOOT_SERVICES_DATA	4
#define PLACEMENT_EFI_CONVENTIONAL		7

#define PLACEMENT_PAGE_SIZE	4096ull

/* One descriptor of the firmware's map: [start, start + pages * 4 KiB). */
struct placement_range {
	uint64_t start;
	uint64_t pages;
	uint32_t type;
};

/* A span of bytes, [start, end). */
struct placement_span {
	uint64_t start;
	uint64_t end;
};

/* Where the kernel's bytes go for one load address (page aligned). */
struct placement_kernel {
	uint64_t load;			/* the file's first byte */
	uint64_t align;			/* the kernel_alignment it runs with */
	struct placement_span file;	/* the protected-mode part, as read */
	struct placement_span run;	/* boot.rst "kernel runtime start" on */
	/* As much from load, and run; merged when they touch: once. */
	struct placement_span range[2];
	unsigned ranges;
};

#define PLACEMENT_MAX_CLAIMS	32
#define PLACEMENT_MAX_AVOID	4

/* The free pieces of a kernel's ranges, to allocate at those addresses. */
struct placement_claims {
	unsigned count;
	struct placement_span piece[PLACEMENT_MAX_CLAIMS];
};

enum placement_verdict {
	PLACEMENT_OK = 0,
	PLACEMENT_NOT_RAM,		/* a hole in the map */
	PLACEMENT_IN_USE,		/* firmware or loader memory in use */
	PLACEMENT_FILE_NOT_FREE,	/* the file on boot services memory */
	PLACEMENT_AVOID,		/* the loader's stack, GDT or tables */
	PLACEMENT_TOO_HIGH,		/* above 4 GiB for a kernel that cannot */
	PLACEMENT_TOO_LOW,		/* below 1 MiB */
	PLACEMENT_TOO_MANY_PIECES,	/* more than PLACEMENT_MAX_CLAIMS */
	PLACEMENT_NOT_CLAIMED,		/* final map: loader memory not ours */
};

/* What a verdict means, in a few words, for messages and traces. */
const char *placement_strerror(enum placement_verdict v);

/*
 * The kernel's ranges when its file is put at load and it runs with
 * alignment align (a power of two; boot.rst: a loader that picks less than
 * kernel_alignment, down to 1 << min_alignment, writes it into the
 * header's kernel_alignment): the file rounded up to pages, and the runtime
 * range, max(init_size, the file) bytes from pref_address (not
 * relocatable), else from align_up(max(load, pref_address), align); the
 * ranges also hold as many bytes from the load address (see the .c).
 */
void placement_kernel_at(const struct bzimage_info *info, uint64_t load,
			 uint64_t align, struct placement_kernel *k);

/*
 * Before the load: can the kernel go there? Every part of its ranges must
 * be in the map and be free or (outside the file) boot services memory,
 * below 4 GiB unless XLF_CAN_BE_LOADED_ABOVE_4G, and clear of the avoid
 * ranges. On PLACEMENT_OK, *claims lists the free pieces to allocate. On
 * a failure, *at is the first address in the way.
 */
enum placement_verdict placement_check(const struct placement_range *map,
				       unsigned n,
				       const struct bzimage_info *info,
				       const struct placement_kernel *k,
				       const struct placement_span *avoid,
				       unsigned navoid,
				       struct placement_claims *claims,
				       uint64_t *at);

/*
 * The search boot.rst allows: code32_start, then pref_address, then, for a
 * relocatable kernel, each multiple of the alignment inside free memory,
 * lowest first, with kernel_alignment, then each smaller power of two
 * down to min_align (bytes; 0: kernel_alignment only), then where each
 * free piece starts, unaligned (the kernel realigns itself). The first
 * place placement_check() accepts wins. Returns false when there is none.
 */
bool placement_find_kernel(const struct placement_range *map, unsigned n,
			   const struct bzimage_info *info, uint64_t min_align,
			   const struct placement_span *avoid, unsigned navoid,
			   struct placement_kernel *k,
			   struct placement_claims *claims);

/*
 * When placement_find_kernel() fails: how many bytes the kernel's runtime
 * range lacks in the largest stretch of free and boot services memory it
 * could start in (aligned, at or above pref_address). *largest is that
 * stretch's usable size.
 */
uint64_t placement_missing(const struct placement_range *map, unsigned n,
			   const struct bzimage_info *info, uint64_t min_align,
			   uint64_t *largest);

/*
 * The final check, on the map ExitBootServices is called with: each part
 * of the kernel's ranges is one of the claimed pieces, boot services
 * memory or free memory; the file lies wholly in claimed pieces; no
 * avoid range meets the kernel's ranges. *at: the first address wrong.
 */
enum placement_verdict placement_check_final(const struct placement_range *map,
					     unsigned n,
					     const struct placement_kernel *k,
					     const struct placement_claims *claims,
					     const struct placement_span *avoid,
					     unsigned navoid, uint64_t *at);

/*
 * The E820 side (stage2): bytes of [start, end) that no RAM range of the
 * map covers.
 */
uint64_t placement_e820_missing(const struct e820_entry *map, unsigned n,
				uint64_t start, uint64_t end);

/*
 * The largest initrd (a multiple of 4 KiB) that bzimage_place_initrd()
 * can place in this map with the kernel at kernel_addr; 0 when none. For
 * the message that says how much is missing.
 */
uint64_t placement_initrd_room(const struct bzimage_info *info,
			       const struct e820_entry *map, unsigned n,
			       uint64_t kernel_addr, bool above_4g);

#endif /* COMMON_PLACEMENT_H */
