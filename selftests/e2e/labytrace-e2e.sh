#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# labytrace-e2e.sh: inside the guest (booted with page_exclusive=report),
# make a known load with pex_workload and require labytrace to report it
# exactly, under the report and then the enforce policy.
#
#   labytrace-e2e.sh BUILD_DIR
#
# BUILD_DIR is the repository's build/: kernel-test (the test module),
# labytrace/labytrace and selftests/e2e/pex_workload.  Each policy's files
# are kept in BUILD_DIR/results/e2e-POLICY/ for a post-mortem.
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e-lib.sh" "$1"
held_over_ms=500

load_test_module || exit 1

stop() {	# PID: SIGINT, then wait at most 60 s
	local deadline=$((SECONDS + 60))
	kill -INT "$1" 2>/dev/null
	while [ $SECONDS -lt $deadline ]; do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.2
	done
	kill -KILL "$1"
	return 124
}

run_policy() {
	local policy=$1 out=$build/results/e2e-$1 jpid tpid wpid deadline start rc=0
	rm -rf "$out"
	mkdir -p "$out"
	echo "$policy" >/proc/sys/vm/page_exclusive_policy || return 1
	grep '^pgexclusive' /proc/vmstat >"$out/vmstat.before"

	"$labytrace" -j -i 1 --held-over ${held_over_ms}ms --owner-stacks --prometheus "$out/labytrace.prom" \
		>"$out/labytrace.ndjson" 2>"$out/labytrace.err" &
	jpid=$!
	"$labytrace" -i 1 --held-over ${held_over_ms}ms >"$out/live.txt" 2>"$out/live.err" &
	tpid=$!
	if ! wait_for "$out/labytrace.err" '^Tracing' $attach_timeout $jpid ||
	   ! wait_for "$out/live.err" '^Tracing' $attach_timeout $tpid; then
		echo "# labytrace did not attach within ${attach_timeout}s:"
		sed 's/^/#   /' "$out/labytrace.err" "$out/live.err"
		kill -KILL $jpid $tpid 2>/dev/null
		return 1
	fi
	memlock_of $jpid >"$out/memlock"

	# Bursts of 4096 exclusive pages in one softirq and in one hardirq:
	# every one must be tracked, nothing lost.  An owner object, "e2e rx0",
	# allocates in softirq and holds some of its pages for 3 s, while
	# "labytrace owners" asks the kernel who holds what.
	rm -f "$out/owner.ready"
	"$workload" --softirq 4096 --hardirq 4096 --task 7 --fail 3 --violations \
		--owner "e2e rx0" --owner-alloc 64 --owner-release 40 --owner-free 5 \
		--owner-transfer 3 --owner-hold-ms 3000 --owner-ready "$out/owner.ready" \
		--hold 2 --hold-ms 2500 \
		>"$out/workload.json" &
	wpid=$!
	deadline=$((SECONDS + 120))
	while [ ! -e "$out/owner.ready" ] && [ $SECONDS -lt $deadline ] &&
	      kill -0 $wpid 2>/dev/null; do
		sleep 0.1
	done
	if [ -e "$out/owner.ready" ]; then
		start=$(date +%s.%N)
		"$labytrace" owners -j --held-top 2 >"$out/owners.ndjson" 2>"$out/owners.err" ||
			echo "# labytrace owners exited with $?: $(cat "$out/owners.err")"
		echo "# labytrace owners took $(echo "$(date +%s.%N) - $start" | bc) s"
		rm -f "$out/owner.ready"	# the workload may stop holding
	fi
	wait $wpid || rc=1
	sleep 1.5	# one more interval, so the last one has it all
	stop $jpid || { echo "# labytrace --json exited with $?"; rc=1; }
	stop $tpid || { echo "# labytrace (live view) exited with $?"; rc=1; }
	grep '^pgexclusive' /proc/vmstat >"$out/vmstat.after"

	echo "# policy $policy: workload $(cat "$out/workload.json")"
	python3 "$here/check_e2e.py" "$out/workload.json" "$out/labytrace.ndjson" \
		"$out/vmstat.before" "$out/vmstat.after" "$out/labytrace.prom" \
		"$out/live.txt" $((held_over_ms * 1000000)) "$policy" "$out/owners.ndjson" \
		"$out/labytrace.err" "$(cat "$out/memlock")" |
		sed "s/^\(\(not \)\?ok [0-9]* - \)/\1$policy: /" || rc=1
	return $rc
}

failed=0
for policy in report enforce; do
	run_policy $policy || failed=1
done
echo report >/proc/sys/vm/page_exclusive_policy
rmmod test_page_exclusive
exit $failed
