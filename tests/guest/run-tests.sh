#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every integration suite (t-*.sh, in name order), then the KUnit
# suites when the kernel has KUnit.  Each suite starts and ends with the
# vslice modules unloaded.
here=$(dirname "$0")
for t in "$here"/t-*.sh; do
	echo "=== $(basename "$t")"
	sh "$t"
done
if [ -x "$here/kunit.sh" ] || [ -f "$here/kunit.sh" ]; then
	echo "=== kunit"
	sh "$here/kunit.sh"
fi
exit 0
