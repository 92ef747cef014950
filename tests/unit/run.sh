#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run the host unit test binaries given as arguments, print their lines and
# end with `N passed, N failed`, counting the PASS: and FAIL: lines. A binary
# that crashes or exits non-zero without printing a FAIL line counts as one
# failure, and so does one that prints no case at all. Exits 1 when anything
# failed. Each binary gets at most UNIT_TIMEOUT seconds (default 300).

set -u

passed=0
failed=0
timeout_s=${UNIT_TIMEOUT:-300}

for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#test_}
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name: $bin is missing or not executable"
		failed=$((failed + 1))
		continue
	fi
	out=$(timeout "$timeout_s" "$bin" 2>&1)
	status=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	p=$(grep -c '^PASS: ' <<<"$out")
	f=$(grep -c '^FAIL: ' <<<"$out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$status" -eq 124 ]; then
			why="timed out after ${timeout_s} s"
		else
			why="exited with status $status and no FAIL line"
		fi
		echo "FAIL: $name: $bin $why"
		f=1
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: $bin ran no test case"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
