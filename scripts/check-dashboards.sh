#!/usr/bin/env bash
# Checks the Grafana dashboards in deploy/grafana/dashboards/: every file parses as JSON with schemaVersion 39, panel ids
# are unique within a dashboard, and every query (targets[].expr) uses only metric names listed in deploy/grafana/metrics.txt.
# With promtool on the PATH it also checks deploy/prometheus/prometheus.yml and the PromQL syntax of every query (Grafana
# variables replaced by sample values); without it those checks are skipped with a message. Needs python3.
#   scripts/check-dashboards.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DASHBOARDS=deploy/grafana/dashboards
METRICS=deploy/grafana/metrics.txt
PROM_CONFIG=deploy/prometheus/prometheus.yml
command -v python3 >/dev/null || { echo "check-dashboards: python3 is required" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$DASHBOARDS" "$METRICS" "$tmp/rules.yml" <<'PY'
import glob, json, os, re, sys

dash_dir, metrics_file, rules_out = sys.argv[1:4]
allowed = set()
for line in open(metrics_file):
    line = line.split("#", 1)[0].strip()
    if line:
        allowed.add(line.split()[0])

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
            "inf", "nan"}
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")

def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)  # string literals
    e = re.sub(r"\{[^}]*\}", "", e)                                          # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                                         # range / subquery selectors
    e = GROUPING.sub(" ", e)                                                 # grouping label lists
    names = set()
    for m in re.finditer(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", e):
        name, call = m.group(1), m.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names

def promql(expr):
    return (expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "1h")
            .replace("${__range}", "1h"))

def walk(panels):
    for p in panels:
        yield p
        yield from walk(p.get("panels", []))

failures, rules, files = [], [], sorted(glob.glob(os.path.join(dash_dir, "*.json")))
if not files:
    failures.append(f"no dashboards in {dash_dir}")
for path in files:
    name = os.path.basename(path)
    try:
        with open(path) as f:
            d = json.load(f)
    except ValueError as e:
        failures.append(f"{name}: not JSON: {e}")
        continue
    if d.get("schemaVersion") != 39:
        failures.append(f"{name}: schemaVersion is {d.get('schemaVersion')!r}, not 39")
    if not d.get("uid"):
        failures.append(f"{name}: no uid")
    variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
    for v in variables.values():
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else ""
        m = re.match(r"\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)", q)
        if m and m.group(1) not in allowed:
            failures.append(f"{name}: variable {v.get('name')!r} queries {m.group(1)}, not in {metrics_file}")
    ds = variables.get("DS_PROMETHEUS")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        failures.append(f"{name}: no DS_PROMETHEUS datasource variable of query prometheus")
    ids, queries = {}, 0
    for p in walk(d.get("panels", [])):
        pid = p.get("id")
        if pid is None:
            failures.append(f"{name}: panel {p.get('title')!r} has no id")
        elif pid in ids:
            failures.append(f"{name}: panel id {pid} used by {ids[pid]!r} and {p.get('title')!r}")
        else:
            ids[pid] = p.get("title")
        if p.get("type") not in ("row", "text") and not p.get("fieldConfig", {}).get("defaults", {}).get("unit"):
            failures.append(f"{name}: panel {p.get('title')!r} sets no unit")
        for t in p.get("targets", []):
            expr = t.get("expr")
            if not expr:
                continue
            queries += 1
            unknown = sorted(metric_names(expr) - allowed)
            if unknown:
                failures.append(f"{name}: panel {p.get('title')!r} ({t.get('refId')}) uses metrics not in "
                                f"{metrics_file}: {', '.join(unknown)}")
            rules.append(f"  - record: check:{len(rules)}\n    expr: {json.dumps(promql(expr))}\n")
    print(f"{name}: {len(ids)} panels, {queries} queries")
with open(rules_out, "w") as f:
    f.write("groups:\n- name: dashboard-queries\n  rules:\n" + "".join(rules))
if failures:
    print("\n".join("FAIL " + x for x in failures), file=sys.stderr)
    sys.exit(1)
print(f"metric names: every query uses only the {len(allowed)} names of {metrics_file}")
PY

if command -v promtool >/dev/null; then
    promtool check config "$PROM_CONFIG"
    promtool check rules "$tmp/rules.yml" >"$tmp/promtool.out" 2>&1 || { cat "$tmp/promtool.out" >&2; exit 1; }
    echo "promtool: PromQL syntax of every dashboard query is valid ($(grep -o '[0-9]* rules found' "$tmp/promtool.out"))"
else
    echo "promtool not found: skipped the Prometheus config and PromQL syntax checks"
fi
echo "check-dashboards: OK"
