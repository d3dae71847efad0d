#!/usr/bin/env bash
# Emergency stop (strategy document, "Rollback Procedures"): halts every live deployment and reverts its traffic to stable.
#   scripts/emergency-stop.sh [--reason TEXT] [--timeout SECONDS]
# Env: AVALO_URL (http://127.0.0.1:8080), AVALO_TOKEN (an approver token; locally scripts/token.sh makes one).
# Prints each stopped deployment and the time from the call until every one of them was rolled back with its routers'
# ack. Exit 0 when all are rolled back, 1 on any failure, 2 on bad arguments.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/api.sh"

usage() {
    echo "usage: $0 [--reason TEXT] [--timeout SECONDS]" >&2
    exit 2
}
REASON="" TIMEOUT=60
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reason=*) REASON="${1#--reason=}"; shift ;;
        --reason) [[ $# -ge 2 ]] || usage; REASON="$2"; shift 2 ;;
        --timeout=*) TIMEOUT="${1#--timeout=}"; shift ;;
        --timeout) [[ $# -ge 2 ]] || usage; TIMEOUT="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "$0: unknown argument $1" >&2; usage ;;
    esac
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || usage
need
TOKEN=$(token approver)
REASON=${REASON:-"emergency stop by ${USER:-operator} with scripts/emergency-stop.sh"}
BODY=$(REASON="$REASON" python3 -c 'import json,os; print(json.dumps({"reason": os.environ["REASON"]}))')

START=$(now_ms)
REPLY=$(api POST /api/v1/emergency-stop "$BODY")
IDS=$(json '" ".join(x["id"] for x in d["stopped"])' <<<"$REPLY")
if [[ -z "$IDS" ]]; then
    echo "emergency-stop: no live deployment; nothing to stop" >&2
    exit 0
fi
echo "emergency-stop: stopping $(wc -w <<<"$IDS") deployment(s)" >&2
DEADLINE=$(( START + TIMEOUT * 1000 ))
for id in $IDS; do
    while :; do
        VIEW=$(api GET "/api/v1/deployments/$id")
        STATE=$(json 'd["state"]' <<<"$VIEW")
        [[ "$STATE" == ROLLED_BACK || "$STATE" == ABORTED || "$STATE" == FAILED ]] && break
        (( $(now_ms) < DEADLINE )) || die "$id not rolled back within ${TIMEOUT}s (state $STATE)"
        sleep 0.05
    done
    echo "emergency-stop: $(json 'd["service"] + "/" + d["environment"] + " " + d["id"] + " " + d["state"] + ((" (decision to ack " + str(d["rollbackMillis"]) + " ms)") if d.get("rollbackMillis") is not None else "")' <<<"$VIEW")" >&2
    if [[ "$STATE" != ROLLED_BACK ]]; then
        FAILED_ANY=1
    elif closed_without_ack "$id"; then
        echo "emergency-stop: $id: no router acknowledged the stable route within the orchestrator's ack timeout" >&2
        FAILED_ANY=1
    fi
done
echo "emergency-stop: call to every router ack $(( $(now_ms) - START )) ms" >&2
[[ -z "${FAILED_ANY:-}" ]] || die "some deployments did not roll back with every router's ack"
