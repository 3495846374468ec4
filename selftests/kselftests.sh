#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftests.sh: inside the guest (booted with page_exclusive=report), load
# test_page_exclusive and run the mm kselftest for it through its wrapper,
# as run_vmtests.sh would.  Passes its TAP on, and fails unless every
# planned test ran and passed: the harness exits 0 when every test skips
# (its fixture skips when /dev/test_page_exclusive is missing), which here
# would mean nothing was tested.
#
#   kselftests.sh KERNEL_BUILD_DIR SELFTEST_BUILD_DIR
set -u
ktest=$1
tests=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

tap=$(mktemp /tmp/kselftests.XXXXXX)
trap 'rm -f "$tap"' EXIT

insmod "$ktest/lib/test_page_exclusive.ko" || exit 1
cd "$tests" || exit 1
# -F pool: the test that leaks a page_pool page on purpose runs in a boot of
# its own (boot-checks), where its bad-page report is expected.
bash ./test_page_exclusive.sh -F pool | tee "$tap"
rc=${PIPESTATUS[0]}
rmmod test_page_exclusive

# Reasons go out as TAP comments: a TAP line of our own would not match
# the harness's plan.
problem() { echo "# kselftests.sh: $*"; rc=1; }
[ "$rc" = 0 ] || echo "# kselftests.sh: test_page_exclusive.sh exited $rc"
planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" | head -n1)
results=$(grep -cE '^(not )?ok [0-9]+ ' "$tap")
skipped=$(grep -E '^ok [0-9]+ .*# SKIP' "$tap")
totals=$(grep -E '^# Totals: ' "$tap")
[ -n "$planned" ] && [ "$planned" -gt 0 ] || problem "no TAP plan (1..N, N > 0)"
[ "$results" = "${planned:-0}" ] || problem "$results results for a plan of ${planned:-none}"
[ -z "$skipped" ] || problem "$(grep -c '' <<<"$skipped") tests skipped, first: ${skipped%%$'\n'*}"
if [ -z "$totals" ]; then
	problem "no '# Totals:' line from the harness"
elif ! [[ $totals =~ \ fail:0\ .*\ skip:0\ error:0$ ]]; then
	problem "harness $totals"
fi
exit "$rc"
