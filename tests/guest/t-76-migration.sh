#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VFIO migration v2 between vGPUs (tests/guest/mig-check.c): the
# features, a live move with pre-copy from X to Y of the same type and
# the comparison of everything the guest sees, refused loads (another
# type Z, truncated, corrupted, over-long streams) that leave the
# destination usable, every arc of the state machine, a stop-copy-only
# move back, and stale data fds.  W is created while the module's
# precopy parameter is N and must lack PRE_COPY.
SUITE=migration
. "$(dirname "$0")/lib.sh"

check load load_stack
before=$(avail_all "$GPU0")
x=$(new_uuid) y=$(new_uuid) z=$(new_uuid) w=$(new_uuid)
check create-x create "$GPU0" s16 "$x"
check create-y create "$GPU0" s16 "$y"
check create-z create "$GPU0" s32 "$z"

# precopy is read when a vGPU is created: W keeps N after it is back at Y.
P=/sys/module/vslice_gpu/parameters/precopy
if [ -w "$P" ]; then
	echo N >"$P"
	check create-w-no-precopy create "$GPU0" s16 "$w"
	echo Y >"$P"
	expect precopy-restored Y "$(get "$P")"
else
	fail create-w-no-precopy "no writable $P"
	fail precopy-restored "no $P"
fi

# X offers the guest less than Y: Y showing X's EDID after the move
# proves the EDID came with the state (the destination may offer more).
expect x-max-resolution OK "$(sysfs-write "$MDEVS/$x/vslice/max_resolution" "1280x1024\n")"

client mig-check "$SUITE" "$x" "$y" "$z" "$w"

# Every vGPU goes away: no open data fd or half-loaded state keeps one.
for v in x:"$x" y:"$y" z:"$z" w:"$w"; do
	u=${v#*:}
	[ -e "$MDEVS/$u" ] || continue
	expect "remove-${v%%:*}" OK "$(timeout 60 sysfs-write "$MDEVS/$u/remove" 1)"
done
expect nothing-left 0 "$(nr_mdevs)"
expect capacity-back "$before" "$(avail_all "$GPU0")"
check unload unload_stack
