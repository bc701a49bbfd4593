#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the modules with W=1 (extra compiler warnings) and C=2 (sparse on
# every file) against a kernel build tree, and fail each file any compiler
# or sparse warning names.  modpost findings fail the module they name.
# Usage: build-warnings.sh [--modules GLOB] <repo top> <file>...
# KDIR (optional) picks the kernel; the Makefile's default is Debian's
# headers, which is what users build against.  A .c file that this build
# did not compile (the KUnit suites, against a kernel without
# CONFIG_KUNIT) is a SKIP "not checked", never a PASS.  --modules limits
# the modpost and hot-path results to the modules GLOB matches (a second
# build for the KUnit modules does not judge the others twice).
set -euo pipefail

modules='*'
if [[ ${1:-} == --modules ]]; then
	modules=$2
	shift 2
fi
top=$1
shift

# A fresh output directory every run: a warning in an object left over
# from an earlier build would otherwise never be printed again.
out=$(mktemp -d /tmp/vslice-lint.XXXXXX)
log=$out.log
trap 'rm -rf "$out" "$log"' EXIT

rc=0
make -C "$top" modules OUT="$out" W=1 C=2 ${KDIR:+KDIR="$KDIR"} >"$log" 2>&1 || rc=$?
sed 's/^/  /' "$log" >&2

# file:line[:col]: warning|error: ... (gcc and sparse share the format).
# Paths point into the mirror under $out, or are relative to it.
findings=$(grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error): ' "$log" |
	sed -e "s#^$out/##" -e "s#^$top/##" || true)

if ((rc != 0)); then
	first=$(grep -m1 -E ': error: |ERROR: |\*\*\*' "$log" || tail -n 1 "$log")
	echo "VSLICE-RESULT: FAIL lint/build/modules: make exited $rc: $first"
fi

kdir=${KDIR:-"the Makefile's default KDIR"}
for f in "$@"; do
	mine=$(echo "$findings" | grep -F "$f:" || true)
	if [ -z "$mine" ]; then
		# A file whose build stopped early has not been judged, and
		# one the kernel configuration leaves out was never seen.
		if [[ $f == *.c && ! -f $out/${f%.c}.o ]]; then
			if ((rc != 0)); then
				echo "VSLICE-RESULT: FAIL lint/warnings/$f: not compiled (build failed)"
			else
				echo "VSLICE-RESULT: SKIP lint/warnings/$f: not checked: the build against $kdir does not compile it"
			fi
		else
			echo "VSLICE-RESULT: PASS lint/warnings/$f"
		fi
	else
		n=$(echo "$mine" | sort -u | wc -l)
		first=$(echo "$mine" | head -n 1)
		echo "VSLICE-RESULT: FAIL lint/warnings/$f: $n warnings, first: ${first#"$f":}"
	fi
done

# Warnings in files outside kernel/ (kernel headers) are not ours to fix,
# but say so instead of dropping them silently.
others=$(echo "$findings" | grep -v '^kernel/' | grep -c . || true)
((others == 0)) || echo "build-warnings: $others warnings outside kernel/ ignored (see log above)" >&2

# modpost: "WARNING: modpost: ... in <path>/<module>.o" and the like.
for ko in $(find "$out" -name '*.ko' | sort); do
	m=$(basename "$ko" .ko)
	# shellcheck disable=SC2053 # $modules is a glob
	[[ $m == $modules ]] || continue
	mp=$(grep -E '^(WARNING|ERROR): modpost: ' "$log" | grep -E "[/ []$m(\.o|\.ko)?([] :]|$)" || true)
	if [ -z "$mp" ]; then
		echo "VSLICE-RESULT: PASS lint/modpost/$m"
	else
		echo "VSLICE-RESULT: FAIL lint/modpost/$m: $(echo "$mp" | head -n 1)"
	fi
done

# The trapped-access path's section (kernel/vendor_gpu/vgpu_mdev.c,
# __vgpu_hot) must stay page-aligned and within one page, or the page
# straddle it exists to prevent can come back unnoticed.
ko=$(find "$out" -name vslice_gpu.ko | head -n 1)
# shellcheck disable=SC2053 # $modules is a glob
if [[ -n $ko && vslice_gpu == $modules ]]; then
	# [Nr] Name Type Address Off Size ES Flg Lk Inf Al
	hot=$(readelf -SW "$ko" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".text.vslice_hot" { print $5, $NF }')
	read -r size align <<<"${hot:-x 0}"
	if [[ -z $hot ]]; then
		echo "VSLICE-RESULT: FAIL lint/hot-path/vslice_gpu: no .text.vslice_hot section"
	elif ((align != 4096 || 16#$size > 4096)); then
		echo "VSLICE-RESULT: FAIL lint/hot-path/vslice_gpu: .text.vslice_hot is $((16#$size)) bytes aligned to $align; want at most 4096 aligned to 4096"
	else
		echo "VSLICE-RESULT: PASS lint/hot-path/vslice_gpu"
	fi
fi
exit 0
