#!/usr/bin/env python3
"""Results of bench/router/run.sh.

collect:  measurements.jsonl (one line per wrk run) -> results/<date>.json with medians, min-max and ratios to nginx
pairs:    results/A.json results/B.json ... -> the pooled paired-round estimate of the runs named (any code)
markdown: results/*.json -> RESULTS.md (the latest run in full, every run at the same router code pooled, earlier runs in
          one line each)

Paired ratios: rounds are interleaved (round i runs nginx, then the router, back to back), so the router's round i over
nginx's round i cancels the machine's drift between rounds. Their geometric mean over many rounds, with a 95 % confidence
interval of the mean log-ratio (Student's t), is a steadier estimate than the ratio of two medians of five rounds each.
"""
import argparse
import functools
import glob
import hashlib
import json
import math
import os
import platform
import statistics
import subprocess

GOALS = {"rps_ratio_min": 1.0, "p99_ratio_max": 1.2, "cpu_ratio_max": 1.0}
ORDER = ["direct", "nginx", "nginx-sticky", "haproxy", "router"]
LABELS = {
    "direct": "direct (no proxy, the limit)",
    "nginx": "nginx 90/10, upstream keep-alive",
    "nginx-sticky": "nginx split_clients on X-User-Id",
    "haproxy": "HAProxy 90/10, http-reuse always",
    "router": "avalo traffic-router 90/10, sticky",
}


def sh(*cmd, strict=False):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        if strict and out.returncode != 0:
            return ""
        return (out.stdout + out.stderr).strip().splitlines()[0] if (out.stdout + out.stderr).strip() else ""
    except Exception:  # noqa: BLE001 - environment facts are best effort
        return ""


# What the router's data-plane figures depend on: runs whose fingerprints are equal measured the same router.
ROUTER_SOURCES = ["pom.xml", "libs/contracts/pom.xml", "libs/contracts/src/main", "services/traffic-router/pom.xml",
                  "services/traffic-router/src/main"]
# Student's t, two-sided 95 %, by degrees of freedom (1.96 beyond 30).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
        2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def git_lines(root, *cmd, stdin=None):
    out = subprocess.run(["git", "-C", root, *cmd], input=stdin, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return [line for line in out.stdout.splitlines() if line]


def fingerprint(entries):
    """entries: (path, blob id) pairs of ROUTER_SOURCES' files."""
    digest = hashlib.sha256()
    for path, blob in sorted(entries):
        digest.update(("%s %s\n" % (path, blob)).encode())
    return digest.hexdigest()[:16]


def worktree_fingerprint(root):
    """The router's sources as they are in the working tree (edits and new files included), or None without git."""
    try:
        paths = git_lines(root, "ls-files", "--cached", "--others", "--exclude-standard", "--", *ROUTER_SOURCES)
        paths = [p for p in paths if os.path.isfile(os.path.join(root, p))]
        blobs = git_lines(root, "hash-object", "--stdin-paths", stdin="\n".join(os.path.join(root, p) for p in paths) + "\n")
        return fingerprint(zip(paths, blobs))
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return None


@functools.lru_cache(maxsize=None)
def commit_fingerprint(root, commit):
    """The router's sources at a commit (for runs recorded on a clean tree before fingerprints were recorded)."""
    try:
        rows = git_lines(root, "ls-tree", "-r", commit, "--", *ROUTER_SOURCES)
        return fingerprint((row.split("\t", 1)[1], row.split()[2]) for row in rows)
    except (RuntimeError, OSError, subprocess.SubprocessError, IndexError):
        return None


def run_fingerprint(run, root):
    env = run["environment"]
    if env.get("router_source"):
        return env["router_source"]
    if env.get("git_dirty") or not env.get("git_commit"):
        return None
    return commit_fingerprint(root, env["git_commit"])


def paired_ratios(measurements, mode):
    """Router round i over nginx round i, per metric: lists of ratios."""
    rounds = {}
    for m in measurements:
        if m["mode"] == mode:
            rounds.setdefault(m["round"], {})[m["config"]] = m
    out = {"rps": [], "p99": [], "cpu": []}
    for _, c in sorted(rounds.items()):
        n, r = c.get("nginx"), c.get("router")
        if not n or not r or not n["rps"] or not r["rps"]:
            continue
        out["rps"].append(r["rps"] / n["rps"])
        out["p99"].append(r["p99_us"] / n["p99_us"])
        if r.get("proxy_cpu_us_per_request") and n.get("proxy_cpu_us_per_request"):
            out["cpu"].append(r["proxy_cpu_us_per_request"] / n["proxy_cpu_us_per_request"])
    return out


def geomean_ci(ratios):
    """Geometric mean of ratios and the 95 % confidence interval of it, or None for fewer than 2 ratios."""
    if len(ratios) < 2:
        return None
    logs = [math.log(x) for x in ratios]
    mean = statistics.mean(logs)
    t = T975[len(logs) - 2] if len(logs) - 1 <= len(T975) else 1.96
    half = t * statistics.stdev(logs) / math.sqrt(len(logs))
    return {"n": len(logs), "geomean": math.exp(mean), "low": math.exp(mean - half), "high": math.exp(mean + half)}


def pooled_estimate(runs, mode):
    """The paired ratios of every run's rounds in `mode`, pooled: per metric, geomean_ci (None without pairs)."""
    ratios = {"rps": [], "p99": [], "cpu": []}
    for r in runs:
        for k, v in paired_ratios(r["measurements"], mode).items():
            ratios[k] += v
    return {k: geomean_ci(v) for k, v in ratios.items()}


def paired_goals(p):
    """Per goal: the estimate meets it (met), and the whole 95 % interval does too (sure)."""
    rps, p99, cpu = p.get("rps"), p.get("p99"), p.get("cpu")
    return {
        "rps_ge_1.0x_nginx": rps and {"met": rps["geomean"] >= GOALS["rps_ratio_min"], "sure": rps["low"] >= GOALS["rps_ratio_min"]},
        "p99_le_1.2x_nginx": p99 and {"met": p99["geomean"] <= GOALS["p99_ratio_max"], "sure": p99["high"] <= GOALS["p99_ratio_max"]},
        "cpu_per_request_le_nginx": cpu and {"met": cpu["geomean"] <= GOALS["cpu_ratio_max"], "sure": cpu["high"] <= GOALS["cpu_ratio_max"]},
    }


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def collect(args):
    rows = [json.loads(line) for line in open(args.measurements) if line.strip()]
    modes = {}
    for mode in sorted({r["mode"] for r in rows}, key=lambda m: ["unpinned", "pinned"].index(m) if m in ("unpinned", "pinned") else 9):
        configs = {}
        for config in ORDER:
            rs = [r for r in rows if r["mode"] == mode and r["config"] == config]
            if not rs:
                continue
            configs[config] = {
                "rounds": len(rs),
                "rps": summary([r["rps"] for r in rs]),
                "p50_ms": summary([r["p50_us"] / 1000 for r in rs]),
                "p99_ms": summary([r["p99_us"] / 1000 for r in rs]),
                "proxy_cpu_us_per_request": summary([r["proxy_cpu_us_per_request"] for r in rs]),
                "upstream_cpu_us_per_request": summary([r["upstream_cpu_us_per_request"] for r in rs]),
                "errors": sum(r["errors_total"] for r in rs),
                "requests": sum(r["requests"] for r in rs),
            }
        ratios = {}
        base = configs.get("nginx")
        direct = configs.get("direct")
        for config, c in configs.items():
            ratio = {}
            if direct:
                ratio["rps_to_direct"] = c["rps"]["median"] / direct["rps"]["median"]
            if base and config != "nginx":
                ratio["rps_to_nginx"] = c["rps"]["median"] / base["rps"]["median"]
                ratio["p99_to_nginx"] = c["p99_ms"]["median"] / base["p99_ms"]["median"]
                if c["proxy_cpu_us_per_request"] and base["proxy_cpu_us_per_request"]:
                    ratio["cpu_to_nginx"] = c["proxy_cpu_us_per_request"]["median"] / base["proxy_cpu_us_per_request"]["median"]
            ratios[config] = ratio
        goals = None
        r = ratios.get("router")
        if r and "rps_to_nginx" in r:
            goals = {
                "rps_ge_1.0x_nginx": r["rps_to_nginx"] >= GOALS["rps_ratio_min"],
                "p99_le_1.2x_nginx": r["p99_to_nginx"] <= GOALS["p99_ratio_max"],
                "cpu_per_request_le_nginx": r.get("cpu_to_nginx") is not None and r["cpu_to_nginx"] <= GOALS["cpu_ratio_max"],
                "no_errors": configs["router"]["errors"] == 0,
            }
        paired = pooled_estimate([{"measurements": rows}], mode)
        modes[mode] = {"configs": configs, "ratios": ratios, "goals": goals, "paired": paired}
    result = {
        "benchmark": "traffic-router data plane",
        "date": args.stamp,
        "command": args.command,
        "method": {
            "tool": "wrk --latency -c64 -d%s -s bench/router/conf/users.lua (1000 users, X-User-Id, Host: bench)" % args.duration,
            "rounds": int(args.rounds),
            "interleaved": True,
            "warmup_seconds": int(args.warmup),
            "warmup_runs": int(args.warmup_runs) if args.warmup_runs else 1,
            "unpinned": "wrk -t2, every server 2 workers, no affinity",
            "pinned": "wrk -t1 and the upstreams (1 worker) on CPU0, the proxy alone on CPU1 (taskset)",
            "cpu_per_request": "user+sys CPU of the proxy's processes (/proc/<pid>/stat) / requests completed",
            "router_routes": "state file: bench-blue 127.0.0.1:9001, bench-green 127.0.0.1:9002, 1000 bp, sticky X-User-Id",
            "router_nats": os.environ.get("BENCH_NATS_DESCRIPTION", "not recorded"),
        },
        "environment": {
            "git_commit": sh("git", "-C", args.root, "rev-parse", "--short", "HEAD", strict=True),
            "git_dirty": bool(sh("git", "-C", args.root, "status", "--porcelain", strict=True)),
            "cpus": os.cpu_count(),
            "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), ""),
            "kernel": platform.release(),
            "java": sh("java", "-version"),
            "nginx": sh("nginx", "-v"),
            "haproxy": sh("haproxy", "-v"),
            "wrk": sh("wrk", "-v"),
            "router_java_opts": os.environ.get("ROUTER_JAVA_OPTS", ""),
            "router_source": worktree_fingerprint(args.root),
        },
        "router_status": json.loads(args.router_status) if args.router_status else {},
        "goals": {"rps": ">= 1.0x nginx", "p99": "<= 1.2x nginx", "cpu_per_request": "<= nginx"},
        "modes": modes,
        "measurements": rows,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def fmt(s, pattern, scale=1.0):
    if not s:
        return "–"
    med, lo, hi = s["median"] * scale, s["min"] * scale, s["max"] * scale
    return (pattern % med) + " (" + (pattern % lo) + "–" + (pattern % hi) + ")"


def ratio(v, digits=2):
    return "–" if v is None else ("%%.%df×" % digits) % v


def table(mode, m):
    lines = [
        "| %s | req/s median (min–max) | × direct | × nginx | p50 ms | p99 ms | × nginx p99 | proxy CPU/request µs | × nginx CPU | errors |" % mode,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config in ORDER:
        c = m["configs"].get(config)
        if not c:
            continue
        r = m["ratios"].get(config, {})
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            LABELS[config],
            fmt(c["rps"], "%.0f"),
            ratio(r.get("rps_to_direct")),
            "1.00×" if config == "nginx" else ratio(r.get("rps_to_nginx")),
            fmt(c["p50_ms"], "%.2f"),
            fmt(c["p99_ms"], "%.2f"),
            "1.00×" if config == "nginx" else ratio(r.get("p99_to_nginx")),
            fmt(c["proxy_cpu_us_per_request"], "%.1f"),
            "1.00×" if config == "nginx" and c["proxy_cpu_us_per_request"] else ratio(r.get("cpu_to_nginx")),
            c["errors"],
        ))
    return lines


def interval(e, digits=2):
    if not e:
        return "–"
    pattern = "%%.%df" % digits
    return (pattern + "× (" + pattern + "–" + pattern + ")") % (e["geomean"], e["low"], e["high"])


def paired_line(mode, paired):
    """One run's paired-round estimate, for the latest run's section."""
    if not paired or not paired.get("rps"):
        return []
    return ["Paired rounds (%s; router round ÷ nginx round, geometric mean and 95 %% interval, %d pairs): req/s %s, p99 %s, "
            "CPU per request %s." % (mode, paired["rps"]["n"], interval(paired["rps"]), interval(paired["p99"]),
                                     interval(paired.get("cpu")))]


def nats_kind(run):
    nats = run["method"].get("router_nats", "no NATS")
    return "own" if nats.startswith("connected to the run's own") else ("none" if nats.startswith("no NATS") else nats)


def pooled(runs, root):
    """Every run that measured the latest run's router code the same way, pooled round by round."""
    last = runs[-1]
    mark = run_fingerprint(last, root)
    if not mark:
        return ["## Every run at this router code", "",
                "The latest run's router sources are not identifiable (no fingerprint recorded, tree dirty): nothing pooled.", ""]
    same = [r for r in runs if run_fingerprint(r, root) == mark and nats_kind(r) == nats_kind(last)
            and not r["environment"].get("router_java_opts") and r["method"]["tool"] == last["method"]["tool"]]
    out = ["## Every run at this router code", "",
           "Runs whose router sources (%s) are those of the latest run (fingerprint `%s`), with the same wrk load, the "
           "same NATS set-up and no extra JVM options: %s. Each pair is the router's round over nginx's round of the same run "
           "(back to back); the figure is the geometric mean of the pairs and its 95 %% interval (Student's t on the "
           "log-ratios). *met*: the estimate meets the goal; *sure*: the whole interval does." % (
               ", ".join("`%s`" % p for p in ROUTER_SOURCES), mark, ", ".join(r["date"] for r in same)), "",
           "| mode | runs | pairs | req/s × nginx | p99 × nginx | CPU/request × nginx | runs meeting every goal on medians | goals on the pooled pairs |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for mode in ("unpinned", "pinned"):
        goals = [r["modes"][mode]["goals"] for r in same if r["modes"].get(mode, {}).get("goals")]
        counted, all_met = len(goals), sum(all(g.values()) for g in goals)
        est = pooled_estimate(same, mode)
        if not est["rps"]:
            continue
        verdict = ", ".join("%s %s" % (k, "–" if not v else ("met (sure)" if v["sure"] else "met") if v["met"] else "**not met**")
                            for k, v in paired_goals(est).items())
        out.append("| %s | %d | %d | %s | %s | %s | %d of %d | %s |" % (
            mode, counted, est["rps"]["n"], interval(est["rps"]), interval(est["p99"]), interval(est["cpu"]), all_met, counted,
            verdict))
    out.append("")
    return out


def pairs(args):
    """The pooled paired estimate of the runs named, whatever code they measured."""
    runs = [json.load(open(f)) for f in args.files]
    for mode in ("unpinned", "pinned"):
        est = pooled_estimate(runs, mode)
        if not est["rps"]:
            continue
        print("%-8s %d runs, %d pairs: req/s %s, p99 %s, CPU per request %s" % (
            mode, len(runs), est["rps"]["n"], interval(est["rps"], 3), interval(est["p99"], 3), interval(est["cpu"], 3)))


def markdown(args):
    root = args.root or subprocess.run(["git", "-C", args.results, "rev-parse", "--show-toplevel"], capture_output=True,
                                       text=True).stdout.strip() or "."
    files = sorted(glob.glob(os.path.join(args.results, "*.json")))
    runs = [json.load(open(f)) for f in files if not f.endswith("-route-change.json")]
    runs = [r for r in runs if r.get("benchmark") == "traffic-router data plane"]
    changes = [json.load(open(f)) for f in files if f.endswith("-route-change.json")]
    out = ["# Traffic-router benchmark results", "",
           "Generated by `bench/router/report.py` from `results/*.json`; how to run: [README.md](README.md).",
           "Goals (issue 3): router req/s ≥ 1.0× nginx's, p99 ≤ 1.2× nginx's, proxy CPU per request ≤ nginx's, all in the",
           "same run; route change from KV put to ack p99 ≤ 100 ms. Only same-run ratios count: absolute req/s drift",
           "±15–20 % between sessions on these machines.", ""]
    if not runs:
        out += ["No data-plane run recorded yet.", ""]
    else:
        last = runs[-1]
        warmup_runs = last["method"].get("warmup_runs", 1)  # runs recorded before 2026-11-30T03-30Z warmed up in one
        out += ["## Latest data-plane run: %s" % last["date"], "",
                "`%s` at commit `%s`%s; %s CPUs (%s), %s, %s, %s." % (
                    last["command"], last["environment"]["git_commit"], " (dirty tree)" if last["environment"]["git_dirty"] else "",
                    last["environment"]["cpus"], last["environment"]["cpu_model"], last["environment"]["nginx"],
                    last["environment"]["java"], last["environment"]["wrk"]),
                "%d interleaved rounds per configuration, wrk -c64 for %s each, %s." % (
                    last["method"]["rounds"], last["method"]["tool"].split("-d")[1].split(" ")[0], "router warmed up %d s in %d wrk run%s" % (
                        last["method"]["warmup_seconds"], warmup_runs, "" if warmup_runs == 1 else "s")),
                ""]
        extra = []
        if last["method"].get("router_nats"):
            extra.append("Router NATS: " + last["method"]["router_nats"] + ".")
        if last["environment"].get("router_java_opts"):
            extra.append("Router JVM options: `" + last["environment"]["router_java_opts"] + "`.")
        if extra:
            out += [" ".join(extra), ""]
        if last["environment"].get("note"):
            out += ["Note: " + last["environment"]["note"] + ".", ""]
        for mode, m in last["modes"].items():
            out += table(mode, m)
            g = m.get("goals")
            if g:
                out += ["", "Goals (%s, on the medians): " % mode + ", ".join("%s %s" % (k, "met" if v else "**not met**")
                                                                            for k, v in g.items()) + "."]
                paired = m.get("paired") or pooled_estimate([last], mode)
                out += [""] + paired_line(mode, paired)
            status = last.get("router_status", {}).get(mode)
            if status and status != "ok":
                out += ["", "Router not measured in %s mode: %s." % (mode, status)]
            out.append("")
        out += pooled(runs, root)
        if len(runs) > 1:
            out += ["## Earlier runs", "",
                    "NATS: *own* = the run's own nats-server, *none* = NATS-free (before 2026-11-28T22-13Z every run was NATS-free).", "",
                    "| date | commit | mode | rounds | router NATS, JVM options | router req/s × nginx | p99 × nginx | CPU/request × nginx |",
                    "|---|---|---|---:|---|---:|---:|---:|"]
            for r in reversed(runs[:-1]):
                nats = r["method"].get("router_nats", "no NATS")
                nats = "own" if nats.startswith("connected to the run's own") else ("none" if nats.startswith("no NATS") else nats)
                opts = r["environment"].get("router_java_opts") or ""
                setup = nats + (", `" + opts + "`" if opts else "")
                for mode, m in r["modes"].items():
                    rr = m["ratios"].get("router", {})
                    out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (r["date"], r["environment"]["git_commit"], mode,
                                                                 r["method"].get("rounds", ""), setup,
                                                                 ratio(rr.get("rps_to_nginx")), ratio(rr.get("p99_to_nginx")), ratio(rr.get("cpu_to_nginx"))))
            out.append("")
    out += ["## Route change latency (KV put → ack, → first request under the new weight)", ""]
    if not changes:
        out += ["Not measured yet: `bench/router/route-latency.sh` (needs the router's control plane: KV watch and acks).", ""]
    else:
        out += ["| date | commit | changes | ack p50 ms | ack p99 ms | ack max ms | served p50 ms | served p99 ms | timeouts | goal ack p99 ≤ 100 ms |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for c in reversed(changes):
            a, s = c["ack_ms"], c["served_ms"]
            out.append("| %s | %s | %d | %s | %s | %s | %s | %s | %d | %s |" % (
                c["date"], c.get("git_commit", ""), c["changes"],
                "%.1f" % a["p50"] if a else "–", "%.1f" % a["p99"] if a else "–", "%.1f" % a["max"] if a else "–",
                "%.1f" % s["p50"] if s else "–", "%.1f" % s["p99"] if s else "–",
                c["ack_timeouts"] + c["served_timeouts"], "met" if a and a["p99"] <= 100 and c["ack_timeouts"] == 0 else "**not met**"))
        out.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(out))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    for a in ("--measurements", "--out", "--stamp", "--command", "--rounds", "--duration", "--warmup", "--warmup-runs", "--router-status", "--root"):
        c.add_argument(a)
    m = sub.add_parser("markdown")
    m.add_argument("--results")
    m.add_argument("--out")
    m.add_argument("--root")
    q = sub.add_parser("pairs")
    q.add_argument("files", nargs="+")
    args = p.parse_args()
    {"collect": collect, "markdown": markdown, "pairs": pairs}[args.cmd](args)


if __name__ == "__main__":
    main()
