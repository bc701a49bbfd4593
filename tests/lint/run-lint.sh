#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lint stage: checkpatch --strict, a W=1 + sparse (C=2) build against
# Debian's headers, and kernel-doc -Wall, on everything under kernel/.
# Prints `VSLICE-RESULT: PASS|FAIL lint/<check>/<file-or-module>` lines on
# stdout (details on stderr) and exits 1 if any check failed.
#
# checkpatch.pl and kernel-doc ship only with the full source
# (linux-source-6.12); the tree is extracted once into the cache shared
# with tests/kunit/build-test-kernel.sh.  Packages: linux-source-6.12,
# linux-headers-6.12-amd64, sparse, gcc, make, perl.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ -x "$top/tests/lab/setup-deps.sh" ]; then
	"$top/tests/lab/setup-deps.sh" >&2
fi

mapfile -t files < <(cd "$top" && find kernel -type f \( -name '*.c' -o -name '*.h' \) | sort)
if ((${#files[@]} == 0)); then
	echo "run-lint: no kernel sources" >&2
	exit 0
fi

src=$("$top/tests/kunit/extract-source.sh" | tail -n 1)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
{
	"$here/checkpatch.sh" "$src" "$top" "${files[@]}"
	"$here/build-warnings.sh" "$top" "${files[@]}"
	"$here/kernel-doc.sh" "$src" "$top" "${files[@]}"
} | tee "$results"

! grep -q '^VSLICE-RESULT: FAIL ' "$results"
