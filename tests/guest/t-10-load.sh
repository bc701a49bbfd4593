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
takes_nothing() { gone "$PCI/$GPU0/driver" && gone "$PCI/$GPU1/driver"; }
check vendor-takes-nothing takes_nothing
expect no-parent-without-consent 0 "$(find /sys/class/mdev_bus -mindepth 1 -maxdepth 1 2>&1 | wc -l)"

# driver_override gives one GPU to the driver, the way vfio-pci does it.
echo vslice > "$PCI/$GPU0/driver_override"
echo "$GPU0" > /sys/bus/pci/drivers_probe
expect driver_override-binds "$DRV" "$(readlink -f "$PCI/$GPU0/driver")"
check driver_override-other-untouched gone "$PCI/$GPU1/driver"
check driver_override-parent test -d "$PCI/$GPU0/mdev_supported_types"
echo "$GPU0" > "$DRV/unbind"
echo > "$PCI/$GPU0/driver_override"
check unbind-withdraws-parent gone "$PCI/$GPU0/mdev_supported_types"
rmmod vslice_gpu

# ids= adds dynamic IDs, as vfio-pci's ids= does.
check ids-loads modprobe vslice_gpu ids=1234:1111
expect ids-binds-gpu0 "$DRV" "$(readlink -f "$PCI/$GPU0/driver")"
expect ids-binds-gpu1 "$DRV" "$(readlink -f "$PCI/$GPU1/driver")"
rmmod vslice_gpu

# Each refusal counts only with its log line: a modprobe that fails for
# another reason (module missing, a dependency) is no refusal of ids=.
for ids in 12g4:1111 1234:1111x 1234:1111:0:0:0:0:0 1234; do
	case $ids in
	12g4:1111) n=malformed ;;
	1234:1111x) n=trailing-junk ;;
	1234) n=no-device ;;
	*) n=too-many-fields ;;
	esac
	refused_logged "ids-$n-refused" "ids: \"$ids\" is not vendor:device" \
		modprobe vslice_gpu ids="$ids" && rmmod vslice_gpu
done

# A device that is not the lab GPU is refused even when handed over.
other=$(for d in "$PCI"/*; do
	[ "$(cat "$d/vendor")" != 0x1234 ] && [ ! -e "$d/driver" ] && echo "${d##*/}" && break
done)
if [ -n "$other" ]; then
	modprobe vslice_gpu
	echo vslice > "$PCI/$other/driver_override"
	mark
	echo "$other" > /sys/bus/pci/drivers_probe 2>/dev/null
	# Not bound, and because vslice's probe looked at it and said no.
	check foreign-device-refused gone "$PCI/$other/driver"
	check foreign-device-refusal-logged logged "is not a supported GPU"
	echo > "$PCI/$other/driver_override"
	rmmod vslice_gpu
else
	skip foreign-device-refused "no unbound non-GPU PCI device"
	skip foreign-device-refusal-logged "no unbound non-GPU PCI device"
fi

# The in-tree mdev.ko and vslice's core are mutually exclusive, and each
# refusal says why.  (Busybox has an "mdev" applet: look for the module.)
intree=$(find /lib/modules/"$(uname -r)"/kernel -name 'mdev.ko*' | head -n 1)
if [ -n "$intree" ]; then
	refused_logged intree-mdev-refused-while-loaded "duplicate filename '/bus/mdev'" \
		insmod "$intree" && rmmod mdev
	rmmod vslice_vfio_mdev
	rmmod vslice_mdev
	if insmod "$intree"; then
		refused_logged core-refused-beside-intree-mdev \
			"the in-tree mdev module (or another mdev core) is loaded" \
			modprobe vslice_mdev && rmmod vslice_mdev
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
check bus-gone-after-unload gone /sys/bus/mdev
