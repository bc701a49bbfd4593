#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The libvirt stage of `make check`: for each lab host (Debian 12
# "bookworm" and Debian 13 "trixie"), build vslice's packages for that
# release (tests/packaging/mkdebs.sh), build the host
# (tests/libvirt/mkimage.sh: the cached root of that release with its
# kernel, libvirt, QEMU, mdevctl and dkms, plus `apt-get install` of the
# packages, DKMS building the modules), boot it under TCG, let
# tests/libvirt/flow.sh run the flow and reboot, boot the same disk again
# for the second half, and report.  One host at a time.
#
#   stage.sh [SUITE...]     default: bookworm trixie
#
# Prints VSLICE-RESULT lines only, each host's under its own stage name,
# libvirt-<suite>: the lab host's (libvirt-<suite>/<step>/<check>) and the
# stage's own (setup/debs, setup/image, boot-1, boot-2, boot-N/<check>,
# dmesg-clean, boot-1/screenshots-kept: the first boot's screenshots, in
# build/logs/libvirt/<suite>/display/).  A boot that does not reach
# "VSLICE-DONE" is one failure.
# Of one that does, boot-N/flow-count holds the flow's own count of
# results and failures (its VSLICE-FLOW line) against the lines that
# reached the host, and boot-N/phase and boot-N/steps check that it ran
# the half it should have, each of its steps, and in the second boot every
# reboot check.  A boot that was run again is a SKIP line
# (boot-N/dropped-K) naming why.  Logs and the disk image go to
# build/logs/libvirt/<suite>/ and build/libvirt/<suite>/.  Exits 0
# whatever the results.
#
# VSLICE_LIBVIRT_TIMEOUT bounds each boot (default 3000 s; the flow's
# service stops itself after 2700: a first boot of the Debian 13 host on
# a loaded 2-core machine, with its migration and save steps, has taken
# 1982 s of flow).
#
# VSLICE_LIBVIRT_STEPS="STEP[,STEP...]" boots the first half with only
# the host checks and those steps of the flow (vslice.flow-steps= on the
# host's kernel command line; flow.sh says which steps stand alone, e.g.
# migrate) and no second boot (boot-2 is a SKIP saying so): to iterate on
# one step in a fraction of the stage's time.  make check never sets it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
timeout=${VSLICE_LIBVIRT_TIMEOUT:-3000}
suites=("$@")
((${#suites[@]})) || suites=(bookworm trixie)
for s in "${suites[@]}"; do
	case $s in
	bookworm | trixie) ;;
	*) echo "usage: $0 [bookworm|trixie...]" >&2; exit 2 ;;
	esac
done
rm -rf "$repo/build/logs/libvirt"
stage_start=$SECONDS
# One host's names, logs and image (host SUITE sets them).
suite='' stage='' logs='' img=''

result() { echo "VSLICE-RESULT: $1 $stage/$2${3:+: $3}"; }
note() { echo "$stage: $*" >&2; }

# Kernel log lines that mean a bug (as in tests/lab/lab-stage.sh).
bad_kmsg='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|INFO: task .* blocked'
bad_kmsg+='|kernel BUG at|Kernel panic|RCU detected stall|detected stalls on CPUs'

# What each boot of tests/libvirt/flow.sh must report: a result of every
# step of the first half (a step skipped after an earlier failure says
# so; flow-live.sh SKIPs what the host's mdevctl and libvirt lack),
# and a PASS or a FAIL of every check of the second.  A flow that stops
# before a step, or a second boot that ran the first half again, leaves
# some out.
steps_1='host types nodedev errors domain assign unplug tenant live display migrate save'
flow_steps=${VSLICE_LIBVIRT_STEPS:-}
if [[ -n $flow_steps ]]; then
	[[ $flow_steps =~ ^[a-z-]+(,[a-z-]+)*$ ]] || {
		echo "VSLICE_LIBVIRT_STEPS: want STEP[,STEP...], not '$flow_steps'" >&2
		exit 2
	}
	steps_1="host ${flow_steps//,/ }"
fi
checks_2='host/gpus-registered host/libvirtd reboot/new-boot reboot/mdev-autostarted
	reboot/started-through-callout reboot/mdev-before-libvirtd reboot/mdev-type reboot/mdev-parent
	reboot/mdev-attrs reboot/transient-mdev-gone
	reboot/nodedev-active-persistent-autostart reboot/assignment-kept
	reboot/domain-autostarted reboot/domain-autostarted-at-boot
	reboot/live-hostdev reboot/qemu-sysfsdev
	reboot/vslicectl-open-by-domain reboot/max-resolution-refused-while-open
	reboot/max-resolution-kept'

# The kernel logs to scan for bad_kmsg: "FILE" (all of it) or "FILE int3"
# (a dropped boot's: up to the int3 oops that dropped it; one that died
# of anything else is not the known artifact and fails).
klogs=()

# dropped N WHY KLOG [FILE...]: a boot attempt that is run again.  Its
# files are kept as boot-N.dropped-K.* (KLOG as boot-N.dropped-K.kernel.log,
# boot-N.X as boot-N.dropped-K.X), and its kernel log is scanned like the
# others up to the int3 oops that made it an emulator artifact.
dropped_k=0
dropped() {
	local n=$1 why=$2 klog=$3 f base pre
	shift 3
	dropped_k=$((dropped_k + 1))
	pre=$logs/boot-$n.dropped-$dropped_k
	mv "$klog" "$pre.kernel.log"
	for f in "$@"; do
		base=${f##*/}
		base=${base%.first-boot}
		[[ -f $f ]] && mv "$f" "$pre.${base#boot-"$n".}"
	done
	klogs+=("$pre.kernel.log int3")
	result SKIP "boot-$n/dropped-$dropped_k" "$why; booted once more (logs: $pre.*)"
}

# boot N: boot the disk; prints the lab host's results.  0 when it reached
# VSLICE-DONE.
#
# A boot whose kernel took an int3 oops is booted once more, saying so:
# under multi-threaded TCG a vCPU can run a stale breakpoint that another
# vCPU's code patching (static keys flipping as modules load) has already
# taken out, an emulator artifact seen ~20 s into a boot.  The second
# boot only checks what survives a reboot, so it may always run again;
# the first changes the disk, so it runs again only if its flow had not
# started.  Any other failure, and an int3 oops the second time, counts.
# run-vm.sh itself boots once more a kernel that died before /init (its
# kernel log kept as *.first-boot): that attempt is reported the same way.
boot() {
	local n=$1 console=$logs/boot-$1.console.log klog=$logs/boot-$1.kernel.log t=$SECONDS attempt
	for attempt in 1 2; do
		note "boot $n (console: $console)"
		"$repo/tests/lab/run-vm.sh" --kernel "$img/vmlinuz" --initrd "$img/initrd.cpio.gz" \
			--disk "$img/disk.img" --mem 3G --mode libvirt --timeout "$timeout" \
			--log "$console" --kernel-log "$klog" \
			--append "systemd.unit=vslice-libvirt.target systemd.show_status=1 net.ifnames=0${flow_steps:+ vslice.flow-steps=$flow_steps}" \
			>/dev/null 2>"$logs/boot-$n.run-vm.log" || true
		note "boot $n: $((SECONDS - t)) s"
		if [[ -f $klog.first-boot ]]; then
			dropped "$n" "the kernel died before /init started (run-vm.sh)" "$klog.first-boot" \
				"$console.first-boot"
		fi
		tr -d '\r' <"$console" >"$logs/boot-$n.console.txt"
		if ((attempt == 2)) || grep -q '^VSLICE-DONE rc=' "$logs/boot-$n.console.txt" ||
			! grep -aq 'Oops: int3' "$klog" ||
			{ ((n == 1)) && grep -q 'VSLICE-RESULT' "$logs/boot-$n.console.txt"; }; then
			break
		fi
		note "boot $n: the kernel took an int3 oops (TCG code-patching artifact); booting once more"
		# Its results so far are not reported: they are the next attempt's.
		dropped "$n" "the kernel took an int3 oops (TCG code-patching artifact)" "$klog" \
			"$console" "$logs/boot-$n.console.txt" "$logs/boot-$n.run-vm.log"
	done
	klogs+=("$klog")
	# The flow names its results libvirt/...: this host's are $stage/...
	sed -n 's/^.*VSLICE-RESULT: \(PASS\|FAIL\|SKIP\) libvirt\//VSLICE-RESULT: \1 '"$stage"'\//p' \
		"$logs/boot-$n.console.txt" | tee "$logs/boot-$n.results.txt"
	grep -q '^VSLICE-DONE rc=' "$logs/boot-$n.console.txt"
}

# flow_checks N: what the flow of boot N said it did against what arrived.
flow_checks() {
	local n=$1 text=$logs/boot-$1.console.txt res=$logs/boot-$1.results.txt
	local flow done_rc phase results failures got_results got_failures s c missing='' what
	flow=$(grep -a '^VSLICE-FLOW ' "$text" | tail -n 1 || true)
	done_rc=$(sed -n 's/^VSLICE-DONE rc=\([0-9]*\)$/\1/p' "$text" | tail -n 1)
	phase=$(sed -n 's/.* phase=\([0-9]*\).*/\1/p' <<<"$flow")
	results=$(sed -n 's/.* results=\([0-9]*\).*/\1/p' <<<"$flow")
	failures=$(sed -n 's/.* failures=\([0-9]*\).*/\1/p' <<<"$flow")
	got_results=$(grep -c '^VSLICE-RESULT: ' "$res" || true)
	got_failures=$(grep -c '^VSLICE-RESULT: FAIL ' "$res" || true)
	if [[ -z $flow || -z $done_rc ]]; then
		result FAIL "boot-$n/flow-count" "no VSLICE-FLOW line or no number in VSLICE-DONE; see $text"
	elif [[ $results != "$got_results" || $failures != "$got_failures" || $done_rc != "$failures" ]]; then
		result FAIL "boot-$n/flow-count" "the flow printed $results results and counted $failures failures (rc=$done_rc); $got_results results and $got_failures FAIL lines reached the host"
	else
		result PASS "boot-$n/flow-count"
	fi
	if [[ $phase == "$n" ]]; then
		result PASS "boot-$n/phase"
	else
		result FAIL "boot-$n/phase" "boot $n ran the flow's phase '${phase:-none}'"
	fi
	if ((n == 1)); then
		what='no result of'
		for s in $steps_1; do
			grep -Eq "^VSLICE-RESULT: (PASS|FAIL|SKIP) $stage/$s/" "$res" || missing+=" $s/"
		done
	else
		what='no PASS or FAIL of'
		for c in $checks_2; do
			grep -Eq "^VSLICE-RESULT: (PASS|FAIL) $stage/$c(:|$)" "$res" || missing+=" $c"
		done
	fi
	if [[ -z $missing ]]; then
		result PASS "boot-$n/steps"
	else
		result FAIL "boot-$n/steps" "$what:$missing"
	fi
}

# keep_shots: the pictures of the first boot's display step (the flow
# keeps them in the image's /var/lib/vslice-libvirt/display/) go to
# $logs/display/, read out of the disk image with debugfs (no loop
# device).  boot-1/screenshots-kept fails when the flow took a screenshot
# and it is not there, and is a SKIP when it took none (its display/
# results say why).
keep_shots() {
	local out=$logs/display took n
	rm -rf "$out"
	debugfs -R "rdump /var/lib/vslice-libvirt/display $logs" "$img/disk.img" \
		>"$logs/display-debugfs.log" 2>&1 || true
	took=$(grep -Ec "^VSLICE-RESULT: PASS $stage/display/(virsh-screenshot|vnc-capture)-(before|after)$" \
		"$logs/boot-1.results.txt" 2>/dev/null || true)
	# (No display/ at all when the flow ran only chosen steps.)
	n=$({ find "$out" -name '*.ppm' 2>/dev/null || true; } | wc -l)
	if ((took == 0)); then
		result SKIP boot-1/screenshots-kept "the flow took no screenshot"
	elif ((n >= took)); then
		result PASS boot-1/screenshots-kept
		note "screenshots: $out"
	else
		result FAIL boot-1/screenshots-kept "the flow took $took pictures, $n PPM files came out of the image; see $logs/display-debugfs.log"
	fi
}

# host SUITE: one lab host, from its packages to its second boot.
host() {
	local t debs=() d why bad where k f b first_ok
	suite=$1 stage=libvirt-$1
	logs=$repo/build/logs/libvirt/$1
	img=$repo/build/libvirt/$1
	klogs=() dropped_k=0
	mkdir -p "$logs" "$img"

	# vslice's packages for this release, built from the tree.
	t=$SECONDS
	if ! "$repo/tests/packaging/mkdebs.sh" "$suite" "$img/debs" >"$logs/debs.out" 2>"$logs/debs.log"; then
		result FAIL setup/debs "tests/packaging/mkdebs.sh $suite failed; see $logs/debs.log"
		return
	fi
	while read -r d; do
		[[ $d == *.deb && -f $d ]] && debs+=("$d")
	done <"$logs/debs.out"
	if ((${#debs[@]} == 0)); then
		result FAIL setup/debs "tests/packaging/mkdebs.sh $suite printed no .deb; see $logs/debs.out"
		return
	fi
	result PASS setup/debs
	note "${#debs[@]} packages in $((SECONDS - t)) s: ${debs[*]##*/}"

	t=$SECONDS
	if ! "$repo/tests/libvirt/mkimage.sh" "$suite" "$img" "${debs[@]}" >"$logs/image.log" 2>&1; then
		why=$(grep -E '^mk(image|base): ' "$logs/image.log" | tail -n 1)
		[[ -s $img/dkms-make.log ]] && why+="; DKMS's make.log: $img/dkms-make.log"
		result FAIL setup/image "$why; see $logs/image.log"
		return
	fi
	result PASS setup/image
	note "image ready in $((SECONDS - t)) s (base: $(grep -Eo 'cached|built [^ ]+ in [0-9]+ s' "$logs/image.log" | head -n 1))"

	first_ok=0
	if boot 1; then
		first_ok=1
		result PASS boot-1
		flow_checks 1
	else
		why=$(grep -m 1 '^run-vm: ' "$logs/boot-1.run-vm.log" 2>/dev/null || true)
		result FAIL boot-1 "no VSLICE-DONE (${why#run-vm: }); see $logs/boot-1.console.log and boot-1.kernel.log"
	fi
	keep_shots
	if ((first_ok)) && [[ -n $flow_steps ]]; then
		result SKIP boot-2 "only the flow steps $flow_steps ran (VSLICE_LIBVIRT_STEPS): no second boot"
	elif ((first_ok)); then
		if boot 2; then
			result PASS boot-2
			flow_checks 2
		else
			why=$(grep -m 1 '^run-vm: ' "$logs/boot-2.run-vm.log" 2>/dev/null || true)
			result FAIL boot-2 "no VSLICE-DONE (${why#run-vm: }); see $logs/boot-2.console.log and boot-2.kernel.log"
		fi
	else
		result SKIP boot-2 "the first boot did not finish, so the reboot checks cannot run"
	fi

	bad='' where=''
	for k in "${klogs[@]}"; do
		f=${k% int3}
		[[ -f $f ]] || continue
		if [[ $k == *" int3" ]] && ! grep -aq 'Oops: int3' "$f"; then
			b=$(tr -d '\r' <"$f" | grep -a -m 1 -E "$bad_kmsg" || tr -d '\r' <"$f" | tail -n 1)
			b="the dropped boot died of something other than an int3 oops: ${b:-an empty kernel log}"
		elif [[ $k == *" int3" ]]; then
			b=$(tr -d '\r' <"$f" | sed '/Oops: int3/,$d' | grep -a -m 1 -E "$bad_kmsg" || true)
		else
			b=$(tr -d '\r' <"$f" | grep -a -m 1 -E "$bad_kmsg" || true)
		fi
		if [[ -n $b && -z $bad ]]; then
			bad=$b where=$f
		fi
	done
	if [[ -n $bad ]]; then
		result FAIL dmesg-clean "$(sed -E 's/^\[ *[0-9.]+\] //' <<<"$bad" | cut -c1-160); see $where"
	else
		result PASS dmesg-clean
	fi
	note "host done in $((SECONDS - t)) s after its image"
}

# The hosts boot side by side.  Most of a boot's time goes to a nested
# guest, whose QEMU (-icount) runs on one thread: one lab VM keeps one of
# the machine's two cores busy, and the second host uses the other.  Each
# host's results are printed whole once every host is done.
pids=()
for s in "${suites[@]}"; do
	mkdir -p "$repo/build/logs/libvirt/$s"
	host "$s" >"$repo/build/logs/libvirt/$s/stage-results.txt" &
	pids+=($!)
done
# A host whose part of this script stopped (set -e) printed only some of
# its results: that is a failure of its own.
for i in "${!suites[@]}"; do
	rc=0
	wait "${pids[i]}" || rc=$?
	cat "$repo/build/logs/libvirt/${suites[i]}/stage-results.txt"
	if ((rc != 0)); then
		echo "VSLICE-RESULT: FAIL libvirt-${suites[i]}/stage: tests/libvirt/stage.sh stopped part-way for this host (exit $rc); see build/logs/libvirt/${suites[i]}/"
	fi
done
stage=libvirt
note "stage done in $((SECONDS - stage_start)) s"
