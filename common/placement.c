// SPDX-License-Identifier: MIT
/*
 * placement.c - the kernel's place in a UEFI memory map: which ranges it
 * needs for a load address, whether they may go there, which free pieces
 * to claim, and the check of the map ExitBootServices is called with
 * (placement.h has the rule and its reasons). Also, for stage2, how many
 * bytes of a range an E820 map lacks.
 *
 * Freestanding, no allocation; runs in BOOTX64.EFI (long mode), stage2
 * (32-bit: no 64-bit division here) and the host unit tests.
 */
#include "placement.h"

#define PLACEMENT_MIB		0x100000ull
#define FOUR_GIB_BYTES		0x100000000ull

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static bool meets(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* A descriptor's end, saturated: a bogus page count covers everything. */
static uint64_t desc_end(const struct placement_range *r)
{
	uint64_t bytes = r->pages << 12, end = r->start + bytes;

	if (r->pages >> 52 || end < r->start)
		return ~0ull;
	return end;
}

/* The descriptor holding addr, or NULL: a hole in the map. */
static const struct placement_range *desc_at(const struct placement_range *map,
					     unsigned n, uint64_t addr)
{
	for (unsigned i = 0; i < n; i++)
		if (map[i].start <= addr && addr < desc_end(&map[i]))
			return &map[i];
	return NULL;
}

static bool is_boot_services(uint32_t type)
{
	return type == PLACEMENT_EFI_BOOT_SERVICES_CODE ||
	       type == PLACEMENT_EFI_BOOT_SERVICES_DATA;
}

static bool is_loader(uint32_t type)
{
	return type == PLACEMENT_EFI_LOADER_CODE ||
	       type == PLACEMENT_EFI_LOADER_DATA;
}

const char *placement_strerror(enum placement_verdict v)
{
	switch (v) {
	case PLACEMENT_OK:
		return "free";
	case PLACEMENT_NOT_RAM:
		return "not in the memory map";
	case PLACEMENT_IN_USE:
		return "firmware or loader memory in use";
	case PLACEMENT_FILE_NOT_FREE:
		return "the file would lie on boot services memory";
	case PLACEMENT_AVOID:
		return "the loader's stack, GDT or page tables are there";
	case PLACEMENT_TOO_HIGH:
		return "above 4 GiB, and the kernel cannot be loaded there";
	case PLACEMENT_TOO_LOW:
		return "below 1 MiB";
	case PLACEMENT_TOO_MANY_PIECES:
		return "too many free pieces to claim";
	case PLACEMENT_NOT_CLAIMED:
		return "loader memory the kernel's claim does not hold";
	}
	return "unknown";
}

/* Does an avoid range meet the kernel's ranges? */
static bool avoid_hit(const struct placement_kernel *k,
		      const struct placement_span *avoid, unsigned navoid,
		      uint64_t *at)
{
	for (unsigned i = 0; i < navoid; i++)
		for (unsigned r = 0; r < k->ranges; r++)
			if (meets(avoid[i].start, avoid[i].end,
				  k->range[r].start, k->range[r].end)) {
				*at = avoid[i].start > k->range[r].start ?
				      avoid[i].start : k->range[r].start;
				return true;
			}
	return false;
}

static bool claims_add(struct placement_claims *c, uint64_t start,
		       uint64_t end)
{
	if (c->count && c->piece[c->count - 1].end == start) {
		c->piece[c->count - 1].end = end;
		return true;
	}
	if (c->count == PLACEMENT_MAX_CLAIMS)
		return false;
	c->piece[c->count].start = start;
	c->piece[c->count].end = end;
	c->count++;
	return true;
}

/* Is [start, end) wholly inside the claimed pieces? */
static bool claims_cover(const struct placement_claims *c, uint64_t start,
			 uint64_t end)
{
	uint64_t pos = start;

	while (pos < end) {
		unsigned i;

		for (i = 0; i < c->count; i++)
			if (c->piece[i].start <= pos && pos < c->piece[i].end)
				break;
		if (i == c->count)
			return false;
		pos = c->piece[i].end;
	}
	return true;
}

enum placement_verdict placement_check(const struct placement_range *map,
				       unsigned n,
				       const struct bzimage_info *info,
				       const struct placement_kernel *k,
				       const struct placement_span *avoid,
				       unsigned navoid,
				       struct placement_claims *claims,
				       uint64_t *at)
{
	bool high_ok = info->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;

	claims->count = 0;
	*at = k->range[0].start;
	/* boot.rst: the protected-mode part goes at or above 1 MiB. */
	if (k->range[0].start < PLACEMENT_MIB)
		return PLACEMENT_TOO_LOW;
	if (!high_ok && k->range[k->ranges - 1].end > FOUR_GIB_BYTES)
		return PLACEMENT_TOO_HIGH;
	if (avoid_hit(k, avoid, navoid, at))
		return PLACEMENT_AVOID;
	for (unsigned r = 0; r < k->ranges; r++) {
		for (uint64_t addr = k->range[r].start; addr < k->range[r].end;) {
			const struct placement_range *d = desc_at(map, n, addr);
			uint64_t end;

			*at = addr;
			if (!d)
				return PLACEMENT_NOT_RAM;
			end = desc_end(d);
			if (end > k->range[r].end)
				end = k->range[r].end;
			if (d->type == PLACEMENT_EFI_CONVENTIONAL) {
				if (!claims_add(claims, addr, end))
					return PLACEMENT_TOO_MANY_PIECES;
			} else if (is_boot_services(d->type)) {
				/* Written now, while the firmware uses it. */
				if (meets(addr, end, k->file.start,
					  k->file.end)) {
					if (k->file.start > addr)
						*at = k->file.start;
					return PLACEMENT_FILE_NOT_FREE;
				}
			} else {
				return PLACEMENT_IN_USE;
			}
			addr = end;
		}
	}
	return PLACEMENT_OK;
}

/* The first descriptor starting above after (or at it, when at_ok). */
static const struct placement_range *
desc_next(const struct placement_range *map, unsigned n, uint64_t after,
	  bool at_ok)
{
	const struct placement_range *best = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (map[i].start < after || (!at_ok && map[i].start == after))
			continue;
		if (!best || map[i].start < best->start)
			best = &map[i];
	}
	return best;
}

static bool try_at(const struct placement_range *map, unsigned n,
		   const struct bzimage_info *info, uint64_t load,
		   uint64_t align, const struct placement_span *avoid,
		   unsigned navoid, struct placement_kernel *k,
		   struct placement_claims *claims)
{
	uint64_t at;

	if (load & (PLACEMENT_PAGE_SIZE - 1))
		return false;
	placement_kernel_at(info, load, align, k);
	return placement_check(map, n, info, k, avoid, navoid, claims,
			       &at) == PLACEMENT_OK;
}

/*
 * The lowest place in free memory for the file, with alignment a: each
 * multiple of a inside a free piece (aligned), or where each free piece
 * starts (!aligned).
 */
static bool find_in_free(const struct placement_range *map, unsigned n,
			 const struct bzimage_info *info, uint64_t a,
			 bool aligned, const struct placement_span *avoid,
			 unsigned navoid, struct placement_kernel *k,
			 struct placement_claims *claims)
{
	uint64_t file_bytes = align_up(info->kernel_bytes, PLACEMENT_PAGE_SIZE);
	const struct placement_range *d = desc_next(map, n, 0, true);

	for (; d; d = desc_next(map, n, d->start, false)) {
		uint64_t lo = d->start, hi = desc_end(d), load;

		if (d->type != PLACEMENT_EFI_CONVENTIONAL)
			continue;
		if (lo < PLACEMENT_MIB)
			lo = PLACEMENT_MIB;
		if (hi < lo || hi - lo < file_bytes)
			continue;
		if (!aligned) {
			if (try_at(map, n, info, lo, a, avoid, navoid, k,
				   claims))
				return true;
			continue;
		}
		for (load = align_up(lo, a); load >= lo &&
		     load <= hi - file_bytes; load += a)
			if (try_at(map, n, info, load, a, avoid, navoid, k,
				   claims))
				return true;
	}
	return false;
}

bool placement_find_kernel(const struct placement_range *map, unsigned n,
			   const struct bzimage_info *info, uint64_t min_align,
			   const struct placement_span *avoid, unsigned navoid,
			   struct placement_kernel *k,
			   struct placement_claims *claims)
{
	uint64_t align = info->kernel_alignment;

	if (!is_pow2(align) || align < PLACEMENT_PAGE_SIZE)
		align = PLACEMENT_PAGE_SIZE;
	if (!is_pow2(min_align) || min_align > align)
		min_align = align;
	if (min_align < PLACEMENT_PAGE_SIZE)
		min_align = PLACEMENT_PAGE_SIZE;

	/* boot.rst: code32_start is the default; pref_address is preferred. */
	if (try_at(map, n, info, info->code32_start, align, avoid, navoid, k,
		   claims))
		return true;
	if (info->pref_address != info->code32_start &&
	    try_at(map, n, info, info->pref_address, align, avoid, navoid, k,
		   claims))
		return true;
	if (!info->relocatable)
		return false;

	/*
	 * Relocatable: the file must go in free memory. First at each
	 * multiple of the alignment inside a free piece, lowest first; with
	 * kernel_alignment, then with each smaller power of two down to
	 * min_alignment. Then where a free piece starts, unaligned: boot.rst
	 * (kernel_alignment) has the kernel realign itself, and its runtime
	 * start is the next multiple.
	 */
	for (uint64_t a = align; a >= min_align; a >>= 1)
		if (find_in_free(map, n, info, a, true, avoid, navoid, k,
				 claims))
			return true;
	return find_in_free(map, n, info, align, false, avoid, navoid, k,
			    claims);
}

uint64_t placement_missing(const struct placement_range *map, unsigned n,
			   const struct bzimage_info *info, uint64_t min_align,
			   uint64_t *largest)
{
	uint64_t need = align_up(bzimage_kernel_span(info),
				 PLACEMENT_PAGE_SIZE);
	uint64_t align = min_align;
	const struct placement_range *d = desc_next(map, n, 0, true);

	if (!is_pow2(align) || align < PLACEMENT_PAGE_SIZE)
		align = is_pow2(info->kernel_alignment) ?
			info->kernel_alignment : PLACEMENT_PAGE_SIZE;
	*largest = 0;
	/* Each stretch of free and boot services memory, in address order. */
	while (d) {
		uint64_t s, e, start;

		if (d->type != PLACEMENT_EFI_CONVENTIONAL &&
		    !is_boot_services(d->type)) {
			d = desc_next(map, n, d->start, false);
			continue;
		}
		s = d->start;
		e = desc_end(d);
		for (d = desc_next(map, n, d->start, false);
		     d && d->start == e &&
		     (d->type == PLACEMENT_EFI_CONVENTIONAL ||
		      is_boot_services(d->type));
		     d = desc_next(map, n, d->start, false))
			e = desc_end(d);
		if (info->relocatable)
			start = align_up(s < info->pref_address ?
					 info->pref_address : s, align);
		else
			start = info->pref_address < s ? e :
				info->pref_address;
		if (start < e && e - start > *largest)
			*largest = e - start;
	}
	return need > *largest ? need - *largest : 0;
}

enum placement_verdict placement_check_final(const struct placement_range *map,
					     unsigned n,
					     const struct placement_kernel *k,
					     const struct placement_claims *claims,
					     const struct placement_span *avoid,
					     unsigned navoid, uint64_t *at)
{
	*at = k->file.start;
	if (!claims_cover(claims, k->file.start, k->file.end))
		return PLACEMENT_NOT_CLAIMED;
	if (avoid_hit(k, avoid, navoid, at))
		return PLACEMENT_AVOID;
	for (unsigned r = 0; r < k->ranges; r++) {
		for (uint64_t addr = k->range[r].start; addr < k->range[r].end;) {
			const struct placement_range *d = desc_at(map, n, addr);
			uint64_t end;

			*at = addr;
			if (!d)
				return PLACEMENT_NOT_RAM;
			end = desc_end(d);
			if (end > k->range[r].end)
				end = k->range[r].end;
			if (is_loader(d->type)) {
				if (!claims_cover(claims, addr, end))
					return PLACEMENT_NOT_CLAIMED;
			} else if (d->type != PLACEMENT_EFI_CONVENTIONAL &&
				   !is_boot_services(d->type)) {
				return PLACEMENT_IN_USE;
			}
			addr = end;
		}
	}
	return PLACEMENT_OK;
}
