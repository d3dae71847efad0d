#!/usr/bin/env bash
# Starts Avalo Deploy locally: NATS + PostgreSQL (installed and started if missing), the orchestrator on :8080, the
# traffic-router (data plane :8000, admin :8082, environment production), the scheduler on :8084, the notifier on :8083
# (its `log` channel writes every notification to .avalo/logs/notifier.log; Slack, PagerDuty and email are used when their
# AVALO_NOTIFIER_* variables are set, see docs/channels/) and two sample-app
# upstreams to route between: "blue" on 127.0.0.1:9101 and "green" on 127.0.0.1:9102 (demo/sample-app).
#   ./scripts/demo.sh              build, start, and keep running in the foreground (Ctrl-C stops everything it started)
#   ./scripts/demo.sh --scenario   same, and also walk a canary through the router and a rollback (scripts/demo-scenario.sh)
# Durations of the strategies are scaled down (AVALO_DURATION_SCALE, default 60: a 15-minute stage takes 15 s).
# The demo's scheduler keeps production's preferred window but lets it deploy any time (no avoided days, late nights,
# holidays or calendar freezes; ad-hoc and incident freezes still block), so the scenario runs on a Saturday night too;
# AVALO_DEMO_WINDOWS=strategy runs the strategy document's real windows and freezes instead.
# Ports: AVALO_PORT (8080), AVALO_PROXY_PORT (8000), AVALO_ROUTER_ADMIN_PORT (8082), AVALO_SCHEDULER_PORT (8084),
# AVALO_NOTIFIER_PORT (8083), AVALO_BLUE_PORT (9101), AVALO_GREEN_PORT (9102).
# Logs: .avalo/logs/{orchestrator,traffic-router,scheduler,notifier,sample-blue,
# sample-green}.log; the router keeps its last routes in .avalo/router/routes.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCALE=${AVALO_DURATION_SCALE:-60}
PORT=${AVALO_PORT:-8080}
PROXY_PORT=${AVALO_PROXY_PORT:-8000}
ADMIN_PORT=${AVALO_ROUTER_ADMIN_PORT:-8082}
SCHEDULER_PORT=${AVALO_SCHEDULER_PORT:-8084}
NOTIFIER_PORT=${AVALO_NOTIFIER_PORT:-8083}
DEMO_WINDOWS=${AVALO_DEMO_WINDOWS:-open}
BLUE_PORT=${AVALO_BLUE_PORT:-9101}
GREEN_PORT=${AVALO_GREEN_PORT:-9102}
LOGS="$ROOT/.avalo/logs"

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "demo: installing ${missing[*]}" >&2
    if [[ "$(id -u)" -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

scripts/dev-infra.sh up
scripts/token.sh viewer >/dev/null # makes the local key pair on first use

for p in "$PORT:the orchestrator:AVALO_PORT" "$PROXY_PORT:the router's data plane:AVALO_PROXY_PORT" \
    "$ADMIN_PORT:the router's admin API:AVALO_ROUTER_ADMIN_PORT" "$SCHEDULER_PORT:the scheduler:AVALO_SCHEDULER_PORT" \
    "$NOTIFIER_PORT:the notifier:AVALO_NOTIFIER_PORT" \
    "$BLUE_PORT:the blue sample app:AVALO_BLUE_PORT" \
    "$GREEN_PORT:the green sample app:AVALO_GREEN_PORT"; do
    IFS=: read -r port what var <<<"$p"
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "demo: port $port ($what) is taken; is the demo already running? (set $var to use another)" >&2
        exit 1
    fi
done

echo "demo: building the orchestrator, the traffic-router, the scheduler and the notifier" >&2
./mvnw -B -q -DskipTests install -pl services/orchestrator,services/traffic-router,services/scheduler,services/notifier -am

mkdir -p "$LOGS" .avalo/router
PIDS=() # "name:pid", stopped in reverse order

stop_all() {
    local i entry pid n
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        entry="${PIDS[$i]}"
        pid="${entry#*:}"
        kill -TERM "$pid" 2>/dev/null || continue
        for ((n = 0; n < 100; n++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ ${#PIDS[@]} -gt 0 ]] && echo "demo: stopped ${PIDS[*]%%:*}" >&2
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start() { # NAME COMMAND...: output to .avalo/logs/NAME.log
    local name="$1"; shift
    "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
    PIDS+=("$name:$!")
}

wait_ready() { # NAME URL SECONDS
    local name="$1" url="$2" i pid
    pid="$(printf '%s\n' "${PIDS[@]}" | sed -n "s/^$name://p")"
    for ((i = 0; i < $3 * 2; i++)); do
        curl -fsS --max-time 1 "$url" >/dev/null 2>&1 && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "demo: $name exited; last lines of .avalo/logs/$name.log:" >&2
            tail -n 30 "$LOGS/$name.log" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "demo: $name not ready at $url after $3 s; see .avalo/logs/$name.log" >&2
    exit 1
}

start sample-blue java demo/sample-app/SampleApp.java --port "$BLUE_PORT" --version blue
start sample-green java demo/sample-app/SampleApp.java --port "$GREEN_PORT" --version green

SCHEDULER_OPTS=(
    "-Dquarkus.http.port=$SCHEDULER_PORT"
    "-Dmp.jwt.verify.publickey.location=$ROOT/.avalo/keys/public.pem"
    "-Dmp.jwt.verify.issuer=avalo-local"
    "-Davalo.nats.url=${AVALO_NATS_URL:-nats://127.0.0.1:4222}"
    "-Davalo.scheduler.watch.every=10s"
)
if [[ "$DEMO_WINDOWS" != "strategy" ]]; then
    SCHEDULER_OPTS+=(
        "-Davalo.scheduler.environments.production.avoid-days="
        "-Davalo.scheduler.environments.production.late-night="
        "-Davalo.scheduler.environments.production.avoid-holidays=false"
        "-Davalo.scheduler.environments.production.calendar-freezes=false"
    )
fi
start scheduler java "${SCHEDULER_OPTS[@]}" -jar services/scheduler/target/quarkus-app/quarkus-run.jar

# The notifier: every deployment, freeze and incident event to its channels; the log channel always, Slack/PagerDuty/email
# when AVALO_NOTIFIER_SLACK_CHANNELS_*_WEBHOOK_URL, AVALO_NOTIFIER_PAGERDUTY_ROUTING_KEY or AVALO_NOTIFIER_EMAIL_TO are set.
NOTIFIER_OPTS=(
    "-Dquarkus.http.port=$NOTIFIER_PORT"
    "-Dmp.jwt.verify.publickey.location=$ROOT/.avalo/keys/public.pem"
    "-Dmp.jwt.verify.issuer=avalo-local"
    "-Davalo.nats.url=${AVALO_NATS_URL:-nats://127.0.0.1:4222}"
    "-Davalo.notifier.links.deployment=http://localhost:$PORT/api/v1/deployments/{id}"
    "-Davalo.notifier.links.freezes=http://localhost:$SCHEDULER_PORT/api/v1/freezes"
)
start notifier java "${NOTIFIER_OPTS[@]}" -jar services/notifier/target/quarkus-app/quarkus-run.jar

# The orchestrator asks the scheduler before every start and production promotion (production fails closed when it does
# not answer, the default).
ORCHESTRATOR_OPTS=(
    "-Dquarkus.http.port=$PORT"
    "-Dmp.jwt.verify.publickey.location=$ROOT/.avalo/keys/public.pem"
    "-Dmp.jwt.verify.issuer=avalo-local"
    "-Davalo.orchestrator.duration-scale=$SCALE"
    "-Davalo.orchestrator.health.warn-after=30s"
    "-Davalo.orchestrator.health.pause-after=3m"
    "-Davalo.orchestrator.rollback.ack-timeout=5s"
)
start orchestrator java "${ORCHESTRATOR_OPTS[@]}" -jar services/orchestrator/target/quarkus-app/quarkus-run.jar

ROUTER_OPTS=(
    "-Davalo.router.proxy.port=$PROXY_PORT"
    "-Dquarkus.http.port=$ADMIN_PORT"
    "-Davalo.router.environment=production"
    "-Davalo.router.id=demo-router"
    "-Davalo.router.state-file=$ROOT/.avalo/router/routes.json"
    "-Davalo.nats.url=${AVALO_NATS_URL:-nats://127.0.0.1:4222}"
)
start traffic-router java "${ROUTER_OPTS[@]}" -jar services/traffic-router/target/quarkus-app/quarkus-run.jar

wait_ready sample-blue "http://127.0.0.1:$BLUE_PORT/healthz" 30
wait_ready sample-green "http://127.0.0.1:$GREEN_PORT/healthz" 30
wait_ready traffic-router "http://127.0.0.1:$ADMIN_PORT/q/health/ready" 60
wait_ready scheduler "http://127.0.0.1:$SCHEDULER_PORT/q/health/ready" 60
wait_ready notifier "http://127.0.0.1:$NOTIFIER_PORT/q/health/ready" 60
wait_ready orchestrator "http://127.0.0.1:$PORT/q/health/ready" 60
cat >&2 <<EOT

demo: up (logs in .avalo/logs/, Ctrl-C stops everything)
      orchestrator    http://localhost:$PORT      (OpenAPI: /q/openapi, metrics: /q/metrics)
      traffic-router  http://localhost:$PROXY_PORT      data plane: Host: <service>, X-User-Id: <user>
                      http://localhost:$ADMIN_PORT      admin: /api/v1/routes, /q/health, /q/metrics
      scheduler       http://localhost:$SCHEDULER_PORT      /api/v1/schedule/check, /api/v1/freezes, /api/v1/calendar.ics
                      (windows: $DEMO_WINDOWS; AVALO_DEMO_WINDOWS=strategy for the strategy document's)
      notifier        http://localhost:$NOTIFIER_PORT      /api/v1/deliveries (notifications: .avalo/logs/notifier.log, NOTIFY lines)
      sample apps     http://127.0.0.1:$BLUE_PORT  (blue)   http://127.0.0.1:$GREEN_PORT  (green)
      TOKEN=\$(scripts/token.sh deployer)   then see README.md "Try it", or run scripts/demo-scenario.sh
EOT
if [[ "${1:-}" == "--scenario" ]]; then
    AVALO_URL="http://127.0.0.1:$PORT" AVALO_PROXY_URL="http://127.0.0.1:$PROXY_PORT/" \
        AVALO_ROUTER_ADMIN_URL="http://127.0.0.1:$ADMIN_PORT" AVALO_STABLE_UPSTREAM="http://127.0.0.1:$BLUE_PORT" \
        AVALO_CANARY_UPSTREAM="http://127.0.0.1:$GREEN_PORT" AVALO_NOTIFIER_URL="http://127.0.0.1:$NOTIFIER_PORT" \
        scripts/demo-scenario.sh || true
fi

# Keep running until Ctrl-C, or until one of the processes exits (then stop the others).
set +e
wait -n "${PIDS[@]#*:}"
for entry in "${PIDS[@]}"; do
    if ! kill -0 "${entry#*:}" 2>/dev/null; then
        echo "demo: ${entry%%:*} exited; last lines of .avalo/logs/${entry%%:*}.log:" >&2
        tail -n 20 "$LOGS/${entry%%:*}.log" >&2
    fi
done
exit 1
