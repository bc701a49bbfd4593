#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The device fd under a random mix of every operation from several
# processes and threads on vGPUs of both GPUs, while vGPUs come and go,
# their attributes change and GPU1 is unbound and rebound; then a
# 16-thread create/open/close/remove stress.  The checks are in
# devfd-fuzz.c.
#
# vslice.fuzz_ops=N on the kernel command line sets the operation count
# (make fuzz-long), vslice.fuzz_seed=S replays a run's seed.  By default
# a new seed every run (printed first and in the run line) and 10^6
# operations: 5 to 9 minutes on the sanitizer kernel (1850 to 3400 a
# second under TCG), about 2 on Debian's (8800 to 12900 a second).  The
# stress makes 16 x 20 vGPUs, 16 x 10 on the sanitizer kernel (70 s
# there).
SUITE=fuzz
. "$(dirname "$0")/lib.sh"

KML=/sys/kernel/debug/kmemleak
ops='' seed='' rounds=20
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	vslice.fuzz_ops=*) ops=${arg#vslice.fuzz_ops=} ;;
	vslice.fuzz_seed=*) seed=${arg#vslice.fuzz_seed=} ;;
	esac
done
[ -n "$ops" ] || ops=1000000
[ -e "$KML" ] && rounds=10
[ -n "$seed" ] || seed=$(printf '%d' "0x$(cut -c1-8 /proc/sys/kernel/random/uuid)")
echo "fuzz: seed $seed, $ops operations (replay: vslice.fuzz_seed=$seed vslice.fuzz_ops=$ops)"

# Leaks from before this suite are not its business.
if [ -w "$KML" ]; then
	echo scan >"$KML"
	echo clear >"$KML"
fi

check load load_stack
client devfd-fuzz fuzz "$SUITE" "$seed" "$ops"
expect fuzz-no-mdev-left 0 "$(nr_mdevs)"
client devfd-fuzz stress "$SUITE" 16 "$rounds"

# What the fuzzer and the stress allocated and did not free: kmemleak
# reports an object once it is 5 s old.
if [ -w "$KML" ]; then
	sleep 6
	echo scan >"$KML"
	leaks=$(grep -c '^unreferenced object' "$KML")
	if [ "$leaks" = 0 ]; then
		pass kmemleak
	else
		fail kmemleak "$leaks unreferenced objects, e.g. $(grep -m 1 -E 'vslice|vgpu|mdev|vfio' "$KML" | sed 's/^ *//')"
		head -n 60 "$KML"
	fi
else
	skip kmemleak "kernel without CONFIG_DEBUG_KMEMLEAK (the stress compares slab instead)"
fi
check unload unload_stack
