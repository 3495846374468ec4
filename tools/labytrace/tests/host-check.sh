#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-check.sh: labytrace against the running kernel, as TAP.
#
#   host-check.sh LABYTRACE CHECKERS_DIR
#
# CHECKERS_DIR holds ndjson_check and om_check (json-c and a strict
# OpenMetrics and classic text parser); exporters.py, beside this script,
# checks recordings and SVGs, and standin_check (the violation and fentry handlers
# on stand-in tracepoints, for kernels without their own).  Skips everything,
# with the reason, when not root or when labytrace says the kernel refuses BPF
# (exit 3) or has no BTF (exit 4); any other failure to run fails the layer,
# and so does skipping at all under CI=true (CI runs as root on a kernel that
# allows BPF).  Otherwise asserts exact behaviour: exit codes, the one-line
# messages, and NDJSON whose numbers add up.
set -u
lt=$1
checkers=$2
check_py="$(cd "$(dirname "$0")" && pwd)/exporters.py"
top=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d /tmp/labytrace-host-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

tests=(help bad_option bad_value failures_json failures_counts no_rates recursion_misses
       memory_failures memory_all latency
       violations all_modes not_root bpf_perfmon_only no_btf stdout_unwritable
       prometheus prometheus_not_regular sigterm plain_text filters
       filters_filter startup standin record heatmap record_bad_input
       record_keeps_old_file heatmap_bad_input heatmap_hostile_input owners
       owners_broken_pipe messages live)
unavailable=()	# the modes tests 6 and 7 found unavailable, for test 8
# shellcheck source-path=SCRIPTDIR source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

# The only thing on stderr must be our own "labytrace: ..." lines, the
# "Tracing ..." banner, never libbpf's.
clean_stderr() {
	! grep -v -e '^labytrace: ' -e '^Tracing page allocations' "$1" | grep -q .
}

# Run labytrace: status in $rc, output in $tmp/out and $tmp/err.
run() {
	"$lt" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

[ "$(id -u)" = 0 ] || skip_all "not root (labytrace needs CAP_BPF and CAP_PERFMON)"
run failures -d 0.1 -j
# Exits 3 and 4 are documented to end with one line saying why; anything
# else on stderr (a sanitizer, libbpf) means labytrace itself went wrong.
why=$(tail -n1 "$tmp/err")
case $rc in
0) ;;
3|4)
	clean_stderr "$tmp/err" && [[ $why == 'labytrace: '* ]] ||
		fatal "labytrace failures -d 0.1 -j: exit $rc without its one-line reason" \
			"$(head -n1 "$tmp/err")"
	[ $rc = 3 ] && skip_all "the kernel refuses BPF here: ${why#labytrace: }"
	skip_all "no kernel BTF: ${why#labytrace: }" ;;
*) fatal "labytrace failures -d 0.1 -j runs (exit $rc)" "$(head -n1 "$tmp/err")" ;;
esac
echo "1..${#tests[@]}"

# 1. help
run --help
if [ $rc = 0 ] && [ ! -s "$tmp/err" ] && grep -q '^Exit status:' "$tmp/out" &&
   grep -q '^Examples:' "$tmp/out"; then
	ok "--help exits 0 with examples and exit statuses"
else
	not_ok "--help exits 0 with examples and exit statuses" "rc=$rc"
fi

# 2. unknown option
run failures --bogus
if [ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
   grep -qx "labytrace: unknown option '--bogus'" "$tmp/err"; then
	ok "unknown option: exit 2, one line"
else
	not_ok "unknown option: exit 2, one line" "rc=$rc" "$(cat "$tmp/err")"
fi

# 3. bad value
run -i abc
if [ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] &&
   grep -q "^labytrace: bad value for -i: 'abc'" "$tmp/err"; then
	ok "bad value: exit 2, one line"
else
	not_ok "bad value: exit 2, one line" "rc=$rc" "$(cat "$tmp/err")"
fi

# 4-5. failures, NDJSON, while something allocates
dd if=/dev/zero of="$tmp/load" bs=1M count=256 status=none 2>/dev/null &
load=$!
run failures -d 3 -j
wait $load
rm -f "$tmp/load"
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
summaries=$(sed -n 's/^type summary //p' "$tmp/check")
if [ $rc = 0 ] && [ $crc = 0 ] && [ "${summaries:-0}" -ge 4 ] &&
   grep -q '^final.sources.failures tracepoint kmem:mm_page_alloc' "$tmp/check" &&
   clean_stderr "$tmp/err"; then
	ok "failures -d 3 -j: exit 0, valid NDJSON, $summaries summaries"
else
	not_ok "failures -d 3 -j: exit 0, valid NDJSON" "rc=$rc check=$crc" \
		"$(cat "$tmp/check")" "$(cat "$tmp/err")"
fi
# Failures cannot be made to order here: fail_page_alloc's failures leave the
# allocator before kmem:mm_page_alloc fires, so on a kernel without
# mm_page_alloc_latency only real ones are seen; the counts must still agree.
if grep -q '^final.sources.failures tracepoint kmem:mm_page_alloc$' "$tmp/check"; then
	echo "# failures from kmem:mm_page_alloc: fail_page_alloc cannot inject visible ones here"
fi
allocs=$(sed -n 's/^final.allocs //p' "$tmp/check")
fails=$(sed -n 's/^final.failures //p' "$tmp/check")
if grep -q '^check intervals-sum-to-final ok' "$tmp/check" &&
   grep -q '^check failure-records ok' "$tmp/check" && [ "${allocs:-0}" -gt 0 ]; then
	ok "counts add up: $allocs allocations, $fails failures, $(sed -n 's/^check failure-records ok //p' "$tmp/check")"
else
	not_ok "counts add up" "$(cat "$tmp/check")"
fi

# 5a. --no-rates: failures alone, no allocation counted.  A class row then
# exists only for a failure, and no summary has allocs or a rate.
saved_out=$tmp/out.failures
cp "$tmp/out" "$saved_out"
dd if=/dev/zero of="$tmp/load" bs=1M count=64 status=none 2>/dev/null &
load=$!
run failures --no-rates -d 2 -i 0.5 -j
wait $load
rm -f "$tmp/load"
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
said=$(python3 -c '
import json, sys
n = rows = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "summary":
        continue
    n += 1
    if "allocs" in o or "failure_rate" in o:
        sys.exit("a summary has allocs or failure_rate")
    for r in o.get("classes", []):
        rows += 1
        if "allocs" in r or "rate" in r or r["failures"] < 1:
            sys.exit("a class row without a failure, or with allocs: %s" % r)
print("%d summaries, %d class rows" % (n, rows))' "$tmp/out" 2>&1)
prc=$?
if [ $rc = 0 ] && [ $crc = 0 ] && [ $prc = 0 ] &&
   grep -q '^check intervals-sum-to-final ok' "$tmp/check" && clean_stderr "$tmp/err"; then
	ok "failures --no-rates: no allocation counted, failures add up ($said)"
else
	not_ok "failures --no-rates: no allocation counted, failures add up" "rc=$rc check=$crc" \
		"$said" "$(cat "$tmp/check")" "$(cat "$tmp/err")"
fi
cp "$saved_out" "$tmp/out"

# 5b. the events the kernel skipped (recursion misses) are stated in one line,
# with the count the final summary has; never silently.
misses=$(grep -o '"bpf_recursion_misses":[0-9]*' "$tmp/out" | tail -n1 | cut -d: -f2)
said=$(grep -E '^labytrace: [0-9]+ events not seen: BPF recursion misses \(' "$tmp/err")
if [ -n "$misses" ] && [ "$(grep -c '' <<<"$said")" = 1 ] &&
   [[ $said == "labytrace: $misses events not seen: "* ]]; then
	ok "recursion misses stated: ${said#labytrace: }"
else
	not_ok "recursion misses stated in one line, as in the summary ($misses)" "$(cat "$tmp/err")"
fi

# 5c. kernel memory, as the kernel accounts it (memlock of each of
# labytrace's maps in /proc/PID/fdinfo): at most 16 MiB by default.
# shellcheck source-path=SCRIPTDIR source=memlock.sh
. "$(dirname "$0")/memlock.sh"
memory_check() {
	local name=$1 pid bytes=0 i
	shift
	"$lt" "$@" -d 30 -j >/dev/null 2>"$tmp/mem.err" &
	pid=$!
	for i in $(seq 100); do
		grep -q '^Tracing' "$tmp/mem.err" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^Tracing' "$tmp/mem.err" && bytes=$(memlock_of $pid)
	kill -INT $pid 2>/dev/null
	wait $pid
	if [ "$bytes" -gt 0 ] && [ "$bytes" -le $((16 << 20)) ]; then
		ok "$name: $bytes bytes of kernel memory for maps (<= 16 MiB)"
	else
		not_ok "$name: $bytes bytes of kernel memory for maps, at most 16 MiB" \
			"$(cat "$tmp/mem.err")"
	fi
}
memory_check "failures, by default" failures
memory_check "all modes, by default" --held-over 5s

# 6. latency: works, or says exactly why not with exit 5
run latency -d 1
if grep -q '^labytrace: latency unavailable on this kernel: ' "$tmp/err"; then
	if [ $rc = 5 ] && [ ! -s "$tmp/out" ] && [ "$(lines "$tmp/err")" -le 2 ]; then
		ok "latency unavailable, exit 5: $(sed -n 's/^labytrace: latency unavailable on this kernel: //p' "$tmp/err")"
		unavailable+=(latency)
	else
		not_ok "latency unavailable: exit 5, one line" "rc=$rc" "$(cat "$tmp/err")"
	fi
else
	check "latency runs (exit 0, a report)" test $rc = 0 -a -s "$tmp/out"
fi

# 7. violations: a __GFP_EXCLUSIVE kernel, or one line saying it is not
run violations -d 1
if grep -q '^labytrace: violations unavailable on this kernel: no page_exclusive tracepoints' "$tmp/err"; then
	check "violations unavailable, exit 5, one line" \
		test $rc = 5 -a "$(lines "$tmp/err")" = 1 -a ! -s "$tmp/out"
	unavailable+=(violations)
else
	check "violations runs (exit 0)" test $rc = 0
fi

# 8. no mode: what works runs, the rest is named, on stderr and in the
# summary alike, and they are the modes tests 6 and 7 found unavailable.
run -d 1 -j
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
said=$(sed -n 's/^labytrace: \(latency\|failures\|violations\) unavailable on this kernel: /\1 /p' "$tmp/err" | sort)
listed=$(sed -n 's/^final\.unavailable\.//p' "$tmp/check" | sort)
want=$(printf '%s\n' "${unavailable[@]}" | sort | paste -sd' ')
# Contexts are not a mode: said on stderr exactly when the summary has them unknown.
ctx_said=$(grep -c '^labytrace: allocation contexts unavailable on this kernel: ' "$tmp/err")
ctx_unknown=$(grep -c '^final.contexts_known false$' "$tmp/check")
if [ $rc = 0 ] && [ $crc = 0 ] && [ "$said" = "$listed" ] &&
   [ "$(cut -d' ' -f1 <<<"$listed" | paste -sd' ')" = "$want" ] && [ "$ctx_said" = "$ctx_unknown" ] &&
   clean_stderr "$tmp/err"; then
	ok "all modes: exit 0, unavailable named alike on stderr and in the summary: ${want:-none}"
else
	not_ok "all modes: exit 0, unavailable named alike on stderr and in the summary" \
		"rc=$rc check=$crc; tests 6-7 found unavailable: ${want:-none}" \
		"$(cat "$tmp/check")" "$(cat "$tmp/err")"
fi

# 9. without privilege
if command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$lt" failures -d 1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 3 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
	   grep -q '^labytrace: missing CAP_BPF and CAP_PERFMON' "$tmp/err"; then
		ok "not root: exit 3, names the missing capabilities"
	else
		not_ok "not root: exit 3" "rc=$rc" "$(cat "$tmp/err")"
	fi
else
	ok "not root # SKIP setpriv not installed"
fi

# 10. CAP_BPF and CAP_PERFMON alone, as --help says: labytrace runs, or
# says in its last line which privilege is missing and why (libbpf 1.1
# needs CAP_SYS_ADMIN to search module BTF for a per-CPU symbol that
# vmlinux BTF lacks) with exit 3 -- never "the kernel refused".
if command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all,+bpf,+perfmon --ambient-caps=+bpf,+perfmon \
		"$lt" failures -d 0.5 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	last=$(tail -n1 "$tmp/err")
	if [ $rc = 0 ] && clean_stderr "$tmp/err"; then
		ok "CAP_BPF and CAP_PERFMON only: runs"
	elif [ $rc = 3 ] && clean_stderr "$tmp/err" &&
	     [[ $last == 'labytrace: missing CAP_SYS_ADMIN: libbpf '*' searches module BTF for '* ]]; then
		ok "CAP_BPF and CAP_PERFMON only: exit 3, ${last#labytrace: }"
	else
		not_ok "CAP_BPF and CAP_PERFMON only: runs, or exit 3 naming what is missing" \
			"rc=$rc" "$(cat "$tmp/err")"
	fi
else
	ok "CAP_BPF and CAP_PERFMON only # SKIP setpriv not installed"
fi

# 11. no BTF (a tmpfs over /sys/kernel/btf, in a mount namespace of its
# own), then BTF that does not parse: exit 4, one line with the true reason.
unshare -m bash -c 'mount -t tmpfs none /sys/kernel/btf && exec "$0" failures -d 0.1' \
	"$lt" >"$tmp/out" 2>"$tmp/err"
rc=$?
cp "$tmp/err" "$tmp/err.none"
unshare -m bash -c 'mount -t tmpfs none /sys/kernel/btf &&
	echo garbage >/sys/kernel/btf/vmlinux && exec "$0" failures -d 0.1' \
	"$lt" >"$tmp/out" 2>"$tmp/err"
rc2=$?
if [ $rc = 4 ] && [ $rc2 = 4 ] && [ "$(lines "$tmp/err.none")" = 1 ] &&
   [ "$(lines "$tmp/err")" = 1 ] &&
   grep -qx 'labytrace: the kernel has no BTF (/sys/kernel/btf/vmlinux: No such file or directory); CONFIG_DEBUG_INFO_BTF=y is needed' "$tmp/err.none" &&
   grep -q "^labytrace: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux: " "$tmp/err"; then
	ok "no BTF, bad BTF: exit 4, one line each"
else
	not_ok "no BTF, bad BTF: exit 4, one line each" "rc=$rc rc2=$rc2" \
		"$(cat "$tmp/err.none")" "$(cat "$tmp/err")"
fi

# 12. output that cannot be written is an error, --help and -V included:
# exit 1 and one line, never a silent 0.
bad=()
for args in --help -V "failures -d 0.2"; do
	# shellcheck disable=SC2086 # words
	"$lt" $args >/dev/full 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] && [ "$(tail -n1 "$tmp/err")" = "labytrace: cannot write to standard output: No space left on device" ] ||
		bad+=(">/dev/full $args: rc=$rc $(tail -n1 "$tmp/err")")
	# shellcheck disable=SC2086
	"$lt" $args >&- 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] && [ "$(cat "$tmp/err")" = "labytrace: cannot write to standard output: it is closed" ] ||
		bad+=(">&- $args: rc=$rc $(tail -n1 "$tmp/err")")
done
if [ ${#bad[@]} = 0 ]; then
	ok "stdout full or closed: exit 1 and one line, --help and -V too"
else
	not_ok "stdout full or closed: exit 1 and one line" "${bad[@]}"
fi

# 13. the textfile for node_exporter, in the classic text format its
# collector parses (exporters-check.sh has node_exporter itself read it)
mkdir "$tmp/prom"
run failures -d 2 -i 0.5 -j --prometheus "$tmp/prom/labytrace.prom"
omc=$("$checkers/om_check" --classic "$tmp/prom/labytrace.prom" 2>&1)
if [ $rc = 0 ] && [ "$(ls -A "$tmp/prom")" = labytrace.prom ] &&
   [[ $omc == ok* ]] && [ "$(stat -c %a "$tmp/prom/labytrace.prom")" = 644 ]; then
	ok "--prometheus: strict classic text, replaced atomically ($omc)"
else
	not_ok "--prometheus" "rc=$rc" "$omc" "$(ls -A "$tmp/prom")"
fi

# 14. --prometheus never replaces what is not a regular file: a device node
# (a /dev/null of our own), a FIFO, a symbolic link.  Exit 2, one line, and
# the node is still what it was.
mknod "$tmp/null" c 1 3
mkfifo "$tmp/fifo"
ln -s "$tmp/prom/labytrace.prom" "$tmp/link"
bad=()
for t in null fifo link; do
	run failures -d 0.1 --prometheus "$tmp/$t"
	if [ $rc != 2 ] || [ "$(lines "$tmp/err")" != 1 ] ||
	   ! grep -q "^labytrace: bad value for --prometheus: $tmp/$t is a .*, not a regular file\$" "$tmp/err"; then
		bad+=("$t: rc=$rc $(head -c 200 "$tmp/err")")
	fi
done
[ -c "$tmp/null" ] || bad+=("the device node was replaced")
[ -p "$tmp/fifo" ] || bad+=("the FIFO was replaced")
[ -L "$tmp/link" ] || bad+=("the symbolic link was replaced")
if [ ${#bad[@]} = 0 ] && [ "$(ls -A "$tmp/prom")" = labytrace.prom ]; then
	ok "--prometheus refuses a device node, a FIFO, a symlink: exit 2, left alone"
else
	not_ok "--prometheus refuses what is not a regular file" "${bad[@]}" "$(ls -lA "$tmp")"
fi

# 15. SIGTERM detaches and prints the final summary
"$lt" failures -j >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1.5
kill -TERM $pid
wait $pid
rc=$?
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
check "SIGTERM: exit 0 and a final summary" test $rc = 0 -a $crc = 0

# 16. text when stdout is not a terminal: appended, no escape sequences
"$lt" failures -d 1.5 -i 0.5 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q '^SUMMARY over' "$tmp/out" &&
   [ "$(grep -c '^--- ' "$tmp/out")" -ge 3 ] && ! grep -q $'\033' "$tmp/out"; then
	ok "plain text: interval reports appended, final summary"
else
	not_ok "plain text" "rc=$rc" "$(head -5 "$tmp/out")"
fi

# 17. in-kernel filters load and run
run failures -d 0.5 -j -p $$ -C 0 --order 0 --gfp atomic
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
check "filters -p -C --order --gfp: exit 0, valid NDJSON" test $rc = 0 -a $crc = 0

# 18. the filters filter: under load (processes started: page tables,
# stacks), --order 0 --warned-only --gfp kernel counts allocations, and
# every one is order 0, may-sleep, without NOWARN.
( for _ in $(seq 300); do /bin/true; done ) &
load=$!
run failures -d 1 -j --order 0 --warned-only --gfp kernel
wait $load
"$checkers/ndjson_check" "$tmp/out" >"$tmp/check" 2>&1
crc=$?
rows=$(grep -c '^final.row ' "$tmp/check")
others=$(grep '^final.row ' "$tmp/check" | grep -vc '^final.row 0 may-sleep [a-z]* [a-z]* false ')
allocs=$(sed -n 's/^final.allocs //p' "$tmp/check")
if [ $rc = 0 ] && [ $crc = 0 ] && [ "$rows" -ge 1 ] && [ "$others" = 0 ] &&
   [ "${allocs:-0}" -ge 100 ]; then
	ok "filters filter: $allocs allocations, all order 0, may-sleep, without NOWARN"
else
	not_ok "filters filter (--order 0 --warned-only --gfp kernel)" "rc=$rc check=$crc" \
		"$(grep '^final.row ' "$tmp/check" | head -5)"
fi

# 19. start-up: exec to attached and back
start=$(date +%s%N)
run failures -d 0.1 -j
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "start-up + 0.1 s run + exit in ${ms} ms" test $rc = 0 -a $ms -lt 3000

# 20. the handlers this kernel has no attach point for, on stand-ins
"$checkers/standin_check" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(tail -n1 "$tmp/out")" = ok ]; then
	ok "violation and fentry handlers verified and consistent on stand-in tracepoints"
else
	not_ok "handlers on stand-in tracepoints (exit $rc)" "$(cat "$tmp/out")"
fi

# 21. record: every interval's counts in the recording, adding up to the
# summary labytrace prints; the end line says the same.
dd if=/dev/zero of="$tmp/load" bs=1M count=128 status=none &
load=$!
run record -o "$tmp/rec.ndjson" -d 2 -i 0.5 -j
wait $load
rm -f "$tmp/load"
cp "$tmp/out" "$tmp/rec-summary.ndjson"
out=$(python3 "$check_py" record "$tmp/out" "$tmp/rec.ndjson")
if [ $rc = 0 ] && [[ $out == ok* ]] && clean_stderr "$tmp/err"; then
	ok "record -o: ${out#ok }, $(stat -c %s "$tmp/rec.ndjson") bytes"
else
	not_ok "record -o: the recording adds up to the summary" "rc=$rc" "$out" "$(cat "$tmp/err")"
fi

# 22. heatmap of that recording: allocations by order, an SVG that
# parses; latency where this kernel gave it, else exit 2 saying why.
bad=()
run heatmap "$tmp/rec.ndjson" -o "$tmp/allocs.svg" --metric allocs
svg=$(python3 "$check_py" svg "$tmp/allocs.svg" 1)
allocs=$(python3 -c 'import json, sys
print([o for o in map(json.loads, open(sys.argv[1])) if o.get("final")][-1]["allocs"])' \
	"$tmp/rec-summary.ndjson")
[ $rc = 0 ] && [ ! -s "$tmp/err" ] && [[ $svg == ok* ]] &&
	grep -q "intervals, $allocs allocations</text>" "$tmp/allocs.svg" ||
	bad+=("allocs: rc=$rc $svg, not $allocs allocations: $(grep -o '[0-9]* intervals, [0-9]* [a-z]*' "$tmp/allocs.svg") $(cat "$tmp/err")")
run heatmap "$tmp/rec.ndjson" -o "$tmp/latency.svg"
if printf '%s\n' "${unavailable[@]}" | grep -qx latency; then
	[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -e "$tmp/latency.svg" ] &&
		grep -q "^labytrace: $tmp/rec.ndjson: no latency in this recording: unavailable when recorded: " "$tmp/err" ||
		bad+=("latency unavailable: rc=$rc $(cat "$tmp/err")")
else
	[ $rc = 0 ] && [[ $(python3 "$check_py" svg "$tmp/latency.svg" 1) == ok* ]] ||
		bad+=("latency: rc=$rc $(cat "$tmp/err")")
fi
if [ ${#bad[@]} = 0 ]; then
	ok "heatmap: the summary's $allocs allocations by order (${svg#ok }); latency drawn or refused with its reason"
else
	not_ok "heatmap of a recording" "${bad[@]}"
fi

# 23. record's bad input: a file it cannot write (exit 1), a target that is
# not a regular file (exit 2, left alone); one line each, nothing traced.
bad=()
run record -o "$tmp/missing/rec.ndjson" -d 0.2
[ $rc = 1 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -qx "labytrace: cannot write $tmp/missing/rec.ndjson: No such file or directory" "$tmp/err" ||
	bad+=("missing directory: rc=$rc $(cat "$tmp/err")")
run record -o "$tmp" -d 0.2
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -q "^labytrace: bad value for -o: $tmp is a directory, not a regular file\$" "$tmp/err" ||
	bad+=("directory: rc=$rc $(cat "$tmp/err")")
run record -o "$tmp/null" -d 0.2
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && [ -c "$tmp/null" ] &&
	grep -q "^labytrace: bad value for -o: $tmp/null is a character device, not a regular file\$" "$tmp/err" ||
	bad+=("device node: rc=$rc $(cat "$tmp/err")")
if [ ${#bad[@]} = 0 ]; then
	ok "record -o: unwritable exit 1, device node exit 2, one line each"
else
	not_ok "record -o: bad targets" "${bad[@]}"
fi

# 23b. record -o never touches an existing recording before the run starts:
# a --listen port in use (exit 2), no privilege (exit 3, the file writable
# by anyone), and on a kernel without __GFP_EXCLUSIVE, --exclusive (exit 5)
# each leave it byte for byte, with no temporary file; a run that starts
# replaces it.
bad=()
mkdir -m 0777 "$tmp/keep"
chmod 0755 "$tmp"
head -c 5000 "$top/Documentation/labytrace-demo-recording.ndjson" >"$tmp/keep/old.ndjson"
chmod 0666 "$tmp/keep/old.ndjson"
cp "$tmp/keep/old.ndjson" "$tmp/old.copy"
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$tmp/busy" &
busy=$!
for _ in $(seq 50); do [ -s "$tmp/busy" ] && break; sleep 0.1; done
run record -o "$tmp/keep/old.ndjson" -d 0.2 --listen "127.0.0.1:$(cat "$tmp/busy")"
kill $busy 2>/dev/null
wait $busy 2>/dev/null
[ $rc = 2 ] || bad+=("--listen in use: rc=$rc $(cat "$tmp/err")")
cmp -s "$tmp/keep/old.ndjson" "$tmp/old.copy" || bad+=("--listen in use: the recording changed")
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$lt" record -o "$tmp/keep/old.ndjson" -d 0.2 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || bad+=("not root: rc=$rc $(cat "$tmp/err")")
cmp -s "$tmp/keep/old.ndjson" "$tmp/old.copy" || bad+=("not root: the recording changed")
if printf '%s\n' "${unavailable[@]}" | grep -qx violations; then
	run record -o "$tmp/keep/old.ndjson" -d 0.2 --exclusive
	[ $rc = 5 ] || bad+=("--exclusive: rc=$rc $(cat "$tmp/err")")
	cmp -s "$tmp/keep/old.ndjson" "$tmp/old.copy" || bad+=("--exclusive: the recording changed")
fi
[ "$(ls -A "$tmp/keep")" = old.ndjson ] || bad+=("left behind: $(ls -A "$tmp/keep")")
run record -o "$tmp/keep/old.ndjson" -d 0.3 failures
head -n1 "$tmp/keep/old.ndjson" | grep -q '^{"type":"recording"' && [ $rc = 0 ] &&
	! cmp -s "$tmp/keep/old.ndjson" "$tmp/old.copy" &&
	[ "$(ls -A "$tmp/keep")" = old.ndjson ] || bad+=("a run that starts: rc=$rc, not replaced")
if [ ${#bad[@]} = 0 ]; then
	ok "record -o: a run that cannot start leaves the old recording byte for byte; one that starts replaces it"
else
	not_ok "record -o keeps the old recording until the run starts" "${bad[@]}"
fi

# 24. heatmap's bad input: exit 2 and one line for an empty recording, a
# file that is not one, a missing file, nothing selected; exit 1 for an SVG
# it cannot write; a FIFO refused.
bad=()
: >"$tmp/empty.ndjson"
for c in "$tmp/empty.ndjson|an empty recording (no header line)" \
	 "$tmp/rec-summary.ndjson|:1: not a labytrace recording" \
	 "$tmp/nope.ndjson|bad value for heatmap FILE: $tmp/nope.ndjson: No such file or directory"; do
	run heatmap "${c%%|*}" -o "$tmp/x.svg"
	[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && grep -qF -- "${c#*|}" "$tmp/err" &&
		[ ! -e "$tmp/x.svg" ] || bad+=("${c%%|*}: rc=$rc $(cat "$tmp/err")")
done
run heatmap "$tmp/rec.ndjson" -o "$tmp/x.svg" --metric allocs --order 10 --context hardirq
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && grep -q "nothing selected" "$tmp/err" ||
	bad+=("nothing selected: rc=$rc $(cat "$tmp/err")")
run heatmap "$tmp/rec.ndjson" -o "$tmp/missing/x.svg" --metric allocs
[ $rc = 1 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -qx "labytrace: cannot write $tmp/missing/x.svg: No such file or directory" "$tmp/err" ||
	bad+=("unwritable SVG: rc=$rc $(cat "$tmp/err")")
# heatmap needs no privilege: as nobody, a file it may not write
touch "$tmp/root.svg"
chmod 0755 "$tmp"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$lt" heatmap "$tmp/rec.ndjson" \
	-o "$tmp/root.svg" --metric allocs >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -qx "labytrace: cannot write $tmp/root.svg: Permission denied" "$tmp/err" ||
	bad+=("as nobody: rc=$rc $(cat "$tmp/err")")
run heatmap "$tmp/rec.ndjson" -o "$tmp/fifo" --metric allocs
[ $rc = 2 ] && [ -p "$tmp/fifo" ] && grep -q "is a FIFO, not a regular file" "$tmp/err" ||
	bad+=("FIFO: rc=$rc $(cat "$tmp/err")")
if [ ${#bad[@]} = 0 ]; then
	ok "heatmap: empty, not a recording, missing, nothing selected, FIFO exit 2; unwritable exit 1"
else
	not_ok "heatmap: bad input" "${bad[@]}"
fi

# 25. heatmap's input as it comes: a recording cut mid-line (drawn from its
# whole intervals, one warning), what is no file (a directory, /dev/zero, a
# FIFO: exit 2 at once), control characters and broken UTF-8 (the SVG still
# parses as XML), a day of one-second intervals (binned: a small SVG).
bad=()
head -c 40000 "$top/Documentation/labytrace-demo-recording.ndjson" >"$tmp/cut.ndjson"
run heatmap "$tmp/cut.ndjson" -o "$tmp/cut.svg" --metric hold
svg=$(python3 "$check_py" svg "$tmp/cut.svg" 1)
[ $rc = 0 ] && [ "$(lines "$tmp/err")" = 1 ] && [[ $svg == ok* ]] &&
	grep -q "^labytrace: $tmp/cut.ndjson:21: the last line is cut short (record stopped mid-line): drawing the 19 whole intervals before it\$" "$tmp/err" ||
	bad+=("cut: rc=$rc $svg $(cat "$tmp/err")")
for c in "$tmp|is a directory" "/dev/zero|is a character device" "$tmp/fifo|is a FIFO"; do
	timeout 10 "$lt" heatmap "${c%%|*}" -o "$tmp/x.svg" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -e "$tmp/x.svg" ] &&
		grep -qx "labytrace: bad value for heatmap FILE: ${c%%|*} ${c#*|}, not a regular file" "$tmp/err" ||
		bad+=("${c%%|*}: rc=$rc $(head -c 300 "$tmp/err")")
done
printf '{"type":"recording","version":1,"time":"\\u0001\\u001b[2J\\ud800\377<&"}\n%s\n' \
	'{"type":"interval","ts":1,"allocs":[{"order":0,"class":"atomic","allocs":2}]}' >"$tmp/hostile.ndjson"
run heatmap "$tmp/hostile.ndjson" -o "$tmp/hostile.svg" --metric allocs
svg=$(python3 "$check_py" svg "$tmp/hostile.svg" 1)
[ $rc = 0 ] && [[ $svg == ok* ]] && ! grep -q $'\033' "$tmp/hostile.svg" ||
	bad+=("control characters: rc=$rc $svg $(cat "$tmp/err")")
python3 -c 'import sys
print("{\"type\":\"recording\",\"version\":1}")
for i in range(86400):
    print("{\"type\":\"interval\",\"ts\":%d,\"allocs\":[{\"order\":%d,\"allocs\":%d}]}" % (i, i % 4, i % 9 + 1))' \
	>"$tmp/day.ndjson"
run heatmap "$tmp/day.ndjson" -o "$tmp/day.svg" --metric allocs
svg=$(python3 "$check_py" svg "$tmp/day.svg" 1)
size=$(stat -c %s "$tmp/day.svg" 2>/dev/null)
# 900 columns of 96 intervals, 4 orders: under 1 MB (it was 200 MB)
[ $rc = 0 ] && [[ $svg == ok* ]] && [ "${size:-0}" -lt 1000000 ] ||
	bad+=("86400 intervals: rc=$rc $svg, ${size:-no} bytes")
if [ ${#bad[@]} = 0 ]; then
	ok "heatmap: a cut recording drawn with one warning; directory, /dev/zero, FIFO exit 2; control characters and 86400 intervals make valid small SVGs ($size bytes)"
else
	not_ok "heatmap: input as it comes" "${bad[@]}"
fi

# 26. owners: the kernel's lists, or one line saying this kernel has none
run owners -j
if [ -e /sys/kernel/debug/page_exclusive/pages ]; then
	python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' \
		"$tmp/out" 2>"$tmp/check"
	check "owners -j on a __GFP_EXCLUSIVE kernel: exit 0, valid NDJSON" \
		test $rc = 0 -a $? = 0 -a ! -s "$tmp/check"
elif [ $rc = 5 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
     grep -q "^labytrace: cannot read /sys/kernel/debug/page_exclusive/pages: No such file or directory (not a __GFP_EXCLUSIVE kernel" "$tmp/err"; then
	ok "owners without page_exclusive in debugfs: exit 5, one line"
else
	not_ok "owners: exit 0 with the lists, or 5 and one line" "rc=$rc" "$(cat "$tmp/err")"
fi

# 26b. owners into a pipe that closes early (| head -1) ends quietly with
# exit 0, as tracing does: against the kernel's lists as a fake debugfs (a
# tmpfs in a mount namespace of its own) of 20000 owners.
python3 -c 'for i in range(20000): print("pfn=0x%x order=0 owner=task:%d age_ms=%d" % (0x1000 + i, 100 + i, i))' \
	>"$tmp/fake-pages"
bad=()
for args in owners "owners -j"; do
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m bash -c 'mount -t tmpfs none /sys/kernel/debug &&
		mkdir /sys/kernel/debug/page_exclusive &&
		cp "$1" /sys/kernel/debug/page_exclusive/pages &&
		{ $0 $2 2>"$3"; echo $? >"$4"; } | head -n1 >/dev/null' \
		"$lt" "$tmp/fake-pages" "$args" "$tmp/err" "$tmp/rc"
	[ "$(cat "$tmp/rc")" = 0 ] && [ ! -s "$tmp/err" ] ||
		bad+=("$args | head -1: rc=$(cat "$tmp/rc") $(head -c 300 "$tmp/err")")
done
if [ ${#bad[@]} = 0 ]; then
	ok "owners | head -1: exit 0, nothing on stderr"
else
	not_ok "owners | head -1 ends quietly" "${bad[@]}"
fi

# 26c. messages are whole and one line: a 250-character file name keeps its
# errno (notes were cut at 256 bytes), a newline or escape in a name is
# shown escaped.
bad=()
long=$(printf 'n%.0s' $(seq 250))
run record -o "$tmp/missing/$long" -d 0.2
[ $rc = 1 ] && [ "$(lines "$tmp/err")" = 1 ] &&
	grep -qx "labytrace: cannot write $tmp/missing/$long: No such file or directory" "$tmp/err" ||
	bad+=("long name: rc=$rc $(tail -c 100 "$tmp/err")")
run record -o "$tmp/missing/a"$'\n\033[2J'"b" -d 0.2
[ $rc = 1 ] && [ "$(lines "$tmp/err")" = 1 ] && ! grep -q $'\033' "$tmp/err" &&
	grep -qF 'missing/a\n\x1b[2Jb: No such file or directory' "$tmp/err" ||
	bad+=("control characters: rc=$rc $(cat -v "$tmp/err")")
if [ ${#bad[@]} = 0 ]; then
	ok "messages: whole past 256 bytes, control characters escaped, one line"
else
	not_ok "messages whole and one line" "${bad[@]}"
fi

# 27. --live forces the choice: the repainted screen into a file (as into a
# VM's piped console), then the same final summary; never: plain text on a
# terminal; with -j: exit 2, one line.
bad=()
"$lt" failures --live -d 1.5 -i 0.5 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(grep -c $'\033\\[H' "$tmp/out")" -ge 3 ] &&
	! grep -q '^--- ' "$tmp/out" && grep -q '^SUMMARY over' "$tmp/out" ||
	bad+=("--live into a file: rc=$rc $(head -c 300 "$tmp/out" | cat -v)")
if command -v script >/dev/null; then
	script -qec "$(printf %q "$lt") failures --live=never -d 1.5 -i 0.5 2>/dev/null" /dev/null \
		>"$tmp/out" </dev/null
	rc=$?
	[ $rc = 0 ] && [ "$(grep -c '^--- ' "$tmp/out")" -ge 3 ] &&
		! grep -q $'\033' "$tmp/out" && grep -q '^SUMMARY over' "$tmp/out" ||
		bad+=("--live=never on a terminal: rc=$rc $(head -c 300 "$tmp/out" | cat -v)")
fi
run failures --live -j
[ $rc = 2 ] && [ "$(lines "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
	grep -q '^labytrace: --live and -j exclude each other' "$tmp/err" ||
	bad+=("--live -j: rc=$rc $(cat "$tmp/err")")
if [ ${#bad[@]} = 0 ]; then
	ok "--live: the live view into a file with its summary, never plain on a terminal, not with -j"
else
	not_ok "--live" "${bad[@]}"
fi

exit $failed
