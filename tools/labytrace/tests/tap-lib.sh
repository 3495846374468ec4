# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2154 # failed: the caller's; tests: set by it
#
# tap-lib.sh: what host-check.sh and exporters-check.sh share, sourced
# after they set tests=(...), the names of their tests in order.
#
# TAP out, one result per test; a layer that cannot run fails, so that it
# cannot pass unnoticed; skip_all only off CI (CI=true runs as root on a
# kernel that allows BPF, with make deps done).
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	shift
	# every line of every detail a TAP comment
	[ $# = 0 ] || printf '%s\n' "$@" | sed 's/^/# /'
}
fatal() {
	echo "1..1"
	not_ok "$@"
	exit 1
}
skip_all() {
	local t
	[ "${CI:-}" = true ] && fatal "CI=true: these tests must run here, but: $1"
	echo "1..${#tests[@]}"
	for t in "${tests[@]}"; do
		n=$((n + 1))
		echo "ok $n - $t # SKIP $1"
	done
	exit 0
}
# check DESC CONDITION...: ok if the condition (a command) succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
lines() { grep -c '' "$1"; }
