#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Add what tests/guest/t-90-mdevctl.sh needs to a lab image root:
#
#   /usr/bin/mdevctl                  this machine's (Debian's) mdevctl
#   /usr/lib/udev/rules.d/60-mdevctl.rules   its udev rule, as shipped
#   everything "make install" of userspace/mdevctl-plugin installs:
#     /usr/lib/mdevctl/scripts.d/callouts/vslice     the callout
#     /etc/mdevctl.d/scripts.d/callouts/vslice       its link (mdevctl 1.2.0)
#     /etc/mdevctl.d/scripts.d/notifiers, /usr/lib/mdevctl/scripts.d/notifiers
#     /usr/bin/vslicectl
#     /usr/lib/udev/rules.d/60-vslice-mdevctl.rules  vslice's udev rule
#   the shared libraries of mdevctl, the callout and vslicectl
#   /usr/share/misc/pci.ids           for vslicectl's GPU names
#   /opt/mdevctl-trixie/bin/mdevctl   Debian 13's mdevctl (1.4.0), run by
#                                     trixie's own dynamic loader and libc
#                                     in /opt/mdevctl-trixie/lib, so that
#                                     t-90 drives both releases' mdevctl
#
#   image-mdevctl.sh ROOT
#
# Packages: mdevctl and the userspace build's (tests/lab/setup-deps.sh).
# Debian 13's mdevctl comes from the mirror of this machine's own apt
# sources, through a private apt configuration (the machine's sources and
# state are not touched), once: it is kept in
# /var/cache/vslice/mdevctl-trixie/<its Debian version>/.
# VSLICE_TRIXIE_MDEVCTL (default 1.4.0) is the upstream version wanted.
set -euo pipefail

(($# == 1)) || {
	echo "usage: $0 ROOT" >&2
	exit 2
}
root=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/build/userspace

mdevctl=/usr/bin/mdevctl
if [[ ! -x $mdevctl ]]; then
	echo "image-mdevctl: $mdevctl not found; install mdevctl (tests/lab/setup-deps.sh)" >&2
	exit 1
fi

# DESTDIR install, exactly as on a host.
make -C "$repo/userspace/mdevctl-plugin" --no-print-directory -s O="$build" \
	DESTDIR="$root" install >&2

install -D -m 0755 "$mdevctl" "$root$mdevctl"
rule=$(dpkg -L mdevctl 2>/dev/null | grep '/rules.d/60-mdevctl.rules$' | head -n 1 || true)
if [[ -n $rule && -f $rule ]]; then
	install -D -m 0644 "$rule" "$root/usr/lib/udev/rules.d/60-mdevctl.rules"
fi
if [[ -f /usr/share/misc/pci.ids ]]; then
	install -D -m 0644 /usr/share/misc/pci.ids "$root/usr/share/misc/pci.ids"
fi

# The libraries where the dynamic loader looks for them (ldd prints
# "name => path (address)", or "path (address)" for the loader).
while read -r lib; do
	[[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
done < <(ldd "$mdevctl" "$build/vslice-callout" "$build/vslicectl" |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' |
	LC_ALL=C sort -u)

# --- Debian 13's mdevctl ---------------------------------------------------
want=${VSLICE_TRIXIE_MDEVCTL:-1.4.0}
cache=/var/cache/vslice/mdevctl-trixie

# The newest complete cache entry of the wanted upstream version (one,
# normally: a new entry removes the others).
cached() {
	local d
	for d in "$cache/$want"-*/; do
		[[ -f $d.done ]] && echo "${d%/}"
	done | sort -V | tail -n 1 | grep .
}

# The mirror of this machine's Debian sources (deb822 or one-line form).
host_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] || continue
		awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' "$f"
	done | head -n 1 | grep . && return 0
	awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null | grep .
}

fetch_trixie_mdevctl() {
	local mirror tmp ver apt_opts key
	mirror=$(host_mirror) || {
		echo "image-mdevctl: no Debian mirror in this machine's apt sources" >&2
		return 1
	}
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/x"
	echo "deb $mirror trixie main" >"$tmp/sources.list"
	apt_opts=(-q -o "Dir::Etc::sourcelist=$tmp/sources.list"
		-o Dir::Etc::sourceparts=/nonexistent -o "Dir::State::Lists=$tmp/lists"
		-o "Dir::Cache=$tmp/cache" -o Dir::State::status=/dev/null
		-o APT::Sandbox::User=root)
	apt-get "${apt_opts[@]}" update >"$tmp/update.log" 2>&1 || {
		echo "image-mdevctl: apt-get update of trixie from $mirror failed:" >&2
		tail -n 5 "$tmp/update.log" >&2
		return 1
	}
	ver=$(apt-cache "${apt_opts[@]}" show mdevctl 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
	if [[ $ver != "$want"-* ]]; then
		echo "image-mdevctl: trixie has mdevctl '${ver:-none}', not $want" >&2
		return 1
	fi
	key=$ver
	(cd "$tmp" && apt-get "${apt_opts[@]}" download mdevctl libc6 libgcc-s1 >"$tmp/download.log" 2>&1) || {
		echo "image-mdevctl: downloading trixie's mdevctl, libc6, libgcc-s1 failed:" >&2
		tail -n 5 "$tmp/download.log" >&2
		return 1
	}
	local deb
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/x"
	done
	rm -rf "$cache/$key.tmp"
	mkdir -p "$cache/$key.tmp/lib"
	install -m 0755 "$tmp/x/usr/bin/mdevctl" "$cache/$key.tmp/mdevctl"
	local lib
	for lib in ld-linux-x86-64.so.2 libc.so.6 libgcc_s.so.1; do
		install -m 0755 "$tmp/x/usr/lib/x86_64-linux-gnu/$lib" "$cache/$key.tmp/lib/$lib"
	done
	(cd "$tmp" && ls ./*.deb) >"$cache/$key.tmp/DEBS"
	touch "$cache/$key.tmp/.done"
	rm -rf "${cache:?}/$key"
	mv "$cache/$key.tmp" "$cache/$key"
	# Older entries are not used again.
	find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
	echo "image-mdevctl: cached trixie's mdevctl $ver in $cache/$key" >&2
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
dir=$(cached) || {
	fetch_trixie_mdevctl
	dir=$(cached)
}
exec 9>&-
opt=/opt/mdevctl-trixie
install -D -m 0755 "$dir/mdevctl" "$root$opt/libexec/mdevctl"
for lib in "$dir"/lib/*; do
	install -D -m 0755 "$lib" "$root$opt/lib/${lib##*/}"
done
# Trixie's loader with trixie's libraries for mdevctl alone: the
# callouts it runs are ordinary executables and get the image's own
# loader and libc (--library-path is not inherited, unlike
# LD_LIBRARY_PATH).
mkdir -p "$root$opt/bin"
cat >"$root$opt/bin/mdevctl" <<EOS
#!/bin/sh
exec $opt/lib/ld-linux-x86-64.so.2 --library-path $opt/lib $opt/libexec/mdevctl "\$@"
EOS
chmod 0755 "$root$opt/bin/mdevctl"
