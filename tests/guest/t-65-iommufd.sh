#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vGPU through the iommufd device-centric VFIO flow, as QEMU's iommufd
# backend opens it (vfio-cdev.c): the device cdev /dev/vfio/devices/vfioN
# bound to /dev/iommu.  Then the instances go, leaving nothing behind.
SUITE=iommufd
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Group nodes under /dev/vfio (all but the container and the cdev dir).
nr_groups() {
	_n=0
	for _g in /dev/vfio/*; do
		case "${_g##*/}" in
		vfio | devices | "*") ;;
		*) _n=$((_n + 1)) ;;
		esac
	done
	echo "$_n"
}

check load load_stack
before=$(avail_all "$GPU1")
a=$(new_uuid) b=$(new_uuid)
check create-a create "$GPU1" s16 "$a"
check create-b create "$GPU1" s16 "$b"

# Debian's 6.12 has CONFIG_IOMMUFD unset, hence no VFIO_DEVICE_CDEV.  The
# vfio-dev class device exists without the cdev too; only its node does not.
cdev=$(ls "$MDEVS/$a/vfio-dev" 2>/dev/null)
missing=
if ! [ -c /dev/iommu ]; then
	missing="no /dev/iommu (kernel without CONFIG_IOMMUFD)"
elif [ -z "$cdev" ] || ! [ -c "/dev/vfio/devices/$cdev" ]; then
	missing="no /dev/vfio/devices/ node for the mdev (kernel without CONFIG_VFIO_DEVICE_CDEV)"
fi
if [ -n "$missing" ]; then
	skip cdev-flow "$missing"
	check unload unload_stack
	exit 0
fi

client vfio-cdev "$SUITE" "$a" "$GPU1" "$b"

# With the cdev closed nothing holds the device: removal is immediate and
# takes the cdev, the group and the slice with it.
expect vendor-unpinned-after-close 0 "$(cat /sys/module/vslice_gpu/refcnt)"
check remove-after-cdev-close remove "$a"
check cdev-node-gone test ! -e "/dev/vfio/devices/$cdev"
check cdev-class-device-gone gone "/sys/class/vfio-dev/$cdev"
check remove-b remove "$b"
expect no-mdevs-left 0 "$(nr_mdevs)"
expect no-cdevs-left 0 "$(find /dev/vfio/devices -mindepth 1 2>/dev/null | wc -l)"
expect no-groups-left 0 "$(nr_groups)"
expect slices-freed "$before" "$(avail_all "$GPU1")"
check unload unload_stack
