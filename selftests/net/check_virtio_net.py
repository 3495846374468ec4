#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check_virtio_net.py OUT WWW: TAP verdict on what virtio-net-rx.sh saw.

OUT holds the run's files: the device's features and MTU, the ring sizes
around the ethtool -G of a device never opened, the download's sum,
tracefs histograms at each phase (hist.start, .resized, .up, .released,
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
The queue allocates with GFP_KERNEL when a task fills its ring (ethtool -G,
open) and GFP_ATOMIC from NAPI; its acquire events carry that gfp.
"""
import os
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
GFP_DIRECT_RECLAIM = 0x400
tap = Tap("virtio-net", 15)
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
    got, want = rd("blob.got"), open(f"{www}/blob.sha256").read().strip()
    check(got == want, "64 MiB download: SHA-256 matches the host's file",
          f"{rd('blob.seconds')} s")
    m = re.match(r"id=(\d+) pages=(\d+) name=(.*)$", rd("owner"))
    nic = rd("nic").split()[0]
    check(m and m.group(3) == f"{nic} rx0" and "state DOWN" in rd("link.before"),
          f"the RX queue is owner object '{nic} rx0' in debugfs before the device "
          "was ever opened", rd("owner"))
    oid = int(m.group(1)) if m else -1

    snaps = {}
    drops = 0
    for phase in ("start", "resized", "up", "released", "unbound"):
        snaps[phase], d = read_hists(f"{out}/hist.{phase}")
        drops += d
    check(drops == 0, "no histogram dropped an event", f"{drops}")

    def count(phase, event, pred=lambda k: True):
        return sum(v for k, v in snaps[phase].get(event, {}).items() if pred(k))

    def delta(a, b, event, pred=lambda k: True):
        return count(b, event, pred) - count(a, event, pred)

    mine = lambda k: k[0] == oid
    atomic = lambda k: mine(k) and not k[1] & GFP_DIRECT_RECLAIM
    # On 6.12, ethtool -G on a device never opened refills the ring from its
    # task (where v3 left the pages the task's); 7.3 fills it only at open.
    # Either way the pages must be the queue's, and nothing a violation.
    fills_when_down = int(os.uname().release.split(".")[0]) < 7
    resized = delta("start", "resized", "page_exclusive_acquire", mine)
    owned = debugfs_owners(f"{out}/owners.resized").get(oid, -1)
    v0 = delta("start", "up", "page_exclusive_violation", mine)
    check(rd("resize.status") == "0" and (resized > 0) == fills_when_down and
          resized == owned and v0 == 0,
          "ethtool -G before the first open: the queue owns every page it filled the ring "
          f"with ({'some' if fills_when_down else 'none'} on Linux {os.uname().release})",
          f"exit {rd('resize.status')}, {resized} acquired, {owned} owned, {v0} violations")

    frames = lambda a, b: {k[0]: v - snaps[a]["napi_gro_receive_entry"].get(k, 0)
                           for k, v in snaps[b]["napi_gro_receive_entry"].items()}
    up = lambda a, b: sum(n * pages_up(length + ETH_HLEN) for length, n in frames(a, b).items())
    rx = int(rd("rx_packets.released")) - int(rd("rx_packets.start"))
    seen = sum(frames("up", "released").values())
    check(seen == rx, "every frame received reached GRO's tracepoint (64 MiB phase)",
          f"{seen} traced, rx_packets +{rx}")
    # A free of an owned page would be traced as a release too, after its
    # violation: what the queue gave up is the releases less those frees.
    want1 = up("up", "released")
    v1 = delta("up", "released", "page_exclusive_violation", mine)
    got1 = delta("up", "released", "page_exclusive_release", mine) - v1
    check(got1 == want1 and v1 == 0 and want1 >= (64 << 20) // 9000,
          "64 MiB: the queue gave up exactly the pages its frames took up the stack, "
          "and no page was freed while it owned it",
          f"{got1} given up, {want1} implied by {seen} frames, {v1} violations")
    held = debugfs_owners(f"{out}/owners.before-unbind").get(oid, -1)
    v3 = delta("released", "unbound", "page_exclusive_violation", mine)
    r3 = delta("released", "unbound", "page_exclusive_release", mine) - v3
    check(r3 == held and held > 0 and v3 == 0,
          "unbind: the queue gave up every page it still owned, none freed while owned",
          f"{r3} given up, {held} owned before, {v3} violations")
    after = [line for line in open(f"{out}/owners.after-unbind") if f"id={oid} " in line]
    leaks = count("unbound", "page_exclusive_violation", lambda k: mine(k) and k[1] == KIND_LEAK)
    check(not after and leaks == 0, "unbind: the owner is gone, with no leak",
          f"{len(after)} left, {leaks} leaks")

    acq = count("unbound", "page_exclusive_acquire", mine)
    refills = count("unbound", "page_exclusive_acquire", atomic)
    fills = acq - refills
    rel = count("unbound", "page_exclusive_release", mine)
    viol = count("unbound", "page_exclusive_violation", mine)
    check(acq == rel and viol == 0 and fills > 0 and refills > 0,
          "kernel: every page acquired (NAPI refills, fills by ethtool and open) was given "
          "up, none freed while owned",
          f"{refills} refills + {fills} fills, {rel} given up, {viol} violations")

    recs, s, clean, how = labytrace_records(out)
    check(clean, "labytrace ran to the end, one final summary, nothing lost", how)
    o = final_owner(recs, oid)
    check(o and o["owner"]["name"] == f"{nic} rx0" and o["acquired"] == acq,
          f"labytrace: owner '{nic} rx0' acquired what the kernel traced",
          f"{o and o['acquired']} reported, {acq} traced")
    check(o and o["released"] == rel and o["held"] == 0,
          "labytrace: released (given up or freed) as traced, none held at the end",
          f"{o and o['released']} reported, {rel} traced, held {o and o['held']}")
    check(o and o["violations"]["total"] == 0,
          "labytrace: no violation by the owner", f"{o and o['violations']}")
    dv = vmstat_delta(f"{out}/vmstat.before", f"{out}/vmstat.after")
    check(dv["pgexclusive_alloc"] == acq and dv["pgexclusive_release"] == rel and
          dv["pgexclusive_violation"] == 0,
          "vmstat agrees: acquired, released, no violation",
          f"{dv['pgexclusive_alloc']}, {dv['pgexclusive_release']}, {dv['pgexclusive_violation']}")

    return tap.report(
        f"{nic} rx0: {acq} pages acquired ({refills} NAPI refills, {fills} fills by "
        f"ethtool -G and open), all given up; {seen} frames in the 64 MiB phase")


if __name__ == "__main__":
    sys.exit(main())
