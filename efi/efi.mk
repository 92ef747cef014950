# SPDX-License-Identifier: MIT
#
# efi/efi.mk - BOOTX64.EFI, the UEFI loader, with gnu-efi (Debian package
# gnu-efi): C compiled with EFI_CFLAGS, linked as a shared object with
# gnu-efi's own crt0 and linker script, then converted to a PE32+ EFI
# application by objcopy (as gnu-efi's Make.rules does). The common/,
# core/ and drivers/ code the loader uses is compiled again for EFI into
# $(BUILD)/efi/common/, core/ and drivers/.
#
#   build/efi/*.o, build/efi/common/*.o   objects (EFI_CFLAGS, -fpic)
#   build/efi/linux_boot.inc              numbers from linux_boot.h, for nasm
#   build/efi/BOOTX64.so                  the ELF shared object
#   build/efi/BOOTX64.EFI                 the loader (at most 96 KiB)

EFI_BIN := $(BUILD)/efi/BOOTX64.EFI
EFI_SO := $(BUILD)/efi/BOOTX64.so
# Budget: 96 KiB.
EFI_MAX_BYTES := 98304

# gnu-efi's start-up code and linker script, from the Debian package.
EFI_CRT0 := /usr/lib/crt0-efi-x86_64.o
EFI_LDS := /usr/lib/elf_x86_64_efi.lds
EFI_LIBDIR := /usr/lib

EFI_SRCS := efi/main.c efi/console.c efi/file.c efi/platform.c efi/memory.c \
	efi/video.c efi/acpi.c efi/linux.c efi/ata.c efi/lib.c efi/trust.c \
	efi/bli.c
EFI_COMMON := fmt bls bootenv bzimage config crc32 fat gpt placement \
	placement_e820 sha256 tcg
# The loader core and the drivers, compiled again for EFI: the serial
# port, the IDE channel and the device-path decoding that locates it.
EFI_CORE := boot console editor file keys load menu phase
EFI_DRIVERS := serial16550 ata ata_data devpath
EFI_OBJS := $(patsubst efi/%.c,$(BUILD)/efi/%.o,$(EFI_SRCS)) \
	$(BUILD)/efi/handover.o \
	$(patsubst %,$(BUILD)/efi/common/%.o,$(EFI_COMMON)) \
	$(patsubst %,$(BUILD)/efi/core/%.o,$(EFI_CORE)) \
	$(patsubst %,$(BUILD)/efi/drivers/%.o,$(EFI_DRIVERS))

# -Bsymbolic: bind every reference inside the image, so the relocations
# left are the R_X86_64_RELATIVE ones crt0's _relocate applies at start.
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -T $(EFI_LDS) \
	-L$(EFI_LIBDIR)
EFI_LIBS := -lefi -lgnuefi
# The sections of the PE image, as gnu-efi's Make.rules lists them.
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .rodata \
	-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

all: $(EFI_BIN)

# LoaderInfo's version: the commit the loader was built from.
BZBOOT_VERSION := $(shell git describe --always --dirty 2>/dev/null || \
	echo unknown)
# -Os: nothing here is on a hot path, and the image's budget is tight.
$(BUILD)/efi/bli.o: EFI_CFLAGS += -Os -DBZBOOT_VERSION='"$(BZBOOT_VERSION)"'

$(BUILD)/efi/%.o: efi/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(EFI_CFLAGS) -Icore -Idrivers $(DEPFLAGS) -c $< -o $@

$(BUILD)/efi/core/%.o: core/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/efi/drivers/%.o: drivers/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/efi/common/%.o: common/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

# nasm cannot read C headers: the plain numeric #defines of linux_boot.h
# (BOOT_CS, BOOT_DS, ...) become %defines; the rest is left out.
EFI_INC_SPACE := [[:space:]]\+
EFI_INC_NAME := \([A-Z0-9_]\+\)
EFI_INC_VALUE := \(0x[0-9a-fA-F]\+\|[0-9]\+\)
EFI_INC_SED := s/^.define$(EFI_INC_SPACE)$(EFI_INC_NAME)$(EFI_INC_SPACE)
EFI_INC_SED := $(EFI_INC_SED)$(EFI_INC_VALUE)\([[:space:]].*\)\?$$
EFI_INC_SED := $(EFI_INC_SED)/%define \1 \2/p
$(BUILD)/efi/linux_boot.inc: common/linux_boot.h
	$(quiet) GEN $@
	@mkdir -p $(@D)
	$(Q)sed -n '$(EFI_INC_SED)' $< > $@

$(BUILD)/efi/handover.o: efi/handover.asm $(BUILD)/efi/linux_boot.inc
	$(call need,$(NASM),nasm)
	$(quiet) NASM $@
	@mkdir -p $(@D)
	$(Q)$(NASM) $(NASMFLAGS) -f elf64 -g -F dwarf -MD $(@:.o=.d) -MP $< -o $@

$(EFI_CRT0) $(EFI_LDS):
	@echo "$@ not found: install the Debian package gnu-efi" \
		"(or run \`make deps\`)" >&2; exit 1

# The link fails on any undefined symbol: the firmware has no dynamic
# linker, an unresolved call would jump to address 0.
$(EFI_SO): $(EFI_OBJS) $(EFI_CRT0) $(EFI_LDS)
	$(quiet) LD $@
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_CRT0) $(EFI_OBJS) -o $@ $(EFI_LIBS)
	$(Q)undefined=$$(nm -u $@); if [ -n "$$undefined" ]; then \
		echo "$@: undefined symbols:" $$undefined >&2; \
		rm -f $@; exit 1; fi

$(EFI_BIN): $(EFI_SO)
	$(quiet) OBJCOPY $@
	$(Q)$(OBJCOPY) $(EFI_SECTIONS) --target efi-app-x86_64 $< $@
	$(Q)size=$$(stat -c %s $@); \
		echo "BOOTX64.EFI: $$size of $(EFI_MAX_BYTES) bytes"; \
		if [ $$size -gt $(EFI_MAX_BYTES) ]; then \
			echo "$@: over the $(EFI_MAX_BYTES)-byte budget" >&2; \
			rm -f $@; exit 1; fi

.SECONDARY: $(EFI_SO)

-include $(EFI_OBJS:.o=.d)
