#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Allocation failures everywhere: each operation is run again and again
# with its 1st, 2nd, 3rd ... allocation failing (failslab through
# /proc/thread-self/fail-nth, tests/guest/fail-nth.c) until it makes no
# allocation the sweep has not failed yet.  After every failed attempt
# the stack must be as before it (no half device, counts unchanged, the
# GPU fully bound or not at all) and still work; at the end kmemleak must
# find nothing.  Needs CONFIG_FAILSLAB (the test kernel); elsewhere one
# SKIP.
# shellcheck disable=SC2034 # lib.sh reads SUITE
SUITE=faults
. "$(dirname "$0")/lib.sh"

F=/sys/kernel/debug/failslab
KML=/sys/kernel/debug/kmemleak
MAX=2000	# no operation here makes that many allocations

if ! [ -d "$F" ] || ! [ -e /proc/thread-self/fail-nth ]; then
	skip all "no failslab (kernel without CONFIG_FAILSLAB)"
	exit 0
fi
# Fail sleeping (GFP_KERNEL) allocations too, quietly; fail-nth picks
# which one, so probability and interval stay unused.
echo N >"$F/ignore-gfp-wait"
echo N >"$F/cache-filter"
echo 0 >"$F/verbose"
# spare FUNCTION: no allocation made below FUNCTION fails (failslab's
# reject range, one function at a time), for kernel error paths that are
# known broken and not vslice's; everything else on these paths fails.
spare() {
	_range=$(sort /proc/kallsyms | awk -v f="$1" '$3 == f { a = $1; next }
		a && !e && $1 != a { e = $1 } END { if (a && e) print a, e }')
	case "$_range" in
	0000000000000000* | '') return 1 ;;
	esac
	echo "0x${_range% *}" >"$F/reject-start"
	echo "0x${_range#* }" >"$F/reject-end"
}
# The two known ones:
# - vfio_create_group(), for creates: an upstream VFIO bug (drivers/vfio/
#   group.c, 6.12 and mainline alike).  When its dev_set_name() or
#   cdev_device_add() fails, its put_device() reaches vfio_group_release()
#   with group->iommu_group still set (WARN_ON at group.c:538) and the
#   iommu_group reference is never dropped.
# - devtmpfs_delete_node(), for removes: when the node name's allocation
#   fails, device_del() leaves /dev/vfio/N behind; the next VFIO group
#   that gets id N then has no node of its own (devtmpfs finds the stale
#   one), and opening it gives ENXIO.
if ! spare vfio_create_group; then
	skip all "/proc/kallsyms hides vfio_create_group's address (kptr_restrict, or not built in)"
	exit 0
fi
# Leaks from before this suite are not its business.
if [ -w "$KML" ]; then
	echo scan >"$KML"
	echo clear >"$KML"
fi

check load load_stack
tdir=$(type_dir "$GPU0" s16)
before=$(avail "$GPU0" s16)

# sweep NAME STEP: runs "STEP N" for N = 1, 2, ... until it prints
# CLEAN; STEP prints "INJECTED|CLEAN ..." and, when the state after it
# is wrong, "WHY: reason" and returns non-zero.  One result line per
# sweep; how many allocations it went through goes to the log.  A sweep
# in which no failure was injected proved nothing (failslab not
# consulted, the operation allocating nothing): a FAIL.
sweep() {
	_name=$1 _step=$2 _n=1 _bad='' _err=0
	while [ $_n -le $MAX ]; do
		if ! _out=$("$_step" $_n); then
			_bad="allocation $_n: $(echo "$_out" | sed -n 's/^WHY: //p')"
			break
		fi
		case "$_out" in
		CLEAN*) break ;;
		"INJECTED OK"*) ;;
		INJECTED*) _err=$((_err + 1)) ;;
		*) _bad="allocation $_n: fail-nth printed '$_out'"; break ;;
		esac
		_n=$((_n + 1))
	done
	[ $_n -gt $MAX ] && _bad="still injecting after $MAX allocations"
	[ -z "$_bad" ] && [ $_n = 1 ] &&
		_bad="no failure injected: the first attempt already ran clean ($_out)"
	if [ -z "$_bad" ]; then
		pass "$_name"
		echo "faults: $_name: $((_n - 1)) allocations failed one by one, $_err of them failed the operation" >&2
	else
		fail "$_name" "$_bad"
	fi
}

# create: a failure leaves no device, no link and the count as it was;
# a success is a whole device that removes.
u=$(new_uuid)
step_create() {
	_r=$(fail-nth "$1" write "$tdir/create" "$u") || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
	case "$_r" in
	*" OK")
		[ -e "$MDEVS/$u/remove" ] || { echo "WHY: create said OK, no device"; return 1; }
		[ -e "$tdir/devices/$u" ] || { echo "WHY: create said OK, no devices/ link"; return 1; }
		remove "$u" || { echo "WHY: the device it made does not remove"; return 1; }
		;;
	*)
		! [ -e "$MDEVS/$u" ] || { echo "WHY: failed create ($_r) left $MDEVS/$u"; return 1; }
		! [ -e "$tdir/devices/$u" ] || { echo "WHY: failed create ($_r) left a devices/ link"; return 1; }
		;;
	esac
	[ "$(avail "$GPU0" s16)" = "$before" ] ||
		{ echo "WHY: available_instances $(avail "$GPU0" s16), was $before ($_r)"; return 1; }
}
sweep create step_create

# remove: a failure keeps a working device; a success leaves nothing.
step_remove() {
	create "$GPU0" s16 "$u" || { echo "WHY: unarmed create failed"; return 1; }
	_r=$(fail-nth "$1" write "$MDEVS/$u/remove" 1) || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
	case "$_r" in
	*" OK")
		! [ -e "$MDEVS/$u" ] || { echo "WHY: remove said OK, device still there"; return 1; }
		;;
	*)
		[ -e "$MDEVS/$u/remove" ] || { echo "WHY: failed remove ($_r) took the device half away"; return 1; }
		remove "$u" || { echo "WHY: after a failed remove ($_r) it does not remove"; return 1; }
		;;
	esac
	[ "$(avail "$GPU0" s16)" = "$before" ] ||
		{ echo "WHY: available_instances $(avail "$GPU0" s16), was $before ($_r)"; return 1; }
}
spare devtmpfs_delete_node
sweep remove step_remove
spare vfio_create_group

# The lab has no udev to mend what the second known failure above leaves
# when it strikes a failed create's unwinding (vfio_create_group is the
# function spared then): a stale /dev/vfio/N whose device number is no
# longer N's, or one for a group that is gone, which then keeps devtmpfs
# from making the node of the next group N.  Each node is made to match
# /sys/class/vfio/N/dev, as udev would on the group's add event, and a
# group's node that has no group is removed, as udev would on its remove
# event: before a group is opened, and at the end for the suites after
# this one.  What was mended goes to the log.
sync_vfio_nodes() {
	for _n in /dev/vfio/*; do
		case "${_n##*/}" in
		vfio | devices | '*') continue ;;
		esac
		[ -e "/sys/class/vfio/${_n##*/}" ] && continue
		echo "t-95: $_n has no group: removed" >&2
		rm -f "$_n"
	done
	for _d in /sys/class/vfio/*; do
		[ -f "$_d/dev" ] || continue
		_n=/dev/vfio/${_d##*/} _want=$(cat "$_d/dev")
		_have=$(stat -c '%t %T' "$_n" 2>/dev/null) || _have=
		[ -n "$_have" ] && _have=$(printf '%d:%d' "0x${_have% *}" "0x${_have#* }")
		[ "$_have" = "$_want" ] && continue
		echo "t-95: $_n is ${_have:-missing}, its group is $_want: made anew" >&2
		rm -f "$_n"
		mknod "$_n" c "${_want%:*}" "${_want#*:}"
	done
}

# Opening the VFIO device fd: a failure must not leave it counted open
# (a leaked open count would make the remove below wait for ever).
check open-setup create "$GPU0" s16 "$u"
step_open() {
	sync_vfio_nodes
	_r=$(fail-nth "$1" open-device "$u") || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
}
sweep open-device step_open
expect open-then-remove OK "$(timeout 60 sysfs-write "$MDEVS/$u/remove" 1)"

# SET_IRQS with eventfds (INTx trigger, then resample): whatever a
# failure left, the same request without failures works.
check irqs-setup create "$GPU0" s16 "$u"
step_irqs() {
	sync_vfio_nodes
	_r=$(fail-nth "$1" set-irqs "$u") || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
	case "$_r" in
	*" RECOVERED") ;;
	*) echo "WHY: $_r"; return 1 ;;
	esac
}
sweep set-irqs step_irqs
expect irqs-then-remove OK "$(timeout 60 sysfs-write "$MDEVS/$u/remove" 1)"

# Migration (VFIO migration v2): entering PRE_COPY, STOP_COPY and
# RESUMING, and a whole load (RESUMING, the
# stream's writes, RESUMING -> STOP).  A failure gives ENOMEM, no data
# fd, the device still in the state it was in (a load: STOP or
# RESUMING); after a reset the same moves work (fail-nth prints
# RECOVERED).  What the failures allocated and dropped is kmemleak's to
# find below.
check mig-setup create "$GPU0" s16 "$u"
# step_mig N OPERATION ARGS...: one fail-nth migration run.
step_mig() {
	sync_vfio_nodes
	_r=$(fail-nth "$@") || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
	case "$_r" in
	"CLEAN OK RECOVERED" | "INJECTED OK RECOVERED" | "INJECTED ENOMEM RECOVERED") ;;
	*) echo "WHY: $_r"; return 1 ;;
	esac
}
# States: enum vfio_device_mig_state (STOP 1, RUNNING 2, STOP_COPY 3,
# RESUMING 4, PRE_COPY 6).
step_pre_copy() { step_mig "$1" mig-state "$u" 2 6; }
step_stop_copy() { step_mig "$1" mig-state "$u" 1 3; }
step_resuming() { step_mig "$1" mig-state "$u" 1 4; }
step_load() { step_mig "$1" mig-load "$u"; }
sweep mig-pre-copy step_pre_copy
sweep mig-stop-copy step_stop_copy
sweep mig-resuming step_resuming
sweep mig-load step_load
expect mig-then-remove OK "$(timeout 60 sysfs-write "$MDEVS/$u/remove" 1)"

# Binding a GPU (parent registration, types, sysfs): a failure leaves
# the GPU unbound with no types; a success has every type with its full
# count (the test kernel probes each bind twice, DEBUG_TEST_DRIVER_REMOVE,
# so this sweep is the suite's longest: no create per step).
types1=$(avail_all "$GPU1")
check bind-setup-unbind sh -c "echo $GPU1 >$DRV/unbind"
step_bind() {
	_r=$(fail-nth "$1" write "$DRV/bind" "$GPU1") || { echo "WHY: fail-nth: $_r"; return 1; }
	echo "$_r"
	case "$_r" in
	*" OK")
		[ "$(avail_all "$GPU1")" = "$types1" ] ||
			{ echo "WHY: bound with types '$(avail_all "$GPU1")', want '$types1'"; return 1; }
		echo "$GPU1" >"$DRV/unbind" || { echo "WHY: does not unbind"; return 1; }
		;;
	*)
		! [ -e "$PCI/$GPU1/driver" ] || { echo "WHY: failed bind ($_r) left a driver"; return 1; }
		! [ -e "$PCI/$GPU1/mdev_supported_types" ] ||
			{ echo "WHY: failed bind ($_r) left mdev_supported_types"; return 1; }
		;;
	esac
}
sweep bind step_bind
check bind-again sh -c "echo $GPU1 >$DRV/bind && [ -d $PCI/$GPU1/mdev_supported_types ]"
check bind-again-creates create "$GPU1" s16 "$u"
check bind-again-removes remove "$u"

expect nothing-left 0 "$(nr_mdevs)"
sync_vfio_nodes
check unload unload_stack

# Every failure path freed what it had allocated.
if [ -w "$KML" ]; then
	# kmemleak reports an object only once it is old enough (5 s).
	sleep 6
	echo scan >"$KML"
	leaks=$(grep -c '^unreferenced object' "$KML")
	expect no-leaks 0 "$leaks"
	[ "$leaks" = 0 ] || head -n 20 "$KML" >&2
else
	skip no-leaks "no kmemleak in this kernel"
fi
