#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""udp_hold.py ADDR PORT: hold every datagram sent to ADDR:PORT.

For bench-net.sh's held-page path: a UDP socket with a receive buffer large
enough for a whole pktgen run that reads nothing while the run lasts, so
every frame keeps its page_pool page and the pool must refill from the page
allocator.  Prints "ready" once bound; when stdin closes, drains the socket
and prints "HELD DROPS": the datagrams it held and the kernel's drop count
for the socket (from /proc/net/udp), then exits.
"""
import os
import socket
import sys

SO_RCVBUFFORCE = 33		# <asm-generic/socket.h>; root only
RCVBUF = 512 << 20


def drops(inode):
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            cols = line.split()
            if int(cols[9]) == inode:
                return int(cols[12])
    return -1


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
    s.bind((addr, port))
    print("ready", flush=True)
    sys.stdin.read()
    dropped = drops(os.fstat(s.fileno()).st_ino)
    s.setblocking(False)
    held = 0
    while True:
        try:
            s.recv(65536)
        except BlockingIOError:
            break
        held += 1
    print(held, dropped, flush=True)


main()
