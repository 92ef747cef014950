#!/bin/bash
# SPDX-License-Identifier: MIT
#
# default-image.sh OUT: build the default disk image, run by `make disk.img`
# on the build machine. Takes the environment the Makefile passes:
#   KERNEL   a bzImage; empty: the host's newest readable /boot/vmlinuz-*
#            that is a bzImage, else Debian's amd64 kernel (fetch-kernel.sh)
#   INITRD   initrd files, space-separated; empty: the project's busybox
#            initramfs (mkinitramfs.sh --mode shell, for the kernel's
#            architecture), which boots to a shell on ttyS0 and tty1
#   CMDLINE  the kernel command line (default console=tty0 console=ttyS0,115200)
#   BUILD    the build directory (default build), which holds build/mkdisk
#   MKDISK_FLAGS  more mkdisk options, split at blanks (e.g. --gpt)
#   ROOTFS   a directory: a root partition made from it (mkdisk --rootfs),
#            ROOTFS_SIZE its size in MiB (default: mkdisk's). Without
#            KERNEL, the kernel is then Debian's amd64 one and, without
#            INITRD, the initrd the rootfs initramfs (mkinitramfs.sh --mode
#            rootfs: that kernel's disk and ext4 modules), which mounts the
#            partition and runs DIR's /sbin/init. With KERNEL but no
#            INITRD there is no initrd: the kernel mounts root=PARTUUID=
#            itself, so its disk driver and ext4 must be built in.
# then runs build/mkdisk -o OUT and says what it built and how to boot it;
# OUT ending in .qcow2 makes a qcow2 image (mkdisk's default for it).
# The same kernel and busybox give the same OUT, byte for byte: the
# initramfs and mkdisk are both reproducible, and both date their files
# SOURCE_DATE_EPOCH (from the environment; 1980-01-01 when unset).

set -uo pipefail
LIB_PROG=default-image
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
out=$1
shown=$1
kernel=${KERNEL:-}
initrds=${INITRD:-}
cmdline=${CMDLINE:-console=tty0 console=ttyS0,115200}
read -r -a mkdisk_flags <<<"${MKDISK_FLAGS:-}"
rootfs=${ROOTFS:-}
rootfs_size=${ROOTFS_SIZE:-}

# Paths as the caller gave them, then work from the repository root.
abs() {
    case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}
out=$(abs "$out")
[ -z "$kernel" ] || kernel=$(abs "$kernel")
list=
for f in $initrds; do
    list="$list $(abs "$f")"
done
initrds=${list# }
[ -z "$rootfs" ] || rootfs=$(abs "$rootfs")
cd "$ROOT" || exit 1
mkdisk=$BUILD/mkdisk
here=tests/qemu

[ -x "$mkdisk" ] || lib_die "$mkdisk: missing (run \`make\` first)"

# The kernel: given, the host's, or Debian's (always Debian's for ROOTFS,
# whose initramfs holds that kernel's modules).
kernel_from="KERNEL"
rootfs_initrd=0
if [ -n "$rootfs" ]; then
    [ -d "$rootfs" ] || lib_die "$rootfs: ROOTFS is not a directory"
    mkdisk_flags+=(--rootfs "$rootfs")
    [ -z "$rootfs_size" ] || mkdisk_flags+=(--rootfs-size "$rootfs_size")
    [ -n "$kernel" ] || [ -n "$initrds" ] || rootfs_initrd=1
fi
if [ -z "$kernel" ] && [ "$rootfs_initrd" -eq 0 ]; then
    for k in "/boot/vmlinuz-$(uname -r)" $(ls -1 /boot/vmlinuz-* 2>/dev/null |
        sort -rV); do
        if kernel_is_bzimage "$k"; then
            kernel=$k
            kernel_from="the host's /boot"
            break
        fi
    done
fi
if [ -z "$kernel" ]; then
    if [ "$rootfs_initrd" -eq 1 ]; then
        echo "$LIB_PROG: ROOTFS: Debian's amd64 kernel, for its modules"
    else
        echo "$LIB_PROG: no readable bzImage in /boot: fetching Debian's amd64 kernel"
    fi
    kernel=$(bash "$here/fetch-kernel.sh" amd64) || exit 1
    kernel_from="Debian's $(cat "$kernel.pkg" 2>/dev/null ||
        echo linux-image-amd64)"
fi
[ -r "$kernel" ] || lib_die "$kernel: cannot read the kernel"

# The initrds: given, or the shell initramfs for the kernel's architecture
# (a 32-bit kernel cannot run the amd64 busybox).
initrd_args=()
if [ -n "$initrds" ]; then
    for f in $initrds; do
        [ -r "$f" ] || lib_die "$f: cannot read the initrd"
        initrd_args+=(--initrd "$f")
    done
elif [ "$rootfs_initrd" -eq 1 ]; then
    initrds=$BUILD/tests/qemu/rootfs-initrd-amd64.img
    bash "$here/mkinitramfs.sh" --arch amd64 --mode rootfs --out "$initrds" ||
        exit 1
    initrd_args=(--initrd "$initrds")
elif [ -n "$rootfs" ]; then
    initrds="(none: the kernel mounts the root partition itself)"
else
    arch=i386
    kernel_is_64bit "$kernel" && arch=amd64
    initrds=$BUILD/tests/qemu/shell-initrd-$arch.img
    bash "$here/mkinitramfs.sh" --arch "$arch" --mode shell --out "$initrds" ||
        exit 1
    initrd_args=(--initrd "$initrds")
fi

"$mkdisk" -o "$out" --kernel "$kernel" "${initrd_args[@]}" \
    --cmdline "$cmdline" "${mkdisk_flags[@]}" || exit 1
root_line=
[ -z "$rootfs" ] || root_line="  root     $rootfs, as ext4 in the image's last partition
"

case $out in
*.qcow2)
    cat <<MSG
$shown: bzboot disk image, qcow2 ($(du -h "$out" | cut -f1))
  kernel   $kernel (from $kernel_from)
  initrd   $initrds
${root_line}  cmdline  $cmdline
Boot it with SeaBIOS (the serial console on this terminal, Ctrl-A X quits):
  qemu-system-x86_64 -m 512 -drive file=$shown,format=qcow2 -serial mon:stdio -no-reboot
add -snapshot to keep the image as it is; with UEFI, add -bios $OVMF_BIOS
mtools cannot read qcow2: to change files, convert to raw and back (README)
MSG
    exit 0
    ;;
esac

cat <<MSG
$shown: bzboot disk image ($(du -h "$out" | cut -f1))
  kernel   $kernel (from $kernel_from)
  initrd   $initrds
${root_line}  cmdline  $cmdline
Boot it with SeaBIOS (the serial console on this terminal, Ctrl-A X quits):
  qemu-system-x86_64 -m 512 -hda $shown -serial mon:stdio -no-reboot
or \`make run\`; with UEFI, add -bios $OVMF_BIOS
Change the kernel, initrd or cmdline without a rebuild:
  mcopy -o -i $shown@@1M NEW-BZIMAGE ::/boot/vmlinuz
  mtype -i $shown@@1M ::/bzboot.cfg   (the config: edit, mcopy -o back)
MSG
