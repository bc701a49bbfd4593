#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The libvirt end-to-end flow, run by vslice-libvirt-test.service on a
# libvirt lab host (tests/libvirt/mkimage.sh) as an admin would do it:
# virsh, mdevctl (driven by libvirt) and vslicectl against Debian's
# libvirt, QEMU and mdevctl (Debian 12: libvirt 9.0, QEMU 7.2, mdevctl
# 1.2.0; Debian 13: libvirt 11.3, QEMU 10.0, mdevctl 1.4.0; both run
# libvirtd, which is what Debian's libvirt-daemon-system enables) with
# vslice installed from its packages.  One line per check on stdout (the
# first serial port):
#
#   VSLICE-RESULT: PASS|FAIL|SKIP libvirt/<step>/<check>[: reason]
#
# First boot (no /var/lib/vslice-libvirt/phase yet):
#   host/      the stack came up: GPUs bound to vslice, libvirtd answers
#   types/     1. libvirt sees the GPUs and their types
#   nodedev/   2. a persistent mdev through nodedev-define/-start/-autostart
#   errors/    7. refused definitions and a domain whose mdev is missing
#   domain/    3. domain vslice-a with that mdev: the guest's bochs-drm binds
#                 and it draws
#   assign/    4. vslicectl assign puts a second mdev into domain vslice-b
#   unplug/    5. virsh detach-device from the running vslice-a, and
#                 attach-device: the guest draws again
#   live/      9. flow-live.sh, with vslice-a holding the vGPU open:
#                 attributes changed while it runs (mdevctl modify --live,
#                 virsh nodedev-update; SKIP where mdevctl < 1.3 or
#                 libvirt < 10.1), refusals
#   tenant/    8. vslice-a is gone; domain vslice-next starts with its mdev
#                 and finds nothing of vslice-a's drawings in its BAR0
#   display/  10. vslice-next has the vGPU with display='on', a VNC console
#                 and no emulated VGA: its guest draws through KMS and
#                 flips; `virsh screenshot` and a VNC client (gvnccapture)
#                 show exactly its pictures, before and after the flip
#   migrate/  11. flow-migrate.sh: a guest that shows a picture migrates
#                 between two bare QEMU processes (vGPU X to vGPU Y of its
#                 type) and runs on; one of another type refuses it (SKIP
#                 where QEMU < 8.1: Debian 12's 7.2 has no VFIO migration v2)
#   save/     12. flow-save.sh on vslice-next, its guest still up: virsh
#                 save / restore and managedsave / start, the screen the
#                 same after; restores where the vGPU is missing or of
#                 another type refused, nothing left behind (SKIP where
#                 QEMU < 8.1 or libvirt < 8.6)
# then it marks vslice-a `virsh autostart`, records what the second boot
# checks and reboots the machine.  Second boot:
#   reboot/    6. the autostarted mdev is back with its attributes, and
#                 libvirt started vslice-a with it by itself at boot (QEMU
#                 realized and opened it; the guest is not waited for
#                 again): vslice-mdev-autostart.service started the vGPU
#                 before libvirt autostarted the domain
# and it powers off.  Each boot ends with
#
#   VSLICE-FLOW phase=<1|2> results=<lines printed> failures=<FAIL lines>
#   VSLICE-DONE rc=<failures>
#
# which tests/libvirt/stage.sh holds against what reached it.
#
# vslice.flow-steps=STEP[,STEP...] on the kernel command line (stage.sh's
# VSLICE_LIBVIRT_STEPS, tests/bench/mig-bench.sh) runs the host checks and
# only those steps in the first boot, then powers off: no second boot.
# Steps that stand alone: migrate, mig-bench (flow-migrate.sh bench: the
# migration benchmark's VSBENCH-MIG lines) and save (with the persistent
# vGPU of nodedev/ and a display domain of its own, vslice-save).
set -u
export LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LIBVIRT_DEFAULT_URI=qemu:///system

LIB=/usr/local/lib/vslice-libvirt
STATE=/var/lib/vslice-libvirt
SERIAL=/var/log/libvirt/qemu
GPU0=0000:00:04.0 GPU1=0000:00:05.0
ND0=pci_0000_00_04_0 ND1=pci_0000_00_05_0
MDEVS=/sys/bus/mdev/devices
ETC=/etc/mdevctl.d
# Upper bounds: a nested TCG guest reaches bochs-drm in 1-2 minutes, and
# has taken 405 s to come up on a 2-core machine running other lab VMs,
# 620 s when it booted beside the migration's guest (step 11) there.
GUEST_SECS=900
# The persistent vGPU's vslice/max_resolution: below its type's 1920x1200,
# so that a device with the type's default shows it was not applied.
U1_RES=1280x1024
# What vslice-a drew on it: SEED:BYTES[,SEED:BYTES] (fb-draw's report).
DRAWN=
failures=0 results=0
T=$STATE/tmp
mkdir -p "$T"

uptime_s() { cut -d' ' -f1 /proc/uptime; }
note() { echo "libvirt-flow: [$(uptime_s)s] $*"; }
result() {
	local why=${3:-}
	why=$(printf '%s' "$why" | tr '\n' ' ' | cut -c1-500)
	echo "VSLICE-RESULT: $1 libvirt/$2${why:+: $why}"
	results=$((results + 1))
}
pass() { result PASS "$1"; }
fail() {
	result FAIL "$1" "$2"
	failures=$((failures + 1))
}
skip() { result SKIP "$1" "$2"; }

# run CMD...: its output (both streams) in $OUT, logged; its status in $rc.
run() {
	OUT=$("$@" 2>&1)
	rc=$?
	note "\$ $* -> $rc"
	[[ -n $OUT ]] && printf '%s\n' "$OUT" | head -n 60 | sed 's/^/    | /'
	return 0
}
ok() { if ((rc == 0)); then pass "$1"; else fail "$1" "exit $rc: $OUT"; fi; }
# refused NAME WHY: the last command ran and refused, saying WHY.  A tool
# that failed for another reason (it was not found, could not reach
# libvirtd, crashed) did not refuse anything.
refused() {
	if ((rc == 0)); then
		fail "$1" "succeeded: $OUT"
	elif ! grep -qF -- "$2" <<<"$OUT"; then
		fail "$1" "exit $rc without '$2': $OUT"
	else
		pass "$1"
	fi
}
has() { # NAME TEXT: the last output contains TEXT
	if grep -qF -- "$2" <<<"$OUT"; then pass "$1"; else fail "$1" "no '$2' in: $OUT"; fi
}
check() { # NAME CMD...: CMD succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "false: $*"; fi
}
expect() { # NAME WANT GOT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}
wait_for() { # SECONDS CMD...: until CMD succeeds
	local end=$(($(cut -d. -f1 /proc/uptime) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		(($(cut -d. -f1 /proc/uptime) >= end)) && return 1
		sleep 1
	done
}
not() { ! "$@"; }
attr() { cat "$MDEVS/$1/vslice/$2" 2>/dev/null; }
# set_attr UUID NAME VALUE: write it as an admin would; the shell's
# message (with the kernel's errno) in $OUT, the status in $rc.
set_attr() {
	run bash -c 'printf "%s\n" "$1" >"$2"' set_attr "$3" "$MDEVS/$1/vslice/$2"
}
new_uuid() { cat /proc/sys/kernel/random/uuid; }
mdev_uuids() { find "$MDEVS" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort; }
# libvirt's node device name of an mdev (libvirt 7.8+: with its parent).
mdev_nd() { echo "mdev_${1//-/_}_${2//[:.]/_}"; }

# The types of a parent in nodedev-dumpxml: "ID AVAILABLE DEVICEAPI" a line.
nd_types() {
	virsh nodedev-dumpxml "$1" 2>/dev/null | awk '
		/<type id=/ { match($0, /id=.[^"\x27]*/); id = substr($0, RSTART + 4, RLENGTH - 4) }
		/<availableInstances>/ { gsub(/.*<availableInstances>|<\/availableInstances>.*/, ""); avail = $0 }
		/<deviceAPI>/ { gsub(/.*<deviceAPI>|<\/deviceAPI>.*/, ""); api = $0 }
		/<\/type>/ && id != "" { print id, avail, api; id = "" }' | sort
}
# The same from sysfs.
sysfs_types() {
	local t
	for t in "/sys/bus/pci/devices/$1"/mdev_supported_types/*; do
		echo "${t##*/} $(cat "$t/available_instances") $(cat "$t/device_api")"
	done | sort
}
# All types of both GPUs with their available_instances, for leak checks.
all_available() {
	local t
	for t in /sys/class/mdev_bus/*/mdev_supported_types/*; do
		echo "$t $(cat "$t/available_instances")"
	done
}

# mdev_xml PARENT_ND TYPE UUID [NAME=VALUE...]: a node device definition.
mdev_xml() {
	local parent=$1 type=$2 uuid=$3 attrs='' a
	shift 3
	for a in "$@"; do
		attrs+="    <attr name='${a%%=*}' value='${a#*=}'/>"$'\n'
	done
	attrs=${attrs%$'\n'}
	local f=$T/mdev-$uuid.xml
	awk -v p="$parent" -v t="$type" -v u="$uuid" -v a="$attrs" '
		/@ATTRS@/ { if (a != "") print a; next }
		{ gsub(/@PARENT@/, p); gsub(/@TYPE@/, t); gsub(/@UUID@/, u); print }' \
		"$LIB/mdev.xml.in" >"$f"
	echo "$f"
}
hostdev_xml() { # UUID: the <hostdev> of that mdev
	sed "s/@UUID@/$1/" "$LIB/hostdev.xml.in"
}
# domain_xml NAME [UUID...]: a domain with a hostdev per UUID.
domain_xml() {
	local name=$1 devs='' u f=$T/domain-$1.xml
	shift
	for u in "$@"; do
		devs+=$(hostdev_xml "$u")$'\n'
	done
	awk -v n="$name" -v s="$SERIAL/$name.serial" -v d="${devs%$'\n'}" '
		/@HOSTDEVS@/ { if (d != "") print d; next }
		{ gsub(/@NAME@/, n); gsub(/@SERIAL@/, s); print }' "$LIB/domain.xml.in" >"$f"
	echo "$f"
}

# migratable FILE: the domain's vGPU can migrate (be saved) on Debian's
# 6.12 kernels.  They are built without IOMMUFD, so the VFIO core answers
# every DMA_LOGGING_REPORT with EOPNOTSUPP whatever the driver's log_ops
# (include/linux/iova_bitmap.h's stubs) and QEMU 10's save fails in
# ram_save_setup; its other dirty tracking, the type1 container's, it
# takes only with x-device-dirty-page-tracking=off, and then blocks
# migration unless enable-migration=on (a warning instead).  QEMU 7.2
# (Debian 12) has neither property and refuses to start with them: it
# cannot migrate a vGPU anyway, and gets the domain as it is.
migratable() {
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p')
	[[ $(printf '%s\n' 8.1 "$v" | sort -V | head -n 1) == 8.1 ]] || return 0
	sed -i "s|^</domain>|  <qemu:override>\n    <qemu:device alias='hostdev0'>\n      <qemu:frontend>\n        <qemu:property name='enable-migration' type='string' value='on'/>\n        <qemu:property name='x-device-dirty-page-tracking' type='string' value='off'/>\n      </qemu:frontend>\n    </qemu:device>\n  </qemu:override>\n</domain>|" "$1"
}

# display_domain_xml NAME UUID: a domain that shows the vGPU UUID's screen
# (domain-display.xml.in: display='on', VNC, no emulated VGA, the serial
# line a pty that QEMU logs to $SERIAL/NAME.serial).
display_domain_xml() {
	local f=$T/domain-$1.xml
	awk -v n="$1" -v s="$SERIAL/$1.serial" -v u="$2" '
		{ gsub(/@NAME@/, n); gsub(/@SERIAL@/, s); gsub(/@UUID@/, u); print }' \
		"$LIB/domain-display.xml.in" >"$f"
	echo "$f"
}

# The nested guest's serial output (tests/vmguest/init.sh), complete lines
# only: QEMU logs the line as it comes, a few characters at a time, and a
# report read before its end has lost its last fields (perl-base is in
# every Debian root).
console() {
	perl -ne 's/\r//g; print if /\n\z/ && /VMGUEST-/' -- "$SERIAL/$1.serial" 2>/dev/null
}
running() { [[ $(virsh domstate "$1" 2>/dev/null) == running ]]; }
# guest_line DOMAIN WHAT SECONDS: the first "VMGUEST-WHAT ..." line.
guest_line() {
	local end=$(($(cut -d. -f1 /proc/uptime) + $3)) l
	while :; do
		l=$(console "$1" | grep -m 1 "^VMGUEST-$2 ")
		if [[ -n $l ]]; then
			echo "$l"
			return 0
		fi
		if ! running "$1" || (($(cut -d. -f1 /proc/uptime) >= end)) ||
			{ [[ $2 != ERROR ]] && console "$1" | grep -q '^VMGUEST-ERROR'; }; then
			# The guest polls once a second: give a line that was on
			# its way one more look before giving up.
			sleep 2
			l=$(console "$1" | grep -m 1 "^VMGUEST-$2 ")
			[[ -n $l ]] && echo "$l"
			[[ -n $l ]]
			return
		fi
		sleep 2
	done
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
console_tail() { tr -d '\r' <"$SERIAL/$1.serial" 2>/dev/null | grep -av '^$' | tail -n 4 | tr '\n' '|'; }

# guest_checks STEP DOMAIN UUID: the guest came up and bochs-drm drives the vGPU.
guest_checks() {
	local step=$1 dom=$2 l
	if l=$(guest_line "$dom" UP "$GUEST_SECS"); then
		pass "$step/guest-boots"
		note "$dom: guest up ($l)"
	else
		fail "$step/guest-boots" "no VMGUEST-UP from $dom; console: $(console_tail "$dom"); state: $(virsh domstate "$dom" 2>&1)"
		skip "$step/bochs-drm-binds" "the guest did not boot"
		return 1
	fi
	l=$(guest_line "$dom" DEV "$GUEST_SECS")
	case "$(field driver "$l") $(field id "$l") $(field subsys "$l")" in
	"bochs-drm 1234:1111 1234:56"??)
		pass "$step/bochs-drm-binds"
		note "$dom: $l"
		;;
	*)
		fail "$step/bochs-drm-binds" "want driver=bochs-drm id=1234:1111 subsys=1234:56xx, got '${l:-nothing}'; console: $(console_tail "$dom")"
		return 1
		;;
	esac
	if l=$(guest_line "$dom" FB 120); then
		pass "$step/guest-fb"
	else
		fail "$step/guest-fb" "no /dev/fb0 in $dom; console: $(console_tail "$dom")"
	fi
	if l=$(guest_line "$dom" DRAWN 120) && drawn "$l"; then
		pass "$step/guest-draws"
		note "$dom: $l"
	else
		fail "$step/guest-draws" "no VMGUEST-DRAWN with a seed from $dom; console: $(console_tail "$dom")"
	fi
}
# drawn LINE: add fb-draw's SEED:BYTES in a VMGUEST-(RE)DRAWN line to $DRAWN.
drawn() {
	local seed bytes
	seed=$(field seed "$1")
	bytes=$(field bytes "$1")
	[[ $seed =~ ^[0-9a-f]{16}$ && $bytes =~ ^[1-9][0-9]*$ ]] || return 1
	DRAWN+=${DRAWN:+,}$seed:$bytes
}

# The domain's QEMU process ("-name guest=NAME,...") and whether its
# command line has the mdev: libvirt 9.0 gives QEMU 7.2 the device as JSON,
# {"driver":"vfio-pci","sysfsdev":"/sys/bus/mdev/devices/UUID",...}.
qemu_cmdline() {
	local p
	for p in $(pidof qemu-system-x86_64); do
		if tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -- "-name guest=$1,"; then
			tr '\0' ' ' <"/proc/$p/cmdline"
			return 0
		fi
	done
	return 1
}
qemu_has_sysfsdev() { # DOMAIN UUID
	qemu_cmdline "$1" | grep -q "sysfsdev.*$MDEVS/$2"
}
# The vGPU's VFIO group is open in the domain's QEMU: vslicectl's view.
open_by() { # UUID DOMAIN
	vslicectl list "$1" | grep -Eq "^$1 .* open +$2(,| |\$)"
}
# No one has it open: vslicectl answered so (not "it did not say open").
is_free() { # UUID
	vslicectl list "$1" | grep -Eq "^$1 +[^ ]+ +[^ ]+ +free( |\$)"
}

# Why libvirt does not see an mdev: what udev knows and saw, and what
# libvirt's node device driver logged.
diagnose_udev() { # UUID
	run udevadm info "$MDEVS/$1"
	run virsh nodedev-list --cap mdev
	run grep -aE "udev action|Discarding device|$1" /var/log/libvirt/libvirtd-debug.log
	if [[ -s $T/udev-monitor.log ]]; then
		run cat "$T/udev-monitor.log"
	fi
}

# nodedev_active CHECK UUID: libvirt's node device of the running,
# defined, autostarted mdev UUID (on GPU0) says so.  libvirt learns that
# it runs from udev, asynchronously.  (libvirt 9.0 ignores a device whose
# uevents carry a DEVTYPE it does not know: diagnose_udev shows them.)
nodedev_active() {
	local check=$1 nd
	nd=$(mdev_nd "$2" "$GPU0")
	wait_for 30 sh -c "virsh nodedev-info $nd | grep -Eq '^Active: +yes'"
	run virsh nodedev-info "$nd"
	if grep -Eq '^Active: +yes' <<<"$OUT" && grep -Eq '^Persistent: +yes' <<<"$OUT" &&
		grep -Eq '^Autostart: +yes' <<<"$OUT"; then
		pass "$check"
	else
		fail "$check" "$OUT"
		diagnose_udev "$2"
	fi
}

boot_checks() {
	# vslice_gpu from modules-load.d with the ids of modprobe.d.
	if wait_for 60 test -e "/sys/class/mdev_bus/$GPU0" -a -e "/sys/class/mdev_bus/$GPU1"; then
		pass host/gpus-registered
	else
		fail host/gpus-registered "no /sys/class/mdev_bus/{$GPU0,$GPU1}; lsmod: $(lsmod | grep vslice | tr '\n' ' ')"
	fi
	if wait_for 120 virsh version; then
		pass host/libvirtd
	else
		fail host/libvirtd "virsh cannot reach libvirtd: $(virsh version 2>&1)"
	fi
	run virsh version
	run mdevctl --version
}

# --- 1. libvirt sees what vslice publishes ---------------------------------
step_types() {
	run virsh nodedev-list --cap mdev_types
	ok types/nodedev-list
	has types/nodedev-list-gpu0 "$ND0"
	has types/nodedev-list-gpu1 "$ND1"
	local name nd gpu
	while read -r name nd gpu; do
		run virsh nodedev-dumpxml "$nd"
		ok "types/dumpxml-$name"
		has "types/dumpxml-$name-driver" "<name>vslice</name>"
		expect "types/dumpxml-$name-types-and-available" "$(sysfs_types "$gpu")" "$(nd_types "$nd")"
	done <<<"gpu0 $ND0 $GPU0
gpu1 $ND1 $GPU1"
	run virsh nodedev-dumpxml "$ND0"
	has types/dumpxml-name "<name>vslice S64</name>"
}

# --- 2. a persistent mdev through the nodedev API ---------------------------
step_nodedev() {
	# What udev tells its listeners, for diagnose_udev.
	udevadm monitor --udev --kernel --subsystem-match=mdev --subsystem-match=pci \
		>"$T/udev-monitor.log" 2>&1 &
	UDEV_MONITOR=$!
	U1=$(new_uuid)
	N1=$(mdev_nd "$U1" "$GPU0")
	local before f
	before=$(nd_types "$ND0" | awk '$1 == "vslice-s32" { print $2 }')
	f=$(mdev_xml "$ND0" vslice-s32 "$U1" vslice/owner=lab:libvirt "vslice/max_resolution=$U1_RES")
	run cat "$f"
	run virsh nodedev-define "$f"
	ok nodedev/define
	has nodedev/define-name "$N1"
	check nodedev/define-mdevctl-file test -f "$ETC/$GPU0/$U1"
	run cat "$ETC/$GPU0/$U1"
	has nodedev/define-attrs-stored "\"vslice/max_resolution\": \"$U1_RES\""
	has nodedev/define-type-stored '"mdev_type": "vslice-s32"'
	check nodedev/define-not-created test ! -e "$MDEVS/$U1"
	run virsh nodedev-list --cap mdev --all
	has nodedev/list-all-defined "$N1"

	run virsh nodedev-start "$N1"
	ok nodedev/start
	check nodedev/start-created test -d "$MDEVS/$U1"
	expect nodedev/start-type vslice-s32 "$(basename "$(readlink "$MDEVS/$U1/mdev_type")")"
	expect nodedev/start-parent "$GPU0" "$(basename "$(readlink -f "$MDEVS/$U1/..")")"
	expect nodedev/start-attrs "lab:libvirt $U1_RES" "$(attr "$U1" owner) $(attr "$U1" max_resolution)"

	run virsh nodedev-autostart "$N1"
	ok nodedev/autostart
	run cat "$ETC/$GPU0/$U1"
	has nodedev/autostart-stored '"start": "auto"'
	nodedev_active nodedev/info-active-persistent-autostart "$U1"
	run virsh nodedev-dumpxml "$N1"
	has nodedev/dumpxml-type "<type id='vslice-s32'/>"
	has nodedev/dumpxml-attr "<attr name='vslice/max_resolution' value='$U1_RES'/>"
	has nodedev/dumpxml-iommu-group "<iommuGroup number="
	# availableInstances follows what exists.
	expect types/available-after-start "$((before - 1))" \
		"$(nd_types "$ND0" | awk '$1 == "vslice-s32" { print $2 }')"

	# A transient one: nodedev-create is mdevctl start, nodedev-destroy
	# mdevctl stop.
	U3=$(new_uuid)
	local n3 f3
	n3=$(mdev_nd "$U3" "$GPU1")
	f3=$(mdev_xml "$ND1" vslice-s16 "$U3" vslice/owner=lab:transient)
	run virsh nodedev-create "$f3"
	ok nodedev/create-transient
	has nodedev/create-transient-name "$n3"
	check nodedev/create-transient-created test -d "$MDEVS/$U3"
	expect nodedev/create-transient-attr lab:transient "$(attr "$U3" owner)"
	check nodedev/create-transient-not-stored test ! -e "$ETC/$GPU1/$U3"
	run virsh nodedev-destroy "$n3"
	ok nodedev/destroy-transient
	check nodedev/destroy-transient-gone wait_for 10 test ! -e "$MDEVS/$U3"
}

# --- 7. errors ---------------------------------------------------------------
step_errors() {
	local u f
	u=$(new_uuid)
	f=$(mdev_xml "$ND0" vslice-s999 "$u")
	run virsh nodedev-define "$f"
	refused errors/define-unknown-type-refused "$GPU0 publishes no type vslice-s999"
	check errors/define-unknown-type-not-stored test ! -e "$ETC/$GPU0/$u"

	# A value above the type's limit (vslice-s32: 1920x1200).
	u=$(new_uuid)
	f=$(mdev_xml "$ND0" vslice-s32 "$u" vslice/max_resolution=99999x99999)
	run virsh nodedev-define "$f"
	refused errors/define-bad-resolution-refused \
		'vslice/max_resolution = "99999x99999" is out of range; it takes 640x480 to 1920x1200'
	check errors/define-bad-resolution-not-stored test ! -e "$ETC/$GPU0/$u"

	u=$(new_uuid)
	f=$(mdev_xml "$ND0" vslice-s32 "$u" vslice/bogus=1)
	run virsh nodedev-define "$f"
	refused errors/define-unknown-attr-refused 'attribute "vslice/bogus" is not a vslice attribute'
	check errors/define-unknown-attr-not-stored test ! -e "$ETC/$GPU0/$u"

	# A transient one (nodedev-create = mdevctl start) with a bad value.
	u=$(new_uuid)
	f=$(mdev_xml "$ND1" vslice-s16 "$u" vslice/max_resolution=9999x9999)
	run virsh nodedev-create "$f"
	refused errors/create-bad-resolution-refused 'vslice/max_resolution = "9999x9999" is out of range'
	check errors/create-bad-resolution-not-created test ! -e "$MDEVS/$u"

	# A domain whose mdev does not exist: libvirt's error, nothing left.
	local before mdevs dom=vslice-missing
	before=$(all_available)
	mdevs=$(mdev_uuids)
	u=$(new_uuid)
	f=$(domain_xml "$dom" "$u")
	run virsh define "$f"
	ok errors/missing-mdev-domain-defined
	run virsh start "$dom"
	refused errors/missing-mdev-start-fails "mediated device '$u' not found"
	note "libvirt said: $OUT"
	check errors/missing-mdev-not-running sh -c "[ \"\$(virsh domstate $dom)\" = 'shut off' ]"
	expect errors/missing-mdev-no-instance-leak "$mdevs" "$(mdev_uuids)"
	expect errors/missing-mdev-available-unchanged "$before" "$(all_available)"
	run virsh undefine "$dom"
}

# --- 4. assignment through the host tool -------------------------------------
# The host tool makes a second, transient vGPU (gone after the reboot) and
# puts it into vslice-b's persistent definition; vslice-b starts with it:
# QEMU realizes the vfio-pci device and holds the vGPU open.  Its guest is
# not waited for (vslice-a's is, in step 3: one nested TCG guest at a time).
step_assign() {
	local f
	U2=$(new_uuid)
	run vslicectl create "$GPU1" vslice-s16 --uuid "$U2"
	ok assign/vslicectl-create
	check assign/vslicectl-create-created test -d "$MDEVS/$U2"
	f=$(domain_xml vslice-b)
	run virsh define "$f"
	ok assign/define-without-hostdev

	run vslicectl assign "$U2" vslice-b
	ok assign/vslicectl-assign
	run virsh dumpxml --inactive vslice-b
	has assign/persistent-hostdev "<address uuid='$U2'/>"
	if grep -q "<hostdev mode='subsystem' type='mdev'.* model='vfio-pci'" <<<"$OUT"; then
		pass assign/persistent-hostdev-model
	else
		fail assign/persistent-hostdev-model "no mdev hostdev with model vfio-pci in: $OUT"
	fi
	run vslicectl assign "$U2" vslice-b
	ok assign/again-succeeds
	run virsh dumpxml --inactive vslice-b
	expect assign/again-changes-nothing 1 "$(grep -c "<address uuid='$U2'/>" <<<"$OUT")"
	run vslicectl assign "$U1" vslice-b
	refused assign/other-domains-vgpu-refused "$U1 is assigned to domain vslice-a already"
	expect assign/other-domains-vgpu-exit 4 "$rc"
	run vslicectl list "$U2"
	if grep -Eq "^$U2 +$GPU1 +vslice-s16 +free +vslice-b \(off\)" <<<"$OUT"; then
		pass assign/vslicectl-list-domain
	else
		fail assign/vslicectl-list-domain "$OUT"
	fi

	rm -f "$SERIAL/vslice-b.serial"
	run virsh start vslice-b
	ok assign/start
	if ((rc == 0)); then
		run virsh dumpxml vslice-b
		has assign/live-hostdev "<address uuid='$U2'/>"
		check assign/qemu-sysfsdev qemu_has_sysfsdev vslice-b "$U2"
		check assign/open-by-domain open_by "$U2" vslice-b
		run virsh destroy vslice-b
		ok assign/destroy
		check assign/free-after-destroy wait_for 30 is_free "$U2"
	fi
}

# --- 3. a domain with the vGPU ----------------------------------------------
define_domain_a() {
	local f
	f=$(domain_xml vslice-a "$U1")
	run cat "$f"
	run virsh define "$f"
	ok domain/define
}
start_domain_a() { # STEP [--no-guest]
	local step=$1
	rm -f "$SERIAL/vslice-a.serial"
	run virsh start vslice-a
	ok "$step/start"
	if ((rc != 0)); then
		skip "$step/guest-boots" "vslice-a did not start"
		return 1
	fi
	domain_a_checks "$@"
}
# domain_a_checks STEP [--no-guest]: the running vslice-a has the vGPU.
domain_a_checks() {
	local step=$1
	run virsh dumpxml vslice-a
	has "$step/live-hostdev" "<address uuid='$U1'/>"
	check "$step/qemu-sysfsdev" qemu_has_sysfsdev vslice-a "$U1"
	run vslicectl list "$U1"
	if grep -Eq "^$U1 +$GPU0 +vslice-s32 +open +vslice-a" <<<"$OUT"; then
		pass "$step/vslicectl-open-by-domain"
	else
		fail "$step/vslicectl-open-by-domain" "$OUT"
	fi
	# The limit a guest driver reads at probe time stays while it may
	# have read it.
	set_attr "$U1" max_resolution 800x600
	refused "$step/max-resolution-refused-while-open" "Device or resource busy"
	expect "$step/max-resolution-kept" "$U1_RES" "$(attr "$U1" max_resolution)"
	[[ ${2:-} == --no-guest ]] && return 0
	guest_checks "$step" vslice-a "$U1"
}

# --- 5. hot-unplug -----------------------------------------------------------
# From the running vslice-a, whose guest has bochs-drm bound to the vGPU.
step_unplug() {
	hostdev_xml "$U1" >"$T/hostdev-a.xml"
	local t=$SECONDS l
	run virsh detach-device vslice-a "$T/hostdev-a.xml" --live
	ok unplug/detach-device
	# libvirt waits 5 s for QEMU's DEVICE_DELETED event and otherwise
	# returns; the removal completes when the guest has ejected the device.
	if wait_for 120 not sh -c "virsh dumpxml vslice-a | grep -q \"uuid='$U1'\""; then
		pass unplug/gone-from-live-xml
		note "unplug complete $((SECONDS - t)) s after detach-device"
	else
		fail unplug/gone-from-live-xml "the hostdev is still in vslice-a's live XML 120 s after detach-device"
	fi
	if l=$(guest_line vslice-a GONE 60); then
		pass unplug/guest-sees-unplug
		note "vslice-a: $l"
	else
		fail unplug/guest-sees-unplug "no VMGUEST-GONE; console: $(console_tail vslice-a)"
	fi
	check unplug/domain-keeps-running running vslice-a
	check unplug/instance-still-there test -d "$MDEVS/$U1"
	run vslicectl list "$U1"
	if grep -Eq "^$U1 +$GPU0 +vslice-s32 +free " <<<"$OUT"; then
		pass unplug/instance-free
	else
		fail unplug/instance-free "$OUT"
	fi
	run virsh dumpxml --inactive vslice-a
	has unplug/persistent-definition-kept "<address uuid='$U1'/>"
	# Free means usable: it goes back in, live, and the guest's
	# bochs-drm drives it again.
	run virsh attach-device vslice-a "$T/hostdev-a.xml" --live
	ok unplug/attach-again
	check unplug/attach-again-open open_by "$U1" vslice-a
	if l=$(guest_line vslice-a BACK 180); then
		pass unplug/guest-sees-plug
		note "vslice-a: $l"
	else
		fail unplug/guest-sees-plug "no VMGUEST-BACK; console: $(console_tail vslice-a)"
		return
	fi
	if l=$(guest_line vslice-a REDRAWN 120) && drawn "$l"; then
		pass unplug/guest-draws-again
		note "vslice-a: $l"
	else
		fail unplug/guest-draws-again "no VMGUEST-REDRAWN with a seed; console: $(console_tail vslice-a)"
	fi
}

# --- 8. the next tenant ------------------------------------------------------
# vslice-a drew patterns of its own random seeds ($DRAWN) on the
# persistent vGPU, in two opens (before and after the hot-plug), and is
# gone.  The next domain started with that vGPU reads its whole BAR0
# before its guest loads bochs-drm (vmguest.find= on its kernel command
# line, tests/vmguest/init.sh): nothing of vslice-a's may be there, and
# nothing else either (what vslice-a wrote reads as zero, and the slice
# was zero when created).  It is the domain whose screen step 10 looks
# at, which spares a nested guest's boot.
step_tenant() {
	local dom=vslice-next f l want
	if [[ -z $DRAWN ]]; then
		skip tenant/bar0-read "vslice-a drew nothing to look for"
		skip display/guest-shows "$dom was not started: vslice-a drew nothing to look for"
		skip save/flow-save "$dom was not started: vslice-a drew nothing to look for"
		return
	fi
	check tenant/vgpu-free wait_for 30 is_free "$U1"
	# The next tenant is the domain that shows the screen (step 10).
	f=$(display_domain_xml "$dom" "$U1")
	sed -i "s|</cmdline>| vmguest.find=$DRAWN</cmdline>|" "$f"
	# Step 12 saves it.
	migratable "$f"
	run virsh define "$f"
	ok tenant/define
	if ! grep -q "vmguest.find=$DRAWN" "$f"; then
		fail tenant/define "no <cmdline> in $f to pass vmguest.find= in"
		skip display/guest-shows "$dom was not started"
		skip save/flow-save "$dom was not started"
		return
	fi
	rm -f "$SERIAL/$dom.serial"
	run virsh start "$dom"
	ok tenant/start
	if ((rc == 0)); then
		if l=$(guest_line "$dom" BAR0 "$GUEST_SECS"); then
			note "$dom: $l"
			pass tenant/bar0-read
			# The whole slice, from memory that answers.
			expect tenant/bar0-whole-slice "bytes=$(attr "$U1" vram_size) live=yes" \
				"bytes=$(field bytes "$l") live=$(field live "$l")"
			want=$(tr ',' '\n' <<<"$DRAWN" | sed 's/:.*/:0/' | paste -sd,)
			expect tenant/no-previous-pattern "$want" "$(field found "$l")"
			nz=$(field nonzero "$l")
			if [[ $nz == 0 ]]; then
				pass tenant/bar0-all-zero
			else
				fail tenant/bar0-all-zero "nonzero=$nz first_nonzero=$(field first_nonzero "$l")"
			fi
		else
			fail tenant/bar0-read "no VMGUEST-BAR0 from $dom; console: $(console_tail "$dom")"
		fi
		step_display "$dom" "$U1"
		# The same running guest, saved and restored (step 12).
		step_save "$dom" "$U1"
		run virsh destroy "$dom"
	else
		skip display/guest-shows "$dom did not start"
		skip save/flow-save "$dom did not start"
	fi
	run virsh undefine "$dom"
	check tenant/free-after wait_for 30 is_free "$U1"
}

# --- 10. the vGPU's screen through libvirt ---------------------------------
# vslice-next (step 8) is what an admin writes to see a guest's screen
# (domain-display.xml.in): the vGPU with display='on', a VNC console and no
# emulated VGA.  Once its guest's bochs-drm is up, the flow types it
# "display WxH": it sets that mode through KMS, draws the picture of a seed
# of its own into a first framebuffer and shows it (VMGUEST-SHOWN), with
# the modes its connector has from the vGPU's EDID (VMGUEST-MODES); then
# "flip": it draws another seed's picture into a second framebuffer and
# page-flips to it (VMGUEST-FLIPPED).  Each time, what `virsh screenshot`
# returns and what a VNC client (gvnccapture) receives is compared with
# the picture recomputed from its seed (shot-check, pixel for pixel); after
# the flip the screen must no longer be the first picture.  The pictures
# stay in $STATE/display/, which tests/libvirt/stage.sh copies to the
# stage's logs.
DISPLAY_MODE=800x600
SHOTS=$STATE/display

# The display domain's serial line is a pty.  QEMU reads what is typed
# there only while the pty's other end is open, which it looks for once a
# second, so the flow holds it open while it gives the guest commands,
# reading and dropping what the guest writes (QEMU logs that to
# $SERIAL/DOMAIN.serial).  A child process opens it: this script, the
# service's session leader, would make it its controlling terminal and be
# hung up with it when QEMU exits.
CON_PID='' CON_TTY=''
console_open() { # DOMAIN
	CON_TTY=$(virsh ttyconsole "$1" 2>/dev/null)
	[[ $CON_TTY == /dev/pts/* && -c $CON_TTY ]] || return 1
	cat "$CON_TTY" >/dev/null 2>&1 &
	CON_PID=$!
	sleep 2
	kill -0 "$CON_PID" 2>/dev/null
}
console_close() {
	[[ -n $CON_PID ]] || return 0
	kill "$CON_PID" 2>/dev/null
	wait "$CON_PID" 2>/dev/null
	CON_PID=''
}
guest_cmd() { # LINE: one command line to the guest's /init
	note "to the guest: $1"
	sh -c 'printf "%s\n" "$1" >"$2"' guest_cmd "$1" "$CON_TTY"
}

# QEMU's vfio-pci device of the vGPU has display on: libvirt 9.0 and 11.3
# give QEMU its devices as JSON ({"driver":"vfio-pci",...,"display":"on"}).
qemu_display_on() { # DOMAIN UUID
	qemu_cmdline "$1" | grep -o "{[^}]*$MDEVS/$2[^}]*}" | grep -q '"display":"on"'
}

# virsh_shot CHECK DOMAIN BASE: `virsh screenshot` into BASE.ppm.  libvirt
# says which format QEMU wrote: a PPM, or a PNG where QEMU can write one
# (libvirt 9.0 with QEMU 7.2 and 11.3 with QEMU 10.0 both ask for PNG),
# kept as BASE.png and converted.
virsh_shot() {
	local type
	rm -f "$3".*
	run virsh screenshot "$2" "$3.img" --screen 0
	type=$(sed -n 's/.*with type of \([^ ,]*\).*/\1/p' <<<"$OUT")
	if ((rc != 0)) || [[ ! -s $3.img ]]; then
		fail "$1" "virsh screenshot exit $rc: $OUT"
		return 1
	fi
	case $type in
	image/x-portable-pixmap) mv "$3.img" "$3.ppm" ;;
	image/png)
		mv "$3.img" "$3.png"
		pngtopnm "$3.png" >"$3.ppm" 2>"$T/pngtopnm.err"
		;;
	*)
		fail "$1" "virsh screenshot wrote a '$type' image: $OUT"
		return 1
		;;
	esac
	if [[ -s $3.ppm ]]; then
		pass "$1"
	else
		fail "$1" "no PPM from virsh screenshot's $type image: $(cat "$T/pngtopnm.err" 2>/dev/null)"
		return 1
	fi
}

# vnc_shot CHECK DOMAIN BASE: what a VNC client receives of the domain's
# console, as BASE.png (gvnccapture saves what it received, losslessly) and
# BASE.ppm (netpbm's pngtopnm).
vnc_shot() {
	local disp
	rm -f "$3".*
	disp=$(virsh vncdisplay "$2" 2>/dev/null)
	run timeout 300 gvnccapture "$disp" "$3.png"
	if ((rc != 0)) || [[ ! -s $3.png ]]; then
		fail "$1" "gvnccapture '$disp' exit $rc: $OUT"
		return 1
	fi
	if pngtopnm "$3.png" >"$3.ppm" 2>"$T/pngtopnm.err" && [[ -s $3.ppm ]]; then
		pass "$1"
	else
		fail "$1" "pngtopnm $3.png: $(cat "$T/pngtopnm.err")"
		return 1
	fi
}

# shot_is CHECK PPM SEED MODE: the picture is the guest's pattern of SEED
# in MODE (shot-check exits 0 on a match, 1 on a mismatch).
shot_is() {
	run "$LIB/shot-check" "$2" "$3" "${4%x*}" "${4#*x}"
	if ((rc == 0)); then
		pass "$1"
	else
		fail "$1" "shot-check ${2##*/} $3 ${4%x*} ${4#*x}: exit $rc: $OUT"
	fi
}
# shot_is_not CHECK PPM SEED MODE: it is not that picture.
shot_is_not() {
	run "$LIB/shot-check" "$2" "$3" "${4%x*}" "${4#*x}"
	case $rc in
	1) pass "$1" ;;
	0) fail "$1" "${2##*/} is still the picture of seed $3" ;;
	*) fail "$1" "shot-check ${2##*/} $3 ${4%x*} ${4#*x}: exit $rc: $OUT" ;;
	esac
}

# shots WHEN DOMAIN SEED MODE: virsh's and VNC's picture of the screen is
# the guest's of SEED.
shots() {
	local when=$1 t=$SECONDS
	if virsh_shot "display/virsh-screenshot-$when" "$2" "$SHOTS/virsh-$when"; then
		shot_is "display/virsh-screenshot-$when-is-guest-picture" "$SHOTS/virsh-$when.ppm" "$3" "$4"
	fi
	if vnc_shot "display/vnc-capture-$when" "$2" "$SHOTS/vnc-$when"; then
		shot_is "display/vnc-capture-$when-is-guest-picture" "$SHOTS/vnc-$when.ppm" "$3" "$4"
	fi
	note "display: screenshots $when the flip in $((SECONDS - t)) s"
}

# guest_modes_check UUID MODES_LINE: the guest's modes (VMGUEST-MODES
# list=WxH,... preferred=WxH) come from the vGPU's EDID: its
# max_resolution is the preferred mode and none is larger in either
# dimension.
guest_modes_check() {
	local max m bad='' list
	max=$(attr "$1" max_resolution)
	list=$(field list "$2")
	expect display/guest-preferred-mode-is-max-resolution "$max" "$(field preferred "$2")"
	for m in ${list//,/ }; do
		if [[ ! $m =~ ^[0-9]+x[0-9]+$ ]] || ((${m%x*} > ${max%x*} || ${m#*x} > ${max#*x})); then
			bad+=" $m"
		fi
	done
	if [[ -z $list ]]; then
		fail display/guest-modes-within-max-resolution "no modes in: $2"
	elif [[ -z $bad ]]; then
		pass display/guest-modes-within-max-resolution
	else
		fail display/guest-modes-within-max-resolution "modes larger than $max:$bad"
	fi
}

# step_display DOMAIN UUID: DOMAIN runs with the vGPU UUID, from
# domain-display.xml.in.
step_display() {
	local dom=$1 u=$2 l seed0 seed1 mode t=$SECONDS
	mkdir -p "$SHOTS"
	rm -f "$SHOTS"/*
	run virsh dumpxml "$dom"
	if grep -Eq "<hostdev mode='subsystem' type='mdev'[^>]* display='on'" <<<"$OUT"; then
		pass display/live-hostdev-display-on
	else
		fail display/live-hostdev-display-on "no mdev hostdev with display='on' in: $OUT"
	fi
	has display/live-graphics-vnc "<graphics type='vnc'"
	has display/live-video-none "<model type='none'/>"
	check display/qemu-vfio-display-on qemu_display_on "$dom" "$u"
	guest_checks display "$dom" "$u" || return
	if ! console_open "$dom"; then
		fail display/guest-console "no pty to type on (virsh ttyconsole $dom: '$CON_TTY')"
		return
	fi
	pass display/guest-console
	guest_cmd "display $DISPLAY_MODE"
	if l=$(guest_line "$dom" SHOWN "$GUEST_SECS"); then
		pass display/guest-shows
		note "$dom: $l"
	else
		fail display/guest-shows "no VMGUEST-SHOWN after 'display $DISPLAY_MODE'; console: $(console_tail "$dom")"
		console_close
		return
	fi
	seed0=$(field seed "$l")
	mode=$(field mode "$l")
	expect display/guest-mode "buf=0 mode=$DISPLAY_MODE" "buf=$(field buf "$l") mode=$mode"
	l=$(guest_line "$dom" MODES 10)
	note "$dom: $l"
	guest_modes_check "$u" "$l"
	echo "before seed=$seed0 mode=$mode" >"$SHOTS/pictures.txt"
	shots before "$dom" "$seed0" "$mode"

	guest_cmd flip
	if l=$(guest_line "$dom" FLIPPED "$GUEST_SECS"); then
		pass display/guest-flips
		note "$dom: $l"
	else
		fail display/guest-flips "no VMGUEST-FLIPPED after 'flip'; console: $(console_tail "$dom")"
		console_close
		return
	fi
	seed1=$(field seed "$l")
	# A page flip (not a new mode set) to the second buffer, of another
	# seed.
	if [[ $(field buf "$l") == 1 && $(field via "$l") == page-flip && -n $seed1 &&
		$seed1 != "$seed0" ]]; then
		pass display/guest-flip-other-picture
	else
		fail display/guest-flip-other-picture "want buf=1 via=page-flip and a seed other than $seed0: $l"
	fi
	echo "after seed=$seed1 mode=$mode" >>"$SHOTS/pictures.txt"
	shots after "$dom" "$seed1" "$mode"
	# What the screen showed follows the flip: it is no longer the first
	# picture (nor is what VNC received).
	if [[ -s $SHOTS/virsh-after.ppm ]]; then
		shot_is_not display/virsh-screenshot-after-not-first-picture "$SHOTS/virsh-after.ppm" "$seed0" "$mode"
	fi
	if [[ -s $SHOTS/vnc-after.ppm ]]; then
		shot_is_not display/vnc-capture-after-not-first-picture "$SHOTS/vnc-after.ppm" "$seed0" "$mode"
	fi
	# The KMS client gives the device back and ends without an error.
	guest_cmd display-end
	if l=$(guest_line "$dom" RELEASED 120); then
		pass display/guest-releases
	else
		fail display/guest-releases "no VMGUEST-RELEASED after 'display-end'; console: $(console_tail "$dom")"
	fi
	console_close
	note "display: $((SECONDS - t)) s"
}

# --- 11. live migration between two QEMU processes ---------------------------
# flow-migrate.sh (installed beside this script when the tree has one)
# prints its own libvirt/migrate/... (or, for the benchmark,
# libvirt/mig-bench/...) result lines, counted here as this script's, and
# the benchmark's VSBENCH-MIG lines; its notes go to the console
# indented.  Its exit status: 0 without a FAIL, 1 after one; anything
# else is a FAIL of its own.  "start" creates the step's vGPUs and starts
# its source QEMU, whose nested guest then boots while the flow goes on
# (the flow waits for one guest at a time otherwise); "migrate" goes on
# from there.
step_migrate() { # start|migrate|bench
	local mode=$1 name=migrate line fails=0 mrc='' what=exit-status
	[[ $mode == bench ]] && name=mig-bench
	[[ $mode == start ]] && what='start-exit-status'
	if [[ ! -x $LIB/flow-migrate.sh ]]; then
		skip "$name/flow-migrate" "no tests/libvirt/flow-migrate.sh in this tree"
		return
	fi
	note "$name: flow-migrate.sh $mode ($(qemu-system-x86_64 --version 2>&1 | head -n 1))"
	[[ $mode == migrate ]] || rm -rf "$T/migrate"
	mkdir -p "$T/migrate"
	while IFS= read -r line || [[ -n $line ]]; do
		case $line in
		"VSLICE-RESULT: FAIL "*)
			echo "$line"
			results=$((results + 1)) failures=$((failures + 1)) fails=$((fails + 1))
			;;
		"VSLICE-RESULT: PASS "* | "VSLICE-RESULT: SKIP "*)
			echo "$line"
			results=$((results + 1))
			;;
		VSBENCH-*) echo "$line" ;;
		"flow-migrate-exit "*) mrc=${line#flow-migrate-exit } ;;
		*) echo "    | $line" ;;
		esac
	done < <(VSLICE_MIG_TMP=$T/migrate VSLICE_MIG_LIB=$LIB VSLICE_MIG_GPU=$GPU0 VSLICE_MIG_GPU2=$GPU1 \
		VSLICE_MIG_ROUNDS=$(sed -n 's/.*vslice\.mig-rounds=\([0-9]*\).*/\1/p' /proc/cmdline) \
		timeout 1800 "$LIB/flow-migrate.sh" "$mode" 2>&1
		echo "flow-migrate-exit $?")
	if { [[ $mrc == 0 ]] && ((fails == 0)); } || { [[ $mrc == 1 ]] && ((fails > 0)); }; then
		pass "$name/$what"
	else
		fail "$name/$what" "flow-migrate.sh $mode exited ${mrc:-without a status} after $fails FAIL lines"
	fi
}

# --- 9. live changes of a running vGPU's attributes -------------------------
# flow-live.sh (installed beside this script when the tree has one) checks
# virsh nodedev-update and mdevctl modify --live on the persistent vGPU,
# open by vslice-a, and leaves it as it found it.  It prints its own
# libvirt/live/... result lines, counted here as this script's, and SKIPs
# what this host's mdevctl (< 1.3) and libvirt (< 10.1) do not have.  Its
# exit status: 0 without a FAIL, 1 or 2 after one; anything else (a crash,
# the timeout's 124) is a FAIL of its own.
step_live() {
	local fails lines
	if [[ ! -x $LIB/flow-live.sh ]]; then
		skip live/flow-live "no tests/libvirt/flow-live.sh in this tree"
		return
	fi
	note "live: flow-live.sh on $U1 ($(mdevctl --version 2>&1), libvirt $(virsh --version 2>&1))"
	mkdir -p "$T/live"
	VSLICE_LIVE_UUID=$U1 VSLICE_LIVE_PARENT=$GPU0 VSLICE_LIVE_TMP=$T/live \
		timeout 600 "$LIB/flow-live.sh" >"$T/live.out" 2>"$T/live.err"
	rc=$?
	sed 's/^/    | /' "$T/live.err"
	relay "$T/live.out"
	if { ((rc == 0)) && ((fails == 0)); } || { ((rc == 1 || rc == 2)) && ((fails > 0)); }; then
		pass live/exit-status
	else
		fail live/exit-status "flow-live.sh exited $rc after $fails FAIL lines"
	fi
}

# relay FILE: a helper script's result lines, printed and counted as this
# script's; its FAIL lines in $fails, all of them in $lines.
relay() {
	local line
	fails=0 lines=0
	while IFS= read -r line || [[ -n $line ]]; do
		echo "$line"
		case $line in
		"VSLICE-RESULT: FAIL "*) results=$((results + 1)) failures=$((failures + 1)) fails=$((fails + 1)) lines=$((lines + 1)) ;;
		"VSLICE-RESULT: PASS "* | "VSLICE-RESULT: SKIP "*) results=$((results + 1)) lines=$((lines + 1)) ;;
		esac
	done <"$1"
}

# --- 12. save and restore ---------------------------------------------------
# flow-save.sh (installed beside this script when the tree has one), on a
# running display domain whose guest is up: virsh save / restore and
# managedsave / start move the guest and its vGPU's state through a file
# and the screen is the same picture after; a restore where the vGPU is
# missing or of another type is refused and leaves nothing behind.  It
# prints its own libvirt/save/... lines, always SAVE_CHECKS of them
# (SKIPs where QEMU < 8.1 or libvirt < 8.6: Debian 12), counted here as
# this script's.  Its exit status: 0 without a FAIL, 1 after one, 2 after
# a FAIL of its inputs; anything else (a crash, the timeout's 124) is a
# FAIL of its own, and so is a count other than SAVE_CHECKS.
SAVE_CHECKS=50
step_save() { # DOMAIN UUID
	local fails lines
	if [[ ! -x $LIB/flow-save.sh ]]; then
		skip save/flow-save "no tests/libvirt/flow-save.sh in this tree"
		return
	fi
	note "save: flow-save.sh on $1 with $2"
	mkdir -p "$T/save"
	VSLICE_SAVE_DOMAIN=$1 VSLICE_SAVE_UUID=$2 VSLICE_SAVE_PARENT=$GPU0 \
		VSLICE_SAVE_SERIAL=$SERIAL/$1.serial VSLICE_SAVE_TMP=$T/save \
		VSLICE_SAVE_SHOTS=$SHOTS VSLICE_SAVE_LIB=$LIB \
		timeout 1200 "$LIB/flow-save.sh" >"$T/save.out" 2>"$T/save.err"
	rc=$?
	sed 's/^/    | /' "$T/save.err"
	relay "$T/save.out"
	if { ((rc == 0)) && ((fails == 0)); } || { ((rc == 1 || rc == 2)) && ((fails > 0)); }; then
		pass save/exit-status
	else
		fail save/exit-status "flow-save.sh exited $rc after $fails FAIL lines"
	fi
	if ((rc == 2)) || ((lines == SAVE_CHECKS)); then
		pass save/check-count
	else
		fail save/check-count "flow-save.sh printed $lines results, not $SAVE_CHECKS"
	fi
}

phase1() {
	note "first boot"
	boot_checks
	step_types
	step_nodedev
	step_errors
	# vslice-a's definition names the first vGPU before vslicectl assigns
	# the second to vslice-b (and refuses to give it the first).
	define_domain_a
	step_assign
	if start_domain_a domain; then
		step_unplug
	else
		skip unplug/detach-device "vslice-a's guest did not come up"
	fi
	step_live
	run virsh destroy vslice-a
	# The migration's guest boots beside the next tenant's.
	step_migrate start
	step_tenant
	kill "$UDEV_MONITOR" 2>/dev/null
	step_migrate migrate
	# libvirt starts vslice-a by itself at the next boot, with the vGPU
	# that mdevctl's definition starts then.
	run virsh autostart vslice-a
	ok domain/autostart
	run virsh dominfo vslice-a
	if grep -Eq '^Autostart: +enable' <<<"$OUT"; then
		pass domain/autostart-set
	else
		fail domain/autostart-set "$OUT"
	fi
	# Live changes that the definition does not have: the second boot
	# must come back with the definition's values.
	set_attr "$U1" owner lab:live
	ok nodedev/live-owner
	set_attr "$U1" max_resolution 800x600
	ok nodedev/live-max-resolution
	expect nodedev/live-attrs "lab:live 800x600" "$(attr "$U1" owner) $(attr "$U1" max_resolution)"
	{
		echo "U1=$U1"
		echo "U2=$U2"
		echo "BOOT_ID=$(cat /proc/sys/kernel/random/boot_id)"
	} >"$STATE/state"
	echo 2 >"$STATE/phase"
	sync
}

# save_alone: step 12 on a display domain of its own with the vGPU U1.
save_alone() {
	local dom=vslice-save f
	f=$(display_domain_xml "$dom" "$U1")
	migratable "$f"
	run cat "$f"
	run virsh define "$f"
	ok save/define
	rm -f "$SERIAL/$dom.serial"
	run virsh start "$dom"
	ok save/start
	if ((rc != 0)); then
		skip save/flow-save "$dom did not start"
	elif guest_checks save "$dom" "$U1"; then
		step_save "$dom" "$U1"
	else
		skip save/flow-save "the guest of $dom did not come up"
	fi
	run virsh destroy "$dom"
	run virsh undefine "$dom"
}

# --- 6. reboot ---------------------------------------------------------------
# reboot/mdev-before-libvirtd: the vGPU existed (the callout's "post
# start" line) before systemd started libvirtd, which is what makes
# libvirt's autostart of vslice-a safe whatever the timing.  udev's rule
# alone starts it when vslice_gpu registers the GPU, and nothing orders
# libvirtd after that; vslice-mdev-autostart.service is ordered before
# libvirtd and waits for it.  (In this lab libvirtd's start of a QEMU
# domain takes long enough under TCG that udev alone usually wins the race
# to the domain; this check does not depend on that.)
mdev_before_libvirtd() {
	local mdev_us libvirtd_us line
	line=$(journalctl -b -o short-monotonic -t vslice-mdevctl 2>/dev/null | grep -m 1 "post start: $U1")
	mdev_us=$(sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/p' <<<"$line")
	libvirtd_us=$(systemctl show -p ExecMainStartTimestampMonotonic --value libvirtd.service)
	if [[ -z $mdev_us || -z $libvirtd_us || $libvirtd_us == 0 ]]; then
		fail reboot/mdev-before-libvirtd "no time for the vGPU's start ('$line') or libvirtd's ('$libvirtd_us')"
	elif ((10#$mdev_us < libvirtd_us)); then
		pass reboot/mdev-before-libvirtd
	else
		fail reboot/mdev-before-libvirtd "the vGPU started at $((10#$mdev_us / 1000)) ms, libvirtd at $((libvirtd_us / 1000)) ms of the boot: libvirt may autostart a domain before its vGPU exists"
	fi
}

phase2() {
	note "second boot"
	# shellcheck disable=SC1091
	. "$STATE/state"
	N1=$(mdev_nd "$U1" "$GPU0")
	boot_checks
	check reboot/new-boot test "$(cat /proc/sys/kernel/random/boot_id)" != "$BOOT_ID"
	if wait_for 60 test -e "$MDEVS/$U1/vslice/owner"; then
		pass reboot/mdev-autostarted
	else
		fail reboot/mdev-autostarted "no $MDEVS/$U1 60 s after libvirtd came up; journal: $(journalctl -b -o cat -t mdevctl -t vslice-mdevctl 2>&1 | tail -n 5)"
	fi
	run journalctl -b -o short-monotonic -t mdevctl -t vslice-mdevctl
	has reboot/started-through-callout "post start: $U1"
	mdev_before_libvirtd
	expect reboot/mdev-type vslice-s32 "$(basename "$(readlink "$MDEVS/$U1/mdev_type" 2>/dev/null)")"
	expect reboot/mdev-parent "$GPU0" "$(basename "$(readlink -f "$MDEVS/$U1/.." 2>/dev/null)")"
	expect reboot/mdev-attrs "lab:libvirt $U1_RES" "$(attr "$U1" owner) $(attr "$U1" max_resolution)"
	check reboot/transient-mdev-gone test ! -e "$MDEVS/$U2"
	nodedev_active reboot/nodedev-active-persistent-autostart "$U1"
	run virsh dumpxml --inactive vslice-b
	has reboot/assignment-kept "<address uuid='$U2'/>"

	# No one runs virsh start: libvirt autostarted vslice-a when it came
	# up, which works only if the vGPU existed by then.  QEMU realizing
	# the vfio-pci device of the re-created vGPU and holding it open is
	# the proof here; the first boot waited for the guest's bochs-drm on
	# the same definition (2.5 more minutes of nested TCG).
	if wait_for 120 running vslice-a; then
		pass reboot/domain-autostarted
		run virsh domstate --reason vslice-a
		has reboot/domain-autostarted-at-boot "running (booted)"
		domain_a_checks reboot --no-guest
	else
		fail reboot/domain-autostarted "vslice-a is '$(virsh domstate --reason vslice-a 2>&1)' 120 s after libvirt came up; libvirtd: $(journalctl -b -o cat -u libvirtd 2>&1 | grep -a -m 3 -iE 'autostart|vslice-a|mediated')"
		run virsh dominfo vslice-a
	fi
	run systemctl status --no-pager vslice-mdev-autostart.service
	run journalctl -b -o short-monotonic --no-pager -u vslice-mdev-autostart.service -u libvirtd
	run virsh destroy vslice-a
}

# A flow that stops early (a bug in this script, set -u, or systemd's
# RuntimeMaxSec) must not leave the machine running until the host's
# timeout: say so and power off, without VSLICE-DONE (the host then counts
# the boot as failed and does not boot the second half).  bash runs no
# EXIT trap when a signal kills it: SIGTERM becomes an exit.
finished=0
stopped_early() {
	((finished)) && return
	result FAIL flow/script "flow.sh stopped early (exit $1); see the lines before"
	systemctl --no-block poweroff
}
trap 'stopped_early $?' EXIT
trap 'exit 143' TERM

# phase_steps STEP...: the host checks and the steps chosen with
# vslice.flow-steps=.
phase_steps() {
	local s
	note "first boot, only the steps: $*"
	boot_checks
	for s in "$@"; do
		case $s in
		migrate) step_migrate migrate ;;
		mig-bench) step_migrate bench ;;
		save)
			[[ -n ${U1:-} ]] || step_nodedev
			save_alone
			;;
		*) fail "flow/steps" "vslice.flow-steps: '$s' is not a step that runs alone (migrate, mig-bench, save)" ;;
		esac
	done
}

start=$(uptime_s)
note "lab host up after ${start}s (kernel $(uname -r))"
FLOW_STEPS=$(sed -n 's/.*vslice\.flow-steps=\([^ ]*\).*/\1/p' /proc/cmdline)
if [[ -n $FLOW_STEPS ]]; then
	phase=1
	IFS=, read -ra chosen <<<"$FLOW_STEPS"
	phase_steps "${chosen[@]}"
elif [[ $(cat "$STATE/phase" 2>/dev/null) == 2 ]]; then
	phase=2
	phase2
else
	phase=1
	phase1
fi
note "boot $phase done: $failures failures, $(awk -v s="$start" '{ printf "%d", $1 - s }' /proc/uptime) s"
if ((failures > 0)); then
	echo "--- journal (libvirtd, vslice-mdev-autostart, mdevctl, vslice-mdevctl)"
	journalctl -b -o short-monotonic -u libvirtd -u vslice-mdev-autostart \
		-t mdevctl -t vslice-mdevctl 2>&1 | tail -n 60
	for f in "$SERIAL"/*.log; do
		[[ -f $f ]] && { echo "--- $f"; tail -n 20 "$f"; }
	done
fi
echo "--- systemd-analyze"
systemd-analyze 2>&1 | head -n 3
systemd-analyze blame 2>&1 | head -n 12
echo "VSLICE-FLOW phase=$phase results=$results failures=$failures"
echo "VSLICE-DONE rc=$failures"
finished=1
sync
if ((phase == 1)) && [[ -z $FLOW_STEPS ]]; then
	systemctl --no-block reboot
else
	systemctl --no-block poweroff
fi
