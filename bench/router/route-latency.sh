#!/usr/bin/env bash
# Route change latency: bench/router/route-latency.sh [--changes 200] [--skip-build] [--keep-work]
#
# Starts, on loopback only and each on its own port: a JetStream nats-server (127.0.0.1:14222, store in a scratch folder),
# the two nginx upstreams (:9001 blue, :9002 green) and the traffic-router (proxy :18000, admin :18082) watching KV bucket
# avalo-routes. RouteChangeLatency.java then puts N generations of route bench.production, alternating canary weight
# 10000 and 0, and times each from the KV put to (a) the ack on avalo.evt.router.applied.bench.production carrying that
# generation and (b) the first response through the proxy from the newly selected side. Goal: ack p99 <= 100 ms.
# Writes results/<date>-route-change.json and regenerates RESULTS.md. Stops everything it started, by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/bench/router"
CHANGES=200
SKIP_BUILD=0
KEEP_WORK=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --changes) CHANGES="$2"; shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --keep-work) KEEP_WORK=1; shift ;;
        *) echo "usage: $0 [--changes 200] [--skip-build] [--keep-work]" >&2; exit 2 ;;
    esac
done

JAR="$ROOT/services/traffic-router/target/quarkus-app/quarkus-run.jar"
LIB="$ROOT/services/traffic-router/target/quarkus-app/lib/main"
NATS_PORT=14222
NATS_URL="nats://127.0.0.1:$NATS_PORT"
PREFIX=avalo
BUCKET=avalo-routes
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
WORK="$(mktemp -d /tmp/avalo-route-latency.XXXXXX)"
mkdir -p "$WORK/run" "$WORK/logs" "$WORK/tmp" "$WORK/conf" "$WORK/js"

log() { printf 'route-latency: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

NATS_PID=""
UPSTREAM_PID=""
ROUTER_PID=""
stop_pid() {
    local pid="$1" sig="${2:-TERM}" i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    stop_pid "$ROUTER_PID"
    stop_pid "$UPSTREAM_PID" QUIT
    stop_pid "$NATS_PID"
    if [[ $KEEP_WORK -eq 0 && $rc -eq 0 ]]; then rm -rf "$WORK"; else log "work folder kept: $WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
wait_port() { local i; for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done; return 1; }
ensure_cmd() {
    command -v "$1" >/dev/null && return 0
    local sudo=(); [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
    timeout 300 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    timeout 600 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2
}
ensure_cmd nginx nginx-light
ensure_cmd curl curl
ensure_cmd python3 python3
[[ -x /usr/sbin/nats-server ]] || command -v nats-server >/dev/null || ensure_cmd nats-server nats-server
NATS_BIN="$(command -v nats-server || echo /usr/sbin/nats-server)"

for p in $NATS_PORT 9001 9002 18000 18082; do
    port_open "$p" && die "127.0.0.1:$p is already in use; stop whatever listens there first"
done

if [[ $SKIP_BUILD -eq 0 ]]; then
    log "building the traffic-router"
    (cd "$ROOT" && timeout 900 ./mvnw -B -q install -DskipTests -pl libs/contracts,libs/testing \
        && timeout 900 ./mvnw -B -q -DskipTests install -pl services/traffic-router -am) >&2
fi
[[ -f "$JAR" ]] || die "no router jar at $JAR"

"$NATS_BIN" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$WORK/js" >"$WORK/logs/nats.log" 2>&1 &
NATS_PID=$!
wait_port "$NATS_PORT" 15 || die "nats-server did not start (see $WORK/logs/nats.log)"

sed -e "s#@WORKERS@#2#g" -e "s#@DIR@#$WORK#g" "$BENCH/conf/upstream.conf.tmpl" >"$WORK/conf/upstream.conf"
nginx -p "$WORK" -c "$WORK/conf/upstream.conf" -e "$WORK/logs/nginx-up.stderr" >"$WORK/logs/nginx-up.out" 2>&1 &
UPSTREAM_PID=$!
wait_port 9001 10 && wait_port 9002 10 || die "upstreams did not start"

DRIVER=(timeout 300 java -Djdk.httpclient.allowRestrictedHeaders=host -cp "$LIB/*" "$BENCH/RouteChangeLatency.java")
COMMON=(--nats "$NATS_URL" --bucket "$BUCKET" --service bench --env production
    --stable http://127.0.0.1:9001 --canary http://127.0.0.1:9002)
"${DRIVER[@]}" seed "${COMMON[@]}" >&2

(cd "$WORK" && exec java -Davalo.router.proxy.port=18000 -Davalo.router.proxy.host=127.0.0.1 -Dquarkus.http.port=18082 \
    -Dquarkus.http.host=127.0.0.1 -Davalo.router.state-file="$WORK/routes.json" -Davalo.router.id=route-latency \
    -Davalo.nats.url="$NATS_URL" -Davalo.nats.subject-prefix=$PREFIX -Davalo.nats.routes-bucket=$BUCKET \
    -jar "$JAR") >"$WORK/logs/router.log" 2>&1 &
ROUTER_PID=$!
code=""
for ((i = 0; i < 600; i++)); do
    kill -0 "$ROUTER_PID" 2>/dev/null || break
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H 'Host: bench' "http://127.0.0.1:18000/" || true)"
    [[ "$code" == 200 ]] && break
    sleep 0.1
done
if [[ "$code" != 200 ]]; then
    tail -30 "$WORK/logs/router.log" >&2 || true
    die "the router did not serve the seeded route within 60 s (last status '${code:-none}')"
fi
log "router serves bench.production; measuring $CHANGES changes"

mkdir -p "$BENCH/results"
OUT="$BENCH/results/$STAMP-route-change.json"
"${DRIVER[@]}" measure "${COMMON[@]}" --prefix "$PREFIX" --proxy http://127.0.0.1:18000/ --changes "$CHANGES" \
    --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || true)" --out "$OUT"
python3 "$BENCH/report.py" markdown --results "$BENCH/results" --out "$BENCH/RESULTS.md"
log "wrote ${OUT#"$ROOT"/} and bench/router/RESULTS.md"
