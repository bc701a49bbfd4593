#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vGPU as a VFIO PCI device: BAR0 is its VRAM slice, mapped straight onto the parent's
# VRAM, bounded to the slice, and cleared for a new instance.
SUITE=device
. "$(dirname "$0")/lib.sh"

check load load_stack
a=$(new_uuid) b=$(new_uuid)
check create-a create "$GPU0" s32 "$a"
check create-b create "$GPU0" s32 "$b"
expect placement-a 0x0 "$(cat "$MDEVS/$a/vslice/vram_offset")"
expect placement-b 0x2000000 "$(cat "$MDEVS/$b/vslice/vram_offset")"
expect size-attr $((32 << 20)) "$(cat "$MDEVS/$a/vslice/vram_size")"
client bar0-check "$SUITE" "$a" "$GPU0" "$b"
# BAR2, config space and reset of the same device (s32: 1920x1200 max).
client mmio-check "$SUITE" "$b" 1920

# The slice of a removed instance is cleared before a new one gets it.
check remove-a remove "$a"
c=$(new_uuid)
check create-c-same-place create "$GPU0" s32 "$c"
expect reuses-slice 0x0 "$(cat "$MDEVS/$c/vslice/vram_offset")"
client bar0-check "$SUITE" "$c" --zero
check unload unload_stack
