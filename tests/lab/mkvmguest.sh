#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the nested guest that tests/guest/t-80-qemu-guest.sh boots inside
# the lab VM (and the libvirt stage's lab hosts): a minimal kernel
# configured for exactly what the guest does (tests/lab/
# build-vmguest-kernel.sh, cached) with a busybox initramfs whose only
# driver is bochs-drm.  Debian's generic kernel needs about 2.1 G
# instructions to reach /init, which two levels of TCG stretch to minutes.
#
#   mkvmguest.sh OUTDIR
#
# Writes
#
#   OUTDIR/vmlinuz              the minimal kernel's bzImage
#   OUTDIR/vmguest.conf         tests/lab/vmguest.conf: how to boot it
#   OUTDIR/initramfs.cpio.gz    /init          tests/vmguest/init.sh
#                               /bin/busybox (+ applets)
#                               /bin/fb-draw   tests/vmguest/fb-draw.c, static
#                               /bin/kms-flip  tests/vmguest/kms-flip.c, static,
#                                              against the 6.12 DRM uAPI headers
#                                              (tests/lab/uapi-headers.sh)
#                               /lib/modules/<release>/  bochs.ko and its
#                               dependencies (the DRM stack), depmod'ed
#
# The archive is reproducible: sorted, owner 0, fixed mtimes, gzip -n.
set -euo pipefail

(($# == 1)) || {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
outdir=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
src=$repo/tests/vmguest
kdir=$("$repo/tests/lab/build-vmguest-kernel.sh" | tail -n 1)
kver=$(cat "$kdir/kernel.release")
sysmods=$kdir/modules/lib/modules/$kver
for f in "$kdir/bzImage" "$sysmods/modules.dep"; do
	[[ -f $f ]] || {
		echo "mkvmguest: $f not found" >&2
		exit 1
	}
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
moddir=$root/lib/modules/$kver
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root} "$moddir"

busybox_root "$root"
install -m 0755 "$src/init.sh" "$root/init"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$root/bin/fb-draw" "$src/fb-draw.c"
# Debian's linux-libc-dev has no <drm/*.h> (libdrm-dev has them under
# another path, and the guest has no libdrm): the kernel's own uAPI.
uapi=$("$repo/tests/lab/uapi-headers.sh")
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -isystem "$uapi" \
	-o "$root/bin/kms-flip" "$src/kms-flip.c"

# bochs-drm and what it needs (drm, the KMS, TTM and VRAM helpers).
add_distro_modules -d "$kdir/modules" "$root" "$kver" bochs
# busybox modprobe reports built-in dependencies as missing unless
# they are listed.
for f in modules.builtin modules.builtin.modinfo; do
	[[ -f $sysmods/$f ]] && cp "$sysmods/$f" "$moddir/"
done
(cd "$moddir" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) >"$moddir/modules.order"
depmod -b "$root" "$kver"

mkdir -p "$outdir"
install -m 0644 "$kdir/bzImage" "$outdir/vmlinuz"
install -m 0644 "$repo/tests/lab/vmguest.conf" "$outdir/vmguest.conf"
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --reproducible --owner=0:0 --quiet) |
	gzip -n -9 >"$outdir/initramfs.cpio.gz.tmp"
mv "$outdir/initramfs.cpio.gz.tmp" "$outdir/initramfs.cpio.gz"
