# SPDX-License-Identifier: MIT
#
# `mkdisk install` onto disks made by sfdisk, mkfs.fat and mkfs.ext4
# (tests/install/install-tests.sh), included by tests/tests.mk. Needs
# build/mkdisk, Debian's amd64 kernel and the test initramfs of the qemu
# suite. `make test-install` runs it alone; INSTALL_TESTS='install-gpt*'
# picks cases by name (see `bash tests/install/install-tests.sh --list`).

INSTALL_TESTS ?=

.PHONY: test-install
# The kernel is fetched by the script when missing, as the qemu suite
# does, so that a mirror out of reach fails this suite and no other.
TEST_PREREQS += $(BUILD)/tests/qemu/initrd-amd64.img

test-install: $(BUILD)/mkdisk $(BUILD)/kernels/vmlinuz-amd64 \
		$(BUILD)/tests/qemu/initrd-amd64.img
	$(Q)BUILD=$(BUILD) bash tests/install/install-tests.sh $(INSTALL_TESTS)
