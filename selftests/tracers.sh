#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tracers.sh: start and stop the tracers the benchmarks compare; sourced by
# bench.sh and net/bench-net.sh, which set $labytrace (its binary) and
# $tracer_log (where a tracer's own output goes).

# Start a tracer in the background and wait until it says it is attached.
# labytrace reports every 600 s: under -icount the guest clock counts every
# vCPU's instructions, so a periodic report during a run would count too.
# TRACER NAME: sets $tracer_pid; 1 if it is not there or did not attach.
start_tracer() {
	local log=$tracer_log deadline=$((SECONDS + 120)) ready
	: >"$log"
	case "$1" in
	labytrace)
		"$labytrace" -j -i 600 >/dev/null 2>"$log" &
		ready='^Tracing' ;;
	labytrace-failures-norates)	# failures alone, no allocation counted
		"$labytrace" failures --no-rates -j -i 600 >/dev/null 2>"$log" &
		ready='^Tracing' ;;
	labytrace-*)	# one mode alone: where labytrace's instructions go
		"$labytrace" "${1#labytrace-}" -j -i 600 >/dev/null 2>"$log" &
		ready='^Tracing' ;;
	bpftrace-count)
		bpftrace -e 'tracepoint:kmem:mm_page_alloc { @ = count(); }' >"$log" 2>&1 &
		ready='^Attaching' ;;
	bpftrace-latency)
		bpftrace -e 'tracepoint:kmem:mm_page_alloc_latency {
			@ns = hist(args->latency_ns);
			if ((int64)args->pfn < 0) { @failed = count(); } }' >"$log" 2>&1 &
		ready='^Attaching' ;;
	funclatency)
		# The function every allocation goes through: since 6.15 (7.3 is
		# ours) alloc_page() no longer calls __alloc_pages_noprof().
		local fn=__alloc_pages_noprof
		grep -qw __alloc_frozen_pages_noprof /proc/kallsyms && fn=__alloc_frozen_pages_noprof
		# It printf()s "Tracing" without a flush: line-buffer it.
		stdbuf -oL /usr/sbin/funclatency "$fn" >"$log" 2>&1 &
		ready='^Tracing' ;;
	esac
	tracer_pid=$!
	until grep -q "$ready" "$log"; do
		if ! kill -0 $tracer_pid 2>/dev/null || [ $SECONDS -ge $deadline ]; then
			kill -KILL $tracer_pid 2>/dev/null
			echo "# $1 did not attach: $(head -c 300 "$log" | tr '\n' ' ')"
			return 1
		fi
		sleep 0.2
	done
	sleep 1		# bpftrace says "Attaching" just before it attaches
}

stop_tracer() {
	[ -n "${tracer_pid:-}" ] || return 0
	kill -INT $tracer_pid 2>/dev/null
	wait $tracer_pid 2>/dev/null
	tracer_pid=
}
