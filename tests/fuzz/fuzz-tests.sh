#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fuzz-tests.sh [--seconds N] [--no-build] - the `fuzz` suite: build the
# libFuzzer targets of tests/fuzz/ (`make fuzz-build`), then run each one
# for N seconds (FUZZ_SMOKE_SECONDS, default 15; `make fuzz` passes
# FUZZ_SECONDS), one at a time, on its corpus $BUILD/fuzz/corpus/<target>
# seeded from tests/fuzz/corpus/<target>/ and $BUILD/fuzz/seeds/<target>/.
# Then the corpus, grown, is replayed once through the target's
# MemorySanitizer build ($BUILD/fuzz/msan/), for reads of uninitialized
# memory that ASan does not see. Prints one line per target,
#
#	PASS: fuzz-<target>: N runs in S s, M inputs clean under MSan
#	FAIL: fuzz-<target>: crash: <sanitizer's or assertion's line> (ARTIFACT)
#
# and ends with `N passed, N failed`. A crashing input is kept under
# $BUILD/fuzz/crashes/<target>/ (replay: $BUILD/fuzz/fuzz_<target> FILE),
# the whole log under $BUILD/fuzz/logs/<target>.log. When clang or its
# libFuzzer runtime is missing, or the build fails, every target FAILs
# with the reason. Environment: BUILD (default build), FUZZ_TARGETS
# (default: bzimage config fat gpt mbr), FUZZ_SMOKE_SECONDS.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
BUILD=${BUILD:-build}
seconds=${FUZZ_SMOKE_SECONDS:-15}
build=1
while [ $# -gt 0 ]; do
	case $1 in
	--seconds)	seconds=$2; shift 2 ;;
	--no-build)	build=0; shift ;;
	*)		echo "usage: fuzz-tests.sh [--seconds N]" \
				"[--no-build]" >&2
			exit 2 ;;
	esac
done
read -r -a targets <<<"${FUZZ_TARGETS:-bzimage config fat gpt mbr}"
logs=$BUILD/fuzz/logs
mkdir -p "$logs"
passed=0
failed=0

fail_all() {
	for t in "${targets[@]}"; do
		echo "FAIL: fuzz-$t: $*"
		failed=$((failed + 1))
	done
	echo "$passed passed, $failed failed"
	exit 1
}

# Inputs larger than the seeds need: a disk image, a header and its scene.
max_len() {
	case $1 in
	fat)		echo 2097152 ;;
	bzimage)	echo 8192 ;;
	config)		echo 8192 ;;
	mbr)		echo 520 ;;
	gpt)		echo 65568 ;;
	*)		echo 4096 ;;
	esac
}

# Say why clang cannot build a fuzzer, when that is the problem.
check_clang() {
	local probe=$BUILD/fuzz/probe
	local why
	command -v clang >/dev/null 2>&1 ||
		fail_all "skipped because clang is missing" \
			"(install the Debian package clang)"
	printf '%s\n' '#include <stddef.h>' \
		'int LLVMFuzzerTestOneInput(const char *d, size_t n)' \
		'{ return 0; }' >"$probe.c"
	clang -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" \
		>"$logs/probe.log" 2>&1 || {
		why=$(grep -m1 -iE 'cannot find|error' "$logs/probe.log")
		fail_all "skipped because clang cannot link" \
			"-fsanitize=fuzzer: $why (install libclang-rt-14-dev)"
	}
	rm -f "$probe" "$probe.c"
}

if [ "$build" = 1 ]; then
	check_clang
	if ! make --no-print-directory BUILD="$BUILD" fuzz-build \
		>"$logs/build.log" 2>&1; then
		why=$(grep -m1 -iE 'error|\*\*\*' "$logs/build.log")
		fail_all "build failed: $why (log $logs/build.log)"
	fi
fi

for t in "${targets[@]}"; do
	bin=$BUILD/fuzz/fuzz_$t
	corpus=$BUILD/fuzz/corpus/$t
	crashes=$BUILD/fuzz/crashes/$t
	log=$logs/$t.log
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz-$t: $bin is missing (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$corpus" "$crashes"
	seeds=()
	for d in tests/fuzz/corpus/$t $BUILD/fuzz/seeds/$t; do
		[ -d "$d" ] && seeds+=("$d")
	done
	start=$(date +%s)
	timeout -k 10 $((seconds + 300)) "$bin" -max_total_time="$seconds" \
		-max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$crashes/" \
		"$corpus" "${seeds[@]}" >"$log" 2>&1
	status=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
		# The corpus once more, under MSan (-runs=0: replay only).
		msan=$BUILD/fuzz/msan/fuzz_$t
		log=$logs/$t-msan.log
		if [ ! -x "$msan" ]; then
			echo "FAIL: fuzz-$t: $msan is missing (make fuzz-build)"
			failed=$((failed + 1))
			continue
		fi
		timeout -k 10 600 "$msan" -runs=0 -max_len="$(max_len "$t")" \
			-timeout=60 -rss_limit_mb=2560 -print_final_stats=1 \
			-artifact_prefix="$crashes/msan-" \
			"$corpus" "${seeds[@]}" >"$log" 2>&1
		status=$?
		replayed=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$log" | tail -n 1)
		if [ "$status" -eq 0 ] && [ -n "$replayed" ]; then
			echo "PASS: fuzz-$t: $runs runs in $took s," \
				"$replayed inputs clean under MSan"
			passed=$((passed + 1))
			continue
		fi
		runs="$runs + MSan replay"
	fi
	artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	sanitizers='AddressSanitizer|MemorySanitizer|UndefinedBehaviorSanitizer'
	sanitizers+='|LeakSanitizer|libFuzzer'
	why=$(grep -m1 -E \
		"broken promise|runtime error:|(WARNING|ERROR): ($sanitizers)" \
		"$log")
	[ -n "$why" ] || why="exit status $status"
	[ "$status" -eq 124 ] && why="hung: killed by timeout"
	echo "FAIL: fuzz-$t: crash: ${why#*: }" \
		"(${artifact:-no artifact}; log $log; ${runs:-?} runs)"
	failed=$((failed + 1))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
