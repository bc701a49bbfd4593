#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the lab initramfs for one kernel (layout: tests/README.md).
#
#   mkinitramfs.sh KERNEL_RELEASE MODULES_BUILD_DIR OUTPUT.cpio.gz [--distro-modules]
#
# KERNEL_RELEASE      `uname -r` of the kernel the image is for
# MODULES_BUILD_DIR   searched for the vslice *.ko files (a `make modules` OUT)
# --distro-modules    also add the modules of /lib/modules/KERNEL_RELEASE that
#                     the lab needs (vfio, vfio_iommu_type1, mdev and whatever
#                     the vslice modules depend on), decompressed.  Needed for
#                     Debian's kernel; the test kernel has them built in.
#
# Environment: VSLICE_GUEST_DIR (default tests/guest) is copied to
# /vslice/guest and its *.c compiled to /vslice/bin, against the 6.12 uAPI
# headers of tests/lab/uapi-headers.sh; VSLICE_KDIR (default
# /lib/modules/KERNEL_RELEASE/build) supplies modules.builtin when
# /lib/modules/KERNEL_RELEASE has none, so busybox modprobe accepts
# built-in modules.
#
# With --distro-modules (Debian's kernel: the lab/debian stage, the demo,
# the lab shell) the image also carries what tests/guest/t-80-qemu-guest.sh
# needs to give a vGPU to a nested QEMU guest:
#
#   /usr/bin/qemu-system-x86_64   this machine's QEMU with its shared
#                                 libraries and accel-tcg-x86_64.so
#   /usr/share/qemu, /usr/share/seabios   its firmware
#   /vslice/vmguest/              the nested guest (tests/lab/mkvmguest.sh)
#   /vslice/bin/vram-find         tests/vmguest/vram-find.c, static
#
# VSLICE_VMGUEST=1 adds them to any image, VSLICE_VMGUEST=0 leaves them out.
#
# The archive is reproducible: sorted, owner 0, fixed mtimes, gzip -n.
set -euo pipefail

usage() {
	echo "usage: $0 KERNEL_RELEASE MODULES_BUILD_DIR OUTPUT.cpio.gz [--distro-modules]" >&2
	exit 2
}
(($# == 3 || $# == 4)) || usage
kver=$1
modsrc=$2
output=$3
distro=0
if (($# == 4)); then
	[[ $4 == --distro-modules ]] || usage
	distro=1
fi
vmguest=${VSLICE_VMGUEST:-$distro}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
guest=${VSLICE_GUEST_DIR:-$repo/tests/guest}
kdir=${VSLICE_KDIR:-/lib/modules/$kver/build}
sysmods=/lib/modules/$kver
# The distro modules the lab needs: VFIO for vslice_vfio_mdev, and the
# in-tree mdev.ko so the tests can show that it and vslice_mdev exclude
# each other.  The rest follows from the vslice modules' "depends".
base_modules=(vfio vfio_iommu_type1 mdev)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
moddir=$root/lib/modules/$kver
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc} \
	"$moddir/extra" "$root/vslice/guest" "$root/vslice/bin"

busybox_root "$root"

install -m 0755 "$repo/tests/lab/guest-init.sh" "$root/init"

# The vslice modules.  The build mirror also holds symlinked sources;
# only regular files are build products.
mapfile -t ours < <(find "$modsrc" -name '*.ko' -type f | LC_ALL=C sort)
if ((${#ours[@]} == 0)); then
	echo "mkinitramfs: warning: no *.ko under $modsrc" >&2
fi
for ko in "${ours[@]}"; do
	install -m 0644 "$ko" "$moddir/extra/"
done

if ((distro)); then
	[[ -f $sysmods/modules.dep ]] || {
		echo "mkinitramfs: $sysmods/modules.dep not found" >&2
		exit 1
	}
	wanted=("${base_modules[@]}")
	ournames=" "
	for ko in "${ours[@]}"; do
		ournames+="$(basename "$ko" .ko | tr - _) "
	done
	for ko in "${ours[@]}"; do
		IFS=, read -ra deps <<<"$(modinfo -F depends "$ko")"
		for d in "${deps[@]}"; do
			[[ -n $d && $ournames != *" ${d//-/_} "* ]] && wanted+=("$d")
		done
	done
	add_distro_modules "$root" "$kver" "${wanted[@]}"
fi

# The vGPU type tables (firmware/), where request_firmware looks.
make -s -C "$repo/firmware" FW_OUT="$work/fw" >&2
install -D -m 0644 -t "$root/lib/firmware/vslice" "$work"/fw/vslice/*.fw

# Built-in modules must be listed or busybox modprobe reports
# "module not found" for e.g. a built-in vfio.
for f in modules.builtin modules.builtin.modinfo; do
	if [[ -f $sysmods/$f ]]; then
		cp "$sysmods/$f" "$moddir/"
	elif [[ -f $kdir/$f ]]; then
		cp "$kdir/$f" "$moddir/"
	fi
done
# depmod wants an order file; list what the image holds.
(cd "$moddir" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) >"$moddir/modules.order"
depmod -b "$root" "$kver"

# The in-guest tests: scripts as they are, C programs built static so
# the image needs no libc.
if [[ -d $guest ]]; then
	cp -R "$guest/." "$root/vslice/guest/"
	uapi=$("$repo/tests/lab/uapi-headers.sh")
	shopt -s nullglob
	for src in "$guest"/*.c; do
		name=$(basename "$src" .c)
		gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static \
			-isystem "$uapi" -I "$repo/kernel/include" \
			-o "$root/vslice/bin/$name" "$src" &
	done
	shopt -u nullglob
	# Wait for each compile so one failure fails the build.
	while true; do
		wait -n || { rc=$?; [[ $rc == 127 ]] && break; exit "$rc"; }
	done
else
	echo "mkinitramfs: warning: $guest does not exist" >&2
fi

# The nested-guest test's QEMU and guest: only in the images that run it.
if ((vmguest)); then
	"$repo/tests/lab/mkvmguest.sh" "$root/vslice/vmguest"
	qemu=/usr/bin/qemu-system-x86_64
	install -D -m 0755 "$qemu" "$root$qemu"
	# The libraries where the dynamic loader looks for them (ldd prints
	# "name => path (address)", or "path (address)" for the loader).
	while read -r lib; do
		install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done < <(ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		LC_ALL=C sort -u)
	# TCG is a loadable module in Debian's QEMU (QEMU_MODULE_DIR).
	install -D -m 0644 /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so \
		"$root/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so"
	# BIOS and option ROMs.  Links out of these directories (OVMF) would
	# dangle in the image.
	mkdir -p "$root/usr/share"
	cp -R /usr/share/qemu /usr/share/seabios "$root/usr/share/"
	find "$root/usr/share/qemu" "$root/usr/share/seabios" -xtype l -delete
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static \
		-o "$root/vslice/bin/vram-find" "$repo/tests/vmguest/vram-find.c"
fi

# mdevctl, the vslice callout and vslicectl for t-90-mdevctl (tests/lab/image-mdevctl.sh).
"$repo/tests/lab/image-mdevctl.sh" "$root"

# edid-decode, for t-74-display's conformity check of each type's EDID,
# with its libraries where the dynamic loader looks for them.
if [[ -x /usr/bin/edid-decode ]]; then
	install -D -m 0755 /usr/bin/edid-decode "$root/usr/bin/edid-decode"
	while read -r lib; do
		[[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done < <(ldd /usr/bin/edid-decode |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | LC_ALL=C sort -u)
else
	echo "mkinitramfs: warning: no /usr/bin/edid-decode (tests/lab/setup-deps.sh)" >&2
fi

find "$root" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$output")"
(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --reproducible --owner=0:0 --quiet) |
	gzip -n -6 >"$output.tmp"
mv "$output.tmp" "$output"
