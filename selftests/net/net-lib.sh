# SPDX-License-Identifier: GPL-2.0
# What the guest-side network tests share: source it with BUILD_DIR as $1.
# Brings in ../e2e/e2e-lib.sh (labytrace's path, wait_for, TAP helpers).
#
# The kernel's own count of what the tests check, independent of labytrace:
# tracefs histograms, kept in the kernel, in a trace instance of their own.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e-lib.sh"

hist_dir=""
hist_events=()

# hist_start NAME: a trace instance; hist_add EVENT SPEC adds a histogram.
hist_start() {
	hist_dir=/sys/kernel/tracing/instances/$1
	hist_stop
	mkdir "$hist_dir"
}

hist_add() {
	echo "$2" >"$hist_dir/events/$1/trigger" && hist_events+=("$1")
}

# hist_snapshot FILE: every histogram, each after a "### EVENT" line.
hist_snapshot() {
	local e
	for e in "${hist_events[@]}"; do
		echo "### $e"
		cat "$hist_dir/events/$e/hist"
	done >"$1"
}

# An instance goes only once its triggers do ("!" and the trigger as read).
hist_stop() {
	local t line
	[ -d "$hist_dir" ] || return 0
	for t in "$hist_dir"/events/*/*/trigger; do
		grep -v '^#' "$t" | while read -r line; do
			echo "!${line% \[*}" >>"$t"
		done
	done
	rmdir "$hist_dir"
}

# The owner objects' events (ctx 3): acquired by id and gfp (0 for a
# claim), released by id, violations by id and kind.
hist_add_owner_events() {
	hist_add page_exclusive/page_exclusive_acquire \
		'hist:keys=owner,gfp_flags:vals=hitcount:size=256 if ctx == 3'
	hist_add page_exclusive/page_exclusive_release \
		'hist:keys=owner:vals=hitcount:size=256 if ctx == 3'
	hist_add page_exclusive/page_exclusive_violation \
		'hist:keys=owner,kind:vals=hitcount:size=256 if owner_ctx == 3'
}

# stop_labytrace PID: SIGINT, at most 60 s; its exit status.
stop_labytrace() {
	local deadline=$((SECONDS + 60))
	kill -INT "$1"
	while [ $SECONDS -lt $deadline ]; do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.2
	done
	kill -KILL "$1"
	return 124
}
