# SPDX-License-Identifier: MIT
#
# rootfs.mk - persistent root partitions (mkdisk --rootfs) booted under
# QEMU (tests/rootfs/rootfs-tests.sh), included by tests/tests.mk. The
# suite builds its root directory, the rootfs initramfs and its images at
# run time; build/mkdisk is its input. `make test-rootfs` runs it alone.

TEST_PREREQS += $(BUILD)/mkdisk

.PHONY: test-rootfs
test-rootfs: $(BUILD)/mkdisk
	$(Q)BUILD=$(BUILD) bash tests/rootfs/rootfs-tests.sh
