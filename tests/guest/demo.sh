#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The lab demo: what an admin does with vslice, step by step, with the
# commands shown as they run.
. "$(dirname "$0")/lib.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	echo "# $*"
	sh -c "$*"
}
die() { echo "DEMO FAILED: $*"; exit 1; }

step "Load the mdev core, the VFIO bus driver and the vendor driver; give it both lab GPUs"
# vfio.ko soft-depends on the TYPE1 IOMMU backend; kmod's modprobe loads it,
# busybox's does not.
run "modprobe vfio_iommu_type1" || die "vfio_iommu_type1"
run "modprobe vslice_mdev" || die "vslice_mdev"
run "modprobe vslice_vfio_mdev" || die "vslice_vfio_mdev"
run "modprobe vslice_gpu ids=1234:1111" || die "vslice_gpu"
run "lspci -k 2>/dev/null | grep -A2 1234:1111 || true"

step "Parents (GPUs) that can create vGPUs"
run "ls -l /sys/class/mdev_bus/"

step "vGPU types of each parent"
for g in $GPU0 $GPU1; do
	echo "-- $g"
	for t in "$PCI/$g"/mdev_supported_types/*; do
		printf '  %-12s name="%s" available_instances=%s device_api=%s\n     description: %s\n' \
			"${t##*/}" "$(cat "$t/name")" "$(cat "$t/available_instances")" \
			"$(cat "$t/device_api")" "$(cat "$t/description")"
	done
done

step "Create three vGPUs of mixed types through sysfs"
A=$(new_uuid) B=$(new_uuid) C=$(new_uuid)
run "echo $A > $(type_dir "$GPU0" s64)/create" || die "create $A"
run "echo $B > $(type_dir "$GPU0" s16)/create" || die "create $B"
run "echo $C > $(type_dir "$GPU1" s128)/create" || die "create $C"
run "ls -l /sys/bus/mdev/devices/"
for u in $A $B $C; do
	echo "  $u: type $(basename "$(readlink "$MDEVS/$u/mdev_type")"), parent $(basename "$(readlink -f "$MDEVS/$u/..")"), iommu group $(basename "$(readlink "$MDEVS/$u/iommu_group")")"
done
echo "  available now on $GPU0: $(avail_all "$GPU0")"
echo "  available now on $GPU1: $(avail_all "$GPU1")"

step "A create that does not fit is refused and changes nothing"
echo "# echo \$(uuid) > $(type_dir "$GPU1" s16)/create"
echo "  -> $(sysfs-write "$(type_dir "$GPU1" s16)/create" "$(new_uuid)") (GPU1 is full)"

step "Open vGPU $A the way QEMU does: container, group, SET_IOMMU, GET_DEVICE_FD"
run "vfio-open $A" || die "vfio-open"

step "Remove the vGPUs"
for u in $A $B $C; do
	run "echo 1 > $MDEVS/$u/remove" || die "remove $u"
done
run "ls /sys/bus/mdev/devices/ | wc -l"
echo "  available now on $GPU0: $(avail_all "$GPU0")"

step "Unload"
run "rmmod vslice_gpu vslice_vfio_mdev vslice_mdev" || die "rmmod"
echo
echo "DEMO OK"
