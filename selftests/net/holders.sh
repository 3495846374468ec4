#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# holders.sh: "labytrace holders" in the guest (6.12 with the series,
# booted with page_exclusive on or off: the answer must not depend on it).
#
# 1. veth + XDP: labytrace's own host test (tools/labytrace/tests/
#    holders-check.sh): a UDP socket and a TCP connection that never read
#    hold pool pages; holders must give each socket and process exactly
#    what /proc/net/udp and page_pool's own tracepoints say, before and
#    after the pool is destroyed, and nothing once the sockets close.
#    Every one of its checks must pass here: a skip is a failure.
# 2. netdevsim: a pool with a netdev, which netlink's page-pool-get lists
#    (6.8+).  pp_hold takes one page from it and holds it: holders must
#    report the pool's in flight as netlink does (check_holders.py asks
#    netlink itself), its cache, and exactly one page held by no socket;
#    the same once the device is down and the pool destroyed; and no pool
#    once the page is given back.  With mem_section hidden from
#    /proc/kallsyms, the one line that says skb heads are unreadable.
#
#   holders.sh BUILD_DIR
#
# Files are kept in BUILD_DIR/results/net-holders/.
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"
top=$(cd "$here/../.." && pwd)
out=$build/results/net-holders
xdp=$build/selftests/net/xdp_pass.bpf.o
check=$here/check_holders.py
id=7
mode=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^page_exclusive=//p')

plan 10
rm -rf "$out"
mkdir -p "$out"

# Quiet once the device is gone: a redirection's error is the shell's,
# before any 2>/dev/null that follows it on the same command.
cleanup() {
	{ [ -n "${hold:-}" ] && echo 0 >"$hold"; echo "$id" >/sys/bus/netdevsim/del_device; } 2>/dev/null
}
trap cleanup EXIT

# 1. veth + XDP, by the host test, whole.
if [ -f "$xdp" ]; then
	bash "$top/tools/labytrace/tests/holders-check.sh" "$labytrace" "$xdp" \
		>"$out/veth.tap" 2>&1
	rc=$?
else
	echo "not ok 1 - $xdp is not built" >"$out/veth.tap"
	rc=1
fi
want=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/veth.tap" | tail -n 1)
passed=$(grep -c '^ok ' "$out/veth.tap")
skipped=$(grep -c '^ok .*# SKIP' "$out/veth.tap")
check "veth + XDP (page_exclusive=${mode:-off}): holders-check.sh, $passed of ${want:-?} passed, none skipped" \
	eval '[ $rc = 0 ] && [ -n "$want" ] && [ "$passed" = "$want" ] && [ "$skipped" = 0 ]'
[ $rc = 0 ] || grep -A3 '^not ok\|SKIP' "$out/veth.tap" | sed 's/^/# /'

# 2. netdevsim's pool, one page held by the driver.
if ! netdevsim_up "$id" "$out" >"$out/netdevsim.why"; then
	not_ok "netdevsim device up: $(cat "$out/netdevsim.why")"
	for i in 3 4 5 6 7 8 9 10; do not_ok "not run"; done
	finish
	exit
fi
ifindex=$(cat "/sys/class/net/$ifname/ifindex")
ok "netdevsim device $ifname up (ifindex $ifindex)"

echo 1 >"$hold"
python3 "$check" netlink "$ifindex" >"$out/netlink.held"
read -r pool nl_inflight nl_detach <"$out/netlink.held"
"$labytrace" holders -j --dev "$ifname" >"$out/held.ndjson" 2>"$out/held.err"
echo $? >"$out/held.status"
python3 "$check" pool "$out/held.ndjson" "$ifname" "${nl_inflight:-x}" 1 0 >"$out/held.check" 2>&1
check "pp_hold: netlink's $nl_inflight in flight, one page held by no socket, the rest cached ($(cat "$out/held.check"))" \
	eval '[ "$(cat "$out/held.status")" = 0 ] && [ "$(cat "$out/held.check")" = ok ] && [ "$nl_detach" = 0 ]'

"$labytrace" holders --pool "${pool:-1}" >"$out/held.txt" 2>"$out/held.txt.err"
echo $? >"$out/held.txt.status"
check "--pool $pool as text: the pool of $ifname, 1 page elsewhere" \
	eval '[ "$(cat "$out/held.txt.status")" = 0 ] &&
	grep -q "^page_pool $pool of $ifname (ifindex $ifindex, netns [0-9]*), order 0: $nl_inflight pages in flight (.*, netlink)\$" "$out/held.txt" &&
	grep -q "^ *1  elsewhere: in a driver" "$out/held.txt" && [ "$(grep -c "^page_pool " "$out/held.txt")" = 1 ]'

# A kernel without vmemmap (this one: CONFIG_SPARSEMEM_VMEMMAP=n) whose
# /proc/kallsyms has no mem_section (KALLSYMS_ALL off): skb heads cannot be
# followed to their pages.  One line says so and why, and the rest of the
# answer stands (exit 0).
if grep -q '^# CONFIG_SPARSEMEM_VMEMMAP is not set' "$build/kernel-test/.config"; then
	syms=$(mktemp /tmp/holders-kallsyms.XXXXXX)
	grep -v ' mem_section$' /proc/kallsyms >"$syms"
	unshare -m sh -c 'mount --bind "$1" /proc/kallsyms && exec "$2" holders --dev "$3"' \
		sh "$syms" "$labytrace" "$ifname" >"$out/nosyms.txt" 2>"$out/nosyms.err"
	echo $? >"$out/nosyms.status"
	rm -f "$syms"
	check "no mem_section in /proc/kallsyms: one line, exit 0, the pool still answered ($(cat "$out/nosyms.err"))" \
		eval '[ "$(cat "$out/nosyms.status")" = 0 ] && [ "$(grep -c "" "$out/nosyms.err")" = 1 ] &&
		grep -qx "labytrace: skb heads unreadable (no vmemmap (struct pages in the direct map: .*), and no mem_section in /proc/kallsyms, .*): only page frags are counted" "$out/nosyms.err" &&
		grep -q "^ *1  elsewhere: in a driver" "$out/nosyms.txt"'
else
	skip "no mem_section in /proc/kallsyms: the kernel has vmemmap"
fi

# Down: the pool is destroyed, and waits for the held page.
ip link set "$ifname" down
sleep 1.5
python3 "$check" netlink "$ifindex" >"$out/netlink.down"
read -r pool_d nl_inflight_d nl_detach_d <"$out/netlink.down"
"$labytrace" holders -j --dev "$ifname" >"$out/down.ndjson" 2>"$out/down.err"
echo $? >"$out/down.status"
python3 "$check" pool "$out/down.ndjson" "$ifname" "${nl_inflight_d:-x}" 0 1 >"$out/down.check" 2>&1
check "down, pool destroyed: netlink's ${nl_inflight_d:-?} in flight (detached at ${nl_detach_d:-?}), the held page by no socket ($(cat "$out/down.check"))" \
	eval '[ "$(cat "$out/down.status")" = 0 ] && [ "$(cat "$out/down.check")" = ok ] &&
	[ "$nl_inflight_d" = 1 ] && [ "$pool_d" = "$pool" ] && [ "${nl_detach_d:-0}" != 0 ]'

"$labytrace" holders >"$out/down.txt" 2>"$out/down.txt.err"
check "the destroyed pool as text: destroyed, 1 page, nothing cached" \
	eval 'grep -q "^page_pool $pool of $ifname (.*), order 0, destroyed [0-9]*s ago: 1 pages in flight" "$out/down.txt" &&
	! grep -q "cache and ring" <(sed -n "/^page_pool $pool /,/^page_pool /p" "$out/down.txt")'

# The page given back: the pool goes, and holders says there is none.
echo 0 >"$hold"
deadline=$((SECONDS + 10))	# the pool's release retries every second
while :; do
	python3 "$check" netlink "$ifindex" >"$out/netlink.gone"
	[ -s "$out/netlink.gone" ] && [ $SECONDS -lt $deadline ] || break
	sleep 0.5
done
"$labytrace" holders --dev "$ifname" >"$out/gone.txt" 2>"$out/gone.err"
echo $? >"$out/gone.status"
check "page given back: netlink lists no pool, holders --dev $ifname is exit 2 ($(cat "$out/gone.err"))" \
	eval '! [ -s "$out/netlink.gone" ] && [ "$(cat "$out/gone.status")" = 2 ] &&
	grep -q "^labytrace: bad value for --dev: .$ifname. (no page_pool of that device" "$out/gone.err"'

echo "$id" >/sys/bus/netdevsim/del_device
check "netdevsim device removed" test ! -e "/sys/bus/netdevsim/devices/netdevsim$id"
"$labytrace" holders -j >"$out/end.ndjson" 2>"$out/end.err"
echo $? >"$out/end.status"
check "holders at the end: exit 0, nothing on stderr but its own lines" \
	eval '[ "$(cat "$out/end.status")" = 0 ] && [ "$(grep -vc "^labytrace: " "$out/end.err")" = 0 ]'
finish
