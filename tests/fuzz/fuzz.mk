# SPDX-License-Identifier: MIT
#
# libFuzzer targets for the parsers of common/ that read untrusted bytes:
# tests/fuzz/fuzz_<target>.c becomes $(BUILD)/fuzz/fuzz_<target>, built by
# clang with libFuzzer, ASan and UBSan and linked with all of common/*.c
# compiled the same way into $(BUILD)/fuzz/common/ (never the gcc-built
# $(BUILD)/host/common/ of the unit tests). The same sources also become
# $(BUILD)/fuzz/msan/fuzz_<target> under MemorySanitizer, which sees what
# ASan cannot, reads of uninitialized memory: the fuzz suite replays each
# grown corpus through it.
#
# Seeds: tests/fuzz/corpus/<target>/ (small files kept in git) and
# $(BUILD)/fuzz/seeds/<target>/, made here: bzImage headers, MBRs and GPTs by
# $(BUILD)/fuzz/fuzz_seeds (tests/fuzz/fuzz_seeds.c), FAT12/16/32 images
# by tests/fuzz/mkfatseeds.sh with mtools. The corpus a run grows is
# $(BUILD)/fuzz/corpus/<target>/; crashes land in
# $(BUILD)/fuzz/crashes/<target>/.
#
#   make fuzz-build                 the targets and their seeds
#   make fuzz [FUZZ_SECONDS=60]     run each target for FUZZ_SECONDS, one
#                                   at a time [FUZZ_TARGETS="fat mbr"]
#
# `make test` does not build them (TEST_PREREQS is left alone): the `fuzz`
# suite, tests/fuzz/fuzz-tests.sh, runs `make fuzz-build` itself, so a
# missing clang fuzzer runtime shows as FAIL lines, not a broken build.

FUZZ_CC := clang
# UBSan must abort, not print and go on, for libFuzzer to see a report.
FUZZ_CFLAGS := $(COMMON_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_MSAN_CFLAGS := $(COMMON_CFLAGS) -g -O1 -fsanitize=fuzzer,memory \
	-fsanitize-memory-track-origins -fno-omit-frame-pointer
FUZZ_TARGETS_ALL := bzimage config fat gpt mbr
FUZZ_TARGETS ?= $(FUZZ_TARGETS_ALL)
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS_ALL))
FUZZ_COMMON_OBJS := $(patsubst common/%.c,$(BUILD)/fuzz/common/%.o,\
	$(sort $(wildcard common/*.c)))
FUZZ_MSAN_BINS := $(patsubst %,$(BUILD)/fuzz/msan/fuzz_%,$(FUZZ_TARGETS_ALL))
FUZZ_MSAN_COMMON_OBJS := $(patsubst common/%.c,$(BUILD)/fuzz/msan/common/%.o,\
	$(sort $(wildcard common/*.c)))
FUZZ_SEED_STAMPS := $(BUILD)/fuzz/seeds/gen.stamp $(BUILD)/fuzz/seeds/fat.stamp

$(BUILD)/fuzz/common/%.o: common/%.c
	$(call need,$(FUZZ_CC),clang)
	$(quiet) FUZZCC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz_%.o: tests/fuzz/fuzz_%.c
	$(quiet) FUZZCC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(FUZZ_COMMON_OBJS)
	$(quiet) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@

$(BUILD)/fuzz/msan/common/%.o: common/%.c
	$(quiet) FUZZCC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_MSAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/msan/fuzz_%.o: tests/fuzz/fuzz_%.c
	$(quiet) FUZZCC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_MSAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/msan/fuzz_%: $(BUILD)/fuzz/msan/fuzz_%.o $(FUZZ_MSAN_COMMON_OBJS)
	$(quiet) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_MSAN_CFLAGS) $^ -o $@

# The seed generator is a plain host program, no sanitizers.
$(BUILD)/fuzz/fuzz_seeds: tests/fuzz/fuzz_seeds.c common/crc32.c \
		common/linux_boot.h common/mbr.h common/gpt.h common/crc32.h \
		common/layout.h
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@

$(BUILD)/fuzz/seeds/gen.stamp: $(BUILD)/fuzz/fuzz_seeds
	$(quiet) GEN $(BUILD)/fuzz/seeds/bzimage
	$(Q)rm -rf $(BUILD)/fuzz/seeds/bzimage $(BUILD)/fuzz/seeds/mbr \
		$(BUILD)/fuzz/seeds/gpt
	$(Q)$< $(BUILD)/fuzz/seeds
	$(Q)touch $@

$(BUILD)/fuzz/seeds/fat.stamp: tests/fuzz/mkfatseeds.sh $(BUILD)/fuzz/fuzz_seeds
	$(quiet) GEN $(BUILD)/fuzz/seeds/fat
	$(call need,mformat,mtools)
	$(Q)bash $< $(BUILD)/fuzz/seeds/fat $(BUILD)/fuzz/fuzz_seeds
	$(Q)touch $@

.SECONDARY: $(FUZZ_BINS:=.o) $(FUZZ_COMMON_OBJS) $(FUZZ_MSAN_BINS:=.o) \
	$(FUZZ_MSAN_COMMON_OBJS)
.PHONY: fuzz-build

fuzz-build: $(FUZZ_BINS) $(FUZZ_MSAN_BINS) $(FUZZ_SEED_STAMPS)

fuzz: fuzz-build
	$(Q)BUILD="$(BUILD)" FUZZ_TARGETS="$(FUZZ_TARGETS)" \
		bash tests/fuzz/fuzz-tests.sh --seconds $(FUZZ_SECONDS) \
		--no-build

-include $(FUZZ_BINS:=.d) $(FUZZ_COMMON_OBJS:.o=.d) $(FUZZ_MSAN_BINS:=.d) \
	$(FUZZ_MSAN_COMMON_OBJS:.o=.d)
