#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# download-off.sh: with ownership tracking off (no page_exclusive= on the
# command line), virtio_net's big-packet RX path still works and owns
# nothing: an 8 MiB download arrives intact and no page is exclusive.
#
#   download-off.sh BUILD_DIR
. "$(dirname "$0")/net-lib.sh" "$1"
net=$build/net
plan 3
nic=$(virtio_nic)
features=$(cat "/sys/bus/virtio/devices/$(basename "$(readlink -f "/sys/class/net/$nic/device")")/features" 2>/dev/null)
check "virtio_net in big-packet mode (no MRG_RXBUF, MTU 9000)" \
	test -n "$nic" -a "${features:15:1}" = 0 -a "$(cat "/sys/class/net/$nic/mtu" 2>/dev/null)" = 9000
before=$(awk '$1 == "pgexclusive_alloc" {print $2}' /proc/vmstat)
virtio_up "$nic"
got=$(curl -sS --max-time 300 "http://10.0.2.2:$(net_port)/blob-small" | sha256sum | cut -d' ' -f1)
check "8 MiB download: SHA-256 matches the host's file" test "$got" = "$(cat "$net/www/blob-small.sha256")"
after=$(awk '$1 == "pgexclusive_alloc" {print $2}' /proc/vmstat)
check "no page was exclusive (pgexclusive_alloc stays $before)" test "$before" = "$after"
finish
