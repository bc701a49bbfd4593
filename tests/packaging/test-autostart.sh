#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# packaging/systemd/vslice-mdev-autostart against fake trees: a sysfs with
# one GPU, mdevctl definitions, and an mdevctl that creates the devices
# it is asked to start.  One "VSLICE-RESULT: PASS|FAIL packaging/autostart/
# <case>" line per case; exit 1 if any failed.  Host only, a few seconds.
#
#   test-autostart.sh [SCRIPT]     (default: the tree's script)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script=${1:-$here/../../packaging/systemd/vslice-mdev-autostart}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
gpu=0000:00:04.0
auto=8f0e3b1c-5a57-4f39-9a2f-4c3c7f6b1d20
manual=0b6f2f8e-7f7c-4a8e-9d38-2f4a3c1b9e77

result() { # STATUS CASE [REASON]
	echo "VSLICE-RESULT: $1 packaging/autostart/$2${3:+: $3}"
	[[ $1 == FAIL ]] && failed=1
	return 0
}

# fake DIR DRIVER: a tree with GPU $gpu (1234:1111) bound to DRIVER (or
# none), vslice_gpu loaded with ids=1234:1111, two definitions.
fake() {
	local d=$1 drv=$2 dev=$1/sys/bus/pci/devices/$gpu
	rm -rf "$d"
	mkdir -p "$dev" "$d/sys/module/vslice_gpu/parameters" "$d/sys/class/mdev_bus" \
		"$d/sys/bus/mdev/devices" "$d/etc/mdevctl.d/$gpu" "$d/sys/bus/pci/drivers/$drv"
	echo 0x1234 >"$dev/vendor"
	echo 0x1111 >"$dev/device"
	echo 0x1af4 >"$dev/subsystem_vendor"
	echo 0x1100 >"$dev/subsystem_device"
	echo 0x030000 >"$dev/class"
	[[ -n $drv ]] && ln -s "../../../../bus/pci/drivers/$drv" "$dev/driver"
	echo 1234:1111 >"$d/sys/module/vslice_gpu/parameters/ids"
	printf '{\n  "mdev_type": "vslice-s32",\n  "start": "auto",\n  "attrs": []\n}\n' \
		>"$d/etc/mdevctl.d/$gpu/$auto"
	printf '{\n  "mdev_type": "vslice-s16",\n  "start": "manual",\n  "attrs": []\n}\n' \
		>"$d/etc/mdevctl.d/$gpu/$manual"
	# The fake mdevctl: start-parent-mdevs creates the autostarted
	# devices of that parent, unless told to refuse; a call for a parent
	# that is not registered yet is marked in the call log.
	cat >"$d/mdevctl" <<EOF
#!/bin/sh
if [ -e "$d/sys/class/mdev_bus/\$2" ]; then
	echo "\$*" >>"$d/mdevctl.calls"
else
	echo "\$* (not registered)" >>"$d/mdevctl.calls"
fi
[ -e "$d/refuse" ] && { echo "vslice: refusing to start $auto: no room"; exit 1; }
for f in "$d/etc/mdevctl.d/\$2"/*; do
	grep -q '"start": "auto"' "\$f" && mkdir -p "$d/sys/bus/mdev/devices/\${f##*/}"
done
exit 0
EOF
	chmod +x "$d/mdevctl"
}

# run DIR [VAR=VALUE...]: the script on tree DIR; its output in DIR/out,
# its exit status in $rc.
run() {
	local d=$1
	shift
	rc=0
	env VSLICE_AUTOSTART_SYSFS="$d/sys" VSLICE_AUTOSTART_MDEVCTL_DIR="$d/etc/mdevctl.d" \
		VSLICE_AUTOSTART_MDEVCTL="$d/mdevctl" "$@" "$script" >"$d/out" 2>&1 || rc=$?
}

# What it printed, for a failure's reason.
said() { tr '\n' '|' <"$1/out"; }

# 1. The GPU registers a second after the start: the script waits, starts
# the autostarted definition (not the manual one) and succeeds.
d=$tmp/wait
fake "$d" vslice
(sleep 1.2 && ln -s "../../bus/pci/devices/$gpu" "$d/sys/class/mdev_bus/$gpu") &
t=$SECONDS
run "$d" VSLICE_AUTOSTART_TIMEOUT=10
wait
if ((rc == 0)) && [[ -d $d/sys/bus/mdev/devices/$auto && ! -e $d/sys/bus/mdev/devices/$manual ]] &&
	[[ $(cat "$d/mdevctl.calls") == "start-parent-mdevs $gpu" ]] &&
	grep -q "GPUs of vslice_gpu registered ($gpu, from ids=1234:1111) and their 1 autostarted vGPU(s) present" "$d/out" &&
	((SECONDS - t < 5)); then
	result PASS wait-and-start
else
	result FAIL wait-and-start "exit $rc, calls $(cat "$d/mdevctl.calls" 2>/dev/null): $(said "$d")"
fi

# 2. Already started by the udev rule: mdevctl is asked again (it skips
# running devices), the script succeeds at once.
d=$tmp/again
fake "$d" vslice
ln -s "../../bus/pci/devices/$gpu" "$d/sys/class/mdev_bus/$gpu"
mkdir -p "$d/sys/bus/mdev/devices/$auto"
run "$d" VSLICE_AUTOSTART_TIMEOUT=10
if ((rc == 0)) && grep -Eq "1 autostarted vGPU\(s\) present after [01] s" "$d/out"; then
	result PASS already-started
else
	result FAIL already-started "exit $rc: $(said "$d")"
fi

# 3. Another driver has the GPU: timeout, exit 1, a line that says so.
d=$tmp/other
fake "$d" bochs-drm
run "$d" VSLICE_AUTOSTART_TIMEOUT=1
if ((rc == 1)) && grep -q "timeout after 1 s: GPU $gpu is not registered: bound to bochs-drm, not to vslice" "$d/out" &&
	[[ ! -e $d/mdevctl.calls ]]; then
	result PASS timeout-gpu
else
	result FAIL timeout-gpu "exit $rc: $(said "$d")"
fi

# 4. The callout refuses the definition: mdevctl's message, then a
# timeout line for the vGPU.
d=$tmp/refused
fake "$d" vslice
ln -s "../../bus/pci/devices/$gpu" "$d/sys/class/mdev_bus/$gpu"
touch "$d/refuse"
run "$d" VSLICE_AUTOSTART_TIMEOUT=1
if ((rc == 1)) && grep -q "mdevctl start-parent-mdevs $gpu: vslice: refusing to start $auto: no room" "$d/out" &&
	grep -q "timeout after 1 s: autostarted vGPU $auto of GPU $gpu does not exist" "$d/out"; then
	result PASS timeout-vgpu
else
	result FAIL timeout-vgpu "exit $rc: $(said "$d")"
fi

# 5. No GPU given to vslice_gpu (loaded without ids=), or ids= that match
# nothing: exit 0 at once with a line, mdevctl not run.
d=$tmp/none
fake "$d" ""
: >"$d/sys/module/vslice_gpu/parameters/ids"
run "$d"
ok=0
((rc == 0)) && grep -q "no GPU is given to vslice_gpu (no ids= option): nothing to wait for" "$d/out" && ok=1
echo 10de:1eb8 >"$d/sys/module/vslice_gpu/parameters/ids"
out1=$(said "$d")
run "$d"
if ((ok && rc == 0)) && grep -q "vslice_gpu ids=10de:1eb8 matches no PCI device: nothing to wait for" "$d/out" &&
	[[ ! -e $d/mdevctl.calls ]]; then
	result PASS no-gpu
else
	result FAIL no-gpu "exit $rc: $out1 $(said "$d")"
fi

# 6. Bad settings: exit 2 with the setting in the message.
d=$tmp/bad
fake "$d" vslice
run "$d" VSLICE_AUTOSTART_TIMEOUT=1m
rc1=$rc out1=$(said "$d")
run "$d" VSLICE_AUTOSTART_GPUS=00:04.0
if ((rc1 == 2 && rc == 2)) && [[ $out1 == *'VSLICE_AUTOSTART_TIMEOUT="1m" is not a number of seconds'* ]] &&
	grep -q 'VSLICE_AUTOSTART_GPUS: "00:04.0" is not a PCI address' "$d/out"; then
	result PASS bad-setting
else
	result FAIL bad-setting "exit $rc1/$rc: $out1 $(said "$d")"
fi

exit "$failed"
