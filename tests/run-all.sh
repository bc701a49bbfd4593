#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check`: every test stage of tests/README.md, then the totals.
#
#   lint            tests/lint/run-lint.sh (host; builds or reuses the test
#                   kernel, whose tree compiles the KUnit suites)
#   userspace       the mdevctl callout's and vslicectl's unit tests (host)
#   packaging       the Debian packages of Debian 12 and 13: build, lintian,
#                   contents, install, upgrade, purge (chroots, host)
#   lab/debian      integration tests on Debian's 6.12 kernel (QEMU TCG)
#   libvirt         the libvirt end to end flow on a Debian 12 and a Debian
#                   13 lab host, vslice installed from its packages
#   lab/testkernel  KUnit + integration tests on the sanitizer kernel
#                   from tests/kunit/build-test-kernel.sh (QEMU TCG)
#   bench/smoke     `make bench` with tiny counts: every figure comes out
#
# Prints every VSLICE-RESULT line, progress on stderr, and as its last
# line "N passed, N failed, N skipped".  Exits 1 if anything failed.
# Logs: build/logs/ (build/logs/results.txt holds all result lines).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
logs=$repo/build/logs
mkdir -p "$logs"
results=$logs/results.txt
: >"$results"

# Keep the protocol lines of a stage's output, print and record them.
collect() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ $line =~ ^VSLICE-RESULT:\ (PASS|FAIL|SKIP)\  ]]; then
			echo "$line"
			echo "$line" >>"$results"
		fi
	done
}
result() { # STATUS NAME [REASON]
	echo "VSLICE-RESULT: $1 $2${3:+: $3}" | collect
}
section() { echo "== $* ($(date +%T))" >&2; }

stage_lint() {
	section lint
	local lint=tests/lint/run-lint.sh log=$logs/lint.log rc=0
	if [[ ! -f $lint ]]; then
		result SKIP lint "$lint does not exist"
		return
	fi
	bash "$lint" >"$log" 2>&1 || rc=$?
	collect <"$log"
	if ((rc != 0)) && ! grep -q '^VSLICE-RESULT: FAIL lint/' "$results"; then
		result FAIL lint/run "run-lint.sh exited $rc; see $log"
	fi
}

# The pure-logic files compiled in userspace under libFuzzer, ASan and
# UBSan, each target for VSLICE_FUZZ_SECONDS (30 by default).
stage_fuzz() {
	section fuzz
	local log=$logs/fuzz.log
	bash tests/fuzz/run-fuzz.sh 2>"$log" | collect
}

# The mdevctl callout and vslicectl: their cmocka unit tests against fake
# sysfs trees (userspace/mdevctl-plugin/tests/), built with ASan and UBSan.
stage_userspace() {
	section userspace
	local log=$logs/userspace.log rc=0
	make -C userspace/mdevctl-plugin check >"$log" 2>&1 || rc=$?
	collect <"$log"
	if ((rc != 0)) && ! grep -q '^VSLICE-RESULT: FAIL userspace/' "$results"; then
		result FAIL userspace/build "make -C userspace/mdevctl-plugin check exited $rc; see $log"
	fi
}

# The README's demo command, as a user runs it: it must reach "DEMO OK".
stage_demo() {
	section demo
	local log=$logs/demo.log
	if tests/lab/demo.sh </dev/null >"$log" 2>&1 && tr -d '\r' <"$log" | grep -qx 'DEMO OK'; then
		result PASS demo/make-demo
	else
		result FAIL demo/make-demo "the demo did not reach DEMO OK; see $log"
	fi
}

# The Debian packages (tests/packaging/): built in a root of Debian 12 and
# of Debian 13 from the tree's debian/, lintian, contents, then installed,
# upgraded and purged there (dkms builds the modules).  Runs before the
# libvirt stage, which installs the same packages (mkdebs.sh's cache).
stage_packaging() {
	section packaging
	local rc=0
	tests/packaging/stage.sh 2>"$logs/packaging-stage.log" | collect || rc=$?
	# stage.sh exits with its number of failures; anything else is a stop.
	if ((rc != 0)) && ! grep -q '^VSLICE-RESULT: FAIL packaging/' "$results"; then
		result FAIL packaging/run "tests/packaging/stage.sh exited $rc; see $logs/packaging-stage.log"
	fi
}

stage_debian() {
	section lab/debian
	local kver
	if ! kver=$(tests/lab/debian-kernel.sh 2>/dev/null); then
		result FAIL lab/debian/kernel "no Debian 6.12 kernel with headers (run tests/lab/setup-deps.sh)"
		return
	fi
	# About 15 minutes alone, longer beside lab/testkernel.
	VSLICE_VM_TIMEOUT=${VSLICE_VM_TIMEOUT:-2400} \
		tests/lab/lab-stage.sh lab/debian "/boot/vmlinuz-$kver" "/lib/modules/$kver/build" \
		--distro-modules | collect
}

# The libvirt end to end flow (tests/libvirt/) on two lab hosts at once:
# Debian 12 and Debian 13, each with its release's kernel, libvirt, QEMU
# and mdevctl and vslice installed from the packages built from the tree
# (DKMS building the modules in the image), boots twice under TCG; virsh,
# mdevctl and vslicectl give vGPUs to domains, unplug one, show one
# domain's screen (display='on': virsh screenshot and a VNC client against
# what the guest drew), and after the reboot the persistent one is back
# and libvirt has autostarted the domain that uses it.  Results:
# libvirt-bookworm/... and libvirt-trixie/...
stage_libvirt() {
	section libvirt
	tests/libvirt/stage.sh 2>"$logs/libvirt-stage.log" | collect
}

stage_testkernel() {
	section lab/testkernel
	local builder=tests/kunit/build-test-kernel.sh log=$logs/lab/testkernel-build.log dir
	if [[ ! -f $builder ]]; then
		result SKIP lab/testkernel "$builder does not exist"
		return
	fi
	mkdir -p "$(dirname "$log")"
	echo "lab/testkernel: building or reusing the test kernel (log: $log)" >&2
	# It prints the kernel's cache directory as its last line of stdout.
	if ! dir=$(bash "$builder" 2>"$log" | tail -n 1) ||
		[[ ! -f $dir/bzImage || ! -d $dir/build ]]; then
		result FAIL lab/testkernel/kernel-build "build-test-kernel.sh failed; see $log"
		return
	fi
	# That kernel has VFIO and friends built in: no distro modules.  The
	# sanitizers make it several times slower than Debian's: more time.
	# Under KASAN, beside lab/debian: 2622 s measured on a loaded machine.
	VSLICE_VM_TIMEOUT=${VSLICE_VM_TIMEOUT:-3600} \
		tests/lab/lab-stage.sh lab/testkernel "$dir/bzImage" "$dir/build" | collect
}

# The benchmark against upstream mbochs (`make bench`) in its smoke mode:
# tiny counts, so that the bench cannot rot; the figures are not judged.
stage_bench_smoke() {
	section bench/smoke
	local log=$logs/bench-smoke.log
	tests/bench/run-bench.sh --smoke 2>"$log" | collect
}

start=$SECONDS
# The Debian roots of the packaging and libvirt stages (debootstrap and
# apt: mostly waiting for the mirror and unpacking) are built in the
# background while the first stages keep the CPU busy compiling.  Each
# script holds its cache's lock while it builds, so a stage that needs a
# root still being built waits for it and then reuses it; a root that
# failed here is tried again, and reported, by the stage that needs it.
warm_roots() {
	local s
	# The nested guest's kernel, which every lab image carries.
	tests/lab/build-vmguest-kernel.sh >/dev/null || true
	for s in bookworm trixie; do
		tests/packaging/mkroot.sh "$s" || true
		tests/libvirt/mkbase.sh "$s" || true
	done
}
warm_roots >"$logs/warm-roots.log" 2>&1 &
warm_pid=$!

# The fuzz targets (one core, libFuzzer) run beside lint.
stage_fuzz >"$logs/fuzz-results.txt" &
fuzz_pid=$!
stage_lint
wait "$fuzz_pid" || true
cat "$logs/fuzz-results.txt"
stage_userspace
# The packaging stage (dpkg-buildpackage, lintian, DKMS builds in
# chroots) runs beside the demo and the two lab stages, and the two lab
# stages run beside each other: each lab VM keeps about one core busy
# (its clients and nested guests run one at a time, and a nested guest's
# QEMU on one thread), so side by side they take the time of the longer.
# Their result lines are printed once both are done, packaging's first;
# its packages are what the libvirt stage installs.  The libvirt stage's
# two hosts then take both cores by themselves: lab/testkernel beside
# them (measured) starves for CPU and its t-95 sweeps ran past the VM's
# hour.
stage_packaging >"$logs/packaging-results.txt" &
packaging_pid=$!
stage_demo
stage_testkernel >"$logs/testkernel-results.txt" &
testkernel_pid=$!
stage_debian
wait "$packaging_pid" || true
wait "$testkernel_pid" || true
cat "$logs/packaging-results.txt" "$logs/testkernel-results.txt"
stage_libvirt
stage_bench_smoke
wait "$warm_pid" || true

passed=$(grep -c '^VSLICE-RESULT: PASS ' "$results" || true)
failed=$(grep -c '^VSLICE-RESULT: FAIL ' "$results" || true)
skipped=$(grep -c '^VSLICE-RESULT: SKIP ' "$results" || true)
echo "== done in $((SECONDS - start)) s; results: $results; logs: $logs/" >&2
if ((failed > 0)); then
	echo "failed (logs under $logs/):"
	grep '^VSLICE-RESULT: FAIL ' "$results" | sed 's/^VSLICE-RESULT: FAIL /  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
