#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench.sh: the boot benchmarks behind `make bench` (docs/benchmarks.md).
# Runs on the build machine, one QEMU at a time, under TCG (never KVM),
# each run headless with -no-reboot, -m 512 and under `timeout`. Compares
# bzboot (a disk image from build/mkdisk) with QEMU's direct
# -kernel/-initrd/-append of the same files, under SeaBIOS (-M pc, the disk
# on the first IDE port, what -hda means) and OVMF (-bios OVMF.fd, the disk,
# against OVMF's own direct kernel boot with the same -bios):
#
#   probe entry         the probe kernel (tests/probe) with a 1 MiB initrd:
#                       QEMU start to its first serial line, printed at entry
#   debian 1MiB initrd  Debian's 6.1 amd64 kernel (fetch-kernel.sh) with the
#                       test initramfs padded to 1 MiB (mkinitramfs.sh
#                       --mode test --pad-to): QEMU start to BZTEST-BEGIN,
#                       the first line its /init prints
#   debian 64MiB initrd the same, padded to 64 MiB with random data
#
# serial-clock (tests/bench/serial-clock.c) starts QEMU with the serial
# port on a pipe, stamps every line as it arrives and stops QEMU at the
# marker. Each case runs BENCH_RUNS times (default 5), ours and direct
# next to each other, in alternating order, so that other load on the
# machine hits both; the table has the medians and ours/direct. Our
# loaders' own lines split our time into phases (firmware, config, kernel
# read, initrd read, hand-over to the kernel's first line, kernel to the
# marker); one more run per case with `trace on` in /bzboot.cfg, stopped
# at the hand-over, gives the number of disk reads (INT 13h calls or EFI
# file reads, and DMA commands) and splits the kernel phase at "trace: kernel".
#
# Prints the tables and writes them to $BUILD/tests/bench/results.txt;
# every run's timestamped serial log stays in $BUILD/tests/bench/logs/.
# Exits 1 only when a case could not run at all (and says which); slow
# results never fail. Environment: BUILD, QEMU, MKDISK, BENCH_RUNS,
# BENCH_TIMEOUT (seconds per run, default 120), BENCH_CASES (shell globs
# on the case names, e.g. 'bios-*'; default all).

set -uo pipefail
LIB_PROG=bench
# shellcheck source=../qemu/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

RUNS=${BENCH_RUNS:-5}
LIMIT=${BENCH_TIMEOUT:-120}
MKDISK=${MKDISK:-$BUILD/mkdisk}
CLOCK=$BUILD/tests/bench/serial-clock
PROBE=$BUILD/tests/probe/probe-default.bzImage
DIR=$BUILD/tests/bench
LOGS=$DIR/logs
QEMU_LOG_DIR=$LOGS
RESULTS=$DIR/results.txt
# One line per finished run: case side run status phase-times...
RAW=$DIR/runs.tsv
MEM_MB=512
CMDLINE="console=ttyS0,115200 panic=-1"
PROBE_MARKER="probe: variant="
DEBIAN_MARKER=BZTEST-BEGIN
SMALL_BYTES=$((1024 * 1024))
BIG_BYTES=$((64 * 1024 * 1024))

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || lib_die "BENCH_RUNS=$RUNS: not a number of runs"
[[ $LIMIT =~ ^[1-9][0-9]*$ ]] ||
    lib_die "BENCH_TIMEOUT=$LIMIT: not a number of seconds"
lib_need "$QEMU" qemu-system-x86
lib_need timeout coreutils
lib_need mcopy mtools
[ -x "$CLOCK" ] || lib_die "$CLOCK missing (run \`make bench\`)"

mkdir -p "$LOGS"
rm -f "$LOGS"/* "$RAW"
: >"$RAW"

# ---- inputs ----------------------------------------------------------

# WHY_NOT[input]: why an input could not be made; VALUE[input]: its path.
declare -A VALUE WHY_NOT

# make_input KEY COMMAND...: prepare (lib.sh) KEY when a selected case
# wants it; COMMAND prints the path it made as its last line.
make_input() {
    [ -z "${WANT[$1]+set}" ] || prepare "$@" || true
}

# initrd_padded NAME BYTES: the test initramfs (busybox, test-init, no
# payload) padded to BYTES with random data, so that the kernel has to
# take all of it: gzip stores random data as it is.
initrd_padded() {
    local out=$DIR/$1 bytes=$2 raw
    if ! newer "$out" tests/qemu/mkinitramfs.sh tests/qemu/lib.sh \
        tests/qemu/initramfs/test-init ||
        [ "$(stat -c %s "$out")" != "$bytes" ]; then
        bash tests/qemu/mkinitramfs.sh --arch amd64 --mode test \
            --payload-size 0 --pad-to "$bytes" --out "$out" >&2 || return 1
    fi
    # The kernel unpacks at least 98% of BYTES: the padding is random.
    raw=$(gzip -dc "$out" 2>/dev/null | wc -c)
    if [ "$raw" -lt $((bytes * 98 / 100)) ]; then
        echo "$out: unpacks to $raw bytes only, not ~$bytes" >&2
        return 1
    fi
    echo "$out"
}

# random_file NAME BYTES: BYTES random bytes (the probe's initrd).
random_file() {
    local out=$DIR/$1
    if [ "$(stat -c %s "$out" 2>/dev/null)" != "$2" ]; then
        head -c "$2" /dev/urandom >"$out.tmp" && mv "$out.tmp" "$out" ||
            return 1
    fi
    echo "$out"
}

# disk NAME KERNEL INITRD [trace]: a mkdisk image; with trace, a copy whose
# /bzboot.cfg says `trace on`.
disk() {
    local out=$DIR/$1.img
    [ -x "$MKDISK" ] || { echo "$MKDISK missing (run \`make\`)" >&2; return 1; }
    rm -f "$out"
    "$MKDISK" -o "$out" --kernel "$2" --initrd "$3" --cmdline "$CMDLINE" \
        >"$LOGS/mkdisk-$1.txt" 2>&1 ||
        { tail -n 1 "$LOGS/mkdisk-$1.txt" >&2; return 1; }
    if [ "${4:-}" = trace ]; then
        cfg_rewrite "$out" "$out" sed 's/^trace off/trace on/' || return 1
    fi
    echo "$out"
}

# The cases: name, firmware, kernel key, initrd key, disk key, marker.
CASES=(
    "bios-probe bios probe probe-initrd disk-probe probe"
    "bios-small bios kernel initrd-small disk-small debian"
    "bios-big bios kernel initrd-big disk-big debian"
    "uefi-probe uefi probe probe-initrd disk-probe probe"
    "uefi-small uefi kernel initrd-small disk-small debian"
    "uefi-big uefi kernel initrd-big disk-big debian"
)
declare -A TITLE=(
    [bios-probe]="bios probe entry"
    [bios-small]="bios debian 1MiB initrd"
    [bios-big]="bios debian 64MiB initrd"
    [uefi-probe]="uefi probe entry"
    [uefi-small]="uefi debian 1MiB initrd"
    [uefi-big]="uefi debian 64MiB initrd"
)
declare -A TARGET=(
    [bios-small]="<=1.10" [bios-big]="<=2.00"
    [uefi-small]="<=1.10" [uefi-big]="<=1.30"
)

# selected (lib.sh) picks the cases BENCH_CASES names, by glob.
# shellcheck disable=SC2206 # globs, split on blanks, not expanded here
set -f
patterns=(${BENCH_CASES:-})
set +f

# The inputs the selected cases need: WANT[key] is set for each.
declare -A WANT
for c in "${CASES[@]}"; do
    read -r name _ kkey ikey dkey _ <<<"$c"
    selected "$name" || continue
    for key in "$kkey" "$ikey" "$dkey" "trace-${dkey#disk-}"; do
        WANT[$key]=1
    done
done

echo "bench: making the inputs"
if [ -f "$PROBE" ]; then
    VALUE[probe]=$PROBE
else
    WHY_NOT[probe]="$PROBE missing (run \`make probe\`)"
fi
make_input probe-initrd random_file probe-initrd.bin "$SMALL_BYTES"
make_input kernel bash tests/qemu/fetch-kernel.sh amd64
make_input initrd-small initrd_padded initrd-1m.img "$SMALL_BYTES"
make_input initrd-big initrd_padded initrd-64m.img "$BIG_BYTES"

# disk_input KEY KERNEL-KEY INITRD-KEY [trace]
disk_input() {
    local key=$1 k=$2 i=$3
    if [ -z "${WANT[$key]+set}" ]; then
        return 0
    elif [ -z "${VALUE[$k]+set}" ]; then
        WHY_NOT[$key]="$k: ${WHY_NOT[$k]}"
    elif [ -z "${VALUE[$i]+set}" ]; then
        WHY_NOT[$key]="$i: ${WHY_NOT[$i]}"
    else
        make_input "$key" disk "$key" "${VALUE[$k]}" "${VALUE[$i]}" "${4:-}"
    fi
}
disk_input disk-probe probe probe-initrd
disk_input disk-small kernel initrd-small
disk_input disk-big kernel initrd-big
disk_input trace-probe probe probe-initrd trace
disk_input trace-small kernel initrd-small trace
disk_input trace-big kernel initrd-big trace

# ---- runs ------------------------------------------------------------

# phase_times LOG MARKER: the times (seconds since QEMU started) of the
# first line containing each landmark, `-` for one not seen:
#   loader  BIOS: "bzboot stage2:"; UEFI: OVMF's "BdsDxe: starting Boot"
#   kernel  "bzboot: loading /boot/vmlinuz" (the config has been read)
#   initrd  "bzboot: loading /boot/initrd-1.img" (the kernel has been read)
#   start   "bzboot: starting" (everything read; the hand-over follows)
#   console the kernel's first line ("[    0.000000] Linux version ...")
#   marker  MARKER
#   kread   "trace: kernel " (only with `trace on`: the kernel has been
#           read, the initrd is opened and placed next)
phase_times() {
    MARKER=$2 awk -F '\t' '
        function mark(k, t) { if (!(k in at)) at[k] = t }
        {
            t = $1; s = substr($0, length($1) + 2)
            if (index(s, "bzboot stage2:") || index(s, "BdsDxe: starting Boot"))
                mark("loader", t)
            if (index(s, "bzboot: loading /boot/vmlinuz")) mark("kernel", t)
            if (index(s, "bzboot: loading /boot/initrd-1.img"))
                mark("initrd", t)
            if (index(s, "bzboot: starting")) mark("start", t)
            if (s ~ /^\[ *[0-9]+\.[0-9]+\] /) mark("console", t)
            if (index(s, ENVIRON["MARKER"])) mark("marker", t)
            if (index(s, "trace: kernel ")) mark("kread", t)
        }
        END {
            n = split("loader kernel initrd start console marker kread", k, " ")
            for (i = 1; i <= n; i++)
                printf "%s%s", (k[i] in at ? at[k[i]] : "-"), (i < n ? " " : "\n")
        }' "$1"
}

# qemu_count: how many QEMU processes run now (none of ours is running
# between runs): the noise a run suffers. From /proc, without procps.
qemu_count() {
    local f arg0 n=0 want
    want=$(basename "$QEMU")
    for f in /proc/[0-9]*/cmdline; do
        IFS= read -r -d '' arg0 <"$f" 2>/dev/null || continue
        [ "${arg0##*/}" != "$want" ] || n=$((n + 1))
    done
    echo "$n"
}

# one_run CASE SIDE RUN: boot once; append a line to $RAW, or print why not.
# SIDE is ours (the disk), direct (-kernel) or trace (the trace disk).
one_run() {
    local name=$1 side=$2 run=$3 fw kkey ikey dkey kind marker extra=() disk=()
    local log status times others why qerr
    read -r _ fw kkey ikey dkey kind <<<"$(printf '%s\n' "${CASES[@]}" |
        awk -v n="$name" '$1 == n')"
    marker=$DEBIAN_MARKER
    if [ "$kind" = probe ]; then
        marker=$PROBE_MARKER
        # shellcheck disable=SC2054 # one QEMU argument, commas and all
        extra=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
    fi
    case $side in
    ours) disk=(--disk "${VALUE[$dkey]}") ;;
    trace)
        # The read count comes before the hand-over: stop there.
        marker="bzboot: starting"
        disk=(--disk "${VALUE[trace-${dkey#disk-}]}") ;;
    direct)
        disk=(--bus none)
        extra+=(-kernel "${VALUE[$kkey]}" -initrd "${VALUE[$ikey]}"
            -append "$CMDLINE") ;;
    esac
    # The disk on the first IDE port, what -hda means.
    if ! qemu_cmd "$name" --fw "$fw" --machine pc --mem "$MEM_MB" \
        --limit "$LIMIT" --serial stdio "${disk[@]}" -- "${extra[@]}"; then
        echo "bench: $name: $QEMU_ERROR"
        return 1
    fi
    log=$LOGS/$name-$side-$run.log
    others=$(qemu_count)
    "$CLOCK" --stop "$marker" -- "${QEMU_CMD[@]}" >"$log" \
        2>"${log%.log}.stderr"
    status=$?
    if [ "$status" -ne 0 ]; then
        why=$(tail -n 1 "$log" | cut -f 2)
        case $why in
        '#exit 124' | '#exit 137') why="not within $LIMIT s" ;;
        '#exit '*) why="QEMU exited with status ${why#\#exit }" ;;
        '#signal '*) why="QEMU killed by signal ${why#\#signal }" ;;
        *) why="serial-clock failed with status $status" ;;
        esac
        qerr=$(grep -v -e '^ *$' -e 'terminating on signal' \
            "${log%.log}.stderr" | tail -n 1)
        echo "bench: $name $side run $run: no \"$marker\": $why${qerr:+ ($qerr)}; log $log"
        return 1
    fi
    times=$(phase_times "$log" "$marker")
    echo "$name $side $run $others $times" >>"$RAW"
}

# kernel_col CASE: the column where "to kernel" ends: the kernel's first
# line (9), or for the probe, whose first line is its entry, the marker.
kernel_col() {
    case $1 in *-probe) echo 10 ;; *) echo 9 ;; esac
}

# A case runs when all its inputs exist; else it is reported as not run.
declare -A CANNOT
for c in "${CASES[@]}"; do
    read -r name fw kkey ikey dkey kind <<<"$c"
    selected "$name" || continue
    for key in "$kkey" "$ikey" "$dkey"; do
        if [ -z "${VALUE[$key]+set}" ]; then
            CANNOT[$name]="$key: ${WHY_NOT[$key]}"
            break
        fi
    done
    qemu_cmd "$name" --fw "$fw" || CANNOT[$name]=$QEMU_ERROR
done

load_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
date_start=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "bench: $RUNS runs per case, load average at start: $load_start"
# Warm the page cache, so that the first run does not read from the disk.
for v in "${VALUE[@]}"; do
    cat "$v" >/dev/null 2>&1
done

SECONDS=0
for run in $(seq 1 "$RUNS"); do
    for c in "${CASES[@]}"; do
        read -r name _ <<<"$c"
        selected "$name" || continue
        [ -z "${CANNOT[$name]+set}" ] || continue
        if [ $((run % 2)) -eq 1 ]; then
            one_run "$name" ours "$run"
            one_run "$name" direct "$run"
        else
            one_run "$name" direct "$run"
            one_run "$name" ours "$run"
        fi
    done
    echo "bench: run $run of $RUNS done (${SECONDS} s)"
done
# Trace runs: the number of disk reads (INT 13h calls or EFI file reads,
# and DMA commands), `trace: reads N` (older stage2: `disk: N INT 13h reads`).
declare -A READS
for c in "${CASES[@]}"; do
    read -r name _ <<<"$c"
    if ! selected "$name" || [ -n "${CANNOT[$name]+set}" ]; then
        continue
    fi
    one_run "$name" trace 1 &&
        READS[$name]=$(sed -n -E -e 's/.*trace: reads ([0-9]+).*/\1/p' \
            -e 's/.*disk: ([0-9]+) INT 13h reads.*/\1/p' \
            "$LOGS/$name-trace-1.log" | head -n 1)
done
load_end=$(cut -d ' ' -f 1-3 /proc/loadavg)

# ---- report ----------------------------------------------------------

# stats CASE SIDE COLUMN: "median min max count" of one column of $RAW
# (5 = loader ... 10 = marker), over the runs that have it.
stats() {
    awk -v c="$1" -v s="$2" -v col="$3" '
        $1 == c && $2 == s && $col != "-" { v[n++] = $col + 0 }
        END {
            if (!n) { print "- - - 0"; exit }
            for (i = 1; i < n; i++)
                for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
                    t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
                }
            m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            print m, v[0], v[n - 1], n
        }' "$RAW"
}

# phase_median CASE SIDE FROM TO: median of TO - FROM over the runs with
# both columns (0 = QEMU start).
phase_median() {
    awk -v c="$1" -v s="$2" -v a="$3" -v b="$4" '
        $1 == c && $2 == s && (a == 0 || $a != "-") && $b != "-" {
            v[n++] = $b - (a == 0 ? 0 : $a)
        }
        END {
            if (!n) { print "-"; exit }
            for (i = 1; i < n; i++)
                for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
                    t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
                }
            m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            printf "%.3f\n", m
        }' "$RAW"
}

report() {
    local c name ours direct ratio best target spread o d
    local fmt='%-27s %8s %9s %6s %7s %4s %10s %s\n'
    echo "bzboot boot benchmark, $date_start"
    echo "machine: $(nproc) cores, $(grep -m 1 'model name' /proc/cpuinfo |
        cut -d : -f 2 | sed 's/^ *//'); $("$QEMU" --version | head -n 1)"
    echo "runs per case: $RUNS (medians); load average at start $load_start," \
        "at end $load_end; $((SECONDS / 60)) min $((SECONDS % 60)) s"
    echo "QEMU: TCG, -M pc -m $MEM_MB -net none; ours: -drive if=ide" \
        "(= -hda); direct: -kernel -initrd -append; cmdline \"$CMDLINE\""
    echo
    # shellcheck disable=SC2059
    printf "$fmt" case "ours(s)" "direct(s)" ratio target met "ratio(min)" \
        "spread ours/direct"
    for c in "${CASES[@]}"; do
        read -r name _ <<<"$c"
        selected "$name" || continue
        target=${TARGET[$name]:--}
        if [ -n "${CANNOT[$name]+set}" ]; then
            # shellcheck disable=SC2059
            printf "$fmt" "${TITLE[$name]}" - - - "$target" - - \
                "not run: ${CANNOT[$name]}"
            continue
        fi
        read -r o omin omax on <<<"$(stats "$name" ours 10)"
        read -r d dmin dmax dn <<<"$(stats "$name" direct 10)"
        ours=$(printf '%.3f' "$o")
        direct=$(printf '%.3f' "$d")
        ratio=$(awk -v a="$o" -v b="$d" 'BEGIN { printf "%.2f", a / b }')
        best=$(awk -v a="$omin" -v b="$dmin" 'BEGIN { printf "%.2f", a / b }')
        met=-
        [ "$target" = - ] || met=$(awk -v r="$ratio" -v t="${target#<=}" \
            'BEGIN { print (r <= t ? "yes" : "no") }')
        spread=$(awk -v a="$omin" -v b="$omax" -v m="$o" -v c="$dmin" \
            -v e="$dmax" -v n="$d" \
            'BEGIN { printf "%.0f%%/%.0f%%", 100 * (b - a) / m, 100 * (e - c) / n }')
        [ "$on" -eq "$RUNS" ] && [ "$dn" -eq "$RUNS" ] ||
            spread="$spread (runs: ours $on, direct $dn of $RUNS)"
        # shellcheck disable=SC2059
        printf "$fmt" "${TITLE[$name]}" "$ours" "$direct" "$ratio" \
            "$target" "$met" "$best" "$spread"
    done
    echo
    echo "ratio = median ours / median direct; ratio(min) = fastest ours /" \
        "fastest direct,"
    echo "the least disturbed runs; spread = (max - min) / median."
    echo
    echo "Where the time goes (medians, seconds from the previous landmark):"
    fmt='%-27s %-6s %8s %7s %7s %7s %8s %8s %7s\n'
    # shellcheck disable=SC2059
    printf "$fmt" case side firmware config kernel initrd "to kernel" \
        "to marker" total
    for c in "${CASES[@]}"; do
        read -r name _ <<<"$c"
        selected "$name" || continue
        [ -z "${CANNOT[$name]+set}" ] || continue
        # Columns: 5 loader, 6 kernel, 7 initrd, 8 start, 9 console, 10 marker.
        # shellcheck disable=SC2059
        printf "$fmt" "${TITLE[$name]}" ours "$(phase_median "$name" ours 0 5)" \
            "$(phase_median "$name" ours 5 6)" \
            "$(phase_median "$name" ours 6 7)" \
            "$(phase_median "$name" ours 7 8)" \
            "$(phase_median "$name" ours 8 "$(kernel_col "$name")")" \
            "$(phase_median "$name" ours 9 10)" \
            "$(phase_median "$name" ours 0 10)"
        # shellcheck disable=SC2059
        printf "$fmt" "" direct - - - - \
            "$(phase_median "$name" direct 0 "$(kernel_col "$name")")" \
            "$(phase_median "$name" direct 9 10)" \
            "$(phase_median "$name" direct 0 10)"
    done
    cat <<'EOF'

  firmware   QEMU start to the loader's first line (BIOS: "bzboot stage2:",
             after SeaBIOS and stage1; UEFI: OVMF's "BdsDxe: starting Boot")
  config     to "bzboot: loading /boot/vmlinuz": FAT volume, /bzboot.cfg
             and the kernel's header read (UEFI: BOOTX64.EFI started too)
  kernel     reading the bzImage and opening the initrd, to "bzboot:
             loading /boot/initrd-1.img"
  initrd     reading the initrd, to "bzboot: starting ..."
  to kernel  hand-over (UEFI: ExitBootServices), decompression and early
             setup, to the kernel's first console line (probe: to its entry
             line); direct: everything from QEMU start to that line
  to marker  the kernel's first line to the first line of /init
EOF
    echo
    echo "Reading the files: rates = file size / median phase (the kernel"
    echo "phase includes opening the initrd); the rest comes from one run with"
    echo "\`trace on\`: disk reads (INT 13h calls or EFI file reads, and DMA"
    echo "commands), the kernel read alone and the initrd's opening (to"
    echo "\"trace: kernel\", after):"
    fmt='%-27s %7s %7s %7s %7s %7s %7s\n'
    # shellcheck disable=SC2059
    printf "$fmt" case "kernel" "initrd" reads "KiB" "kernel" "initrd"
    # shellcheck disable=SC2059
    printf "$fmt" "" "MiB/s" "MiB/s" "" "/read" "read(s)" "open(s)"
    for c in "${CASES[@]}"; do
        read -r name fw kkey ikey _ <<<"$c"
        if ! selected "$name" || [ -n "${CANNOT[$name]+set}" ]; then
            continue
        fi
        awk -v n="${TITLE[$name]}" -v r="${READS[$name]:--}" -v fmt="$fmt" \
            -v ks="$(stat -c %s "${VALUE[$kkey]}")" \
            -v kt="$(phase_median "$name" ours 6 7)" \
            -v is="$(stat -c %s "${VALUE[$ikey]}")" \
            -v it="$(phase_median "$name" ours 7 8)" \
            -v kr="$(phase_median "$name" trace 6 11)" \
            -v io="$(phase_median "$name" trace 11 7)" '
            function rate(b, t) {
                return t != "-" && t > 0 ? sprintf("%.1f", b / 1048576 / t) : "-"
            }
            BEGIN {
                per = "-"
                if (r != "-" && r > 0)
                    per = sprintf("%.0f", (ks + is) / 1024 / r)
                printf fmt, n, rate(ks, kt), rate(is, it), r, per, kr, io
            }'
    done
    others=$(awk '$2 != "trace" && $4 > 0 { n++ } END { print n + 0 }' "$RAW")
    total=$(awk '$2 != "trace" { n++ } END { print n + 0 }' "$RAW")
    echo "other QEMU processes were running at the start of $others of" \
        "$total runs"
}

# A case whose runs all failed, ours or direct, could not run either.
for c in "${CASES[@]}"; do
    read -r name _ <<<"$c"
    if ! selected "$name" || [ -n "${CANNOT[$name]+set}" ]; then
        continue
    fi
    on=$(awk -v c="$name" '$1 == c && $2 == "ours"' "$RAW" | wc -l)
    dn=$(awk -v c="$name" '$1 == c && $2 == "direct"' "$RAW" | wc -l)
    [ "$on" -gt 0 ] && [ "$dn" -gt 0 ] ||
        CANNOT[$name]="no run reached the marker (ours $on of $RUNS, direct $dn of $RUNS; logs in $LOGS)"
done

report | tee "$RESULTS"
status=0
for c in "${CASES[@]}"; do
    read -r name _ <<<"$c"
    selected "$name" || continue
    if [ -n "${CANNOT[$name]+set}" ]; then
        echo "bench: error: ${TITLE[$name]}: could not run: ${CANNOT[$name]}" >&2
        status=1
    fi
done
echo "bench: results in $RESULTS, logs in $LOGS"
exit "$status"
