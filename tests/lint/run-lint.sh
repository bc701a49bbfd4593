#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lint stage: checkpatch --strict, a W=1 + sparse (C=2) build against
# Debian's headers, and kernel-doc -Wall, on everything under kernel/.
# Debian's kernel has no CONFIG_KUNIT, so the KUnit suites (*_test.c) get
# their W=1 + sparse build against the test kernel's tree instead
# (tests/kunit/build-test-kernel.sh, cached; built here if missing); when
# that tree cannot be had they are reported as SKIP, not checked.
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

# The W=1 + sparse build against Debian's headers judges all but the
# KUnit suites, which only a kernel with CONFIG_KUNIT compiles.
mapfile -t kunit < <(printf '%s\n' "${files[@]}" | grep '_test\.c$' || true)
mapfile -t files_deb < <(printf '%s\n' "${files[@]}" | grep -v '_test\.c$')

results=$(mktemp) tklog=$(mktemp)
trap 'rm -f "$results" "$tklog"' EXIT
{
	"$here/checkpatch.sh" "$src" "$top" "${files[@]}"
	"$here/build-warnings.sh" "$top" "${files_deb[@]}"
	if ((${#kunit[@]})); then
		if tk=$(bash "$top/tests/kunit/build-test-kernel.sh" 2>"$tklog" | tail -n 1) &&
			[[ -d $tk/build ]]; then
			KDIR=$tk/build "$here/build-warnings.sh" --modules '*_test' "$top" "${kunit[@]}"
		else
			for f in "${kunit[@]}"; do
				echo "VSLICE-RESULT: SKIP lint/warnings/$f: not checked: no test kernel tree with CONFIG_KUNIT (build-test-kernel.sh failed: $(tail -n 1 "$tklog"))"
			done
		fi
	fi
	"$here/kernel-doc.sh" "$src" "$top" "${files[@]}"
} | tee "$results"

! grep -q '^VSLICE-RESULT: FAIL ' "$results"
