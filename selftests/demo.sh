#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: inside a guest booted by "vmrun --net" with page_exclusive=report,
# real traffic through the two drivers that own their pages, watched live by
# labytrace:
#   - a 64 MiB download from the host through virtio_net in big-packet mode,
#     whose RX queue "eth0 rx0" refills its ring from NAPI with GFP_ATOMIC
#     pages it owns;
#   - at the same time pktgen through a veth pair with an XDP program, whose
#     page_pool "veth1 poolN" owns its pages, as every page_pool does;
#   - then the test module's known load (pex_workload --violations): one
#     ownership violation of each kind, reported with the owner's and the
#     violator's stacks.
# A second labytrace records the run (one interval a second), drawn at the
# end as latency and hold-time heatmaps in build/results/demo-*.svg.
#
#   demo.sh BUILD_DIR [LIVE]
#
# LIVE is labytrace's --live: always (the host's terminal is a TTY: the
# repainted screen), never (a log), or auto.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net/net-lib.sh" "$1"

build=$1
live=${2:-auto}
log=$build/results/demo-labytrace.err
recording=$build/results/demo-recording.ndjson
port=$(net_port) || { echo "demo: no file server (selftests/net/serve-blobs)"; exit 1; }
ns=labyrinth-demo
mkdir -p "$build/results"

nic=$(virtio_nic) || { echo "demo: no virtio_net NIC (boot with vmrun --net)"; exit 1; }

cat <<EOF
== Labyrinth demo ==========================================================
 The kernel tracks exclusive pages (page_exclusive=report).  Two real
 drivers own their pages:
  - virtio_net in big-packet mode: RX queue "$nic rx0" refills its ring from
    NAPI with GFP_ATOMIC pages it owns from the moment they exist, and gives
    each page up when it goes up the stack;
  - veth with an XDP program: its page_pool owns every page it hands out,
    as every page_pool does while tracking is on.
 Now: a 64 MiB download from the host through $nic, and 50,000 frames by
 pktgen through veth0 -> veth1 (XDP) at the same time.  Then the test
 module's known load: one ownership violation of each kind, each reported
 with the owner's and the violator's stacks.
 labytrace shows it live: allocation latency by gfp class and context,
 owners by name with the pages they hold, violations with owner and actor.
============================================================================
EOF
"$labytrace" --live="$live" -i 2 --held-over 1s --owner-stacks 2>"$log" &
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

virtio_up "$nic" &&
veth_xdp_up $ns "$build/selftests/net/xdp_pass.bpf.o" &&
pktgen_veth $ns 50000 || { echo "demo: cannot set up the NICs"; exit 1; }
pg=/proc/net/pktgen
timeout 300 sh -c "echo start >$pg/pgctrl" &
pktgen=$!
curl -sS --max-time 300 -o /dev/null "http://10.0.2.2:$port/blob"
wait $pktgen
sleep 3
load_test_module &&
"$workload" --task 4 --violations >/dev/null ||
	{ echo "demo: the violations load failed"; exit 1; }
sleep 4
kill -INT $lt $rec
wait $lt
wait $rec || { echo "demo: the recording failed:"; cat "$log.record"; exit 1; }
ip netns del $ns
# The NIC's refills: atomic allocations in softirq (the queue claims them).
"$labytrace" heatmap "$recording" -o "$build/results/demo-latency.svg" \
	--gfp atomic --context softirq &&
"$labytrace" heatmap "$recording" -o "$build/results/demo-hold.svg" --metric hold &&
echo "-- heatmaps of the recording: build/results/demo-latency.svg, demo-hold.svg"
