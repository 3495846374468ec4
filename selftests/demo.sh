#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: inside the guest (booted with page_exclusive=report), an RX storm
# on every vCPU, with 1% of its allocations failing and a few pages freed by
# the wrong context, watched by labytrace's live view; then one violation of
# every kind, and labytrace's final summary.  A second labytrace records the
# run (one interval a second), drawn at the end as latency and hold-time
# heatmaps in build/results/demo-*.svg.
#
#   demo.sh BUILD_DIR [SECONDS]
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

build=$1
secs=${2:-20}
labytrace=$build/labytrace/labytrace
workload=$build/selftests/e2e/pex_workload
log=$build/results/demo-labytrace.err
recording=$build/results/demo-recording.ndjson

lsmod | grep -q '^test_page_exclusive' ||
	insmod "$build/kernel-test/lib/test_page_exclusive.ko" || exit 1
mkdir -p "$build/results"

cat <<EOF
== Labyrinth demo ==========================================================
 The kernel tracks __GFP_EXCLUSIVE pages (page_exclusive=report).  In a
 moment every vCPU runs an "RX storm": a soft timer allocates exclusive
 pages with GFP_ATOMIC each millisecond, as a NIC refills its ring, and
 hands them to a consumer thread.  1% of those allocations are made to
 fail (fail_page_alloc), and one page in 500 is freed by the consumer
 without being handed over: a "free" violation.  Then one process maps,
 pins, frees, transfers and releases pages it does not own.
 labytrace reports it live every 5 s: latency per order/gfp class/
 context, failures with their stacks, violations with owner and actor.
============================================================================
EOF
"$labytrace" -i 5 --held-over 2s 2>"$log" &
lt=$!
"$labytrace" record -o "$recording" -i 1 >/dev/null 2>"$log.record" &
rec=$!
deadline=$((SECONDS + 120))
until grep -q '^Tracing' "$log" 2>/dev/null; do
	if ! kill -0 $lt 2>/dev/null || [ $SECONDS -ge $deadline ]; then
		echo "demo: labytrace did not start:"; cat "$log"; exit 1
	fi
	sleep 0.2
done

echo "-- RX storm on $(nproc) vCPUs for ${secs}s"
"$workload" --storm-ms $((secs * 1000)) --storm-rate 1 --storm-fail-percent 1 \
	--storm-violation-every 500 | sed 's/^/-- storm done: /'
echo "-- one violation of each kind, by another process and a kernel thread"
echo enforce >/proc/sys/vm/page_exclusive_policy
"$workload" --violations >/dev/null && echo "-- (policy enforce: map and pin refused)"
echo report >/proc/sys/vm/page_exclusive_policy
sleep 6
kill -INT $lt $rec
wait $lt
wait $rec || { echo "demo: the recording failed:"; cat "$log.record"; exit 1; }
# The storm's refills: atomic exclusive allocations in softirq.
"$labytrace" heatmap "$recording" -o "$build/results/demo-latency.svg" \
	--gfp atomic --context softirq --exclusive &&
"$labytrace" heatmap "$recording" -o "$build/results/demo-hold.svg" --metric hold &&
echo "-- heatmaps of the recording: build/results/demo-latency.svg, demo-hold.svg"
