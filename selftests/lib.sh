# SPDX-License-Identifier: GPL-2.0
# Shared helpers for Labyrinth's guest-side test scripts: TAP output and a
# closing "N passed, N failed" line.  Source it; call plan, ok/not_ok/skip,
# then finish (exits non-zero when anything failed).

_pass=0 _fail=0 _skip=0 _n=0

plan() { echo "TAP version 13"; echo "1..$1"; }

ok() { _n=$((_n + 1)); _pass=$((_pass + 1)); echo "ok $_n $*"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n $*"; }
skip() { _n=$((_n + 1)); _skip=$((_skip + 1)); echo "ok $_n # SKIP $*"; }

# check NAME CMD...: one test that passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

finish() {
	echo "$_pass passed, $_fail failed, $_skip skipped"
	[ "$_fail" -eq 0 ]
}

# Mount what tests need if the guest init (vng's or ours) did not.
ensure_mounts() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
}
