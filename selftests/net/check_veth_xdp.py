#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check_veth_xdp.py OUT PACKETS HELD: TAP verdict on what veth-xdp.sh saw.

OUT holds the run's files: tracefs histograms when the XDP program was
attached, after the packets were sent, while a socket held HELD frames of
the destroyed pool, and after it let them go; the pool's counters
(ethtool -S); debugfs owners at each step; "labytrace owners" while the
pages were held; vmstat before and after; labytrace's NDJSON.

While ownership is tracked, every page_pool owns each page from its
allocation to page_pool_return_page(), with no driver flag: so the pool's
own events (page_pool_state_hold and _release, one per page entering and
leaving it) and its owner's events (acquire, release) must match one for
one, and labytrace must count the same.  The pool claims the pages of a
refill after the allocator returned them: their acquire events carry
__GFP_EXCLUSIVE alone.  Recycling keeps ownership: pages handed out (alloc_fast + alloc_slow
+ alloc_refill) come back as recycle_cached + recycle_ring, or leave the
pool as recycle_ring_full + recycle_released_ref.
"""
import json
import re
import sys

from netcheck import Tap, debugfs_owners, final_owner, labytrace_records, read_hists, \
    vmstat_delta

GFP_EXCLUSIVE = 0x200
tap = Tap("veth-xdp", 14)
check = tap.check


def main():
    out, packets, held = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rd = lambda name: open(f"{out}/{name}").read().strip()
    m = re.match(r"id=(\d+) pages=(\d+) name=(veth1 pool\d+)$", rd("owner"))
    check(m, "the XDP page_pool of veth1 is an owner object in debugfs", rd("owner"))
    oid = int(m.group(1)) if m else -1
    name = m.group(3) if m else "?"
    st = {}
    for line in open(f"{out}/ethtool"):
        k, _, v = line.strip().partition(": ")
        if v.strip().isdigit():
            st[k] = int(v)
    xdp = st.get("rx_queue_0_xdp_packets", -1)
    sent = re.search(r"Result: OK: .* (\d+) \(1500byte,0frags\)\s+\d+pps .* errors: (\d+)",
                     open(f"{out}/pktgen").read(), re.S)
    check(sent and int(sent.group(1)) == packets and sent.group(2) == "0" and
          xdp == packets and st.get("rx_queue_0_drops", 0) == 0,
          f"pktgen sent {packets} frames of 1500 bytes, all through XDP on veth1, none dropped",
          f"sent {sent and sent.group(1)}, xdp_packets {xdp}, drops {st.get('rx_queue_0_drops')}")

    snaps, drops = {}, 0
    for phase in ("attached", "sent", "held", "detached"):
        snaps[phase], d = read_hists(f"{out}/hist.{phase}")
        drops += d
    check(drops == 0, "no histogram dropped an event", f"{drops}")

    def count(phase, event, pred=lambda k: True):
        return sum(v for k, v in snaps[phase].get(event, {}).items() if pred(k))
    mine = lambda k: k[0] == oid
    acq = count("sent", "page_exclusive_acquire", mine)
    rel = count("sent", "page_exclusive_release", mine)
    hold = count("sent", "page_pool_state_hold")
    gone = count("sent", "page_pool_state_release")
    check(acq == hold and rel == gone and acq > 0,
          "the pool's pages: one owner acquire per page_pool hold, one release per page_pool release",
          f"acquired {acq}, held {hold}; released {rel}, returned {gone}")
    # A refill from the ring hands out one page itself, besides the fast ones.
    out_now = (st["rx_pp_alloc_fast"] + st["rx_pp_alloc_slow"] + st["rx_pp_alloc_slow_ho"] +
               st["rx_pp_alloc_refill"] -
               st["rx_pp_recycle_cached"] - st["rx_pp_recycle_ring"] -
               st["rx_pp_recycle_ring_full"] - st["rx_pp_recycle_released_ref"])
    check(rel == st["rx_pp_recycle_ring_full"] + st["rx_pp_recycle_released_ref"],
          "pages that left the pool are its ring_full + released_ref returns",
          f"{rel} released; ring_full {st['rx_pp_recycle_ring_full']}, "
          f"released_ref {st['rx_pp_recycle_released_ref']}")
    owners = debugfs_owners(f"{out}/owners.sent")
    recycled = st["rx_pp_recycle_cached"] + st["rx_pp_recycle_ring"]
    check(owners.get(oid) == acq - rel and out_now == 0 and recycled >= packets,
          "after the traffic the pool owns what it acquired less what left it; every page "
          "handed out came back, recycled without a new owner",
          f"debugfs {owners.get(oid)}, {acq} - {rel}; {recycled} recycled, {out_now} still out")

    # Destroyed with pages in a socket: the pool stays, owning just those.
    inflight = (count("held", "page_pool_state_hold") - count("held", "page_pool_state_release"))
    owners = debugfs_owners(f"{out}/owners.held")
    check(owners.get(oid) == held and inflight == held,
          f"pool destroyed while a socket holds {held} frames: it stays, owning exactly those pages",
          f"debugfs {owners.get(oid)}, page_pool in flight {inflight}")
    ko = []
    for line in open(f"{out}/owners.ndjson"):
        r = json.loads(line)
        if r.get("type") == "kernel_owner" and r["owner"].get("id") == oid:
            ko.append(r)
    ko = ko[0] if len(ko) == 1 else None
    oldest = ko["oldest"][0]["held_ns"] / 1e9 if ko and ko.get("oldest") else None
    check(rd("owners.status") == "0" and ko and ko["owner"]["name"] == name and
          ko["pages"] == held and ko["oldest"] and
          all(o["acquired_stack"] for o in ko["oldest"]),
          "labytrace owners: the destroyed pool by name, its held pages, their ages and stacks",
          f"{ko and ko['pages']} pages, oldest held {oldest} s")

    acq_all = count("detached", "page_exclusive_acquire", mine)
    rel_all = count("detached", "page_exclusive_release", mine)
    bad = count("detached", "page_exclusive_violation", mine)
    left = [line for line in open(f"{out}/owners.detached") if line.startswith(f"id={oid} ")]
    check(not left and acq_all == rel_all and
          rel_all == count("detached", "page_pool_state_release") and bad == 0,
          "the socket gone: every page came home, the pool and its owner are gone, no violation, no leak",
          f"{len(left)} left, {acq_all} acquired, {rel_all} released, {bad} violations")

    recs, s, clean, how = labytrace_records(out)
    check(clean, "labytrace ran to the end, one final summary, nothing lost", how)
    o = final_owner(recs, oid)
    check(o and o["owner"]["name"] == name and o["acquired"] == acq_all,
          f"labytrace: owner '{name}' acquired what the kernel traced",
          f"{o and o['acquired']} reported, {acq_all} traced")
    check(o and o["released"] == rel_all and o["held"] == 0 and
          o["violations"]["total"] == 0,
          "labytrace: released as traced, none held at the end, no violation",
          f"{o and o['released']} reported, {rel_all} traced")
    claimed = count("detached", "page_exclusive_acquire",
                    lambda k: mine(k) and k[1] == GFP_EXCLUSIVE)
    check(claimed == acq_all,
          "kernel: every page the pool acquired was claimed after its refill "
          "(acquire gfp __GFP_EXCLUSIVE alone)", f"{claimed} of {acq_all}")
    dv = vmstat_delta(f"{out}/vmstat.before", f"{out}/vmstat.after")
    check(dv["pgexclusive_alloc"] == acq_all and dv["pgexclusive_release"] == rel_all and
          dv["pgexclusive_violation"] == 0,
          "vmstat agrees: acquired, released, no violation",
          f"{dv['pgexclusive_alloc']}, {dv['pgexclusive_release']}, {dv['pgexclusive_violation']}")

    return tap.report(
        f"{name}: {acq_all} pages acquired, {rel_all} released; {xdp} XDP packets; "
        f"pool stats {dict((k[6:], v) for k, v in st.items() if k.startswith('rx_pp_'))}")


if __name__ == "__main__":
    sys.exit(main())
