#!/bin/bash
# SPDX-License-Identifier: MIT
#
# trace-tests.sh - the boot trace checked against the probe kernel.
#
# Boots the probe (tests/probe) from an image with "trace on" in its
# config, under SeaBIOS (stage2) and OVMF (BOOTX64.EFI), and checks that
# every address and value the loader's trace says it handed over is what
# the probe reports it found: the header fields, where the kernel, the
# initrds, the command line and boot_params are, the memory map, and the
# registers at the jump; and the phase lines, in order, their times
# increasing. Once more under SeaBIOS with the disk on virtio-blk, read
# through INT 13h: the bytes intact and the kernel in 64 KiB requests.
# One PASS/FAIL line per fact and firmware.

set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/qemu/lib.sh

work=$BUILD/tests/trace
mkdir -p "$work"
export MTOOLS_SKIP_CHECK=1
passed=0
failed=0

# same NAME A B: numeric compare (hex or decimal), else string compare.
same() {
	local name=$1 a=$2 b=$3
	if [ -z "$a" ] || [ -z "$b" ]; then
		fail "$name" "missing value (trace '$a', probe '$b')"
	elif [[ $a =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ && $b =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]]; then
		if [ $((a)) -eq $((b)) ]; then pass "$name"; else
			fail "$name" "trace says $a, probe found $b"; fi
	elif [ "$a" = "$b" ]; then
		pass "$name"
	else
		fail "$name" "trace says '$a', probe found '$b'"
	fi
}

# probe KEY: the value the probe reported for KEY.
probe() { sed -n "s/^probe: $1=//p" "$log" | head -n 1 | tr -d '\r'; }
# tr LINE-PREFIX FIELD: the FIELD-th word of the trace line "trace: PREFIX".
tr_word() {
	grep "^trace: $1 " "$log" | head -n 1 | tr -d '\r' | awk -v n="$2" '{print $n}'
}
# tr_kv LINE-PREFIX KEY: KEY=value from a trace line.
tr_kv() {
	grep "^trace: $1 " "$log" | head -n 1 | tr -d '\r' |
		tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

kernel=$BUILD/tests/probe/probe-default.bzImage
if [ ! -f "$kernel" ] || [ ! -x "$BUILD/mkdisk" ]; then
	fail trace-inputs "$kernel or $BUILD/mkdisk missing: run make"
	echo "$passed passed, $failed failed"
	exit 1
fi
head -c 300000 /dev/urandom > "$work/initrd-1"
head -c 5001 /dev/urandom > "$work/initrd-2"
token=$(token_new)
img=$work/probe.img
if ! "$BUILD/mkdisk" -o "$img" --kernel "$kernel" --initrd "$work/initrd-1" \
	--initrd "$work/initrd-2" --cmdline "bztoken=$token console=ttyS0" \
	> "$work/mkdisk.log" 2>&1; then
	fail trace-image "mkdisk failed: $(tail -n 1 "$work/mkdisk.log")"
	finish
fi
if ! cfg_rewrite "$img" "$img" sed 's/^trace off/trace on/' \
	2> "$work/cfg.err"; then
	fail trace-image "$(cat "$work/cfg.err")"
	finish
fi

check_common() {
	local fw=$1
	same "$fw-type_of_loader" "$(tr_kv header type_of_loader)" "$(probe type_of_loader)"
	same "$fw-loadflags" "$(tr_kv header loadflags)" "$(probe loadflags)"
	same "$fw-heap_end_ptr" "$(tr_kv header heap_end_ptr)" "$(probe heap_end_ptr)"
	same "$fw-cmd_line_ptr" "$(tr_kv header cmd_line_ptr)" "$(probe cmd_line_ptr)"
	same "$fw-ramdisk_image" "$(tr_kv header ramdisk_image)" "$(probe ramdisk_image)"
	same "$fw-ramdisk_size" "$(tr_kv header ramdisk_size)" "$(probe ramdisk_size)"
	same "$fw-vid_mode" "$(tr_kv header vid_mode)" "$(probe vid_mode)"
	same "$fw-code32_start" "$(tr_kv header code32_start)" "$(probe code32_start)"
	same "$fw-kernel-addr" "$(tr_word kernel 3)" "$(probe load_addr)"
	same "$fw-kernel-size" "$(tr_word kernel 5)" "$(probe pm_size)"
	same "$fw-kernel-span" "$(tr_word kernel 7)" "$(probe kernel_span)"
	same "$fw-ramdisk-addr" "$(tr_word ramdisk 3)" "$(probe initrd_addr)"
	same "$fw-ramdisk-size" "$(tr_word ramdisk 5)" "$(probe initrd_size)"
	same "$fw-cmdline-addr" "$(tr_word cmdline 3)" "$(probe cmdline_addr)"
	same "$fw-cmdline-len" "$(tr_word cmdline 5)" "$(probe cmdline_len)"
	same "$fw-cmdline-text" \
		"$(grep '^trace: cmdline ' "$log" | head -n 1 | tr -d '\r' | sed 's/^[^"]*"//; s/"$//')" \
		"$(probe cmdline)"
	same "$fw-boot_params" "$(tr_word boot_params 3)" "$(probe boot_params)"
	# The initrd pieces: each at its traced place inside the ramdisk.
	same "$fw-initrd-1-at-ramdisk" "$(tr_word 'initrd /boot/initrd-1.img' 4)" \
		"$(probe initrd_addr)"
	same "$fw-verdict" "$(sed -n 's/^probe: verdict=\([A-Z]*\).*/\1/p' "$log" | head -n 1)" PASS
}

# The memory map: the trace's e820 lines against the probe's e820.N lines.
check_e820() {
	local fw=$1 traced found
	traced=$(grep '^trace: e820 ' "$log" | tr -d '\r' |
		awk '{split($3, r, "-"); printf "%d %d\n", strtonum(r[1]), strtonum(r[2]) - strtonum(r[1]) + 1}' 2>/dev/null)
	if [ -z "$traced" ]; then
		# mawk has no strtonum: use the shell for the arithmetic.
		traced=$(grep '^trace: e820 ' "$log" | tr -d '\r' | while read -r _ _ range _; do
			lo=${range%-*}; hi=${range#*-}
			echo "$((lo)) $((hi - lo + 1))"
		done)
	fi
	found=$(sed -n 's/^probe: e820\.[0-9]*=//p' "$log" | tr -d '\r' |
		while read -r a s _; do echo "$((a)) $((s))"; done)
	if [ -n "$traced" ] && [ "$traced" = "$found" ]; then
		pass "$fw-e820-map ($(echo "$found" | wc -l) ranges)"
	else
		fail "$fw-e820-map" "trace: $(echo $traced | tr '\n' ' ') probe: $(echo $found | tr '\n' ' ')"
	fi
}

# The phase lines (core/phase.c): one per step, in order (config, menu,
# kernel, the two initrds, jump), the time from the loader's start
# increasing and at least the previous line's plus this step's, the
# time in the block reads within the step's, each file's bytes, and the
# requests adding up to the trace's "reads N". Times are N.NNN ms.
check_phases() {
	local fw=$1 got want why
	got=$(grep '^trace: phase ' "$log" | tr -d '\r' | awk '{print $3}' | tr '\n' ' ')
	want="config menu kernel initrd initrd jump "
	if [ "$got" != "$want" ]; then
		fail "$fw-phase-lines" "steps '$got', want '$want' (log $log)"
		return
	fi
	pass "$fw-phase-lines"
	why=$(grep '^trace: phase ' "$log" | tr -d '\r' | awk -v reads="$(tr_word reads 3)" '
		function us(s) { split(s, p, "."); return p[1] * 1000 + p[2] }
		$5 != "ms" || $6 !~ /^\+[0-9]+\.[0-9][0-9][0-9]$/ || $8 != "disk" ||
		$10 != "ms" || $11 != "requests" || $12 !~ /^[0-9]+$/ {
			print "line " NR " malformed: " $0; exit
		}
		{
			t = us($4); dt = us(substr($6, 2)); d = us($9)
			if (NR > 1 && t < prev + dt) {
				print $3 " at " $4 " ms, before the last step " prev / 1000 " ms + its own " dt / 1000 " ms"; exit
			}
			if (d > dt) { print $3 ": disk " $9 " ms, longer than the step"; exit }
			if (t <= 0) { print $3 ": at 0 ms: no clock"; exit }
			prev = t; requests += $12
		}
		END { if (requests != reads) print "requests add up to " requests ", trace: reads " reads }')
	if [ -z "$why" ]; then
		pass "$fw-phase-times-increase"
	else
		fail "$fw-phase-times-increase" "$why (log $log)"
	fi
	same "$fw-phase-kernel-bytes" "$(tr_word 'phase kernel' 14)" "$(stat -c %s "$kernel")"
	same "$fw-phase-kernel-file" "$(tr_word 'phase kernel' 17)" /boot/vmlinuz
	same "$fw-phase-initrd-1-bytes" "$(tr_word 'phase initrd' 14)" 300000
	same "$fw-phase-initrd-2-bytes" \
		"$(grep '^trace: phase initrd ' "$log" | sed -n 2p | tr -d '\r' | awk '{print $14}')" 5001
}

# SeaBIOS: stage2 and the 16-bit entry.
log=$work/bios.log
# boot NAME FIRMWARE LIMIT SERIAL [BUS]: the probe image under FIRMWARE,
# the serial port where SERIAL (qemu_cmd's --serial) says, the disk on
# BUS (qemu_cmd's --bus, default ide).
boot() {
	# shellcheck disable=SC2054 # one QEMU argument, commas and all
	qemu_cmd "$1" --fw "$2" --disk "$img" --limit "$3" --serial "$4" \
		--bus "${5:-ide}" \
		-- -device isa-debug-exit,iobase=0xf4,iosize=0x04 &&
		"${QEMU_CMD[@]}" </dev/null 2>/dev/null
}
boot bios bios 30 "file:$log" >/dev/null
check_common bios
same bios-jump-cs "$(tr_kv 'jump 16-bit' cs)" "$(probe cs)"
same bios-jump-ds "$(tr_kv 'jump 16-bit' ds=es=fs=gs=ss)" "$(probe ds)"
same bios-jump-ss "$(tr_kv 'jump 16-bit' ds=es=fs=gs=ss)" "$(probe ss)"
same bios-jump-sp "$(tr_kv 'jump 16-bit' sp)" "$(probe sp)"
same bios-setup-segment "$(( $(tr_word setup 3) >> 4 ))" "$(probe x)"
check_e820 bios
check_phases bios

# SeaBIOS on virtio-blk: no DMA of our own, every read goes through
# INT 13h, and SeaBIOS takes at most 64 KiB (128 sectors) per call
# (boot/stage2/disk.c). The kernel step may take no more requests than its
# file in 64 KiB calls plus a few small ones (the directory, the FAT, the
# header, the partial sectors around the setup part); no read may have
# fallen back to 127 sectors; and the bytes must have arrived intact: the
# probe's CRC-32 of the protected-mode part and of the initrds against
# the files'.
crc32_of() {
	printf '0x%s' "$(gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n')"
}
log=$work/bios-virtio.log
boot bios-virtio bios 30 "file:$log" virtio >/dev/null
same bios-virtio-verdict "$(sed -n 's/^probe: verdict=\([A-Z]*\).*/\1/p' "$log" | head -n 1)" PASS
setup_bytes=$(tr_word setup 5)
same bios-virtio-pm-crc32 "$(probe pm_crc32)" \
	"$(tail -c +$((setup_bytes + 1)) "$kernel" | crc32_of)"
# initrd-1 is 300000 bytes, a multiple of 4: initrd-2 follows it directly.
same bios-virtio-initrd-crc32 "$(probe initrd_crc32)" \
	"$(cat "$work/initrd-1" "$work/initrd-2" | crc32_of)"
kreq=$(tr_word 'phase kernel' 12)
kbytes=$(stat -c %s "$kernel")
kmax=$(( (kbytes + 65535) / 65536 + 8 ))
if [[ $kreq =~ ^[0-9]+$ ]] && [ "$kreq" -le "$kmax" ]; then
	pass "bios-virtio-kernel-requests ($kreq for $kbytes bytes, at most $kmax)"
else
	fail "bios-virtio-kernel-requests" "$kreq requests for $kbytes bytes, more than $kmax: reads smaller than 64 KiB? (log $log)"
fi
if grep -q 'per read from now on' "$log"; then
	fail "bios-virtio-no-fallback" "$(grep -m 1 'per read from now on' "$log" | tr -d '\r') (log $log)"
else
	pass "bios-virtio-no-fallback"
fi

# -nographic: SeaBIOS then copies what goes through INT 10h to COM1; our
# own lines must still arrive once each and whole (stage2 writes the screen
# without INT 10h for this reason).
log=$work/nographic.log
boot nographic bios 30 nographic | tr -d '\r' > "$log"
n=$(grep -c '^bzboot stage2: BIOS boot from drive 0x80$' "$log")
m=$(grep -c '^bzboot: starting Linux$' "$log")
if [ "$n" -eq 1 ] && [ "$m" -eq 1 ]; then
	pass "bios-nographic-serial-once"
else
	fail "bios-nographic-serial-once" \
		"banner seen $n times, start line $m times, whole and alone on a line (log $log)"
fi

# OVMF: BOOTX64.EFI and the 64-bit entry.
log=$work/uefi.log
boot uefi uefi 120 "file:$log" >/dev/null
check_common uefi
rip=$(tr_kv 'jump 64-bit' rip)
same uefi-jump-rip "$rip" "$(( $(probe load_addr) + 0x200 ))"
same uefi-jump-rsi "$(tr_kv 'jump 64-bit' rsi)" "$(probe boot_params)"
same uefi-jump-cs "$(tr_kv 'jump 64-bit' cs)" "$(probe cs)"
check_e820 uefi
check_phases uefi

finish
