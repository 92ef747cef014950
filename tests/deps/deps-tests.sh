#!/bin/bash
# SPDX-License-Identifier: MIT
#
# deps-tests.sh - the `deps` suite: the tree's #include lines keep the
# dependency rules (deps-check.sh), and the check itself finds a planted
# violation of each rule in a copy of the tree, at the right file and
# line, so that a check that has stopped seeing anything fails too.

set -u
here=$(dirname "${BASH_SOURCE[0]}")
root=$(cd "$here/../.." && pwd)
check="$root/tests/deps/deps-check.sh"
status=0

# Like every runner, the suite ends with `N passed, N failed`.
if [ -z "${DEPS_TESTS_INNER:-}" ]; then
	out=$(DEPS_TESTS_INNER=1 bash "${BASH_SOURCE[0]}")
	st=$?
	printf '%s\n' "$out"
	echo "$(grep -c '^PASS: ' <<<"$out") passed," \
		"$(grep -c '^FAIL: ' <<<"$out") failed"
	exit $st
fi

# The tree as it is.
bash "$check" "$root" || status=1

# A copy with one violation per rule, appended as each file's last line.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$root/common" "$root/drivers" "$root/boot" "$root/efi" "$work/"
mkdir -p "$work/core"
plant() {
	echo "$2" >> "$work/$1"
	echo "$1:$(wc -l < "$work/$1"): $3"
}
want=$(
	plant common/fmt.c '#include "ata.h"' common
	plant common/mbr.h '#include <string.h>' common
	plant drivers/edd.c '#include "stage2.h"' drivers
	plant core/menu.c '#include "loader.h"' core
	plant boot/stage2/disk.c '#include "loader.h"' backends
	plant efi/file.c '#include "../boot/stage2/bios.h"' backends
	plant boot/stage2/a20.c '#include <efi.h>' backends
)
got=$(bash "$check" "$work" 2>&1)
fails=$(grep -c '^FAIL: ' <<<"$got")
missing=
while read -r w; do
	grep -q "^$w: " <<<"$got" || missing="$missing ${w%%: *}"
done <<<"$want"
extra=$(grep -v '^PASS: \|^FAIL: ' <<<"$got" | grep -cv -F -f <(sed 's/$/: /' <<<"$want"))
if [ "$fails" -eq 4 ] && [ -z "$missing" ] && [ "$extra" -eq 0 ]; then
	echo "PASS: deps: planted violations found (7 in 4 rules)"
else
	echo "FAIL: deps: planted violations: $fails rules failed (want 4)," \
		"missed:${missing:- none}, $extra unexpected lines"
	printf '%s\n' "$got" | sed 's/^/  /'
	status=1
fi
exit $status
