#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Debian's real mdevctl with vslice's callout (userspace/mdevctl-plugin):
# types, define, modify, start, list (attributes from the callout), stop,
# undefine; definitions with bad attributes, and any type the GPU does not
# publish, refused with the callout's message; auto-start of a definition
# when vslice_gpu is loaded again; and vslicectl on the real sysfs.  All
# that with Debian 12's mdevctl 1.2.0 (/usr/bin/mdevctl); then Debian 13's
# mdevctl 1.4.0 (/opt/mdevctl-trixie/bin/mdevctl, run by trixie's own
# loader and libc) with the callout protocol version 2: the capabilities
# handshake, modify --live and --live --defined (bad values refused,
# nothing changed), and "get attributes" of a defined, running device.
# The image gets these from tests/lab/image-mdevctl.sh.
#
# There is no udevd in the lab: a stand-in listens to the kernel's uevents
# and, for each, evaluates the match keys of vslice's installed udev rule
# and runs its RUN command as udev would (%k, $$).  So the auto-start check
# proves the rule's matches and command against the real uevent, not
# udevd itself.
SUITE=mdevctl
. "$(dirname "$0")/lib.sh"

ETC=/etc/mdevctl.d
RULE=/usr/lib/udev/rules.d/60-vslice-mdevctl.rules
DEBIAN_RULE=/usr/lib/udev/rules.d/60-mdevctl.rules
LOG=/tmp/messages
OUT=/tmp/mdevctl.out
T=/tmp/t90
mkdir -p "$T"

if ! command -v mdevctl >/dev/null 2>&1; then
	skip all "mdevctl is not in the image (tests/lab/image-mdevctl.sh)"
	exit 0
fi

# mdevctl CMD...: run it, output (both streams) in $OUT, exit status in $rc.
run() {
	"$@" >"$OUT" 2>&1
	rc=$?
}
# has NAME TEXT: $OUT contains TEXT (fixed string).
has() {
	if grep -qF -- "$2" "$OUT"; then pass "$1"; else fail "$1" "no '$2' in: $(head -c 300 "$OUT")"; fi
}
ok() { # NAME: the last run succeeded
	if [ "$rc" = 0 ]; then pass "$1"; else fail "$1" "exit $rc: $(head -c 300 "$OUT")"; fi
}
refused() { # NAME [TEXT]: the last run failed, saying TEXT (not for another reason)
	if [ "$rc" = 0 ]; then
		fail "$1" "exit 0: $(head -c 300 "$OUT")"
	elif [ -n "${2:-}" ] && ! grep -qF -- "$2" "$OUT"; then
		fail "$1" "exit $rc without '$2': $(head -c 300 "$OUT")"
	else
		pass "$1"
	fi
}
attr() { cat "$MDEVS/$1/vslice/$2" 2>/dev/null; }
wait_for() { # PATH [TENTHS]: wait until PATH exists
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt "${2:-100}" ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -e "$1" ]
}

# The udev stand-in: for each uevent, the rule's keys against the event.
# Knows ACTION, SUBSYSTEM, DRIVER, ENV{KEY} (==), TEST (== a path) and
# RUN (+=); any other key fails the event, visibly.
rule_standin() {
	while read -r line; do
		case "$line" in *@/*) ;; *) continue ;; esac
		(
			for kv in $line; do
				case "$kv" in
				*@/*) ;;
				[A-Z]*=*) eval "UE_${kv%%=*}=\${kv#*=}" ;;
				esac
			done
			kernel=${UE_DEVPATH##*/}
			# One key per line: KEY<TAB>OP<TAB>VALUE.
			awk '/^#/ || !NF { next }
			{
				s = $0
				while (match(s, /[A-Z]+(\{[A-Za-z_]+\})?(==|\+=|=)"[^"]*"/)) {
					kv = substr(s, RSTART, RLENGTH)
					s = substr(s, RSTART + RLENGTH)
					m = match(kv, /(==|\+=|=)"/)
					key = substr(kv, 1, m - 1)
					op = substr(kv, m, RLENGTH - 1)
					val = substr(kv, m + RLENGTH)
					printf "%s\t%s\t%s\n", key, op, substr(val, 1, length(val) - 1)
				}
			}' "$RULE" >"$T/keys.$$"
			match=1 cmd=
			while IFS="$(printf '\t')" read -r key op val; do
				val=$(printf '%s' "$val" | sed "s/\\\$kernel/$kernel/g; s/%k/$kernel/g; s/\\\$\\\$/\$/g")
				case "$key$op" in
				'ACTION==') [ "$UE_ACTION" = "$val" ] || match=0 ;;
				'SUBSYSTEM==') [ "$UE_SUBSYSTEM" = "$val" ] || match=0 ;;
				'DRIVER==') [ "${UE_DRIVER:-}" = "$val" ] || match=0 ;;
				'ENV{'*'}==')
					k=${key#ENV\{}
					k=${k%\}}
					v=
					eval "v=\${UE_$k:-}"
					[ "$v" = "$val" ] || match=0 ;;
				'TEST==') [ -e "$val" ] || match=0 ;;
				'RUN+=') cmd=$val ;;
				*) echo "standin: unknown key $key$op" >>"$T/standin.log"; match=0 ;;
				esac
			done <"$T/keys.$$"
			rm -f "$T/keys.$$"
			if [ "$match" = 1 ] && [ -n "$cmd" ]; then
				echo "standin: $UE_ACTION $kernel: RUN $cmd" >>"$T/standin.log"
				/bin/sh -c "$cmd"
				echo "standin: exit $?" >>"$T/standin.log"
			fi
		)
	done
}

cleanup_mdevctl() {
	for _d in "$ETC"/0000:*; do
		[ -d "$_d" ] && rm -rf "$_d"
	done
}

check load load_stack
# Background jobs keep off the suite's stdout: run-tests.sh reads it to
# its end, which comes only when every writer has closed it.
syslogd -n -O "$LOG" >/dev/null 2>&1 &
syslogd_pid=$!
wait_for /dev/log 30
cleanup_mdevctl

# --- the installation mdevctl sees
run mdevctl --version
has version "mdevctl 1."
ver=$(sed -n 's/^mdevctl //p' "$OUT")
echo "mdevctl version: $ver"
check callout-new-dir test -x /usr/lib/mdevctl/scripts.d/callouts/vslice
check callout-old-dir test -x "$ETC"/scripts.d/callouts/vslice

# --- types
run mdevctl types
ok types
has types-lists-gpu0 "$GPU0"
has types-lists-s64 "  vslice-s64"
has types-device-api "    Device API: vfio-pci"
has types-description "max_resolution="
check types-description-no-removed-keys sh -c "! grep -Eq 'num_heads=|frl_config=|weight=' '$OUT'"
run mdevctl types --dumpjson
has types-json '"vslice-s16"'

# --- define, with attributes added by modify
U1=$(new_uuid)
run mdevctl define -u "$U1" -p "$GPU0" -t vslice-s32 --auto
ok define
check define-file test -f "$ETC/$GPU0/$U1"
run mdevctl modify -u "$U1" --addattr=vslice/max_resolution --value=1600x1200
ok modify-add-resolution
run mdevctl modify -u "$U1" --addattr=vslice/owner --value=lab:t90
ok modify-add-owner
run mdevctl list -d -v -u "$U1"
has list-defined "$U1 $GPU0 vslice-s32 auto"
has list-defined-attr '{"vslice/max_resolution":"1600x1200"}'

# --- refused with the callout's message; the definition stays as it was
run mdevctl modify -u "$U1" --addattr=vslice/max_resolution --value=7680x4320
refused modify-bad-resolution-refused
has modify-bad-resolution-message "vslice: refusing to modify $U1: vslice/max_resolution = \"7680x4320\" is out of range; it takes 640x480 to 1920x1200, the type's max_resolution"
check modify-bad-resolution-not-stored sh -c "! grep -q 7680x4320 '$ETC/$GPU0/$U1'"
run mdevctl modify -u "$U1" --addattr=vslice/vram_size --value=1
refused modify-readonly-refused "attribute vslice/vram_size is read-only"
has modify-readonly-message "attribute vslice/vram_size is read-only"

U2=$(new_uuid)
printf '%s\n' '{"mdev_type": "vslice-s32", "start": "manual",' \
	'"attrs": [{"vslice/max_resolution": "9999x9999"}, {"vslice/bogus": "1"}]}' >"$T/bad.json"
run mdevctl define -u "$U2" -p "$GPU0" --jsonfile "$T/bad.json"
refused define-bad-attrs-refused "refusing to define $U2"
has define-bad-attrs-problem-count "refusing to define $U2 (vslice-s32 on $GPU0), 2 problems:"
has define-bad-resolution-message 'vslice/max_resolution = "9999x9999" is out of range; it takes 640x480 to 1920x1200'
has define-unknown-attr-message 'attribute "vslice/bogus" is not a vslice attribute'
check define-bad-not-stored gone "$ETC/$GPU0/$U2"
run mdevctl define -u "$U2" -p "$GPU0" -t vslice-s999
refused define-bad-type-refused "publishes no type vslice-s999"
has define-bad-type-message "$GPU0 publishes no type vslice-s999"
# Any type on a GPU bound to vslice is vslice's to judge, not only
# vslice-*: one the GPU does not publish is refused with the ones it has.
run mdevctl define -u "$U2" -p "$GPU0" -t nvidia-35
refused define-foreign-type-refused "refusing to define $U2: $GPU0 publishes no type nvidia-35; it has: vslice-"
has define-foreign-type-lists-real-types "vslice-s32"
check define-foreign-type-not-stored test ! -e "$ETC/$GPU0/$U2"
# One stored before the callout judged it: start refuses it by the same
# message (not a bare write error), and it can still be undefined.
U5=$(new_uuid)
printf '%s\n' '{"mdev_type": "nvidia-35", "start": "manual", "attrs": []}' >"$ETC/$GPU0/$U5"
run mdevctl start -u "$U5"
refused foreign-definition-start-refused "refusing to start $U5: $GPU0 publishes no type nvidia-35; it has: vslice-"
check foreign-definition-not-started test ! -e "$MDEVS/$U5"
run mdevctl undefine -u "$U5"
ok foreign-definition-undefine
check foreign-definition-undefined test ! -e "$ETC/$GPU0/$U5"

# --- a definition stored before vslice/weight and vslice/fps_cap were
# removed: start refuses it by name, with the commands that drop them;
# those commands work, and then it starts
U4=$(new_uuid)
printf '%s\n' '{"mdev_type": "vslice-s16", "start": "manual", "attrs": [' \
	'{"vslice/weight": "250"}, {"vslice/owner": "lab:old"}, {"vslice/fps_cap": "30"}]}' \
	>"$ETC/$GPU0/$U4"
run mdevctl start -u "$U4"
refused old-definition-start-refused
has old-definition-weight-message "vslice/weight is no longer a vslice attribute (no part of the vGPU ever acted on it); delete it from the definition: mdevctl modify -u $U4 --delattr --index=0"
has old-definition-fps-cap-message "vslice/fps_cap is no longer a vslice attribute (no part of the vGPU ever acted on it); delete it from the definition: mdevctl modify -u $U4 --delattr --index=1"
check old-definition-not-started test ! -e "$MDEVS/$U4"
run mdevctl modify -u "$U4" --delattr --index=0
ok old-definition-delattr-weight
has old-definition-delattr-warns "warning: vslice/fps_cap is no longer a vslice attribute"
run mdevctl modify -u "$U4" --delattr --index=1
ok old-definition-delattr-fps-cap
check old-definition-clean sh -c "! grep -Eq 'weight|fps_cap' '$ETC/$GPU0/$U4'"
run mdevctl start -u "$U4"
ok old-definition-starts
expect old-definition-owner lab:old "$(attr "$U4" owner)"
run mdevctl stop -u "$U4"
ok old-definition-stop
run mdevctl undefine -u "$U4"
ok old-definition-undefine

# --- start: the definition's attributes reach the device
run mdevctl start -u "$U1"
ok start
check start-created test -d "$MDEVS/$U1"
expect start-resolution 1600x1200 "$(attr "$U1" max_resolution)"
expect start-owner lab:t90 "$(attr "$U1" owner)"
run mdevctl list
has list-active "$U1 $GPU0 vslice-s32 auto (defined)"
check post-start-logged grep -q "post start: $U1" "$LOG"

# --- list of a running device without a definition: its attributes come
# from the callout ("get attributes")
U3=$(new_uuid)
run mdevctl start -u "$U3" -p "$GPU0" -t vslice-s16
ok start-transient
echo lab:u3 >"$MDEVS/$U3/vslice/owner"
echo 800x600 >"$MDEVS/$U3/vslice/max_resolution"
run mdevctl list -v -u "$U3"
has list-live-attrs-from-callout '{"vslice/owner":"lab:u3"}'
has list-live-resolution-from-callout '{"vslice/max_resolution":"800x600"}'
run mdevctl list --dumpjson
has list-json-live-attrs '"vslice/owner": "lab:u3"'
# mdevctl 1.2.0 asks the callout for the attributes of a running device
# before it defines it, under the new -t: a type its GPU does not publish
# is refused there, and nothing is stored.
run mdevctl define -u "$U3" -p "$GPU0" -t nvidia-35
refused define-running-foreign-type-refused "cannot get attributes of $U3: $GPU0 publishes no type nvidia-35; it has: vslice-"
check define-running-foreign-type-not-stored test ! -e "$ETC/$GPU0/$U3"
# Defining a running device records what the callout reports.
run mdevctl define -u "$U3"
ok define-running
check define-running-records-attrs grep -q '"vslice/owner": "lab:u3"' "$ETC/$GPU0/$U3"
run mdevctl undefine -u "$U3"
ok undefine-running
check undefine-keeps-device test -d "$MDEVS/$U3"
run mdevctl stop -u "$U3"
ok stop-transient

# --- modify of a defined, running device: the definition changes, the
# device does not (mdevctl 1.2.0 has no --live; the 1.4.0 part below)
run mdevctl modify -u "$U1" --addattr=vslice/max_resolution --value=1280x720
ok modify-running-definition
expect modify-leaves-running 1600x1200 "$(attr "$U1" max_resolution)"

# --- an open device: vslicectl shows its holder and keeps it
vfio-open --hold "$U1" >"$T/hold.out" 2>&1 &
holder=$!
i=0
while ! grep -q holding "$T/hold.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run vslicectl list "$U1"
has tool-list-open "pid $holder (vfio-open)"
check tool-list-open-state grep -Eq "^$U1 +$GPU0 +vslice-s32 +open " "$OUT"
run vslicectl --json list "$U1"
has tool-list-json-open '"state": "open"'
has tool-list-json-no-libvirt '"connected": false'
run vslicectl remove "$U1"
expect tool-remove-open-refused 4 "$rc"
check tool-remove-open-kept test -d "$MDEVS/$U1"
kill "$holder"
wait "$holder"
# A holder started as libvirt starts QEMU (-name guest=NAME,...): the
# domain is named from it, without libvirt.
vfio-open --hold "$U1" -name "guest=lab-vm,debug-threads=on" >"$T/hold.out" 2>&1 &
holder=$!
i=0
while ! grep -q holding "$T/hold.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run vslicectl list "$U1"
check tool-list-open-by-guest grep -Eq "^$U1 +$GPU0 +vslice-s32 +open +lab-vm " "$OUT"
run vslicectl --json list "$U1"
has tool-list-json-guest-domain '"domain": "lab-vm"'
# The "vm" object itself (the holders list has the pid too).
check tool-list-json-guest-pid sh -c "tr -d ' \n' <'$OUT' | grep -qF '\"vm\":{\"domain\":\"lab-vm\",\"running\":true,\"pid\":$holder}'"
kill "$holder"
wait "$holder"
run vslicectl list "$U1"
check tool-list-free grep -Eq "^$U1 +$GPU0 +vslice-s32 +free " "$OUT"

# --- stop
run mdevctl stop -u "$U1"
ok stop
check stop-removed gone "$MDEVS/$U1"
check stop-keeps-definition test -f "$ETC/$GPU0/$U1"

# --- auto-start when vslice_gpu registers the GPU again (udev stand-in)
check rule-installed test -f "$RULE"
posts=$(grep -c "post start: $U1" "$LOG")
uevent-listen | rule_standin >>"$T/standin.log" 2>&1 &
standin=$!
sleep 0.5
mark
rmmod vslice_gpu
modprobe vslice_gpu ids=1234:1111
if wait_for "$MDEVS/$U1/vslice/owner" 200; then
	pass autostart-on-reload-via-rule-standin
else
	fail autostart-on-reload-via-rule-standin "no $U1 after reload; $(head -c 300 "$T/standin.log" 2>/dev/null)"
fi
# The callout's post-start line follows mdevctl's attribute writes: the
# device exists before they are done.
i=0
while [ "$(grep -c "post start: $U1" "$LOG")" -le "$posts" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# The last max_resolution in the definition (1280x720) wins, as mdevctl
# writes in order.
expect autostart-resolution 1280x720 "$(attr "$U1" max_resolution)"
expect autostart-owner lab:t90 "$(attr "$U1" owner)"
check autostart-rule-matched grep -q "change $GPU0: RUN .*start-parent-mdevs $GPU0" "$T/standin.log"
check autostart-rule-skips-undefined-gpu sh -c "[ -r '$T/standin.log' ] && ! grep -q 'start-parent-mdevs $GPU1' '$T/standin.log'"
check autostart-through-callout test "$(grep -c "post start: $U1" "$LOG")" -gt "$posts"
# Debian's own rule (mdevctl 1.2.0-3) runs a binary that is not there.
if [ -f "$DEBIAN_RULE" ] && grep -q /usr/sbin/mdevctl "$DEBIAN_RULE"; then
	check debian-rule-binary-missing gone /usr/sbin/mdevctl
fi
kill "$standin" 2>/dev/null
# uevent-listen goes with the pipe's reader; make sure.
for p in $(pidof uevent-listen); do kill "$p"; done

# --- undefine
run mdevctl undefine -u "$U1"
ok undefine
check undefine-removed-definition test ! -e "$ETC/$GPU0/$U1"
run mdevctl stop -u "$U1"
ok stop-after-undefine

# --- Debian 13's mdevctl 1.4.0: callout protocol version 2
M14=/opt/mdevctl-trixie/bin/mdevctl
m14() { "$M14" "$@"; }
# dev_attrs UUID: "owner max_resolution" of the running device
dev_attrs() { echo "$(attr "$1" owner) $(attr "$1" max_resolution)"; }
# json_conf FILE ATTRS: a vslice-s32 configuration with ATTRS
json_conf() {
	printf '{"mdev_type": "vslice-s32", "start": "manual", "attrs": [%s]}\n' "$2" >"$1"
}
if [ ! -x "$M14" ]; then
	fail m14-present "no $M14 in the image (tests/lab/image-mdevctl.sh)"
else
	run m14 --version
	has m14-version "mdevctl 1.4.0"
	log_mark=$(wc -l <"$LOG")
	U6=$(new_uuid)
	# The type check of the callout, through the versioned callout.
	run m14 define -u "$U6" -p "$GPU0" -t nvidia-35
	refused m14-define-foreign-type-refused "refusing to define $U6: $GPU0 publishes no type nvidia-35; it has: vslice-"
	check m14-define-foreign-type-not-stored test ! -e "$ETC/$GPU0/$U6"
	json_conf "$T/m14.json" '{"vslice/owner": "lab:m14"}'
	run m14 define -u "$U6" -p "$GPU0" --jsonfile "$T/m14.json"
	ok m14-define
	# mdevctl 1.3+ asks every callout "get capabilities" with its own
	# version (2) and keeps the one that answers; the callout logs it.
	check m14-capabilities-handshake sh -c "tail -n +$((log_mark + 1)) '$LOG' | grep -q 'mdevctl provides callout protocol version 2; answered version 2'"
	run m14 start -u "$U6"
	ok m14-start
	expect m14-start-owner lab:m14 "$(attr "$U6" owner)"

	# --live: the running device changes, the definition does not.
	json_conf "$T/m14-live.json" '{"vslice/owner": "lab:live"}'
	run m14 modify -u "$U6" --live --jsonfile "$T/m14-live.json"
	ok m14-modify-live
	expect m14-modify-live-device "lab:live 1920x1200" "$(dev_attrs "$U6")"
	check m14-modify-live-definition-kept grep -q '"vslice/owner": "lab:m14"' "$ETC/$GPU0/$U6"
	# "get attributes" of a defined, running device: list shows what
	# the device has, list --defined what the definition has.
	run m14 list -v -u "$U6"
	has m14-list-attrs-from-callout '{"vslice/owner":"lab:live"}'
	has m14-list-defined-running "$U6 $GPU0 vslice-s32 manual (defined)"
	run m14 list -d -v -u "$U6"
	has m14-list-defined-attrs '{"vslice/owner":"lab:m14"}'

	# --live --defined: both change.
	json_conf "$T/m14-both.json" '{"vslice/owner": "lab:both"}, {"vslice/max_resolution": "1024x768"}'
	run m14 modify -u "$U6" --live --defined --jsonfile "$T/m14-both.json"
	ok m14-modify-live-defined
	expect m14-modify-live-defined-device "lab:both 1024x768" "$(dev_attrs "$U6")"
	check m14-modify-live-defined-definition grep -q '"vslice/max_resolution": "1024x768"' "$ETC/$GPU0/$U6"

	# A bad value: refused with the callout's message; neither the
	# device (not even the good owner) nor the definition changes.
	cp "$ETC/$GPU0/$U6" "$T/m14-def.before"
	json_conf "$T/m14-bad.json" '{"vslice/owner": "lab:bad"}, {"vslice/max_resolution": "7680x4320"}'
	run m14 modify -u "$U6" --live --jsonfile "$T/m14-bad.json"
	refused m14-modify-live-bad-refused "refusing to live-modify $U6: vslice/max_resolution = \"7680x4320\" is out of range; it takes 640x480 to 1920x1200"
	expect m14-modify-live-bad-device-kept "lab:both 1024x768" "$(dev_attrs "$U6")"
	run m14 modify -u "$U6" --live --defined --jsonfile "$T/m14-bad.json"
	refused m14-modify-live-defined-bad-refused "refusing to live-modify $U6: vslice/max_resolution = \"7680x4320\" is out of range"
	expect m14-modify-live-defined-bad-device-kept "lab:both 1024x768" "$(dev_attrs "$U6")"
	check m14-modify-live-defined-bad-definition-kept cmp -s "$T/m14-def.before" "$ETC/$GPU0/$U6"
	json_conf "$T/m14-ro.json" '{"vslice/vram_size": "1"}'
	run m14 modify -u "$U6" --live --jsonfile "$T/m14-ro.json"
	refused m14-modify-live-readonly-refused "attribute vslice/vram_size is read-only"

	# Open (as by a VM's QEMU): max_resolution, which the guest driver
	# read at probe, is refused by name; owner still changes.
	vfio-open --hold "$U6" >"$T/hold14.out" 2>&1 &
	holder=$!
	i=0
	while ! grep -q holding "$T/hold14.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	json_conf "$T/m14-open.json" '{"vslice/owner": "lab:open"}, {"vslice/max_resolution": "800x600"}'
	run m14 modify -u "$U6" --live --jsonfile "$T/m14-open.json"
	refused m14-modify-live-open-refused "vslice/max_resolution cannot change while pid $holder (vfio-open) has the device open"
	expect m14-modify-live-open-device-kept "lab:both 1024x768" "$(dev_attrs "$U6")"
	json_conf "$T/m14-open.json" '{"vslice/owner": "lab:open"}, {"vslice/max_resolution": "1024x768"}'
	run m14 modify -u "$U6" --live --jsonfile "$T/m14-open.json"
	ok m14-modify-live-owner-while-open
	expect m14-modify-live-owner-while-open-device "lab:open 1024x768" "$(dev_attrs "$U6")"
	kill "$holder"
	wait "$holder"

	# A stored definition of a type the GPU does not publish.
	U7=$(new_uuid)
	printf '%s\n' '{"mdev_type": "nvidia-35", "start": "manual", "attrs": []}' >"$ETC/$GPU0/$U7"
	run m14 start -u "$U7"
	refused m14-foreign-definition-start-refused "refusing to start $U7: $GPU0 publishes no type nvidia-35; it has: vslice-"
	check m14-foreign-definition-not-started test ! -e "$MDEVS/$U7"
	run m14 undefine -u "$U7"
	ok m14-foreign-definition-undefine

	run m14 stop -u "$U6"
	ok m14-stop
	check m14-stop-removed gone "$MDEVS/$U6"
	run m14 undefine -u "$U6"
	ok m14-undefine
	check m14-undefine-removed test ! -e "$ETC/$GPU0/$U6"
fi

# --- vslicectl on the real sysfs
run vslicectl parents
ok tool-parents
has tool-parents-gpu0 "$GPU0"
has tool-parents-vram0 "0/256 MiB"
has tool-parents-vram1 "0/128 MiB"
run vslicectl types "$GPU1"
has tool-types-gpu1 "vslice-s16"
run vslicectl --json create "$GPU1" vslice-s16
ok tool-create
U4=$(sed -n 's/.*"uuid": "\(.*\)".*/\1/p' "$OUT")
check tool-create-made test -d "$MDEVS/$U4"
run vslicectl remove "$U4"
ok tool-remove
check tool-remove-gone gone "$MDEVS/$U4"

# For the record: what mdevctl, the callout and the stand-in logged.
echo "--- t-90: syslog"
cat "$LOG"
echo "--- t-90: udev stand-in"
cat "$T/standin.log"
echo "---"
cleanup_mdevctl
kill "$syslogd_pid" 2>/dev/null
wait "$syslogd_pid" 2>/dev/null
check unload unload_stack
