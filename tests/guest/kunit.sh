#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# In-guest KUnit runner (busybox sh) for the test kernel.
#
# Loads every extra/*_test.ko of the running kernel, one at a time.  KUnit
# runs a module's suites synchronously while it loads, so once the load
# returns, /sys/kernel/debug/kunit/<suite>/results holds the full KTAP log
# of each suite the module registered.  The suites of a module are the
# debugfs directories that appeared during its load.  Results must be
# read before the module is unloaded: its debugfs entries go with it.
#
# Prints one protocol line per test case, or per parameter of a
# parameterised case (kunit/<suite>/<case>/<param>).  The load's exit
# status says nothing about the tests (a module whose tests fail still
# loads), so only the KTAP logs count.  Exits 0 whenever it ran; a kernel
# with KUnit but no test module is a FAIL.
set -eu

kver=$(uname -r)
moddir=/lib/modules/$kver
kunitfs=/sys/kernel/debug/kunit

result() {
	echo "VSLICE-RESULT: $*"
}

# Module names that are currently loaded, newest first (as lsmod lists).
loaded_modules() {
	cut -d' ' -f1 /proc/modules
}

suites_now() {
	# Suite names are C identifiers: ls is safe here.
	# shellcheck disable=SC2012
	ls -1 "$kunitfs" 2>/dev/null | sort
}

# KTAP of one suite (debugfs layout: suite header at 4 spaces, cases at 4,
# parameters at 8, suite result at 0) -> protocol lines.  Diagnostic
# lines that precede a result line are that result's failure reason.
parse_results() {
	awk -v suite="$1" '
	function clean(s) {
		gsub(/[^A-Za-z0-9_.,=+-]/, "_", s)
		return s
	}
	function indent(s) {
		match(s, /^ */)
		return RLENGTH
	}
	# "not ok 3 name # SKIP why" -> fields in R_STATUS, R_NAME, R_WHY
	function split_result(s,    rest, i) {
		sub(/^ */, "", s)
		if (s ~ /^not ok /) { R_STATUS = "FAIL"; rest = substr(s, 8) }
		else { R_STATUS = "PASS"; rest = substr(s, 4) }
		sub(/^[0-9]+ ?/, "", rest)
		R_WHY = ""
		i = index(rest, " # SKIP")
		if (i > 0) {
			R_WHY = substr(rest, i + 7)
			sub(/^ */, "", R_WHY)
			rest = substr(rest, 1, i - 1)
			if (R_STATUS == "PASS")
				R_STATUS = "SKIP"
		}
		R_NAME = rest
	}
	function emit(status, name, why) {
		if (status == "PASS")
			printf "VSLICE-RESULT: PASS kunit/%s/%s\n", suite, name
		else {
			if (why == "")
				why = (status == "SKIP") ? "skipped" : "failed (no diagnostics)"
			printf "VSLICE-RESULT: %s kunit/%s/%s: %s\n", status, suite, name, why
		}
	}
	function note(s) {
		# kunit_err(suite, ...) lines read "# <suite>:     # why".
		sub(/^[^ ]+: +# /, "", s)
		if (length(diag) < 300)
			diag = (diag == "") ? s : diag " | " s
	}
	BEGIN { plan = -1; ncases = 0; nparams = 0; pfail = 0; pcase = ""; diag = ""; suite_status = "" }
	{
		line = $0
		ind = indent(line)
		body = substr(line, ind + 1)
		if (body == "" || body ~ /^KTAP version/)
			next
		# A parameterised case opens a nested block named after it.
		if (body ~ /^# Subtest: /) {
			if (ind >= 8)
				pcase = clean(substr(body, 12))
			next
		}
		if (body ~ /^1\.\.[0-9]+$/) {
			if (ind == 4)
				plan = substr(body, 4) + 0
			next
		}
		# Per-case and per-suite totals, and test attributes.
		if (body ~ /^# [^ ]*: pass:[0-9]+ fail:/ || body ~ /^# Totals:/ ||
		    body ~ /^# [^ ]*\.[a-z_]+: /)
			next
		if (body ~ /^(not )?ok [0-9]+/) {
			split_result(body)
			if (ind >= 8) {
				emit(R_STATUS, pcase "/" clean(R_NAME),
				     R_STATUS == "SKIP" ? R_WHY : diag)
				nparams++
				if (R_STATUS == "FAIL")
					pfail++
			} else if (ind >= 4) {
				ncases++
				# A parameterised case is reported through its
				# parameters; only a failure none of them shows
				# is reported for the case itself.
				if (nparams == 0 || (R_STATUS == "FAIL" && pfail == 0))
					emit(R_STATUS, clean(R_NAME),
					     R_STATUS == "SKIP" ? R_WHY : diag)
				nparams = 0
				pfail = 0
				pcase = ""
			} else {
				suite_status = R_STATUS
				suite_diag = diag
			}
			diag = ""
			next
		}
		sub(/^# /, "", body)
		note(body)
	}
	END {
		if (ncases == 0)
			emit("FAIL", "suite", suite_diag != "" ? suite_diag : "no test results")
		else if (plan >= 0 && ncases < plan)
			emit("FAIL", "suite", "only " ncases " of " plan " test cases reported")
		else if (suite_status == "")
			emit("FAIL", "suite", "no suite result line")
	}
	'
}

# Load one test module, with its dependencies when depmod knows it.
load_module() {
	name=$1 path=$2
	if grep -q "/$name\.ko:" "$moddir/modules.dep" 2>/dev/null; then
		modprobe "$name" 2>&1
	else
		insmod "$path" 2>&1
	fi
}

# Unload the test module and whatever its load pulled in, newest first, so
# the next module starts from the same state.
unload_new_modules() {
	before=$1
	for m in $(loaded_modules); do
		echo "$before" | grep -qxF "$m" && continue
		err=$(rmmod "$m" 2>&1) || result "FAIL kunit/$2/rmmod: rmmod $m: $err"
	done
}

run_module() {
	path=$1
	name=$(basename "$path" .ko)
	mods_before=$(loaded_modules)
	suites_before=$(suites_now)

	if ! err=$(load_module "$name" "$path"); then
		result "FAIL kunit/$name/load: $(echo "$err" | tr '\n' ' ')"
		unload_new_modules "$mods_before" "$name"
		return 0
	fi

	new_suites=$(suites_now | grep -vxF "$suites_before" || true)
	[ -n "$suites_before" ] || new_suites=$(suites_now)
	if [ -z "$new_suites" ]; then
		result "FAIL kunit/$name/load: module registered no KUnit suite"
	fi
	for s in $new_suites; do
		if [ -r "$kunitfs/$s/results" ]; then
			parse_results "$s" <"$kunitfs/$s/results"
		else
			result "FAIL kunit/$s/suite: no results file"
		fi
	done
	unload_new_modules "$mods_before" "$name"
}

[ -d "$kunitfs" ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
tests=$(ls -1 "$moddir"/extra/*_test.ko 2>/dev/null || true)
# vslice's Kbuild builds the test modules against every kernel with
# CONFIG_KUNIT (whose core shows up as /sys/module/kunit or its debugfs
# directory): such a kernel without them lost its tests somewhere.
if [ -z "$tests" ]; then
	if [ -d /sys/module/kunit ] || [ -d "$kunitfs" ]; then
		result "FAIL kunit/modules: the kernel has KUnit, but $moddir/extra has no *_test.ko"
	else
		result "SKIP kunit/modules: kernel without CONFIG_KUNIT"
	fi
	exit 0
fi

if [ ! -d "$kunitfs" ]; then
	for t in $tests; do
		result "SKIP kunit/$(basename "$t" .ko)/all: kernel has no CONFIG_KUNIT_DEBUGFS"
	done
	exit 0
fi

for t in $tests; do
	run_module "$t"
done
exit 0
