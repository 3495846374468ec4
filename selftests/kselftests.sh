#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftests.sh: inside the guest (booted with page_exclusive=report), load
# test_page_exclusive and run the mm kselftest for it through its wrapper,
# as run_vmtests.sh would.
#
#   kselftests.sh KERNEL_BUILD_DIR SELFTEST_BUILD_DIR
ktest=$1
tests=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

insmod "$ktest/lib/test_page_exclusive.ko" || exit 1
cd "$tests" || exit 1
bash ./test_page_exclusive.sh
rc=$?
rmmod test_page_exclusive
exit $rc
