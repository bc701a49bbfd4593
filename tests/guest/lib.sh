# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the in-guest tests.  Every check prints one protocol line
# (see tests/README.md); SUITE names the suite.

GPU0=0000:00:04.0	# 256 MiB of VRAM
GPU1=0000:00:05.0	# 128 MiB of VRAM
PCI=/sys/bus/pci/devices
MDEVS=/sys/bus/mdev/devices
DRV=/sys/bus/pci/drivers/vslice

pass() { echo "VSLICE-RESULT: PASS $SUITE/$1"; }
fail() { echo "VSLICE-RESULT: FAIL $SUITE/$1: $2"; }
skip() { echo "VSLICE-RESULT: SKIP $SUITE/$1: $2"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	_name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$_name"; else fail "$_name" "failed: $*"; fi
}

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# expect_errno NAME ERRNO PATH DATA: a write of DATA to PATH fails with ERRNO.
expect_errno() {
	expect "$1" "$2" "$(sysfs-write "$3" "$4")"
}

# refuses NAME WANT CMD...: CMD fails, and what it printed (both streams)
# contains WANT, the answer it gives for the refusal under test (say
# "Resource temporarily unavailable" from rmmod of a module in use).  A
# CMD that fails for another reason (not loaded, not found, a crash) is
# a FAIL, not a refusal.  Returns 0 when CMD succeeded, so that the
# caller can undo it.
refuses() {
	_name=$1 _want=$2
	shift 2
	_out=$("$@" 2>&1)
	_rc=$?
	if [ $_rc = 0 ]; then
		fail "$_name" "succeeded: $*"
		return 0
	fi
	case "$_out" in
	*"$_want"*) pass "$_name" ;;
	*) fail "$_name" "failed (exit $_rc), but not with '$_want': $(echo "$_out" | head -c 200)" ;;
	esac
	return 1
}

# refused_logged NAME PATTERN CMD...: CMD fails, and the kernel logged
# PATTERN (a grep pattern) while it ran: the refusal under test, not another
# reason to fail.  Returns 0 when CMD succeeded, as refuses does.
refused_logged() {
	_name=$1 _want=$2
	shift 2
	mark
	_out=$("$@" 2>&1)
	_rc=$?
	if [ $_rc = 0 ]; then
		fail "$_name" "succeeded: $*"
		return 0
	fi
	if logged "$_want"; then
		pass "$_name"
	else
		fail "$_name" "failed (exit $_rc: $(echo "$_out" | head -c 160)), but the kernel did not log '$_want'"
	fi
	return 1
}

# client PROG ARGS...: a lab client (tests/guest/*.c) that prints its own
# result lines.  Its exit status is its end marker: 0 when it ran to the
# end and every check passed, 1 when it printed a FAIL.  Anything else (a
# usage error, a crash, a signal) means the checks after that point never
# ran: a FAIL.
client() {
	_out=$("$@")
	_rc=$?
	[ -z "$_out" ] || printf '%s\n' "$_out"
	_fails=$(printf '%s\n' "$_out" | grep -c '^VSLICE-RESULT: FAIL ')
	case "$_rc:$_fails" in
	0:0 | 1:[1-9]*) ;;
	1:0) fail "$1-exit" "exited 1 without printing a FAIL" ;;
	0:*) fail "$1-exit" "exited 0 after $_fails FAIL lines" ;;
	*)
		if [ "$_rc" -gt 128 ]; then
			fail "$1-exit" "killed by signal $((_rc - 128)) before its end: $*"
		else
			fail "$1-exit" "exited $_rc before its end: $*"
		fi
		;;
	esac
}

# gone PATH: PATH does not exist, but the directory it would be in does
# (a missing parent is no proof that PATH went away).
gone() { [ -d "${1%/*}" ] && ! [ -e "$1" ]; }

# get PATH: the contents of PATH, or a text no expected value matches
# when it cannot be read (an empty read must not pass for "").
get() { cat "$1" 2>/dev/null || echo "<cannot read $1>"; }

new_uuid() { cat /proc/sys/kernel/random/uuid; }

type_dir() { echo "$PCI/$1/mdev_supported_types/vslice-$2"; }

avail() { cat "$(type_dir "$1" "$2")/available_instances"; }

# create GPU TYPE UUID: create through sysfs, succeeding silently.
create() { [ "$(sysfs-write "$(type_dir "$1" "$2")/create" "$3")" = OK ]; }

remove() { [ "$(sysfs-write "$MDEVS/$1/remove" 1)" = OK ]; }

# All availability counts of a GPU on one line, to compare states.
avail_all() {
	for _t in "$PCI/$1"/mdev_supported_types/*; do
		printf '%s=%s ' "${_t##*/}" "$(cat "$_t/available_instances")"
	done
}

# The number of mdevs; "no $MDEVS" (which no count matches) when the bus
# is not there to ask.
nr_mdevs() {
	if [ -d "$MDEVS" ]; then find "$MDEVS" -mindepth 1 -maxdepth 1 | wc -l; else echo "no $MDEVS"; fi
}

# Load the whole stack and give both lab GPUs to the vendor driver.
load_stack() {
	modprobe vfio_iommu_type1 && modprobe vslice_mdev && modprobe vslice_vfio_mdev &&
		modprobe vslice_gpu ids=1234:1111 &&
		[ -d "$PCI/$GPU0/mdev_supported_types" ] &&
		[ -d "$PCI/$GPU1/mdev_supported_types" ]
}

unload_stack() {
	for _u in "$MDEVS"/*; do
		[ -e "$_u/remove" ] && sysfs-write "$_u/remove" 1 >/dev/null
	done
	rmmod vslice_gpu 2>/dev/null
	rmmod vslice_vfio_mdev 2>/dev/null
	rmmod vslice_mdev 2>/dev/null
	! [ -d /sys/module/vslice_mdev ]
}

# mark: put a marker in the kernel log; logged PATTERN: whether the kernel
# logged PATTERN since the last mark.  (Never "dmesg -c": the lab scans
# the whole log for warnings at the end.)
_mark=0
mark() {
	_mark=$((_mark + 1))
	echo "vslice-test: mark $SUITE $_mark" > /dev/kmsg
}
logged() {
	dmesg | sed -n "/vslice-test: mark $SUITE $_mark\$/,\$p" | grep -q "$1"
}
