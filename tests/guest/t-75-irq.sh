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
mark
irq-check "$SUITE" "$u"
if logged "SET_IRQS: bad index 5"; then pass refusal-logged; else
	fail refusal-logged "no log line for the SET_IRQS with a bad index"; fi
if logged "removal: asking the device's user to release it"; then pass req-logged; else
	fail req-logged "no log line for the removal request"; fi
expect nothing-left 0 "$(nr_mdevs)"
expect capacity-back "$before" "$(avail_all "$GPU1")"
check unload unload_stack
