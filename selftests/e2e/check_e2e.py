#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare what labytrace reported with what pex_workload did.

    check_e2e.py WORKLOAD_JSON LABYTRACE_NDJSON VMSTAT_BEFORE VMSTAT_AFTER
                 PROMETHEUS_FILE LIVE_TEXT HELD_OVER_NS POLICY OWNERS_NDJSON
                 LABYTRACE_STDERR MEMLOCK_BYTES

OWNERS_NDJSON is what "labytrace owners -j" said while the workload's owner
object held its pages.  MEMLOCK_BYTES is the kernel memory of labytrace's
maps (memlock in /proc/PID/fdinfo, summed) once it had attached.

POLICY is the policy the caller set; the workload must have run under it.
Prints TAP; exit status 1 if any check failed, if the checker crashed, or if
it ran other than PLANNED checks.  Only the standard library: json for the
NDJSON, a strict little parser for the OpenMetrics text.
"""
import json
import re
import sys
import traceback

KINDS = ("map", "gup", "free", "transfer", "release", "leak")
# Every check runs whatever the input, so a short run means the checker
# stopped early: it must fail, not pass on the checks it got to.
PLANNED = 67
results = []


def check(ok, what, detail=""):
    results.append((bool(ok), what + (f" ({detail})" if detail else "")))


def vmstat(path):
    with open(path) as f:
        return {k: int(v) for k, v in (line.split() for line in f)}


def openmetrics(path):
    """{(name, frozenset(labels)): value}; raises on a malformed line."""
    samples = {}
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
    label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
    with open(path) as f:
        lines = f.read().split("\n")
    if lines[-1] != "" or lines[-2] != "# EOF":
        raise ValueError("does not end with '# EOF'")
    for line in lines[:-2]:
        if line.startswith("#"):
            continue
        m = sample.match(line)
        if not m:
            raise ValueError(f"bad sample line: {line!r}")
        labels = frozenset((k, v) for k, v, _ in label.findall(m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(4))
    return samples


def om_sum(samples, name, **want):
    return sum(v for (n, labels), v in samples.items()
               if n == name and all((k, val) in labels for k, val in want.items()))


def main():
    (wl_path, nd_path, before_path, after_path, prom, live, held_over, policy,
     owners_path, err_path, memlock) = sys.argv[1:]
    check(0 < int(memlock) <= 16 << 20,
          "kernel memory for labytrace's maps, by default, at most 16 MiB",
          f"{memlock} bytes")
    held_over = int(held_over)
    wl = json.load(open(wl_path))
    pid = wl["pid"]
    ow = wl["owner"]
    # The owner object's pages: allocated in softirq, freed by the task.
    ow_label = f"{ow['name']} (object {ow['id']})"
    # The workload derives what it expects (denials) from the policy it reads
    # back; an "enforce" round that ran as "report" would otherwise pass.
    check(wl["policy"] == policy, f"workload ran under the {policy} policy",
          f"it read back {wl['policy']!r}")
    records = []
    bad = 0
    for line in open(nd_path):
        try:
            records.append(json.loads(line))
        except ValueError:
            bad += 1
    check(bad == 0 and records, "labytrace wrote valid NDJSON",
          f"{len(records)} records, {bad} invalid")
    by_type = {}
    for r in records:
        by_type.setdefault(r.get("type"), []).append(r)
    finals = [r for r in by_type.get("summary", []) if r.get("final")]
    check(len(finals) == 1, "exactly one final summary", f"{len(finals)}")
    if not finals:
        return
    s = finals[0]
    check(s["lost"]["total"] == 0 and not by_type.get("lost"),
          "nothing lost", f"lost {s['lost']}")
    # The events the kernel skipped for labytrace's programs: stated in one
    # line, as many as the summary has; none, and no line, where the kernel
    # lets the programs nest in other contexts (BPF_F_RECURSION_PER_CONTEXT).
    misses = s["lost"]["bpf_recursion_misses"]
    said = [line.rstrip("\n") for line in open(err_path)
            if re.match(r"labytrace: \d+ events not seen: BPF recursion misses ", line)]
    if said and "refused BPF_F_RECURSION_PER_CONTEXT" in said[0]:
        print("# this kernel lacks BPF_F_RECURSION_PER_CONTEXT: " + said[0])
    check(len(said) <= 1 and (said or not misses) and
          all(int(line.split()[1]) == misses for line in said),
          "recursion misses stated in one line, as the summary counts them",
          f"summary {misses}, stderr {said}")

    def allocs(ctx):
        return sum(c["allocs"] for c in s["classes"]
                   if c["exclusive"] and c["context"] == ctx)
    # An owner object's pages are ordinary allocations it claims after
    # they return: its latency events are not exclusive ones.
    want = wl["alloc_softirq"]
    check(allocs("softirq") == want, "exclusive allocations in softirq",
          f"{allocs('softirq')} reported, {want} made with __GFP_EXCLUSIVE")
    check(allocs("hardirq") == wl["alloc_hardirq"], "exclusive allocations in hardirq",
          f"{allocs('hardirq')} reported, {wl['alloc_hardirq']} made")
    check(allocs("task") == wl["alloc_task"], "exclusive allocations in task context",
          f"{allocs('task')} reported, {wl['alloc_task']} made")

    # Failures: exactly the injected ones, each with the module on its stack.
    fails = by_type.get("failure", [])
    check(s["failures"] == wl["failures"], "failures in the final summary",
          f"{s['failures']} reported, {wl['failures']} injected")
    check(len(fails) == wl["failures"], "one failure record per injected failure",
          f"{len(fails)} records")
    check(all(f["pid"] == pid and f["order"] == 0 and "GFP_ATOMIC" in f["gfp_flags"]
              for f in fails), "failure records: workload pid, order 0, GFP_ATOMIC")
    # Counted by stack in the kernel too: the same failures, on the module's
    # stack, and every one also has its record (fewer than --failure-records).
    stacks = [r for r in by_type.get("failure_stack", []) if r["final"]]
    check(sum(r["count"] for r in stacks) == wl["failures"] and
          s["failures_unrecorded"] == 0,
          "failures by stack add up, none without a record",
          f"{[(r['count'], r['order']) for r in stacks]}, "
          f"unrecorded {s['failures_unrecorded']}")
    check(stacks and all(any("do_alloc" in fr and "test_page_exclusive" in fr
                             for fr in r["stack"]) for r in stacks),
          "every failure stack counted names do_alloc [test_page_exclusive]",
          stacks[0]["stack"][:6] if stacks else "")

    # The module's allocations carry __GFP_NOWARN: expected failures, each
    # said so, and counted apart from the ones the kernel warns about.
    check(all(f["nowarn"] is True for f in fails) and
          s["failures_nowarn"] == wl["failures"] and s["failures_warned"] == 0,
          "failures are expected (NOWARN), none warned",
          f"nowarn {s['failures_nowarn']}, warned {s['failures_warned']}")
    check(fails and all(any("do_alloc" in fr and "test_page_exclusive" in fr
                            for fr in f["stack"]) for f in fails),
          "every failure stack names do_alloc [test_page_exclusive]",
          fails[0]["stack"][:6] if fails else "")

    # Violations: one of each kind, denied as the policy says.
    viols = by_type.get("violation", [])
    for kind in KINDS:
        got = [v for v in viols if v["kind"] == kind]
        want, denied = wl["violations"][kind], wl["denied"][kind]
        check(s["violations"][kind]["count"] == want and
              s["violations"][kind]["denied"] == denied,
              f"summary: {kind} violations {want}, denied {denied}",
              f"{s['violations'][kind]}")
        check(len(got) == want and all(v["denied"] == bool(denied) for v in got),
              f"{kind} violation records with denied={bool(denied)}",
              f"{[(v['denied']) for v in got]}")
        wrong = []
        for v in got:
            owner_ok = v["owner"]["context"] == "task" and v["owner"]["pid"] == pid
            if v["owner"]["context"] == "object":
                # freed by the workload while its owner object owned it
                owner_ok = (kind == "free" and v["owner"]["id"] == ow["id"] and
                            v["owner"]["name"] == ow["name"])
                actor_ok = (v["actor"]["context"] == "task" and
                            v["actor"]["pid"] == pid and
                            v["actor"]["comm"] == "pex_workload")
            elif kind in ("map", "gup"):
                actor_ok = (v["actor"]["context"] == "task" and
                            v["actor"]["pid"] not in (pid, 0) and
                            v["actor"]["comm"] == "pex_workload")
            else:
                actor_ok = v["actor"]["comm"].startswith("test_page_excl")
            if not (owner_ok and actor_ok):
                wrong.append(f"owner {v['owner']}, actor {v['actor']}")
        check((got or not want) and not wrong,
              f"{kind}: owner is the workload (or its object), actor the other",
              "; ".join(wrong) if got else "no records")

    # Ownership: every exclusive page tracked from its acquire, bursts of
    # thousands in one softirq and in one hardirq included, each with its
    # owner's stack.
    x = s["exclusive"]
    total = (wl["alloc_softirq"] + wl["alloc_hardirq"] + wl["alloc_task"] +
             ow["alloc_softirq"])
    check(x["acquired"] == total and x["released"] == total and
          x["released_untracked"] == 0,
          "every exclusive page acquired and released, none untracked",
          f"acquired {x['acquired']}, released {x['released']}, "
          f"untracked releases {x['released_untracked']}; {total} made")
    check(s["lost"]["acquire_untracked"] == 0 and s["lost"]["stack_unrecorded"] == 0,
          "every acquire tracked with its stack",
          f"untracked {s['lost']['acquire_untracked']}, "
          f"stacks unrecorded {s['lost']['stack_unrecorded']}")

    # Leak suspects: the pages the workload held past the threshold.
    held = {h["pfn"] for h in by_type.get("held", [])
            if h["owner"].get("pid") == pid and h["held_ns"] >= held_over}
    check(len(held) == wl["held"], "pages held past --held-over listed",
          f"{len(held)} pfns, {wl['held']} held")

    # Latency histograms against the kernel's own count.
    before, after = vmstat(before_path), vmstat(after_path)
    delta = after["pgexclusive_alloc"] - before["pgexclusive_alloc"]
    # pgexclusive_alloc also counts the owner object's claims.
    made = delta - ow["alloc_softirq"]
    lat = [r for r in by_type.get("latency", []) if r.get("final") and r["exclusive"]]
    lat_count = sum(r["count"] for r in lat)
    check(lat_count == made, "exclusive latency histogram total = pgexclusive_alloc delta "
          "less the owner object's claims", f"{lat_count} vs {delta} - {ow['alloc_softirq']}")
    check(all(sum(b["count"] for b in r["buckets"]) == r["count"] for r in lat),
          "latency buckets add up to each histogram's count")
    vdelta = after["pgexclusive_violation"] - before["pgexclusive_violation"]
    check(vdelta == sum(wl["violations"].values()), "kernel counted the same violations",
          f"pgexclusive_violation +{vdelta}")

    # The OpenMetrics export carries the same totals.
    try:
        om = openmetrics(prom)
        check(True, "OpenMetrics file parses")
    except (OSError, ValueError) as e:
        check(False, "OpenMetrics file parses", str(e))
        om = {}
    check(om_sum(om, "labytrace_page_alloc_failures_total") == wl["failures"] and
          om_sum(om, "labytrace_page_alloc_failures_total", nowarn="true") == wl["failures"],
          "OpenMetrics failures total, all nowarn=\"true\"")
    check(om_sum(om, "labytrace_page_alloc_latency_seconds_count", exclusive="true") == made,
          "OpenMetrics exclusive latency _count",
          f"{om_sum(om, 'labytrace_page_alloc_latency_seconds_count', exclusive='true')}")
    for kind in KINDS:
        check(om_sum(om, "labytrace_exclusive_violations_total", kind=kind) ==
              wl["violations"][kind], f"OpenMetrics {kind} violations")

    # The live view (plain text, stdout not a TTY) ends with the same totals.
    text = open(live).read()
    summ = text[text.rfind("SUMMARY over"):] if "SUMMARY over" in text else ""
    m = re.search(r"^FAILURES (\d+) of", summ, re.M)
    check(m and int(m.group(1)) == wl["failures"], "live view summary: failures",
          m.group(0) if m else "no SUMMARY/FAILURES line")
    m = re.search(r"^\s+warned (\d+), expected \(NOWARN\) (\d+)$", summ, re.M)
    check(m and (int(m.group(1)), int(m.group(2))) == (0, wl["failures"]),
          "live view summary: warned and expected failures apart",
          m.group(0).strip() if m else "no warned/expected line")
    m = re.search(r"^\s+0 atomic\s+no\s+task\s+yes\s+\d+\s+(\d+) ", summ, re.M)
    check(m and int(m.group(1)) == wl["failures"],
          "live view summary: the failures' row names order 0 and NOWARN",
          m.group(0).strip() if m else "no such row")
    for row, want in (("seen", wl["violations"]), ("denied", wl["denied"])):
        m = re.search(r"^  %s" % row + r"\s+(\d+)" * len(KINDS), summ, re.M)
        got = [int(x) for x in m.groups()] if m else None
        check(got == [want[k] for k in KINDS], f"live view summary: violations {row}",
              f"{got}")
    m = re.search(r"^HELD\s+acquired (\d+)", summ, re.M)
    check(m and int(m.group(1)) == total, "live view summary: exclusive pages acquired",
          m.group(0) if m else "no HELD line")

    owner_checks(wl, ow, ow_label, by_type, s, om, summ, owners_path)


def owner_checks(wl, ow, ow_label, by_type, s, om, summ, owners_path):
    """Per owner: exactly what the owner object and the workload did."""
    pid = wl["pid"]
    released = ow["released"] + ow["freed"] + ow["held"]   # the rest at close
    records = by_type.get("owner", [])
    finals = [r for r in records if r["final"]]
    mine = [r for r in finals if r["owner"].get("context") == "object" and
            r["owner"].get("id") == ow["id"]]
    o = mine[0] if len(mine) == 1 else None
    check(o and o["owner"]["name"] == ow["name"] and o["label"] == ow_label,
          f"owner record for {ow_label}, by name", f"{len(mine)} records")
    o = o or {"acquired": None, "released": None, "transferred_in": None,
              "transferred_out": None, "violations": {}, "held": None,
              "hold": {"count": None}}
    check(o["acquired"] == ow["alloc_softirq"], "owner object: acquired",
          f"{o['acquired']} reported, {ow['alloc_softirq']} allocated")
    check(o["released"] == released, "owner object: released (by it, freed, at close)",
          f"{o['released']} reported, {released} ended")
    check((o["transferred_out"], o["transferred_in"]) == (ow["transferred"], 0),
          "owner object: transferred out, none in",
          f"out {o['transferred_out']}, in {o['transferred_in']}")
    want = {k: 0 for k in KINDS}
    want["free"] = ow["freed"]
    want["total"] = ow["freed"]
    check(o["violations"] == want, "owner object: violations on its pages: free only",
          f"{o['violations']}")
    check(o["hold"]["count"] == released and o["held"] == 0,
          "owner object: a hold time per release, nothing held at the end",
          f"hold count {o['hold']['count']}, held {o['held']}")
    # While it held its pages, every interval said how many, exactly.
    during = [r["held"] for r in records if not r["final"] and
              r["owner"].get("id") == ow["id"] and
              ow["hold_start"] + 0.1 < r["ts"] < ow["hold_end"] - 0.1]
    check(during and all(h == ow["held"] for h in during),
          "owner object: held now, in every interval while it held",
          f"{during}, {ow['held']} held")
    # The task it handed pages to got them, and the books balance.
    task = [r for r in finals if r["owner"].get("context") == "task" and
            r["owner"].get("pid") == pid]
    check(len(task) == 1 and task[0]["transferred_in"] == ow["transferred"],
          "the workload's task owner: transferred in",
          f"{[t['transferred_in'] for t in task]}")
    x = s["exclusive"]
    sums = {k: sum(r[k] for r in finals) for k in ("acquired", "released")}
    check(sums == {"acquired": x["acquired"], "released": x["released"]} and
          x["owners_listed"] == x["owners"] == len(finals),
          "owner records add up to the totals", f"{sums}, owners {x['owners']}")
    # OpenMetrics, labelled by the owner's name.
    got = (om_sum(om, "labytrace_owner_acquired_total", owner=ow_label),
           om_sum(om, "labytrace_owner_released_total", owner=ow_label),
           om_sum(om, "labytrace_owner_violations_total", owner=ow_label, kind="free"),
           om_sum(om, "labytrace_owner_transferred_out_total", owner=ow_label))
    check(got == (ow["alloc_softirq"], released, ow["freed"], ow["transferred"]),
          f"OpenMetrics owner=\"{ow_label}\": acquired, released, free violations, out",
          f"{got}")
    # The live view's summary has its row.
    m = re.search(r"^  %s\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/(\d+)\s+(\d+)\s" %
                  re.escape(ow_label), summ, re.M)
    got = tuple(int(g) for g in m.groups()) if m else None
    check(got == (0, ow["alloc_softirq"], released, 0, ow["transferred"], ow["freed"]),
          "live view summary: the owner object's row", m.group(0) if m else "no row")
    # What the kernel itself said, through "labytrace owners", while it held.
    try:
        kern = [json.loads(line) for line in open(owners_path)]
    except (OSError, ValueError) as e:
        kern = []
        print(f"# {owners_path}: {e}")
    k = [r for r in kern if r["owner"].get("context") == "object" and
         r["owner"].get("id") == ow["id"]]
    k = k[0] if len(k) == 1 else None
    check(k and k["label"] == ow_label and k["pages"] == ow["held"] and
          k["registry_pages"] == ow["held"] and len(k["oldest"]) == min(2, ow["held"]) and
          all(any("do_alloc" in fr for fr in p["acquired_stack"]) for p in k["oldest"]),
          "labytrace owners: the object by name, its pages, oldest with do_alloc stacks",
          json.dumps(k)[:300] if k else f"{len(kern)} owners listed")

if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # bad input or a bug: a failure, never a pass
        where = traceback.extract_tb(e.__traceback__)[-1]
        check(False, f"checker crashed: {type(e).__name__}: {e}",
              f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}")
    else:
        if len(results) != PLANNED:
            check(False, f"checker ran {len(results)} checks, planned {PLANNED}")
    print(f"1..{PLANNED}")
    for i, (ok, what) in enumerate(results, 1):
        print(("ok" if ok else "not ok") + f" {i} - {what}")
    sys.exit(0 if len(results) == PLANNED and all(ok for ok, _ in results) else 1)
