#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-all.sh SUITE... - run the named test suites one after another, show
# their output, and end with one line, `N passed, N failed`, counting every
# `PASS: ` and `FAIL: ` line the suites printed. A suite that exits non-zero
# without a FAIL line counts as one failure; so does one that runs nothing.
# Exit status 1 when anything failed.

set -u
BUILD=${BUILD:-build}
mkdir -p "$BUILD/tests"
passed=0
failed=0

# A suite is tests/unit (the host unit tests) or a tests/<suite>/*-tests.sh.
suite_cmd() {
	local script
	if [ "$1" = unit ]; then
		echo "bash tests/unit/run.sh $UNIT_TESTS"
		return 0
	fi
	script=$(ls tests/"$1"/*-tests.sh 2>/dev/null | head -n 1)
	[ -n "$script" ] || return 1
	echo "bash $script"
}

for suite in "$@"; do
	log=$BUILD/tests/suite-$suite.log
	echo "=== $suite"
	if ! cmd=$(suite_cmd "$suite"); then
		echo "FAIL: $suite: no such suite" | tee "$log"
	else
		start=$(date +%s)
		# shellcheck disable=SC2086
		$cmd 2>&1 | tee "$log"
		status=${PIPESTATUS[0]}
		echo "=== $suite: $(($(date +%s) - start)) s"
	fi
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "${status:-1}" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $suite: exited with status $status and no FAIL line"
		f=1
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $suite: ran no test"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
