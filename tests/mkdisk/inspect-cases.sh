# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # $work, $MKDISK...: mkdisk-tests.sh
#
# inspect-cases.sh: the cases of `mkdisk inspect FILE [--json] [--mem MiB]
# [--initrd-size BYTES]`, sourced by mkdisk-tests.sh at its end (the suite
# runner runs one *-tests.sh per directory), with its pass, fail, le, poke,
# $work, $MKDISK and $BUILD.
#
# The facts are checked against sources that share no code with inspect:
# Debian's real kernels (amd64: protocol 2.15, XLF_KERNEL_64, relocatable,
# an EFI stub; 686: no XLF_KERNEL_64) read back with od, the probe kernels
# read back by `mkprobe --describe`, and files of other kinds made by their
# own tools (cpio, gzip) or patched copies (a zImage, protocol 2.01, a
# truncated kernel). Every --json output goes through `python3 -m json.tool`
# and its values through small Python expressions. Prints
# `PASS: mkdisk: inspect ...` or `FAIL: mkdisk: inspect ...: why`.

iwork=$work/inspect
mkdir -p "$iwork"

# run_inspect ARGS...: $irc, $iwork/out (stdout), $iwork/err (stderr).
run_inspect() {
    "$MKDISK" inspect "$@" >"$iwork/out" 2>"$iwork/err"
    irc=$?
}

first_line() {
    head -n 1 "$iwork/out"
}

# json_check NAME FILE EXPR...: FILE is valid JSON for python3 -m json.tool,
# and each Python expression on its object j is true, or an empty list (a
# list of what is wrong, printed when it is not empty).
json_check() {
    local name=$1 json=$2 why
    shift 2
    if ! why=$(python3 -m json.tool "$json" 2>&1 >/dev/null); then
        fail "$name" "python3 -m json.tool: $why"
        return
    fi
    if ! why=$(python3 - "$json" "$@" 2>&1 <<'EOF'
import json
import sys



def describe(path):
    """mkprobe --describe's key=value lines, without the probe's own."""
    pairs = (line.strip().split("=", 1) for line in open(path))
    return {k: v for k, v in pairs if k not in ("variant", "payload_size")}


def where(j, key):
    """A --describe key's value in inspect's JSON."""
    if key == "setup_bytes":
        return j["layout"]["setup_bytes"]
    if key == "pm_size":
        return j["layout"]["protected_mode_bytes"]
    return j["setup_header"].get(key)


# Fields that a protocol older than 2.15 does not have.
later_fields = ("initrd_addr_max", "kernel_alignment", "cmdline_size",
                "payload_offset", "pref_address", "init_size",
                "handover_offset", "xloadflags", "kernel_info_offset")

j = json.load(open(sys.argv[1], encoding="utf-8"))
scope = {"j": j, "describe": describe, "where": where,
         "later_fields": later_fields}
for expr in sys.argv[2:]:
    try:
        ok = eval(expr, scope)
    except Exception as e:
        print("%s: %s %s" % (expr, type(e).__name__, e))
        sys.exit(1)
    if isinstance(ok, list) and ok:
        print("%s: %s" % (expr, ok))
        sys.exit(1)
    if not isinstance(ok, list) and not ok:
        print("false: %s" % expr)
        sys.exit(1)
EOF
    ); then
        fail "$name" "$why"
    else
        pass "$name"
    fi
}

# expect_text NAME STATUS PATTERN...: the last run_inspect exited with
# STATUS, wrote nothing on stderr, and its stdout matches each grep -E
# PATTERN (the first one on the first line).
expect_text() {
    local name=$1 status=$2 first=$3 p
    shift 3
    if [ "$irc" -ne "$status" ]; then
        fail "$name" "exit status $irc, not $status: $(first_line) $(head -n 1 "$iwork/err")"
        return
    fi
    if [ -s "$iwork/err" ]; then
        fail "$name" "stderr: $(head -n 1 "$iwork/err")"
        return
    fi
    if ! first_line | grep -qE -- "$first"; then
        fail "$name" "first line does not match /$first/: $(first_line)"
        return
    fi
    for p in "$@"; do
        if ! grep -qE -- "$p" "$iwork/out"; then
            fail "$name" "no line matches /$p/"
            return
        fi
    done
    pass "$name"
}

# inspect_both NAME FILE STATUS FIRST PATTERNS... -- EXPRS...: the text
# case and the --json case of one file.
inspect_both() {
    local name=$1 file=$2 status=$3 patterns=() exprs=()
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        patterns+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    exprs=("$@")
    run_inspect "$file"
    expect_text "inspect $name" "$status" "${patterns[@]}"
    run_inspect --json "$file"
    cp "$iwork/out" "$iwork/$(echo "$name" | tr -c 'a-zA-Z0-9\n' _).json"
    if [ "$irc" -ne "$status" ]; then
        fail "inspect $name --json" "exit status $irc, not $status"
    else
        json_check "inspect $name --json" "$iwork/out" "${exprs[@]}"
    fi
}

# Prerequisites: each missing one is a failure, never a silent skip.
imissing=
for tool in python3 cpio gzip od; do
    command -v "$tool" >/dev/null || imissing="$imissing $tool is not installed"
done
amd64=$(bash tests/qemu/fetch-kernel.sh amd64 2>"$iwork/fetch-amd64.err" | tail -n 1)
[ -n "$amd64" ] && [ -f "$amd64" ] ||
    imissing="$imissing no amd64 kernel ($(head -n 1 "$iwork/fetch-amd64.err"))"

if [ -n "$imissing" ]; then
    fail "inspect prerequisites" "skipped because$imissing"
else
    pass "inspect prerequisites"

    # --- Debian's amd64 kernel: header values read back with od. ---
    cp "$amd64" "$iwork/vmlinuz-amd64"
    k=$iwork/vmlinuz-amd64
    setup_sects=$(le $((0x1f1)) 1 "$k")
    init_size=$(le $((0x260)) 4 "$k")
    cmdline_size=$(le $((0x238)) 4 "$k")
    pref_address=$(le $((0x258)) 8 "$k")
    e_lfanew=$(le $((0x3c)) 4 "$k")
    inspect_both "Debian amd64" "$k" 0 \
        "^.*vmlinuz-amd64: bootable bzImage, Linux [0-9.]+-.*protocol 2\\.15, 64-bit kernel with an EFI stub" \
        "^  setup_sects +0x1f1  0x$(printf %02x "$setup_sects") +$setup_sects sectors" \
        "^  init_size +0x260  0x$(printf %08x "$init_size") +memory the kernel needs" \
        "bit 0  XLF_KERNEL_64 +set" \
        "^  relocatable_kernel +0x234  0x01 " \
        "^  EFI stub +\"MZ\" at 0, PE header at 0x$(printf %x "$e_lfanew") .*x86-64 PE32\\+" \
        "^  64-bit +load address \\+ 0x200" \
        "^  kernel +0x00100000-" \
        "payload: the compressed vmlinux \\((xz|gzip|zstd|lz4|lzma|bzip2|lzo)\\)" \
        -- \
        'j["bootable"] is True and j["kind"] == "bzImage"' \
        'j["check"] == "ok" and j["message"] is None' \
        'j["protocol"] == "2.15"' \
        'j["setup_header"]["version"] == 0x020f' \
        "j[\"setup_header\"][\"setup_sects\"] == $setup_sects" \
        "j[\"setup_header\"][\"init_size\"] == $init_size" \
        "j[\"setup_header\"][\"cmdline_size\"] == $cmdline_size" \
        "j[\"setup_header\"][\"pref_address\"] == $pref_address" \
        'j["setup_header"]["relocatable_kernel"] == 1' \
        '"XLF_KERNEL_64" in j["xloadflags_set"]' \
        '"LOADED_HIGH" in j["loadflags_set"]' \
        'j["entry_points"]["efi_stub"] is True' \
        'j["entry_points"]["long_mode_64_offset"] == 0x200' \
        "j[\"pe\"][\"offset\"] == $e_lfanew and j[\"pe\"][\"machine\"] == 0x8664" \
        'j["kernel_version"].split()[0] in j["summary"]' \
        'j["uefi"]["protocol"] == "64-bit"' \
        'j["bios"]["kernel_addr"] == 0x100000' \
        'j["bios"]["real_mode_addr"] == 0x30000'

    # The BIOS placement on 512 MiB (SeaBIOS: RAM ends 128 KiB below it):
    # the initrd is page aligned, ends by the top of RAM and
    # initrd_addr_max, clear of [0x100000, + kernel_span).
    json_check "inspect initrd placement (512 MiB)" "$iwork/Debian_amd64.json" \
        'j["bios"]["mem_mib"] == 512' \
        'j["bios"]["initrd_size"] == 16 << 20' \
        'j["bios"]["initrd_addr"] % 4096 == 0' \
        'j["bios"]["initrd_addr"] == (512 << 20) - (128 << 10) - (16 << 20)' \
        'j["bios"]["initrd_addr"] + j["bios"]["initrd_size"] <= j["bios"]["initrd_limit"]' \
        'j["bios"]["initrd_limit"] <= j["setup_header"]["initrd_addr_max"] + 1' \
        'j["bios"]["initrd_addr"] >= j["bios"]["kernel_addr"] + j["bios"]["kernel_span"]' \
        'j["bios"]["kernel_span"] >= j["setup_header"]["init_size"]' \
        'j["bios"]["kernel_fits"] is True'

    # Too little memory: still a bzImage (exit 0), the plan says no.
    run_inspect --mem 64 --json "$k"
    if [ "$irc" -ne 0 ]; then
        fail "inspect --mem 64" "exit status $irc, not 0"
    else
        json_check "inspect --mem 64" "$iwork/out" \
            'j["bios"]["mem_mib"] == 64' \
            'j["bios"]["kernel_fits"] is False' \
            'j["bios"]["initrd_addr"] is None' \
            '"not on the BIOS machine of --mem 64 MiB" in j["summary"]'
    fi
    run_inspect --initrd-size 0 --mem 4096 --json "$k"
    json_check "inspect --initrd-size 0 --mem 4096" "$iwork/out" \
        'j["bios"]["initrd_size"] == 0 and j["bios"]["initrd_addr"] is None' \
        'any(e["addr"] == 1 << 32 and e["type"] == 1 for e in j["bios"]["e820"])'

    # --- Debian's 686 kernel: no XLF_KERNEL_64, a 32-bit entry. ---
    k686=$(bash tests/qemu/fetch-kernel.sh 686 2>"$iwork/fetch-686.err" | tail -n 1)
    if [ -z "$k686" ] || [ ! -f "$k686" ]; then
        fail "inspect Debian 686" "skipped because there is no 686 kernel ($(head -n 1 "$iwork/fetch-686.err"))"
    else
        inspect_both "Debian 686" "$k686" 0 \
            "bootable bzImage, Linux [0-9.]+-.*-686, boot protocol 2\\.[0-9]+, 32-bit kernel" \
            "bit 0  XLF_KERNEL_64 +clear" \
            "^  64-bit +none: XLF_KERNEL_64 is clear" \
            "^  jump +32-bit: the load address" \
            -- \
            'j["bootable"] is True' \
            '"XLF_KERNEL_64" not in j["xloadflags_set"]' \
            'j["setup_header"]["xloadflags"] & 1 == 0' \
            'j["entry_points"]["long_mode_64_offset"] is None' \
            'j["uefi"]["protocol"] == "32-bit"'
    fi

    # --- The probe kernels: every field mkprobe --describe reports. ---
    mkprobe=$BUILD/tests/probe/mkprobe
    probes=$(ls "$BUILD"/tests/probe/probe-*.bzImage 2>/dev/null)
    if [ ! -x "$mkprobe" ] || [ -z "$probes" ]; then
        fail "inspect probe variants" "skipped because the probe kernels are not built (make probe)"
    fi
    for probe in $probes; do
        variant=$(basename "$probe" .bzImage)
        if ! "$mkprobe" --describe "$probe" >"$iwork/$variant.describe" 2>&1; then
            fail "inspect $variant" "mkprobe --describe: $(head -n 1 "$iwork/$variant.describe")"
            continue
        fi
        run_inspect --json "$probe"
        if [ "$irc" -ne 0 ]; then
            fail "inspect $variant" "exit status $irc, not 0: $(head -n 1 "$iwork/err")"
            continue
        fi
        cp "$iwork/out" "$iwork/$variant.json"
        # Every key=value of --describe: a header field, or setup_bytes
        # and pm_size of the layout; the fields it leaves out (not in the
        # variant's protocol) must be absent from the JSON too.
        json_check "inspect $variant" "$iwork/$variant.json" \
            "[(k, v, where(j, k)) for k, v in describe('$iwork/$variant.describe').items() if where(j, k) != int(v, 16)]" \
            "[f for f in later_fields if (f in j['setup_header']) != (f in describe('$iwork/$variant.describe'))]" \
            "j['kernel_version'].endswith('$variant')"
    done
    probe0=$BUILD/tests/probe/probe-setup0.bzImage
    if [ -f "$probe0" ]; then
        run_inspect "$probe0"
        expect_text "inspect setup0: 0 means 4" 0 "bootable bzImage" \
            "^  setup_sects +0x1f1  0x00 +0 means 4: 4 sectors of setup code: the real-mode part is \\(4 \\+ 1\\) x 512 = 2560 bytes" \
            "^  setup +0x30000-0x309ff "
    else
        fail "inspect setup0: 0 means 4" "skipped because $probe0 is not built (make probe)"
    fi
    probe202=$BUILD/tests/probe/probe-proto202.bzImage
    if [ -f "$probe202" ]; then
        run_inspect "$probe202"
        expect_text "inspect proto202: later fields absent" 0 \
            "boot protocol 2\\.02" \
            "^  initrd_addr_max +0x22c  - +since protocol 2\\.03: not in this header" \
            "^  init_size +0x260  - +since protocol 2\\.10" \
            "initrd_addr_max 0x37ffffff"
    else
        fail "inspect proto202: later fields absent" "skipped because $probe202 is not built (make probe)"
    fi

    # --- Files bzboot does not boot: exit 1, said in the first line. ---
    inspect_both "ELF (/bin/true)" /bin/true 1 \
        "^/bin/true: not bootable by bzboot: an ELF (32|64)-bit " \
        "the loaders and mkdisk say: /bin/true: an ELF file" \
        -- \
        'j["bootable"] is False and j["kind"] == "elf" and j["check"] == "elf"' \
        'j["message"].startswith("/bin/true: an ELF file")' \
        '"setup_header" not in j'

    cp "$k" "$iwork/zimage"
    poke "$iwork/zimage" $(($(le $((0x211)) 1 "$k") & ~1)) $((0x211))
    inspect_both "zImage" "$iwork/zimage" 1 \
        "zimage: not bootable by bzboot: a Linux zImage \\(LOADED_HIGH clear" \
        "bit 0  LOADED_HIGH +clear" \
        "^Not placed in memory" \
        -- \
        'j["check"] == "zimage" and j["kind"] == "linux-kernel"' \
        '"LOADED_HIGH" not in j["loadflags_set"]' \
        '"bios" not in j'

    cp "$k" "$iwork/protocol-2.01"
    poke "$iwork/protocol-2.01" 1 $((0x206))
    poke "$iwork/protocol-2.01" 2 $((0x207))
    inspect_both "protocol 2.01" "$iwork/protocol-2.01" 1 \
        "not bootable by bzboot: a Linux kernel with boot protocol 2\\.01" \
        "kernel protocol 2\\.01 is too old \\(need 2\\.02\\+\\)" \
        "^  initrd_addr_max +0x22c  - +since protocol 2\\.03" \
        -- \
        'j["check"] == "old_protocol" and j["protocol"] == "2.01"' \
        '"initrd_addr_max" not in j["setup_header"]'

    head -c 200000 "$k" >"$iwork/truncated"
    inspect_both "truncated" "$iwork/truncated" 1 \
        "not bootable by bzboot: a truncated Linux bzImage \\(179520 bytes after the setup code" \
        "kernel file truncated" \
        -- \
        'j["check"] == "truncated" and j["size"] == 200000'

    printf 'hello\n' >"$iwork/hello"
    (cd "$iwork" && echo hello | cpio -o -H newc --quiet >"$iwork/initramfs.cpio")
    inspect_both "cpio" "$iwork/initramfs.cpio" 1 \
        "not bootable by bzboot: a cpio archive \\(newc format\\): likely an initramfs" \
        -- \
        'j["kind"] == "cpio" and j["format"] == "newc"'

    gzip -c "$iwork/initramfs.cpio" >"$iwork/initramfs.cpio.gz"
    inspect_both "gzip" "$iwork/initramfs.cpio.gz" 1 \
        "not bootable by bzboot: gzip-compressed data: likely a compressed initramfs \\(initrd\\)" \
        -- \
        'j["kind"] == "compressed" and j["format"] == "gzip"'

    : >"$iwork/empty"
    inspect_both "empty file" "$iwork/empty" 1 \
        "empty: not bootable by bzboot: an empty file" \
        -- \
        'j["kind"] == "empty" and j["check"] == "empty" and j["size"] == 0'

    # JSON string escaping: a file name with a quote, a backslash, a tab,
    # a newline and a byte that is not UTF-8 (written as U+FFFD).
    odd=$iwork/$(printf 'odd "name" \\ \t\nx\377')
    : >"$odd"
    run_inspect --json "$odd"
    json_check "inspect --json escapes strings" "$iwork/out" \
        "j['file'] == '$iwork/odd \"name\" \\\\ \\t\\nx\\ufffd'"

    # --- Usage and failures to read. ---
    run_inspect
    if [ "$irc" -ne 2 ] || ! grep -q '^usage: mkdisk inspect FILE' "$iwork/err" ||
        [ -s "$iwork/out" ]; then
        fail "inspect without a file" "exit status $irc: $(tr '\n' '|' <"$iwork/err")"
    else
        pass "inspect without a file"
    fi
    # expect_inspect_usage NAME ARGS...: exit 2, the error and usage lines.
    expect_inspect_usage() {
        local name=$1
        shift
        run_inspect "$@"
        if [ "$irc" -ne 2 ] || ! grep -q '^mkdisk: error: ' "$iwork/err" ||
            ! grep -q '^usage: mkdisk inspect FILE' "$iwork/err"; then
            fail "inspect usage: $name" "exit status $irc: $(tr '\n' '|' <"$iwork/err")"
        else
            pass "inspect usage: $name"
        fi
    }
    expect_inspect_usage "--mem 1" --mem 1 "$k"
    expect_inspect_usage "--mem lots" --mem lots "$k"
    expect_inspect_usage "--initrd-size 3X" --initrd-size 3X "$k"
    expect_inspect_usage "unknown option" --bogus "$k"
    expect_inspect_usage "two files" "$k" "$k"
    run_inspect "$iwork/no-such-file"
    if [ "$irc" -ne 1 ] || [ "$(wc -l <"$iwork/err")" -ne 1 ] ||
        ! grep -q "^mkdisk: error: $iwork/no-such-file: cannot open: No such file" "$iwork/err"; then
        fail "inspect a missing file" "exit status $irc: $(tr '\n' '|' <"$iwork/err")"
    else
        pass "inspect a missing file"
    fi
    run_inspect --help
    if [ "$irc" -ne 0 ] || ! grep -q '^usage: mkdisk inspect FILE' "$iwork/out"; then
        fail "inspect --help" "exit status $irc"
    elif ! "$MKDISK" --help | grep -q 'mkdisk inspect FILE'; then
        fail "inspect --help" "mkdisk --help does not mention inspect"
    else
        pass "inspect --help"
    fi
fi
