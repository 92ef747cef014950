# SPDX-License-Identifier: MIT
#
# probe-gdb.py - gdb symbols for the probe kernel (tests/probe), sourced by
# `make debug` (boot/stage2/debug.gdb, efi/debug.py).
#
# The probe's report code is position-independent: probe32.elf and
# probe64.elf are linked at 0 and sit in the protected-mode part at
# L + c32_offset and L + c64_offset, where L is wherever the loader put
# that part and the offsets are in probe_info at L + 0x10 (tests/probe/
# probe.h). Neither is known before the loader has run, so this waits for
# the loader's hand-over breakpoint (stage2's linux_jump16, the EFI
# loader's linux_start_kernel), reads L there, and if the kernel in memory
# is a probe, loads the matching ELF's symbols at its address and sets a
# hardware breakpoint at probe_main. A real kernel is left alone.

import os

import gdb

BUILD = os.environ.get("BUILD", "build")
PROBE_INFO_OFFSET = 0x10
PROBE_INFO_MAGIC = 0x49425250  # "PRBI"
PI_C32_OFFSET = 0x20
PI_C64_OFFSET = 0x24
HDR_CODE32_START = 0x214  # in the real-mode part, from its start


def read_u32(addr):
    mem = gdb.selected_inferior().read_memory(addr, 4)
    return int.from_bytes(bytes(mem), "little")


def read_u16(addr):
    mem = gdb.selected_inferior().read_memory(addr, 2)
    return int.from_bytes(bytes(mem), "little")


def frame_function():
    try:
        return gdb.selected_frame().name()
    except gdb.error:
        return None


def kernel_at_handover():
    """(L, bits) at a hand-over breakpoint, or None elsewhere."""
    name = frame_function()
    if name == "linux_jump16":
        # stage2: linux_jump16(X, SP), cdecl; the header is at X * 16.
        esp = int(gdb.parse_and_eval("$esp")) & 0xFFFFFFFF
        seg = read_u16(esp + 4)
        return read_u32(seg * 16 + HDR_CODE32_START), 32
    if name == "linux_start_kernel":
        ld = gdb.parse_and_eval("ld")
        addr = int(ld["load"]["kernel_addr"])
        return addr, 32 if bool(ld["entry_32"]) else 64
    return None


def on_stop(event):
    if not isinstance(event, gdb.BreakpointEvent):
        return
    found = kernel_at_handover()
    if found is None:
        return
    load, bits = found
    try:
        magic = read_u32(load + PROBE_INFO_OFFSET)
    except gdb.MemoryError:
        return
    if magic != PROBE_INFO_MAGIC:
        return
    field = PI_C32_OFFSET if bits == 32 else PI_C64_OFFSET
    base = load + read_u32(load + PROBE_INFO_OFFSET + field)
    elf = "%s/tests/probe/probe%d.elf" % (BUILD, bits)
    gdb.execute("add-symbol-file %s -o 0x%x" % (elf, base), to_string=True)
    gdb.execute("hbreak *0x%x" % base, to_string=True)
    print("bzboot: the probe kernel, protected-mode part at 0x%x: %s "
          "loaded at 0x%x, hardware breakpoint at probe_main" %
          (load, elf, base))


gdb.events.stop.connect(on_stop)
