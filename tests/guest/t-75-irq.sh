#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vGPU's interrupts through VFIO: INTx, MSI and their errors, then
# removal of an open device through the REQ eventfd.
SUITE=irq
. "$(dirname "$0")/lib.sh"

check load load_stack
before=$(avail_all "$GPU1")
u=$(new_uuid)
check create create "$GPU1" s16 "$u"
# A register reset while closed (a new max_resolution) drops the line:
# the next user must not get a stale interrupt.
client irq-check "$SUITE" "$u" --raise-and-close
check closed-resolution-change sh -c "echo 1024x768 > $MDEVS/$u/vslice/max_resolution"
client irq-check "$SUITE" "$u" --quiet-intx
mark
client irq-check "$SUITE" "$u"
if logged "SET_IRQS: bad index 5"; then pass refusal-logged; else
	fail refusal-logged "no log line for the SET_IRQS with a bad index"; fi
if logged "removal: asking the device's user to release it"; then pass req-logged; else
	fail req-logged "no log line for the removal request"; fi
expect nothing-left 0 "$(nr_mdevs)"
expect capacity-back "$before" "$(avail_all "$GPU1")"
check unload unload_stack
