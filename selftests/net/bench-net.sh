#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-net.sh: inside a benchmark guest booted with vmrun --icount --net,
# what a received packet costs, in guest instructions, on the page_pool
# path: pktgen sends frames of 1500 bytes through a veth pair into an XDP
# program, which makes veth copy each into its page_pool's pages.  The
# guest is busy throughout, so pktgen's elapsed guest time is instructions;
# per packet, it covers building and sending the frame too.  Each
# configuration runs RUNS rounds, configurations alternating.
#
# virtio_net is not measured here: a download waits for the host, and under
# -icount an idle vCPU lets the clock jump, so elapsed guest time is not
# instructions.  Filling the idle time with a spinner and taking its
# iterations off left errors larger than the effect (the same
# configuration read 3,950 to 19,057 instructions per packet).
#
#   bench-net.sh BUILD_DIR off|report RUNS
#
# Appends "config<TAB>round<TAB>veth<TAB>insns per packet<TAB>packets" to
# BUILD_DIR/results/bench-net.tsv.  Never a pass/fail criterion.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"

build=$1 mode=$2 runs=${3:-3}
out=$build/results
tsv=$out/bench-net.tsv
ns=labyrinth-bench
frames=20000
mkdir -p "$out"

veth_xdp_up $ns "$build/selftests/net/xdp_pass.bpf.o" || exit 1
pg=/proc/net/pktgen
pktgen_veth $ns $frames || exit 1

veth_packet() {	# instructions per frame, from pktgen's own elapsed time
	local usec
	echo start >$pg/pgctrl
	usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' $pg/veth0)
	echo $((usec * 1000 / frames))
}

tracer=""
attach_quiet_labytrace() {	# reports every 600 s: quiet during a run
	"$labytrace" -j -i 600 >/dev/null 2>"$out/bench-net-tracer.log" &
	tracer=$!
	local deadline=$((SECONDS + 120))
	until grep -q '^Tracing' "$out/bench-net-tracer.log"; do
		kill -0 $tracer 2>/dev/null && [ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
	sleep 1
}

run() {	# CONFIG ROUND
	local v
	case "$1" in
	enforce*) echo enforce >/proc/sys/vm/page_exclusive_policy ;;
	report*) echo report >/proc/sys/vm/page_exclusive_policy ;;
	esac
	case "$1" in
	*labytrace) attach_quiet_labytrace || { echo "# labytrace did not attach"; return; } ;;
	esac
	v=$(veth_packet)
	[ -n "$tracer" ] && { kill -INT $tracer; wait $tracer; tracer=""; }
	printf '%s\t%s\tveth\t%s\t%s\n' "$1" "$2" "$v" "$frames" >>"$tsv"
	echo "# $1 round $2: veth $v insns/packet"
}

case "$mode" in
off) configs=(off off-labytrace) ;;
report) configs=(report enforce report-labytrace) ;;
*) echo "usage: bench-net.sh BUILD_DIR off|report RUNS" >&2; exit 2 ;;
esac
for ((round = 1; round <= runs; round++)); do
	for cfg in "${configs[@]}"; do
		run "$cfg" $round
	done
done
[ "$mode" = report ] && echo report >/proc/sys/vm/page_exclusive_policy
ip netns del $ns
