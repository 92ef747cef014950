#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Install every Debian package the project needs on a Debian 12 machine:
# the DEB_PACKAGES list of the top-level Makefile (read from it, so the two
# never disagree). Adds the i386 architecture first, because the 686 boot
# test fetches linux-image-686 and busybox-static for i386 with
# `apt-get download`. Runs as root, or through sudo when not root.
# Idempotent: a second run refreshes the package lists and installs nothing.
# Called by `make deps` and by .ci/run.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
    echo "deps: error: $*" >&2
    exit 1
}

# The Makefile's list, continuation lines joined; the fallback is the same
# list, for a Makefile that no longer has one.
pkgs=$(awk '/^DEB_PACKAGES[ \t]*:?=/ { on = 1; sub(/^[^=]*=/, "") }
    on { more = sub(/\\$/, ""); print; if (!more) exit }' \
    "$root/Makefile" 2>/dev/null | tr -s ' \t\n' ' ')
if [ -z "${pkgs// /}" ]; then
    pkgs="build-essential gcc-multilib nasm gnu-efi mtools dosfstools fdisk
        gdisk qemu-system-x86 qemu-utils ovmf busybox-static cpio xz-utils
        zstd e2fsprogs clang lld libclang-rt-14-dev gdb python3 sbsigntool
        swtpm swtpm-tools tpm2-tools openssl"
fi
read -r -d "" -a pkgs <<<"$pkgs" || true

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
        die "not root and sudo is missing: run .ci/deps.sh as root"
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "deps: dpkg --add-architecture i386"
    "${sudo[@]}" dpkg --add-architecture i386
fi

# Always refresh the lists: the kernel packages the boot tests download are
# replaced on the mirror with every Debian point release. A mirror caught
# mid-sync fails an index now and then (apt says "File has unexpected
# size"): retry once, then go on with the lists apt has, as apt does.
echo "deps: apt-get update"
if ! "${sudo[@]}" apt-get update -q; then
    sleep 5
    "${sudo[@]}" apt-get update -q ||
        echo "deps: warning: apt-get update failed for some lists;" \
            "going on with the lists apt has" >&2
fi

missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#pkgs[@]} packages already installed"
else
    echo "deps: apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi
