#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of tests/lab/nested-boot-loop.sh's lab VM: boot the nested guest
# (/vslice/vmguest, with the settings of its vmguest.conf) again and
# again, each boot only until the guest's /init prints its first line
# (VMGUEST-UP), its kernel panics, QEMU exits, or a timeout, and count
# the outcomes.
#
# Kernel command line: nbl.boots=N (default 30), nbl.parallel=P guests
# at a time (default 1), nbl.timeout=SECONDS per boot (default 600).
# One line per boot on ttyS0:
#
#   NESTED-BOOT n=<i> result=up|panic|exit|timeout secs=<wall s> [guest_t=<s>]
#
# a failed boot's last console lines indented below it, then
#
#   NESTED-BOOT-SUMMARY boots=N up=N panic=N exit=N timeout=N secs=<wall s>
#   VSLICE-DONE rc=<number of boots that did not come up>
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
exec </dev/ttyS0 >/dev/ttyS0 2>&1
# run-vm.sh takes this line as "userspace started".
echo "vslice-init: kernel $(uname -r), mode nested-boot-loop"

boots=30 parallel=1 timeout=600
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	nbl.boots=*) boots=${arg#nbl.boots=} ;;
	nbl.parallel=*) parallel=${arg#nbl.parallel=} ;;
	nbl.timeout=*) timeout=${arg#nbl.timeout=} ;;
	esac
done

VMG=/vslice/vmguest
# shellcheck source=tests/lab/vmguest.conf
. $VMG/vmguest.conf
echo "nested-boot-loop: $boots boots, $parallel at a time; -cpu $VMGUEST_CPU -smp $VMGUEST_SMP" \
	"-m ${VMGUEST_MEM}M ${VMGUEST_QEMU_OPTS:+$VMGUEST_QEMU_OPTS }-append '$VMGUEST_APPEND'"

uptime_s() { cut -d. -f1 /proc/uptime; }

# boot I: one boot, its outcome appended to /tmp/results.
boot() {
	_con=/tmp/console.$1
	: >"$_con"
	_start=$(uptime_s)
	vmguest_qemu /usr/bin/qemu-system-x86_64 -serial "file:$_con" \
		>"/tmp/qemu.$1.log" 2>&1 &
	_pid=$!
	_res=timeout
	while :; do
		if grep -q 'VMGUEST-UP' "$_con"; then
			_res=up
			break
		fi
		if grep -q 'Kernel panic - not syncing' "$_con"; then
			# Let the panic's last lines reach the file.
			sleep 2
			_res=panic
			break
		fi
		if ! kill -0 $_pid 2>/dev/null; then
			_res=exited
			break
		fi
		if [ $(($(uptime_s) - _start)) -ge "$timeout" ]; then
			break
		fi
		sleep 1
	done
	_secs=$(($(uptime_s) - _start))
	kill -9 $_pid 2>/dev/null
	wait $_pid 2>/dev/null
	_gt=$(tr -d '\r' <"$_con" | sed -n 's/.*VMGUEST-UP .* t=\([0-9.]*\).*/\1/p' | head -n 1)
	{
		echo "NESTED-BOOT n=$1 result=$_res secs=$_secs${_gt:+ guest_t=$_gt}"
		if [ $_res != up ]; then
			tr -d '\r' <"$_con" | grep -v '^$' | tail -n 60 | sed 's/^/    /'
			sed 's/^/    qemu| /' "/tmp/qemu.$1.log"
		fi
	} >"/tmp/report.$1"
	# One write per report, so that parallel workers do not interleave.
	cat "/tmp/report.$1"
	echo "$_res" >>/tmp/results
	rm -f "$_con" "/tmp/qemu.$1.log" "/tmp/report.$1"
}

: >/tmp/results
t0=$(uptime_s)
w=1
while [ "$w" -le "$parallel" ]; do
	(
		i=$w
		while [ "$i" -le "$boots" ]; do
			boot "$i"
			i=$((i + parallel))
		done
	) &
	w=$((w + 1))
done
wait
count() { grep -c "^$1\$" /tmp/results; }
up=$(count up)
echo "NESTED-BOOT-SUMMARY boots=$boots up=$up panic=$(count panic) exit=$(count exited)" \
	"timeout=$(count timeout) secs=$(($(uptime_s) - t0))"
echo "VSLICE-DONE rc=$((boots - up))"
poweroff -f
