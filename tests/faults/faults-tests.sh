#!/bin/bash
# SPDX-License-Identifier: MIT
#
# faults-tests.sh [--list] [CASE-PATTERN...]: the loaders on bad input and
# failing disks. Runs on the build machine, one QEMU at a time, under TCG,
# headless, with -no-reboot and under a timeout. Every case boots a disk
# image from build/mkdisk (the probe kernel of tests/probe/ and a 4 KiB
# initrd) that was then broken on purpose with mtools or a byte patch, and
# checks the loader's serial output against tests/faults/LOADER-CASE.expect
# (the format of tests/qemu/lib.sh: whole lines, @NAME@ filled in here).
#
#   bios-CASE   stage2 under SeaBIOS (-M pc, the disk on IDE)
#   uefi-CASE   BOOTX64.EFI under OVMF (-bios OVMF.fd, -M pc, IDE)
#
# The faults; the loader must print its message, then wait: a
# `bzboot: ... press ... key` line and nothing after it for FAULTS_QUIET
# seconds, QEMU still running (no loop, no reboot by itself):
#   config-missing          /bzboot.cfg deleted
#   config-unknown-keyword  a typo on line 4 of /bzboot.cfg: the message
#                           must name the line
#   config-no-entry         /bzboot.cfg without any entry: an error of the
#                           whole file, with no line to name
#   kernel-missing          /boot/vmlinuz deleted
#   kernel-empty            /boot/vmlinuz is 0 bytes
#   kernel-truncated        the first half of the bzImage (syssize check)
#   kernel-random           64 KiB of random bytes instead of a kernel
#   kernel-no-hdrs          the bzImage with "HdrS" broken
#   initrd-missing          /boot/initrd-1.img deleted
#   initrd-too-big          a 200 MiB initrd with -m 128
#   fat-free-cluster        a free cluster inside the kernel's FAT chain
#   fat-loop                the kernel's chain points back into itself
#   fat-out-of-range        the chain names a cluster past the volume's end
#   gpt-bad-crc             (bios only) a GPT image (mkdisk --gpt) with a
#                           bit of both headers' CRC32 flipped: one line
#                           naming both headers and what is wrong
#   disk-read-error         QEMU's blkdebug fails every read of one sector
#                           inside the kernel: the DMA read of it fails
#                           (one line, then the firmware for the rest of
#                           the boot), then stage2 must show its three
#                           INT 13h attempts (each LBA range printed holds
#                           that sector), BOOTX64.EFI its three file
#                           reads, then name the file
# Trust (README, "Trust"): images from mkdisk --hashes or
# --enroll-config; the expected hashes come from sha256sum:
#   hash-kernel             --hashes, then a kernel with one byte changed
#                           in its protected-mode part copied over it
#   hash-initrd             --hashes, then another 4 KiB initrd
#   enrolled-config-edited  --enroll-config, then /bzboot.cfg with
#                           "timeout 0" made "timeout 1"
#   enrolled-unpinned       --enroll-config, then a config whose initrd
#                           has no hash, enrolled by hand: its SHA-256
#                           written after the marker in stage2 (on the
#                           disk) and in BOOTX64.EFI (copied out and back)
# Booting through a fault:
#   disk-read-error-once    a sector of the kernel and two of the initrd
#                           fail once each: the DMA read of the kernel
#                           fails and the firmware reads it again; the
#                           initrd's firmware reads fail once each and are
#                           retried; the kernel boots
#   enrolled-boots          --enroll-config, untouched: the kernel boots
# The wait and the keys (keys go in on the serial line, a FIFO pair behind
# QEMU's `-serial pipe:`; both loaders read COM1):
#   key-reboot              no config: nothing new for FAULTS_WAIT seconds,
#                           then a key reboots (QEMU exits: -no-reboot)
#   next-entry              two entries, the first broken: any key boots
#                           the second (the probe kernel, which exits QEMU
#                           with its verdict through isa-debug-exit)
#   next-entry-reboot       the same, but R reboots
#   all-entries-broken      two broken entries: a key tries the second,
#                           then the loader says none could be booted and
#                           waits again
#
# Each case prints one `PASS: name` or `FAIL: name: why` line; the run ends
# with `N passed, N failed` (exit 1 when anything failed). Logs and images
# stay in build/tests/faults/. Environment: BUILD, QEMU, MKDISK, PROBE (the
# probe kernel), BIOS_TIMEOUT (30 s), UEFI_TIMEOUT (60 s), QEMU_STALL (15 s
# of silence before any prompt stops a run; must outlast the firmware's
# silent start), FAULTS_QUIET (1 s), FAULTS_WAIT (5 s).

set -uo pipefail
# shellcheck disable=SC2034 # read by lib.sh
LIB_PROG=faults-tests
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

here=tests/faults
dir=$BUILD/tests/faults
QEMU_LOG_DIR=$dir/logs
MKDISK=${MKDISK:-$BUILD/mkdisk}
PROBE=${PROBE:-$BUILD/tests/probe/probe-default.bzImage}
BIOS_TIMEOUT=${BIOS_TIMEOUT:-30}
UEFI_TIMEOUT=${UEFI_TIMEOUT:-60}
QEMU_STALL=${QEMU_STALL:-15}
FAULTS_QUIET=${FAULTS_QUIET:-1}
FAULTS_WAIT=${FAULTS_WAIT:-5}
# After a key, what a loader does next shows within this many seconds.
KEY_STALL=3
export MTOOLS_SKIP_CHECK=1

# The probe's verdict through isa-debug-exit: (value << 1) | 1.
PROBE_EXIT_PASS=33
PROBE_EXIT_FAIL=35
# QEMU's exit status when the guest resets under -no-reboot.
QEMU_EXIT_RESET=0
CMDLINE="console=ttyS0,115200 bzfaults"

# A loader waiting for a key says so on a line of its own.
PROMPT_RE='^bzboot: .*[Pp]ress .*key'

parse_case_args "$@"

passed=0
failed=0

# header_value HEADER NAME: a number #defined in common/HEADER.
header_value() {
    local v
    v=$(sed -n "s/^#define[[:space:]]\+$2[[:space:]]\+\([0-9a-fx]\+\)$/\1/p" \
        "common/$1")
    [ -n "$v" ] || lib_die "no $2 in common/$1"
    echo $((v))
}
PART_OFFSET=$(($(header_value layout.h PARTITION_START_LBA) * 512))

# ---- reading and patching images ---------------------------------------

# le_read FILE OFFSET BYTES: an unsigned little-endian number.
le_read() {
    local b v=0 i=0
    for b in $(od -An -tu1 -j "$2" -N "$3" "$1"); do
        v=$((v | b << (8 * i)))
        i=$((i + 1))
    done
    echo "$v"
}

# le32_write FILE OFFSET VALUE: four bytes, in place.
le32_write() {
    # shellcheck disable=SC2059 # the format is the bytes, as octal escapes
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($3 & 255)) \
        $(($3 >> 8 & 255)) $(($3 >> 16 & 255)) $(($3 >> 24 & 255)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# bytes_write FILE OFFSET TEXT: TEXT's bytes, in place.
bytes_write() {
    printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# fat_geometry IMG: from the FAT32 BPB (Microsoft's FAT specification):
# FAT_FIRST (byte offset of FAT 0 in IMG), FAT_BYTES (one FAT), FAT_COUNT,
# DATA_LBA (cluster 2, whole-disk LBA), SPC and CLUSTERS (data clusters).
fat_geometry() {
    local img=$1 b=$PART_OFFSET rsvd fatsz total
    rsvd=$(le_read "$img" $((b + 0x0e)) 2)		# BPB_RsvdSecCnt
    FAT_COUNT=$(le_read "$img" $((b + 0x10)) 1)	# BPB_NumFATs
    fatsz=$(le_read "$img" $((b + 0x24)) 4)		# BPB_FATSz32
    total=$(le_read "$img" $((b + 0x20)) 4)		# BPB_TotSec32
    SPC=$(le_read "$img" $((b + 0x0d)) 1)		# BPB_SecPerClus
    FAT_FIRST=$((b + rsvd * 512))
    FAT_BYTES=$((fatsz * 512))
    DATA_LBA=$((PART_OFFSET / 512 + rsvd + FAT_COUNT * fatsz))
    CLUSTERS=$(((total - rsvd - FAT_COUNT * fatsz) / SPC))
}

# fat_set IMG CLUSTER VALUE: the FAT32 entry of CLUSTER, in every FAT.
fat_set() {
    local n
    fat_geometry "$1"
    for ((n = 0; n < FAT_COUNT; n++)); do
        le32_write "$1" $((FAT_FIRST + n * FAT_BYTES + 4 * $2)) "$3"
    done
}

# first_run IMG PATH: FIRST and LAST, the first run of consecutive
# clusters of PATH (mshowfat prints "::/boot/vmlinuz <6-6226>").
first_run() {
    local out
    out=$(mshowfat -i "$1@@$PART_OFFSET" "::$2") || return 1
    [[ $out =~ \<([0-9]+)(-([0-9]+))?\> ]] || return 1
    FIRST=${BASH_REMATCH[1]}
    LAST=${BASH_REMATCH[3]:-$FIRST}
}

# file_sector IMG PATH N: the whole-disk LBA of sector N of the file at
# PATH, which must lie in the file's first run of clusters.
file_sector() {
    first_run "$1" "$2" && fat_geometry "$1" || return 1
    [ $(((LAST - FIRST + 1) * SPC)) -gt "$3" ] || return 1
    echo $((DATA_LBA + (FIRST - 2) * SPC + $3))
}

# kernel_sector IMG N: the same for the kernel, /boot/vmlinuz.
kernel_sector() {
    file_sector "$1" /boot/vmlinuz "$2"
}

# ---- inputs, each made once per run ------------------------------------

# IMAGE[case]: the image made for a case; WHY_NOT[case]: why it could not.
declare -A IMAGE WHY_NOT
# Values a case's expect file needs: "NAME=VALUE ...".
declare -A VARS

# base_image: the image every case starts from. Sets PROBE_SIZE,
# PROBE_SETUP_BYTES (the real-mode part: boot sector and setup) and
# PROBE_PROTOCOL, from the probe's header. Prints why on failure.
base_image() {
    local img=$dir/base.img v
    [ -x "$MKDISK" ] || { echo "$MKDISK is missing (run make)"; return 1; }
    kernel_is_bzimage "$PROBE" ||
        { echo "$PROBE is missing or not a bzImage (run make)"; return 1; }
    PROBE_SIZE=$(stat -c %s "$PROBE")
    v=$(le_read "$PROBE" $((0x1f1)) 1)	# boot.rst: setup_sects, 0 means 4
    [ "$v" -ne 0 ] || v=4
    PROBE_SETUP_BYTES=$(((v + 1) * 512))
    v=$(le_read "$PROBE" $((0x206)) 2)	# boot.rst: version
    PROBE_PROTOCOL=$(printf '%u.%02u' $((v >> 8)) $((v & 255)))
    head -c 4096 /dev/urandom >"$dir/initrd-small.img"
    rm -f "$img"
    "$MKDISK" -o "$img" --kernel "$PROBE" --initrd "$dir/initrd-small.img" \
        --cmdline "$CMDLINE" >"$dir/base.mkdisk.txt" 2>&1 ||
        { tail -n 1 "$dir/base.mkdisk.txt"; return 1; }
}

# mput IMG FILE PATH: put FILE at PATH in IMG's FAT partition, replacing.
mput() {
    mcopy -o -i "$1@@$PART_OFFSET" "$2" "::$3"
}

# sha256_of FILE: its SHA-256 in hex, by coreutils.
sha256_of() {
    sha256sum "$1" | cut -d' ' -f1
}

# mkdisk_trust IMG OPTION TMP: the base image's inputs, with --hashes or
# --enroll-config.
mkdisk_trust() {
    rm -f "$1" && "$MKDISK" -o "$1" --kernel "$PROBE" \
        --initrd "$dir/initrd-small.img" --cmdline "$CMDLINE" "$2" \
        >"$3.txt" 2>&1
}

# enroll_by_hand IMG HASH TMP: write HASH (hex) after the enrolled-config
# marker (common/config.h) of stage2 in the gap before the partition, and
# of /EFI/BOOT/BOOTX64.EFI, as mkdisk --enroll-config does.
enroll_by_hand() {
    local img=$1 bytes at marker=bzboot-cfg-hash:
    # shellcheck disable=SC2059 # the format is the bytes, as \x escapes
    bytes=$(printf '%s' "$2" | sed 's/../\\x&/g')
    at=$(head -c "$PART_OFFSET" "$img" | grep -obUaF "$marker" |
        cut -d: -f1) || return 1
    [ "$(wc -w <<<"$at")" -eq 1 ] || return 1
    printf "$bytes" | dd of="$img" bs=1 seek=$((at + ${#marker})) \
        conv=notrunc status=none || return 1
    mcopy -n -i "$img@@$PART_OFFSET" ::/EFI/BOOT/BOOTX64.EFI "$3.efi" &&
        at=$(grep -obUaF "$marker" "$3.efi" | cut -d: -f1) &&
        [ "$(wc -w <<<"$at")" -eq 1 ] || return 1
    printf "$bytes" | dd of="$3.efi" bs=1 seek=$((at + ${#marker})) \
        conv=notrunc status=none &&
        mput "$img" "$3.efi" /EFI/BOOT/BOOTX64.EFI && rm -f "$3.efi"
}

# config_two KERNEL1 KERNEL2: a config with two entries, the first default.
config_two() {
    cat <<EOF
# two entries: the first is booted, the second is the fallback
timeout 0
entry first
	kernel $1
	initrd /boot/initrd-1.img
	cmdline $CMDLINE
entry second
	kernel $2
	initrd /boot/initrd-1.img
	cmdline $CMDLINE
EOF
}

# blkdebug_conf FILE ONCE LBA...: a blkdebug config that fails reads of
# each LBA with EIO, every time (ONCE off) or the first time (on).
blkdebug_conf() {
    local file=$1 once=$2 lba
    shift 2
    : >"$file"
    for lba in "$@"; do
        printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >>"$file"
        printf 'sector = "%s"\nonce = "%s"\n\n' "$lba" "$once" >>"$file"
    done
}

# break_image CASE IMG TMP: break IMG (a copy of the base image) the way
# CASE says; TMP is a scratch file. Sets VARS[CASE].
break_image() {
    local c=$1 img=$2 tmp=$3 m="$2@@$PART_OFFSET" half syssize lba lba2 lba3
    case $c in
    config-missing | key-reboot)
        mdel -i "$m" ::/bzboot.cfg ;;
    config-no-entry)
        printf '# no entry at all\ntimeout 0\n' >"$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg ;;
    config-unknown-keyword)
        printf '# line 1\ndefault linux\ntimeout 0\ntiemout 0\n%s\n%s\n' \
            "entry linux" "	kernel /boot/vmlinuz" >"$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg ;;
    kernel-missing)
        mdel -i "$m" ::/boot/vmlinuz ;;
    kernel-empty)
        : >"$tmp" && mput "$img" "$tmp" /boot/vmlinuz ;;
    kernel-truncated)
        half=$((PROBE_SIZE / 2))
        syssize=$(le_read "$PROBE" $((0x1f4)) 4)	# boot.rst: syssize
        VARS[$c]="HALF_KBYTES=$((half - PROBE_SETUP_BYTES))"
        VARS[$c]+=" SYSBYTES=$((syssize * 16))"
        head -c "$half" "$PROBE" >"$tmp" && mput "$img" "$tmp" /boot/vmlinuz ;;
    kernel-random)
        # Random, but never by chance 0xAA55 at 0x1fe or "HdrS" at 0x202.
        head -c 65536 /dev/urandom >"$tmp" &&
            bytes_write "$tmp" $((0x1fe)) NOPE &&
            bytes_write "$tmp" $((0x202)) NOPE &&
            mput "$img" "$tmp" /boot/vmlinuz ;;
    kernel-no-hdrs)
        cp "$PROBE" "$tmp" && bytes_write "$tmp" $((0x202)) HdrX &&
            mput "$img" "$tmp" /boot/vmlinuz ;;
    initrd-missing)
        mdel -i "$m" ::/boot/initrd-1.img ;;
    initrd-too-big)
        # boot.rst: initrd_addr_max at 0x22c.
        VARS[$c]="KIB=$((200 << 10)) ADDR_MAX=$(printf '0x%08x' \
            "$(le_read "$PROBE" $((0x22c)) 4)")"
        # Sparse here; mcopy writes its 200 MiB of zeros, which fallocate
        # then gives back to the file system.
        rm -f "$img" && truncate -s 200M "$tmp" &&
            "$MKDISK" -o "$img" --kernel "$PROBE" --initrd "$tmp" \
                --cmdline "$CMDLINE" >"$tmp.txt" 2>&1 &&
            { fallocate --dig-holes "$img" 2>/dev/null || :; } ;;
    fat-free-cluster | fat-loop | fat-out-of-range)
        first_run "$img" /boot/vmlinuz && [ $((LAST - FIRST)) -gt 300 ] &&
            fat_geometry "$img" || return 1
        case $c in
        fat-free-cluster) fat_set "$img" $((FIRST + 100)) 0 ;;
        fat-loop) fat_set "$img" $((FIRST + 200)) $((FIRST + 100)) ;;
        # Data clusters are 2 .. CLUSTERS + 1: the first number past them.
        fat-out-of-range) fat_set "$img" $((FIRST + 300)) $((CLUSTERS + 2)) ;;
        esac ;;
    disk-read-error)
        # A sector 1000 sectors into the kernel: its protected-mode part.
        lba=$(kernel_sector "$img" 1000) || return 1
        VARS[$c]="BAD_LBA=$lba"
        blkdebug_conf "$dir/$c.blkdebug" off "$lba" ;;
    disk-read-error-once)
        # One in the kernel's protected-mode part, two in a 1 MiB initrd,
        # all away from the directories and the EFI loader (a firmware may
        # read them and their neighbours in one go). stage2 (disk.c): the
        # DMA read of the kernel meets the first, says so and reads through
        # INT 13h from then on (the sector reads fine now); a full-sized
        # INT 13h read of the initrd meets the second and disk.c falls
        # back to smaller reads; a later chunk meets the third and is
        # retried. BOOTX64.EFI (efi/ata.c) stays on DMA and tries each
        # read up to three times: the kernel's second try reads it, the
        # initrd's third.
        head -c 1048576 /dev/urandom >"$tmp" &&
            mput "$img" "$tmp" /boot/initrd-1.img &&
            lba=$(kernel_sector "$img" 1000) &&
            lba2=$(file_sector "$img" /boot/initrd-1.img 700) &&
            lba3=$(file_sector "$img" /boot/initrd-1.img 1500) || return 1
        VARS[$c]="BAD_LBA=$lba BAD_LBA3=$lba3"
        blkdebug_conf "$dir/$c.blkdebug" on "$lba" "$lba2" "$lba3" ;;
    hash-kernel)
        cp "$PROBE" "$tmp" && mkdisk_trust "$img" --hashes "$tmp" &&
            bytes_write "$tmp" $((PROBE_SIZE - 64)) X &&
            ! cmp -s "$PROBE" "$tmp" && mput "$img" "$tmp" /boot/vmlinuz ||
            return 1
        VARS[$c]="WANT=$(sha256_of "$PROBE") GOT=$(sha256_of "$tmp")" ;;
    hash-initrd)
        mkdisk_trust "$img" --hashes "$tmp" &&
            head -c 4096 /dev/urandom >"$tmp" &&
            mput "$img" "$tmp" /boot/initrd-1.img || return 1
        VARS[$c]="WANT=$(sha256_of "$dir/initrd-small.img")"
        VARS[$c]+=" GOT=$(sha256_of "$tmp")" ;;
    enrolled-config-edited)
        mkdisk_trust "$img" --enroll-config "$tmp" &&
            mtype -i "$m" ::/bzboot.cfg >"$tmp" &&
            VARS[$c]="WANT=$(sha256_of "$tmp")" &&
            grep -q '^timeout 0$' "$tmp" &&
            sed -i 's/^timeout 0$/timeout 1/' "$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg || return 1
        VARS[$c]+=" GOT=$(sha256_of "$tmp")" ;;
    enrolled-unpinned)
        mkdisk_trust "$img" --enroll-config "$tmp" &&
            printf 'entry linux\n\tkernel /boot/vmlinuz#%s\n%s\n%s\n' \
                "$(sha256_of "$PROBE")" "	initrd /boot/initrd-1.img" \
                "	cmdline $CMDLINE" >"$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg &&
            enroll_by_hand "$img" "$(sha256_of "$tmp")" "$tmp" ;;
    enrolled-boots)
        mkdisk_trust "$img" --enroll-config "$tmp" ;;
    gpt-bad-crc)
        rm -f "$img" &&
            "$MKDISK" -o "$img" --gpt --kernel "$PROBE" \
                --initrd "$dir/initrd-small.img" --cmdline "$CMDLINE" \
                >"$tmp.txt" 2>&1 || return 1
        lba=$(($(stat -c %s "$img") / 512 - 1))
        VARS[$c]="LAST_LBA=$lba"
        # header_crc32 at 0x10 in each header (common/gpt.h).
        for lba2 in 1 "$lba"; do
            printf "\\$(printf %03o $(($(le_read "$img" \
                $((lba2 * 512 + 0x10)) 1) ^ 1)))" |
                dd of="$img" bs=1 seek=$((lba2 * 512 + 0x10)) conv=notrunc \
                    status=none || return 1
        done ;;
    next-entry | next-entry-reboot)
        config_two /boot/missing /boot/vmlinuz >"$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg ;;
    all-entries-broken)
        config_two /boot/missing /boot/missing-too >"$tmp" &&
            mput "$img" "$tmp" /bzboot.cfg ;;
    *)
        echo "no such case (a bug in faults-tests.sh)" >&2
        return 1 ;;
    esac
}

# make_image CASE: IMAGE[CASE], or WHY_NOT[CASE] and status 1.
make_image() {
    local c=$1 img=$dir/$1.img tmp=$dir/$1.tmp
    [ -z "${IMAGE[$c]+set}" ] || return 0
    [ -z "${WHY_NOT[$c]+set}" ] || return 1
    if [ -z "${IMAGE[base]+set}" ] && [ -z "${WHY_NOT[base]+set}" ]; then
        if base_image >"$dir/base.why"; then
            IMAGE[base]=$dir/base.img
        else
            WHY_NOT[base]="base image: $(tail -n 1 "$dir/base.why")"
        fi
    fi
    if [ -n "${WHY_NOT[base]+set}" ]; then
        WHY_NOT[$c]=${WHY_NOT[base]}
        return 1
    fi
    if ! cp --sparse=always "${IMAGE[base]}" "$img" ||
        ! break_image "$c" "$img" "$tmp" 2>"$tmp.err"; then
        WHY_NOT[$c]="could not make $img$(grep -v '^ *$' "$tmp.err" \
            "$tmp.txt" 2>/dev/null | tail -n 1 | sed 's/^/: /')"
        rm -f "$tmp" "$tmp.err" "$tmp.txt"
        return 1
    fi
    rm -f "$tmp" "$tmp.err" "$tmp.txt"
    IMAGE[$c]=$img
}

# ---- QEMU with a serial line both ways ---------------------------------

# QEMU's serial port is a FIFO pair (-serial pipe:BASE reads BASE.in and
# writes BASE.out); cat copies BASE.out into the log, and keys are written
# into BASE.in. Every end is opened read-write, which never blocks on a
# FIFO, so a QEMU that fails to start cannot hang the test. The loaders'
# wait is found the way lib.sh's stall stop finds it, by the log no longer
# growing, but only after a prompt line: FAULTS_QUIET then suffices,
# where a silent firmware start needs QEMU_STALL.

# now_ms: NOW, milliseconds since the epoch.
now_ms() {
    NOW=${EPOCHREALTIME/[.,]/}
    NOW=$((NOW / 1000))
}

# ms SECONDS: SECONDS (a fraction allowed) in milliseconds.
ms() {
    awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'
}

run_alive() {
    [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null
}

run_size() {
    stat -c %s "$RUN_LOG" 2>/dev/null || echo 0
}

# run_reap: QEMU has ended; RUN_STATUS is its exit status (124: timeout).
run_reap() {
    if [ -z "$RUN_STATUS" ]; then
        wait "$RUN_PID"
        RUN_STATUS=$?
    fi
}

# run_ended_why: why QEMU is not running any more, in words.
run_ended_why() {
    run_reap
    case $RUN_STATUS in
    124 | 137) echo "still running after $RUN_LIMIT s (killed)" ;;
    "$QEMU_EXIT_RESET") echo "the machine reset (QEMU exited)" ;;
    "$PROBE_EXIT_PASS") echo "the kernel was started (the probe passed)" ;;
    "$PROBE_EXIT_FAIL")
        echo "the kernel was started (the probe failed its checks)" ;;
    *) echo "QEMU exited with status $RUN_STATUS$(grep -v '^ *$' \
        "$QEMU_LOG_DIR/$RUN_NAME.stderr" 2>/dev/null | tail -n 1 |
        sed 's/^/: /')" ;;
    esac
}

# run_prompts: how many prompt lines the log has.
run_prompts() {
    tr -d '\r' <"$RUN_LOG" | grep -c -- "$PROMPT_RE"
}

# run_start NAME LIMIT [OPTION VALUE]...: start QEMU in the background,
# the machine as qemu_cmd's options say, its serial port on a pair of
# FIFOs: the log reads one, run_key writes the other.
run_start() {
    local fifo=$dir/fifo/$1
    RUN_NAME=$1
    RUN_LIMIT=$2
    RUN_LOG=$QEMU_LOG_DIR/$1.log
    RUN_STATUS=
    RUN_WHY=
    RUN_PID=
    RUN_START=${EPOCHREALTIME/[.,]/}
    shift 2
    # shellcheck disable=SC2054 # one QEMU argument, commas and all
    if ! qemu_cmd "$RUN_NAME" --limit "$RUN_LIMIT" --serial "pipe:$fifo" \
        "$@" -- -device isa-debug-exit,iobase=0xf4,iosize=0x04; then
        RUN_WHY=$QEMU_ERROR
        return 1
    fi
    mkdir -p "$dir/fifo" "$QEMU_LOG_DIR"
    rm -f "$fifo.in" "$fifo.out"
    : >"$RUN_LOG"
    mkfifo "$fifo.in" "$fifo.out" || { RUN_WHY="mkfifo failed"; return 1; }
    exec {RUN_IN}<>"$fifo.in"
    cat 0<>"$fifo.out" >"$RUN_LOG" &
    RUN_CAT=$!
    "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$RUN_NAME.stderr" 2>&1 </dev/null &
    RUN_PID=$!
}

# run_stop: end QEMU if it still runs; RUN_SECONDS is the run's wall time.
run_stop() {
    local t
    if [ -n "$RUN_PID" ]; then
        if run_alive; then
            # timeout passes the TERM on to QEMU.
            kill -TERM "$RUN_PID" 2>/dev/null
            wait "$RUN_PID" 2>/dev/null
            [ -n "$RUN_STATUS" ] || RUN_STATUS=stopped
        fi
        run_reap
        # The last bytes may still be in the FIFO: let cat have them.
        sleep 0.1
        kill "$RUN_CAT" 2>/dev/null
        wait "$RUN_CAT" 2>/dev/null
        exec {RUN_IN}>&-
        rm -f "$dir/fifo/$RUN_NAME.in" "$dir/fifo/$RUN_NAME.out"
        RUN_PID=
    fi
    t=${EPOCHREALTIME/[.,]/}
    RUN_SECONDS=$(awk -v a="$RUN_START" -v b="$t" \
        'BEGIN { printf "%.1f", (b - a) / 1e6 }')
}

# run_wait_prompt N [STALL]: wait until the log has N prompt lines and
# nothing new for FAULTS_QUIET seconds. Fails when QEMU ends first, or
# when the N-th prompt has not come and nothing has been printed for
# STALL seconds (default QEMU_STALL).
run_wait_prompt() {
    local want=$1 stall=${2:-$QEMU_STALL} size last=-1 changed n
    local quiet_ms stall_ms
    quiet_ms=$(ms "$FAULTS_QUIET")
    stall_ms=$(ms "$stall")
    now_ms
    changed=$NOW
    while :; do
        if ! run_alive; then
            RUN_WHY="$(run_ended_why), no \"press ... key\" line"
            [ "$want" -eq 1 ] || RUN_WHY+=" (number $want)"
            return 1
        fi
        size=$(run_size)
        now_ms
        if [ "$size" != "$last" ]; then
            last=$size
            changed=$NOW
        elif [ $((NOW - changed)) -ge "$quiet_ms" ]; then
            n=$(run_prompts)
            [ "$n" -lt "$want" ] || return 0
            if [ $((NOW - changed)) -ge "$stall_ms" ]; then
                RUN_WHY="nothing printed for $stall s and no \"press ..."
                RUN_WHY+=" key\" line"
                [ "$want" -eq 1 ] || RUN_WHY+=" (number $want)"
                return 1
            fi
        fi
        sleep 0.1
    done
}

# run_quiet SECONDS: QEMU must go on running and print nothing new.
run_quiet() {
    local size end
    size=$(run_size)
    now_ms
    end=$((NOW + $(ms "$1")))
    while [ "$NOW" -lt "$end" ]; do
        if ! run_alive; then
            RUN_WHY="$(run_ended_why) while waiting for a key"
            return 1
        fi
        if [ "$(run_size)" != "$size" ]; then
            RUN_WHY="printed more while waiting for a key (a loop?)"
            return 1
        fi
        sleep 0.2
        now_ms
    done
}

# run_key KEY: type KEY on the serial line.
run_key() {
    printf '%s' "$1" >&"$RUN_IN"
}

# run_wait_exit SECONDS [STALL] [WHEN]: QEMU must end by itself within
# SECONDS, never silent for STALL seconds (default KEY_STALL) meanwhile,
# and not stop at a new prompt. WHEN ("after the key") goes into the
# failure.
run_wait_exit() {
    local stall=${2:-$KEY_STALL} when=${3:-after the key} end size last=-1
    local changed stall_ms quiet_ms prompts
    stall_ms=$(ms "$stall")
    quiet_ms=$(ms "$FAULTS_QUIET")
    prompts=$(run_prompts)
    now_ms
    end=$((NOW + $(ms "$1")))
    changed=$NOW
    while run_alive; do
        size=$(run_size)
        now_ms
        if [ "$size" != "$last" ]; then
            last=$size
            changed=$NOW
        elif [ $((NOW - changed)) -ge "$quiet_ms" ] &&
            [ "$(run_prompts)" -gt "$prompts" ]; then
            RUN_WHY="the loader waits for a key $when"
            return 1
        elif [ $((NOW - changed)) -ge "$stall_ms" ]; then
            RUN_WHY="QEMU still running $when, nothing printed for $stall s"
            return 1
        fi
        if [ "$NOW" -ge "$end" ]; then
            RUN_WHY="QEMU still running $1 s $when"
            return 1
        fi
        sleep 0.1
    done
    run_reap
}

# ---- checks ------------------------------------------------------------

# var_of CASE NAME: the value of NAME in VARS[CASE].
var_of() {
    local w
    for w in ${VARS[$1]:-}; do
        [ "${w%%=*}" != "$2" ] || echo "${w#*=}"
    done
}

# check_expect LOADER CASE: the log against tests/faults/LOADER-CASE.expect
# with the probe's values and the case's VARS; adds to RUN_WHY on failure.
check_expect() {
    local vars=(SIZE="$PROBE_SIZE" SETUP_BYTES="$PROBE_SETUP_BYTES"
        KBYTES=$((PROBE_SIZE - PROBE_SETUP_BYTES))
        KIB_KERNEL=$((PROBE_SIZE >> 10)) PROTOCOL="$PROBE_PROTOCOL")
    # shellcheck disable=SC2206 # VARS values are NAME=VALUE words
    [ -z "${VARS[$2]:-}" ] || vars=(${VARS[$2]} "${vars[@]}")
    expect_check "$RUN_LOG" "$here/$1-$2.expect" "${vars[@]}" && return 0
    RUN_WHY="${RUN_WHY:+$RUN_WHY; }missing $EXPECT_MISSING"
    return 1
}

# check_read_retries LBA ATTEMPT...: stage2 printed `disk: read error at
# LBA L (N sectors), status 0xSS, attempt K of 3` for each K = ATTEMPT,
# with L <= LBA < L + N: the chunk it names holds the failing sector.
check_read_retries() {
    local bad=$1 k line
    shift
    for k in "$@"; do
        line=$(tr -d '\r' <"$RUN_LOG" | awk -v bad="$bad" -v k="$k" '
            index($0, "disk: read error at LBA ") == 1 &&
            $0 ~ /\([0-9]+ sectors\), status 0x[0-9a-f]+, attempt [0-9] of 3$/ {
                split($0, w, /[ (]+/)	# w[6] LBA, w[7] sectors
                if (w[6] + 0 <= bad && bad < w[6] + w[7] &&
                    $(NF - 2) == k) { print; exit }
            }')
        if [ -z "$line" ]; then
            RUN_WHY="${RUN_WHY:+$RUN_WHY; }missing \"disk: read error at"
            RUN_WHY+=" LBA L (N sectors), status 0x.., attempt $k of 3\""
            RUN_WHY+=" with L <= $bad < L + N"
            return 1
        fi
    done
}

# check_dma_error LBA VIA: the loader printed `disk: DMA read error at LBA
# L (N sectors), status 0xSS, error 0xEE, bus master 0xBB; reading through
# VIA from now on` once (VIA: "the BIOS", stage2; "the firmware",
# BOOTX64.EFI), with L <= LBA < L + N: the DMA command it names holds the
# failing sector, and the loader gave up DMA after it.
check_dma_error() {
    local bad=$1 via=$2 n
    n=$(tr -d '\r' <"$RUN_LOG" | awk -v bad="$bad" \
        -v tail="; reading through $via from now on" '
        index($0, "disk: DMA read error at LBA ") == 1 &&
        $0 ~ /\([0-9]+ sectors\), status 0x[0-9a-f]+, error 0x[0-9a-f]+, / &&
        $0 ~ /, bus master 0x[0-9a-f]+; reading through / &&
        substr($0, length($0) - length(tail) + 1) == tail {
            split($0, w, /[ (]+/)	# w[7] LBA, w[8] sectors
            if (w[7] + 0 <= bad && bad < w[7] + w[8]) n++
        }
        END { print n + 0 }')
    [ "$n" -eq 1 ] && return 0
    RUN_WHY="${RUN_WHY:+$RUN_WHY; }\"disk: DMA read error at LBA L (N"
    RUN_WHY+=" sectors), ...; reading through $via from now on\" with"
    RUN_WHY+=" L <= $bad < L + N seen $n times, not once"
    return 1
}

# check_no_dma_fallback: BOOTX64.EFI kept reading by DMA: a sector the
# drive fails is not read through the firmware (efi/ata.c says why).
check_no_dma_fallback() {
    ! grep -q "reading through the firmware from now on" "$RUN_LOG" &&
        return 0
    RUN_WHY="${RUN_WHY:+$RUN_WHY; }a drive error made the loader give up DMA"
    return 1
}

# ---- the cases ---------------------------------------------------------

limit_of() {
    case $1 in bios) echo "$BIOS_TIMEOUT" ;; uefi) echo "$UEFI_TIMEOUT" ;; esac
}

# disk_of CASE: the image, behind blkdebug for the read errors.
disk_of() {
    local file=${IMAGE[$1]}
    [ ! -e "$dir/$1.blkdebug" ] || file=blkdebug:$dir/$1.blkdebug:$file
    echo "$file"
}

# result NAME: PASS or FAIL from RUN_WHY.
result() {
    if [ -z "$RUN_WHY" ]; then
        echo "PASS: $1 (${RUN_SECONDS} s)"
        return 0
    fi
    echo "FAIL: $1: $RUN_WHY$(log_last_line "$RUN_LOG") (log $RUN_LOG)"
    return 1
}

# one NAME LOADER CASE: make the image, boot it, go through the case's
# steps, check the log. Every step leaves its failure in RUN_WHY; the
# expect file is checked even then, so that a FAIL says all that is wrong.
one() {
    local name=$1 loader=$2 c=$3 mem=512
    if ! make_image "$c"; then
        echo "FAIL: $name: skipped because the image could not be made:" \
            "${WHY_NOT[$c]}"
        return 1
    fi
    [ "$c" != initrd-too-big ] || mem=128
    if run_start "$name" "$(limit_of "$loader")" --fw "$loader" \
        --machine pc --mem "$mem" --bus ide --disk "$(disk_of "$c")"; then
        case $c in
        key-reboot)
            # Nothing new for FAULTS_WAIT s, QEMU still there; a key
            # reboots.
            run_wait_prompt 1 && run_quiet "$FAULTS_WAIT" && run_key x &&
                run_wait_exit 10 && [ "$RUN_STATUS" = "$QEMU_EXIT_RESET" ] ||
                RUN_WHY=${RUN_WHY:-"after the key: $(run_ended_why)"} ;;
        next-entry)
            # Any key tries the second entry, the probe, which exits QEMU.
            run_wait_prompt 1 && run_key x && run_wait_exit 20 &&
                [ "$RUN_STATUS" = "$PROBE_EXIT_PASS" ] ||
                RUN_WHY=${RUN_WHY:-"after the key: $(run_ended_why)"} ;;
        next-entry-reboot)
            run_wait_prompt 1 && run_key R && run_wait_exit 10 &&
                [ "$RUN_STATUS" = "$QEMU_EXIT_RESET" ] ||
                RUN_WHY=${RUN_WHY:-"after R: $(run_ended_why)"} ;;
        all-entries-broken)
            # A key tries the second entry; it fails too: a second prompt.
            run_wait_prompt 1 && run_key x &&
                run_wait_prompt 2 "$KEY_STALL" && run_alive ||
                RUN_WHY=${RUN_WHY:-"after the key: $(run_ended_why)"} ;;
        disk-read-error-once | enrolled-boots)
            # No key, no prompt: the kernel must come up.
            run_wait_exit "$(limit_of "$loader")" "$QEMU_STALL" \
                "(no key sent)" && [ "$RUN_STATUS" = "$PROBE_EXIT_PASS" ] ||
                RUN_WHY=${RUN_WHY:-"$(run_ended_why)"} ;;
        *)
            # A fault: the message, then the wait.
            run_wait_prompt 1 && run_alive ||
                RUN_WHY=${RUN_WHY:-"$(run_ended_why) after its prompt"} ;;
        esac
    fi
    run_stop
    check_expect "$loader" "$c"
    case $loader/$c in
    bios/disk-read-error)
        check_dma_error "$(var_of "$c" BAD_LBA)" "the BIOS"
        check_read_retries "$(var_of "$c" BAD_LBA)" 1 2 3 ;;
    bios/disk-read-error-once)
        check_dma_error "$(var_of "$c" BAD_LBA)" "the BIOS"
        check_read_retries "$(var_of "$c" BAD_LBA3)" 1 ;;
    uefi/disk-read-error)
        check_no_dma_fallback
        check_read_retries "$(var_of "$c" BAD_LBA)" 1 2 3 ;;
    uefi/disk-read-error-once)
        check_no_dma_fallback
        check_read_retries "$(var_of "$c" BAD_LBA)" 1
        check_read_retries "$(var_of "$c" BAD_LBA3)" 1 2 ;;
    esac
    result "$name"
}


if [ "$list_only" -eq 0 ]; then
    lib_need "$QEMU" qemu-system-x86
    lib_need mcopy mtools
    mkdir -p "$dir" "$QEMU_LOG_DIR"
    rm -f "$dir"/*.img "$dir"/*.blkdebug
    echo "fault tests: logs in $QEMU_LOG_DIR"
fi

CASES="config-missing config-unknown-keyword config-no-entry
    kernel-missing kernel-empty
    kernel-truncated kernel-random kernel-no-hdrs initrd-missing
    initrd-too-big fat-free-cluster fat-loop fat-out-of-range
    disk-read-error disk-read-error-once
    hash-kernel hash-initrd enrolled-config-edited enrolled-unpinned
    enrolled-boots
    key-reboot next-entry next-entry-reboot all-entries-broken"

start_s=$SECONDS
for loader in bios uefi; do
    for c in $CASES; do
        run "$loader-$c" one "$loader" "$c"
    done
done
# No GPT, no ESP for OVMF to start BOOTX64.EFI from: stage2 only.
run bios-gpt-bad-crc one bios gpt-bad-crc

[ "$list_only" -eq 0 ] || exit 0
echo "fault tests: $((SECONDS - start_s)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
