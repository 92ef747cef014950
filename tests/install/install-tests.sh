#!/bin/bash
# SPDX-License-Identifier: MIT
#
# install-tests.sh [--list] [CASE-PATTERN...]: `mkdisk install` onto disks
# that already hold partitions and data, made here as an installer would
# make them, without root or loop mounts: sfdisk writes the table, mkfs.fat
# and mkfs.ext4 -d make each file system in a file of its own, dd puts it
# at its partition's offset, mtools puts the user's files on the FAT.
#
# Layouts:
#   mbr      MBR: an active FAT32 partition with the user's files, an ext4
#            partition with files
#   gpt      GPT: BIOS boot partition (LBA 40-2047), ESP with the user's
#            files, ext4 partition with files
#   gpt-nobios GPT without a BIOS boot partition, the ESP at 2048: stage2
#            in the gap after the entry array (LBA 34); booted by SeaBIOS
#            only (OVMF does not use stage2)
#   gpt-gap  GPT without a BIOS boot partition, the ESP at LBA 64: the gap
#            after the entry array is too small for stage2; refused
# After each install: every byte outside the writes that --dry-run
# planned is unchanged (tests/install/outside.py: SHA-256 per MiB of all
# sectors outside them, before and after), every file the FAT partition
# held before is there with the same SHA-256 and the new files are exactly
# the installed ones (mcopy -s of the whole partition, before and after),
# the installed files are the inputs byte for byte, sfdisk --verify (and
# sgdisk -v on GPT) find no problem, and the disk boots Debian's kernel
# under SeaBIOS and OVMF: the command-line token and the initrd's payload
# checksum on serial (tests/install/*.expect, format: tests/qemu/lib.sh).
#
# install-config: --config FILE, and one naming a missing kernel refused.
# install-checker: the checks above catch a changed byte and a changed
# file (on a copy of the installed MBR disk).
#
# Refusals: each exits 1 with one exact line `mkdisk: error: ...` and
# leaves the disk's SHA-256 as it was: no ESP, no FAT partition, an ESP
# too small, a read-only disk, both GPT headers' CRCs broken, a GRUB core
# image where stage2 goes (then --force writes over it), a file of the
# same name. --dry-run writes nothing. A SIGTERM during an install stops
# it between two writes, says what was written, and the MBR and stage2's
# sectors are as they were.
#
# A boot case (install-LAYOUT-FIRMWARE) boots the disk its install case
# (install-LAYOUT) left, so a pattern must select both.
#
# Prints `PASS: install-...` or `FAIL: install-...: why` per case and ends
# with `N passed, N failed`. Work files and logs: $BUILD/tests/install/.

set -uo pipefail
LIB_PROG=install-tests
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

here=tests/install
dir=$BUILD/tests/install
MKDISK=${MKDISK:-$BUILD/mkdisk}
KERNEL=$BUILD/kernels/vmlinuz-amd64
INITRD=$BUILD/tests/qemu/initrd-amd64.img
EFI_BIN=${EFI_BIN:-$BUILD/efi/BOOTX64.EFI}
STAGE2_BIN=${STAGE2_BIN:-$BUILD/boot/stage2.bin}
TOKEN=$(token_new)
CMDLINE="panic=-1 bztoken=$TOKEN console=ttyS0,115200"
export MTOOLS_SKIP_CHECK=1
# The GPT partition types: EFI System, BIOS boot, Linux file system.
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
BIOS_TYPE=21686148-6449-6E6F-744E-656564454649
LINUX_TYPE=0FC63DAF-8483-4772-8E79-3D69D8477DE4

parse_case_args "$@"
passed=0
failed=0
mkdir -p "$dir" "$QEMU_LOG_DIR"
for tool in sfdisk:fdisk sgdisk:gdisk mkfs.fat:dosfstools \
    mkfs.ext4:e2fsprogs mcopy:mtools python3:python3; do
    lib_need "${tool%%:*}" "${tool#*:}"
done

# ---- making disks ----------------------------------------------------

# put_fs DISK LBA IMAGE: the file system made in IMAGE, into DISK at LBA.
put_fs() {
    dd if="$3" of="$1" bs=512 seek="$2" conv=notrunc,sparse status=none
}

# user_fat IMAGE KiB [mkfs.fat option]...: a FAT file system in a file,
# holding the user's files: /docs/README.TXT, /EFI/debian/grubx64.efi
# (some other system's loader) and 300 KiB of random bytes.
user_fat() {
    local img=$1 kib=$2
    shift 2
    rm -f "$img"
    mkfs.fat -i 5eed0001 -n USERESP "$@" -C "$img" "$kib" >/dev/null &&
        printf 'the user'"'"'s notes\n' >"$dir/readme" &&
        head -c 307200 /dev/urandom >"$dir/random.bin" &&
        head -c 4096 /dev/urandom >"$dir/grubx64.efi" &&
        mmd -i "$img" ::/docs ::/EFI ::/EFI/debian &&
        mcopy -i "$img" "$dir/readme" ::/docs/README.TXT &&
        mcopy -i "$img" "$dir/random.bin" ::/docs/random.bin &&
        mcopy -i "$img" "$dir/grubx64.efi" ::/EFI/debian/grubx64.efi
}

# user_ext4 IMAGE MiB: an ext4 file system with files, made by mke2fs -d.
user_ext4() {
    rm -rf "$dir/rootdir" "$1"
    mkdir -p "$dir/rootdir/etc" "$dir/rootdir/home/user" &&
        echo bzboot-install-test >"$dir/rootdir/etc/hostname" &&
        head -c 1048576 /dev/urandom >"$dir/rootdir/home/user/data" &&
        mkfs.ext4 -q -F -d "$dir/rootdir" "$1" "${2}M" >/dev/null 2>&1
}

# disk_mbr DISK: layout mbr, 96 MiB.
disk_mbr() {
    rm -f "$1"
    truncate -s 96M "$1" &&
        printf '%s\n' 'label: dos' 'label-id: 0x1234abcd' \
            'start=2048, size=131072, type=c, bootable' \
            'start=133120, type=83' | sfdisk -q "$1" &&
        user_fat "$dir/fat.img" 65536 -F 32 && put_fs "$1" 2048 "$dir/fat.img" &&
        user_ext4 "$dir/ext4.img" 30 && put_fs "$1" 133120 "$dir/ext4.img"
}

# disk_gpt DISK: layout gpt, 96 MiB.
disk_gpt() {
    rm -f "$1"
    truncate -s 96M "$1" &&
        printf '%s\n' 'label: gpt' 'first-lba: 34' \
            "start=40, size=2008, type=$BIOS_TYPE" \
            "start=2048, size=131072, type=$ESP_TYPE" \
            "start=133120, size=61440, type=$LINUX_TYPE" |
        sfdisk -q "$1" &&
        user_fat "$dir/fat.img" 65536 -F 32 && put_fs "$1" 2048 "$dir/fat.img" &&
        user_ext4 "$dir/ext4.img" 30 && put_fs "$1" 133120 "$dir/ext4.img"
}

# disk_gpt_gap DISK: layout gpt-gap: no BIOS boot partition, the ESP at
# LBA 64, so 30 sectors (LBA 34-63) after the entry array.
disk_gpt_gap() {
    rm -f "$1"
    truncate -s 96M "$1" &&
        printf '%s\n' 'label: gpt' 'first-lba: 34' \
            "start=64, size=131072, type=$ESP_TYPE" \
            "start=133120, size=61440, type=$LINUX_TYPE" |
        sfdisk -q "$1" &&
        user_fat "$dir/fat.img" 65536 -F 32 && put_fs "$1" 64 "$dir/fat.img"
}

# disk_gpt_nobios DISK: GPT without a BIOS boot partition, the ESP at
# 2048 as sgdisk and sfdisk place it: stage2 goes in LBA 34-2047.
disk_gpt_nobios() {
    rm -f "$1"
    truncate -s 96M "$1" &&
        printf '%s\n' 'label: gpt' \
            "start=2048, size=131072, type=$ESP_TYPE" |
        sfdisk -q "$1" &&
        user_fat "$dir/fat.img" 65536 -F 32 && put_fs "$1" 2048 "$dir/fat.img"
}

# ---- checks ----------------------------------------------------------

# fat_files DISK LBA OUT: every file of the FAT partition at LBA, copied
# out by mcopy -s, as "SHA256  ./PATH" lines sorted into OUT.
fat_files() {
    rm -rf "$3.d"
    mkdir -p "$3.d" &&
        mcopy -s -n -i "$1@@$(($2 * 512))" '::*' "$3.d/" 2>/dev/null &&
        (cd "$3.d" && find . -type f -print0 | sort -z |
            xargs -0 -r sha256sum | sort) >"$3"
}

# disk_sha DISK: the SHA-256 of the whole disk.
disk_sha() {
    sha256sum "$1" | cut -d' ' -f1
}

# check_install NAME DISK PART_LBA PLAN BEFORE_OUTSIDE BEFORE_FILES EFI_PATH:
# after an install: nothing outside the plan changed, the FAT's old files
# are there unchanged and the new ones are the installed files, which are
# the inputs; the tables verify. Prints nothing and returns 0, or the
# reason on stdout and 1.
check_install() {
    local name=$1 disk=$2 lba=$3 plan=$4 before=$5 files=$6 efi=$7
    local spec="$disk@@$(($3 * 512))" f want
    python3 "$here/outside.py" "$disk" "$plan" >"$dir/$name.outside-after" ||
        { echo "outside.py failed"; return 1; }
    if ! cmp -s "$before" "$dir/$name.outside-after"; then
        f=$(diff "$before" "$dir/$name.outside-after" | sed -n '2s/^< \([0-9]*\) .*/\1/p')
        echo "bytes outside the planned writes changed, first in MiB $f"
        return 1
    fi
    fat_files "$disk" "$lba" "$dir/$name.files-after" ||
        { echo "mcopy -s of the partition failed"; return 1; }
    # Every old file, same bytes; the rest exactly the installed files.
    if [ -n "$(comm -23 "$files" "$dir/$name.files-after")" ]; then
        echo "a file of the user's changed or went:" \
            "$(comm -23 "$files" "$dir/$name.files-after" | head -n 1)"
        return 1
    fi
    want=$(printf '%s\n' ./boot/vmlinuz ./boot/initrd-1.img ".$efi" \
        ./bzboot.cfg | sort)
    if [ "$(comm -13 "$files" "$dir/$name.files-after" | cut -c 67- |
        sort)" != "$want" ]; then
        echo "the new files are not exactly" $want
        return 1
    fi
    for f in "$KERNEL:/boot/vmlinuz" "$INITRD:/boot/initrd-1.img" \
        "$EFI_BIN:$efi"; do
        if ! mtype -i "$spec" "::${f#*:}" | cmp -s - "${f%%:*}"; then
            echo "${f#*:} on the disk is not ${f%%:*}"
            return 1
        fi
    done
    if ! mtype -i "$spec" ::/bzboot.cfg |
        grep -qxF -e "$(printf '\tcmdline %s' "$CMDLINE")"; then
        echo "/bzboot.cfg has no line \"cmdline $CMDLINE\""
        return 1
    fi
    if ! out=$(sfdisk --verify "$disk" 2>&1) ||
        ! grep -q 'No errors detected' <<<"$out"; then
        echo "sfdisk --verify: $(tr '\n' ' ' <<<"$out")"
        return 1
    fi
    if sfdisk --dump "$disk" | grep -q '^label: gpt' &&
        ! sgdisk -v "$disk" 2>&1 | grep -q 'No problems found'; then
        echo "sgdisk -v: $(sgdisk -v "$disk" 2>&1 | tr '\n' ' ')"
        return 1
    fi
}

# stage2_sha DISK LBA: the SHA-256 of the sectors stage2 takes at LBA.
stage2_sectors=$((($(stat -c %s "$STAGE2_BIN") + 511) / 512))
stage2_sha() {
    dd if="$1" bs=512 skip="$2" count="$stage2_sectors" status=none |
        sha256sum | cut -d' ' -f1
}

# ---- cases -----------------------------------------------------------

# install_case NAME MAKER PART_LBA STAGE2_LBA EFI_PATH: make the layout,
# record it, plan with --dry-run (which must write nothing), install, then
# check_install; the disk stays as $dir/NAME.img for the boot cases.
install_case() {
    local name=$1 maker=$2 lba=$3 s2=$4 efi=$5 disk=$dir/$1.img why sha
    if ! "$maker" "$disk" 2>"$dir/$name.err"; then
        fail "$name" "making the disk failed: $(tail -n 1 "$dir/$name.err")"
        return
    fi
    sha=$(disk_sha "$disk")
    fat_files "$disk" "$lba" "$dir/$name.files-before"
    if ! "$MKDISK" install "$disk" --kernel "$KERNEL" --initrd "$INITRD" \
        --cmdline "$CMDLINE" --dry-run >"$dir/$name.plan" 2>"$dir/$name.err"
    then
        fail "$name" "--dry-run failed: $(head -n 1 "$dir/$name.err")"
        return
    fi
    [ "$(disk_sha "$disk")" = "$sha" ] ||
        { fail "$name" "--dry-run changed the disk"; return; }
    grep -q "^    [0-9]*\. LBA $s2-$((s2 + stage2_sectors - 1)) ($((stage2_sectors * 512)) bytes): stage2 in " "$dir/$name.plan" ||
        { fail "$name" "the plan has no stage2 write at LBA $s2 ($dir/$name.plan)"; return; }
    grep -q "^    [0-9]*\. LBA 0 (440 bytes): stage1" "$dir/$name.plan" ||
        { fail "$name" "the plan has no stage1 write of 440 bytes"; return; }
    grep -qxF "  BOOTX64.EFI: $efi ${EFI_NOTE}" "$dir/$name.plan" ||
        { fail "$name" "the plan does not put BOOTX64.EFI at $efi"; return; }
    python3 "$here/outside.py" "$disk" "$dir/$name.plan" \
        >"$dir/$name.outside-before"
    if ! "$MKDISK" install "$disk" --kernel "$KERNEL" --initrd "$INITRD" \
        --cmdline "$CMDLINE" >"$dir/$name.out" 2>"$dir/$name.err"; then
        fail "$name" "install failed: $(head -n 1 "$dir/$name.err")"
        return
    fi
    # The writes made are the writes planned, in the same order.
    if ! diff <(sed -n 's/^    \([0-9]*\. LBA\)/\1/p' "$dir/$name.plan") \
        <(sed -n 's/^  wrote //p' "$dir/$name.out") >/dev/null; then
        fail "$name" "the writes made differ from the plan"
        return
    fi
    if ! why=$(check_install "$name" "$disk" "$lba" "$dir/$name.plan" \
        "$dir/$name.outside-before" "$dir/$name.files-before" "$efi"); then
        fail "$name" "$why"
        return
    fi
    # stage2 is bzboot's, except its stage2_info (bytes 4-23).
    if ! cmp -s <(dd if="$disk" bs=1 skip=$((s2 * 512 + 24)) \
        count=$(($(stat -c %s "$STAGE2_BIN") - 24)) status=none) \
        <(tail -c +25 "$STAGE2_BIN"); then
        fail "$name" "LBA $s2 does not hold stage2"
        return
    fi
    pass "$name"
}

EFI_EMPTY="(/EFI/BOOT/BOOTX64.EFI was empty: firmware boots it without a boot entry)"

case_mbr() {
    EFI_NOTE=$EFI_EMPTY install_case "$1" disk_mbr 2048 1 /EFI/BOOT/BOOTX64.EFI
}

case_gpt() {
    EFI_NOTE=$EFI_EMPTY install_case "$1" disk_gpt 2048 40 /EFI/BOOT/BOOTX64.EFI
}

case_gpt_nobios() {
    EFI_NOTE=$EFI_EMPTY install_case "$1" disk_gpt_nobios 2048 34 /EFI/BOOT/BOOTX64.EFI
}

# --config FILE: the user's config, naming files already on the disk (the
# installed MBR disk's): it becomes /bzboot.cfg; one naming a missing
# kernel is refused.
case_config() {
    local d=$dir/$1.img cfg=$dir/$1.cfg why
    [ "${last_install[mbr]:-}" = pass ] ||
        { fail "$1" "install-mbr did not pass: no disk"; return; }
    cp --sparse=always "$dir/install-mbr.img" "$d"
    printf 'timeout 3\nentry mine\n\tkernel /boot/vmlinuz\n\tinitrd /boot/initrd-1.img\n\tcmdline %s\nentry other\n\tkernel /boot/missing\n' \
        "$CMDLINE" >"$cfg"
    if ! why=$(refusal_why "$1" "$d" "mkdisk: error: $cfg: entry other: kernel /boot/missing is not on partition 1" --config "$cfg" --force); then
        fail "$1" "$why"
        return
    fi
    sed -i '/^entry other/,$d' "$cfg"
    if ! "$MKDISK" install "$d" --config "$cfg" --force >"$dir/$1.out" \
        2>"$dir/$1.err"; then
        fail "$1" "install --config failed: $(head -n 1 "$dir/$1.err")"
    elif ! mtype -i "$d@@$((2048 * 512))" ::/bzboot.cfg | cmp -s - "$cfg"; then
        fail "$1" "/bzboot.cfg is not the config given"
    else
        pass "$1"
    fi
}

# boot NAME LAYOUT FIRMWARE: the installed disk boots, token and checksum.
case_boot() {
    local name=$1 layout=$2 fw=$3 disk=$dir/install-$2.img
    if [ ! -s "$disk" ] || [ "${last_install[$layout]:-}" != pass ]; then
        fail "$name" "install-$layout did not pass: no disk to boot"
        return
    fi
    EXPECT_VARS=(TOKEN="$TOKEN" SHA256="$(awk '$2 == "/payload" { print $1 }' "$INITRD.sha256")")
    local limit=60
    [ "$fw" = uefi ] && limit=120
    if boot_case "$name" "$here/$fw.expect" --fw "$fw" --disk "$disk" \
        --limit "$limit"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
}

# refusal_why NAME DISK WANT MKDISK-ARGS...: mkdisk install must exit 1
# with the one line WANT on stderr (a regular expression when it starts
# with ^) and leave the disk's SHA-256 as it was; else print why, return 1.
refusal_why() {
    local name=$1 disk=$2 want=$3 sha status
    shift 3
    sha=$(disk_sha "$disk")
    "$MKDISK" install "$disk" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
    status=$?
    if [ "$status" -ne 1 ]; then
        echo "exit status $status, not 1: $(head -n 1 "$dir/$name.err")"
    elif [ "$(wc -l <"$dir/$name.err")" -ne 1 ]; then
        echo "not one line on stderr: $(tr '\n' '|' <"$dir/$name.err")"
    elif [[ $want == ^* ]] && ! grep -qE "$want" "$dir/$name.err"; then
        echo "got \"$(cat "$dir/$name.err")\", not /$want/"
    elif [[ $want != ^* ]] && [ "$(cat "$dir/$name.err")" != "$want" ]; then
        echo "got \"$(cat "$dir/$name.err")\", not \"$want\""
    elif [ "$(disk_sha "$disk")" != "$sha" ]; then
        echo "the disk changed"
    else
        return 0
    fi
    return 1
}

# refused NAME DISK WANT MKDISK-ARGS...: refusal_why as one case.
refused() {
    local why
    if why=$(refusal_why "$@"); then
        pass "$1"
    else
        fail "$1" "$why"
    fi
}

ARGS=(--kernel "$KERNEL" --initrd "$INITRD" --cmdline "$CMDLINE")

case_gpt_gap() {
    local d=$dir/$1.img
    disk_gpt_gap "$d" 2>/dev/null || { fail "$1" "making the disk failed"; return; }
    refused "$1" "$d" "mkdisk: error: $d: no BIOS boot partition, and the gap after the GPT entries (LBA 34-63) has 30 sectors, stage2 needs $stage2_sectors: add a BIOS boot partition (type $BIOS_TYPE) of $(((stage2_sectors * 512 + 1023) / 1024)) KiB or more" "${ARGS[@]}"
}

case_no_esp() {
    local d=$dir/$1.img
    rm -f "$d"
    truncate -s 64M "$d"
    printf '%s\n' 'label: gpt' "start=2048, type=$LINUX_TYPE" | sfdisk -q "$d"
    refused "$1" "$d" "mkdisk: error: $d: no EFI System Partition (type $ESP_TYPE) in the GPT" "${ARGS[@]}"
}

case_no_fat() {
    local d=$dir/$1.img
    rm -f "$d"
    truncate -s 64M "$d"
    printf '%s\n' 'label: dos' 'start=2048, type=83' | sfdisk -q "$d"
    refused "$1" "$d" "mkdisk: error: $d: no FAT or EFI System partition in the MBR" "${ARGS[@]}"
}

# An ESP of 8 MiB (FAT16) cannot take an 8 MiB kernel and the rest.
case_esp_small() {
    local d=$dir/$1.img free
    rm -f "$d"
    truncate -s 64M "$d"
    printf '%s\n' 'label: gpt' 'first-lba: 34' \
        "start=40, size=2008, type=$BIOS_TYPE" \
        "start=2048, size=16384, type=$ESP_TYPE" | sfdisk -q "$d"
    user_fat "$dir/fat.img" 8192 -F 16 -s 1 2>/dev/null &&
        put_fs "$d" 2048 "$dir/fat.img" ||
        { fail "$1" "making the disk failed"; return; }
    # The free space as mdir counts it, which must be what mkdisk says.
    free=$(mdir -i "$d@@$((2048 * 512))" :: | tr -d ' ' |
        sed -n 's/^\([0-9]*\)bytesfree$/\1/p')
    refused "$1" "$d" "^mkdisk: error: $d: partition 2 \(LBA 2048, FAT16\) has $((free / 1024)) KiB free, the files need [0-9]+ KiB: too small for them\$" "${ARGS[@]}"
}

case_read_only() {
    local d=$dir/$1.img
    cp --sparse=always "$dir/install-mbr.img" "$d" 2>/dev/null ||
        disk_mbr "$d" 2>/dev/null
    chmod 0444 "$d"
    refused "$1" "$d" "mkdisk: error: $d: read-only (mode 0444): nothing written; make it writable first" "${ARGS[@]}"
    chmod 0644 "$d"
}

# Both headers' CRCs broken: a byte of each one's disk GUID changed.
case_bad_crc() {
    local d=$dir/$1.img last
    disk_gpt "$d" 2>/dev/null || { fail "$1" "making the disk failed"; return; }
    last=$(($(stat -c %s "$d") / 512 - 1))
    printf 'X' | dd of="$d" bs=1 seek=$((512 + 0x40)) conv=notrunc status=none
    printf 'X' | dd of="$d" bs=1 seek=$((last * 512 + 0x40)) conv=notrunc status=none
    refused "$1" "$d" "mkdisk: error: $d: the GPT is damaged: primary GPT header at LBA 1: header CRC32 does not match; backup at LBA $last: header CRC32 does not match" "${ARGS[@]}"
}

# A GRUB core image where stage2 goes: refused, named; --force writes.
case_grub() {
    local d=$dir/$1.img
    disk_mbr "$d" 2>/dev/null || { fail "$1" "making the disk failed"; return; }
    { head -c 512 /dev/urandom; printf 'GRUB  loading'; } |
        dd of="$d" bs=512 seek=1 conv=notrunc status=none
    refused "$1" "$d" "mkdisk: error: $d: the gap after the MBR (LBA 1-2047) is not free: it holds GRUB's core image (\"GRUB \" at LBA 2); another boot loader's? --force overwrites it" "${ARGS[@]}"
}

case_grub_force() {
    local d=$dir/install-grub.img
    [ -s "$d" ] || { fail "$1" "install-grub made no disk"; return; }
    if ! "$MKDISK" install "$d" "${ARGS[@]}" --force >"$dir/$1.out" \
        2>"$dir/$1.err"; then
        fail "$1" "install --force failed: $(head -n 1 "$dir/$1.err")"
    elif ! grep -q "^  wrote [0-9]*\. LBA 1-$stage2_sectors ($((stage2_sectors * 512)) bytes): stage2 in the gap after the MBR (LBA 1-2047), over GRUB's core image (\"GRUB \" at LBA 2)\$" "$dir/$1.out"; then
        fail "$1" "no line saying stage2 went over GRUB's core image"
    elif ! cmp -s <(dd if="$d" bs=512 skip=1 count="$stage2_sectors" status=none) \
        <(cat "$STAGE2_BIN"; head -c $((stage2_sectors * 512 - $(stat -c %s "$STAGE2_BIN"))) /dev/zero); then
        fail "$1" "LBA 1 does not hold stage2 (stage2_info zero on MBR)"
    else
        pass "$1"
    fi
}

# The same names again: refused without --force.
case_exists() {
    local d=$dir/$1.img
    cp --sparse=always "$dir/install-grub.img" "$d" ||
        { fail "$1" "install-grub made no disk"; return; }
    refused "$1" "$d" "mkdisk: error: $d: partition 1 already holds /boot/vmlinuz: --force replaces it" "${ARGS[@]}"
}

# /EFI/BOOT/BOOTX64.EFI holds another loader: ours goes to /EFI/bzboot/.
case_efi_taken() {
    local d=$dir/$1.img
    disk_gpt "$d" 2>/dev/null || { fail "$1" "making the disk failed"; return; }
    head -c 8192 /dev/urandom >"$dir/other.efi"
    mmd -i "$d@@$((2048 * 512))" ::/EFI/BOOT &&
        mcopy -i "$d@@$((2048 * 512))" "$dir/other.efi" ::/EFI/BOOT/BOOTX64.EFI
    if ! "$MKDISK" install "$d" "${ARGS[@]}" >"$dir/$1.out" 2>"$dir/$1.err"; then
        fail "$1" "install failed: $(head -n 1 "$dir/$1.err")"
    elif ! grep -qxF "  BOOTX64.EFI: /EFI/bzboot/BOOTX64.EFI (/EFI/BOOT/BOOTX64.EFI holds another loader, left as it is: add a boot entry for \\EFI\\bzboot\\BOOTX64.EFI (efibootmgr --create --part 2 --loader '\\EFI\\bzboot\\BOOTX64.EFI'))" "$dir/$1.out"; then
        fail "$1" "install does not say it used /EFI/bzboot/"
    elif ! mtype -i "$d@@$((2048 * 512))" ::/EFI/BOOT/BOOTX64.EFI | cmp -s - "$dir/other.efi"; then
        fail "$1" "the other loader's /EFI/BOOT/BOOTX64.EFI changed"
    elif ! mtype -i "$d@@$((2048 * 512))" ::/EFI/bzboot/BOOTX64.EFI | cmp -s - "$EFI_BIN"; then
        fail "$1" "/EFI/bzboot/BOOTX64.EFI is not bzboot's"
    else
        pass "$1"
    fi
}

# SIGTERM while the kernel is copied: mkdisk stops after that write, says
# so, and the MBR and stage2's sectors are untouched.
case_sigterm() {
    local d=$dir/$1.img wrap=$dir/wrap mcopy lba0 s2 status
    disk_mbr "$d" 2>/dev/null || { fail "$1" "making the disk failed"; return; }
    mcopy=$(command -v mcopy)
    mkdir -p "$wrap"
    printf '#!/bin/sh\nkill -TERM $PPID\nexec %s "$@"\n' "$mcopy" >"$wrap/mcopy"
    chmod +x "$wrap/mcopy"
    lba0=$(dd if="$d" bs=512 count=1 status=none | sha256sum)
    s2=$(stage2_sha "$d" 1)
    PATH=$wrap:$PATH "$MKDISK" install "$d" "${ARGS[@]}" >"$dir/$1.out" \
        2>"$dir/$1.err"
    status=$?
    if [ "$status" -ne 143 ]; then
        fail "$1" "exit status $status, not 143 (SIGTERM)"
    elif ! grep -qxF "mkdisk: install: $d: stopped by SIGTERM between two writes" "$dir/$1.err"; then
        fail "$1" "no line saying it stopped: $(head -n 1 "$dir/$1.err")"
    elif ! grep -qxF "mkdisk: install: 3 of 8 writes made: written /boot; written /EFI/BOOT; written /boot/vmlinuz; NOT written /boot/initrd-1.img; NOT written /EFI/BOOT/BOOTX64.EFI; NOT written /bzboot.cfg; NOT written stage2; NOT written stage1. The disk boots as before under BIOS (neither stage2 nor stage1 is written); run install again to finish." "$dir/$1.err"; then
        fail "$1" "no line saying what was written: $(tail -n 1 "$dir/$1.err")"
    elif [ "$(dd if="$d" bs=512 count=1 status=none | sha256sum)" != "$lba0" ] ||
        [ "$(stage2_sha "$d" 1)" != "$s2" ]; then
        fail "$1" "the MBR or stage2's sectors changed"
    elif ! mtype -i "$d@@$((2048 * 512))" ::/boot/vmlinuz | cmp -s - "$KERNEL"; then
        fail "$1" "/boot/vmlinuz, said written, is not the kernel"
    else
        pass "$1"
    fi
}

# The checker itself: a byte changed in the ext4 partition of a copy of
# the installed MBR disk, and one of the user's files rewritten, must each
# be reported.
case_checker() {
    local d=$dir/$1.img why n=install-mbr
    [ "${last_install[mbr]:-}" = pass ] ||
        { fail "$1" "install-mbr did not pass: nothing to check"; return; }
    cp --sparse=always "$dir/$n.img" "$d"
    printf '\xff' | dd of="$d" bs=1 seek=$((140000 * 512 + 7)) conv=notrunc status=none
    why=$(check_install "$n" "$d" 2048 "$dir/$n.plan" "$dir/$n.outside-before" \
        "$dir/$n.files-before" /EFI/BOOT/BOOTX64.EFI)
    if [ "$why" != "bytes outside the planned writes changed, first in MiB 68" ]; then
        fail "$1" "a changed byte at LBA 140000 gave \"$why\""
        return
    fi
    cp --sparse=always "$dir/$n.img" "$d"
    echo changed | mcopy -o -i "$d@@$((2048 * 512))" - ::/docs/README.TXT
    why=$(check_install "$n" "$d" 2048 "$dir/$n.plan" "$dir/$n.outside-before" \
        "$dir/$n.files-before" /EFI/BOOT/BOOTX64.EFI)
    if [[ $why != "a file of the user's changed or went: "*"./docs/README.TXT" ]]; then
        fail "$1" "a rewritten /docs/README.TXT gave \"$why\""
        return
    fi
    pass "$1"
}

declare -A last_install
last_status=fail
run_install() {
    local name=$1
    selected "$name" || return 0
    if [ "$list_only" -eq 1 ]; then echo "$name"; return 0; fi
    "$2" "$name"
    last_install[${name#install-}]=$last_status
}
run_boot() {
    selected "$1" || return 0
    if [ "$list_only" -eq 1 ]; then echo "$1"; return 0; fi
    case_boot "$@"
}
run_plain() {
    selected "$1" || return 0
    if [ "$list_only" -eq 1 ]; then echo "$1"; return 0; fi
    "$2" "$1"
}

if [ "$list_only" -eq 0 ]; then
    [ -s "$KERNEL" ] || bash tests/qemu/fetch-kernel.sh amd64 >/dev/null ||
        lib_die "no Debian kernel: tests/qemu/fetch-kernel.sh amd64 failed"
    for f in "$MKDISK" "$KERNEL" "$INITRD" "$INITRD.sha256" "$EFI_BIN" "$STAGE2_BIN"; do
        [ -s "$f" ] || lib_die "$f missing: run make test-install (it builds the inputs)"
    done
fi

run_install install-mbr case_mbr
run_install install-gpt case_gpt
run_plain install-checker case_checker
run_install install-gpt-nobios case_gpt_nobios
run_plain install-config case_config
run_plain install-gpt-gap case_gpt_gap
run_plain install-no-esp case_no_esp
run_plain install-no-fat case_no_fat
run_plain install-esp-small case_esp_small
run_plain install-read-only case_read_only
run_plain install-bad-crc case_bad_crc
run_plain install-grub case_grub
run_plain install-grub-force case_grub_force
run_plain install-exists case_exists
run_plain install-efi-taken case_efi_taken
run_plain install-sigterm case_sigterm
run_boot install-mbr-bios mbr bios
run_boot install-mbr-uefi mbr uefi
run_boot install-gpt-bios gpt bios
run_boot install-gpt-uefi gpt uefi
run_boot install-gpt-nobios-bios gpt-nobios bios
[ "$list_only" -eq 1 ] && exit 0
finish
