#!/usr/bin/env bash
# The operating scripts against a running orchestrator and production router (called by scripts/check-router-e2e.sh after
# its router check, with its own orchestrator, router and sample apps):
#   scripts/e2e/ops-scripts.sh ORCHESTRATOR_URL ROUTER_ADMIN_URL STABLE_UPSTREAM CANARY_UPSTREAM SERVICE_PREFIX
# rollback.sh --immediate, --stage=previous and --revision, emergency-stop.sh of three live deployments, each checked on the
# router's applied route; bad arguments exit 2, nothing to roll back exits 1. Exit 0 when every check passed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AVALO_URL="$1" AVALO_ROUTER_ADMIN_URL="$2"
STABLE="$3" CANARY="$4" PREFIX="$5"
DEPLOYER=$("$ROOT/scripts/token.sh" deployer ops-e2e)
APPROVER=$("$ROOT/scripts/token.sh" approver ops-e2e)
FAILED=0
log() { printf 'ops-scripts: %s\n' "$*" >&2; }
check() { # DESCRIPTION EXPECTED_RC COMMAND...
    local what="$1" want="$2" rc
    shift 2
    "$@" >/dev/null 2>"$WORK_ERR"
    rc=$?
    if [[ $rc -eq $want ]]; then
        log "ok   $what ($(tail -n 1 "$WORK_ERR"))"
    else
        log "FAIL $what: exit $rc, expected $want"
        sed 's/^/    /' "$WORK_ERR" >&2
        FAILED=1
    fi
}
post() { curl -fsS -X POST "$AVALO_URL$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
weight() { curl -fsS "$AVALO_ROUTER_ADMIN_URL/api/v1/routes/$1/production" | sed -n 's/.*"canaryWeightBasisPoints":\([0-9]*\).*/\1/p'; }
start() { # SERVICE: registers it (stable) and starts a production canary; prints the deployment id
    post /api/v1/services "$DEPLOYER" "{\"name\":\"$1\",\"environment\":\"production\",\"revision\":\"$1-v1\",\"upstreams\":[\"$STABLE\"]}" >/dev/null || return 1
    post /api/v1/deployments "$DEPLOYER" "{\"service\":\"$1\",\"environment\":\"production\",\"revision\":\"$1-v2\",
        \"upstreams\":[\"$CANARY\"],\"checklist\":{\"tests-passing\":\"ci\",\"security-scan\":\"ok\",\"migrations-tested\":\"n/a\",
        \"rollback-plan\":\"runbook\",\"stakeholders-notified\":\"#deployments\",\"on-call-assigned\":\"ops\",
        \"blue-tagged-stable\":\"$1-v1\",\"dashboards-prepared\":\"grafana\"}}" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
}
WORK_ERR=$(mktemp)
trap 'rm -f "$WORK_ERR"' EXIT

S1="$PREFIX-ops-a"
start "$S1" >/dev/null || { log "FAIL cannot start a deployment of $S1"; exit 1; }
check "rollback.sh --immediate" 0 "$ROOT/scripts/rollback.sh" --immediate --service "$S1"
[[ "$(weight "$S1")" == 0 ]] || { log "FAIL the router still splits $S1 after the immediate rollback"; FAILED=1; }
check "rollback.sh with nothing live exits 1" 1 "$ROOT/scripts/rollback.sh" --immediate --service "$S1"
check "rollback.sh without a mode exits 2" 2 "$ROOT/scripts/rollback.sh" --service "$S1"
check "rollback.sh --stage=next exits 2" 2 "$ROOT/scripts/rollback.sh" --stage=next --service "$S1"

S2="$PREFIX-ops-b"
ID2=$(start "$S2")
post "/api/v1/deployments/$ID2/promote" "$APPROVER" '{"reason":"ops e2e: to stage 2","force":true}' >/dev/null \
    || { log "FAIL cannot promote $S2"; FAILED=1; }
check "rollback.sh --stage=previous" 0 "$ROOT/scripts/rollback.sh" --stage=previous --service "$S2"
[[ "$(weight "$S2")" == 100 ]] || { log "FAIL the router has $(weight "$S2") bp for $S2, not stage 1's 100"; FAILED=1; }
check "rollback.sh --revision" 0 "$ROOT/scripts/rollback.sh" --revision="$S2-v1" --service "$S2"
[[ "$(weight "$S2")" == 0 ]] || { log "FAIL the router still splits $S2 after the revision rollback"; FAILED=1; }

for s in c d e; do
    start "$PREFIX-ops-$s" >/dev/null || { log "FAIL cannot start $PREFIX-ops-$s"; FAILED=1; }
done
check "emergency-stop.sh of three live deployments" 0 "$ROOT/scripts/emergency-stop.sh" --reason "ops e2e"
for s in c d e; do
    [[ "$(weight "$PREFIX-ops-$s")" == 0 ]] || { log "FAIL $PREFIX-ops-$s still split after the emergency stop"; FAILED=1; }
done
exit $FAILED
