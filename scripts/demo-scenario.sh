#!/usr/bin/env bash
# Walks one canary through the router against a running demo (scripts/demo.sh): register a service whose stable revision is
# the blue sample app, start a production deployment of the green one (route at 1 %), send real traffic through the router
# and count who answered (X-Avalo-Revision), publish a health report with a rollback-rule breach, watch it roll back (route
# at 0 %), show that all traffic is back on stable and which notifications the notifier sent.
#   scripts/demo-scenario.sh [SERVICE]
# Env (set by scripts/demo.sh): AVALO_URL (http://127.0.0.1:8080), AVALO_PROXY_URL (http://127.0.0.1:8000/),
# AVALO_ROUTER_ADMIN_URL (http://127.0.0.1:8082), AVALO_STABLE_UPSTREAM (http://127.0.0.1:9101),
# AVALO_CANARY_UPSTREAM (http://127.0.0.1:9102), AVALO_NOTIFIER_URL (http://127.0.0.1:8083), DEMO_REQUESTS (10000).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
URL=${AVALO_URL:-http://127.0.0.1:8080}
PROXY=${AVALO_PROXY_URL:-http://127.0.0.1:8000/}
ADMIN=${AVALO_ROUTER_ADMIN_URL:-http://127.0.0.1:8082}
STABLE_UPSTREAM=${AVALO_STABLE_UPSTREAM:-http://127.0.0.1:9101}
CANARY_UPSTREAM=${AVALO_CANARY_UPSTREAM:-http://127.0.0.1:9102}
REQUESTS=${DEMO_REQUESTS:-10000}
NOTIFIER=${AVALO_NOTIFIER_URL:-http://127.0.0.1:8083}
SERVICE=${1:-chat-api-$(date +%s)}
DEPLOYER=$("$ROOT/scripts/token.sh" deployer demo-deployer)
VIEWER=$("$ROOT/scripts/token.sh" viewer demo-viewer)
say() { printf '\n== %s\n' "$*"; }
field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -n1; }

# router_weight WEIGHT: waits (10 s at most) until the router applies the service's route at WEIGHT basis points, then prints it
router_weight() {
    local route=""
    for _ in $(seq 1 50); do
        route=$(curl -fsS "$ADMIN/api/v1/routes/$SERVICE/production" 2>/dev/null || true)
        [[ "$(field canaryWeightBasisPoints <<<"$route")" == "$1" ]] && break
        sleep 0.2
    done
    echo "$route"
    [[ "$(field canaryWeightBasisPoints <<<"$route")" == "$1" ]] || { echo "the router did not apply $1 bp" >&2; return 1; }
}

# traffic PREFIX: REQUESTS requests through the router, each from its own user, counted by X-Avalo-Revision
traffic() {
    java "$ROOT/demo/loadgen/LoadGen.java" --url "$PROXY" --host "$SERVICE" --requests "$REQUESTS" --user-prefix "$1"
}

say "register $SERVICE in production: stable $SERVICE-v122 is the blue sample app ($STABLE_UPSTREAM)"
curl -fsS -X POST "$URL/api/v1/services" -H "Authorization: Bearer $DEPLOYER" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$SERVICE\",\"environment\":\"production\",\"revision\":\"$SERVICE-v122\",\"upstreams\":[\"$STABLE_UPSTREAM\"]}"

say "the router applies it (admin API, $ADMIN): everything on $SERVICE-v122"
router_weight 0

say "start a production canary of $SERVICE-v123, the green sample app ($CANARY_UPSTREAM)"
RESPONSE=$(curl -fsS -X POST "$URL/api/v1/deployments" -H "Authorization: Bearer $DEPLOYER" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$SERVICE" \
    -d "{\"service\":\"$SERVICE\",\"environment\":\"production\",\"revision\":\"$SERVICE-v123\",
         \"upstreams\":[\"$CANARY_UPSTREAM\"],
         \"checklist\":{\"tests-passing\":\"ci 4411\",\"security-scan\":\"scan 17\",\"migrations-tested\":\"n/a\",
           \"rollback-plan\":\"runbook 3\",\"stakeholders-notified\":\"#deployments\",\"on-call-assigned\":\"alice\",
           \"blue-tagged-stable\":\"$SERVICE-v122\",\"dashboards-prepared\":\"grafana/avalo\"}}")
echo "$RESPONSE"
ID=$(echo "$RESPONSE" | field id)

say "the router applies stage 1 (canary weight in basis points; 100 = 1 %)"
router_weight 100

say "one request through the router: curl -H 'Host: $SERVICE' -H 'X-User-Id: alice' $PROXY"
curl -fsS -i -H "Host: $SERVICE" -H 'X-User-Id: alice' "$PROXY" | tr -d '\r' | grep -iE '^(HTTP|x-avalo-revision|x-app-version)|version='

say "$REQUESTS requests through the router, one user each: about 1 % should land on $SERVICE-v123"
traffic "before-$SERVICE-"

say "publish a health report with a breach: error rate > 2% for 3 consecutive minutes"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ROOT/scripts/nats-pub.sh" "avalo.evt.health.$SERVICE.production" \
    "{\"service\":\"$SERVICE\",\"environment\":\"production\",\"revision\":\"$SERVICE-v123\",\"at\":\"$NOW\",\"score\":62.5,\"verdict\":\"ROLLBACK\",\"breaches\":[{\"ruleId\":\"error-rate-3m\",\"description\":\"error rate > 2% for 3 consecutive minutes\",\"observed\":3.1,\"threshold\":2.0,\"since\":\"$NOW\"}],\"gates\":[],\"samples\":{\"canaryRequests\":812,\"stableRequests\":80400}}"

for _ in $(seq 1 40); do
    STATE=$(curl -fsS "$URL/api/v1/deployments/$ID" -H "Authorization: Bearer $VIEWER" | field state)
    echo "state: $STATE"
    [[ "$STATE" == "ROLLED_BACK" ]] && break
    sleep 1
done
say "route after the rollback: the router acked canary weight 0"
router_weight 0

say "the same $REQUESTS users again: all back on $SERVICE-v122"
traffic "before-$SERVICE-"

say "timeline"
curl -fsS "$URL/api/v1/deployments/$ID/events" -H "Authorization: Bearer $VIEWER"; echo

say "notifications sent for this deployment (notifier delivery log; Slack/PagerDuty/email when configured, else the log channel)"
for _ in $(seq 1 50); do
    DELIVERIES=$(curl -fsS "$NOTIFIER/api/v1/deliveries?limit=200" -H "Authorization: Bearer $VIEWER" 2>/dev/null || true)
    grep -q "rolled-back" <<<"$DELIVERIES" && grep -q "$ID" <<<"$DELIVERIES" && break
    sleep 0.2
done
if command -v python3 >/dev/null; then
    DELIVERIES="$DELIVERIES" python3 - "$ID" <<'PY'
import json, os, sys
for d in reversed(json.loads(os.environ["DELIVERIES"] or "[]")):
    if d.get("notification", {}).get("deploymentId") == sys.argv[1]:
        print("%-10s %-18s %-8s %s" % (d["status"], d["channel"], d["severity"], d["title"]))
PY
else
    echo "$DELIVERIES"
fi
grep "NOTIFY" "$ROOT/.avalo/logs/notifier.log" 2>/dev/null | grep "$SERVICE" | tail -n 5 || true
