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
#
#   image-mdevctl.sh ROOT
#
# Packages: mdevctl and the userspace build's (tests/lab/setup-deps.sh).
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
