#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# smoke.sh: inside the guest, prove the test kernel is the one we built and
# has what every other test relies on: BTF, tracefs, fail_page_alloc, and
# tracepoint BPF programs that load and count events.
#
#   smoke.sh EXPECTED_KERNELRELEASE TP_COUNT_BINARY
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

want_release=$1
tp_count=$2

plan 5
check "uname -r is the built kernel ($want_release)" test "$(uname -r)" = "$want_release"
check "kernel BTF at /sys/kernel/btf/vmlinux" test -s /sys/kernel/btf/vmlinux
check "tracefs has kmem:mm_page_alloc" test -f /sys/kernel/tracing/events/kmem/mm_page_alloc/format
check "fail_page_alloc in debugfs" test -f /sys/kernel/debug/fail_page_alloc/probability

# Allocating a few MiB of page cache must fire mm_page_alloc at least once
# per page; the exact number is not ours to know, only that it is counted.
out=$("$tp_count" mm_page_alloc dd if=/dev/zero of=/tmp/smoke bs=64k count=64 status=none)
n=${out##* }
check "raw_tp BPF program counts mm_page_alloc ($out)" test "${n:-0}" -ge 1024
finish
