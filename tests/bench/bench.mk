# SPDX-License-Identifier: MIT
#
# bench.mk - `make bench`: boot-time benchmarks, bzboot against QEMU's
# direct -kernel boot under SeaBIOS and OVMF, on every bus (tests/bench/bench.sh,
# docs/benchmarks.md). Included by tests/tests.mk; not part of `make test`:
# a benchmark reports, it never fails a build for being slow.
#
#   serial-clock.c (host)  -> $(BUILD)/tests/bench/serial-clock, which
#                             stamps each serial line QEMU prints
#
# `make bench BENCH_RUNS=1` for a quick look (default 5 runs per cell);
# BENCH_FIRMWARES (bios uefi) and BENCH_BUSES (ide ahci virtio nvme) pick
# the cells, BENCH_SIZES (small big probe; gpt: small on a GPT image;
# hashes: big with --hashes) too,
# and BENCH_CASES='bios-virtio-*' (globs on FW-BUS-INITRD);
# BENCH_TIMEOUT is the limit per run.
# bench.sh fetches Debian's kernel and makes the initrds itself, so that a
# missing input stops only the cases that need it, each named.

BENCH_DIR := $(BUILD)/tests/bench
BENCH_RUNS ?= 5
BENCH_CASES ?=
BENCH_FIRMWARES ?= bios uefi
BENCH_BUSES ?= ide ahci virtio nvme
BENCH_SIZES ?= small big probe
BENCH_TIMEOUT ?= 120

$(BENCH_DIR)/serial-clock: tests/bench/serial-clock.c
	$(quiet) HOSTCC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $<

# probe.mk comes after this file: name the probe image by its path.
bench: $(BUILD)/mkdisk $(BUILD)/tests/probe/probe-default.bzImage \
		$(BENCH_DIR)/serial-clock
	$(Q)BUILD=$(BUILD) BENCH_RUNS="$(BENCH_RUNS)" \
		BENCH_CASES="$(BENCH_CASES)" BENCH_TIMEOUT="$(BENCH_TIMEOUT)" \
		BENCH_FIRMWARES="$(BENCH_FIRMWARES)" BENCH_BUSES="$(BENCH_BUSES)" \
		BENCH_SIZES="$(BENCH_SIZES)" bash tests/bench/bench.sh

-include $(BENCH_DIR)/serial-clock.d
