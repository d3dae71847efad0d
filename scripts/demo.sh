#!/usr/bin/env bash
# The demo: Avalo Deploy's five services as separate processes, three services of a sample app with two revisions each, a
# load generator through the router, and three walkthroughs with live progress (scripts/demo-walkthrough.py):
#   1. a good release of chat-api promoted through the production strategy (durations divided by AVALO_DURATION_SCALE,
#      default 60: a 15-minute stage takes 15 s; the health-scorer still needs enough canary requests to prove the gates)
#      to 100 %;
#   2. a bad release of payments-api (errors and latency injected) rolled back automatically by the health-scorer's verdict,
#      with the breached rule, the rollback duration and the notifications sent (the notifier's log channel);
#   3. a production start of search-api refused during a freeze, then allowed with an approved emergency override.
#
#   ./scripts/demo.sh           build, start, walk through the three, then stop everything (a few minutes)
#   ./scripts/demo.sh --serve   build and start, then keep running until Ctrl-C (try things by hand: README.md "Try it")
#
# It installs what it lacks (a JDK, curl, openssl, python3; NATS and PostgreSQL through scripts/dev-infra.sh).
# Services: orchestrator :8080, health-scorer :8081, traffic-router data plane :8000 and admin :8082 (environment
# production), notifier :8083 (its `log` channel writes every notification to .avalo/logs/notifier.log; Slack, PagerDuty and
# email are used when their AVALO_NOTIFIER_* variables are set, see docs/channels/), scheduler :8084.
# Sample apps (demo/sample-app, pushing their business metrics to the health-scorer): chat-api v1 :9101 and v2 :9102,
# payments-api v1 :9103 and v2 :9104 (the bad one: 503s, slow, failing payments), search-api v1 :9105 and v2 :9106.
# The demo's scheduler keeps production's preferred window but lets it deploy any time (no avoided days, late nights,
# holidays or calendar freezes; ad-hoc and incident freezes still block), so it runs on a Saturday night too;
# AVALO_DEMO_WINDOWS=strategy applies the strategy document's real windows and freezes instead.
# Ports: AVALO_PORT (8080), AVALO_HEALTH_PORT (8081), AVALO_PROXY_PORT (8000), AVALO_ROUTER_ADMIN_PORT (8082),
# AVALO_NOTIFIER_PORT (8083), AVALO_SCHEDULER_PORT (8084), AVALO_APP_PORT_BASE (9101: the six sample apps take 9101-9106).
# Load: AVALO_DEMO_RATE (800 requests/s through the router: half to chat-api, a third to payments-api, the rest search-api).
# Logs: .avalo/logs/<process>.log; the router keeps its last routes in .avalo/router/routes.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE=walkthrough
case "${1:-}" in
    "" | --scenario) ;;
    --serve) MODE=serve ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--serve]" >&2; exit 2 ;;
esac
SCALE=${AVALO_DURATION_SCALE:-60}
PORT=${AVALO_PORT:-8080}
HEALTH_PORT=${AVALO_HEALTH_PORT:-8081}
PROXY_PORT=${AVALO_PROXY_PORT:-8000}
ADMIN_PORT=${AVALO_ROUTER_ADMIN_PORT:-8082}
SCHEDULER_PORT=${AVALO_SCHEDULER_PORT:-8084}
NOTIFIER_PORT=${AVALO_NOTIFIER_PORT:-8083}
DEMO_WINDOWS=${AVALO_DEMO_WINDOWS:-open}
APP_BASE=${AVALO_APP_PORT_BASE:-9101}
RATE=${AVALO_DEMO_RATE:-800}
# each run registers its own services (chat-api-<tag> …): the database keeps earlier runs' services and deployments
TAG=$(date +%m%d-%H%M%S)
CHAT=chat-api-$TAG PAYMENTS=payments-api-$TAG SEARCH=search-api-$TAG
LOGS="$ROOT/.avalo/logs"

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
command -v npm >/dev/null || missing+=(npm) # the orchestrator's build vendors the dashboard's charting library with npm
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
    "$NOTIFIER_PORT:the notifier:AVALO_NOTIFIER_PORT" "$HEALTH_PORT:the health-scorer:AVALO_HEALTH_PORT" \
    "$APP_BASE:the first sample app:AVALO_APP_PORT_BASE" "$((APP_BASE + 1)):a sample app:AVALO_APP_PORT_BASE" \
    "$((APP_BASE + 2)):a sample app:AVALO_APP_PORT_BASE" "$((APP_BASE + 3)):a sample app:AVALO_APP_PORT_BASE" \
    "$((APP_BASE + 4)):a sample app:AVALO_APP_PORT_BASE" "$((APP_BASE + 5)):a sample app:AVALO_APP_PORT_BASE"; do
    IFS=: read -r port what var <<<"$p"
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "demo: port $port ($what) is taken; is the demo already running? (set $var to use another)" >&2
        exit 1
    fi
done

echo "demo: building the five services (the first build downloads Maven and the dependencies)" >&2
./mvnw -B -q -DskipTests install \
    -pl services/orchestrator,services/traffic-router,services/health-scorer,services/scheduler,services/notifier -am

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

# The sample apps push their business metrics with a deployer token (12 h, scripts/token.sh)
APP_TOKEN=$(scripts/token.sh deployer sample-app)
app() { # NAME PORT SERVICE REVISION [fault flags...]
    local name="$1" port="$2" service="$3" revision="$4"; shift 4
    start "$name" java demo/sample-app/SampleApp.java --port "$port" --version "$revision" --service "$service" \
        --revision "$revision" --latency-ms 15 --metrics-url "http://127.0.0.1:$HEALTH_PORT" --metrics-token "$APP_TOKEN" "$@"
}
app chat-api-v1 "$APP_BASE" "$CHAT" "$CHAT-v1"
app chat-api-v2 "$((APP_BASE + 1))" "$CHAT" "$CHAT-v2"
app payments-api-v1 "$((APP_BASE + 2))" "$PAYMENTS" "$PAYMENTS-v1"
# the bad release: one request in eight fails (and its payment with it), answers take ~900 ms
app payments-api-v2 "$((APP_BASE + 3))" "$PAYMENTS" "$PAYMENTS-v2" --error-rate 0.12 --latency-ms 900 --threads 64
app search-api-v1 "$((APP_BASE + 4))" "$SEARCH" "$SEARCH-v1"
app search-api-v2 "$((APP_BASE + 5))" "$SEARCH" "$SEARCH-v2"

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

# The health-scorer: router samples + the sample apps' pushed metrics → score, rules, gates, verdict every 2 s
HEALTH_OPTS=(
    "-Dquarkus.http.port=$HEALTH_PORT"
    "-Dmp.jwt.verify.publickey.location=$ROOT/.avalo/keys/public.pem"
    "-Dmp.jwt.verify.issuer=avalo-local"
    "-Davalo.nats.url=${AVALO_NATS_URL:-nats://127.0.0.1:4222}"
    "-Davalo.health.report-interval=2s"
)
start health-scorer java "${HEALTH_OPTS[@]}" -jar services/health-scorer/target/quarkus-app/quarkus-run.jar

ROUTER_OPTS=(
    "-Davalo.router.proxy.port=$PROXY_PORT"
    "-Dquarkus.http.port=$ADMIN_PORT"
    "-Davalo.router.environment=production"
    "-Davalo.router.id=demo-router"
    "-Davalo.router.state-file=$ROOT/.avalo/router/routes.json"
    "-Davalo.nats.url=${AVALO_NATS_URL:-nats://127.0.0.1:4222}"
)
start traffic-router java "${ROUTER_OPTS[@]}" -jar services/traffic-router/target/quarkus-app/quarkus-run.jar

for i in 0 1 2 3 4 5; do
    name=$(printf '%s\n' "${PIDS[@]}" | sed -n "$((i + 1))p" | cut -d: -f1)
    wait_ready "$name" "http://127.0.0.1:$((APP_BASE + i))/healthz" 60
done
wait_ready health-scorer "http://127.0.0.1:$HEALTH_PORT/q/health/ready" 60
wait_ready traffic-router "http://127.0.0.1:$ADMIN_PORT/q/health/ready" 60
wait_ready scheduler "http://127.0.0.1:$SCHEDULER_PORT/q/health/ready" 60
wait_ready notifier "http://127.0.0.1:$NOTIFIER_PORT/q/health/ready" 60
wait_ready orchestrator "http://127.0.0.1:$PORT/q/health/ready" 60
cat >&2 <<EOT

demo: up (logs in .avalo/logs/)
      orchestrator    http://localhost:$PORT      (dashboard: /dashboard/#token=\$(scripts/token.sh approver); OpenAPI: /q/openapi)
      health-scorer   http://localhost:$HEALTH_PORT      /api/v1/health/<service>/production, /api/v1/rules
      traffic-router  http://localhost:$PROXY_PORT      data plane: Host: <service>, X-User-Id: <user>
                      http://localhost:$ADMIN_PORT      admin: /api/v1/routes, /q/health, /q/metrics
      notifier        http://localhost:$NOTIFIER_PORT      /api/v1/deliveries (notifications: .avalo/logs/notifier.log, NOTIFY lines)
      scheduler       http://localhost:$SCHEDULER_PORT      /api/v1/schedule/check, /api/v1/freezes, /api/v1/calendar.ics
                      (windows: $DEMO_WINDOWS; AVALO_DEMO_WINDOWS=strategy for the strategy document's)
      sample apps     $CHAT v1/v2 :$APP_BASE/:$((APP_BASE + 1)), $PAYMENTS v1/v2 :$((APP_BASE + 2))/:$((APP_BASE + 3)),
                      $SEARCH v1/v2 :$((APP_BASE + 4))/:$((APP_BASE + 5))
      TOKEN=\$(scripts/token.sh deployer)   then see README.md "Try it"
EOT

WALK=(python3 scripts/demo-walkthrough.py --orchestrator "http://127.0.0.1:$PORT" --health "http://127.0.0.1:$HEALTH_PORT"
    --router-admin "http://127.0.0.1:$ADMIN_PORT" --notifier "http://127.0.0.1:$NOTIFIER_PORT"
    --scheduler "http://127.0.0.1:$SCHEDULER_PORT" --app-base "$APP_BASE" --logs "$LOGS" --scale "$SCALE" --tag "$TAG")
# load through the router: user ids for stickiness, a line per service every 10 s in .avalo/logs/loadgen.log
start loadgen java demo/loadgen/LoadGen.java --url "http://127.0.0.1:$PROXY_PORT/" --host "$CHAT,$CHAT,$CHAT,$PAYMENTS,$PAYMENTS,$SEARCH" \
    --rate "$RATE" --users 20000 --report-every 10s
"${WALK[@]}" register

if [[ "$MODE" == "walkthrough" ]]; then
    set +e
    "${WALK[@]}" run
    rc=$?
    set -e
    echo >&2
    echo "demo: done (walkthrough exit $rc); stopping every process; logs are in $LOGS/" >&2
    exit $rc
fi

# --serve: keep running until Ctrl-C, or until one of the processes exits (then stop the others).
echo "demo: serving; Ctrl-C stops everything" >&2
set +e
wait -n "${PIDS[@]#*:}"
for entry in "${PIDS[@]}"; do
    if ! kill -0 "${entry#*:}" 2>/dev/null; then
        echo "demo: ${entry%%:*} exited; last lines of .avalo/logs/${entry%%:*}.log:" >&2
        tail -n 20 "$LOGS/${entry%%:*}.log" >&2
    fi
done
exit 1
