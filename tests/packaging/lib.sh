# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by tests/packaging/mkdebs.sh and stage.sh: throwaway roots on top
# of a cached build root of tests/packaging/mkroot.sh.  An overlay mount
# (the cached tree is its read-only lower layer, WORK/upper takes every
# write) lets a build or an install change anything and leaves the cache
# as it was; removing WORK discards it.

pkg_mounts=()

# pkg_mount_root BASE WORK: WORK/root is BASE/root with WORK/upper on top,
# with /proc, /sys, /dev and /dev/pts for chroot.
pkg_mount_root() {
	local base=$1 work=$2 m
	mkdir -p "$work/upper" "$work/ovl" "$work/root"
	mount -t overlay overlay \
		-o "lowerdir=$base/root,upperdir=$work/upper,workdir=$work/ovl" "$work/root"
	pkg_mounts+=("$work/root")
	for m in proc sys dev dev/pts; do
		case $m in
		proc) mount -t proc proc "$work/root/proc" ;;
		sys) mount -t sysfs sysfs "$work/root/sys" ;;
		*) mount --bind "/$m" "$work/root/$m" ;;
		esac
		pkg_mounts+=("$work/root/$m")
	done
}

# pkg_umount_all: undo every pkg_mount_root, newest first.
pkg_umount_all() {
	local i
	for ((i = ${#pkg_mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${pkg_mounts[i]}" 2>/dev/null || true
	done
	pkg_mounts=()
}

# pkg_chroot ROOT COMMAND...: COMMAND in ROOT with a clean environment.
pkg_chroot() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}
