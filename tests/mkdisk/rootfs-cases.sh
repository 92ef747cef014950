# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # $work, $MKDISK...: mkdisk-tests.sh
#
# rootfs-cases.sh: the cases of `mkdisk --rootfs DIR [--rootfs-size MiB]`,
# sourced by mkdisk-tests.sh after gpt-cases.sh, whose guid_at and
# sfdisk_part it uses with mkdisk-tests.sh's pass, fail, run_mkdisk,
# expect_refusal, expect_usage, expect_verified, $work, $kernel and
# $cmdline.
#
# The images are taken apart by tools that share no code with mkdisk:
# sgdisk -v and sfdisk --verify (no problems, GPT and MBR), sfdisk --dump
# (partition 3 of the DPS x86-64 root type on GPT, partition 2 of type 83
# on MBR, right after the ESP, of --rootfs-size), mtype (root=PARTUUID=
# in the config with the value sfdisk reads), e2fsck -fn (a clean ext4)
# and debugfs (a file of DIR with its bytes, the ext4 UUID mkdisk
# printed). Then reproducibility, the user's own root=, --size,
# --enroll-config (the final config's hash in both loaders), and every
# refusal: one line, no OUT, no temporary file.

ROOT_TYPE=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
rdir=$work/rootdir
mkdir -p "$rdir/etc" "$rdir/sbin"
head -c 200000 /dev/urandom >"$rdir/etc/data"
printf '#!/bin/sh\necho hello\n' >"$rdir/sbin/init"
chmod 0755 "$rdir/sbin/init"
ln -s ../etc/data "$rdir/sbin/link"
# mke2fs -d copies each file's access time, and under relatime the first
# read of a new file moves it (the access time is not yet past the change
# time): read the tree once now, so that the first image is not made from
# other access times than the second (docs: "an untouched DIR").
find "$rdir" -type f -exec cat {} + >/dev/null
find "$rdir" -type d -exec ls -a {} + >/dev/null

# root_cmdline IMG: the cmdline line of IMG's /bzboot.cfg.
root_cmdline() {
    mtype -i "$1@@1M" ::/bzboot.cfg 2>/dev/null |
        sed -n 's/^[[:space:]]*cmdline //p' | tr -d '\r'
}

# root_fs IMG N: debugfs's `-R` target for partition N of IMG.
root_fs() {
    echo "$1?offset=$(($(sfdisk_part "$1" "$2" start) * 512))"
}

# check_rootfs NAME IMG N TYPE PARTUUID: partition N of IMG is the root
# partition: of TYPE, right after the ESP, the config names PARTUUID, and
# it holds DIR's files in a clean ext4 with the UUID mkdisk printed.
check_rootfs() {
    local name=$1 img=$2 n=$3 type=$4 partuuid=$5 esp_end fs got uuid
    esp_end=$(($(sfdisk_part "$img" $((n - 1)) start) + \
        $(sfdisk_part "$img" $((n - 1)) size)))
    fs=$(root_fs "$img" "$n")
    dd if="$img" of="$work/rootfs-part" bs=512 status=none \
        skip="$(sfdisk_part "$img" "$n" start)" \
        count="$(sfdisk_part "$img" "$n" size)"
    uuid=$(sed -n 's/.*ext4 UUID \([0-9a-f-]*\),.*/\1/p' "$work/stdout")
    got=$(sfdisk_part "$img" "$n" type)
    if [ "$got" != "$type" ]; then
        fail "$name: partition $n" "type $got, want $type"
    elif [ "$(sfdisk_part "$img" "$n" start)" -ne "$esp_end" ]; then
        fail "$name: partition $n" "starts at $(sfdisk_part "$img" "$n" start)," \
            "not right after the ESP ($esp_end)"
    elif [ "$(root_cmdline "$img")" != "$cmdline root=PARTUUID=$partuuid" ]; then
        fail "$name: root=PARTUUID=" "cmdline '$(root_cmdline "$img")'," \
            "want root=PARTUUID=$partuuid"
    elif ! e2fsck -fn "$work/rootfs-part" >"$work/e2fsck.out" 2>&1; then
        fail "$name: ext4" "e2fsck -fn: $(tail -n 2 "$work/e2fsck.out" | tr '\n' '|')"
    elif ! debugfs -R "cat /etc/data" "$fs" 2>/dev/null |
        cmp -s - "$rdir/etc/data"; then
        fail "$name: ext4" "debugfs: /etc/data differs from $rdir/etc/data"
    elif [ "$(debugfs -R "stat /sbin/link" "$fs" 2>/dev/null |
        sed -n 's/^Fast link dest: "\(.*\)"$/\1/p')" != ../etc/data ]; then
        fail "$name: ext4" "/sbin/link is not the symbolic link ../etc/data"
    elif [ -z "$uuid" ] || ! dumpe2fs -h "$work/rootfs-part" 2>/dev/null |
        grep -q "^Filesystem UUID: *$uuid$"; then
        fail "$name: ext4" "its UUID is not '$uuid' (mkdisk's summary)"
    else
        pass "$name: partition $n, root=PARTUUID=$partuuid, ext4 with DIR"
    fi
    rm -f "$work/rootfs-part"
}

# GPT, --rootfs-size given.
rimg=$work/rootfs-gpt.img
run_mkdisk -o "$rimg" --gpt --kernel "$kernel" --initrd "$work/initrd-b" \
    --cmdline "$cmdline" --rootfs "$rdir" --rootfs-size 24
if [ "$rc" -ne 0 ] || [ ! -f "$rimg" ]; then
    fail "--rootfs --gpt image" "exit status $rc: $(err_line)"
else
    pass "--rootfs --gpt image"
    expect_verified "--rootfs GPT image: sgdisk -v, sfdisk --verify" "$rimg"
    root_uuid=$(sfdisk_part "$rimg" 3 uuid | tr A-F a-f)
    check_rootfs "--rootfs --gpt" "$rimg" 3 "$ROOT_TYPE" "$root_uuid"
    got=$(sfdisk_part "$rimg" 3 size)
    if [ "$got" -ne $((24 * 2048)) ] ||
        [ $(($(sfdisk_part "$rimg" 3 start) + got)) -ne \
            $(($(stat -c %s "$rimg") / 512 - 2048)) ]; then
        fail "--rootfs-size 24" "partition 3 has $got sectors, or does not" \
            "end a MiB before the disk's end"
    else
        pass "--rootfs-size 24: 49152 sectors up to the last MiB"
    fi
fi

# The same inputs: the same bytes; one byte of DIR changed: another root
# GUID and ext4 UUID.
run_mkdisk -o "$work/rootfs-gpt2.img" --gpt --kernel "$kernel" \
    --initrd "$work/initrd-b" --cmdline "$cmdline" --rootfs "$rdir" \
    --rootfs-size 24
if [ "$rc" -ne 0 ] || ! cmp -s "$rimg" "$work/rootfs-gpt2.img"; then
    fail "--rootfs reproducible" "exit status $rc, or other bytes"
else
    pass "--rootfs reproducible"
fi
cp -a "$rdir" "$work/rootdir2"
printf 'x' | dd of="$work/rootdir2/etc/data" bs=1 seek=100 conv=notrunc \
    status=none
touch -r "$rdir/etc/data" "$work/rootdir2/etc/data"
run_mkdisk -o "$work/rootfs-gpt2.img" --gpt --kernel "$kernel" \
    --initrd "$work/initrd-b" --cmdline "$cmdline" \
    --rootfs "$work/rootdir2" --rootfs-size 24
if [ "$rc" -ne 0 ]; then
    fail "--rootfs: DIR changes the GUIDs" "exit status $rc: $(err_line)"
elif [ "$(sfdisk_part "$work/rootfs-gpt2.img" 3 uuid | tr A-F a-f)" = \
    "${root_uuid:-}" ]; then
    fail "--rootfs: DIR changes the GUIDs" "the root GUID stayed $root_uuid"
else
    pass "--rootfs: DIR changes the GUIDs"
fi
rm -f "$work/rootfs-gpt2.img"
rm -rf "$work/rootdir2"

# MBR, the default size: partition 2 of type 83, SIGNATURE-02.
rimg=$work/rootfs-mbr.img
run_mkdisk -o "$rimg" --kernel "$kernel" --cmdline "$cmdline" \
    --rootfs "$rdir"
if [ "$rc" -ne 0 ] || [ ! -f "$rimg" ]; then
    fail "--rootfs MBR image" "exit status $rc: $(err_line)"
else
    pass "--rootfs MBR image"
    expect_verified "--rootfs MBR image: sgdisk -v, sfdisk --verify" "$rimg"
    sig=$(sfdisk --dump "$rimg" 2>/dev/null | sed -n 's/^label-id: 0x//p')
    check_rootfs "--rootfs MBR" "$rimg" 2 83 "$sig-02"
    # The default: twice DIR's 200 KB or so, plus 64 MiB.
    got=$(($(sfdisk_part "$rimg" 2 size) / 2048))
    if [ "$got" -ne 65 ]; then
        fail "--rootfs default size" "$got MiB, want 65"
    else
        pass "--rootfs default size: 65 MiB"
    fi
fi

# The user's root= stays as it is.
run_mkdisk -o "$work/rootfs-own.img" --kernel "$kernel" \
    --cmdline "root=/dev/sda2 rw" --rootfs "$rdir" --rootfs-size 16
if [ "$rc" -ne 0 ] ||
    [ "$(root_cmdline "$work/rootfs-own.img")" != "root=/dev/sda2 rw" ]; then
    fail "--rootfs keeps the user's root=" "exit status $rc, cmdline" \
        "'$(root_cmdline "$work/rootfs-own.img")'"
else
    pass "--rootfs keeps the user's root="
fi
# --size is the whole image's: the ESP gets what the root leaves.
run_mkdisk -o "$work/rootfs-size.img" --kernel "$kernel" --cmdline x \
    --rootfs "$rdir" --rootfs-size 16 --size 100
if [ "$rc" -ne 0 ] || [ "$(stat -c %s "$work/rootfs-size.img")" -ne \
    $((100 * 1048576)) ] ||
    [ "$(sfdisk_part "$work/rootfs-size.img" 1 size)" -ne $((82 * 2048)) ]; then
    fail "--rootfs with --size 100" "exit status $rc, or not 100 MiB with" \
        "an ESP of 82"
else
    pass "--rootfs with --size 100: ESP 82 MiB, root 16"
fi
# --enroll-config: the loaders hold the hash of the config with the real
# root=PARTUUID= in it (mkdisk enrolls after the GUIDs are known).
run_mkdisk -o "$work/rootfs-enrolled.img" --kernel "$kernel" --cmdline x \
    --rootfs "$rdir" --rootfs-size 16 --enroll-config
cfg_sum=$(mtype -i "$work/rootfs-enrolled.img@@1M" ::/bzboot.cfg 2>/dev/null |
    sha256sum | cut -d' ' -f1)
if [ "$rc" -ne 0 ] ||
    ! image_loaders "$work/rootfs-enrolled.img" "$work/rootfs-enrolled"; then
    fail "--rootfs --enroll-config" "exit status $rc: $(err_line)"
elif [ "$(slot_hex "$work/rootfs-enrolled.stage2")" != "$cfg_sum" ] ||
    [ "$(slot_hex "$work/rootfs-enrolled.efi")" != "$cfg_sum" ] ||
    ! root_cmdline "$work/rootfs-enrolled.img" | grep -q 'root=PARTUUID='; then
    fail "--rootfs --enroll-config" "the enrolled hash is not the" \
        "config's $cfg_sum, or no root=PARTUUID="
else
    pass "--rootfs --enroll-config: the config with root=PARTUUID= enrolled"
fi
rm -f "$work/rootfs-own.img" "$work/rootfs-size.img" "$work"/rootfs-enrolled*

# --- Refusals: one line, nothing written. ---
rout=$work/rootfs-refused.img
rargs=(-o "$rout" --kernel "$kernel" --cmdline x)
expect_refusal "--rootfs: DIR missing" \
    "nowhere: the root file system's directory: No such file or directory" \
    "$rout" "${rargs[@]}" --rootfs "$work/nowhere"
expect_refusal "--rootfs: DIR is a file" \
    "initrd-b: not a directory \\(--rootfs takes the directory" \
    "$rout" "${rargs[@]}" --rootfs "$work/initrd-b"
mkdir -p "$work/rootbig"
head -c $((20 * 1048576)) /dev/urandom >"$work/rootbig/big"
expect_refusal "--rootfs: DIR does not fit" \
    "rootbig: does not fit in a root partition of 16 MiB \\(it holds 20\\.[0-9] MiB" \
    "$rout" "${rargs[@]}" --rootfs "$work/rootbig" --rootfs-size 16
rm -rf "$work/rootbig"
# No mke2fs: one line naming the package. An old OUT stays as it was.
printf 'previous image\n' >"$rout"
export MKE2FS=$work/no-such-dir/mke2fs
expect_refusal "--rootfs: no mke2fs" \
    "no-such-dir/mke2fs: not found: install the Debian package e2fsprogs" \
    "$rout" "${rargs[@]}" --rootfs "$rdir"
# A failing mke2fs: its words in the line, no OUT.rootfs.* left.
printf '#!/bin/sh\necho "mke2fs: simulated failure" >&2\nexit 1\n' \
    >"$work/mke2fs-fails"
chmod +x "$work/mke2fs-fails"
export MKE2FS=$work/mke2fs-fails
expect_refusal "--rootfs: mke2fs fails, OUT kept" \
    "rootfs-refused.img.rootfs.[A-Za-z0-9]{6}: /.*/mke2fs-fails failed: mke2fs: simulated failure" \
    "$rout" "${rargs[@]}" --rootfs "$rdir"
unset MKE2FS
rm -f "$rout"

expect_usage "--rootfs-size without --rootfs" "${rargs[@]}" --rootfs-size 20
expect_usage "--rootfs-size 4" "${rargs[@]}" --rootfs "$rdir" --rootfs-size 4
expect_usage "--rootfs-size 1M" "${rargs[@]}" --rootfs "$rdir" --rootfs-size 1M
expect_usage "--size 70 --rootfs-size 20" "${rargs[@]}" --rootfs "$rdir" \
    --rootfs-size 20 --size 70
expect_usage "--rootfs given twice" "${rargs[@]}" --rootfs "$rdir" \
    --rootfs "$rdir"
