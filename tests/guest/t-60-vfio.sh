#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Opening an mdev through the VFIO container/group flow, and what an
# open device pins.
SUITE=vfio
. "$(dirname "$0")/lib.sh"

check load load_stack
u=$(new_uuid)
check create create "$GPU0" s64 "$u"
out=$(vfio-open "$u" 2>&1)
case "$out" in
*" pci reset regions=11 irqs=5") pass open-get-info ;;
*) fail open-get-info "$out" ;;
esac
# Config space through the device fd: what bochs-drm binds to, a VGA
# class, and BAR0 sized to the slice.
case "$out" in
*"config=1234:1111 class=030000 bar0_size=64 MiB config_size=256"*) pass config-region ;;
*) fail config-region "$out" ;;
esac

# A second device in its own group opens independently.
v=$(new_uuid)
check create-second create "$GPU1" s16 "$v"
out=$(vfio-open "$v" 2>&1)
case "$out" in
*"bar0_size=16 MiB"*) pass open-second-bar0-is-its-slice ;;
*) fail open-second-bar0-is-its-slice "$out" ;;
esac
check own-groups test "$(readlink "$MDEVS/$u/iommu_group")" != "$(readlink "$MDEVS/$v/iommu_group")"

# While open, the vendor module is pinned (the VFIO core pins only the
# bus driver), so it cannot be unloaded under a VM.
vfio-open --hold "$u" > /tmp/hold.out 2>&1 &
holder=$!
i=0
while ! grep -q holding /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check hold-open grep -q holding /tmp/hold.out
check vendor-refcount test "$(cat /sys/module/vslice_gpu/refcnt)" -ge 1
# delete_module() says EWOULDBLOCK for a module in use; any other failure
# (not loaded, say) proves nothing.
inuse="Resource temporarily unavailable"
refuses vendor-pinned-while-open "$inuse" rmmod vslice_gpu && modprobe vslice_gpu ids=1234:1111
refuses busdrv-pinned-while-open "$inuse" rmmod vslice_vfio_mdev

kill "$holder"
wait "$holder"
expect vendor-unpinned-after-close 0 "$(cat /sys/module/vslice_gpu/refcnt)"

# Removing a device that is not open is immediate; unloading the vendor
# driver removes the instances that are left.
check remove remove "$u"
check rmmod-with-instances rmmod vslice_gpu
check instances-removed-by-rmmod gone "$MDEVS/$v"
check unload unload_stack
