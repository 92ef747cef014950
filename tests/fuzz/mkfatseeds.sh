#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkfatseeds.sh OUTDIR FUZZ_SEEDS - the seed images of fuzz_fat, made with
# mtools at build time (tests/fuzz/fuzz.mk): a FAT12, a FAT16 and a FAT32
# file system, and the FAT12 one again as partition 1 of an MBR disk. Each
# holds what the loaders look for (/bzboot.cfg, /boot/vmlinuz, initrds,
# /EFI/BOOT/BOOTX64.EFI), long names of one and of several LFN entries, a
# 13-character name (one full LFN entry, no terminator), nested
# directories, an empty file and a fragmented file. FUZZ_SEEDS (the
# fuzz_seeds tool) cuts each image's empty tail: fuzz_fat reads the
# sectors past its input as zeros, so the 34 MiB FAT32 image is a seed of
# well under 1 MiB. Exits non-zero with one line on stderr on a failure.

set -euo pipefail

out=$1
seeds=$2
export MTOOLS_SKIP_CHECK=1
work=$out.tmp
rm -rf "$work" "$out"
mkdir -p "$work" "$out"

die() {
    echo "mkfatseeds: error: $*" >&2
    exit 1
}

# Text of a given size, the same on every run.
text() {
    head -c "$1" < <(yes "$2")
}

: >"$work/empty"
cat >"$work/bzboot.cfg" <<'EOF'
# bzboot config, fuzz seed
default linux
timeout 0
trace off

entry linux
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	initrd /boot/initrd-2.img
	cmdline console=ttyS0,115200 quiet
EOF
text 9000 'vmlinuz' >"$work/vmlinuz"
text 3000 'initrd one' >"$work/initrd-1.img"
text 700 'initrd two' >"$work/initrd-2.img"
text 1500 'efi' >"$work/BOOTX64.EFI"
text 600 'long' >"$work/A Long File Name With Spaces.txt"
text 100 'thirteen' >"$work/vmlinuz-6.1.0"
for f in a b c; do
    text 1100 "$f" >"$work/frag-$f"
done
text 4000 'fragmented' >"$work/frag-d"

# mkfs IMG SECTORS CLUSTER_SECTORS [-F]: a file system with the files.
mkfs() {
    local img=$1
    mformat -C -i "$img" -T "$2" -c "$3" ${4:-} :: ||
        die "$img: mformat failed"
    mmd -i "$img" ::/boot ::/EFI ::/EFI/BOOT ::/dir ::/dir/sub
    mcopy -i "$img" "$work/bzboot.cfg" ::/bzboot.cfg
    mcopy -i "$img" "$work/vmlinuz" "$work/initrd-1.img" \
        "$work/initrd-2.img" "$work/vmlinuz-6.1.0" ::/boot/
    mcopy -i "$img" "$work/BOOTX64.EFI" ::/EFI/BOOT/
    mcopy -i "$img" "$work/A Long File Name With Spaces.txt" \
        "$work/empty" ::/dir/
    mcopy -i "$img" "$work/initrd-2.img" ::/dir/sub/deep.bin
    # Fragment frag-d: free the clusters of frag-b between a and c.
    mcopy -i "$img" "$work/frag-a" "$work/frag-b" "$work/frag-c" ::/dir/
    mdel -i "$img" ::/dir/frag-b
    mcopy -i "$img" "$work/frag-d" ::/dir/
}

mkfs "$work/fat12.img" 400 1
mkfs "$work/fat16.img" 8400 1
mkfs "$work/fat32.img" 70000 1 -F
"$seeds" --disk "$work/mbr-fat12.img" "$work/fat12.img" 63 ||
    die "$work/mbr-fat12.img: fuzz_seeds --disk failed"

for img in fat12 fat16 fat32 mbr-fat12; do
    "$seeds" --trim "$work/$img.img" || die "$img: fuzz_seeds --trim failed"
    mv "$work/$img.img" "$out/$img"
done
rm -rf "$work"
