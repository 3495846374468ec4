#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# veth-xdp.sh: inside a guest booted with page_exclusive=report, send
# 100,000 packets with pktgen through a veth pair into a second network
# namespace, where an XDP program on the receiving veth makes it copy every
# frame into its page_pool's pages, and require labytrace to count the
# pool's pages exactly: as the kernel's tracepoints (tracefs histograms of
# page_exclusive and page_pool events) and the pool's own counters
# (ethtool -S) saw them.  Then "who is holding my pool's pages?": a socket
# that never reads holds 100 more frames, the XDP program is detached, and
# the destroyed pool must stay with exactly those pages, listed in debugfs
# and by "labytrace owners"; when the socket goes, the pages come home, and
# the pool and its owner go with no violation and no leak.
#
#   veth-xdp.sh BUILD_DIR
#
# Files are kept in BUILD_DIR/results/net-veth/ for a post-mortem.
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"
out=$build/results/net-veth
xdp=$build/selftests/net/xdp_pass.bpf.o
ns=labyrinth-b
packets=100000
held=100

fail() { echo "1..1"; echo "not ok 1 - veth-xdp: $*"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
[ -f "$xdp" ] || fail "$xdp is not built"

cleanup() {
	ip netns del $ns 2>/dev/null
	ip link del veth0 2>/dev/null
	echo "rem_device_all" >/proc/net/pktgen/kpktgend_0 2>/dev/null
	hist_stop
}
trap cleanup EXIT

hist_start laby_veth || fail "cannot create a trace instance"
hist_add_owner_events
hist_add page_pool/page_pool_state_hold 'hist:keys=pool:vals=hitcount:size=256'
hist_add page_pool/page_pool_state_release 'hist:keys=pool:vals=hitcount:size=256'

grep '^pgexclusive' /proc/vmstat >"$out/vmstat.before"
start_labytrace "$out" || fail "labytrace did not attach: $(cat "$out/labytrace.err")"

veth_xdp_up $ns "$xdp" 2>"$out/setup.err" ||
	fail "cannot set up veth with XDP: $(cat "$out/setup.err")"
grep ' name=veth1 pool[0-9]*$' /sys/kernel/debug/page_exclusive/owners >"$out/owner"
hist_snapshot "$out/hist.attached"

pg=/proc/net/pktgen
pktgen_veth $ns $packets || fail "cannot set up pktgen"
timeout 600 sh -c "echo start >$pg/pgctrl" || fail "pktgen did not finish in 600 s"
cat $pg/veth0 >"$out/pktgen"
sleep 1
ip netns exec $ns ethtool -S veth1 >"$out/ethtool" || fail "ethtool -S veth1"
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.sent"
hist_snapshot "$out/hist.sent"

# A UDP socket on the frames' port that never reads: each frame it
# receives keeps its pool page in the socket's queue.
rm -f "$out/udp.ready"
ip netns exec $ns python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE: past rmem_max
s.bind(("10.9.0.2", 9))
open(sys.argv[1], "w").write("ready")
time.sleep(600)' "$out/udp.ready" &
holder=$!
for _ in $(seq 300); do [ -e "$out/udp.ready" ] && break; sleep 0.1; done
echo "count $held" >$pg/veth0
timeout 120 sh -c "echo start >$pg/pgctrl" || fail "pktgen did not finish in 120 s"
ip netns exec $ns cat /proc/net/udp >"$out/udp"
ip -n $ns link set dev veth1 xdpdrv off
owner_listed() { grep -q "^$(cut -d' ' -f1 "$out/owner") " /sys/kernel/debug/page_exclusive/owners; }
sleep 2		# page_pool_release_retry() runs every second
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.held"
"$labytrace" owners -j --held-top 3 >"$out/owners.ndjson" 2>"$out/owners.err"
echo $? >"$out/owners.status"
hist_snapshot "$out/hist.held"

# The pages come home; the destroyed pool goes, and its owner with it.
kill $holder
wait $holder 2>/dev/null
for _ in $(seq 100); do owner_listed || break; sleep 0.1; done
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.detached"
hist_snapshot "$out/hist.detached"
sleep 1.5	# one more labytrace interval
stop_labytrace
echo $? >"$out/labytrace.status"
grep '^pgexclusive' /proc/vmstat >"$out/vmstat.after"

python3 "$here/check_veth_xdp.py" "$out" $packets $held
