#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpf-nest.sh: inside the guest, check the series' BPF_F_RECURSION_PER_CONTEXT
# (selftests/nest_contexts): a raw tracepoint program loaded with it sees an
# allocation that nests in hardirq inside its own run, and one loaded
# without it counts that allocation as a recursion miss.  labytrace's
# exact counts rest on the first; the second is the kernel's default.
#
#   bpf-nest.sh BUILD_DIR [KERNEL_BUILD]
#
# KERNEL_BUILD is the booted kernel's build directory (default
# BUILD_DIR/kernel-test), where test_page_exclusive.ko is.
build=$1
kbuild=${2:-$build/kernel-test}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

# The nested allocation comes from test_page_exclusive's kfunc.  Loaded
# here, it is unloaded here too: the suites after this one load it
# themselves, and insmod of a loaded module fails.
loaded=0
if ! lsmod | grep -q '^test_page_exclusive'; then
	if ! insmod "$kbuild/lib/test_page_exclusive.ko"; then
		plan 1
		not_ok "load test_page_exclusive"
		finish
		exit 1
	fi
	loaded=1
fi
"$build/selftests/nest_contexts"
rc=$?
[ $loaded = 1 ] && rmmod test_page_exclusive
exit $rc
