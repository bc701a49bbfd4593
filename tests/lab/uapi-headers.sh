#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print an include directory holding the Linux 6.12 uAPI headers, built
# once from linux-source-6.12 (`make headers`) into the vslice cache.
#
# The lab clients need 6.12's <linux/vfio.h> and <linux/iommufd.h> (the
# VFIO cdev and iommufd ioctls); the host's libc headers are Debian 12's
# 6.1 ones.  Newer uAPI headers are a superset, so every lab client builds
# against these whatever kernel it runs on.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}

src=$("$repo/tests/kunit/extract-source.sh" | tail -n 1)
# The source tree's directory is named by the tarball's checksum.
dir=$CACHE/uapi/$(basename "$(dirname "$src")")
if [[ ! -e $dir/.done ]]; then
	echo "uapi-headers: building the uAPI headers of $src" >&2
	mkdir -p "$CACHE/uapi"
	tmp=$(mktemp -d "$CACHE/uapi/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	make -s -C "$src" O="$tmp/o" ARCH=x86 headers >&2
	mv "$tmp/o/usr/include" "$tmp/include"
	rm -rf "$tmp/o"
	touch "$tmp/.done"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
fi
echo "$dir/include"
