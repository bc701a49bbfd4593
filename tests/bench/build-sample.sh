#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build one upstream VFIO mdev sample of Debian's linux-source-6.12
# (samples/vfio-mdev/) as an external module for KDIR: the references the
# benchmark compares vslice with.  Debian's kernel has SAMPLES off, so the
# samples are not among its modules.
#
#   build-sample.sh mbochs|mdpy KDIR OUTDIR
#
#   mbochs  mbochs.c: the Bochs-compatible display with a dma-buf plane
#   mdpy    mdpy.c and its mdpy-defs.h: the display with a region plane
#
# Copies the sample's sources into OUTDIR (under build/, never into the
# repository) next to a one-line Kbuild, builds it there and prints the
# path of the .ko as the last line of stdout.
set -euo pipefail

usage() { echo "usage: $0 mbochs|mdpy KDIR OUTDIR" >&2; exit 64; }
(($# == 3)) || usage
name=$1 kdir=$2 out=$3
case "$name" in
mbochs) files=(mbochs.c) ;;
mdpy) files=(mdpy.c mdpy-defs.h) ;;
*) echo "build-sample: unknown sample '$name' (mbochs or mdpy)" >&2; usage ;;
esac
[[ -d $kdir ]] || { echo "build-sample: $kdir: no kernel build tree" >&2; exit 1; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

src=$("$repo/tests/kunit/extract-source.sh" | tail -n 1)/samples/vfio-mdev
mkdir -p "$out"
for f in "${files[@]}"; do
	[[ -f $src/$f ]] || { echo "build-sample: $src/$f missing" >&2; exit 1; }
	# Copy only when changed, so a second run is a no-op for make.
	cmp -s "$src/$f" "$out/$f" || cp "$src/$f" "$out/$f"
done
echo "obj-m := $name.o" >"$out/Kbuild.new"
if cmp -s "$out/Kbuild.new" "$out/Kbuild"; then
	rm "$out/Kbuild.new"
else
	mv "$out/Kbuild.new" "$out/Kbuild"
fi
make -C "$kdir" M="$(cd "$out" && pwd)" modules >&2
echo "$out/$name.ko"
