#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fetch-kernel.sh ARCH (amd64 | 686): get a real Debian 6.1 kernel for the
# boot tests and print the path of its bzImage, $BUILD/kernels/vmlinuz-ARCH.
# Runs on the build machine. The package comes from the meta package
# (linux-image-amd64 depends on linux-image-6.1.0-N-amd64; amd64 prefers
# the -unsigned variant, the same bzImage without the Secure Boot
# signature; 686 is linux-image-6.1.0-N-686 of the i386 architecture),
# downloaded once with `apt-get download` into $BUILD/cache, and only the
# vmlinuz is taken out of it (no modules: the test initramfs needs none).
# $BUILD/kernels/vmlinuz-ARCH.pkg records which package it came from.

set -uo pipefail
LIB_PROG=fetch-kernel
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1

[ $# -eq 1 ] || { echo "usage: $0 amd64|686" >&2; exit 2; }
arch=$1
case $arch in
amd64) meta=linux-image-amd64 debarch=amd64 ;;
686) meta=linux-image-686 debarch=i386 ;;
*) echo "usage: $0 amd64|686" >&2; exit 2 ;;
esac
lib_need apt-get apt
lib_need dpkg-deb dpkg

# The versioned package the meta package depends on, for the candidate
# version: "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)".
pkg=$(apt-cache show --no-all-versions "$meta:$debarch" 2>/dev/null |
    sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n 1)
if [ -n "$pkg" ] && [ "$arch" = amd64 ] &&
    apt-cache show --no-all-versions "$pkg-unsigned:$debarch" \
        >/dev/null 2>&1; then
    pkg=$pkg-unsigned
fi

deb=
if [ -n "$pkg" ]; then
    deb=$(deb_fetch "$pkg:$debarch") || deb=
fi
if [ -z "$deb" ]; then
    # No package lists or no mirror: any 6.1 kernel already in the cache.
    deb=$(ls -1 "$BUILD/cache/linux-image-6.1.0-"*"-$arch"*"_$debarch.deb" \
        2>/dev/null | sort -V | tail -n 1)
    [ -n "$deb" ] ||
        lib_die "$meta:$debarch: cannot resolve or download the kernel package (run \`make deps\`)"
    echo "$LIB_PROG: using the cached $deb" >&2
fi

out=$BUILD/kernels/vmlinuz-$arch
if [ -f "$out" ] &&
    [ "$(cat "$out.pkg" 2>/dev/null)" = "$(basename "$deb")" ]; then
    echo "$out"
    exit 0
fi

# Only ./boot/vmlinuz-* out of the data archive; dpkg-deb -x would write
# some 400 MB of modules to take one file.
mkdir -p "$BUILD/kernels"
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" |
    tar -xOf - --wildcards './boot/vmlinuz-*' >"$tmp" ||
    lib_die "$deb: no ./boot/vmlinuz-* in the package"
kernel_is_bzimage "$tmp" ||
    lib_die "$deb: its ./boot/vmlinuz-* is not a bzImage (no \"HdrS\" at 0x202)"
mv "$tmp" "$out" || exit 1
basename "$deb" >"$out.pkg"
echo "$out"
