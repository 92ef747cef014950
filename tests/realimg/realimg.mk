# SPDX-License-Identifier: MIT
#
# Real images that use the boot protocol (tests/realimg/realimg-tests.sh),
# included by tests/tests.mk: memtest86+, iPXE and memdisk from Debian
# packages, booted from mkdisk images under SeaBIOS and OVMF. The script
# fetches the packages itself (into $(BUILD)/cache, like the kernels), so
# that a mirror out of reach fails the cases that need them, each with a
# FAIL line. `make test-realimg REALIMG_TESTS='bios-*'` picks cases.

REALIMG_TESTS ?=

.PHONY: test-realimg

test-realimg: $(BUILD)/mkdisk
	$(Q)BUILD=$(BUILD) bash tests/realimg/realimg-tests.sh $(REALIMG_TESTS)
