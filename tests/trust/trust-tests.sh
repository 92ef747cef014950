#!/bin/bash
# SPDX-License-Identifier: MIT
#
# trust-tests.sh [--list] [CASE-PATTERN...]: UEFI Secure Boot and measured
# boot (README, "Trust") under OVMF, with Debian's kernel and the test
# initramfs of tests/qemu. One QEMU at a time, TCG, headless, -no-reboot,
# under a timeout; each case prints `PASS: name` or `FAIL: name: why`, and
# the run ends with `N passed, N failed`. Logs and images stay in
# build/tests/trust/.
#
# Secure Boot: OVMF_CODE_4M.secboot.fd with a copy of the variable store
# OVMF_VARS_4M.snakeoil.fd (Debian's test keys in PK, KEK and db, Secure
# Boot on), on q35 with SMM and the secure pflash, as the firmware needs.
# The image comes from mkdisk --sb-key/--sb-cert with the snakeoil key
# (/usr/share/ovmf/PkKek-1-snakeoil.key, password "snakeoil", decrypted
# into a scratch file first, since sbsign would ask for it):
#   uefi-sb-signed       the signed image boots the kernel, and the kernel
#                        says "Secure boot enabled" (from the
#                        boot_params.secure_boot bzboot wrote)
#   uefi-sb-unsigned     the same image from mkdisk --enroll-config, not
#                        signed: the firmware refuses BOOTX64.EFI
#                        ("Access Denied"), bzboot never runs
#   uefi-sb-tampered     the signed image, then the kernel with one byte
#                        changed copied over /boot/vmlinuz: bzboot refuses
#                        it, naming both hashes
#   uefi-sb-unenrolled   a BOOTX64.EFI signed by hand (sbsign) but with no
#                        config enrolled: bzboot boots nothing
# Measured boot: swtpm (a TPM 2.0, sha256 bank only, made by swtpm_setup)
# on a UNIX socket, started by the case and stopped after, as a tpm-crb
# device; OVMF_CODE_4M.fd on q35:
#   uefi-tpm-measured    an image from mkdisk --hashes boots; the guest
#                        prints PCR 8 and 9 and the event log the kernel
#                        got from bzboot; tests/trust/pcr-check.py
#                        recomputes both PCRs from the files and from the
#                        log's events, which must be bzboot's; tpm2-tools'
#                        tpm2_eventlog replays the log too, checks the
#                        command line's digest against its event text,
#                        and must warn about nothing
# BIOS: what SeaBIOS's INT 1Ah TCG interface does with a TPM 2.0 (swtpm
# on tpm-tis), asked by tests/trust/bios-tcg-probe.asm, a boot sector:
#   bios-tcg-no-sha256   StatusCheck (BB00) answers; CompactHashLogExtend-
#                        Event (BB07) and HashLogExtendEvent (BB01) both
#                        fail with 0x1A (TCG_TCG_COMMAND_ERROR: SeaBIOS
#                        sends TPM2_PCR_Extend a bare SHA-1 and the TPM
#                        refuses it); a TPM2_PCR_Read through BB02 shows
#                        PCR 8 of the sha256 bank still zero. This is why
#                        stage2 measures nothing (README, "Trust"); when a
#                        SeaBIOS does better, this case fails and says so.
#
# The kernel is fetched into the cache as the qemu suite does, when it
# is not there yet.
#
# Environment: BUILD, QEMU, MKDISK, TRUST_TIMEOUT (90 s per boot).

# The case_* functions are called by name (SC2317); `a && b || fail`
# means fail when either fails (SC2015).
# shellcheck disable=SC2317,SC2015
set -uo pipefail
# shellcheck disable=SC2034 # read by lib.sh
LIB_PROG=trust-tests
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
cd "$ROOT" || exit 1

here=tests/trust
dir=$BUILD/tests/trust
QEMU_LOG_DIR=$dir/logs
MKDISK=${MKDISK:-$BUILD/mkdisk}
KERNEL=$BUILD/kernels/vmlinuz-amd64
INITRD=$BUILD/tests/qemu/initrd-amd64.img
TRUST_TIMEOUT=${TRUST_TIMEOUT:-90}
export MTOOLS_SKIP_CHECK=1

SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SB_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
# README.Debian of the ovmf package: the snakeoil key's password.
SB_KEY_PASSWORD=snakeoil
# The disk the firmware's boot manager tries, as OVMF names it on q35.
SB_DISK='"UEFI QEMU HARDDISK QM00001 " from '
SB_DISK+='PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)'

parse_case_args "$@"
passed=0
failed=0
mkdir -p "$dir" "$QEMU_LOG_DIR"

# ---- running QEMU until a line shows -----------------------------------

# boot_until NAME LINE [qemu_cmd OPTION VALUE]... [-- QEMU-ARG...]: boot
# and stop QEMU as soon as the serial log has LINE as a whole line (a
# loader or firmware that refused waits for a key, or for ever), or when
# QEMU ends, or after TRUST_TIMEOUT. Returns 0 when LINE was seen.
boot_until() {
    local name=$1 line=$2 log pid seen=1
    shift 2
    log=$QEMU_LOG_DIR/$name.log
    rm -f "$log"
    qemu_cmd "$name" --limit "$TRUST_TIMEOUT" "$@" || {
        echo "$QEMU_ERROR" >"$QEMU_LOG_DIR/$name.stderr"
        return 1
    }
    "${QEMU_CMD[@]}" >"$QEMU_LOG_DIR/$name.stderr" 2>&1 </dev/null &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if tr -d '\r' 2>/dev/null <"$log" | grep -aFxq -- "$line"; then
            seen=0
            kill -TERM "$pid" 2>/dev/null
            break
        fi
        sleep 0.5
    done
    wait "$pid" 2>/dev/null
    [ "$seen" -eq 0 ] || tr -d '\r' 2>/dev/null <"$log" |
        grep -aFxq -- "$line"
}

# The machine Secure Boot needs, as qemu_cmd's extra arguments (QEMU
# merges the second -machine into the first).
# shellcheck disable=SC2054 # QEMU arguments, commas and all
SB_QEMU=(-machine smm=on -global driver=cfi.pflash01,property=secure,value=on)

# sb_boot NAME LINE: boot_until on the Secure Boot firmware, IMAGE[NAME].
sb_boot() {
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS boot_until "$1" "$2" \
        --fw uefi --machine q35 --disk "$dir/$1.img" -- "${SB_QEMU[@]}"
}

# ---- inputs ------------------------------------------------------------

# need_inputs: a reason on stdout when something the suite needs is missing.
need_inputs() {
    local f tool pkg
    for f in "$MKDISK" "$KERNEL" "$INITRD" "$INITRD.sha256"; do
        [ -e "$f" ] || { echo "$f is missing (run make test-trust)"; return; }
    done
    for f in "$SB_CODE" "$SB_VARS" "$SB_KEY" "$SB_CERT"; do
        [ -e "$f" ] ||
            { echo "$f is missing: install the Debian package ovmf"; return; }
    done
    for tool in sbsign:sbsigntool swtpm_setup:swtpm-tools swtpm:swtpm \
        nasm:nasm openssl:openssl tpm2_eventlog:tpm2-tools; do
        pkg=${tool#*:}
        tool=${tool%%:*}
        command -v "$tool" >/dev/null || {
            echo "$tool is missing: install the Debian package $pkg"
            return
        }
    done
}

TOKEN=$(token_new)
CMDLINE="console=ttyS0,115200 bztoken=$TOKEN"
PAYLOAD_SHA256=$(awk '$2 == "/payload" { print $1 }' "$INITRD.sha256" \
    2>/dev/null)
KEY=$dir/snakeoil-key.pem

# mkdisk_image NAME OPTION...: $dir/NAME.img with the kernel and initrd.
mkdisk_image() {
    local name=$1
    shift
    rm -f "$dir/$name.img"
    "$MKDISK" -o "$dir/$name.img" --kernel "$KERNEL" --initrd "$INITRD" \
        --cmdline "$CMDLINE" "$@" >"$dir/$name.mkdisk.txt" 2>&1 ||
        { tail -n 1 "$dir/$name.mkdisk.txt"; return 1; }
}

# ---- the cases ---------------------------------------------------------

# check NAME: the log of NAME against $here/NAME.expect, with the vars.
check() {
    local name=$1 log=$QEMU_LOG_DIR/$1.log
    shift
    if expect_check "$log" "$here/$name.expect" "$@"; then
        return 0
    fi
    echo "FAIL: $name: missing $EXPECT_MISSING$(log_last_line "$log")" \
        "(log $log)"
    return 1
}

case_sb_signed() {
    local name=$1
    mkdisk_image "$name" --sb-key "$KEY" --sb-cert "$SB_CERT" >/dev/null ||
        { echo "FAIL: $name: mkdisk failed"; return 1; }
    sb_boot "$name" BZTEST-END
    check "$name" TOKEN="$TOKEN" SHA256="$PAYLOAD_SHA256" || return 1
    echo "PASS: $name"
}

case_sb_unsigned() {
    local name=$1 log=$QEMU_LOG_DIR/$1.log
    mkdisk_image "$name" --enroll-config >/dev/null ||
        { echo "FAIL: $name: mkdisk failed"; return 1; }
    sb_boot "$name" "BdsDxe: failed to load Boot0002 $SB_DISK: Access Denied"
    check "$name" DISK="$SB_DISK" || return 1
    if grep -aq '^bzboot: ' "$log"; then
        echo "FAIL: $name: bzboot ran (log $log)"
        return 1
    fi
    echo "PASS: $name"
}

case_sb_tampered() {
    local name=$1 bad=$dir/$1.vmlinuz
    mkdisk_image "$name" --sb-key "$KEY" --sb-cert "$SB_CERT" >/dev/null ||
        { echo "FAIL: $name: mkdisk failed"; return 1; }
    # One byte of the protected-mode part (past the setup code's 32 KiB).
    cp "$KERNEL" "$bad" &&
        printf 'X' | dd of="$bad" bs=1 seek=$((1 << 20)) conv=notrunc \
            status=none &&
        ! cmp -s "$KERNEL" "$bad" &&
        mcopy -o -i "$dir/$name.img@@1M" "$bad" ::/boot/vmlinuz ||
        { echo "FAIL: $name: cannot change the kernel"; return 1; }
    sb_boot "$name" "bzboot: cannot boot. Press a key to reboot."
    check "$name" WANT="$(sha256sum "$KERNEL" | cut -d' ' -f1)" \
        GOT="$(sha256sum "$bad" | cut -d' ' -f1)" || return 1
    echo "PASS: $name"
}

case_sb_unenrolled() {
    local name=$1 efi=$dir/$1.efi
    mkdisk_image "$name" --hashes >/dev/null ||
        { echo "FAIL: $name: mkdisk failed"; return 1; }
    mcopy -n -i "$dir/$name.img@@1M" ::/EFI/BOOT/BOOTX64.EFI "$efi.in" &&
        sbsign --key "$KEY" --cert "$SB_CERT" --output "$efi" "$efi.in" \
            >/dev/null 2>&1 &&
        mcopy -o -i "$dir/$name.img@@1M" "$efi" ::/EFI/BOOT/BOOTX64.EFI ||
        { echo "FAIL: $name: cannot sign BOOTX64.EFI"; return 1; }
    sb_boot "$name" "bzboot: cannot boot. Press a key to reboot."
    check "$name" || return 1
    echo "PASS: $name"
}

# tpm_start NAME: a fresh TPM 2.0 (sha256 bank only) for one boot, its
# control socket at $TPM_DIR/sock; TPM_PID to stop it.
tpm_start() {
    TPM_DIR=$dir/$1.tpm
    TPM_PID=
    rm -rf "$TPM_DIR" && mkdir -p "$TPM_DIR" || return 1
    swtpm_setup --tpm2 --tpmstate "$TPM_DIR" --pcr-banks sha256 \
        >"$TPM_DIR/setup.log" 2>&1 || return 1
    swtpm socket --tpm2 --tpmstate dir="$TPM_DIR" \
        --ctrl type=unixio,path="$TPM_DIR/sock" \
        --log file="$TPM_DIR/swtpm.log" &
    TPM_PID=$!
    for _ in $(seq 50); do
        [ -S "$TPM_DIR/sock" ] && return 0
        sleep 0.1
    done
    return 1
}

tpm_stop() {
    if [ -n "$TPM_PID" ]; then
        kill "$TPM_PID" 2>/dev/null
        wait "$TPM_PID" 2>/dev/null
    fi
    TPM_PID=
}

case_tcg_no_sha256() {
    local name=$1 log=$QEMU_LOG_DIR/$1.log img=$dir/$1.img rsp
    nasm -f bin -o "$dir/$name.bin" "$here/bios-tcg-probe.asm" &&
        truncate -s 1M "$img" &&
        dd if="$dir/$name.bin" of="$img" conv=notrunc status=none ||
        { echo "FAIL: $name: cannot build the probe"; return 1; }
    if ! tpm_start "$name"; then
        tpm_stop
        echo "FAIL: $name: swtpm did not start ($TPM_DIR)"
        return 1
    fi
    boot_until "$name" "tcg: end" --fw bios --machine pc --disk "$img" \
        --mem 128 -- \
        -chardev "socket,id=chrtpm,path=$TPM_DIR/sock" \
        -tpmdev emulator,id=tpm0,chardev=chrtpm \
        -device tpm-tis,tpmdev=tpm0
    tpm_stop
    check "$name" || return 1
    # TPM2_PCR_Read's response (TPM 2.0 Part 3, 22.4): success, any
    # update counter, the selection echoed, one 32-byte digest, zero.
    rsp='^tcg: BB02 eax=00000000 rsp=80010000003e00000000[0-9a-f]{8}'
    rsp+='00000001000b03000100000000010020(00){32}$'
    if ! tr -d '\r' <"$log" | grep -aEq "$rsp"; then
        echo "FAIL: $name: PCR 8 (sha256) is not zero, or BB02 failed:" \
            "$(tr -d '\r' <"$log" | grep -a '^tcg: BB02') (log $log)"
        return 1
    fi
    echo "PASS: $name"
}

case_tpm_measured() {
    local name=$1 log=$QEMU_LOG_DIR/$1.log out
    mkdisk_image "$name" --hashes >/dev/null ||
        { echo "FAIL: $name: mkdisk failed"; return 1; }
    mtype -i "$dir/$name.img@@1M" ::/bzboot.cfg >"$dir/$name.cfg" ||
        { echo "FAIL: $name: cannot read the config back"; return 1; }
    if ! tpm_start "$name"; then
        tpm_stop
        echo "FAIL: $name: swtpm did not start ($TPM_DIR)"
        return 1
    fi
    boot_until "$name" BZTEST-END --fw uefi --machine q35 \
        --disk "$dir/$name.img" -- \
        -chardev "socket,id=chrtpm,path=$TPM_DIR/sock" \
        -tpmdev emulator,id=tpm0,chardev=chrtpm \
        -device tpm-crb,tpmdev=tpm0
    tpm_stop
    check "$name" TOKEN="$TOKEN" SHA256="$PAYLOAD_SHA256" || return 1
    if ! out=$(python3 "$here/pcr-check.py" "$log" "$dir/$name.cfg" \
        "$KERNEL" "$CMDLINE" "$INITRD" 2>&1); then
        echo "FAIL: $name: $out (log $log)"
        return 1
    fi
    while IFS= read -r line; do echo "$name: $line"; done <<<"$out"
    # An independent reader: tpm2-tools' tpm2_eventlog replays the log,
    # checks each PCR 8 event's digest against its text, and must warn
    # about nothing and reach the guest's values.
    local base=$dir/$name yaml=$dir/$name.eventlog.yaml
    local err=$dir/$name.eventlog.err
    sed -n '/^BZTEST-TPMLOG-BEGIN/,/^BZTEST-TPMLOG-END/p' "$log" |
        tr -d '\r' | grep -v '^BZTEST' | base64 -d >"$base.tcglog" &&
        tpm2_eventlog "$base.tcglog" >"$yaml" 2>"$err" || {
        echo "FAIL: $name: tpm2_eventlog: $(tail -n 1 "$err")"
        return 1
    }
    if [ -s "$err" ]; then
        echo "FAIL: $name: tpm2_eventlog: $(head -n 1 "$err")"
        return 1
    fi
    for n in 8 9; do
        want=$(tr -d '\r' <"$log" | sed -n "s/^BZTEST tpm-pcr$n=//p" |
            tr 'A-F' 'a-f')
        if ! grep -qE "^ +$n +: 0x$want\$" "$yaml"; then
            echo "FAIL: $name: tpm2_eventlog replays PCR $n to" \
                "$(grep -E "^ +$n +: " "$yaml" | head -n 1)," \
                "the guest has $want"
            return 1
        fi
    done
    echo "$name: tpm2_eventlog: no warning, PCR 8 and 9 as in the guest"
    echo "PASS: $name"
}

# ---- main --------------------------------------------------------------

cases=(uefi-sb-signed uefi-sb-unsigned uefi-sb-tampered uefi-sb-unenrolled
    uefi-tpm-measured bios-tcg-no-sha256)
if [ "$list_only" -eq 1 ]; then
    for c in "${cases[@]}"; do selected "$c" && echo "$c"; done
    exit 0
fi
# The kernel as the qemu suite gets it: fetched once into the cache.
if [ "$list_only" -eq 0 ] && [ ! -e "$KERNEL" ]; then
    bash tests/qemu/fetch-kernel.sh amd64 >/dev/null 2>"$dir/fetch.err" ||
        echo "trust-tests: $(tail -n 1 "$dir/fetch.err")" >&2
fi
why=$(need_inputs)
if [ -z "$why" ] && ! openssl rsa -in "$SB_KEY" \
    -passin "pass:$SB_KEY_PASSWORD" -out "$KEY" >/dev/null 2>&1; then
    why="cannot decrypt $SB_KEY with openssl"
fi
for c in "${cases[@]}"; do
    selected "$c" || continue
    if [ -n "$why" ]; then
        echo "FAIL: $c: $why"
        failed=$((failed + 1))
        continue
    fi
    fn=case_${c#*-}
    if "${fn//-/_}" "$c"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
finish
