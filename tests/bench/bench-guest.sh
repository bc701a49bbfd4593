#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The in-VM side of the benchmark (installed as
# /vslice/guest/t-99-bench.sh in the bench image, run through
# vslice.suites=t-99-bench).  Measures the vslice stack and the upstream
# mbochs and mdpy samples on mdev.ko in the same boot, one after the
# other, round after round, and prints one machine-readable line per
# figure:
#
#   VSBENCH-CONFIG KEY=VALUE ...
#   VSBENCH-DATA STACK ROUND METRIC VALUE
#   VSBENCH-ERROR STACK ROUND STEP: MESSAGE
#   VSBENCH-PROF STACK CALLS TOTAL_US FUNCTION     (full mode only)
#   VSBENCH-PERF STACK KIND PERCENT SYMBOL         (full and lat modes, with perf)
#   VSBENCH-PERFSITE STACK KIND PERCENT SYMBOL+OFF (the same, by instruction)
#   VSBENCH-END
#
# STACK is vslice, mbochs, mdpy (only the display figures: the region
# plane's reference), or parent (the GPU's own BAR, measured while vslice
# runs).  vslice.bench=full|lat|smoke on the kernel command line
# picks the sizes below.  tests/bench/run-bench.sh reads these lines.
# shellcheck disable=SC2034 # lib.sh reads SUITE
SUITE=bench
# shellcheck source-path=SCRIPTDIR/../guest source=lib.sh
. "$(dirname "$0")/lib.sh"

mode=full
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	vslice.bench=*) mode=${arg#vslice.bench=} ;;
	esac
done

# Rounds alternate which stack goes first, so a drift of the machine
# (another VM on the host, the JIT warming up) hits both alike.  The
# medians are over rounds; within a round, latencies are the best of 50
# batches of LAT_N/50 calls and bandwidths the best of BW_PASSES passes
# (tests/bench/vsbench.c says why).  GFX_N plane queries are timed the
# same way, and FRAMES reads of a whole 1024x768x32 frame (and as many
# flips) are the best of FRAMES.  create -> usable fd and remove -> gone
# are medians of LIFE_K lives.
case "$mode" in
smoke)
	ROUNDS=2 LAT_N=1000 BW_PASSES=2 CYC_K=3 LIVE="1 64" RAM_N=1 PROF_K=0 PERF_N=0 LIFE_K=2
	GFX_N=1000 FRAMES=2
	;;
bw)
	# Only BAR0's write bandwidth, first pass and steady, against the
	# parent's resource0 (run-bench.sh --bw).
	ROUNDS=9 LAT_N=0 BW_PASSES=3 CYC_K=0 LIVE='' RAM_N=0 PROF_K=0 PERF_N=0
	GFX_N=0 FRAMES=0
	;;
lat)
	# Only the trapped reads, their floors and the perf profile: the
	# quick loop for work on those paths (run-bench.sh --lat).
	ROUNDS=9 LAT_N=50000 BW_PASSES=0 CYC_K=0 LIVE='' RAM_N=0 PROF_K=0 PERF_N=500000
	GFX_N=0 FRAMES=0
	;;
*)
	mode=full
	ROUNDS=9 LAT_N=50000 BW_PASSES=5 CYC_K=60 LIVE="1 2 4 8 16 32 64" RAM_N=4 PROF_K=5 PERF_N=500000
	LIFE_K=9
	GFX_N=50000 FRAMES=20
	;;
esac
# The VRAM size compared: vslice-s64 against mbochs' 64 MB type.  The
# scan uses the 16 MiB types (vslice-s16, mbochs' 16 MB type) so that
# 64 instances fit on both: mbochs gets enough of its "count" megabytes,
# vslice needs the bench run's extra GPUs (run-vm.sh --extra-gpus).
BIG_MIB=64 SCAN_MIB=16
# The slices of the close -> next-open figures (the lab GPU's largest).
REOPEN_MIB="64 256"
MBOCHS_MB=2048
# mdpy's mode is fixed by its type: xga is the 1024x768x32 frame compared.
MDPY_TYPE=mdpy-xga

echo "VSBENCH-CONFIG mode=$mode rounds=$ROUNDS lat_n=$LAT_N bw_passes=$BW_PASSES" \
	"gfx_n=$GFX_N frames=$FRAMES cyc_k=$CYC_K live=$(echo "$LIVE" | tr ' ' ,) ram_n=$RAM_N big_mib=$BIG_MIB" \
	"scan_mib=$SCAN_MIB reopen_mib=$(echo "$REOPEN_MIB" | tr ' ' ,) kernel=$(uname -r) cpus=$(nproc)"

# run STACK ROUND STEP CMD...: run a vsbench measurement, prefix its
# "METRIC VALUE" lines; a failure becomes one VSBENCH-ERROR line.
run() {
	_stack=$1 _round=$2 _step=$3
	shift 3
	_out=$("$@" 2>/tmp/vsbench.err)
	_rc=$?
	[ -n "$_out" ] && echo "$_out" | sed "s/^/VSBENCH-DATA $_stack $_round /"
	if [ $_rc != 0 ]; then
		echo "VSBENCH-ERROR $_stack $_round $_step: $(head -n 1 /tmp/vsbench.err) (rc=$_rc)"
	fi
}

err() { echo "VSBENCH-ERROR $1 $2 $3"; }

# The vslice GPUs in PCI order (the two lab GPUs, then the extra ones).
vslice_gpus() {
	for _g in "$DRV"/0000:*; do
		[ -d "$_g/mdev_supported_types" ] && basename "$_g"
	done
}

# Comma-separated type directories of size MIB, for vsbench cycles (PCI
# addresses have colons).
vslice_dirs() {
	_dirs=
	for _g in $(vslice_gpus); do
		_t=$(type_dir "$_g" "s$1")
		[ -d "$_t" ] && _dirs="$_dirs${_dirs:+,}$_t"
	done
	echo "$_dirs"
}

MBOCHS=/sys/class/mdev_bus/mbochs/mdev_supported_types
# mbochs names its types small/medium/large; pick by the size its
# description gives ("virtual display, 64 MB video memory").
mbochs_dir() {
	for _t in "$MBOCHS"/*; do
		grep -q " $1 MB " "$_t/description" 2>/dev/null && { echo "$_t"; return; }
	done
}

MDPY=/sys/class/mdev_bus/mdpy/mdev_supported_types

load_vslice() { load_stack; }
unload_vslice() { unload_stack; }

load_mbochs() {
	modprobe vfio_iommu_type1 && modprobe mbochs count=$MBOCHS_MB && [ -d "$MBOCHS" ]
}

unload_mbochs() {
	for _u in "$MDEVS"/*; do
		[ -e "$_u/remove" ] && sysfs-write "$_u/remove" 1 >/dev/null
	done
	rmmod mbochs 2>/dev/null
	rmmod mdev 2>/dev/null
	! [ -d /sys/module/mdev ]
}

load_mdpy() {
	modprobe vfio_iommu_type1 && modprobe mdpy && [ -d "$MDPY/$MDPY_TYPE" ]
}

unload_mdpy() {
	for _u in "$MDEVS"/*; do
		[ -e "$_u/remove" ] && sysfs-write "$_u/remove" 1 >/dev/null
	done
	rmmod mdpy 2>/dev/null
	rmmod mdev 2>/dev/null
	! [ -d /sys/module/mdev ]
}

# phase_mdpy ROUND: mdpy's display figures (it is the reference for the
# region plane only), on one mdpy-xga instance.
phase_mdpy() {
	r=$1
	if ! load_mdpy; then
		err mdpy "$r" "load: the stack did not load"
		unload_mdpy
		return
	fi
	u=$(new_uuid)
	if [ "$(sysfs-write "$MDPY/$MDPY_TYPE/create" "$u")" = OK ]; then
		run mdpy "$r" gfx vsbench gfx "$u" "$GFX_N" "$FRAMES"
		sysfs-write "$MDEVS/$u/remove" 1 >/dev/null
	else
		err mdpy "$r" "create: $MDPY/$MDPY_TYPE/create failed"
	fi
	unload_mdpy || err mdpy "$r" "unload: the stack did not unload"
}

# phase STACK ROUND: every measurement of one stack, once.
phase() {
	st=$1 r=$2
	if ! "load_$st"; then
		err "$st" "$r" "load: the stack did not load"
		"unload_$st"
		return
	fi
	if [ "$st" = vslice ]; then
		big=$(type_dir "$GPU0" "s$BIG_MIB")
		scan=$(vslice_dirs "$SCAN_MIB")
	else
		big=$(mbochs_dir "$BIG_MIB")
		scan=$(mbochs_dir "$SCAN_MIB")
	fi
	u=$(new_uuid)
	if [ "$(sysfs-write "$big/create" "$u")" = OK ]; then
		[ "$LAT_N" != 0 ] && run "$st" "$r" lat vsbench lat "$u" "$LAT_N"
		# The plane query on both; the frame read only on vslice:
		# mbochs' plane is a dma-buf (mdpy is the region reference).
		# vslice's frame also through the GPU's own BAR (the "parent"
		# stack's figure): the same VRAM without vslice in between.
		if [ "$GFX_N" != 0 ]; then
			if [ "$st" = vslice ]; then
				off=$(cat "$MDEVS/$u/vslice/vram_offset")
				run "$st" "$r" gfx vsbench gfx "$u" "$GFX_N" "$FRAMES" "$GPU0" "$off" |
					sed "s/^VSBENCH-DATA vslice \([0-9]*\) res0_/VSBENCH-DATA parent \1 res0_/"
			else
				run "$st" "$r" gfx vsbench gfx "$u" "$GFX_N" 0
			fi
		fi
		if [ "$BW_PASSES" = 0 ]; then
			:
		elif [ "$st" = vslice ]; then
			# The same VRAM bytes through the GPU's own BAR, taking
			# turns with BAR0; its figures are the "parent" stack's.
			off=$(cat "$MDEVS/$u/vslice/vram_offset")
			run "$st" "$r" bw vsbench bw "$u" "$BW_PASSES" "$GPU0" "$off" |
				sed "s/^VSBENCH-DATA vslice \([0-9]*\) res0_/VSBENCH-DATA parent \1 res0_/"
		else
			run "$st" "$r" bw vsbench bw "$u" "$BW_PASSES"
		fi
		sysfs-write "$MDEVS/$u/remove" 1 >/dev/null
	else
		err "$st" "$r" "create: $big/create failed"
	fi

	if [ "$mode" != lat ] && [ "$mode" != bw ]; then
		run "$st" "$r" life vsbench life "$big" "$LIFE_K"
		run "$st" "$r" ram vsbench ram "$big" "$RAM_N"
	fi
	for live in $LIVE; do
		run "$st" "$r" "cycles@$live" vsbench cycles "$scan" "$live" "$CYC_K"
	done
	# Close -> next open of a slice its last user wrote all of, and the
	# first read that shows zeros: vslice clears the VRAM for the next
	# user, beside a memset of the same VRAM through the GPU's resource0
	# (the "parent" stack).  mbochs frees the pages at close and hands
	# out zeroed ones as they are touched; it has no 256 MB type.  GPU0
	# is empty here, so its whole-GPU type fits.
	if [ "$mode" != lat ] && [ "$mode" != bw ]; then
		for mib in $REOPEN_MIB; do
			if [ "$st" = vslice ]; then
				run "$st" "$r" "reopen@$mib" vsbench reopen "$(type_dir "$GPU0" "s$mib")" "$mib" "$GPU0" |
					sed "s/^VSBENCH-DATA vslice \([0-9]*\) res0_/VSBENCH-DATA parent \1 res0_/"
			elif [ "$mib" = "$BIG_MIB" ]; then
				run "$st" "$r" "reopen@$mib" vsbench reopen "$big" "$mib" -
			fi
		done
	fi
	"unload_$st" || err "$st" "$r" "unload: the stack did not unload"
}

T=/sys/kernel/tracing
# profile STACK: where a create+remove cycle spends its time.  The
# function_graph tracer times every function below the sysfs "create"
# and "remove" handlers (create_store, remove_store: the same names in
# mdev.ko and vslice_mdev) over PROF_K cycles with one instance live;
# the sums per function, wall time including sleeps, become one
# VSBENCH-PROF line each (the 30 largest).  The tracer slows the cycles
# down, so none of these runs is a measurement.
profile() {
	st=$1
	if [ ! -w "$T/current_tracer" ]; then
		err "$st" 0 "profile: no tracefs with function_graph"
		return
	fi
	if ! "load_$st"; then
		err "$st" 0 "profile: the stack did not load"
		"unload_$st"
		return
	fi
	if [ "$st" = vslice ]; then
		dir=$(type_dir "$GPU0" "s$SCAN_MIB")
	else
		dir=$(mbochs_dir "$SCAN_MIB")
	fi
	echo 0 >"$T/tracing_on"
	echo function_graph >"$T/current_tracer"
	echo 'create_store remove_store' >"$T/set_graph_function"
	echo 1 >"$T/options/funcgraph-tail"
	echo 0 >"$T/options/funcgraph-irqs"
	echo 32768 >"$T/buffer_size_kb"
	: >"$T/trace"
	echo 1 >"$T/tracing_on"
	vsbench cycles "$dir" 1 "$PROF_K" >/dev/null 2>/tmp/vsbench.err ||
		err "$st" 0 "profile: $(head -n 1 /tmp/vsbench.err)"
	echo 0 >"$T/tracing_on"
	# "  0) ! 5012.345 us  |    } /* name */" closes a function and
	# "  0)   2.345 us    |    name();" is a leaf; both carry its time.
	awk -F'|' -v st="$st" '
		match($1, /[0-9]+\.[0-9]+ us/) {
			us = substr($1, RSTART, RLENGTH - 3) + 0
			f = $2
			if (match(f, /\/\* .* \*\//))
				f = substr(f, RSTART + 3, RLENGTH - 6)
			else if (f ~ /\(\);[ \t]*$/)
				sub(/\(\);[ \t]*$/, "", f)
			else
				next
			gsub(/[ \t]/, "", f)
			calls[f]++
			total[f] += us
		}
		END { for (f in total) printf "VSBENCH-PROF %s %d %.1f %s\n", st, calls[f], total[f], f }
	' "$T/trace" | sort -k4,4nr | head -n 30
	echo nop >"$T/current_tracer"
	: >"$T/set_graph_function"
	echo 1408 >"$T/buffer_size_kb"
	"unload_$st" || err "$st" 0 "profile: the stack did not unload"
}

# perf_profile STACK: a flat perf profile (cpu-clock samples, kernel and
# user) of the two trapped reads and of the plane query (GFX_N > 0),
# each alone in a loop, when the image
# carries perf (mkbenchimage.sh --perf).  Symbols above 1% of the samples
# become VSBENCH-PERF lines.
P=$(dirname "$0")/perf
perf() {
	"$P/lib/ld-linux-x86-64.so.2" --library-path "$P/lib" "$P/perf" "$@"
}
perf_profile() {
	st=$1
	if ! "load_$st"; then
		err "$st" 0 "perf: the stack did not load"
		"unload_$st"
		return
	fi
	if [ "$st" = vslice ]; then
		big=$(type_dir "$GPU0" "s$BIG_MIB")
	else
		big=$(mbochs_dir "$BIG_MIB")
	fi
	u=$(new_uuid)
	if [ "$(sysfs-write "$big/create" "$u")" = OK ]; then
		kinds='cfg mmio'
		[ "$GFX_N" != 0 ] && kinds="$kinds gfx"
		for kind in $kinds; do
			perf record -q -e cpu-clock -F 5000 -o /tmp/perf.data -- \
				vsbench readloop "$u" "$kind" "$PERF_N" >/dev/null 2>/tmp/perf.err ||
				err "$st" 0 "perf record: $(tail -n 1 /tmp/perf.err)"
			perf report -i /tmp/perf.data --stdio --no-children --sort sym -q \
				--percent-limit 1 2>/dev/null |
				awk -v st="$st" -v k="$kind" '$1 ~ /%$/ {
					p = $1; sub(/%$/, "", p); $1 = ""; sub(/^ +/, "")
					print "VSBENCH-PERF " st " " k " " p " " $0 }'
			# The same samples by instruction: under TCG a sample
			# lands where a translation block starts, so a hot
			# site that is no call or branch target is TCG's own
			# cost (a block split at a page boundary, a helper).
			perf script -i /tmp/perf.data -F ip,sym,symoff 2>/dev/null |
				awk -v st="$st" -v k="$kind" 'NF >= 2 { n[$2]++; t++ } END {
					for (s in n) if (n[s] * 100 >= t)
						printf "VSBENCH-PERFSITE %s %s %.2f %s\n", st, k, n[s] * 100 / t, s }'
		done
		sysfs-write "$MDEVS/$u/remove" 1 >/dev/null
	else
		err "$st" 0 "perf: $big/create failed"
	fi
	rm -f /tmp/perf.data
	"unload_$st" || err "$st" 0 "perf: the stack did not unload"
}

# Both stacks use VFIO's TYPE1 backend; it stays loaded throughout.
modprobe vfio_iommu_type1
r=1
while [ $r -le $ROUNDS ]; do
	if [ $((r % 2)) = 1 ]; then
		phase vslice "$r"
		phase mbochs "$r"
		[ "$GFX_N" != 0 ] && phase_mdpy "$r"
	else
		[ "$GFX_N" != 0 ] && phase_mdpy "$r"
		phase mbochs "$r"
		phase vslice "$r"
	fi
	r=$((r + 1))
done
if [ "$PROF_K" -gt 0 ]; then
	profile vslice
	profile mbochs
fi
if [ "$PERF_N" -gt 0 ] && [ -x "$P/perf" ]; then
	perf_profile vslice
	perf_profile mbochs
fi
echo "VSBENCH-END"
