#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# holders-check.sh: "labytrace holders" against the running kernel, as TAP.
#
#   holders-check.sh LABYTRACE XDP_OBJECT
#
# A veth pair across two network namespaces of our own, XDP_OBJECT (an
# XDP_PASS program) on the receiving end, so that veth copies every frame
# into its page_pool's pages.  A UDP socket that never reads takes N
# datagrams of 1472 bytes (each a whole pool page), a TCP connection whose
# server never reads takes a stream sent without TSO or GSO (a page a
# segment).  holders must name each socket and its process with exactly
# the pages the kernel says it holds: N less /proc/net/udp's drops, and
# at most the receiver's tcpi_data_segs_in; and the pool's total must
# equal what page_pool's own tracepoints say is in flight (the last hold
# count less the last release count; then page_pool_release's inflight
# once XDP is detached and the pool destroyed).  Detaching XDP must change
# no socket's count; closing the sockets must leave nothing in flight.
# Then the errors a user can make.  Skips (off CI) when not root or when
# the kernel has no BPF iterators; fails otherwise.
set -u
lt=$1
xdp=$2
tmp=$(mktemp -d /tmp/labytrace-holders.XXXXXX)
a=lt-hold-a-$$
b=lt-hold-b-$$
inst=/sys/kernel/tracing/instances/lt_holders_$$
udp_n=40
tcp_bytes=200000
pids=()

tests=(udp_socket_pages processes pool_adds_up pool_equals_tracepoints
       text_view pool_filters live_pool_counts live_pool_prometheus
       detached_pool_unchanged detached_equals_release_event tcp_socket_pages
       live_pool_destroyed drained usage_errors not_root no_btf)
# shellcheck source-path=SCRIPTDIR source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	if [ -d "$inst" ]; then
		echo 0 >"$inst/events/page_pool/enable"
		rmdir "$inst" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

run() {
	"$lt" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# calc A OP B...: the arithmetic, or x when an operand is not a number (a
# wrong answer, "no single holder ..."): its check fails, and set -u does
# not end the script on a word taken for a variable.
calc() {
	local i=0 v
	for v; do
		[ $((i++ % 2)) = 1 ] || [[ $v =~ ^-?[0-9]+$ ]] || { echo x; return; }
	done
	echo $(($*))
}

[ "$(id -u)" = 0 ] || skip_all "not root"
run holders -j
case $rc in
0) ;;
3|4|5) skip_all "$(tail -n 1 "$tmp/err")" ;;
*) fatal "labytrace holders runs (exit $rc)" "$(cat "$tmp/err")" ;;
esac
[ -d /sys/kernel/tracing/instances ] ||
	mount -t tracefs none /sys/kernel/tracing 2>/dev/null
[ -d /sys/kernel/tracing/events/page_pool ] ||
	fatal "tracefs with page_pool events" "no /sys/kernel/tracing/events/page_pool"
[ -r "$xdp" ] || fatal "the XDP program is built" "$xdp"
echo "1..${#tests[@]}"

# The network: A (10.213.0.1) sends without TSO or GSO, B (10.213.0.2)
# receives through XDP.  No IPv6 (where the kernel has it at all) and
# permanent neighbours: no frame but ours.
setup() {
	ip netns add "$a" && ip netns add "$b" &&
	ip -n "$a" link add hva type veth peer name hvb netns "$b" &&
	for ns_ in "$a" "$b"; do
		if [ -d /proc/sys/net/ipv6 ]; then
			ip netns exec "$ns_" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || return 1
		fi
		ip -n "$ns_" link set lo up || return 1
	done &&
	ip netns exec "$a" ethtool -K hva tso off gso off >/dev/null 2>&1 &&
	ip -n "$a" addr add 10.213.0.1/24 dev hva &&
	ip -n "$b" addr add 10.213.0.2/24 dev hvb &&
	ip -n "$a" link set hva up && ip -n "$b" link set hvb up &&
	ip -n "$a" neigh add 10.213.0.2 lladdr "$(ip -n "$b" -br link show hvb | awk '{print $3}')" \
		dev hva nud permanent &&
	ip -n "$b" neigh add 10.213.0.1 lladdr "$(ip -n "$a" -br link show hva | awk '{print $3}')" \
		dev hvb nud permanent &&
	mkdir "$inst" &&
	echo 4096 >"$inst/buffer_size_kb" &&
	echo 1 >"$inst/events/page_pool/enable" &&
	ip -n "$b" link set dev hvb xdpdrv obj "$xdp" sec xdp
}
setup 2>"$tmp/setup.err" || fatal "veth with XDP across two namespaces" "$(cat "$tmp/setup.err")"

# FILE: until labytrace (trace_pid) says in FILE that it traces, or has
# exited: at once on a host, a minute in a guest under emulation (KASAN).
wait_tracing() {
	local _
	for _ in $(seq 1500); do
		grep -q '^Tracing' "$1" && return
		kill -0 $trace_pid 2>/dev/null || return
		sleep 0.2
	done
}

# labytrace tracing, its per-pool gauges from page_pool's tracepoints,
# from before the first frame: every page the pool takes is seen.
"$lt" -j -i 0.5 --prometheus "$tmp/live.prom" >"$tmp/trace.ndjson" 2>"$tmp/trace.err" &
trace_pid=$!
pids+=($trace_pid)
wait_tracing "$tmp/trace.err"

# Holders: "PID FD" in their ready files once they hold their socket.
# They, and the sender, live as long as this script (their parent): in a
# guest under emulation it takes a quarter of an hour, and a holder that
# gave up earlier took its pages with it.
ip netns exec "$b" python3 -c '
import os, socket, sys, time
parent = os.getppid()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
s.setsockopt(socket.SOL_SOCKET, 35, 1)		# SO_TIMESTAMPNS: skbs get their time
s.bind(("10.213.0.2", 9000))
open(sys.argv[1], "w").write("%d %d" % (os.getpid(), s.fileno()))
while os.getppid() == parent:
	time.sleep(1)' "$tmp/udp.ready" &
pids+=($!)
# The TCP server says what it has unread (SIOCINQ) and in how many data
# segments (tcp_info's tcpi_data_segs_in) every 0.1 s until it has every
# byte, as "ss -ti" would where the kernel has INET_DIAG.
ip netns exec "$b" python3 -c '
import fcntl, os, socket, struct, sys, termios, time
parent = os.getppid()
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
l.bind(("10.213.0.2", 9001))
l.listen(1)
open(sys.argv[1] + ".listening", "w").write("")
c, _ = l.accept()
open(sys.argv[1], "w").write("%d %d" % (os.getpid(), c.fileno()))
q = -1
while os.getppid() == parent:
	if q < int(sys.argv[2]):
		q = struct.unpack("i", fcntl.ioctl(c, termios.FIONREAD, b"\0" * 4))[0]
		info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
		segs = struct.unpack_from("I", info, 152)[0]	# tcpi_data_segs_in
		open(sys.argv[1] + ".new", "w").write("%d %d\n" % (q, segs))
		os.replace(sys.argv[1] + ".new", sys.argv[1] + ".info")
	time.sleep(0.1 if q < int(sys.argv[2]) else 1)' "$tmp/tcp.ready" $tcp_bytes &
pids+=($!)
for _ in $(seq 100); do
	[ -e "$tmp/udp.ready" ] && [ -e "$tmp/tcp.ready.listening" ] && break
	sleep 0.1
done
sent_at=$(date +%s.%N)
ip netns exec "$a" python3 -c '
import os, socket, sys, time
parent = os.getppid()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
	u.sendto(b"u" * 1472, ("10.213.0.2", 9000))
t = socket.create_connection(("10.213.0.2", 9001))
t.sendall(b"t" * int(sys.argv[2]))
open(sys.argv[3], "w").write("")
while os.getppid() == parent:
	time.sleep(1)' $udp_n $tcp_bytes "$tmp/sent" &
pids+=($!)
for _ in $(seq 100); do [ -e "$tmp/sent" ] && [ -e "$tmp/tcp.ready" ] && break; sleep 0.1; done
# Until the receiver has every byte (Recv-Q), at most 5 s.
recvq=
tcp_segs=
for _ in $(seq 50); do
	{ read -r recvq tcp_segs <"$tmp/tcp.ready.info"; } 2>/dev/null
	[ "$recvq" = $tcp_bytes ] && break
	sleep 0.1
done
read -r udp_pid udp_fd <"$tmp/udp.ready"
read -r tcp_pid tcp_fd <"$tmp/tcp.ready"
ip netns exec "$b" cat /proc/net/udp >"$tmp/proc-udp"
udp_drops=$(awk '$2 ~ /:2328$/ { print $NF }' "$tmp/proc-udp")
udp_want=$((udp_n - ${udp_drops:-0}))

# What the pool's own tracepoints say is in flight: each event carries
# the pool's hold or release counter, so the last of each, less one
# another, whatever was missed.  Ours is the pool (hashed address) with
# events since XDP was attached.
tp_inflight() {
	python3 - "$inst/trace" "$@" <<'EOF'
import re, sys
hold, rel = {}, {}
for m in re.finditer(r"page_pool_state_(hold|release): page_pool=(\S+) .*(?:hold|release)=(\d+)",
		     open(sys.argv[1]).read()):
	d = hold if m.group(1) == "hold" else rel
	d[m.group(2)] = max(d.get(m.group(2), 0), int(m.group(3)))
mode = sys.argv[2] if len(sys.argv) > 2 else "inflight"
print(" ".join(str(hold[p] - rel.get(p, 0)) if mode == "inflight" else
	       "%d %d" % (hold[p], rel.get(p, 0)) for p in hold) or "none")
EOF
}

"$lt" holders -j >"$tmp/live.ndjson" 2>"$tmp/live.err"
live_rc=$?
tp_live=$(tp_inflight)
"$lt" holders --dev hvb >"$tmp/live.txt" 2>"$tmp/live.txt.err"
text_rc=$?

# NDJSON FILE QUERY...: what check.py says of FILE (a tiny jq).
check_py() {
	python3 - "$@" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pools = [r for r in recs if r["type"] == "pool" and (r["ifname"] == "hvb" or r["device"] == "hvb")]
def holder(local):
	h = [r for r in recs if r["type"] == "holder" and r.get("local") == local]
	return h[0] if len(h) == 1 else None
q = sys.argv[2]
if q == "pool":
	if len(pools) != 1:
		print("pools of hvb: %d" % len(pools)); sys.exit()
	p = pools[0]
	un = [r for r in recs if r["type"] == "unattributed" and r["pool_seq"] == p["pool_seq"]]
	print(p["inflight"], p["in_sockets"], p["in_cache"], p["unattributed"],
	      un[0]["pages"] if un else "none", p["destroyed"], p["sockets"],
	      ",".join(p["found_by"]), p["inflight_source"])
elif q == "holder":
	h = holder(sys.argv[3])
	if not h:
		print("no single holder at " + sys.argv[3]); sys.exit()
	procs = " ".join("%d:%s" % (p["pid"], ",".join(map(str, p["fds"]))) for p in h["processes"])
	print(h["pages"], h["queues"]["receive"], h["queues"]["error"],
	      h["queues"]["out_of_order"], h["protocol"], h.get("state"),
	      h["pool"] == (pools[0]["pool"] if pools else -1), h["oldest_age_s"], procs or "none")
EOF
}

read -r h_pages h_rcv h_err h_ofo h_proto h_state h_pool h_age h_procs \
	<<<"$(check_py "$tmp/live.ndjson" holder 10.213.0.2:9000)"
# Its oldest skb was received after the datagrams were sent, before now.
h_age_ok=$(python3 -c 'import sys, time
a = sys.argv[1]
print(a not in ("None", "") and 0 <= float(a) <= time.time() - float(sys.argv[2]))' "$h_age" "$sent_at")
if [ $live_rc = 0 ] && [ "$h_pages" = "$udp_want" ] && [ "$h_rcv" = "$udp_want" ] &&
   [ "$h_proto" = udp ] && [ "$h_pool" = True ] && [ "$h_age_ok" = True ]; then
	ok "UDP socket: $h_pages pages, as /proc/net/udp says ($udp_n sent, ${udp_drops:-?} dropped), the oldest ${h_age}s old"
else
	not_ok "UDP socket: $udp_want pages, as /proc/net/udp says, and the oldest's age" \
		"rc=$live_rc holder: $h_pages $h_rcv $h_proto pool=$h_pool age=$h_age (sent at $sent_at)" \
		"$(cat "$tmp/live.err")" "$(cat "$tmp/proc-udp")"
fi
udp_procs=$h_procs
udp_pages=$h_pages

read -r t_pages t_rcv t_err t_ofo t_proto t_state t_pool t_age t_procs \
	<<<"$(check_py "$tmp/live.ndjson" holder 10.213.0.2:9001)"
tcp_pages=$t_pages

if [ "$udp_procs" = "$udp_pid:$udp_fd" ] && [ "$t_procs" = "$tcp_pid:$tcp_fd" ]; then
	ok "each socket's process by pid and fd: $udp_procs, $t_procs"
else
	not_ok "each socket's process by pid and fd" "udp: $udp_procs, want $udp_pid:$udp_fd" \
		"tcp: $t_procs, want $tcp_pid:$tcp_fd"
fi

read -r p_inflight p_sockets p_cache p_unattr p_unrec p_destroyed p_nsocks p_found p_src \
	<<<"$(check_py "$tmp/live.ndjson" pool)"
if [ "$p_sockets" = "$(calc "$udp_pages" + "$tcp_pages")" ] && [ "$p_nsocks" = 2 ] &&
   [ "$p_inflight" = "$(calc "$p_sockets" + "$p_cache" + "$p_unattr")" ] && [ "$p_unattr" = 0 ] &&
   [ "$p_unrec" = 0 ] && [ "$p_destroyed" = False ]; then
	ok "the pool: $p_inflight in flight = $p_sockets in 2 sockets + $p_cache cached + 0 elsewhere"
else
	not_ok "the pool adds up: in flight = in sockets + cached, nothing elsewhere" \
		"pool: $p_inflight $p_sockets $p_cache $p_unattr $p_unrec $p_destroyed $p_nsocks"
fi

if [ "$tp_live" = "$p_inflight" ]; then
	ok "its in flight ($p_inflight, by $p_src) is page_pool_state_hold less _release"
else
	not_ok "its in flight is page_pool_state_hold less _release" \
		"holders: $p_inflight ($p_src); tracepoints: $tp_live"
fi

if [ $text_rc = 0 ] && [ ! -s "$tmp/live.txt.err" ] &&
   grep -q "^page_pool [0-9]* of hvb (ifindex [0-9]*, netns [0-9]*), order 0: $p_inflight pages in flight" "$tmp/live.txt" &&
   grep -q "^ *$p_sockets  in 2 sockets$" "$tmp/live.txt" &&
   grep -Eq "^ *$udp_pages  udp   10.213.0.2:9000, inode [0-9]+, oldest [0-9]+\.[0-9]s  python3 \(pid $udp_pid, fd $udp_fd\)$" "$tmp/live.txt" &&
   grep -Eq "^ *$tcp_pages  tcp   10.213.0.2:9001 <- 10.213.0.1:[0-9]+ established, inode [0-9]+(, oldest [0-9]+\.[0-9]s)?  python3 \(pid $tcp_pid, fd $tcp_fd\)$" "$tmp/live.txt" &&
   grep -q "^ *0  elsewhere: in a driver, a qdisc, a CPU's deferred skb frees, or leaked by a stray put_page()$" "$tmp/live.txt"; then
	ok "--dev hvb as text: the pool, each socket with its process, nothing elsewhere"
else
	not_ok "--dev hvb as text" "rc=$text_rc" "$(cat "$tmp/live.txt" "$tmp/live.txt.err")"
fi

# A pool that is not there, by id and by device, while one is: exit 2.
bad=()
run holders --pool 4294967295
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -q "^labytrace: bad value for --pool: '4294967295' (no page_pool has that id; pools: .*hvb pool [0-9]*" "$tmp/err" ||
	bad+=("--pool 4294967295 -> rc=$rc $(cat "$tmp/err")")
run holders --dev nosuchdev0
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -q "^labytrace: bad value for --dev: 'nosuchdev0' (no page_pool of that device; pools: " "$tmp/err" ||
	bad+=("--dev nosuchdev0 -> rc=$rc $(cat "$tmp/err")")
run holders -j --dev hvb
id=$(python3 -c 'import json, sys; print([json.loads(l)["pool"] for l in open(sys.argv[1])][0])' "$tmp/out" 2>/dev/null)
run holders -j --pool "${id:-1}"
[ $rc = 0 ] && [ "$(grep -c '"type":"pool"' "$tmp/out")" = 1 ] &&
	grep -q "\"pool\":${id:-x}," "$tmp/out" || bad+=("--pool ${id:-?} -> rc=$rc $(head -c 300 "$tmp/out")")
if [ ${#bad[@]} = 0 ]; then
	ok "--pool and --dev: a pool not there is exit 2 naming the pools there; --pool $id selects it"
else
	not_ok "--pool and --dev select, or say what is there" "${bad[@]}"
fi

# The live gauges: labytrace stopped, its last reading against the
# pool's own counters as its tracepoints carry them (nothing else moved).
kill -INT $trace_pid
wait $trace_pid
trace_rc=$?
read -r tp_hold tp_release <<<"$(tp_inflight counts)"
live_check() {	# NDJSON PROM DEV: "pool inflight taken returned destroyed destroyed_s" of its final record, and the textfile's
	python3 - "$@" <<'EOF'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"page_pool"' in l]
fin = [r for r in recs if r["final"] and r["dev"] == sys.argv[3]]
if len(fin) != 1:
	print("final page_pool records of %s: %d" % (sys.argv[3], len(fin))); sys.exit()
r = fin[0]
prom = open(sys.argv[2]).read()
def sample(name):
	m = re.search(r'^%s\{pool="%s"\} (\S+)$' % (name, r["pool"]), prom, re.M)
	return m.group(1) if m else "none"
info = re.search(r'^labytrace_pool_info\{pool="%s",dev="%s"\} 1$' % (r["pool"], sys.argv[3]), prom, re.M)
print(r["pool"], r["inflight"], r["taken"], r["returned"], r["destroyed"], r["destroyed_s"],
      sample("labytrace_pool_inflight_pages"), sample("labytrace_pool_taken_pages_total"),
      sample("labytrace_pool_returned_pages_total"), sample("labytrace_pool_destroyed"),
      "info" if info else "noinfo")
EOF
}
read -r l_pool l_inflight l_taken l_returned l_destroyed l_ds p_inf p_taken p_ret p_destr p_info \
	<<<"$(live_check "$tmp/trace.ndjson" "$tmp/live.prom" hvb)"
if [ $trace_rc = 0 ] && [ "$l_inflight" = "$p_inflight" ] && [ "$l_taken" = "$tp_hold" ] &&
   [ "$l_returned" = "$tp_release" ] && [ "$l_destroyed" = False ] &&
   [ "$l_inflight" = "$(calc "$tp_hold" - "$tp_release")" ]; then
	ok "live: pool $l_pool in flight $l_inflight, took $l_taken and gave back $l_returned pages, as page_pool_state_hold and _release count them"
else
	not_ok "live: the pool's gauges as page_pool's tracepoints count them" \
		"rc=$trace_rc labytrace: pool ${l_pool:-?} inflight ${l_inflight:-?} taken ${l_taken:-?} returned ${l_returned:-?}" \
		"tracepoints: hold ${tp_hold:-?} release ${tp_release:-?}; holders: $p_inflight" \
		"$(grep -v '^Tracing' "$tmp/trace.err")"
fi
if [ "$p_inf" = "$l_inflight" ] && [ "$p_taken" = "$l_taken" ] && [ "$p_ret" = "$l_returned" ] &&
   [ "$p_destr" = 0 ] && [ "$p_info" = info ]; then
	ok "live: the textfile's labytrace_pool_* for pool $l_pool are the final record's, its device in labytrace_pool_info"
else
	not_ok "live: labytrace_pool_* as the final record says" \
		"textfile: inflight $p_inf taken $p_taken returned $p_ret destroyed $p_destr $p_info" \
		"$(grep labytrace_pool "$tmp/live.prom" | grep -v '^#')"
fi
# A second run, across the destruction: the destroyed pool, still waiting.
# It ends once holders has answered, as the first: a run of a set length
# (-d 3.5) could end, in a slow guest, before the pool was destroyed.
"$lt" -j -i 0.5 --prometheus "$tmp/destroyed.prom" >"$tmp/trace2.ndjson" 2>"$tmp/trace2.err" &
trace_pid=$!
pids+=($trace_pid)
wait_tracing "$tmp/trace2.err"
attached2=$(grep -c '^Tracing' "$tmp/trace2.err")

# XDP off: veth destroys its pool, which waits for the sockets' pages.
ip -n "$b" link set dev hvb xdpdrv off
sleep 2.2	# page_pool_release_retry() runs every second
"$lt" holders -j >"$tmp/detached.ndjson" 2>"$tmp/detached.err"
det_rc=$?
release_inflight=$(grep -o 'page_pool_release: .* inflight=[0-9-]*' "$inst/trace" |
	tail -n 1 | sed 's/.*inflight=//')
read -r d_inflight d_sockets d_cache d_unattr d_unrec d_destroyed d_nsocks d_found d_src \
	<<<"$(check_py "$tmp/detached.ndjson" pool)"
read -r du_pages _ <<<"$(check_py "$tmp/detached.ndjson" holder 10.213.0.2:9000)"
read -r dt_pages _ <<<"$(check_py "$tmp/detached.ndjson" holder 10.213.0.2:9001)"
if [ $det_rc = 0 ] && [ "$du_pages" = "$udp_pages" ] && [ "$dt_pages" = "$tcp_pages" ] &&
   [ "$d_destroyed" = True ] && [ "$d_sockets" = "$(calc "$udp_pages" + "$tcp_pages")" ] &&
   [ "$d_cache" = 0 ] && [ "$d_unattr" = 0 ]; then
	ok "XDP detached, pool destroyed: the same $du_pages + $dt_pages pages, nothing cached or elsewhere (found by $d_found)"
else
	not_ok "XDP detached: the same answer" "rc=$det_rc udp $du_pages tcp $dt_pages" \
		"pool: $d_inflight $d_sockets $d_cache $d_unattr $d_destroyed $d_found" \
		"$(cat "$tmp/detached.err")"
fi
if [ -n "$release_inflight" ] && [ "$release_inflight" = "$d_inflight" ] &&
   [ "$d_inflight" = "$(calc "$udp_pages" + "$tcp_pages")" ]; then
	ok "page_pool_release says $release_inflight in flight: all of them in the two sockets"
else
	not_ok "page_pool_release's inflight is what the sockets hold" \
		"event: ${release_inflight:-none}; holders: $d_inflight = $d_sockets in sockets"
fi
# TCP copies a segment into the tailroom of the one before when it fits
# (skb_try_coalesce()), freeing its page: a socket's pages are fewer than
# its segments.  What the destroyed pool still has out, less the UDP
# socket's, is what the TCP socket holds.
if [ -n "$release_inflight" ] && [ "$t_pages" = "$(calc "$release_inflight" - "$udp_want")" ] &&
   [ "$t_rcv" = "$t_pages" ] && [ "$t_proto" = tcp ] && [ "$t_state" = established ] &&
   [ "$recvq" = $tcp_bytes ] && [ "$t_pool" = True ] && [ "$t_pages" -le "${tcp_segs:-0}" ]; then
	ok "TCP socket: $t_pages pages, page_pool_release's $release_inflight less the UDP socket's $udp_want ($recvq bytes unread in $tcp_segs segments)"
else
	not_ok "TCP socket: page_pool_release's count less the UDP socket's" \
		"holder: $t_pages $t_rcv $t_proto $t_state pool=$t_pool; release event ${release_inflight:-none}, udp $udp_want" \
		"the receiver: ${recvq:-?} bytes unread in ${tcp_segs:-?} segments"
fi

kill -INT $trace_pid
wait $trace_pid
trace_rc=$?
read -r l_pool l_inflight l_taken l_returned l_destroyed l_ds p_inf p_taken p_ret p_destr p_info \
	<<<"$(live_check "$tmp/trace2.ndjson" "$tmp/destroyed.prom" hvb)"
if [ $trace_rc = 0 ] && [ "$l_destroyed" = True ] && [ "$l_ds" != None ] &&
   [ "$l_inflight" = "${release_inflight:-x}" ] && [ "$p_destr" = 1 ] && [ "$p_inf" = "$l_inflight" ]; then
	ok "live: the destroyed pool, ${l_ds}s after, waits for $l_inflight pages; labytrace_pool_destroyed 1"
else
	not_ok "live: the destroyed pool and what it waits for" \
		"rc=$trace_rc destroyed ${l_destroyed:-?} ${l_ds:-?}s inflight ${l_inflight:-?} (release event ${release_inflight:-none}); textfile destroyed ${p_destr:-?} inflight ${p_inf:-?}" \
		"$(grep -v '^Tracing' "$tmp/trace2.err")" \
		"page_pool records: $(grep -c '"page_pool"' "$tmp/trace2.ndjson"), of: $(grep -o '"dev":"[^"]*"' "$tmp/trace2.ndjson" | sort | uniq -c | tr '\n' ' ')" \
		"release events: $(grep -c 'page_pool_release:' "$inst/trace"); tracing before XDP was detached: $attached2"
fi

# The sockets go: the pages come home, the pool goes.
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
pids=()
# TCP frees a read skb on the CPU that received it (skb_attempt_defer_free()):
# its pages wait in that CPU's list until it next runs NET_RX.  A few
# datagrams on loopback from every CPU flush them all.
for c in $(seq 0 $(($(nproc) - 1))); do
	taskset -c "$c" python3 -c '
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(100):
	s.sendto(b"f", r.getsockname())' 2>/dev/null
done
sleep 2.2
"$lt" holders -j >"$tmp/drained.ndjson" 2>"$tmp/drained.err"
dr_rc=$?
if [ $dr_rc = 0 ] && [ "$(check_py "$tmp/drained.ndjson" pool)" = "pools of hvb: 0" ] &&
   [ "$(grep -o 'inflight=[0-9-]*' "$inst/trace" | tail -n 1)" = inflight=0 ]; then
	ok "sockets closed: nothing in flight, the pool gone"
else
	not_ok "sockets closed: nothing in flight" "rc=$dr_rc $(check_py "$tmp/drained.ndjson" pool)" \
		"$(grep -o 'inflight=[0-9-]*' "$inst/trace" | tail -n 3 | tr '\n' ' ')" \
		"$(ip netns exec "$b" ss -uantp)" "$("$lt" holders 2>&1)"
fi

# The errors a user can make: one line each, exit 2.
bad=()
usage() {	# WANT ARGS...
	local want=$1
	shift
	run "$@"
	[ $rc = 2 ] && [ ! -s "$tmp/out" ] && [ "$(lines "$tmp/err")" = 1 ] &&
		grep -qxF "labytrace: $want" "$tmp/err" ||
		bad+=("$* -> rc=$rc $(cat "$tmp/err")")
}
usage "'latency': holders takes no mode" holders latency
usage "bad value for --pool: '0' (a page_pool id, 1 to 4294967295)" holders --pool 0
usage "bad value for --pool: 'x' (a page_pool id, 1 to 4294967295)" holders --pool x
usage "bad value for --dev: 'a/b' (an interface name, at most 15 characters)" holders --dev a/b
usage "-i is for tracing and record, not holders" holders -i 1
usage "--dev is for holders, not tracing" --dev eth0
usage "--live is for tracing: heatmap, owners and holders run once" holders --live
if [ ${#bad[@]} = 0 ]; then
	ok "usage errors: exit 2, one line each"
else
	not_ok "usage errors: exit 2, one line each" "${bad[@]}"
fi

# Without privilege, and with CAP_BPF and CAP_PERFMON only: exit 3.
if command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$lt" holders >"$tmp/out" 2>"$tmp/err"
	rc=$?
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all,+bpf,+perfmon --ambient-caps=+bpf,+perfmon \
		"$lt" holders >"$tmp/out2" 2>"$tmp/err2"
	rc2=$?
	if [ $rc = 3 ] && [ $rc2 = 3 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	   [ "$(lines "$tmp/err2")" = 1 ] &&
	   grep -q '^labytrace: missing CAP_BPF and CAP_PERFMON' "$tmp/err" &&
	   grep -q '^labytrace: missing CAP_SYS_ADMIN: holders enters every network namespace' "$tmp/err2"; then
		ok "not root, and CAP_BPF + CAP_PERFMON only: exit 3, one line naming what is missing"
	else
		not_ok "without privilege: exit 3" "rc=$rc $(cat "$tmp/err")" "rc2=$rc2 $(cat "$tmp/err2")"
	fi
else
	ok "not root # SKIP setpriv not installed"
fi

unshare -m bash -c 'mount -t tmpfs none /sys/kernel/btf && exec "$0" holders' \
	"$lt" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 4 ] && [ "$(lines "$tmp/err")" = 1 ] &&
   grep -qx 'labytrace: the kernel has no BTF (/sys/kernel/btf/vmlinux: No such file or directory); CONFIG_DEBUG_INFO_BTF=y is needed' "$tmp/err"; then
	ok "no BTF: exit 4, one line"
else
	not_ok "no BTF: exit 4, one line" "rc=$rc" "$(cat "$tmp/err")"
fi
exit $failed
