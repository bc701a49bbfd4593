#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the bench-only lab image: the usual lab initramfs of Debian's
# kernel (tests/lab/mkinitramfs.sh --distro-modules) plus the upstream
# samples mbochs.ko and mdpy.ko (tests/bench/build-sample.sh) and the
# benchmark client, and only the guest files the benchmark uses.
#
#   mkbenchimage.sh OUTPUT.cpio.gz [--perf]
#
# The regular lab images never carry the bench: its C client is compiled
# only here, from a generated guest directory holding
#   run-tests.sh lib.sh vfio_util.h lab_result.h sysfs-write.c (tests/guest)
#   t-99-bench.sh   tests/bench/bench-guest.sh, run by vslice.suites=t-99-bench
#   vsbench.c       tests/bench/vsbench.c
# Leaving out the other suites and the nested QEMU guest keeps the image
# quick to build, which the smoke stage of `make check` pays each time.
#
# --perf adds this machine's perf (Debian's linux-perf, when installed)
# with its shared libraries under /vslice/guest/perf/, run through its
# own dynamic loader, for the full bench's profile of the read paths.
set -euo pipefail

(($# == 1 || $# == 2)) || { echo "usage: $0 OUTPUT.cpio.gz [--perf]" >&2; exit 64; }
output=$1 perf=${2:-}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kver=$("$repo/tests/lab/debian-kernel.sh")
kdir=/lib/modules/$kver/build
krel=$(cat "$kdir/include/config/kernel.release")
out=$repo/build/$krel
work=$repo/build/bench/image

make -C "$repo" --no-print-directory -j"$(nproc)" modules KDIR="$kdir" OUT="$out" >&2
samples=()
for sample in mbochs mdpy; do
	samples+=("$("$repo/tests/bench/build-sample.sh" "$sample" "$kdir" "$repo/build/bench/$sample" | tail -n 1)")
done

# mkinitramfs takes every regular *.ko under one directory: give it the
# vslice modules and the samples side by side.
rm -rf "$work"
mkdir -p "$work/modules" "$work/guest"
find "$out" -name '*.ko' -type f -exec cp {} "$work/modules/" \;
cp "${samples[@]}" "$work/modules/"

for f in run-tests.sh lib.sh vfio_util.h lab_result.h sysfs-write.c; do
	cp "$repo/tests/guest/$f" "$work/guest/"
done
cp "$repo/tests/bench/bench-guest.sh" "$work/guest/t-99-bench.sh"
cp "$repo/tests/bench/vsbench.c" "$work/guest/"
if [[ $perf == --perf ]]; then
	if [[ -x /usr/bin/perf ]] && file -L /usr/bin/perf | grep -q ELF; then
		mkdir -p "$work/guest/perf/lib"
		cp -L /usr/bin/perf "$work/guest/perf/perf"
		# ldd prints "name => path (address)", or "path (address)" for the loader.
		while read -r lib; do
			cp -L "$lib" "$work/guest/perf/lib/"
		done < <(ldd /usr/bin/perf | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
	else
		echo "mkbenchimage: no perf binary (apt-get install linux-perf); the bench runs without it" >&2
	fi
fi

VSLICE_GUEST_DIR=$work/guest VSLICE_VMGUEST=0 VSLICE_KDIR=$kdir \
	"$repo/tests/lab/mkinitramfs.sh" "$krel" "$work/modules" "$output" --distro-modules >&2
