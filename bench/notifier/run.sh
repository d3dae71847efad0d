#!/usr/bin/env bash
# Notifier benchmark: bench/notifier/run.sh [--rate 600] [--seconds 60] [--warmup 15] [--burst 15000] [--latency-ms 50]
#                                          [--concurrency 64] [--skip-build]
#
# 1. ensures NATS + PostgreSQL (scripts/dev-infra.sh up) and the local JWT key (scripts/token.sh)
# 2. builds the notifier jar and the driver (-Pbench)
# 3. the driver makes a fresh database, stream and subject prefix, starts a fake Slack/PagerDuty answering after
#    --latency-ms, starts the notifier jar against them, publishes warm-up, sustained (--rate for --seconds) and burst
#    events, and writes results/<date>.json (delay publish -> provider answer, delivered notifications per second, missing
#    and doubled notifications). Database and stream are removed afterwards. Exit 1 when a notification is missing or doubled.
# Bounded: about 3 minutes with the defaults.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
EXTRA=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rate|--seconds|--warmup|--burst|--latency-ms|--concurrency|--xmx) EXTRA+=("$1" "$2"); shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        *) echo "usage: $0 [--rate 600] [--seconds 60] [--warmup 15] [--burst 15000] [--latency-ms 50] [--concurrency 64] [--skip-build]" >&2; exit 2 ;;
    esac
done

scripts/dev-infra.sh up
scripts/token.sh viewer >/dev/null # makes .avalo/keys when missing

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "bench: building the notifier and the driver" >&2
    ./mvnw -B -q -DskipTests install -pl services/notifier -am
    ./mvnw -B -q -Pbench -DskipTests package -pl bench/notifier -am
fi

CP="bench/notifier/target/classes:$(cat bench/notifier/target/classpath.txt)"
COMMAND="bench/notifier/run.sh${EXTRA[*]:+ ${EXTRA[*]}}"
exec timeout 1200 java -Xmx1g -cp "$CP" dev.avalo.bench.notifier.NotifierBench --root "$ROOT" --command "$COMMAND" "${EXTRA[@]}"
