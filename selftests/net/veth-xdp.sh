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
