# SPDX-License-Identifier: GPL-2.0
"""What the network tests' checkers share: TAP results that fail when short,
tracefs histograms, vmstat and labytrace's NDJSON read back."""
import json
import re


class Tap:
    """Checks in order; a run that stops early must fail, not pass short."""

    def __init__(self, name, planned):
        self.name, self.planned, self.results = name, planned, []

    def check(self, ok, what, detail=""):
        self.results.append((bool(ok), what + (f" ({detail})" if detail else "")))

    def report(self, summary):
        print("TAP version 13")
        print(f"1..{self.planned}")
        for i, (ok, what) in enumerate(self.results, 1):
            print(f"{'ok' if ok else 'not ok'} {i} - {self.name}: {what}")
        for i in range(len(self.results) + 1, self.planned + 1):
            print(f"not ok {i} - {self.name}: check {i} never ran")
        print(f"# {summary}")
        return 0 if (all(ok for ok, _ in self.results) and
                     len(self.results) == self.planned) else 1


def read_hists(path):
    """{event: {key tuple: hitcount}} from "### EVENT" and its hist file,
    numbers as ints (pointers stay strings), and the events' drops."""
    hists, dropped, event = {}, 0, None
    key = re.compile(r"^\{ (.*) \} hitcount:\s*(\d+)")

    def value(text):
        text = text.split(":", 1)[1].strip()
        return int(text) if text.isdigit() else text
    for line in open(path):
        if line.startswith("### "):
            event = line[4:].strip().split("/")[-1]
            hists[event] = {}
            continue
        m = key.match(line)
        if m:
            hists[event][tuple(value(v) for v in m.group(1).split(","))] = int(m.group(2))
        elif line.startswith("    Dropped:"):
            dropped += int(line.split()[1])
    return hists, dropped


def vmstat_delta(before, after):
    def read(path):
        with open(path) as f:
            return {k: int(v) for k, v in (line.split() for line in f)}
    b, a = read(before), read(after)
    return {k: a[k] - b.get(k, 0) for k in a}


def labytrace_records(out):
    """labytrace's final records, its one final summary (or None), and
    whether it ran to the end with exactly one final summary and nothing
    lost.  Only final records are parsed: under TCG, json.loads() of the
    thousands of interval records took the guest minutes."""
    recs = [json.loads(line) for line in open(f"{out}/labytrace.ndjson")
            if '"final":true' in line]
    finals = [r for r in recs if r.get("type") == "summary" and r.get("final")]
    status = open(f"{out}/labytrace.status").read().strip()
    clean = status == "0" and len(finals) == 1 and finals[0]["lost"]["total"] == 0
    return recs, (finals[0] if finals else None), clean, f"status {status}, {len(finals)} summaries"


def final_owner(recs, oid):
    """labytrace's final record for owner object OID, or None."""
    o = [r for r in recs if r.get("type") == "owner" and r.get("final") and
         r["owner"].get("context") == "object" and r["owner"].get("id") == oid]
    return o[0] if len(o) == 1 else None


def debugfs_owners(path):
    """{owner id: pages} from debugfs page_exclusive/owners."""
    owners = {}
    for line in open(path):
        m = re.match(r"id=(\d+) pages=(\d+)", line)
        if m:
            owners[int(m.group(1))] = int(m.group(2))
    return owners
