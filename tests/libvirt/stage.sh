#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The libvirt stage of `make check`: build the libvirt lab host
# (tests/libvirt/mkimage.sh: the cached Debian 12 root with libvirt, QEMU
# and mdevctl, plus vslice's `make install`), boot it under TCG, let
# tests/libvirt/flow.sh run the flow and reboot, boot the same disk again
# for the second half, and report.
#
#   stage.sh
#
# Prints VSLICE-RESULT lines only: the lab host's (libvirt/<step>/<check>)
# and its own (libvirt/setup/modules, libvirt/setup/image, libvirt/boot-1,
# libvirt/boot-2, libvirt/dmesg-clean).  A boot that does not reach
# "VSLICE-DONE" is one failure.  Logs and the disk image go to
# build/logs/libvirt/ and build/libvirt/.  Exits 0 whatever the results.
#
# VSLICE_LIBVIRT_TIMEOUT bounds each boot (default 900 s).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
logs=$repo/build/logs/libvirt
img=$repo/build/libvirt
timeout=${VSLICE_LIBVIRT_TIMEOUT:-900}
rm -rf "$logs"
mkdir -p "$logs" "$img"

result() { echo "VSLICE-RESULT: $1 libvirt/$2${3:+: $3}"; }
note() { echo "libvirt: $*" >&2; }
stage_start=$SECONDS

if ! kver=$("$repo/tests/lab/debian-kernel.sh" 2>&1); then
	result FAIL setup/kernel "$kver"
	exit 0
fi
kdir=/lib/modules/$kver/build
krel=$(cat "$kdir/include/config/kernel.release")

t=$SECONDS
if ! make -C "$repo" -j"$(nproc)" modules KDIR="$kdir" OUT="$repo/build/$krel" \
	>"$logs/modules.log" 2>&1; then
	result FAIL setup/modules "make modules failed, see $logs/modules.log"
	exit 0
fi
result PASS setup/modules

t=$SECONDS
if ! "$repo/tests/libvirt/mkimage.sh" "$img" "$kver" >"$logs/image.log" 2>&1; then
	result FAIL setup/image "$(grep -E '^mk(image|base): ' "$logs/image.log" | tail -n 1); see $logs/image.log"
	exit 0
fi
result PASS setup/image
note "image ready in $((SECONDS - t)) s ($(grep -Eo 'cached|built [^ ]+ in [0-9]+ s' "$logs/image.log" | head -n 1))"

# Kernel log lines that mean a bug (as in tests/lab/lab-stage.sh).
bad_kmsg='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|INFO: task .* blocked'
bad_kmsg+='|kernel BUG at|Kernel panic|RCU detected stall|detected stalls on CPUs'

# boot N: boot the disk; prints the lab host's results.  0 when it reached
# VSLICE-DONE.
#
# A boot whose kernel took an int3 oops is booted once more, saying so:
# under multi-threaded TCG a vCPU can run a stale breakpoint that another
# vCPU's code patching (static keys flipping as modules load) has already
# taken out, an emulator artifact seen ~20 s into a boot.  The second
# boot only checks what survives a reboot, so it may always run again;
# the first changes the disk, so it runs again only if its flow had not
# started.  The logs of the dropped boot are kept as *.int3-attempt; any
# other failure, and an int3 oops the second time, counts.
boot() {
	local n=$1 console=$logs/boot-$1.console.log klog=$logs/boot-$1.kernel.log t=$SECONDS attempt
	for attempt in 1 2; do
		note "boot $n (console: $console)"
		"$repo/tests/lab/run-vm.sh" --kernel "$(cat "$img/kernel")" --initrd "$img/initrd.cpio.gz" \
			--disk "$img/disk.img" --mem 3G --mode libvirt --timeout "$timeout" \
			--log "$console" --kernel-log "$klog" \
			--append "systemd.unit=vslice-libvirt.target systemd.show_status=1 net.ifnames=0" \
			>/dev/null 2>"$logs/boot-$n.run-vm.log" || true
		note "boot $n: $((SECONDS - t)) s"
		tr -d '\r' <"$console" >"$logs/boot-$n.console.txt"
		if ((attempt == 2)) || grep -q '^VSLICE-DONE rc=' "$logs/boot-$n.console.txt" ||
			! grep -aq 'Oops: int3' "$klog" ||
			{ ((n == 1)) && grep -q 'VSLICE-RESULT' "$logs/boot-$n.console.txt"; }; then
			break
		fi
		note "boot $n: the kernel took an int3 oops (TCG code-patching artifact); booting once more"
		for f in "$console" "$klog" "$logs/boot-$n.console.txt" "$logs/boot-$n.run-vm.log"; do
			mv "$f" "$f.int3-attempt"
		done
	done
	sed -n 's/^.*\(VSLICE-RESULT: \(PASS\|FAIL\|SKIP\) libvirt\/\)/\1/p' "$logs/boot-$n.console.txt"
	grep -q '^VSLICE-DONE rc=' "$logs/boot-$n.console.txt"
}

first_ok=0
if boot 1; then
	first_ok=1
	result PASS boot-1
else
	why=$(grep -m 1 '^run-vm: ' "$logs/boot-1.run-vm.log" 2>/dev/null || true)
	result FAIL boot-1 "no VSLICE-DONE (${why#run-vm: }); see $logs/boot-1.console.log and boot-1.kernel.log"
fi
if ((first_ok)); then
	if boot 2; then
		result PASS boot-2
	else
		why=$(grep -m 1 '^run-vm: ' "$logs/boot-2.run-vm.log" 2>/dev/null || true)
		result FAIL boot-2 "no VSLICE-DONE (${why#run-vm: }); see $logs/boot-2.console.log and boot-2.kernel.log"
	fi
else
	result SKIP boot-2 "the first boot did not finish, so the reboot checks cannot run"
fi

bad=$(cat "$logs"/boot-*.kernel.log 2>/dev/null | tr -d '\r' | grep -a -m 1 -E "$bad_kmsg" || true)
if [[ -n $bad ]]; then
	result FAIL dmesg-clean "$(sed -E 's/^\[ *[0-9.]+\] //' <<<"$bad" | cut -c1-160); see $logs/boot-*.kernel.log"
else
	result PASS dmesg-clean
fi
note "stage done in $((SECONDS - stage_start)) s"
