#!/usr/bin/env python3
"""Turns bench/judgement/results/<stamp>/ (canaries.jsonl.gz, summary.json, meta.json) into report.json per run and RESULTS.md.

Definitions (README.md): a verdict "allows promotion" = PROCEED; promoted = the first PROCEED report at or after the stage's
minimum duration (900 s), as the orchestrator's Decider promotes; rollback = a ROLLBACK report; detected = rolled back.
"""
import argparse
import gzip
import json
import math
import os
from collections import Counter


def load(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    meta = {}
    if os.path.exists(os.path.join(run_dir, "meta.json")):
        with open(os.path.join(run_dir, "meta.json")) as f:
            meta = json.load(f)
    path = os.path.join(run_dir, "canaries.jsonl.gz")
    opener = gzip.open if os.path.exists(path) else open
    if not os.path.exists(path):
        path = os.path.join(run_dir, "canaries.jsonl")
    with opener(path, "rt") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return summary, meta, rows


def pct(values, q):
    if not values:
        return None
    v = sorted(values)
    i = max(0, min(len(v) - 1, math.ceil(q / 100 * len(v)) - 1))
    return v[i]


def dist(values):
    return {"n": len(values), "p50": pct(values, 50), "p90": pct(values, 90), "p99": pct(values, 99),
            "max": max(values) if values else None}


def cause(row):
    rules = row.get("rollbackRules") or []
    if rules:
        return "rule " + "+".join(rules)
    for r in row.get("rollbackReasons") or []:
        if r.startswith("score:") and "optimistic score" in r:
            return "score band (even the optimistic score < 70)"
    return "score band"


def analyse(summary, rows):
    stage = summary["stageSeconds"]
    out = []
    for co in summary["cohorts"]:
        rs = [r for r in rows if r["cohort"] == co["name"]]
        n = len(rs)
        c = {"name": co["name"], "question": co["question"], "rps": co["rps"], "bad": co["bad"], "count": n,
             "horizonSeconds": co["horizonSeconds"], "canary": co["canary"], "targetRule": co["targetRule"],
             "targetWindowSeconds": co["targetWindowSeconds"]}
        rolled = [r for r in rs if r["firstRollback"] is not None]
        c["rollbacks"] = len(rolled)
        c["rollbackCauses"] = dict(Counter(cause(r) for r in rolled))
        c["rollbackTimes"] = dist([r["firstRollback"] for r in rolled])
        c["pauses"] = sum(1 for r in rs if r["firstPause"] is not None)
        c["promoted"] = sum(1 for r in rs if r.get("promoted") is not None)
        proceed = [r["firstProceed"] for r in rs if r["firstProceed"] is not None]
        c["firstProceed"] = dist(proceed)
        c["proceedWithinStage"] = sum(1 for t in proceed if t <= stage)
        c["proceedWithin2xStage"] = sum(1 for t in proceed if t <= 2 * stage)
        c["neverProceeded"] = n - len(proceed)
        c["promotedTimes"] = dist([r["promoted"] for r in rs if r.get("promoted") is not None])
        held = [r for r in rs if r["firstRollback"] is None and r.get("promoted") is None]
        c["heldAtHorizon"] = len(held)
        c["heldLastVerdicts"] = dict(Counter(r["lastVerdict"] for r in held))
        gates = Counter()
        for r in held:
            for reason in r.get("lastReasons") or []:
                if reason.startswith("stage gates not passing: "):
                    for g in reason[len("stage gates not passing: "):].split(", "):
                        gates[g] += 1
        c["heldGates"] = dict(gates)
        if co["bad"] and co["targetWindowSeconds"]:
            w = co["targetWindowSeconds"]
            c["detectedWithin2xWindow"] = sum(1 for r in rolled if r["firstRollback"] <= 2 * w)
            c["detectionOverWindow"] = dist([round(r["firstRollback"] / w, 3) for r in rolled])
        out.append(c)
    return out


def share(k, n):
    return "–" if n == 0 else "%d / %d (%.1f %%)" % (k, n, 100.0 * k / n)


def fmt(d, key):
    v = d.get(key)
    return "–" if v is None else ("%g" % v)


def causes(m):
    return ", ".join("%s: %d" % (k, v) for k, v in sorted(m.items(), key=lambda x: -x[1])) or "–"


def render_run(meta, summary, cohorts):
    L = []
    h = summary["healthy"]
    L.append("`%s` at commit `%s`%s; seed **%s**; %s; %s. Simulation wall time %s s (whole script %s s)." % (
        meta.get("command", "?"), meta.get("commit", "?"),
        (" — " + meta["label"]) if meta.get("label") else "", summary["seed"], meta.get("machine", "?"),
        meta.get("java", "?"), "%.0f" % summary.get("wallSeconds", 0), meta.get("elapsedSeconds", "?")))
    L.append("")
    L.append("Healthy revision: %.1f %% errors (binomial), log-normal latency median %g ms, σ %g (p95 ≈ %.0f ms, p99 ≈ %.0f ms). "
             "Stage 1: %d bp for %d s after %d s of stable-only traffic (the baseline)." % (
                 h["errorRate"] * 100, h["medianMillis"], h["sigma"], h["medianMillis"] * math.exp(1.6449 * h["sigma"]),
                 h["medianMillis"] * math.exp(2.3263 * h["sigma"]), summary["stageWeightBasisPoints"],
                 summary["stageSeconds"], summary["warmupSeconds"]))
    L.append("")
    stage = summary["stageSeconds"]
    L += goals(cohorts, stage)
    a = [c for c in cohorts if not c["bad"]]
    if a:
        L.append("**(a) healthy canaries** (goal: 0 false rollbacks; PROCEED within 2× the stage = %d s, or the time the "
                 "confidence bound needs)" % (2 * stage))
        L.append("")
        L.append("| cohort | canaries | false rollbacks (cause) | PAUSE verdicts | first PROCEED p50 / p90 / p99 / max s | PROCEED ≤ %d s | PROCEED ≤ %d s | promoted (PROCEED at ≥ %d s) | held at horizon: last verdict, gates not passing |" % (stage, 2 * stage, stage))
        L.append("|---|---:|---|---:|---|---:|---:|---:|---|")
        for c in a:
            fp = c["firstProceed"]
            L.append("| %s (horizon %d s) | %d | %d (%s) | %d | %s / %s / %s / %s | %s | %s | %s | %s; %s |" % (
                c["name"], c["horizonSeconds"], c["count"], c["rollbacks"], causes(c["rollbackCauses"]), c["pauses"],
                fmt(fp, "p50"), fmt(fp, "p90"), fmt(fp, "p99"), fmt(fp, "max"),
                share(c["proceedWithinStage"], c["count"]), share(c["proceedWithin2xStage"], c["count"]),
                share(c["promoted"], c["count"]), causes(c["heldLastVerdicts"]), causes(c["heldGates"])))
        L.append("")
    for q, title in (("b", "**(b) regressions at 1 % of 2,000 rps** (goal: ≥ 99 % detected within 2× the rule window)"),
                     ("c", "**(c) regressions at 1 % of 20 rps** (goal: 0 promotions of a bad canary; holding is right)")):
        bs = [c for c in cohorts if c["bad"] and c["question"] == q]
        if not bs:
            continue
        L.append(title)
        L.append("")
        L.append("| cohort | canaries | target rule (window) | rolled back | within 2× window | detection time / window p50 / p90 / max | caught by | promoted (PROCEED at ≥ %d s) | held at horizon: last verdict |" % stage)
        L.append("|---|---:|---|---:|---:|---|---|---:|---|")
        for c in bs:
            d = c.get("detectionOverWindow", {})
            L.append("| %s (horizon %d s) | %d | %s (%d s) | %s | %s | %s / %s / %s | %s | %s | %s |" % (
                c["name"], c["horizonSeconds"], c["count"], c["targetRule"], c["targetWindowSeconds"],
                share(c["rollbacks"], c["count"]), share(c.get("detectedWithin2xWindow", 0), c["count"]),
                fmt(d, "p50"), fmt(d, "p90"), fmt(d, "max"), causes(c["rollbackCauses"]), share(c["promoted"], c["count"]),
                causes(c["heldLastVerdicts"])))
        L.append("")
    return L


def goals(cohorts, stage):
    """One line per question: met or not, with the figure."""
    L = ["Goals:", ""]
    for c in cohorts:
        if c["question"] == "a" and not c["bad"]:
            ok = c["rollbacks"] == 0
            L.append("- (a) `%s`: false rollbacks %d → **%s**; PROCEED within %d s for %s, promoted (PROCEED at ≥ %d s) "
                     "by %d s: %s" % (c["name"], c["rollbacks"], "met" if ok else "not met", 2 * stage,
                                       share(c["proceedWithin2xStage"], c["count"]), stage, c["horizonSeconds"],
                                       share(c["promoted"], c["count"])))
        elif c["question"] == "b" and not c["bad"]:
            L.append("- (b) control `%s`: false rollbacks %d" % (c["name"], c["rollbacks"]))
        elif c["question"] == "b":
            k = c.get("detectedWithin2xWindow", 0)
            ok = c["count"] > 0 and k / c["count"] >= 0.99
            L.append("- (b) `%s`: detected within 2× %d s: %s → **%s**" % (
                c["name"], c["targetWindowSeconds"], share(k, c["count"]), "met" if ok else "not met"))
        elif c["question"] == "c":
            ok = c["promoted"] == 0
            L.append("- (c) `%s`: promotions %d → **%s** (rolled back %d, held %d)" % (
                c["name"], c["promoted"], "met" if ok else "not met", c["rollbacks"], c["heldAtHorizon"]))
    L.append("")
    return L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    runs = []
    for name in sorted(os.listdir(args.results)):
        d = os.path.join(args.results, name)
        if not os.path.isfile(os.path.join(d, "summary.json")):
            continue
        summary, meta, rows = load(d)
        cohorts = analyse(summary, rows)
        with open(os.path.join(d, "report.json"), "w") as f:
            json.dump({"meta": meta, "seed": summary["seed"], "cohorts": cohorts}, f, indent=2)
        runs.append((name, meta, summary, cohorts))
    L = ["# Judgement benchmark results", "",
         "Generated by `bench/judgement/report.py` from `results/*/`; how to run and what is simulated: "
         "[README.md](README.md). The findings and fixes are discussed in README.md.", ""]
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "discussion.md")
    if os.path.exists(notes):
        with open(notes) as f:
            L.append(f.read().rstrip("\n"))
            L.append("")
    if runs:
        name, meta, summary, cohorts = runs[-1]
        L.append("## Latest run: %s" % name)
        L.append("")
        L += render_run(meta, summary, cohorts)
    if len(runs) > 1:
        L.append("## Earlier runs")
        L.append("")
        for name, meta, summary, cohorts in reversed(runs[:-1]):
            L.append("### %s" % name)
            L.append("")
            L += render_run(meta, summary, cohorts)
    with open(args.out, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
