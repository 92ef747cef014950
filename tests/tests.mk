# SPDX-License-Identifier: MIT
#
# tests.mk - every test suite, and `make test`, which runs them all through
# tests/run-all.sh and ends with `N passed, N failed`:
#   unit     host tests of common/ under ASan/UBSan  (tests/unit/unit.mk)
#   deps     the #include rules between directories  (tests/deps/)
#   mkdisk   the image tool's output and refusals    (tests/mkdisk/)
#   install  mkdisk install onto partitioned disks   (tests/install/)
#   probe    the protocol probe kernel under QEMU    (tests/probe/probe.mk)
#   qemu     Debian kernels booted under QEMU        (tests/qemu/qemu.mk)
#   rootfs   mkdisk --rootfs images: a token written on the root file
#            system, read back on the next boot      (tests/rootfs/)
#   realimg  memtest86+, iPXE, memdisk under QEMU    (tests/realimg/realimg.mk)
#   docs     README.md and docs/ against the tree    (tests/docs/docs.mk)
#   menu     the menu, editor and BLS under QEMU     (tests/menu/menu.mk)
#   trust    UEFI Secure Boot and measured boot      (tests/trust/trust.mk)

# Each tests/<suite>/*.mk adds its rules and its inputs to TEST_PREREQS.
include $(sort $(wildcard tests/*/*.mk))

# Which suites `make test` runs; `make test SUITES=unit` picks some.
SUITES ?= unit deps mkdisk install docs probe trace debug qemu rootfs realimg \
	faults trust fuzz menu

test: all $(UNIT_TESTS) $(TEST_PREREQS)
	$(Q)UNIT_TESTS="$(UNIT_TESTS)" BUILD="$(BUILD)" \
		bash tests/run-all.sh $(SUITES)
