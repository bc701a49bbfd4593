#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fill in the nested guest's settings (tests/lab/vmguest.conf) in a
# libvirt domain template: @VMGUEST_CPU@, @VMGUEST_SMP@, @VMGUEST_MEM@,
# @VMGUEST_APPEND@ and @VMGUEST_QEMU_OPTS@ (a <qemu:commandline> with one
# <qemu:arg> per word, or nothing; the template declares the qemu
# namespace).  tests/libvirt/mkimage.sh installs the domain template this
# way, so that libvirt's domains boot like t-80's guest.
#
#   vmguest-xml.sh TEMPLATE >OUTPUT
set -euo pipefail

(($# == 1)) || {
	echo "usage: $0 TEMPLATE" >&2
	exit 64
}
# shellcheck source=tests/lab/vmguest.conf
. "$(dirname "${BASH_SOURCE[0]}")/vmguest.conf"
# XML-escape what may hold a '&', '<' or '>'; the rest are names and numbers.
esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e "s/'/\&apos;/g" <<<"$1"; }
opts=''
for w in $VMGUEST_QEMU_OPTS; do
	opts+="<qemu:arg value='$(esc "$w")'/>"
done
[[ -z $opts ]] || opts="<qemu:commandline>$opts</qemu:commandline>"
# index/substr rather than gsub: a "&" in a replacement is no special.
awk -v cpu="$VMGUEST_CPU" -v smp="$VMGUEST_SMP" -v mem="$VMGUEST_MEM" \
	-v append="$(esc "$VMGUEST_APPEND")" -v opts="$opts" '
	function rep(s, key, val,   i) {
		while ((i = index(s, key)) > 0)
			s = substr(s, 1, i - 1) val substr(s, i + length(key))
		return s
	}
	{
		$0 = rep($0, "@VMGUEST_CPU@", cpu)
		$0 = rep($0, "@VMGUEST_SMP@", smp)
		$0 = rep($0, "@VMGUEST_MEM@", mem)
		$0 = rep($0, "@VMGUEST_APPEND@", append)
		$0 = rep($0, "@VMGUEST_QEMU_OPTS@", opts)
		if ($0 ~ /@VMGUEST_[A-Z_]+@/) {
			print "vmguest-xml: unknown setting in: " $0 >"/dev/stderr"
			exit 1
		}
		print
	}' "$1"
