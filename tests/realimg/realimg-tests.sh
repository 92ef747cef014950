#!/bin/bash
# SPDX-License-Identifier: MIT
#
# realimg-tests.sh [--list] [CASE-PATTERN...]: real images that use the
# Linux boot protocol and that no one here wrote, from Debian packages,
# booted from a build/mkdisk image on the firmware each is meant for:
#
# inspect-*         `mkdisk inspect --json` calls each image bootable.
# bios-memtest-x64  memtest86+x64.bin (memtest86+) under SeaBIOS,
# uefi-memtest-x64  memtest86+x64.efi under OVMF (64-bit entry), both with
#                   console=ttyS0,115200: memtest's own screen on serial,
#                   its banner, its x64 build and its first test running.
#                   Memtest never ends: QEMU is stopped once all is seen.
# bios-ipxe         ipxe.lkrn (ipxe) under SeaBIOS: iPXE runs its command
#                   line as a script, `echo` of a random token and of its
#                   own ${platform} ${buildarch} ${version} settings.
# bios-memdisk      SYSLINUX's memdisk (syslinux-common) under SeaBIOS,
#                   given as initrd a second mkdisk image (ipxe.lkrn, a
#                   second token): memdisk's banner and command line, then
#                   the booted image's stage2 and iPXE from the RAM disk.
# expect-rejects-*  the checker must fail the iPXE and memtest logs against
#                   a wrong token and a wrong memtest build.
#
# iPXE and memdisk print through INT 10h only: SeaBIOS's serial console
# (fw_cfg etc/sercon-port = 0x3f8) copies that to COM1. Memtest draws its
# screen on serial with cursor moves, so a log is checked as text runs:
# split at every escape sequence and line end, blanks trimmed (serial_text
# below); an expect line must equal one run. The packages are fetched
# like the kernels (tests/qemu/lib.sh deb_fetch, `apt-get download` once
# into build/cache), and only the image is taken out of each.
#
# Each case prints one `PASS: name` or `FAIL: name: why` line, and the run
# ends with `N passed, N failed` (exit 1 when anything failed). Logs stay
# in build/tests/realimg/logs/. Environment: BUILD, QEMU, MKDISK,
# REALIMG_TIMEOUT (default 90 s per boot).

set -uo pipefail
LIB_PROG=realimg-tests
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

here=tests/realimg
dir=$BUILD/tests/realimg
QEMU_LOG_DIR=$dir/logs
MKDISK=${MKDISK:-$BUILD/mkdisk}
LIMIT=${REALIMG_TIMEOUT:-90}

parse_case_args "$@"
[ "$list_only" -eq 1 ] || lib_need "$QEMU" qemu-system-x86
mkdir -p "$dir/images" "$QEMU_LOG_DIR"
passed=0
failed=0

# ---- the images -------------------------------------------------------

# image_fetch PACKAGE[:ARCH] MEMBER: print the path of MEMBER (./path in
# the package) taken out of PACKAGE into $dir/images, once per package
# version; PATH.pkg names the .deb it came from.
image_fetch() {
    local deb out member=$2
    deb=$(deb_fetch "$1") || return 1
    out=$dir/images/$(basename "$member")
    if [ -s "$out" ] &&
        [ "$(cat "$out.pkg" 2>/dev/null)" = "$(basename "$deb")" ]; then
        echo "$out"
        return 0
    fi
    if ! dpkg-deb --fsys-tarfile "$deb" |
        tar -xOf - "$member" >"$out.tmp"; then
        echo "$LIB_PROG: error: $deb: no $member in it" >&2
        rm -f "$out.tmp"
        return 1
    fi
    mv "$out.tmp" "$out" && basename "$deb" >"$out.pkg" || return 1
    echo "$out"
}

# IMAGE[key] is an image's path; WHY_NOT[key] why it could not be had.
declare -A IMAGE WHY_NOT
image() {
    local key=$1 err=$QEMU_LOG_DIR/fetch-$1.err
    shift
    [ "$list_only" -eq 0 ] || return 0
    if IMAGE[$key]=$(image_fetch "$@" 2>"$err"); then
        return 0
    fi
    unset 'IMAGE[$key]'
    WHY_NOT[$key]=$(grep -v '^ *$' "$err" | tail -n 1)
    [ -n "${WHY_NOT[$key]}" ] || WHY_NOT[$key]="cannot fetch $1 $2"
}

lib_need dpkg-deb dpkg
image memtest-x64-bin memtest86+ ./boot/memtest86+x64.bin
image memtest-x64-efi memtest86+ ./boot/memtest86+x64.efi
image ipxe ipxe:all ./boot/ipxe.lkrn
image memdisk syslinux-common:all ./usr/lib/syslinux/memdisk

# need NAME KEY...: fail NAME when an image is missing.
need() {
    local name=$1 key
    shift
    for key in "$@"; do
        if [ -z "${IMAGE[$key]+set}" ]; then
            echo "FAIL: $name: ${WHY_NOT[$key]:-no image $key}"
            return 1
        fi
    done
    [ -x "$MKDISK" ] ||
        { echo "FAIL: $name: $MKDISK missing (make)"; return 1; }
}

# ---- the checker --------------------------------------------------------

# serial_text LOG: the log as text runs, one a line: split at every
# escape sequence (CSI, and ESC c, a reset) and at CR and LF, blanks at
# both ends trimmed, empty runs dropped.
serial_text() {
    sed 's/\x1b\[[0-9;?=]*[@-~]/\n/g; s/\x1bc/\n/g; s/\r/\n/g' "$1" |
        sed 's/^[[:blank:]]*//; s/[[:blank:]]*$//' | grep -av '^$'
}

# realimg_boot NAME EXPECT END [OPTION VALUE]... [-- QEMU-ARG...]: boot
# the machine qemu_cmd's options say for at most $LIMIT s and check the log's text runs against EXPECT with
# the NAME=VALUE pairs of EXPECT_VARS. END is `exit` (QEMU must then end
# by itself, status 0: the image returned to the BIOS, which reboots) or
# `stop` (the image never ends: QEMU is stopped as soon as every line is
# there). MEM is the RAM in MiB (default 512). One PASS: or FAIL: line.
realimg_boot() {
    local name=$1 expect=$here/$2 end=$3 log text pid status
    local found=0 start why
    shift 3
    log=$QEMU_LOG_DIR/$name.log
    text=$QEMU_LOG_DIR/$name.txt
    if ! qemu_cmd "$name" --limit "$LIMIT" --mem "${MEM:-512}" "$@"; then
        echo "FAIL: $name: $QEMU_ERROR"
        return 1
    fi
    rm -f "$log" "$text"
    start=$SECONDS
    "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$name.stderr" 2>&1 </dev/null &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if [ "$end" != stop ] || [ ! -s "$log" ]; then
            continue
        fi
        serial_text "$log" >"$text"
        if expect_check "$text" "$expect" "${EXPECT_VARS[@]}"; then
            found=1
            # timeout passes the TERM on to QEMU.
            kill -TERM "$pid" 2>/dev/null
            break
        fi
    done
    wait "$pid"
    status=$?
    [ -s "$log" ] && serial_text "$log" >"$text"
    if [ "$found" -eq 1 ]; then
        echo "PASS: $name ($((SECONDS - start)) s, stopped once all was seen)"
        return 0
    fi
    case $status in
    0) why= ;;
    124 | 137) why="QEMU did not end within $LIMIT s" ;;
    *)
        why="QEMU exited with status $status: $(grep -v '^ *$' \
            "$QEMU_LOG_DIR/$name.stderr" | grep -v 'fw_cfg item names' |
            tail -n 1)"
        ;;
    esac
    if [ ! -s "$log" ]; then
        echo "FAIL: $name: no serial output${why:+; $why} (log $log)"
        return 1
    fi
    if ! expect_check "$text" "$expect" "${EXPECT_VARS[@]}"; then
        why="missing $EXPECT_MISSING${why:+; $why}$(log_last_line "$text")"
        echo "FAIL: $name: $why (log $log)"
        return 1
    fi
    if [ "$end" = stop ] || [ -n "$why" ]; then
        echo "FAIL: $name: ${why:-QEMU ended before the check} (log $log)"
        return 1
    fi
    echo "PASS: $name ($((SECONDS - start)) s)"
}

# SeaBIOS's serial console: the port as a little-endian integer.
SERCON=$dir/sercon-port.bin
printf '\xf8\x03' >"$SERCON"
sercon=(-fw_cfg "name=etc/sercon-port,file=$SERCON")
# After "No bootable device", reboot at once: -no-reboot then ends QEMU.
bios_end=(-boot reboot-timeout=0)

# ---- the cases --------------------------------------------------------

# inspect_case NAME KEY: `mkdisk inspect --json` must call the image
# bootable, its header checks passed (it exits 1 on a file it refuses).
inspect_case() {
    local name=$1 key=$2 out why
    need "$name" "$key" || return 1
    out=$QEMU_LOG_DIR/$name.json
    "$MKDISK" inspect --json "${IMAGE[$key]}" >"$out" 2>"$out.err"
    if ! why=$(python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit("no JSON from mkdisk inspect: %s" % e)
if d.get("bootable") is not True or d.get("check") != "ok":
    sys.exit(d.get("summary") or "not bootable")' "$out" 2>&1); then
        echo "FAIL: $name: ${why:-$(tail -n 1 "$out.err")}"
        return 1
    fi
    echo "PASS: $name"
}

# memtest NAME KEY FIRMWARE: the memtest image with a serial console.
memtest() {
    local name=$1 key=$2 fw=$3 img=$dir/$1.img
    need "$name" "$key" || return 1
    "$MKDISK" -o "$img" --kernel "${IMAGE[$key]}" \
        --cmdline "console=ttyS0,115200" >/dev/null ||
        { echo "FAIL: $name: mkdisk refused ${IMAGE[$key]}"; return 1; }
    EXPECT_VARS=(BUILD=x64)
    # Memtest takes about 8 s per 100 MiB under TCG before it draws its
    # screen: 128 MiB keeps the case short.
    MEM=128 realimg_boot "$name" memtest.expect stop --fw "$fw" \
        --disk "$img"
}

IPXE_TOKEN=$(token_new)
ipxe() {
    local name=$1 img=$dir/$1.img
    need "$name" ipxe || return 1
    # shellcheck disable=SC2016 # ${...} are iPXE's settings
    "$MKDISK" -o "$img" --kernel "${IMAGE[ipxe]}" --cmdline \
        "echo bzboot-realimg $IPXE_TOKEN \${platform} \${buildarch} \${version}" \
        >/dev/null ||
        { echo "FAIL: $name: mkdisk refused ${IMAGE[ipxe]}"; return 1; }
    EXPECT_VARS=(TOKEN="$IPXE_TOKEN")
    realimg_boot "$name" ipxe.expect exit --disk "$img" -- "${sercon[@]}" \
        "${bios_end[@]}"
}

MEMDISK_TOKEN=$(token_new)
INNER_TOKEN=$(token_new)
memdisk() {
    local name=$1 inner=$dir/$1-inner.img img=$dir/$1.img
    need "$name" memdisk ipxe || return 1
    # shellcheck disable=SC2016 # ${...} are iPXE's settings
    "$MKDISK" -o "$inner" --size 64 --kernel "${IMAGE[ipxe]}" \
        --cmdline "echo memdisk-inner $INNER_TOKEN \${platform}" >/dev/null ||
        { echo "FAIL: $name: mkdisk refused ${IMAGE[ipxe]}"; return 1; }
    "$MKDISK" -o "$img" --kernel "${IMAGE[memdisk]}" --initrd "$inner" \
        --cmdline "harddisk bzboot.token=$MEMDISK_TOKEN" >/dev/null ||
        { echo "FAIL: $name: mkdisk refused ${IMAGE[memdisk]}"; return 1; }
    EXPECT_VARS=(TOKEN="$MEMDISK_TOKEN" INNER="$INNER_TOKEN")
    realimg_boot "$name" memdisk.expect exit --disk "$img" -- \
        "${sercon[@]}" "${bios_end[@]}"
}

# expect_negative NAME LOG EXPECT NAME=VALUE...: the text of LOG (a case
# that ran above) must fail against EXPECT with these values.
expect_negative() {
    local name=$1 log=$QEMU_LOG_DIR/$2.txt expect=$here/$3
    shift 3
    if [ ! -s "$log" ]; then
        echo "FAIL: $name: no log $log (its case did not run)"
        return 1
    fi
    if expect_check "$log" "$expect" "$@"; then
        echo "FAIL: $name: $log passed against $expect with $*"
        return 1
    fi
    echo "PASS: $name"
}

run inspect-memtest-x64-bin inspect_case memtest-x64-bin
run inspect-memtest-x64-efi inspect_case memtest-x64-efi
run inspect-ipxe inspect_case ipxe
run inspect-memdisk inspect_case memdisk
run bios-ipxe ipxe
run bios-memdisk memdisk
run bios-memtest-x64 memtest memtest-x64-bin bios
run uefi-memtest-x64 memtest memtest-x64-efi uefi
run expect-rejects-wrong-token expect_negative bios-ipxe ipxe.expect \
    TOKEN=0000000000000000
run expect-rejects-wrong-build expect_negative bios-memtest-x64 \
    memtest.expect BUILD=ia32

[ "$list_only" -eq 0 ] || exit 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
