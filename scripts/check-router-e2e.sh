#!/usr/bin/env bash
# The traffic-router end to end, issue 3's "done means":
#   scripts/check-router-e2e.sh [--build | --skip-build] [--requests 20000] [--keep-work]
#
# "With NATS, the orchestrator and two upstreams running, a started deployment's 1 % shows up as ~1 % of requests on the
# canary through the router, a rollback moves all traffic back within the measured latency, and per-second samples appear on
# the metrics subject." On loopback only, non-interactive; about a minute once built, and the part after the build stops
# itself after CHECK_MAX_SECONDS (170). It:
#   1. builds the orchestrator and the router when a jar is missing or older than its sources (--build: always,
#      --skip-build: never; a build bounded by its own 15-minute timeout, as a cold Maven build may download);
#   2. starts its own orchestrator, traffic-router and two sample apps (demo/sample-app, "blue" and "green"), each on a free
#      port in 20000-32767, against the local NATS and PostgreSQL (scripts/dev-infra.sh up) and isolated from anything else
#      there, a running scripts/demo.sh included: its own subject prefix (chk<random>), events stream, KV bucket and database;
#   3. runs scripts/e2e/RouterE2E.java (compiled with demo/loadgen/LoadGen.java, run with the router's jars): registers a
#      service (stable = blue), starts a production deployment (canary = green, stage 1 at 1 %), sends 20000 requests with
#      distinct X-User-Id through the router, checks the canary share (1 % ± max(0.4, 5 binomial sigma): 0.6-1.4 % at 20000)
#      and stickiness, rolls back over the REST API
#      while a probe loop asks for the canary users, times the rollback call to the router's ack and to the first all-stable
#      probe round, checks that new users all land on stable and that the per-second samples on
#      <prefix>.metrics.<service>.production count exactly the requests it sent;
#   4. then runs scripts/e2e/ops-scripts.sh against the same orchestrator and router: scripts/rollback.sh in its three
#      modes and scripts/emergency-stop.sh of three live deployments, each checked on the router's applied route;
#   5. prints PASS/FAIL with the numbers and exits non-zero on failure. Every process it started is stopped by PID on any
#      exit, and its database, stream and bucket are deleted; logs are kept (and their tails shown) when the check fails, or
#      with --keep-work.
# A rebuild replaces services/*/target/quarkus-app under a running scripts/demo.sh: pass --skip-build while the demo runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD=auto
REQUESTS=20000
KEEP_WORK=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) BUILD=always; shift ;;
        --skip-build) BUILD=never; shift ;;
        --requests) REQUESTS="$2"; shift 2 ;;
        --keep-work) KEEP_WORK=1; shift ;;
        *) echo "usage: $0 [--build|--skip-build] [--requests 20000] [--keep-work]" >&2; exit 2 ;;
    esac
done
[[ "$REQUESTS" =~ ^[0-9]+$ && "$REQUESTS" -ge 5000 ]] || { echo "--requests must be at least 5000" >&2; exit 2; }

MAX_SECONDS=${CHECK_MAX_SECONDS:-170}
ORCH_JAR="$ROOT/services/orchestrator/target/quarkus-app/quarkus-run.jar"
ROUTER_JAR="$ROOT/services/traffic-router/target/quarkus-app/quarkus-run.jar"
ROUTER_LIB="$ROOT/services/traffic-router/target/quarkus-app/lib/main"
RUN="chk$(LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c 8 || true)"
PREFIX="$RUN"
STREAM="AVALO_EVENTS_${RUN^^}"
BUCKET="avalo-routes-$RUN"
DB="avalo_$RUN"
SERVICE=e2e-shop
WORK="$(mktemp -d "/tmp/avalo-router-e2e.XXXXXX")"
mkdir -p "$WORK/logs" "$WORK/classes"

log() { printf 'check-router-e2e: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ process bookkeeping: stop only what we started, by PID

PIDS=()          # "name:pid", stopped in reverse order
WATCHDOG_PID=""
DB_CREATED=0
COMPILED=0

stop_pid() { # PID: TERM, then KILL after 10 s
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? i entry
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        entry="${PIDS[$i]}"
        stop_pid "${entry#*:}"
    done
    if [[ $COMPILED -eq 1 ]]; then
        timeout 20 java -cp "$WORK/classes:$ROUTER_LIB/*" RouterE2E cleanup --nats "$NATS_URL" --bucket "$BUCKET" \
            --stream "$STREAM" 2>>"$WORK/logs/cleanup.log" || log "could not delete NATS stream $STREAM / bucket $BUCKET"
    fi
    if [[ $DB_CREATED -eq 1 ]]; then
        PGPASSWORD=avalo timeout 20 psql -X -q -h 127.0.0.1 -U avalo -d avalo \
            -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>>"$WORK/logs/cleanup.log" \
            || log "could not drop database $DB"
    fi
    [[ -n "$WATCHDOG_PID" ]] && stop_pid "$WATCHDOG_PID"
    if [[ $rc -ne 0 ]]; then
        for f in "$WORK"/logs/*.log; do
            [[ -s "$f" ]] || continue
            printf '\n---- last lines of %s\n' "$f" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [[ $KEEP_WORK -eq 0 && $rc -eq 0 ]]; then rm -rf "$WORK"; else log "logs kept in $WORK/logs"; fi
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# free_port: a port in 20000–32767 that nothing listens on and that this run has not picked yet (the project's own ports
# 8000 and 8080–8084 and the demo's 9101/9102 are outside that range, so a running demo is never disturbed).
TAKEN=" "
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12768))
        [[ "$TAKEN" == *" $p "* ]] && continue
        port_open "$p" && continue
        TAKEN="$TAKEN$p "
        echo "$p"
        return 0
    done
    die "no free port found"
}

wait_http() { # NAME URL SECONDS PID [BODY-PATTERN]
    local name="$1" url="$2" seconds="$3" pid="$4" pattern="${5:-}" i body
    for ((i = 0; i < seconds * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during startup (see $WORK/logs/$name.log)"
        if body="$(curl -fsS --max-time 1 "$url" 2>/dev/null)"; then
            [[ -z "$pattern" || "$body" =~ $pattern ]] && return 0
        fi
        sleep 0.2
    done
    die "$name not ready at $url within ${seconds}s (see $WORK/logs/$name.log)"
}

# ------------------------------------------------------------------ build (bounded separately: a cold Maven build may download)

command -v java >/dev/null || die "java (17) is required; see README.md"
command -v curl >/dev/null || die "curl is required"
scripts/dev-infra.sh up >"$WORK/logs/dev-infra.log" 2>&1 \
    || { cat "$WORK/logs/dev-infra.log" >&2; die "scripts/dev-infra.sh up failed"; }
command -v psql >/dev/null || die "psql missing after scripts/dev-infra.sh up"
NATS_URL="${AVALO_NATS_URL:-nats://127.0.0.1:4222}"

stale() { # JAR DIR...: true when JAR is missing or a source under DIR is newer
    local jar="$1"; shift
    [[ -f "$jar" ]] || return 0
    [[ -n "$(find "$@" -name target -prune -o -type f -newer "$jar" -print -quit 2>/dev/null)" ]]
}
ORCH_SOURCES=(pom.xml libs services/orchestrator/src services/orchestrator/pom.xml)
ROUTER_SOURCES=(pom.xml libs services/traffic-router/src services/traffic-router/pom.xml)
if [[ $BUILD == always ]] || { [[ $BUILD == auto ]] && stale "$ORCH_JAR" "${ORCH_SOURCES[@]}"; }; then
    log "building the orchestrator (./mvnw -B -q -DskipTests install -pl services/orchestrator -am)"
    timeout 900 ./mvnw -B -q -DskipTests install -pl services/orchestrator -am >"$WORK/logs/build.log" 2>&1 \
        || die "orchestrator build failed (see $WORK/logs/build.log)"
fi
if [[ $BUILD == always ]] || { [[ $BUILD == auto ]] && stale "$ROUTER_JAR" "${ROUTER_SOURCES[@]}"; }; then
    log "building the traffic-router (./mvnw -B -q -DskipTests install -pl services/traffic-router -am)"
    timeout 900 ./mvnw -B -q -DskipTests install -pl services/traffic-router -am >>"$WORK/logs/build.log" 2>&1 \
        || die "traffic-router build failed (see $WORK/logs/build.log)"
fi
[[ -f "$ORCH_JAR" && -f "$ROUTER_JAR" ]] || die "no jars; run without --skip-build"

# ------------------------------------------------------------------ from here on, bounded: the watchdog ends the run

(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$MAX_SECONDS" &
    sleeper=$!
    wait "$sleeper" && kill -TERM $$
) </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!
STARTED=$(date +%s)

log "compiling the driver (scripts/e2e/RouterE2E.java with demo/loadgen/LoadGen.java)"
javac -nowarn -d "$WORK/classes" -cp "$ROUTER_LIB/*" demo/loadgen/LoadGen.java scripts/e2e/RouterE2E.java \
    >"$WORK/logs/javac.log" 2>&1 || die "the driver does not compile (see $WORK/logs/javac.log)"
COMPILED=1

ORCH_PORT=$(free_port)
PROXY_PORT=$(free_port)
ADMIN_PORT=$(free_port)
BLUE_PORT=$(free_port)
GREEN_PORT=$(free_port)
log "run $RUN: orchestrator :$ORCH_PORT, router proxy :$PROXY_PORT admin :$ADMIN_PORT, blue :$BLUE_PORT," \
    "green :$GREEN_PORT; NATS prefix $PREFIX, stream $STREAM, bucket $BUCKET, database $DB"

PGPASSWORD=avalo timeout 20 psql -X -q -h 127.0.0.1 -U avalo -d avalo -c "CREATE DATABASE $DB" >/dev/null \
    || die "cannot create database $DB (scripts/dev-infra.sh sets up role avalo with CREATEDB)"
DB_CREATED=1
TOKEN_DEPLOYER="$(scripts/token.sh deployer router-e2e)"

start() { # NAME COMMAND...: runs COMMAND in $WORK with output to logs/NAME.log; remembers its PID
    local name="$1"; shift
    (cd "$WORK" && exec "$@") >"$WORK/logs/$name.log" 2>&1 </dev/null &
    PIDS+=("$name:$!")
    eval "${name//-/_}_PID=$!"
}

start blue java "$ROOT/demo/sample-app/SampleApp.java" --port "$BLUE_PORT" --version blue
start green java "$ROOT/demo/sample-app/SampleApp.java" --port "$GREEN_PORT" --version green
start orchestrator java \
    "-Dquarkus.http.port=$ORCH_PORT" -Dquarkus.http.host=127.0.0.1 \
    "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/$DB" \
    "-Davalo.nats.url=$NATS_URL" "-Davalo.nats.subject-prefix=$PREFIX" "-Davalo.nats.events-stream=$STREAM" \
    "-Davalo.nats.routes-bucket=$BUCKET" \
    "-Dmp.jwt.verify.publickey.location=$ROOT/.avalo/keys/public.pem" -Dmp.jwt.verify.issuer=avalo-local \
    -Davalo.orchestrator.rollback.ack-timeout=10s \
    -Davalo.orchestrator.schedule.fail-open-environments=development,staging,production \
    -jar "$ORCH_JAR"
start router java \
    "-Davalo.router.proxy.port=$PROXY_PORT" -Davalo.router.proxy.host=127.0.0.1 \
    "-Dquarkus.http.port=$ADMIN_PORT" -Dquarkus.http.host=127.0.0.1 \
    -Davalo.router.environment=production -Davalo.router.id=router-e2e "-Davalo.router.state-file=$WORK/router-routes.json" \
    "-Davalo.nats.url=$NATS_URL" "-Davalo.nats.subject-prefix=$PREFIX" "-Davalo.nats.routes-bucket=$BUCKET" \
    -jar "$ROUTER_JAR"

wait_http blue "http://127.0.0.1:$BLUE_PORT/healthz" 30 "$blue_PID"
wait_http green "http://127.0.0.1:$GREEN_PORT/healthz" 30 "$green_PID"
wait_http router "http://127.0.0.1:$ADMIN_PORT/q/health/ready" 60 "$router_PID" '"live"'
wait_http orchestrator "http://127.0.0.1:$ORCH_PORT/q/health/ready" 60 "$orchestrator_PID"
log "everything is up after $(($(date +%s) - STARTED)) s; running the check"

LEFT=$((MAX_SECONDS - ($(date +%s) - STARTED)))
[[ $LEFT -ge 40 ]] || die "only $LEFT s of CHECK_MAX_SECONDS ($MAX_SECONDS) left after startup; is the machine overloaded?"
set +e
AVALO_DEPLOYER_TOKEN="$TOKEN_DEPLOYER" timeout $((LEFT - 5)) \
    java -cp "$WORK/classes:$ROUTER_LIB/*" RouterE2E check \
    --orchestrator "http://127.0.0.1:$ORCH_PORT" --proxy "http://127.0.0.1:$PROXY_PORT/" \
    --router-admin "http://127.0.0.1:$ADMIN_PORT" --nats "$NATS_URL" --prefix "$PREFIX" --service "$SERVICE" \
    --env production --stable-upstream "http://127.0.0.1:$BLUE_PORT" --canary-upstream "http://127.0.0.1:$GREEN_PORT" \
    --stable-app blue --canary-app green --requests "$REQUESTS" \
    --deadline $((LEFT - 10)) 2> >(tee "$WORK/logs/driver.log" >&2)
rc=$?
if [[ $rc -eq 0 ]]; then
    log "router check passed; now the operating scripts (scripts/e2e/ops-scripts.sh)"
    timeout $((MAX_SECONDS - ($(date +%s) - STARTED) > 10 ? MAX_SECONDS - ($(date +%s) - STARTED) - 5 : 5)) \
        scripts/e2e/ops-scripts.sh "http://127.0.0.1:$ORCH_PORT" "http://127.0.0.1:$ADMIN_PORT" \
        "http://127.0.0.1:$BLUE_PORT" "http://127.0.0.1:$GREEN_PORT" "$SERVICE" 2> >(tee "$WORK/logs/ops-scripts.log" >&2)
    rc=$?
fi
set -e
if [[ $rc -eq 0 ]]; then
    log "PASS after $(($(date +%s) - STARTED)) s"
else
    [[ $rc -eq 124 ]] && log "the driver ran out of time"
    log "FAIL (driver exit $rc)"
fi
exit $rc
