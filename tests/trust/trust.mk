# SPDX-License-Identifier: MIT
#
# trust.mk - UEFI Secure Boot and measured boot (tests/trust/trust-tests.sh),
# included by tests/tests.mk: OVMF's secboot firmware with the snakeoil
# keys, and swtpm. The inputs are build/mkdisk, Debian's amd64 kernel and
# the test initramfs of tests/qemu. `make test-trust` runs it alone;
# TRUST_TESTS='uefi-sb-*' picks cases by name.

TRUST_INPUTS := $(BUILD)/mkdisk $(BUILD)/kernels/vmlinuz-amd64 \
	$(BUILD)/tests/qemu/initrd-amd64.img
TRUST_TESTS ?=

TEST_PREREQS += $(BUILD)/tests/qemu/initrd-amd64.img

.PHONY: test-trust
test-trust: $(TRUST_INPUTS)
	$(Q)BUILD=$(BUILD) bash tests/trust/trust-tests.sh $(TRUST_TESTS)
