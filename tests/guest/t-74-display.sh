#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vGPU's display as a VMM sees it: VFIO_DEVICE_QUERY_GFX_PLANE against
# the modes set through the registers, page flips through the display
# region, the EDID the guest reads and the VFIO EDID region that replaces
# it; the EDID follows max_resolution, and each type's EDID passes
# edid-decode's conformity check.
SUITE=display
. "$(dirname "$0")/lib.sh"

check load load_stack
a=$(new_uuid)
check create-s64 create "$GPU0" s64 "$a"
client display-check "$SUITE" "$a" 2560 1600

# A new maximum, set while the device is closed, is the preferred mode
# of the EDID at the next open.
expect resolution-set OK "$(sysfs-write "$MDEVS/$a/vslice/max_resolution" "1280x1024\n")"
client display-check "$SUITE" "$a" 1280 1024 --edid resolution-1280x1024 /tmp/edid-res.bin
expect resolution-back OK "$(sysfs-write "$MDEVS/$a/vslice/max_resolution" "2560x1600\n")"
client display-check "$SUITE" "$a" 2560 1600 --edid resolution-2560x1600 /tmp/edid-res.bin
check remove-s64 remove "$a"

# Each type at its maximum (GPU0 has room for any one of them).
for t in s16:1280x1024 s32:1920x1200 s64:2560x1600 s128:3840x2160 s256:7680x4320; do
	type=${t%%:*} res=${t#*:}
	u=$(new_uuid)
	if ! create "$GPU0" "$type" "$u"; then
		fail "$type/create" "cannot create a $type vGPU on $GPU0"
		continue
	fi
	client display-check "$SUITE" "$u" "${res%x*}" "${res#*x}" --edid "$type" "/tmp/edid-$type.bin"
	if ! command -v edid-decode >/dev/null 2>&1; then
		skip "$type/edid-decode" "edid-decode is not in the lab image"
	elif [ ! -s "/tmp/edid-$type.bin" ]; then
		fail "$type/edid-decode" "no EDID was saved to check"
	elif out=$(edid-decode --check "/tmp/edid-$type.bin" 2>&1); then
		pass "$type/edid-decode"
	else
		fail "$type/edid-decode" "$(printf '%s\n' "$out" | sed -n '/^Failures:/,$p' | tr '\n' ' ' | head -c 300)"
	fi
	check "$type/remove" remove "$u"
done
check unload unload_stack
