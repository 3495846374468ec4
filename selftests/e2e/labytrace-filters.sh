#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# labytrace-filters.sh: inside the guest (patched kernel, test module),
# prove that labytrace's in-kernel filters filter.  One known load from
# pex_workload (exclusive allocations in softirq and task context, injected
# failures, one violation of each kind, by a process whose pid is known
# before it starts) is watched at once by a labytrace without filters and
# by one per filter; each must count exactly its share of the load, as the
# workload reports it, and nothing else.
#
#   labytrace-filters.sh BUILD_DIR
#
# BUILD_DIR is the repository's build/ (kernel-test, labytrace/labytrace,
# selftests/e2e/pex_workload).  Files are kept in BUILD_DIR/results/e2e-filters/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e-lib.sh" "$1"
out=$build/results/e2e-filters

# NAME|OPTIONS|EXPECTED: EXPECTED is KEY=VALUE pairs, KEY from
# filter_counts.py, VALUE arithmetic on what the workload made: S softirq
# and T task exclusive allocations, F failures (plain GFP_ATOMIC, task
# context) and V violations (owner: the workload, actors in task context).
# The workload runs on CPU 0; a softirq allocation runs on its caller's CPU.
# The test module's allocations all carry __GFP_NOWARN: --warned-only sees
# none of them, and its violations all the same.
# Violations are not expected under --gfp (a violation has no gfp class),
# nor under -C alone (the module's thread commits three, on any CPU).
filters=(
	"none||x.softirq=S x.task=T failures=F violations=V"
	"pid|-p WORKLOAD|x.softirq=0 x.task=T failures=F violations=V notctx.task=0"
	"pid-other|-p IDLE|allocs=0 violations=0"
	"cpu0|-C 0|x.softirq=S x.task=T failures=F"
	"cpu1|-C 1|x=0 failures=0"
	"order0|--order 0|x.softirq=S x.task=T failures=F violations=V notorder.0=0"
	"order1|--order 1|x=0 failures=0 violations=0 notorder.1=0"
	"gfp-atomic|--gfp atomic|x.softirq=S x.task=T failures=F notcls.atomic=0"
	"gfp-kernel|--gfp kernel|x=0 failures=0 notcls.may-sleep=0"
	"gfp-mask|--gfp 0x200|x.softirq=S x.task=T failures=0 plain=0"
	"ctx-softirq|--context softirq|x.softirq=S x.task=0 failures=0 violations=0 notctx.softirq=0"
	"ctx-task|--context task|x.softirq=0 x.task=T failures=F violations=V notctx.task=0"
	"exclusive|--exclusive|x.softirq=S x.task=T failures=0 plain=0"
	"warned-only|--warned-only|x=0 failures=0 violations=V"
)
plan $((${#filters[@]} + 4))

load_test_module || exit 1
echo report >/proc/sys/vm/page_exclusive_policy || exit 1
rm -rf "$out"
mkdir -p "$out"

# 9p refuses fifos: this one lives in /tmp.
fifo=$(mktemp -u /tmp/labytrace-filters.XXXXXX)
pids=()
cleanup() {
	kill -KILL "${pids[@]}" "${wl:-}" "${idle:-}" 2>/dev/null
	wait 2>/dev/null
	rm -f "$fifo"
}
trap cleanup EXIT

# PID SECONDS: wait for PID to exit; its status, or 124 after SECONDS.
wait_exit() {
	local deadline=$((SECONDS + $2))
	while [ $SECONDS -lt $deadline ]; do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.2
	done
	return 124
}

# The workload's pid must be known before the tracers start: it waits on a
# fifo, then execs (same pid).  A sleeping process is the "other" pid.
mkfifo "$fifo" || exit 1
( read -r _ <"$fifo"; exec "$workload" --softirq 6 --task 9 --fail 2 --violations \
	>"$out/workload.json" 2>"$out/workload.err" ) &
wl=$!
wl_pid=$wl
sleep 3600 &
idle=$!

start=$SECONDS
for f in "${filters[@]}"; do
	IFS='|' read -r name opts _ <<<"$f"
	opts=${opts/WORKLOAD/$wl_pid}
	opts=${opts/IDLE/$idle}
	# Fourteen tracers share the guest's memory: each tracks up to 16384
	# pages (2 MiB of kernel memory), not the default's 4 MB.  That is far
	# more than the load and the idle NIC's refills hold at once, and a page
	# it could not track would show as lost, which fails the test.
	# shellcheck disable=SC2086 # options are words
	"$labytrace" -j -i 60 --held-max 16384 $opts >"$out/$name.ndjson" 2>"$out/$name.err" &
	pids+=($!)
done
attached=0 dead=()
while [ $SECONDS -lt $((start + attach_timeout)) ]; do
	attached=$(grep -l '^Tracing' "$out"/*.err 2>/dev/null | wc -l)
	[ "$attached" -eq ${#filters[@]} ] && break
	for i in "${!pids[@]}"; do
		kill -0 "${pids[$i]}" 2>/dev/null ||
			dead+=("${filters[$i]%%|*} (pid ${pids[$i]}) $(death_of "${pids[$i]}")")
	done
	[ ${#dead[@]} -eq 0 ] || break
	sleep 0.5
done
if [ "$attached" -ne ${#filters[@]} ]; then
	[ ${#dead[@]} -gt 0 ] || dead=("none died: not all attached in ${attach_timeout} s")
	not_ok "every labytrace attached ($attached of ${#filters[@]}): $(printf '%s; ' "${dead[@]}")"
	for f in "$out"/*.err; do sed "s|^|# $(basename "$f" .err): |" "$f"; done
	not_ok "workload: not run"
	not_ok "labytrace exits: not run"
	for f in "${filters[@]}"; do not_ok "${f%%|*}: not run"; done
	not_ok "-C 0 and -C 1 split the violations: not run"
	finish
	exit
fi
ok "every labytrace attached ($attached in $((SECONDS - start)) s)"

echo go >"$fifo"
if wait_exit "$wl" 60; then
	ok "workload ran: $(cat "$out/workload.json")"
else
	not_ok "workload failed or hung (exit $?)"
	sed 's/^/# /' "$out/workload.err"
fi
wl=

kill -INT "${pids[@]}"
bad=()
for i in "${!pids[@]}"; do
	name=${filters[$i]%%|*}
	wait_exit "${pids[$i]}" 60 || bad+=("$name:$?")
done
pids=()
if [ ${#bad[@]} -eq 0 ]; then
	ok "every labytrace exited 0"
else
	not_ok "labytrace exits: ${bad[*]}"
fi

# What the workload made is the oracle; what each labytrace counted, in
# one python3 run (a start costs seconds under TCG).  No <(...): the
# guest may have no /dev/fd.
python3 "$here/filter_counts.py" --workload "$out/workload.json" \
	"$out"/*.ndjson >"$out/counts" 2>"$out/counts.err"
read -r S T F V <<<"$(sed -n 's/^workload //p' "$out/counts")"
: "${S:=-1}" "${T:=-1}" "${F:=-1}" "${V:=-1}"
echo "# load: $S softirq and $T task exclusive allocations, $F failures, $V violations"
sed 's/^/# /' "$out/counts.err"

# got[NAME/KEY]; read from memory: bash reads a file a byte at a time, and
# each read of the 9p share is a round trip to the host.
declare -A got=()
while read -r n k v; do got[$n/$k]=$v; done <<<"$(cat "$out/counts")"
for f in "${filters[@]}"; do
	IFS='|' read -r name opts want <<<"$f"
	opts=${opts/WORKLOAD/$wl_pid}
	opts=${opts/IDLE/$idle}
	diff=()
	for kv in lost=0 $want; do
		k=$name/${kv%%=*}
		w=$((${kv#*=}))
		[ "${got[$k]:-missing}" = "$w" ] ||
			diff+=("${kv%%=*} ${got[$k]:-missing}, want $w")
	done
	if [ ${#diff[@]} -eq 0 ]; then
		ok "${opts:-no filter}: x.softirq ${got[$name/x.softirq]}" \
			"x.task ${got[$name/x.task]} failures ${got[$name/failures]}" \
			"violations ${got[$name/violations]:-?} allocs ${got[$name/allocs]}"
	else
		msg=$(printf '%s; ' "${diff[@]}")
		not_ok "${opts:-no filter}: ${msg%; }"
	fi
done

# Which CPU the module's thread commits its violations on varies, but each
# violation is on one CPU: the two halves add up to all of them.
v0=${got[cpu0/violations]:-missing}
v1=${got[cpu1/violations]:-missing}
if [ "$v0" != missing ] && [ "$v1" != missing ] && [ $((v0 + v1)) -eq "$V" ]; then
	ok "-C 0 and -C 1 split the violations: $v0 + $v1"
else
	not_ok "-C 0 and -C 1 split the violations: $v0 + $v1, want $V"
fi

echo report >/proc/sys/vm/page_exclusive_policy
kill "$idle" 2>/dev/null
rmmod test_page_exclusive
echo "# $SECONDS s"
finish
