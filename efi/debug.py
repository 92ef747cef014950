# SPDX-License-Identifier: MIT
#
# debug.py - gdb commands for `make debug FIRMWARE=uefi`: attach to QEMU
# running OVMF, find BOOTX64.EFI in memory, load its symbols there and stop
# where the UEFI path gets interesting:
#   linux_load_kernel   an entry's kernel: header checks, placement, read
#   linux_start_kernel  after ExitBootServices: the jump to the kernel
# At linux_start_kernel, `p/x ld->load` shows where everything went and
# `p/x ld->bp->hdr` the setup header as the kernel will read it.
#
# The firmware chooses BOOTX64.EFI's address at each boot, so it cannot be
# known before. The disk image's /bzboot.cfg says `gdb on` (make debug
# writes a copy of the image that does): the loader then prints
#   bzboot: gdb: image base 0x1dd25000; waiting for gdb to set ...
# and waits. This script reads that line from the serial log, attaches,
# loads build/efi/BOOTX64.so (the ELF before objcopy made the PE, with the
# same section addresses) at that base and lets the loader go on.
#
# Environment: BZBOOT_SERIAL (the serial log QEMU writes), BZBOOT_GDB_PORT
# (QEMU's -gdb tcp port, default 1234), BUILD (default build).

import os
import re
import time

import gdb

BUILD = os.environ.get("BUILD", "build")
SERIAL = os.environ.get("BZBOOT_SERIAL", BUILD + "/debug-serial.log")
PORT = os.environ.get("BZBOOT_GDB_PORT", "1234")
WAIT_S = 180
BASE_RE = re.compile(rb"bzboot: gdb: image base (0x[0-9a-f]+)")


def wait_for_base():
    """The image base the loader printed, or an error after WAIT_S."""
    print("bzboot: waiting for BOOTX64.EFI's image base in %s ..." % SERIAL)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            with open(SERIAL, "rb") as f:
                m = BASE_RE.search(f.read())
            if m:
                return int(m.group(1), 16)
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    raise gdb.GdbError("bzboot: no 'bzboot: gdb: image base' line in %s "
                       "after %d s: is `gdb on` in /bzboot.cfg, and did "
                       "OVMF start BOOTX64.EFI?" % (SERIAL, WAIT_S))


gdb.execute("set pagination off")
gdb.execute("set confirm off")
base = wait_for_base()
gdb.execute("add-symbol-file %s/efi/BOOTX64.so -o 0x%x" % (BUILD, base))
gdb.execute("target remote 127.0.0.1:%s" % PORT)
gdb.execute("set var bzboot_gdb_wait = 0")
gdb.execute("hbreak linux_load_kernel")
gdb.execute("hbreak linux_start_kernel")
gdb.execute("source tests/probe/probe-gdb.py")
print("\nbzboot: BOOTX64.EFI is at 0x%x with its symbols; the loader waits "
      "no more.\nType `continue` to run to linux_load_kernel." % base)
