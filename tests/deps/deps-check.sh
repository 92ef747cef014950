#!/bin/bash
# SPDX-License-Identifier: MIT
#
# deps-check.sh [ROOT] - the dependency rules of the source tree (README,
# "Source layout"), checked on its #include lines:
#   common    common/ includes only common/ and <stdint.h>, <stddef.h>,
#             <stdbool.h>, <stdarg.h> (it is built for every target)
#   drivers   drivers/ includes nothing of boot/ or efi/
#   core      core/ includes nothing of boot/ or efi/
#   backends  boot/ includes nothing of efi/, efi/ nothing of boot/
# gnu-efi's headers (<efi.h>, <efilib.h>, ...) count as efi/'s. A quoted
# include is found the way the compiler would: next to the file, else in
# the directory that holds a header of that name. Prints each violation
# as `file:line: rule: what`, then one line per rule, `PASS: deps: rule`
# or `FAIL: deps: rule: N violations`. Exits 1 on any violation.

set -u
root=${1:-.}
cd "$root" || exit 2

declare -A count=([common]=0 [drivers]=0 [core]=0 [backends]=0)
declare -A where

# The directory of every header in the tree, by name.
while IFS= read -r h; do
	where[${h##*/}]=${h%/*}
done < <(find common drivers core boot efi mkdisk tests -name '*.h' \
	2>/dev/null | sort)

violation() {
	echo "$1:$2: $3: $4"
	count[$3]=$((count[$3] + 1))
}

# The top directory (common, drivers, core, boot, efi, ...) an include of
# file resolves to, or "" when it is not in the tree.
resolve() {
	local file=$1 name=$2 dir
	case $name in
	*/*)	dir=$(dirname "$(dirname "$file")/$name")
		[ -f "$(dirname "$file")/$name" ] || dir=$(dirname "$name") ;;
	*)	if [ -f "$(dirname "$file")/$name" ]; then
			dir=$(dirname "$file")
		else
			dir=${where[$name]:-}
		fi ;;
	esac
	dir=$(realpath -m --relative-to=. "$dir" 2>/dev/null) || dir=
	[ -n "$dir" ] || return 0
	echo "${dir%%/*}"
}

check_file() {
	local file=$1 part=${1%%/*} line text kind name top
	while IFS=: read -r line text; do
		if [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*([\"\<])([^\"\>]*) ]]; then
			kind=${BASH_REMATCH[1]}
			name=${BASH_REMATCH[2]}
		else
			continue
		fi
		if [ "$kind" = "<" ]; then
			case $name in
			efi*.h|*/efi*.h) top=efi ;;
			*) top=system ;;
			esac
		else
			top=$(resolve "$file" "$name")
		fi
		case $part in
		common)
			if [ "$kind" = "<" ]; then
				case $name in
				stdint.h|stddef.h|stdbool.h|stdarg.h) ;;
				*) violation "$file" "$line" common \
					"<$name> is not a freestanding header" ;;
				esac
			elif [ -z "$top" ]; then
				violation "$file" "$line" common \
					"\"$name\" is not in common/"
			elif [ "$top" != common ]; then
				violation "$file" "$line" common \
					"\"$name\" is $top/'s"
			fi ;;
		drivers|core)
			case $top in
			boot|efi) violation "$file" "$line" "$part" \
				"\"$name\" is $top/'s" ;;
			esac ;;
		boot|efi)
			local other=efi
			[ "$part" = efi ] && other=boot
			[ "$top" = "$other" ] && violation "$file" "$line" \
				backends "\"$name\" is $other/'s, in $part/" ;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file")
}

while IFS= read -r f; do
	check_file "$f"
done < <(find common drivers core boot efi -name '*.[ch]' 2>/dev/null | sort)

status=0
for rule in common drivers core backends; do
	if [ "${count[$rule]}" -eq 0 ]; then
		echo "PASS: deps: $rule"
	else
		echo "FAIL: deps: $rule: ${count[$rule]} violations"
		status=1
	fi
done
exit $status
