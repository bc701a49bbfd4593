#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# No host path waits on a VMM (issue 12): while a trapped register access
# or a BAR0 region access hangs on a user page that never arrives
# (userfaultfd), every vslice/ attribute, VFIO_DEVICE_RESET, the mdevctl
# callout and create/remove on the same GPU answer within a second; a
# whole-BAR0 read or write of the biggest type is killable; a region
# access that fails part-way returns the bytes done; and while a slice is
# cleared after its last user closed, other vGPUs of the GPU open, close,
# come and go in their usual time.  The checks are in stall-check.c.
SUITE=stall
. "$(dirname "$0")/lib.sh"

CALLOUT=/usr/lib/mdevctl/scripts.d/callouts/vslice
[ -x "$CALLOUT" ] || CALLOUT=-

# bounded NAME SECONDS CMD...: CMD must finish within SECONDS and succeed.
# A command stuck in the kernel is left behind rather than waited for.
bounded() {
	_name=$1 _secs=$2
	shift 2
	"$@" >/dev/null 2>&1 &
	_pid=$!
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt $((_secs * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$_pid" 2>/dev/null; then
		fail "$_name" "still running after $_secs s: $*"
		return 1
	fi
	if wait "$_pid"; then pass "$_name"; else fail "$_name" "failed: $*"; fi
}

# The largest type of a GPU, by the framebuffer size in its description.
biggest_type() {
	for _t in "$PCI/$1"/mdev_supported_types/*; do
		_mib=$(sed -n 's/^framebuffer=\([0-9]*\)M.*/\1/p' "$_t/description")
		echo "${_mib:-0} ${_t##*/vslice-}"
	done | sort -n | tail -n 1 | cut -d' ' -f2
}

check load load_stack
s16=$(type_dir "$GPU0" s16)

# --- accesses that hang on a missing user page, and part-way failures
u=$(new_uuid)
check create-hang-device create "$GPU0" s64 "$u"
check set-owner sh -c "echo lab:t77 >$MDEVS/$u/vslice/owner"
client stall-check "$SUITE" partial "$u"
client stall-check "$SUITE" hang "$u" "$s16" "$CALLOUT"
bounded remove-after-hang 10 remove "$u"

# --- a whole-BAR0 copy of the biggest type is killable
big=$(biggest_type "$GPU0")
echo "stall: the biggest type of $GPU0 is vslice-$big"
k=$(new_uuid)
check create-biggest create "$GPU0" "$big" "$k"
client stall-check "$SUITE" kill "$k"
bounded remove-after-kill 10 remove "$k"

# --- clearing a slice holds up no other vGPU of the GPU: X is half the
# GPU so that Y and the instances created and removed fit beside it.
x=$(new_uuid) y=$(new_uuid)
check create-x create "$GPU0" s128 "$x"
check create-y create "$GPU0" s16 "$y"
client stall-check "$SUITE" isolate "$x" "$y" "$s16"
bounded remove-x 30 remove "$x"
bounded remove-y 10 remove "$y"

check unload unload_stack
pass end
