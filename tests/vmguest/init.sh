#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the nested guest (tests/lab/mkvmguest.sh builds its image; the
# lab host's tests/guest/t-80-qemu-guest.sh boots it).  It does what an
# unmodified guest does with a display device and reports each step on
# the serial console as one "VMGUEST-<WHAT> ..." line:
#
#   VMGUEST-UP kernel=<release>
#   VMGUEST-BAR0 bdf=<b:d.f> bytes=... found=...   only with vmguest.find= (below)
#   VMGUEST-DEV bdf=<b:d.f> id=<vendor>:<device> subsys=<vendor>:<device> driver=<name>
#   VMGUEST-FB virtual_size=<x,y> bpp=<n> name=<fb driver>
#   VMGUEST-DRAWN seed=... bytes=...        (fb-draw)
#   VMGUEST-GONE bdf=<b:d.f>                the display device was unplugged
#   VMGUEST-BACK bdf=<b:d.f> driver=<name>  a display device was plugged in
#                                           again and has a framebuffer
#   VMGUEST-REDRAWN seed=... bytes=...      fb-draw on that one
#   VMGUEST-ERROR <what went wrong>         (followed by the kernel log's tail)
#
# (each but DRAWN and REDRAWN ends with " t=<uptime in s>").
#
# vmguest.find=SEED:BYTES[,SEED:BYTES...] on the kernel command line
# (the libvirt flow's next tenant of a vGPU): before bochs-drm is loaded,
# read the device's whole BAR0 and look for what fb-draw drew in another
# guest with those seeds ("fb-draw --find"), reported as VMGUEST-BAR0.
# Then it takes commands, one a line, on the same console:
#   ping       answers VMGUEST-PONG, with whether the device is still there
#   dmesg      prints the kernel log, then VMGUEST-DMESG-END
#   poweroff   powers off
#   display [WxH]  a KMS client takes the display from the fbdev emulation
#              (kms-flip, tests/vmguest/kms-flip.c): it shows the first of
#              two double-buffered pictures of fresh seeds in mode WxH
#              (default: the connector's preferred mode) and keeps the
#              device open, as DRM master, until display-end.  It reports
#                VMGUEST-MODES list=<W>x<H>,... preferred=<W>x<H> connector=<id>
#                VMGUEST-SHOWN buf=0 seed=<hex> mode=<W>x<H> pitch=<bytes>
#              (the connector's modes in its order, the preferred first)
#   flip       page flip to the other buffer, reported once done as
#                VMGUEST-FLIPPED buf=<0|1> seed=<hex> via=page-flip
#              (via=setcrtc page_flip=<errno name> if the flip was refused)
#   busy       redraw continuously: a new picture in the buffer not shown,
#              a page flip to it, again, until the next command
#   calm       (after busy) VMGUEST-CALM frames=<N> buf=<0|1> seed=<hex>
#   display-end  kms-flip releases the device (the fbdev emulation shows
#              its console again): VMGUEST-RELEASED
#   (each with " t=<uptime>"; a failure is a VMGUEST-ERROR line)
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
find_dev() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x1111 ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# The framebuffer of PCI device $1 (bochs-drm's fbdev emulation).
fb_of() {
	for f in /sys/class/graphics/fb*; do
		if [ -e "$f/bits_per_pixel" ] &&
			[ "$(readlink -f "$f/device")" = "$(readlink -f "$1")" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# wait_fb DEV: until it has a framebuffer, up to 60 s (probing and the
# first modeset take a while under nested TCG).
wait_fb() {
	i=0
	while ! fb_of "$1" >/dev/null && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
}

# fbcon took the framebuffer over and would draw its cursor into the
# pattern: hand the VTs back to the dummy console.
unbind_fbcon() {
	for c in /sys/class/vtconsole/vtcon*; do
		case "$(cat "$c/name")" in
		*"frame buffer"*) echo 0 >"$c/bind" ;;
		esac
	done
}

# draw FB: fb-draw on that framebuffer, its report relabelled to $2.
draw() {
	unbind_fbcon
	out=$(fb-draw "/dev/${1##*/}")
	st=$?
	echo "$out" | sed "s/^VMGUEST-DRAWN /VMGUEST-$2 /"
	[ $st = 0 ] || error "fb-draw failed"
}

# SEED:BYTES SEED:BYTES ...
find_args=$(sed -n 's/.*vmguest\.find=\([^ ]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
dev=$(find_dev)

if [ -z "$dev" ]; then
	error "no PCI device 1234:1111"
else
	if [ -n "$find_args" ]; then
		# The BAR is mapped only while memory decoding is on: enabling
		# the device turns it on, as a driver's probe would.
		if ! echo 1 >"$dev/enable"; then
			error "cannot enable ${dev##*/} to read its BAR0"
		else
			# shellcheck disable=SC2086 # one argument per drawing
			if l=$(fb-draw --find "$dev/resource0" $find_args); then
				say "BAR0 bdf=${dev##*/} $l"
			else
				error "reading BAR0 failed: $l"
			fi
			echo 0 >"$dev/enable"
		fi
	fi
	if ! modprobe bochs; then
		error "modprobe bochs failed"
	else
		wait_fb "$dev"
		fb=$(fb_of "$dev")
		drv=none
		[ -e "$dev/driver" ] && drv=$(basename "$(readlink "$dev/driver")")
		say "DEV bdf=${dev##*/} id=1234:1111" \
			"subsys=$(cut -c3- "$dev/subsystem_vendor"):$(cut -c3- "$dev/subsystem_device")" \
			"driver=$drv"
		if [ -z "$fb" ]; then
			error "no framebuffer of ${dev##*/} after 60s"
		else
			say "FB virtual_size=$(cat "$fb/virtual_size") bpp=$(cat "$fb/bits_per_pixel")" \
				"name=$(cat "$fb/name")"
			draw "$fb" DRAWN
		fi
	fi
fi

# Report the unplug as soon as the device is gone, and a display device
# plugged in again (the flow's hot-plug) once bochs-drm drives it: draw
# on it too.
if [ -n "$dev" ]; then
	(
		cur=$dev
		while :; do
			while [ -e "$cur" ]; do
				sleep 1
			done
			say "GONE bdf=${cur##*/}"
			until cur=$(find_dev); do
				sleep 1
			done
			wait_fb "$cur"
			fb=$(fb_of "$cur")
			drv=none
			[ -e "$cur/driver" ] && drv=$(basename "$(readlink "$cur/driver")")
			if [ -z "$fb" ]; then
				error "${cur##*/} is back (driver $drv) but has no framebuffer after 60s"
			else
				say "BACK bdf=${cur##*/} driver=$drv"
				draw "$fb" REDRAWN
			fi
		done
	) &
fi

# The KMS client of "display": its stdin is a FIFO that this shell holds
# open as fd 3 for the "flip" lines; closing fd 3 ends it.
kms_pid=
kms_running() { [ -n "$kms_pid" ] && kill -0 "$kms_pid" 2>/dev/null; }
kms_start() {
	if kms_running; then
		say "ERROR display: kms-flip already runs (display-end first)"
		return
	fi
	unbind_fbcon
	rm -f /tmp/kms.in
	if ! mkfifo /tmp/kms.in; then
		error "display: mkfifo /tmp/kms.in failed"
		return
	fi
	# shellcheck disable=SC2086 # the mode is one word or none
	(
		kms-flip $1 </tmp/kms.in
		st=$?
		[ $st = 0 ] || error "kms-flip exited with status $st"
	) &
	kms_pid=$!
	# Opening the FIFO waits for kms-flip's end to open.
	exec 3>/tmp/kms.in
}
kms_end() {
	if [ -z "$kms_pid" ]; then
		say "ERROR display-end: no display command ran"
		return
	fi
	exec 3>&-
	wait "$kms_pid"
	kms_pid=
}

while read -r cmd; do
	case "$cmd" in
	display | "display "*)
		kms_start "${cmd#display}"
		;;
	flip | busy | calm)
		if kms_running; then
			echo "$cmd" >&3
		else
			say "ERROR $cmd: kms-flip does not run (display first)"
		fi
		;;
	display-end)
		kms_end
		;;
	ping)
		if find_dev >/dev/null; then
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
