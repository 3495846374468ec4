#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh: inside the guest, load the page_exclusive KUnit suite and pass
# on its KTAP results.  Fails if the suite fails, or if it skipped a case
# that the boot mode (tracking on or off) should have run.
#
#   kunit.sh KERNEL_BUILD_DIR on|off
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

ko=$1/mm/page_exclusive_kunit.ko
mode=$2
results=/sys/kernel/debug/kunit/page_exclusive/results

plan 3
check "load $ko" insmod "$ko"
if [ ! -r "$results" ]; then
	not_ok "KUnit suite page_exclusive ran"
	not_ok "no unexpected skips"
	finish
	exit 1
fi
sed "s/^/    /" "$results"
check "KUnit suite page_exclusive passed" grep -qE '^ok [0-9]+ page_exclusive' "$results"

# With tracking on, only the "off" case may skip; with it off, all but the
# "off" case and the mode-independent ones skip.
skipped=$(grep -E '^ +ok [0-9]+ .* # SKIP' "$results" | awk '{print $3}')
case "$mode" in
on) unexpected=$(grep -vx 'page_exclusive_off_flag_accepted_nothing_recorded' <<<"$skipped") ;;
off) unexpected=$(grep -E 'off_flag|movable_refused' <<<"$skipped") ;;
esac
check "no unexpected skips (tracking $mode): ${unexpected:-none}" test -z "$unexpected"
rmmod page_exclusive_kunit
finish
