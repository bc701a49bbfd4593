#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Extract Debian's linux-source-6.12 tarball once into the vslice cache and
# print the path of the source tree (last line of stdout).
#
# The test kernel build and the lint stage (checkpatch.pl, kernel-doc) both
# need the full source tree; the headers package ships neither script.  The
# cache directory is named by the tarball's checksum so a new Debian upload
# gets a fresh tree and an old one is never half-updated in place.
set -euo pipefail

TARBALL=${VSLICE_LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
CACHE=${VSLICE_CACHE:-/var/cache/vslice}

[ -r "$TARBALL" ] || { echo "extract-source: $TARBALL missing (apt-get install linux-source-6.12)" >&2; exit 1; }

# Checksumming 150 MB costs ~1 s; cheap next to trusting an mtime.
sum=$(sha256sum "$TARBALL" | cut -c1-16)
dir=$CACHE/src/$sum
tree=$dir/$(basename "$TARBALL" .tar.xz)

if [ ! -e "$dir/.extracted" ]; then
	echo "extract-source: extracting $TARBALL into $dir" >&2
	# Extract into a temporary sibling and rename, so an interrupted run
	# never leaves a tree that looks complete.
	mkdir -p "$CACHE/src"
	tmp=$(mktemp -d "$CACHE/src/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$TARBALL" -C "$tmp"
	touch "$tmp/.extracted"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
fi
echo "$tree"
