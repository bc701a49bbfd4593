#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a libvirt lab host's disk and initramfs:
#
#   mkimage.sh SUITE OUTDIR DEB...
#
#   SUITE      bookworm (Debian 12) or trixie (Debian 13)
#   DEB...     vslice's packages (tests/packaging/mkdebs.sh SUITE's output)
#
#   OUTDIR/disk.img          ext4 (raw, 3 GiB sparse), booted as /dev/vda:
#     the cached root of tests/libvirt/mkbase.sh SUITE (Debian's kernel
#     and headers, libvirt, QEMU, mdevctl, dkms, systemd), and on top of
#     it, redone every run:
#       `apt-get install ./DEB...`    as an admin installs them, in a
#                                     chroot of that root: DKMS builds the
#                                     modules for the root's kernel with
#                                     the release's compiler
#       /etc/modprobe.d/vslice-gpus.conf, /etc/modules-load.d/vslice.conf
#                                     the admin's part: which GPUs, load at boot
#       /var/lib/libvirt/images/vslice/   the nested guest (tests/lab/mkvmguest.sh)
#       /usr/local/lib/vslice-libvirt/    flow.sh, flow-live.sh, flow-save.sh and
#                                         flow-migrate.sh when there are,
#                                         the XML templates, shot-check
#                                         (tests/guest/shot-check.c) and qmp
#                                         (tests/guest/qmp.c), static
#       vslice-libvirt.target, vslice-libvirt-test.service
#   OUTDIR/initrd.cpio.gz    busybox: loads virtio_blk and ext4 of the
#                            root's kernel, mounts /dev/vda and
#                            switch_roots to its systemd
#   OUTDIR/vmlinuz           that kernel (the root's /boot/vmlinuz-*)
#   OUTDIR/kernel            its release
#   OUTDIR/dkms-make.log     DKMS's make.log, when the build failed
#
# The packages are installed in an overlay of the cached root (its lower
# layer is never written); the root tree is then assembled from hard links
# to the cached root plus what the overlay's upper layer holds, and
# written into the image with `mke2fs -d` (no loop device).  Every file of
# the layers replaces a link instead of writing through it, so the cache
# stays as it was.
#
# VSLICE_LIBVIRT_MASK="UNIT..." masks those units in the image (for the
# proof that a check fails without one).  Progress and timings go to
# stderr.
set -euo pipefail

(($# >= 3)) || {
	echo "usage: $0 bookworm|trixie OUTDIR DEB..." >&2
	exit 2
}
suite=$1 outdir=$2
shift 2
debs=()
for d in "$@"; do
	[[ $d == *.deb && -f $d ]] || { echo "mkimage: $d is not a .deb file" >&2; exit 2; }
	debs+=("$(realpath "$d")")
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
# shellcheck source=tests/packaging/lib.sh
. "$repo/tests/packaging/lib.sh"
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
SIZE=${VSLICE_LIBVIRT_DISK_SIZE:-3G}

log() { echo "mkimage: $*" >&2; }
t0=$SECONDS

base=$("$here/mkbase.sh" "$suite" | tail -n 1)
log "base $base ($((SECONDS - t0)) s)"
# The root's one kernel: the host boots it and DKMS builds for it.
kver=$(find "$base/root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' |
	grep -E '^6\.12\.[0-9]+.*-amd64$' | sort -V | tail -n 1 || true)
[[ -n $kver && -f $base/root/boot/vmlinuz-$kver && -d $base/root/lib/modules/$kver/build ]] || {
	log "no 6.12 kernel with headers in $base/root"
	exit 1
}

mkdir -p "$CACHE/libvirt-hosts" "$outdir"
rm -f "$outdir/dkms-make.log"
# Next to the base, so that hard links work.
work=$(mktemp -d "$CACHE/libvirt-hosts/run.XXXXXX")
trap 'pkg_umount_all; rm -rf "$work"' EXIT
layer=$work/layer
root=$work/root
mkdir -p "$layer"

# --- vslice's packages, installed the way the README says, in an overlay
# of the base (the packaging stage's throwaway roots, tests/packaging/lib.sh).
t=$SECONDS
pkg_mount_root "$base" "$work/apt"
merged=$work/apt/root
upper=$work/apt/upper
# Packages must not start their services in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$merged/usr/sbin/policy-rc.d"
chmod 0755 "$merged/usr/sbin/policy-rc.d"
mkdir "$merged/tmp/vslice-debs"
cp "${debs[@]}" "$merged/tmp/vslice-debs/"
if ! pkg_chroot "$merged" sh -c 'apt-get -q -y install ./tmp/vslice-debs/*.deb' \
	</dev/null >"$work/apt.log" 2>&1; then
	tail -n 40 "$work/apt.log" >&2
	# DKMS keeps the compiler's output of a failed build in make.log.
	while IFS= read -r -d '' f; do
		echo "=== ${f#"$merged"}"
		cat "$f"
	done < <(find "$merged/var/lib/dkms" -name make.log -print0 2>/dev/null) >"$outdir/dkms-make.log"
	[[ -s $outdir/dkms-make.log ]] && log "DKMS's make.log: $outdir/dkms-make.log"
	log "apt-get install of ${debs[*]##*/} failed"
	exit 1
fi
sed -n '/^Setting up\|^Building\|^Installing\|^Signing\|^depmod\|[Ee]rror\|[Ww]arn/p' "$work/apt.log" >&2
# What DKMS built: the three modules, installed for the root's kernel.
status=$(pkg_chroot "$merged" dkms status 2>&1)
log "dkms status: $status"
mods=$(find "$merged/lib/modules/$kver/updates" -name 'vslice_*.ko*' -printf '%f ' 2>/dev/null)
[[ $status == *"$kver"*installed* && $mods == *vslice_gpu* && $mods == *vslice_mdev* &&
	$mods == *vslice_vfio_mdev* ]] || {
	log "DKMS did not install vslice_gpu, vslice_mdev and vslice_vfio_mdev for $kver (found: ${mods:-none})"
	exit 1
}
log "apt-get install of ${debs[*]##*/}: DKMS built ${mods% } for $kver ($((SECONDS - t)) s)"
rm -f "$merged/usr/sbin/policy-rc.d"
rm -rf "$merged/tmp/vslice-debs"
pkg_umount_all

# --- The admin's configuration.
install -D -m 0644 "$here/vslice-gpus.conf" "$layer/etc/modprobe.d/vslice-gpus.conf"
install -D -m 0644 "$here/vslice-modules.conf" "$layer/etc/modules-load.d/vslice.conf"

# --- The test: the nested guest, the flow and its boot target.  The
# nested guest runs the build machine's Debian 6.12 kernel on both hosts.
"$repo/tests/lab/mkvmguest.sh" "$layer/var/lib/libvirt/images/vslice" >&2
lib=$layer/usr/local/lib/vslice-libvirt
install -D -m 0755 "$here/flow.sh" "$lib/flow.sh"
for f in flow-live.sh flow-migrate.sh flow-save.sh; do
	if [[ -f $here/$f ]]; then
		install -m 0755 "$here/$f" "$lib/$f"
	fi
done
install -m 0644 "$here/hostdev.xml.in" "$here/mdev.xml.in" "$lib/"
"$repo/tests/lab/vmguest-xml.sh" "$here/domain.xml.in" >"$lib/domain.xml.in"
"$repo/tests/lab/vmguest-xml.sh" "$here/domain-display.xml.in" >"$lib/domain-display.xml.in"
# The display step's comparison of a screenshot with the guest's picture,
# built static as the lab's clients are (tests/lab/mkinitramfs.sh), so one
# binary runs on either release.
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static \
	-isystem "$("$repo/tests/lab/uapi-headers.sh")" -I "$repo/kernel/include" \
	-o "$lib/shot-check" "$repo/tests/guest/shot-check.c"
# flow-migrate.sh's QMP client for the QEMU processes it starts itself.
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$lib/qmp" "$repo/tests/guest/qmp.c"
install -D -m 0644 -t "$layer/etc/systemd/system" \
	"$here/vslice-libvirt.target" "$here/vslice-libvirt-test.service"
mkdir -p "$layer/etc/systemd/journald.conf.d"
# The journal on the disk, so the second boot can show the first's.
printf '[Journal]\nStorage=persistent\n' >"$layer/etc/systemd/journald.conf.d/vslice-lab.conf"
install -D -m 0644 "$here/libvirtd-debug.conf" \
	"$layer/etc/systemd/system/libvirtd.service.d/vslice-lab-debug.conf"
# A unit the run must boot without (the proof that a check depends on it:
# VSLICE_LIBVIRT_MASK="vslice-mdev-autostart.service" fails
# reboot/mdev-before-libvirtd after the reboot).  Never set by make check.
for u in ${VSLICE_LIBVIRT_MASK:-}; do
	log "masking $u (VSLICE_LIBVIRT_MASK)"
	ln -sfn /dev/null "$layer/etc/systemd/system/$u"
done
# The package scripts rebuilt ld.so.cache, udev's hwdb and the journal's
# catalog already: the first boot need not again (ldconfig alone takes
# some 40 s of it under TCG).  ConditionNeedsUpdate= holds the units to
# these stamps being newer than /usr.
touch "$layer/etc/.updated" "$layer/var/.updated"
echo vslice-lab >"$layer/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 vslice-lab\n' >"$layer/etc/hosts"
printf '/dev/vda / ext4 rw,noatime 0 0\n' >"$layer/etc/fstab"

# --- The root tree: links to the base, the overlay's upper layer and the
# test's layer on top.
t=$SECONDS
cp -al "$base/root" "$root"
# What the overlay removed (a whiteout: a 0:0 character device) or
# replaced as a whole (an opaque directory) goes from the links first.
while IFS= read -r -d '' p; do
	rel=${p#"$upper"/}
	rm -rf "${root:?}/$rel"
	rm -f "$p"
done < <(find "$upper" -type c -print0)
while IFS= read -r -d '' p; do
	rel=${p#"$upper"/}
	rm -rf "${root:?}/$rel"
done < <(python3 -c '
import os, sys
for d, dirs, files in os.walk(sys.argv[1]):
	for n in dirs:
		p = os.path.join(d, n)
		try:
			if os.getxattr(p, "trusted.overlay.opaque", follow_symlinks=False) == b"y":
				sys.stdout.write(p + "\0")
		except OSError:
			pass
' "$upper")
cp -a --remove-destination "$upper/." "$root/"
cp -a --remove-destination "$layer/." "$root/"
# libvirt's default NAT network needs dnsmasq and iptables rules the lab
# does not use; without its autostart link libvirt does not try.
rm -f "$root/etc/libvirt/qemu/networks/autostart/default.xml"
log "root: $(find "$upper" -mindepth 1 | wc -l) paths of the packages, $(find "$layer" -mindepth 1 | wc -l) of the test"

rm -f "$outdir/disk.img.tmp"
mke2fs -q -t ext4 -L vslice-host -E root_owner=0:0 -d "$root" "$outdir/disk.img.tmp" "$SIZE"
mv "$outdir/disk.img.tmp" "$outdir/disk.img"
log "disk.img: $(du -sh --apparent-size "$root" | cut -f1) of files ($((SECONDS - t)) s)"

# --- The initramfs: busybox and the root kernel's modules to reach the disk.
t=$SECONDS
ird=$work/initrd
moddir=$ird/lib/modules/$kver
sysmods=$root/lib/modules/$kver
mkdir -p "$ird"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,newroot} "$moddir"
busybox_root "$ird"
install -m 0755 "$here/host-init.sh" "$ird/init"
printf '%s\n' virtio_blk ext4 >"$ird/etc/host-init.modules"
# virtio_blk, ext4 and what they depend on, decompressed (busybox insmod
# reads plain .ko), as modprobe resolves them from the root's modules.dep.
for m in virtio_blk ext4; do
	modprobe -d "$root" -C /dev/null -S "$kver" --show-depends "$m" >/dev/null ||
		{ log "no module $m in $sysmods"; exit 1; }
done
mapfile -t paths < <(for m in virtio_blk ext4; do
	modprobe -d "$root" -C /dev/null -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | LC_ALL=C sort -u)
for p in "${paths[@]}"; do
	dest=$moddir/${p#"$sysmods"/}
	mkdir -p "$(dirname "$dest")"
	case "$p" in
	*.ko.xz) xz -dc "$p" >"${dest%.xz}" ;;
	*.ko.zst) zstd -q -dc "$p" >"${dest%.zst}" ;;
	*.ko.gz) gzip -dc "$p" >"${dest%.gz}" ;;
	*.ko) cp "$p" "$dest" ;;
	*) log "unexpected module file $p"; exit 1 ;;
	esac
done
cp "$sysmods"/modules.builtin* "$moddir/"
(cd "$moddir" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) >"$moddir/modules.order"
depmod -b "$ird" "$kver"
(cd "$ird" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -n -1 >"$outdir/initrd.cpio.gz"
cp "$root/boot/vmlinuz-$kver" "$outdir/vmlinuz"
echo "$kver" >"$outdir/kernel"
log "initrd.cpio.gz ($((SECONDS - t)) s); $suite image with kernel $kver done in $((SECONDS - t0)) s"
