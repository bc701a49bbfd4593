#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The real client: QEMU gives a vGPU to a guest with
# "-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/<uuid>", and the guest's
# unmodified bochs-drm (in a minimal 6.12 kernel, tests/lab/
# build-vmguest-kernel.sh) drives it.  QEMU runs here, in the lab VM,
# under TCG; the guest is tests/lab/mkvmguest.sh's image, whose /init
# (tests/vmguest/init.sh) reports on its serial line.
#
# Two guests, one after the other, each with one of two s32 instances.
#
# The display (instance b, max_resolution set to a non-default $RES
# first): QEMU realizes the vfio-pci device with display=on (its console
# answers a QMP screendump); the guest boots and bochs-drm binds; a KMS
# client in the guest (kms-flip) lists the connector's modes, which must
# be exactly those the vGPU's EDID promises for that max_resolution,
# shows one of two pattern buffers and page-flips to the other and back:
# a QMP screendump of the vfio console equals, pixel for pixel, the
# buffer shown each time (the region QEMU maps must follow the scanout
# base bochs-drm moves on every flip); the client releases the display;
# the guest's kernel logged no warning.  That QEMU is then stopped: QEMU
# (7.2 and 10.0) cannot hot-unplug a vfio-pci device with display=on
# (its console holds a reference to the device, dropped only when the
# device is freed, so it never closes the device and the remove below
# would wait forever), and the hot-unplug is the second guest's test.
#
# The hot-unplug (instance a, no display): QEMU realizes the vfio-pci
# device; the guest boots; bochs-drm binds to it and sets a mode (fbdev
# /dev/fb0); the guest draws a pattern of a fresh random seed; that
# pattern is in the instance's slice of the parent's VRAM and not in
# another instance's; "remove" of the instance while the guest runs
# returns (VFIO REQ -> QEMU -> ACPI hot-unplug ->
# the guest ejects -> QEMU closes the device) and the instance is gone;
# QEMU and the guest keep running and the guest saw the device go; the
# guest's kernel logged no warning, oops or lockup; the guest powers off.
#
# Needs QEMU and the nested guest in the image, which mkinitramfs.sh adds
# for Debian's kernel (--distro-modules) only: the suite takes about 2.5
# minutes on lab/debian, but 6.5 under the sanitizer kernel of
# lab/testkernel (measured; VSLICE_VMGUEST=1 builds such an image), where
# it skips.  The display guest adds a nested boot of its own: 304 of
# the suite's 686 s in a run beside other lab VMs (its KMS steps 17 s).
#
# The guest boots with the settings of tests/lab/vmguest.conf (installed
# as $VMG/vmguest.conf), as every nested guest of the lab does.
#
# The screendumps (before-flip, after-flip, flip-back) are PPM files in
# the lab VM, gone with it: the log has the size and a short hash of
# each.  "vslice.keep-shots=NAME[,NAME...]" on the lab kernel's command
# line (VSLICE_LAB_APPEND) also prints those named base64-encoded between
# "qemu-guest: shot NAME.ppm begin" and "qemu-guest: shot NAME.ppm end"
# on the console (about 5 MiB each); on the host,
#   sed -n '/^qemu-guest: shot NAME.ppm begin$/,/end$/{//!p}' \
#	build/logs/lab/debian/console.txt | base64 -d >NAME.ppm
SUITE=qemu-guest
. "$(dirname "$0")/lib.sh"

QEMU=/usr/bin/qemu-system-x86_64
VMG=/vslice/vmguest
# max_resolution of the guest's instance: not the s32 default (1920x1200),
# so a mode list that ignores the attribute fails.
RES=1280x1024
# The established (first 3) and standard timings of the vGPU's EDID
# (kernel/vendor_gpu/vgpu_edid.c), each there when it fits
# max_resolution; its detailed timing, the preferred mode, is
# max_resolution itself (for any a detailed timing can describe).
EDID_TIMINGS="640x480 800x600 1024x768
1280x720 1280x800 1280x1024 1440x900 1600x1200 1680x1050 1920x1080 1920x1200"
# Debian's QEMU loads TCG as a module.
export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

# Kernel log lines of the guest that mean a bug or a starved emulator
# (the lab's list in tests/lab/lab-stage.sh, plus lockups).
bad_kmsg='BUG:|WARNING:|Oops|general protection|kernel BUG at|Kernel panic'
bad_kmsg="$bad_kmsg|RCU detected stall|detected stalls on CPUs|INFO: task .* blocked|LOCKUP"

# Upper bounds, not expectations: the guest reaches its drawing in about
# 2 minutes under nested TCG on a busy 2-core machine.
BOOT_SECS=360
REMOVE_SECS=120
# Drawing two screenfuls of pattern, and a flip, under nested TCG.
KMS_SECS=300
FLIP_SECS=120
SHOT_SECS=120
UNPLUG_SECS=60
OFF_SECS=60

if [ ! -x $QEMU ] || [ ! -f $VMG/vmlinuz ] || [ ! -f $VMG/initramfs.cpio.gz ] ||
	[ ! -f $VMG/vmguest.conf ]; then
	skip run "no nested QEMU guest in this image: mkinitramfs.sh adds it for Debian's kernel (--distro-modules) only; under the sanitizer kernel the suite takes ~6.5 min"
	exit 0
fi
# shellcheck source=tests/lab/vmguest.conf
. $VMG/vmguest.conf

# One directory per guest: its console, QMP socket, QEMU log, screendumps.
top=$(mktemp -d /tmp/qemu-guest.XXXXXX)
dir=$top/display
mkdir "$dir" "$top/unplug"
qpid='' cpid=
start=$(cut -d. -f1 /proc/uptime)
now() { echo $(($(cut -d. -f1 /proc/uptime) - start)); }
note() { echo "$SUITE: [$(now)s] $*"; }

alive() { [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; }

# The inner console as text (QEMU passes the guest's CR LF through), its
# complete lines only: the serial line delivers a report a few
# characters at a time, and half a seed is no seed.
console() {
	cp "$dir/console.raw" "$dir/console.snap" 2>/dev/null || return 0
	if [ "$(tail -c 1 "$dir/console.snap" | od -An -tx1 | tr -d ' \n')" = 0a ]; then
		tr -d '\r' <"$dir/console.snap"
	else
		tr -d '\r' <"$dir/console.snap" | sed '$d'
	fi
}

# Why a step failed: the last inner console lines (on one line for the
# result) and, in full, on the lab console for the log.
why() {
	console | tail -n 25 | sed 's/^/  vmguest| /'
	tail -n 10 "$dir/qemu.log" 2>/dev/null | sed 's/^/  qemu| /'
	_t=$(console | grep -v '^$' | tail -n 3 | tr '\n' '|' | cut -c1-300)
	_q=$(tail -n 2 "$dir/qemu.log" 2>/dev/null | tr '\n' '|' | cut -c1-400)
	echo "$1; inner console tail: ${_t:-<empty>}; qemu: ${_q:-<nothing>}" >"$dir/why"
}
fail_why() {
	why "$2"
	fail "$1" "$(cat "$dir/why")"
}

# line WHAT SECONDS: the first inner console line "VMGUEST-WHAT ...",
# waiting up to SECONDS while QEMU runs.  Until the guest has drawn, a
# VMGUEST-ERROR ends the wait: the guest's /init gave up.
stop_on_error=1
line() {
	_i=0
	while :; do
		_l=$(console | grep -m 1 "VMGUEST-$1 ")
		if [ -n "$_l" ]; then
			echo "$_l"
			return 0
		fi
		if ! alive || [ $_i -ge "$2" ]; then
			return 1
		fi
		if [ $stop_on_error = 1 ] && console | grep -q 'VMGUEST-ERROR'; then
			return 1
		fi
		# The inner kernel died: nothing more will come.
		if console | grep -q 'Kernel panic - not syncing'; then
			return 1
		fi
		sleep 1
		_i=$((_i + 1))
	done
}

# field NAME LINE: the value of NAME=value in LINE.
field() { echo "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# send CMD: a command line to the guest's /init.  Opening the FIFO
# blocks if QEMU is gone, hence the timeout.  Notes how many
# VMGUEST-ERROR lines there were before it, for nth.
send() {
	errs=$(console | grep -c 'VMGUEST-ERROR')
	alive && timeout 5 sh -c "echo $1 >'$dir/console.in'"
}

# nth WHAT N SECONDS: the N-th inner console line "VMGUEST-WHAT ...",
# waiting up to SECONDS while QEMU runs.  A VMGUEST-ERROR line that came
# after the last send ends the wait: the guest gave up on the command.
nth() {
	_i=0
	while :; do
		_l=$(console | grep "VMGUEST-$1 " | sed -n "${2}p")
		if [ -n "$_l" ]; then
			echo "$_l"
			return 0
		fi
		if ! alive || [ $_i -ge "$3" ] ||
			[ "$(console | grep -c 'VMGUEST-ERROR')" -gt "$errs" ] ||
			console | grep -q 'Kernel panic - not syncing'; then
			return 1
		fi
		sleep 1
		_i=$((_i + 1))
	done
}

# qmp_cmd JSON: one QMP command to QEMU, its reply on stdout; fails when
# QEMU answered with an error or not at all.
qmp_cmd() { qmp -t $SHOT_SECS "$dir/qmp.sock" "$1"; }

# edid_modes MAXW MAXH VRAM_BYTES: the sizes the guest's mode list must
# hold, sorted, comma-separated: the EDID's timings that fit the limit
# and the limit itself, less those bochs-drm drops because a framebuffer
# of them (32 bpp) takes more than half the VRAM
# (drm_vram_helper_mode_valid).
edid_modes() {
	for _m in $EDID_TIMINGS "$1x$2"; do
		_w=${_m%x*} _h=${_m#*x}
		if [ "$_w" -le "$1" ] && [ "$_h" -le "$2" ] &&
			[ $(((_w * _h * 4 + 4095) / 4096)) -le $(($3 / 2 / 4096)) ]; then
			echo "$_m"
		fi
	done | sort -u | tr '\n' ',' | sed 's/,$//'
}

# shot NAME SEED W H: a QMP screendump of the vGPU's console (hostdev0)
# into $dir/NAME.ppm, compared pixel for pixel with the pattern of SEED
# at W x H (shot-check).  Fails when it is not that picture; $shot_out
# says what went wrong, or holds shot-check's "match".
keep_shots=,$(sed -n 's/.*vslice\.keep-shots=\([^ ]*\).*/\1/p' /proc/cmdline),
shot() {
	_f=$dir/$1.ppm
	rm -f "$_f"
	if ! shot_out=$(qmp_cmd "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$_f\",\"device\":\"hostdev0\"}}" 2>&1); then
		shot_out="screendump refused: $shot_out"
		return 1
	fi
	note "screendump $1.ppm: $(wc -c <"$_f") bytes, sha256 $(sha256sum <"$_f" | cut -c1-16)"
	case "$keep_shots" in
	*",$1,"*)
		echo "$SUITE: shot $1.ppm begin"
		base64 <"$_f"
		echo "$SUITE: shot $1.ppm end"
		;;
	esac
	shot_out=$(shot-check "$_f" "$2" "$3" "$4" 2>&1)
}

stop_qemu() {
	if alive; then
		kill -9 "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	qpid=
}

cleanup() {
	stop_qemu
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	for _u in "$a" "$b"; do
		[ -e "$MDEVS/$_u" ] && remove "$_u"
	done
	check unload unload_stack
	rm -rf "$top"
}

# start_qemu UUID DEVICE_OPTS QEMU_ARGS...: the nested guest with the
# vGPU UUID (vfio-pci,sysfsdev=...,DEVICE_OPTS) and its serial line in
# $dir: QEMU's "pipe" chardev reads PATH.in and writes PATH.out; a reader
# copies the output to a file as it comes.  The machine (vmguest.conf) is
# an i440fx ("pc"), which has ACPI PCI hotplug on its root bus: the REQ
# unplug goes through it; no NIC, no VGA: the vGPU is the only display.
start_qemu() {
	_u=$1 _o=$2
	shift 2
	mkfifo "$dir/console.in" "$dir/console.out"
	cat "$dir/console.out" >"$dir/console.raw" &
	cpid=$!
	note "starting QEMU with vfio-pci,sysfsdev=$MDEVS/$_u$_o (-cpu $VMGUEST_CPU -smp $VMGUEST_SMP $VMGUEST_QEMU_OPTS)"
	vmguest_qemu $QEMU \
		-chardev "pipe,id=con,path=$dir/console" -serial chardev:con \
		-device "vfio-pci,sysfsdev=$MDEVS/$_u,addr=04.0$_o" "$@" \
		>"$dir/qemu.log" 2>&1 &
	qpid=$!
}

# kmsg_bad: the first line of the guest's kernel log (printed on the
# "dmesg" command) that means a bug; fails when the guest did not print it.
kmsg_bad() {
	send dmesg
	line DMESG-END 60 >/dev/null || return 1
	console | grep -a -m 1 -E "$bad_kmsg" | sed -E 's/^\[ *[0-9.]+\] //' | cut -c1-200
}

# skip_rest "STEP...": the steps that cannot run after a failure.
skip_rest() {
	for _s in $1; do
		skip "$_s" "an earlier step failed"
	done
}

# display_guest: the display guest's steps after max-resolution-set, one
# result line each, on the QEMU start_qemu just started; stops that QEMU.
display_guest() {
	# QEMU realizes the device before the guest's first instruction.  The
	# vGPU has a console of its own: a screendump of it works before the
	# guest set any mode (QEMU's "no display" picture then); without a
	# display QEMU answers that hostdev0 has no graphic console.
	sleep 5
	if alive && r=$(qmp_cmd "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$dir/boot.ppm\",\"device\":\"hostdev0\"}}" 2>&1) &&
		[ "$(head -c 2 "$dir/boot.ppm" 2>/dev/null)" = P6 ]; then
		pass display-realizes
	else
		fail_why display-realizes "QEMU with display=on: ${r:-exited at start-up}"
	fi
	# bochs-drm bound and fbdev drew: the guest's /init takes commands.
	if ! dev=$(line DEV $BOOT_SECS) || [ "$(field driver "$dev")" != bochs-drm ] ||
		! line DRAWN 120 >/dev/null; then
		fail_why display-guest-boots "want VMGUEST-DEV driver=bochs-drm and VMGUEST-DRAWN within ${BOOT_SECS}s, got '${dev:-no VMGUEST-DEV line}'"
		skip_rest "modes-match-edid screendump-before-flip screendump-after-flip screendump-flip-back kms-release display-kmsg-clean"
		stop_qemu
		return
	fi
	pass display-guest-boots
	note "display guest: bochs-drm bound (guest uptime $(field t "$dev") s)"
	stop_on_error=0
	size=$(cat "$MDEVS/$b/vslice/vram_size")

	# The display through KMS, as a compositor drives it.  kms-flip (the
	# guest's "display" command) first lists the connector's modes: bochs-drm
	# read them from the vGPU's EDID when it bound.
	send display
	if modes=$(nth MODES 1 $KMS_SECS); then
		got=$(field list "$modes" | tr ',' '\n' | sort -u | tr '\n' ',' | sed 's/,$//')
		want=$(edid_modes "${RES%x*}" "${RES#*x}" "$size")
		pref=$(field preferred "$modes")
		if [ "$got" = "$want" ] && [ "$pref" = "$RES" ]; then
			pass modes-match-edid
			note "guest's modes (max_resolution $RES): $(field list "$modes")"
		else
			fail_why modes-match-edid "max_resolution $RES: want modes $want, preferred $RES; the guest has $(field list "$modes"), preferred $pref"
		fi
	else
		fail_why modes-match-edid "no VMGUEST-MODES after 'display' within ${KMS_SECS}s"
	fi

	# The first buffer on screen (SETCRTC), then a page flip to the second
	# and one back: each time the screendump is the buffer the guest shows.
	mode=
	if shown=$(nth SHOWN 1 $KMS_SECS); then
		mode=$(field mode "$shown")
		w=${mode%x*} h=${mode#*x}
		seed0=$(field seed "$shown")
		note "guest shows buffer 0 (seed $seed0) in $mode, pitch $(field pitch "$shown") (guest uptime $(field t "$shown") s)"
		if shot before-flip "$seed0" "$w" "$h"; then
			pass screendump-before-flip
		else
			fail_why screendump-before-flip "buffer 0 (seed $seed0, $mode): $shot_out"
		fi
	else
		fail_why screendump-before-flip "no VMGUEST-SHOWN after 'display' within ${KMS_SECS}s"
	fi
	if [ -n "$mode" ]; then
		send flip
		if flipped=$(nth FLIPPED 1 $FLIP_SECS) && [ "$(field buf "$flipped")" = 1 ]; then
			seed1=$(field seed "$flipped")
			note "guest flipped to buffer 1 (seed $seed1) via $(field via "$flipped")"
			if shot after-flip "$seed1" "$w" "$h"; then
				pass screendump-after-flip
			else
				fail_why screendump-after-flip "buffer 1 (seed $seed1, $mode): $shot_out"
			fi
		else
			fail_why screendump-after-flip "want 'VMGUEST-FLIPPED buf=1' within ${FLIP_SECS}s, got '${flipped:-nothing}'"
		fi
		send flip
		if flipped=$(nth FLIPPED 2 $FLIP_SECS) && [ "$(field buf "$flipped")" = 0 ]; then
			note "guest flipped back to buffer 0 via $(field via "$flipped")"
			if shot flip-back "$seed0" "$w" "$h"; then
				pass screendump-flip-back
			else
				fail_why screendump-flip-back "buffer 0 again (seed $seed0, $mode): $shot_out"
			fi
		else
			fail_why screendump-flip-back "want a second 'VMGUEST-FLIPPED buf=0' within ${FLIP_SECS}s, got '${flipped:-nothing}'"
		fi
	else
		skip_rest "screendump-after-flip screendump-flip-back"
	fi
	# kms-flip gives the display back to the fbdev emulation.
	send display-end
	if nth RELEASED 1 $FLIP_SECS >/dev/null; then
		pass kms-release
	else
		fail_why kms-release "no VMGUEST-RELEASED after display-end within ${FLIP_SECS}s"
	fi

	if bad=$(kmsg_bad); then
		if [ -n "$bad" ]; then
			fail_why display-kmsg-clean "the display guest's kernel logged: $bad"
		else
			pass display-kmsg-clean
		fi
	else
		fail_why display-kmsg-clean "no VMGUEST-DMESG-END: the guest did not print its kernel log"
	fi
	note "display guest done; it and QEMU said:"
	console | sed 's/^/  vmguest| /'
	sed 's/^/  qemu| /' "$dir/qemu.log"
	# Its device cannot be hot-unplugged (above): QEMU ends with the guest.
	send poweroff
	_i=0
	while alive && [ $_i -lt $OFF_SECS ]; do
		sleep 1
		_i=$((_i + 1))
	done
	stop_qemu
	kill "$cpid" 2>/dev/null
	cpid=
}

after_boot="bochs-drm-binds mode-set guest-draws pattern-in-slice pattern-not-in-other-slice"
display_steps="max-resolution-set display-realizes display-guest-boots modes-match-edid"
display_steps="$display_steps screendump-before-flip screendump-after-flip screendump-flip-back"
display_steps="$display_steps kms-release display-kmsg-clean"
after_draw="remove-returns instance-gone qemu-keeps-running guest-sees-unplug guest-keeps-running guest-kmsg-clean guest-powers-off"

check load load_stack
# Two instances on one GPU: the display guest gets b, the hot-unplug
# guest a, and b is the other slice of a.
a=$(new_uuid) b=$(new_uuid)
check create-a create "$GPU0" s32 "$a"
check create-b create "$GPU0" s32 "$b"
if [ ! -e "$MDEVS/$a" ] || [ ! -e "$MDEVS/$b" ]; then
	skip_rest "$display_steps qemu-realizes qemu-no-vfio-warnings guest-boots $after_boot $after_draw"
	cleanup
	exit 0
fi

# The display guest.  display=on gives the vGPU a QEMU console (the
# region plane of VFIO_DEVICE_QUERY_GFX_PLANE); with -display none only
# a screendump through QMP looks at it.  bochs-drm reads the EDID once,
# when it binds: max_resolution is set before (while no one has the
# device open, as it must be).
expect max-resolution-set OK "$(sysfs-write "$MDEVS/$b/vslice/max_resolution" "$RES")"
start_qemu "$b" ",display=on,id=hostdev0" -qmp "unix:$dir/qmp.sock,server=on,wait=off"
display_guest
stop_on_error=1
dir=$top/unplug

# The hot-unplug guest.
start_qemu "$a" ""

# QEMU realizes the device before the guest's first instruction; an
# error there makes it exit at once.
sleep 5
if alive; then
	pass qemu-realizes
	# vfio-pci warns about anything of the device it cannot use.
	if grep -q 'vfio' "$dir/qemu.log"; then
		fail qemu-no-vfio-warnings "$(grep -m 1 vfio "$dir/qemu.log" | cut -c1-200)"
	else
		pass qemu-no-vfio-warnings
	fi
else
	fail_why qemu-realizes "QEMU exited at start-up"
	skip_rest "qemu-no-vfio-warnings guest-boots $after_boot $after_draw"
	cleanup
	exit 0
fi

up=$(line UP $BOOT_SECS)
if [ -n "$up" ]; then
	pass guest-boots
	note "guest userspace up (guest uptime $(field t "$up") s)"
else
	fail_why guest-boots "no VMGUEST-UP within ${BOOT_SECS}s"
	skip_rest "$after_boot $after_draw"
	cleanup
	exit 0
fi

# bochs-drm on the vGPU: 1234:1111 with a vslice subsystem, 1234:56xx
# (xx is the type; a QEMU-emulated bochs-display would say 1af4:1100).
booted=0
dev=$(line DEV $BOOT_SECS)
case "$(field driver "$dev") $(field id "$dev") $(field subsys "$dev")" in
"bochs-drm 1234:1111 1234:56"??)
	pass bochs-drm-binds
	note "bochs-drm bound to $(field bdf "$dev"), subsystem $(field subsys "$dev")"
	booted=1
	;;
*)
	fail_why bochs-drm-binds "want driver=bochs-drm id=1234:1111 subsys=1234:56xx, got '${dev:-no VMGUEST-DEV line}'"
	;;
esac

# A mode that fits the slice: width x height x 4 bytes.
size=$(cat "$MDEVS/$a/vslice/vram_size")
if fb=$(line FB $BOOT_SECS); then
	vs=$(field virtual_size "$fb")
	bpp=$(field bpp "$fb")
	fbbytes=$((${vs%,*} * ${vs#*,} * bpp / 8))
	if [ "$bpp" = 32 ] && [ "$fbbytes" -gt 0 ] && [ "$fbbytes" -le "$size" ]; then
		pass mode-set
		note "fb0 virtual_size=$vs bpp=$bpp (guest uptime $(field t "$fb") s)"
	else
		fail_why mode-set "fb0 virtual_size=$vs bpp=$bpp does not fit a $size-byte slice at 32 bpp"
	fi
else
	fail_why mode-set "no VMGUEST-FB (no /dev/fb0)"
fi

drawn=0
if drawn_line=$(line DRAWN 120); then
	seed=$(field seed "$drawn_line")
	bytes=$(field bytes "$drawn_line")
	pass guest-draws
	note "guest drew $(field mode "$drawn_line") with seed $seed, $bytes bytes"
	note "QEMU $(grep VmRSS /proc/"$qpid"/status | tr -s ' \t' ' '), lab VM $(free -m | awk '/^Mem:/ { print $4 }') MiB free"
	drawn=1
else
	fail_why guest-draws "no VMGUEST-DRAWN"
fi
stop_on_error=0

# The pattern reaches VRAM when the guest's fbdev emulation flushes its
# shadow buffer: look again for a few seconds.
if [ $drawn = 1 ]; then
	off=$(cat "$MDEVS/$a/vslice/vram_offset")
	i=0
	while ! found=$(vram-find "$GPU0" "$off" "$size" "0x$seed" "$bytes" 2>&1) && [ $i -lt 20 ]; do
		sleep 1
		i=$((i + 1))
	done
	case "$found" in
	found*)
		pass pattern-in-slice
		note "pattern at slice offset ${found#found } of $a (parent offset $off)"
		;;
	*) fail_why pattern-in-slice "vram-find $GPU0 $off $size: $found" ;;
	esac
	boff=$(cat "$MDEVS/$b/vslice/vram_offset")
	bsize=$(cat "$MDEVS/$b/vslice/vram_size")
	found=$(vram-find "$GPU0" "$boff" "$bsize" "0x$seed" "$bytes" 2>&1)
	expect pattern-not-in-other-slice absent "$found"
else
	skip_rest "pattern-in-slice pattern-not-in-other-slice"
fi

if [ $booted = 0 ]; then
	skip_rest "$after_draw"
	cleanup
	exit 0
fi

# Remove the instance while the guest has it.  The VFIO core asks QEMU
# to release it (REQ); QEMU hot-unplugs it through ACPI, the guest
# ejects it, QEMU closes the device, and remove returns.  A hang is a
# failure: then QEMU is killed so that the remove, and the run, end.
note "removing $a while the guest runs"
rstart=$(now)
sysfs-write "$MDEVS/$a/remove" 1 >"$dir/remove.out" 2>&1 &
rpid=$!
i=0
while kill -0 $rpid 2>/dev/null && [ $i -lt $REMOVE_SECS ]; do
	sleep 1
	i=$((i + 1))
done
if kill -0 $rpid 2>/dev/null; then
	fail_why remove-returns "remove still blocked after ${REMOVE_SECS}s (QEMU got no REQ, or the guest did not eject); killing QEMU"
	stop_qemu
	wait $rpid
	skip_rest "instance-gone qemu-keeps-running guest-sees-unplug guest-keeps-running guest-powers-off"
	cleanup
	exit 0
fi
wait $rpid
rout=$(cat "$dir/remove.out")
if [ "$rout" = OK ]; then
	pass remove-returns
	note "remove returned after $(($(now) - rstart)) s"
else
	fail_why remove-returns "remove failed: $rout"
fi
check instance-gone test ! -e "$MDEVS/$a"
check qemu-keeps-running alive

if gone=$(line GONE $UNPLUG_SECS); then
	pass guest-sees-unplug
	note "guest saw the unplug (guest uptime $(field t "$gone") s)"
else
	fail_why guest-sees-unplug "no VMGUEST-GONE within ${UNPLUG_SECS}s of the remove"
fi
send ping
if pong=$(line PONG 30) && [ "$(field device "$pong")" = absent ]; then
	pass guest-keeps-running
else
	fail_why guest-keeps-running "want 'VMGUEST-PONG device=absent', got '${pong:-nothing}'"
fi

# The guest's kernel log, all of it: its console shows only errors and
# worse ("quiet"), so its /init prints the rest on request.  A warning,
# an oops or a lockup of the guest's kernel during anything above fails.
send dmesg
if line DMESG-END 60 >/dev/null; then
	bad=$(console | grep -a -m 1 -E "$bad_kmsg" | sed -E 's/^\[ *[0-9.]+\] //' | cut -c1-200)
	if [ -n "$bad" ]; then
		fail_why guest-kmsg-clean "the guest's kernel logged: $bad"
	else
		pass guest-kmsg-clean
	fi
else
	fail_why guest-kmsg-clean "no VMGUEST-DMESG-END: the guest did not print its kernel log"
fi

send poweroff
i=0
while alive && [ $i -lt $OFF_SECS ]; do
	sleep 1
	i=$((i + 1))
done
if alive; then
	fail_why guest-powers-off "QEMU still running ${OFF_SECS}s after poweroff"
else
	wait "$qpid"
	rc=$?
	qpid=
	if [ $rc = 0 ]; then
		pass guest-powers-off
	else
		fail_why guest-powers-off "QEMU exited with status $rc"
	fi
fi
note "done; the guest and QEMU said:"
console | sed 's/^/  vmguest| /'
sed 's/^/  qemu| /' "$dir/qemu.log"
cleanup
