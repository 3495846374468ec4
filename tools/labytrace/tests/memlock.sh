# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# memlock.sh: sourced by host-check.sh and the guest's e2e scripts.
#
# memlock_of PID: the kernel memory of PID's BPF maps, in bytes, as the
# kernel accounts it (the memlock line of each map's /proc/PID/fdinfo).
memlock_of() {
	local f total=0 m
	for f in /proc/"$1"/fdinfo/*; do
		grep -q '^map_type:' "$f" 2>/dev/null || continue
		m=$(sed -n 's/^memlock:[[:space:]]*//p' "$f")
		total=$((total + ${m:-0}))
	done
	echo $total
}
