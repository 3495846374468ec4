#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# labytrace-overflow.sh: inside the guest (booted with page_exclusive=report),
# make more violations than labytrace's ring buffer holds while labytrace is
# stopped (asked for a record of every one), and require that none is lost:
# the violation records it wrote plus those it counted as dropped for a full
# ring equal the kernel's own count, its in-kernel totals equal it exactly,
# and so do its counts by owner, actor and stacks, with nothing reported
# lost.  Meanwhile busy tasks on every CPU make the storm's interrupts land
# in ever different places: every exclusive page must still be tracked with
# its allocation stack.
#
#   labytrace-overflow.sh BUILD_DIR
#
# BUILD_DIR is the repository's build/ (kernel-test, labytrace/labytrace).
# Files are kept in BUILD_DIR/results/e2e-overflow/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e-lib.sh" "$1"
out=$build/results/e2e-overflow

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

plan 7
load_test_module || exit 1
echo report >/proc/sys/vm/page_exclusive_policy || exit 1
rm -rf "$out"
mkdir -p "$out"

before=$(vmstat pgexclusive_violation)
start_labytrace "$out" violations -j -i 1 --violation-records 1000000 --owner-stacks

# Stopped, labytrace reads nothing: the 1 MiB ring (~2,500 violation
# records) fills while an RX storm on every CPU frees each of its pages
# without a hand-over, one free violation per page.
kill -STOP $lt
busy=()
for _ in $(seq "$(nproc)"); do
	( while :; do ls -lR /usr/lib /usr/share/doc >/dev/null 2>&1; done ) &
	busy+=($!)
done
storm 8 1000 1 1 "$out/storm.json" || echo "# the storm failed"
kill "${busy[@]}"
wait "${busy[@]}" 2>/dev/null
kill -CONT $lt
sleep 2	# let it drain what the ring kept
kill -INT $lt
wait $lt
rc=$?
after=$(vmstat pgexclusive_violation)

python3 - "$out/labytrace.ndjson" "$out/storm.json" $((after - before)) $rc <<'EOF'
import json, sys
ndjson, storm, kernel, rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
records = [json.loads(line) for line in open(ndjson)]
delivered = sum(1 for r in records if r["type"] == "violation")
final = [r for r in records if r["type"] == "summary"][-1]
dropped = final["dropped"]["ringbuf_full_violation"]
unrecorded = final["violations_unrecorded"]
by_stack = sum(r["count"] for r in records
               if r["type"] == "violation_stack" and r["final"])
counted = sum(v["count"] for v in final["violations"].values())
made = json.load(open(storm))["violations"]
n = 1
def check(ok, what):
    global n
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} {what}")
    return ok
good = check(rc == 0 and made > 0 and kernel == made,
             f"storm made {made} violations, kernel counted {kernel}, labytrace exited {rc}")
good &= check(dropped > 0, f"the ring overflowed: {dropped} violation records dropped, {delivered} delivered")
good &= check(delivered + dropped + unrecorded == kernel,
              f"delivered + dropped + unrecorded = kernel's count "
              f"({delivered} + {dropped} + {unrecorded} = {kernel})")
good &= check(counted == kernel, f"in-kernel totals are exact despite the drops ({counted} = {kernel})")
good &= check(by_stack == kernel and final["lost"]["total"] == 0,
              f"counted by owner, actor and stacks, every one ({by_stack} = {kernel}), "
              f"nothing lost ({final['lost']['total']})")
print(f"# lost: {final['lost']}, dropped: {final['dropped']}")
storm_pages = json.load(open(storm))["allocated"]
acquired = final["exclusive"]["acquired"]
untracked, unrecorded = final["lost"]["acquire_untracked"], final["lost"]["stack_unrecorded"]
good &= check(acquired >= storm_pages and untracked == 0 and unrecorded == 0,
              f"every acquire tracked with its stack: {acquired} acquired "
              f"({storm_pages} by the storm), {untracked} untracked, "
              f"{unrecorded} stacks unrecorded")
sys.exit(0 if good else 1)
EOF
result=$?
rmmod test_page_exclusive
echo "# labytrace-overflow: $([ $result = 0 ] && echo passed || echo failed)"
exit $result
