#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# veth-xdp.sh: inside a guest booted with page_exclusive=report, send
# 100,000 packets with pktgen through a veth pair into a second network
# namespace, where an XDP program on the receiving veth makes it copy every
# frame into its page_pool's pages, and require labytrace to count the
# pool's pages exactly: as the kernel's tracepoints (tracefs histograms of
# page_exclusive and page_pool events) and the pool's own counters
# (ethtool -S) saw them.  Then the XDP program is detached, the pool is
# destroyed, and it must have given every page back with no violation.
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
"$labytrace" -j -i 1 >"$out/labytrace.ndjson" 2>"$out/labytrace.err" &
lpid=$!
wait_for "$out/labytrace.err" '^Tracing' $attach_timeout $lpid ||
	fail "labytrace did not attach: $(cat "$out/labytrace.err")"

ip netns add $ns || fail "ip netns add"
ip link add veth0 type veth peer name veth1 netns $ns || fail "ip link add veth"
ip link set veth0 up
ip addr add 10.9.0.1/24 dev veth0
ip -n $ns link set lo up
ip -n $ns link set veth1 up
ip -n $ns addr add 10.9.0.2/24 dev veth1
# No ARP: the receiver's ICMP errors need 10.9.0.1's address, and an ARP
# reply would be one more frame through XDP, in a fragment of a pool page.
ip -n $ns neigh add 10.9.0.1 lladdr "$(cat /sys/class/net/veth0/address)" dev veth1 nud permanent
ip -n $ns link set dev veth1 xdpdrv obj "$xdp" sec xdp 2>"$out/xdp.err" ||
	fail "cannot attach XDP to veth1: $(cat "$out/xdp.err")"
grep ' name=veth1 pool[0-9]*$' /sys/kernel/debug/page_exclusive/owners >"$out/owner"
hist_snapshot "$out/hist.attached"

pg=/proc/net/pktgen
echo "rem_device_all" >$pg/kpktgend_0
echo "add_device veth0" >$pg/kpktgend_0
# 1500-byte frames take a whole pool page each (a shorter one takes a
# fragment, reused in place rather than recycled), so every packet's page
# goes back to the pool through the recycling path.
for c in "count $packets" "pkt_size 1500" "delay 0" "clone_skb 0" "burst 1" \
	 "dst 10.9.0.2" "dst_mac $(ip -n $ns -br link show veth1 | awk '{print $3}')"; do
	echo "$c" >$pg/veth0
done
timeout 600 sh -c "echo start >$pg/pgctrl" || fail "pktgen did not finish in 600 s"
cat $pg/veth0 >"$out/pktgen"
sleep 1
ip netns exec $ns ethtool -S veth1 >"$out/ethtool" || fail "ethtool -S veth1"
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.sent"
hist_snapshot "$out/hist.sent"

ip -n $ns link set dev veth1 xdpdrv off
# The pool goes once every page is back; then its owner goes too.
for _ in $(seq 100); do
	grep -qf <(cut -d' ' -f1 "$out/owner" | sed 's/$/ /') /sys/kernel/debug/page_exclusive/owners ||
		break
	sleep 0.1
done
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.detached"
hist_snapshot "$out/hist.detached"
sleep 1.5	# one more labytrace interval
stop_labytrace $lpid
echo $? >"$out/labytrace.status"
grep '^pgexclusive' /proc/vmstat >"$out/vmstat.after"

python3 "$here/check_veth_xdp.py" "$out" $packets
