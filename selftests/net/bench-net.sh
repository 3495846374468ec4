#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-net.sh: inside a benchmark guest booted with vmrun --icount --net,
# what a received packet costs, in guest instructions, on three paths:
#
# veth       pktgen sends frames of 1500 bytes through a veth pair into an
#            XDP program, which makes veth copy each into its page_pool's
#            pages; no socket takes them, so each is freed at once and its
#            pool page recycles.
# veth-held  the same, but a UDP socket (udp_hold.py) holds every frame
#            until the run ends, so the pool refills from the page
#            allocator: the page_pool path where tracking has work to do.
#            The guest is busy throughout both, so pktgen's elapsed guest
#            time is instructions; per packet, it covers building and
#            sending the frame too.
# virtio     a download from the host through virtio_net in big-packet
#            mode: the instructions spent in NET_RX softirqs (NAPI poll,
#            refill, GRO, TCP) per received frame, summed in the kernel by
#            a tracefs histogram between softirq_entry and softirq_exit
#            (whose own triggers are in the count, the same in every boot).
#            Elapsed time around the download would not do: it waits for
#            the host, and an idle vCPU lets the -icount clock jump; inside
#            a softirq the vCPU never idles.  The reader and the NIC's RX
#            interrupt are both on CPU 0, so no other vCPU runs meanwhile
#            (the clock counts every vCPU's instructions).
#
# Each configuration runs RUNS rounds, configurations alternating.
#
#   bench-net.sh BUILD_DIR off|report|sampled|nostacks|notbuilt RUNS
#
# Appends "config<TAB>round<TAB>path<TAB>insns per packet<TAB>packets" to
# BUILD_DIR/results/bench-net.tsv.  Never a pass/fail criterion; a path that
# cannot run says why on a "#" line and writes no row.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"
. "$here/../tracers.sh"

build=$1 mode=$2 runs=${3:-3}
out=$build/results
tsv=$out/bench-net.tsv
tracer_log=$out/bench-net-tracer.log
ns=labyrinth-bench
frames=20000
# What the virtio path downloads: blob (64 MiB; 8 MiB, blob-small, left
# rounds 70% apart as NAPI batching changed, 64 MiB 8%).
blob=${BENCH_NET_BLOB:-blob}
T=/sys/kernel/tracing
mkdir -p "$out"

veth_xdp_up $ns "$build/selftests/net/xdp_pass.bpf.o" || exit 1
pg=/proc/net/pktgen
pktgen_veth $ns $frames || exit 1

pktgen_packet() {	# instructions per frame, from pktgen's own elapsed time
	local usec
	echo start >$pg/pgctrl
	usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' $pg/veth0)
	echo $((usec * 1000 / frames))
}

row() {	# CONFIG ROUND PATH INSNS PACKETS
	printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tsv"
	echo "# $1 round $2: $3 $4 insns/packet ($5 packets)"
}

path_veth() {	# CONFIG ROUND
	row "$1" "$2" veth "$(pktgen_packet)" $frames
}

# pktgen's default destination port is 9 (discard).
path_veth_held() {	# CONFIG ROUND
	local v ready held dropped
	coproc HOLD { ip netns exec $ns python3 "$here/udp_hold.py" 10.9.0.2 9; }
	read -r -t 60 ready <&"${HOLD[0]}"
	if [ "$ready" != ready ]; then
		echo "# $1 round $2: veth-held: the UDP holder did not start"
		return
	fi
	v=$(pktgen_packet)
	exec {HOLD[1]}>&-
	read -r -t 120 held dropped <&"${HOLD[0]}"
	wait "$HOLD_PID"
	# A dropped frame recycles its page: the path would not be what it says.
	if [ "${held:-0}" -ne $frames ] || [ "${dropped:--1}" -ne 0 ]; then
		echo "# $1 round $2: veth-held: held ${held:-?} of $frames frames, dropped ${dropped:-?}"
		return
	fi
	row "$1" "$2" veth-held "$v" "$held"
}

# --- virtio_net: NET_RX softirq instructions, summed in the kernel ----------
# The histogram exists only during a download: its triggers cost every
# softirq, and pktgen's frames on the veth paths each raise one.
nic="" port="" rx_inst=$T/instances/labyrinth-bench-net
rx_entry=$rx_inst/events/irq/softirq_entry/trigger
rx_exit=$rx_inst/events/irq/softirq_exit/trigger
rx_sum=$rx_inst/events/synthetic/labyrinth_net_rx/trigger
# NET_RX_SOFTIRQ is vector 3.
rx_entry_trigger='hist:keys=common_cpu:ts0=common_timestamp if vec == 3'
rx_exit_trigger='hist:keys=common_cpu:insns=common_timestamp-$ts0:onmatch(irq.softirq_entry).trace(labyrinth_net_rx,$insns) if vec == 3'
rx_sum_trigger='hist:keys=common_cpu:vals=hitcount,insns'

virtio_setup() {
	local irq
	nic=$(virtio_nic) && port=$(net_port) || return 1
	virtio_up "$nic" || return 1
	# Its RX interrupt on CPU 0, where the reader runs.
	for irq in $(awk -F: '/virtio[0-9]*-input/ {print $1}' /proc/interrupts); do
		echo 0 >"/proc/irq/${irq// /}/smp_affinity_list" || return 1
	done
	echo 'labyrinth_net_rx u64 insns' >>$T/synthetic_events && mkdir "$rx_inst"
}

rx_hist_on() {
	echo "$rx_entry_trigger" >"$rx_entry" && echo "$rx_exit_trigger" >"$rx_exit" &&
	echo "$rx_sum_trigger" >"$rx_sum"
}

rx_hist_off() {	# in reverse: a variable goes only when nothing uses it
	echo "!$rx_sum_trigger" >>"$rx_sum"
	echo "!$rx_exit_trigger" >>"$rx_exit"
	echo "!$rx_entry_trigger" >>"$rx_entry"
}

rx_insns() {	# NET_RX instructions so far, all CPUs
	awk '/^{ common_cpu:/ { for (i = 1; i < NF; i++) if ($i == "insns:") s += $(i + 1) }
	     END { print s + 0 }' "$rx_inst/events/synthetic/labyrinth_net_rx/hist"
}

path_virtio() {	# CONFIG ROUND
	local insns p0 p1 sum
	if ! rx_hist_on; then
		echo "# $1 round $2: virtio: cannot set up the NET_RX histogram"
		rx_hist_off 2>/dev/null
		return
	fi
	p0=$(cat "/sys/class/net/$nic/statistics/rx_packets")
	sum=$(taskset -c 0 curl -sS --max-time 600 "http://10.0.2.2:$port/$blob" |
		sha256sum | cut -d' ' -f1)
	p1=$(cat "/sys/class/net/$nic/statistics/rx_packets")
	insns=$(rx_insns)
	rx_hist_off
	if [ "$sum" != "$(cat "$build/net/www/$blob.sha256" 2>/dev/null)" ]; then
		echo "# $1 round $2: virtio: the download failed or came back corrupt"
		return
	fi
	row "$1" "$2" virtio $((insns / (p1 - p0))) $((p1 - p0))
}

run() {	# CONFIG ROUND PATH...
	local cfg=$1 round=$2 p
	shift 2
	case "$cfg" in
	enforce*) echo enforce >/proc/sys/vm/page_exclusive_policy ;;
	report*) echo report >/proc/sys/vm/page_exclusive_policy ;;
	esac
	case "$cfg" in
	*labytrace) start_tracer labytrace || return ;;
	esac
	for p in "$@"; do
		"path_${p//-/_}" "$cfg" "$round"
	done
	stop_tracer
}

virtio=virtio
if ! virtio_setup; then
	echo "# virtio: not measured (no virtio_net NIC, no host server, or no histogram)"
	virtio=""
fi

for ((round = 1; round <= runs; round++)); do
	case "$mode" in
	off)	run off $round veth veth-held $virtio
		run off-labytrace $round veth veth-held ;;
	report)	run report $round veth veth-held $virtio
		run enforce $round veth
		run report-labytrace $round veth veth-held ;;
	sampled|nostacks|notbuilt)
		run $mode $round veth veth-held $virtio ;;
	*) echo "usage: bench-net.sh BUILD_DIR off|report|sampled|nostacks|notbuilt RUNS" >&2; exit 2 ;;
	esac
done
[ "$mode" = report ] && echo report >/proc/sys/vm/page_exclusive_policy
ip netns del $ns
