#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Count how often the nested guest comes up: one lab VM (run-vm.sh, so
# the same TCG, -cpu and -smp as every lab stage) boots the nested guest
# of tests/lab/mkvmguest.sh N times in a row with the settings of
# tests/lab/vmguest.conf, each boot only until the guest's /init prints
# its first line or its kernel panics (tests/lab/nested-boot-init.sh).
# A tool for changing those settings, not part of `make check`: 30
# boots take 30 to 90 minutes on the 2-core lab machine.
#
#   nested-boot-loop.sh [--boots N] [--parallel P] [--load N] [--settings FILE] [--name NAME]
#
# --parallel P     P nested guests at a time in the lab VM (default 1, as
#                  t-80; 2 keeps both of its vCPUs busy)
# --settings FILE  boot with FILE instead of tests/lab/vmguest.conf (to
#                  measure other settings against the committed ones)
# --load N         run N busy loops on this machine meanwhile (a
#                  competing CPU load; default 0), stopped at the end
# --name NAME      logs and image under build/nested-boot-loop/NAME/
#                  (default: default); runs with different names can
#                  run at the same time
#
# Prints one line per boot and the summary (see nested-boot-init.sh);
# the lab VM's console is build/nested-boot-loop/NAME/console.log.
# Exit status 0 when every boot came up.
set -euo pipefail

boots=30 parallel=1 load=0 name=default
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
settings=$repo/tests/lab/vmguest.conf
while (($#)); do
	case "$1" in
	--boots) boots=$2; shift 2 ;;
	--parallel) parallel=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--settings) settings=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	*) echo "usage: $0 [--boots N] [--parallel P] [--load N] [--settings FILE] [--name NAME]" >&2; exit 64 ;;
	esac
done
[[ -f $settings ]] || { echo "nested-boot-loop: no $settings" >&2; exit 64; }
settings=$(readlink -f "$settings")

# shellcheck source=tests/lab/image-lib.sh
. "$repo/tests/lab/image-lib.sh"
kver=$("$repo/tests/lab/debian-kernel.sh")
out=$repo/build/nested-boot-loop/$name
mkdir -p "$out"
work=$(mktemp -d)
loaders=()
cleanup() {
	local p
	for p in "${loaders[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

# The lab VM's image: busybox, this machine's QEMU as mkinitramfs.sh
# installs it for t-80, the nested guest with the settings under test.
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp}
busybox_root "$root"
install -m 0755 "$repo/tests/lab/nested-boot-init.sh" "$root/init"
"$repo/tests/lab/mkvmguest.sh" "$root/vslice/vmguest" "$kver"
install -m 0644 "$settings" "$root/vslice/vmguest/vmguest.conf"
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
(cd "$root" && find . -mindepth 1 | cpio --create --format=newc --quiet) | gzip -1 >"$out/initramfs.cpio.gz"

for ((i = 0; i < load; i++)); do
	bash -c 'while :; do :; done' &
	loaders+=($!)
done
echo "nested-boot-loop: $boots boots ($parallel at a time), settings $settings, $load busy loops (pids ${loaders[*]:-none}), $(date -u +%H:%M:%S) UTC"
rc=0
"$repo/tests/lab/run-vm.sh" --kernel "/boot/vmlinuz-$kver" --initrd "$out/initramfs.cpio.gz" \
	--mode check --log "$out/console.log" --timeout $((boots * 900 + 300)) \
	--append "nbl.boots=$boots nbl.parallel=$parallel" >/dev/null 2>"$out/run-vm.log" || rc=$?
tr -d '\r' <"$out/console.log" | grep -E '^(NESTED-BOOT|nested-boot-loop|    )' || true
echo "nested-boot-loop: done $(date -u +%H:%M:%S) UTC, run-vm.sh status $rc"
exit "$rc"
