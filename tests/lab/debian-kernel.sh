#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the release of the newest Debian 6.12 kernel installed with its
# image and headers (the lab's host kernel), or say what is missing and
# exit 1.  The Makefile's KVER default picks the same one.
set -euo pipefail

kver=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' |
	grep -E '^6\.12\.[0-9]+.*-amd64$' | sort -V | tail -n 1 || true)
if [[ -z $kver || ! -f /boot/vmlinuz-$kver || ! -d /lib/modules/$kver/build ]]; then
	echo "no Debian 6.12 kernel with headers installed; run tests/lab/setup-deps.sh" >&2
	exit 1
fi
echo "$kver"
