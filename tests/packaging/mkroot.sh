#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The cached build root of tests/packaging/mkdebs.sh and stage.sh: a
# debootstrap minbase root of one Debian release with the build
# dependencies of debian/control, lintian, and what the install test
# needs (dkms, the release's 6.12 kernel and headers, mdevctl, openssl
# for dkms's module signing key).
#
#   mkroot.sh SUITE        SUITE = bookworm | trixie
#
# Prints the directory that holds it as the last line of stdout:
#
#   <dir>/root/       the root file system tree
#   <dir>/packages    dpkg -l of what is in it
#   <dir>/kernel      the kernel release of the headers in it
#
# <dir> is $VSLICE_CACHE/deb-build/<suite>-<key> (VSLICE_CACHE defaults
# to /var/cache/vslice), <key> a hash of this script and debian/control's
# Build-Depends, so that the sources, the rest of the packaging and the
# tests never rebuild it.  Nothing writes into it after it is built:
# mkdebs.sh and stage.sh work in overlays of it (lib.sh).  Once a new one
# is complete, only the three newest of the suite are kept: work trees
# on other versions of this script share the cache, and removing every
# other key would make them rebuild each other's in turn.
#
# Needs root and the network to Debian's archive, the mirror of the
# host's own apt sources (VSLICE_DEBIAN_MIRROR and VSLICE_DEBIAN_SECURITY
# override it, as in tests/libvirt/mkbase.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
MIRROR=${VSLICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${VSLICE_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

log() { echo "mkroot: $*" >&2; }

(($# == 1)) || { echo "usage: $0 bookworm|trixie" >&2; exit 2; }
suite=$1
# What the install test needs besides the build dependencies.  Debian 12
# has Linux 6.12 as linux-*-6.12-amd64 (its default kernel is 6.1);
# Debian 13's default kernel is 6.12.
case $suite in
bookworm) kernel_pkgs=(linux-image-6.12-amd64 linux-headers-6.12-amd64) ;;
trixie) kernel_pkgs=(linux-image-amd64 linux-headers-amd64) ;;
*) log "unknown suite \"$suite\" (want bookworm or trixie)"; exit 2 ;;
esac
extra=(build-essential lintian dkms openssl mdevctl kmod "${kernel_pkgs[@]}")

# The Build-Depends field (continuation lines included).
build_deps=$(sed -n '/^Build-Depends:/,/^[^[:space:]]/{/^Build-Depends:/p;/^[[:space:]]/p}' \
	"$repo/debian/control")
[[ -n $build_deps ]] || { log "no Build-Depends in $repo/debian/control"; exit 1; }

key=$({ cat "${BASH_SOURCE[0]}"; echo "$build_deps"; } | sha256sum | cut -c1-16)
top=$CACHE/deb-build
dir=$top/$suite-$key
mkdir -p "$top"

# Two callers at once: one builds, the other waits and reuses.
exec 9>"$top/.lock-$suite"
flock 9
if [[ -e $dir/.done ]]; then
	log "cached: $dir"
	echo "$dir"
	exit 0
fi

((EUID == 0)) || { log "must run as root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { log "debootstrap missing (tests/lab/setup-deps.sh)"; exit 1; }

tmp=$top/tmp-$suite-$key
root=$tmp/root
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
}
trap cleanup EXIT
# A run that was killed may have left its mounts (/dev among them):
# detach them before removing what it left.
{ findmnt -rn -o TARGET | grep -F "$tmp/" || true; } | sort -r | xargs -r -n 1 umount -l
rm -rf "$tmp"
mkdir -p "$tmp"
start=$SECONDS

for attempt in 1 2 3; do
	log "debootstrap --variant=minbase $suite (attempt $attempt)"
	if debootstrap --variant=minbase --components=main "$suite" "$root" "$MIRROR" \
		>"$tmp/debootstrap.log" 2>&1; then
		break
	fi
	tail -n 5 "$tmp/debootstrap.log" >&2
	((attempt < 3)) || { log "debootstrap failed, see $tmp/debootstrap.log"; exit 1; }
	rm -rf "$root"
	sleep $((attempt * 10))
done
log "debootstrap done after $((SECONDS - start)) s"

cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $suite main
deb $MIRROR $suite-updates main
deb $SECURITY $suite-security main
EOF
# Packages must not start services in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# apt build-dep reads the build dependencies from a source directory.
mkdir -p "$root/tmp/vslice-control/debian"
cp "$repo/debian/control" "$root/tmp/vslice-control/debian/control"
# What no build or install test here reads, and what takes the most time
# to make: the kernel's initramfs (the roots never boot) and man-db's
# index.  The diversion stays in the root.
chroot "$root" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >/dev/null
ln -s /bin/true "$root/usr/sbin/update-initramfs"
echo 'man-db man-db/auto-update boolean false' | chroot "$root" debconf-set-selections

for m in proc sys dev dev/pts; do
	case $m in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sysfs "$root/sys" ;;
	*) mount --bind "/$m" "$root/$m" ;;
	esac
	mounted+=("$root/$m")
done

# unsafe-io: no fsync per unpacked file; a root that breaks half-way is
# thrown away anyway.
apt_opts=(-q -y --no-install-recommends -o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-unsafe-io)
for attempt in 1 2 3; do
	log "apt-get build-dep + install ${extra[*]} (attempt $attempt)"
	if chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		sh -c 'apt-get "$@" update && apt-get "$@" dist-upgrade &&
			apt-get "$@" build-dep /tmp/vslice-control &&
			apt-get "$@" install '"${extra[*]}" \
		sh "${apt_opts[@]}" </dev/null >"$tmp/apt.log" 2>&1; then
		break
	fi
	tail -n 5 "$tmp/apt.log" >&2
	((attempt < 3)) || { log "apt-get failed, see $tmp/apt.log"; exit 1; }
	sleep $((attempt * 10))
done
rm -rf "$root/tmp/vslice-control"
chroot "$root" dpkg -l >"$tmp/packages"
chroot "$root" apt-get -q clean
# The newest 6.12 headers in the root: the kernel the install test builds for.
kernel=$(find "$root/usr/src" -maxdepth 1 -name 'linux-headers-6.12.*-amd64' -printf '%f\n' |
	sed 's/^linux-headers-//' | sort -V | tail -n 1)
[[ -n $kernel && -d $root/lib/modules/$kernel/build/include ]] || {
	log "no 6.12 headers in the root"
	exit 1
}
echo "$kernel" >"$tmp/kernel"
cleanup

touch "$tmp/.done"
rm -rf "$dir"
mv "$tmp" "$dir"
find "$top" -mindepth 1 -maxdepth 1 -name "$suite-*" -printf '%T@ %p\n' | sort -rn |
	tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
log "built $dir in $((SECONDS - start)) s ($(du -sh "$dir/root" | cut -f1))"
echo "$dir"
