#!/bin/bash
# SPDX-License-Identifier: MIT
#
# menu-tests.sh [--list] [PATTERN...] - the boot menu, its editor and BLS
# entries under QEMU (SeaBIOS and OVMF), keys by serial or QEMU's sendkey.
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
#   *-vga          the same keys from the keyboard, not the serial line: QEMU's
#                  monitor (QMP on a unix socket, tests/menu/vga.py) sends
#                  them with sendkey; two entries, timeout menu-force (no
#                  countdown, so the screen holds still between keys).
#                  Down, then e, Left, Right, " bzkey=TOKEN", Enter: the
#                  second entry boots with the typed token. The screen is
#                  checked after each step: under SeaBIOS the text mode's
#                  characters, read at 0xb8000 with pmemsave, line by line
#                  (the title, the arrow on 1 then on 2, the editor's line
#                  with the token); under OVMF, whose text console is
#                  drawn on a GOP framebuffer, screendumps: Down changes
#                  only a box of at most 3 columns by 2 rows (the arrow
#                  moving down one row), e then changes the screen below
#                  it (the editor's line). screendumps are kept in the logs.
#   *-bls-newest   no bzboot.cfg entry, three BLS entries, versions
#                  6.1.0-9, 6.1.0-10~rc1 and 6.1.0-10, timeout 0: the
#                  default is the newest, 6.1.0-10.
#   *-oneshot      two entries, timeout 0, `mkdisk set-oneshot IMG second`:
#                  the first boot takes second and clears the one-shot in
#                  /loader/bzboot.env; a second boot of the same disk takes
#                  the default, first.
#   uefi-bli-efivarfs  the Boot Loader Interface: Debian's kernel with an
#                  efivars initramfs (mkinitramfs.sh --mode efivars) on a
#                  GPT image, q35 with a private OVMF variable store, three
#                  boots:
#                  1. the default, first: the guest prints the variables
#                     from efivarfs: LoaderDevicePartUUID is the ESP's GUID
#                     (sfdisk), LoaderEntries "first second",
#                     LoaderEntrySelected first, LoaderTimeExecUSec >
#                     LoaderTimeInitUSec > 0; then it writes
#                     LoaderEntryOneShot=second;
#                  2. second boots (its token), the one-shot is gone;
#                  3. first again.
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
lib_need python3 python3
mkdir -p "$dir" "$QEMU_LOG_DIR"

# mput IMG PATH TEXT: TEXT as the file PATH in IMG's FAT partition.
mput() {
    printf '%s' "$3" >"$dir/mput.tmp"
    mcopy -o -i "$1@@$PART_OFFSET" "$dir/mput.tmp" "::$2"
}

# image NAME: a fresh image $dir/NAME.img with the probe and an initrd.
image() {
    local img=$dir/$1.img name=$1
    shift
    [ -x "$MKDISK" ] || { WHY="$MKDISK is missing (run make)"; return 1; }
    kernel_is_bzimage "$PROBE" ||
        { WHY="$PROBE is missing (run make)"; return 1; }
    head -c 4096 /dev/urandom >"$dir/initrd.img"
    rm -f "$img"
    "$MKDISK" -o "$img" --kernel "$PROBE" --initrd "$dir/initrd.img" \
        --cmdline "$CMDLINE" "$@" >"$dir/$name.mkdisk.txt" 2>&1 ||
        { WHY=$(tail -n 1 "$dir/$name.mkdisk.txt"); return 1; }
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
            grep -aqF -- "$wait_for" "$RAW" 2>/dev/null; then
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
    clean_log "$RAW" "$LOG"
    if [ -n "$wait_for" ] && [ "$sent" = 0 ]; then
        WHY="no \"$wait_for\" on serial in $((SECONDS - start)) s"
        return 1
    fi
    if [ "$STATUS" != "$PROBE_EXIT_PASS" ]; then
        WHY="QEMU ended with status $STATUS, not the probe's pass ($LOG)"
        return 1
    fi
}

# clean_log RAW LOG: the serial log RAW as lines in LOG: the menu's cursor
# moves and clears as line breaks, other escapes and CRs out.
clean_log() {
    sed -e 's/\x1b\[[0-9;]*[HJf]/\n/g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
        -e 's/\r//g' "$1" >"$2"
}

# want LINE: the log has LINE, whole.
want() {
    grep -aqFx -- "$1" "$LOG" || { WHY="no line \"$1\" in $LOG"; return 1; }
}

# ---- the VGA cases: the keyboard and the screen, through QMP ---------------

VGA_PY=$ROOT/tests/menu/vga.py
# The OVMF screen's font is 8x19: how big the Down key's change may be.
GOP_CHAR_W=8
GOP_CHAR_H=19

# vga ARGS...: tests/menu/vga.py on this case's QMP socket; its one-line
# error, if any, in WHY.
vga() {
    local err
    err=$(python3 "$VGA_PY" "$QMP" "$@" 2>&1 >/dev/null) && return 0
    WHY=${err:-vga.py $* failed}
    return 1
}

# vga_alive: QEMU still runs; else WHY says so.
vga_alive() {
    kill -0 "$VGA_PID" 2>/dev/null && return 0
    WHY="QEMU ended early ($(tail -n 1 "$QEMU_LOG_DIR/$VGA_NAME.stderr"))"
    return 1
}

# vga_text_wait WHAT SECONDS ROW=TEXT...: read the SeaBIOS text screen
# (vga.py text) until every ROW (0-24) is exactly TEXT once each run of
# blanks in it is one blank (" | -> 1) first |"); WHAT names the wait in
# WHY when it does not come. The screen stays in $QEMU_LOG_DIR/NAME.screen.
vga_text_wait() {
    local what=$1 secs=$2 end=$((SECONDS + $2)) kv ok screen
    shift 2
    screen=$QEMU_LOG_DIR/$VGA_NAME.screen
    while vga_alive; do
        vga text "$screen" || return 1
        ok=1
        for kv in "$@"; do
            [ "$(sed -n "$((${kv%%=*} + 1))p" "$screen" | tr -s ' ')" = \
                "${kv#*=}" ] ||
                { ok=0; break; }
        done
        [ "$ok" = 0 ] || return 0
        if [ "$SECONDS" -ge "$end" ]; then
            WHY="$what: row ${kv%%=*} is not \"${kv#*=}\" after $secs s"
            WHY="$WHY ($screen)"
            return 1
        fi
        sleep 0.5
    done
    return 1
}

# vga_dump_wait WHAT SECONDS BEFORE OUT: take screendumps until one
# differs from BEFORE (none: any) and the next, half a second later, is
# the same (drawing done); that one is OUT. With BEFORE, DIFF is the box
# that changed, "X0 Y0 X1 Y1" in pixels.
vga_dump_wait() {
    local what=$1 end=$((SECONDS + $2)) before=$3 out=$4 d
    while vga_alive; do
        vga screendump "$out.new" || return 1
        if [ -z "$before" ] ||
            ! python3 "$VGA_PY" diff "$before" "$out.new" | grep -qx same
        then
            if [ -e "$out" ] &&
                python3 "$VGA_PY" diff "$out" "$out.new" | grep -qx same
            then
                rm -f "$out.new"
                [ -n "$before" ] || return 0
                d=$(python3 "$VGA_PY" diff "$before" "$out" 2>&1) ||
                    { WHY=$d; return 1; }
                DIFF=$(tail -n 1 <<<"$d")
                return 0
            fi
            mv "$out.new" "$out"
        fi
        if [ "$SECONDS" -ge "$end" ]; then
            WHY="$what: no change that held still in $2 s (screendumps"
            WHY="$WHY in $QEMU_LOG_DIR)"
            return 1
        fi
        sleep 0.5
    done
    return 1
}

case_vga() {
    local fw=$2 t1 t2 t3 limit status i keys=()
    t1=$(token_new)
    t2=$(token_new)
    t3=$(token_new)
    image "$1" || return 1
    mput "$IMG" /bzboot.cfg "timeout menu-force
entry first
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzvga=$t1
entry second
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzvga=$t2
" || { WHY="mcopy failed"; return 1; }
    VGA_NAME=$1
    QMP=$QEMU_LOG_DIR/$1.qmp
    RAW=$QEMU_LOG_DIR/$1.raw
    LOG=$QEMU_LOG_DIR/$1.log
    rm -f "$QMP" "$RAW" "$QEMU_LOG_DIR/$1"-*.ppm
    limit=$LIMIT_BIOS
    [ "$fw" = bios ] || limit=$LIMIT_UEFI
    # qemu_cmd's -display none keeps the default VGA card, which
    # screendump draws; the serial port (a file) is only the evidence.
    qemu_cmd "$1" --fw "$fw" --mem 256 --disk "$IMG" --limit "$limit" \
        --serial "file:$RAW" -- -qmp "unix:$QMP,server=on,wait=off" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 ||
        { WHY=$QEMU_ERROR; return 1; }
    nice "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$1.stderr" 2>&1 </dev/null &
    VGA_PID=$!
    # Then sendkey names for " bzkey=TOKEN": hex digits are their keys.
    keys=(spc b z k e y equal)
    for ((i = 0; i < ${#t3}; i++)); do keys+=("${t3:i:1}"); done
    if ! vga_case_keys "$fw" "$t2" "$t3"; then
        kill "$VGA_PID" 2>/dev/null
        wait "$VGA_PID"
        rm -f "$QMP"
        return 1
    fi
    wait "$VGA_PID"
    status=$?
    rm -f "$QMP"
    clean_log "$RAW" "$LOG"
    if [ "$status" != "$PROBE_EXIT_PASS" ]; then
        WHY="QEMU ended with status $status, not the probe's pass ($LOG)"
        return 1
    fi
    want "probe: cmdline=$CMDLINE bzvga=$t2 bzkey=$t3" &&
        want 'bzboot: booting entry "second"'
}

# vga_case_keys FW T2 T3: case_vga's keys and screen checks, with QEMU
# running; the array keys holds the typed word's sendkey names.
vga_case_keys() {
    local fw=$1 t2=$2 t3=$3 ppm=$QEMU_LOG_DIR/$VGA_NAME w h x0 y0 x1 y1 box
    local end=$((SECONDS + 30))
    until [ -S "$QMP" ]; do
        vga_alive || return 1
        [ "$SECONDS" -lt "$end" ] ||
            { WHY="no QMP socket $QMP after 30 s"; return 1; }
        sleep 0.2
    done
    if [ "$fw" = bios ]; then
        vga_text_wait "the menu" 40 "0= bzboot boot menu" \
            "2= | -> 1) first |" "3= | 2) second |" || return 1
        vga screendump "$ppm-menu.ppm" || return 1
        vga keys down || return 1
        vga_text_wait "after Down" 15 "2= | 1) first |" \
            "3= | -> 2) second |" || return 1
        vga screendump "$ppm-down.ppm" || return 1
        vga keys e left right || return 1
        vga_text_wait "after e" 15 "22=>$CMDLINE bzvga=$t2" || return 1
        vga keys "${keys[@]}" || return 1
        vga_text_wait "after the typed word" 20 \
            "22=>$CMDLINE bzvga=$t2 bzkey=$t3" || return 1
        vga screendump "$ppm-edit.ppm" || return 1
        vga keys ret
        return
    fi
    # OVMF: the menu is on the serial line as it is drawn on the screen;
    # then the screen must hold still.
    end=$((SECONDS + 150))
    until grep -aqF "bzboot boot menu" "$RAW" 2>/dev/null; do
        vga_alive || return 1
        [ "$SECONDS" -lt "$end" ] ||
            { WHY="no menu on serial in 150 s ($RAW)"; return 1; }
        sleep 0.5
    done
    vga_dump_wait "the menu" 20 "" "$ppm-menu.ppm" || return 1
    vga keys down || return 1
    vga_dump_wait "after Down" 15 "$ppm-menu.ppm" "$ppm-down.ppm" ||
        return 1
    read -r x0 y0 x1 y1 <<<"$DIFF"
    w=$((x1 - x0))
    h=$((y1 - y0))
    if [ "$w" -gt $((3 * GOP_CHAR_W)) ] || [ "$h" -le "$GOP_CHAR_H" ] ||
        [ "$h" -gt $((2 * GOP_CHAR_H)) ]; then
        WHY="Down changed a box of ${w}x$h pixels at $x0,$y0, not the"
        WHY="$WHY arrow moving one row ($ppm-menu.ppm, $ppm-down.ppm)"
        return 1
    fi
    vga keys e left right || return 1
    vga_dump_wait "after e" 15 "$ppm-down.ppm" "$ppm-edit.ppm" || return 1
    read -r _ box _ <<<"$DIFF"
    if [ "$box" -lt "$y1" ]; then
        WHY="e changed the screen from row $box (pixels), above the"
        WHY="$WHY list's arrow ($ppm-down.ppm, $ppm-edit.ppm)"
        return 1
    fi
    vga keys "${keys[@]}" ret
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

KERNEL=${KERNEL:-$BUILD/kernels/vmlinuz-amd64}

# efi_boot NAME VARS: boot IMG on q35 under OVMF with the variable store
# VARS (kept from run to run); the serial log is LOG.
efi_boot() {
    local vars=$QEMU_LOG_DIR/$1-vars.fd
    LOG=$QEMU_LOG_DIR/$1.log
    rm -f "$LOG"
    qemu_cmd "$1" --fw uefi --machine q35 --mem 512 --disk "$IMG" \
        --limit "$LIMIT_UEFI" || { WHY=$QEMU_ERROR; return 1; }
    [ -f "$2" ] && cp "$2" "$vars"
    nice "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$1.stderr" 2>&1 </dev/null
    STATUS=$?
    cp "$vars" "$2" || { WHY="cannot keep $vars"; return 1; }
    sed -i 's/\r//g' "$LOG"
    [ "$STATUS" = 0 ] ||
        { WHY="QEMU ended with status $STATUS ($LOG)"; return 1; }
}

# guest_ok: the guest said no `BZBLI error=` (checked after the lines
# that tell which entry booted, which explain most errors).
guest_ok() {
    ! grep -aq "^BZBLI error=" "$LOG" ||
        { WHY="$(grep -a "^BZBLI error=" "$LOG" | head -n 1) ($LOG)"; return 1; }
}

# bzbli NAME: the value of the guest's line `BZBLI NAME=VALUE`.
bzbli() {
    sed -n "s/^BZBLI $1=//p" "$LOG" | head -n 1
}

case_bli_efivarfs() {
    local t1 t2 guid init exec vars=$dir/$1-vars.fd
    t1=$(token_new)
    t2=$(token_new)
    [ -r "$KERNEL" ] || { WHY="$KERNEL is missing (tests/qemu/fetch-kernel.sh amd64)"; return 1; }
    bash tests/qemu/mkinitramfs.sh --arch amd64 --mode efivars \
        --out "$dir/efivars.img" >"$dir/$1.initramfs.txt" 2>&1 ||
        { WHY="mkinitramfs: $(tail -n 1 "$dir/$1.initramfs.txt")"; return 1; }
    rm -f "$dir/$1.img" "$vars"
    "$MKDISK" -o "$dir/$1.img" --gpt --kernel "$KERNEL" \
        --initrd "$dir/efivars.img" --cmdline "$CMDLINE" \
        >"$dir/$1.mkdisk.txt" 2>&1 ||
        { WHY=$(tail -n 1 "$dir/$1.mkdisk.txt"); return 1; }
    IMG=$dir/$1.img
    mput "$IMG" /bzboot.cfg "timeout 0
default first
entry first
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzbli=$t1 bzbli.oneshot=second
entry second
	kernel /boot/vmlinuz
	initrd /boot/initrd-1.img
	cmdline $CMDLINE bzbli=$t2
" || { WHY="mcopy failed"; return 1; }
    guid=$(sfdisk -d "$IMG" 2>/dev/null |
        sed -n 's/.*type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=\([0-9A-F-]*\).*/\1/p')
    [ -n "$guid" ] || { WHY="sfdisk: no ESP GUID in $IMG"; return 1; }

    # 1: the default; the guest sets the one-shot.
    efi_boot "$1" "$vars" || return 1
    want "BZBLI cmdline=$CMDLINE bzbli=$t1 bzbli.oneshot=second" || return 1
    want "BZBLI LoaderEntrySelected=first" || return 1
    want "BZBLI LoaderEntries=first second" || return 1
    want "BZBLI LoaderDevicePartUUID=$guid" || return 1
    want "BZBLI LoaderEntryOneShot missing" || return 1
    grep -aq "^BZBLI LoaderInfo=bzboot " "$LOG" ||
        { WHY="no LoaderInfo in $LOG"; return 1; }
    init=$(bzbli LoaderTimeInitUSec)
    exec=$(bzbli LoaderTimeExecUSec)
    if ! [[ "$init" =~ ^[0-9]+$ && "$exec" =~ ^[0-9]+$ ]] ||
        [ "$init" -eq 0 ] || [ "$exec" -le "$init" ]; then
        WHY="LoaderTimeInitUSec $init, LoaderTimeExecUSec $exec: not 0 < init < exec"
        return 1
    fi
    guest_ok || return 1
    want "BZBLI oneshot-set=second" || return 1

    # 2: the one-shot, deleted by the loader.
    efi_boot "$1-oneshot" "$vars" || return 1
    want "BZBLI cmdline=$CMDLINE bzbli=$t2" || return 1
    want "BZBLI LoaderEntrySelected=second" || return 1
    want "BZBLI LoaderEntryOneShot missing" || return 1
    guest_ok || return 1

    # 3: the default again.
    efi_boot "$1-again" "$vars" || return 1
    want "BZBLI cmdline=$CMDLINE bzbli=$t1 bzbli.oneshot=second" || return 1
    want "BZBLI LoaderEntrySelected=first" || return 1
    guest_ok
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
    run "$fw-vga" check case_vga "$fw"
    run "$fw-bls-newest" check case_bls_newest "$fw"
    run "$fw-oneshot" check case_oneshot "$fw"
done
run uefi-bli-efivarfs check case_bli_efivarfs uefi
[ "$list_only" -eq 1 ] && exit 0
finish
