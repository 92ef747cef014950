#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# pcr-check.py LOG CONFIG KERNEL CMDLINE INITRD...: the measured-boot
# check of tests/trust. LOG is the serial log of a boot of the test
# initramfs with a TPM 2.0: its `BZTEST tpm-pcr8=` and `tpm-pcr9=` lines
# (the guest's /sys/class/tpm/tpm0/pcr-sha256/8 and 9) and the event log
# it read from /sys/kernel/security/tpm0/binary_bios_measurements, in
# base64 between BZTEST-TPMLOG-BEGIN and BZTEST-TPMLOG-END. The other
# arguments are the files and the command line bzboot loaded.
#
# Checks, each failure one line on stderr and exit 1:
#   - the files alone: PCR 8 must be the extend of SHA-256(CMDLINE) into
#     zeros, PCR 9 that of SHA-256 of CONFIG, KERNEL, each INITRD, in that
#     order (TPM 2.0 extend: PCR = SHA-256(PCR || digest));
#   - the event log: its PCR 8 and 9 events must be bzboot's EV_IPL
#     events, with those digests and descriptions, and nothing else;
#     replaying them gives the same two values.
# Prints the values and how they were made on success.

import base64
import hashlib
import struct
import sys

EV_IPL = 0x0000000D
TPM_ALG_SHA256 = 0x000B
DIGEST_BYTES = {0x0004: 20, 0x000B: 32, 0x000C: 48, 0x000D: 64, 0x0012: 32}


def fail(msg):
    print(f"pcr-check: {msg}", file=sys.stderr)
    sys.exit(1)


def extend(digests):
    pcr = bytes(32)
    for d in digests:
        pcr = hashlib.sha256(pcr + d).digest()
    return pcr


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.digest()


def read_serial(path):
    pcr = {}
    b64 = []
    inside = False
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("ascii", "replace").strip("\r\n")
            if line == "BZTEST-TPMLOG-BEGIN":
                inside = True
            elif line == "BZTEST-TPMLOG-END":
                inside = False
            elif inside:
                b64.append(line.strip())
            for n in (8, 9):
                key = f"BZTEST tpm-pcr{n}="
                if line.startswith(key):
                    pcr[n] = bytes.fromhex(line[len(key):])
    for n in (8, 9):
        if n not in pcr:
            fail(f"{path}: no BZTEST tpm-pcr{n}= line (no TPM in the guest?)")
    if not b64:
        fail(f"{path}: no event log between BZTEST-TPMLOG-BEGIN and -END")
    return pcr, base64.b64decode("".join(b64))


def parse_log(log):
    """TCG PC Client Firmware Profile 10.2: a TCG_PCR_EVENT (the Spec ID
    event, SHA-1 format), then TCG_PCR_EVENT2s. Returns (pcr, type,
    {alg: digest}, data) for each of the latter."""
    if len(log) < 32:
        fail("event log too short")
    size = struct.unpack_from("<I", log, 28)[0]
    off = 32 + size
    events = []
    while off + 12 <= len(log):
        pcr, etype, count = struct.unpack_from("<III", log, off)
        off += 12
        digests = {}
        for _ in range(count):
            alg = struct.unpack_from("<H", log, off)[0]
            n = DIGEST_BYTES.get(alg)
            if n is None:
                fail(f"event log: unknown algorithm 0x{alg:04x}")
            digests[alg] = log[off + 2:off + 2 + n]
            off += 2 + n
        dsize = struct.unpack_from("<I", log, off)[0]
        data = log[off + 4:off + 4 + dsize]
        off += 4 + dsize
        events.append((pcr, etype, digests, data))
    return events


def main():
    if len(sys.argv) < 5:
        fail("usage: pcr-check.py LOG CONFIG KERNEL CMDLINE INITRD...")
    serial, config, kernel, cmdline = sys.argv[1:5]
    initrds = sys.argv[5:]
    guest, log = read_serial(serial)

    want = {
        8: [(b"bzboot_cmdline: " + cmdline.encode() + b"\0",
             hashlib.sha256(cmdline.encode()).digest())],
        9: [(b"bzboot_config: /bzboot.cfg\0", sha256_file(config)),
            (b"bzboot_kernel: /boot/vmlinuz\0", sha256_file(kernel))],
    }
    for i, path in enumerate(initrds):
        want[9].append((f"bzboot_initrd: /boot/initrd-{i + 1}.img\0".encode(),
                        sha256_file(path)))

    events = parse_log(log)
    for n in (8, 9):
        from_files = extend([d for _, d in want[n]])
        if guest[n] != from_files:
            fail(f"PCR {n}: the guest has {guest[n].hex()}, the files "
                 f"give {from_files.hex()}")
        got = [(e[3], e[2].get(TPM_ALG_SHA256)) for e in events
               if e[0] == n]
        if [e[1] for e in events if e[0] == n] != [EV_IPL] * len(got):
            fail(f"PCR {n}: an event in the log is not EV_IPL")
        if got != want[n]:
            def show(events):
                return [(d.decode("ascii", "replace").rstrip("\0"),
                         h.hex() if h else None) for d, h in events]
            fail(f"PCR {n}: the log's events are {show(got)}, not bzboot's "
                 f"{show(want[n])}")
        replay = extend([h for _, h in got])
        if replay != guest[n]:
            fail(f"PCR {n}: the log replays to {replay.hex()}, the guest "
                 f"has {guest[n].hex()}")
        print(f"PCR {n} = {guest[n].hex()}: from the files "
              f"({', '.join(d.decode().rstrip(chr(0)) for d, _ in want[n])}) "
              f"and from "
              f"the log's {len(got)} EV_IPL events")


if __name__ == "__main__":
    main()
