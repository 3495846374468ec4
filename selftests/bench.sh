#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: inside the guest (benchmark kernel, no debug options), measure
# alloc_page()+free pairs in the test module, pinned to CPU 0, under each
# configuration in turn, RUNS rounds, configurations alternating.  make bench
# boots the guest with vmrun --icount, where a guest nanosecond is one
# executed instruction: the module's "ns per pair" is instructions per pair,
# and repeats to well under 1%.
#
#   bench.sh BUILD_DIR off|report|sampled|nostacks|notbuilt RUNS ITERATIONS
#
# report is a boot with page_exclusive=report,stacks (every owner stack),
# sampled one with report,stacks=64 (one in 64), nostacks one with
# page_exclusive=report (no owner stacks, the default); notbuilt one of
# build/kernel-bench-off, built without CONFIG_PAGE_EXCLUSIVE, where the test
# module cannot load: its pairs come from selftests/pair_bench, a module with
# the same loop (the off boot runs that too, to show the two agree).
#
# Writes BUILD_DIR/results/bench-MODE.tsv ("config<TAB>round<TAB>insns") and
# bench-bpfstats.json (labytrace's programs: run_cnt, run_time_ns, which is
# instructions too).  Never a pass/fail criterion: a configuration that
# cannot run (a tracer missing) is recorded as "n/a" with the reason.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/tracers.sh"
ensure_mounts

build=$1 mode=$2 runs=${3:-7} iters=${4:-200000}
workload=$build/selftests/e2e/pex_workload
labytrace=$build/labytrace/labytrace
out=$build/results
tsv=$out/bench-$mode.tsv
tracer_log=$out/bench-tracer.log
T=/sys/kernel/tracing
mkdir -p "$out"
: >"$tsv"

# The modules of the kernel running: kernel-bench normally, kernel-test to try.
case "$(uname -r)" in
*-labyrinth-test*) flavour=test ;;
*-labyrinth-bench-off*) flavour=bench-off ;;
*) flavour=bench ;;
esac
if [ "$flavour" != bench-off ]; then
	lsmod | grep -q '^test_page_exclusive' ||
		insmod "$build/kernel-$flavour/lib/test_page_exclusive.ko" || exit 1
fi
pair_bench_file=/sys/kernel/debug/labyrinth_pair_bench
if [ -f "$build/pair_bench/$flavour/pair_bench.ko" ]; then
	lsmod | grep -q '^pair_bench' ||
		insmod "$build/pair_bench/$flavour/pair_bench.ko" || exit 1
fi

bench() {	# KIND: one timed run, ns per pair
	if [ "$flavour" = bench-off ]; then
		pair_bench "$1"
	else
		taskset -c 0 "$workload" --bench "$1" --iterations "$iters"
	fi
}

pair_bench() {	# KIND: the same, from selftests/pair_bench
	[ -w $pair_bench_file ] || return 1
	taskset -c 0 bash -c "echo $1 $iters >$pair_bench_file" && cat $pair_bench_file
}

run_config() {	# CONFIG ROUND
	local cfg=$1 round=$2 kind=atomic ns
	case "$cfg" in
	*exclusive*) kind=exclusive ;;
	esac
	case "$cfg" in
	*+labytrace)	# a pair kind of this boot, with labytrace (all modes) attached
		if ! start_tracer labytrace; then
			printf '%s\t%s\tn/a\n' "$cfg" "$round" >>"$tsv"
			return
		fi
		ns=$(bench $kind)
		stop_tracer ;;
	*+tp3)	# one-add programs on the three events of an exclusive pair
		ns=$("$build/selftests/tp_count" mm_page_alloc_latency \
			"$build/selftests/tp_count" page_exclusive_acquire \
			"$build/selftests/tp_count" page_exclusive_release \
			taskset -c 0 "$workload" --bench $kind --iterations "$iters" | head -n 1) ;;
	tp-*)	# an empty-but-one-add raw_tp program: dispatch (and clock) floor
		ns=$("$build/selftests/tp_count" "${cfg#tp-}" \
			taskset -c 0 "$workload" --bench $kind --iterations "$iters" | head -n 1) ;;
	labytrace*|bpftrace-count|bpftrace-latency|funclatency)
		if ! start_tracer "$cfg"; then
			printf '%s\t%s\tn/a\n' "$cfg" "$round" >>"$tsv"
			return
		fi
		ns=$(bench $kind)
		stop_tracer ;;
	ftrace)
		echo 1 >$T/events/kmem/mm_page_alloc/enable
		ns=$(bench $kind)
		echo 0 >$T/events/kmem/mm_page_alloc/enable
		echo >$T/trace ;;
	pair-*)
		ns=$(pair_bench $kind) ;;
	*)
		ns=$(bench $kind) ;;
	esac
	printf '%s\t%s\t%s\n' "$cfg" "$round" "${ns:-n/a}" >>"$tsv"
}

case "$mode" in
off) configs=(none none-exclusive pair-none tp-mm_page_alloc tp-mm_page_alloc_latency
	      labytrace-failures labytrace-failures-norates labytrace-latency
	      labytrace-violations labytrace
	      bpftrace-count bpftrace-latency funclatency ftrace) ;;
report) configs=(report report-exclusive report+labytrace report-exclusive+labytrace
		report-exclusive+tp3) ;;
sampled) configs=(sampled sampled-exclusive) ;;
nostacks) configs=(nostacks nostacks-exclusive) ;;
notbuilt) configs=(notbuilt notbuilt-exclusive) ;;
*) echo "usage: bench.sh BUILD_DIR off|report|sampled|nostacks|notbuilt RUNS ITERATIONS" >&2; exit 2 ;;
esac

bench atomic >/dev/null	# warm up
for ((round = 1; round <= runs; round++)); do
	for cfg in "${configs[@]}"; do
		run_config "$cfg" $round
	done
	echo "# round $round/$runs: $(awk -v r=$round '$2 == r {printf "%s=%s ", $1, $3}' "$tsv")"
done

# labytrace's BPF program cost per event, from the kernel's own statistics.
if [ "$mode" = off ]; then
	sysctl -q -w kernel.bpf_stats_enabled=1
	if start_tracer labytrace; then
		bench atomic >/dev/null
		bpftool prog show -j >"$out/bench-bpfstats.json"
		stop_tracer
	fi
	sysctl -q -w kernel.bpf_stats_enabled=0
fi
