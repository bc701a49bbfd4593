#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.pl --strict on whole files.
# Usage: checkpatch.sh <linux source tree> <repo top> <file>...
# Prints one protocol line per file; details go to stderr.
set -euo pipefail

src=$1 top=$2
shift 2

for f in "$@"; do
	# --no-tree: the file is not part of the kernel tree; checkpatch
	# still finds its spelling and const-struct lists beside itself.
	if out=$(cd "$top" && perl "$src/scripts/checkpatch.pl" --strict --no-tree \
		--no-summary --terse --show-types -f "$f" 2>&1); then
		echo "VSLICE-RESULT: PASS lint/checkpatch/$f"
	else
		# shellcheck disable=SC2001 # indent every line of the report
		echo "$out" | sed 's/^/  /' >&2
		n=$(echo "$out" | grep -c ': \(ERROR\|WARNING\|CHECK\):' || true)
		first=$(echo "$out" | grep -m1 ': \(ERROR\|WARNING\|CHECK\):' || echo "$out" | head -n 1)
		echo "VSLICE-RESULT: FAIL lint/checkpatch/$f: $n findings, first: ${first#"$f":}"
	fi
done
