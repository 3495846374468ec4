#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check_holders.py: the kernel's own word on a page_pool, and labytrace
holders' answer held to it (standard library only).

  check_holders.py netlink IFINDEX
      every pool netlink's page-pool-get lists on IFINDEX, in this
      namespace, one per line: "id inflight detach_time" (0: live);
      written here, not with labytrace's code, to judge it
  check_holders.py pool NDJSON IFNAME INFLIGHT CACHED_MIN DESTROYED
      the one pool of IFNAME in holders' NDJSON: in flight as netlink says,
      no socket, its cache at least CACHED_MIN (a live pool's reserve, 0
      once destroyed), the rest (the held page) unattributed, found on its
      netdev and by netlink; prints "ok" or what is wrong
"""
import json
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3


def attrs(buf):
    out, i = {}, 0
    while i + 4 <= len(buf):
        length, typ = struct.unpack_from("=HH", buf, i)
        if length < 4:
            break
        out[typ & 0x3fff] = buf[i + 4:i + length]
        i += (length + 3) & ~3
    return out


def request(s, typ, flags, cmd, payload, seq):
    s.send(struct.pack("=IHHII", 20 + len(payload), typ, flags, seq, 0) +
           struct.pack("=BBH", cmd, 1, 0) + payload)
    replies = []
    while True:
        data, i = s.recv(1 << 16), 0
        while i < len(data):
            length, t, _, _, _ = struct.unpack_from("=IHHII", data, i)
            if t == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, i + 16)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return replies
            if t == NLMSG_DONE:
                return replies
            replies.append(attrs(data[i + 20:i + length]))
            i += (length + 3) & ~3


def netlink_pools():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    name = b"netdev\0"
    a = struct.pack("=HH", 4 + len(name), 2) + name  # CTRL_ATTR_FAMILY_NAME
    a += b"\0" * (-len(a) % 4)
    fam = request(s, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, a, 1)[0]
    family = struct.unpack("=H", fam[1])[0]  # CTRL_ATTR_FAMILY_ID
    out = []
    for p in request(s, family, NLM_F_REQUEST | NLM_F_DUMP, 5, b"", 2):
        v = {k: int.from_bytes(b, "little") for k, b in p.items() if len(b) in (4, 8)}
        out.append({"id": v.get(1), "ifindex": v.get(2), "inflight": v.get(4),
                    "detach_time": v.get(6, 0)})
    return out


def main():
    if sys.argv[1] == "netlink":
        for p in netlink_pools():
            if p["ifindex"] == int(sys.argv[2]):
                print(p["id"], p["inflight"], p["detach_time"])
        return
    path, ifname, inflight, cached_min, destroyed = sys.argv[2:7]
    recs = [json.loads(line) for line in open(path)]
    pools = [r for r in recs if r["type"] == "pool" and r["ifname"] == ifname]
    if len(pools) != 1:
        print("pools of %s: %d" % (ifname, len(pools)))
        return
    p = pools[0]
    un = [r for r in recs if r["type"] == "unattributed" and r["pool_seq"] == p["pool_seq"]]
    holders = [r for r in recs if r["type"] == "holder" and r["pool_seq"] == p["pool_seq"]]
    bad = []
    if p["inflight"] != int(inflight):
        bad.append("inflight %s, netlink says %s" % (p["inflight"], inflight))
    if p["inflight_source"] != "netlink":
        bad.append("inflight from %s, not netlink" % p["inflight_source"])
    if p["in_sockets"] != 0 or p["sockets"] != 0 or holders:
        bad.append("%s pages in %s sockets" % (p["in_sockets"], p["sockets"]))
    if p["in_cache"] < int(cached_min) or (destroyed == "1" and p["in_cache"]):
        bad.append("in cache %s" % p["in_cache"])
    if p["unattributed"] != p["inflight"] - p["in_cache"] or p["unattributed"] != 1:
        bad.append("unattributed %s (in flight %s, cached %s), not the one held page" %
                   (p["unattributed"], p["inflight"], p["in_cache"]))
    if len(un) != 1 or un[0]["pages"] != p["unattributed"]:
        bad.append("unattributed record %s" % un)
    if p["destroyed"] != (destroyed == "1"):
        bad.append("destroyed %s" % p["destroyed"])
    if destroyed == "1" and p["destroyed_s"] is None:
        bad.append("no time since it was destroyed")
    if "netdev" not in p["found_by"] or "netlink" not in p["found_by"]:
        bad.append("found by %s" % p["found_by"])
    print("; ".join(bad) if bad else "ok")


if __name__ == "__main__":
    main()
