#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every integration suite (t-*.sh, in name order), then the KUnit
# suites when the kernel has KUnit, then a last kmemleak scan on kernels
# that have it.  Each suite starts and ends with the vslice modules
# unloaded.
#
# A suite's exit status is its end marker: a suite that ran to its end
# (or chose to stop, after a SKIP) exits 0; one that died part-way (a
# syntax error, a failed ".", a signal) does not, and the checks it never
# reached would otherwise just be missing.  Each suite gets one line
# <suite>/exit-status for that.  The host also compares each suite's
# number of result lines with tests/expected-counts.txt
# (tests/lab/lab-stage.sh).  Exits with the number of suites that failed.
# A suite's stdout is read to its end through a pipe: a background job
# a suite leaves running must not hold it (redirect the job's output).
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

# Seconds since boot, on each suite's first line: where a run's time goes.
uptime_s() { cut -d ' ' -f 1 /proc/uptime; }

failed=0
out=/tmp/run-tests.out rcfile=/tmp/run-tests.rc

# run_suite SUITE SCRIPT: SUITE is the name its result lines carry.
run_suite() {
	rm -f "$rcfile"
	{
		sh "$2"
		echo $? >"$rcfile"
	} | tee "$out"
	rc=$(cat "$rcfile" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		if [ "${rc:-0}" -gt 128 ] 2>/dev/null; then
			why="killed by signal $((rc - 128))"
		else
			why="exited ${rc:-?}"
		fi
		echo "VSLICE-RESULT: FAIL $1/exit-status: ${2##*/} $why before its end; its remaining checks did not run"
	else
		echo "VSLICE-RESULT: PASS $1/exit-status"
	fi
	if [ "$rc" != 0 ] || grep -q '^VSLICE-RESULT: FAIL ' "$out"; then
		failed=$((failed + 1))
	fi
}

for t in "$here"/t-*.sh; do
	name=$(basename "$t" .sh)
	wanted "$name" || continue
	echo "=== $name (at $(uptime_s) s)"
	suite=$(sed -n 's/^SUITE=//p' "$t" | head -n 1)
	run_suite "${suite:-$name}" "$t"
done
if [ -f "$here/kunit.sh" ] && wanted kunit; then
	echo "=== kunit (at $(uptime_s) s)"
	run_suite kunit "$here/kunit.sh"
fi

# Every suite's allocations have been freed by now: whatever kmemleak
# finds unreferenced is a leak of this run (t-95-faults scans for its own
# sweeps too; this catches the suites after it and the ones it cleared
# before).  An object is reported only once it is 5 s old.
kml=/sys/kernel/debug/kmemleak
echo "=== kmemleak (at $(uptime_s) s)"
if [ -e "$kml" ]; then
	sleep 6
	if ! echo scan 2>/dev/null >"$kml"; then
		echo "VSLICE-RESULT: FAIL kmemleak/end-of-run: cannot start a scan (kmemleak disabled itself?)"
		failed=$((failed + 1))
	else
		leaks=$(grep -c '^unreferenced object' "$kml")
		if [ "$leaks" = 0 ]; then
			echo "VSLICE-RESULT: PASS kmemleak/end-of-run"
		else
			# The first frame of ours, else the first of the report.
			frame=$(grep -m 1 -E 'vslice|vgpu|vs_|mdev|vfio' "$kml" || grep -m 1 '^unreferenced' "$kml")
			echo "VSLICE-RESULT: FAIL kmemleak/end-of-run: $leaks unreferenced objects, e.g. $(echo "$frame" | sed 's/^ *//')"
			head -n 60 "$kml"
			failed=$((failed + 1))
		fi
	fi
else
	echo "VSLICE-RESULT: SKIP kmemleak/end-of-run: kernel without CONFIG_DEBUG_KMEMLEAK"
fi
exit "$failed"
