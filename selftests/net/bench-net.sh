#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-net.sh: inside a benchmark guest booted with vmrun --icount --net,
# what a received packet costs, in guest instructions, through the two
# drivers that own their pages:
#   veth  pktgen sends frames of 1500 bytes through a veth pair into an XDP
#         program (the page_pool path); the guest is busy throughout, so
#         pktgen's elapsed guest time is instructions: per packet, it covers
#         building and sending the frame too;
#   virtio a download of 8 MiB from the host through virtio_net in
#         big-packet mode; the guest waits for the host, so a SCHED_IDLE
#         spinner on every CPU (selftests/net/spin.c) fills the gaps and its
#         own instructions are taken off.
# Each configuration runs RUNS rounds, configurations alternating.
#
#   bench-net.sh BUILD_DIR off|report RUNS
#
# Appends "config<TAB>round<TAB>path<TAB>insns per packet<TAB>packets" to
# BUILD_DIR/results/bench-net.tsv.  Never a pass/fail criterion.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"

build=$1 mode=$2 runs=${3:-3}
spin=$build/selftests/net/spin
out=$build/results
tsv=$out/bench-net.tsv
port=$(net_port) || { echo "# bench-net: no file server (serve-blobs)"; exit 1; }
ns=labyrinth-bench
frames=20000
mkdir -p "$out"

nic=$(virtio_nic) || { echo "# bench-net: no virtio_net NIC (vmrun --net)"; exit 1; }
virtio_up "$nic" || exit 1
veth_xdp_up $ns "$build/selftests/net/xdp_pass.bpf.o" || exit 1
pg=/proc/net/pktgen
pktgen_veth $ns $frames || exit 1

clock_ns() { date +%s%N; }

veth_packet() {	# instructions per frame, from pktgen's own elapsed time
	local usec
	echo start >$pg/pgctrl
	usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' $pg/veth0)
	echo $((usec * 1000 / frames))
}

virtio_packet() {	# instructions per received packet, the spinner's taken off
	local rx0 rx1 t0 t1 i0 i1 sp
	"$spin" >"$out/spin.count" &
	sp=$!
	sleep 0.5
	rx0=$(cat "/sys/class/net/$nic/statistics/rx_packets")
	t0=$(clock_ns)
	i0=$(spin_count $sp 1)
	curl -sS --max-time 300 -o /dev/null "http://10.0.2.2:$port/blob-small"
	t1=$(clock_ns)
	i1=$(spin_count $sp 2)
	rx1=$(cat "/sys/class/net/$nic/statistics/rx_packets")
	kill -TERM $sp
	wait $sp
	awk -v t="$((t1 - t0))" -v it="$((i1 - i0))" -v k="$per_iter" -v n=$((rx1 - rx0)) \
	    'BEGIN { printf "%.0f %d\n", (t - it * k) / n, n }'
}

spin_count() {	# PID N: the spinner's count, its Nth answer to SIGUSR1
	kill -USR1 "$1"
	until [ "$(wc -l <"$out/spin.count")" -ge "$2" ]; do sleep 0.01; done
	sed -n "${2}p" "$out/spin.count"
}

# Instructions per spinner iteration, alone (timer ticks included).
per_iter=$("$spin" 2)
echo "# bench-net ($mode): $per_iter insns per spinner iteration"

tracer=""
start_labytrace() {
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
	local v w
	case "$1" in
	enforce*) echo enforce >/proc/sys/vm/page_exclusive_policy ;;
	report*) echo report >/proc/sys/vm/page_exclusive_policy ;;
	esac
	case "$1" in
	*labytrace) start_labytrace || { echo "# labytrace did not attach"; return; } ;;
	esac
	v=$(veth_packet)
	w=$(virtio_packet)
	[ -n "$tracer" ] && { kill -INT $tracer; wait $tracer; tracer=""; }
	printf '%s\t%s\tveth\t%s\t%s\n' "$1" "$2" "$v" "$frames" >>"$tsv"
	printf '%s\t%s\tvirtio\t%s\t%s\n' "$1" "$2" ${w% *} ${w#* } >>"$tsv"
	echo "# $1 round $2: veth $v, virtio ${w% *} insns/packet"
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
echo report >/proc/sys/vm/page_exclusive_policy 2>/dev/null
ip netns del $ns
