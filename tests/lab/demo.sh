#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: build the modules for Debian's 6.12 kernel, pack them with
# the guest scripts into the lab initramfs, and boot it under QEMU with
# vslice.mode=demo so /vslice/guest/demo.sh runs.  The guest console is
# streamed here.  Exits non-zero if the demo failed or did not finish.
#
# Packages: the Makefile's `demo` target runs tests/lab/setup-deps.sh first.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kver=$("$repo/tests/lab/debian-kernel.sh")
kdir=/lib/modules/$kver/build
krel=$(cat "$kdir/include/config/kernel.release")
out=$repo/build/$krel
image=$repo/build/images/demo/initramfs.cpio.gz
logs=$repo/build/logs/demo

echo "demo: building the vslice modules for $krel"
make -C "$repo" --no-print-directory -j"$(nproc)" modules KDIR="$kdir" OUT="$out"
echo "demo: building the lab initramfs"
"$repo/tests/lab/mkinitramfs.sh" "$krel" "$out" "$image" --distro-modules
echo "demo: booting Debian's $kver under QEMU (TCG, two bochs-display GPUs)"
echo "demo: console log: $logs/console.log, kernel log: $logs/kernel.log"
"$repo/tests/lab/run-vm.sh" --kernel "/boot/vmlinuz-$kver" --initrd "$image" \
	--mode demo --kmsg-on-console --log "$logs/console.log" --kernel-log "$logs/kernel.log"
