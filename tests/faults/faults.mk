# SPDX-License-Identifier: MIT
#
# faults.mk - the loaders on bad input and failing disks
# (tests/faults/faults-tests.sh), included by tests/tests.mk. The cases
# build their broken images at run time from build/mkdisk and the probe
# kernel, with mtools, dd and QEMU's blkdebug driver: those two files are
# the suite's inputs. `make test-faults` runs it alone; FAULTS_TESTS='bios-*'
# picks cases by name (see `bash tests/faults/faults-tests.sh --list`).

FAULTS_INPUTS := $(BUILD)/mkdisk $(BUILD)/tests/probe/probe-default.bzImage
FAULTS_TESTS ?=

TEST_PREREQS += $(FAULTS_INPUTS)

.PHONY: test-faults
test-faults: $(FAULTS_INPUTS)
	$(Q)BUILD=$(BUILD) bash tests/faults/faults-tests.sh $(FAULTS_TESTS)
