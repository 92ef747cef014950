# SPDX-License-Identifier: MIT
#
# docs.mk - the docs checked against the tree (tests/docs/docs-tests.sh),
# included by tests/tests.mk. It reads sources and docs only, so it has no
# inputs to build. `make test-docs` runs it alone.

.PHONY: test-docs
test-docs:
	$(Q)bash tests/docs/docs-tests.sh
