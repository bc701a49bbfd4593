#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the nested guest's kernel (tests/lab/mkvmguest.sh) from Debian's
# linux-source-6.12: allnoconfig plus tests/lab/vmguest-kernel.config, so
# that it boots in a fraction of the instructions Debian's generic kernel
# needs under two levels of TCG.  Prints the cache directory as the last
# line of stdout; progress goes to stderr.
#
#   <dir>/bzImage          the kernel to boot
#   <dir>/config           its .config
#   <dir>/kernel.release   its `uname -r`
#   <dir>/modules/         `make modules_install` of its modules (the DRM
#                          stack, bochs-drm): lib/modules/<release>/...
#
# The directory is named by a hash of the source tarball, the config
# fragment's options, this script and the compiler version, so a second run with
# unchanged inputs does nothing; the directories of other keys are
# removed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
FRAGMENT=$here/vmguest-kernel.config
CC=gcc-12

log() { echo "build-vmguest-kernel: $*" >&2; }

for tool in "$CC" make bc flex bison lz4 depmod; do
	command -v "$tool" >/dev/null ||
		{ log "$tool missing (tests/lab/setup-deps.sh installs it)"; exit 1; }
done

src=$("$top/tests/kunit/extract-source.sh" | tail -n 1)
key=$({
	echo "$src"	# names the tarball's checksum
	# The fragment's comments, but for "# CONFIG_... is not set", do not
	# change the kernel: its notes on boot times may be updated alone.
	sed -e '/^#/{/^# CONFIG_/!d}' -e '/^[[:space:]]*$/d' "$FRAGMENT"
	cat "${BASH_SOURCE[0]}"
	"$CC" --version | head -n 1
} | sha256sum | cut -c1-16)
cache=$CACHE/vmguest-kernel
dir=$cache/$key
mkdir -p "$cache"

# Two callers (the lab image and the libvirt image, say) may ask at
# once: one builds, the other waits and reuses.
exec 9>"$cache/.lock"
flock 9
if [[ -e $dir/.done ]]; then
	log "cached: $dir"
	echo "$dir"
	exit 0
fi

tmp=$cache/tmp-$key
build=$tmp/build
rm -rf "$tmp"
mkdir -p "$build"
trap 'rm -rf "$tmp"' EXIT

kmake() {
	make -C "$src" O="$build" CC="$CC" HOSTCC="$CC" "$@"
}

# Fail if Kconfig dropped or changed anything the fragment asks for: an
# unmet dependency makes olddefconfig drop an option without a word, and
# the guest would then lose its serial console or its PCI hotplug.
check_config() {
	local config=$build/.config bad=0 line sym
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$config" ||
				{ log "Kconfig dropped: $line (.config has: $(grep -E "^(# )?${line%%=*}[= ]" "$config" || echo nothing))"; bad=1; }
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$config"; then
				log "Kconfig enabled: $(grep "^$sym=" "$config")"
				bad=1
			fi
			;;
		esac
	done <"$FRAGMENT"
	return $bad
}

start=$SECONDS
log "configuring in $build"
kmake KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >&2
kmake olddefconfig >&2
check_config || { log "$FRAGMENT does not survive Kconfig"; exit 1; }
log "building with -j$(nproc)"
kmake -j"$(nproc)" bzImage modules >&2
kmake INSTALL_MOD_PATH="$tmp/modules" DEPMOD=/sbin/depmod modules_install >&2
release=$(cat "$build/include/config/kernel.release")
[[ -f $tmp/modules/lib/modules/$release/kernel/drivers/gpu/drm/tiny/bochs.ko ]] ||
	{ log "modules_install put no bochs.ko under lib/modules/$release"; exit 1; }
cp "$build/arch/x86/boot/bzImage" "$tmp/bzImage"
cp "$build/.config" "$tmp/config"
echo "$release" >"$tmp/kernel.release"
rm -f "$tmp/modules/lib/modules/$release/build"
# Only the kernel and its modules are kept: the O= tree is 20 times
# their size and nothing builds against it.
rm -rf "$build"
touch "$tmp/.done"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
find "$cache" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name .lock -exec rm -rf {} +
log "built $release in $((SECONDS - start)) s: bzImage $(stat -c %s "$dir/bzImage") bytes"
echo "$dir"
