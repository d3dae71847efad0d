# Shared by scripts/rollback.sh and scripts/emergency-stop.sh: the orchestrator's REST API with a bearer token.
# Env: AVALO_URL (http://127.0.0.1:8080), AVALO_TOKEN (else a local token from scripts/token.sh, when the key pair exists).

AVALO_URL=${AVALO_URL:-http://127.0.0.1:8080}
API_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

need() {
    local missing=()
    for tool in curl python3; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [[ ${#missing[@]} -eq 0 ]] || die "needs ${missing[*]} (apt-get install ${missing[*]})"
}

# token ROLE: AVALO_TOKEN, or a local token for ROLE made with scripts/token.sh (the demo's key pair)
token() {
    if [[ -n "${AVALO_TOKEN:-}" ]]; then
        printf '%s' "$AVALO_TOKEN"
    elif [[ -f "$API_ROOT/.avalo/keys/private.pem" ]]; then
        "$API_ROOT/scripts/token.sh" "$1" "${USER:-operator}"
    else
        die "set AVALO_TOKEN to a bearer token with the $1 role"
    fi
}

# api METHOD PATH [BODY]: prints the body; on an HTTP error prints the problem's detail and exits 1
api() {
    local out status
    out=$(mktemp)
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" "$AVALO_URL$2" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' ${3:+--data "$3"}) || { rm -f "$out"; die "cannot reach $AVALO_URL"; }
    if [[ "$status" -ge 400 ]]; then
        local detail
        detail=$(python3 -c 'import json,sys
try:
    p = json.load(open(sys.argv[1])); print(p.get("detail") or p.get("title") or "", ("(field " + p["field"] + ")") if p.get("field") else "")
except Exception:
    print(open(sys.argv[1]).read()[:300])' "$out")
        rm -f "$out"
        die "$1 $2 failed: HTTP $status: $detail"
    fi
    cat "$out"
    rm -f "$out"
}

# json EXPR < JSON: evaluates a Python expression over the parsed document `d`
json() {
    python3 -c "import json,sys
d = json.load(sys.stdin)
r = $1
print('' if r is None else (json.dumps(r) if isinstance(r, (dict, list)) else r))"
}

# closed_without_ack ID: true when the deployment's rollback was closed by the orchestrator's ack timeout, not a router's ack
closed_without_ack() {
    [[ "$(api GET "/api/v1/deployments/$1/events" \
        | json 'next((e["kind"] for e in reversed(d) if e["type"] == "rolled-back"), "")')" == timeout ]]
}

now_ms() {
    date +%s%3N
}
