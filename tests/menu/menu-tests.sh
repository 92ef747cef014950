#!/bin/bash
# SPDX-License-Identifier: MIT
#
# menu-tests.sh [--list] [PATTERN...] - the boot menu, its editor and BLS
# entries under QEMU (SeaBIOS and OVMF), keys sent over the serial line.
#
# Every case boots an image from build/mkdisk with the protocol probe
# kernel (tests/probe/), which prints the command line it got as a line
# `probe: cmdline=...` and ends QEMU through isa-debug-exit; the config and the
# BLS entries are put in with mtools. Each entry's command line holds its
# own random token, so the line tells which entry booted:
#   *-menu-down    two entries, timeout 30: once the countdown shows,
#                  ESC [ B (Down) and CR over serial boot the second.
#   *-editor       one entry: e, Left, Right, " bzedit=TOKEN", CR: the booted
#                  command line ends in the typed token.
#   *-bls-newest   no bzboot.cfg entry, three BLS entries, versions
#                  6.1.0-9, 6.1.0-10~rc1 and 6.1.0-10, timeout 0: the
#                  default is the newest, 6.1.0-10.
#   *-oneshot      two entries, timeout 0, `mkdisk set-oneshot IMG second`:
#                  the first boot takes second and clears the one-shot in
#                  /loader/bzboot.env; a second boot of the same disk takes
#                  the default, first.
# Every case prints `PASS: NAME` or `FAIL: NAME: why`; the run ends with
# `N passed, N failed`. Logs stay in build/tests/menu/logs/.
set -uo pipefail
LIB_PROG=menu-tests
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

dir=$BUILD/tests/menu
QEMU_LOG_DIR=$dir/logs
MKDISK=${MKDISK:-$BUILD/mkdisk}
PROBE=${PROBE:-$BUILD/tests/probe/probe-default.bzImage}
LIMIT_BIOS=${LIMIT_BIOS:-60}
LIMIT_UEFI=${LIMIT_UEFI:-180}
export MTOOLS_SKIP_CHECK=1
PART_OFFSET=$((2048 * 512))
# The probe's verdict through isa-debug-exit: (value << 1) | 1.
PROBE_EXIT_PASS=33
CMDLINE="console=ttyS0,115200"

parse_case_args "$@"
passed=0
failed=0

lib_need "$QEMU" qemu-system-x86
lib_need mcopy mtools
mkdir -p "$dir" "$QEMU_LOG_DIR"

# mput IMG PATH TEXT: TEXT as the file PATH in IMG's FAT partition.
mput() {
    printf '%s' "$3" >"$dir/mput.tmp"
    mcopy -o -i "$1@@$PART_OFFSET" "$dir/mput.tmp" "::$2"
}

# image NAME: a fresh image $dir/NAME.img with the probe and an initrd.
image() {
    local img=$dir/$1.img
    [ -x "$MKDISK" ] || { WHY="$MKDISK is missing (run make)"; return 1; }
    kernel_is_bzimage "$PROBE" ||
        { WHY="$PROBE is missing (run make)"; return 1; }
    head -c 4096 /dev/urandom >"$dir/initrd.img"
    rm -f "$img"
    "$MKDISK" -o "$img" --kernel "$PROBE" --initrd "$dir/initrd.img" \
        --cmdline "$CMDLINE" >"$dir/$1.mkdisk.txt" 2>&1 ||
        { WHY=$(tail -n 1 "$dir/$1.mkdisk.txt"); return 1; }
    IMG=$img
}

# boot_keys NAME FW WAIT-FOR KEYS: boot IMG under FW (bios or uefi, as
# qemu_cmd takes it); once the serial log has a line holding WAIT-FOR
# (nothing to wait for when empty), send KEYS (a printf format) over the
# serial line; then wait for QEMU to end. LOG is the log, with CRs and
# escape sequences taken out.
boot_keys() {
    local name=$1 fw=$2 wait_for=$3 keys=$4 fifo=$dir/fifo-$1 limit pid cat
    local sent=0 start=$SECONDS
    RAW=$QEMU_LOG_DIR/$name.raw
    LOG=$QEMU_LOG_DIR/$name.log
    limit=$LIMIT_BIOS
    [ "$fw" = bios ] || limit=$LIMIT_UEFI
    qemu_cmd "$name" --fw "$fw" --mem 256 --disk "$IMG" --limit "$limit" \
        --serial "pipe:$fifo" -- \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 ||
        { WHY=$QEMU_ERROR; return 1; }
    rm -f "$fifo.in" "$fifo.out"
    mkfifo "$fifo.in" "$fifo.out" || { WHY="mkfifo failed"; return 1; }
    exec {in}<>"$fifo.in"
    cat 0<>"$fifo.out" >"$RAW" &
    cat=$!
    nice "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$name.stderr" 2>&1 </dev/null &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$sent" = 0 ] && [ -n "$wait_for" ] &&
            grep -aqF -- "$wait_for" "$RAW"; then
            # Let the menu finish drawing: keys are read between draws.
            sleep 1
            # shellcheck disable=SC2059 # KEYS is a format on purpose
            printf "$keys" >&"$in"
            sent=1
        fi
        sleep 0.2
    done
    wait "$pid"
    STATUS=$?
    sleep 0.1
    kill "$cat" 2>/dev/null
    wait "$cat" 2>/dev/null
    exec {in}>&-
    rm -f "$fifo.in" "$fifo.out"
    # The menu's cursor moves and clears as line breaks; other escapes out.
    sed -e 's/\x1b\[[0-9;]*[HJf]/\n/g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
        -e 's/\r//g' "$RAW" >"$LOG"
    if [ -n "$wait_for" ] && [ "$sent" = 0 ]; then
        WHY="no \"$wait_for\" on serial in $((SECONDS - start)) s"
        return 1
    fi
    if [ "$STATUS" != "$PROBE_EXIT_PASS" ]; then
        WHY="QEMU ended with status $STATUS, not the probe's pass ($LOG)"
        return 1
    fi
}

# want LINE: the log has LINE, whole.
want() {
    grep -aqFx -- "$1" "$LOG" || { WHY="no line \"$1\" in $LOG"; return 1; }
}

# ---- the cases -----------------------------------------------------------

# The cases: NAME FW, true when they passed (WHY says why not).
case_menu_down() {
    local fw=$2 t1 t2
    t1=$(token_new)
    t2=$(token_new)
    image "$1" || return 1
    mput "$IMG" /bzboot.cfg "timeout 30
entry first
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzmenu=$t1
entry second
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzmenu=$t2
" || { WHY="mcopy failed"; return 1; }
    boot_keys "$1" "$fw" 'Booting "first" in' '\033[B\r' || return 1
    want "probe: cmdline=$CMDLINE bzmenu=$t2" &&
        want 'bzboot: booting entry "second"'
}

case_editor() {
    local fw=$2 t
    t=$(token_new)
    image "$1" || return 1
    mput "$IMG" /bzboot.cfg "timeout 30
entry only
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE
" || { WHY="mcopy failed"; return 1; }
    # e, Left and Right (CSI: OVMF's own serial decoder, which UEFI
    # input goes through, knows no SS3 End), a word; Enter boots it.
    boot_keys "$1" "$fw" 'Booting "only" in' \
        "e\\033[D\\033[C bzedit=$t\\r" ||
        return 1
    want "probe: cmdline=$CMDLINE bzedit=$t"
}

case_bls_newest() {
    local fw=$2 v token want_token
    image "$1" || return 1
    mput "$IMG" /bzboot.cfg "# mkdisk's globals only; the entries are BLS
timeout 0
" || { WHY="mcopy failed"; return 1; }
    mmd -i "$IMG@@$PART_OFFSET" ::/loader/entries ||
        { WHY="mmd failed"; return 1; }
    for v in 6.1.0-9 6.1.0-10~rc1 6.1.0-10; do
        token=$(token_new)
        [ "$v" != 6.1.0-10 ] || want_token=$token
        mput "$IMG" "/loader/entries/bzboot-$v.conf" "title Probe $v
version $v
sort-key bzboot
linux /boot/vmlinuz
initrd /boot/initrd-1.img
options $CMDLINE bzbls=$token
" || { WHY="mcopy failed"; return 1; }
    done
    boot_keys "$1" "$fw" "" "" || return 1
    want "probe: cmdline=$CMDLINE bzbls=$want_token" &&
        want 'bzboot: booting entry "bzboot-6.1.0-10"'
}

# The one-shot field of the image's environment file: its first byte, as
# od prints it (0 once a loader has cleared it).
oneshot_byte() {
    mcopy -n -i "$IMG@@$PART_OFFSET" ::/loader/bzboot.env - 2>/dev/null |
        od -A n -t u1 -j $((0x50)) -N 1 | tr -d ' '
}

case_oneshot() {
    local fw=$2 t1 t2 byte
    t1=$(token_new)
    t2=$(token_new)
    image "$1" || return 1
    mput "$IMG" /bzboot.cfg "timeout 0
default first
entry first
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzonce=$t1
entry second
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzonce=$t2
" || { WHY="mcopy failed"; return 1; }
    "$MKDISK" set-oneshot "$IMG" second >"$dir/$1.set.txt" 2>&1 ||
        { WHY="set-oneshot: $(tail -n 1 "$dir/$1.set.txt")"; return 1; }
    byte=$(oneshot_byte)
    [ "$byte" = "$(printf '%d' "'s")" ] ||
        { WHY="set-oneshot wrote no one-shot (byte 0x50 is $byte)"; return 1; }
    # First boot: the one-shot, cleared on the disk.
    boot_keys "$1" "$fw" "" "" || return 1
    want "probe: cmdline=$CMDLINE bzonce=$t2" || return 1
    byte=$(oneshot_byte)
    [ "$byte" = 0 ] ||
        { WHY="the loader left the one-shot (byte 0x50 is $byte)"; return 1; }
    # Second boot, the same disk: the default again.
    boot_keys "$1-again" "$fw" "" "" || return 1
    want "probe: cmdline=$CMDLINE bzonce=$t1"
}

# check NAME CASE FW: one case, its PASS or FAIL line.
check() {
    WHY=
    if "$2" "$1" "$3"; then
        echo "PASS: $1"
        return 0
    fi
    echo "FAIL: $1: $WHY"
    return 1
}

for fw in bios uefi; do
    run "$fw-menu-down" check case_menu_down "$fw"
    run "$fw-editor" check case_editor "$fw"
    run "$fw-bls-newest" check case_bls_newest "$fw"
    run "$fw-oneshot" check case_oneshot "$fw"
done
[ "$list_only" -eq 1 ] && exit 0
finish
