#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench` / `make bench-smoke`: vslice against the upstream mbochs
# sample on the in-tree mdev.ko, both in one boot of the lab VM.
#
#   run-bench.sh [--smoke | --lat | --bw | --mig]
#
# Builds the vslice modules, mbochs and mdpy (tests/bench/build-sample.sh) for
# Debian's 6.12 kernel, the bench image (tests/bench/mkbenchimage.sh),
# boots it once with three extra 256 MiB GPUs (room for 64 live 16 MiB
# vGPUs), one vCPU (see run-vm.sh --smp) and vslice.suites=t-99-bench,
# then reads the guest's VSBENCH lines with tests/bench/report.py.
#
# Full run: prints the table (medians, ratios, target verdicts) and writes
# build/bench/<UTC time>/{results.json,plot.png,console.txt,kernel.log};
# build/bench/latest points at it.  A missed target is a verdict in the
# table, not a failure: the exit status is non-zero only when no
# benchmark data came back.
#
# --bw: only BAR0's write bandwidth (first pass and steady) against the
# parent's resource0, nine rounds; results as for --lat.
#
# --lat: only the trapped reads (config space, dispi ID), their floors
# and the perf profile of both, in about a minute: the loop for work on
# that path.  Results as for a full run; build/bench/latest stays.
#
# Full run, then: the live-migration benchmark on the Debian 13 libvirt
# lab host (tests/bench/mig-bench.sh, its table and results.json in
# build/bench/<UTC time>/migration/); --mig runs only that.
#
# --smoke: the same boot with tiny counts, results in build/bench/smoke/;
# prints VSLICE-RESULT lines (bench/smoke/...: each metric produced and
# finite, the JSON and plot written, the kernel log clean) for
# tests/run-all.sh, and exits 0 whatever they say.
set -euo pipefail

mode=full
case "${1:-}" in
--smoke) mode=smoke ;;
--lat) mode=lat ;;
--bw) mode=bw ;;
--mig) mode=mig ;;
'') ;;
*) echo "usage: $0 [--smoke | --lat | --bw | --mig]" >&2; exit 64 ;;
esac
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ $mode == mig ]] && exec "$repo/tests/bench/mig-bench.sh"
# Debian's interpreter: python3-matplotlib is installed for it, not for
# whatever python3 comes first in PATH.
python=/usr/bin/python3

result() { # STATUS NAME [REASON]
	echo "VSLICE-RESULT: $1 bench/smoke/$2${3:+: $3}"
}
# In smoke mode a broken step is a FAIL line, not an abort of make check.
fail_step() { # NAME REASON
	if [[ $mode == smoke ]]; then
		result FAIL "$1" "$2"
		exit 0
	fi
	echo "bench: $1: $2" >&2
	exit 1
}

if [[ $mode == smoke ]]; then
	res=$repo/build/bench/smoke
	rm -rf "$res"
	timeout=600
else
	res=$repo/build/bench/$(date -u +%Y%m%dT%H%M%SZ)
	timeout=3600
fi
mkdir -p "$res"
kver=$("$repo/tests/lab/debian-kernel.sh") || fail_step kernel "no Debian 6.12 kernel with headers"
# The full run's image also carries perf for its profile of the reads.
if [[ $mode == smoke ]]; then
	image=$repo/build/images/bench-smoke/initramfs.cpio.gz perf=
else
	image=$repo/build/images/bench/initramfs.cpio.gz perf=--perf
fi

echo "bench: building the modules, mbochs and the bench image (log: $res/build.log)" >&2
# shellcheck disable=SC2086 # $perf is empty or one flag
"$repo/tests/bench/mkbenchimage.sh" "$image" $perf >"$res/build.log" 2>&1 ||
	fail_step build "mkbenchimage.sh failed; see $res/build.log"
[[ $mode == smoke ]] && result PASS build

echo "bench: booting Debian's $kver ($mode), console: $res/console.log" >&2
start=$SECONDS
"$repo/tests/lab/run-vm.sh" --kernel "/boot/vmlinuz-$kver" --initrd "$image" --mode check \
	--extra-gpus 3 --smp 1 --timeout "$timeout" --log "$res/console.log" --kernel-log "$res/kernel.log" \
	--append "vslice.suites=t-99-bench vslice.bench=$mode" >/dev/null 2>"$res/run-vm.log" || true
echo "bench: the VM ran $((SECONDS - start)) s" >&2
tr -d '\r' <"$res/console.log" >"$res/console.txt"

if [[ $mode == smoke ]]; then
	if grep -q '^VSLICE-DONE rc=' "$res/console.txt"; then
		result PASS boot
	else
		result FAIL boot "no VSLICE-DONE; see $res/console.log and $res/run-vm.log"
	fi
	# The same rule as the lab stages (tests/lab/lab-stage.sh): a warning,
	# a sanitizer report or an oops anywhere in the kernel log is a bug.
	bad='BUG:|WARNING:|KASAN|UBSAN|possible circular locking|Oops|general protection'
	bad+='|INFO: task .* blocked|kernel BUG at|Kernel panic|RCU detected stall'
	if line=$(grep -a -m 1 -E "$bad" "$res/kernel.log" "$res/console.txt"); then
		result FAIL dmesg-clean "$(cut -c1-160 <<<"$line")"
	else
		result PASS dmesg-clean
	fi
	"$python" "$repo/tests/bench/report.py" smoke "$res/console.txt" "$res" ||
		result FAIL data "the guest reported no benchmark data; see $res/console.txt"
	if [[ -s $res/results.json ]]; then
		result PASS results-json
	else
		result FAIL results-json "$res/results.json not written"
	fi
	exit 0
fi

"$python" "$repo/tests/bench/report.py" "$mode" "$res/console.txt" "$res" ||
	fail_step data "the guest reported no benchmark data; see $res/console.txt and $res/run-vm.log"
[[ $mode == full ]] && ln -sfn "$(basename "$res")" "$repo/build/bench/latest"
echo "bench: results in $res (build/bench/latest): results.json, plot.png" >&2
if [[ $mode == full ]]; then
	echo "bench: live migration on the Debian 13 lab host (tests/bench/mig-bench.sh)" >&2
	"$repo/tests/bench/mig-bench.sh" "$res/migration" ||
		fail_step migration "no migration figures; see $res/migration/"
fi
