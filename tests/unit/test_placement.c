// SPDX-License-Identifier: MIT
/*
 * test_placement.c - host tests of common/placement.c: the kernel's ranges
 * for a load address, the claim check, the search over a UEFI map, what is
 * missing when nothing fits, and the check of the final map. The maps are
 * EFI-like arrays of {start, pages, type}; two are OVMF's own at 128 MiB
 * (QEMU 7.2, Debian's OVMF 2022.11, -M pc with OVMF.fd and -M q35 with
 * OVMF_CODE_4M.fd), read by BOOTX64.EFI when it placed Debian's 6.1
 * kernel, so before any allocation of the kernel's.
 */
#include "check.h"
#include "placement.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB_B		0x100000ull
#define CONV		PLACEMENT_EFI_CONVENTIONAL
#define BS_DATA		PLACEMENT_EFI_BOOT_SERVICES_DATA
#define BS_CODE		PLACEMENT_EFI_BOOT_SERVICES_CODE
#define LOADER_CODE	PLACEMENT_EFI_LOADER_CODE
#define LOADER_DATA	PLACEMENT_EFI_LOADER_DATA
#define RT_DATA		6
#define ACPI_NVS	10
#define PAGES(bytes)	((bytes) >> 12)

/* OVMF, -M pc -m 128: free 0x1500000-0x3b74fff and 0x3b95000-0x5ce2fff. */
static const struct placement_range ovmf_pc_128[] = {
	{ 0x0, 1, 3 },
	{ 0x1000, 159, 7 },
	{ 0x100000, 1792, 7 },
	{ 0x800000, 8, 10 },
	{ 0x808000, 3, 7 },
	{ 0x80b000, 1, 10 },
	{ 0x80c000, 4, 7 },
	{ 0x810000, 240, 10 },
	{ 0x900000, 3072, 4 },
	{ 0x1500000, 9845, 7 },
	{ 0x3b75000, 32, 4 },
	{ 0x3b95000, 8524, 7 },
	{ 0x5ce1000, 84, 2 },
	{ 0x5d35000, 18, 1 },
	{ 0x5d47000, 6, 7 },
	{ 0x5d4d000, 3, 2 },
	{ 0x5d50000, 584, 4 },
	{ 0x5f98000, 2, 7 },
	{ 0x5f9a000, 1190, 4 },
	{ 0x6440000, 172, 3 },
	{ 0x64ec000, 105, 4 },
	{ 0x6555000, 158, 3 },
	{ 0x65f3000, 59, 4 },
	{ 0x662e000, 9, 3 },
	{ 0x6637000, 5, 4 },
	{ 0x663c000, 25, 3 },
	{ 0x6655000, 1, 4 },
	{ 0x6656000, 7, 3 },
	{ 0x665d000, 2, 4 },
	{ 0x665f000, 10, 3 },
	{ 0x6669000, 1, 4 },
	{ 0x666a000, 17, 3 },
	{ 0x667b000, 2, 4 },
	{ 0x667d000, 4, 3 },
	{ 0x6681000, 1, 4 },
	{ 0x6682000, 29, 3 },
	{ 0x669f000, 5, 4 },
	{ 0x66a4000, 20, 3 },
	{ 0x66b8000, 11, 4 },
	{ 0x66c3000, 22, 3 },
	{ 0x66d9000, 2, 4 },
	{ 0x66db000, 7, 3 },
	{ 0x66e2000, 7, 4 },
	{ 0x66e9000, 28, 3 },
	{ 0x6705000, 2, 4 },
	{ 0x6707000, 20, 3 },
	{ 0x671b000, 7, 4 },
	{ 0x6722000, 50, 3 },
	{ 0x6754000, 3, 4 },
	{ 0x6757000, 7, 3 },
	{ 0x675e000, 3, 4 },
	{ 0x6761000, 13, 3 },
	{ 0x676e000, 1, 4 },
	{ 0x676f000, 4, 3 },
	{ 0x6773000, 2, 4 },
	{ 0x6775000, 9, 3 },
	{ 0x677e000, 1, 4 },
	{ 0x677f000, 2, 3 },
	{ 0x6781000, 2, 4 },
	{ 0x6783000, 20, 3 },
	{ 0x6797000, 2, 4 },
	{ 0x6799000, 103, 3 },
	{ 0x6800000, 516, 4 },
	{ 0x6a04000, 2, 3 },
	{ 0x6a06000, 2, 4 },
	{ 0x6a08000, 17, 3 },
	{ 0x6a19000, 1, 4 },
	{ 0x6a1a000, 10, 3 },
	{ 0x6a24000, 3, 4 },
	{ 0x6a27000, 21, 3 },
	{ 0x6a3c000, 4, 4 },
	{ 0x6a40000, 9, 3 },
	{ 0x6a49000, 7, 4 },
	{ 0x6a50000, 4, 3 },
	{ 0x6a54000, 9, 4 },
	{ 0x6a5d000, 1, 3 },
	{ 0x6a5e000, 6, 4 },
	{ 0x6a64000, 65, 3 },
	{ 0x6aa5000, 11, 4 },
	{ 0x6ab0000, 11, 3 },
	{ 0x6abb000, 193, 6 },
	{ 0x6b7c000, 1024, 4 },
	{ 0x6f7c000, 111, 3 },
	{ 0x6feb000, 8, 4 },
	{ 0x6ff3000, 26, 3 },
	{ 0x700d000, 3, 4 },
	{ 0x7010000, 9, 3 },
	{ 0x7019000, 1, 4 },
	{ 0x701a000, 1, 3 },
	{ 0x701b000, 2, 4 },
	{ 0x701d000, 1, 3 },
	{ 0x701e000, 2, 4 },
	{ 0x7020000, 4, 3 },
	{ 0x7024000, 2, 4 },
	{ 0x7026000, 22, 3 },
	{ 0x703c000, 1, 4 },
	{ 0x703d000, 1, 3 },
	{ 0x703e000, 20, 4 },
	{ 0x7052000, 4, 3 },
	{ 0x7056000, 1, 4 },
	{ 0x7057000, 2, 3 },
	{ 0x7059000, 3, 4 },
	{ 0x705c000, 11, 3 },
	{ 0x7067000, 1, 4 },
	{ 0x7068000, 3, 3 },
	{ 0x706b000, 1154, 4 },
	{ 0x74ed000, 256, 6 },
	{ 0x75ed000, 256, 5 },
	{ 0x76ed000, 128, 0 },
	{ 0x776d000, 18, 9 },
	{ 0x777f000, 128, 10 },
	{ 0x77ff000, 1537, 4 },
	{ 0x7e00000, 219, 7 },
	{ 0x7edb000, 32, 4 },
	{ 0x7efb000, 51, 3 },
	{ 0x7f2e000, 17, 4 },
	{ 0x7f3f000, 25, 3 },
	{ 0x7f58000, 32, 6 },
	{ 0x7f78000, 136, 10 },
};

/* OVMF_CODE_4M.fd, -M q35 -m 128. */
static const struct placement_range ovmf_q35_128[] = {
	{ 0x0, 1, 3 },
	{ 0x1000, 159, 7 },
	{ 0x100000, 1798, 7 },
	{ 0x806000, 2, 10 },
	{ 0x808000, 8, 7 },
	{ 0x810000, 240, 10 },
	{ 0x900000, 3072, 4 },
	{ 0x1500000, 9845, 7 },
	{ 0x3b75000, 32, 4 },
	{ 0x3b95000, 8250, 7 },
	{ 0x5bcf000, 84, 2 },
	{ 0x5c23000, 18, 1 },
	{ 0x5c35000, 6, 7 },
	{ 0x5c3b000, 3, 2 },
	{ 0x5c3e000, 2033, 4 },
	{ 0x642f000, 172, 3 },
	{ 0x64db000, 20, 4 },
	{ 0x64ef000, 2, 7 },
	{ 0x64f1000, 6, 4 },
	{ 0x64f7000, 1, 7 },
	{ 0x64f8000, 76, 4 },
	{ 0x6544000, 158, 3 },
	{ 0x65e2000, 63, 4 },
	{ 0x6621000, 5, 3 },
	{ 0x6626000, 1, 4 },
	{ 0x6627000, 29, 3 },
	{ 0x6644000, 3, 4 },
	{ 0x6647000, 10, 3 },
	{ 0x6651000, 2, 4 },
	{ 0x6653000, 23, 3 },
	{ 0x666a000, 1, 4 },
	{ 0x666b000, 8, 3 },
	{ 0x6673000, 4, 4 },
	{ 0x6677000, 23, 3 },
	{ 0x668e000, 2, 4 },
	{ 0x6690000, 23, 3 },
	{ 0x66a7000, 11, 4 },
	{ 0x66b2000, 21, 3 },
	{ 0x66c7000, 8, 4 },
	{ 0x66cf000, 35, 3 },
	{ 0x66f2000, 2, 4 },
	{ 0x66f4000, 20, 3 },
	{ 0x6708000, 7, 4 },
	{ 0x670f000, 25, 3 },
	{ 0x6728000, 3, 4 },
	{ 0x672b000, 6, 3 },
	{ 0x6731000, 2, 4 },
	{ 0x6733000, 13, 3 },
	{ 0x6740000, 1, 4 },
	{ 0x6741000, 98, 3 },
	{ 0x67a3000, 5, 4 },
	{ 0x67a8000, 21, 3 },
	{ 0x67bd000, 2, 4 },
	{ 0x67bf000, 13, 3 },
	{ 0x67cc000, 3, 4 },
	{ 0x67cf000, 2, 3 },
	{ 0x67d1000, 3, 4 },
	{ 0x67d4000, 20, 3 },
	{ 0x67e8000, 5, 4 },
	{ 0x67ed000, 19, 3 },
	{ 0x6800000, 512, 4 },
	{ 0x6a00000, 18, 3 },
	{ 0x6a12000, 5, 4 },
	{ 0x6a17000, 1, 3 },
	{ 0x6a18000, 2, 4 },
	{ 0x6a1a000, 19, 3 },
	{ 0x6a2d000, 3, 4 },
	{ 0x6a30000, 1, 3 },
	{ 0x6a31000, 1, 4 },
	{ 0x6a32000, 7, 3 },
	{ 0x6a39000, 7, 4 },
	{ 0x6a40000, 4, 3 },
	{ 0x6a44000, 8, 4 },
	{ 0x6a4c000, 14, 3 },
	{ 0x6a5a000, 2, 4 },
	{ 0x6a5c000, 19, 3 },
	{ 0x6a6f000, 2, 4 },
	{ 0x6a71000, 30, 3 },
	{ 0x6a8f000, 8, 4 },
	{ 0x6a97000, 3, 3 },
	{ 0x6a9a000, 3, 4 },
	{ 0x6a9d000, 3, 3 },
	{ 0x6aa0000, 258, 6 },
	{ 0x6ba2000, 1024, 4 },
	{ 0x6fa2000, 111, 3 },
	{ 0x7011000, 2, 4 },
	{ 0x7013000, 27, 3 },
	{ 0x702e000, 5, 4 },
	{ 0x7033000, 1, 3 },
	{ 0x7034000, 1, 4 },
	{ 0x7035000, 2, 3 },
	{ 0x7037000, 2, 4 },
	{ 0x7039000, 6, 3 },
	{ 0x703f000, 18, 4 },
	{ 0x7051000, 22, 3 },
	{ 0x7067000, 2, 4 },
	{ 0x7069000, 1, 3 },
	{ 0x706a000, 1, 4 },
	{ 0x706b000, 1, 3 },
	{ 0x706c000, 1, 4 },
	{ 0x706d000, 1, 3 },
	{ 0x706e000, 1, 4 },
	{ 0x706f000, 2, 3 },
	{ 0x7071000, 2, 4 },
	{ 0x7073000, 2, 3 },
	{ 0x7075000, 2, 4 },
	{ 0x7077000, 4, 3 },
	{ 0x707b000, 2, 4 },
	{ 0x707d000, 1, 3 },
	{ 0x707e000, 2, 4 },
	{ 0x7080000, 9, 3 },
	{ 0x7089000, 3, 4 },
	{ 0x708c000, 3, 3 },
	{ 0x708f000, 1117, 4 },
	{ 0x74ec000, 256, 6 },
	{ 0x75ec000, 256, 5 },
	{ 0x76ec000, 128, 0 },
	{ 0x776c000, 18, 9 },
	{ 0x777e000, 128, 10 },
	{ 0x77fe000, 1538, 4 },
	{ 0x7e00000, 129, 7 },
	{ 0x7e81000, 32, 4 },
	{ 0x7ea1000, 46, 3 },
	{ 0x7ecf000, 17, 4 },
	{ 0x7ee0000, 20, 3 },
	{ 0x7ef4000, 132, 6 },
	{ 0x7f78000, 136, 10 },
	{ 0xb0000000, 65536, 0 },
	{ 0xffc00000, 1024, 11 },
};

/* Debian's linux-image-6.1.0-*-amd64 header, as bzimage_check() reads it. */
static struct bzimage_info debian_6_1(void)
{
	struct bzimage_info info = { 0 };

	info.version = BOOT_PROTOCOL(2, 15);
	info.xloadflags = 0x7f;
	info.kernel_bytes = 8225280;
	info.code32_start = 0x100000;
	info.kernel_alignment = 0x200000;
	info.relocatable = true;
	info.pref_address = 0x1000000;
	info.init_size = 0x3f98000;
	return info;
}

/*
 * The final map as the firmware would show it after the claims: each
 * claimed piece as loader code. The claims go first, so they win where
 * they overlap the old descriptors (desc_at() takes the first match).
 */
static unsigned with_claims(struct placement_range *out,
			    const struct placement_range *map, unsigned n,
			    const struct placement_claims *c, uint32_t type)
{
	unsigned k = 0;

	for (unsigned i = 0; i < c->count; i++) {
		out[k].start = c->piece[i].start;
		out[k].pages = PAGES(c->piece[i].end - c->piece[i].start);
		out[k].type = type;
		k++;
	}
	for (unsigned i = 0; i < n; i++)
		out[k++] = map[i];
	return k;
}

static void test_kernel_at(void)
{
	struct bzimage_info info = debian_6_1();
	struct placement_kernel k;

	/* Loaded at 1 MiB, it runs at pref_address: two ranges, once each. */
	placement_kernel_at(&info, 0x100000, 0x200000, &k);
	CHECK_EQ(k.file.start, 0x100000, "file starts at the load address");
	CHECK_EQ(k.file.end, 0x100000 + 0x7d9000, "file rounded up to pages");
	CHECK_EQ(k.run.start, 0x1000000, "below pref_address: runs there");
	CHECK_EQ(k.run.end, 0x1000000 + 0x3f98000, "init_size from there");
	CHECK_EQ(k.ranges, 1, "from the load address and runtime: merged");
	CHECK_EQ(k.range[0].start, 0x100000, "from the load address");
	CHECK_EQ(k.range[0].end, 0x1000000 + 0x3f98000, "to the runtime end");

	/* Far apart: two ranges, the span from each. */
	info.pref_address = 0x8000000;
	placement_kernel_at(&info, 0x100000, 0x200000, &k);
	CHECK_EQ(k.ranges, 2, "load and runtime apart: two ranges");
	CHECK_EQ(k.range[0].end, 0x100000 + 0x3f98000, "span from the load");
	CHECK_EQ(k.range[1].start, 0x8000000, "runtime range second");
	info = debian_6_1();

	/* Unaligned load: the runtime start is rounded up. */
	placement_kernel_at(&info, 0x1500000, 0x200000, &k);
	CHECK_EQ(k.run.start, 0x1600000, "align_up(load, kernel_alignment)");
	CHECK_EQ(k.ranges, 1, "overlapping: one range");
	CHECK_EQ(k.range[0].start, 0x1500000, "merged range from the file");
	CHECK_EQ(k.range[0].end, 0x1600000 + 0x3f98000, "to the runtime end");

	/* A smaller alignment, as min_alignment allows. */
	placement_kernel_at(&info, 0x1500000, 0x100000, &k);
	CHECK_EQ(k.run.start, 0x1500000, "1 MiB alignment runs in place");

	/* Not relocatable: always at pref_address. */
	info.relocatable = false;
	placement_kernel_at(&info, 0x3000000, 0x200000, &k);
	CHECK_EQ(k.run.start, 0x1000000, "not relocatable: pref_address");

	/* init_size smaller than the file: the file's size. */
	info = debian_6_1();
	info.init_size = 0x100000;
	placement_kernel_at(&info, 0x1000000, 0x200000, &k);
	CHECK_EQ(k.run.end, 0x1000000 + 0x7d9000, "runtime: max(init, file)");
}

static void test_ovmf_128(const char *name,
			  const struct placement_range *map, unsigned n,
			  uint64_t stack, uint64_t tables)
{
	struct bzimage_info info = debian_6_1();
	struct placement_range final[300];
	struct placement_span avoid[2] = {
		{ stack - 0x20000, stack },
		{ tables, tables + 0x1000 },
	};
	struct placement_claims claims;
	struct placement_kernel k;
	uint64_t at, largest;
	unsigned fn;
	bool ok;

	/* Only free memory: no 64 MiB range, as the issue found. */
	CHECK(placement_missing(map, n, &info, 0, &largest) == 0,
	      "%s: free and boot services memory has room", name);
	ok = placement_find_kernel(map, n, &info, 0x200000, avoid, 2, &k,
				   &claims);
	CHECK(ok, "%s: a place for Debian's 6.1 kernel", name);
	if (!ok)
		return;
	CHECK_EQ(k.load, 0x1600000, "%s: the file at the first free 2 MiB "
		 "multiple", name);
	CHECK_EQ(k.run.start, 0x1600000, "%s: runs from the next 2 MiB", name);
	CHECK_EQ(k.align, 0x200000, "%s: with kernel_alignment", name);
	CHECK_EQ(claims.count, 2, "%s: two free pieces claimed", name);
	CHECK_EQ(claims.piece[0].start, 0x1600000, "%s: first piece", name);
	CHECK_EQ(claims.piece[0].end, 0x3b75000, "%s: up to the boot "
		 "services data", name);
	CHECK_EQ(claims.piece[1].start, 0x3b95000, "%s: second piece", name);
	CHECK_EQ(claims.piece[1].end, 0x5598000, "%s: to the runtime end",
		 name);

	/* The final map: the claims, and the boot services data between. */
	fn = with_claims(final, map, n, &claims, LOADER_CODE);
	CHECK_EQ(placement_check_final(final, fn, &k, &claims, avoid, 2, &at),
		 PLACEMENT_OK, "%s: final map accepted", name);
	/* The firmware freed its data between: still fine. */
	final[fn].start = 0x3b75000;
	final[fn].pages = PAGES(0x20000);
	final[fn].type = CONV;
	{
		struct placement_range tmp[300];
		unsigned tn = 0;

		tmp[tn++] = final[fn];
		for (unsigned i = 0; i < fn; i++)
			tmp[tn++] = final[i];
		CHECK_EQ(placement_check_final(tmp, tn, &k, &claims, avoid, 2,
					       &at), PLACEMENT_OK,
			 "%s: boot services data freed before the exit", name);
		/* ... and then taken by the loader: not ours to give. */
		tmp[0].type = LOADER_DATA;
		CHECK_EQ(placement_check_final(tmp, tn, &k, &claims, avoid, 2,
					       &at), PLACEMENT_NOT_CLAIMED,
			 "%s: loader data in the range refused", name);
		CHECK_EQ(at, 0x3b75000, "%s: at its address", name);
		/* ... or turned into runtime data. */
		tmp[0].type = RT_DATA;
		CHECK_EQ(placement_check_final(tmp, tn, &k, &claims, avoid, 2,
					       &at), PLACEMENT_IN_USE,
			 "%s: runtime data in the range refused", name);
	}
	/* The loader's stack in the range at the exit. */
	avoid[0].start = 0x3b80000;
	avoid[0].end = 0x3b81000;
	CHECK_EQ(placement_check_final(final, fn, &k, &claims, avoid, 2, &at),
		 PLACEMENT_AVOID, "%s: a stack in the range refused", name);
	CHECK_EQ(at, 0x3b80000, "%s: at the stack", name);
	/* The search steps around it. */
	ok = placement_find_kernel(map, n, &info, 0x200000, avoid, 2, &k,
				   &claims);
	CHECK(!ok, "%s: with the stack in the boot services data, no place",
	      name);
}

static void test_claim_rules(void)
{
	struct bzimage_info info = debian_6_1();
	struct placement_claims claims;
	struct placement_kernel k;
	uint64_t at;
	/* 1 MiB low, boot services at 16 MiB, free above, then a hole. */
	const struct placement_range map[] = {
		{ 0x100000, PAGES(15 * MIB_B), CONV },
		{ 0x1000000, PAGES(8 * MIB_B), BS_DATA },
		{ 0x1800000, PAGES(72 * MIB_B), CONV },
		{ 0x6000000, PAGES(8 * MIB_B), RT_DATA },
	};

	placement_kernel_at(&info, 0x1000000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_FILE_NOT_FREE, "file on boot services refused");
	CHECK_EQ(at, 0x1000000, "at the file's start");

	placement_kernel_at(&info, 0x1800000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_OK, "free file and runtime accepted");
	CHECK_EQ(claims.count, 1, "one piece");

	placement_kernel_at(&info, 0x100000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_OK, "file low, runtime over boot services data");
	CHECK_EQ(claims.count, 2, "the file and the runtime's free part");
	CHECK_EQ(claims.piece[1].start, 0x1800000, "boot services not claimed");

	placement_kernel_at(&info, 0x3000000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_IN_USE, "runtime data in the range refused");
	CHECK_EQ(at, 0x6000000, "at the runtime data");

	placement_kernel_at(&info, 0x4000000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 3, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_NOT_RAM, "a hole in the map refused");
	CHECK_EQ(at, 0x6000000, "at the hole");

	placement_kernel_at(&info, 0x80000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_TOO_LOW, "below 1 MiB refused");

	info.xloadflags = XLF_KERNEL_64;
	placement_kernel_at(&info, 0xfff00000, 0x200000, &k);
	CHECK_EQ(placement_check(map, 4, &info, &k, NULL, 0, &claims, &at),
		 PLACEMENT_TOO_HIGH, "past 4 GiB without the flag refused");
}

static void test_search(void)
{
	struct bzimage_info info = debian_6_1();
	struct placement_claims claims;
	struct placement_kernel k;
	uint64_t largest, missing;
	/* Free from 17 MiB to 81 MiB: a 1 MiB-aligned start only. */
	const struct placement_range odd[] = {
		{ 0x100000, PAGES(14 * MIB_B), ACPI_NVS },
		{ 0x1100000, PAGES(64 * MIB_B), CONV },
		{ 0x5100000, PAGES(1 * MIB_B), RT_DATA },
	};
	/* Free memory far above pref_address, in two pieces. */
	const struct placement_range high[] = {
		{ 0x100000, PAGES(100 * MIB_B), RT_DATA },
		{ 0x6500000, PAGES(8 * MIB_B), CONV },
		{ 0x6f00000, PAGES(70 * MIB_B), CONV },
	};
	/* 40 MiB of free and boot services memory above pref_address. */
	const struct placement_range small[] = {
		{ 0x100000, PAGES(15 * MIB_B), RT_DATA },
		{ 0x1000000, PAGES(30 * MIB_B), CONV },
		{ 0x2e00000, PAGES(10 * MIB_B), BS_CODE },
		{ 0x3800000, PAGES(1 * MIB_B), LOADER_DATA },
	};

	CHECK(!placement_find_kernel(odd, 3, &info, 0, NULL, 0, &k, &claims),
	      "2 MiB alignment: no place in 17-81 MiB");
	CHECK(placement_find_kernel(odd, 3, &info, 0x100000, NULL, 0, &k,
				    &claims), "min_alignment 1 MiB: a place");
	CHECK_EQ(k.align, 0x100000, "with the smaller alignment");
	CHECK_EQ(k.run.start, 0x1100000, "running where it is loaded");

	CHECK(placement_find_kernel(high, 3, &info, 0, NULL, 0, &k, &claims),
	      "a place above pref_address and the first free piece");
	CHECK_EQ(k.load, 0x7000000, "in the second piece, 2 MiB aligned");
	CHECK_EQ(k.run.start, 0x7000000, "runs where it is loaded");

	/* Only an unaligned start leaves the file in free memory. */
	{
		const struct placement_range tight[] = {
			{ 0x100000, PAGES(20 * MIB_B), BS_DATA },
			{ 0x1500000, PAGES(1 * MIB_B), CONV },
			{ 0x1600000, PAGES(64 * MIB_B), BS_DATA },
			{ 0x5600000, PAGES(20 * MIB_B), CONV },
		};

		CHECK(!placement_find_kernel(tight, 4, &info, 0, NULL, 0, &k,
					     &claims),
		      "file larger than the only free piece low: no place");
		info.kernel_bytes = 0x80000;
		CHECK(placement_find_kernel(tight, 4, &info, 0, NULL, 0, &k,
					    &claims), "a small file fits");
		CHECK_EQ(k.load, 0x1500000, "unaligned, where free memory "
			 "starts");
		CHECK_EQ(k.run.start, 0x1600000, "runs from the next 2 MiB");
		info = debian_6_1();
	}

	CHECK(!placement_find_kernel(small, 4, &info, 0, NULL, 0, &k, &claims),
	      "40 MiB: no place");
	missing = placement_missing(small, 4, &info, 0, &largest);
	CHECK_EQ(largest, 40 * MIB_B, "largest room: free and boot services");
	CHECK_EQ(missing, 0x3f98000 - 40 * MIB_B, "missing: init_size - room");
}

static void test_e820_missing(void)
{
	const struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_TYPE_RAM },
		{ 0x100000, 0x3ee0000, E820_TYPE_RAM },		/* to 63 MiB */
		{ 0x3fe0000, 0x20000, E820_TYPE_RESERVED },
	};

	CHECK_EQ(placement_e820_missing(map, 3, 0x100000, 0x800000), 0,
		 "all RAM: nothing missing");
	CHECK_EQ(placement_e820_missing(map, 3, 0x1000000, 0x4f98000),
		 0x4f98000 - 0x3fe0000, "the end past RAM is missing");
	CHECK_EQ(placement_e820_missing(map, 3, 0x90000, 0x110000),
		 0x100000 - 0x9fc00, "the hole below 1 MiB is missing");
}

static void test_initrd_room(void)
{
	struct bzimage_info info = debian_6_1();
	/* 128 MiB under SeaBIOS: RAM to 0x7fe0000. */
	const struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_TYPE_RAM },
		{ 0x100000, 0x7ee0000, E820_TYPE_RAM },
		{ 0x7fe0000, 0x20000, E820_TYPE_RESERVED },
	};
	uint64_t room;

	info.initrd_addr_max = 0x7fffffff;
	room = placement_initrd_room(&info, map, 3, 0x100000, false);
	CHECK_EQ(room, 0x7fe0000 - 0x4f98000, "largest initrd: above the "
		 "runtime range");
	info.initrd_addr_max = 0x3ffffff;
	room = placement_initrd_room(&info, map, 3, 0x100000, false);
	CHECK_EQ(room, 0, "below 64 MiB: all the kernel's, no room");
}

int main(void)
{
	check_begin("placement");
	test_kernel_at();
	/* Stack and page tables where OVMF had them at 128 MiB. */
	test_ovmf_128("OVMF pc 128 MiB", ovmf_pc_128, ARRAY_LEN(ovmf_pc_128),
		      0x7efb000, 0x7801000);
	test_ovmf_128("OVMF q35 128 MiB", ovmf_q35_128,
		      ARRAY_LEN(ovmf_q35_128), 0x7ea1000, 0x7801000);
	test_claim_rules();
	test_search();
	test_e820_missing();
	test_initrd_room();
	return check_end();
}
