#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the libvirt lab host's disk and initramfs for Debian's 6.12 kernel:
#
#   mkimage.sh OUTDIR [KERNEL_RELEASE]
#
#   OUTDIR/disk.img          ext4 (raw, 3 GiB sparse), booted as /dev/vda:
#     the cached Debian 12 root of tests/libvirt/mkbase.sh (libvirt, QEMU,
#     mdevctl, systemd), and on top of it, redone every run:
#       `make install DESTDIR=...`    the vslice modules (built against
#                                     KERNEL_RELEASE's headers), modprobe.d,
#                                     firmware, callout, vslicectl, udev rule
#       /lib/modules/KERNEL_RELEASE/  Debian's modules of that kernel
#       /etc/modprobe.d/vslice-gpus.conf, /etc/modules-load.d/vslice.conf
#                                     the admin's part: which GPUs, load at boot
#       /var/lib/libvirt/images/vslice/   the nested guest (tests/lab/mkvmguest.sh)
#       /usr/local/lib/vslice-libvirt/    flow.sh and its XML templates
#       vslice-libvirt.target, vslice-libvirt-test.service
#   OUTDIR/initrd.cpio.gz    busybox: loads virtio_blk and ext4, mounts
#                            /dev/vda and switch_roots to its systemd
#   OUTDIR/kernel            the path of /boot/vmlinuz-KERNEL_RELEASE
#
# The root tree is assembled from hard links to the cached base (no copy)
# plus the new files, and written into the image with `mke2fs -d`: no loop
# device, no mount, no FUSE.  Every file the layer writes replaces a link
# instead of writing through it, so the cache stays as it was.
#
# KERNEL_RELEASE defaults to tests/lab/debian-kernel.sh's.  Progress and
# timings go to stderr.
set -euo pipefail

(($# == 1 || $# == 2)) || {
	echo "usage: $0 OUTDIR [KERNEL_RELEASE]" >&2
	exit 2
}
outdir=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
kver=${2:-$("$repo/tests/lab/debian-kernel.sh")}
kdir=/lib/modules/$kver/build
krel=$(cat "$kdir/include/config/kernel.release")
out=$repo/build/$krel
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
SIZE=${VSLICE_LIBVIRT_DISK_SIZE:-3G}

log() { echo "mkimage: $*" >&2; }
t0=$SECONDS

base=$("$here/mkbase.sh" | tail -n 1)
log "base $base ($((SECONDS - t0)) s)"

mkdir -p "$CACHE/libvirt-host" "$outdir"
# Next to the base, so that hard links work.
work=$(mktemp -d "$CACHE/libvirt-host/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
layer=$work/layer
root=$work/root
mkdir -p "$layer"

# --- vslice, installed the way the README says.
t=$SECONDS
make -C "$repo" --no-print-directory -j"$(nproc)" install KDIR="$kdir" OUT="$out" \
	DESTDIR="$layer" >"$work/make-install.log" 2>&1 || {
	tail -n 30 "$work/make-install.log" >&2
	log "make install failed"
	exit 1
}
log "make install DESTDIR=...: $(cd "$layer" && find . -type f -o -type l | wc -l) files ($((SECONDS - t)) s)"

# --- Debian's modules of the kernel the lab host boots (the vslice ones
# are in updates/ already).
mkdir -p "$layer/lib/modules/$kver"
(cd "/lib/modules/$kver" && find . -mindepth 1 -maxdepth 1 ! -name build ! -name source \
	! -name 'modules.*' -exec cp -a {} "$layer/lib/modules/$kver/" \;)
cp -a "/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$layer/lib/modules/$kver/"

# --- The admin's configuration.
install -D -m 0644 "$here/vslice-gpus.conf" "$layer/etc/modprobe.d/vslice-gpus.conf"
install -D -m 0644 "$here/vslice-modules.conf" "$layer/etc/modules-load.d/vslice.conf"

# --- The test: the nested guest, the flow and its boot target.
"$repo/tests/lab/mkvmguest.sh" "$layer/var/lib/libvirt/images/vslice" "$kver" >&2
lib=$layer/usr/local/lib/vslice-libvirt
install -D -m 0755 "$here/flow.sh" "$lib/flow.sh"
install -m 0644 "$here/hostdev.xml.in" "$here/mdev.xml.in" "$lib/"
"$repo/tests/lab/vmguest-xml.sh" "$here/domain.xml.in" >"$lib/domain.xml.in"
install -D -m 0644 -t "$layer/etc/systemd/system" \
	"$here/vslice-libvirt.target" "$here/vslice-libvirt-test.service"
mkdir -p "$layer/etc/systemd/journald.conf.d"
# The journal on the disk, so the second boot can show the first's.
printf '[Journal]\nStorage=persistent\n' >"$layer/etc/systemd/journald.conf.d/vslice-lab.conf"
install -D -m 0644 "$here/libvirtd-debug.conf" \
	"$layer/etc/systemd/system/libvirtd.service.d/vslice-lab-debug.conf"
echo vslice-lab >"$layer/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 vslice-lab\n' >"$layer/etc/hosts"
printf '/dev/vda / ext4 rw,noatime 0 0\n' >"$layer/etc/fstab"

# --- The root tree: links to the base, the layer on top.
t=$SECONDS
cp -al "$base/root" "$root"
# Debian 12's /lib, /bin and /sbin are links into /usr: move what `make
# install` put there to where the links point.
for d in bin sbin lib lib64; do
	if [[ -L $root/$d && -d $layer/$d && ! -L $layer/$d ]]; then
		mkdir -p "$layer/usr/$d"
		cp -a "$layer/$d/." "$layer/usr/$d/"
		rm -rf "${layer:?}/$d"
	fi
done
cp -a --remove-destination "$layer/." "$root/"
# libvirt's default NAT network needs dnsmasq and iptables rules the lab
# does not use; without its autostart link libvirtd does not try.
rm -f "$root/etc/libvirt/qemu/networks/autostart/default.xml"
depmod -b "$root" "$kver"

# Every library the installed binaries need must be in the image.
missing=
for bin in "$layer"/usr/bin/vslicectl "$layer"/usr/lib/mdevctl/scripts.d/callouts/vslice; do
	for so in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[[ -e $root/lib/x86_64-linux-gnu/$so || -e $root/usr/lib/x86_64-linux-gnu/$so ]] ||
			missing+=" $so (${bin##*/})"
	done
done
[[ -z $missing ]] || { log "libraries missing in the image:$missing; add their packages to image-packages.txt"; exit 1; }

rm -f "$outdir/disk.img.tmp"
mke2fs -q -t ext4 -L vslice-host -E root_owner=0:0 -d "$root" "$outdir/disk.img.tmp" "$SIZE"
mv "$outdir/disk.img.tmp" "$outdir/disk.img"
log "disk.img: $(du -sh --apparent-size "$root" | cut -f1) of files ($((SECONDS - t)) s)"

# --- The initramfs: busybox and the modules to reach the disk.
t=$SECONDS
ird=$work/initrd
moddir=$ird/lib/modules/$kver
mkdir -p "$ird"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,newroot} "$moddir"
busybox_root "$ird"
install -m 0755 "$here/host-init.sh" "$ird/init"
printf '%s\n' virtio_blk ext4 >"$ird/etc/host-init.modules"
add_distro_modules "$ird" "$kver" virtio_blk ext4
cp "/lib/modules/$kver"/modules.builtin* "$moddir/"
(cd "$moddir" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) >"$moddir/modules.order"
depmod -b "$ird" "$kver"
(cd "$ird" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -n -1 >"$outdir/initrd.cpio.gz"
echo "/boot/vmlinuz-$kver" >"$outdir/kernel"
log "initrd.cpio.gz ($((SECONDS - t)) s); image done in $((SECONDS - t0)) s"
