#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-destroy.sh: inside the guest (benchmark kernel, vmrun --icount),
# what destroying an owner object that still owns pages costs: pair_bench's
# "leak N" destroys an owner holding N pages and reads back the
# instructions page_exclusive_owner_destroy() took.  make bench runs it in
# a 2 GiB and an 8 GiB guest: with each owner's index the cost follows N,
# not the size of memory.
#
#   bench-destroy.sh BUILD_DIR LABEL RUNS
#
# Writes BUILD_DIR/results/bench-destroy-LABEL.tsv ("leak-N<TAB>round<TAB>
# insns").  Each leak is reported, ten a CPU at most every 5 s: rounds are
# 6 s apart (no time at all under -icount sleep=off) so that each prints
# the same reports.  Never a pass/fail criterion.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ensure_mounts

build=$1 label=$2 runs=${3:-3}
out=$build/results
tsv=$out/bench-destroy-$label.tsv
file=/sys/kernel/debug/labyrinth_pair_bench
mkdir -p "$out"
: >"$tsv"

case "$(uname -r)" in
*-labyrinth-bench-off*) flavour=bench-off ;;
*) flavour=bench ;;
esac
lsmod | grep -q '^pair_bench' ||
	insmod "$build/pair_bench/$flavour/pair_bench.ko" || exit 1

for ((round = 1; round <= runs; round++)); do
	for n in 64 1024; do
		sleep 6
		if taskset -c 0 bash -c "echo leak $n >$file"; then
			insns=$(cat $file)
		else
			insns=n/a
		fi
		printf 'leak-%s\t%s\t%s\n' "$n" "$round" "$insns" >>"$tsv"
	done
	echo "# destroy round $round/$runs ($label): $(awk -v r=$round '$2 == r {printf "%s=%s ", $1, $3}' "$tsv")"
done
