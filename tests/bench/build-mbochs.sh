#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the upstream mbochs sample (samples/vfio-mdev/mbochs.c of Debian's
# linux-source-6.12) as an external module for KDIR, the reference the
# benchmark compares vslice with.  Debian's kernel has SAMPLES off, so
# the sample is not among its modules.
#
#   build-mbochs.sh KDIR OUTDIR
#
# Copies the one source file into OUTDIR (under build/, never into the
# repository) next to a one-line Kbuild, builds it there and prints the
# path of mbochs.ko as the last line of stdout.
set -euo pipefail

(($# == 2)) || { echo "usage: $0 KDIR OUTDIR" >&2; exit 64; }
kdir=$1 out=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

src=$("$repo/tests/kunit/extract-source.sh" | tail -n 1)/samples/vfio-mdev/mbochs.c
[[ -f $src ]] || { echo "build-mbochs: $src missing" >&2; exit 1; }

mkdir -p "$out"
# Copy only when changed, so a second run is a no-op for make.
cmp -s "$src" "$out/mbochs.c" || cp "$src" "$out/mbochs.c"
echo 'obj-m := mbochs.o' >"$out/Kbuild.new"
if cmp -s "$out/Kbuild.new" "$out/Kbuild"; then
	rm "$out/Kbuild.new"
else
	mv "$out/Kbuild.new" "$out/Kbuild"
fi
make -C "$kdir" M="$(cd "$out" && pwd)" modules >&2
echo "$out/mbochs.ko"
