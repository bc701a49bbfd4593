#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live changes of a running vGPU's vendor attributes through libvirt and
# mdevctl, and the callout's refusals, on a libvirt lab host
# (tests/libvirt/flow.sh runs it in its first boot, with the flow's
# persistent vGPU running):
#
#   virsh nodedev-update DEV FILE --live     the running device changes,
#                                            the definition does not
#   virsh nodedev-update DEV FILE --config   the definition changes, the
#                                            running device does not
#   a bad value, each way                    refused with the callout's
#                                            message; nothing changes
#   mdevctl modify --live / --live --defined the same through mdevctl
#   while a VM has the vGPU open             owner changes, max_resolution
#                                            is refused by name
#   virsh nodedev-define of a type the GPU does not publish
#                                            refused with the GPU's types
#
# nodedev-update needs libvirt >= 10.1 and mdevctl >= 1.3, modify --live
# mdevctl >= 1.3 (Debian 13: libvirt 11.3, mdevctl 1.4.0); where they are
# missing (Debian 12: libvirt 9.0, mdevctl 1.2.0) those checks SKIP,
# saying so, and the nodedev-define check runs.  At the end the device and
# its definition get back the attributes they had (also when a check
# failed), so the flow's later checks see them as it left them.
#
# Inputs (environment):
#   VSLICE_LIVE_UUID     the vGPU: running (/sys/bus/mdev/devices/UUID),
#                        defined with mdevctl (nodedev-define), on a GPU
#                        bound to vslice, open by a VM or not; its type
#                        must take max_resolution 1024x768 and 800x600
#   VSLICE_LIVE_PARENT   its GPU's PCI address, e.g. 0000:00:04.0
#   LIBVIRT_DEFAULT_URI  default qemu:///system
#   VSLICE_LIVE_TMP      scratch directory (default: a new one, removed)
#   VSLICE_LIVE_ROOT     where sys/ and etc/mdevctl.d are, default /: a
#                        fake tree, to test this script itself
#
# Output: one line per check on stdout, nothing else,
#
#   VSLICE-RESULT: PASS|FAIL|SKIP libvirt/live/<check>[: reason]
#
# always the same checks (34; on Debian 12: 5 PASS and 29 SKIP), in the
# same order; what the commands said goes to stderr.  Exit status: 0 no
# FAIL, 1 a FAIL, 2 bad inputs (after a FAIL line libvirt/live/inputs).
# The caller counts the lines as its own results, for example in flow.sh
# (with this script installed beside it by mkimage.sh):
#
#   while read -r l; do
#           echo "$l"
#           results=$((results + 1))
#           [[ $l == "VSLICE-RESULT: FAIL "* ]] && failures=$((failures + 1))
#   done < <(VSLICE_LIVE_UUID=$U1 VSLICE_LIVE_PARENT=$GPU0 "$LIB/flow-live.sh" 2>"$T/flow-live.log")
set -u
export LC_ALL=C.UTF-8
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}

U=${VSLICE_LIVE_UUID:-}
P=${VSLICE_LIVE_PARENT:-}
R=${VSLICE_LIVE_ROOT:-}
MDEVS=$R/sys/bus/mdev/devices
ETC=$R/etc/mdevctl.d
failures=0

result() {
	local why=${3:-}
	why=$(printf '%s' "$why" | tr '\n' ' ' | cut -c1-400)
	echo "VSLICE-RESULT: $1 libvirt/live/$2${why:+: $why}"
}
pass() { result PASS "$1"; }
fail() {
	result FAIL "$1" "$2"
	failures=$((failures + 1))
}
skip() { result SKIP "$1" "$2"; }
note() { echo "flow-live: $*" >&2; }

# run CMD...: its output (both streams) in $OUT, logged; its status in $rc.
run() {
	OUT=$("$@" 2>&1)
	rc=$?
	note "\$ $* -> $rc"
	[[ -n $OUT ]] && printf '%s\n' "$OUT" | head -n 30 | sed 's/^/    | /' >&2
	return 0
}
ok() { if ((rc == 0)); then pass "$1"; else fail "$1" "exit $rc: $OUT"; fi; }
# refused NAME WHY: the last command refused, saying WHY (not for another
# reason: a missing tool, an unreachable daemon).
refused() {
	if ((rc == 0)); then
		fail "$1" "succeeded: $OUT"
	elif ! grep -qF -- "$2" <<<"$OUT"; then
		fail "$1" "exit $rc without '$2': $OUT"
	else
		pass "$1"
	fi
}
expect() { # NAME WANT GOT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}
check() { # NAME CMD...: CMD succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "false: $*"; fi
}

# The vendor attributes the checks change, as "owner max_resolution".
device_attrs() {
	echo "$(cat "$MDEVS/$U/vslice/owner" 2>/dev/null) $(cat "$MDEVS/$U/vslice/max_resolution" 2>/dev/null)"
}
# The same two from the stored definition ("" for one it lacks).
definition_attrs() {
	local f=$ETC/$P/$U
	echo "$(def_value "$f" vslice/owner) $(def_value "$f" vslice/max_resolution)"
}
def_value() { # FILE NAME: the last value of NAME (mdevctl applies in order)
	sed -n "s|.*\"$2\": *\"\\([^\"]*\\)\".*|\\1|p" "$1" 2>/dev/null | tail -n 1
}

# nodedev_xml FILE NAME=VALUE...: the vGPU as libvirt's node device with
# these attributes (an update replaces the whole attribute list).
nodedev_xml() {
	local f=$1 kv
	shift
	{
		echo "<device>"
		echo "  <name>$ND</name>"
		echo "  <parent>$PND</parent>"
		echo "  <capability type='mdev'>"
		echo "    <type id='$TYPE'/>"
		echo "    <uuid>$U</uuid>"
		for kv in "$@"; do
			echo "    <attr name='${kv%%=*}' value='${kv#*=}'/>"
		done
		echo "  </capability>"
		echo "</device>"
	} >"$f"
}
# mdev_json FILE NAME=VALUE...: the same as mdevctl's JSON configuration.
mdev_json() {
	local f=$1 kv sep=
	shift
	{
		printf '{"mdev_type": "%s", "start": "%s", "attrs": [' "$TYPE" "$START"
		for kv in "$@"; do
			printf '%s{"%s": "%s"}' "$sep" "${kv%%=*}" "${kv#*=}"
			sep=', '
		done
		printf ']}\n'
	} >"$f"
}

# --- inputs -------------------------------------------------------------------
if [[ ! $U =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ || -z $P ]]; then
	fail inputs "VSLICE_LIVE_UUID (a lower-case UUID) and VSLICE_LIVE_PARENT are required (got '$U' and '$P')"
	exit 2
fi
if [[ ! -d $MDEVS/$U || ! -f $ETC/$P/$U ]]; then
	fail inputs "$U must run ($MDEVS/$U) and be defined ($ETC/$P/$U)"
	exit 2
fi
TYPE=$(basename "$(readlink "$MDEVS/$U/mdev_type")")
START=$(sed -n 's/.*"start": *"\([a-z]*\)".*/\1/p' "$ETC/$P/$U" | head -n 1)
ND="mdev_${U//-/_}_${P//[:.]/_}"
PND="pci_${P//[:.]/_}"
pass inputs

TMP=${VSLICE_LIVE_TMP:-}
own_tmp=
if [[ -z $TMP ]]; then
	TMP=$(mktemp -d)
	own_tmp=1
fi
mkdir -p "$TMP"

# What to put back at the end.
OWNER0=$(cat "$MDEVS/$U/vslice/owner")
RES0=$(cat "$MDEVS/$U/vslice/max_resolution")
cp "$ETC/$P/$U" "$TMP/definition.orig"
note "$U ($TYPE on $P, node device $ND): device '$OWNER0 $RES0', definition '$(definition_attrs)'"

# max_resolution changes only while no one has the device open (its guest
# driver read it at probe).  Open, the live checks change owner alone and
# the *-open-* checks see a max_resolution change refused; free, they
# change both and the *-open-* checks SKIP.
OPEN=
if vslicectl list "$U" 2>/dev/null | grep -Eq "^$U +[^ ]+ +[^ ]+ +open "; then
	# The VM column: the domain, or the process, that has it.
	OPEN=$(vslicectl list "$U" 2>/dev/null | awk -v u="$U" '$1 == u {
		sub(/ +owner=.*/, ""); $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }')
fi
# Two resolutions other than the device's (any type takes them).
read -r RES1 RES2 <<<"$(printf '%s\n' 1024x768 800x600 1280x720 | grep -vxF "$RES0" | head -n 2 | tr '\n' ' ')"
if [[ -n $OPEN ]]; then
	LIVE1=$RES0 LIVE2=$RES0
	note "$U is open ($OPEN): live changes keep max_resolution $RES0"
else
	LIVE1=$RES1 LIVE2=$RES2
fi

have_update=0
run virsh nodedev-update --help
if ((rc == 0)) && grep -q -- '--live' <<<"$OUT"; then
	have_update=1
fi
LIBVIRT_VERSION=$(virsh --version 2>/dev/null)
have_live=0
run mdevctl modify --help
grep -q -- '--live' <<<"$OUT" && have_live=1
MDEVCTL_VERSION=$(mdevctl --version 2>/dev/null)

# The definition byte for byte as it was (libvirt follows /etc/mdevctl.d),
# then each of the device's two attributes that changed.
restore() {
	cmp -s "$TMP/definition.orig" "$ETC/$P/$U" || cp "$TMP/definition.orig" "$ETC/$P/$U"
	[[ $(cat "$MDEVS/$U/vslice/owner") == "$OWNER0" ]] ||
		printf '%s\n' "$OWNER0" >"$MDEVS/$U/vslice/owner"
	[[ $(cat "$MDEVS/$U/vslice/max_resolution") == "$RES0" ]] ||
		printf '%s\n' "$RES0" >"$MDEVS/$U/vslice/max_resolution"
}

# Whatever ends the script, the vGPU is left as it was found.
# shellcheck disable=SC2317 # run by the trap
on_exit() {
	restore
	[[ -n $own_tmp ]] && rm -rf "$TMP"
}
trap on_exit EXIT

# --- virsh nodedev-update --live / --config (libvirt >= 10.1) -----------------
NU_CHECKS="update-live update-live-device update-live-definition-kept
update-config update-config-definition update-config-device-kept
update-live-bad-refused update-live-bad-device-kept update-live-bad-definition-kept
update-config-bad-refused update-config-bad-definition-kept update-config-bad-device-kept
update-live-type-refused update-live-open-refused update-live-open-device-kept"
if ((!have_update)); then
	for c in $NU_CHECKS; do
		skip "$c" "libvirt ${LIBVIRT_VERSION:-?} has no nodedev-update (libvirt 10.1+)"
	done
else
	def_before=$(definition_attrs)
	nodedev_xml "$TMP/live.xml" vslice/owner=lab:nu-live "vslice/max_resolution=$LIVE1"
	run virsh nodedev-update "$ND" "$TMP/live.xml" --live
	ok update-live
	expect update-live-device "lab:nu-live $LIVE1" "$(device_attrs)"
	expect update-live-definition-kept "$def_before" "$(definition_attrs)"

	dev_before=$(device_attrs)
	nodedev_xml "$TMP/config.xml" vslice/owner=lab:nu-config "vslice/max_resolution=$RES2"
	run virsh nodedev-update "$ND" "$TMP/config.xml" --config
	ok update-config
	expect update-config-definition "lab:nu-config $RES2" "$(definition_attrs)"
	expect update-config-device-kept "$dev_before" "$(device_attrs)"

	# A value beyond the type's max_resolution, with a good owner: the
	# callout refuses it, libvirt passes its message on, nothing changes.
	dev_before=$(device_attrs)
	cp "$ETC/$P/$U" "$TMP/def.before"
	nodedev_xml "$TMP/bad.xml" vslice/owner=lab:nu-bad vslice/max_resolution=99999x99999
	run virsh nodedev-update "$ND" "$TMP/bad.xml" --live
	refused update-live-bad-refused 'vslice/max_resolution = "99999x99999" is out of range'
	expect update-live-bad-device-kept "$dev_before" "$(device_attrs)"
	check update-live-bad-definition-kept cmp -s "$TMP/def.before" "$ETC/$P/$U"
	run virsh nodedev-update "$ND" "$TMP/bad.xml" --config
	refused update-config-bad-refused 'vslice/max_resolution = "99999x99999" is out of range'
	check update-config-bad-definition-kept cmp -s "$TMP/def.before" "$ETC/$P/$U"
	expect update-config-bad-device-kept "$dev_before" "$(device_attrs)"

	# libvirt's own rule: a live update keeps the type.
	other=$(find "$R/sys/bus/pci/devices/$P/mdev_supported_types/" -mindepth 1 -maxdepth 1 \
		-printf '%f\n' | grep -vxF "$TYPE" | head -n 1)
	type_was=$TYPE
	TYPE=${other:-vslice-none}
	nodedev_xml "$TMP/type.xml" vslice/owner=lab:nu-type
	TYPE=$type_was
	run virsh nodedev-update "$ND" "$TMP/type.xml" --live
	refused update-live-type-refused "type mismatch"

	if [[ -n $OPEN ]]; then
		dev_before=$(device_attrs)
		nodedev_xml "$TMP/open.xml" vslice/owner=lab:nu-open "vslice/max_resolution=$RES1"
		run virsh nodedev-update "$ND" "$TMP/open.xml" --live
		refused update-live-open-refused "vslice/max_resolution cannot change while pid"
		expect update-live-open-device-kept "$dev_before" "$(device_attrs)"
	else
		skip update-live-open-refused "$U is not open"
		skip update-live-open-device-kept "$U is not open"
	fi
	restore
fi

# --- mdevctl modify --live / --live --defined (mdevctl >= 1.3) -----------------
ML_CHECKS="modify-live modify-live-device modify-live-definition-kept
modify-live-defined modify-live-defined-device modify-live-defined-definition
modify-live-bad-refused modify-live-bad-device-kept modify-live-bad-definition-kept
modify-live-defined-bad-refused modify-live-defined-bad-device-kept
modify-live-defined-bad-definition-kept modify-live-open-refused modify-live-open-device-kept"
if ((!have_live)); then
	for c in $ML_CHECKS; do
		skip "$c" "${MDEVCTL_VERSION:-mdevctl ?} has no modify --live (mdevctl 1.3+)"
	done
else
	def_before=$(definition_attrs)
	mdev_json "$TMP/m-live.json" vslice/owner=lab:ml-live "vslice/max_resolution=$LIVE1"
	run mdevctl modify -u "$U" --live --jsonfile "$TMP/m-live.json"
	ok modify-live
	expect modify-live-device "lab:ml-live $LIVE1" "$(device_attrs)"
	expect modify-live-definition-kept "$def_before" "$(definition_attrs)"

	mdev_json "$TMP/m-both.json" vslice/owner=lab:ml-both "vslice/max_resolution=$LIVE2"
	run mdevctl modify -u "$U" --live --defined --jsonfile "$TMP/m-both.json"
	ok modify-live-defined
	expect modify-live-defined-device "lab:ml-both $LIVE2" "$(device_attrs)"
	expect modify-live-defined-definition "lab:ml-both $LIVE2" "$(definition_attrs)"

	dev_before=$(device_attrs)
	cp "$ETC/$P/$U" "$TMP/def.before"
	mdev_json "$TMP/m-bad.json" vslice/owner=lab:ml-bad vslice/max_resolution=99999x99999
	run mdevctl modify -u "$U" --live --jsonfile "$TMP/m-bad.json"
	refused modify-live-bad-refused "refusing to live-modify $U: vslice/max_resolution = \"99999x99999\" is out of range"
	expect modify-live-bad-device-kept "$dev_before" "$(device_attrs)"
	check modify-live-bad-definition-kept cmp -s "$TMP/def.before" "$ETC/$P/$U"
	run mdevctl modify -u "$U" --live --defined --jsonfile "$TMP/m-bad.json"
	refused modify-live-defined-bad-refused "refusing to live-modify $U: vslice/max_resolution = \"99999x99999\" is out of range"
	expect modify-live-defined-bad-device-kept "$dev_before" "$(device_attrs)"
	check modify-live-defined-bad-definition-kept cmp -s "$TMP/def.before" "$ETC/$P/$U"

	if [[ -n $OPEN ]]; then
		dev_before=$(device_attrs)
		mdev_json "$TMP/m-open.json" vslice/owner=lab:ml-open "vslice/max_resolution=$RES1"
		run mdevctl modify -u "$U" --live --jsonfile "$TMP/m-open.json"
		refused modify-live-open-refused "refusing to live-modify $U: vslice/max_resolution cannot change while pid"
		expect modify-live-open-device-kept "$dev_before" "$(device_attrs)"
	else
		skip modify-live-open-refused "$U is not open"
		skip modify-live-open-device-kept "$U is not open"
	fi
	restore
fi

# --- nodedev-define of a type the GPU does not publish (both releases) --------
u=$(cat /proc/sys/kernel/random/uuid)
{
	echo "<device>"
	echo "  <parent>$PND</parent>"
	echo "  <capability type='mdev'>"
	echo "    <type id='nvidia-35'/>"
	echo "    <uuid>$u</uuid>"
	echo "  </capability>"
	echo "</device>"
} >"$TMP/foreign.xml"
run virsh nodedev-define "$TMP/foreign.xml"
refused define-foreign-type-refused "$P publishes no type nvidia-35; it has: vslice-"
check define-foreign-type-not-stored test ! -e "$ETC/$P/$u"

# --- all as it was -------------------------------------------------------------
restore
expect restored-device "$OWNER0 $RES0" "$(device_attrs)"
check restored-definition cmp -s "$TMP/definition.orig" "$ETC/$P/$U"

((failures == 0))
