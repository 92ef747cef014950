# SPDX-License-Identifier: MIT
#
# boot.mk - the BIOS path: stage1 (the MBR) and stage2, with size budgets.

STAGE1_BIN := $(BUILD)/boot/stage1.bin
STAGE2_BIN := $(BUILD)/boot/stage2.bin
STAGE2_ELF := $(BUILD)/boot/stage2.elf
STAGE1_BUDGET := 440

STAGE2_C := $(wildcard boot/stage2/*.c)
STAGE2_ASM := $(wildcard boot/stage2/*.asm)
# The shared protocol code stage2 links: no host-only files.
STAGE2_COMMON := bls.c bootenv.c bzimage.c config.c crc32.c fat.c fmt.c gpt.c mbr.c \
	placement_e820.c sha256.c
# The loader core and the drivers stage2 uses, compiled for it: the serial
# port, the IDE channel and the EDD data that locates it.
STAGE2_CORE := boot.c console.c editor.c file.c keys.c load.c menu.c \
	phase.c
STAGE2_DRIVERS := serial16550.c ata.c ata_data.c edd.c
STAGE2_OBJS := $(STAGE2_ASM:%.asm=$(BUILD)/%.o) \
	$(STAGE2_C:%.c=$(BUILD)/%.o) \
	$(STAGE2_COMMON:%.c=$(BUILD)/boot/common/%.o) \
	$(STAGE2_CORE:%.c=$(BUILD)/boot/core/%.o) \
	$(STAGE2_DRIVERS:%.c=$(BUILD)/boot/drivers/%.o)

all: $(STAGE1_BIN) $(STAGE2_BIN)

# stage1: flat binary; budget = code up to stage1_info + the record itself.
$(STAGE1_BIN): boot/stage1.asm $(BUILD)/layout.inc
	$(call need,$(NASM),nasm)
	$(quiet) NASM $@
	@mkdir -p $(@D)
	$(Q)$(NASM) $(NASMFLAGS) -f bin -l $(@:.bin=.lst) -o $@ $<
	$(Q)hex=$$(awk '/times\tSTAGE1_INFO_OFFSET/ {print $$2}' $(@:.bin=.lst)); \
	used=$$((16#$$hex + 8)); \
	echo "  stage1: $$used of $(STAGE1_BUDGET) bytes"; \
	test $$used -le $(STAGE1_BUDGET) || { echo "stage1: over budget" >&2; rm -f $@; exit 1; }

$(BUILD)/boot/stage2/%.o: boot/stage2/%.asm $(BUILD)/layout.inc \
		boot/stage2/modeswitch.inc
	$(call need,$(NASM),nasm)
	$(quiet) NASM $@
	@mkdir -p $(@D)
	$(Q)$(NASM) $(NASMFLAGS) -Iboot/stage2/ -f elf32 -g -F dwarf -o $@ $<

$(BUILD)/boot/stage2/%.o: boot/stage2/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(STAGE2_CFLAGS) -Iboot/stage2 -Icore -Idrivers $(DEPFLAGS) \
		-c -o $@ $<

$(BUILD)/boot/core/%.o: core/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(STAGE2_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/boot/drivers/%.o: drivers/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(STAGE2_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/boot/common/%.o: common/%.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(STAGE2_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/linker/stage2.ld: linker/stage2.ld common/layout.h
	$(quiet) CPP $@
	@mkdir -p $(@D)
	$(Q)$(CC) -E -P -x c -Icommon -o $@ $<

# --gc-sections: with each C function and object in a section of its own
# (STAGE2_CFLAGS), code nothing calls does not ship.
$(STAGE2_ELF): $(STAGE2_OBJS) $(BUILD)/linker/stage2.ld
	$(quiet) LD $@
	$(Q)$(LD) -m elf_i386 -nostdlib -static -z noexecstack \
		--no-warn-rwx-segments --gc-sections \
		-T $(BUILD)/linker/stage2.ld \
		-Map $(@:.elf=.map) -o $@ $(STAGE2_OBJS)
	$(Q)undef=$$(nm -u $@); test -z "$$undef" || \
		{ echo "stage2: undefined symbols: $$undef" >&2; rm -f $@; exit 1; }

# The budgets come from the link (linker/stage2.ld, from layout.h), which
# has already refused an image or a .bss over them.
stage2_sym = $$((16\#$$(nm $< | awk '$$3 == "$(1)" { print $$1 }')))
$(STAGE2_BIN): $(STAGE2_ELF)
	$(quiet) OBJCOPY $@
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)used=$$(stat -c %s $@); max=$(call stage2_sym,__stage2_max); \
	echo "  stage2: $$used of $$max bytes"; \
	test $$used -le $$max || { echo "stage2: over budget" >&2; rm -f $@; exit 1; }
	$(Q)echo "  stage2 .bss: $(call stage2_sym,__bss_size) of" \
		"$(call stage2_sym,__bss_max) bytes"

-include $(STAGE2_OBJS:.o=.d)
