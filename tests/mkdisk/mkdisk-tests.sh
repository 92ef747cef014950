#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkdisk-tests.sh [KERNEL]: test build/mkdisk on the build machine, without
# QEMU. A good image is taken apart by tools that share no code with
# mkdisk (sfdisk, mtools' mdir/mtype/minfo/mcopy, od, cmp); then every
# refusal is tried: kernels that are not bzImages, bad initrds, a command
# line too long, files that do not fit, bad output paths, a failing mtools
# and a signal in the middle of a build. Reproducible images: the same
# inputs give the same sha256 seconds apart, any changed input or option a
# different one, and default-image.sh (`make disk.img`) twice the same.
# Each refusal must exit 1 with one line `mkdisk: error: ...` on stderr,
# leave an existing OUT as it was and no OUT.tmp.* (or OUT.qcow2.*)
# behind. Then --gpt and --format qcow2 (tests/mkdisk/gpt-cases.sh),
# --rootfs (tests/mkdisk/rootfs-cases.sh), and last `mkdisk inspect`
# (tests/mkdisk/inspect-cases.sh; all sourced: the suite runner runs only
# one *-tests.sh per directory).
#
# KERNEL is a real bzImage; without it, tests/qemu/fetch-kernel.sh amd64
# provides one. Environment: BUILD (default build), MKDISK (default
# $BUILD/mkdisk), STAGE1_BIN, STAGE2_BIN, EFI_BIN (the loaders mkdisk was
# built with, default under $BUILD). Prints `PASS: mkdisk: case` or
# `FAIL: mkdisk: case: why` per case and ends with `N passed, N failed`;
# the work directory of a failing run stays in $BUILD/tests/mkdisk/.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
BUILD=${BUILD:-build}
MKDISK=${MKDISK:-$BUILD/mkdisk}
STAGE1_BIN=${STAGE1_BIN:-$BUILD/boot/stage1.bin}
STAGE2_BIN=${STAGE2_BIN:-$BUILD/boot/stage2.bin}
EFI_BIN=${EFI_BIN:-$BUILD/efi/BOOTX64.EFI}
export MTOOLS_SKIP_CHECK=1

# header_value HEADER NAME: a number #defined in common/HEADER, its one home.
header_value() {
    local v
    v=$(sed -n "s/^#define[[:space:]]\+$2[[:space:]]\+\([0-9a-fx]\+\)$/\1/p" \
        "common/$1")
    [ -n "$v" ] || { echo "mkdisk-tests: no $2 in common/$1" >&2; exit 1; }
    echo $((v))
}
PART_LBA=$(header_value layout.h PARTITION_START_LBA) || exit 1
STAGE1_INFO_OFFSET=$(header_value layout.h STAGE1_INFO_OFFSET) || exit 1
STAGE1_INFO_MAGIC=$(header_value layout.h STAGE1_INFO_MAGIC) || exit 1
STAGE2_LBA=$(header_value layout.h STAGE2_LBA) || exit 1
MBR_DISK_SIG_OFFSET=$(header_value mbr.h MBR_DISK_SIG_OFFSET) || exit 1
MBR_PART_TABLE_OFFSET=$(header_value mbr.h MBR_PART_TABLE_OFFSET) || exit 1
# The FAT partition, as mtools names it inside an image file.
PART_OFFSET=@@$((PART_LBA * 512))
# Microsoft's rule: 65525 clusters or more is FAT32.
FAT32_MIN_CLUSTERS=65525

passed=0
failed=0

pass() {
    echo "PASS: mkdisk: $1"
    passed=$((passed + 1))
}

# fail NAME WHY...: the words of WHY joined by spaces.
fail() {
    local name=$1
    shift
    echo "FAIL: mkdisk: $name: $*"
    failed=$((failed + 1))
}

finish() {
    echo "$passed passed, $failed failed"
    if [ "$failed" -eq 0 ]; then
        rm -rf "$work"
        exit 0
    fi
    echo "mkdisk-tests: the work files are in $work" >&2
    exit 1
}

# An unsigned little-endian integer of SIZE bytes at OFFSET in FILE.
le() {
    od -An -v -t "u$2" -j "$1" -N "$2" "$3" | tr -d ' \n'
}

# Write one byte VALUE at OFFSET in FILE.
poke() {
    printf "\\$(printf %03o "$2")" |
        dd of="$1" bs=1 seek="$3" conv=notrunc status=none
}

# expect_verified NAME IMG: sgdisk -v finds no problems (on an MBR disk,
# in the GPT it would become) and sfdisk --verify no errors; neither
# exits non-zero for them, so their words are the evidence.
expect_verified() {
    local name=$1 img=$2
    sgdisk -v "$img" >"$work/sgdisk-v" 2>&1
    sfdisk --verify "$img" >"$work/sfdisk-v" 2>&1
    if ! grep -q '^No problems found' "$work/sgdisk-v" ||
        grep -qi 'caution\|warning' "$work/sgdisk-v"; then
        fail "$name" "sgdisk -v: $(grep -v '^$' "$work/sgdisk-v" | tr '\n' '|' | head -c 300)"
    elif ! grep -q '^No errors detected' "$work/sfdisk-v"; then
        fail "$name" "sfdisk --verify: $(tr '\n' '|' <"$work/sfdisk-v" | head -c 300)"
    else
        pass "$name"
    fi
}

# run_mkdisk ARGS...: run mkdisk; $rc, $work/stdout and $work/stderr.
run_mkdisk() {
    "$MKDISK" "$@" >"$work/stdout" 2>"$work/stderr"
    rc=$?
}

# The first line of mkdisk's stderr, for messages.
err_line() {
    head -n 1 "$work/stderr"
}

# leftover_temps OUT: the OUT.tmp.*, OUT.qcow2.* and OUT.rootfs.* files
# there are, and --sb-key's OUT.efi.* and OUT.signed.*.
leftover_temps() {
    compgen -G "$1.tmp.*" || compgen -G "$1.qcow2.*" ||
        compgen -G "$1.rootfs.*" || compgen -G "$1.efi.*" ||
        compgen -G "$1.signed.*"
}

# What OUT is: absent, a directory, or the checksum of its bytes.
state_of() {
    if [ -d "$1" ]; then
        echo directory
    elif [ -e "$1" ]; then
        sha256sum <"$1"
    else
        echo absent
    fi
}

# expect_refusal NAME TEXT OUT ARGS...: mkdisk ARGS must exit 1 with one
# line "mkdisk: error: ..." containing TEXT (a grep -E pattern), with OUT
# as it was before (absent, or the same bytes) and no OUT.tmp.* left.
expect_refusal() {
    local name=$1 text=$2 out=$3 before after lines
    shift 3
    before=$(state_of "$out")
    run_mkdisk "$@"
    after=$(state_of "$out")
    lines=$(wc -l <"$work/stderr")
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit status $rc, not 1 ($(err_line))"
    elif [ "$lines" -ne 1 ]; then
        fail "$name" "$lines lines on stderr, not 1: $(tr '\n' '|' <"$work/stderr")"
    elif ! grep -q '^mkdisk: error: ' "$work/stderr"; then
        fail "$name" "stderr does not start with 'mkdisk: error: ': $(err_line)"
    elif ! grep -qE -- "$text" "$work/stderr"; then
        fail "$name" "message does not match /$text/: $(err_line)"
    elif [ "$before" != "$after" ]; then
        fail "$name" "$out changed ($before -> $after)"
    elif leftover_temps "$out" >/dev/null; then
        fail "$name" "temporary file left behind: $(leftover_temps "$out" | tr '\n' ' ')"
    else
        pass "$name"
    fi
}

# expect_usage NAME ARGS...: bad usage exits 2 with the usage line.
expect_usage() {
    local name=$1
    shift
    run_mkdisk "$@"
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit status $rc, not 2 ($(err_line))"
    elif ! grep -q '^mkdisk: error: ' "$work/stderr" ||
        ! grep -q '^usage: mkdisk ' "$work/stderr"; then
        fail "$name" "no error and usage line on stderr: $(tr '\n' '|' <"$work/stderr")"
    elif [ -s "$work/stdout" ]; then
        fail "$name" "wrote to stdout"
    else
        pass "$name"
    fi
}

mkdir -p "$BUILD/tests/mkdisk" || exit 1
work=$(mktemp -d "$BUILD/tests/mkdisk/work.XXXXXX") || exit 1
work=$(cd "$work" && pwd)

# Prerequisites: each missing one fails a case, nothing is skipped silently.
kernel=${1:-}
if [ -z "$kernel" ]; then
    kernel=$(bash tests/qemu/fetch-kernel.sh amd64 2>"$work/fetch.err" |
        tail -n 1)
fi
missing=
if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
    missing="no kernel ($(head -n 1 "$work/fetch.err" 2>/dev/null))"
elif [ ! -x "$MKDISK" ]; then
    missing="$MKDISK is not built (make $MKDISK)"
fi
for tool in sfdisk sgdisk qemu-img mdir mtype minfo mcopy od cmp sha256sum \
    cpio gzip mke2fs debugfs e2fsck sbsign sbverify sbattach openssl; do
    command -v "$tool" >/dev/null || missing="$missing $tool is not installed"
done
for bin in "$STAGE1_BIN" "$STAGE2_BIN" "$EFI_BIN"; do
    [ -f "$bin" ] || missing="$missing $bin is missing"
done
if [ -n "$missing" ]; then
    fail "prerequisites" "skipped because$missing"
    finish
fi
pass "prerequisites"
MKDISK_ABS=$(cd "$(dirname "$MKDISK")" && pwd)/$(basename "$MKDISK")

# Inputs, all in the work directory; the kernel is copied so that the
# tests that patch it or write over it can never touch the original.
cp "$kernel" "$work/vmlinuz" || exit 1
kernel=$work/vmlinuz
head -c 300000 /dev/urandom >"$work/initrd-a"
printf 'second initrd\n' >"$work/initrd-b"
cmdline='console=ttyS0,115200 mkdisk.test=1 quiet'

# --- A good image, taken apart by independent tools. ---

# The partition entry's CHS fields, for 255 heads and 63 sectors a track.
chs() {
    local lba=$1 c h s
    c=$((lba / (255 * 63)))
    h=$((lba / 63 % 255))
    s=$((lba % 63 + 1))
    if [ "$c" -gt 1023 ]; then
        c=1023 h=254 s=63
    fi
    echo "$h $((s | (c >> 2 & 0xc0))) $((c & 0xff))"
}

# field NAME: a number from minfo's output in $work/minfo.
field() {
    sed -n "s/^$1[:=] *\([0-9]*\).*/\1/p" "$work/minfo" | head -n 1
}

# inspect_good_image: take $img apart.
inspect_good_image() {
    img_bytes=$(stat -c %s "$img")
    img_sectors=$((img_bytes / 512))
    # Up to where a backup GPT would go (the last 33 LBAs), in whole MiB.
    part_sectors=$(((img_sectors - PART_LBA - 33) / 2048 * 2048))
    if [ $((img_bytes % (1024 * 1024))) -ne 0 ] ||
        [ "$img_bytes" -lt $((64 * 1024 * 1024)) ]; then
        fail "default size" "$img_bytes bytes: not whole MiB, or under 64 MiB"
    else
        pass "default size"
    fi

    # sfdisk: one partition, at 2048 to the last MiB, type ef, bootable.
    sfdisk --dump "$img" >"$work/sfdisk" 2>&1
    parts=$(grep -c ' : start=' "$work/sfdisk")
    if [ "$parts" -ne 1 ]; then
        fail "sfdisk partition" "$parts partitions: $(tr '\n' '|' <"$work/sfdisk")"
    elif ! grep -qE "start= *$PART_LBA, size= *$part_sectors, type=ef, bootable" \
        "$work/sfdisk"; then
        fail "sfdisk partition" "$(grep ' : start=' "$work/sfdisk")"
    else
        pass "sfdisk partition"
    fi

    entry=$MBR_PART_TABLE_OFFSET
    # chs_first at +1, chs_last at +5: head, sector, cylinder bytes.
    got_chs=$(od -An -v -t u1 -j $((entry + 1)) -N 3 "$img" | xargs)
    got_chs_last=$(od -An -v -t u1 -j $((entry + 5)) -N 3 "$img" | xargs)
    last=$((PART_LBA + part_sectors - 1))
    if [ "$got_chs" != "$(chs $PART_LBA)" ] ||
        [ "$got_chs_last" != "$(chs $last)" ]; then
        fail "partition CHS" "first $got_chs (want $(chs $PART_LBA))," \
            "last $got_chs_last (want $(chs $last))"
    else
        pass "partition CHS"
    fi
    expect_verified "MBR image: sgdisk -v, sfdisk --verify" "$img"

    # The MBR: stage1's code, stage1_info, a disk signature, 0xaa55.
    stage2_size=$(stat -c %s "$STAGE2_BIN")
    stage2_sectors=$(((stage2_size + 511) / 512))
    info_lba=$(le $STAGE1_INFO_OFFSET 4 "$img")
    info_sectors=$(le $((STAGE1_INFO_OFFSET + 4)) 2 "$img")
    info_magic=$(le $((STAGE1_INFO_OFFSET + 6)) 2 "$img")
    disk_sig=$(le "$MBR_DISK_SIG_OFFSET" 4 "$img")
    boot_sig=$(le $((0x1fe)) 2 "$img")
    if ! cmp -s -n "$STAGE1_INFO_OFFSET" "$img" "$STAGE1_BIN"; then
        fail "MBR stage1_info" "the code before stage1_info is not $STAGE1_BIN"
    elif [ "$info_lba" -ne "$STAGE2_LBA" ] ||
        [ "$info_sectors" -ne "$stage2_sectors" ] ||
        [ "$info_magic" -ne "$STAGE1_INFO_MAGIC" ]; then
        fail "MBR stage1_info" "stage2_lba $info_lba sectors $info_sectors" \
            "magic $info_magic, want $STAGE2_LBA $stage2_sectors $STAGE1_INFO_MAGIC"
    elif [ "$disk_sig" -eq 0 ] || [ "$boot_sig" -ne $((0xaa55)) ]; then
        fail "MBR stage1_info" "disk signature $disk_sig, boot signature $boot_sig"
    else
        pass "MBR stage1_info"
    fi

    # stage2 from LBA 1, and nothing but zeros after it up to the partition.
    if ! cmp -s -i "$((STAGE2_LBA * 512)):0" -n "$stage2_size" "$img" "$STAGE2_BIN"; then
        fail "stage2 at LBA 1" "bytes from LBA $STAGE2_LBA differ from $STAGE2_BIN"
    elif [ -n "$(dd if="$img" bs=1 skip=$((STAGE2_LBA * 512 + stage2_size)) \
        count=$((PART_LBA * 512 - STAGE2_LBA * 512 - stage2_size)) status=none |
        tr -d '\0' | head -c 1)" ]; then
        fail "stage2 at LBA 1" "non-zero bytes between stage2 and the partition"
    else
        pass "stage2 at LBA 1"
    fi

    # minfo: FAT32 by the cluster count, hidden sectors = the partition start.
    minfo -i "$img$PART_OFFSET" :: >"$work/minfo" 2>&1
    total=$(field 'big size')
    reserved=$(field 'reserved (boot) sectors')
    fats=$(field 'fats')
    fatlen=$(field 'Big fatlen')
    spc=$(field 'cluster size')
    hidden=$(field 'hidden sectors')
    if [ -z "$total" ] || [ -z "$reserved" ] || [ -z "$fats" ] ||
        [ -z "$fatlen" ] || [ -z "$spc" ]; then
        fail "FAT32 cluster count" "minfo: $(tr '\n' '|' <"$work/minfo" | head -c 300)"
    else
        clusters=$(((total - reserved - fats * fatlen) / spc))
        if ! grep -q 'disk type="FAT32' "$work/minfo"; then
            fail "FAT32 cluster count" "minfo shows no FAT32 disk type"
        elif [ "$clusters" -lt "$FAT32_MIN_CLUSTERS" ]; then
            fail "FAT32 cluster count" "$clusters clusters, FAT32 needs $FAT32_MIN_CLUSTERS"
        elif [ "$total" -ne "$part_sectors" ] || [ "$hidden" != "$PART_LBA" ]; then
            fail "FAT32 cluster count" "$total sectors (want" \
                "$part_sectors), $hidden hidden (want $PART_LBA)"
        else
            pass "FAT32 cluster count"
        fi
    fi

    # mdir: exactly the files of the convention.
    mdir -/ -b -i "$img$PART_OFFSET" ::/ 2>&1 | sort >"$work/mdir"
    printf '%s\n' ::/EFI/ ::/EFI/BOOT/ ::/EFI/BOOT/BOOTX64.EFI ::/boot/ \
        ::/boot/initrd-1.img ::/boot/initrd-2.img ::/boot/vmlinuz ::/bzboot.cfg \
        ::/loader/ ::/loader/bzboot.env |
        sort >"$work/mdir.want"
    if ! cmp -s "$work/mdir" "$work/mdir.want"; then
        fail "mdir files" "$(tr '\n' ' ' <"$work/mdir")"
    else
        pass "mdir files"
    fi

    # Every file reads back as the bytes it came from.
    bad=
    for pair in "boot/vmlinuz:$kernel" "boot/initrd-1.img:$work/initrd-a" \
        "boot/initrd-2.img:$work/initrd-b" "EFI/BOOT/BOOTX64.EFI:$EFI_BIN"; do
        rm -f "$work/back"
        mcopy -n -i "$img$PART_OFFSET" "::/${pair%%:*}" "$work/back" 2>/dev/null
        cmp -s "$work/back" "${pair#*:}" || bad="$bad /${pair%%:*}"
    done
    if [ -n "$bad" ]; then
        fail "file contents" "differ from their sources:$bad"
    else
        pass "file contents"
    fi

    # mtype: the config names the kernel, the initrds in order, the cmdline.
    mtype -i "$img$PART_OFFSET" ::/bzboot.cfg >"$work/cfg" 2>&1
    sed -n 's/^[[:space:]]*\(kernel\|initrd\|cmdline\)[[:space:]]\+//p' \
        "$work/cfg" >"$work/cfg.got"
    printf '%s\n' /boot/vmlinuz /boot/initrd-1.img /boot/initrd-2.img \
        "$cmdline" >"$work/cfg.want"
    if ! cmp -s "$work/cfg.got" "$work/cfg.want"; then
        fail "config" "mtype gives: $(tr '\n' '|' <"$work/cfg")"
    elif [ "$(grep -c '^[[:space:]]*entry[[:space:]]' "$work/cfg")" -ne 1 ]; then
        fail "config" "not exactly one entry: $(tr '\n' '|' <"$work/cfg")"
    else
        pass "config"
    fi
}

img=$work/good.img
run_mkdisk -o "$img" --kernel "$kernel" --initrd "$work/initrd-a" \
    --initrd "$work/initrd-b" --cmdline "$cmdline"
if [ "$rc" -ne 0 ] || [ ! -f "$img" ]; then
    fail "good image" "exit status $rc: $(err_line)"
    fail "good image contents" "skipped because mkdisk failed"
elif [ -s "$work/stderr" ]; then
    fail "good image" "stderr not empty: $(err_line)"
elif ! grep -q "^mkdisk: $img: [0-9]* MiB" "$work/stdout" ||
    ! grep -qF "$cmdline" "$work/stdout"; then
    fail "good image" "no summary on stdout: $(head -n 1 "$work/stdout")"
else
    pass "good image"
fi
[ "$rc" -eq 0 ] && [ -f "$img" ] && inspect_good_image

# --size: exactly that size; no initrd, an empty command line.
run_mkdisk -o "$work/sized.img" --kernel "$kernel" --cmdline "" --size 100
if [ "$rc" -ne 0 ]; then
    fail "--size 100" "exit status $rc: $(err_line)"
elif [ "$(stat -c %s "$work/sized.img")" -ne $((100 * 1024 * 1024)) ]; then
    fail "--size 100" "$(stat -c %s "$work/sized.img") bytes"
else
    pass "--size 100"
fi

# A relative path that mtools could take for a drive ("a:...").
mkdir -p "$work/rel"
cp "$work/initrd-b" "$work/rel/a:initrd"
(cd "$work/rel" && "$MKDISK_ABS" -o a:img --kernel "$kernel" \
    --initrd a:initrd --cmdline x >/dev/null 2>"$work/stderr")
rc=$?
if [ "$rc" -ne 0 ]; then
    fail "relative paths with a colon" "exit status $rc: $(err_line)"
elif ! mcopy -n -i "$work/rel/a:img$PART_OFFSET" ::/boot/initrd-1.img \
    "$work/back" 2>/dev/null || ! cmp -s "$work/back" "$work/initrd-b"; then
    fail "relative paths with a colon" "initrd-1.img differs from a:initrd"
else
    pass "relative paths with a colon"
fi

# Replacing an existing image works (and keeps it a regular file).
printf 'old image\n' >"$work/replace.img"
run_mkdisk -o "$work/replace.img" --kernel "$kernel" --cmdline x
if [ "$rc" -ne 0 ] || [ "$(stat -c %s "$work/replace.img")" -lt $((64 << 20)) ]; then
    fail "replace an image" "exit status $rc: $(err_line)"
else
    pass "replace an image"
fi

# --- Reproducible images. ---

# The disk signature (MBR) and the volume ID (minfo, an independent
# reader of the FAT boot sector) of an image, as "SIGNATURE VOLUME_ID" in
# hex.
image_ids() {
    local sig vol
    sig=$(le "$MBR_DISK_SIG_OFFSET" 4 "$1")
    vol=$(minfo -i "$1$PART_OFFSET" :: 2>/dev/null |
        sed -n 's/^serial number: *\([0-9A-Fa-f]*\)$/\1/p')
    printf '%08x %s\n' "$sig" "${vol,,}"
}

# sha256_of FILE: the sha256 of FILE.
sha256_of() {
    sha256sum <"$1" | cut -d ' ' -f 1
}

# repro NAME ARGS...: build $work/repro-NAME.img with the good image's
# kernel and ARGS; $rc as run_mkdisk.
repro() {
    local name=$1
    shift
    run_mkdisk -o "$work/repro-$name.img" --kernel "$kernel" "$@"
    [ "$rc" -eq 0 ] || fail "reproducible $name" "exit status $rc: $(err_line)"
}

# expect_differ CASE NAME: repro-NAME.img must differ from repro-base.img
# in its sha256 and, as the hash of the inputs changed, in both
# identifiers too.
expect_differ() {
    local case=$1 img=$work/repro-$2.img base=$work/repro-base.img
    if [ ! -f "$img" ] || [ ! -f "$base" ]; then
        fail "$case" "skipped because an image is missing"
    elif [ "$(sha256_of "$img")" = "$(sha256_of "$base")" ]; then
        fail "$case" "same sha256 as the unchanged build: $(sha256_of "$img")"
    elif [ "$(image_ids "$img" | cut -d ' ' -f 1)" = \
        "$(image_ids "$base" | cut -d ' ' -f 1)" ] ||
        [ "$(image_ids "$img" | cut -d ' ' -f 2)" = \
            "$(image_ids "$base" | cut -d ' ' -f 2)" ]; then
        fail "$case" "disk signature or volume ID unchanged:" \
            "$(image_ids "$img") vs $(image_ids "$base")"
    else
        pass "$case"
    fi
}

unset SOURCE_DATE_EPOCH
cp "$work/initrd-a" "$work/repro-initrd"
repro_args=(--initrd "$work/repro-initrd" --cmdline "$cmdline")
repro base "${repro_args[@]}"
# Seconds later, another output name, another time zone: the same bytes.
sleep 2
(cd "$work" && TZ=Asia/Tokyo "$MKDISK_ABS" -o repro-again.img \
    --kernel "$kernel" "${repro_args[@]}" >/dev/null 2>"$work/stderr")
rc=$?
base_ids=$(image_ids "$work/repro-base.img")
if [ "$rc" -ne 0 ]; then
    fail "reproducible: same inputs, same sha256" "exit status $rc: $(err_line)"
elif ! cmp -s "$work/repro-base.img" "$work/repro-again.img"; then
    fail "reproducible: same inputs, same sha256" \
        "$(cmp -l "$work/repro-base.img" "$work/repro-again.img" |
            wc -l) bytes differ, the first at" \
        "$(cmp "$work/repro-base.img" "$work/repro-again.img" |
            sed 's/.*byte //')"
elif [[ ! $base_ids =~ ^[0-9a-f]{8}\ [0-9a-f]{8}$ ]] ||
    [ "${base_ids%% *}" = 00000000 ]; then
    fail "reproducible: same inputs, same sha256" "identifiers: $base_ids"
else
    pass "reproducible: same inputs, same sha256"
fi

# Without SOURCE_DATE_EPOCH, every entry is dated 1980-01-01 00:00: the
# directories, ".", "..", and the 8 files of the good image's layout.
mdir -/ -i "$work/repro-base.img$PART_OFFSET" ::/ 2>/dev/null |
    grep -E ' [0-9]{4}-[0-9]{2}-[0-9]{2} ' >"$work/dates"
dated=$(grep -cE ' 1980-01-01 +0:00 *$' "$work/dates")
entries=$(wc -l <"$work/dates")
if [ "$entries" -lt 8 ] || [ "$dated" -ne "$entries" ]; then
    fail "reproducible: dated 1980-01-01" "$dated of $entries entries:" \
        "$(grep -vE ' 1980-01-01 +0:00 *$' "$work/dates" | head -n 2 |
            tr '\n' '|')"
else
    pass "reproducible: dated 1980-01-01"
fi

# One byte of the initrd changed: the image and both identifiers change.
poke "$work/repro-initrd" $((($(le 1000 1 "$work/repro-initrd") + 1) % 256)) 1000
repro initrd "${repro_args[@]}"
expect_differ "reproducible: one initrd byte changes the image" initrd
cp "$work/initrd-a" "$work/repro-initrd"

repro cmdline --initrd "$work/repro-initrd" --cmdline "$cmdline x"
expect_differ "reproducible: the cmdline changes the image" cmdline

repro size "${repro_args[@]}" --size 100
expect_differ "reproducible: --size changes the image" size

SOURCE_DATE_EPOCH=1700000000 repro epoch "${repro_args[@]}"
expect_differ "reproducible: SOURCE_DATE_EPOCH changes the image" epoch
if [ ! -f "$work/repro-epoch.img" ]; then
    fail "reproducible: SOURCE_DATE_EPOCH dates the files" \
        "skipped because the image is missing"
elif ! mdir -i "$work/repro-epoch.img$PART_OFFSET" ::/boot 2>/dev/null |
    grep -qE '^vmlinuz +[0-9]+ 2023-11-14 +22:13 *$'; then
    fail "reproducible: SOURCE_DATE_EPOCH dates the files" \
        "vmlinuz not dated 2023-11-14 22:13 (UTC):" \
        "$(mdir -i "$work/repro-epoch.img$PART_OFFSET" ::/boot 2>&1 |
            grep vmlinuz)"
else
    pass "reproducible: SOURCE_DATE_EPOCH dates the files"
fi

# --disk-id sets both identifiers; another value, another image.
repro disk-id "${repro_args[@]}" --disk-id 1A2B3C4D
repro disk-id-2 "${repro_args[@]}" --disk-id 0x1a2b3c4e
got=$(image_ids "$work/repro-disk-id.img")
if [ "$got" != "1a2b3c4d 1a2b3c4d" ]; then
    fail "--disk-id 1A2B3C4D" "disk signature and volume ID: $got"
elif ! sfdisk --dump "$work/repro-disk-id.img" 2>/dev/null |
    grep -q '^label-id: 0x1a2b3c4d$'; then
    fail "--disk-id 1A2B3C4D" "sfdisk: $(sfdisk --dump \
        "$work/repro-disk-id.img" 2>&1 | grep label-id)"
elif [ "$(image_ids "$work/repro-disk-id-2.img")" != "1a2b3c4e 1a2b3c4e" ] ||
    [ "$(sha256_of "$work/repro-disk-id.img")" = \
        "$(sha256_of "$work/repro-disk-id-2.img")" ]; then
    fail "--disk-id 1A2B3C4D" "--disk-id 0x1a2b3c4e:" \
        "$(image_ids "$work/repro-disk-id-2.img"), same sha256"
else
    pass "--disk-id 1A2B3C4D"
fi

# make disk.img's script twice, seconds apart, with the same kernel and
# busybox: the initramfs and the image come out the same.
default_image() {
    KERNEL=$kernel INITRD='' BUILD=$BUILD \
        bash tests/qemu/default-image.sh "$1" >"$work/default.log" 2>&1
}
if ! default_image "$work/default-1.img"; then
    fail "default-image.sh twice, same sha256" "$(tail -n 1 "$work/default.log")"
else
    sleep 2
    if ! default_image "$work/default-2.img"; then
        fail "default-image.sh twice, same sha256" "$(tail -n 1 "$work/default.log")"
    elif [ "$(sha256_of "$work/default-1.img")" != "$(sha256_of "$work/default-2.img")" ]; then
        fail "default-image.sh twice, same sha256" \
            "$(cmp "$work/default-1.img" "$work/default-2.img")"
    else
        pass "default-image.sh twice, same sha256"
        echo "mkdisk-tests: the default image: sha256 $(sha256_of "$work/default-1.img")"
    fi
fi

# --- Trust: --hashes and --enroll-config (README, "Trust"). ---

# The marker of the enrolled-config slot, from its one home.
ENROLL_MARKER=$(sed -n 's/^#define[[:space:]]\+CONFIG_ENROLL_MARKER[[:space:]]\+"\(.*\)"$/\1/p' \
    common/config.h)

# slot_hex FILE: the 32 bytes after the one enrolled-config marker in
# FILE, in hex; fails when FILE has no marker or more than one.
slot_hex() {
    local at
    at=$(grep -obUaF "$ENROLL_MARKER" "$1" | cut -d: -f1)
    [ -n "$ENROLL_MARKER" ] && [ "$(wc -w <<<"$at")" -eq 1 ] || return 1
    od -v -An -tx1 -j $((at + ${#ENROLL_MARKER})) -N 32 "$1" | tr -d ' \n'
}

# image_loaders IMG PREFIX: stage2 from the gap before the partition and
# BOOTX64.EFI from the partition, as PREFIX.stage2 and PREFIX.efi.
image_loaders() {
    dd if="$1" of="$2.stage2" bs=512 skip="$STAGE2_LBA" \
        count=$((PART_LBA - STAGE2_LBA)) status=none &&
        mcopy -n -i "$1$PART_OFFSET" ::/EFI/BOOT/BOOTX64.EFI "$2.efi"
}

# expect_pinned NAME IMG KERNEL INITRD...: the config of IMG names each
# file with the hash sha256sum gives it.
expect_pinned() {
    local name=$1 img=$2 kernel_file=$3 n=1 want f
    shift 3
    if ! mtype -i "$img$PART_OFFSET" ::/bzboot.cfg >"$work/pinned.cfg" 2>&1; then
        fail "$name" "mtype: $(head -n 1 "$work/pinned.cfg")"
        return
    fi
    want="	kernel /boot/vmlinuz#$(sha256_of "$kernel_file")"
    if ! grep -qxF "$want" "$work/pinned.cfg"; then
        fail "$name" "no line \"$want\" in: $(grep kernel "$work/pinned.cfg")"
        return
    fi
    for f in "$@"; do
        want="	initrd /boot/initrd-$n.img#$(sha256_of "$f")"
        if ! grep -qxF "$want" "$work/pinned.cfg"; then
            fail "$name" "no line \"$want\""
            return
        fi
        n=$((n + 1))
    done
    pass "$name"
}

run_mkdisk -o "$work/hashes.img" --kernel "$kernel" --initrd "$work/initrd-a" \
    --initrd "$work/initrd-b" --cmdline "$cmdline" --hashes
if [ "$rc" -ne 0 ]; then
    fail "--hashes: each path with sha256sum's hash" "exit status $rc: $(err_line)"
else
    expect_pinned "--hashes: each path with sha256sum's hash (amd64 kernel)" \
        "$work/hashes.img" "$kernel" "$work/initrd-a" "$work/initrd-b"
fi

# Debian's 686 kernel too: common/sha256.c against sha256sum on a second
# real kernel.
kernel686=$(bash tests/qemu/fetch-kernel.sh 686 2>"$work/fetch686.err" | tail -n 1)
if [ -z "$kernel686" ] || [ ! -f "$kernel686" ]; then
    fail "--hashes: Debian's 686 kernel" \
        "no kernel ($(head -n 1 "$work/fetch686.err"))"
else
    run_mkdisk -o "$work/hashes-686.img" --kernel "$kernel686" \
        --cmdline "$cmdline" --hashes
    if [ "$rc" -ne 0 ]; then
        fail "--hashes: Debian's 686 kernel" "exit status $rc: $(err_line)"
    else
        expect_pinned "--hashes: Debian's 686 kernel" "$work/hashes-686.img" \
            "$kernel686"
    fi
fi

# Without --enroll-config, both loaders go on with an empty slot.
zero=$(printf '0%.0s' {1..64})
if ! image_loaders "$work/hashes.img" "$work/hashes"; then
    fail "--hashes: the loaders' slots stay empty" "cannot read the loaders back"
elif [ "$(slot_hex "$work/hashes.stage2")" != "$zero" ] ||
    [ "$(slot_hex "$work/hashes.efi")" != "$zero" ]; then
    fail "--hashes: the loaders' slots stay empty" \
        "stage2 $(slot_hex "$work/hashes.stage2"), BOOTX64.EFI" \
        "$(slot_hex "$work/hashes.efi")"
else
    pass "--hashes: the loaders' slots stay empty"
fi

run_mkdisk -o "$work/enrolled.img" --kernel "$kernel" --initrd "$work/initrd-a" \
    --initrd "$work/initrd-b" --cmdline "$cmdline" --enroll-config
name="--enroll-config: the config's sha256 in stage2 and BOOTX64.EFI"
if [ "$rc" -ne 0 ]; then
    fail "$name" "exit status $rc: $(err_line)"
elif ! mtype -i "$work/enrolled.img$PART_OFFSET" ::/bzboot.cfg \
    >"$work/enrolled.cfg" 2>/dev/null ||
    ! image_loaders "$work/enrolled.img" "$work/enrolled"; then
    fail "$name" "cannot read the config or the loaders back"
else
    want=$(sha256_of "$work/enrolled.cfg")
    if [ "$(slot_hex "$work/enrolled.stage2")" != "$want" ] ||
        [ "$(slot_hex "$work/enrolled.efi")" != "$want" ]; then
        fail "$name" "config $want, stage2 $(slot_hex "$work/enrolled.stage2")," \
            "BOOTX64.EFI $(slot_hex "$work/enrolled.efi")"
    elif ! grep -q "^mkdisk: .*" "$work/stdout" ||
        ! grep -qxF "  sha256 $want  /bzboot.cfg, enrolled in stage2 and BOOTX64.EFI" \
            "$work/stdout"; then
        fail "$name" "the summary does not name the enrolled hash"
    else
        pass "$name"
    fi
    expect_pinned "--enroll-config implies --hashes" "$work/enrolled.img" \
        "$kernel" "$work/initrd-a" "$work/initrd-b"
    # The slot and nothing else: 32 bytes at most differ from --hashes.
    for l in stage2 efi; do
        n=$(cmp -l "$work/hashes.$l" "$work/enrolled.$l" | wc -l)
        if [ "$n" -lt 1 ] || [ "$n" -gt 32 ]; then
            fail "--enroll-config: only the slot of $l changes" "$n bytes differ"
        else
            pass "--enroll-config: only the slot of $l changes"
        fi
    done
fi

# --sb-key/--sb-cert: Debian's snakeoil key (ovmf's README.Debian: the
# password is "snakeoil"), decrypted first, since sbsign would ask.
sb_cert=/usr/share/ovmf/PkKek-1-snakeoil.pem
sb_key=$work/snakeoil-key.pem
name="--sb-key: BOOTX64.EFI enrolled, then signed (sbverify)"
if ! openssl rsa -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
    -out "$sb_key" >/dev/null 2>&1; then
    fail "$name" "cannot decrypt /usr/share/ovmf/PkKek-1-snakeoil.key (ovmf, openssl)"
else
    run_mkdisk -o "$work/signed.img" --kernel "$kernel" --initrd "$work/initrd-a" \
        --initrd "$work/initrd-b" --cmdline "$cmdline" --sb-key "$sb_key" \
        --sb-cert "$sb_cert"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit status $rc: $(err_line)"
    elif ! image_loaders "$work/signed.img" "$work/signed" ||
        ! mtype -i "$work/signed.img$PART_OFFSET" ::/bzboot.cfg \
            >"$work/signed.cfg" 2>/dev/null; then
        fail "$name" "cannot read the config or the loaders back"
    elif ! sbverify --cert "$sb_cert" "$work/signed.efi" >"$work/sbverify.txt" 2>&1; then
        fail "$name" "sbverify: $(tail -n 1 "$work/sbverify.txt")"
    elif [ "$(slot_hex "$work/signed.efi")" != "$(sha256_of "$work/signed.cfg")" ] ||
        [ "$(slot_hex "$work/signed.stage2")" != "$(sha256_of "$work/signed.cfg")" ]; then
        fail "$name" "the slots do not hold the config's hash (--enroll-config implied)"
    elif ! grep -qxF "  /EFI/BOOT/BOOTX64.EFI signed by sbsign with $sb_cert" \
        "$work/stdout"; then
        fail "$name" "the summary does not say BOOTX64.EFI is signed"
    else
        pass "$name"
    fi
    # The signature covers the enrolled slot: without it, the signed file
    # is --enroll-config's BOOTX64.EFI (the same config), but for the PE
    # CheckSum, which sbsign sets (PE/COFF: e_lfanew at 0x3c, then "PE\0\0",
    # the 20-byte COFF header, CheckSum at 64 in the optional header).
    name="--sb-key: the signed loader is the enrolled one plus a signature"
    checksum=$(($(od -An -tu4 -j $((0x3c)) -N 4 "$work/enrolled.efi") + 4 + 20 + 64))
    if ! sbattach --remove "$work/signed.efi" >/dev/null 2>&1; then
        fail "$name" "sbattach --remove failed"
    elif n=$(cmp -l "$work/signed.efi" "$work/enrolled.efi" 2>/dev/null |
        awk -v c="$checksum" '$1 <= c || $1 > c + 4' | wc -l) && [ "$n" -ne 0 ]; then
        fail "$name" "$n bytes differ from --enroll-config's BOOTX64.EFI"
    else
        pass "$name"
    fi
    # --rootfs rewrites the config with the root partition's PARTUUID
    # after the first enrollment: the loader must be enrolled with the
    # final config and signed after that.
    name="--sb-key with --rootfs: the final config enrolled, then signed"
    mkdir -p "$work/sb-root/etc" && echo sb >"$work/sb-root/etc/sb"
    run_mkdisk -o "$work/signed-root.img" --kernel "$kernel" --cmdline "$cmdline" \
        --rootfs "$work/sb-root" --sb-key "$sb_key" --sb-cert "$sb_cert"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit status $rc: $(err_line)"
    elif ! image_loaders "$work/signed-root.img" "$work/signed-root" ||
        ! mtype -i "$work/signed-root.img$PART_OFFSET" ::/bzboot.cfg \
            >"$work/signed-root.cfg" 2>/dev/null; then
        fail "$name" "cannot read the config or the loaders back"
    elif ! grep -q 'root=PARTUUID=' "$work/signed-root.cfg"; then
        fail "$name" "no root=PARTUUID= in the config"
    elif ! sbverify --cert "$sb_cert" "$work/signed-root.efi" \
        >"$work/sbverify.txt" 2>&1; then
        fail "$name" "sbverify: $(tail -n 1 "$work/sbverify.txt")"
    elif [ "$(slot_hex "$work/signed-root.efi")" != \
        "$(sha256_of "$work/signed-root.cfg")" ]; then
        fail "$name" "BOOTX64.EFI holds $(slot_hex "$work/signed-root.efi")," \
            "the config is $(sha256_of "$work/signed-root.cfg")"
    else
        pass "$name"
    fi
    out_sb=$work/refused-sb.img
    expect_refusal "--sb-key: a key sbsign cannot load" \
        "PkKek-1-snakeoil.pem: sbsign failed: Can't load key from file" \
        "$out_sb" -o "$out_sb" --kernel "$kernel" --cmdline x \
        --sb-key "$sb_cert" --sb-cert "$sb_cert"
    expect_refusal "--sb-key: a missing key" \
        "nope.pem: cannot read the Secure Boot key: No such file or directory" \
        "$out_sb" -o "$out_sb" --kernel "$kernel" --cmdline x \
        --sb-key "$work/nope.pem" --sb-cert "$sb_cert"
    # sbsign missing: a PATH with mtools only.
    sbbin=$work/sbbin
    mkdir -p "$sbbin"
    for tool in mformat mmd mcopy; do
        ln -sf "$(command -v "$tool")" "$sbbin/$tool"
    done
    printf '#!/bin/sh\nPATH=%s exec %s "$@"\n' "$sbbin" "$(realpath "$MKDISK")" \
        >"$work/mkdisk-no-sbsign"
    chmod +x "$work/mkdisk-no-sbsign"
    saved_mkdisk=$MKDISK
    MKDISK=$work/mkdisk-no-sbsign
    expect_refusal "--sb-key: sbsign missing" \
        "^mkdisk: error: sbsign: not found: install the Debian package sbsigntool" \
        "$out_sb" -o "$out_sb" --kernel "$kernel" --cmdline x \
        --sb-key "$sb_key" --sb-cert "$sb_cert"
    MKDISK=$saved_mkdisk
fi
expect_usage "--sb-key without --sb-cert" -o "$work/x.img" --kernel "$kernel" \
    --cmdline x --sb-key "$sb_key"

repro hashes "${repro_args[@]}" --hashes
expect_differ "reproducible: --hashes changes the image" hashes
repro enroll "${repro_args[@]}" --enroll-config
if [ -f "$work/repro-enroll.img" ] && [ -f "$work/repro-hashes.img" ] &&
    [ "$(sha256_of "$work/repro-enroll.img")" = \
        "$(sha256_of "$work/repro-hashes.img")" ]; then
    fail "reproducible: --enroll-config changes the image" "same as --hashes"
else
    expect_differ "reproducible: --enroll-config changes the image" enroll
fi

# --- Refusals. ---

out=$work/refused.img

head -c 20000 /dev/urandom >"$work/random.bin"
expect_refusal "not a kernel" "random.bin: not a Linux kernel" \
    "$out" -o "$out" --kernel "$work/random.bin" --cmdline x

head -c 200000 "$kernel" >"$work/truncated"
expect_refusal "truncated bzImage" "truncated: .*truncated" \
    "$out" -o "$out" --kernel "$work/truncated" --cmdline x

expect_refusal "ELF vmlinux" "/bin/true: .*ELF.*bzImage" \
    "$out" -o "$out" --kernel /bin/true --cmdline x

# A zImage: the same kernel with LOADED_HIGH (bit 0 of loadflags, 0x211)
# cleared.
cp "$kernel" "$work/zimage"
poke "$work/zimage" $(($(le $((0x211)) 1 "$kernel") & ~1)) $((0x211))
expect_refusal "zImage" "zimage: .*LOADED_HIGH" \
    "$out" -o "$out" --kernel "$work/zimage" --cmdline x

# Protocol 2.01: version (0x206) = 0x0201.
cp "$kernel" "$work/old-protocol"
poke "$work/old-protocol" 1 $((0x206))
poke "$work/old-protocol" 2 $((0x207))
expect_refusal "protocol 2.01" "old-protocol: kernel protocol 2.01 is too old" \
    "$out" -o "$out" --kernel "$work/old-protocol" --cmdline x

expect_refusal "missing kernel" "no-such-kernel: .*No such file" \
    "$out" -o "$out" --kernel "$work/no-such-kernel" --cmdline x

expect_refusal "missing initrd" "no-such-initrd: .*No such file" \
    "$out" -o "$out" --kernel "$kernel" --initrd "$work/initrd-a" \
    --initrd "$work/no-such-initrd" --cmdline x

mkdir -p "$work/initrd-dir"
expect_refusal "initrd is a directory" "initrd-dir: is a directory" \
    "$out" -o "$out" --kernel "$kernel" --initrd "$work/initrd-dir" \
    --cmdline x

: >"$work/initrd-empty"
expect_refusal "empty initrd" "initrd-empty: .*empty" \
    "$out" -o "$out" --kernel "$kernel" --initrd "$work/initrd-empty" \
    --cmdline x

# Blanks around the command line: /bzboot.cfg trims a value's outer blanks.
expect_refusal "cmdline with a leading blank" "--cmdline: starts or ends with a blank" \
    "$out" -o "$out" --kernel "$kernel" --cmdline " quiet"
expect_refusal "cmdline with a trailing blank" "--cmdline: starts or ends with a blank" \
    "$out" -o "$out" --kernel "$kernel" --cmdline "quiet "

# One initrd more than the config takes (CONFIG_MAX_INITRDS, config.h).
max_initrds=$(header_value config.h CONFIG_MAX_INITRDS) || exit 1
many=()
for _ in $(seq $((max_initrds + 1))); do
    many+=(--initrd "$work/initrd-b")
done
expect_refusal "too many initrds" "initrd: $((max_initrds + 1)) initrds.*$max_initrds" \
    "$out" -o "$out" --kernel "$kernel" "${many[@]}" --cmdline x

# Unreadable (mode 000): root reads it anyway, so as root the case runs
# mkdisk as nobody, in a directory nobody may write to.
cp "$work/initrd-b" "$work/initrd-000"
chmod 000 "$work/initrd-000"
if [ "$(id -u)" -ne 0 ]; then
    expect_refusal "unreadable initrd" "initrd-000: .*Permission denied" \
        "$out" -o "$out" --kernel "$kernel" --initrd "$work/initrd-000" \
        --cmdline x
elif ! command -v setpriv >/dev/null; then
    fail "unreadable initrd" "skipped because setpriv (util-linux) is missing, needed to drop root"
else
    nobody=$work/nobody
    mkdir -p "$nobody"
    chmod 777 "$nobody"
    chmod 755 "$work"
    chmod 644 "$kernel"
    saved_mkdisk=$MKDISK
    run_as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$MKDISK_ABS" "$@"
    }
    # expect_refusal runs "$MKDISK": point it at the wrapper.
    MKDISK=run_as_nobody
    if ! run_as_nobody --help >/dev/null 2>&1; then
        fail "unreadable initrd" "skipped because nobody cannot run" \
            "$MKDISK_ABS (a directory on its path is closed)"
    else
        expect_refusal "unreadable initrd" "initrd-000: .*Permission denied" \
            "$nobody/out.img" -o "$nobody/out.img" --kernel "$kernel" \
            --initrd "$work/initrd-000" --cmdline x
    fi
    MKDISK=$saved_mkdisk
fi
chmod 644 "$work/initrd-000"

cmdline_size=$(le $((0x238)) 4 "$kernel")
long=$(head -c $((cmdline_size + 1)) /dev/zero | tr '\0' a)
expect_refusal "cmdline longer than cmdline_size" \
    "vmlinuz: .*$((cmdline_size + 1)) bytes.*$cmdline_size.*cmdline_size" \
    "$out" -o "$out" --kernel "$kernel" --cmdline "$long"
exact=$(head -c "$cmdline_size" /dev/zero | tr '\0' a)
run_mkdisk -o "$work/exact.img" --kernel "$kernel" --cmdline "$exact"
if [ "$rc" -ne 0 ]; then
    fail "cmdline of exactly cmdline_size" "exit status $rc: $(err_line)"
else
    pass "cmdline of exactly cmdline_size"
fi

expect_refusal "cmdline with a newline" "cmdline: .*0x0a" \
    "$out" -o "$out" --kernel "$kernel" --cmdline "$(printf 'a\nb')"

# 70 MiB of initrd in a 64 MiB image: both numbers in the message.
truncate -s 70M "$work/initrd-70m"
expect_refusal "files larger than --size" \
    "refused.img: .*need [0-9.]+ MiB.*[0-9.]+ MiB.*--size 64" \
    "$out" -o "$out" --kernel "$kernel" --initrd "$work/initrd-70m" \
    --size 64 --cmdline x

mkdir -p "$work/outdir"
expect_refusal "OUT is a directory" "outdir: is a directory" \
    "$work/outdir" -o "$work/outdir" --kernel "$kernel" --cmdline x

expect_refusal "OUT is the kernel" "vmlinuz: is the kernel" \
    "$kernel" -o "$kernel" --kernel "$kernel" --cmdline x

expect_refusal "OUT is an initrd" "initrd-b: is the initrd" \
    "$work/initrd-b" -o "$work/initrd-b" --kernel "$kernel" \
    --initrd "$work/initrd-a" --initrd "$work/initrd-b" --cmdline x

ln -sf "$work/initrd-a" "$work/link-to-initrd"
expect_refusal "OUT is a link to an input" "link-to-initrd: is the initrd" \
    "$work/initrd-a" -o "$work/link-to-initrd" --kernel "$kernel" \
    --initrd "$work/initrd-a" --cmdline x

# An existing OUT stays as it was when the new image fails.
printf 'previous image\n' >"$out"
expect_refusal "existing OUT kept (bad kernel)" "not a Linux kernel" \
    "$out" -o "$out" --kernel "$work/random.bin" --cmdline x

# A failure after the temporary file exists: a failing mformat.
fakebin=$work/fakebin
mkdir -p "$fakebin"
cat >"$fakebin/mformat" <<'EOF'
#!/bin/sh
echo "mformat: simulated failure" >&2
echo "second line" >&2
exit 1
EOF
chmod +x "$fakebin/mformat"
saved_path=$PATH
PATH=$fakebin:$PATH
expect_refusal "existing OUT kept (mformat fails)" \
    "refused.img.tmp.*: mformat failed: mformat: simulated failure; second line" \
    "$out" -o "$out" --kernel "$kernel" --cmdline x
PATH=$saved_path

# A signal in the middle: mcopy hangs, mkdisk gets SIGTERM.
for tool in mformat mmd; do
    ln -sf "$(command -v "$tool")" "$fakebin/$tool"
done
cat >"$fakebin/mcopy" <<'EOF'
#!/bin/sh
exec sleep 30
EOF
chmod +x "$fakebin/mcopy"
before=$(sha256sum <"$out")
PATH=$fakebin:$PATH "$MKDISK" -o "$out" --kernel "$kernel" --cmdline x \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
    pgrep -x -P "$pid" sleep >/dev/null && break
    sleep 0.05
done
had_temp=$(leftover_temps "$out" | wc -l)
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$had_temp" -ne 1 ]; then
    fail "SIGTERM removes the temporary" "no temporary file while mcopy ran"
elif [ "$rc" -ne $((128 + 15)) ]; then
    fail "SIGTERM removes the temporary" "exit status $rc, not 143"
elif leftover_temps "$out" >/dev/null; then
    fail "SIGTERM removes the temporary" "left: $(leftover_temps "$out")"
elif [ "$before" != "$(sha256sum <"$out")" ]; then
    fail "SIGTERM removes the temporary" "$out changed"
else
    pass "SIGTERM removes the temporary"
fi

# --- --config and --bls. ---

# A hand-written config: checked by the loaders' parser, FILE:LINE.
printf 'timeout 3\nentry a\n kernal /boot/vmlinuz\n' >"$work/bad.cfg"
expect_refusal "--config with a bad line" "bad.cfg:3: unknown keyword" \
    "$out" -o "$out" --kernel "$kernel" --config "$work/bad.cfg"
printf 'entry a\n kernel /boot/vmlinuz\n initrd /boot/initrd-2.img\n' \
    >"$work/missing.cfg"
expect_refusal "--config naming a file not on the image" \
    "missing.cfg: entry a: initrd /boot/initrd-2.img is not a file" \
    "$out" -o "$out" --kernel "$kernel" --config "$work/missing.cfg"
printf 'timeout 5\nentry a\n kernel /boot/vmlinuz\n cmdline quiet\n' \
    >"$work/good.cfg"
run_mkdisk -o "$work/config.img" --kernel "$kernel" --config "$work/good.cfg"
if [ "$rc" -ne 0 ]; then
    fail "--config installs the file" "exit status $rc: $(err_line)"
elif ! mtype -i "$work/config.img@@1M" ::/bzboot.cfg |
    cmp -s - "$work/good.cfg"; then
    fail "--config installs the file" "/bzboot.cfg differs from good.cfg"
else
    pass "--config installs the file"
fi
expect_usage "--config and --cmdline" -o "$out" --kernel "$kernel" \
    --config "$work/good.cfg" --cmdline x
expect_usage "--config and --bls" -o "$out" --kernel "$kernel" \
    --config "$work/good.cfg" --bls

# --bls: the entry as a BLS file, bzboot.cfg with no entry.
run_mkdisk -o "$work/bls.img" --kernel "$kernel" --cmdline "a=1 b=2" --bls
bls_text=$(mtype -i "$work/bls.img@@1M" ::/loader/entries/bzboot-linux.conf \
    2>/dev/null)
if [ "$rc" -ne 0 ]; then
    fail "--bls" "exit status $rc: $(err_line)"
elif ! grep -qx 'linux /boot/vmlinuz' <<<"$bls_text" ||
    ! grep -qx 'options a=1 b=2' <<<"$bls_text"; then
    fail "--bls" "the entry file holds: $(tr '\n' '|' <<<"$bls_text")"
elif mtype -i "$work/bls.img@@1M" ::/bzboot.cfg | grep -q '^entry'; then
    fail "--bls" "/bzboot.cfg still has an entry"
else
    pass "--bls"
fi
expect_refusal "--bls with a \$ in the command line" "GRUB variable" \
    "$out" -o "$out" --kernel "$kernel" --cmdline 'a=$x' --bls

# --entry: several entries, their files numbered, the first the default.
head -c 3000 /dev/urandom >"$work/initrd-e.img"
run_mkdisk -o "$work/entries.img" --entry main --kernel "$kernel" \
    --initrd "$work/initrd-e.img" --cmdline "a=1" --entry rescue \
    --kernel "$kernel" --cmdline single --bls
entries=$(for f in bzboot-main.conf bzboot-rescue.conf; do
    mtype -i "$work/entries.img@@1M" "::/loader/entries/$f" 2>/dev/null
done | grep -E '^(linux|initrd|options|sort-key) ' | tr '\n' '|')
want='sort-key bzboot-1|linux /boot/vmlinuz|initrd /boot/initrd-1.img|'
want+='options a=1|sort-key bzboot-2|linux /boot/vmlinuz-2|options single|'
if [ "$rc" -ne 0 ]; then
    fail "--entry twice, --bls" "exit status $rc: $(err_line)"
elif [ "$entries" != "$want" ]; then
    fail "--entry twice, --bls" "the entries hold: $entries"
else
    pass "--entry twice, --bls"
fi
run_mkdisk -o "$work/entries.img" --entry main --kernel "$kernel" \
    --cmdline "a=1" --entry rescue --kernel "$kernel" --cmdline single
cfg=$(mtype -i "$work/entries.img@@1M" ::/bzboot.cfg | grep -v '^#' |
    tr '\n\t' '| ')
want='default main|timeout 5|trace off||entry main| kernel /boot/vmlinuz|'
want+=' cmdline a=1||entry rescue| kernel /boot/vmlinuz-2| cmdline single|'
if [ "$rc" -ne 0 ] || [ "$cfg" != "$want" ]; then
    fail "--entry twice" "exit status $rc, the config: $cfg"
else
    pass "--entry twice"
fi
expect_refusal "--entry with two words" "--entry: more than one word" \
    "$out" -o "$out" --entry "a b" --kernel "$kernel" --cmdline x
expect_refusal "--entry twice the same" "--entry: two entries with the same" \
    "$out" -o "$out" --entry a --kernel "$kernel" --cmdline x --entry a \
    --kernel "$kernel" --cmdline y
expect_usage "--entry without --cmdline" -o "$out" --entry a \
    --kernel "$kernel"
expect_usage "--kernel before --entry" -o "$out" --kernel "$kernel" \
    --cmdline x --entry b --kernel "$kernel" --cmdline y
expect_usage "--entry and --config" -o "$out" --entry a --kernel "$kernel" \
    --config "$work/good.cfg"

# --entry with --hashes: every entry's files pinned; --bls takes no hashes.
run_mkdisk -o "$work/entries-hashes.img" --entry main --kernel "$kernel" \
    --initrd "$work/initrd-e.img" --cmdline "a=1" --entry rescue \
    --kernel "$kernel" --cmdline single --hashes
cfg=$(mtype -i "$work/entries-hashes.img@@1M" ::/bzboot.cfg | grep -v '^#' |
    tr '\n\t' '| ')
kernel_hash=$(sha256_of "$kernel")
want="default main|timeout 5|trace off||entry main| kernel /boot/vmlinuz#$kernel_hash|"
want+=" initrd /boot/initrd-1.img#$(sha256_of "$work/initrd-e.img")|"
want+=" cmdline a=1||entry rescue| kernel /boot/vmlinuz-2#$kernel_hash|"
want+=' cmdline single|'
if [ "$rc" -ne 0 ] || [ "$cfg" != "$want" ]; then
    fail "--entry twice, --hashes" "exit status $rc, the config: $cfg"
else
    pass "--entry twice, --hashes"
fi
expect_usage "--bls and --hashes" -o "$out" --kernel "$kernel" \
    --cmdline x --bls --hashes
expect_usage "--bls and --enroll-config" -o "$out" --kernel "$kernel" \
    --cmdline x --bls --enroll-config
expect_usage "--config and --hashes" -o "$out" --kernel "$kernel" \
    --config "$work/good.cfg" --hashes
expect_refusal "--config with an unpinned path and --enroll-config" \
    "good.cfg: entry .*: /boot/vmlinuz has no SHA-256" \
    "$out" -o "$out" --kernel "$kernel" --config "$work/good.cfg" \
    --enroll-config

# --- The environment file: set-default and set-oneshot. ---

# env_check IMG: its /loader/bzboot.env as "SAVED|ONESHOT|CRC-OK", the
# CRC computed here (zlib's CRC32 with the field zeroed), not by mkdisk.
env_check() {
    mcopy -n -i "$1@@1M" ::/loader/bzboot.env - 2>/dev/null | python3 -c '
import sys, zlib
b = sys.stdin.buffer.read()
ok = len(b) == 512 and b[:8] == b"bzbenv01" and \
    int.from_bytes(b[8:12], "little") == zlib.crc32(b[:8] + bytes(4) + b[12:])
name = lambda f: f.split(b"\0")[0].decode()
print("%s|%s|%s" % (name(b[16:80]), name(b[80:144]), "crc-ok" if ok else "bad"))'
}

# The good image from the start: an empty, valid block.
got=$(env_check "$work/config.img")
if [ "$got" != "||crc-ok" ]; then
    fail "environment file: made empty" "it reads $got"
else
    pass "environment file: made empty"
fi

# set-oneshot, set-default: the fields, a good CRC, the rest untouched.
cp "$work/entries.img" "$work/env.img"
"$MKDISK" set-oneshot "$work/env.img" rescue >"$work/stdout" 2>"$work/stderr"
rc=$?
got=$(env_check "$work/env.img")
changed=$(cmp -l "$work/entries.img" "$work/env.img" | awk '{print $1}')
env_lba=$(( ($(head -n 1 <<<"$changed") - 1) / 512 ))
outside=$(awk -v lo=$((env_lba * 512 + 1)) -v hi=$((env_lba * 512 + 512)) \
    '$1 < lo || $1 > hi' <<<"$changed" | wc -l)
if [ "$rc" -ne 0 ] || [ "$(cat "$work/stdout")" != \
    "mkdisk: $work/env.img: one-shot entry rescue" ]; then
    fail "set-oneshot" "exit status $rc: $(err_line)"
elif [ "$got" != "|rescue|crc-ok" ]; then
    fail "set-oneshot" "the file reads $got"
elif [ -z "$changed" ] || [ "$outside" -ne 0 ]; then
    fail "set-oneshot" "$outside changed bytes outside one sector"
else
    pass "set-oneshot: the field, its CRC, one sector changed"
fi
run_mkdisk set-default "$work/env.img" main
got=$(env_check "$work/env.img")
if [ "$rc" -ne 0 ] || [ "$got" != "main|rescue|crc-ok" ]; then
    fail "set-default" "exit status $rc, the file reads $got"
else
    pass "set-default keeps the one-shot"
fi
run_mkdisk set-oneshot "$work/env.img" ""
got=$(env_check "$work/env.img")
if [ "$rc" -ne 0 ] || [ "$got" != "main||crc-ok" ]; then
    fail "set-oneshot \"\" empties it" "exit status $rc, the file reads $got"
else
    pass "set-oneshot \"\" empties it"
fi
# A BLS entry's name (file name without .conf).
cp "$work/bls.img" "$work/env-bls.img"
run_mkdisk set-default "$work/env-bls.img" bzboot-linux
got=$(env_check "$work/env-bls.img")
if [ "$rc" -ne 0 ] || [ "$got" != "bzboot-linux||crc-ok" ]; then
    fail "set-default names a BLS entry" "exit status $rc, $got"
else
    pass "set-default names a BLS entry"
fi
expect_refusal "set-oneshot: no such entry" \
    "env.img: no entry nope \(the image has: main, rescue\)$" \
    "$work/env.img" set-oneshot "$work/env.img" nope
expect_refusal "set-default: a 64-byte name" "entry name of 64 bytes" \
    "$work/env.img" set-default "$work/env.img" "$(printf '%064d' 0)"
expect_refusal "set-default: no image" "nothing.img: cannot open" \
    "$work/env.img" set-default "$work/nothing.img" main
head -c 2M /dev/zero >"$work/zeros.img"
expect_refusal "set-default: not an image" "no FAT file system at LBA 2048" \
    "$work/zeros.img" set-default "$work/zeros.img" main
# A damaged block is refused, not rewritten.
poke "$work/env.img" 0x41 $((env_lba * 512 + 0x100))
expect_refusal "set-oneshot: a damaged block" \
    "bzboot.env: CRC32 mismatch: the block is damaged" \
    "$work/env.img" set-oneshot "$work/env.img" main
# A qcow2 header (its magic is what mkdisk looks at).
printf 'QFI\373\000\000\000\003' >"$work/env.qcow2"
truncate -s 2M "$work/env.qcow2"
expect_refusal "set-oneshot: a qcow2 image" \
    "a qcow2 image: set-oneshot edits raw images only" \
    "$work/env.qcow2" set-oneshot "$work/env.qcow2" linux
expect_usage "set-default without ENTRY" set-default "$work/env.img"
expect_usage "--rootfs with --bls" -o "$out" --kernel "$kernel" --cmdline x \
    --bls --rootfs "$work"

# --- Usage. ---

run_mkdisk --help
if [ "$rc" -ne 0 ] || ! grep -q '^usage: mkdisk ' "$work/stdout" ||
    [ -s "$work/stderr" ]; then
    fail "--help" "exit status $rc, stdout: $(head -n 1 "$work/stdout")"
else
    pass "--help"
fi

expect_usage "no arguments"
expect_usage "unknown option" -o "$out" --kernel "$kernel" --cmdline x --bogus
expect_usage "no --cmdline" -o "$out" --kernel "$kernel"
expect_usage "no -o" --kernel "$kernel" --cmdline x
expect_usage "--size below 64" -o "$out" --kernel "$kernel" --cmdline x --size 63
expect_usage "--size not a number" -o "$out" --kernel "$kernel" --cmdline x --size 1e3
expect_usage "stray argument" -o "$out" --kernel "$kernel" --cmdline x extra
for id in 0 0x00000000 xyz 123456789 0x "" 12-34 " 1"; do
    expect_usage "--disk-id '$id'" -o "$out" --kernel "$kernel" --cmdline x \
        --disk-id "$id"
done
expect_usage "--disk-id given twice" -o "$out" --kernel "$kernel" \
    --cmdline x --disk-id 1 --disk-id 2

# SOURCE_DATE_EPOCH: a malformed value or one FAT cannot date is an error.
for epoch in abc 12x -1 "" 315532799 4354819199; do
    SOURCE_DATE_EPOCH=$epoch expect_refusal "SOURCE_DATE_EPOCH='$epoch'" \
        "^mkdisk: error: SOURCE_DATE_EPOCH=$epoch: " \
        "$out" -o "$out" --kernel "$kernel" --cmdline x
done

# --- --gpt and --format qcow2: their cases live beside this file. ---
. tests/mkdisk/gpt-cases.sh

# --- --rootfs: its cases live beside this file. ---
. tests/mkdisk/rootfs-cases.sh

# --- mkdisk inspect: its cases live beside this file. ---
. tests/mkdisk/inspect-cases.sh

# Nothing anywhere in the work directory looks like a temporary image.
left=$(find "$work" -name '*.tmp.*' -o -name '*.qcow2.*' -o \
    -name '*.rootfs.*' | head -n 3)
if [ -n "$left" ]; then
    fail "no temporaries anywhere" "$left"
else
    pass "no temporaries anywhere"
fi

finish
