#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/kernel-doc -none -Wall: checks the kernel-doc comments of each
# file (missing parameters, return sections, stray descriptions) without
# producing documentation.
# Usage: kernel-doc.sh <linux source tree> <repo top> <file>...
set -euo pipefail

src=$1 top=$2
shift 2

for f in "$@"; do
	# kernel-doc exits 0 even with warnings in some versions; judge
	# by its output instead.
	out=$(cd "$top" && perl "$src/scripts/kernel-doc" -none -Wall "$f" 2>&1) || true
	if [ -z "$out" ]; then
		echo "VSLICE-RESULT: PASS lint/kernel-doc/$f"
	else
		# shellcheck disable=SC2001 # indent every line of the report
		echo "$out" | sed 's/^/  /' >&2
		n=$(echo "$out" | wc -l)
		first=$(echo "$out" | head -n 1)
		echo "VSLICE-RESULT: FAIL lint/kernel-doc/$f: $n findings, first: ${first#"$f":}"
	fi
done
