# SPDX-License-Identifier: MIT
#
# debug.gdb - gdb commands for `make debug` (tests/debug/gdb-session.sh
# attaches gdb to QEMU, started with -S and stopped at the first
# instruction of the BIOS, then runs this): load stage2's symbols, and
# stop where the BIOS path gets interesting:
#   stage2_main    first C code, 32-bit protected mode, after entry.asm
#   linux_boot     loading the chosen entry's kernel and initrds
#   linux_jump16   the hand-over: the header is written, next is real mode
# At linux_jump16, `x/s 0x3e000` shows the command line and
# `p *(struct setup_header *)0x301f1` the header as the kernel will read it.
# With the probe kernel (tests/probe) on the disk, tests/probe/probe-gdb.py
# adds its symbols at linux_jump16 and a breakpoint at probe_main.
# QEMU describes the CPU as x86-64 to gdb, so registers are rip, rsp...
set pagination off
set confirm off

symbol-file build/boot/stage2.elf
python import os
python gdb.execute("target remote 127.0.0.1:" + os.environ.get("BZBOOT_GDB_PORT", "1234"))
# Hardware breakpoints: stage1 loads stage2 over any int3 set before. The
# BIOS runs code at the same low addresses while it starts, so each one
# fires only in stage2's 32-bit code segment (STAGE2_CS32, common/layout.h).
hbreak stage2_main if $cs == 0x08
hbreak linux_boot if $cs == 0x08
hbreak linux_jump16 if $cs == 0x08
source tests/probe/probe-gdb.py
echo \nbzboot: QEMU is stopped at the reset vector; type `continue`.\n
