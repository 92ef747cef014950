#!/bin/bash
# SPDX-License-Identifier: MIT
#
# docs-tests.sh - the docs against the tree (tests/docs/docs_check.py):
# every message docs/errors.md lists is in the code's strings, every path
# README.md and docs/ cite exists, every function README.md and
# docs/boot-protocol.md cite is defined. Needs python3 only; builds
# nothing. Prints `PASS: docs: ...` / `FAIL: docs: ...: why` and ends with
# `N passed, N failed`.

set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
if ! command -v python3 >/dev/null; then
    echo "FAIL: docs: python3 is not installed (Debian package python3)"
    echo "0 passed, 1 failed"
    exit 1
fi
exec python3 tests/docs/docs_check.py
