#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the nested guest of VMG_DIR (mkvmguest.sh's output, with its
# vmguest.conf) BOOTS times, PARALLEL at a time, each boot only until the
# guest's /init prints its first line (VMGUEST-UP), its kernel panics,
# QEMU exits, or TIMEOUT seconds pass, and count the outcomes.  Runs in
# the lab VM of nested-boot-loop.sh (nested-boot-init.sh) or, with
# --host, on the machine itself.
#
#   vmguest-boots.sh VMG_DIR BOOTS PARALLEL TIMEOUT [RUN_MS STOP_MS]
#
# RUN_MS STOP_MS starve each guest: its QEMU is stopped (SIGSTOP) for
# STOP_MS after every RUN_MS of running, as a host that runs other work
# deschedules an emulator thread, so that the guest's clock (the host's)
# runs far ahead of what the guest gets done.
#
# One line per boot:
#
#   NESTED-BOOT n=<i> result=up|panic|exited|timeout secs=<wall s> [guest_t=<s>]
#
# a failed boot's last console lines indented below it, then
#
#   NESTED-BOOT-SUMMARY boots=N up=N panic=N exited=N timeout=N secs=<wall s>
#
# Exit status: the number of boots that did not come up (at most 125).
VMG=$1 boots=$2 parallel=$3 timeout=$4 run_ms=${5:-} stop_ms=${6:-}
QEMU=${QEMU:-/usr/bin/qemu-system-x86_64}
# shellcheck source=tests/lab/vmguest.conf
. "$VMG/vmguest.conf"
tmp=$(mktemp -d /tmp/vmguest-boots.XXXXXX)
echo "vmguest-boots: $boots boots, $parallel at a time${run_ms:+, starved to ${run_ms} ms of every $((run_ms + stop_ms))}:" \
	"-cpu $VMGUEST_CPU -smp $VMGUEST_SMP -m ${VMGUEST_MEM}M ${VMGUEST_QEMU_OPTS:+$VMGUEST_QEMU_OPTS }-append '$VMGUEST_APPEND'"

uptime_s() { cut -d. -f1 /proc/uptime; }
ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
if [ -n "$run_ms" ]; then
	run_s=$(ms "$run_ms") stop_s=$(ms "$stop_ms")
	cycles=$((1000 / (run_ms + stop_ms)))
	[ $cycles -ge 1 ] || cycles=1
fi

# boot I: one boot, its outcome appended to $tmp/results.
boot() {
	_con=$tmp/console.$1
	: >"$_con"
	_start=$(uptime_s)
	vmguest_qemu "$QEMU" -serial "file:$_con" >"$tmp/qemu.$1.log" 2>&1 &
	_pid=$!
	_res=timeout
	while :; do
		# About a second between looks at the console; starved, in
		# cycles of RUN_MS running and STOP_MS stopped.
		if [ -n "$run_ms" ]; then
			_c=0
			while [ $_c -lt "$cycles" ]; do
				sleep "$run_s"
				kill -STOP $_pid 2>/dev/null
				sleep "$stop_s"
				kill -CONT $_pid 2>/dev/null
				_c=$((_c + 1))
			done
		else
			sleep 1
		fi
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
	done
	_secs=$(($(uptime_s) - _start))
	kill -9 $_pid 2>/dev/null
	wait $_pid 2>/dev/null
	_gt=$(tr -d '\r' <"$_con" | sed -n 's/.*VMGUEST-UP .* t=\([0-9.]*\).*/\1/p' | head -n 1)
	{
		echo "NESTED-BOOT n=$1 result=$_res secs=$_secs${_gt:+ guest_t=$_gt}"
		if [ $_res != up ]; then
			tr -d '\r' <"$_con" | grep -v '^$' | tail -n 60 | sed 's/^/    /'
			sed 's/^/    qemu| /' "$tmp/qemu.$1.log"
		fi
	} >"$tmp/report.$1"
	# One write per report, so that parallel boots do not interleave.
	cat "$tmp/report.$1"
	echo "$_res" >>"$tmp/results"
	rm -f "$_con" "$tmp/qemu.$1.log" "$tmp/report.$1"
}

: >"$tmp/results"
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
count() { grep -c "^$1\$" "$tmp/results"; }
up=$(count up)
echo "NESTED-BOOT-SUMMARY boots=$boots up=$up panic=$(count panic) exited=$(count exited)" \
	"timeout=$(count timeout) secs=$(($(uptime_s) - t0))"
rm -rf "$tmp"
failed=$((boots - up))
[ $failed -le 125 ] || failed=125
exit $failed
