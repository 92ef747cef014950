# SPDX-License-Identifier: MIT
#
# QEMU boot tests (tests/qemu/boot-tests.sh), included by tests/tests.mk.
# The inputs are file targets under $(BUILD): Debian's kernels (downloaded
# once into $(BUILD)/cache by fetch-kernel.sh) and the test initramfs
# images (mkinitramfs.sh, with a random payload per build and its sha256
# beside it). `make test-qemu` builds them and build/mkdisk, then boots
# every case, one QEMU at a time; QEMU_TESTS='bios-* uefi-amd64-pc' picks
# cases by name (see `bash tests/qemu/boot-tests.sh --list`).
# `make test` (tests/run-all.sh) runs boot-tests.sh as the suite qemu; it
# gets the initramfs images made first, but lets boot-tests.sh fetch the
# kernels, so that a mirror out of reach fails the cases that need them,
# each with a FAIL line, instead of stopping every suite.

QEMU_TEST_DIR := $(BUILD)/tests/qemu
QEMU_KERNELS := $(BUILD)/kernels/vmlinuz-amd64 $(BUILD)/kernels/vmlinuz-686
QEMU_INITRDS := $(QEMU_TEST_DIR)/initrd-amd64.img \
	$(QEMU_TEST_DIR)/initrd-i386.img $(QEMU_TEST_DIR)/payload2.img
QEMU_INITRAMFS_DEPS := tests/qemu/mkinitramfs.sh tests/qemu/lib.sh \
	$(wildcard tests/qemu/initramfs/*)
QEMU_TESTS ?=

.PHONY: test-qemu qemu-inputs

# fetch-kernel.sh leaves an up-to-date kernel alone: touch it for make.
$(BUILD)/kernels/vmlinuz-%: tests/qemu/fetch-kernel.sh tests/qemu/lib.sh
	$(quiet) FETCH $@
	$(Q)BUILD=$(BUILD) bash tests/qemu/fetch-kernel.sh $* >/dev/null
	$(Q)touch $@

$(QEMU_TEST_DIR)/initrd-%.img: $(QEMU_INITRAMFS_DEPS)
	$(quiet) GEN $@
	$(Q)BUILD=$(BUILD) bash tests/qemu/mkinitramfs.sh --arch $* \
		--mode test --out $@ >/dev/null

$(QEMU_TEST_DIR)/payload2.img: $(QEMU_INITRAMFS_DEPS)
	$(quiet) GEN $@
	$(Q)BUILD=$(BUILD) bash tests/qemu/mkinitramfs.sh --arch amd64 \
		--mode payload --name payload2 --payload-size 65536 \
		--out $@ >/dev/null

qemu-inputs: $(QEMU_KERNELS) $(QEMU_INITRDS)
TEST_PREREQS += $(QEMU_INITRDS)

test-qemu: $(BUILD)/mkdisk qemu-inputs
	$(Q)BUILD=$(BUILD) bash tests/qemu/boot-tests.sh $(QEMU_TESTS)
