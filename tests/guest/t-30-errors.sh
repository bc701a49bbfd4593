#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every error of create and remove: the errno, a log line, and nothing
# left behind.
SUITE=errors
. "$(dirname "$0")/lib.sh"

check load load_stack
before0=$(avail_all "$GPU0")
before1=$(avail_all "$GPU1")
c0=$(type_dir "$GPU0" s16)/create
c1=$(type_dir "$GPU1" s16)/create

# Malformed UUIDs: EINVAL, a log line, no device.
u=$(new_uuid)
mark
expect einval-short EINVAL "$(sysfs-write "$c0" "${u%?}")"
expect einval-long EINVAL "$(sysfs-write "$c0" "${u}0")"
expect einval-two-newlines EINVAL "$(sysfs-write "$c0" "$u\n\n")"
expect einval-trailing-space EINVAL "$(sysfs-write "$c0" "$u ")"
expect einval-not-hex EINVAL "$(sysfs-write "$c0" "$(echo "$u" | sed 's/./g/1')")"
expect einval-dash-moved EINVAL "$(sysfs-write "$c0" "$(echo "$u" | sed 's/-/x/1; s/^\(.\)/-/')")"
expect einval-no-dashes EINVAL "$(sysfs-write "$c0" "$(echo "$u" | tr -d -)0000")"
expect einval-embedded-nul EINVAL "$(sysfs-write "$c0" "$(echo "$u" | cut -c1-20)\\0$(echo "$u" | cut -c22-)")"
expect einval-empty EINVAL "$(sysfs-write "$c0" "\n")"
check einval-logged logged "create: not a UUID"
expect einval-nothing-left 0 "$(nr_mdevs)"

# Duplicate UUID, on the same parent and on the other one: EEXIST.
check dup-first create "$GPU0" s16 "$u"
mark
expect eexist-same-parent EEXIST "$(sysfs-write "$c0" "$u")"
expect eexist-other-parent EEXIST "$(sysfs-write "$c1" "$u")"
expect eexist-other-case EEXIST "$(sysfs-write "$c1" "$(echo "$u" | tr a-f A-F)")"
check eexist-logged logged "$u already exists"
expect eexist-one-device 1 "$(nr_mdevs)"
check dup-remove remove "$u"

# Remove: bad values are EINVAL and keep the device.
check rm-setup create "$GPU0" s16 "$u"
expect remove-zero EINVAL "$(sysfs-write "$MDEVS/$u/remove" 0)"
expect remove-garbage EINVAL "$(sysfs-write "$MDEVS/$u/remove" yes)"
check remove-bad-kept test -d "$MDEVS/$u"
check rm-cleanup remove "$u"

# No capacity: ENOSPC, logged, and the state is unchanged.
a=$(new_uuid)
check fill-gpu1 create "$GPU1" s128 "$a"
full1=$(avail_all "$GPU1")
expect full-counts "vslice-s128=0 vslice-s16=0 vslice-s32=0 vslice-s64=0 " "$full1"
mark
b=$(new_uuid)
expect enospc-same-type ENOSPC "$(sysfs-write "$(type_dir "$GPU1" s128)/create" "$b")"
expect enospc-small-type ENOSPC "$(sysfs-write "$c1" "$b")"
check enospc-logged logged "create: no room for another vslice-s16"
check enospc-no-device gone "$MDEVS/$b"
expect enospc-state-unchanged "$full1" "$(avail_all "$GPU1")"
# The UUID of a failed create is free again.
check enospc-uuid-reusable create "$GPU0" s16 "$b"
check enospc-cleanup-full remove "$a"
check enospc-cleanup-reused remove "$b"

# Parent going away: while a VM holds an instance, unbinding the GPU
# waits for it; meanwhile the parent refuses creates with ENODEV.
h=$(new_uuid)
check hold-create create "$GPU1" s16 "$h"
vfio-open --hold "$h" > /tmp/hold.out 2>&1 &
holder=$!
i=0
while ! grep -q holding /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check hold-open grep -q holding /tmp/hold.out
mark
echo "$GPU1" > "$DRV/unbind" &
unbinder=$!
i=0
while [ $i -lt 100 ] && ! logged "its user registered no REQ eventfd"; do sleep 0.1; i=$((i + 1)); done
check request-called logged "its user registered no REQ eventfd"
expect enodev-while-unregistering ENODEV "$(sysfs-write "$c1" "$(new_uuid)")"
check enodev-logged logged "create: parent is being unregistered"
check unbind-waits-for-holder kill -0 "$unbinder"
# device_del() drops the bus link first; the device stays under its parent.
check instance-kept-while-open test -d "$PCI/$GPU1/$h"
kill "$holder"
wait "$holder"
wait "$unbinder"
check unregister-removed-instance gone "$MDEVS/$h"
check unregister-removed-parent gone "$PCI/$GPU1/mdev_supported_types"
check unregister-removed-class-link gone "/sys/class/mdev_bus/$GPU1"
expect gpu0-untouched "$before0" "$(avail_all "$GPU0")"

# Rebinding brings the parent back whole.
echo "$GPU1" > /sys/bus/pci/drivers_probe
expect rebind-counts "$before1" "$(avail_all "$GPU1")"

check unload unload_stack
