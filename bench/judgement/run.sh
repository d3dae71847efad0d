#!/usr/bin/env bash
# Judgement benchmark (issue 4): are the health-scorer's verdicts right at low traffic? bench/judgement/run.sh [options]
#
# Runs the seeded simulation services/health-scorer/src/test/java/dev/avalo/health/judgement/JudgementSimulation.java: the
# real health-scorer (Quarkus test mode, stepped clock) on the local NATS (127.0.0.1:4222) under a unique subject prefix,
# stream and bucket; simulated routers publish RouterMetricsSamples for thousands of services, deployment events make the
# canaries live, verdicts are read from the health reports. See README.md.
# Writes results/<UTC stamp>/ (canaries.jsonl, summary.json, meta.json, report.json, simulation.log) and regenerates
# RESULTS.md (report.py).
#
# Options: --quick (100 healthy canaries, 20 per regression cohort)  --healthy N (1000)  --bad N (100 per regression cohort)
#          --seed N (20261128)  --skip-build  --label TEXT (a note stored with the run, e.g. "before the Wilson fix")
#          --horizon SECONDS (caps every cohort's horizon: a partial run, e.g. only the stage's first minutes)
# Environment: AVALO_TEST_NATS_URL (default nats://127.0.0.1:4222), BENCH_MAX_SECONDS (5400) bounds the simulation.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/bench/judgement"
ARGS="$*"
HEALTHY=1000
BAD=100
SEED=20261128
SKIP_BUILD=0
LABEL=""
HORIZON=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) HEALTHY=100; BAD=20; shift ;;
        --healthy) HEALTHY="$2"; shift 2 ;;
        --bad) BAD="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --label) LABEL="$2"; shift 2 ;;
        --horizon) HORIZON="$2"; shift 2 ;;
        *) echo "usage: $0 [--quick] [--healthy 1000] [--bad 100] [--seed 20261128] [--skip-build] [--label TEXT] [--horizon SECONDS]" >&2; exit 2 ;;
    esac
done

log() { printf 'judgement: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

NATS_URL="${AVALO_TEST_NATS_URL:-nats://127.0.0.1:4222}"
hostport="${NATS_URL#nats://}"
timeout 2 bash -c "exec 3<>/dev/tcp/${hostport%:*}/${hostport##*:}" 2>/dev/null \
    || die "no NATS at $NATS_URL (scripts/dev-infra.sh up starts one)"
command -v python3 >/dev/null || die "python3 is needed for the report"

STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
OUT="$BENCH/results/$STAMP"
mkdir -p "$OUT"
COMMIT="${JUDGEMENT_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
DIRTY=""
if [[ -z "${JUDGEMENT_COMMIT:-}" && -n "$(git -C "$ROOT" status --porcelain -- services libs 2>/dev/null)" ]]; then DIRTY=" (dirty tree)"; fi

cd "$ROOT"
if [[ $SKIP_BUILD -eq 0 ]]; then
    log "installing libs/contracts and libs/testing"
    timeout 900 ./mvnw -B -q install -DskipTests -pl libs/contracts,libs/testing >&2
fi

log "simulation: seed $SEED, $HEALTHY healthy canaries, $BAD per regression cohort -> ${OUT#"$ROOT"/}"
started=$(date +%s)
set +e
timeout "${BENCH_MAX_SECONDS:-5400}" ./mvnw -B -f services/health-scorer/pom.xml test \
    -Dtest=JudgementSimulation -Dsurefire.failIfNoSpecifiedTests=false \
    -Davalo.judgement.out="$OUT" -Davalo.judgement.seed="$SEED" \
    -Davalo.judgement.healthy="$HEALTHY" -Davalo.judgement.bad="$BAD" ${HORIZON:+-Davalo.judgement.horizon="$HORIZON"} \
    >"$OUT/simulation.log" 2>&1
rc=$?
set -e
elapsed=$(( $(date +%s) - started ))
grep '^judgement:' "$OUT/simulation.log" | tail -3 >&2 || true
if [[ $rc -ne 0 || ! -f "$OUT/summary.json" ]]; then
    tail -60 "$OUT/simulation.log" >&2
    die "simulation failed (exit $rc); log kept in ${OUT#"$ROOT"/}/simulation.log"
fi
gzip -f "$OUT/canaries.jsonl"

python3 - "$OUT/meta.json" <<PY
import json, os, platform, subprocess, sys
def sh(c):
    try:
        return subprocess.run(c, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return ""
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem = sh("awk '/MemTotal/ {printf \"%.0f GB\", \$2/1048576}' /proc/meminfo")
meta = {
    "stamp": "$STAMP",
    "command": "bench/judgement/run.sh${ARGS:+ $ARGS}",
    "label": """$LABEL""",
    "commit": "$COMMIT$DIRTY",
    "seed": $SEED,
    "healthy": $HEALTHY,
    "bad": $BAD,
    "elapsedSeconds": $elapsed,
    "machine": f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} {platform.release()}",
    "java": sh("java -version 2>&1 | head -1"),
    "nats": "$NATS_URL",
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY
python3 "$BENCH/report.py" --results "$BENCH/results" --out "$BENCH/RESULTS.md"
log "done in ${elapsed}s: ${OUT#"$ROOT"/} and bench/judgement/RESULTS.md"
