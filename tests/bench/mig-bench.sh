#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The live-migration benchmark (`make bench` runs it after the lab bench;
# `tests/bench/run-bench.sh --mig` runs it alone): one boot of the Debian
# 13 libvirt lab host (QEMU 10.0), whose flow runs only the step
# mig-bench (tests/libvirt/flow-migrate.sh bench).
#
#   mig-bench.sh [OUTDIR]      default build/bench/migration/<UTC time>
#
# Builds vslice's Debian 13 packages (tests/packaging/mkdebs.sh, cached)
# and the host's disk (tests/libvirt/mkimage.sh, into
# build/bench/migration/host/), boots it with
# "vslice.flow-steps=mig-bench vslice.mig-rounds=$VSLICE_MIG_ROUNDS"
# (default 1 round: the pre-copy and the stop-copy-only migration of an
# idle and of a redrawing guest with a 64 MiB vGPU; about 15 minutes
# with the image), and prints the table of tests/bench/mig-report.py.
# OUTDIR gets console.txt, kernel.log, results.json and the build logs.
# A missed target is a verdict in the table; the exit status is non-zero
# only when no migration figures came back.  A boot whose kernel took the
# TCG int3 oops (see tests/libvirt/stage.sh) is booted once more.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$repo/build/bench/migration/$(date -u +%Y%m%dT%H%M%SZ)}
rounds=${VSLICE_MIG_ROUNDS:-1}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || {
	echo "mig-bench: VSLICE_MIG_ROUNDS must be 1 to 99, not '$rounds'" >&2
	exit 64
}
img=$repo/build/bench/migration/host
python=/usr/bin/python3
mkdir -p "$out" "$img"
say() { echo "mig-bench: $*" >&2; }

say "vslice's Debian 13 packages (log: $out/debs.log)"
"$repo/tests/packaging/mkdebs.sh" trixie "$img/debs" >"$out/debs.out" 2>"$out/debs.log" || {
	say "tests/packaging/mkdebs.sh trixie failed; see $out/debs.log"
	exit 1
}
debs=()
while read -r d; do
	[[ $d == *.deb && -f $d ]] && debs+=("$d")
done <"$out/debs.out"
((${#debs[@]})) || {
	say "mkdebs.sh printed no .deb; see $out/debs.out"
	exit 1
}
say "the Debian 13 lab host's disk (log: $out/image.log)"
"$repo/tests/libvirt/mkimage.sh" trixie "$img" "${debs[@]}" >"$out/image.log" 2>&1 || {
	say "tests/libvirt/mkimage.sh failed: $(grep -E '^mk(image|base): ' "$out/image.log" | tail -n 1); see $out/image.log"
	exit 1
}

for attempt in 1 2; do
	say "booting it ($rounds round(s)), console: $out/console.log"
	t=$SECONDS
	"$repo/tests/lab/run-vm.sh" --kernel "$img/vmlinuz" --initrd "$img/initrd.cpio.gz" \
		--disk "$img/disk.img" --mem 3G --mode libvirt --timeout 2400 \
		--log "$out/console.log" --kernel-log "$out/kernel.log" \
		--append "systemd.unit=vslice-libvirt.target systemd.show_status=1 net.ifnames=0 vslice.flow-steps=mig-bench vslice.mig-rounds=$rounds" \
		>/dev/null 2>"$out/run-vm.log" || true
	say "the host ran $((SECONDS - t)) s"
	tr -d '\r' <"$out/console.log" >"$out/console.txt"
	if ((attempt == 1)) && ! grep -q '^VSLICE-DONE rc=' "$out/console.txt" &&
		grep -aq 'Oops: int3' "$out/kernel.log" && ! grep -q '^VSBENCH-MIG' "$out/console.txt"; then
		say "the kernel took an int3 oops (TCG code-patching artifact): booting once more"
		mv "$out/kernel.log" "$out/kernel.dropped.log"
		continue
	fi
	break
done
grep -q '^VSLICE-DONE rc=' "$out/console.txt" ||
	say "the host did not finish its flow (no VSLICE-DONE); see $out/console.txt and $out/run-vm.log"
bad='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|INFO: task .* blocked|kernel BUG at|Kernel panic'
if line=$(tr -d '\r' <"$out/kernel.log" | grep -a -m 1 -E "$bad"); then
	say "the host's kernel log has: $line"
fi
"$python" "$repo/tests/bench/mig-report.py" "$out/console.txt" "$out" || {
	say "no migration figures came back; see $out/console.txt"
	exit 1
}
say "results in $out (results.json, console.txt)"
