#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# 200 create/remove cycles over both parents and every type: nothing
# leaks, and available_instances comes back to where it started.
SUITE=cycles
. "$(dirname "$0")/lib.sh"

check load load_stack
start0=$(avail_all "$GPU0")
start1=$(avail_all "$GPU1")
errors=0
i=0
while [ $i -lt 200 ]; do
	case $((i % 4)) in
	0) t=s16 ;; 1) t=s32 ;; 2) t=s64 ;; 3) t=s128 ;;
	esac
	if [ $((i % 2)) = 0 ]; then g=$GPU0; else g=$GPU1; fi
	u=$(new_uuid)
	if ! create "$g" "$t" "$u" || ! remove "$u"; then
		errors=$((errors + 1))
	fi
	i=$((i + 1))
done
expect 200-cycles-no-error 0 "$errors"
expect 200-cycles-gpu0-counts "$start0" "$(avail_all "$GPU0")"
expect 200-cycles-gpu1-counts "$start1" "$(avail_all "$GPU1")"
expect 200-cycles-no-device 0 "$(nr_mdevs)"
expect 200-cycles-no-links 0 "$(find "$PCI/$GPU0"/mdev_supported_types/*/devices "$PCI/$GPU1"/mdev_supported_types/*/devices -mindepth 1 2>&1 | wc -l)"

# Mixed live instances: fill GPU0 with a mix, check exact counts against
# an independent count of free aligned blocks, then drain.
a=$(new_uuid) b=$(new_uuid) c=$(new_uuid) d=$(new_uuid)
create "$GPU0" s64 "$a" && create "$GPU0" s16 "$b" && create "$GPU0" s32 "$c" && create "$GPU0" s128 "$d"
# s64 at 0-63, s16 in 64-79 (best fit beside the s64), s32 at 96-127
# (best fit in the half-used 64-127), s128 at 128-255.
expect mixed-live-counts "vslice-s128=0 vslice-s16=1 vslice-s256=0 vslice-s32=0 vslice-s64=0 " \
	"$(avail_all "$GPU0")"
for u in $a $b $c $d; do remove "$u"; done
expect mixed-drained "$start0" "$(avail_all "$GPU0")"

check unload unload_stack
