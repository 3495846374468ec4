#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check_virtio_net.py OUT WWW: TAP verdict on what virtio-net-rx.sh saw.

OUT holds the run's files: the device's features and MTU, the downloads'
sums, tracefs histograms at each phase (hist.start, .released, .violations,
.unbound), debugfs owners, vmstat before and after, and labytrace's NDJSON.
WWW holds the served blobs' sums.

The RX queue's pages, counted three ways that must agree: by the kernel's
tracepoints (histograms kept in the kernel, independent of labytrace), by
labytrace, and by the frames the NIC received.  virtio_net's page_to_skb()
passes a frame's pages up the stack (releasing them) as follows, with a
32-byte padded header before the data in the first page:
  frame <= 128 bytes: copied; every page goes back to the queue;
  frame <= 3744 bytes: the first page becomes the skb's head (tailroom for
    skb_shared_info, 320 bytes, is left);
  larger: 14 bytes copied, the rest attached as frags, page by page.
"""
import re
import sys

from netcheck import Tap, debugfs_owners, final_owner, labytrace_records, read_hists, \
    vmstat_delta

PAGE = 4096
PADDED_HDR = 32
SHINFO = 320
GOOD_COPY_LEN = 128
ETH_HLEN = 14
CTX_OBJECT = 3
KIND_FREE, KIND_LEAK = 2, 5
tap = Tap("virtio-net", 18)
check = tap.check


def pages_up(frame):
    if frame <= GOOD_COPY_LEN:
        return 0
    if PAGE - PADDED_HDR - frame >= SHINFO:
        return 1
    rest = frame - ETH_HLEN - (PAGE - PADDED_HDR - ETH_HLEN)
    return 1 + max(0, -(-rest // PAGE))


def main():
    out, www = sys.argv[1:]
    rd = lambda name: open(f"{out}/{name}").read().strip()
    feats = rd("features")
    check(feats[15:16] == "0" and feats[3:4] == "1" and rd("mtu") == "9000",
          "virtio_net in big-packet mode: no MRG_RXBUF (bit 15), MTU feature (bit 3), MTU 9000",
          f"bit 15 {feats[15:16]}, bit 3 {feats[3:4]}, mtu {rd('mtu')}")
    for blob, what in (("blob", "64 MiB download"), ("blob-small", "8 MiB download, release left out")):
        got, want = rd(f"{blob}.got"), open(f"{www}/{blob}.sha256").read().strip()
        check(got == want, f"{what}: SHA-256 matches the host's file",
              f"{rd(blob + '.seconds')} s")
    m = re.match(r"id=(\d+) pages=(\d+) name=(.*)$", rd("owner"))
    nic = rd("nic").split()[0]
    check(m and m.group(3) == f"{nic} rx0", "the RX queue is owner object "
          f"'{nic} rx0' in debugfs", rd("owner"))
    oid = int(m.group(1)) if m else -1

    snaps = {}
    drops = 0
    for phase in ("start", "released", "violations", "unbound"):
        snaps[phase], d = read_hists(f"{out}/hist.{phase}")
        drops += d
    check(drops == 0, "no histogram dropped an event", f"{drops}")

    def count(phase, event, pred=lambda k: True):
        return sum(v for k, v in snaps[phase].get(event, {}).items() if pred(k))

    def delta(a, b, event, pred=lambda k: True):
        return count(b, event, pred) - count(a, event, pred)

    mine = lambda k: k[0] == oid
    frames = lambda a, b: {k[0]: v - snaps[a]["napi_gro_receive_entry"].get(k, 0)
                           for k, v in snaps[b]["napi_gro_receive_entry"].items()}
    up = lambda a, b: sum(n * pages_up(length + ETH_HLEN) for length, n in frames(a, b).items())
    rx = int(rd("rx_packets.released")) - int(rd("rx_packets.start"))
    seen = sum(frames("start", "released").values())
    check(seen == rx, "every frame received reached GRO's tracepoint (64 MiB phase)",
          f"{seen} traced, rx_packets +{rx}")
    # A free of an owned page is traced as a release too, after its
    # violation: what the queue gave up is the releases less those frees.
    want1 = up("start", "released")
    v1 = delta("start", "released", "page_exclusive_violation", mine)
    got1 = delta("start", "released", "page_exclusive_release", mine) - v1
    check(got1 == want1 and v1 == 0 and want1 >= (64 << 20) // 9000,
          "64 MiB: the queue gave up exactly the pages its frames took up the stack, "
          "and no page was freed while it owned it",
          f"{got1} given up, {want1} implied by {seen} frames, {v1} violations")
    v2 = delta("released", "violations", "page_exclusive_violation",
               lambda k: mine(k) and k[1] == KIND_FREE)
    want2 = up("released", "violations")
    r2 = delta("released", "violations", "page_exclusive_release", mine)
    # A free ends ownership too: it is traced as a release after the report.
    check(v2 == want2 and r2 == v2 and want2 > 0,
          "release left out: each page the stack freed is a free violation, none given up",
          f"{v2} violations, {want2} implied, {r2 - v2} given up")
    held = debugfs_owners(f"{out}/owners.before-unbind").get(oid, -1)
    v3 = delta("violations", "unbound", "page_exclusive_violation", mine)
    r3 = delta("violations", "unbound", "page_exclusive_release", mine) - v3
    check(r3 == held and held > 0 and v3 == 0,
          "unbind: the queue gave up every page it still owned, none freed while owned",
          f"{r3} given up, {held} owned before, {v3} violations")
    after = [line for line in open(f"{out}/owners.after-unbind") if f"id={oid} " in line]
    leaks = count("unbound", "page_exclusive_violation", lambda k: mine(k) and k[1] == KIND_LEAK)
    check(not after and leaks == 0, "unbind: the owner is gone, with no leak",
          f"{len(after)} left, {leaks} leaks")

    acq = count("unbound", "page_exclusive_acquire", mine)
    refills = count("unbound", "page_exclusive_acquire", lambda k: mine(k) and k[1] != 0)
    claims = acq - refills
    rel = count("unbound", "page_exclusive_release", mine)
    frees = count("unbound", "page_exclusive_violation", lambda k: mine(k) and k[1] == KIND_FREE)
    others = count("unbound", "page_exclusive_violation", lambda k: mine(k) and k[1] != KIND_FREE)
    check(acq == rel and others == 0 and claims > 0 and refills > 0,
          "kernel: every page acquired (NAPI refills and claims at open) was given up or freed",
          f"{refills} refills + {claims} claims, {rel - frees} given up + {frees} freed")

    recs, s, clean, how = labytrace_records(out)
    check(clean, "labytrace ran to the end, one final summary, nothing lost", how)
    s = s or {"classes": []}
    napi = sum(c["allocs"] for c in s["classes"]
               if c["exclusive"] and c["context"] == "softirq" and
               c["class"] == "atomic" and c["order"] == 0)
    check(napi == refills, "labytrace: atomic exclusive allocations in softirq are the NAPI refills",
          f"{napi} reported, {refills} traced")
    lat = sum(r["count"] for r in recs if r.get("type") == "latency" and r.get("final") and
              r["exclusive"] and r["context"] == "softirq" and r["class"] == "atomic")
    check(lat == refills, "labytrace: the softirq GFP_ATOMIC|__GFP_EXCLUSIVE latency histogram holds them all",
          f"{lat} in the histogram")
    o = final_owner(recs, oid)
    check(o and o["owner"]["name"] == f"{nic} rx0" and o["acquired"] == acq,
          f"labytrace: owner '{nic} rx0' acquired what the kernel traced",
          f"{o and o['acquired']} reported, {acq} traced")
    check(o and o["released"] == rel and o["held"] == 0,
          "labytrace: released (given up or freed) as traced, none held at the end",
          f"{o and o['released']} reported, {rel} traced, held {o and o['held']}")
    check(o and o["violations"]["free"] == frees and o["violations"]["total"] == frees,
          "labytrace: the owner's violations are the stack's frees, by kind",
          f"{o and o['violations']}")
    dv = vmstat_delta(f"{out}/vmstat.before", f"{out}/vmstat.after")
    check(dv["pgexclusive_alloc"] == acq and dv["pgexclusive_release"] == rel and
          dv["pgexclusive_violation_free"] == frees and dv["pgexclusive_violation"] == frees,
          "vmstat agrees: acquired, released, free violations",
          f"{dv['pgexclusive_alloc']}, {dv['pgexclusive_release']}, {dv['pgexclusive_violation_free']}")

    return tap.report(
        f"{nic} rx0: {acq} pages acquired ({refills} NAPI refills, {claims} claimed at open), "
        f"{rel - frees} given up, {frees} freed by the stack with the release left out; "
        f"{seen} frames in the 64 MiB phase")


if __name__ == "__main__":
    sys.exit(main())
