# SPDX-License-Identifier: GPL-2.0
# What the guest-side network tests share: source it with BUILD_DIR as $1.
# Brings in ../e2e/e2e-lib.sh (labytrace's path, wait_for, TAP helpers).
#
# The kernel's own count of what the tests check, independent of labytrace:
# tracefs histograms, kept in the kernel, in a trace instance of their own.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e-lib.sh"

hist_dir=""
hist_events=()

# hist_start NAME: a trace instance; hist_add EVENT SPEC adds a histogram.
hist_start() {
	hist_dir=/sys/kernel/tracing/instances/$1
	hist_stop
	mkdir "$hist_dir"
}

hist_add() {
	echo "$2" >"$hist_dir/events/$1/trigger" && hist_events+=("$1")
}

# hist_snapshot FILE: every histogram, each after a "### EVENT" line.
hist_snapshot() {
	local e
	for e in "${hist_events[@]}"; do
		echo "### $e"
		cat "$hist_dir/events/$e/hist"
	done >"$1"
}

# An instance goes only once its triggers do ("!" and the trigger as read).
# Read with the shell's own read: a grep process for each of the instance's
# ~2,300 trigger files took the guest minutes under TCG.
hist_stop() {
	local t line
	[ -d "$hist_dir" ] || return 0
	for t in "$hist_dir"/events/*/*/trigger; do
		while read -r line; do
			case "$line" in '#'*|'') continue ;; esac
			echo "!${line% \[*}" >>"$t"
		done <"$t"
	done
	hist_events=()
	rmdir "$hist_dir"
}

# The owner objects' events (ctx 3): acquired by id and gfp (0 for a
# claim), released by id, violations by id and kind.
hist_add_owner_events() {
	hist_add page_exclusive/page_exclusive_acquire \
		'hist:keys=owner,gfp_flags:vals=hitcount:size=256 if ctx == 3'
	hist_add page_exclusive/page_exclusive_release \
		'hist:keys=owner:vals=hitcount:size=256 if ctx == 3'
	hist_add page_exclusive/page_exclusive_violation \
		'hist:keys=owner,kind:vals=hitcount:size=256 if owner_ctx == 3'
}

# start_labytrace DIR: labytrace -j, an interval a second, into
# DIR/labytrace.ndjson, and wait until it has attached.
start_labytrace() {
	"$labytrace" -j -i 1 >"$1/labytrace.ndjson" 2>"$1/labytrace.err" &
	labytrace_pid=$!
	wait_for "$1/labytrace.err" '^Tracing' $attach_timeout $labytrace_pid
}

# stop_labytrace: SIGINT, at most 60 s; its exit status.
stop_labytrace() {
	local deadline=$((SECONDS + 60))
	kill -INT $labytrace_pid
	while [ $SECONDS -lt $deadline ]; do
		kill -0 $labytrace_pid 2>/dev/null || { wait $labytrace_pid; return $?; }
		sleep 0.2
	done
	kill -KILL $labytrace_pid
	return 124
}

# net_port: where selftests/net/serve-blobs serves the host's files (on
# 127.0.0.1, which the guest reaches as 10.0.2.2).
net_port() {
	local p
	p=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^labyrinth\.net_port=//p')
	[ -n "$p" ] || p=$(cat "$build/net/port" 2>/dev/null)
	[ -n "$p" ] && echo "$p"
}

# virtio_nic: the interface virtio_net drives (vmrun --net adds one).
virtio_nic() {
	local d
	for d in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$d/device/driver" 2>/dev/null)")" = virtio_net ] &&
			basename "$d" && return 0
	done
	return 1
}

# virtio_up NIC: up, as the guest of QEMU's user network (10.0.2.15/24).
virtio_up() {
	ip link set lo up && ip link set "$1" up && ip addr add 10.0.2.15/24 dev "$1"
}

# veth_xdp_up NS XDP_OBJECT: veth0 (10.9.0.1) here, veth1 (10.9.0.2) in a
# new namespace NS with the XDP program, whose page_pool then owns the pages
# veth copies frames into.  A permanent neighbour for 10.9.0.1 keeps ARP
# replies (frames in fragments of a pool page) out of the counts.
veth_xdp_up() {
	ip netns add "$1" &&
	ip link add veth0 type veth peer name veth1 netns "$1" &&
	ip link set veth0 up &&
	ip addr add 10.9.0.1/24 dev veth0 &&
	ip -n "$1" link set lo up &&
	ip -n "$1" link set veth1 up &&
	ip -n "$1" addr add 10.9.0.2/24 dev veth1 &&
	ip -n "$1" neigh add 10.9.0.1 lladdr "$(cat /sys/class/net/veth0/address)" \
		dev veth1 nud permanent &&
	ip -n "$1" link set dev veth1 xdpdrv obj "$2" sec xdp
}

# pktgen_veth NS COUNT: pktgen on CPU 0's thread will send COUNT frames of
# 1500 bytes from veth0 to veth1 in NS: each takes a whole pool page (a
# shorter one takes a fragment, reused in place rather than recycled).
# Start it with "echo start >/proc/net/pktgen/pgctrl".
pktgen_veth() {
	local pg=/proc/net/pktgen c
	echo "rem_device_all" >$pg/kpktgend_0
	echo "add_device veth0" >$pg/kpktgend_0
	for c in "count $2" "pkt_size 1500" "delay 0" "clone_skb 0" "burst 1" "dst 10.9.0.2" \
		 "dst_mac $(ip -n "$1" -br link show veth1 | awk '{print $3}')"; do
		echo "$c" >$pg/veth0 || return 1
	done
}

# netdevsim_up ID OUT: netdevsim device ID with one port, up; sets ifname
# and hold (its port's pp_hold file).  On failure prints why (from OUT's
# *.err files) and returns 1.
netdevsim_up() {
	local id=$1 out=$2
	modprobe -q netdevsim 2>/dev/null ||
		insmod "$build/kernel-test/drivers/net/netdevsim/netdevsim.ko" 2>"$out/insmod.err"
	echo "$id 1" >/sys/bus/netdevsim/new_device 2>"$out/new_device.err"
	ifname=$(ls "/sys/bus/netdevsim/devices/netdevsim$id/net/" 2>/dev/null | head -n 1)
	hold=$(ls -d "/sys/kernel/debug/netdevsim/netdevsim$id/ports/"*/pp_hold 2>/dev/null | head -n 1)
	if [ -z "$ifname" ] || [ -z "$hold" ] || ! ip link set "$ifname" up; then
		cat "$out"/*.err 2>/dev/null
		return 1
	fi
}
