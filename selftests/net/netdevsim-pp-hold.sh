#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netdevsim-pp-hold.sh: inside a guest booted with page_exclusive=report, a
# page_pool of a driver that has no page_exclusive code of its own owns its
# pages: netdevsim's.  Its debugfs file pp_hold takes one page from the
# pool and holds it (the upstream way of leaking a pool page on purpose).
# The device is then brought down, which destroys the pool: the stalled
# pool must stay the owner of exactly that page, listed in debugfs and by
# "labytrace owners" with the stack that took it; when the page is given
# back, the pool and its owner go, with no violation and no leak.
#
#   netdevsim-pp-hold.sh BUILD_DIR
#
# Files are kept in BUILD_DIR/results/net-netdevsim/.
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/net-lib.sh" "$1"
out=$build/results/net-netdevsim
debugfs=/sys/kernel/debug
owners=$debugfs/page_exclusive/owners
id=7

plan 7
rm -rf "$out"
mkdir -p "$out"

cleanup() {
	{ echo 0 >"$hold"; echo "$id" >/sys/bus/netdevsim/del_device; } 2>/dev/null
}
trap cleanup EXIT

# One line: the pool's owner record in debugfs, "id=N pages=P name=IF poolM".
pool_owner() { grep " name=$ifname pool[0-9]*\$" "$owners"; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

if ! netdevsim_up "$id" "$out" >"$out/netdevsim.why"; then
	not_ok "netdevsim device up: $(cat "$out/netdevsim.why")"
	for i in 2 3 4 5 6 7; do not_ok "not run"; done
	finish
	exit
fi
violations_before=$(vmstat pgexclusive_violation)
pool_owner >"$out/owner.up"
check "netdevsim's pool is an owner object without a driver flag: $(cat "$out/owner.up")" \
	test -s "$out/owner.up"
oid=$(sed -n 's/^id=\([0-9]*\) .*/\1/p' "$out/owner.up")

echo 1 >"$hold"
ip link set "$ifname" down	# destroys the pool; the held page keeps it
pool_owner >"$out/owner.down"
check "the destroyed pool owns exactly the held page: $(cat "$out/owner.down")" \
	grep -qx "id=$oid pages=1 name=$ifname pool[0-9]*" "$out/owner.down"

cat "$debugfs/page_exclusive/pages" >"$out/pages"
awk -v o="owner=object:$oid " 'index($0, o) { n++ } END { print n + 0 }' "$out/pages" >"$out/pages.count"
awk -v o="owner=object:$oid " '/^pfn=/ { take = index($0, o) } take' "$out/pages" >"$out/pages.mine"
check "debugfs pages: one page of the pool, acquired by nsim_pp_hold_write" \
	eval '[ "$(cat "$out/pages.count")" = 1 ] && grep -q nsim_pp_hold_write "$out/pages.mine"'

"$labytrace" owners -j >"$out/owners.ndjson" 2>"$out/owners.err"
echo $? >"$out/owners.status"
python3 - "$out/owners.ndjson" "$oid" >"$out/owners.check" 2>&1 <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
oid = int(sys.argv[2])
mine = [r for r in recs if r.get("owner", {}).get("id") == oid and
        r["owner"].get("context") == "object"]
frames = json.dumps(mine)
assert mine and any(r.get("pages") == 1 or r.get("held") == 1 for r in mine), mine
assert "nsim_pp_hold_write" in frames, "no stack with nsim_pp_hold_write"
print("ok")
EOF
check "labytrace owners: the pool by name, one page, the stack that took it ($(tail -n 1 "$out/owners.check"))" \
	eval '[ "$(cat "$out/owners.status")" = 0 ] && [ "$(tail -n 1 "$out/owners.check")" = ok ]'

echo 0 >"$hold"
deadline=$((SECONDS + 10))	# the pool's release retries every second
while pool_owner >/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
pool_owner >"$out/owner.returned"
check "the page given back: the pool and its owner are gone" \
	eval '! [ -s "$out/owner.returned" ]'
check "no violation, no leak: pgexclusive_violation +$(( $(vmstat pgexclusive_violation) - violations_before ))" \
	test "$(vmstat pgexclusive_violation)" = "$violations_before"

echo "$id" >/sys/bus/netdevsim/del_device
check "netdevsim device removed" test ! -e "/sys/bus/netdevsim/devices/netdevsim$id"
finish
