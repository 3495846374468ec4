#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""exporters.py CHECK ARGS...: what exporters-check.sh asserts, one check a call.

Prints "ok DETAIL" and exits 0, or "error: WHY" (one line per problem) and
exits 1.  Standard library only.

  node-final NDJSON SCRAPE    node_exporter's scrape of labytrace's textfile
                              against labytrace's final summary (-j)
  node-file FILE SCRAPE       every family and sample of FILE (classic text)
                              in node_exporter's scrape, same TYPE, HELP, value
  prom-final NDJSON URL TIME  Prometheus' query API at TIME against the summary
  prom-om URL                 Prometheus stored the families as OpenMetrics
                              names them (it negotiated OpenMetrics), typed
  dashboard JSON FAMILIES [URL]
                              the Grafana dashboard's structure, its queries on
                              labytrace's families; with URL, each one evaluates
  rules JSON OUT              the dashboard's queries as a promtool rules file
  record NDJSON RECORDING     a recording's intervals add up to the summary
  svg FILE MIN_CELLS          an SVG that parses, with at least MIN_CELLS cells
"""
import json
import re
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( \S+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
problems = []


def problem(why):
    problems.append(why)


def finish(detail):
    if problems:
        for p in problems[:20]:
            print(f"error: {p}")
        if len(problems) > 20:
            print(f"error: ... and {len(problems) - 20} more")
        sys.exit(1)
    print(f"ok {detail}")
    sys.exit(0)


def exposition(text):
    """Classic text: ({family: type}, {family: help}, {(name, labels): value})."""
    types, helps, samples = {}, {}, {}
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ", 3)
            types[name] = typ
        elif line.startswith("# HELP "):
            parts = line.split(" ", 3)
            helps[parts[2]] = parts[3] if len(parts) > 3 else ""
        elif line.startswith("#"):
            continue
        else:
            m = SAMPLE.match(line)
            if not m:
                raise ValueError(f"bad sample line {line!r}")
            # Go writes le="4.096e-06" where labytrace wrote "0.000004096"
            labels = frozenset((k, repr(float(v)) if k == "le" else v)
                               for k, v, _ in LABEL.findall(m.group(3) or ""))
            samples[(m.group(1), labels)] = float(m.group(4))
    return types, helps, samples


def summary(path):
    final = None
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "summary" and o.get("final"):
                final = o
    if final is None:
        raise ValueError(f"{path}: no final summary")
    return final


def labels_of(row):
    return frozenset({
        ("order", str(row["order"])), ("class", row["class"]),
        ("exclusive", "true" if row["exclusive"] else "false"),
        ("context", row["context"]), ("nowarn", "true" if row["nowarn"] else "false"),
    })


def expected(final):
    """{(name, labels): value} that the summary implies."""
    want = {}
    for row in final.get("classes", []):
        want[("labytrace_page_allocs_total", labels_of(row))] = row["allocs"]
        want[("labytrace_page_alloc_failures_total", labels_of(row))] = row["failures"]
    for obj, fam in (("lost", "labytrace_lost_events_total"),
                     ("dropped", "labytrace_dropped_records_total")):
        for reason, v in final[obj].items():
            if reason != "total":
                want[(fam, frozenset({("reason", reason)}))] = v
    return want


def compare(want, got, where):
    for key, v in sorted(want.items(), key=str):
        if key not in got:
            problem(f"{where}: missing {key[0]}{dict(key[1])}")
        elif got[key] != v:
            problem(f"{where}: {key[0]}{dict(key[1])} = {got[key]:g}, labytrace said {v}")
    for key in got:
        if key[0] in ("labytrace_page_allocs_total", "labytrace_page_alloc_failures_total",
                      "labytrace_lost_events_total",
                      "labytrace_dropped_records_total") and key not in want:
            problem(f"{where}: {key[0]}{dict(key[1])} that labytrace's summary does not have")


def node_final(ndjson, scrape):
    final = summary(ndjson)
    types, helps, got = exposition(open(scrape).read())
    for fam in ("labytrace_page_allocs_total", "labytrace_page_alloc_failures_total",
                "labytrace_lost_events_total", "labytrace_dropped_records_total"):
        if types.get(fam) != "counter":
            problem(f"node_exporter types {fam} as {types.get(fam)}, not counter")
        if helps.get(fam, "").startswith("Metric read from"):
            problem(f"node_exporter lost {fam}'s HELP: {helps[fam]}")
    if got.get(("node_textfile_scrape_error", frozenset())) != 0:
        problem("node_textfile_scrape_error is not 0")
    # the file's last update is the final summary's reading of the maps
    stamp = got.get(("labytrace_last_update_timestamp_seconds", frozenset()))
    if types.get("labytrace_last_update_timestamp_seconds") != "gauge":
        problem("node_exporter does not type labytrace_last_update_timestamp_seconds as gauge")
    if stamp is None or abs(stamp - final["ts"]) > 0.002:
        problem(f"labytrace_last_update_timestamp_seconds {stamp}, the summary's ts {final['ts']}")
    want = expected(final)
    compare(want, got, "node_exporter")
    finish(f"{len(want)} series equal to the summary ({final['allocs']} allocations, "
           f"{final['failures']} failures), all typed counter; last update at the summary's time")


# What each family must be, whatever the writer says.
TYPES = {
    "labytrace_page_alloc_latency_seconds": "histogram",
    "labytrace_exclusive_hold_seconds": "histogram",
    "labytrace_exclusive_held_pages": "gauge",
    "labytrace_exclusive_held_over_threshold_pages": "gauge",
    "labytrace_owner_held": "gauge",
    "labytrace_owner_held_pages": "gauge",
    "labytrace_owner_hold_seconds": "histogram",
    "labytrace_owner_info": "gauge",
    "labytrace_last_update_timestamp_seconds": "gauge",
}
# Families a kernel may not have (page_pool's tracepoints): typed when there.
OPTIONAL_TYPES = {
    "labytrace_pool_inflight_pages": "gauge",
    "labytrace_pool_destroyed": "gauge",
    "labytrace_pool_info": "gauge",
}


def node_file(path, scrape):
    ftypes, fhelps, fsamples = exposition(open(path).read())
    types, helps, got = exposition(open(scrape).read())
    for fam in ftypes:
        want = TYPES.get(fam, OPTIONAL_TYPES.get(fam, "counter" if fam.endswith("_total") else None))
        if types.get(fam) != want:
            problem(f"node_exporter types {fam} as {types.get(fam)}, not {want}")
    for fam in TYPES:
        if fam not in ftypes:
            problem(f"the file has no {fam}")
    # every histogram series: +Inf bucket equal to _count, and a _sum
    for (name, labels), v in got.items():
        if name.endswith("_count") and types.get(name[:-6]) == "histogram":
            inf = got.get((name[:-6] + "_bucket", labels | {("le", repr(float("inf")))}))
            if inf != v or (name[:-6] + "_sum", labels) not in got:
                problem(f"{name}{dict(labels)}: +Inf bucket {inf}, _count {v}, or no _sum")
    for fam, typ in ftypes.items():
        if types.get(fam) != typ:
            problem(f"node_exporter types {fam} as {types.get(fam)}, the file says {typ}")
        if helps.get(fam) != fhelps.get(fam):
            problem(f"node_exporter's HELP for {fam} is {helps.get(fam)!r}")
    compare(fsamples, got, "node_exporter")
    extra = [k for k in got if k[0].startswith("labytrace_") and k not in fsamples]
    for k in extra:
        problem(f"node_exporter has {k[0]}{dict(k[1])} that the file does not")
    kinds = sorted(set(ftypes.values()))
    finish(f"{len(ftypes)} families ({', '.join(kinds)}), {len(fsamples)} samples, "
           "types, help and values as written")


def api(url, path, **params):
    q = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{url}{path}?{q}", timeout=10) as r:
        o = json.load(r)
    if o.get("status") != "success":
        raise ValueError(f"{path}: {o}")
    return o["data"]


def prom_final(ndjson, url, when):
    final = summary(ndjson)
    data = api(url, "/api/v1/query", query='{__name__=~"labytrace_.+"}', time=when)
    got = {}
    for r in data["result"]:
        m = dict(r["metric"])
        name = m.pop("__name__")
        m.pop("job", None)
        m.pop("instance", None)
        got[(name, frozenset(m.items()))] = float(r["value"][1])
    want = expected(final)
    compare(want, got, "Prometheus")
    finish(f"{len(want)} series equal to the summary ({final['allocs']} allocations, "
           f"{final['failures']} failures)")


def prom_om(url):
    meta = api(url, "/api/v1/metadata")
    for fam, typ in (("labytrace_page_allocs", "counter"),
                     ("labytrace_page_alloc_failures", "counter"),
                     ("labytrace_lost_events", "counter"),
                     ("labytrace_dropped_records", "counter")):
        got = [m["type"] for m in meta.get(fam, [])]
        if got != [typ]:
            problem(f"metadata for {fam}: {got} (classic text would name it {fam}_total)")
    got = [m["type"] for m in meta.get("labytrace_last_update_timestamp_seconds", [])]
    if got != ["gauge"]:
        problem(f"metadata for labytrace_last_update_timestamp_seconds: {got}, not gauge")
    if any(k.endswith("_total") and k.startswith("labytrace_") for k in meta):
        problem("a family named _total: Prometheus got the classic format")
    finish("families named and typed as OpenMetrics names them: Accept was honoured")


GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h"}


def queries(dash):
    """Every (panel title, expr), Grafana's variables made concrete."""
    out = []
    for p in panels(dash):
        for t in p.get("targets", []):
            expr = t["expr"]
            for k, v in GRAFANA_VARS.items():
                expr = expr.replace(k, v)
            expr = re.sub(r'\$\{?[a-z_]+\}?', ".*", expr)
            out.append((p["title"], expr))
    return out


def panels(dash):
    for p in dash["panels"]:
        yield p
        yield from p.get("panels", [])


def dashboard(path, families, url=None):
    dash = json.load(open(path))
    for key, typ in (("title", str), ("uid", str), ("schemaVersion", int),
                     ("panels", list), ("templating", dict)):
        if not isinstance(dash.get(key), typ):
            problem(f"no {key} ({typ.__name__})")
    names = set()
    for line in open(families):
        m = SAMPLE.match(line.strip()) if not line.startswith("#") else None
        if m:
            names.add(m.group(1))
    ids, heatmaps, owner = set(), [], []
    variables = {v["name"] for v in dash["templating"]["list"]}
    for p in panels(dash):
        pid = p.get("id")
        if not isinstance(pid, int) or pid in ids:
            problem(f"panel {p.get('title')!r}: id {pid} missing or repeated")
        ids.add(pid)
        if p.get("type") not in ("heatmap", "timeseries", "stat", "text", "row"):
            problem(f"panel {p.get('title')!r}: unknown type {p.get('type')}")
        g = p.get("gridPos", {})
        if not all(isinstance(g.get(k), int) for k in "xywh") or g["w"] <= 0 or \
           g["h"] <= 0 or g["x"] + g["w"] > 24:
            problem(f"panel {p.get('title')!r}: bad gridPos {g}")
        if re.search(r"\b(by|per) owner\b", p.get("title", "").lower()) and \
           p.get("type") != "row":
            owner.append(p)
        refs = [t.get("refId") for t in p.get("targets", [])]
        if len(refs) != len(set(refs)) or None in refs:
            problem(f"panel {p.get('title')!r}: refIds {refs}")
        ds = p.get("datasource")
        if p.get("targets") and (not ds or ds.get("uid") != "${datasource}"):
            problem(f"panel {p.get('title')!r}: datasource {ds}, not ${{datasource}}")
        for t in p.get("targets", []):
            for used in re.findall(r'\blabytrace_[a-z_]+', t.get("expr", "")):
                if used not in names:
                    problem(f"panel {p['title']!r}: {used} is not a series labytrace exports")
            for var in re.findall(r'\$\{?([a-z_]+)\}?', t.get("expr", "")):
                if var not in variables and not var.startswith("__"):
                    problem(f"panel {p['title']!r}: ${var} is not a dashboard variable")
            if p.get("type") == "heatmap" and t.get("format") == "heatmap" and \
               "labytrace_page_alloc_latency_seconds_bucket" in t.get("expr", ""):
                heatmaps.append(p)
    if "datasource" not in variables:
        problem("no datasource variable")
    if not heatmaps:
        problem("no heatmap panel on labytrace_page_alloc_latency_seconds_bucket (format heatmap)")
    if not owner:
        problem("no per-owner panels")
    for p in owner:
        if not any("labytrace_owner_" in t.get("expr", "") for t in p.get("targets", [])):
            problem(f"panel {p['title']!r}: no query on a labytrace_owner_* family")
    evaluated = 0
    if url:
        for title, expr in queries(dash):
            try:
                api(url, "/api/v1/query", query=expr)
                evaluated += 1
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                problem(f"panel {title!r}: Prometheus refuses {expr!r}: {e}")
    finish(f"{len(ids)} panels, {len(heatmaps)} latency heatmap, {len(owner)} per-owner "
           f"panels, {len(queries(dash))} queries on exported series"
           + (f", {evaluated} evaluated by Prometheus" if url else ""))


def rules(path, out):
    dash = json.load(open(path))
    with open(out, "w") as f:
        f.write("groups:\n- name: dashboard\n  rules:\n")
        for i, (_, expr) in enumerate(queries(dash)):
            f.write(f"  - record: dashboard:q{i}\n    expr: {json.dumps(expr)}\n")
    finish(f"{len(queries(dash))} queries")


def record(ndjson, recording):
    final = summary(ndjson)
    lines = [json.loads(line) for line in open(recording)]
    if lines[0].get("type") != "recording" or lines[-1].get("type") != "end":
        problem("not header ... end")
    intervals = [o for o in lines if o["type"] == "interval"]
    allocs = sum(r["allocs"] for o in intervals for r in o.get("allocs", []))
    fails = sum(r["failures"] for o in intervals for r in o.get("allocs", []))
    end = lines[-1]
    if (allocs, fails) != (final["allocs"], final["failures"]):
        problem(f"intervals add up to {allocs} allocations, {fails} failures; "
                f"the summary says {final['allocs']}, {final['failures']}")
    if (end.get("allocs"), end.get("failures"), end.get("intervals")) != \
       (final["allocs"], final["failures"], len(intervals)):
        problem(f"end line {end} against the summary and {len(intervals)} intervals")
    finish(f"{len(intervals)} intervals add up to the summary's {allocs} allocations, "
           f"{fails} failures")


def svg(path, min_cells):
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    if root.tag != f"{ns}svg":
        problem(f"root is {root.tag}")
    cells = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    if len(cells) < int(min_cells):
        problem(f"{len(cells)} cells, fewer than {min_cells}")
    finish(f"{len(cells)} cells")


CHECKS = {"node-final": node_final, "node-file": node_file, "prom-final": prom_final,
          "prom-om": prom_om, "dashboard": dashboard, "rules": rules, "record": record,
          "svg": svg}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        sys.exit(__doc__)
    try:
        CHECKS[sys.argv[1]](*sys.argv[2:])
    except (OSError, ValueError, KeyError, IndexError, TypeError, ET.ParseError) as e:
        print(f"error: {type(e).__name__}: {e}")
        sys.exit(1)
