#!/usr/bin/env bash
# Health-scorer tick benchmark: bench/health-scorer/run.sh [options]
#
# N live canaries, every default rule evaluated every second, reports (score + gates + rules) every 5 s: the production
# HealthEngine (built as the service's DomainProducer builds it, default settings) driven in simulated time by
# src/main/java/dev/avalo/bench/health/TickBench.java, a plain main (no JMH, no Quarkus, no NATS). Per simulated second it
# ingests one second of router samples (HdrHistogram latencies) and pushed business metrics for every canary and stable
# (not timed), then times engine.tick(now). Windows are full (11 minutes) before the first measured tick.
#
# Options: --canaries N (10000)  --rounds R (3)  --seconds S measured ticks per round (30)  --warmup W ticks (120)
#          --report-spread synchronized|staggered (synchronized)  --heap SIZE (-Xmx, 10g)
#          --ref GIT_REF  also run the same driver against the health-scorer of GIT_REF (e.g. main), for a before/after
#          --paired  with --ref: both versions in one JVM, fed the same fleet and ticked one right after the other every
#                    second (PairedBench.java), instead of one JVM after the other; judges a change by the per-second ratio
#          --skip-build
# Takes /work/.bench-lock (BENCH_LOCK to override) around each measured JVM and always removes it; each JVM is stopped after
# BENCH_MAX_SECONDS (590). The collector and its settings are the scorer image's (GC_CONTAINER_OPTIONS in
# services/health-scorer/src/main/docker/Dockerfile.jvm, recorded as "gc" with each round). BENCH_JAVA_OPTS adds JVM
# options (e.g. another collector, which then replaces those; recorded with the command). Writes results/<date>-<code>.jsonl (one line per round) and regenerates RESULTS.md (report.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/bench/health-scorer"
ARGS="$*"
JAVA_OPTS_EXTRA="${BENCH_JAVA_OPTS:-}"
# the collector and its settings the scorer's image ships with (GC_CONTAINER_OPTIONS of its Dockerfile.jvm), unless
# BENCH_JAVA_OPTS chooses a collector
SCORER_GC="$(sed -n 's/^ENV GC_CONTAINER_OPTIONS="\(.*\)"$/\1/p' "$ROOT/services/health-scorer/src/main/docker/Dockerfile.jvm")"
[[ -n "$SCORER_GC" ]] || { echo "$0: no GC_CONTAINER_OPTIONS line in services/health-scorer/src/main/docker/Dockerfile.jvm" >&2; exit 2; }
case "$JAVA_OPTS_EXTRA" in
    *-XX:+Use*GC*) GC_OPT="" ;; # the options choose the collector
    *) GC_OPT="$SCORER_GC" ;;
esac
CANARIES=10000
ROUNDS=3
SECONDS_PER_ROUND=30
WARMUP=120
SPREAD=synchronized
HEAP=10g
REF=""
PAIRED=0
SKIP_BUILD=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --canaries) CANARIES="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --seconds) SECONDS_PER_ROUND="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --report-spread) SPREAD="$2"; shift 2 ;;
        --heap) HEAP="$2"; shift 2 ;;
        --ref) REF="$2"; shift 2 ;;
        --paired) PAIRED=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        *) echo "usage: $0 [--canaries 10000] [--rounds 3] [--seconds 30] [--warmup 120] [--report-spread synchronized|staggered] [--heap 10g] [--ref main [--paired]] [--skip-build]" >&2; exit 2 ;;
    esac
done
if [[ $PAIRED -eq 1 && -z "$REF" ]]; then
    echo "$0: --paired needs --ref GIT_REF (the version to pair this branch's with)" >&2
    exit 2
fi
LOCK="${BENCH_LOCK:-/work/.bench-lock}"
MAX_SECONDS="${BENCH_MAX_SECONDS:-590}"
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
WORK="$(mktemp -d /tmp/avalo-bench-health.XXXXXX)"
HELD_LOCK=0

log() { printf 'bench: %s\n' "$*" >&2; }
cleanup() {
    local rc=$?
    if [[ $HELD_LOCK -eq 1 ]]; then rmdir "$LOCK" 2>/dev/null || true; fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# build MODULE_DIR OUT_DIR [MAVEN_FLAGS...]: compiles the health-scorer at MODULE_DIR, writes its runtime classpath and the
# compiled driver
build() {
    local module="$1" out="$2"
    shift 2
    mkdir -p "$out/driver"
    if [[ $SKIP_BUILD -eq 0 || ! -f "$module/target/classpath.txt" ]]; then
        log "building ${module#"$ROOT"/}"
        (cd "$ROOT" && timeout 900 ./mvnw -B -q -f "$module/pom.xml" "$@" -DskipTests compile dependency:build-classpath \
            -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) >&2
    fi
    local cp="$module/target/classes:$(cat "$module/target/classpath.txt")"
    javac -nowarn -d "$out/driver" -cp "$cp" "$BENCH/src/main/java/dev/avalo/bench/health/TickBench.java" \
        "$BENCH/src/main/java/dev/avalo/bench/health/Rounds.java"
    echo "$out/driver:$cp" >"$out/cp"
}

take_lock() {
    local waited=0
    until mkdir "$LOCK" 2>/dev/null; do
        ((waited % 60 == 0)) && log "waiting for $LOCK (someone is benchmarking)"
        sleep 15
        waited=$((waited + 15))
    done
    HELD_LOCK=1
}

release_lock() {
    rmdir "$LOCK" 2>/dev/null || true
    HELD_LOCK=0
}

# measure LABEL OUT_DIR: one JVM, RESULT lines appended to results/<stamp>-<label>.jsonl
measure() {
    local label="$1" out="$2" result="$BENCH/results/$STAMP-$1.jsonl"
    mkdir -p "$BENCH/results"
    take_lock
    log "$label: $CANARIES canaries, $SPREAD reports, $ROUNDS rounds of $SECONDS_PER_ROUND ticks after $WARMUP warm-up ticks (lock held)"
    local rc=0
    # shellcheck disable=SC2086 # GC_OPT and BENCH_JAVA_OPTS are lists of options
    timeout "$MAX_SECONDS" java "-Xmx$HEAP" "-Xms$HEAP" -XX:+AlwaysPreTouch $GC_OPT $JAVA_OPTS_EXTRA -XX:+ExitOnOutOfMemoryError "-Dbench.code=$label" -cp "$(cat "$out/cp")" \
        dev.avalo.bench.health.TickBench --canaries "$CANARIES" --rounds "$ROUNDS" --seconds "$SECONDS_PER_ROUND" \
        --warmup "$WARMUP" --report-spread "$SPREAD" --out "$WORK/$label.jsonl" 2> >(grep -v 'filling windows' >&2) || rc=$?
    release_lock
    record "$WORK/$label.jsonl" "$result" "$label"
    [[ $rc -eq 0 ]] || log "$label: the JVM ended with $rc (124: stopped after $MAX_SECONDS s)"
}

# record SRC RESULT LABEL: the JSON lines of SRC, with the command, commit and machine, appended to RESULT
record() {
    local src="$1" result="$2" label="$3"
    if [[ -s "$src" ]]; then
        python3 - "$src" "$result" "${JAVA_OPTS_EXTRA:+BENCH_JAVA_OPTS='$JAVA_OPTS_EXTRA' }bench/health-scorer/run.sh${ARGS:+ $ARGS}" "$(git -C "$ROOT" rev-parse --short HEAD)" \
            "$(git -C "$ROOT" status --porcelain -- services/health-scorer bench/health-scorer | wc -l)" "$label" "$GC_OPT" <<'PY'
import json, os, platform, subprocess, sys
src, dst, command, commit, dirty, label, gc = sys.argv[1:8]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
load = open("/proc/loadavg").read().split()[:3]
with open(dst, "a") as out:
    for line in open(src):
        r = json.loads(line)
        r.update(command=command, commit=commit + ("" if dirty == "0" else "-dirty"), codeUnderTest=label, gc=gc,
                 cpus=os.cpu_count(), cpu=cpu, java=java, loadAverageAfter=load)
        out.write(json.dumps(r) + "\n")
PY
        log "wrote ${result#"$ROOT"/}"
    fi
}

# measure_paired REF_OUT HEAD_OUT: one JVM with both versions (PairedBench), one result file per version
measure_paired() {
    local a="$1" b="$2" label_a="ref-$REF" label_b="head"
    mkdir -p "$BENCH/results" "$WORK/paired"
    javac -nowarn -d "$WORK/paired" "$BENCH/src/main/java/dev/avalo/bench/health/PairedBench.java" \
        "$BENCH/src/main/java/dev/avalo/bench/health/Rounds.java"
    take_lock
    log "paired $label_a / $label_b in one JVM: $CANARIES canaries each, $SPREAD reports, $ROUNDS rounds of $SECONDS_PER_ROUND ticks after $WARMUP warm-up ticks (lock held)"
    local rc=0
    # shellcheck disable=SC2086 # GC_OPT and BENCH_JAVA_OPTS are lists of options
    timeout "$MAX_SECONDS" java "-Xmx$HEAP" "-Xms$HEAP" -XX:+AlwaysPreTouch $GC_OPT $JAVA_OPTS_EXTRA -XX:+ExitOnOutOfMemoryError -cp "$WORK/paired" \
        dev.avalo.bench.health.PairedBench --a "$(cat "$a/cp")" --b "$(cat "$b/cp")" --label-a "$label_a" --label-b "$label_b" \
        --canaries "$CANARIES" --rounds "$ROUNDS" --seconds "$SECONDS_PER_ROUND" --warmup "$WARMUP" --report-spread "$SPREAD" \
        --out "$WORK/paired.jsonl" 2> >(grep -v 'filling windows' >&2) || rc=$?
    release_lock
    if [[ -s "$WORK/paired.jsonl" ]]; then
        grep -F "\"code\":\"$label_a\"" "$WORK/paired.jsonl" >"$WORK/paired-a.jsonl" || true
        grep -F "\"code\":\"$label_b\"" "$WORK/paired.jsonl" >"$WORK/paired-b.jsonl" || true
        record "$WORK/paired-a.jsonl" "$BENCH/results/$STAMP-paired-$label_a.jsonl" "$label_a"
        record "$WORK/paired-b.jsonl" "$BENCH/results/$STAMP-paired-$label_b.jsonl" "$label_b"
    fi
    [[ $rc -eq 0 ]] || log "paired: the JVM ended with $rc (124: stopped after $MAX_SECONDS s)"
}

build "$ROOT/services/health-scorer" "$WORK/head"
if [[ -n "$REF" ]]; then
    log "extracting services/health-scorer of $REF"
    mkdir -p "$WORK/ref"
    git -C "$ROOT" archive "$REF" pom.xml build services/health-scorer | tar -x -C "$WORK/ref"
    SKIP_BUILD_SAVED=$SKIP_BUILD; SKIP_BUILD=0
    # outside the repository the formatter finds no configuration: the extracted sources are compiled as they are
    build "$WORK/ref/services/health-scorer" "$WORK/ref-out" -Dformatter.skip=true -Dimpsort.skip=true
    SKIP_BUILD=$SKIP_BUILD_SAVED
fi
if [[ $PAIRED -eq 1 ]]; then
    measure_paired "$WORK/ref-out" "$WORK/head"
else
    [[ -z "$REF" ]] || measure "ref-$REF" "$WORK/ref-out"
    measure "head" "$WORK/head"
fi
python3 "$BENCH/report.py" "$BENCH/results" "$BENCH/RESULTS.md"
log "regenerated bench/health-scorer/RESULTS.md"
