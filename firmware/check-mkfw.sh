#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What mkfw must build and what it must refuse, one result line each
# (tests/README.md):
#
#   VSLICE-RESULT: PASS|FAIL fuzz/mkfw/<case>
#
# The fuzz stage runs it after the fuzz targets: mkfw judges tables with
# the parser they fuzz (kernel/vendor_gpu/vgpu_fw.c).  Exits 1 if a case
# failed.
#
#   check-mkfw.sh [OUTDIR]      (default build/firmware-check)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$top/build/firmware-check}
rm -rf "$out"
mkdir -p "$out/src"
rc=0

pass() { echo "VSLICE-RESULT: PASS fuzz/mkfw/$1"; }
fail() { echo "VSLICE-RESULT: FAIL fuzz/mkfw/$1: $2"; rc=1; }

if ! make -s -C "$top/firmware" FW_OUT="$out" >"$out/build.log" 2>&1; then
	fail build "make -C firmware failed; see $out/build.log"
	exit 1
fi
mkfw=$out/mkfw

# A table for a 4096 MiB GPU whose second type has SLICE MiB, then
# extra lines (KEY = VALUE) in that type's section.
table() { # SLICE [LINE...]
	local slice=$1
	shift
	printf '%s\n' '[gpu]' 'vendor = 0x1234' 'device = 0x1111' 'vram_mib = 4096' \
		'revision = 1' '' '[type s16]' 'name = vslice S16' 'vram_mib = 16' \
		'max_instances = 4' 'max_width = 1280' 'max_height = 1024' \
		'pci_class = 0x030000' '' "[type big]" "name = vslice big" \
		"vram_mib = $slice" 'max_instances = 1' 'max_width = 1920' \
		'max_height = 1200' 'pci_class = 0x030000' "$@"
}

# build CASE SOURCE-TEXT: mkfw must write the image.
build() {
	local name=$1 src=$out/src/$1.table img=$out/$1/gpu-1234-1111-4096m.fw
	printf '%s\n' "$2" >"$src"
	mkdir -p "$out/$1"
	if "$mkfw" "$src" "$img" >"$out/$1.log" 2>&1 && [[ -s $img ]]; then
		pass "$name"
	else
		fail "$name" "mkfw refused it: $(tail -n 1 "$out/$1.log")"
	fi
}

# refuse CASE SOURCE-TEXT EXPECTED: mkfw must fail, say EXPECTED, write nothing.
refuse() {
	local name=$1 src=$out/src/$1.table img=$out/$1/gpu-1234-1111-4096m.fw
	printf '%s\n' "$2" >"$src"
	mkdir -p "$out/$1"
	if "$mkfw" "$src" "$img" >"$out/$1.log" 2>&1; then
		fail "$name" "mkfw built it"
	elif [[ -e $img || -e $img.tmp ]]; then
		fail "$name" "mkfw failed but left $img"
	elif ! grep -qF -- "$3" "$out/$1.log"; then
		fail "$name" "mkfw did not say \"$3\": $(tail -n 1 "$out/$1.log")"
	else
		pass "$name"
	fi
}

# The largest slice that BAR0 and VIDEO_MEMORY_64K describe, and the next.
build largest-slice-2048 "$(table 2048)"
refuse slice-4096-refused "$(table 4096)" \
	"src/slice-4096-refused.table:15: the driver would refuse this table: type 1 (big): vram_mib 4096 exceeds the 2048 MiB that a 32-bit BAR0 and VIDEO_MEMORY_64K can describe"
# Keys that format 1.1 retired.
for key in heads weight fps_cap; do
	refuse "retired-$key-refused" "$(table 64 "$key = 1")" \
		"src/retired-$key-refused.table:22: \"$key\" in [type big]: format 1.1 retired it"
done

# The lab images: format 1.1, retired fields filled for format 1.0
# drivers (heads 1, weight 100, fps_cap 60: in their ranges).
for img in "$out"/vslice/*.fw; do
	name=image-$(basename "$img" .fw)
	bad=$(python3 - "$img" <<-'EOF'
		import struct, sys
		b = open(sys.argv[1], "rb").read()
		major, minor, hsz, esz, n = struct.unpack_from("<HHHHI", b, 4)
		errs = []
		if (major, minor) != (1, 1):
		    errs.append("format %d.%d" % (major, minor))
		for i in range(n):
		    f = struct.unpack_from("<III", b, hsz + i * esz + 0x50)
		    if f != (1, 100, 60):
		        errs.append("type %d retired fields %s" % (i, f))
		print("; ".join(errs))
	EOF
	)
	if [[ -z $bad ]]; then
		pass "$name"
	else
		fail "$name" "$bad"
	fi
done
exit $rc
