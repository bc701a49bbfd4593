#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the nested guest (tests/lab/mkvmguest.sh builds its image; the
# lab host's tests/guest/t-80-qemu-guest.sh boots it).  It does what an
# unmodified guest does with a display device and reports each step on
# the serial console as one "VMGUEST-<WHAT> ..." line:
#
#   VMGUEST-UP kernel=<release>
#   VMGUEST-DEV bdf=<b:d.f> id=<vendor>:<device> subsys=<vendor>:<device> driver=<name>
#   VMGUEST-FB virtual_size=<x,y> bpp=<n> name=<fb driver>
#   VMGUEST-DRAWN seed=... bytes=...        (fb-draw)
#   VMGUEST-GONE bdf=<b:d.f>                the display device was unplugged
#   VMGUEST-ERROR <what went wrong>         (followed by the kernel log's tail)
#
# (each but DRAWN ends with " t=<uptime in s>").
# Then it takes commands, one a line, on the same console:
#   ping       answers VMGUEST-PONG, with whether the device is still there
#   dmesg      prints the kernel log, then VMGUEST-DMESG-END
#   poweroff   powers off
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/ttyS0 >/dev/ttyS0 2>&1
# The host writes commands to the serial line; an echo would put them
# among the report lines.
stty -echo 2>/dev/null

# Each line ends with the guest's uptime, for the host's timing notes.
say() { echo "VMGUEST-$* t=$(cut -d' ' -f1 /proc/uptime)"; }
error() {
	say "ERROR $*"
	dmesg | tail -n 15
}

say "UP kernel=$(uname -r)"

# The display device: a bochs-display as QEMU emulates it, or a vGPU
# that looks like one.
dev=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x1111 ]; then
		dev=$d
		break
	fi
done

if [ -z "$dev" ]; then
	error "no PCI device 1234:1111"
elif ! modprobe bochs; then
	error "modprobe bochs failed"
else
	# Probing and the first modeset take a while under nested TCG.
	i=0
	while [ ! -e /sys/class/graphics/fb0/bits_per_pixel ] && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	drv=none
	[ -e "$dev/driver" ] && drv=$(basename "$(readlink "$dev/driver")")
	say "DEV bdf=${dev##*/} id=1234:1111" \
		"subsys=$(cut -c3- "$dev/subsystem_vendor"):$(cut -c3- "$dev/subsystem_device")" \
		"driver=$drv"
	fb=/sys/class/graphics/fb0
	if [ ! -e $fb/bits_per_pixel ]; then
		error "no /dev/fb0 after ${i}s"
	else
		say "FB virtual_size=$(cat $fb/virtual_size) bpp=$(cat $fb/bits_per_pixel)" \
			"name=$(cat $fb/name)"
		# fbcon took the framebuffer over and would draw its cursor
		# into the pattern: hand the VTs back to the dummy console.
		for c in /sys/class/vtconsole/vtcon*; do
			case "$(cat "$c/name")" in
			*"frame buffer"*) echo 0 >"$c/bind" ;;
			esac
		done
		fb-draw /dev/fb0 || error "fb-draw failed"
	fi
fi

# Report the unplug as soon as the device is gone.
if [ -n "$dev" ]; then
	(
		while [ -e "$dev" ]; do
			sleep 1
		done
		say "GONE bdf=${dev##*/}"
	) &
fi

while read -r cmd; do
	case "$cmd" in
	ping)
		if [ -n "$dev" ] && [ -e "$dev" ]; then
			say "PONG device=present"
		else
			say "PONG device=absent"
		fi
		;;
	dmesg)
		dmesg
		say "DMESG-END"
		;;
	poweroff)
		say "BYE"
		sleep 1
		poweroff -f
		;;
	esac
done
# The console went away: nothing more to do.
poweroff -f
