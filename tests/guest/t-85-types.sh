#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vGPU types from the firmware type table (and the fallback when an
# image is bad), exact placement of mixed types against an independent
# count, homogeneous placement, and the per-instance attributes.
SUITE=types
. "$(dirname "$0")/lib.sh"

FW=/lib/firmware/vslice
FW1=$FW/gpu-1234-1111-128m.fw

# key=value from a type's description ("framebuffer=32M, max_instance=8, ...").
# Says so when KEY is missing: a missing KEY and an unreadable attribute
# must not compare equal.
desc() {
	_v=$(tr ',' '\n' <"$(type_dir "$1" "$2")/description" |
		sed -n "s/^ *$3=//p" | sed 's/M$//')
	echo "${_v:-<no $3 in the description>}"
}

# exact GPU VRAM_MIB: every type's available_instances equals the count
# placement-check computes from the live slices alone.
exact() { placement-check "$1" "$2"; }

check load load_stack

# --- The firmware image --------------------------------------------------
expect table-gpu0-from-firmware "firmware vslice/gpu-1234-1111-256m.fw" \
	"$(sed 's/ revision.*//' "$PCI/$GPU0/vslice/type_table")"
expect table-gpu1-from-firmware "firmware vslice/gpu-1234-1111-128m.fw" \
	"$(sed 's/ revision.*//' "$PCI/$GPU1/vslice/type_table")"
d=$(cat "$(type_dir "$GPU0" s32)/description")
case "$d" in
*framebuffer=32M*max_instance=*max_resolution=*class=0x03*)
	pass description-keys ;;
*) fail description-keys "got '$d'" ;;
esac
# num_heads, frl_config and weight described nothing the vGPU does.
case "$d" in
*num_heads=* | *frl_config=* | *weight=*) fail description-no-removed-keys "got '$d'" ;;
*) pass description-no-removed-keys ;;
esac
check unload-for-fw unload_stack

# A corrupted image (one flipped byte: the CRC fails) and a truncated
# one are refused, named in the log, and the built-in types serve.
cp "$FW1" /tmp/good.fw
b=$(od -An -tu1 -j 100 -N 1 "$FW1" | tr -d ' ')
# shellcheck disable=SC2059 # the format is the octal escape itself
printf "\\$(printf %o $((b ^ 1)))" | dd of="$FW1" bs=1 seek=100 conv=notrunc 2>/dev/null
mark
check load-corrupt-crc load_stack
if logged "type table vslice/gpu-1234-1111-128m.fw refused: crc"; then
	pass corrupt-crc-refused-logged
else
	fail corrupt-crc-refused-logged "no 'refused: crc' log line"
fi
expect corrupt-crc-fallback "built-in (vslice/gpu-1234-1111-128m.fw refused)" \
	"$(cat "$PCI/$GPU1/vslice/type_table")"
if [ -d "$(type_dir "$GPU1" s16)" ]; then pass corrupt-crc-types-published; else
	fail corrupt-crc-types-published "no vslice-s16 type after the fallback"; fi
check unload-corrupt unload_stack
head -c 30 /tmp/good.fw >"$FW1"
mark
check load-truncated load_stack
if logged "type table vslice/gpu-1234-1111-128m.fw refused: "; then
	pass truncated-refused-logged
else
	fail truncated-refused-logged "no 'refused' log line"
fi
expect truncated-fallback "built-in (vslice/gpu-1234-1111-128m.fw refused)" \
	"$(cat "$PCI/$GPU1/vslice/type_table")"
check unload-truncated unload_stack
# A format 1.0 image (minor version 0, the CRC made right again: gzip's
# trailer holds the IEEE CRC-32 of its input, here with the CRC field
# zeroed) still applies; its heads, weight and fps_cap (the 1.1 filler,
# all non-zero) are ignored, and the log names them.
cp /tmp/good.fw /tmp/v10.fw
printf '\000' | dd of=/tmp/v10.fw bs=1 seek=6 conv=notrunc 2>/dev/null
printf '\000\000\000\000' | dd of=/tmp/v10.fw bs=1 seek=20 conv=notrunc 2>/dev/null
gzip -c /tmp/v10.fw | tail -c 8 | head -c 4 |
	dd of=/tmp/v10.fw bs=1 seek=20 conv=notrunc 2>/dev/null
cp /tmp/v10.fw "$FW1"
mark
check load-format-1-0 load_stack
if logged "type table vslice/gpu-1234-1111-128m.fw is format 1.0: ignoring heads, weight, fps_cap (retired in format 1.1"; then
	pass format-1-0-retired-fields-logged
else
	fail format-1-0-retired-fields-logged "no 'is format 1.0: ignoring' log line"
fi
expect format-1-0-applied "firmware vslice/gpu-1234-1111-128m.fw" \
	"$(sed 's/ revision.*//' "$PCI/$GPU1/vslice/type_table")"
check unload-format-1-0 unload_stack
cp /tmp/good.fw "$FW1"
check load-restored load_stack
expect restored-from-firmware "firmware vslice/gpu-1234-1111-128m.fw" \
	"$(sed 's/ revision.*//' "$PCI/$GPU1/vslice/type_table")"

# --- Exact placement of mixed types ---------------------------------------
# A fixed pseudo-random walk of creates and removes on GPU1 (128 MiB);
# after every step each type's count must match the independent one
# (tests/guest/placement-check.c).
seed=12345 step=0 bad=''
types=$(for t in "$PCI/$GPU1"/mdev_supported_types/vslice-*; do echo "${t##*/vslice-}"; done)
ntypes=$(echo "$types" | wc -w)
while [ $step -lt 40 ]; do
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	pick=$(((seed >> 8) % ntypes + 1))
	t=$(echo "$types" | tr ' ' '\n' | sed -n "${pick}p")
	live=$(ls "$MDEVS" 2>/dev/null | head -n 1)
	if [ $(((seed >> 4) % 3)) = 0 ] && [ -n "$live" ]; then
		remove "$live" || bad="$bad step$step:remove-failed"
	else
		want=$(placement-check "$GPU1" 128 "vslice-$t")
		r=$(sysfs-write "$(type_dir "$GPU1" "$t")/create" "$(new_uuid)")
		case "$want" in
		'' | *[!0-9]*) bad="$bad step$step:placement-check-said-'$want'" ;;
		esac
		if [ "$want" -gt 0 ] 2>/dev/null && [ "$r" != OK ]; then
			bad="$bad step$step:create-$t:$r"
		elif [ "$want" = 0 ] && [ "$r" != ENOSPC ]; then
			bad="$bad step$step:create-$t-want-ENOSPC:$r"
		fi
	fi
	e=$(exact "$GPU1" 128) || bad="$bad step$step:$e"
	step=$((step + 1))
done
expect mixed-walk-exact "" "$bad"

# Fill up exactly, then a refused create changes nothing.
unload_stack >/dev/null
check load-fill load_stack
for t in s16 s32 s16 s64; do create "$GPU1" "$t" "$(new_uuid)"; done
expect full-layout "0 0 0 0" "$(avail "$GPU1" s16) $(avail "$GPU1" s32) $(avail "$GPU1" s64) $(avail "$GPU1" s128)"
n=$(nr_mdevs)
mark
expect full-create-enospc ENOSPC "$(sysfs-write "$(type_dir "$GPU1" s32)/create" "$(new_uuid)")"
expect full-create-no-half-device "$n" "$(nr_mdevs)"
if logged "create s32: no free naturally aligned 32 MiB block"; then pass enospc-logged; else
	fail enospc-logged "no log line saying why s32 cannot be placed"; fi
if e=$(exact "$GPU1" 128); then pass full-exact; else fail full-exact "$e"; fi

# --- Homogeneous placement ----------------------------------------------
check unload-mixed unload_stack
check load-homogeneous load_stack
expect placement-default mixed "$(cat "$PCI/$GPU0/vslice/placement")"
expect placement-bad-value EINVAL "$(sysfs-write "$PCI/$GPU0/vslice/placement" "both")"
expect placement-unchanged mixed "$(cat "$PCI/$GPU0/vslice/placement")"
expect placement-set OK "$(sysfs-write "$PCI/$GPU0/vslice/placement" "homogeneous\n")"
a=$(new_uuid)
check homogeneous-create create "$GPU0" s16 "$a"
expect homogeneous-other-type-zero 0 "$(avail "$GPU0" s32)"
expect homogeneous-same-type 15 "$(avail "$GPU0" s16)"
mark
expect homogeneous-other-enospc ENOSPC "$(sysfs-write "$(type_dir "$GPU0" s32)/create" "$(new_uuid)")"
if logged "create s32: homogeneous placement and the GPU holds s16 instances"; then
	pass homogeneous-logged
else
	fail homogeneous-logged "no log line naming the placement policy"
fi
if e=$(exact "$GPU0" 256); then pass homogeneous-exact; else fail homogeneous-exact "$e"; fi
expect placement-mixed OK "$(sysfs-write "$PCI/$GPU0/vslice/placement" mixed)"
check mixed-create-s32 create "$GPU0" s32 "$(new_uuid)"
expect placement-busy-with-two-types EBUSY \
	"$(sysfs-write "$PCI/$GPU0/vslice/placement" homogeneous)"
expect placement-still-mixed mixed "$(cat "$PCI/$GPU0/vslice/placement")"
check unload-homogeneous unload_stack
if modprobe vfio_iommu_type1 && modprobe vslice_mdev && modprobe vslice_vfio_mdev &&
	modprobe vslice_gpu ids=1234:1111 homogeneous=1; then
	expect placement-module-param homogeneous "$(cat "$PCI/$GPU1/vslice/placement")"
else
	fail placement-module-param "modprobe vslice_gpu homogeneous=1 failed"
fi
check unload-param unload_stack

# --- Per-instance attributes ---------------------------------------------
check load-attrs load_stack
u=$(new_uuid)
check attrs-create create "$GPU0" s32 "$u"
A=$MDEVS/$u/vslice
expect owner-default "" "$(get "$A/owner")"
# weight and fps_cap are gone: nothing in the vGPU acted on them.
for f in weight fps_cap; do
	if [ -d "$A" ] && [ ! -e "$A/$f" ]; then pass "$f-removed"; else
		fail "$f-removed" "$A/$f exists (or $A does not)"; fi
done
expect resolution-default "$(desc "$GPU0" s32 max_resolution)" "$(cat "$A/max_resolution")"

expect owner-set OK "$(sysfs-write "$A/owner" "nova:instance-0001@host1\n")"
expect owner-read nova:instance-0001@host1 "$(cat "$A/owner")"
mark
expect owner-space-einval EINVAL "$(sysfs-write "$A/owner" "two words")"
expect owner-nul-einval EINVAL "$(sysfs-write "$A/owner" 'a\0b')"
expect owner-long-einval EINVAL \
	"$(sysfs-write "$A/owner" "$(printf '%070d' 0)")"
expect owner-unchanged nova:instance-0001@host1 "$(cat "$A/owner")"
if logged "owner: \"two words\" is not"; then pass owner-logged; else
	fail owner-logged "no log line for the bad owner"; fi

expect resolution-set OK "$(sysfs-write "$A/max_resolution" "1280x720\n")"
expect resolution-read 1280x720 "$(cat "$A/max_resolution")"
expect resolution-above-type-einval EINVAL "$(sysfs-write "$A/max_resolution" 7680x4320)"
expect resolution-garbage-einval EINVAL "$(sysfs-write "$A/max_resolution" 1280*720)"
expect resolution-unchanged 1280x720 "$(cat "$A/max_resolution")"

# While a VM holds the device: live-safe attributes change, the
# resolution limit does not.
vfio-open --hold "$u" >/tmp/hold.out 2>&1 &
hold=$!
i=0
while [ $i -lt 50 ] && ! grep -q holding /tmp/hold.out; do sleep 0.1; i=$((i + 1)); done
if grep -q holding /tmp/hold.out; then pass held-open; else fail held-open "$(cat /tmp/hold.out)"; fi
mark
expect open-resolution-ebusy EBUSY "$(sysfs-write "$A/max_resolution" 1024x768)"
expect open-resolution-unchanged 1280x720 "$(cat "$A/max_resolution")"
if logged "max_resolution: the device is open"; then pass ebusy-logged; else
	fail ebusy-logged "no log line for the refused live change"; fi
expect open-owner-live OK "$(sysfs-write "$A/owner" vm-a)"
kill "$hold"
wait "$hold" 2>/dev/null
expect closed-resolution-set OK "$(sysfs-write "$A/max_resolution" 1024x768)"
expect closed-attrs-kept "vm-a 1024x768" "$(cat "$A/owner") $(cat "$A/max_resolution")"
check unload unload_stack
