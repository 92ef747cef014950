#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# outside.py DISK PLAN: the SHA-256 of every byte of DISK outside the
# writes that `mkdisk install --dry-run` listed in PLAN, one line per MiB
# of the disk: "MIB SHA256". Two runs, before and after an install, must
# print the same lines; the first line that differs names the MiB where
# something outside the plan changed. A plan line is
#   "N. LBA A-B (...): what"   sectors A to B (a FAT partition, stage2)
#   "N. LBA A (K bytes): what" the first K bytes of sector A (stage1)
# A plan with no write in it is refused: a plan whose format the parser
# no longer reads is an error of the test, not a pass or a fail.

import hashlib
import re
import sys

SECTOR = 512
MIB = 1024 * 1024


def main():
    disk, plan = sys.argv[1], sys.argv[2]
    skip = []
    line_re = re.compile(
        r'^\s*\d+\. LBA (\d+)(?:-(\d+))? \(((\d+) bytes|in partition [^)]*)\): ')
    with open(plan) as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            first = int(m.group(1))
            if m.group(2) is not None:
                skip.append((first * SECTOR, (int(m.group(2)) + 1) * SECTOR))
            else:
                skip.append((first * SECTOR, first * SECTOR + int(m.group(4))))
    if not skip:
        sys.exit(f"outside.py: {plan}: no write listed")
    skip.sort()
    with open(disk, 'rb') as f:
        n = 0
        while True:
            chunk = f.read(MIB)
            if not chunk:
                break
            start, end = n * MIB, n * MIB + len(chunk)
            keep = bytearray()
            pos = start
            for a, b in skip:
                if b <= pos or a >= end:
                    continue
                if a > pos:
                    keep += chunk[pos - start:a - start]
                pos = max(pos, min(b, end))
            if pos < end:
                keep += chunk[pos - start:]
            # The length too: a MiB wholly inside a write hashes as empty.
            print(n, len(keep), hashlib.sha256(keep).hexdigest())
            n += 1


main()
