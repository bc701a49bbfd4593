#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The uevents mdevctl and libvirt act on: MDEV_STATE on the parent, and
# add/remove of each mdev.
SUITE=uevents
. "$(dirname "$0")/lib.sh"

modprobe vslice_mdev && modprobe vslice_vfio_mdev && modprobe vslice_gpu
ev=/tmp/uevents.log
uevent-listen > "$ev" &
listener=$!
i=0
while ! grep -q listening "$ev" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

echo vslice > "$PCI/$GPU0/driver_override"
echo "$GPU0" > /sys/bus/pci/drivers_probe
u=$(new_uuid)
create "$GPU0" s32 "$u"
remove "$u"
echo "$GPU0" > "$DRV/unbind"
echo > "$PCI/$GPU0/driver_override"
sleep 0.5
kill "$listener"

devpath=$(readlink -f "$PCI/$GPU0" | sed 's|^/sys||')
got() { grep -q "$1" "$ev"; }
check registered got "^change@$devpath .*MDEV_STATE=registered"
check unregistered got "^change@$devpath .*MDEV_STATE=unregistered"
# Every registration is undone once (a debug kernel with
# DEBUG_TEST_DRIVER_REMOVE binds, unbinds and binds again).
nreg=$(grep -c "MDEV_STATE=registered" "$ev")
nunreg=$(grep -c "MDEV_STATE=unregistered" "$ev")
check registered-balanced test "$nreg" -ge 1 -a "$nreg" = "$nunreg"
check mdev-add got "^add@$devpath/$u .*SUBSYSTEM=mdev"
check mdev-bind got "^bind@$devpath/$u .*DRIVER=vfio_mdev"
check mdev-remove got "^remove@$devpath/$u .*SUBSYSTEM=mdev"
# libvirt's udev backend ignores a device whose DEVTYPE it does not
# know; the in-tree mdev core sends none.  (The events must be there to
# lack it.)
nodevtype() {
	grep -q "@$devpath/$u " "$ev" && ! grep "@$devpath/$u " "$ev" | grep -q DEVTYPE=
}
check mdev-no-devtype nodevtype
# registered comes after the types exist, unregistered after they are gone
# (mdevctl starts devices on "registered").
r=$(grep -n "MDEV_STATE=registered" "$ev" | tail -n 1 | cut -d: -f1)
a=$(grep -n "^add@$devpath/$u " "$ev" | cut -d: -f1)
check registered-before-create test "${r:-0}" -gt 0 -a "${r:-0}" -lt "${a:-0}"

check unload unload_stack
