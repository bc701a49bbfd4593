#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The expensive layer of a libvirt lab host: a Debian root built from
# Debian's packages (debootstrap minbase, then apt-get install of
# tests/libvirt/image-packages-common.txt and image-packages-SUITE.txt from
# SUITE, SUITE-updates and SUITE-security), untouched otherwise.
#
#   mkbase.sh SUITE        SUITE: bookworm (Debian 12) or trixie (Debian 13)
#
# Prints the directory that holds it as the last line of stdout:
#
#   <dir>/root/     the root file system tree (owners, modes, links kept)
#   <dir>/packages  dpkg -l of what is in it
#
# <dir> is $VSLICE_CACHE/libvirt-hosts/base-SUITE-<key> (VSLICE_CACHE
# defaults to /var/cache/vslice), <key> a hash of this script, SUITE and
# the two package lists, so a second run reuses it and changes elsewhere
# (vslice's code, the lab configuration, the tests) never rebuild it:
# tests/libvirt/mkimage.sh links it and installs vslice's packages on top
# each run.  Older base-SUITE-* directories are removed once a new one is
# complete.  (Before there were two hosts the one base was in
# libvirt-host/, which this script leaves alone.)
#
# Needs root (chroot, mounts), debootstrap and the network to Debian's
# archive.  VSLICE_DEBIAN_MIRROR and VSLICE_DEBIAN_SECURITY override the
# archive URLs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
MIRROR=${VSLICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${VSLICE_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

log() { echo "mkbase: $*" >&2; }

(($# == 1)) || { echo "usage: $0 SUITE (bookworm or trixie)" >&2; exit 2; }
SUITE=$1
case $SUITE in
bookworm | trixie) ;;
*) log "unknown suite '$SUITE': the lab hosts are bookworm and trixie"; exit 2 ;;
esac
lists=("$here/image-packages-common.txt" "$here/image-packages-$SUITE.txt")

key=$( { cat "${BASH_SOURCE[0]}" "${lists[@]}"; echo "$SUITE"; } | sha256sum | cut -c1-16)
top=$CACHE/libvirt-hosts
dir=$top/base-$SUITE-$key
mkdir -p "$top"

# Two callers at once: one builds, the other waits and reuses.
exec 9>"$top/.lock-$SUITE"
flock 9
if [[ -e $dir/.done ]]; then
	log "cached: $dir"
	echo "$dir"
	exit 0
fi

((EUID == 0)) || { log "must run as root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { log "debootstrap missing (tests/lab/setup-deps.sh)"; exit 1; }
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "${lists[@]}" | grep -v '^$')

tmp=$top/tmp-$SUITE-$key
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
rm -rf "$tmp"
mkdir -p "$tmp"
start=$SECONDS

# debootstrap fetches a few hundred files; a mirror hiccup is retried.
for attempt in 1 2 3; do
	log "debootstrap --variant=minbase $SUITE (attempt $attempt)"
	if debootstrap --variant=minbase --components=main "$SUITE" "$root" "$MIRROR" \
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
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
# Packages must not start their services in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# The lab host boots tests/libvirt's own initramfs (mkimage.sh), never
# Debian's: the kernel package's update-initramfs (a minute or more of
# a cold build) is diverted to a no-op.
chroot "$root" dpkg-divert --local --rename --divert /usr/sbin/update-initramfs.distrib \
	--add /usr/sbin/update-initramfs >/dev/null
printf '#!/bin/sh\n# tests/libvirt/mkbase.sh: the lab host boots its own initramfs.\nexit 0\n' \
	>"$root/usr/sbin/update-initramfs"
chmod 0755 "$root/usr/sbin/update-initramfs"

for m in proc sys dev dev/pts; do
	mkdir -p "$root/$m"
	case $m in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sysfs "$root/sys" ;;
	*) mount --bind "/$m" "$root/$m" ;;
	esac
	mounted+=("$root/$m")
done

apt_opts=(-q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
for attempt in 1 2 3; do
	log "apt-get install ${packages[*]} (attempt $attempt)"
	if chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		sh -c 'apt-get "$@" update && apt-get "$@" dist-upgrade &&
			apt-get "$@" install --no-install-recommends '"${packages[*]}" \
		sh "${apt_opts[@]}" </dev/null >"$tmp/apt.log" 2>&1; then
		break
	fi
	tail -n 5 "$tmp/apt.log" >&2
	((attempt < 3)) || { log "apt-get failed, see $tmp/apt.log"; exit 1; }
	sleep $((attempt * 10))
done
log "apt-get done after $((SECONDS - start)) s"
chroot "$root" dpkg -l >"$tmp/packages"
chroot "$root" apt-get -q clean
cleanup

rm -f "$root/usr/sbin/policy-rc.d"
# What a booted test host never reads: smaller is faster to copy and to
# turn into a file system each run.
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
	"$root"/usr/share/info/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
: >"$root/etc/machine-id"

touch "$tmp/.done"
rm -rf "$dir"
mv "$tmp" "$dir"
find "$top" -mindepth 1 -maxdepth 1 -name "base-$SUITE-*" ! -name "base-$SUITE-$key" -exec rm -rf {} +
log "built $dir in $((SECONDS - start)) s ($(du -sh "$dir/root" | cut -f1))"
echo "$dir"
