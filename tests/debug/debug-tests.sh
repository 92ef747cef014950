#!/bin/bash
# SPDX-License-Identifier: MIT
#
# debug-tests.sh - `make debug` in batch mode: gdb attached to QEMU through
# tests/debug/gdb-session.sh, on a disk with the probe kernel, under
# SeaBIOS and OVMF. Each case runs gdb with -batch and a list of commands,
# then checks gdb's output for the breakpoints it must have stopped at and
# values it must have read through the symbols: the loader's own (stage2,
# BOOTX64.EFI at the address OVMF chose) and the probe's (loaded at the
# hand-over, wherever the loader put the kernel). A symbol file loaded at
# the wrong address stops nowhere, or prints the wrong values.
# One more case checks that `gdb on` makes the EFI loader wait.

set -u
cd "$(dirname "$0")/../.."
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh
export BUILD QEMU OVMF_BIOS MTOOLS_SKIP_CHECK=1

work=$BUILD/tests/debug
mkdir -p "$work"
passed=0
failed=0

kernel=$BUILD/tests/probe/probe-default.bzImage
for f in "$kernel" "$BUILD/mkdisk" "$BUILD/boot/stage2.elf" \
	"$BUILD/efi/BOOTX64.so" "$BUILD/tests/probe/probe32.elf" \
	"$BUILD/tests/probe/probe64.elf"; do
	[ -e "$f" ] || { fail debug-inputs "$f missing: run make"; finish; }
done
command -v gdb > /dev/null ||
	{ fail debug-inputs "gdb missing: install the Debian package gdb"; finish; }

token=dbg$RANDOM$RANDOM
head -c 65536 /dev/urandom > "$work/initrd"
disk=$work/probe.img
if ! "$BUILD/mkdisk" -o "$disk" --kernel "$kernel" --initrd "$work/initrd" \
	--cmdline "console=ttyS0 bztoken=$token" > "$work/mkdisk.log" 2>&1; then
	fail debug-image "mkdisk failed: $(tail -n 1 "$work/mkdisk.log")"
	finish
fi

# A free TCP port for QEMU's gdb stub (others may debug on 1234).
port=$((20000 + RANDOM % 20000))

# session NAME FIRMWARE GDB-COMMAND...: run the batch session into
# $work/NAME.out (gdb's output and the script's).
session() {
	local name=$1 fw=$2 args=()
	shift 2
	for c in "$@"; do
		args+=(-ex "$c")
	done
	GDB_PORT=$port QEMU_TIMEOUT=150 timeout 180 \
		bash tests/debug/gdb-session.sh "$fw" "$disk" -batch "${args[@]}" \
		> "$work/$name.out" 2>&1
}

# expect NAME WHAT REGEX: one PASS/FAIL on whether $work/NAME.out has it.
expect() {
	if grep -Eq -- "$3" "$work/$1.out"; then
		pass "$1: $2"
	else
		fail "$1: $2" "no line matching '$3' in $work/$1.out"
	fi
}

# SeaBIOS: stage2 from the reset vector to the probe's C code.
session bios bios continue continue continue 'x/s 0x3e000' continue \
	'info symbol $pc' 'p/x $cs'
expect bios "stops at stage2_main" '^Breakpoint 1, stage2_main \(drive=.*main\.c'
expect bios "stops at linux_boot" '^Breakpoint 2, linux_boot '
expect bios "stops at linux_jump16" '^Breakpoint 3, linux_jump16 \(\) at boot/stage2/handover\.asm'
expect bios "reads the command line at linux_jump16" "^0x3e000:[[:space:]]+\"console=ttyS0 bztoken=$token\"$"
expect bios "loads the probe's 32-bit symbols" '^bzboot: the probe kernel, protected-mode part at 0x100000: .*probe32\.elf loaded at 0x'
expect bios "stops at the probe's probe_main" '^Breakpoint 4, probe_main \(.*tests/probe/probe\.c'
expect bios "probe_main is in probe32.elf" '^probe_main in section \.text of .*/probe32\.elf$'
expect bios "the probe runs in the boot code segment" '^\$1 = 0x10$'

# OVMF: BOOTX64.EFI found where the firmware put it, then the probe.
session uefi uefi continue 'p ld->entry->name' continue \
	'x/s ld->load.cmdline_addr' 'p/x ld->load.kernel_addr' continue \
	'info symbol $pc'
serial=$BUILD/debug/uefi-serial.log
base=$(sed -n 's/.*bzboot: gdb: image base \(0x[0-9a-f]*\).*/\1/p' "$serial" 2>/dev/null | head -n 1)
if [ -n "$base" ]; then
	pass "uefi: the loader printed its image base ($base)"
	expect uefi "symbols loaded at that base" "with all sections offset by $base\$"
else
	fail "uefi: the loader printed its image base" "no 'bzboot: gdb: image base' in $serial"
fi
expect uefi "stops at linux_load_kernel" '^Breakpoint 1, .*linux_load_kernel \(.*efi/linux\.c'
expect uefi "reads the entry's name" '^\$1 = "linux",? '
expect uefi "stops at linux_start_kernel" '^Breakpoint 2, linux_start_kernel \(.*efi/linux\.c'
expect uefi "reads the command line at the hand-over" ":[[:space:]]+\"console=ttyS0 bztoken=$token\"$"
kaddr=$(sed -n 's/^\$2 = \(0x[0-9a-f]*\)$/\1/p' "$work/uefi.out" | head -n 1)
if [ -n "$kaddr" ]; then
	expect uefi "loads the probe's 64-bit symbols at the kernel's address" \
		"^bzboot: the probe kernel, protected-mode part at $kaddr: .*probe64\\.elf loaded at 0x"
else
	fail "uefi: loads the probe's 64-bit symbols at the kernel's address" \
		"no kernel_addr printed in $work/uefi.out"
fi
expect uefi "probe_main is in probe64.elf" '^probe_main in section \.text of .*/probe64\.elf$'
if grep -q '^bzboot: gdb: going on' "$serial" 2>/dev/null; then
	pass "uefi: the loader went on when gdb cleared the flag"
else
	fail "uefi: the loader went on when gdb cleared the flag" \
		"no 'bzboot: gdb: going on' in $serial"
fi

# `gdb on` without a debugger: the loader says so and waits, it does not
# boot. The image is the one the uefi session made (gdb on in its config).
log=$work/uefi-wait.log
qemu_cmd uefi-wait --fw uefi --disk "$BUILD/debug/uefi-gdb.img" --limit 25 \
	--serial "file:$log" -- -snapshot && "${QEMU_CMD[@]}" > /dev/null 2>&1
if grep -q 'bzboot: gdb: image base 0x[0-9a-f]*; waiting for gdb' "$log" &&
	! grep -q 'bzboot: gdb: going on\|bzboot: loading\|probe: ' "$log"; then
	pass "uefi-wait: gdb on and no debugger: the loader waits"
else
	fail "uefi-wait: gdb on and no debugger: the loader waits" \
		"want the wait line and nothing after it in $log"
fi

finish
