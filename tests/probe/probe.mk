# SPDX-License-Identifier: MIT
#
# probe.mk - the probe kernel: a small bzImage that reports on COM1 what a
# loader handed over (tests/probe/README.md). Included by tests/tests.mk.
#
#   mkprobe (host)     --nasm-inc -> probe_layout.inc (offsets for nasm)
#   setup.asm          -> setup.bin   16-bit entry, the setup sectors
#   head.asm           -> head.bin    32/64-bit entries, probe_info
#   probe.c + fmt.c    -> probe32.bin, probe64.bin (linker/probe.ld), each
#                         checked to be position-independent
#   mkprobe            -> $(BUILD)/tests/probe/probe-VARIANT.bzImage
#
# `make probe` builds every variant; `make test-probe` runs
# tests/probe/probe-tests.sh.

PROBE_DIR := $(BUILD)/tests/probe

# Report code: freestanding, position-independent (a loader may put the
# protected-mode part anywhere), no SSE, no jump tables, no writable data.
PROBE_CFLAGS := $(COMMON_CFLAGS) -Itests/probe -Idrivers -Os -g -ffreestanding -fpie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
	-fno-jump-tables -fvisibility=hidden -mgeneral-regs-only \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include)
PROBE32_CFLAGS := $(PROBE_CFLAGS) -m32 -march=i686
PROBE64_CFLAGS := $(PROBE_CFLAGS) -m64 -mno-red-zone -mcmodel=small
PROBE_LDFLAGS := -nostdlib -static --no-dynamic-linker -z noexecstack \
	--build-id=none
# The other base of the position-independence check.
PROBE_CHECK_BASE := 0x12340000

# name: mkprobe options. Each variant changes one thing from the default
# (protocol 2.15, setup_sects 8, 3 MiB payload, relocatable, 2 MiB
# kernel_alignment, pref_address 16 MiB, initrd_addr_max 0x7fffffff,
# cmdline_size 2047, xloadflags KERNEL_64|CAN_BE_LOADED_ABOVE_4G).
PROBE_VARIANTS := default setup0 setup60 lowinitrd smallcmdline 64 \
	proto202 noreloc
PROBE_OPTS_default :=
PROBE_OPTS_setup0 := --setup-sects 0
PROBE_OPTS_setup60 := --setup-sects 60
# Kernel [1 MiB, 13 MiB) by init_size, initrds must end by 16 MiB. Not
# CAN_BE_LOADED_ABOVE_4G: QEMU takes that flag as leave to ignore
# initrd_addr_max (hw/i386/x86.c), and the two contradict each other.
PROBE_OPTS_lowinitrd := --initrd-addr-max 0x00ffffff --init-size 12M \
	--xloadflags 1
PROBE_OPTS_smallcmdline := --cmdline-size 64
# For the 64-bit path: unusual pref_address and alignment, big init_size.
PROBE_OPTS_64 := --pref-address 0x3000000 --kernel-alignment 0x1000000 \
	--init-size 24M
# Oldest protocol the loaders take: no initrd_addr_max, cmdline_size,
# init_size or xloadflags in the header (boot.rst defaults apply).
PROBE_OPTS_proto202 := --version 2.02
PROBE_OPTS_noreloc := --relocatable 0

PROBE_IMAGES := $(PROBE_VARIANTS:%=$(PROBE_DIR)/probe-%.bzImage)
PROBE_PARTS := $(PROBE_DIR)/setup.bin $(PROBE_DIR)/head.bin \
	$(PROBE_DIR)/probe32.bin $(PROBE_DIR)/probe64.bin

.PHONY: probe test-probe
probe: $(PROBE_PARTS) $(PROBE_IMAGES)
all: probe

$(PROBE_DIR)/mkprobe: tests/probe/mkprobe.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -Itests/probe -o $@ $<

$(PROBE_DIR)/probe_layout.inc: $(PROBE_DIR)/mkprobe
	$(quiet) GEN $@
	$(Q)$< --nasm-inc $@

$(PROBE_DIR)/%.bin: tests/probe/%.asm $(PROBE_DIR)/probe_layout.inc
	$(quiet) NASM $@
	$(Q)$(NASM) $(NASMFLAGS) -I$(PROBE_DIR)/ -f bin -MD $@.d -MP \
		-o $@ $<

$(PROBE_DIR)/probe32.o: tests/probe/probe.c
	$(quiet) CC32 $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROBE32_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(PROBE_DIR)/fmt32.o: common/fmt.c
	$(quiet) CC32 $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROBE32_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(PROBE_DIR)/probe64.o: tests/probe/probe.c
	$(quiet) CC64 $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROBE64_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(PROBE_DIR)/fmt64.o: common/fmt.c
	$(quiet) CC64 $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROBE64_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Link at 0 and at PROBE_CHECK_BASE: identical bytes or the build fails.
# (--defsym must come before -T, or DEFINED() in the script does not see it.)
# $(1): 32 or 64, $(2): ld emulation.
define probe_link
$(PROBE_DIR)/probe$(1).bin: $(PROBE_DIR)/probe$(1).o $(PROBE_DIR)/fmt$(1).o \
		linker/probe.ld
	$$(quiet) LD $$@
	$$(Q)$$(LD) -m $(2) $$(PROBE_LDFLAGS) -T linker/probe.ld \
		-o $$(@:.bin=.elf) $$(filter %.o,$$^)
	$$(Q)$$(LD) -m $(2) $$(PROBE_LDFLAGS) \
		--defsym probe_link_base=$$(PROBE_CHECK_BASE) \
		-T linker/probe.ld -o $$(@:.bin=.check.elf) $$(filter %.o,$$^)
	$$(Q)$$(OBJCOPY) -O binary $$(@:.bin=.elf) $$@.tmp
	$$(Q)$$(OBJCOPY) -O binary $$(@:.bin=.check.elf) $$@.check
	$$(Q)cmp -s $$@.tmp $$@.check || { rm -f $$@.tmp $$@.check; \
		echo "probe$(1).bin: not position-independent (differs when" \
		"linked at $$(PROBE_CHECK_BASE))"; exit 1; }
	$$(Q)rm -f $$@.check && mv $$@.tmp $$@
endef
$(eval $(call probe_link,32,elf_i386))
$(eval $(call probe_link,64,elf_x86_64))

$(PROBE_DIR)/probe-%.bzImage: $(PROBE_PARTS) $(PROBE_DIR)/mkprobe \
		tests/probe/probe.mk
	$(quiet) MKPROBE $@
	$(Q)$(PROBE_DIR)/mkprobe -o $@ --name probe-$* \
		--setup $(PROBE_DIR)/setup.bin --head $(PROBE_DIR)/head.bin \
		--c32 $(PROBE_DIR)/probe32.bin --c64 $(PROBE_DIR)/probe64.bin \
		$(PROBE_OPTS_$*)

test-probe: probe
	$(Q)BUILD=$(BUILD) bash tests/probe/probe-tests.sh

-include $(wildcard $(PROBE_DIR)/*.d)
