#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live migration of a running guest with a vGPU between two QEMU
# processes on the same libvirt lab host, and its benchmark.
# tests/libvirt/flow.sh runs it (its step migrate/, and mig-bench/ for
# tests/bench/mig-bench.sh).  Bare QEMU, not libvirt: libvirt refuses a
# migration to its own host.  Each QEMU is the nested guest of
# tests/lab/vmguest.conf with one vGPU, display=on, at the same id
# (hostdev0) and PCI address (04.0) on both sides, so that the migration
# section of the device ("<its QOM path>/vfio") is the same; its serial
# line is a pair of FIFOs, its QMP a unix socket.  The destination waits
# with -incoming unix:SOCKET; the source gets QMP migrate.
#
#   flow-migrate.sh start        the flow's step, its first part: creates
#                                the vGPUs and starts the source QEMU,
#                                whose guest boots while the flow goes on
#                                (state in VSLICE_MIG_TMP)
#   flow-migrate.sh migrate      the flow's step, from where start left it
#                                (or from the beginning without it);
#                                results libvirt/migrate/*
#   flow-migrate.sh bench        the benchmark (results libvirt/mig-bench/*,
#                                figures as VSBENCH-MIG lines)
#
# migrate: vGPUs X and Y of type vslice-s32 on one GPU, Z of vslice-s16 on
# the other.  The guest boots on X, bochs-drm binds, its KMS client
# (tests/vmguest/kms-flip.c) shows a picture of a fresh seed; QEMU reports
# no migration blocker; it migrates to Y.  Then: query-migrate says
# completed, the figures are there (and QEMU's own count of the device's
# bytes equals the sum of its data-fd reads); the destination runs, its
# screendump is the same picture, the guest answers on its serial line,
# page-flips to its second buffer (the screendump follows) and draws a
# frame of a new seed, which the screendump shows: the guest draws into
# Y's slice.  The source QEMU quits and X is free and can be removed.
# Then the guest, now on Y, is sent to a QEMU with Z (another type): that
# QEMU reports the load error and the kernel its refusal, the source's
# status is failed and it runs on (its guest page-flips, the screendump
# follows), and Z is free and opens again in a new QEMU.
#
# bench: four vSlice-s64 vGPUs (64 MiB), two created with
# /sys/module/vslice_gpu/parameters/precopy=Y and two with N.  One guest,
# which shows a 1024x768 picture, goes back and forth: between the
# pre-copy pair, idle and then redrawing (the host has its KMS client
# draw two fresh frames again and again: display-end, display), then once
# to the other pair, and between the stop-copy-only pair the same way;
# VSLICE_MIG_ROUNDS times each.  Per migration one line
#
#   VSBENCH-MIG copy=precopy|stopcopy load=idle|busy round=N status=...
#     total_ms= downtime_ms= setup_ms= vfio_bytes= precopy_bytes=
#     stopcopy_bytes= qemu_precopy_bytes= qemu_stopcopy_bytes= ram_bytes=
#     ram_downtime_bytes= precopy_states= redraws=
#
# with QEMU's figures (query-migrate: total-time, downtime, setup-time,
# vfio.transferred, ram.transferred, ram.downtime-bytes), the stream
# bytes the source vGPU gave in pre-copy and in stop-copy (the kernel's
# vslice/migration_precopy_bytes and migration_stop_copy_bytes), the
# same as QEMU read them from the data fd before and after it put the
# device in STOP_COPY (its trace events vfio_migration_set_state and
# vfio_save_block), how often the device entered PRE_COPY and how many
# frame pairs a redrawing guest drew while it migrated; then
# VSBENCH-MIG-END.  tests/bench/mig-report.py
# makes the table.
#
# Every migration runs the same way: capabilities return-path and
# switchover-ack; avail-switchover-bandwidth (what QEMU assumes it can
# send while the guest is stopped) 1 byte/s until the guest's RAM has
# had its first pass (query-migrate: less than 4 MiB of it left), then
# 400 MiB/s.  QEMU switches over once what is left fits in that
# bandwidth x its downtime limit (300 ms by default): first nothing, so
# the RAM is pre-copied in every case, then 120 MiB, room for a whole
# slice.  switchover-ack holds the switch-over until the destination has
# loaded the pre-copy's first pass (the whole slice); without a
# bandwidth given, QEMU takes the data rate of the last 100 ms, next to
# nothing once an idle guest's RAM is sent, and a device with 64 MiB of
# stop-copy data would never switch over.  The move from the pre-copy
# pair to the stop-copy-only pair runs without switchover-ack: a
# destination without PRE_COPY refuses the source's "first pass sent"
# mark.
#
# Environment:
#   VSLICE_MIG_TMP      scratch directory (default: a new one, removed)
#   VSLICE_MIG_LIB      where shot-check and qmp are (default
#                       /usr/local/lib/vslice-libvirt)
#   VSLICE_MIG_VMG      the nested guest (default /var/lib/libvirt/images/vslice)
#   VSLICE_MIG_GPU      the GPU of X and Y, and of the bench's vGPUs
#                       (default 0000:00:04.0)
#   VSLICE_MIG_GPU2     the GPU of Z (default 0000:00:05.0)
#   VSLICE_MIG_ROUNDS   bench rounds (default 1)
#
# Output: one line per check on stdout, always the same checks for a mode
# (a check that cannot run after an earlier failure is a SKIP saying so),
# the VSBENCH-MIG lines in bench mode; what the commands said on stderr.
# Where QEMU is older than 8.1 (Debian 12: 7.2, VFIO migration v1 only),
# every check is a SKIP.  Exit status: 0 without a FAIL, 1 after one, 2
# for bad arguments.
set -u
export LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin

MODE=${1:-}
case $MODE in
start | migrate) STEP=migrate ;;
bench) STEP=mig-bench ;;
*)
	echo "usage: $0 start|migrate|bench" >&2
	exit 2
	;;
esac
LIB=${VSLICE_MIG_LIB:-/usr/local/lib/vslice-libvirt}
VMG=${VSLICE_MIG_VMG:-/var/lib/libvirt/images/vslice}
GPU=${VSLICE_MIG_GPU:-0000:00:04.0}
GPU2=${VSLICE_MIG_GPU2:-0000:00:05.0}
ROUNDS=${VSLICE_MIG_ROUNDS:-1}
QEMU=/usr/bin/qemu-system-x86_64
MDEVS=/sys/bus/mdev/devices
PRECOPY=/sys/module/vslice_gpu/parameters/precopy
# Upper bounds under nested TCG on a busy 2-core machine: the guest's boot
# to bochs-drm (t-80 and the flow allow the same), a KMS client's two
# frames, one migration of a 256 MiB guest with a 64 MiB slice.
BOOT_SECS=900
KMS_SECS=600
CMD_SECS=300
MIG_SECS=600
# avail-switchover-bandwidth once the RAM's first pass is done, bytes per
# second (above), and how much RAM may be left by then.
SWITCHOVER_BW=419430400
RAM_LEFT=4194304
failures=0
# The guest's display mode: in both types' EDID and small enough to draw
# fast under nested TCG.
DMODE=800x600
[[ $MODE == bench ]] && DMODE=1024x768

TMP=${VSLICE_MIG_TMP:-}
own_tmp=0
if [[ -z $TMP ]]; then
	TMP=$(mktemp -d /tmp/flow-migrate.XXXXXX)
	own_tmp=1
fi
mkdir -p "$TMP"

note() { echo "flow-migrate: [$(cut -d' ' -f1 /proc/uptime)s] $*" >&2; }

# --- results: a fixed list per mode; what was not reported at the end is
# a SKIP with the reason the run stopped.
declare -A reported=()
STOPPED=''
result() {
	local why=${3:-}
	why=$(printf '%s' "$why" | tr '\n' ' ' | cut -c1-400)
	echo "VSLICE-RESULT: $1 libvirt/$STEP/$2${why:+: $why}"
	reported[$2]=1
}
pass() { result PASS "$1"; }
fail() {
	result FAIL "$1" "$2"
	failures=$((failures + 1))
	[[ -n $STOPPED ]] || STOPPED="after $1 failed"
}
skip() { result SKIP "$1" "$2"; }
# stop WHY: the rest of the list cannot run.
stop() { [[ -n $STOPPED ]] || STOPPED=$1; }
check() { # NAME CMD...: CMD succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "false: $*"; fi
}
expect() { # NAME WANT GOT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# run CMD...: its output (both streams) in $OUT, logged; its status in $rc.
OUT='' rc=0
run() {
	OUT=$("$@" 2>&1)
	rc=$?
	note "\$ $* -> $rc"
	[[ -n $OUT ]] && printf '%s\n' "$OUT" | head -n 30 | sed 's/^/    | /' >&2
	return 0
}

# --- vGPUs --------------------------------------------------------------------
VGPUS=()
# The guest's fbdev console takes the EDID's preferred mode, the vGPU's
# max_resolution, and its /init draws all of it before it takes
# commands: the display mode keeps that short under nested TCG.
new_vgpu() { # VAR GPU TYPE: create one with max_resolution $DMODE, its UUID in VAR
	local u
	u=$(cat /proc/sys/kernel/random/uuid)
	run vslicectl create "$2" "$3" --uuid "$u"
	((rc == 0)) || return 1
	VGPUS+=("$u")
	printf -v "$1" '%s' "$u"
	run sh -c 'printf "%s\n" "$1" >"$2"' new_vgpu "$DMODE" "$MDEVS/$u/vslice/max_resolution"
	((rc == 0))
}
is_free() { # UUID: vslicectl says no one has it open
	vslicectl list "$1" | grep -Eq "^$1 +[^ ]+ +[^ ]+ +free( |\$)"
}
wait_for() { # SECONDS CMD...: until CMD succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS >= end)) && return 1
		sleep 1
	done
}

# --- the QEMUs: each in $TMP/NAME (console FIFOs and log, QMP socket,
# QEMU's output, its trace, screendumps).
QEMUS=()
q_dir() { echo "$TMP/$1"; }
q_pid() { cat "$TMP/$1/pid" 2>/dev/null; }
q_alive() {
	local p
	p=$(q_pid "$1")
	[[ -n $p ]] && kill -0 "$p" 2>/dev/null
}
# q_start NAME UUID [QEMU ARGS...]: the nested guest with vGPU UUID.
# vmguest_qemu (vmguest.conf) execs QEMU, so the pid is QEMU's.
# enable-migration=on: Debian's kernels cannot report a device DMA log
# (no IOMMUFD_DRIVER), so the vGPU offers none and QEMU's default "auto"
# would block migration; "on" has QEMU use the type1 container's dirty
# log instead, which is exact for a device that does no DMA.
q_start() {
	local n=$1 u=$2 d=$TMP/$1
	shift 2
	rm -rf "$d"
	mkdir -p "$d"
	mkfifo "$d/console.in" "$d/console.out"
	cat "$d/console.out" >"$d/console.raw" 2>/dev/null &
	echo $! >"$d/cat.pid"
	(
		# shellcheck source=tests/lab/vmguest.conf
		. "$VMG/vmguest.conf"
		vmguest_qemu "$QEMU" -name "vslice-mig-$n" \
			-chardev "pipe,id=con,path=$d/console" -serial chardev:con \
			-device "vfio-pci,sysfsdev=$MDEVS/$u,addr=04.0,display=on,enable-migration=on,id=hostdev0" \
			-qmp "unix:$d/qmp.sock,server=on,wait=off" \
			-D "$d/trace.log" -trace enable=vfio_save_block \
			-trace enable=vfio_migration_set_state "$@"
	) >"$d/qemu.log" 2>&1 &
	echo $! >"$d/pid"
	QEMUS+=("$n")
	note "$n: QEMU pid $(q_pid "$n") with vGPU $u${*:+: $*}"
}
# q_stop NAME: QMP quit, then SIGKILL if it is still there after 30 s.
q_stop() {
	local d=$TMP/$1 p
	p=$(q_pid "$1")
	if q_alive "$1"; then
		"$LIB/qmp" -t 10 "$d/qmp.sock" '{"execute":"quit"}' >/dev/null 2>&1
		wait_for 30 not_alive "$1" || kill -9 "$p" 2>/dev/null
		wait_for 10 not_alive "$1"
	fi
	[[ -f $d/cat.pid ]] && kill "$(cat "$d/cat.pid")" 2>/dev/null
	rm -f "$d/cat.pid"
	return 0
}
not_alive() { ! q_alive "$1"; }
qemu_tail() { tail -n 4 "$TMP/$1/qemu.log" 2>/dev/null | tr '\n' '|'; }
# qmp NAME JSON: one QMP command; reply in $OUT, status in $rc (0 return,
# 1 error, 2 no answer).
qmp() { run "$LIB/qmp" -t 60 "$TMP/$1/qmp.sock" "$2"; }
jstr() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -n 1; }
jnum() { sed -n "s/.*\"$1\": *\\([0-9][0-9]*\\).*/\\1/p" <<<"$2" | head -n 1; }
# NAME's run state: "running", "inmigrate", "postmigrate", "prelaunch", ...
q_status() {
	"$LIB/qmp" -t 30 "$TMP/$1/qmp.sock" '{"execute":"query-status"}' 2>/dev/null |
		sed -n 's/.*"status": *"\([^"]*\)".*/\1/p'
}
status_is() { [[ $(q_status "$1") == "$2" ]]; }

# --- the guest's serial line (tests/vmguest/init.sh's VMGUEST-* lines)
con() { # NAME: complete lines, CR removed
	local f=$TMP/$1/console.raw s=$TMP/$1/console.snap
	cp "$f" "$s" 2>/dev/null || return 0
	if [[ $(tail -c 1 "$s" | od -An -tx1 | tr -d ' \n') == 0a ]]; then
		tr -d '\r' <"$s"
	else
		tr -d '\r' <"$s" | sed '$d'
	fi
}
nlines() { con "$1" | grep -c "VMGUEST-$2 "; }
con_tail() { con "$1" | grep -av '^$' | tail -n 4 | tr '\n' '|'; }
# g_wait NAME WHAT K SECONDS: the K-th "VMGUEST-WHAT ..." line, while
# NAME's QEMU runs; a VMGUEST-ERROR beyond the first $ERRS ends the wait.
ERRS=0
g_wait() {
	local n=$1 end=$((SECONDS + $4)) l
	while :; do
		l=$(con "$n" | grep -ao "VMGUEST-$2 .*" | sed -n "$3p")
		if [[ -n $l ]]; then
			echo "$l"
			return 0
		fi
		if ! q_alive "$n" || ((SECONDS >= end)) ||
			(($(con "$n" | grep -c 'VMGUEST-ERROR') > ERRS)); then
			return 1
		fi
		sleep 1
	done
}
g_send() { # NAME LINE: a command to the guest's /init
	note "to $1's guest: $2"
	# shellcheck disable=SC2016 # sh expands them
	q_alive "$1" && timeout 5 sh -c 'printf "%s\n" "$1" >"$2"' g_send "$2" "$TMP/$1/console.in"
}
# g_cmd NAME LINE WHAT SECONDS: send LINE, wait for the next VMGUEST-WHAT.
g_cmd() {
	local k
	k=$(($(nlines "$1" "$3") + 1))
	ERRS=$(con "$1" | grep -c 'VMGUEST-ERROR')
	g_send "$1" "$2" || return 1
	g_wait "$1" "$3" "$k" "$4"
}
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# boot NAME CHECK_PREFIX: the guest of NAME's QEMU comes up with bochs-drm
# on the vGPU and has drawn through its fbdev; results PREFIXguest-boots,
# PREFIXbochs-drm-binds.
boot() {
	local n=$1 p=$2 l
	ERRS=0
	if l=$(g_wait "$n" UP 1 "$BOOT_SECS"); then
		pass "${p}guest-boots"
		note "$n: $l"
	else
		fail "${p}guest-boots" "no VMGUEST-UP; console: $(con_tail "$n"); qemu: $(qemu_tail "$n")"
		return 1
	fi
	l=$(g_wait "$n" DEV 1 "$BOOT_SECS")
	if [[ $(field driver "$l") == bochs-drm ]] && g_wait "$n" DRAWN 1 "$BOOT_SECS" >/dev/null; then
		pass "${p}bochs-drm-binds"
		note "$n: $l"
	else
		fail "${p}bochs-drm-binds" "want VMGUEST-DEV driver=bochs-drm and VMGUEST-DRAWN, got '${l:-nothing}'; console: $(con_tail "$n")"
		return 1
	fi
}

# shot NAME FILE: a QMP screendump of the vGPU's console into
# $TMP/NAME/FILE.ppm; fails (reason in $SHOT) when QEMU refused.
SHOT=''
shot() {
	local f=$TMP/$1/$2.ppm
	rm -f "$f"
	qmp "$1" "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$f\",\"device\":\"hostdev0\"}}"
	if ((rc != 0)) || [[ ! -s $f ]]; then
		SHOT="screendump: exit $rc: $OUT"
		return 1
	fi
}
# shot_is CHECK NAME FILE SEED: the screendump is the picture of SEED in
# $DMODE (shot-check: exit 0 a match, 1 another picture).
shot_is() {
	if ! shot "$2" "$3"; then
		fail "$1" "$SHOT"
		return 1
	fi
	run "$LIB/shot-check" "$TMP/$2/$3.ppm" "$4" "${DMODE%x*}" "${DMODE#*x}"
	if ((rc == 0)); then
		pass "$1"
	else
		fail "$1" "shot-check $3.ppm seed $4 $DMODE: exit $rc: $OUT"
		return 1
	fi
}
shot_is_not() { # CHECK NAME FILE SEED: the screendump taken is not SEED's picture
	run "$LIB/shot-check" "$TMP/$2/$3.ppm" "$4" "${DMODE%x*}" "${DMODE#*x}"
	case $rc in
	1) pass "$1" ;;
	0) fail "$1" "$3.ppm is still the picture of seed $4" ;;
	*) fail "$1" "shot-check $3.ppm: exit $rc: $OUT" ;;
	esac
}

# --- one migration -------------------------------------------------------------
# migrate SRC DST ACK UUID: DST's QEMU was started by q_start_dest with
# ACK, SRC's has vGPU UUID; QMP migrate SRC -> DST over unix:$TMP/DST/mig.sock with return-path and
# switchover-ack=ACK, then query-migrate once a second until it ends,
# raising avail-switchover-bandwidth after the RAM's first pass (above).
# Sets M_ACCEPTED (0: QEMU took the command; its reply in M_REPLY),
# M_STATUS, M_INFO (the last query-migrate reply), M_TOTAL, M_DOWN,
# M_SETUP (ms), M_VFIO, M_RAM, M_RAM_DOWN (bytes: the device's, the
# RAM's, the RAM's sent while the guest was stopped); from SRC's trace of
# this migration M_PRE and M_STOP (the device's stream bytes QEMU read
# before and after it put the device in STOP_COPY), M_STOPCOPY (1 when it
# did) and M_PRECOPY_STATES (how often it was put in PRE_COPY); from the
# kernel (the vGPU's vslice/migration_precopy_bytes and
# migration_stop_copy_bytes: what its last save gave while the guest ran
# and from the pause on) M_K_PRE and M_K_STOP.
q_start_dest() { # NAME UUID ACK
	local n=$1 u=$2 ack=$3
	q_start "$n" "$u" -incoming "unix:$TMP/$n/mig.sock" \
		-global migration.x-return-path=on -global "migration.x-switchover-ack=$ack"
}
M_ACCEPTED=1 M_REPLY='' M_STATUS='' M_INFO='' M_TOTAL='' M_DOWN='' M_SETUP='' M_VFIO='' M_RAM='' M_RAM_DOWN=''
M_PRE='' M_STOP='' M_STOPCOPY='' M_PRECOPY_STATES='' M_K_PRE='' M_K_STOP=''
migrate() {
	local src=$1 dst=$2 ack=false base end s left raised=0 t0=$SECONDS u=$4
	[[ $3 == on ]] && ack=true
	M_ACCEPTED=1 M_REPLY='' M_STATUS='' M_INFO='' M_TOTAL='' M_DOWN='' M_SETUP='' M_VFIO='' M_RAM='' M_RAM_DOWN=''
	M_PRE='' M_STOP='' M_STOPCOPY='' M_PRECOPY_STATES='' M_K_PRE='' M_K_STOP=''
	base=0
	[[ -f $TMP/$src/trace.log ]] && base=$(wc -l <"$TMP/$src/trace.log")
	qmp "$src" "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"return-path\",\"state\":true},{\"capability\":\"switchover-ack\",\"state\":$ack}]}}"
	if ((rc != 0)); then
		M_REPLY="migrate-set-capabilities: $OUT"
		return 1
	fi
	qmp "$src" '{"execute":"migrate-set-parameters","arguments":{"avail-switchover-bandwidth":1}}'
	if ((rc != 0)); then
		M_REPLY="migrate-set-parameters: $OUT"
		return 1
	fi
	qmp "$src" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$TMP/$dst/mig.sock\"}}"
	M_ACCEPTED=$rc M_REPLY=$OUT
	((rc == 0)) || return 1
	end=$((SECONDS + MIG_SECS))
	while :; do
		M_INFO=$("$LIB/qmp" -t 30 "$TMP/$src/qmp.sock" '{"execute":"query-migrate"}' 2>&1)
		s=$(jstr status "$M_INFO")
		case $s in
		completed | failed | cancelled) break ;;
		esac
		left=$(sed -n 's/.*"ram": *{[^}]*"remaining": *\([0-9][0-9]*\).*/\1/p' <<<"$M_INFO")
		if ((!raised)) && [[ $s == active && -n $left ]] && ((left < RAM_LEFT)); then
			note "$src: $left bytes of RAM left after $((SECONDS - t0)) s: avail-switchover-bandwidth $SWITCHOVER_BW"
			"$LIB/qmp" -t 30 "$TMP/$src/qmp.sock" "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"avail-switchover-bandwidth\":$SWITCHOVER_BW}}" >&2
			raised=1
		fi
		if ((SECONDS >= end)); then
			note "$src: migration still '$s' after $MIG_SECS s: cancelling it"
			"$LIB/qmp" -t 30 "$TMP/$src/qmp.sock" '{"execute":"migrate_cancel"}' >/dev/null 2>&1
			s="timeout ($s after $MIG_SECS s)"
			break
		fi
		sleep 1
	done
	M_STATUS=$s
	note "$src -> $dst: $M_INFO"
	M_TOTAL=$(jnum total-time "$M_INFO")
	M_DOWN=$(jnum downtime "$M_INFO")
	M_SETUP=$(jnum setup-time "$M_INFO")
	M_VFIO=$(sed -n 's/.*"vfio": *{ *"transferred": *\([0-9][0-9]*\).*/\1/p' <<<"$M_INFO")
	M_RAM=$(sed -n 's/.*"ram": *{[^}]*"transferred": *\([0-9][0-9]*\).*/\1/p' <<<"$M_INFO")
	M_RAM_DOWN=$(sed -n 's/.*"ram": *{[^}]*"downtime-bytes": *\([0-9][0-9]*\).*/\1/p' <<<"$M_INFO")
	read -r M_PRE M_STOP M_STOPCOPY M_PRECOPY_STATES < <(tail -n +"$((base + 1))" "$TMP/$src/trace.log" 2>/dev/null |
		awk '/vfio_migration_set_state/ && /new state STOP_COPY/ { sc = 1 }
		     /vfio_migration_set_state/ && /new state PRE_COPY([^_]|$)/ { pc++ }
		     /vfio_save_block/ { if (sc) s += $NF; else p += $NF }
		     END { printf "%d %d %d %d\n", p, s, sc, pc }')
	M_K_PRE=$(cat "$MDEVS/$u/vslice/migration_precopy_bytes" 2>/dev/null)
	M_K_STOP=$(cat "$MDEVS/$u/vslice/migration_stop_copy_bytes" 2>/dev/null)
	note "$src -> $dst: $M_STATUS, total ${M_TOTAL:-?} ms, downtime ${M_DOWN:-?} ms; device stream: QEMU read ${M_PRE} B before STOP_COPY and ${M_STOP} B after (its count ${M_VFIO:-?} B), the kernel gave ${M_K_PRE:-?} B in pre-copy and ${M_K_STOP:-?} B in stop-copy"
	[[ $M_STATUS == completed ]]
}

# --- the flow's step ----------------------------------------------------------
START_CHECKS='create-vgpus source-starts'
MIGRATE_CHECKS='guest-boots bochs-drm-binds guest-shows
	source-screendump no-blocker dest-starts migrate-accepted completed figures
	source-postmigrate dest-running dest-screendump-same-picture guest-answers
	dest-flip-screendump dest-new-frame-screendump dest-new-frame-not-old-picture
	source-quits x-free x-removed
	other-type-dest-starts other-type-migrate-fails other-type-dest-load-error
	other-type-kernel-refused other-type-source-running other-type-source-draws
	other-type-dest-free other-type-dest-reopens cleanup'

refused_lines() { dmesg 2>/dev/null | grep -c 'migration stream refused'; }

# The first part: X, Y, Z and the source QEMU, whose guest then boots.
# Its state goes to $TMP/state for the second (X Y Z, and STARTED=1 when
# the source runs).
X='' Y='' Z=''
flow_start() {
	local src=mig-src
	new_vgpu X "$GPU" vslice-s32 && new_vgpu Y "$GPU" vslice-s32 &&
		new_vgpu Z "$GPU2" vslice-s16
	printf 'X=%s\nY=%s\nZ=%s\nVGPUS=(%s)\n' "$X" "$Y" "$Z" "${VGPUS[*]}" >"$TMP/state"
	if ((${#VGPUS[@]} != 3)); then
		fail create-vgpus "vslicectl create: $OUT"
		return 1
	fi
	pass create-vgpus
	note "X=$X Y=$Y (vslice-s32 on $GPU), Z=$Z (vslice-s16 on $GPU2)"

	q_start "$src" "$X"
	echo "QEMUS=($src)" >>"$TMP/state"
	if wait_for 60 test -S "$TMP/$src/qmp.sock" && sleep 5 && q_alive "$src" &&
		[[ $(q_status "$src") == running ]]; then
		pass source-starts
		echo STARTED=1 >>"$TMP/state"
	else
		fail source-starts "QEMU with vGPU X: $(qemu_tail "$src")"
		return 1
	fi
}

flow_migrate() {
	local l seed0 seed1 seed2 src=mig-src dst=mig-dst bad=mig-other reopen=mig-reopen
	local before err
	boot "$src" "" || return
	if l=$(g_cmd "$src" "display $DMODE" SHOWN "$KMS_SECS") &&
		[[ $(field mode "$l") == "$DMODE" && $(field buf "$l") == 0 ]]; then
		pass guest-shows
		note "$src: $l"
	else
		fail guest-shows "want VMGUEST-SHOWN buf=0 mode=$DMODE after 'display $DMODE', got '${l:-nothing}'; console: $(con_tail "$src")"
		return
	fi
	seed0=$(field seed "$l")
	shot_is source-screendump "$src" before "$seed0" || return

	# Nothing blocks the migration: no migration blocker in query-migrate
	# (QEMU lists them as blocked-reasons: without the kernel's migration
	# support, "VFIO migration is not supported in kernel").
	qmp "$src" '{"execute":"query-migrate"}'
	if ((rc != 0)); then
		fail no-blocker "query-migrate: $OUT"
	elif grep -q '"blocked-reasons"' <<<"$OUT"; then
		fail no-blocker "QEMU reports migration blockers: $(sed -n 's/.*"blocked-reasons": *\(\[[^]]*\]\).*/\1/p' <<<"$OUT")"
	else
		pass no-blocker
	fi

	q_start_dest "$dst" "$Y" on
	if wait_for 60 test -S "$TMP/$dst/qmp.sock" && sleep 2 && [[ $(q_status "$dst") == inmigrate ]]; then
		pass dest-starts
	else
		fail dest-starts "QEMU with vGPU Y and -incoming: status '$(q_status "$dst")'; $(qemu_tail "$dst")"
		return
	fi
	migrate "$src" "$dst" on "$X"
	if ((M_ACCEPTED == 0)); then
		pass migrate-accepted
	else
		fail migrate-accepted "$M_REPLY"
		return
	fi
	if [[ $M_STATUS == completed ]]; then
		pass completed
	else
		fail completed "query-migrate: '$M_STATUS': $(sed -n 's/.*"error-desc": *"\([^"]*\)".*/\1/p' <<<"$M_INFO"); destination: $(qemu_tail "$dst")"
		return
	fi
	# The bench's figures are there, and agree: QEMU's count of the
	# device's bytes is what the kernel says it gave, pre-copy and
	# stop-copy together.  (QEMU's trace of its reads is in the note.)
	if [[ $M_TOTAL =~ ^[0-9]+$ && $M_DOWN =~ ^[0-9]+$ && $M_VFIO =~ ^[1-9][0-9]*$ &&
		$M_K_PRE =~ ^[0-9]+$ && $M_K_STOP =~ ^[1-9][0-9]*$ &&
		$((M_K_PRE + M_K_STOP)) == "$M_VFIO" ]]; then
		pass figures
		note "figures: total ${M_TOTAL} ms, downtime ${M_DOWN} ms, device ${M_VFIO} B (kernel: ${M_K_PRE} B pre-copy, ${M_K_STOP} B stop-copy; QEMU's trace: ${M_PRE:-?} + ${M_STOP:-?})"
	else
		fail figures "total-time '$M_TOTAL' downtime '$M_DOWN' vfio.transferred '$M_VFIO'; QEMU's trace: STOP_COPY seen $M_STOPCOPY, '$M_PRE' + '$M_STOP' bytes read; the kernel: '$M_K_PRE' + '$M_K_STOP'"
	fi
	expect source-postmigrate postmigrate "$(q_status "$src")"
	if wait_for 30 status_is "$dst" running; then
		pass dest-running
	else
		fail dest-running "the destination is '$(q_status "$dst")'; $(qemu_tail "$dst")"
		return
	fi
	# The same picture, on the destination's console of vGPU Y.
	shot_is dest-screendump-same-picture "$dst" migrated "$seed0"
	# The guest runs on: its /init answers on the destination's serial line.
	if l=$(g_cmd "$dst" ping PONG "$CMD_SECS") && [[ $(field device "$l") == present ]]; then
		pass guest-answers
	else
		fail guest-answers "no 'VMGUEST-PONG device=present' on the destination's serial line: '${l:-nothing}'; console: $(con_tail "$dst")"
		return
	fi
	# The page flip moves Y's scanout to the second buffer, drawn before
	# the migration.
	if l=$(g_cmd "$dst" flip FLIPPED "$CMD_SECS") && [[ $(field buf "$l") == 1 ]]; then
		seed1=$(field seed "$l")
		shot_is dest-flip-screendump "$dst" flipped "$seed1"
	else
		fail dest-flip-screendump "want VMGUEST-FLIPPED buf=1, got '${l:-nothing}'; console: $(con_tail "$dst")"
	fi
	# A frame drawn after the migration, of a new seed, is what Y shows.
	if g_cmd "$dst" display-end RELEASED "$CMD_SECS" >/dev/null &&
		l=$(g_cmd "$dst" "display $DMODE" SHOWN "$KMS_SECS"); then
		seed2=$(field seed "$l")
		if [[ $seed2 == "$seed0" || $seed2 == "${seed1:-}" ]]; then
			fail dest-new-frame-screendump "the new frame's seed $seed2 is an old one"
		elif shot_is dest-new-frame-screendump "$dst" new-frame "$seed2"; then
			shot_is_not dest-new-frame-not-old-picture "$dst" new-frame "$seed0"
		fi
	else
		fail dest-new-frame-screendump "no VMGUEST-RELEASED and VMGUEST-SHOWN after display-end, display $DMODE; console: $(con_tail "$dst")"
	fi

	# X is free once its QEMU (postmigrate) is gone.
	q_stop "$src"
	check source-quits not_alive "$src"
	if wait_for 30 is_free "$X"; then
		pass x-free
	else
		fail x-free "$(vslicectl list "$X" 2>&1)"
	fi
	run vslicectl remove "$X"
	if ((rc == 0)) && [[ ! -e $MDEVS/$X ]]; then
		pass x-removed
	else
		fail x-removed "vslicectl remove: exit $rc: $OUT"
	fi

	# --- a destination of another type: Z (vslice-s16) --------------------
	STOPPED=''
	before=$(refused_lines)
	q_start_dest "$bad" "$Z" on
	if wait_for 60 test -S "$TMP/$bad/qmp.sock" && sleep 2 && [[ $(q_status "$bad") == inmigrate ]]; then
		pass other-type-dest-starts
	else
		fail other-type-dest-starts "QEMU with vGPU Z: $(qemu_tail "$bad")"
		return
	fi
	migrate "$dst" "$bad" on "$Y"
	if ((M_ACCEPTED != 0)); then
		fail other-type-migrate-fails "migrate was refused at once: $M_REPLY"
	elif [[ $M_STATUS == failed ]]; then
		pass other-type-migrate-fails
	else
		fail other-type-migrate-fails "query-migrate: '$M_STATUS'"
	fi
	# The destination says why and ends (QEMU leaves after a failed
	# incoming migration); the kernel logged what did not match.
	wait_for 60 not_alive "$bad"
	err=$(grep -a -m 2 -E 'load of migration failed|error while loading state' "$TMP/$bad/qemu.log" | tr '\n' ' ')
	if [[ $err == *"load of migration failed"* && $err == *"/vfio"* ]] && ! q_alive "$bad"; then
		pass other-type-dest-load-error
		note "the destination said: $err"
	else
		fail other-type-dest-load-error "want QEMU's load error of the device's section (.../vfio) and its exit; alive: $(q_alive "$bad" && echo yes || echo no); its log: $(qemu_tail "$bad")"
	fi
	if (($(refused_lines) > before)); then
		pass other-type-kernel-refused
		note "kernel: $(dmesg | grep 'migration stream refused' | tail -n 1)"
	else
		fail other-type-kernel-refused "no new 'migration stream refused' line in the kernel log: $(dmesg | tail -n 3 | tr '\n' '|')"
	fi
	if wait_for 30 status_is "$dst" running; then
		pass other-type-source-running
	else
		fail other-type-source-running "the source is '$(q_status "$dst")' after the failed migration"
	fi
	# Its guest draws on: a page flip (back to the first buffer of the
	# frame drawn after the migration) reaches the screen.
	if l=$(g_cmd "$dst" flip FLIPPED "$CMD_SECS") && [[ $(field buf "$l") == 1 ]]; then
		shot_is other-type-source-draws "$dst" after-failed "$(field seed "$l")"
	else
		fail other-type-source-draws "want VMGUEST-FLIPPED buf=1, got '${l:-nothing}'; console: $(con_tail "$dst")"
	fi
	q_stop "$bad"
	if wait_for 30 is_free "$Z"; then
		pass other-type-dest-free
	else
		fail other-type-dest-free "$(vslicectl list "$Z" 2>&1)"
	fi
	# Usable: a new QEMU realizes it (display=on) and shows its console.
	q_start "$reopen" "$Z" -S
	if wait_for 60 test -S "$TMP/$reopen/qmp.sock" && sleep 2 &&
		[[ $(q_status "$reopen") == prelaunch ]] && shot "$reopen" reopened; then
		pass other-type-dest-reopens
	else
		fail other-type-dest-reopens "QEMU -S with vGPU Z: status '$(q_status "$reopen")'; ${SHOT:-} $(qemu_tail "$reopen")"
	fi
	q_stop "$reopen"
}

# --- the benchmark ------------------------------------------------------------
BENCH_CHECKS=''
bench_checks() {
	local r
	BENCH_CHECKS='precopy-parameter create-vgpus source-starts guest-boots bochs-drm-binds guest-shows'
	for r in $(seq "$ROUNDS"); do
		BENCH_CHECKS+=" precopy-idle-$r precopy-busy-$r"
	done
	BENCH_CHECKS+=' to-stopcopy-pair'
	for r in $(seq "$ROUNDS"); do
		BENCH_CHECKS+=" stopcopy-idle-$r stopcopy-busy-$r"
	done
	BENCH_CHECKS+=' cleanup'
}

# settle NAME: the guest shows one picture and does nothing else.
settle() {
	local k
	k=$(($(nlines "$1" PONG) + 1))
	g_send "$1" display-end
	g_send "$1" ping
	ERRS=1000000 g_wait "$1" PONG "$k" 300 >/dev/null || return 1
	g_cmd "$1" "display $DMODE" SHOWN "$KMS_SECS" >/dev/null
}

# hop CHECK COPY LOAD ROUND ACK: the guest on $CUR (vGPU $CUR_U) migrates
# to a new QEMU with vGPU $NEXT_U; prints its VSBENCH-MIG line; the source
# QEMU quits.
CUR='' CUR_U='' NEXT_U='' HOPS=0
hop() {
	local name=$1 copy=$2 load=$3 round=$4 ack=$5 dst l redraws=0
	HOPS=$((HOPS + 1))
	dst=bench-$HOPS
	q_start_dest "$dst" "$NEXT_U" "$ack"
	if ! wait_for 60 test -S "$TMP/$dst/qmp.sock" || ! sleep 2 ||
		[[ $(q_status "$dst") != inmigrate ]]; then
		fail "$name" "the destination QEMU did not come up: $(qemu_tail "$dst")"
		echo "VSBENCH-MIG-ERROR $name: the destination QEMU did not come up"
		return 1
	fi
	if [[ $load == busy ]]; then
		# The guest's KMS client redraws continuously (a new picture
		# in the buffer not shown, a page flip to it) until "calm":
		# the migration starts with it drawing.
		g_send "$CUR" busy
		sleep 5
	fi
	migrate "$CUR" "$dst" "$ack" "$CUR_U"
	if [[ $load == busy && $M_STATUS == completed ]]; then
		# The guest runs on the destination now: it says there how
		# many frames it drew since "busy".
		if l=$(g_cmd "$dst" calm CALM "$CMD_SECS"); then
			redraws=$(field frames "$l")
		fi
		if [[ ! $redraws =~ ^[1-9][0-9]*$ ]]; then
			fail "$name" "the guest drew no frame while it migrated (${l:-no VMGUEST-CALM}): not a busy guest"
			echo "VSBENCH-MIG-ERROR $name: the guest drew ${redraws:-no} frames"
			return 1
		fi
	fi
	if [[ $copy != transit ]]; then
		echo "VSBENCH-MIG copy=$copy load=$load round=$round status=${M_STATUS// /_}" \
			"total_ms=${M_TOTAL:-nan} downtime_ms=${M_DOWN:-nan} setup_ms=${M_SETUP:-nan}" \
			"vfio_bytes=${M_VFIO:-nan} precopy_bytes=${M_K_PRE:-nan} stopcopy_bytes=${M_K_STOP:-nan}" \
			"qemu_precopy_bytes=${M_PRE:-nan} qemu_stopcopy_bytes=${M_STOP:-nan}" \
			"ram_bytes=${M_RAM:-nan} ram_downtime_bytes=${M_RAM_DOWN:-nan} precopy_states=${M_PRECOPY_STATES:-nan} redraws=$redraws"
	fi
	if [[ $M_STATUS != completed ]]; then
		fail "$name" "migration ${M_STATUS:-not started}: ${M_REPLY:0:200} $(sed -n 's/.*"error-desc": *"\([^"]*\)".*/\1/p' <<<"$M_INFO")"
		echo "VSBENCH-MIG-ERROR $name: ${M_STATUS:-not started}"
		return 1
	fi
	# The pre-copy pair's source gave stream bytes while the guest ran,
	# the other's none (the kernel's count; QEMU's trace says the same in
	# qemu_precopy_bytes and precopy_states).
	if [[ ! $M_K_PRE =~ ^[0-9]+$ ]] || { [[ $copy == precopy ]] && ((M_K_PRE == 0)); } ||
		{ [[ $copy == stopcopy ]] && ((M_K_PRE != 0)); }; then
		fail "$name" "the source's vGPU gave '${M_K_PRE}' bytes in pre-copy, not what a $copy migration gives"
		echo "VSBENCH-MIG-ERROR $name: ${M_K_PRE:-no} pre-copy bytes, not a $copy migration"
		return 1
	fi
	q_stop "$CUR"
	if ! wait_for 30 is_free "$CUR_U"; then
		fail "$name" "the source's vGPU is still open after its QEMU quit"
		return 1
	fi
	pass "$name"
	local t=$CUR_U
	CUR=$dst CUR_U=$NEXT_U NEXT_U=$t
	if [[ $load == busy || $copy == transit ]]; then
		settle "$CUR" || {
			echo "VSBENCH-MIG-ERROR $name: the guest did not show a picture again after it"
			stop "the guest did not show a picture again after $name"
			return 1
		}
	fi
}

bench_migrate() {
	local Y1='' Y2='' N1='' N2='' old r l
	echo "VSBENCH-MIG-CONFIG type=vslice-s64 slice_mib=64 guest_mib=$(
		# shellcheck source=tests/lab/vmguest.conf
		. "$VMG/vmguest.conf"
		echo "$VMGUEST_MEM"
	) mode=$DMODE rounds=$ROUNDS switchover_bw=$SWITCHOVER_BW downtime_limit_ms=300 qemu=$("$QEMU" --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') kernel=$(uname -r) stopcopy_bytes_from=kernel"
	if [[ ! -w $PRECOPY ]]; then
		fail precopy-parameter "no $PRECOPY: this vslice_gpu has no migration support"
		echo "VSBENCH-MIG-ERROR no $PRECOPY"
		return
	fi
	old=$(cat "$PRECOPY")
	echo Y >"$PRECOPY"
	new_vgpu Y1 "$GPU" vslice-s64 && new_vgpu Y2 "$GPU" vslice-s64
	echo N >"$PRECOPY"
	new_vgpu N1 "$GPU" vslice-s64 && new_vgpu N2 "$GPU" vslice-s64
	echo "$old" >"$PRECOPY"
	expect precopy-parameter "$old" "$(cat "$PRECOPY")"
	if ((${#VGPUS[@]} != 4)); then
		fail create-vgpus "vslicectl create: $OUT"
		echo "VSBENCH-MIG-ERROR could not create four vslice-s64 vGPUs"
		return
	fi
	pass create-vgpus
	CUR=bench-0 CUR_U=$Y1 NEXT_U=$Y2
	q_start "$CUR" "$CUR_U"
	if wait_for 60 test -S "$TMP/$CUR/qmp.sock" && sleep 5 && [[ $(q_status "$CUR") == running ]]; then
		pass source-starts
	else
		fail source-starts "$(qemu_tail "$CUR")"
		return
	fi
	boot "$CUR" "" || return
	if l=$(g_cmd "$CUR" "display $DMODE" SHOWN "$KMS_SECS"); then
		pass guest-shows
	else
		fail guest-shows "no VMGUEST-SHOWN: $(con_tail "$CUR")"
		return
	fi
	for r in $(seq "$ROUNDS"); do
		hop "precopy-idle-$r" precopy idle "$r" on || return
		hop "precopy-busy-$r" precopy busy "$r" on || return
	done
	NEXT_U=$N1
	hop to-stopcopy-pair transit idle 0 off || return
	NEXT_U=$N2
	for r in $(seq "$ROUNDS"); do
		hop "stopcopy-idle-$r" stopcopy idle "$r" on || return
		hop "stopcopy-busy-$r" stopcopy busy "$r" on || return
	done
}

# --- cleanup: every QEMU started here, every vGPU created here ----------------
cleanup() {
	local n u left=''
	for n in "${QEMUS[@]}"; do
		q_stop "$n"
	done
	for u in "${VGPUS[@]}"; do
		[[ -e $MDEVS/$u ]] || continue
		wait_for 30 is_free "$u"
		run vslicectl remove "$u"
		[[ -e $MDEVS/$u ]] && left+=" $u"
	done
	for n in "${QEMUS[@]}"; do
		q_alive "$n" && left+=" QEMU $n"
	done
	if [[ -z $left ]]; then
		pass cleanup
	else
		fail cleanup "left behind:$left"
	fi
}

# --- main -----------------------------------------------------------------------
STARTED=0
if [[ $MODE == start ]]; then
	# The migrate mode goes on from this state, also when it stays empty
	# (start reported its checks, as SKIPs).
	: >"$TMP/state"
	ALL=$START_CHECKS
elif [[ $MODE == migrate && -f $TMP/state ]]; then
	# shellcheck disable=SC1091 # written by the start mode
	. "$TMP/state"
	ALL=$MIGRATE_CHECKS
	((STARTED)) || STOPPED="the source QEMU did not start (create-vgpus, source-starts)"
elif [[ $MODE == migrate ]]; then
	ALL="$START_CHECKS $MIGRATE_CHECKS"
else
	[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || {
		echo "flow-migrate: VSLICE_MIG_ROUNDS must be a positive number, not '$ROUNDS'" >&2
		exit 2
	}
	bench_checks
	ALL=$BENCH_CHECKS
fi
qver=$("$QEMU" --version 2>/dev/null | sed -n '1s/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r qmaj qmin <<<"$qver"
note "QEMU ${qmaj:-?}.${qmin:-?}, kernel $(uname -r), scratch $TMP"
if [[ -z $qver ]]; then
	STOPPED="no QEMU at $QEMU"
elif ((qmaj < 8 || (qmaj == 8 && qmin < 1))); then
	# QEMU 7.2 has only the v1 protocol, which Linux 6.x does not offer.
	STOPPED="QEMU $qmaj.$qmin has no VFIO migration v2"
elif [[ ! -x $LIB/qmp || ! -x $LIB/shot-check || ! -f $VMG/vmguest.conf ]]; then
	STOPPED="no $LIB/qmp, $LIB/shot-check or $VMG/vmguest.conf in this image"
elif [[ $MODE == start ]]; then
	# The source runs on for the migrate mode, which also cleans up
	# after a failure here.
	flow_start
elif [[ $MODE == migrate ]]; then
	if [[ ! -f $TMP/state ]]; then
		flow_start && STARTED=1
	fi
	((STARTED)) && flow_migrate
	cleanup
else
	bench_migrate
	cleanup
fi
[[ $MODE == bench ]] && echo "VSBENCH-MIG-END failures=$failures"
for c in $ALL; do
	[[ -n ${reported[$c]:-} ]] || skip "$c" "${STOPPED:-not reached}"
done
((own_tmp)) && rm -rf "$TMP"
((failures == 0))
