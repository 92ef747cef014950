#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench.sh: the boot benchmarks behind `make bench` (docs/benchmarks.md).
# Runs on the build machine, one QEMU at a time, under TCG (never KVM),
# each run headless with -no-reboot, -m 512 and under `timeout`. Compares
# bzboot (a disk image from build/mkdisk, with `trace on`) with QEMU's
# direct -kernel/-initrd/-append of the same files, on the same machine
# type and firmware, in cells of firmware x bus x initrd:
#
#   firmware  bios (SeaBIOS) or uefi (OVMF: -bios OVMF.fd on pc, the
#             pflash pair on q35)                         BENCH_FIRMWARES
#   bus       ide (-M pc, the first IDE port), ahci (-M q35, the chipset's
#             AHCI), virtio (-M pc, virtio-blk), nvme (-M q35)
#                                                              BENCH_BUSES
#   initrd    small: Debian's 6.1 amd64 kernel (fetch-kernel.sh) with the
#             test initramfs padded to 1 MiB (mkinitramfs.sh --mode test
#             --pad-to), QEMU start to BZTEST-BEGIN, the first line its
#             /init prints; big: the same padded to 64 MiB; probe: the
#             probe kernel (tests/probe) with 1 MiB of random bytes, to its
#             entry line, ours only: the loader's own cost; gpt: small
#             on a `mkdisk --gpt` image (the direct side is small's), to
#             set GPT against MBR in one run; hashes: big on a `mkdisk
#             --hashes` image (the direct side is big's), what checking
#             SHA-256 costs                               BENCH_SIZES
#
# serial-clock (tests/bench/serial-clock.c) starts QEMU with the serial
# port on a pipe, stamps every line as it arrives and stops QEMU at the
# marker. Each cell runs BENCH_RUNS times (default 5), ours and direct
# next to each other, in alternating order, round-robin over the cells, so
# that other load on the machine hits both sides of a pair alike. Per cell:
# the median of the per-pair ratios ours/direct, their min-max, and
# whether the cell is within its target (1.10 small, 1.15 big), over it,
# or cannot be told from it with the runs made (the min-max straddles it).
# The loader's `trace: phase` lines (docs/boot-protocol.md, 6) split our
# boot into firmware (QEMU start to the loader's start), loader (its start
# to the jump; of it, the time in disk reads and the loader's own) and
# kernel (the jump to the marker), and give each file's requests.
#
# Prints the tables and writes them to $BUILD/tests/bench/results.txt;
# every run's timestamped serial log stays in $BUILD/tests/bench/logs/.
# Exits 1 only when a cell could not run at all (and says which); slow
# results never fail. Environment: BUILD, QEMU, MKDISK, BENCH_RUNS,
# BENCH_TIMEOUT (seconds per run, default 120), BENCH_FIRMWARES (default
# "bios uefi"), BENCH_BUSES (default "ide ahci virtio nvme"), BENCH_SIZES
# (default "small big probe"; "small gpt" compares the layouts, "big
# hashes" the cost of --hashes), BENCH_CASES
# (shell globs on the cell names FW-BUS-INITRD, e.g. 'bios-virtio-*';
# default all).

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
FIRMWARES=${BENCH_FIRMWARES:-bios uefi}
BUSES=${BENCH_BUSES:-ide ahci virtio nvme}
SIZES=${BENCH_SIZES:-small big probe}
# The targets, ours/direct per cell (issue 15), and the loader's budget:
# its own time (start to jump, less the disk reads) at most this share of
# the cell's Debian boot (docs/benchmarks.md, "Budget").
declare -A TARGET=([small]=1.10 [big]=1.15 [gpt]=1.10 [hashes]=1.15)
BUDGET_PCT=5

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || lib_die "BENCH_RUNS=$RUNS: not a number of runs"
for fw in $FIRMWARES; do
    case $fw in bios | uefi) ;; *)
        lib_die "BENCH_FIRMWARES: $fw: not bios or uefi" ;; esac
done
for bus in $BUSES; do
    case $bus in ide | ahci | virtio | nvme) ;; *)
        lib_die "BENCH_BUSES: $bus: not ide, ahci, virtio or nvme" ;; esac
done
for size in $SIZES; do
    case $size in small | big | probe | gpt | hashes) ;; *)
        lib_die "BENCH_SIZES: $size: not small, big, probe, gpt or hashes" ;;
    esac
done
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

# disk NAME KERNEL INITRD [trace [gpt|hashes]]: a mkdisk image; with trace,
# its /bzboot.cfg says `trace on`; with gpt, it is partitioned by GPT; with
# hashes, the config pins the kernel and the initrd by SHA-256.
disk() {
    local out=$DIR/$1.img layout=()
    [ -x "$MKDISK" ] || { echo "$MKDISK missing (run \`make\`)" >&2; return 1; }
    case ${5:-} in gpt) layout=(--gpt) ;; hashes) layout=(--hashes) ;; esac
    rm -f "$out"
    "$MKDISK" -o "$out" --kernel "$2" --initrd "$3" --cmdline "$CMDLINE" \
        "${layout[@]}" >"$LOGS/mkdisk-$1.txt" 2>&1 ||
        { tail -n 1 "$LOGS/mkdisk-$1.txt" >&2; return 1; }
    if [ "${4:-}" = trace ]; then
        cfg_rewrite "$out" "$out" sed 's/^trace off/trace on/' || return 1
    fi
    echo "$out"
}

# machine BUS: the machine type each bus is measured on.
machine() {
    case $1 in ahci | nvme) echo q35 ;; *) echo pc ;; esac
}

# The cells: FW-BUS-INITRD; ours boots the trace image of INITRD.
CASES=()
declare -A KKEY IKEY TITLE
for fw in $FIRMWARES; do
    for bus in $BUSES; do
        for size in $SIZES; do
            CASES+=("$fw-$bus-$size")
            TITLE[$fw-$bus-$size]="$fw $bus $size"
        done
    done
done
KKEY=([small]=kernel [big]=kernel [probe]=probe [gpt]=kernel [hashes]=kernel)
IKEY=([small]=initrd-small [big]=initrd-big [probe]=probe-initrd
    [gpt]=initrd-small [hashes]=initrd-big)

# selected (lib.sh) picks the cells BENCH_CASES names, by glob.
set -f
# shellcheck disable=SC2206 # globs, split on blanks, not expanded here
patterns=(${BENCH_CASES:-})
set +f

# The inputs the selected cells need: WANT[key] is set for each.
declare -A WANT
for c in "${CASES[@]}"; do
    selected "$c" || continue
    size=${c##*-}
    for key in "${KKEY[$size]}" "${IKEY[$size]}" "trace-$size"; do
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

# disk_input KEY KERNEL-KEY INITRD-KEY [trace [gpt|hashes]]
disk_input() {
    local key=$1 k=$2 i=$3
    if [ -z "${WANT[$key]+set}" ]; then
        return 0
    elif [ -z "${VALUE[$k]+set}" ]; then
        WHY_NOT[$key]="$k: ${WHY_NOT[$k]}"
    elif [ -z "${VALUE[$i]+set}" ]; then
        WHY_NOT[$key]="$i: ${WHY_NOT[$i]}"
    else
        make_input "$key" disk "$key" "${VALUE[$k]}" "${VALUE[$i]}" "${@:4}"
    fi
}
disk_input trace-probe probe probe-initrd trace
disk_input trace-small kernel initrd-small trace
disk_input trace-big kernel initrd-big trace
disk_input trace-gpt kernel initrd-small trace gpt
disk_input trace-hashes kernel initrd-big trace hashes

# ---- runs ------------------------------------------------------------

# log_fields LOG MARKER: one run's numbers, from its stamped serial log
# (seconds since QEMU started) and our `trace: phase` lines (ms on the
# loader's clock), `-` for what is not there:
#   start    the loader's start: the jump line's stamp less its time
#   loader   its start to the jump (ms), disk: of it in disk reads (ms)
#   jump     the stamp of the jump line; console: of the kernel's first
#            line ("[    0.000000] Linux version ..."); marker: MARKER's
#   kreq kbytes kms kdisk   the kernel step: requests, bytes, ms, disk ms
#   ireq ibytes ims idisk   the initrd steps, summed
log_fields() {
    MARKER=$2 awk -F '\t' '
        function mark(k, t) { if (!(k in at)) at[k] = t }
        function ms(v) { return v + 0 }
        {
            t = $1; s = substr($0, length($1) + 2)
            if (s ~ /^\[ *[0-9]+\.[0-9]+\] /) mark("console", t)
            if (index(s, ENVIRON["MARKER"])) mark("marker", t)
            if (s !~ /^trace: phase /) next
            n = split(s, w, " ")
            if (n < 12 || w[11] != "requests") next
            disk += ms(w[9])
            if (w[3] == "kernel") {
                at["kreq"] = w[12]; at["kbytes"] = w[14]
                at["kms"] = ms(substr(w[6], 2)); at["kdisk"] = ms(w[9])
            } else if (w[3] == "initrd") {
                at["ireq"] += w[12]; at["ibytes"] += w[14]
                at["ims"] += ms(substr(w[6], 2)); at["idisk"] += ms(w[9])
            } else if (w[3] == "jump" && !("jump" in at)) {
                at["jump"] = t; at["loader"] = ms(w[4]); at["disk"] = disk
                at["start"] = sprintf("%.3f", t - w[4] / 1000)
            }
        }
        END {
            n = split("start loader disk jump console marker kreq kbytes kms kdisk ireq ibytes ims idisk", k, " ")
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
        IFS= read -r -d '' arg0 2>/dev/null <"$f" || continue
        [ "${arg0##*/}" != "$want" ] || n=$((n + 1))
    done
    echo "$n"
}

# one_run CELL SIDE RUN: boot once; append a line to $RAW, or print why
# not. SIDE is ours (the trace disk) or direct (-kernel -initrd).
one_run() {
    local cell=$1 side=$2 run=$3 fw bus size marker extra=() disk=()
    local log status others why qerr
    IFS=- read -r fw bus size <<<"$cell"
    marker=$DEBIAN_MARKER
    if [ "$size" = probe ]; then
        marker=$PROBE_MARKER
        # shellcheck disable=SC2054 # one QEMU argument, commas and all
        extra=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
    fi
    case $side in
    ours) disk=(--bus "$bus" --disk "${VALUE[trace-$size]}") ;;
    direct)
        disk=(--bus none)
        extra+=(-kernel "${VALUE[${KKEY[$size]}]}"
            -initrd "${VALUE[${IKEY[$size]}]}" -append "$CMDLINE") ;;
    esac
    if ! qemu_cmd "$cell" --fw "$fw" --machine "$(machine "$bus")" \
        --mem "$MEM_MB" --limit "$LIMIT" --serial stdio "${disk[@]}" \
        -- "${extra[@]}"; then
        echo "bench: $cell: $QEMU_ERROR"
        return 1
    fi
    log=$LOGS/$cell-$side-$run.log
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
        echo "bench: $cell $side run $run: no \"$marker\": $why${qerr:+ ($qerr)}; log $log"
        return 1
    fi
    echo "$cell $side $run $others $(log_fields "$log" "$marker")" >>"$RAW"
}

# A cell runs when all its inputs exist; else it is reported as not run.
declare -A CANNOT
for c in "${CASES[@]}"; do
    selected "$c" || continue
    size=${c##*-}
    for key in "${KKEY[$size]}" "${IKEY[$size]}" "trace-$size"; do
        if [ -z "${VALUE[$key]+set}" ]; then
            CANNOT[$c]="$key: ${WHY_NOT[$key]}"
            break
        fi
    done
    IFS=- read -r fw bus _ <<<"$c"
    qemu_cmd "$c" --fw "$fw" --machine "$(machine "$bus")" ||
        CANNOT[$c]=$QEMU_ERROR
done

load_start=$(cut -d ' ' -f 1-3 /proc/loadavg)
date_start=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "bench: $RUNS runs per cell, load average at start: $load_start"
# Warm the page cache, so that the first run does not read from the disk.
for v in "${VALUE[@]}"; do
    cat "$v" >/dev/null 2>&1
done

SECONDS=0
for run in $(seq 1 "$RUNS"); do
    for c in "${CASES[@]}"; do
        selected "$c" || continue
        [ -z "${CANNOT[$c]+set}" ] || continue
        if [ "${c##*-}" = probe ]; then
            one_run "$c" ours "$run"
        elif [ $((run % 2)) -eq 1 ]; then
            one_run "$c" ours "$run"
            one_run "$c" direct "$run"
        else
            one_run "$c" direct "$run"
            one_run "$c" ours "$run"
        fi
    done
    echo "bench: run $run of $RUNS done (${SECONDS} s)"
done
load_end=$(cut -d ' ' -f 1-3 /proc/loadavg)

# ---- report ----------------------------------------------------------

# Columns of $RAW: 1 cell, 2 side, 3 run, 4 other QEMUs, 5 start,
# 6 loader, 7 disk, 8 jump, 9 console, 10 marker, 11 kreq, 12 kbytes,
# 13 kms, 14 kdisk, 15 ireq, 16 ibytes, 17 ims, 18 idisk.

# stat CELL SIDE EXPR: "median min max count" of an awk expression over
# the runs of CELL's SIDE where it is defined (fields `-` skip a run).
stat() {
    awk -v c="$1" -v s="$2" '
        $1 == c && $2 == s {
            for (i = 5; i <= NF; i++) if ($i == "-") $i = ""
            x = '"$3"'
            if (x != "") v[n++] = x + 0
        }
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

# ratios CELL: "median min max pairs" of ours/direct over the runs that
# have both (a pair is one run number: the two boots ran back to back).
ratios() {
    awk -v c="$1" '
        $1 == c && $10 != "-" { t[$2, $3] = $10; runs[$3] = 1 }
        END {
            for (r in runs)
                if ((("ours", r) in t) && (("direct", r) in t))
                    v[n++] = t["ours", r] / t["direct", r]
            if (!n) { print "- - - 0"; exit }
            for (i = 1; i < n; i++)
                for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
                    x = v[j]; v[j] = v[j - 1]; v[j - 1] = x
                }
            m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            printf "%.3f %.3f %.3f %d\n", m, v[0], v[n - 1], n
        }' "$RAW"
}

# f3 V, f2 V, ms V: numbers as printed ("-" stays).
f3() { [ "$1" = - ] && echo - || printf '%.3f' "$1"; }
f2() { [ "$1" = - ] && echo - || printf '%.2f' "$1"; }
ms() { [ "$1" = - ] && echo - || printf '%.1f' "$1"; }

report() {
    local c size ours direct r rmin rmax pairs target verdict fmt
    local own pct loader disk debian
    echo "bzboot boot benchmark, $date_start"
    echo "machine: $(nproc) cores, $(grep -m 1 'model name' /proc/cpuinfo |
        cut -d : -f 2 | sed 's/^ *//'); $("$QEMU" --version | head -n 1)"
    echo "runs per cell: $RUNS; load average at start $load_start," \
        "at end $load_end; $((SECONDS / 60)) min $((SECONDS % 60)) s"
    echo "QEMU: TCG, -m $MEM_MB -net none; ide, virtio: -M pc; ahci, nvme:" \
        "-M q35; ours: the disk with \`trace on\`; direct: -kernel -initrd" \
        "-append on the same machine and firmware; cmdline \"$CMDLINE\""
    echo
    fmt='%-19s %7s %7s %6s %11s %6s %-15s %7s %7s %7s %6s\n'
    # shellcheck disable=SC2059
    printf "$fmt" cell "ours(s)" "dir(s)" ratio "min-max" target verdict \
        "fw(s)" "ldr(ms)" "own(ms)" "kern(s)"
    for c in "${CASES[@]}"; do
        size=${c##*-}
        selected "$c" || continue
        [ "$size" != probe ] || continue
        target=${TARGET[$size]}
        if [ -n "${CANNOT[$c]+set}" ]; then
            # shellcheck disable=SC2059
            printf "$fmt" "${TITLE[$c]}" - - - - "$target" \
                "not run: ${CANNOT[$c]}" - - - -
            continue
        fi
        read -r ours _ _ on <<<"$(stat "$c" ours '$10')"
        read -r direct _ _ dn <<<"$(stat "$c" direct '$10')"
        read -r r rmin rmax pairs <<<"$(ratios "$c")"
        if [ "$pairs" -eq 0 ]; then
            verdict="no pair"
        elif awk -v a="$rmax" -v t="$target" 'BEGIN { exit !(a <= t) }'; then
            verdict=within
        elif awk -v a="$rmin" -v t="$target" 'BEGIN { exit !(a > t) }'; then
            verdict=over
        else
            verdict="cannot tell"
        fi
        [ "$pairs" -eq "$RUNS" ] || verdict="$verdict ($pairs of $RUNS)"
        # shellcheck disable=SC2059
        printf "$fmt" "${TITLE[$c]}" "$(f3 "$ours")" "$(f3 "$direct")" \
            "$(f2 "$r")" "$(f2 "$rmin")-$(f2 "$rmax")" "$target" "$verdict" \
            "$(f3 "$(stat "$c" ours '$5' | cut -d ' ' -f 1)")" \
            "$(ms "$(stat "$c" ours '$6' | cut -d ' ' -f 1)")" \
            "$(ms "$(stat "$c" ours '($6 == "" || $7 == "") ? "" : $6 - $7' | cut -d ' ' -f 1)")" \
            "$(f3 "$(stat "$c" ours '($10 == "" || $8 == "") ? "" : $10 - $8' | cut -d ' ' -f 1)")"
    done
    cat <<'EOF'

ratio = median of the per-pair ratios ours/direct (a pair: the two boots of
one run, back to back); min-max = their range. verdict: within = every pair
at or below the target, over = every pair above it, cannot tell = the
range straddles the target with the runs made. Ours, medians: fw = QEMU
start to the loader's start; ldr = the loader, its start to the jump (its
phase lines); own = ldr less its disk reads; kern = the jump to the marker.
EOF
    echo
    echo "The loader's own cost (medians; budget: own <= $BUDGET_PCT% of" \
        "the cell's Debian boot, ours, 1 MiB initrd):"
    fmt='%-19s %8s %8s %8s %9s %8s %8s\n'
    # shellcheck disable=SC2059
    printf "$fmt" cell "ldr(ms)" "disk(ms)" "own(ms)" "debian(s)" "own%" budget
    for c in "${CASES[@]}"; do
        selected "$c" || continue
        [ -z "${CANNOT[$c]+set}" ] || continue
        loader=$(stat "$c" ours '$6' | cut -d ' ' -f 1)
        disk=$(stat "$c" ours '$7' | cut -d ' ' -f 1)
        own=$(stat "$c" ours '($6 == "" || $7 == "") ? "" : $6 - $7' |
            cut -d ' ' -f 1)
        debian=$(stat "${c%-*}-small" ours '$10' | cut -d ' ' -f 1)
        pct=- verdict=-
        if [ "$own" != - ] && [ "$debian" != - ]; then
            pct=$(awk -v o="$own" -v d="$debian" \
                'BEGIN { printf "%.1f%%", o / 10 / d }')
            verdict=$(awk -v o="$own" -v d="$debian" -v b="$BUDGET_PCT" \
                'BEGIN { print (o / 10 / d <= b ? "within" : "over") }')
        fi
        # shellcheck disable=SC2059
        printf "$fmt" "${TITLE[$c]}" "$(ms "$loader")" "$(ms "$disk")" \
            "$(ms "$own")" "$(f3 "$debian")" "$pct" "$verdict"
    done
    echo
    echo "Reading the files (ours, the first run that has them): requests," \
        "KiB per request, the step's ms and of it in disk reads:"
    fmt='%-19s %6s %8s %8s %8s   %6s %8s %8s %8s\n'
    # shellcheck disable=SC2059
    printf "$fmt" cell "kernel" "KiB/req" "ms" "disk ms" "initrd" "KiB/req" \
        "ms" "disk ms"
    for c in "${CASES[@]}"; do
        selected "$c" || continue
        [ -z "${CANNOT[$c]+set}" ] || continue
        awk -v c="$c" -v t="${TITLE[$c]}" -v fmt="$fmt" '
            function per(b, r) { return r > 0 ? sprintf("%.0f", b / 1024 / r) : "-" }
            function n1(v) { return v == "-" ? v : sprintf("%.1f", v) }
            $1 == c && $2 == "ours" && $11 != "-" && !done {
                printf fmt, t, $11, per($12, $11), n1($13), n1($14), $15,
                    per($16, $15), n1($17), n1($18)
                done = 1
            }' "$RAW"
    done
    others=$(awk '$4 > 0 { n++ } END { print n + 0 }' "$RAW")
    total=$(awk 'END { print NR }' "$RAW")
    echo "other QEMU processes were running at the start of $others of" \
        "$total runs"
}

# A cell whose runs all failed, ours or direct, could not run either.
for c in "${CASES[@]}"; do
    if ! selected "$c" || [ -n "${CANNOT[$c]+set}" ]; then
        continue
    fi
    on=$(awk -v c="$c" '$1 == c && $2 == "ours"' "$RAW" | wc -l)
    dn=$(awk -v c="$c" '$1 == c && $2 == "direct"' "$RAW" | wc -l)
    [ "${c##*-}" != probe ] || dn=1
    [ "$on" -gt 0 ] && [ "$dn" -gt 0 ] ||
        CANNOT[$c]="no run reached the marker (ours $on of $RUNS, direct $dn of $RUNS; logs in $LOGS)"
done

report | tee "$RESULTS"
status=0
for c in "${CASES[@]}"; do
    selected "$c" || continue
    if [ -n "${CANNOT[$c]+set}" ]; then
        echo "bench: error: ${TITLE[$c]}: could not run: ${CANNOT[$c]}" >&2
        status=1
    fi
done
echo "bench: results in $RESULTS, logs in $LOGS"
exit "$status"
