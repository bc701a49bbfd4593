#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The fuzz stage: build each libFuzzer target in this directory from the
# same pure-logic sources the kernel modules use, run it for a bounded
# time (VSLICE_FUZZ_SECONDS, default 30) with ASan and UBSan, and print
# one result line per target.  Crashes are kept under build/fuzz/.
# Then firmware/check-mkfw.sh: one result line per mkfw case.
#
#   run-fuzz.sh [SECONDS]
#
# Packages: clang-14, libclang-rt-14-dev and zlib1g-dev (the pure
# environment's crc32_le() is zlib's; tests/lab/setup-deps.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-${VSLICE_FUZZ_SECONDS:-30}}
out=$repo/build/fuzz
mkdir -p "$out"

# target: the sources it compiles (space-separated; their directories are
# the include path).
declare -A sources=(
	[fuzz_uuid]="kernel/mdev_core/mdev_uuid.c"
	[fuzz_slice]="kernel/vendor_gpu/slice_alloc.c"
	[fuzz_fw]="kernel/vendor_gpu/vgpu_fw.c"
	[fuzz_edid_region]="kernel/vendor_gpu/vgpu_edid_region.c kernel/vendor_gpu/vgpu_edid.c"
	[fuzz_mig_stream]="kernel/vendor_gpu/vgpu_mig_stream.c kernel/vendor_gpu/vgpu_cfg.c kernel/vendor_gpu/vgpu_regs.c"
)
# Longest input: a UUID and some; a few hundred allocator operations; a
# type table image of 16 types with room for longer headers and entries;
# a maximum resolution and a few hundred region accesses; a migration
# source's description and its stream's mutations (the valid stream is
# built from them, so the input stays small), or a short raw stream.
declare -A max_len=([fuzz_uuid]=64 [fuzz_slice]=300 [fuzz_fw]=4096 [fuzz_edid_region]=2048
	[fuzz_mig_stream]=1024)

# The mdevctl callout's JSON input: the userspace files the callout is
# built from, linked with json-c.
sources[fuzz_callout]="userspace/mdevctl-plugin/callout_json.c userspace/mdevctl-plugin/vattr.c userspace/mdevctl-plugin/typedesc.c userspace/mdevctl-plugin/util.c"
max_len[fuzz_callout]=4096
# Extra compiler and linker flags of a target.
declare -A flags=([fuzz_callout]="-D_GNU_SOURCE $(pkg-config --cflags --libs json-c)")

for target in "${!sources[@]}"; do
	read -ra srcs <<<"${sources[$target]}"
	incs=() files=()
	for src in "${srcs[@]}"; do
		incs+=(-I"$repo/$(dirname "$src")")
		files+=("$repo/$src")
	done
	name=fuzz/$target
	bin=$out/$target
	# shellcheck disable=SC2086 # flags are several words
	if ! clang-14 -g -O1 -std=gnu11 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$repo/tests/fuzz/include" -I"$repo/kernel/include" \
		"${incs[@]}" -o "$bin" "$repo/tests/fuzz/$target.c" "${files[@]}" \
		${flags[$target]:-} -lz >"$out/$target.build.log" 2>&1; then
		echo "VSLICE-RESULT: FAIL $name: build failed, see $out/$target.build.log"
		continue
	fi
	mkdir -p "$out/$target.corpus" "$out/$target.crashes"
	if "$bin" -max_total_time="$secs" -max_len="${max_len[$target]}" -timeout=10 \
		-artifact_prefix="$out/$target.crashes/" "$out/$target.corpus" \
		>"$out/$target.log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$out/$target.log" | grep -o '[0-9]*' || echo '?')
		echo "$name: $runs runs in ${secs}s" >&2
		echo "VSLICE-RESULT: PASS $name"
	else
		echo "VSLICE-RESULT: FAIL $name: crash, see $out/$target.log and $out/$target.crashes/"
	fi
done

# mkfw judges tables with the parser fuzzed above: what it must build and
# what it must refuse (the slice-size limit, the retired keys).
bash "$repo/firmware/check-mkfw.sh" "$out/mkfw" || true
