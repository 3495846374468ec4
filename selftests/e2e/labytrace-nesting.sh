#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# labytrace-nesting.sh: inside the guest (booted with page_exclusive=report),
# make events of one kind nest on a CPU, and require that labytrace accounts
# for every one: a task on CPU 0 acquires and releases exclusive pages in a
# loop (pex_workload --bench exclusive) while an RX storm on every CPU
# acquires, hands over and frees pages from its interrupts, so storm events
# land while labytrace's program for the task's event runs.  The kernel's
# own counts (pgexclusive_alloc, _release, _transfer, _violation) must equal
# what labytrace's programs saw plus their recursion misses, exactly; and
# where labytrace loaded them with BPF_F_RECURSION_PER_CONTEXT, there must
# be no misses at all.  On a kernel without it the misses are shown.
#
#   labytrace-nesting.sh BUILD_DIR
#
# BUILD_DIR is the repository's build/ (kernel-test, labytrace/labytrace).
# Files are kept in BUILD_DIR/results/e2e-nesting/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e-lib.sh" "$1"
out=$build/results/e2e-nesting
keys="pgexclusive_alloc pgexclusive_release pgexclusive_transfer pgexclusive_violation"

vmstat_sum() {
	local k sum=0
	for k in $keys; do
		sum=$((sum + $(awk -v k="$k" '$1 == k { print $2 }' /proc/vmstat)))
	done
	echo $sum
}

plan 4
load_test_module || exit 1
echo report >/proc/sys/vm/page_exclusive_policy || exit 1
rm -rf "$out"
mkdir -p "$out"

start_labytrace "$out" violations -j -i 1 --violation-records 0

before=$(vmstat_sum)
"$workload" --bench exclusive --iterations 200000 >"$out/bench.json" 2>&1 &
bench=$!
# 20 pages a ms for 3 s, handed over to a task, one in 4 freed by the
# storm itself (a free violation)
storm 20 3000 1 4 "$out/storm.json" || echo "# the storm failed"
wait $bench
echo "# bench: $(cat "$out/bench.json"), storm: $(cat "$out/storm.json" 2>/dev/null)"
sleep 1.5	# one more interval
after=$(vmstat_sum)
kill -INT $lt
wait $lt
rc=$?

python3 - "$out/labytrace.ndjson" "$out/labytrace.err" $((after - before)) $rc <<'EOF'
import json, re, sys
nd, err, kernel, rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
n = 1
def check(ok, what):
    global n
    n += 1
    print(("ok" if ok else "not ok") + f" {n} {what}")
    return ok
final = [r for r in map(json.loads, open(nd)) if r.get("type") == "summary" and r.get("final")][0]
x = final["exclusive"]
seen = (x["acquired"] + x["released"] + x["transferred"] +
        sum(v["count"] for v in final["violations"].values()))
misses = final["lost"]["bpf_recursion_misses"]
per_ctx = final["recursion_per_context"]
said = [l.strip() for l in open(err) if "events not seen" in l]
print(f"# kernel counted {kernel} events, labytrace saw {seen}, "
      f"{misses} recursion misses, recursion_per_context {per_ctx}; {said}")
good = check(rc == 0 and kernel > 0 and kernel == seen + misses,
             f"every event seen or counted as a recursion miss: {kernel} = {seen} + {misses}")
good &= check(len(said) == (1 if misses or not per_ctx else 0) and
              all(int(line.split()[1]) == misses for line in said),
              f"stated in one line, as the summary counts them: {said}")
if per_ctx:
    good &= check(misses == 0, f"per-context recursion: no event missed ({misses})")
else:
    check(True, f"# SKIP no BPF_F_RECURSION_PER_CONTEXT here: {misses} events missed, reported")
sys.exit(0 if good else 1)
EOF
result=$?
rmmod test_page_exclusive
echo "# labytrace-nesting: $([ $result = 0 ] && echo passed || echo failed)"
exit $result
