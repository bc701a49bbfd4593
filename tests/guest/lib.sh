# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the in-guest tests.  Every check prints one protocol line
# (see tests/README.md); SUITE names the suite.

GPU0=0000:00:04.0	# 256 MiB of VRAM
GPU1=0000:00:05.0	# 128 MiB of VRAM
PCI=/sys/bus/pci/devices
MDEVS=/sys/bus/mdev/devices
DRV=/sys/bus/pci/drivers/vslice

pass() { echo "VSLICE-RESULT: PASS $SUITE/$1"; }
fail() { echo "VSLICE-RESULT: FAIL $SUITE/$1: $2"; }
skip() { echo "VSLICE-RESULT: SKIP $SUITE/$1: $2"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	_name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$_name"; else fail "$_name" "failed: $*"; fi
}

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# expect_errno NAME ERRNO PATH DATA: a write of DATA to PATH fails with ERRNO.
expect_errno() {
	expect "$1" "$2" "$(sysfs-write "$3" "$4")"
}

new_uuid() { cat /proc/sys/kernel/random/uuid; }

type_dir() { echo "$PCI/$1/mdev_supported_types/vslice-$2"; }

avail() { cat "$(type_dir "$1" "$2")/available_instances"; }

# create GPU TYPE UUID: create through sysfs, succeeding silently.
create() { [ "$(sysfs-write "$(type_dir "$1" "$2")/create" "$3")" = OK ]; }

remove() { [ "$(sysfs-write "$MDEVS/$1/remove" 1)" = OK ]; }

# All availability counts of a GPU on one line, to compare states.
avail_all() {
	for _t in "$PCI/$1"/mdev_supported_types/*; do
		printf '%s=%s ' "${_t##*/}" "$(cat "$_t/available_instances")"
	done
}

nr_mdevs() { ls "$MDEVS" 2>/dev/null | wc -l; }

# Load the whole stack and give both lab GPUs to the vendor driver.
load_stack() {
	modprobe vfio_iommu_type1 && modprobe vslice_mdev && modprobe vslice_vfio_mdev &&
		modprobe vslice_gpu ids=1234:1111 &&
		[ -d "$PCI/$GPU0/mdev_supported_types" ] &&
		[ -d "$PCI/$GPU1/mdev_supported_types" ]
}

unload_stack() {
	for _u in "$MDEVS"/*; do
		[ -e "$_u/remove" ] && sysfs-write "$_u/remove" 1 >/dev/null
	done
	rmmod vslice_gpu 2>/dev/null
	rmmod vslice_vfio_mdev 2>/dev/null
	rmmod vslice_mdev 2>/dev/null
	! [ -d /sys/module/vslice_mdev ]
}

# mark: put a marker in the kernel log; logged PATTERN: whether the kernel
# logged PATTERN since the last mark.  (Never "dmesg -c": the lab scans
# the whole log for warnings at the end.)
_mark=0
mark() {
	_mark=$((_mark + 1))
	echo "vslice-test: mark $SUITE $_mark" > /dev/kmsg
}
logged() {
	dmesg | sed -n "/vslice-test: mark $SUITE $_mark\$/,\$p" | grep -q "$1"
}
