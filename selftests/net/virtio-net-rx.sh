#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-net-rx.sh: inside a guest booted by "vmrun --net" with
# page_exclusive=report, download files from the host through virtio_net in
# big-packet mode and require labytrace to count the RX queue's pages
# exactly: what the kernel's own tracepoints (tracefs histograms) saw, and
# what the frames received imply.
#
#   virtio-net-rx.sh BUILD_DIR
#
# BUILD_DIR/net holds what selftests/net/serve-blobs serves (port, blobs and
# their sums).  Four phases, with one labytrace watching them all:
#   0. before the device is ever opened, ethtool -G resizes its RX ring,
#      which fills it: the queue, set up at probe, must own those pages;
#   1. a 64 MiB download, pages released as they go up the stack, none
#      freed while the queue owns it;
#   2. the device is unbound: the queue gives up the pages it still has and
#      its owner goes away with no leak.
# Files are kept in BUILD_DIR/results/net-virtio/ for a post-mortem.
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"
out=$build/results/net-virtio
net=$build/net

fail() { echo "1..1"; echo "not ok 1 - virtio-net: $*"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
port=$(net_port) || fail "no file server: run under selftests/net/serve-blobs"

nic=$(virtio_nic) || fail "no virtio_net interface: was the guest booted with vmrun --net?"
vdev=$(basename "$(readlink -f "/sys/class/net/$nic/device")")
cat "/sys/bus/virtio/devices/$vdev/features" >"$out/features"
cat "/sys/class/net/$nic/mtu" >"$out/mtu"
echo "$nic $vdev" >"$out/nic"

# Besides the owner's events, the length of every frame the NIC hands to
# GRO: it says how many pages each took up the stack.
trap hist_stop EXIT
hist_start laby_net || fail "cannot create a trace instance"
hist_add_owner_events
hist_add net/napi_gro_receive_entry "hist:keys=len:vals=hitcount:size=16384 if name == \"$nic\""

grep '^pgexclusive' /proc/vmstat >"$out/vmstat.before"
start_labytrace "$out" || fail "labytrace did not attach: $(cat "$out/labytrace.err")"

download() {	# BLOB: fetch it, write its sum and how long it took
	local start=$SECONDS
	curl -sS --max-time 600 "http://10.0.2.2:$port/$1" | sha256sum | cut -d' ' -f1 \
		>"$out/$1.got"
	echo $((SECONDS - start)) >"$out/$1.seconds"
}

grep "name=$nic rx0\$" /sys/kernel/debug/page_exclusive/owners >"$out/owner"
ip -o link show "$nic" >"$out/link.before"
hist_snapshot "$out/hist.start"
ethtool -g "$nic" >"$out/ring.before" 2>&1
# A resize of a device never opened refills its ring from this task.
ethtool -G "$nic" rx 128 >"$out/resize.err" 2>&1
echo $? >"$out/resize.status"
ethtool -g "$nic" >"$out/ring.after" 2>&1
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.resized"
hist_snapshot "$out/hist.resized"

virtio_up "$nic" || fail "cannot bring $nic up"
hist_snapshot "$out/hist.up"
cat "/sys/class/net/$nic/statistics/rx_packets" >"$out/rx_packets.start"

download blob
sleep 1		# frees the stack deferred
hist_snapshot "$out/hist.released"
cat "/sys/class/net/$nic/statistics/rx_packets" >"$out/rx_packets.released"

cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.before-unbind"

echo "$vdev" >/sys/bus/virtio/drivers/virtio_net/unbind
hist_snapshot "$out/hist.unbound"
cat /sys/kernel/debug/page_exclusive/owners >"$out/owners.after-unbind"
sleep 1.5	# one more labytrace interval
stop_labytrace
echo $? >"$out/labytrace.status"
grep '^pgexclusive' /proc/vmstat >"$out/vmstat.after"

python3 "$here/check_virtio_net.py" "$out" "$net/www"
