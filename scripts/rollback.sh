#!/usr/bin/env bash
# Rolls back the live deployment of a service (strategy document, "Rollback Procedures"):
#   scripts/rollback.sh --immediate                 all traffic back to the stable revision now
#   scripts/rollback.sh --stage=previous            back to the previous stage's weight, then paused
#   scripts/rollback.sh --revision=REV              all traffic to an earlier revision REV of the service
# Options: --service NAME (AVALO_SERVICE), --env ENV (AVALO_ENV, default production), --reason TEXT, --force (a deployment
# with a contract migration; needs the approver role), --timeout SECONDS (30).
# Env: AVALO_URL (http://127.0.0.1:8080), AVALO_TOKEN (a deployer token; locally scripts/token.sh makes one),
# AVALO_ROUTER_ADMIN_URL (routers' admin APIs for --stage=previous, comma separated; http://127.0.0.1:8082).
# Prints the deployment, then the time from the call until the orchestrator recorded every router's ack of the new route
# (and the orchestrator's own decision-to-ack figure). Exit 0 when done, 1 on any failure, 2 on bad arguments.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/api.sh"

usage() {
    echo "usage: $0 --immediate | --stage=previous | --revision=REV  [--service NAME] [--env ENV] [--reason TEXT] [--force] [--timeout SECONDS]" >&2
    exit 2
}

MODE="" REVISION="" SERVICE=${AVALO_SERVICE:-} ENVIRONMENT=${AVALO_ENV:-production} REASON="" FORCE=false TIMEOUT=30
while [[ $# -gt 0 ]]; do
    case "$1" in
        --immediate) MODE=immediate; shift ;;
        --stage=previous) MODE=previous-stage; shift ;;
        --stage=*) echo "$0: only --stage=previous is supported" >&2; usage ;;
        --revision=*) MODE=revision; REVISION="${1#--revision=}"; shift ;;
        --revision) [[ $# -ge 2 ]] || usage; MODE=revision; REVISION="$2"; shift 2 ;;
        --service=*) SERVICE="${1#--service=}"; shift ;;
        --service) [[ $# -ge 2 ]] || usage; SERVICE="$2"; shift 2 ;;
        --env=*) ENVIRONMENT="${1#--env=}"; shift ;;
        --env) [[ $# -ge 2 ]] || usage; ENVIRONMENT="$2"; shift 2 ;;
        --reason=*) REASON="${1#--reason=}"; shift ;;
        --reason) [[ $# -ge 2 ]] || usage; REASON="$2"; shift 2 ;;
        --force) FORCE=true; shift ;;
        --timeout=*) TIMEOUT="${1#--timeout=}"; shift ;;
        --timeout) [[ $# -ge 2 ]] || usage; TIMEOUT="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "$0: unknown argument $1" >&2; usage ;;
    esac
done
[[ -n "$MODE" ]] || { echo "$0: say how: --immediate, --stage=previous or --revision=REV" >&2; usage; }
[[ -n "$SERVICE" ]] || { echo "$0: which service? --service NAME or AVALO_SERVICE" >&2; usage; }
[[ "$MODE" != revision || -n "$REVISION" ]] || usage
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || usage
need
TOKEN=$(token deployer)
REASON=${REASON:-"manual rollback ($MODE) by ${USER:-operator} with scripts/rollback.sh"}

LIVE=$(api GET "/api/v1/deployments?service=$SERVICE&environment=$ENVIRONMENT&limit=20")
ID=$(json 'next((x["id"] for x in d if x["state"] in ("PENDING", "RUNNING", "PAUSED", "AWAITING_APPROVAL", "BAKING")), None)' <<<"$LIVE")
[[ -n "$ID" ]] || die "no live deployment of $SERVICE in $ENVIRONMENT"
BEFORE=$(json '[x for x in d if x["id"] == "'"$ID"'"][0]["stage"]["index"]' <<<"$LIVE")

BODY=$(MODE="$MODE" REVISION="$REVISION" REASON="$REASON" FORCE="$FORCE" python3 -c 'import json,os
b = {"mode": os.environ["MODE"], "reason": os.environ["REASON"]}
if os.environ["REVISION"]: b["revision"] = os.environ["REVISION"]
if os.environ["FORCE"] == "true": b["force"] = True
print(json.dumps(b))')
echo "rollback: $SERVICE/$ENVIRONMENT deployment $ID, mode $MODE${REVISION:+ to $REVISION}" >&2
START=$(now_ms)
REPLY=$(api POST "/api/v1/deployments/$ID/rollback" "$BODY")
echo "rollback: accepted, state $(json 'd["state"]' <<<"$REPLY")" >&2

# Done when the orchestrator has the routers' ack: ROLLED_BACK for immediate/revision (the orchestrator waits for every
# router's ack, or its ack timeout). For previous-stage the orchestrator pauses at once, so the ack is read from the
# routers' admin APIs (AVALO_ROUTER_ADMIN_URL, comma separated; default the local demo's http://127.0.0.1:8082).
DEADLINE=$(( $(now_ms) + TIMEOUT * 1000 ))
while :; do
    VIEW=$(api GET "/api/v1/deployments/$ID")
    STATE=$(json 'd["state"]' <<<"$VIEW")
    if [[ "$MODE" == previous-stage ]]; then
        INDEX=$(json 'd["stage"]["index"]' <<<"$VIEW")
        [[ "$STATE" == PAUSED && "$INDEX" -lt "$BEFORE" || "$STATE" == ROLLED_BACK ]] && break
    else
        [[ "$STATE" == ROLLED_BACK ]] && break
        [[ "$STATE" == FAILED || "$STATE" == ABORTED ]] && die "deployment ended $STATE instead of ROLLED_BACK"
    fi
    (( $(now_ms) < DEADLINE )) || die "not acknowledged within ${TIMEOUT}s (state $STATE); see GET $AVALO_URL/api/v1/deployments/$ID/events"
    sleep 0.05
done
if [[ "$MODE" == previous-stage ]]; then
    GENERATION=$(api GET "/api/v1/services/$SERVICE/$ENVIRONMENT" | json 'd["route"]["generation"]')
    WEIGHT=$(json 'd["stage"]["weightBasisPoints"]' <<<"$VIEW")
    IFS=',' read -ra ROUTERS <<<"${AVALO_ROUTER_ADMIN_URL:-http://127.0.0.1:8082}"
    for router in "${ROUTERS[@]}"; do
        while :; do
            APPLIED=$(curl -fsS "$router/api/v1/routes/$SERVICE/$ENVIRONMENT" 2>/dev/null || true)
            if [[ -n "$APPLIED" ]] && [[ "$(json 'int(d["generation"] >= '"$GENERATION"' and d["canaryWeightBasisPoints"] == '"$WEIGHT"')' <<<"$APPLIED")" == 1 ]]; then
                break
            fi
            (( $(now_ms) < DEADLINE )) || die "router $router has not applied generation $GENERATION ($WEIGHT bp) within ${TIMEOUT}s"
            sleep 0.05
        done
    done
fi
ELAPSED=$(( $(now_ms) - START ))
echo "$VIEW"
if [[ "$STATE" == ROLLED_BACK ]] && closed_without_ack "$ID"; then
    die "the orchestrator rolled back after ${ELAPSED} ms, but no router acknowledged the stable route within its ack timeout: check the routers of $ENVIRONMENT (GET /api/v1/routes/$SERVICE/$ENVIRONMENT on each router's admin port)"
fi
ACK=$(json 'd.get("rollbackMillis")' <<<"$VIEW")
echo "rollback: $STATE at stage $(json 'd["stage"]["name"] + " (" + str(d["stage"]["weightBasisPoints"]) + " bp)"' <<<"$VIEW"); call to router ack ${ELAPSED} ms${ACK:+ (orchestrator: decision to ack ${ACK} ms)}" >&2
