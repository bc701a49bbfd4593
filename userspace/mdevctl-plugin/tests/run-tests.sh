#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run cmocka test binaries and print one result line per test case
# (tests/README.md):
#
#   VSLICE-RESULT: PASS userspace/<group>/<test>
#   VSLICE-RESULT: FAIL userspace/<group>/<test>: <reason>
#
# plus a FAIL userspace/<binary> when a binary dies (sanitizer report,
# crash) without reporting its tests.  Exits 1 if anything failed.
#
#   run-tests.sh TEST_BINARY...
rc=0
for bin in "$@"; do
	name=$(basename "$bin")
	group=${name#test_}
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>"$bin.stderr")
	status=$?
	printf '%s\n' "$out" >"$bin.tap"
	printf '%s\n' "$out" | awk -v g="$group" '
		/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "VSLICE-RESULT: PASS userspace/" g "/" $0; n++ }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "VSLICE-RESULT: FAIL userspace/" g "/" $0 ": see '"$bin"'.tap and .stderr"; n++ }
		END { if (!n) exit 1 }' || {
		echo "VSLICE-RESULT: FAIL userspace/$group: ran no tests (exit $status); see $bin.stderr"
		rc=1
		continue
	}
	if [ "$status" -ne 0 ]; then
		rc=1
		# A crash after some tests: cmocka reports no failure itself.
		if ! printf '%s\n' "$out" | grep -q '^not ok '; then
			echo "VSLICE-RESULT: FAIL userspace/$group: exited $status; see $bin.stderr"
		fi
	fi
done
exit $rc
