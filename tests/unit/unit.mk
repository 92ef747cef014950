# SPDX-License-Identifier: MIT
#
# Host unit tests of common/, core/ and drivers/' data-only parts: every
# tests/unit/test_<module>.c becomes $(BUILD)/tests/unit/test_<module>,
# built with the host compiler under ASan and UBSan and linked with all of
# common/*.c and UNIT_DRIVERS (compiled for the host, with the same
# sanitizers, into $(BUILD)/host/common/ and $(BUILD)/host/drivers/). A
# new test file needs no edit here. test_core also links core/*.c and the
# fake platform (tests/unit/fake_platform.c) in place of a firmware
# backend. `make test-unit` runs them all through
# tests/unit/run.sh, which ends with `N passed, N failed`.

# UBSan stops at the first report, so undefined behaviour fails the binary.
UNIT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_CFLAGS = $(HOST_CFLAGS) $(UNIT_SANITIZE) -Itests/unit -Icore -Idrivers

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
UNIT_COMMON_OBJS := $(patsubst common/%.c,$(BUILD)/host/common/%.o,\
	$(sort $(wildcard common/*.c)))
# The drivers' files that do no port I/O (drivers/ata.c does: never here).
UNIT_DRIVERS := ata_data edd devpath
UNIT_COMMON_OBJS += $(UNIT_DRIVERS:%=$(BUILD)/host/drivers/%.o)

UNIT_CORE_OBJS := $(patsubst core/%.c,$(BUILD)/host/core/%.o,\
	$(sort $(wildcard core/*.c))) $(BUILD)/tests/unit/fake_platform.o

$(BUILD)/host/core/%.o: core/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/tests/unit/test_core: $(UNIT_CORE_OBJS)

$(BUILD)/host/common/%.o: common/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/host/drivers/%.o: drivers/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(UNIT_COMMON_OBJS)
	$(quiet) HOSTLD $@
	$(Q)$(CC) $(UNIT_CFLAGS) $^ -o $@

# The unit tests' objects are intermediate files make must not delete.
.SECONDARY: $(UNIT_TESTS:=.o) $(UNIT_COMMON_OBJS) $(UNIT_CORE_OBJS)

test-unit: $(UNIT_TESTS)
	$(Q)bash tests/unit/run.sh $(UNIT_TESTS)

-include $(UNIT_TESTS:=.d) $(UNIT_COMMON_OBJS:.o=.d) $(UNIT_CORE_OBJS:.o=.d)
