#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Module loading, the bus and class, and how GPUs are given to the driver.
SUITE=load
. "$(dirname "$0")/lib.sh"

check vfio-available modprobe vfio_iommu_type1
check core-loads modprobe vslice_mdev
check bus-mdev test -d /sys/bus/mdev/devices
check class-mdev_bus test -d /sys/class/mdev_bus
check busdrv-loads modprobe vslice_vfio_mdev
check busdrv-registered test -d /sys/bus/mdev/drivers/vfio_mdev

# Without ids= or driver_override the driver takes nothing.
check vendor-loads modprobe vslice_gpu
check vendor-takes-nothing test ! -e "$PCI/$GPU0/driver" -a ! -e "$PCI/$GPU1/driver"
expect no-parent-without-consent 0 "$(ls /sys/class/mdev_bus | wc -l)"

# driver_override gives one GPU to the driver, the way vfio-pci does it.
echo vslice > "$PCI/$GPU0/driver_override"
echo "$GPU0" > /sys/bus/pci/drivers_probe
expect driver_override-binds "$DRV" "$(readlink -f "$PCI/$GPU0/driver")"
check driver_override-other-untouched test ! -e "$PCI/$GPU1/driver"
check driver_override-parent test -d "$PCI/$GPU0/mdev_supported_types"
echo "$GPU0" > "$DRV/unbind"
echo > "$PCI/$GPU0/driver_override"
check unbind-withdraws-parent test ! -e "$PCI/$GPU0/mdev_supported_types"
rmmod vslice_gpu

# ids= adds dynamic IDs, as vfio-pci's ids= does.
check ids-loads modprobe vslice_gpu ids=1234:1111
expect ids-binds-gpu0 "$DRV" "$(readlink -f "$PCI/$GPU0/driver")"
expect ids-binds-gpu1 "$DRV" "$(readlink -f "$PCI/$GPU1/driver")"
rmmod vslice_gpu

mark
if modprobe vslice_gpu ids=12g4:1111 2>/dev/null; then
	fail ids-malformed-refused "module loaded"
	rmmod vslice_gpu
else
	pass ids-malformed-refused
fi
check ids-malformed-logged logged "ids: \"12g4:1111\" is not vendor:device"
mark
check ids-trailing-junk-refused sh -c '! modprobe vslice_gpu ids=1234:1111x 2>/dev/null'
check ids-trailing-junk-logged logged "ids: \"1234:1111x\" is not vendor:device"
check ids-too-many-fields-refused sh -c '! modprobe vslice_gpu ids=1234:1111:0:0:0:0:0 2>/dev/null'
check ids-no-device-refused sh -c '! modprobe vslice_gpu ids=1234 2>/dev/null'

# A device that is not the lab GPU is refused even when handed over.
other=$(for d in "$PCI"/*; do
	[ "$(cat "$d/vendor")" != 0x1234 ] && [ ! -e "$d/driver" ] && echo "${d##*/}" && break
done)
if [ -n "$other" ]; then
	modprobe vslice_gpu
	echo vslice > "$PCI/$other/driver_override"
	echo "$other" > /sys/bus/pci/drivers_probe 2>/dev/null
	check foreign-device-refused test ! -e "$PCI/$other/driver"
	echo > "$PCI/$other/driver_override"
	rmmod vslice_gpu
else
	skip foreign-device-refused "no unbound non-GPU PCI device"
fi

# The in-tree mdev.ko and vslice's core are mutually exclusive, and each
# refusal says why.  (Busybox has an "mdev" applet: look for the module.)
intree=$(find /lib/modules/"$(uname -r)"/kernel -name 'mdev.ko*' | head -n 1)
if [ -n "$intree" ]; then
	mark
	if insmod "$intree" 2>/dev/null; then
		fail intree-mdev-refused-while-loaded "mdev.ko loaded beside vslice_mdev"
		rmmod mdev
	else
		pass intree-mdev-refused-while-loaded
	fi
	check intree-mdev-refusal-is-the-bus logged "duplicate filename '/bus/mdev'"
	rmmod vslice_vfio_mdev
	rmmod vslice_mdev
	if insmod "$intree"; then
		mark
		if modprobe vslice_mdev 2>/dev/null; then
			fail core-refused-beside-intree-mdev "loaded beside mdev.ko"
			rmmod vslice_mdev
		else
			pass core-refused-beside-intree-mdev
		fi
		check core-refusal-explained logged "the in-tree mdev module (or another mdev core) is loaded"
		rmmod mdev
	else
		fail core-refused-beside-intree-mdev "mdev.ko does not load alone"
	fi
	check core-loads-after-intree-unload modprobe vslice_mdev
else
	skip intree-mdev-refused-while-loaded "kernel has no mdev.ko"
	skip core-refused-beside-intree-mdev "kernel has no mdev.ko"
fi

check unload-all unload_stack
check bus-gone-after-unload test ! -e /sys/bus/mdev
