#!/bin/bash
# SPDX-License-Identifier: MIT
#
# probe-tests.sh - boot the probe kernel (tests/probe/README.md) and compare
# every fact it reports with what the test handed over.
#
# Cases, one `PASS: name` or `FAIL: name: why` line each:
#   qemu-kernel-VARIANT  QEMU's own loader (-kernel -initrd -append), which
#                        follows the 16-bit protocol: proves the probe.
#   qemu-kernel-*        more direct cases: no initrd; an initrd QEMU puts
#                        inside the kernel's init_size, which the probe must
#                        catch; the probe's 32- and 64-bit entries, reached
#                        through the probe's own chain loader.
#   bzboot-VARIANT       a disk from build/mkdisk booted under SeaBIOS
#                        (-hda): stage2 and the 16-bit hand-over.
#   bzboot-*             two initrds; a command line and an initrd that the
#                        loader must refuse.
#   uefi-VARIANT         the same disk under OVMF: BOOTX64.EFI and the
#                        64-bit hand-over.
# Expected values sit in tests/probe/expected/*.expected; @NAME@ in them is
# replaced by this script's value for the case. The run's files, and the
# logs of every run, stay under $BUILD/tests/probe/run/.
#
# Usage: tests/probe/probe-tests.sh [CASE-PATTERN]   (from the repo root,
# after `make probe`; BUILD and QEMU may be set in the environment;
# PROBE_EXTRA_EXPECT="key=value ..." adds expectations to every case.)

set -u

# shellcheck disable=SC2034 # read by lib.sh
LIB_PROG=probe-tests
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
patterns=()
[ -z "${1:-}" ] || patterns=("$1")
PROBE_DIR=$BUILD/tests/probe
RUN=$PROBE_DIR/run
QEMU_LOG_DIR=$RUN
EXPECT=tests/probe/expected
MKDISK=${MKDISK:-$BUILD/mkdisk}
MEM=256M
BIOS_TIMEOUT=60
UEFI_TIMEOUT=60
# isa-debug-exit: the probe writes PROBE_EXIT_PASS (0x10) or _FAIL (0x11),
# QEMU exits with (value << 1) | 1.
EXIT_PASS=33
EXIT_FAIL=35
VARIANTS="default setup0 setup60 lowinitrd smallcmdline 64 proto202 noreloc"

passed=0
failed=0

# CRC-32 of a file as zlib computes it, from gzip's trailer.
crc32_file() {
    printf '0x%s' "$(gzip -c <"$1" | tail -c 8 | od -An -tx4 -N4 |
        tr -d ' \n')"
}

# A value from common/layout.h (a #define of an integer).
layout() {
    local v
    v=$(sed -n "s/^#define $1 \(.*\)$/\1/p" common/layout.h)
    [[ -n $v ]] || { echo "layout.h has no $1" >&2; return 1; }
    printf '0x%x' "$((v))"
}

# Random bytes of a given size: the initrds of known content.
make_file() {
    head -c "$2" /dev/urandom >"$1"
}

# run_qemu NAME TIMEOUT [OPTION VALUE]... [-- QEMU-ARG...]: QEMU as
# qemu_cmd's options say, with $MEM and the probe's exit device; serial
# output to $RUN/NAME.log, QEMU's own to NAME.qemu.txt; sets qrc.
run_qemu() {
    local name=$1 limit=$2
    shift 2
    rm -f "$RUN/$name.log"
    if qemu_cmd "$name" --mem "$MEM" --limit "$limit" "$@"; then
        # shellcheck disable=SC2054 # one QEMU argument, commas and all
        QEMU_CMD+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
        "${QEMU_CMD[@]}" >"$RUN/$name.qemu.txt" 2>&1 </dev/null
        qrc=$?
    else
        echo "$QEMU_ERROR" >"$RUN/$name.qemu.txt"
        qrc=126
    fi
    touch "$RUN/$name.log"
}

declare -A got
declare -A var

# Read `probe: key=value` lines of a serial log into got[].
parse_log() {
    local l
    got=()
    while IFS= read -r l; do
        l=${l%$'\r'}
        if [[ $l =~ ^probe:\ ([A-Za-z0-9_.]+)=(.*)$ ]]; then
            got[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
        fi
    done <"$1"
}

is_number() {
    [[ $1 =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]]
}

# Expectations for a variant's file: what mkprobe --describe reads back.
describe_lines() {
    "$PROBE_DIR/mkprobe" --describe "$1" | grep -v '^setup_bytes='
}

# check_expect LINES: compare got[] with each expectation; sets why.
check_expect() {
    local line key op want have bad=0 first=""
    while IFS= read -r line; do
        [[ -z $line || $line == \#* ]] && continue
        if ! [[ $line =~ ^([A-Za-z0-9_.]+)(!=|>=|=|<|~)(.*)$ ]]; then
            why="bad expectation '$line'"
            return 1
        fi
        key=${BASH_REMATCH[1]}
        op=${BASH_REMATCH[2]}
        want=${BASH_REMATCH[3]}
        while [[ $want =~ @([A-Z0-9_]+)@ ]]; do
            want=${want//"${BASH_REMATCH[0]}"/"${var[${BASH_REMATCH[1]}]-}"}
        done
        if [[ ! -v got[$key] ]]; then
            bad=$((bad + 1))
            [[ -n $first ]] || first="no $key= in the output"
            continue
        fi
        have=${got[$key]}
        local ok=1
        case $op in
        "=" | "!=")
            if is_number "$have" && is_number "$want"; then
                ((have == want)) || ok=0
            else
                [[ $have == "$want" ]] || ok=0
            fi
            [[ $op == "!=" ]] && ok=$((!ok))
            ;;
        "<" | ">=")
            if ! is_number "$have" || ! is_number "$want"; then
                ok=0
            elif [[ $op == "<" ]]; then
                ((have < want)) || ok=0
            else
                ((have >= want)) || ok=0
            fi
            ;;
        "~")
            [[ $have =~ $want ]] || ok=0
            ;;
        esac
        if ((!ok)); then
            bad=$((bad + 1))
            [[ -n $first ]] ||
                first="$key: got '$have', want $op '$want'"
        fi
    done
    if ((bad)); then
        why=$first
        ((bad > 1)) && why+=" (and $((bad - 1)) more)"
        return 1
    fi
    return 0
}

# expectations FILE...: the files' lines, then PROBE_EXTRA_EXPECT's words.
expectations() {
    cat "$@"
    local w
    for w in ${PROBE_EXTRA_EXPECT:-}; do
        echo "$w"
    done
}

# judge NAME EXPECT-LINES [WANT_RC]: one PASS/FAIL line for a probe run.
judge() {
    local name=$1 lines=$2 want_rc=${3:-$EXIT_PASS}
    local log=$RUN/$name.log
    parse_log "$log"
    if [[ ! -v got[verdict] ]]; then
        local last
        last=$(tr -d '\r' <"$log" | grep -v '^$' | tail -n 1)
        if ((qrc == 124)); then
            fail "$name" "no verdict before the ${limit_used}s timeout" \
                "(last line: '${last:-none}'; log $log)"
        else
            fail "$name" "no verdict, QEMU exit $qrc (last line:" \
                "'${last:-none}'; log $log)"
        fi
        return
    fi
    if ! check_expect <<<"$lines"; then
        fail "$name" "$why (log $log)"
        return
    fi
    if ((qrc != want_rc)); then
        fail "$name" "QEMU exit $qrc, want $want_rc (isa-debug-exit)" \
            "(log $log)"
        return
    fi
    pass "$name"
}

# Variables of a case: the variant's image and the initrd handed over.
case_vars() {
    local image=$1 initrd=$2 cmdline=$3
    var=()
    var[VARIANT]=$(basename "$image" .bzImage)
    var[CMDLINE]=$cmdline
    var[SETUP_BYTES]=$("$PROBE_DIR/mkprobe" --describe "$image" |
        sed -n 's/^setup_bytes=//p')
    tail -c +$((var[SETUP_BYTES] + 1)) "$image" >"$RUN/pm.tmp"
    var[PM_CRC32]=$(crc32_file "$RUN/pm.tmp")
    rm -f "$RUN/pm.tmp"
    if [[ -n $initrd ]]; then
        var[INITRD_SIZE]=$(printf '0x%x' "$(stat -c %s "$initrd")")
        var[INITRD_CRC32]=$(crc32_file "$initrd")
    fi
    var[RM_SEG]=$(printf '0x%x' $(($(layout REALMODE_KERNEL_ADDR) >> 4)))
    var[RM_CS]=$(printf '0x%x' $((var[RM_SEG] + 0x20)))
    var[RM_HEAP_END]=$(layout REALMODE_HEAP_END)
    # boot.rst: heap_end_ptr is the heap end minus 0x200.
    var[RM_HEAP_END_PTR]=$(printf '0x%x' $((var[RM_HEAP_END] - 0x200)))
    var[RM_CMDLINE]=$(printf '0x%x' $(($(layout REALMODE_KERNEL_ADDR) + \
        $(layout REALMODE_CMDLINE_OFFSET))))
}

image_of() {
    echo "$PROBE_DIR/probe-$1.bzImage"
}

have_image() {
    local name=$1 image=$2
    if [[ ! -f $image || ! -x $PROBE_DIR/mkprobe ]]; then
        fail "$name" "$image is not built (run make probe)"
        return 1
    fi
}

# --- QEMU's own loader: the 16-bit protocol, no bzboot involved ---------

qemu_kernel_case() {
    local name=$1 variant=$2 initrd=$3 extra_expect=${4:-}
    local want_rc=${5:-$EXIT_PASS} image token cmdline lines
    selected "$name" || return
    image=$(image_of "$variant")
    have_image "$name" "$image" || return
    token=$(token_new)
    cmdline="bztoken=$token console=ttyS0"
    case_vars "$image" "$initrd" "$cmdline"
    lines=$(expectations "$EXPECT/common.expected" \
        "$EXPECT/bios16.expected" "$EXPECT/qemu-kernel.expected"
        describe_lines "$image")
    if [[ -z $initrd ]]; then
        lines=$(grep -v -e '^initrd_' -e '^ramdisk_size' <<<"$lines"
            echo "initrd=none"; echo "ramdisk_size=0x0")
    fi
    if [[ -n $extra_expect ]]; then
        lines=$(grep -v '^verdict=' <<<"$lines"; echo "$extra_expect")
    fi
    limit_used=$BIOS_TIMEOUT
    run_qemu "$name" "$BIOS_TIMEOUT" --bus none -- -kernel "$image" \
        ${initrd:+-initrd "$initrd"} -append "$cmdline"
    judge "$name" "$lines" "$want_rc"
}

# chain_case NAME BITS INNER-VARIANT INITRD: the outer probe (default)
# chain-loads INNER through its 32- or 64-bit entry (probe.c chain_boot).
chain_case() {
    local name=$1 bits=$2 inner_variant=$3 initrd=$4
    local outer inner token cmdline lines size chained=$RUN/$name.initrd
    selected "$name" || return
    outer=$(image_of default)
    inner=$(image_of "$inner_variant")
    have_image "$name" "$outer" || return
    have_image "$name" "$inner" || return
    size=$(stat -c %s "$inner")
    {
        cat "$inner"
        head -c $(((4096 - size % 4096) % 4096)) /dev/zero
        cat "$initrd"
    } >"$chained"
    token=$(token_new)
    cmdline="bztoken=$token probe.chain=$bits probe.chain_kernel_size=$size"
    case_vars "$inner" "$initrd" "$cmdline"
    var[LOAD]=$("$PROBE_DIR/mkprobe" --describe "$inner" |
        sed -n 's/^pref_address=//p')
    lines=$(expectations "$EXPECT/common.expected" \
        "$EXPECT/chain$bits.expected"
        describe_lines "$inner" | grep -v '^code32_start=')
    limit_used=$BIOS_TIMEOUT
    run_qemu "$name" "$BIOS_TIMEOUT" --bus none -- -kernel "$outer" \
        -initrd "$chained" -append "$cmdline"
    judge "$name" "$lines"
    [[ $last_status == pass ]] && rm -f "$chained"
}

# --- bzboot: build/mkdisk, booted from the disk --------------------------

# mkdisk_image NAME IMAGE OUT CMDLINE INITRD...: sets why on failure.
mkdisk_image() {
    local name=$1 image=$2 out=$3 cmdline=$4
    shift 4
    local args=() f
    for f in "$@"; do
        args+=(--initrd "$f")
    done
    if [[ ! -x $MKDISK ]]; then
        why="$MKDISK is missing (mkdisk not built yet)"
        return 1
    fi
    rm -f "$out"
    if ! "$MKDISK" -o "$out" --kernel "$image" "${args[@]}" \
        --cmdline "$cmdline" >"$RUN/$name.mkdisk.txt" 2>&1; then
        why="mkdisk failed: $(head -n 1 "$RUN/$name.mkdisk.txt")"
        return 1
    fi
}

# disk_case NAME VARIANT FIRMWARE EXPECT-FILE INITRD...
disk_case() {
    local name=$1 variant=$2 firmware=$3 expect_file=$4
    shift 4
    local image token cmdline lines disk=$RUN/$name.img joined
    selected "$name" || return
    image=$(image_of "$variant")
    have_image "$name" "$image" || return
    token=$(token_new)
    cmdline="bztoken=$token console=ttyS0"
    if ! mkdisk_image "$name" "$image" "$disk" "$cmdline" "$@"; then
        fail "$name" "$why"
        return
    fi
    # docs/boot-protocol.md, 1: initrds are concatenated, each starting
    # 4-byte aligned.
    joined=$RUN/$name.initrd
    : >"$joined"
    local f n
    for f; do
        n=$(stat -c %s "$joined")
        if ((n % 4)); then
            head -c $((4 - n % 4)) /dev/zero >>"$joined"
        fi
        cat "$f" >>"$joined"
    done
    case_vars "$image" "$joined" "$cmdline"
    if [[ $firmware == bios ]]; then
        lines=$(expectations "$EXPECT/common.expected" \
            "$EXPECT/bios16.expected" "$EXPECT/$expect_file"
            describe_lines "$image")
        limit_used=$BIOS_TIMEOUT
        run_qemu "$name" "$BIOS_TIMEOUT" --disk "$disk"
    else
        lines=$(expectations "$EXPECT/common.expected" \
            "$EXPECT/$expect_file"
            describe_lines "$image" | grep -v -e '^code32_start=')
        limit_used=$UEFI_TIMEOUT
        if [[ ! -r $OVMF_BIOS ]]; then
            fail "$name" "$OVMF_BIOS missing (install ovmf)"
            return
        fi
        run_qemu "$name" "$UEFI_TIMEOUT" --fw uefi --disk "$disk"
    fi
    judge "$name" "$lines"
    # Keep the image of a failing run only.
    if [[ $last_status == pass ]]; then
        rm -f "$disk" "$joined"
    fi
}

# refuse_case NAME VARIANT WHAT CMDLINE INITRD...: the loader must refuse
# (mkdisk with an error, or the loader with a message naming WHAT), and
# the probe must never run.
refuse_case() {
    local name=$1 variant=$2 what=$3 cmdline=$4
    shift 4
    local image disk=$RUN/$name.img
    selected "$name" || return
    image=$(image_of "$variant")
    have_image "$name" "$image" || return
    if [[ ! -x $MKDISK ]]; then
        fail "$name" "$MKDISK is missing (mkdisk not built yet)"
        return
    fi
    local args=() f
    for f in "$@"; do
        args+=(--initrd "$f")
    done
    rm -f "$disk"
    if ! "$MKDISK" -o "$disk" --kernel "$image" "${args[@]}" \
        --cmdline "$cmdline" >"$RUN/$name.mkdisk.txt" 2>&1; then
        if [[ -e $disk ]]; then
            fail "$name" "mkdisk failed but left $disk behind"
        elif grep -q '^mkdisk: error: .*: ' "$RUN/$name.mkdisk.txt" &&
            grep -qiE "$what" "$RUN/$name.mkdisk.txt"; then
            pass "$name"
        else
            fail "$name" "mkdisk refused without a 'mkdisk: error:" \
                "FILE: problem' line naming the $what" \
                "($RUN/$name.mkdisk.txt)"
        fi
        return
    fi
    limit_used=$BIOS_TIMEOUT
    run_qemu "$name" "$BIOS_TIMEOUT" --disk "$disk"
    parse_log "$RUN/$name.log"
    if [[ -v got[verdict] ]]; then
        fail "$name" "the loader booted the probe (verdict" \
            "${got[verdict]}) instead of refusing (log $RUN/$name.log)"
    elif tr -d '\r' <"$RUN/$name.log" | grep -qiE "$what"; then
        pass "$name"
        rm -f "$disk"
    else
        fail "$name" "no message about the $what on serial" \
            "(log $RUN/$name.log)"
    fi
}

main() {
    mkdir -p "$RUN"
    # One run at a time: runs share $RUN, and QEMU runs one at a time.
    exec 9>"$PROBE_DIR/run.lock"
    if ! flock -w 900 9; then
        fail probe-tests "another probe-tests.sh run holds" \
            "$PROBE_DIR/run.lock"
        return
    fi
    if ! command -v "$QEMU" >/dev/null; then
        fail probe-tests "skipped because $QEMU is missing (install" \
            "qemu-system-x86)"
        return
    fi
    local initrd=$RUN/initrd.bin initrd2=$RUN/initrd-2.bin
    local big=$RUN/initrd-big.bin v
    # Sizes that are not page (nor 4-byte) multiples, so ramdisk_size,
    # padding and the checksum's end are all checked.
    make_file "$initrd" $((1024 * 1024 + 123))
    make_file "$initrd2" $((256 * 1024 + 5))
    # For probe-lowinitrd: the window [13 MiB, 16 MiB) is too small.
    make_file "$big" $((4 * 1024 * 1024 + 7))

    for v in $VARIANTS; do
        qemu_kernel_case "qemu-kernel-$v" "$v" "$initrd"
    done
    qemu_kernel_case qemu-kernel-noinitrd default ""
    # QEMU does not keep the initrd out of init_size: the probe must say.
    qemu_kernel_case qemu-kernel-lowinitrd-overlap-caught lowinitrd "$big" \
        'verdict~^FAIL \(initrd_overlap: ' "$EXIT_FAIL"
    chain_case qemu-kernel-chain32 32 default "$initrd"
    chain_case qemu-kernel-chain64 64 64 "$initrd"
    chain_case qemu-kernel-chain64-noreloc 64 noreloc "$initrd"

    for v in $VARIANTS; do
        disk_case "bzboot-$v" "$v" bios bzboot.expected "$initrd"
    done
    disk_case bzboot-two-initrds default bios bzboot.expected \
        "$initrd" "$initrd2"
    refuse_case bzboot-smallcmdline-too-long smallcmdline \
        'command line|cmdline' \
        "bztoken=$(token_new) $(printf 'x%.0s' {1..80})" "$initrd"
    refuse_case bzboot-lowinitrd-too-big lowinitrd initrd \
        "bztoken=$(token_new)" "$big"

    for v in default 64 noreloc; do
        disk_case "uefi-$v" "$v" uefi uefi64.expected "$initrd"
    done
}

main
finish
