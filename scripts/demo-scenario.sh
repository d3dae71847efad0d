#!/usr/bin/env bash
# Walks through a canary against a running orchestrator (scripts/demo.sh): register chat-api, start a production
# deployment (route at 1 %), publish a health report with a rollback-rule breach, watch it roll back (route at 0 %).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
URL=${AVALO_URL:-http://127.0.0.1:8080}
SERVICE=${1:-chat-api-$(date +%s)}
DEPLOYER=$("$ROOT/scripts/token.sh" deployer demo-deployer)
VIEWER=$("$ROOT/scripts/token.sh" viewer demo-viewer)
say() { printf '\n== %s\n' "$*"; }
field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -n1; }

say "register $SERVICE in production (stable $SERVICE-v122)"
curl -fsS -X POST "$URL/api/v1/services" -H "Authorization: Bearer $DEPLOYER" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$SERVICE\",\"environment\":\"production\",\"revision\":\"$SERVICE-v122\",\"upstreams\":[\"http://127.0.0.1:9001\"]}"

say "start a production canary of $SERVICE-v123"
RESPONSE=$(curl -fsS -X POST "$URL/api/v1/deployments" -H "Authorization: Bearer $DEPLOYER" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$SERVICE" \
    -d "{\"service\":\"$SERVICE\",\"environment\":\"production\",\"revision\":\"$SERVICE-v123\",
         \"upstreams\":[\"http://127.0.0.1:9002\"],
         \"checklist\":{\"tests-passing\":\"ci 4411\",\"security-scan\":\"scan 17\",\"migrations-tested\":\"n/a\",
           \"rollback-plan\":\"runbook 3\",\"stakeholders-notified\":\"#deployments\",\"on-call-assigned\":\"alice\",
           \"blue-tagged-stable\":\"$SERVICE-v122\",\"dashboards-prepared\":\"grafana/avalo\"}}")
echo "$RESPONSE"
ID=$(echo "$RESPONSE" | field id)

sleep 1
say "desired route (canary weight in basis points; 100 = 1 %)"
curl -fsS "$URL/api/v1/services/$SERVICE/production" -H "Authorization: Bearer $VIEWER"; echo

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
say "route after the rollback (canary weight 0)"
curl -fsS "$URL/api/v1/services/$SERVICE/production" -H "Authorization: Bearer $VIEWER"; echo
say "timeline"
curl -fsS "$URL/api/v1/deployments/$ID/events" -H "Authorization: Bearer $VIEWER"; echo
