#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run one lab stage: build the vslice modules for a kernel, build its
# initramfs, boot it with vslice.mode=check and report.
#
#   lab-stage.sh STAGE KERNEL_IMAGE KDIR [--distro-modules]
#
# STAGE is the result prefix (lab/debian, lab/testkernel).  KDIR is the
# kernel build tree the modules are built against.  Prints VSLICE-RESULT
# lines only (the guest's, prefixed with STAGE, plus STAGE/build,
# STAGE/initramfs, STAGE/boot, STAGE/dmesg-clean, STAGE/<suite>/result-count
# per suite, and STAGE/boot-retry when the first boot died before /init);
# everything else goes to build/logs/STAGE/.  Exits 0 whatever the results.
#
# VSLICE_LAB_APPEND adds to the guest's kernel command line, e.g.
# "vslice.suites=t-70-device" to run one suite while working on it.
set -euo pipefail

(($# == 3 || $# == 4)) || {
	echo "usage: $0 STAGE KERNEL_IMAGE KDIR [--distro-modules]" >&2
	exit 64
}
stage=$1 kimage=$2 kdir=$3 distro=${4:-}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
logs=$repo/build/logs/$stage
rm -rf "$logs"
mkdir -p "$logs"

result() { # STATUS NAME [REASON]
	echo "VSLICE-RESULT: $1 $stage/$2${3:+: $3}"
}
note() { echo "$stage: $*" >&2; }

# Kernel log lines that mean a bug, whatever test was running.  Boot
# banners of the debug features ("kmemleak: Kernel memory leak detector
# initialized", "KernelAddressSanitizer initialized") must not match.
bad_kmsg='BUG:|WARNING:|KASAN|UBSAN|kmemleak: [0-9]+ new suspected memory leak|unreferenced object 0x'
bad_kmsg+='|possible circular locking|Oops|general protection|INFO: task .* blocked'
bad_kmsg+='|kernel BUG at|Kernel panic|RCU detected stall|detected stalls on CPUs'

krel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || {
	result FAIL build "$kdir is not a kernel build tree"
	exit 0
}
out=$repo/build/$krel

note "building modules against $kdir"
if ! make -C "$repo" -j"$(nproc)" modules KDIR="$kdir" OUT="$out" >"$logs/build.log" 2>&1; then
	result FAIL build "make modules failed, see $logs/build.log"
	exit 0
fi
result PASS build

image=$repo/build/images/$stage/initramfs.cpio.gz
note "building initramfs $image"
# shellcheck disable=SC2086 # $distro is empty or one flag
if ! VSLICE_KDIR=$kdir "$repo/tests/lab/mkinitramfs.sh" "$krel" "$out" "$image" $distro \
	>"$logs/initramfs.log" 2>&1; then
	result FAIL initramfs "mkinitramfs failed, see $logs/initramfs.log"
	exit 0
fi
result PASS initramfs

console=$logs/console.log klog=$logs/kernel.log
note "booting $kimage (console: $console)"
start=$SECONDS
"$repo/tests/lab/run-vm.sh" --kernel "$kimage" --initrd "$image" --mode check \
	--log "$console" --kernel-log "$klog" ${VSLICE_LAB_APPEND:+--append "$VSLICE_LAB_APPEND"} \
	>/dev/null 2>"$logs/run-vm.log" || true
note "VM ran $((SECONDS - start)) s"

text=$logs/console.txt
tr -d '\r' <"$console" >"$text"
# Guest results: lines before the kernel log block, stage-prefixed.
guest=$(awk '/^VSLICE-DMESG-BEGIN$/ { exit }
	/^[ \t]*VSLICE-RESULT: (PASS|FAIL|SKIP) / { sub(/^[ \t]*/, ""); print }' "$text" |
	sed -E "s#^VSLICE-RESULT: (PASS|FAIL|SKIP) #VSLICE-RESULT: \\1 $stage/#")
[[ -n $guest ]] && echo "$guest"

done_line=$(grep -a '^VSLICE-DONE rc=' "$text" | tail -n 1 || true)
if [[ -z $done_line ]]; then
	why=$(grep '^run-vm: ' "$logs/run-vm.log" 2>/dev/null | grep -v -m 1 'booting once more' || true)
	result FAIL boot "no VSLICE-DONE (${why#run-vm: }); see $console and $klog"
else
	result PASS boot
	rc=${done_line#VSLICE-DONE rc=}
	nfail=$(grep -c '^VSLICE-RESULT: FAIL ' <<<"$guest" || true)
	# run-tests.sh exits with the number of suites that failed.
	if [[ -z $guest ]]; then
		result FAIL results "the guest reported no results (rc=$rc); see $console"
	elif [[ $rc != 0 ]] && ((nfail == 0)); then
		result FAIL guest-exit "run-tests.sh exited $rc; see $console"
	elif [[ $rc == 0 ]] && ((nfail > 0)); then
		result FAIL guest-exit "run-tests.sh exited 0 after $nfail FAIL lines; see $console"
	fi
fi

# A boot that died before /init and was booted again (run-vm.sh): the
# known cause is an int3 oops in boot-time code patching under TCG, which
# ran none of vslice's code.  The retry is a result of its own, and the
# dropped boot's kernel log up to that oops is scanned like any other; a
# death of any other kind fails.
first=$klog.first-boot
if [[ -f $first ]]; then
	tr -d '\r' <"$first" >"$logs/kmsg.first-boot.txt"
	death=$(grep -a -n -m 1 -E 'int3: [0-9a-f]{4} \[#' "$logs/kmsg.first-boot.txt" || true)
	if [[ -n $death ]]; then
		bad=$(head -n "$((${death%%:*} - 1))" "$logs/kmsg.first-boot.txt" | grep -a -m 1 -E "$bad_kmsg" || true)
		result SKIP boot-retry "the first boot took an int3 oops before /init ($(sed -E 's/^\[ *[0-9.]+\] //' <<<"${death#*:}" | cut -c1-100)) and was booted again; see $first"
		if [[ -n $bad ]]; then
			result FAIL first-boot-dmesg-clean "$(sed -E 's/^\[ *[0-9.]+\] //' <<<"$bad" | cut -c1-160); see $first"
		else
			result PASS first-boot-dmesg-clean
		fi
	else
		what=$(grep -a -m 1 -E "$bad_kmsg" "$logs/kmsg.first-boot.txt" || tail -n 1 "$logs/kmsg.first-boot.txt")
		result FAIL boot-retry "the first boot died before /init, not of the known int3 oops: $(sed -E 's/^\[ *[0-9.]+\] //' <<<"$what" | cut -c1-160); see $first"
	fi
fi

# Each suite must print at least as many result lines as
# tests/expected-counts.txt says it did before: a suite or client that
# stopped part-way loses checks without printing a FAIL for them.  With
# vslice.suites= (a developer's run of a few suites) only the suites that
# ran are compared.
counts=$repo/tests/expected-counts.txt
selected=
[[ ${VSLICE_LAB_APPEND:-} == *vslice.suites=* ]] && selected=1
declare -A got=() want=()
while read -r suite; do
	got[$suite]=$((${got[$suite]:-0} + 1))
done < <(sed -nE "s#^VSLICE-RESULT: (PASS|FAIL|SKIP) $stage/([^/: ]+)/.*#\2#p" <<<"$guest")
while read -r st suite n _; do
	[[ $st == "$stage" ]] && want[$suite]=$n
done < <(grep -vE '^[[:space:]]*(#|$)' "$counts" 2>/dev/null || true)
mapfile -t suites < <({
	printf '%s\n' "${!got[@]}"
	[[ -n $selected ]] || printf '%s\n' "${!want[@]}"
} | grep . | sort -u)
for suite in "${suites[@]}"; do
	n=${got[$suite]:-0} w=${want[$suite]:-}
	if [[ -z $w ]]; then
		result FAIL "$suite/result-count" "$n results, and tests/expected-counts.txt has no count for it: add the line '$stage $suite $n'"
	elif ((n < w)); then
		result FAIL "$suite/result-count" "$n results, expected $w (tests/expected-counts.txt): checks were lost; see $console"
	else
		((n == w)) || note "$suite: $n results, more than the $w of tests/expected-counts.txt (raise it there)"
		result PASS "$suite/result-count"
	fi
done

# The kernel log as the guest printed it at the end, plus everything the
# kernel console wrote live (the only record when the guest died).
{
	sed -n '/^VSLICE-DMESG-BEGIN$/,/^VSLICE-DMESG-END$/p' "$text"
	tr -d '\r' <"$klog"
} >"$logs/kmsg.txt"
bad=$(grep -a -m 1 -E "$bad_kmsg" "$logs/kmsg.txt" || true)
if [[ -n $bad ]]; then
	bad=$(sed -E 's/^\[ *[0-9.]+\] //' <<<"$bad" | cut -c1-160)
	result FAIL dmesg-clean "$bad; see $klog"
else
	result PASS dmesg-clean
fi
