#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What labytrace runs counted, as "NAME KEY VALUE" lines for a shell.

    filter_counts.py [--workload WORKLOAD_JSON] LABYTRACE_NDJSON...

NAME is the NDJSON file's name without ".ndjson".  From its final summary:
  allocs, failures, violations, lost   totals
  x, x.CTX     exclusive allocations, and those in context CTX (task, ...)
  plain        allocations without __GFP_EXCLUSIVE
  notctx.CTX   allocations, of any class, in a context other than CTX
  notcls.CLS   allocations in a gfp class other than CLS (atomic, ...)
and from its final latency records:
  notorder.N   latency samples of an order other than N (N = 0..4)
A key is missing when labytrace did not report it.  With --workload, first
"workload S T F V": what pex_workload made (softirq and task exclusive
allocations, failures, violations).  A file that cannot be read, or has not
exactly one final summary, is named on stderr; exit status 1 then.
"""
import json
import os
import sys

CTXS = ("task", "softirq", "hardirq", "nmi")
CLASSES = ("atomic", "nowait", "may-sleep")


def counts(path):
    records = [json.loads(line) for line in open(path)]
    finals = [r for r in records if r.get("type") == "summary" and r.get("final")]
    if len(finals) != 1:
        raise ValueError(f"{len(finals)} final summaries")
    s = finals[0]
    rows = s["classes"]
    # The rows are per (class, exclusive, context): they must add up.
    if sum(r["allocs"] for r in rows) != s["allocs"]:
        raise ValueError("classes do not add up to allocs")
    out = {
        "allocs": s["allocs"],
        "failures": s["failures"],
        "lost": s["lost"]["total"],
        "x": sum(r["allocs"] for r in rows if r["exclusive"]),
        "plain": sum(r["allocs"] for r in rows if not r["exclusive"]),
    }
    if "violations" in s:
        out["violations"] = sum(v["count"] for v in s["violations"].values())
    for ctx in CTXS:
        out["x." + ctx] = sum(r["allocs"] for r in rows
                              if r["exclusive"] and r["context"] == ctx)
        out["notctx." + ctx] = sum(r["allocs"] for r in rows if r["context"] != ctx)
    for cls in CLASSES:
        out["notcls." + cls] = sum(r["allocs"] for r in rows if r["class"] != cls)
    lat = [r for r in records if r.get("type") == "latency" and r.get("final")]
    for order in range(5):
        out[f"notorder.{order}"] = sum(r["count"] for r in lat if r["order"] != order)
    return out


def main():
    args = sys.argv[1:]
    failed = False
    if args[:1] == ["--workload"]:
        try:
            w = json.load(open(args[1]))
            print("workload", w["alloc_softirq"], w["alloc_task"], w["failures"],
                  sum(w["violations"].values()))
        except (OSError, ValueError, KeyError) as e:
            print(f"{args[1]}: {e!r}", file=sys.stderr)
            failed = True
        args = args[2:]
    for path in args:
        name = os.path.basename(path).removesuffix(".ndjson")
        try:
            out = counts(path)
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"{name}: {e!r}", file=sys.stderr)
            failed = True
            continue
        for k, v in out.items():
            print(name, k, v)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
