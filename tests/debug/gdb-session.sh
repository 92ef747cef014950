#!/bin/bash
# SPDX-License-Identifier: MIT
#
# gdb-session.sh - QEMU with a gdb stub and gdb attached with the loader's
# symbols: what `make debug` runs, and what tests/debug/debug-tests.sh
# drives in batch mode.
#
#   tests/debug/gdb-session.sh bios|uefi DISK [GDB-ARGUMENT...]
#
# bios: QEMU (SeaBIOS) stopped at the reset vector; gdb runs
#   boot/stage2/debug.gdb (stage2's symbols, breakpoints to linux_jump16).
# uefi: a copy of DISK whose /bzboot.cfg says `gdb on`, under OVMF; gdb runs
#   efi/debug.py, which waits for BOOTX64.EFI to print its image base,
#   attaches and loads BOOTX64.so's symbols there.
# With the probe kernel on the disk, both add its symbols at the hand-over
# (tests/probe/probe-gdb.py). Further arguments go to gdb (the tests pass
# -batch and -ex commands). The serial console goes to
# $BUILD/debug/FIRMWARE-serial.log; QEMU is stopped when gdb ends.
#
# Environment: BUILD (build), QEMU (qemu-system-x86_64), OVMF_BIOS,
# GDB_PORT (1234), QEMU_TIMEOUT (seconds QEMU may run; 3600).

set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-x86_64}
OVMF_BIOS=${OVMF_BIOS:-/usr/share/ovmf/OVMF.fd}
GDB_PORT=${GDB_PORT:-1234}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-3600}
export MTOOLS_SKIP_CHECK=1

die() { echo "gdb-session.sh: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: gdb-session.sh bios|uefi DISK [GDB-ARGUMENT...]"
firmware=$1
disk=$2
shift 2
[ -r "$disk" ] || die "$disk: cannot read the disk image (make disk.img)"
command -v gdb > /dev/null || die "gdb not found: install the Debian package gdb"
dir=$BUILD/debug
mkdir -p "$dir"
serial=$dir/$firmware-serial.log
rm -f "$serial"

case $firmware in
bios)
	fw_args=()
	stop=(-S)
	image=$disk
	script=boot/stage2/debug.gdb
	;;
uefi)
	[ -r "$OVMF_BIOS" ] || die "$OVMF_BIOS: missing: install the Debian package ovmf"
	image=$dir/uefi-gdb.img
	cp "$disk" "$image.tmp" || die "$image.tmp: cannot copy $disk"
	# /bzboot.cfg with `gdb on` in front of its other lines (global keys
	# come before the first entry) and any `gdb` line of its own dropped.
	mtype -i "$image.tmp@@1M" ::/bzboot.cfg > "$dir/bzboot.cfg.orig" ||
		die "$disk: no /bzboot.cfg on its FAT partition"
	{
		echo "gdb on"
		grep -v '^[[:blank:]]*gdb[[:blank:]]' "$dir/bzboot.cfg.orig"
	} > "$dir/bzboot.cfg"
	mcopy -o -i "$image.tmp@@1M" "$dir/bzboot.cfg" ::/bzboot.cfg ||
		die "$image.tmp: cannot write /bzboot.cfg"
	mv "$image.tmp" "$image"
	fw_args=(-bios "$OVMF_BIOS")
	stop=()
	script=efi/debug.py
	;;
*)
	die "$firmware: not a firmware (bios or uefi)"
	;;
esac

echo "gdb-session.sh: serial output goes to $serial"
timeout "$QEMU_TIMEOUT" "$QEMU" -m 512 "${fw_args[@]}" \
	-drive "file=$image,format=raw,if=ide,index=0" -net none \
	-gdb "tcp:127.0.0.1:$GDB_PORT" "${stop[@]}" -no-reboot \
	-display none -monitor none -serial "file:$serial" &
qemu=$!
trap 'kill $qemu 2> /dev/null; wait $qemu 2> /dev/null' EXIT

# bios: QEMU waits for us at the reset vector; attach first. uefi: debug.py
# attaches itself once the loader waits for it.
if [ "$firmware" = bios ]; then
	# The stub listens a moment after QEMU starts (a test connection
	# would stop or start the machine: look for the listening socket).
	port_hex=$(printf '%04X' "$GDB_PORT")
	for _ in $(seq 100); do
		grep -q ":$port_hex [0-9A-F:]* 0A " /proc/net/tcp && break
		sleep 0.1
	done
	BUILD=$BUILD BZBOOT_GDB_PORT=$GDB_PORT gdb -q -x "$script" "$@"
else
	BUILD=$BUILD BZBOOT_SERIAL=$serial BZBOOT_GDB_PORT=$GDB_PORT \
		gdb -q -x "$script" "$@"
fi
