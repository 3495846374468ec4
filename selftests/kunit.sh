#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh: inside the guest, load the page_exclusive KUnit suite and pass
# on its KTAP results.  Fails if the suite fails, if it ran other than its
# plan (or an empty one), or if the cases it skipped are not exactly those
# the boot mode (tracking on or off, PREEMPT_RT) cannot run.
#
#   kunit.sh KERNEL_BUILD_DIR on|off
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

ko=$1/mm/page_exclusive_kunit.ko
mode=$2
results=/sys/kernel/debug/kunit/page_exclusive/results
# Cases that run in both boots; every other case needs tracking on.
mode_independent=(page_exclusive_off_flag_accepted_nothing_recorded)
# The one case that needs tracking off.
off_only=page_exclusive_off_flag_accepted_nothing_recorded
# Cases that allocate only in a hard interrupt, which PREEMPT_RT forbids.
not_rt=(page_exclusive_hardirq_alloc_owned_by_cpu
	page_exclusive_owner_hardirq_alloc_task_release)
rt=false
uname -v | grep -qw PREEMPT_RT && rt=true

plan 4
check "load $ko" insmod "$ko"
if [ ! -r "$results" ]; then
	not_ok "KUnit suite page_exclusive ran its plan"
	not_ok "KUnit suite page_exclusive passed"
	not_ok "skips are the expected ones"
	finish
	exit 1
fi
# The suite (its plan and cases, indented in debugfs) goes on as a nested
# TAP block.  What debugfs wraps it in, a "1..1" plan and the suite's own
# "ok 1 page_exclusive", is bookkeeping, not a test: it goes on as comments.
sed 's/^\([^ ]\)/# \1/' "$results"

planned=$(sed -n 's/^    1\.\.\([0-9][0-9]*\)$/\1/p' "$results")
cases=$(sed -nE 's/^    (not )?ok [0-9]+ ([^ ]+).*/\2/p' "$results")
ncases=$(grep -c . <<<"$cases")
ran_plan=false
[ -n "$planned" ] && [ "$planned" -gt 0 ] && [ "$ncases" = "$planned" ] && ran_plan=true
check "KUnit suite page_exclusive ran its plan: $ncases case results, plan ${planned:-none}" \
	$ran_plan
check "KUnit suite page_exclusive passed" grep -qE '^ok [0-9]+ page_exclusive$' "$results"

skipped=$(sed -nE 's/^    ok [0-9]+ ([^ ]+) # SKIP.*/\1/p' "$results" | sort)
case "$mode" in
on)
	expected=$off_only
	if $rt; then expected+=$(printf '\n%s' "${not_rt[@]}"); fi
	;;
off) expected=$(grep -vxF -f <(printf '%s\n' "${mode_independent[@]}") <<<"$cases") ;;
*) expected="(unknown mode $mode)" ;;
esac
expected=$(sort <<<"$expected")
unexpected=$(comm -23 <(echo "$skipped") <(echo "$expected") | grep . | paste -sd' ')
not_skipped=$(comm -13 <(echo "$skipped") <(echo "$expected") | grep . | paste -sd' ')
check "skips are the expected ones (tracking $mode): unexpected ${unexpected:-none}, missing ${not_skipped:-none}" \
	test "$skipped" = "$expected"
rmmod page_exclusive_kunit
finish
