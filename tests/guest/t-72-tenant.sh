#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The tenant boundary: memory decode and power states as on a real
# function; what one user wrote (VRAM, mode, interrupts) is gone for the
# next user of a persistent vGPU; a remove that races its own create.
SUITE=tenant
. "$(dirname "$0")/lib.sh"

check load load_stack
# The whole 256 MiB GPU in one slice, and a 64 MiB slice of the other.
a=$(new_uuid) b=$(new_uuid)
check create-s256 create "$GPU0" s256 "$a"
check create-s64 create "$GPU1" s64 "$b"
client tenant-check "$SUITE/s256" "$a"
client tenant-check "$SUITE/s64" "$b"
check remove-s256 remove "$a"
check remove-s64 remove "$b"

before=$(avail_all "$GPU1")
client create-race "$SUITE" "$(type_dir "$GPU1" s16)" 40
expect race-counts-restored "$before" "$(avail_all "$GPU1")"
expect race-no-mdev-left 0 "$(nr_mdevs)"
check unload unload_stack
