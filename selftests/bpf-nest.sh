#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpf-nest.sh: inside the guest, check the series' BPF_F_RECURSION_PER_CONTEXT
# (selftests/nest_contexts): a raw tracepoint program loaded with it sees an
# allocation that nests in hardirq inside its own run, and one loaded
# without it counts that allocation as a recursion miss.  labytrace's
# exact counts rest on the first; the second is the kernel's default.
#
#   bpf-nest.sh BUILD_DIR
build=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

# The nested allocation comes from test_page_exclusive's kfunc.
if ! lsmod | grep -q '^test_page_exclusive'; then
	insmod "$build/kernel-test/lib/test_page_exclusive.ko" || {
		plan 1
		not_ok "load test_page_exclusive"
		finish
		exit 1
	}
fi
exec "$build/selftests/nest_contexts"
