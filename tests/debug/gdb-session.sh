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
# shellcheck disable=SC2034 # read by lib.sh
LIB_PROG=gdb-session.sh
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh
GDB_PORT=${GDB_PORT:-1234}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-3600}
export MTOOLS_SKIP_CHECK=1

die() { lib_die "$@"; }

# gdb_on: a config with `gdb on` in front of its other lines (global keys
# come before the first entry) and any `gdb` line of its own dropped.
gdb_on() {
	echo "gdb on"
	grep -v '^[[:blank:]]*gdb[[:blank:]]'
}

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
	stop=(-S)
	image=$disk
	script=boot/stage2/debug.gdb
	;;
uefi)
	image=$dir/uefi-gdb.img
	cfg_rewrite --same-ok "$disk" "$image" gdb_on || exit 1
	stop=()
	script=efi/debug.py
	;;
*)
	die "$firmware: not a firmware (bios or uefi)"
	;;
esac

qemu_cmd "$firmware" --fw "$firmware" --disk "$image" \
	--limit "$QEMU_TIMEOUT" --serial "file:$serial" -- \
	-gdb "tcp:127.0.0.1:$GDB_PORT" "${stop[@]}" || die "$QEMU_ERROR"
echo "gdb-session.sh: serial output goes to $serial"
"${QEMU_CMD[@]}" &
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
