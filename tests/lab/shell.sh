#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make lab-shell`: boot the lab (Debian's 6.12 kernel, both GPUs, the
# vslice modules and test tools in the initramfs) and give a root shell
# on the serial console.  Nothing is loaded: try the README's commands.
# Leave with "poweroff -f" (or Ctrl-A X).  Commands can also be piped in.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kver=$("$repo/tests/lab/debian-kernel.sh")
kdir=/lib/modules/$kver/build
krel=$(cat "$kdir/include/config/kernel.release")
out=$repo/build/$krel
image=$repo/build/images/shell/initramfs.cpio.gz

make -C "$repo" --no-print-directory modules KDIR="$kdir" OUT="$out" >/dev/null
"$repo/tests/lab/mkinitramfs.sh" "$krel" "$out" "$image" --distro-modules >/dev/null
echo "lab-shell: booting the lab; GPUs at 0000:00:04.0 (256 MiB) and 0000:00:05.0 (128 MiB)" >&2
exec "$repo/tests/lab/run-vm.sh" --kernel "/boot/vmlinuz-$kver" --initrd "$image" \
	--mode shell --kmsg-on-console --log "$repo/build/logs/shell/console.log" \
	--kernel-log "$repo/build/logs/shell/kernel.log"
