#!/bin/bash
# SPDX-License-Identifier: MIT
#
# rootfs-tests.sh [--list] [CASE-PATTERN...]: persistent root partitions
# (mkdisk --rootfs) booted under QEMU. Runs on the build machine, one QEMU
# at a time, under TCG, headless, with -no-reboot and under a timeout.
#
# Each run builds a root directory (the static busybox and
# tests/rootfs/root-init as /sbin/init), the rootfs initramfs
# (mkinitramfs.sh --mode rootfs: Debian's disk and ext4 modules from the
# kernel's own package) and two images from them with Debian's amd64
# kernel, one GPT and one MBR:
#   *-write  the first boot: the initramfs mounts root=PARTUUID=... (the
#            value sfdisk reads from the image: the root partition's GUID
#            on GPT, SIGNATURE-02 on MBR) and switch_roots; /sbin/init
#            writes a random token to /bztoken, syncs and powers off. The
#            token must then be in the image's ext4, as debugfs reads it.
#   *-read   the second boot of the same image, under the other firmware:
#            it must print the token the first one wrote.
# GPT: written under SeaBIOS on IDE (-M pc, ata_piix), read under OVMF on
# q35 (AHCI). MBR: written under SeaBIOS on virtio (its PARTUUID form and
# virtio_blk; a second boot would cost as much again and prove nothing
# the GPT pair does not). expect-rejects-wrong-token checks that the read
# log fails against another token. About 1.5 minutes on 2 cores.
#
# Prints `PASS: name` or `FAIL: name: why` per case and ends with
# `N passed, N failed`. Logs in build/tests/qemu/logs/rootfs-*.log.
# Environment: BUILD, QEMU, MKDISK, BIOS_TIMEOUT (default 60 s),
# UEFI_TIMEOUT (120 s).

set -uo pipefail
LIB_PROG=rootfs-tests
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

here=tests/rootfs
dir=$BUILD/tests/rootfs
MKDISK=${MKDISK:-$BUILD/mkdisk}
BIOS_TIMEOUT=${BIOS_TIMEOUT:-60}
UEFI_TIMEOUT=${UEFI_TIMEOUT:-120}
CMDLINE="panic=-1 console=ttyS0,115200"

parse_case_args "$@"
passed=0
failed=0

# ---- inputs, made once per run; a failure fails the cases needing them --

# make_inputs: $kernel, $initrd, $rootdir, and the images $dir/gpt.img
# and $dir/mbr.img; on failure, $why says what went wrong.
why=
make_inputs() {
    local t flags
    mkdir -p "$dir" "$QEMU_LOG_DIR"
    lib_need "$QEMU" qemu-system-x86
    [ -x "$MKDISK" ] || { why="$MKDISK is missing"; return 1; }
    kernel=$(bash tests/qemu/fetch-kernel.sh amd64 2>"$dir/fetch.err" |
        tail -n 1)
    [ -f "$kernel" ] || { why="no kernel: $(tail -n 1 "$dir/fetch.err")"; return 1; }
    initrd=$dir/initrd-rootfs-amd64.img
    if ! bash tests/qemu/mkinitramfs.sh --arch amd64 --mode rootfs \
        --out "$initrd" >"$dir/initrd.log" 2>&1; then
        why="mkinitramfs.sh --mode rootfs: $(tail -n 1 "$dir/initrd.log")"
        return 1
    fi
    # A fresh root directory: no /bztoken yet.
    rootdir=$dir/root
    rm -rf "$rootdir"
    mkdir -p "$rootdir"/{bin,sbin,dev,proc,sys} &&
        cp /bin/busybox "$rootdir/bin/busybox" &&
        cp "$here/root-init" "$rootdir/sbin/init" &&
        chmod 0755 "$rootdir/sbin/init" ||
        { why="cannot make $rootdir"; return 1; }
    for t in gpt mbr; do
        flags=()
        [ "$t" = mbr ] || flags=(--gpt)
        rm -f "$dir/$t.img"
        if ! "$MKDISK" -o "$dir/$t.img" --kernel "$kernel" \
            --initrd "$initrd" --cmdline "$CMDLINE" --rootfs "$rootdir" \
            "${flags[@]}" >"$dir/mkdisk-$t.log" 2>&1; then
            why="mkdisk --rootfs ($t): $(tail -n 1 "$dir/mkdisk-$t.log")"
            return 1
        fi
    done
}

# partuuid IMG: the root partition's PARTUUID as the kernel writes it,
# from sfdisk: the GUID of partition 3 on GPT, SIGNATURE-02 on MBR.
partuuid() {
    local dump
    dump=$(sfdisk --dump "$1" 2>/dev/null)
    if grep -q '^label: gpt$' <<<"$dump"; then
        grep "^$1""3 :" <<<"$dump" | sed -n 's/.*uuid=\([0-9A-F-]*\),.*/\1/p' |
            tr A-F a-f
    else
        printf '%s-02\n' "$(sed -n 's/^label-id: 0x//p' <<<"$dump")"
    fi
}

# root_offset IMG: the root partition's byte offset (its last partition).
root_offset() {
    sfdisk --dump "$1" 2>/dev/null | grep "^$1[0-9] :" | tail -n 1 |
        sed -n 's/.*start= *\([0-9]*\),.*/\1/p' | awk '{ print $1 * 512 }'
}

declare -A TOKEN

# boot NAME IMG-KEY FW MACHINE BUS DEVICE EXPECT: boot $dir/KEY.img and
# check the log; the write cases then take the token from the log and
# read it from the image with debugfs.
boot() {
    local name=$1 key=$2 fw=$3 machine=$4 bus=$5 device=$6 expect=$7
    local img=$dir/$2.img limit=$BIOS_TIMEOUT efi=no log token got out
    if [ -n "$why" ]; then
        echo "FAIL: $name: skipped because the inputs could not be made: $why"
        return 1
    fi
    [ "$fw" = bios ] || { limit=$UEFI_TIMEOUT; efi=yes; }
    if [ "$expect" = read ] && [ -z "${TOKEN[$key]:-}" ]; then
        echo "FAIL: $name: skipped because the $key write boot did not pass"
        return 1
    fi
    EXPECT_VARS=(PARTUUID="$(partuuid "$img")" DEVICE="$device" EFI="$efi"
        TOKEN="${TOKEN[$key]:-}")
    if [ "$expect" = read ]; then
        boot_case "$name" "$here/rootfs-read.expect" --fw "$fw" \
            --machine "$machine" --bus "$bus" --disk "$img" --limit "$limit"
        return
    fi
    # The write case's PASS line waits for the token's checks.
    out=$(boot_case "$name" "$here/rootfs-write.expect" --fw "$fw" \
        --machine "$machine" --bus "$bus" --disk "$img" --limit "$limit")
    if [[ $out != PASS:* ]]; then
        echo "$out"
        return 1
    fi
    log=$QEMU_LOG_DIR/$name.log
    token=$(tr -d '\r' <"$log" | sed -n 's/^BZTEST rootfs-wrote=//p' | head -n 1)
    if ! [[ $token =~ ^[0-9a-f]{32}$ ]]; then
        echo "FAIL: $name: no token of 32 hex digits in $log: '$token'"
        return 1
    fi
    got=$(debugfs -R "cat /bztoken" "$img?offset=$(root_offset "$img")" \
        2>/dev/null)
    if [ "$got" != "$token" ]; then
        echo "FAIL: $name: debugfs reads '$got' from the image's" \
            "/bztoken, the guest wrote $token"
        return 1
    fi
    TOKEN[$key]=$token
    echo "$out; debugfs reads its token $token from the image"
}

# expect_negative NAME: the read check must fail with another token.
expect_negative() {
    local log=$QEMU_LOG_DIR/rootfs-gpt-uefi-q35-read.log img=$dir/gpt.img
    if [ -z "${TOKEN[gpt]:-}" ] || [ ! -s "$log" ]; then
        echo "FAIL: $1: skipped because the GPT boots did not run"
        return 1
    fi
    if expect_check "$log" "$here/rootfs-read.expect" TOKEN="$(token_new)" \
        PARTUUID="$(partuuid "$img")" DEVICE=/dev/sda3 EFI=yes; then
        echo "FAIL: $1: the read log passed with another token"
        return 1
    fi
    echo "PASS: $1"
}

if [ "$list_only" -eq 0 ]; then
    make_inputs || echo "rootfs-tests: cannot make the inputs: $why" >&2
    lib_need debugfs e2fsprogs
    lib_need sfdisk fdisk
fi
run rootfs-gpt-bios-ide-write boot gpt bios pc ide /dev/sda3 write
run rootfs-gpt-uefi-q35-read boot gpt uefi q35 ide /dev/sda3 read
run rootfs-mbr-bios-virtio-write boot mbr bios pc virtio /dev/vda2 write
run expect-rejects-wrong-token expect_negative

[ "$list_only" -eq 0 ] || exit 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
