#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the libvirt lab host's initramfs (tests/libvirt/mkimage.sh):
# load the disk and file system drivers of Debian's kernel (modules in
# that kernel), mount the root disk /dev/vda read-write and hand over to
# its systemd.  Messages go to the kernel console; the first serial port
# (the test's results) gets one "vslice-init:" line, which tells
# tests/lab/run-vm.sh that the kernel reached userspace.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

echo "vslice-init: libvirt lab host, kernel $(uname -r)" >/dev/ttyS0

die() {
	echo "host-init: $*" >/dev/console
	sleep 1
	poweroff -f
}

while read -r m; do
	modprobe "$m" || die "modprobe $m failed"
done </etc/host-init.modules
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/vda ] || die "no /dev/vda"
mkdir -p /newroot
mount -t ext4 -o rw,noatime /dev/vda /newroot || die "cannot mount /dev/vda"
# /sbin/init is an absolute link into /newroot.
[ -L /newroot/sbin/init ] || [ -x /newroot/sbin/init ] || die "no /sbin/init on /dev/vda"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
