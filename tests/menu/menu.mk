# SPDX-License-Identifier: MIT
#
# menu.mk - the boot menu, its editor and BLS entries under QEMU
# (tests/menu/menu-tests.sh), included by tests/tests.mk. The cases build
# their images at run time from build/mkdisk and the probe kernel, with
# mtools; uefi-bli-efivarfs boots Debian's amd64 kernel (fetched by
# tests/qemu/qemu.mk's rule) with an efivars initramfs. `make test-menu` runs it alone; MENU_TESTS='uefi-*' picks cases
# by name (see `bash tests/menu/menu-tests.sh --list`).

MENU_INPUTS := $(BUILD)/mkdisk $(BUILD)/tests/probe/probe-default.bzImage \
	$(BUILD)/kernels/vmlinuz-amd64
MENU_TESTS ?=

TEST_PREREQS += $(MENU_INPUTS)

.PHONY: test-menu
test-menu: $(MENU_INPUTS)
	$(Q)BUILD=$(BUILD) bash tests/menu/menu-tests.sh $(MENU_TESTS)
