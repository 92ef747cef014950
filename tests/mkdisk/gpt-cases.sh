# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # $work, $MKDISK...: mkdisk-tests.sh
#
# gpt-cases.sh: the cases of `mkdisk --gpt` and `--format qcow2`, sourced
# by mkdisk-tests.sh (the suite runner runs one *-tests.sh per directory),
# with its pass, fail, le, run_mkdisk, expect_refusal, expect_usage,
# expect_verified, $work, $kernel, $cmdline and the layout values.
#
# A GPT image is taken apart by tools that share no code with mkdisk:
# sgdisk -v and sfdisk --verify (no problems), sfdisk --dump (the BIOS
# boot partition at GPT_STAGE2_LBA, the ESP at 2048 with the same size as
# on MBR, both type GUIDs), od (the protective MBR with stage1 and its
# stage1_info pointing at stage2; stage2 there with stage2_info holding the
# ESP's unique GUID as sfdisk reports it), mtools (the same files). Its
# backup table is checked by sgdisk after the primary is zeroed. A qcow2
# image is checked by qemu-img (format; converted back, the same bytes as
# the raw image from the same inputs); a missing qemu-img leaves no OUT.

GPT_STAGE2_LBA=$(header_value layout.h GPT_STAGE2_LBA) || exit 1
STAGE2_INFO_OFFSET=$(header_value layout.h STAGE2_INFO_OFFSET) || exit 1
STAGE2_INFO_SIZE=$(header_value layout.h STAGE2_INFO_SIZE) || exit 1
STAGE2_INFO_MAGIC=$(header_value layout.h STAGE2_INFO_MAGIC) || exit 1
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
BIOS_BOOT_TYPE=21686148-6449-6E6F-744E-656564454649

# guid_at FILE OFFSET: the 16 bytes there as a GUID in text: the first
# three fields are little-endian (UEFI appendix A), the rest in order.
guid_at() {
    local b
    read -r -a b <<<"$(od -An -v -t x1 -j "$2" -N 16 "$1" | xargs)"
    echo "${b[3]}${b[2]}${b[1]}${b[0]}-${b[5]}${b[4]}-${b[7]}${b[6]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}" |
        tr a-f A-F
}

# sfdisk_part FILE N FIELD: FIELD (start, size, type, uuid) of partition N
# in sfdisk --dump's output.
sfdisk_part() {
    sfdisk --dump "$1" 2>/dev/null | grep "^$1$2 :" |
        sed -n "s/.*[ ,]$3= *\([^,]*\).*/\1/p"
}

gimg=$work/gpt.img
run_mkdisk -o "$gimg" --gpt --kernel "$kernel" --initrd "$work/initrd-a" \
    --initrd "$work/initrd-b" --cmdline "$cmdline"
if [ "$rc" -ne 0 ] || [ ! -f "$gimg" ]; then
    fail "--gpt image" "exit status $rc: $(err_line)"
else
    pass "--gpt image"
    expect_verified "GPT image: sgdisk -v, sfdisk --verify" "$gimg"

    gsectors=$(($(stat -c %s "$gimg") / 512))
    esp_sectors=$(((gsectors - PART_LBA - 33) / 2048 * 2048))
    got="$(sfdisk_part "$gimg" 1 start) $(sfdisk_part "$gimg" 1 size)"
    got="$got $(sfdisk_part "$gimg" 1 type)"
    got="$got $(sfdisk_part "$gimg" 2 start) $(sfdisk_part "$gimg" 2 size)"
    got="$got $(sfdisk_part "$gimg" 2 type)"
    want="$GPT_STAGE2_LBA $((PART_LBA - GPT_STAGE2_LBA)) $BIOS_BOOT_TYPE"
    want="$want $PART_LBA $esp_sectors $ESP_TYPE"
    if ! sfdisk --dump "$gimg" 2>/dev/null | grep -q '^label: gpt$'; then
        fail "GPT partitions" "sfdisk sees no GPT"
    elif [ "$got" != "$want" ]; then
        fail "GPT partitions" "$got, want $want"
    else
        pass "GPT partitions"
    fi

    # The protective MBR: stage1's code, stage1_info at the BIOS boot
    # partition, one entry of type 0xee from LBA 1, not active.
    entry=$MBR_PART_TABLE_OFFSET
    stage2_size=$(stat -c %s "$STAGE2_BIN")
    if ! cmp -s -n "$STAGE1_INFO_OFFSET" "$gimg" "$STAGE1_BIN"; then
        fail "protective MBR" "the code before stage1_info is not $STAGE1_BIN"
    elif [ "$(le "$STAGE1_INFO_OFFSET" 4 "$gimg")" -ne "$GPT_STAGE2_LBA" ] ||
        [ "$(le $((STAGE1_INFO_OFFSET + 4)) 2 "$gimg")" -ne \
            $(((stage2_size + 511) / 512)) ]; then
        fail "protective MBR" "stage1_info: stage2 at" \
            "$(le "$STAGE1_INFO_OFFSET" 4 "$gimg"), want $GPT_STAGE2_LBA"
    elif [ "$(le "$entry" 1 "$gimg") $(le $((entry + 4)) 1 "$gimg")" != "0 238" ] ||
        [ "$(le $((entry + 8)) 4 "$gimg")" -ne 1 ] ||
        [ "$(le $((entry + 12)) 4 "$gimg")" -ne $((gsectors - 1)) ] ||
        [ -n "$(od -An -v -t x1 -j $((entry + 16)) -N 48 "$gimg" |
            tr -d ' 0\n')" ] ||
        [ "$(le $((0x1fe)) 2 "$gimg")" -ne $((0xaa55)) ]; then
        fail "protective MBR" "entry: $(od -An -t x1 -j "$entry" -N 32 "$gimg" | xargs)"
    else
        pass "protective MBR"
    fi

    # stage2 in the BIOS boot partition; its stage2_info names the ESP by
    # the unique GUID that sfdisk reads from the GPT.
    s2=$((GPT_STAGE2_LBA * 512))
    info_end=$((STAGE2_INFO_OFFSET + STAGE2_INFO_SIZE))
    esp_uuid=$(sfdisk_part "$gimg" 2 uuid)
    got_uuid=$(guid_at "$gimg" $((s2 + STAGE2_INFO_OFFSET + 4)))
    if ! cmp -s -n "$STAGE2_INFO_OFFSET" -i "$s2:0" "$gimg" "$STAGE2_BIN" ||
        ! cmp -s -i "$((s2 + info_end)):$info_end" \
            -n $((stage2_size - info_end)) "$gimg" "$STAGE2_BIN"; then
        fail "stage2_info names the ESP" "stage2 at LBA $GPT_STAGE2_LBA" \
            "differs from $STAGE2_BIN outside stage2_info"
    elif [ "$(le $((s2 + STAGE2_INFO_OFFSET)) 2 "$gimg")" -ne \
        "$STAGE2_INFO_MAGIC" ]; then
        fail "stage2_info names the ESP" "no stage2_info magic"
    elif [ -z "$esp_uuid" ] || [ "$got_uuid" != "$esp_uuid" ]; then
        fail "stage2_info names the ESP" "stage2_info $got_uuid," \
            "sfdisk's ESP uuid '$esp_uuid'"
    else
        pass "stage2_info names the ESP"
    fi
    if ! grep -qi "PARTUUID $esp_uuid\$" "$work/stdout"; then
        fail "--gpt summary" "no PARTUUID $esp_uuid: $(grep PARTUUID "$work/stdout")"
    else
        pass "--gpt summary"
    fi

    # The same ESP as on MBR: with the same volume ID, the same bytes.
    run_mkdisk -o "$work/same-mbr.img" --kernel "$kernel" --cmdline x \
        --disk-id 1234abcd
    run_mkdisk -o "$work/same-gpt.img" --kernel "$kernel" --cmdline x \
        --disk-id 1234abcd --gpt
    if [ "$rc" -eq 0 ] && [ -f "$work/same-mbr.img" ] &&
        cmp -s -i "$((PART_LBA * 512)):$((PART_LBA * 512))" \
            -n $((esp_sectors * 512)) "$work/same-gpt.img" \
            "$work/same-mbr.img"; then
        pass "GPT image: the same ESP as the MBR image"
    else
        fail "GPT image: the same ESP as the MBR image" \
            "the partitions' bytes differ (or mkdisk failed: $(err_line))"
    fi
    rm -f "$work/same-mbr.img" "$work/same-gpt.img"

    # The backup table alone: sgdisk must rebuild from it, and find the ESP.
    cp --sparse=always "$gimg" "$work/gpt-backup.img"
    dd if=/dev/zero of="$work/gpt-backup.img" bs=512 seek=1 count=1 \
        conv=notrunc status=none
    sgdisk -v "$work/gpt-backup.img" >"$work/sgdisk-b" 2>&1
    if ! grep -q '^Main header: ERROR$' "$work/sgdisk-b" ||
        ! grep -q '^Backup header: OK$' "$work/sgdisk-b" ||
        ! grep -q '^Backup partition table: OK$' "$work/sgdisk-b"; then
        fail "GPT backup table" "sgdisk does not see the zeroed primary:" \
            "$(grep -v '^$' "$work/sgdisk-b" | head -n 3 | tr '\n' '|')"
    elif [ "$(sgdisk -i 2 "$work/gpt-backup.img" 2>/dev/null |
        sed -n 's/^Partition unique GUID: //p')" != "$esp_uuid" ]; then
        fail "GPT backup table" "the ESP is not in the backup table"
    else
        pass "GPT backup table"
    fi
fi

# Reproducible: the same inputs, the same GPT image; a changed command line
# gives another disk GUID and ESP GUID; --disk-id fixes them.
run_mkdisk -o "$work/gpt-again.img" --gpt --kernel "$kernel" \
    --initrd "$work/initrd-a" --initrd "$work/initrd-b" --cmdline "$cmdline"
if [ "$rc" -ne 0 ] || ! cmp -s "$gimg" "$work/gpt-again.img"; then
    fail "--gpt reproducible" "exit status $rc, or another image"
else
    pass "--gpt reproducible"
fi
run_mkdisk -o "$work/gpt-cmdline.img" --gpt --kernel "$kernel" \
    --initrd "$work/initrd-a" --initrd "$work/initrd-b" --cmdline "$cmdline x"
label() {
    sfdisk --dump "$1" 2>/dev/null | sed -n 's/^label-id: //p'
}
if [ "$rc" -ne 0 ]; then
    fail "--gpt: the cmdline changes the GUIDs" "exit status $rc: $(err_line)"
elif [ "$(label "$gimg")" = "$(label "$work/gpt-cmdline.img")" ] ||
    [ "$(sfdisk_part "$gimg" 2 uuid)" = \
        "$(sfdisk_part "$work/gpt-cmdline.img" 2 uuid)" ]; then
    fail "--gpt: the cmdline changes the GUIDs" "disk GUID $(label "$gimg") kept"
else
    pass "--gpt: the cmdline changes the GUIDs"
fi
rm -f "$work/gpt-again.img" "$work/gpt-cmdline.img"
for n in 1 2; do
    run_mkdisk -o "$work/gpt-id-$n.img" --gpt --kernel "$kernel" \
        --cmdline "x$n" --disk-id 1a2b3c4d
done
if [ "$rc" -ne 0 ] || [ "$(label "$work/gpt-id-1.img")" != \
    "$(label "$work/gpt-id-2.img")" ] || [ -z "$(label "$work/gpt-id-1.img")" ]; then
    fail "--gpt --disk-id fixes the GUIDs" "$(label "$work/gpt-id-1.img")" \
        "vs $(label "$work/gpt-id-2.img")"
else
    pass "--gpt --disk-id fixes the GUIDs"
fi
rm -f "$work"/gpt-id-*.img

# --- qcow2 ---

# The same inputs as raw and as qcow2: qemu-img converts it back to the
# same bytes; twice, the same qcow2 file.
qargs=(--kernel "$kernel" --initrd "$work/initrd-b" --cmdline "$cmdline")
run_mkdisk -o "$work/q.img" "${qargs[@]}" --gpt
run_mkdisk -o "$work/q.qcow2" "${qargs[@]}" --gpt
qrc=$rc
if [ "$qrc" -ne 0 ]; then
    fail "qcow2 by the name" "exit status $qrc: $(err_line)"
elif ! qemu-img info --output=json "$work/q.qcow2" 2>/dev/null |
    grep -q '"format": "qcow2"'; then
    fail "qcow2 by the name" "qemu-img info: $(qemu-img info "$work/q.qcow2" 2>&1 | head -n 2 | tr '\n' '|')"
elif ! grep -q '^mkdisk: .*q.qcow2: [0-9]* MiB, qcow2$' "$work/stdout"; then
    fail "qcow2 by the name" "summary: $(head -n 1 "$work/stdout")"
else
    pass "qcow2 by the name"
fi
if [ "$qrc" -eq 0 ] &&
    qemu-img convert -f qcow2 -O raw "$work/q.qcow2" "$work/q-back.img" &&
    cmp -s "$work/q.img" "$work/q-back.img"; then
    pass "qcow2 holds the raw image's bytes"
else
    fail "qcow2 holds the raw image's bytes" "converted back, it differs"
fi
rm -f "$work/q-back.img"
run_mkdisk -o "$work/q2.qcow2" "${qargs[@]}" --gpt
if [ "$rc" -ne 0 ] || ! cmp -s "$work/q.qcow2" "$work/q2.qcow2"; then
    fail "qcow2 reproducible" "exit status $rc, or another file"
else
    pass "qcow2 reproducible"
fi
run_mkdisk -o "$work/r.qcow2" "${qargs[@]}" --format raw
if [ "$rc" -ne 0 ] || [ "$(le 0 4 "$work/r.qcow2")" = 4227856721 ] ||
    [ "$(le $((0x1fe)) 2 "$work/r.qcow2")" -ne $((0xaa55)) ]; then
    fail "--format raw beats the name" "exit status $rc, or not raw"
else
    pass "--format raw beats the name"
fi
run_mkdisk -o "$work/f.img" "${qargs[@]}" --format qcow2
if [ "$rc" -ne 0 ] || [ "$(od -An -c -N 3 "$work/f.img" | tr -d ' ')" != QFI ]; then
    fail "--format qcow2 for any name" "exit status $rc, or no QFI magic"
else
    pass "--format qcow2 for any name"
fi
rm -f "$work"/q2.qcow2 "$work"/r.qcow2 "$work"/f.img

# No qemu-img: one line naming the package, no OUT, no temporary file
# (neither the raw image nor the qcow2 one).
qbin=$work/qbin
mkdir -p "$qbin"
for tool in mformat mmd mcopy; do
    ln -sf "$(command -v "$tool")" "$qbin/$tool"
done
# mkdisk alone sees PATH=$qbin; the test's own tools stay reachable.
printf '#!/bin/sh\nPATH=%s exec %s "$@"\n' "$qbin" "$MKDISK_ABS" \
    >"$work/mkdisk-qbin"
chmod +x "$work/mkdisk-qbin"
saved_mkdisk=$MKDISK
MKDISK=$work/mkdisk-qbin
expect_refusal "qcow2 without qemu-img" \
    "qemu-img: not found: install the Debian package qemu-utils" \
    "$work/noq.qcow2" -o "$work/noq.qcow2" "${qargs[@]}"
# A failing qemu-img: its words in the line, the old OUT kept.
cat >"$qbin/qemu-img" <<'EOF'
#!/bin/sh
echo "qemu-img: simulated failure" >&2
exit 1
EOF
chmod +x "$qbin/qemu-img"
printf 'previous qcow2\n' >"$work/keep.qcow2"
expect_refusal "qcow2: qemu-img fails, OUT kept" \
    "keep.qcow2.qcow2\\.[A-Za-z0-9]{6}: qemu-img failed: qemu-img: simulated failure" \
    "$work/keep.qcow2" -o "$work/keep.qcow2" "${qargs[@]}"
MKDISK=$saved_mkdisk

expect_usage "--format vmdk" -o "$work/x.img" "${qargs[@]}" --format vmdk
expect_usage "--gpt given twice" -o "$work/x.img" "${qargs[@]}" --gpt --gpt
