#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The tenant boundary: memory decode and power states as on a real
# function; what one user wrote (VRAM, mode, interrupts) is gone for the
# next user of a persistent vGPU; a remove that races its own create;
# the scrubber that zeroes free VRAM in the background, and placement on
# clean blocks.
SUITE=tenant
. "$(dirname "$0")/lib.sh"

check load load_stack
# The whole 256 MiB GPU in one slice, and a 64 MiB slice of the other.
a=$(new_uuid) b=$(new_uuid)
check create-s256 create "$GPU0" s256 "$a"
check create-s64 create "$GPU1" s64 "$b"
waits=$(cat "$PCI/$GPU0/vslice/vram_clear_waits")
client tenant-check "$SUITE/s256" "$a"
# Its next opens came right after a close of a written slice: they
# waited for the clear, and the GPU counted them.
w=$(cat "$PCI/$GPU0/vslice/vram_clear_waits")
if [ "$w" -gt "$waits" ] 2>/dev/null; then pass clear-waits-counted; else
	fail clear-waits-counted "vslice/vram_clear_waits went from $waits to $w over two reopens of a just-closed slice"; fi
client tenant-check "$SUITE/s64" "$b"
check remove-s256 remove "$a"
check remove-s64 remove "$b"

before=$(avail_all "$GPU1")
client create-race "$SUITE" "$(type_dir "$GPU1" s16)" 40
expect race-counts-restored "$before" "$(avail_all "$GPU1")"
expect race-no-mdev-left 0 "$(nr_mdevs)"
# The scrubber of GPU0 (no instance left on it); unloads vslice_gpu.
client tenant-check "$SUITE/scrub" --scrub "$GPU0"
check unload unload_stack
