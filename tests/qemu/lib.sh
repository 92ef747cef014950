# SPDX-License-Identifier: MIT
#
# Shared shell functions of the QEMU suites (qemu, faults, probe, trace,
# debug, bench) and the scripts that build their inputs (fetch-kernel.sh,
# mkinitramfs.sh, default-image.sh). Sourced, never run. Runs on the build
# machine; knows where things go under $BUILD (default build/, relative to
# the repository root, where every script runs), how to fetch a Debian
# package into the download cache, which firmware files QEMU gets, the
# one command line every suite starts QEMU with (qemu_cmd: firmware, bus,
# machine, memory), how to run it headless with the serial console in a
# log file, how to rewrite an image's /bzboot.cfg, how to check a log
# against an expect file, and a suite's PASS/FAIL counting.
#
# Expect files (tests/qemu/*.expect): one line per piece of evidence;
# blank lines and lines starting with `#` are ignored. A line is found when
# some line of the serial log, with its carriage return removed, is exactly
# equal to it, after @NAME@ is replaced by the value the test passes as
# NAME=VALUE. A line `@range LO HI PREFIX` is found when the first log
# line that is PREFIX followed by a decimal number (blanks between allowed)
# has one in [LO, HI]; with `{}` in PREFIX, the number stands there and
# the rest of the line must follow it (`@range 1 9 missing: {} KiB`).
# The order of the lines is not checked.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_LOG_DIR=$BUILD/tests/qemu/logs
LIB_PROG=${LIB_PROG:-$(basename "$0" .sh)}

# The firmware files of Debian's ovmf package: one image for -bios (its
# variable store is lost at reset, which a test does not mind), and the
# 4 MiB code + variable template pair for two pflash drives.
OVMF_BIOS=${OVMF_BIOS:-/usr/share/ovmf/OVMF.fd}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# lib_die MESSAGE: one line `PROG: error: MESSAGE` on stderr, exit 1.
lib_die() {
    echo "$LIB_PROG: error: $*" >&2
    exit 1
}

# lib_need COMMAND PACKAGE: stop with one line naming the Debian package
# when COMMAND is not installed.
lib_need() {
    command -v "$1" >/dev/null 2>&1 ||
        lib_die "$1 not found: install the Debian package $2 (or run \`make deps\`)"
}

# deb_fetch PACKAGE[:ARCH]: print the path of PACKAGE's .deb in
# $BUILD/cache, downloading the candidate version with `apt-get download`
# when no version of it is there yet.
deb_fetch() {
    local spec=$1 name=${1%%:*} arch cache=$BUILD/cache deb tmp
    arch=${spec#"$name"}
    arch=${arch#:}
    [ -n "$arch" ] || arch=$(dpkg --print-architecture)
    deb=$(ls -1 "$cache/${name}_"*"_$arch.deb" 2>/dev/null | sort -V |
        tail -n 1)
    if [ -n "$deb" ]; then
        echo "$deb"
        return 0
    fi
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/download.XXXXXX") || return 1
    # As root, apt's sandbox user cannot write into build/: say so.
    if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
        "$spec" >&2); then
        rm -rf "$tmp"
        echo "$LIB_PROG: error: apt-get download $spec failed" \
            "(run \`make deps\` to refresh the package lists)" >&2
        return 1
    fi
    deb=$(ls -1 "$tmp/"*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
        rm -rf "$tmp"
        echo "$LIB_PROG: error: apt-get download $spec left no .deb" >&2
        return 1
    fi
    mv "$deb" "$cache/" && rm -rf "$tmp"
    echo "$cache/$(basename "$deb")"
}

# kernel_is_bzimage FILE: true when FILE has the boot sector signature
# 0xAA55 at 0x1fe and "HdrS" at 0x202 (boot.rst: boot_flag, header).
kernel_is_bzimage() {
    local flag hdrs
    [ -f "$1" ] && [ -r "$1" ] || return 1
    flag=$(od -An -tx1 -j 0x1fe -N 2 "$1" | tr -d " \n")
    hdrs=$(dd if="$1" bs=1 skip=$((0x202)) count=4 2>/dev/null)
    [ "$flag" = 55aa ] && [ "$hdrs" = HdrS ]
}

# kernel_is_64bit FILE: true when the bzImage has XLF_KERNEL_64 (bit 0 of
# xloadflags at 0x236), that is, a 64-bit entry point.
kernel_is_64bit() {
    local x
    x=$(od -An -tu1 -j 0x236 -N 1 "$1" 2>/dev/null | tr -d ' \n')
    [ -n "$x" ] && [ $((x & 1)) -eq 1 ]
}

# token_new: 16 random hex digits, a fresh command-line token per run.
token_new() {
    od -An -tx1 -N 8 /dev/urandom | tr -d ' \n'
}

# firmware_args FIRMWARE NAME: set the array FW_ARGS to QEMU's arguments
# for FIRMWARE: seabios (QEMU's default), ovmf (the one-file image with
# -bios, for -M pc) or ovmf-pflash (code and a private writable copy of the
# variable template as two pflash drives, for -M q35; NAME names the copy).
# Returns 1 with FW_ERROR set when the firmware is missing.
firmware_args() {
    local vars
    FW_ARGS=()
    case $1 in
    seabios)
        ;;
    ovmf)
        if [ ! -r "$OVMF_BIOS" ]; then
            FW_ERROR="$OVMF_BIOS missing: install the Debian package ovmf"
            return 1
        fi
        FW_ARGS=(-bios "$OVMF_BIOS")
        ;;
    ovmf-pflash)
        if [ ! -r "$OVMF_CODE" ] || [ ! -r "$OVMF_VARS" ]; then
            FW_ERROR="$OVMF_CODE or $OVMF_VARS missing:"
            FW_ERROR="$FW_ERROR install the Debian package ovmf"
            return 1
        fi
        mkdir -p "$QEMU_LOG_DIR"
        vars=$QEMU_LOG_DIR/$2-vars.fd
        cp "$OVMF_VARS" "$vars" ||
            { FW_ERROR="cannot copy $OVMF_VARS to $vars"; return 1; }
        FW_ARGS=(
            -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
            -drive "if=pflash,format=raw,unit=1,file=$vars")
        ;;
    *)
        FW_ERROR="unknown firmware $1"
        return 1
        ;;
    esac
}

# qemu_cmd NAME [OPTION VALUE]... [-- QEMU-ARG...]: set the array QEMU_CMD
# to the command line every suite starts QEMU with: TCG, headless, no
# network, -no-reboot (a reset ends QEMU), under `timeout`. The options
# say which machine (defaults in brackets):
#   --fw bios|uefi      SeaBIOS, QEMU's own; or OVMF: on pc the one-file
#                       image (-bios), on q35 code and a private copy of
#                       the variable store as pflash drives        [bios]
#   --bus ide|ahci|virtio|nvme|none  how --disk is attached: ide is the
#                       first IDE disk (what -hda means; on q35 the first
#                       port of the chipset's AHCI), ahci the first port
#                       of an AHCI controller (the chipset's on q35),
#                       virtio a virtio-blk disk, nvme an NVMe namespace;
#                       none leaves the disk to the QEMU-ARGs       [ide]
#   --machine pc|q35                                              [pc]
#   --mem MiB                                                     [512]
#   --disk FILE         a raw image, or blkdebug:CONF:FILE        [none]
#   --serial SPEC       -serial's value; `nographic` for -nographic
#                       (serial and monitor on stdio)
#                                         [file:$QEMU_LOG_DIR/NAME.log]
#   --limit SECONDS     for timeout, which then kills QEMU        [120]
# Returns 1 with QEMU_ERROR set for a missing firmware or a bad option.
qemu_cmd() {
    local name=$1 fw=bios bus=ide machine=pc mem=512 disk='' limit=120
    local serial=file:$QEMU_LOG_DIR/$1.log drive out=()
    shift
    QEMU_CMD=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case $1 in
        --fw) fw=$2 ;;
        --bus) bus=$2 ;;
        --machine) machine=$2 ;;
        --mem) mem=$2 ;;
        --disk) disk=$2 ;;
        --serial) serial=$2 ;;
        --limit) limit=$2 ;;
        *) QEMU_ERROR="qemu_cmd: unknown option $1"; return 1 ;;
        esac
        shift 2 || { QEMU_ERROR="qemu_cmd: $1 needs a value"; return 1; }
    done
    [ $# -eq 0 ] || shift
    case $fw:$machine in
    bios:pc | bios:q35) firmware_args seabios "$name" ;;
    uefi:pc) firmware_args ovmf "$name" ;;
    uefi:q35) firmware_args ovmf-pflash "$name" ;;
    *) FW_ERROR="firmware $fw on machine $machine: not bios|uefi on pc|q35"
        false ;;
    esac || { QEMU_ERROR=$FW_ERROR; return 1; }
    drive="file=$disk,format=raw"
    # shellcheck disable=SC2054 # QEMU arguments, commas and all
    case $bus in
    none) ;;
    ide) out=(-drive "$drive,if=ide,index=0,media=disk") ;;
    ahci)
        if [ "$machine" = q35 ]; then
            out=(-drive "$drive,if=ide,index=0,media=disk")
        else
            out=(-device ahci,id=ahci -drive "$drive,if=none,id=disk0"
                -device ide-hd,drive=disk0,bus=ahci.0)
        fi ;;
    virtio) out=(-drive "$drive,if=virtio") ;;
    nvme) out=(-drive "$drive,if=none,id=disk0"
        -device nvme,drive=disk0,serial=bzboot) ;;
    *) QEMU_ERROR="qemu_cmd: unknown bus $bus"; return 1 ;;
    esac
    [ -n "$disk" ] || out=()
    if [ "$serial" = nographic ]; then
        out=(-nographic "${out[@]}")
    else
        out=(-display none -monitor none -serial "$serial" "${out[@]}")
    fi
    QEMU_CMD=(timeout --kill-after=5 "$limit" "$QEMU" -M "$machine"
        -m "$mem" -no-reboot -net none "${out[@]}" "${FW_ARGS[@]}" "$@")
}

# qemu_boot NAME [OPTION VALUE]... [-- QEMU-ARG...]: run QEMU as qemu_cmd
# says, its serial port written to $QEMU_LOG_DIR/NAME.log and its own
# messages to NAME.stderr, which stay there. A run whose serial port says
# nothing new for QEMU_STALL seconds (default 30; 0 = never) is stopped
# early: a loader that failed prints its message and waits, and waiting
# out the whole limit would only cost time. Returns QEMU's exit status,
# 124 after the limit, 125 after a stall, 126 when qemu_cmd refused (why
# in QEMU_ERROR); QEMU_SECONDS is set to the run's wall time.
qemu_boot() {
    local name=$1 log pid status start now size last=-1 since
    local stall=${QEMU_STALL:-30} stalled=0
    mkdir -p "$QEMU_LOG_DIR"
    log=$QEMU_LOG_DIR/$name.log
    rm -f "$log"
    qemu_cmd "$@" || return 126
    start=$(date +%s.%N)
    "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$name.stderr" 2>&1 </dev/null &
    pid=$!
    since=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.2
        size=$(stat -c %s "$log" 2>/dev/null || echo 0)
        if [ "$size" != "$last" ]; then
            last=$size
            since=$SECONDS
        elif [ "$stall" -gt 0 ] && [ $((SECONDS - since)) -ge "$stall" ]; then
            # timeout passes the TERM on to QEMU, which then exits 0.
            stalled=1
            kill -TERM "$pid" 2>/dev/null
            break
        fi
    done
    wait "$pid"
    status=$?
    [ "$stalled" -eq 0 ] || status=125
    now=$(date +%s.%N)
    QEMU_SECONDS=$(awk -v a="$start" -v b="$now" \
        'BEGIN { printf "%.1f", b - a }')
    return "$status"
}

# cfg_rewrite [--same-ok] IN OUT COMMAND...: OUT is a copy of the disk
# image IN whose /bzboot.cfg is what COMMAND prints when given the old one
# on stdin (sed with a script, a shell function). Fails with one line on
# stderr when the config cannot be read or written, or, without
# --same-ok, when COMMAND leaves it unchanged, so that an edit that no
# longer applies is seen. IN and OUT may be the same file.
cfg_rewrite() {
    local same_ok=0 in out tmp
    [ "$1" != --same-ok ] || { same_ok=1; shift; }
    in=$1 out=$2 tmp=$2.tmp
    shift 2
    rm -f "$tmp"
    cp --sparse=always "$in" "$tmp" ||
        { echo "$out: cannot copy $in" >&2; return 1; }
    if ! MTOOLS_SKIP_CHECK=1 mtype -i "$tmp@@1M" ::/bzboot.cfg \
        >"$tmp.old"; then
        echo "$in: no /bzboot.cfg on its FAT partition (mtype failed)" >&2
    elif ! "$@" <"$tmp.old" >"$tmp.cfg"; then
        echo "$in: /bzboot.cfg: $* failed" >&2
    elif [ "$same_ok" -eq 0 ] && cmp -s "$tmp.old" "$tmp.cfg"; then
        echo "$in: /bzboot.cfg: $* changed nothing" >&2
    elif ! MTOOLS_SKIP_CHECK=1 mcopy -o -i "$tmp@@1M" "$tmp.cfg" \
        ::/bzboot.cfg; then
        echo "$out: cannot write /bzboot.cfg (mcopy failed)" >&2
    else
        rm -f "$tmp.old" "$tmp.cfg"
        mv "$tmp" "$out"
        return
    fi
    rm -f "$tmp" "$tmp.old" "$tmp.cfg"
    return 1
}

# expect_check LOG EXPECT [NAME=VALUE]...: 0 when every line of EXPECT is
# found in LOG; else 1 with EXPECT_MISSING set to what was not found.
expect_check() {
    local log=$1 expect=$2 line kv clean lo hi prefix got
    shift 2
    EXPECT_MISSING=
    if [ ! -r "$expect" ]; then
        EXPECT_MISSING="the expect file $expect (cannot read it)"
        return 1
    fi
    if [ ! -s "$log" ]; then
        EXPECT_MISSING="any output (the log is empty or missing)"
        return 1
    fi
    clean=$(mktemp) || return 1
    tr -d '\r' <"$log" >"$clean"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '' | '#'*) continue ;; esac
        for kv in "$@"; do
            line=${line//@${kv%%=*}@/${kv#*=}}
        done
        if [[ $line =~ @[A-Z0-9_]+@ ]]; then
            EXPECT_MISSING="a value for ${BASH_REMATCH[0]} (used in $expect)"
        elif [[ $line == '@range '* ]]; then
            read -r lo hi prefix <<<"${line#@range }"
            suffix=
            if [[ $prefix == *'{}'* ]]; then
                suffix=${prefix#*'{}'}
                prefix=${prefix%%'{}'*}
            fi
            got=$(PREFIX=$prefix SUFFIX=$suffix awk '
                index($0, ENVIRON["PREFIX"]) == 1 {
                    n = substr($0, length(ENVIRON["PREFIX"]) + 1)
                    s = ENVIRON["SUFFIX"]
                    if (length(s) && substr(n, length(n) - length(s) + 1) == s)
                        n = substr(n, 1, length(n) - length(s))
                    else if (length(s))
                        next
                    sub(/^[ \t]+/, "", n)
                    if (n ~ /^[0-9]+$/) { print n; exit } }' "$clean")
            if ! [[ $lo =~ ^[0-9]+$ && $hi =~ ^[0-9]+$ && -n $prefix ]]; then
                EXPECT_MISSING="a well-formed line, not \"$line\" (in $expect)"
            elif [ -z "$got" ]; then
                EXPECT_MISSING="\"$prefix<$lo..$hi>\""
            elif [ "$got" -lt "$lo" ] || [ "$got" -gt "$hi" ]; then
                EXPECT_MISSING="\"$prefix<$lo..$hi>\" (got $prefix$got)"
            fi
        elif ! grep -aFxq -- "$line" "$clean"; then
            EXPECT_MISSING="\"$line\""
        fi
        [ -z "$EXPECT_MISSING" ] || break
    done <"$expect"
    rm -f "$clean"
    [ -z "$EXPECT_MISSING" ]
}

# expect_lines LOG EXPECT [NAME=VALUE]...: check LOG against EXPECT and
# print `PASS: CASE` or `FAIL: CASE: missing LINE`, CASE being LOG's name
# without .log. Returns 0 on PASS.
expect_lines() {
    local name
    name=$(basename "$1" .log)
    if expect_check "$@"; then
        echo "PASS: $name"
        return 0
    fi
    echo "FAIL: $name: missing $EXPECT_MISSING in $1"
    return 1
}

# boot_case NAME EXPECT [OPTION VALUE]... [-- QEMU-ARG...]: one boot test
# case: boot with qemu_boot (the options are qemu_cmd's), then check the
# log against EXPECT with the NAME=VALUE pairs of the array EXPECT_VARS.
# Prints one PASS: or FAIL: line; a run that had to be killed fails even
# when its log is complete, since QEMU must end by itself.
boot_case() {
    local name=$1 expect=$2 status log why
    shift 2
    log=$QEMU_LOG_DIR/$name.log
    qemu_boot "$name" "$@"
    status=$?
    case $status in
    0) why= ;;
    124 | 137) why="QEMU did not end within its time limit" ;;
    125) why="no serial output for ${QEMU_STALL:-30} s, QEMU stopped" ;;
    126)
        echo "FAIL: $name: $QEMU_ERROR"
        return 1
        ;;
    *)
        why="QEMU exited with status $status:"
        why="$why $(grep -v '^ *$' "$QEMU_LOG_DIR/$name.stderr" | tail -n 1)"
        ;;
    esac
    if expect_check "$log" "$expect" "${EXPECT_VARS[@]}"; then
        if [ -z "$why" ]; then
            echo "PASS: $name (${QEMU_SECONDS} s)"
            return 0
        fi
        echo "FAIL: $name: $why (log $log)"
        return 1
    fi
    why="missing $EXPECT_MISSING${why:+; $why}$(log_last_line "$log")"
    echo "FAIL: $name: $why (log $log)"
    return 1
}

# log_last_line LOG: `; last line: "..."`, the last line of LOG with text
# in it (escape sequences and carriage returns removed, at most 100
# characters), where a loader's or the kernel's last words usually are;
# nothing for an empty log.
log_last_line() {
    local line
    line=$(sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g' "$1" 2>/dev/null |
        tr -cd '[:print:]\n' | grep -v '^[[:space:]]*$' | tail -n 1 |
        cut -c 1-100)
    [ -z "$line" ] || echo "; last line: \"$line\""
}

# selected NAME: true when NAME matches one of the globs in the array
# `patterns` (all names when it is empty or unset).
selected() {
    local p
    [ "${#patterns[@]}" -gt 0 ] 2>/dev/null || return 0
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053 # patterns are globs
        [[ $1 == $p ]] && return 0
    done
    return 1
}

# pass NAME, fail NAME WHY...: print `PASS: NAME` or `FAIL: NAME: WHY`
# and count it in `passed` or `failed`; last_status says which.
pass() {
    echo "PASS: $1"
    passed=$((passed + 1))
    last_status=pass
}

# shellcheck disable=SC2034 # last_status is the caller's
fail() {
    local name=$1
    shift
    echo "FAIL: $name: $*"
    failed=$((failed + 1))
    last_status=fail
}

# finish: the last line, `N passed, N failed`, and exit 1 when anything
# failed.
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# run NAME FUNCTION ARGS...: one case of a suite, FUNCTION NAME ARGS...,
# when selected NAME; with list_only=1 it only prints NAME. Counts the
# result in the caller's `passed` and `failed`.
run() {
    local name=$1 fn=$2
    shift 2
    selected "$name" || return 0
    if [ "$list_only" -eq 1 ]; then
        echo "$name"
        return 0
    fi
    if "$fn" "$name" "$@"; then
        passed=$((passed + 1))
        return 0
    fi
    failed=$((failed + 1))
    return 1
}

# parse_case_args ARGS...: a suite's command line: --list sets list_only,
# -h/--help prints the suite's lines 4-5 and exits, anything else is a
# case-name glob for run() (the array `patterns`).
parse_case_args() {
    local arg
    patterns=()
    list_only=0
    for arg in "$@"; do
        case $arg in
        --list) list_only=1 ;;
        -h | --help) sed -n '4,5p' "$0" | sed 's/^# //'; exit 0 ;;
        *) patterns+=("$arg") ;;
        esac
    done
}

# prepare KEY COMMAND...: run COMMAND once per run; its last line of
# stdout becomes VALUE[KEY], or its last line of stderr WHY_NOT[KEY] (two
# associative arrays of the caller); its stderr stays in
# $QEMU_LOG_DIR/prepare-KEY.err. True when VALUE[KEY] is set.
prepare() {
    local key=$1 out err=$QEMU_LOG_DIR/prepare-$1.err
    shift
    if [ -z "${VALUE[$key]+set}" ] && [ -z "${WHY_NOT[$key]+set}" ]; then
        mkdir -p "$QEMU_LOG_DIR"
        if out=$("$@" 2>"$err"); then
            VALUE[$key]=$(tail -n 1 <<<"$out")
        else
            WHY_NOT[$key]=$(grep -v '^ *$' "$err" | tail -n 1)
            [ -n "${WHY_NOT[$key]}" ] || WHY_NOT[$key]="$* failed"
        fi
    fi
    [ -n "${VALUE[$key]+set}" ]
}

# newer OUT INPUT...: true when OUT exists and is newer than every INPUT.
newer() {
    local out=$1 f
    shift
    [ -e "$out" ] || return 1
    for f in "$@"; do
        [ "$out" -nt "$f" ] || return 1
    done
}
