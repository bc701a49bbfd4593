#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every integration suite (t-*.sh, in name order), then the KUnit
# suites when the kernel has KUnit.  Each suite starts and ends with the
# vslice modules unloaded.
#
# vslice.suites=NAME[,NAME...] on the kernel command line runs only the
# suites so named (t-70-device, kunit, ...): for iterating on one suite
# with VSLICE_LAB_APPEND (tests/README.md).  CI never sets it.
here=$(dirname "$0")
only=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	vslice.suites=*) only=",${arg#vslice.suites=}," ;;
	esac
done
wanted() {
	[ -z "$only" ] || case "$only" in *",$1,"*) true ;; *) false ;; esac
}
for t in "$here"/t-*.sh; do
	name=$(basename "$t" .sh)
	wanted "$name" || continue
	echo "=== $name"
	sh "$t"
done
if [ -f "$here/kunit.sh" ] && wanted kunit; then
	echo "=== kunit"
	sh "$here/kunit.sh"
fi
exit 0
