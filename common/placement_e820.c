// SPDX-License-Identifier: MIT
/*
 * placement_e820.c - the part of the placement rules both loaders use:
 * the kernel's ranges for a load address, and how many bytes an E820 map
 * lacks for them or for an initrd (for messages that say what is missing).
 * Apart from placement.c so that stage2, where every byte counts, links
 * only this.
 *
 * Freestanding, no allocation; 32-bit stage2 too: no 64-bit division.
 */
#include "placement.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

void placement_kernel_at(const struct bzimage_info *info, uint64_t load,
			 uint64_t align, struct placement_kernel *k)
{
	uint64_t file_bytes = align_up(info->kernel_bytes, PLACEMENT_PAGE_SIZE);
	uint64_t run_bytes = align_up(bzimage_kernel_span(info),
				      PLACEMENT_PAGE_SIZE);
	struct placement_span from_load;
	uint64_t run;

	if (!is_pow2(align))
		align = PLACEMENT_PAGE_SIZE;
	/*
	 * boot.rst "init_size": relocatable, the kernel runs from
	 * align_up(max(load, pref_address), kernel_alignment); else from
	 * pref_address.
	 */
	if (info->relocatable)
		run = align_up(load < info->pref_address ? info->pref_address :
			       load, align);
	else
		run = info->pref_address;
	k->load = load;
	k->align = align;
	k->file.start = load;
	k->file.end = load + file_bytes;
	k->run.start = run;
	k->run.end = run + run_bytes;
	/*
	 * From the load address: the same span. boot.rst's window is only
	 * [runtime start, + init_size), but its 64-bit protocol has init_size
	 * from the load address identity mapped, and the probe kernel
	 * (tests/probe) and bzimage_place_initrd() keep that range the
	 * kernel's too. Where the kernel runs where it is loaded (every
	 * aligned place at or above pref_address) this costs nothing.
	 */
	from_load.start = load;
	from_load.end = load + run_bytes;
	/* Reserved once: one range where they meet or touch. */
	if (from_load.start <= k->run.end && run <= from_load.end) {
		k->range[0].start = load < run ? load : run;
		k->range[0].end = from_load.end > k->run.end ? from_load.end :
							       k->run.end;
		k->ranges = 1;
	} else {
		k->range[0] = load < run ? from_load : k->run;
		k->range[1] = load < run ? k->run : from_load;
		k->ranges = 2;
	}
}

uint64_t placement_e820_missing(const struct e820_entry *map, unsigned n,
				uint64_t start, uint64_t end)
{
	uint64_t pos = start, missing = 0;

	while (pos < end) {
		uint64_t next = end;
		bool in = false;

		for (unsigned i = 0; i < n; i++) {
			struct e820_entry e = map[i];
			uint64_t e_end = e.addr + e.size;

			if (e.type != E820_TYPE_RAM || e_end <= e.addr)
				continue;
			if (e.addr <= pos && pos < e_end) {
				in = true;
				next = e_end < end ? e_end : end;
				break;
			}
			if (e.addr > pos && e.addr < next)
				next = e.addr;
		}
		if (!in)
			missing += next - pos;
		pos = next;
	}
	return missing;
}

uint64_t placement_initrd_room(const struct bzimage_info *info,
			       const struct e820_entry *map, unsigned n,
			       uint64_t kernel_addr, bool above_4g)
{
	/* Pages, by bisection: what fits at one size fits at any smaller. */
	uint64_t lo = 0, hi = 1ull << 40 >> 12, addr;

	while (lo < hi) {
		uint64_t mid = lo + ((hi - lo + 1) >> 1);

		if (bzimage_place_initrd(info, map, n, kernel_addr,
					 mid * PLACEMENT_PAGE_SIZE, above_4g,
					 &addr))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo * PLACEMENT_PAGE_SIZE;
}
