#!/usr/bin/env bash
# Traffic-router data-plane benchmark: bench/router/run.sh [options]
#
# In one run, on loopback only, with wrk and the same two nginx upstreams (127.0.0.1:9001 blue, :9002 green):
#   direct        wrk → upstream (the limit)
#   nginx         nginx 1.22 as a 90/10 weighted keep-alive proxy        (conf/nginx-proxy.conf.tmpl, :18181)
#   nginx-sticky  nginx split_clients on X-User-Id, 10 % green, keep-alive (:18183)
#   haproxy       HAProxy 90/10 with http-reuse always (--haproxy only)    (conf/haproxy.cfg.tmpl, :18191)
#   router        our traffic-router at 90/10, sticky on X-User-Id        (:18000, admin :18082; route from a state file,
#                 connected to the run's own JetStream nats-server on :14299 and publishing its per-second samples, as deployed)
# unpinned (wrk -t2, two workers each) and pinned (wrk -t1 and the upstreams on CPU0, the proxy alone on CPU1), 3 interleaved
# rounds of `wrk --latency -c64 -d15s -s conf/users.lua` after a 20 s JVM warm-up. By default the warm-up is 4 wrk runs of
# 5 s, so it opens and closes its 64 connections 4 times, as the timed rounds do: a JVM whose JIT compiled the read path
# while only requests flowed deoptimises it at the next burst of accepts (the server channel's types reach the same Netty
# methods), and with one long warm-up run that happened in the first timed round. Proxy CPU per request = the proxy
# processes' user+sys CPU (/proc/<pid>/stat) over the requests wrk completed.
# Writes results/<date>.json and regenerates RESULTS.md (report.py). Everything it starts it stops by PID.
#
# Options: --rounds N (3)  --duration 15s  --warmup SECONDS (20)  --warmup-runs N (4)  --modes unpinned,pinned  --configs direct,nginx,...
#          --haproxy  --skip-build  --keep-work
# Environment: ROUTER_JAVA_OPTS (extra JVM flags for the router), BENCH_NATS_URL (a NATS server of your own instead of the
#              run's; "none" runs the router NATS-free, retrying a closed port every 500 ms as in an outage), BENCH_SAMPLES=1
#              (diagnostic: logs the router's own per-second latency from its samples to logs/samples-<mode>.txt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARGS="$*"
BENCH="$ROOT/bench/router"
ROUNDS=3
DURATION=15s
WARMUP=20
WARMUP_RUNS=4
MODES=unpinned,pinned
CONFIGS=direct,nginx,nginx-sticky,router
HAPROXY=0
SKIP_BUILD=0
KEEP_WORK=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --warmup-runs) WARMUP_RUNS="$2"; shift 2 ;;
        --modes) MODES="$2"; shift 2 ;;
        --configs) CONFIGS="$2"; shift 2 ;;
        --haproxy) HAPROXY=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --keep-work) KEEP_WORK=1; shift ;;
        *) echo "usage: $0 [--rounds 3] [--duration 15s] [--warmup 20] [--warmup-runs 4] [--modes unpinned,pinned] [--configs direct,nginx,nginx-sticky,router] [--haproxy] [--skip-build] [--keep-work]" >&2; exit 2 ;;
    esac
done
if ! [[ "$WARMUP_RUNS" =~ ^[1-9][0-9]*$ && "$WARMUP" =~ ^[0-9]+$ ]] || (( WARMUP_RUNS > WARMUP && WARMUP > 0 )); then
    echo "$0: --warmup takes whole seconds and --warmup-runs a count from 1 to the warm-up's seconds" >&2; exit 2
fi
if [[ $HAPROXY -eq 1 && ",$CONFIGS," != *",haproxy,"* ]]; then CONFIGS="$CONFIGS,haproxy"; fi

JAR="$ROOT/services/traffic-router/target/quarkus-app/quarkus-run.jar"
ROUTER_PORT=18000
ROUTER_ADMIN_PORT=18082
NATS_PORT=14299
OWN_NATS=0
case "${BENCH_NATS_URL:-}" in
    "") NATS_URL="nats://127.0.0.1:$NATS_PORT"; OWN_NATS=1 ;;
    none) NATS_URL="nats://127.0.0.1:$NATS_PORT" ;;   # nothing listens there: fail-static, reconnecting
    *) NATS_URL="$BENCH_NATS_URL" ;;
esac
CONNECTIONS=64
MAX_SECONDS=${BENCH_MAX_SECONDS:-2400}  # the whole run never takes longer than this
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
WORK="$(mktemp -d /tmp/avalo-bench-router.XXXXXX)"
mkdir -p "$WORK/run" "$WORK/logs" "$WORK/tmp" "$WORK/conf"
MEASUREMENTS="$WORK/measurements.jsonl"
: >"$MEASUREMENTS"
CLK_TCK="$(getconf CLK_TCK)"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ process bookkeeping: stop only what we started

UPSTREAM_PID=""
PROXY_PID=""
HAPROXY_PID=""
ROUTER_PID=""
NATS_PID=""
WATCHDOG_PID=""

stop_pid() { # PID [signal]: TERM, then KILL after 10 s
    local pid="$1" sig="${2:-TERM}" i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_servers() {
    stop_pid "$SAMPLES_PID"; SAMPLES_PID=""
    stop_pid "$ROUTER_PID"; ROUTER_PID=""
    stop_pid "$HAPROXY_PID"; HAPROXY_PID=""
    stop_pid "$PROXY_PID" QUIT; PROXY_PID=""
    stop_pid "$UPSTREAM_PID" QUIT; UPSTREAM_PID=""
    stop_pid "$NATS_PID"; NATS_PID=""
}

cleanup() {
    local rc=$?
    stop_servers
    stop_pid "$WATCHDOG_PID"
    if [[ $KEEP_WORK -eq 0 && $rc -eq 0 ]]; then rm -rf "$WORK"; else log "work folder kept: $WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# The watchdog ends the run (through the trap above, so everything is stopped) if it ever takes longer than MAX_SECONDS.
# It holds no output pipe and takes its sleep with it when stopped.
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$MAX_SECONDS" &
    sleeper=$!
    wait "$sleeper" && kill -TERM $$
) </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!

# ------------------------------------------------------------------ tools

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

wait_port() { # PORT SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        port_open "$1" && return 0
        sleep 0.1
    done
    return 1
}

APT_UPDATED=0
ensure_cmd() { # COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    command -v apt-get >/dev/null || die "$1 missing and no apt-get: install $2"
    local sudo=()
    [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        timeout 300 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        APT_UPDATED=1
    fi
    log "apt-get install $2"
    timeout 600 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2
}

ensure_cmd wrk wrk
ensure_cmd nginx nginx-light
ensure_cmd curl curl
ensure_cmd python3 python3
ensure_cmd taskset util-linux
if [[ ",$CONFIGS," == *",haproxy,"* ]]; then ensure_cmd haproxy haproxy; fi
if [[ ",$CONFIGS," == *",router,"* && $OWN_NATS -eq 1 ]]; then
    [[ -x /usr/sbin/nats-server ]] || command -v nats-server >/dev/null || ensure_cmd nats-server nats-server
fi
NATS_BIN="$(command -v nats-server || echo /usr/sbin/nats-server)"

for p in 9001 9002 $NATS_PORT 18181 18182 18183 18191 18192 18193 $ROUTER_PORT $ROUTER_ADMIN_PORT; do
    port_open "$p" && die "127.0.0.1:$p is already in use; stop whatever listens there first"
done

if [[ ",$CONFIGS," == *",router,"* && $SKIP_BUILD -eq 0 ]]; then
    log "building the traffic-router (libs/contracts, libs/testing, then the module)"
    (cd "$ROOT" && timeout 900 ./mvnw -B -q install -DskipTests -pl libs/contracts,libs/testing \
        && timeout 900 ./mvnw -B -q -DskipTests install -pl services/traffic-router -am) >&2
fi

# cpu_ticks PID...: user+sys clock ticks of the processes (0 for one that is gone)
cpu_ticks() {
    local total=0 pid s
    local -a f
    for pid in "$@"; do
        s="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        read -ra f <<<"${s##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# pids_of MASTER: the master and its children (nginx workers)
pids_of() {
    [[ -n "$1" ]] || return 0
    echo "$1"
    pgrep -P "$1" 2>/dev/null || true
}

render() { # TEMPLATE OUT WORKERS
    sed -e "s#@WORKERS@#$3#g" -e "s#@DIR@#$WORK#g" "$1" >"$2"
}

# ------------------------------------------------------------------ servers

start_upstreams() { # WORKERS PIN(cpu list or "")
    render "$BENCH/conf/upstream.conf.tmpl" "$WORK/conf/upstream.conf" "$1"
    if [[ -n "$2" ]]; then
        taskset -c "$2" nginx -p "$WORK" -c "$WORK/conf/upstream.conf" -e "$WORK/logs/nginx-up.stderr" >"$WORK/logs/nginx-up.out" 2>&1 &
    else
        nginx -p "$WORK" -c "$WORK/conf/upstream.conf" -e "$WORK/logs/nginx-up.stderr" >"$WORK/logs/nginx-up.out" 2>&1 &
    fi
    UPSTREAM_PID=$!
    wait_port 9001 10 && wait_port 9002 10 || die "upstreams did not start (see $WORK/logs)"
}

start_nginx_proxy() { # WORKERS PIN
    render "$BENCH/conf/nginx-proxy.conf.tmpl" "$WORK/conf/nginx-proxy.conf" "$1"
    if [[ -n "$2" ]]; then
        taskset -c "$2" nginx -p "$WORK" -c "$WORK/conf/nginx-proxy.conf" -e "$WORK/logs/nginx-px.stderr" >"$WORK/logs/nginx-px.out" 2>&1 &
    else
        nginx -p "$WORK" -c "$WORK/conf/nginx-proxy.conf" -e "$WORK/logs/nginx-px.stderr" >"$WORK/logs/nginx-px.out" 2>&1 &
    fi
    PROXY_PID=$!
    wait_port 18181 10 && wait_port 18183 10 || die "nginx proxy did not start (see $WORK/logs)"
}

start_haproxy() { # WORKERS PIN
    render "$BENCH/conf/haproxy.cfg.tmpl" "$WORK/conf/haproxy.cfg" "$1"
    if [[ -n "$2" ]]; then
        taskset -c "$2" haproxy -db -f "$WORK/conf/haproxy.cfg" >"$WORK/logs/haproxy.out" 2>&1 &
    else
        haproxy -db -f "$WORK/conf/haproxy.cfg" >"$WORK/logs/haproxy.out" 2>&1 &
    fi
    HAPROXY_PID=$!
    wait_port 18191 10 || die "haproxy did not start (see $WORK/logs)"
}

start_nats() { # PIN: the run's own JetStream server (fresh store per mode), next to the upstreams
    [[ $OWN_NATS -eq 1 ]] || return 0
    rm -rf "$WORK/js"
    local -a cmd=("$NATS_BIN" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$WORK/js")
    if [[ -n "$1" ]]; then cmd=(taskset -c "$1" "${cmd[@]}"); fi
    "${cmd[@]}" >"$WORK/logs/nats-$MODE.log" 2>&1 &
    NATS_PID=$!
    wait_port "$NATS_PORT" 15 || die "nats-server did not start (see $WORK/logs/nats-$MODE.log)"
}

ROUTER_STATUS="not started"
SAMPLES_PID=""
start_router() { # PIN
    ROUTER_STATUS="not started"
    if [[ ! -f "$JAR" ]]; then
        ROUTER_STATUS="no jar at ${JAR#"$ROOT"/}"
        log "$ROUTER_STATUS: router not measured"
        return 1
    fi
    # The state file the control plane loads at start: one route, 90/10, sticky on X-User-Id.
    cat >"$WORK/routes.json" <<'EOF'
[{"service":"bench","environment":"production","generation":1,
  "stable":{"revision":"bench-blue","upstreams":["http://127.0.0.1:9001"]},
  "canary":{"revision":"bench-green","upstreams":["http://127.0.0.1:9002"]},
  "canaryWeightBasisPoints":1000,
  "stickiness":{"mode":"header","header":"X-User-Id"},
  "reason":"bench/router/run.sh"}]
EOF
    # Upstream keep-alive connections idle for 60 s are closed, as nginx closes its own (keepalive_timeout's default; the
    # nginx proxy's config sets none): with the router's default of 4 s every router round would start by reconnecting
    # to the upstreams, idle through the other configurations' rounds, which nginx's rounds never do.
    local -a cmd=(java ${ROUTER_JAVA_OPTS:-} -Davalo.router.proxy.port=$ROUTER_PORT -Davalo.router.proxy.host=127.0.0.1
        -Davalo.router.proxy.upstream-idle-timeout=60s
        -Dquarkus.http.port=$ROUTER_ADMIN_PORT -Dquarkus.http.host=127.0.0.1
        -Davalo.router.state-file="$WORK/routes.json" -Davalo.router.id=bench -Davalo.nats.url="$NATS_URL"
        -jar "$JAR")
    if [[ -n "$1" ]]; then cmd=(taskset -c "$1" "${cmd[@]}"); fi
    (cd "$WORK" && exec "${cmd[@]}") >"$WORK/logs/router-$MODE.log" 2>&1 &
    ROUTER_PID=$!
    local i code=""
    for ((i = 0; i < 600; i++)); do
        kill -0 "$ROUTER_PID" 2>/dev/null || break
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H 'Host: bench' -H 'X-User-Id: user-1' "http://127.0.0.1:$ROUTER_PORT/" || true)"
        [[ "$code" == 200 ]] && break
        sleep 0.1
    done
    if [[ "$code" != 200 ]]; then
        ROUTER_STATUS="router did not serve Host: bench with 200 within 60 s (last status '${code:-none}'; see logs/router-$MODE.log)"
        log "$ROUTER_STATUS: router not measured"
        tail -20 "$WORK/logs/router-$MODE.log" >&2 || true
        stop_pid "$ROUTER_PID"; ROUTER_PID=""
        return 1
    fi
    ROUTER_STATUS="ok"
    return 0
}

# ------------------------------------------------------------------ measurement

WRK_PIN=""
WRK_THREADS=2

run_wrk() { # URL DURATION OUT
    local -a cmd=(wrk --latency -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2" --timeout 5s -s "$BENCH/conf/users.lua" "$1")
    if [[ -n "$WRK_PIN" ]]; then cmd=(taskset -c "$WRK_PIN" "${cmd[@]}"); fi
    local secs="${2%s}"
    timeout $((secs + 30)) "${cmd[@]}" >"$3" 2>&1
}

measure() { # CONFIG ROUND
    local config="$1" round="$2" url proxy_master="" pids_proxy=() pids_up
    case "$config" in
        direct) url="http://127.0.0.1:9001/" ;;
        nginx) url="http://127.0.0.1:18181/"; proxy_master="$PROXY_PID" ;;
        nginx-sticky) url="http://127.0.0.1:18183/"; proxy_master="$PROXY_PID" ;;
        haproxy) url="http://127.0.0.1:18191/"; proxy_master="$HAPROXY_PID" ;;
        router) url="http://127.0.0.1:$ROUTER_PORT/"; proxy_master="$ROUTER_PID" ;;
    esac
    if [[ -n "$proxy_master" ]]; then mapfile -t pids_proxy < <(pids_of "$proxy_master"); fi
    mapfile -t pids_up < <(pids_of "$UPSTREAM_PID")
    local out="$WORK/logs/wrk-$MODE-$config-$round.txt"
    local p0 u0 p1 u1
    p0=$(cpu_ticks "${pids_proxy[@]}"); u0=$(cpu_ticks "${pids_up[@]}")
    run_wrk "$url" "$DURATION" "$out" || log "wrk failed for $config (see $out)"
    p1=$(cpu_ticks "${pids_proxy[@]}"); u1=$(cpu_ticks "${pids_up[@]}")
    local json
    json="$(sed -n 's/^BENCH_JSON //p' "$out" | tail -1)"
    [[ -n "$json" ]] || { log "no result from wrk for $config:"; cat "$out" >&2; return 0; }
    python3 - "$json" "$MODE" "$config" "$round" "$((p1 - p0))" "$((u1 - u0))" "$CLK_TCK" "${#pids_proxy[@]}" >>"$MEASUREMENTS" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
mode, config, rnd, pt, ut, tck, nproxy = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
req = r["requests"]
r.update(mode=mode, config=config, round=rnd,
         rps=req / (r["duration_us"] / 1e6) if r["duration_us"] else 0,
         errors_total=sum(r["errors"].values()),
         proxy_cpu_seconds=pt / tck if nproxy else None,
         proxy_cpu_us_per_request=(pt / tck * 1e6 / req) if nproxy and req else None,
         upstream_cpu_us_per_request=(ut / tck * 1e6 / req) if req else None)
print(json.dumps(r))
EOF
    tail -1 "$MEASUREMENTS" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); c=r["proxy_cpu_us_per_request"]; print("bench: %-8s %-12s round %d: %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  cpu/req %s  errors %d" % (r["mode"], r["config"], r["round"], r["rps"], r["p50_us"]/1000, r["p99_us"]/1000, "-" if c is None else "%.1f us" % c, r["errors_total"]))' >&2
}

# ------------------------------------------------------------------ the run

declare -A ROUTER_STATUS_BY_MODE=()
IFS=',' read -ra MODE_LIST <<<"$MODES"
IFS=',' read -ra CONFIG_LIST <<<"$CONFIGS"
for MODE in "${MODE_LIST[@]}"; do
    case "$MODE" in
        unpinned) WORKERS=2; WRK_THREADS=2; WRK_PIN=""; UP_PIN=""; PX_PIN="" ;;
        pinned) WORKERS=1; WRK_THREADS=1; WRK_PIN=0; UP_PIN=0; PX_PIN=1 ;;
        *) die "unknown mode $MODE (unpinned, pinned)" ;;
    esac
    log "mode $MODE: starting upstreams and proxies"
    start_upstreams "$WORKERS" "$UP_PIN"
    [[ ",$CONFIGS," == *",nginx"* ]] && start_nginx_proxy "$WORKERS" "$PX_PIN"
    [[ ",$CONFIGS," == *",haproxy,"* ]] && start_haproxy "$WORKERS" "$PX_PIN"
    configs=("${CONFIG_LIST[@]}")
    if [[ ",$CONFIGS," == *",router,"* ]]; then
        start_nats "$UP_PIN"
        if start_router "$PX_PIN"; then
            if [[ "${BENCH_SAMPLES:-0}" == 1 ]]; then
                # diagnostic: the router's own per-second latency, from its samples (logs/samples-<mode>.txt; --keep-work)
                samples_cmd=(java -cp "$ROOT/services/traffic-router/target/quarkus-app/lib/main/*" "$BENCH/SampleWatch.java" "$NATS_URL")
                if [[ -n "$UP_PIN" ]]; then samples_cmd=(taskset -c "$UP_PIN" "${samples_cmd[@]}"); fi
                "${samples_cmd[@]}" >"$WORK/logs/samples-$MODE.txt" 2>&1 &
                SAMPLES_PID=$!
            fi
            log "mode $MODE: warming the router up for ${WARMUP}s in $WARMUP_RUNS wrk runs"
            for ((w = 1; WARMUP > 0 && w <= WARMUP_RUNS; w++)); do
                run_wrk "http://127.0.0.1:$ROUTER_PORT/" "$(( (WARMUP + WARMUP_RUNS - 1) / WARMUP_RUNS ))s" "$WORK/logs/warmup-$MODE-$w.txt" || true
            done
        else
            configs=()
            for c in "${CONFIG_LIST[@]}"; do [[ "$c" == router ]] || configs+=("$c"); done
        fi
        ROUTER_STATUS_BY_MODE[$MODE]="$ROUTER_STATUS"
    fi
    for ((round = 1; round <= ROUNDS; round++)); do
        for config in "${configs[@]}"; do
            measure "$config" "$round"
        done
    done
    stop_servers
done

# ------------------------------------------------------------------ results

mkdir -p "$BENCH/results"
OUT="$BENCH/results/$STAMP.json"
router_status_json="{"
for m in "${!ROUTER_STATUS_BY_MODE[@]}"; do
    router_status_json+="\"$m\":$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${ROUTER_STATUS_BY_MODE[$m]}"),"
done
router_status_json="${router_status_json%,}}"
if [[ $OWN_NATS -eq 1 ]]; then
    NATS_DESCRIPTION="connected to the run's own JetStream nats-server on 127.0.0.1:$NATS_PORT (next to the upstreams), publishing per-second samples"
elif [[ "${BENCH_NATS_URL:-}" == none ]]; then
    NATS_DESCRIPTION="no NATS: fail-static, retrying a closed port every 500 ms"
else
    NATS_DESCRIPTION="connected to $NATS_URL"
fi
BENCH_NATS_DESCRIPTION="$NATS_DESCRIPTION" ROUTER_JAVA_OPTS="${ROUTER_JAVA_OPTS:-}" python3 "$BENCH/report.py" collect --measurements "$MEASUREMENTS" --out "$OUT" --stamp "$STAMP" \
    --command "bench/router/run.sh${ARGS:+ $ARGS}" --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --warmup-runs "$WARMUP_RUNS" \
    --router-status "$router_status_json" --root "$ROOT"
python3 "$BENCH/report.py" markdown --results "$BENCH/results" --out "$BENCH/RESULTS.md"
log "wrote ${OUT#"$ROOT"/} and bench/router/RESULTS.md"
