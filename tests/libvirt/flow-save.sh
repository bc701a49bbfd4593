#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Save and restore of a running domain with a vGPU through libvirt, on a
# libvirt lab host (tests/libvirt/flow.sh runs it in its first boot, on
# the display domain whose guest is up).  libvirt refuses to migrate a
# domain to its own host, so this is what one host offers of VFIO
# migration: `virsh save`/`restore` and `virsh managedsave`/`start` move
# the guest's state, the vGPU's included (its VRAM, registers and
# display), through a file.
#
#   a picture       the guest shows the picture of a seed of its own
#                   (kms-flip's first buffer; its second is drawn, not
#                   shown) and virsh screenshot is that picture
#   virsh save      the domain is off ("saved"), its QEMU gone, the vGPU
#                   free
#   another type    virsh restore --xml, the saved XML pointing at a vGPU
#                   of another type: refused with the kernel's reason,
#                   nothing left running or held
#   vGPU missing    the vGPU removed: virsh restore refused naming it,
#                   nothing left; the vGPU is created again (an empty
#                   slice) and the same file restores
#   virsh restore   the domain runs ("restored") with the vGPU; virsh
#                   screenshot is the picture from before the save; a page
#                   flip shows the second buffer drawn before the save;
#                   a new picture drawn afterwards is shown
#   managedsave     virsh managedsave, then virsh start: the same
#
# VFIO migration v2 needs QEMU >= 8.1 and libvirt >= 8.6 (Debian 13:
# QEMU 10.0, libvirt 11.3).  Where they are older (Debian 12: QEMU 7.2
# knows only the v1 protocol) every check SKIPs, saying so.
#
# Inputs (environment):
#   VSLICE_SAVE_DOMAIN   the running, persistent domain: the vGPU with
#                        display='on', <video> none (its screen is console
#                        0), its serial line a pty whose output QEMU logs;
#                        its guest (tests/vmguest/init.sh) is up with
#                        bochs-drm bound and takes commands on that pty
#   VSLICE_SAVE_UUID     its vGPU, defined with mdevctl (nodedev-define)
#   VSLICE_SAVE_PARENT   the vGPU's GPU, e.g. 0000:00:04.0
#   VSLICE_SAVE_SERIAL   the file QEMU logs the serial line to
#   VSLICE_SAVE_TMP      scratch directory (the save file goes there)
#   VSLICE_SAVE_SHOTS    where the screenshots are kept (save-*.png/ppm)
#   VSLICE_SAVE_LIB      where shot-check is (default: beside this script)
#   LIBVIRT_DEFAULT_URI  default qemu:///system
#   VSLICE_SAVE_ROOT     where sys/ and etc/mdevctl.d are, default /: a
#                        fake tree, to test this script itself
#
# Output: one line per check on stdout, nothing else,
#
#   VSLICE-RESULT: PASS|FAIL|SKIP libvirt/save/<check>[: reason]
#
# always the same 50 checks in the same order (a check whose premise
# failed SKIPs, naming it); what the commands said goes to stderr.  Exit
# status: 0 no FAIL, 1 a FAIL, 2 bad inputs (after a FAIL line
# libvirt/save/inputs).  The domain is left running with the vGPU when
# it can be, and no save image is left behind.
set -u
export LC_ALL=C.UTF-8
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}

DOM=${VSLICE_SAVE_DOMAIN:-}
U=${VSLICE_SAVE_UUID:-}
P=${VSLICE_SAVE_PARENT:-}
SERIAL=${VSLICE_SAVE_SERIAL:-}
TMP=${VSLICE_SAVE_TMP:-}
SHOTS=${VSLICE_SAVE_SHOTS:-}
LIB=${VSLICE_SAVE_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
R=${VSLICE_SAVE_ROOT:-}
MDEVS=$R/sys/bus/mdev/devices
ETC=$R/etc/mdevctl.d
MODE=800x600
# Nested TCG: a guest command has taken 15 s, a guest 400 s to boot on a
# loaded machine; a save or restore moves 256 MiB of RAM and the slice.
GUEST_SECS=300
VIRSH_SECS=300
failures=0

result() {
	local why=${3:-}
	why=$(printf '%s' "$why" | tr '\n' ' ' | cut -c1-400)
	echo "VSLICE-RESULT: $1 libvirt/save/$2${why:+: $why}"
}
pass() { result PASS "$1"; }
fail() {
	result FAIL "$1" "$2"
	failures=$((failures + 1))
}
skip() { result SKIP "$1" "$2"; }
skip_all() { # WHY CHECK...
	local why=$1 c
	shift
	for c in "$@"; do
		skip "$c" "$why"
	done
}
# skip_after LAST WHY [LIST]: SKIP the checks that follow LAST in LIST
# (default: all of them), saying WHY.
skip_after() {
	local last=$1 why=$2 c seen=0
	for c in ${3:-$ALL}; do
		((seen)) && skip "$c" "$why"
		[[ $c == "$last" ]] && seen=1
	done
}
note() { echo "flow-save: [$(cut -d' ' -f1 /proc/uptime)s] $*" >&2; }

# run CMD...: its output (both streams) in $OUT, logged; its status in $rc.
run() {
	OUT=$("$@" 2>&1)
	rc=$?
	note "\$ $* -> $rc"
	[[ -n $OUT ]] && printf '%s\n' "$OUT" | head -n 30 | sed 's/^/    | /' >&2
	return 0
}
ok() { if ((rc == 0)); then pass "$1"; else fail "$1" "exit $rc: $OUT"; fi; }
# refused NAME TEXT...: the last command failed, saying each TEXT.
refused() {
	local name=$1 t
	shift
	if ((rc == 0)); then
		fail "$name" "succeeded: $OUT"
		return
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" <<<"$OUT"; then
			fail "$name" "exit $rc without '$t': $OUT"
			return
		fi
	done
	pass "$name"
}
expect() { # NAME WANT GOT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}
check() { # NAME CMD...: CMD succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "false: $*"; fi
}
wait_for() { # SECONDS CMD...: until CMD succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS >= end)) && return 1
		sleep 1
	done
}

# --- the host ----------------------------------------------------------------
state() { virsh domstate --reason "$DOM" 2>&1; }
# off_check NAME: the domain is off, whatever reason libvirt gives.
off_check() {
	local s
	s=$(state)
	if [[ $s == "shut off"* ]]; then pass "$1"; else fail "$1" "the domain is '$s'"; fi
}
# The domain's QEMU process ("-name guest=DOM,..."): none.
no_qemu() { ! pgrep -f -- "-name guest=$DOM," >/dev/null; }
# vslicectl's view of a vGPU: free, or open by the domain.
is_free() { vslicectl list "$1" | grep -Eq "^$1 +[^ ]+ +[^ ]+ +free( |\$)"; }
open_by_dom() { vslicectl list "$U" | grep -Eq "^$U .* open +$DOM(,| |\$)"; }
# All types of all GPUs with their available_instances, and the vGPUs:
# what a failed restore must leave as it was.
vgpus_state() {
	local t
	for t in "$R"/sys/class/mdev_bus/*/mdev_supported_types/*; do
		echo "$t $(cat "$t/available_instances")"
	done
	find "$MDEVS" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort
}
nd_of() { echo "mdev_${1//-/_}_${P//[:.]/_}"; }
vram_mib() { echo $(($(cat "$MDEVS/$1/vslice/vram_size") >> 20)); }
attrs_of() { # UUID: the vendor attributes an admin sets
	echo "$(cat "$MDEVS/$1/vslice/owner" 2>/dev/null) $(cat "$MDEVS/$1/vslice/max_resolution" 2>/dev/null)"
}
kmsg_lines() { dmesg | wc -l; }
kmsg_since() { dmesg | tail -n "+$(($1 + 1))"; }

# switchover_bw: a save pauses the guest and then migrates it to a file.
# QEMU switches over once what the devices still have to send (here the
# vGPU's whole slice: the paused guest writes nothing) fits its downtime
# limit at the bandwidth it measured, which drops to nothing once the
# paused guest's RAM is sent: on a slow host it never does.  The guest is
# paused anyway, so tell QEMU the bandwidth to expect at the switch-over
# (QEMU >= 8.2; libvirt 11.3 has no API for it).
switchover_bw() {
	run virsh qemu-monitor-command "$DOM" \
		'{"execute":"migrate-set-parameters","arguments":{"avail-switchover-bandwidth":419430400}}'
}

# job_run CMD...: a save, restore or start (a migration job), bounded by
# VIRSH_SECS, libvirt's view of the job logged every 30 s: how far one
# that does not end got.
job_run() {
	local lp
	(while sleep 30; do virsh domjobinfo "$DOM" 2>&1 | grep -E 'type|processed|remaining|bandwidth|iteration|Dirty' |
		tr -s ' ' | tr '\n' ';' | sed 's/^/    job: /' >&2; echo >&2; done) &
	lp=$!
	run timeout "$VIRSH_SECS" "$@"
	kill "$lp" 2>/dev/null
	wait "$lp" 2>/dev/null
}

# --- the guest ---------------------------------------------------------------
# Its report lines (tests/vmguest/init.sh) in the serial log.  QEMU logs
# afresh when it starts (append='off'), so after a restore the log holds
# only what the guest said since: counts are taken right before each
# command, never across a save.
# Complete lines only (flow.sh's console(): a report is logged a few
# characters at a time).
console() { perl -ne 's/\r//g; print if /\n\z/ && /^VMGUEST-/' -- "$SERIAL" 2>/dev/null; }
count() { console | grep -c "^VMGUEST-$1 "; }
console_tail() { tr -d '\r' <"$SERIAL" 2>/dev/null | grep -av '^$' | tail -n 4 | tr '\n' '|'; }
running() { [[ $(virsh domstate "$DOM" 2>/dev/null) == running ]]; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# QEMU reads what is typed on the pty only while its other end is open:
# a child process holds it open (and reads and drops what the guest
# writes; QEMU logs that) while the guest gets commands.  Each QEMU, the
# restored one too, has a pty of its own.
CON_PID='' CON_TTY=''
console_open() {
	console_close
	CON_TTY=$(virsh ttyconsole "$DOM" 2>/dev/null)
	[[ $CON_TTY == /dev/pts/* && -c $CON_TTY ]] || return 1
	cat "$CON_TTY" >/dev/null 2>&1 &
	CON_PID=$!
	sleep 2
	kill -0 "$CON_PID" 2>/dev/null
}
console_close() {
	[[ -n $CON_PID ]] || return 0
	kill "$CON_PID" 2>/dev/null
	wait "$CON_PID" 2>/dev/null
	CON_PID=''
}
# guest_do CMD WHAT: type CMD and wait for the next VMGUEST-WHAT line
# (printed); fails on a VMGUEST-ERROR, a domain that stopped, a timeout.
guest_do() {
	local cmd=$1 what=$2 n e end=$((SECONDS + GUEST_SECS)) l
	n=$(count "$what")
	e=$(count ERROR)
	note "to the guest: $cmd"
	sh -c 'printf "%s\n" "$1" >"$2"' guest_do "$cmd" "$CON_TTY" || return 1
	while :; do
		l=$(console | grep "^VMGUEST-$what " | sed -n "$((n + 1))p")
		if [[ -n $l ]]; then
			note "$DOM: $l"
			echo "$l"
			return 0
		fi
		if (($(count ERROR) > e)) || ! running || ((SECONDS >= end)); then
			sleep 2
			l=$(console | grep "^VMGUEST-$what " | sed -n "$((n + 1))p")
			[[ -n $l ]] && { echo "$l"; return 0; }
			return 1
		fi
		sleep 1
	done
}

# shot CHECK BASE SEED: virsh screenshot of console 0 as BASE.ppm (libvirt
# 11.3 asks QEMU 10.0 for a PNG, kept as BASE.png), and it is the
# guest's picture of SEED in $MODE, pixel for pixel (shot-check).
shot() {
	local check=$1 base=$SHOTS/save-$2 seed=$3 type
	rm -f "$base".*
	run virsh screenshot "$DOM" "$base.img" --screen 0
	type=$(sed -n 's/.*with type of \([^ ,]*\).*/\1/p' <<<"$OUT")
	if ((rc != 0)) || [[ ! -s $base.img ]]; then
		fail "$check" "virsh screenshot exit $rc: $OUT"
		return 1
	fi
	case $type in
	image/x-portable-pixmap) mv "$base.img" "$base.ppm" ;;
	image/png)
		mv "$base.img" "$base.png"
		pngtopnm "$base.png" >"$base.ppm" 2>"$TMP/pngtopnm.err"
		;;
	*)
		fail "$check" "virsh screenshot wrote a '$type' image: $OUT"
		return 1
		;;
	esac
	run "$LIB/shot-check" "$base.ppm" "$seed" "${MODE%x*}" "${MODE#*x}"
	if ((rc == 0)); then
		pass "$check"
	else
		fail "$check" "screenshot ${base##*/} is not the picture of seed $seed in $MODE: shot-check exit $rc: $OUT"
		return 1
	fi
}

# running_checks WHAT SEED: the domain runs again after WHAT (restore,
# managedsave-start) with the vGPU, shows SEED's picture, flips to the
# second buffer drawn before the save, and draws and shows a new picture.
# Sets SEED_NOW to what the guest shows at the end.
running_checks() {
	local w=$1 seed=$2 l s1 s2
	expect "$w-state" "running (restored)" "$(state)"
	check "$w-vgpu-open" open_by_dom
	# The QEMU that runs now has another pty: the guest hears it.
	if ! console_open; then
		fail "$w-console" "no pty to type on (virsh ttyconsole $DOM: '$CON_TTY')"
		skip_all "no console after $w" "$w-screenshot" "$w-guest-flips" "$w-screenshot-flipped" \
			"$w-guest-draws" "$w-screenshot-new"
		return 1
	fi
	pass "$w-console"
	shot "$w-screenshot" "$w" "$seed"
	if ! l=$(guest_do flip FLIPPED); then
		fail "$w-guest-flips" "no VMGUEST-FLIPPED after 'flip'; console: $(console_tail)"
		skip_all "the guest did not flip" "$w-screenshot-flipped" "$w-guest-draws" "$w-screenshot-new"
		return 1
	fi
	s1=$(field seed "$l")
	if [[ $(field via "$l") == page-flip && $s1 =~ ^[0-9a-f]{16}$ && $s1 != "$seed" ]]; then
		pass "$w-guest-flips"
	else
		fail "$w-guest-flips" "want via=page-flip and a seed other than $seed: $l"
	fi
	shot "$w-screenshot-flipped" "$w-flipped" "$s1"
	# A new KMS client: two new buffers, drawn now, the first shown.
	if ! guest_do display-end RELEASED >/dev/null || ! l=$(guest_do "display $MODE" SHOWN); then
		fail "$w-guest-draws" "no VMGUEST-RELEASED and VMGUEST-SHOWN after 'display-end', 'display $MODE'; console: $(console_tail)"
		skip "$w-screenshot-new" "the guest did not draw"
		return 1
	fi
	s2=$(field seed "$l")
	if [[ $s2 =~ ^[0-9a-f]{16}$ && $s2 != "$seed" && $s2 != "$s1" && $(field mode "$l") == "$MODE" ]]; then
		pass "$w-guest-draws"
	else
		fail "$w-guest-draws" "want mode=$MODE and a seed other than $seed and $s1: $l"
	fi
	SEED_NOW=$s2
	shot "$w-screenshot-new" "$w-new" "$s2"
}

# --- inputs ----------------------------------------------------------------------
CHECKS_PICTURE="console guest-shows screenshot-before"
CHECKS_SAVE="save save-state save-qemu-gone save-vgpu-free save-file"
CHECKS_OTHER="other-type-vgpu other-type-xml other-type-restore-refused other-type-kernel-log
other-type-not-running other-type-no-qemu other-type-nothing-held other-type-file-kept
other-type-vgpu-removed"
CHECKS_MISSING="missing-vgpu-removed missing-restore-refused missing-not-running
missing-no-qemu missing-nothing-held missing-file-kept missing-vgpu-back"
running_names() {
	local c
	for c in state vgpu-open console screenshot guest-flips screenshot-flipped guest-draws \
		screenshot-new; do
		echo "$1-$c"
	done
}
CHECKS_RESTORE="restore $(running_names restore | tr '\n' ' ')"
CHECKS_MANAGED="managedsave managedsave-state managedsave-qemu-gone managedsave-vgpu-free
managedsave-start $(running_names managedsave-start | tr '\n' ' ')managedsave-image-gone
releases"
# shellcheck disable=SC2086 # lists of words
ALL="$CHECKS_PICTURE $CHECKS_SAVE $CHECKS_OTHER $CHECKS_MISSING $CHECKS_RESTORE $CHECKS_MANAGED"

if [[ -z $DOM || ! $U =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ||
	-z $P || -z $SERIAL || -z $TMP || -z $SHOTS ]]; then
	fail inputs "VSLICE_SAVE_DOMAIN, _UUID (lower case), _PARENT, _SERIAL, _TMP and _SHOTS are required (got '$DOM' '$U' '$P' '$SERIAL' '$TMP' '$SHOTS')"
	exit 2
fi
mkdir -p "$TMP" "$SHOTS"
if ! running || [[ ! -d $MDEVS/$U || ! -f $ETC/$P/$U || ! -x $LIB/shot-check ]] || ! open_by_dom; then
	fail inputs "$DOM must run with $U open ($(state); vslicectl: $(vslicectl list "$U" 2>&1)), $U be defined ($ETC/$P/$U), $LIB/shot-check exist"
	exit 2
fi
pass inputs
TYPE=$(basename "$(readlink "$MDEVS/$U/mdev_type")")
ND=$(nd_of "$U")
FILE=$TMP/$DOM.save
rm -f "$FILE"

# --- releases: VFIO migration v2 needs QEMU >= 8.1, libvirt >= 8.6 -------------------
run virsh version
qv=$(sed -n 's/^Running hypervisor: QEMU \([0-9.]*\).*/\1/p' <<<"$OUT")
lv=$(sed -n 's/^Using library: libvirt \([0-9.]*\).*/\1/p' <<<"$OUT")
at_least() { [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1) == "$2" ]]; }
if [[ -z $qv || -z $lv ]]; then
	fail versions "no QEMU or libvirt version in virsh version: $OUT"
	# shellcheck disable=SC2086
	skip_all "unknown QEMU and libvirt versions" $ALL
	exit 1
fi
pass versions
if ! at_least "$qv" 8.1 || ! at_least "$lv" 8.6; then
	# shellcheck disable=SC2086
	skip_all "QEMU $qv and libvirt $lv: a vGPU migrates with VFIO migration v2, QEMU >= 8.1 and libvirt >= 8.6 (QEMU 7.2 has only the v1 protocol, which no 6.x kernel implements)" $ALL
	exit 0
fi
note "$DOM with $U ($TYPE on $P, node device $ND); QEMU $qv, libvirt $lv"

# Whatever ends the script: no save image is left, the console reader
# ends.
# shellcheck disable=SC2317 # run by the trap
on_exit() {
	console_close
	rm -f "$FILE"
	virsh managedsave-remove "$DOM" >/dev/null 2>&1
}
trap on_exit EXIT

# --- a picture ------------------------------------------------------------------
if ! console_open; then
	fail console "no pty to type on (virsh ttyconsole $DOM: '$CON_TTY')"
	skip_after console "no console to the guest"
	exit 1
fi
pass console
if ! l=$(guest_do "display $MODE" SHOWN); then
	fail guest-shows "no VMGUEST-SHOWN after 'display $MODE'; console: $(console_tail)"
	skip_after guest-shows "the guest showed no picture"
	exit 1
fi
SEED_A=$(field seed "$l")
expect guest-shows "buf=0 mode=$MODE" "buf=$(field buf "$l") mode=$(field mode "$l")"
# What a restore must bring back; a screenshot that is not it now would
# make the comparisons after the restore meaningless.
shot screenshot-before before "$SEED_A"

# --- virsh save -------------------------------------------------------------------
switchover_bw
t=$SECONDS
job_run virsh save "$DOM" "$FILE"
ok save
note "virsh save: $((SECONDS - t)) s, $(stat -c %s "$FILE" 2>/dev/null) bytes"
if ((rc != 0)); then
	run virsh domjobinfo --completed "$DOM"
	skip_after save "virsh save failed"
	exit 1
fi
console_close
expect save-state "shut off (saved)" "$(state)"
check save-qemu-gone wait_for 30 no_qemu
check save-vgpu-free wait_for 30 is_free "$U"
check save-file test -s "$FILE"

# --- restore onto a vGPU of another type ---------------------------------------------
before=$(vgpus_state)
OTHER='' UX=''
for t in "$R/sys/bus/pci/devices/$P"/mdev_supported_types/*; do
	[[ ${t##*/} != "$TYPE" && $(cat "$t/available_instances") -gt 0 ]] && { OTHER=${t##*/}; break; }
done
if [[ -n $OTHER ]]; then
	UX=$(cat /proc/sys/kernel/random/uuid)
	{
		echo "<device>"
		echo "  <parent>pci_${P//[:.]/_}</parent>"
		echo "  <capability type='mdev'>"
		echo "    <type id='$OTHER'/>"
		echo "    <uuid>$UX</uuid>"
		echo "  </capability>"
		echo "</device>"
	} >"$TMP/other-mdev.xml"
	run virsh nodedev-create "$TMP/other-mdev.xml"
fi
if [[ -z $OTHER ]] || ((rc != 0)) || ! wait_for 10 test -d "$MDEVS/$UX"; then
	fail other-type-vgpu "no vGPU of a type other than $TYPE on $P (${OTHER:-none available}): ${OUT:-}"
	skip_after other-type-vgpu "no vGPU of another type" "$CHECKS_OTHER"
else
	pass other-type-vgpu
	before=$(vgpus_state)
	# The domain as saved, its hostdev pointing at the other vGPU.
	virsh save-image-dumpxml "$FILE" >"$TMP/saved.xml" 2>"$TMP/dumpxml.err"
	sed "s/$U/$UX/g" "$TMP/saved.xml" >"$TMP/other.xml"
	if grep -q "<address uuid='$UX'/>" "$TMP/other.xml" && ! grep -q "$U" "$TMP/other.xml"; then
		pass other-type-xml
	else
		fail other-type-xml "virsh save-image-dumpxml gave no hostdev of $U: $(head -c 300 "$TMP/saved.xml") $(cat "$TMP/dumpxml.err")"
	fi
	k=$(kmsg_lines)
	job_run virsh restore "$FILE" --xml "$TMP/other.xml"
	refused other-type-restore-refused "Failed to restore domain from $FILE" "load of migration failed: Invalid argument"
	# The kernel's line on the vGPU (the types by their table ids, the
	# sysfs names without "vslice-"; -22 is EINVAL).
	want="migration stream refused (-22): it is for type ${TYPE#vslice-} ($(vram_mib "$U") MiB), this vGPU is ${OTHER#vslice-} ($(vram_mib "$UX") MiB)"
	got=$(kmsg_since "$k")
	note "kernel: $(printf '%s' "$got" | tr '\n' '|')"
	if grep -qF -- "$want" <<<"$got"; then
		pass other-type-kernel-log
	else
		fail other-type-kernel-log "no '$want' in the kernel log: $(tail -n 5 <<<"$got")"
	fi
	off_check other-type-not-running
	check other-type-no-qemu wait_for 30 no_qemu
	if wait_for 30 is_free "$UX" && is_free "$U" && [[ $(vgpus_state) == "$before" ]]; then
		pass other-type-nothing-held
	else
		fail other-type-nothing-held "$UX and $U free, the GPUs' vGPUs and available_instances as before: $(vslicectl list 2>&1 | tr '\n' '|'); $(diff <(echo "$before") <(vgpus_state) | tr '\n' '|')"
	fi
	check other-type-file-kept test -s "$FILE"
	run virsh nodedev-destroy "$(nd_of "$UX")"
	if ((rc == 0)) && wait_for 10 test ! -e "$MDEVS/$UX"; then
		pass other-type-vgpu-removed
	else
		fail other-type-vgpu-removed "exit $rc: $OUT"
	fi
fi

# --- restore where the vGPU is missing --------------------------------------------------
ATTRS=$(attrs_of "$U")
run virsh nodedev-destroy "$ND"
if ((rc != 0)) || ! wait_for 10 test ! -e "$MDEVS/$U"; then
	fail missing-vgpu-removed "virsh nodedev-destroy $ND: exit $rc: $OUT"
	skip_after missing-vgpu-removed "the vGPU could not be removed" "$CHECKS_MISSING"
else
	pass missing-vgpu-removed
	before=$(vgpus_state)
	job_run virsh restore "$FILE"
	refused missing-restore-refused "Failed to restore domain from $FILE" "mediated device '$U' not found"
	off_check missing-not-running
	check missing-no-qemu wait_for 30 no_qemu
	expect missing-nothing-held "$before" "$(vgpus_state)"
	check missing-file-kept test -s "$FILE"
	# Back as defined: the same type and attributes, a new (zeroed)
	# slice; what the restore shows can only come from the file.
	run virsh nodedev-start "$ND"
	if ((rc == 0)) && wait_for 10 test -d "$MDEVS/$U" &&
		[[ $(basename "$(readlink "$MDEVS/$U/mdev_type")") == "$TYPE" && $(attrs_of "$U") == "$ATTRS" ]]; then
		pass missing-vgpu-back
	else
		fail missing-vgpu-back "virsh nodedev-start $ND: exit $rc, type $(basename "$(readlink "$MDEVS/$U/mdev_type" 2>/dev/null)"), attributes '$(attrs_of "$U")' (want $TYPE, '$ATTRS'): $OUT"
	fi
fi

# --- virsh restore -------------------------------------------------------------------------
t=$SECONDS
job_run virsh restore "$FILE"
ok restore
note "virsh restore: $((SECONDS - t)) s"
if ((rc != 0)); then
	skip_after restore "virsh restore failed"
	exit 1
fi
rm -f "$FILE"
SEED_NOW=''
running_checks restore "$SEED_A"

# --- virsh managedsave, virsh start --------------------------------------------------------
if [[ -z $SEED_NOW ]]; then
	# shellcheck disable=SC2086
	skip_all "the restored guest drew no new picture to save" $CHECKS_MANAGED
	exit 1
fi
t=$SECONDS
console_close
switchover_bw
job_run virsh managedsave "$DOM"
ok managedsave
note "virsh managedsave: $((SECONDS - t)) s"
if ((rc != 0)); then
	skip_after managedsave "virsh managedsave failed"
	exit 1
fi
run virsh dominfo "$DOM"
if [[ $(state) == "shut off (saved)" ]] && grep -Eq '^Managed save: +yes' <<<"$OUT"; then
	pass managedsave-state
else
	fail managedsave-state "want 'shut off (saved)' and a managed save image: $(state); $OUT"
fi
check managedsave-qemu-gone wait_for 30 no_qemu
check managedsave-vgpu-free wait_for 30 is_free "$U"
t=$SECONDS
job_run virsh start "$DOM"
ok managedsave-start
note "virsh start from the managed save image: $((SECONDS - t)) s"
if ((rc != 0)); then
	skip_after managedsave-start "virsh start failed"
	exit 1
fi
seed=$SEED_NOW
running_checks managedsave-start "$seed"
run virsh dominfo "$DOM"
if grep -Eq '^Managed save: +no' <<<"$OUT"; then
	pass managedsave-image-gone
else
	fail managedsave-image-gone "libvirt kept the managed save image after starting from it: $OUT"
fi
# The KMS client gives the device back: the guest goes on as before.
if [[ -n $CON_PID ]] && guest_do display-end RELEASED >/dev/null; then
	pass releases
else
	fail releases "no VMGUEST-RELEASED after 'display-end'; console: $(console_tail)"
fi
((failures == 0))
