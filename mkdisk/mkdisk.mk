# SPDX-License-Identifier: MIT
#
# build/mkdisk, the disk image tool: mkdisk/*.c and common/*.c built for the
# host, plus mkdisk/embed.S, which pulls the three loaders into the binary
# with .incbin so that one program does it all. The loaders come from
# boot/boot.mk and efi/efi.mk; mkdisk is rebuilt when any of them changes.
#
# Objects go to $(BUILD)/host/mkdisk/ (mkdisk's own) and
# $(BUILD)/host/mkdisk/common/ (common/ without the unit tests' sanitizers;
# $(BUILD)/host/common/ belongs to tests/unit/unit.mk). build/mkdisk is the
# binary itself, so no directory can have its name.
#
# `make test-mkdisk` runs tests/mkdisk/mkdisk-tests.sh on the built tool.

STAGE1_BIN ?= $(BUILD)/boot/stage1.bin
STAGE2_BIN ?= $(BUILD)/boot/stage2.bin
EFI_BIN ?= $(BUILD)/efi/BOOTX64.EFI

MKDISK_OBJDIR := $(BUILD)/host/mkdisk
MKDISK_SRCS := $(sort $(wildcard mkdisk/*.c))
MKDISK_OBJS := $(patsubst mkdisk/%.c,$(MKDISK_OBJDIR)/%.o,$(MKDISK_SRCS)) \
	$(patsubst common/%.c,$(MKDISK_OBJDIR)/common/%.o,\
		$(sort $(wildcard common/*.c))) \
	$(MKDISK_OBJDIR)/embed.o

all: $(BUILD)/mkdisk

$(MKDISK_OBJDIR)/%.o: mkdisk/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(MKDISK_OBJDIR)/common/%.o: common/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

# .incbin reads the files at assembly time; -MMD does not see them, so
# they are listed here.
$(MKDISK_OBJDIR)/embed.o: mkdisk/embed.S $(STAGE1_BIN) $(STAGE2_BIN) $(EFI_BIN)
	$(quiet) HOSTAS $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) \
		-DSTAGE1_BIN='"$(STAGE1_BIN)"' -DSTAGE2_BIN='"$(STAGE2_BIN)"' \
		-DEFI_BIN='"$(EFI_BIN)"' -c $< -o $@

$(BUILD)/mkdisk: $(MKDISK_OBJS)
	$(quiet) HOSTLD $@
	$(Q)$(CC) $(HOST_CFLAGS) $^ -o $@

.PHONY: test-mkdisk
test-mkdisk: $(BUILD)/mkdisk
	$(Q)BUILD=$(BUILD) STAGE2_BIN=$(STAGE2_BIN) \
		bash tests/mkdisk/mkdisk-tests.sh $(KERNEL)

-include $(MKDISK_OBJS:.o=.d)
