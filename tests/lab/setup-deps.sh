#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian 12 package that building vslice, the lab VMs and
# the tests need.  Idempotent: when everything is already installed it
# only runs dpkg-query and returns, so `make check` can call it each time.
#
# Runs unattended (CI has no TTY and no stdin); must run as root unless
# nothing is missing.
set -euo pipefail

packages=(
	# Out-of-tree module builds against Debian's 6.12 kernel, and the
	# kernel itself, booted in the lab.
	linux-image-6.12-amd64
	linux-headers-6.12-amd64
	gcc make libc6-dev
	# The test kernel is built from Debian's source with these.
	linux-source-6.12
	bc flex bison libelf-dev libssl-dev dwarves python3 perl xz-utils zstd
	# The nested guest's kernel (build-vmguest-kernel.sh) is LZ4-compressed.
	lz4
	# The sanitizer test kernel and the modules under test use clang
	# (gcc 12's KASAN misses memcpy/memset with run-time lengths).
	clang-16 llvm-16 lld-16
	# Lint: checkpatch and kernel-doc come with linux-source; sparse
	# for C=2; shellcheck for the test scripts.
	sparse shellcheck
	# libFuzzer targets of the pure-logic files (clang 14 ships the
	# fuzzer runtime in Debian 12); their userspace builds, and mkfw's,
	# take the CRC-32 from zlib.
	clang-14 libclang-rt-14-dev zlib1g-dev
	# The lab: TCG VMs booting a busybox initramfs that holds
	# decompressed, depmod'ed modules and static test binaries.
	qemu-system-x86 qemu-utils busybox-static cpio kmod gzip
	# The mdevctl callout and vslicectl (userspace/mdevctl-plugin): JSON,
	# PCI names, libvirt domain XML, libvirt's headers (the library is
	# dlopen'ed; its test driver serves the unit tests), cmocka.  Debian's
	# mdevctl goes into the lab image for t-90-mdevctl.
	pkg-config libjson-c-dev libpci-dev pci.ids libxml2-dev libvirt-dev libvirt0
	libcmocka-dev mdevctl
	# t-74-display checks each type's EDID with edid-decode in the lab image.
	edid-decode
	# `make bench` plots its results (tests/bench/report.py).
	python3-matplotlib
	# The libvirt stage's lab host (tests/libvirt/mkbase.sh): a Debian 12
	# root from Debian's archive, written into an ext4 image with
	# mke2fs -d (no loop device, no mount).
	debootstrap e2fsprogs binutils
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == "ii "* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

echo "setup-deps: installing ${missing[*]}" >&2
if ((EUID != 0)); then
	echo "setup-deps: missing packages and not root; run as root: $0" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg run instead of failing on its lock.
apt_opts=(-q -y -o DPkg::Lock::Timeout=900
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# Mirrors fail transiently now and then; a retry is cheaper than a red CI.
for attempt in 1 2 3; do
	if apt-get "${apt_opts[@]}" update &&
		apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" </dev/null; then
		exit 0
	fi
	echo "setup-deps: apt-get failed (attempt $attempt), retrying" >&2
	sleep $((attempt * 10))
done
echo "setup-deps: could not install ${missing[*]}" >&2
exit 1
