#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkinitramfs.sh --arch amd64|i386 --out FILE [--mode test|shell|payload|rootfs|efivars]
#     [--payload-size BYTES] [--name NAME] [--pad-to BYTES]
#     [--compress gzip|none]
#
# Builds an initramfs (a cpio "newc" archive, gzip-compressed by default)
# for the boot tests and the default disk image. Runs on the build machine,
# without root: the archive is made from a staging directory with
# `cpio -o -H newc -R 0:0`, and there are no device nodes in it; /init
# mounts devtmpfs, and /dev/console comes from the kernel's own built-in
# initramfs, which is unpacked before the loader's.
#
# Modes:
#   test     busybox and tests/qemu/initramfs/test-init as /init, which
#            prints the BZTEST lines and resets the machine; a random
#            /payload of --payload-size bytes (default 1 MiB, 0 for none).
#   shell    busybox, /init becomes busybox init with a shell on ttyS0 and
#            tty1 (tests/qemu/initramfs/inittab).
#   payload  only a random /NAME (--name, default payload2) of
#            --payload-size bytes: a second initrd, which the kernel
#            unpacks on top of the first.
#   rootfs   busybox, tests/qemu/initramfs/rootfs-init as /init, and the
#            modules Debian's kernel needs to reach a disk and mount ext4
#            (ROOTFS_MODULES below and what they depend on), taken from
#            the same linux-image package as $BUILD/kernels/vmlinuz-ARCH
#            (its .pkg file names it; fetch-kernel.sh first). /init loads
#            them, mounts root=PARTUUID=... and switch_roots into it. No
#            payload. A separate image: the test one stays as small as the
#            benchmarks expect.
#   efivars  busybox, tests/qemu/initramfs/efivars-init as /init, and
#            efivarfs.ko (Debian builds it as a module) the same way: the
#            Boot Loader Interface test (tests/menu) reads and writes EFI
#            variables with it.
# busybox is the installed /bin/busybox for amd64 and the one of Debian's
# busybox-static:i386 package (fetched into $BUILD/cache) for i386.
# --pad-to adds a random, so incompressible, /pad file and pads the archive
# with zeros (which the kernel's unpacker skips) to exactly BYTES: an initrd
# of a known size for benchmarks.
#
# The archive is reproducible: the same busybox and files give the same
# bytes. Every entry is dated SOURCE_DATE_EPOCH (1980-01-01 00:00:00 UTC
# when unset, as mkdisk does), directories are 0755, the entries are in
# C-locale order, cpio --reproducible numbers the inodes from 1 and stores
# no device numbers, and gzip -n leaves out the name and time. Only the
# random files (/payload, /NAME, /pad) differ from run to run, by design;
# the shell mode without --payload-size has none.
#
# Writes FILE, and FILE.sha256 (sha256sum format, one line per payload);
# prints one line saying what it built.

set -uo pipefail
LIB_PROG=mkinitramfs
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    sed -n '4,6p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
    exit 2
}

arch='' out='' mode=test payload_size='' name=payload2 pad_to='' compress=gzip
while [ $# -gt 0 ]; do
    case $1 in
    --arch) arch=${2-} ;;
    --out) out=${2-} ;;
    --mode) mode=${2-} ;;
    --payload-size) payload_size=${2-} ;;
    --name) name=${2-} ;;
    --pad-to) pad_to=${2-} ;;
    --compress) compress=${2-} ;;
    -h | --help) usage ;;
    *) echo "$LIB_PROG: unknown argument $1" >&2; usage ;;
    esac
    [ $# -ge 2 ] || { echo "$LIB_PROG: $1 needs a value" >&2; usage; }
    shift 2
done
[ -n "$out" ] || usage
case $arch in amd64 | i386) ;; *) usage ;; esac
case $mode in test | shell | payload | rootfs | efivars) ;; *) usage ;; esac
case $compress in gzip | none) ;; *) usage ;; esac
[ -n "$payload_size" ] || case $mode in
    test | payload) payload_size=1048576 ;;
    *) payload_size=0 ;;
esac
[[ $payload_size =~ ^[0-9]+$ ]] ||
    lib_die "--payload-size $payload_size: not a number of bytes"
[ -z "$pad_to" ] || [[ $pad_to =~ ^[0-9]+$ ]] ||
    lib_die "--pad-to $pad_to: not a number of bytes"
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] ||
    lib_die "--name $name: not a plain file name"
# mkdisk's MKDISK_DEFAULT_EPOCH (mkdisk/mkdisk.h): 1980-01-01 00:00:00 UTC.
epoch=${SOURCE_DATE_EPOCH-315532800}
[[ $epoch =~ ^[0-9]+$ ]] ||
    lib_die "SOURCE_DATE_EPOCH=$epoch: not a whole number of seconds since 1970"
lib_need cpio cpio
lib_need sha256sum coreutils
[ "$compress" = none ] || lib_need gzip gzip

# Paths relative to the caller, then work from the repository root.
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$ROOT" || exit 1
src=tests/qemu/initramfs

busybox=
if [ "$mode" != payload ]; then
    if [ "$arch" = amd64 ]; then
        busybox=/bin/busybox
        [ -x "$busybox" ] ||
            lib_die "/bin/busybox missing: install the Debian package busybox-static"
        # Debian's busybox (not -static) is dynamic and would not run alone.
        if [[ $(ldd "$busybox" 2>&1) != *"not a dynamic"* ]]; then
            lib_die "/bin/busybox is not static: install the Debian package busybox-static"
        fi
    else
        deb=$(deb_fetch busybox-static:i386) || exit 1
        bbdir=$BUILD/cache/busybox-i386
        if [ ! -f "$bbdir/bin/busybox" ] ||
            [ "$deb" -nt "$bbdir/bin/busybox" ]; then
            rm -rf "$bbdir"
            mkdir -p "$bbdir"
            dpkg-deb -x "$deb" "$bbdir" || lib_die "$deb: dpkg-deb -x failed"
        fi
        busybox=$bbdir/bin/busybox
        [ -f "$busybox" ] || lib_die "$deb: no /bin/busybox in the package"
    fi
fi

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.tmp.XXXXXX") || exit 1
archive=$stage.cpio
trap 'rm -rf "$stage" "$archive"' EXIT
tree=$stage/root
mkdir -p "$tree"

# install_file SRC DEST MODE: one file into the staging root.
install_file() {
    mkdir -p "$(dirname "$tree/$2")"
    cp "$1" "$tree/$2" && chmod "$3" "$tree/$2"
}

# random_file PATH BYTES: BYTES random (incompressible) bytes.
random_file() {
    head -c "$2" /dev/urandom >"$1" ||
        lib_die "$1: cannot write $2 random bytes"
}

# What the rootfs mode's /init loads, in this order after what each
# depends on: the disk controllers QEMU offers (IDE on pc, AHCI on q35,
# virtio-blk), the SCSI disk driver that libata's disks appear through,
# and ext4. crc32c_generic because ext4's and jbd2's metadata checksums
# ask the crypto API for "crc32c" when the file system is mounted, which
# no module dependency records (crc32c-intel needs SSE4.2, which QEMU's
# TCG CPU lacks).
ROOTFS_MODULES="ata_piix ahci virtio_pci virtio_blk sd_mod crc32c_generic ext4"
# Where in the package those and their dependencies are.
ROOTFS_MODULE_DIRS="drivers/ata drivers/scsi drivers/block drivers/virtio
    fs/ext4 fs/jbd2 fs/mbcache.ko block lib crypto"

# module_deps FILE: the modules FILE depends on (its .modinfo depends=).
module_deps() {
    objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
        tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# add_modules DIR NAME...: each module, after what it depends on, into
# $tree/lib/modules/ and its name onto /lib/modules/order (once).
add_modules() {
    local dir=$1 name file
    shift
    for name in "$@"; do
        grep -qx "$name" "$tree/lib/modules/order" 2>/dev/null && continue
        file=$(find "$dir" -name "$name.ko" | head -n 1)
        [ -n "$file" ] || file=$(find "$dir" -name "${name//_/-}.ko" | head -n 1)
        [ -n "$file" ] || file=$(find "$dir" -name "${name//-/_}.ko" | head -n 1)
        [ -n "$file" ] ||
            lib_die "$dir: no $name.ko (add its directory to the mode's list)"
        # shellcheck disable=SC2046 # a list of names
        add_modules "$dir" $(module_deps "$file")
        cp "$file" "$tree/lib/modules/$name.ko" || exit 1
        echo "$name" >>"$tree/lib/modules/order"
    done
}

# kernel_modules TAG DIRS NAME...: the modules NAME... of the kernel
# package for $arch, from its directories DIRS, taken out once into
# $BUILD/cache/modulesTAG-PACKAGE/.
kernel_modules() {
    local karch=amd64 pkg deb dir patterns=() d tag=$1 dirs=$2
    shift 2
    [ "$arch" = amd64 ] || karch=686
    pkg=$BUILD/kernels/vmlinuz-$karch.pkg
    [ -r "$pkg" ] ||
        lib_die "$pkg missing: run tests/qemu/fetch-kernel.sh $karch first"
    deb=$BUILD/cache/$(cat "$pkg")
    [ -r "$deb" ] || lib_die "$deb missing: run tests/qemu/fetch-kernel.sh $karch"
    lib_need objcopy binutils
    dir=$BUILD/cache/modules$tag-$(basename "$deb" .deb)
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        for d in $dirs; do
            patterns+=("./lib/modules/*/kernel/$d*")
        done
        dpkg-deb --fsys-tarfile "$deb" |
            tar -x -C "$dir" --wildcards "${patterns[@]}" ||
            lib_die "$deb: cannot take the modules out"
        touch "$dir/.complete"
    fi
    mkdir -p "$tree/lib/modules"
    : >"$tree/lib/modules/order"
    add_modules "$dir" "$@"
}

payload_files=()
case $mode in
test | shell | rootfs | efivars)
    mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
    install_file "$busybox" bin/busybox 0755
    ln -s busybox "$tree/bin/sh"
    if [ "$mode" = rootfs ]; then
        install_file "$src/rootfs-init" init 0755
        mkdir -p "$tree/newroot"
        # shellcheck disable=SC2086 # a list of names
        kernel_modules "" "$ROOTFS_MODULE_DIRS" $ROOTFS_MODULES
    elif [ "$mode" = efivars ]; then
        install_file "$src/efivars-init" init 0755
        kernel_modules -efivars fs/efivarfs efivarfs
    elif [ "$mode" = test ]; then
        install_file "$src/test-init" init 0755
        [ "$payload_size" -eq 0 ] || payload_files=(payload)
    else
        install_file "$src/shell-init" init 0755
        install_file "$src/inittab" etc/inittab 0644
        install_file "$src/shell" etc/shell 0755
        install_file "$src/profile" etc/profile 0644
        [ "$payload_size" -eq 0 ] || payload_files=(payload)
    fi
    ;;
payload)
    [ "$payload_size" -gt 0 ] ||
        lib_die "--mode payload needs a --payload-size above 0"
    payload_files=("$name")
    ;;
esac
for f in "${payload_files[@]}"; do
    random_file "$tree/$f" "$payload_size"
done

# make_archive: the staging root as one cpio archive at $archive. mkdir
# follows the umask, cp and ln take the time of day: both are set here, so
# that only the contents reach the archive.
make_archive() {
    find "$tree" -mindepth 1 -type d -exec chmod 0755 {} + &&
        find "$tree" -mindepth 1 -exec touch -h -d "@$epoch" {} + ||
        lib_die "$out: cannot set the modes and dates in $tree"
    (cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) >"$archive.cpio" ||
        lib_die "$out: cpio failed"
    if [ "$compress" = gzip ]; then
        gzip -n -c "$archive.cpio" >"$archive" || lib_die "$out: gzip failed"
        rm -f "$archive.cpio"
    else
        mv "$archive.cpio" "$archive"
    fi
}

make_archive
if [ -n "$pad_to" ]; then
    size=$(stat -c %s "$archive")
    # Room for the pad file's cpio header and, with gzip, for deflate's
    # stored-block overhead on random data (a few bytes per 64 KiB).
    pad=$((pad_to - size - 4096 - pad_to / 1024))
    [ "$pad" -gt 0 ] ||
        lib_die "--pad-to $pad_to: the archive is already $size bytes"
    random_file "$tree/pad" "$pad"
    make_archive
    size=$(stat -c %s "$archive")
    [ "$size" -le "$pad_to" ] ||
        lib_die "--pad-to $pad_to: the archive came out at $size bytes"
    truncate -s "$pad_to" "$archive"
fi

: >"$stage/sha256"
for f in "${payload_files[@]}"; do
    sum=$(sha256sum "$tree/$f")
    echo "${sum%% *}  /$f" >>"$stage/sha256"
done
mv "$stage/sha256" "$out.sha256" && mv "$archive" "$out" || exit 1

summary="$out: $mode initramfs, $arch, $(stat -c %s "$out") bytes"
[ "$mode" = payload ] && summary="$out: payload initramfs"
while read -r sum f; do
    summary="$summary, $f sha256 $sum"
done <"$out.sha256"
echo "${summary#"$ROOT/"}"
