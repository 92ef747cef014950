# SPDX-License-Identifier: MIT
#
# One non-recursive Makefile for the whole project. Every output goes under
# build/, mirroring the source tree. The parts add their rules in:
#   boot/boot.mk      stage1 and stage2 (BIOS path)
# Sources: common/ (pure protocol code, every target), drivers/ (hardware
# the loaders drive: -Idrivers only for the loaders, their tests and the
# probe kernel), boot/, efi/, mkdisk/.
#   efi/efi.mk        BOOTX64.EFI (UEFI path)
#   mkdisk/mkdisk.mk  the disk image tool, with the loaders embedded
#   tests/tests.mk    unit tests, probe kernel, QEMU boot tests, benchmarks
#
# `make V=1` shows full commands.

BUILD := build
SHELL := /bin/bash

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

CC := gcc
LD := ld
OBJCOPY := objcopy
NASM := nasm

# Flag sets, one per kind of target.
COMMON_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Icommon -I$(BUILD)
HOST_CFLAGS := $(COMMON_CFLAGS) -O2 -g
# stage2: -Os, and a 4-byte stack alignment (the i386 ABI's own; 16 is for
# SSE, which stage2 never uses): no padding of every frame, 1.3 KiB less
# code.
STAGE2_CFLAGS := $(COMMON_CFLAGS) -m32 -march=i686 -Os -g -ffreestanding \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mno-sse -mno-mmx -mgeneral-regs-only -mpreferred-stack-boundary=2 \
	-ffunction-sections -fdata-sections -Idrivers
EFI_INC := /usr/include/efi
EFI_CFLAGS := $(COMMON_CFLAGS) -O2 -g -ffreestanding -fpic -fshort-wchar \
	-mno-red-zone -mno-sse -mno-mmx -fno-stack-protector \
	-fno-strict-aliasing -DGNU_EFI_USE_MS_ABI -DEFI_FUNCTION_WRAPPER \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -I$(EFI_INC)/protocol -Idrivers
NASMFLAGS := -Werror -I$(BUILD)/
DEPFLAGS = -MMD -MP

# Debian packages behind each tool: a missing tool stops the build with one
# line naming the package (`make deps` installs them all).
DEB_PACKAGES := build-essential gcc-multilib nasm gnu-efi mtools dosfstools \
	fdisk gdisk qemu-system-x86 qemu-utils ovmf busybox-static cpio \
	xz-utils zstd e2fsprogs \
	clang lld libclang-rt-14-dev gdb python3 \
	sbsigntool swtpm swtpm-tools tpm2-tools openssl
need = $(if $(shell command -v $(1) 2>/dev/null),,$(error $(1) not found: \
	install the Debian package $(2) (or run `make deps`)))

.PHONY: all test test-unit bench deps clean run debug fuzz
all:

# nasm cannot read C headers: turn common/layout.h into build/layout.inc.
$(BUILD)/layout.inc: common/layout.h
	$(quiet) GEN $@
	@mkdir -p $(@D)
	$(Q)sed -n 's/^#define \([A-Z0-9_]*\) \(.*\)$$/%define \1 \2/p' $< > $@

include boot/boot.mk
include efi/efi.mk
include mkdisk/mkdisk.mk
include tests/tests.mk

# The default disk image: the given KERNEL/INITRD/CMDLINE, or a Debian
# kernel and the project's busybox initramfs (tests/qemu/default-image.sh).
# MKDISK_FLAGS go to mkdisk as they are (e.g. --gpt). ROOTFS=DIR adds a
# root partition made from DIR (mkdisk --rootfs; ROOTFS_SIZE=MiB sets its
# size) and, without KERNEL and INITRD, boots Debian's kernel with the
# rootfs initramfs, which mounts it and runs DIR's /sbin/init. disk.qcow2:
# the same, as a qcow2 file (mkdisk --format qcow2).
KERNEL ?=
INITRD ?=
CMDLINE ?= console=tty0 console=ttyS0,115200
MKDISK_FLAGS ?=
ROOTFS ?=
ROOTFS_SIZE ?=
DISK ?= disk.img
.PHONY: disk.img disk.qcow2
disk.img: $(BUILD)/mkdisk
	$(Q)KERNEL="$(KERNEL)" INITRD="$(INITRD)" CMDLINE="$(CMDLINE)" \
		MKDISK_FLAGS="$(MKDISK_FLAGS)" ROOTFS="$(ROOTFS)" \
		ROOTFS_SIZE="$(ROOTFS_SIZE)" BUILD="$(BUILD)" \
		bash tests/qemu/default-image.sh "$(DISK)"
disk.qcow2: $(BUILD)/mkdisk
	$(Q)KERNEL="$(KERNEL)" INITRD="$(INITRD)" CMDLINE="$(CMDLINE)" \
		MKDISK_FLAGS="$(MKDISK_FLAGS)" ROOTFS="$(ROOTFS)" \
		ROOTFS_SIZE="$(ROOTFS_SIZE)" BUILD="$(BUILD)" \
		bash tests/qemu/default-image.sh disk.qcow2

QEMU ?= qemu-system-x86_64
run: disk.img
	$(QEMU) -m 512 -hda $(DISK) -serial mon:stdio -no-reboot

# QEMU with a gdb stub and gdb attached with the loader's symbols
# (tests/debug/gdb-session.sh). FIRMWARE=bios: stopped at the reset vector,
# stage2's symbols, breakpoints up to the hand-over (boot/stage2/debug.gdb).
# FIRMWARE=uefi: OVMF, BOOTX64.EFI's symbols where the firmware put it
# (efi/debug.py). With the probe kernel as KERNEL, its symbols too.
FIRMWARE ?= bios
debug: disk.img $(STAGE2_ELF) $(EFI_BIN)
	$(call need,gdb,gdb)
	$(Q)BUILD=$(BUILD) QEMU=$(QEMU) bash tests/debug/gdb-session.sh \
		$(FIRMWARE) $(DISK)

deps:
	bash .ci/deps.sh

clean:
	rm -rf $(BUILD)
