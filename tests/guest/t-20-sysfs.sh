#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every sysfs attribute and link of the mdev ABI, on both parents.
SUITE=sysfs
. "$(dirname "$0")/lib.sh"

check load load_stack

# GPU, VRAM in MiB, the types it must publish.
for spec in "$GPU0 256 s16 s32 s64 s128 s256" "$GPU1 128 s16 s32 s64 s128"; do
	# shellcheck disable=SC2086
	set -- $spec
	gpu=$1 vram=$2
	shift 2
	p=$gpu
	expect "$p/class-link" "$(readlink -f "$PCI/$gpu")" \
		"$(readlink -f "/sys/class/mdev_bus/$gpu")"
	want=$(for t in "$@"; do echo "vslice-$t"; done | sort | tr '\n' ' ')
	got=$(ls "$PCI/$gpu/mdev_supported_types" | sort | tr '\n' ' ')
	expect "$p/types" "$want" "$got"

	for t in "$@"; do
		d=$(type_dir "$gpu" "$t")
		mib=${t#s}
		expect "$p/$t/name" "vslice S$mib" "$(cat "$d/name")"
		expect "$p/$t/device_api" vfio-pci "$(cat "$d/device_api")"
		expect "$p/$t/available_instances" $((vram / mib)) "$(cat "$d/available_instances")"
		case "$(cat "$d/description")" in
		"framebuffer=${mib}M, max_instance=$((vram / mib)), "*) pass "$p/$t/description" ;;
		*) fail "$p/$t/description" "got '$(cat "$d/description")'" ;;
		esac
		expect "$p/$t/create-mode" "--w-------" "$(ls -l "$d/create" | cut -c1-10)"
		expect "$p/$t/available-mode" "-r--r--r--" "$(ls -l "$d/available_instances" | cut -c1-10)"
		check "$p/$t/devices-empty" test -d "$d/devices" -a -z "$(ls "$d/devices")"
		expect "$p/$t/available-read-only" EACCES \
			"$(sysfs-write "$d/available_instances" 1)"
	done
done

# One instance: its directory, links, driver, IOMMU group, and the counts.
u=$(new_uuid)
d=$(type_dir "$GPU0" s16)
check create create "$GPU0" s16 "$u"
check mdev-dir test -d "$MDEVS/$u"
expect mdev-parent "$(readlink -f "$PCI/$GPU0")" "$(readlink -f "$MDEVS/$u/..")"
expect mdev_type-link "$(readlink -f "$d")" "$(readlink -f "$MDEVS/$u/mdev_type")"
expect devices-link "$(readlink -f "$MDEVS/$u")" "$(readlink -f "$d/devices/$u")"
expect subsystem /sys/bus/mdev "$(readlink -f "$MDEVS/$u/subsystem")"
expect driver /sys/bus/mdev/drivers/vfio_mdev "$(readlink -f "$MDEVS/$u/driver")"
expect remove-attr-mode "--w-------" "$(ls -l "$MDEVS/$u/remove" | cut -c1-10)"
grp=$(readlink "$MDEVS/$u/iommu_group")
check iommu_group test -n "$grp" -a -c "/dev/vfio/${grp##*/}"
check vfio-dev test -d "$MDEVS/$u/vfio-dev"
# A 16 MiB slice at the start of 256 MiB leaves every larger aligned
# block but the first free.
expect mixed-counts "vslice-s128=1 vslice-s16=15 vslice-s256=0 vslice-s32=7 vslice-s64=3 " \
	"$(avail_all "$GPU0")"
expect other-gpu-untouched "vslice-s128=1 vslice-s16=8 vslice-s32=4 vslice-s64=2 " \
	"$(avail_all "$GPU1")"

# Upper-case UUIDs are accepted; the device is named in lower case.
U=$(new_uuid | tr a-f A-F)
l=$(echo "$U" | tr A-F a-f)
check create-uppercase create "$GPU1" s32 "$U"
check uppercase-named-lowercase test -d "$MDEVS/$l"
check uppercase-not-named-uppercase gone "$MDEVS/$U"

# Without a trailing newline too.
n=$(new_uuid)
expect create-no-newline OK "$(sysfs-write "$d/create" "$n")"
check remove-no-newline remove "$n"

check remove remove "$u"
check removed-dir gone "$MDEVS/$u"
check removed-link gone "$d/devices/$u"
check removed-group gone "/dev/vfio/${grp##*/}"
expect counts-restored "vslice-s128=2 vslice-s16=16 vslice-s256=1 vslice-s32=8 vslice-s64=4 " \
	"$(avail_all "$GPU0")"
check remove-uppercase remove "$l"
expect no-mdevs-left 0 "$(nr_mdevs)"

check unload unload_stack
