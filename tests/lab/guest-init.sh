#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the vslice lab initramfs (busybox sh, PID 1).
#
# vslice.mode= on the kernel command line picks what runs:
#   demo   /vslice/guest/demo.sh
#   check  /vslice/guest/run-tests.sh
#   shell  an interactive shell on the serial console (the default)
# Afterwards the kernel log is printed between VSLICE-DMESG-BEGIN and
# VSLICE-DMESG-END, then "VSLICE-DONE rc=<n>", and the VM powers off.
#
# Userspace talks on ttyS0.  run-vm.sh normally points the kernel console
# at ttyS1 (a separate log file) so that printk output can never split a
# VSLICE-RESULT line; /dev/console is therefore not used here.

# No "set -e": PID 1 must reach the markers and poweroff whatever fails.
export PATH=/vslice/bin:/sbin:/bin:/usr/sbin:/usr/bin
export HOME=/root TERM=vt100

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
if [ -d /sys/kernel/tracing ]; then
	mount -t tracefs tracefs /sys/kernel/tracing
fi
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# devtmpfs has none of these; tools that open /dev/stdin (mdevctl via
# libvirt, shell here-docs of some scripts) need them.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname vslice-lab

exec </dev/ttyS0 >/dev/ttyS0 2>&1

mode=shell
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	vslice.mode=*) mode=${arg#vslice.mode=} ;;
	esac
done

run_script() {
	if [ -f "$1" ]; then
		(cd /vslice/guest && sh "$1")
		rc=$?
	else
		echo "vslice-init: $1 is missing from the image"
		rc=127
	fi
}

echo "vslice-init: kernel $(uname -r), mode $mode"
case "$mode" in
demo) run_script /vslice/guest/demo.sh ;;
check) run_script /vslice/guest/run-tests.sh ;;
shell)
	echo "vslice-init: shell on the serial console; exit to power off"
	# A new session whose first open of ttyS0 makes it the controlling
	# terminal, so job control and ^C work.
	setsid sh -c 'exec sh -l </dev/ttyS0 >/dev/ttyS0 2>&1'
	rc=$?
	# The shell's exit hung up its controlling tty, and with it our
	# descriptors on ttyS0: open it afresh.
	exec </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
*)
	echo "vslice-init: unknown vslice.mode=$mode"
	rc=2
	;;
esac

echo "VSLICE-DMESG-BEGIN"
dmesg
echo "VSLICE-DMESG-END"
echo "VSLICE-DONE rc=$rc"
sync
# poweroff -f does not wait for the tty's transmit buffer to drain to
# the UART, and busybox has no tcdrain: give it a moment.
sleep 1
poweroff -f
