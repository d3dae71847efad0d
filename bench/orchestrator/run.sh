#!/usr/bin/env bash
# Orchestrator benchmark: bench/orchestrator/run.sh [--sizes 1000,10000] [--concurrency 8] [--replays 3]
#
# 1. ensures NATS + PostgreSQL (scripts/dev-infra.sh up)
# 2. builds the orchestrator jar and the bench driver (-Pbench)
# 3. per size N: the driver makes a fresh database avalo_bench_<N>, a fresh stream AVALO_EVENTS_BENCH<N> and bucket
#    avalo-routes-bench<N> (subject prefix bench<N>), starts the orchestrator on 127.0.0.1:18080 twice (A: registration and
#    starts with the sweeper off; B: sweeps and emergency stop), and writes results/<date>-<N>.json. Stream, bucket and
#    database are deleted afterwards.
# Every wait is bounded; the whole run for 1000 + 10000 takes roughly 10–15 minutes on 2 cores.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZES=1000,10000
EXTRA=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --concurrency|--replays|--port|--profile-estop|--keep-db|--out) EXTRA+=("$1" "$2"); shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        *) echo "usage: $0 [--sizes 1000,10000] [--concurrency 8] [--replays 3] [--port 18080] [--skip-build]" >&2; exit 2 ;;
    esac
done

scripts/dev-infra.sh up

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "bench: building the orchestrator and the driver" >&2
    ./mvnw -B -q -DskipTests install -pl services/orchestrator -am
    ./mvnw -B -q -Pbench -DskipTests package -pl bench/orchestrator -am
fi

CP="bench/orchestrator/target/classes:$(cat bench/orchestrator/target/classpath.txt)"
COMMAND="bench/orchestrator/run.sh --sizes $SIZES${EXTRA[*]:+ ${EXTRA[*]}}"
rc=0
IFS=',' read -ra NS <<<"$SIZES"
for n in "${NS[@]}"; do
    echo "bench: size $n" >&2
    timeout 3600 java -Xmx512m -cp "$CP" dev.avalo.bench.orchestrator.OrchestratorBench \
        --size "$n" --root "$ROOT" --command "$COMMAND" "${EXTRA[@]}" || rc=$?
done
java -cp "$CP" dev.avalo.bench.orchestrator.Report "$ROOT/bench/orchestrator/results" || true
exit $rc
