# SPDX-License-Identifier: GPL-2.0
# What labytrace's guest-side e2e scripts share: source it with BUILD_DIR
# (the repository's build/) as $1.  Brings in ../lib.sh (TAP, mounts).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ensure_mounts

build=$1
labytrace=$build/labytrace/labytrace
workload=$build/selftests/e2e/pex_workload
# Start-up under TCG with KASAN takes seconds (BTF, program loads): wait for
# labytrace's "Tracing" line rather than guessing.
attach_timeout=300

load_test_module() {
	lsmod | grep -q '^test_page_exclusive' ||
		insmod "$build/kernel-test/lib/test_page_exclusive.ko"
}

# PID, a child that has exited: why, in words ("exited with status 1",
# "killed by KILL"), with the kernel's line when the OOM killer chose it:
# a tracer killed for memory leaves nothing on its own stderr.
death_of() {
	local st=0 why oom
	wait "$1" 2>/dev/null || st=$?
	if [ "$st" -gt 128 ]; then
		why="killed by SIG$(kill -l $((st - 128)) 2>/dev/null || echo $((st - 128)))"
	else
		why="exited with status $st"
	fi
	oom=$(dmesg | grep -E "Killed process $1 " | tail -n 1 | sed 's/^\[[^]]*\] //')
	[ -z "$oom" ] || why="$why, by the OOM killer ($oom)"
	echo "$why"
}

# storm PAGES_PER_MS MS HANDOFF VIOLATION_EVERY JSON: the test module's RX
# storm on every CPU (PEX_IOC_STORM); what it did into JSON.
storm() {
	python3 - "$@" <<'EOF'
import fcntl, json, os, struct, sys
# struct pex_storm (lib/test_page_exclusive_uapi.h): 4 __u32 in, 4 __u64 out
fmt = "4I4Q"
PEX_IOC_STORM = (3 << 30) | (struct.calcsize(fmt) << 16) | (ord("X") << 8) | 0x06
buf = bytearray(struct.pack(fmt, *map(int, sys.argv[1:5]), 0, 0, 0, 0))
fd = os.open("/dev/test_page_exclusive", os.O_RDWR)
fcntl.ioctl(fd, PEX_IOC_STORM, buf)
os.close(fd)
keys = ("allocated", "failed", "transferred", "violations")
json.dump(dict(zip(keys, struct.unpack(fmt, buf)[4:])), open(sys.argv[5], "w"))
EOF
}

# memlock_of PID: the kernel memory of its BPF maps.
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/labytrace/tests/memlock.sh"

# FILE PATTERN SECONDS PID: until FILE has PATTERN; fails early if PID exits.
wait_for() {
	local deadline=$((SECONDS + $3))
	while [ $SECONDS -lt $deadline ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$4" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# OUT ARGS...: labytrace ARGS in the background (NDJSON to OUT/labytrace.ndjson,
# stderr to OUT/labytrace.err), its pid in $lt, as the "labytrace attached"
# check; a labytrace that does not attach ends the script there.
start_labytrace() {
	local out=$1
	shift
	"$labytrace" "$@" >"$out/labytrace.ndjson" 2>"$out/labytrace.err" &
	lt=$!
	if ! check "labytrace attached" wait_for "$out/labytrace.err" '^Tracing' $attach_timeout $lt; then
		sed 's/^/#   /' "$out/labytrace.err"
		kill -KILL $lt 2>/dev/null
		finish
		exit 1
	fi
}
