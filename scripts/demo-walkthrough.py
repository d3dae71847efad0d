#!/usr/bin/env python3
"""The demo's three walkthroughs against the running demo (scripts/demo.sh starts everything and calls this).

  demo-walkthrough.py register   register the three demo services (stable = the v1 sample apps)
  demo-walkthrough.py run        1. good release promoted to 100 %, 2. bad release rolled back, 3. freeze then override

Only the REST APIs, with tokens from scripts/token.sh. Exit 0 when every walkthrough ended as it should, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKLIST = {
    "tests-passing": "ci run 4411 green",
    "security-scan": "scan 17: no findings",
    "migrations-tested": "no migration",
    "rollback-plan": "runbook: scripts/rollback.sh --immediate",
    "stakeholders-notified": "#deployments",
    "on-call-assigned": "alice",
    "blue-tagged-stable": "previous revision kept",
    "dashboards-prepared": "deploy/grafana",
}


def token(role, name):
    return subprocess.check_output([os.path.join(ROOT, "scripts", "token.sh"), role, name], text=True).strip()


class Api:
    def __init__(self, base, tok):
        self.base = base.rstrip("/")
        self.tok = tok

    def call(self, method, path, body=None, headers=None):
        """(status, parsed JSON or text); never raises on HTTP errors."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.tok)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read().decode()
            status = e.code
        except (urllib.error.URLError, OSError) as e:
            return 0, str(e)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw


class Walk:
    def __init__(self, a):
        self.a = a
        self.tag = a.tag
        self.t0 = time.monotonic()
        self.viewer = token("viewer", "demo-viewer")
        self.deployer_tok = token("deployer", "demo-deployer")
        self.approver_tok = token("approver", "demo-approver")
        self.admin_tok = token("admin", "demo-admin")
        self.orch = Api(a.orchestrator, self.deployer_tok)
        self.orch_view = Api(a.orchestrator, self.viewer)
        self.orch_approver = Api(a.orchestrator, self.approver_tok)
        self.health = Api(a.health, self.viewer)
        self.router = Api(a.router_admin, self.viewer)
        self.notifier = Api(a.notifier, self.viewer)
        self.scheduler = Api(a.scheduler, self.viewer)
        self.scheduler_admin = Api(a.scheduler, self.admin_tok)

    def svc(self, name):
        return "%s-%s" % (name, self.tag)

    def say(self, text):
        print("\n== " + text, flush=True)

    def line(self, text):
        print("  [%6.1fs] %s" % (time.monotonic() - self.t0, text), flush=True)

    # ------------------------------------------------------------------------------------------------ setup

    def register(self):
        for i, name in enumerate(["chat-api", "payments-api", "search-api"]):
            service = self.svc(name)
            port = self.a.app_base + 2 * i
            status, body = self.orch.call("POST", "/api/v1/services", {
                "name": service, "environment": "production", "revision": service + "-v1",
                "upstreams": ["http://127.0.0.1:%d" % port]})
            if status not in (201, 409):
                sys.exit("demo: could not register %s: %s %s" % (service, status, body))
            print("demo: registered %s in production, stable %s-v1 = sample app :%d" % (service, service, port),
                  flush=True)

    # ------------------------------------------------------------------------------------------------ helpers

    def start(self, name, canary_port, api=None, emergency=None):
        service = self.svc(name)
        body = {"service": service, "environment": "production", "revision": service + "-v2",
                "upstreams": ["http://127.0.0.1:%d" % canary_port], "checklist": CHECKLIST}
        if emergency:
            body["emergency"] = emergency
        return (api or self.orch).call("POST", "/api/v1/deployments", body,
                                        {"Idempotency-Key": "demo-%s-%s" % (service, "emergency" if emergency else "start")})

    def deployment(self, dep_id):
        status, body = self.orch_view.call("GET", "/api/v1/deployments/" + dep_id)
        return body if status == 200 else None

    def report(self, service):
        status, body = self.health.call("GET", "/api/v1/health/%s/production" % service)
        return body if status == 200 else None

    def progress(self, dep, rep, stages):
        """One progress line: phase, stage, a bar of the canary weight, score, verdict, the stage's gates."""
        stage = dep.get("stage") or {}
        weight = stage.get("weightBasisPoints", 0) / 100.0
        bar_len = 20
        filled = int(round(weight / 100 * bar_len))
        text = "%-13s stage %s/%d %-10s [%s%s] %6.2f %%" % (
            dep["state"], stage.get("index", 0) + 1 if stage else "-", stages, stage.get("name", "")[:10],
            "#" * filled, "." * (bar_len - filled), weight)
        if rep and rep.get("deploymentId") in (None, dep["id"]):
            score = rep.get("score")
            text += "  score %5s  %-17s" % ("%.1f" % score if score is not None else "-", rep.get("verdict", "-"))
            required = set(stage.get("gates") or [])
            gates = [g for g in rep.get("gates") or [] if not required or g.get("gate") in required]
            if gates:
                passed = sum(1 for g in gates if g.get("status") == "PASS")
                pending = [g for g in gates if g.get("status") != "PASS"]
                text += " gates %d/%d pass" % (passed, len(gates))
                if pending:
                    g = pending[0]
                    text += " (%s %s%s)" % (g["gate"], g["status"],
                                            ", %d samples" % g["samples"] if g.get("samples") is not None else "")
        return text

    def explain(self, rep):
        """The report's reasons, for a verdict that holds or stops the deployment."""
        for b in rep.get("breaches") or []:
            self.line("  breached %s: %s (%s)" % (b.get("ruleId"), b.get("description"), b.get("detail", "")))
        for g in rep.get("gates") or []:
            if g.get("status") == "FAIL":
                self.line("  gate %s FAIL: %s" % (g.get("gate"), g.get("detail", "")))
        for r in (rep.get("reasons") or [])[:3]:
            self.line("  " + r)

    def watch(self, dep_id, service, until, limit_s, operator=False):
        """Prints a progress line when something changes (at least every 5 s) until until(dep) or the limit. With operator,
        acts as the on-call would: approves an approval stage, and resumes a pause once the health-scorer is satisfied."""
        status, strategy = self.orch_view.call("GET", "/api/v1/strategies/production")
        stages = len(strategy.get("stages", [])) if status == 200 and isinstance(strategy, dict) else 5
        deadline = time.monotonic() + limit_s
        last, last_at, last_verdict, approved, healthy_since = None, 0, None, set(), None
        dep = None
        while time.monotonic() < deadline:
            dep = self.deployment(dep_id)
            if dep is None:
                time.sleep(1)
                continue
            rep = self.report(service)
            mine = rep if rep and rep.get("deploymentId") in (None, dep_id) else None
            text = self.progress(dep, mine, stages)
            key = (dep["state"], (dep.get("stage") or {}).get("index"), mine and mine.get("verdict"),
                   text.split(" gates ")[-1] if " gates " in text else "")
            if key != last or time.monotonic() - last_at >= 5:
                self.line(text)
                last, last_at = key, time.monotonic()
            verdict = mine and mine.get("verdict")
            if verdict != last_verdict and verdict in ("PAUSE", "ROLLBACK"):
                self.explain(mine)
            last_verdict = verdict
            if until(dep):
                return dep
            if operator and dep["state"] == "AWAITING_APPROVAL" and dep["stage"]["index"] not in approved:
                approved.add(dep["stage"]["index"])
                why = self.last_event(dep_id, "approval.required")
                self.line("approval required%s: approving as demo-approver (POST /deployments/{id}/approve)"
                          % (" (" + why + ")" if why else ""))
                s, b = self.orch_approver.call("POST", "/api/v1/deployments/%s/approve" % dep_id,
                                               {"reason": "demo: warnings reviewed, metrics look healthy"})
                if s != 200:
                    self.line("approve answered %s %s" % (s, b))
            if operator and dep["state"] == "PAUSED":
                fails = [g for g in (mine or {}).get("gates") or [] if g.get("status") == "FAIL"]
                if verdict in ("PROCEED", "CONTINUE") and not fails and not (mine or {}).get("breaches"):
                    healthy_since = healthy_since or time.monotonic()
                    if time.monotonic() - healthy_since >= 5:
                        why = self.last_event(dep_id, "paused")
                        self.line("paused (%s), healthy again for 5 s: resuming as the on-call would after checking"
                                  % why)
                        s, b = self.orch.call("POST", "/api/v1/deployments/%s/resume" % dep_id,
                                              {"reason": "demo: pause reviewed, health back to " + verdict})
                        if s != 200:
                            self.line("resume answered %s %s" % (s, b))
                        healthy_since = None
                else:
                    healthy_since = None
            time.sleep(1)
        self.line("gave up after %d s (state %s)" % (limit_s, dep and dep.get("state")))
        return None

    def events(self, dep_id):
        status, body = self.orch_view.call("GET", "/api/v1/deployments/%s/events" % dep_id)
        return body if status == 200 and isinstance(body, list) else []

    def last_event(self, dep_id, suffix):
        for e in reversed(self.events(dep_id)):
            if str(e.get("type", "")).endswith(suffix):
                return e.get("reason") or ""
        return ""

    def timeline(self, dep_id):
        for e in self.events(dep_id):
            what = e.get("reason") or ""
            print("    %s  %-24s %s%s" % (str(e.get("at", e.get("time", "")))[11:23], e.get("type", ""),
                                          ("by " + e["actor"] + " ") if e.get("actor") else "", what[:110]))

    def notifications(self, dep_id):
        deliveries = []
        for _ in range(50):
            status, body = self.notifier.call("GET", "/api/v1/deliveries?limit=500")
            deliveries = [d for d in (body if status == 200 and isinstance(body, list) else [])
                          if (d.get("notification") or {}).get("deploymentId") == dep_id]
            if any("rolled-back" in (d.get("notification") or {}).get("type", "") or "rolled back" in d.get("title", "")
                   for d in deliveries):
                break
            time.sleep(0.2)
        for d in reversed(deliveries):
            print("    %-10s %-16s %-8s %s" % (d.get("status"), d.get("channel"), d.get("severity"), d.get("title")))
        return deliveries

    # ------------------------------------------------------------------------------------------------ walkthroughs

    def good(self):
        service = self.svc("chat-api")
        self.say("1. a good release: %s-v2 (sample app :%d) through the production strategy, durations / %s"
                 % (service, self.a.app_base + 1, self.a.scale))
        print("   stages 1 % → 10 % → 25 % → 50 % → 100 %; each moves on when its time is up AND the health-scorer says "
              "PROCEED (score ≥ 90, every gate of the stage PASS on enough canary requests)", flush=True)
        status, dep = self.start("chat-api", self.a.app_base + 1)
        if status not in (200, 201):
            self.line("start refused: %s %s" % (status, dep))
            return False
        self.line("started deployment %s (POST /api/v1/deployments → %d)" % (dep["id"], status))
        final = self.watch(dep["id"], service,
                           lambda d: d["state"] in ("BAKING", "SUCCEEDED", "ROLLED_BACK", "ROLLING_BACK", "ABORTED",
                                                    "FAILED")
                           or (d.get("stage") or {}).get("weightBasisPoints") == 10000,
                           self.a.good_limit, operator=True)
        ok = final is not None and (final.get("stage") or {}).get("weightBasisPoints") == 10000 \
            and final["state"] in ("RUNNING", "BAKING", "SUCCEEDED")
        status, route = self.router.call("GET", "/api/v1/routes/%s/production" % service)
        if status == 200:
            self.line("router applied: %s at %.2f %%, generation %s" % (
                (route.get("canary") or {}).get("revision"), route.get("canaryWeightBasisPoints", 0) / 100,
                route.get("generation")))
        print("   timeline:")
        self.timeline(dep["id"])
        print("   → %s" % ("PROMOTED: all traffic on %s-v2 (baking: the blue revision is kept for the bake period)" % service
                           if ok else "NOT promoted (see the lines above and .avalo/logs/)"), flush=True)
        return ok

    def bad(self):
        service = self.svc("payments-api")
        self.say("2. a bad release: %s-v2 (sample app :%d answers 12 %% 503s, ~900 ms, fails payments)"
                 % (service, self.a.app_base + 3))
        status, dep = self.start("payments-api", self.a.app_base + 3)
        if status not in (200, 201):
            self.line("start refused: %s %s" % (status, dep))
            return False
        self.line("started deployment %s" % dep["id"])
        final = self.watch(dep["id"], service, lambda d: d["state"] in ("ROLLED_BACK", "SUCCEEDED", "ABORTED", "FAILED"),
                           self.a.bad_limit)
        ok = final is not None and final["state"] == "ROLLED_BACK"
        health = (final or {}).get("health") or {}
        print("   why: verdict %s, score %s" % (health.get("verdict"), health.get("score")))
        for b in health.get("breaches") or []:
            print("     breached rule %-22s %s (observed %s, threshold %s)" % (
                b.get("ruleId"), b.get("description"), b.get("observed"), b.get("threshold")))
        for r in (health.get("reasons") or [])[:4]:
            print("     " + r)
        if final and final.get("rollbackMillis") is not None:
            print("   rollback: %d ms from the decision to the router's ack of the stable-only route"
                  % final["rollbackMillis"])
        status, route = self.router.call("GET", "/api/v1/routes/%s/production" % service)
        if status == 200:
            print("   router applied: canary weight %s bp (generation %s)" % (
                route.get("canaryWeightBasisPoints"), route.get("generation")))
            ok = ok and route.get("canaryWeightBasisPoints") == 0
        print("   timeline:")
        self.timeline(dep["id"])
        print("   notifications (notifier delivery log; the log channel writes NOTIFY lines to %s/notifier.log):"
              % self.a.logs)
        self.notifications(dep["id"])
        print("   → %s" % ("ROLLED BACK automatically" if ok else "NOT rolled back as expected"), flush=True)
        return ok

    def freeze(self):
        service = self.svc("search-api")
        self.say("3. a freeze: %s in production during an ad-hoc code freeze, then an approved emergency override"
                 % service)
        now = datetime.now(timezone.utc)
        status, fz = self.scheduler_admin.call("POST", "/api/v1/freezes", {
            "name": "demo code freeze", "reason": "quarter-end close (demo)",
            "startsAt": (now - timedelta(minutes=1)).isoformat(timespec="seconds"),
            "endsAt": (now + timedelta(hours=1)).isoformat(timespec="seconds"),
            "environments": ["production"], "services": [service]})
        if status != 201:
            self.line("could not add the freeze: %s %s" % (status, fz))
            return False
        self.line("freeze %s added (POST scheduler /api/v1/freezes, admin): %s → %s" % (
            fz.get("id"), fz.get("startsAt"), fz.get("endsAt")))
        ok = True
        try:
            status, body = self.start("search-api", self.a.app_base + 5)
            detail = body.get("detail") if isinstance(body, dict) else body
            self.line("start as deployer → %s %s" % (status, detail))
            details = (body.get("details") or {}) if isinstance(body, dict) else {}
            for r in details.get("reasons") or []:
                print("     reason: " + (r if isinstance(r, str) else json.dumps(r)))
            if status != 423:
                self.line("expected 423 (blocked by the freeze)")
                ok = False
                if status in (200, 201):
                    self.orch.call("POST", "/api/v1/deployments/%s/abort" % body["id"], {"reason": "demo cleanup"})
                return False
            emergency = {"reason": "security hotfix CVE-2026-0001 (demo)", "approvedBy": "demo-approver"}
            status, dep = self.start("search-api", self.a.app_base + 5, api=self.orch_approver, emergency=emergency)
            if status not in (200, 201):
                self.line("emergency start → %s %s" % (status, dep))
                return False
            self.line("emergency start as approver → %d, deployment %s %s at %.2f %%" % (
                status, dep["id"], dep["state"], (dep.get("stage") or {}).get("weightBasisPoints", 0) / 100))
            s, overrides = self.scheduler.call("GET", "/api/v1/overrides?limit=20")
            mine = [o for o in (overrides if s == 200 and isinstance(overrides, list) else [])
                    if o.get("service") == service]
            if mine:
                o = mine[0]
                print("   audited override (scheduler GET /api/v1/overrides): %s" % json.dumps(o)[:300])
            else:
                self.line("no override recorded for %s (GET /api/v1/overrides answered %s)" % (service, s))
                ok = False
            print("   timeline:")
            self.timeline(dep["id"])
            s, _ = self.orch.call("POST", "/api/v1/deployments/%s/abort" % dep["id"],
                                  {"reason": "demo: hotfix walkthrough over"})
            self.line("aborted the emergency deployment to end the walkthrough (%s)" % s)
        finally:
            if fz and fz.get("id"):
                s, _ = self.scheduler_admin.call("DELETE", "/api/v1/freezes/%s" % fz["id"])
                self.line("freeze removed (%s)" % s)
        print("   → %s" % ("REFUSED during the freeze, ALLOWED with the approved override" if ok else "NOT as expected"),
              flush=True)
        return ok

    def run(self):
        results = {}
        for name, step in (("good release promoted", self.good), ("bad release rolled back", self.bad),
                           ("freeze, then emergency override", self.freeze)):
            try:
                results[name] = step()
            except Exception as e:  # a walkthrough that breaks must not hide the others
                print("   %s failed: %r" % (name, e), flush=True)
                results[name] = False
        self.say("summary")
        for name, ok in results.items():
            print("   %-34s %s" % (name, "ok" if ok else "FAILED"))
        print("   logs: %s/ (orchestrator, health-scorer, traffic-router, notifier, scheduler, loadgen, sample apps)"
              % self.a.logs, flush=True)
        return 0 if all(results.values()) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["register", "run"])
    p.add_argument("--tag", required=True, help="suffix of the demo's service names (one per demo run)")
    p.add_argument("--orchestrator", default="http://127.0.0.1:8080")
    p.add_argument("--health", default="http://127.0.0.1:8081")
    p.add_argument("--router-admin", default="http://127.0.0.1:8082")
    p.add_argument("--notifier", default="http://127.0.0.1:8083")
    p.add_argument("--scheduler", default="http://127.0.0.1:8084")
    p.add_argument("--app-base", type=int, default=9101)
    p.add_argument("--logs", default=os.path.join(ROOT, ".avalo", "logs"))
    p.add_argument("--scale", default="60")
    p.add_argument("--good-limit", type=int, default=600, help="seconds the good release may take to reach 100 %%")
    p.add_argument("--bad-limit", type=int, default=240, help="seconds the bad release may take to be rolled back")
    a = p.parse_args()
    w = Walk(a)
    if a.command == "register":
        w.register()
        return 0
    return w.run()


if __name__ == "__main__":
    sys.exit(main())
