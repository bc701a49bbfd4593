#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Count how often the nested guest comes up: one lab VM (run-vm.sh, so
# the same TCG, -cpu and -smp as every lab stage) boots the nested guest
# of tests/lab/mkvmguest.sh N times with the settings of
# tests/lab/vmguest.conf, each boot only until the guest's /init prints
# its first line or its kernel panics (tests/lab/vmguest-boots.sh).  A
# tool for changing those settings, not part of `make check`: a nested
# boot takes 1 to 10 minutes on the 2-core lab machine, depending on
# what else runs there.
#
#   nested-boot-loop.sh [--boots N] [--parallel P] [--timeout S] [--load N]
#                       [--starve RUN_MS/STOP_MS] [--host] [--settings FILE]
#                       [--name NAME]
#
# --parallel P     P guests at a time (default 1, as t-80; 2 keeps both
#                  of the lab VM's vCPUs busy)
# --timeout S      a boot that has not come up after S seconds counts as
#                  timed out (default 600)
# --load N         run N busy loops on this machine meanwhile (a
#                  competing CPU load; default 0), stopped at the end
# --starve R/S     stop each guest's QEMU for S ms after every R ms
#                  (vmguest-boots.sh): a harsher, cheaper stand-in for a
#                  busy host
# --host           boot the guest with this machine's QEMU, one level of
#                  TCG, without a lab VM (with --starve: many boots for
#                  little CPU)
# --settings FILE  boot with FILE instead of tests/lab/vmguest.conf (to
#                  measure other settings against the committed ones)
# --name NAME      logs and image under build/nested-boot-loop/NAME/
#                  (default: default); runs with different names can run
#                  at the same time
#
# Prints one line per boot and the summary (vmguest-boots.sh).  Exit
# status 0 when every boot came up.
set -euo pipefail

boots=30 parallel=1 timeout=600 load=0 starve='' host=0 name=default
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
settings=$repo/tests/lab/vmguest.conf
usage() {
	sed -n 's/^#   \(nested-boot-loop.sh\)/\1/p; s/^#   \( *\[--\)/\1/p' "$0" >&2
	exit 64
}
while (($#)); do
	case "$1" in
	--boots) boots=$2; shift 2 ;;
	--parallel) parallel=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--starve) starve=$2; shift 2 ;;
	--host) host=1; shift ;;
	--settings) settings=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	*) usage ;;
	esac
done
[[ -f $settings ]] || { echo "nested-boot-loop: no $settings" >&2; exit 64; }
[[ -z $starve || $starve =~ ^[0-9]+/[0-9]+$ ]] || usage
settings=$(readlink -f "$settings")

# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
kver=$("$repo/tests/lab/debian-kernel.sh")
out=$repo/build/nested-boot-loop/$name
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
loaders=()
# shellcheck disable=SC2317 # run by the EXIT trap
stop_load() {
	local p
	for p in "${loaders[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap stop_load EXIT

vmg=$out/vmguest
if ((!host)); then
	# The lab VM's image: busybox, this machine's QEMU as mkinitramfs.sh
	# installs it for t-80, the nested guest and the boot loop.
	root=$work/root
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp}
	busybox_root "$root"
	install -m 0755 "$repo/tests/lab/nested-boot-init.sh" "$root/init"
	install -D -m 0755 "$repo/tests/lab/vmguest-boots.sh" "$root/vslice/vmguest-boots.sh"
	vmg=$root/vslice/vmguest
	qemu=/usr/bin/qemu-system-x86_64
	install -D -m 0755 "$qemu" "$root$qemu"
	while read -r lib; do
		install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done < <(ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		LC_ALL=C sort -u)
	install -D -m 0644 /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so \
		"$root/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so"
	mkdir -p "$root/usr/share"
	cp -R /usr/share/qemu /usr/share/seabios "$root/usr/share/"
	find "$root/usr/share/qemu" "$root/usr/share/seabios" -xtype l -delete
fi
"$repo/tests/lab/mkvmguest.sh" "$vmg"
install -m 0644 "$settings" "$vmg/vmguest.conf"
if ((!host)); then
	(cd "$root" && find . -mindepth 1 | cpio --create --format=newc --quiet) |
		gzip -1 >"$out/initramfs.cpio.gz"
fi

for ((i = 0; i < load; i++)); do
	bash -c 'while :; do :; done' &
	loaders+=($!)
done
echo "nested-boot-loop: $boots boots ($parallel at a time, ${starve:+starved $starve ms, }$( ((host)) && echo "on this machine" || echo "in a lab VM")), settings $settings, $load busy loops, $(date -u +%H:%M:%S) UTC"
rc=0
if ((host)); then
	# shellcheck disable=SC2086 # $starve is empty or two numbers
	"$repo/tests/lab/vmguest-boots.sh" "$vmg" "$boots" "$parallel" "$timeout" ${starve/\// } |
		tee "$out/console.log" || rc=$?
else
	rounds=$(((boots + parallel - 1) / parallel))
	"$repo/tests/lab/run-vm.sh" --kernel "/boot/vmlinuz-$kver" --initrd "$out/initramfs.cpio.gz" \
		--mode check --log "$out/console.log" \
		--timeout $((rounds * (timeout + 60) + 300)) \
		--append "nbl.boots=$boots nbl.parallel=$parallel nbl.timeout=$timeout${starve:+ nbl.starve=${starve/\//,}}" \
		>/dev/null 2>"$out/run-vm.log" || rc=$?
	tr -d '\r' <"$out/console.log" | grep -E '^(NESTED-BOOT|vmguest-boots|    )' || true
fi
echo "nested-boot-loop: done $(date -u +%H:%M:%S) UTC, status $rc"
exit "$rc"
