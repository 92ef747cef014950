#!/bin/bash
# SPDX-License-Identifier: MIT
#
# boot-tests.sh [--list] [CASE-PATTERN...]: the QEMU boot tests. Runs on the
# build machine, one QEMU at a time, under TCG, each run headless, with
# -no-reboot and under a timeout. Boots real Debian 6.1 kernels (amd64 and
# 686, fetch-kernel.sh) with the test initramfs (mkinitramfs.sh --mode
# test) and checks the serial log against the expect file beside this
# script: the command-line token (random per run), the sha256 of each
# initrd's payload, efi=yes/no, the kernel's RAM total within 3% of -m (512,
# or 128 for the *-128m cases), acpi=yes.
#
# direct-*   QEMU loads the kernel itself (-kernel, -initrd, -append): no
#            bzboot code involved. Proves the kernels, the initramfs and the
#            checking work, so that a failing disk case points at bzboot.
# expect-*   the checker itself: the direct log must fail against a wrong
#            token, a wrong checksum, the wrong firmware and a wrong range.
# bios-*     disk images from build/mkdisk, booted by SeaBIOS: IDE (-M pc),
#            virtio, AHCI (-M q35), two initrds, and the 686 kernel. With
#            `trace on`, how stage2 reads the disk (disk.c, ata.c): by DMA
#            on IDE, as the primary master and as the secondary slave
#            behind a blank decoy disk of the same size, with few disk
#            requests; through INT 13h with `disk firmware`, with many;
#            through INT 13h on virtio and AHCI, which are no IDE channel.
# uefi-*     the amd64 image booted by OVMF: -M pc with OVMF.fd, -M q35 with
#            pflash, and two initrds. With `trace on`, how BOOTX64.EFI
#            reads the disk (efi/ata.c): by DMA on IDE (-M pc), as the
#            primary master and as the secondary slave, in few requests;
#            through the firmware with `disk firmware` and on q35 (AHCI).
# *-128m     QEMU's default memory, -m 128, on SeaBIOS and on OVMF (pc and
#            q35), where the kernel's runtime range must cover boot
#            services memory.
# *-gpt-*    GPT images (mkdisk --gpt) with `trace on`, on IDE, virtio and
#            AHCI under both firmwares: the partition stage2 found by the
#            GUID in stage2_info, and the HD() node BOOTX64.EFI boots from,
#            must be the ESP that sfdisk reads from the table; gpt-backup:
#            the primary header zeroed, the backup GPT used.
# *-qcow2    the default (MBR) image as qcow2 (mkdisk, OUT.qcow2), attached
#            with format=qcow2, under both firmwares.
#
# Each case prints one `PASS: name` or `FAIL: name: why` line, and the run
# ends with `N passed, N failed` (exit 1 when anything failed). A case
# whose input could not be made (no mkdisk, no kernel) fails and says so.
# With patterns (shell globs), only the matching cases run. Logs stay in
# build/tests/qemu/logs/. Environment: BUILD, QEMU, MKDISK, BIOS_TIMEOUT
# (default 60 s), UEFI_TIMEOUT (120 s), QEMU_STALL (30 s, see lib.sh).

set -uo pipefail
LIB_PROG=boot-tests
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1

here=tests/qemu
dir=$BUILD/tests/qemu
MKDISK=${MKDISK:-$BUILD/mkdisk}
BIOS_TIMEOUT=${BIOS_TIMEOUT:-60}
UEFI_TIMEOUT=${UEFI_TIMEOUT:-120}

# The memory every case boots with, and the RAM the kernel must find in
# the memory map it was given (its "Memory: A/TOTAL available" line):
# within 3% of it. (/proc/meminfo's MemTotal, also printed, is lower: the
# kernel keeps its own image and page structures out of it.)
MEM_MB=512
MEM_KB_MAX=$((MEM_MB * 1024))
MEM_KB_MIN=$((MEM_KB_MAX * 97 / 100))

TOKEN=$(token_new)
CMDLINE="panic=-1 bztoken=$TOKEN console=ttyS0,115200"

parse_case_args "$@"

mkdir -p "$dir" "$QEMU_LOG_DIR"
lib_need "$QEMU" qemu-system-x86
passed=0
failed=0

# ---- inputs, each made once per run ----------------------------------

# VALUE[key] is what prepare (lib.sh) made (a path); WHY_NOT[key] why it
# could not.
declare -A VALUE WHY_NOT

# make_initrd NAME MKINITRAMFS-ARGS...: $dir/NAME, made by mkinitramfs.sh
# unless an up-to-date one (from `make` or an earlier run) is there.
make_initrd() {
    local out=$dir/$1
    shift
    if ! newer "$out.sha256" "$here/mkinitramfs.sh" "$here/lib.sh" \
        "$here"/initramfs/*; then
        bash "$here/mkinitramfs.sh" --out "$out" "$@" >&2 || return 1
    fi
    echo "$out"
}

# make_direct_initrd ARCH: the test initramfs and payload2 in one file,
# for QEMU's -initrd (one file only); each archive starts 4-byte aligned.
make_direct_initrd() {
    local out=$dir/direct-initrd-$1.img size
    cp "${VALUE[initrd-$1]}" "$out.tmp" || return 1
    size=$(stat -c %s "$out.tmp")
    truncate -s $(((size + 3) / 4 * 4)) "$out.tmp"
    cat "${VALUE[payload2]}" >>"$out.tmp" && mv "$out.tmp" "$out" &&
        echo "$out"
}

# make_disk NAME KERNEL-KEY INITRD-KEY...: a disk image from build/mkdisk
# with this run's command line ($disk_flags, $disk_ext: see make_disk_as).
make_disk() {
    local out=$dir/$1.${disk_ext:-img} kernel=${VALUE[$2]} key args=()
    shift 2
    for key in "$@"; do
        args+=(--initrd "${VALUE[$key]}")
    done
    if [ ! -x "$MKDISK" ]; then
        echo "$MKDISK is missing (\`make $MKDISK\` did not build it)" >&2
        return 1
    fi
    rm -f "$out"
    "$MKDISK" -o "$out" --kernel "$kernel" "${args[@]}" ${disk_flags:-} \
        --cmdline "$CMDLINE" >&2 || return 1
    if [ ! -s "$out" ]; then
        echo "$MKDISK exited 0 but wrote no $out" >&2
        return 1
    fi
    echo "$out"
}

# make_disk_as FLAGS EXT NAME KERNEL-KEY INITRD-KEY...: make_disk with more
# mkdisk options (one word, --gpt, or -) and the file name's suffix (img, or
# qcow2, which makes mkdisk write qcow2).
make_disk_as() {
    local disk_flags=$1 disk_ext=$2
    [ "$disk_flags" != - ] || disk_flags=
    shift 2
    make_disk "$@"
}

# make_zero_primary NAME DISK-KEY: a copy of a GPT image with its primary
# header (LBA 1) zeroed.
make_zero_primary() {
    local out=$dir/$1.img
    cp --sparse=always "${VALUE[$2]}" "$out.tmp" &&
        dd if=/dev/zero of="$out.tmp" bs=512 seek=1 count=1 conv=notrunc \
            status=none && mv "$out.tmp" "$out" && echo "$out"
}

# gpt_vars: the GPT values of disk-gpt as sfdisk reads them, for the
# expect files: ESP_GUID, ESP_SECTORS (decimal and hex) and LAST_LBA.
gpt_vars() {
    local img=${VALUE[disk-gpt]} dump sectors
    dump=$(sfdisk --dump "$img" 2>/dev/null | grep "^$img""2 :")
    sectors=$(sed -n 's/.*size= *\([0-9]*\),.*/\1/p' <<<"$dump")
    EXPECT_VARS+=(ESP_GUID="$(sed -n 's/.*uuid=\([0-9A-F-]*\),.*/\1/p' <<<"$dump")"
        ESP_SECTORS="$sectors" ESP_SECTORS_HEX="$(printf %x "${sectors:-0}")"
        LAST_LBA=$(($(stat -c %s "$img") / 512 - 1)))
}

# need NAME KEY...: make every input KEY (see input) for case NAME, or print
# its FAIL line naming the first one that could not be made.
need() {
    local name=$1 key
    shift
    for key in "$@"; do
        input "$key" && continue
        echo "FAIL: $name: skipped because $key could not be made:" \
            "${WHY_NOT[$key]}"
        return 1
    done
}

# input KEY: make the input named KEY, after the inputs it is made from;
# when one of those fails, KEY fails with its reason.
input() {
    local key=$1 dep deps=() cmd=()
    [ -z "${VALUE[$key]+set}" ] || return 0
    [ -z "${WHY_NOT[$key]+set}" ] || return 1
    case $key in
    kernel-amd64 | kernel-686)
        cmd=(bash "$here/fetch-kernel.sh" "${key#kernel-}") ;;
    initrd-amd64 | initrd-i386)
        cmd=(make_initrd "$key.img" --arch "${key#initrd-}" --mode test) ;;
    payload2)
        cmd=(make_initrd payload2.img --arch amd64 --mode payload
            --name payload2 --payload-size 65536) ;;
    direct-initrd-amd64 | direct-initrd-i386)
        deps=("initrd-${key#direct-initrd-}" payload2)
        cmd=(make_direct_initrd "${key#direct-initrd-}") ;;
    disk-amd64)
        deps=(kernel-amd64 initrd-amd64)
        cmd=(make_disk "$key" "${deps[@]}") ;;
    disk-amd64-two)
        deps=(kernel-amd64 initrd-amd64 payload2)
        cmd=(make_disk "$key" "${deps[@]}") ;;
    disk-686)
        deps=(kernel-686 initrd-i386)
        cmd=(make_disk "$key" "${deps[@]}") ;;
    disk-amd64-trace)
        deps=(disk-amd64)
        cmd=(make_disk_cfg "$key" disk-amd64 's/^trace off$/trace on/') ;;
    disk-amd64-firmware)
        deps=(disk-amd64)
        cmd=(make_disk_cfg "$key" disk-amd64 \
            's/^trace off$/trace on\ndisk firmware/') ;;
    decoy-amd64)
        deps=(disk-amd64)
        cmd=(make_decoy "$key" disk-amd64) ;;
    disk-gpt)
        deps=(kernel-amd64 initrd-amd64)
        cmd=(make_disk_as --gpt img "$key" "${deps[@]}") ;;
    disk-gpt-trace)
        deps=(disk-gpt)
        cmd=(make_disk_cfg "$key" disk-gpt 's/^trace off$/trace on/') ;;
    disk-gpt-backup)
        deps=(disk-gpt-trace)
        cmd=(make_zero_primary "$key" disk-gpt-trace) ;;
    disk-qcow2)
        deps=(kernel-amd64 initrd-amd64)
        cmd=(make_disk_as - qcow2 "$key" "${deps[@]}") ;;
    *)
        WHY_NOT[$key]="no such input (a bug in boot-tests.sh)"
        return 1 ;;
    esac
    for dep in "${deps[@]}"; do
        input "$dep" && continue
        WHY_NOT[$key]="$dep: ${WHY_NOT[$dep]}"
        return 1
    done
    prepare "$key" "${cmd[@]}"
}

# make_disk_cfg NAME DISK-KEY SED-SCRIPT: a copy of that disk image with
# its /bzboot.cfg edited by SED-SCRIPT (which must change it).
make_disk_cfg() {
    local out=$dir/$1.img
    cfg_rewrite "${VALUE[$2]}" "$out" sed "$3" && echo "$out"
}

# make_decoy NAME DISK-KEY: a blank (sparse) image as large as that disk.
make_decoy() {
    local out=$dir/$1.img
    rm -f "$out" && truncate -s "$(stat -c %s "${VALUE[$2]}")" "$out" &&
        echo "$out"
}

# sha_of INITRD-KEY [FILE]: the payload checksum mkinitramfs.sh recorded.
sha_of() {
    awk -v f="${2:-/payload}" '$2 == f { print $1 }' "${VALUE[$1]}.sha256"
}

# ---- the cases -------------------------------------------------------

# direct NAME KERNEL-ARCH INITRD-ARCH FIRMWARE MACHINE EXPECT: QEMU's own
# -kernel boot of the same files, no disk.
direct() {
    local name=$1 karch=$2 iarch=$3 fw=$4 machine=$5 expect=$6 limit
    need "$name" "kernel-$karch" "direct-initrd-$iarch" || return 1
    EXPECT_VARS=(TOKEN="$TOKEN" SHA256="$(sha_of "initrd-$iarch")"
        SHA256_2="$(sha_of payload2 /payload2)"
        MEM_KB_MIN="$MEM_KB_MIN" MEM_KB_MAX="$MEM_KB_MAX")
    limit=$BIOS_TIMEOUT
    [ "$fw" = bios ] || limit=$UEFI_TIMEOUT
    boot_case "$name" "$here/$expect" --fw "$fw" --machine "$machine" \
        --mem "$MEM_MB" --limit "$limit" --bus none -- \
        -kernel "${VALUE[kernel-$karch]}" \
        -initrd "${VALUE[direct-initrd-$iarch]}" -append "$CMDLINE"
}

# disk NAME DISK-KEY INITRD-ARCH FIRMWARE EXPECT MACHINE BUS [QEMU-ARG...]:
# boot a mkdisk image on MACHINE, attached by BUS (qemu_cmd's); with BUS
# none the QEMU-ARGs attach it, @IMG@ standing for the image and @DECOY@
# for a blank one.
disk() {
    local name=$1 key=$2 iarch=$3 fw=$4 expect=$5 machine=$6 bus=$7
    local limit a args=()
    shift 7
    need "$name" "$key" || return 1
    for a in "$@"; do
        [[ $a != *@DECOY@* ]] || need "$name" decoy-amd64 || return 1
        a=${a//@IMG@/${VALUE[$key]}}
        args+=("${a//@DECOY@/${VALUE[decoy-amd64]:-}}")
    done
    EXPECT_VARS=(TOKEN="$TOKEN" SHA256="$(sha_of "initrd-$iarch")"
        MEM_KB_MIN="$MEM_KB_MIN" MEM_KB_MAX="$MEM_KB_MAX")
    [ "$key" != disk-amd64-two ] ||
        EXPECT_VARS+=(SHA256_2="$(sha_of payload2 /payload2)")
    [[ $key != disk-gpt* ]] || gpt_vars
    limit=$BIOS_TIMEOUT
    [ "$fw" = bios ] || limit=$UEFI_TIMEOUT
    boot_case "$name" "$here/$expect" --fw "$fw" --machine "$machine" \
        --bus "$bus" --disk "${VALUE[$key]}" --mem "$MEM_MB" \
        --limit "$limit" -- "${args[@]}"
}

# disk_mem NAME MIB DISK-KEY ...: disk with -m MIB instead of MEM_MB, and
# the kernel's RAM total checked against MIB: within 9 MiB of it, as OVMF
# keeps about 6 MiB (runtime services, ACPI) whatever -m is.
disk_mem() {
    local name=$1 MEM_MB=$2
    local MEM_KB_MAX=$((MEM_MB * 1024))
    local MEM_KB_MIN=$((MEM_KB_MAX - 9 * 1024))
    shift 2
    disk "$name" "$@"
}

# expect_negative NAME: the checker must reject the log of a good boot
# (direct-amd64-seabios, run earlier) when the evidence does not match.
expect_negative() {
    local name=$1 log=$QEMU_LOG_DIR/direct-amd64-seabios.log exp
    local good=() bad
    exp=$here/bios-two-initrds.expect
    if [ -z "${DIRECT_AMD64_PASSED:-}" ]; then
        echo "FAIL: $name: skipped because direct-amd64-seabios" \
            "did not pass in this run"
        return 1
    fi
    good=(TOKEN="$TOKEN" SHA256="$(sha_of initrd-amd64)"
        SHA256_2="$(sha_of payload2 /payload2)"
        MEM_KB_MIN="$MEM_KB_MIN" MEM_KB_MAX="$MEM_KB_MAX")
    if ! expect_check "$log" "$exp" "${good[@]}"; then
        echo "FAIL: $name: the good log no longer passes: $EXPECT_MISSING"
        return 1
    fi
    for bad in "TOKEN=$(token_new)" "SHA256=$(sha_of payload2 /payload2)" \
        "SHA256_2=$(sha_of initrd-amd64)" "MEM_KB_MIN=$((MEM_KB_MAX - 1))"; do
        # The first NAME=VALUE for a name wins.
        if expect_check "$log" "$exp" "$bad" "${good[@]}"; then
            echo "FAIL: $name: a log passed with the wrong $bad"
            return 1
        fi
    done
    if expect_check "$log" "$here/uefi-two-initrds.expect" "${good[@]}"; then
        echo "FAIL: $name: a SeaBIOS log passed as a UEFI boot"
        return 1
    fi
    if expect_check "$log" "$here/bios-two-initrds.expect" TOKEN="$TOKEN"; then
        echo "FAIL: $name: an expect file passed with @SHA256@ unset"
        return 1
    fi
    echo "PASS: $name"
}


[ "$list_only" -eq 1 ] ||
    echo "boot tests: token $TOKEN, $MEM_MB MiB, logs in $QEMU_LOG_DIR"

run direct-amd64-seabios direct amd64 amd64 bios pc \
    bios-two-initrds.expect && DIRECT_AMD64_PASSED=1
run direct-686-seabios direct 686 i386 bios pc \
    bios-two-initrds.expect
run direct-amd64-ovmf direct amd64 amd64 uefi q35 \
    uefi-two-initrds.expect
run expect-rejects-wrong-evidence expect_negative

# The boot disk as the secondary slave, a blank disk as the primary master.
slave=(-drive "file=@DECOY@,format=raw,if=none,id=decoy"
    -device ide-hd,drive=decoy,bus=ide.0,unit=0
    -drive "file=@IMG@,format=raw,if=none,id=boot"
    -device ide-hd,drive=boot,bus=ide.1,unit=1,bootindex=1)
# On q35, bus ide is the first port of the chipset's AHCI.
run bios-amd64-ide disk disk-amd64 amd64 bios bios.expect pc ide
run bios-amd64-virtio disk disk-amd64-trace amd64 bios bios-virtio.expect \
    pc virtio
run bios-amd64-q35 disk disk-amd64-trace amd64 bios bios-q35.expect q35 ide
run bios-amd64-ide-dma disk disk-amd64-trace amd64 bios \
    bios-ide-dma.expect pc ide
run bios-amd64-ide-slave-dma disk disk-amd64-trace amd64 bios \
    bios-ide-slave-dma.expect pc none "${slave[@]}"
run bios-amd64-ide-disk-firmware disk disk-amd64-firmware amd64 bios \
    bios-ide-disk-firmware.expect pc ide
run bios-amd64-two-initrds disk disk-amd64-two amd64 bios \
    bios-two-initrds.expect pc ide
run bios-686-ide disk disk-686 i386 bios bios.expect pc ide
run uefi-amd64-pc disk disk-amd64 amd64 uefi uefi.expect pc ide
run uefi-amd64-q35 disk disk-amd64 amd64 uefi uefi.expect q35 ide
run uefi-amd64-two-initrds disk disk-amd64-two amd64 uefi \
    uefi-two-initrds.expect q35 ide
run uefi-amd64-ide-dma disk disk-amd64-trace amd64 uefi uefi-ide-dma.expect \
    pc ide
run uefi-amd64-ide-slave-dma disk disk-amd64-trace amd64 uefi \
    uefi-ide-slave-dma.expect pc none "${slave[@]}"
run uefi-amd64-ide-disk-firmware disk disk-amd64-firmware amd64 uefi \
    uefi-ide-disk-firmware.expect pc ide
run uefi-amd64-q35-trace disk disk-amd64-trace amd64 uefi \
    uefi-q35.expect q35 ide
# QEMU's default -m 128: SeaBIOS; OVMF, whose free memory then has no
# 64 MiB range, so the kernel's runtime range must take boot services
# memory (common/placement.h), on pc and q35.
run bios-amd64-128m disk_mem 128 disk-amd64 amd64 bios bios.expect pc ide
run uefi-amd64-128m disk_mem 128 disk-amd64 amd64 uefi uefi.expect pc ide
run uefi-amd64-q35-128m disk_mem 128 disk-amd64 amd64 uefi uefi.expect \
    q35 ide

# GPT: IDE, virtio and AHCI under both firmwares, and the backup header.
run bios-gpt-ide disk disk-gpt-trace amd64 bios bios-gpt-ide.expect pc ide
run bios-gpt-virtio disk disk-gpt-trace amd64 bios bios-gpt-virtio.expect \
    pc virtio
run bios-gpt-q35 disk disk-gpt-trace amd64 bios bios-gpt-q35.expect q35 ide
run bios-gpt-backup disk disk-gpt-backup amd64 bios bios-gpt-backup.expect \
    pc ide
run uefi-gpt-ide disk disk-gpt-trace amd64 uefi uefi-gpt-ide.expect pc ide
run uefi-gpt-virtio disk disk-gpt-trace amd64 uefi uefi-gpt-virtio.expect \
    pc virtio
run uefi-gpt-q35 disk disk-gpt-trace amd64 uefi uefi-gpt-q35.expect q35 ide
# OVMF may write the primary back from the backup: -snapshot keeps the
# image as it was.
run uefi-gpt-backup disk disk-gpt-backup amd64 uefi uefi-gpt-backup.expect \
    pc ide -snapshot

# qcow2: format=qcow2 makes QEMU refuse anything else.
qcow2=(-drive "file=@IMG@,format=qcow2,if=ide,index=0,media=disk")
run bios-qcow2 disk disk-qcow2 amd64 bios bios.expect pc none "${qcow2[@]}"
run uefi-qcow2 disk disk-qcow2 amd64 uefi uefi.expect pc none "${qcow2[@]}"

[ "$list_only" -eq 0 ] || exit 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
