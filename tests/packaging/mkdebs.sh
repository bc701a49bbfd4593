#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build vslice's Debian packages from this tree, for one Debian release,
# in a root of that release:
#
#   mkdebs.sh SUITE OUTDIR        SUITE = bookworm (Debian 12) | trixie (Debian 13)
#
# Prints the absolute paths of the built .deb files on stdout, one a line
# (sorted: vslice-dkms, vslice-firmware, vslice-tools), nothing else;
# progress on stderr.  OUTDIR then holds:
#
#   vslice-dkms_<ver>_all.deb  vslice-firmware_<ver>_all.deb
#   vslice-tools_<ver>_<arch>.deb
#   vslice_<ver>_<arch>.changes, .buildinfo
#   build.log       dpkg-buildpackage's output
#   lintian.txt     the release's lintian on the .changes (-I
#                   --show-overrides: E/W/I lines, O for overridden ones)
#   lintian.status  lintian's exit status (0 no errors, 1 errors, 2 it
#                   could not check)
#
# Earlier vslice*.deb, .changes and .buildinfo files in OUTDIR are removed
# first, so OUTDIR/*.deb is this build's.  The packages are what the
# tree's debian/ makes with `dpkg-buildpackage -us -uc -b`; lintian's
# findings do not fail this script (tests/packaging/stage.sh judges them).
# Exit status: 0 when the packages were built, 1 when not (the end of
# build.log on stderr), 2 for bad arguments.
#
# The build runs in an overlay of the cached root of mkroot.sh (Debian's
# packages of SUITE: the build dependencies, lintian), so each run starts
# from the same root and the cache is never written.  The sources are the
# files of the tree that the package build reads (debian/, the Makefiles,
# kernel/, firmware/, userspace/, packaging/, the headers mkfw borrows
# from tests/fuzz/), as git lists them (tracked and untracked-not-ignored,
# as they are in the work tree; never build/).  Needs root.
#
# The result is cached in $VSLICE_CACHE/deb-build/debs-<suite>-<key>, <key>
# a hash of those sources (contents and modes), the build root and this
# script: the CI's second caller (the libvirt stage after the packaging
# stage, or the other way round) copies it instead of building again.
#
# VSLICE_DEB_VERSION=<version> builds them as that version instead (a new
# debian/changelog entry in the copy): stage.sh's upgrade test.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
# shellcheck source=tests/packaging/lib.sh
. "$here/lib.sh"

log() { echo "mkdebs: $*" >&2; }

(($# == 2)) || { echo "usage: $0 bookworm|trixie OUTDIR" >&2; exit 2; }
suite=$1
outdir=$2
case $suite in
bookworm | trixie) ;;
*) log "unknown suite \"$suite\" (want bookworm or trixie)"; exit 2 ;;
esac
((EUID == 0)) || { log "must run as root (chroot, mount)"; exit 1; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
t0=$SECONDS

base=$("$here/mkroot.sh" "$suite" | tail -n 1)
log "build root $base ($((SECONDS - t0)) s)"

work=$(mktemp -d "$CACHE/deb-build/run.XXXXXX")
cleanup() {
	pkg_umount_all
	rm -rf "$work"
}
trap cleanup EXIT

# The tree as git lists it, without build/ and without files deleted in
# the work tree, as one reproducible tar stream.  Only what the build
# reads: a change to the tests does not rebuild the packages.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard --deduplicate -- \
	Makefile Kbuild debian kernel firmware userspace packaging tests/fuzz/include) |
	while IFS= read -r -d '' f; do
		[[ $f == build/* ]] && continue
		[[ -e $repo/$f || -L $repo/$f ]] && printf '%s\0' "$f"
	done | tar -C "$repo" --null -T - --sort=name --mtime=@0 --owner=0 --group=0 \
	--numeric-owner -cf "$work/tree.tar"

key=$({
	sha256sum <"$work/tree.tar"
	echo "$base ${VSLICE_DEB_VERSION:-}"
	cat "${BASH_SOURCE[0]}" "$here/lib.sh"
} | sha256sum | cut -c1-16)
cached=$CACHE/deb-build/debs-$suite-$key
publish() {
	rm -f "$outdir"/vslice*.deb "$outdir"/vslice*.changes "$outdir"/vslice*.buildinfo
	cp "$cached"/vslice* "$cached/build.log" "$cached/lintian.txt" "$cached/lintian.status" \
		"$outdir/"
	log "done in $((SECONDS - t0)) s"
	find "$outdir" -maxdepth 1 -name 'vslice*.deb' | sort
}
exec 8>"$CACHE/deb-build/.lock-debs-$suite"
flock 8
if [[ -e $cached/.done ]]; then
	log "cached: $cached"
	publish
	exit 0
fi

pkg_mount_root "$base" "$work"
root=$work/root
src=$root/build/vslice
mkdir -p "$src"
# Extracted with the time of now (the stream has none): dpkg-deb then
# clamps every file to the changelog's date.
tar -C "$src" -m -xf "$work/tree.tar"

if [[ -n ${VSLICE_DEB_VERSION:-} ]]; then
	{
		printf 'vslice (%s) unstable; urgency=medium\n\n' "$VSLICE_DEB_VERSION"
		printf '  * Rebuilt as %s for the upgrade test.\n\n' "$VSLICE_DEB_VERSION"
		printf ' -- %s  %s\n\n' \
			"$(sed -n 's/^ -- \(.*>\)  .*/\1/p' "$src/debian/changelog" | head -n 1)" \
			"$(date -R)"
		cat "$src/debian/changelog"
	} >"$src/debian/changelog.new"
	mv "$src/debian/changelog.new" "$src/debian/changelog"
	log "version $VSLICE_DEB_VERSION"
fi

t=$SECONDS
log "dpkg-buildpackage -us -uc -b ($suite)"
# No -dbgsym package: the three packages are what admins install.
if ! pkg_chroot "$root" sh -c 'cd /build/vslice && DEB_BUILD_OPTIONS=noautodbgsym dpkg-buildpackage -us -uc -b' \
	>"$work/build.log" 2>&1; then
	rm -f "$outdir"/vslice*.deb "$outdir"/vslice*.changes "$outdir"/vslice*.buildinfo
	cp "$work/build.log" "$outdir/build.log"
	tail -n 30 "$work/build.log" >&2
	log "dpkg-buildpackage failed ($suite); see $outdir/build.log"
	exit 1
fi
log "built in $((SECONDS - t)) s"

t=$SECONDS
# lintian's exit status says whether it found errors: stage.sh reads the
# output instead.
status=0
pkg_chroot "$root" sh -c 'lintian --allow-root -I --show-overrides /build/vslice_*.changes' \
	>"$work/lintian.txt" 2>&1 || status=$?
echo "$status" >"$work/lintian.status"
log "lintian in $((SECONDS - t)) s: exit $status, $(grep -c '^[EW]: ' "$work/lintian.txt" || true) error/warning tag(s)"

rm -rf "$cached.tmp"
mkdir -p "$cached.tmp"
cp "$root"/build/vslice*.deb "$root"/build/vslice*.changes "$root"/build/vslice*.buildinfo \
	"$work/build.log" "$work/lintian.txt" "$work/lintian.status" "$cached.tmp/"
touch "$cached.tmp/.done"
mv "$cached.tmp" "$cached"
# Keep the newest few: the stage's second version and another tree's.
find "$CACHE/deb-build" -mindepth 1 -maxdepth 1 -name "debs-$suite-*" ! -name '*.tmp' \
	-printf '%T@ %p\n' | sort -rn | tail -n +5 | cut -d' ' -f2- | xargs -r rm -rf
publish
