#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of tests/lab/nested-boot-loop.sh's lab VM: boots the nested guest
# of /vslice/vmguest again and again with tests/lab/vmguest-boots.sh.
# Kernel command line: nbl.boots=N (default 30), nbl.parallel=P guests at
# a time (default 1), nbl.timeout=SECONDS per boot (default 600),
# nbl.starve=RUN_MS,STOP_MS (vmguest-boots.sh; default: not starved).  Ends
# with "VSLICE-DONE rc=<boots that did not come up>" and powers off.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
# Debian's QEMU loads TCG as a module.
export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
exec </dev/ttyS0 >/dev/ttyS0 2>&1
# run-vm.sh takes this line as "userspace started".
echo "vslice-init: kernel $(uname -r), mode nested-boot-loop"

boots=30 parallel=1 timeout=600 starve=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	nbl.boots=*) boots=${arg#nbl.boots=} ;;
	nbl.parallel=*) parallel=${arg#nbl.parallel=} ;;
	nbl.timeout=*) timeout=${arg#nbl.timeout=} ;;
	nbl.starve=*) starve=$(echo "${arg#nbl.starve=}" | tr , ' ') ;;
	esac
done
# shellcheck disable=SC2086 # $starve is empty or two numbers
/vslice/vmguest-boots.sh /vslice/vmguest "$boots" "$parallel" "$timeout" $starve
echo "VSLICE-DONE rc=$?"
poweroff -f
