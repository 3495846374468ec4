#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# exporters-check.sh: labytrace's Prometheus outputs read by the real
# scrapers, Debian's prometheus-node-exporter and prometheus, as TAP.
#
#   exporters-check.sh LABYTRACE CHECKERS_DIR
#
# Everything runs on loopback, on ports the kernel hands out (labytrace's
# --listen 127.0.0.1:0 says which it got; for node_exporter and prometheus a
# free port is picked and the start retried if another process took it),
# under timeouts, and is stopped by this script.  The values the scrapers
# report must equal labytrace's own final summary (-j), exactly.
#
# Skips everything, with the reason, when not root, when the kernel refuses
# BPF or has no BTF, or when a scraper is not installed: a user's machine
# that lacks something.  Under CI=true (root, BPF allowed, make deps run)
# any of these fails the layer instead.
set -u
lt=$1
checkers=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
check_py="$here/exporters.py"
dashboard=$top/Documentation/labytrace-grafana.json
tmp=$(mktemp -d /tmp/labytrace-exporters.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

tests=(textfile_node_exporter textfile_all_families listen_formats listen_bad_requests
       listen_bad_address listen_never_blocks listen_slowloris listen_port_only
       prometheus_scrape prometheus_openmetrics dashboard)
# shellcheck source-path=SCRIPTDIR source=tap-lib.sh
. "$here/tap-lib.sh"
# "ok ..." from exporters.py, or its errors.
verdict() {
	local desc=$1 out=$2
	shift 2
	if [[ $out == ok* ]] && [ $# = 0 ]; then
		ok "$desc: ${out#ok }"
	else
		not_ok "$desc" "$@" "$out"
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_http URL PID: until URL answers (10 s at most) while PID lives.
wait_http() {
	for _ in $(seq 100); do
		curl -sf -o /dev/null --max-time 1 "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# serve NAME URL_PATH CMD... (with @PORT@ in CMD): start CMD on a free
# port, three tries; sets $port and $server.  The log is $tmp/NAME.log.
serve() {
	local name=$1 path=$2
	shift 2
	for _ in 1 2 3; do
		port=$(free_port)
		"${@//@PORT@/$port}" >"$tmp/$name.log" 2>&1 &
		server=$!
		pids+=("$server")
		wait_http "http://127.0.0.1:$port$path" "$server" && return 0
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	done
	return 1
}
stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# The port labytrace's "serving http://ADDR:PORT/metrics" line names.
served_port() {
	for _ in $(seq 50); do
		sed -n 's|^labytrace: serving http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$1" |
			grep . && return 0
		sleep 0.1
	done
	return 1
}

[ "$(id -u)" = 0 ] || skip_all "not root (labytrace needs CAP_BPF and CAP_PERFMON)"
for tool in prometheus-node-exporter prometheus promtool curl python3; do
	command -v $tool >/dev/null || skip_all "$tool is not installed (make deps installs it)"
done
"$lt" failures -d 0.1 -j >"$tmp/out" 2>"$tmp/err"
case $? in
0) ;;
3) skip_all "the kernel refuses BPF here: $(tail -n1 "$tmp/err")" ;;
4) skip_all "no kernel BTF: $(tail -n1 "$tmp/err")" ;;
*) fatal "labytrace failures -d 0.1 -j runs" "$(head -n1 "$tmp/err")" ;;
esac
echo "1..${#tests[@]}"

# 1. The textfile, with a load, read by node_exporter's textfile collector:
# every counter typed as a counter with labytrace's HELP, values equal to
# labytrace's final summary.
mkdir "$tmp/textfile"
dd if=/dev/zero of="$tmp/load" bs=1M count=128 status=none &
load=$!
timeout 20 "$lt" failures -d 2 -i 0.5 -j --prometheus "$tmp/textfile/labytrace.prom" \
	>"$tmp/textfile.ndjson" 2>"$tmp/err"
rc=$?
wait $load
rm -f "$tmp/load"
if [ $rc != 0 ]; then
	not_ok "textfile read by node_exporter" "labytrace exit $rc" "$(cat "$tmp/err")"
elif ! serve node_exporter /metrics timeout 60 prometheus-node-exporter \
	--web.listen-address=127.0.0.1:@PORT@ --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tmp/textfile"; then
	not_ok "textfile read by node_exporter" "node_exporter did not start" \
		"$(tail -n3 "$tmp/node_exporter.log")"
else
	curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" >"$tmp/scrape"
	stop "$server"
	verdict "textfile read by node_exporter 1.5" \
		"$(python3 "$check_py" node-final "$tmp/textfile.ndjson" "$tmp/scrape")"
fi

# 2. Every family, histograms (_bucket, _sum, _count) and gauges included
# (a stock kernel has neither): labytrace's writer on a fixed snapshot.
mkdir "$tmp/all"
"$checkers/prom_sample" >"$tmp/all/labytrace.prom"
if ! serve node_exporter /metrics timeout 60 prometheus-node-exporter \
	--web.listen-address=127.0.0.1:@PORT@ --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tmp/all"; then
	not_ok "every family read by node_exporter" "node_exporter did not start"
else
	curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" >"$tmp/scrape"
	stop "$server"
	verdict "every family read by node_exporter" \
		"$(python3 "$check_py" node-file "$tmp/all/labytrace.prom" "$tmp/scrape")"
fi

# 3-4. --listen: the classic format unless OpenMetrics is asked for; the
# right status for what is not a metrics request.
prom_accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
timeout 30 "$lt" failures -d 6 -i 0.2 --listen 127.0.0.1:0 >/dev/null 2>"$tmp/listen.err" &
lpid=$!
pids+=("$lpid")
if ! lport=$(served_port "$tmp/listen.err"); then
	not_ok "--listen serves both formats" "no 'serving' line" "$(cat "$tmp/listen.err")"
	not_ok "--listen: bad requests" "not served"
else
	url=http://127.0.0.1:$lport/metrics
	bad=()
	curl -s --max-time 5 -D "$tmp/h1" -o "$tmp/classic" "$url"
	curl -s --max-time 5 -D "$tmp/h2" -o "$tmp/om" -H "Accept: $prom_accept" "$url"
	grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$tmp/h1" ||
		bad+=("no Accept: $(grep -i content-type "$tmp/h1")")
	grep -qi '^content-type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$tmp/h2" ||
		bad+=("Prometheus' Accept: $(grep -i content-type "$tmp/h2")")
	c1=$("$checkers/om_check" --classic "$tmp/classic") || bad+=("classic: $c1")
	c2=$("$checkers/om_check" "$tmp/om") || bad+=("OpenMetrics: $c2")
	grep -q '^# TYPE labytrace_page_allocs_total counter$' "$tmp/classic" || bad+=("classic TYPE")
	grep -q '^# TYPE labytrace_page_allocs counter$' "$tmp/om" || bad+=("OpenMetrics TYPE")
	if [ ${#bad[@]} = 0 ]; then
		ok "--listen serves the classic format, OpenMetrics when asked ($c1; $c2)"
	else
		not_ok "--listen serves the classic format, OpenMetrics when asked" "${bad[@]}"
	fi

	bad=()
	status() { curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$@"; }
	[ "$(status "http://127.0.0.1:$lport/nope")" = 404 ] || bad+=("/nope: not 404")
	[ "$(status "$url?x=1")" = 200 ] || bad+=("query string: not 200")
	[ "$(status -X POST -d x=1 "$url")" = 405 ] || bad+=("POST: not 405")
	curl -s --max-time 5 -D - -o /dev/null -X DELETE "$url" | grep -qi '^allow: GET, HEAD' ||
		bad+=("405 without Allow: GET, HEAD")
	head=$(curl -s --max-time 5 -I "$url")
	[[ $head == "HTTP/1.1 200"* ]] || bad+=("HEAD: ${head%%$'\r'*}")
	# Malformed requests: libmicrohttpd's status, and the server goes on.
	raw() {
		timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$lport"'
			printf "$0" >&3; head -n1 <&3' "$1" 2>&1 | tr -d '\r'
	}
	got=$(raw 'GET /metrics HTTP/1.1\r\nno header here\r\n\r\n')
	[ "$got" = "HTTP/1.1 400 Bad Request" ] || bad+=("a header line without a colon: '$got'")
	got=$(raw 'GET /metrics HTTP/9.9\r\n\r\n')
	[ "$got" = "HTTP/1.1 505 HTTP Version Not Supported" ] || bad+=("HTTP/9.9: '$got'")
	[ "$(status "$url")" = 200 ] || bad+=("not serving after the bad requests")
	if [ ${#bad[@]} = 0 ]; then
		ok "--listen: 404 other paths, 405 with Allow other methods, 400 bad header, 505, HEAD"
	else
		not_ok "--listen: bad requests get the right status" "${bad[@]}"
	fi
fi
stop "$lpid"

# 5. Addresses that cannot serve: refused at start-up, exit 2, one line.
bad=()
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$tmp/busy" &
busy=$!
pids+=("$busy")
for _ in $(seq 50); do [ -s "$tmp/busy" ] && break; sleep 0.1; done
bport=$(cat "$tmp/busy")
for case in "127.0.0.1:$bport|Address already in use" "192.0.2.1:9435|Cannot assign requested address" \
	    "localhost.invalid:9435|" "127.0.0.1|(ADDRESS:PORT" "[::1:9435|(ADDRESS:PORT"; do
	addr=${case%%|*}
	want=${case#*|}
	timeout 10 "$lt" failures -d 1 --listen "$addr" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 2 ] || [ "$(lines "$tmp/err")" != 1 ] || [ -s "$tmp/out" ] ||
	   ! grep -qF "labytrace: bad value for --listen: '$addr'" "$tmp/err" ||
	   ! grep -qF -- "$want" "$tmp/err"; then
		bad+=("$addr: rc=$rc $(head -c 300 "$tmp/err")")
	fi
done
stop "$busy"
if [ ${#bad[@]} = 0 ]; then
	ok "--listen: port in use, address not ours, unknown host, bad syntax: exit 2, one line"
else
	not_ok "--listen: bad addresses exit 2 with one line" "${bad[@]}"
fi

# 6. Stuck and slow clients never delay a map read: eight connections that
# never finish their request, one that never reads its response (from other
# addresses than the scraper's, which has 8 connections at most), while
# intervals of 0.2 s keep coming and other clients are served.  A tracing
# loop that waited on such a client would stop for its 5 s header deadline
# or 10 s idle timeout; the bounds (3 s) are far from both and far above a
# loaded host's scheduling delays, so the verdict does not depend on the
# host's speed.
timeout 60 "$lt" failures -d 6 -i 0.2 -j --listen 127.0.0.1:0 >"$tmp/nb.ndjson" 2>"$tmp/nb.err" &
lpid=$!
pids+=("$lpid")
if ! lport=$(served_port "$tmp/nb.err"); then
	not_ok "stuck clients do not delay tracing" "no 'serving' line" "$(cat "$tmp/nb.err")"
else
	timeout 30 python3 - "$lport" <<'EOF' >"$tmp/nb.clients" 2>&1 &
import socket, sys, time, urllib.request
port = int(sys.argv[1])
stuck = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finished
    stuck.append(s)
reader = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.3", 0))
reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
reader.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 50)  # never read
served, slowest = 0, 0.0
end = time.time() + 4
while time.time() < end:
    t = time.time()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as r:
            r.read()
    except OSError as e:
        sys.exit(f"a client was not served within 3 s: {e}")
    slowest = max(slowest, time.time() - t)
    served += 1
    time.sleep(0.1)
print(f"served {served} slowest {slowest:.3f}")
EOF
	cpid=$!
	wait $cpid
	crc=$?
	wait "$lpid"
	rc=$?
	gaps=$(python3 -c 'import json, sys
ts = [json.loads(l)["ts"] for l in open(sys.argv[1]) if "\"summary\"" in l and "\"final\":false" in l]
print(len(ts), "%.3f" % max(b - a for a, b in zip(ts, ts[1:])) if len(ts) > 1 else 9)' "$tmp/nb.ndjson")
	read -r nint maxgap <<<"$gaps"
	clients=$(cat "$tmp/nb.clients")
	if [ $rc = 0 ] && [ $crc = 0 ] && [ "$nint" -ge 2 ] &&
	   python3 -c "import sys; sys.exit(not $maxgap < 3)" &&
	   [[ $clients == "served "* ]] && [[ ${clients#served } != "0 "* ]]; then
		ok "stuck clients: $nint intervals of 0.2 s, longest gap ${maxgap} s; other clients $clients s"
	else
		not_ok "stuck clients do not delay tracing" "rc=$rc clients=$crc" \
			"intervals $nint, longest gap $maxgap" "$clients"
	fi
fi

# 7. A slowloris: 40 connections from another address (127.0.0.2) that
# trickle a header a byte a second and reconnect when dropped, and from the
# scraper's own address 3 that trickle and 2 that send nothing.  A scraper
# (curl, every 0.5 s for 12 s) must get 200 every time, within its 5 s
# timeout, and the scraper's address must lose its stuck connections to the
# header deadline.  Without limits the 45 took every one of the 32 slots and
# no scrape was served.
timeout 60 "$lt" failures -d 30 -i 0.5 --listen 127.0.0.1:0 >/dev/null 2>"$tmp/sl.err" &
lpid=$!
pids+=("$lpid")
if ! lport=$(served_port "$tmp/sl.err"); then
	not_ok "a slowloris does not take /metrics down" "no 'serving' line" "$(cat "$tmp/sl.err")"
else
	timeout 40 python3 - "$lport" <<'EOF' >"$tmp/sl.out" 2>&1
import socket, subprocess, sys, time
port = int(sys.argv[1])
url = f"http://127.0.0.1:{port}/metrics"

def connect(src, header):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    if header:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ")
    return s

def closed(s):
    try:
        return s.recv(1, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True

far = [connect("127.0.0.2", True) for _ in range(40)]
near = [connect("127.0.0.1", i < 3) for i in range(5)]
start = time.time()
near_closed = [None] * len(near)
codes, slowest, tick = [], 0.0, start
while time.time() - start < 12:
    if time.time() >= tick:
        tick += 1
        for i, s in enumerate(far):
            if closed(s):
                s.close()
                try:
                    far[i] = connect("127.0.0.2", True)
                except OSError:
                    pass
            else:
                try:
                    s.send(b"a")
                except OSError:
                    pass
        for i, s in enumerate(near):
            if near_closed[i] is None and closed(s):
                near_closed[i] = time.time() - start
            elif near_closed[i] is None and i < 3:
                try:
                    s.send(b"a")
                except OSError:
                    pass
    t = time.time()
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", url], capture_output=True, text=True)
    slowest = max(slowest, time.time() - t)
    codes.append(r.stdout)
    time.sleep(0.5)
bad = [c for c in codes if c != "200"]
print(f"{len(codes)} scrapes, {len(bad)} failed ({' '.join(sorted(set(bad)))}), "
      f"slowest {slowest:.2f} s; the scraper's address's stuck connections "
      f"dropped after {' '.join('-' if c is None else '%.0f' % c for c in near_closed)} s")
sys.exit(1 if bad or None in near_closed or not codes else 0)
EOF
	crc=$?
	check "a slowloris does not take /metrics down: $(cat "$tmp/sl.out")" test $crc = 0
fi
stop "$lpid"

# 8. --listen :PORT, the exporters' convention: every address, IPv4 and IPv6.
timeout 30 "$lt" failures -d 5 -i 0.5 --listen :0 >/dev/null 2>"$tmp/any.err" &
lpid=$!
pids+=("$lpid")
aport=
for _ in $(seq 50); do
	aport=$(sed -n 's|^labytrace: serving http://\[::\]:\([0-9]*\)/metrics$|\1|p' "$tmp/any.err")
	[ -n "$aport" ] && break
	sleep 0.1
done
if [ -z "$aport" ]; then
	not_ok "--listen :PORT serves every address" "no 'serving http://[::]:PORT' line" "$(cat "$tmp/any.err")"
else
	got4=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$aport/metrics")
	got6=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://[::1]:$aport/metrics")
	check "--listen :PORT serves every address: 127.0.0.1 $got4, [::1] $got6" \
		test "$got4" = 200 -a "$got6" = 200
fi
stop "$lpid"

# 9-11. Prometheus scrapes labytrace on loopback.  -p makes the counts
# stop when the load does (a gated dd: only its allocations are counted),
# so that once Prometheus has scraped after the load, its values and the
# summary labytrace prints at the end must be the same.
mkfifo "$tmp/gate"
( read -r _ <"$tmp/gate"; exec dd if=/dev/zero of="$tmp/load" bs=1M count=64 conv=fsync status=none ) &
load=$!
pids+=("$load")
timeout 60 "$lt" failures -i 0.5 -j -p $load --listen 127.0.0.1:0 >"$tmp/p.ndjson" 2>"$tmp/p.err" &
lpid=$!
pids+=("$lpid")
if ! lport=$(served_port "$tmp/p.err"); then
	echo go >"$tmp/gate"
	for _ in 9 10 11; do not_ok "prometheus" "labytrace does not serve" "$(cat "$tmp/p.err")"; done
else
	mkdir "$tmp/prom"
	cat >"$tmp/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: labytrace
    static_configs:
      - targets: ['127.0.0.1:$lport']
EOF
	if ! serve prometheus /-/ready timeout 60 prometheus --config.file="$tmp/prom/prometheus.yml" \
		--storage.tsdb.path="$tmp/prom/data" --web.listen-address=127.0.0.1:@PORT@; then
		echo go >"$tmp/gate"
		for _ in 9 10 11; do not_ok "prometheus" "prometheus did not start" "$(tail -n3 "$tmp/prometheus.log")"; done
	else
		purl=http://127.0.0.1:$port
		echo go >"$tmp/gate"
		wait $load
		rm -f "$tmp/load"
		# Two scrapes after the load ended: the frozen counts are stored.
		done_at=$(date +%s.%N)
		stored=
		for _ in $(seq 100); do
			last=$(curl -sf --max-time 2 "$purl/api/v1/query" \
				--data-urlencode 'query=max(timestamp(labytrace_lost_events_total))' |
				python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
			if python3 -c "import sys; sys.exit(not float('${last:-0}') > $done_at + 1.2)"; then
				stored=$last
				break
			fi
			sleep 0.2
		done
		kill -TERM "$lpid"
		wait "$lpid"
		rc=$?
		if [ -z "$stored" ] || [ $rc != 0 ]; then
			not_ok "Prometheus' query API returns labytrace's totals" \
				"rc=$rc, no scrape stored after the load" "$(tail -n3 "$tmp/prometheus.log")"
		else
			verdict "Prometheus 2.42 scraped /metrics: query API equals labytrace's summary" \
				"$(python3 "$check_py" prom-final "$tmp/p.ndjson" "$purl" "$stored")"
		fi
		verdict "Prometheus negotiated OpenMetrics" "$(python3 "$check_py" prom-om "$purl")"
		"$checkers/prom_sample" >"$tmp/families.prom"
		python3 "$check_py" rules "$dashboard" "$tmp/rules.yml" >/dev/null
		if promtool check rules "$tmp/rules.yml" >"$tmp/promtool" 2>&1; then
			verdict "Grafana dashboard: structure, queries (promtool, Prometheus)" \
				"$(python3 "$check_py" dashboard "$dashboard" "$tmp/families.prom" "$purl")"
		else
			not_ok "Grafana dashboard: promtool check rules" "$(cat "$tmp/promtool")"
		fi
		stop "$server"
	fi
fi

exit $failed
