#!/usr/bin/env bash
# In-process benchmark suites: every JMH class with -prof gc into OUTDIR/jmh/<suite>.json (-rf json), and the
# InProcessLatency harness into OUTDIR/latency/<run>.json (+ .txt, its printed output). BenchmarkReport reads both.
#
# usage: benchmarks/jmh.sh quick|full|smoke OUTDIR
#   quick  1 fork, 2 warm-up x 1 s, 5 measured x 1 s; presence at 10k users only; latency at 100k msgs/s, the engine
#          on its own thread and invoked by the embedder, 2 s warm-up + 3 s measured each. About 3 minutes on 2 cores.
#   full   the settings of docs/benchmarks.md: each class's own @Warmup/@Measurement/@Fork (3 x 2 s warm-up,
#          5 x 2 s measured, 1 fork); presence at 10k and 1M users; latency at 100k and 10k msgs/s, engine thread and
#          invoker, 5 s + 10 s.
#          About 15-20 minutes (setting up 1M presence sessions takes 30-60 s per trial).
#   smoke  1 fork, no warm-up, one 100 ms iteration of each benchmark; presence at 10k users; latency 10k msgs/s to
#          10 receivers for 500 ms. Checks that everything runs, measures nothing. Fails on the first benchmark error.
#
# Environment (defaults in brackets):
#   SUITES [codec fanout publish presence handoff]  LATENCY [1; 0 skips InProcessLatency]  RUNS [1 latency run per rate]
#   JAVA [java]  JMH_JAVA_OPTS [none; options of the JMH host JVM, e.g. -Djmh.ignoreLock=true]
#   JMH_EXTRA [none; more JMH arguments for every suite]  BUILD [0; 1 rebuilds the jar even when it exists]
#
# The forks take their JVM flags (--add-opens java.base/jdk.internal.misc=ALL-UNNAMED, heap, GC) from each class's
# @Fork, so none are passed here (-jvmArgs would replace them). JMH allows one run per machine at a time
# (/tmp/jmh.lock); a second one fails at once unless JMH_JAVA_OPTS=-Djmh.ignoreLock=true.
# Writes OUTDIR/jmh/{<suite>.json,<suite>.log,commands.txt,timings.txt} and OUTDIR/latency/{<run>.json,<run>.txt}.
# Exits 1 if a suite failed (the others still run), 2 on bad usage.
set -euo pipefail

usage() { sed -n '2,26p' "$0" >&2; exit 2; }
[ $# -eq 2 ] || usage
MODE=$1
OUT=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA=${JAVA:-java}
SUITES=${SUITES:-codec fanout publish presence handoff}
LATENCY=${LATENCY:-1}
RUNS=${RUNS:-1}
read -r -a HOST_OPTS <<< "${JMH_JAVA_OPTS:-}"
read -r -a EXTRA <<< "${JMH_EXTRA:-}"
OPENS=(--add-opens java.base/jdk.internal.misc=ALL-UNNAMED)

case "$MODE" in
    quick)
        JMH_ARGS=(-f 1 -wi 2 -w 1s -i 5 -r 1s -foe true)
        PRESENCE_PARAMS=(-p users=10000)
        LATENCY_RATES="100000"; LATENCY_ENGINES="thread invoker"; LATENCY_FANOUT=100; LATENCY_WARMUP=2s
        LATENCY_MEASURE=3s ;;
    full)
        JMH_ARGS=(-foe true)
        PRESENCE_PARAMS=(-p users=10000,1000000)
        LATENCY_RATES="100000 10000"; LATENCY_ENGINES="thread invoker"; LATENCY_FANOUT=100; LATENCY_WARMUP=5s
        LATENCY_MEASURE=10s ;;
    smoke)
        JMH_ARGS=(-f 1 -wi 0 -i 1 -r 100ms -foe true)
        PRESENCE_PARAMS=(-p users=10000)
        LATENCY_RATES="10000"; LATENCY_ENGINES="thread"; LATENCY_FANOUT=10; LATENCY_WARMUP=0s; LATENCY_MEASURE=500ms ;;
    *)
        usage ;;
esac

log() { echo "[jmh.sh $(date +%H:%M:%S)] $*" >&2; }

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
    log "building $JAR (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
fi

mkdir -p "$OUT/jmh" "$OUT/latency"
: > "$OUT/jmh/commands.txt"
: > "$OUT/jmh/timings.txt"
FAILED=()
TOTAL_START=$(date +%s)

# run_suite <name> <include regex> [more JMH arguments...]
run_suite() {
    local name=$1 regex=$2
    shift 2
    local cmd=("$JAVA" ${HOST_OPTS[@]+"${HOST_OPTS[@]}"} -jar "$JAR" "$regex" "${JMH_ARGS[@]}" "$@"
        ${EXTRA[@]+"${EXTRA[@]}"} -prof gc -rf json -rff "$OUT/jmh/$name.json")
    printf '%q ' "${cmd[@]}" >> "$OUT/jmh/commands.txt"
    echo >> "$OUT/jmh/commands.txt"
    log "suite $name: ${cmd[*]}"
    local start status
    start=$(date +%s)
    set +e
    "${cmd[@]}" > "$OUT/jmh/$name.log" 2>&1
    status=$?
    set -e
    local took=$(( $(date +%s) - start ))
    grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' "$OUT/jmh/$name.log" | grep -v ':gc\.\(count\|time\|alloc\.rate \)' || true
    if [ $status -ne 0 ] || [ ! -s "$OUT/jmh/$name.json" ]; then
        FAILED+=("$name")
        log "suite $name FAILED (exit $status) after ${took} s; see $OUT/jmh/$name.log"
        tail -n 30 "$OUT/jmh/$name.log" >&2 || true
    fi
    echo "$name ${took}s exit=$status" >> "$OUT/jmh/timings.txt"
    log "suite $name took ${took} s"
}

for suite in $SUITES; do
    case "$suite" in
        codec)    run_suite codec '\.ProtocolCodecBenchmark\.' ;;
        fanout)   run_suite fanout '\.FanOutBenchmark\.' ;;
        publish)  run_suite publish '\.EnginePublishBenchmark\.' ;;
        presence) run_suite presence '\.PresenceBenchmark\.' "${PRESENCE_PARAMS[@]}" ;;
        handoff)  run_suite handoff '\.HandoffQueueBenchmark\.' ;;
        *)        log "unknown suite $suite (codec fanout publish presence handoff)"; exit 2 ;;
    esac
done

if [ "$LATENCY" = 1 ]; then
    for rate in $LATENCY_RATES; do
      for engine in $LATENCY_ENGINES; do
        for run in $(seq 1 "$RUNS"); do
            name=rate-$rate-fanout-$LATENCY_FANOUT-$engine-run$run
            cmd=("$JAVA" "${OPENS[@]}" -Droomwire.latency.rate="$rate" -Droomwire.latency.fanout="$LATENCY_FANOUT"
                -Droomwire.latency.engine="$engine"
                -Droomwire.latency.warmup="$LATENCY_WARMUP" -Droomwire.latency.measure="$LATENCY_MEASURE"
                -Droomwire.latency.result.file="$OUT/latency/$name.json"
                -cp "$JAR" io.roomwire.benchmarks.InProcessLatency)
            printf '%q ' "${cmd[@]}" >> "$OUT/jmh/commands.txt"
            echo >> "$OUT/jmh/commands.txt"
            log "latency $name: ${cmd[*]}"
            start=$(date +%s)
            set +e
            "${cmd[@]}" > "$OUT/latency/$name.txt" 2>&1
            status=$?
            set -e
            cat "$OUT/latency/$name.txt"
            took=$(( $(date +%s) - start ))
            if [ $status -ne 0 ] || [ ! -s "$OUT/latency/$name.json" ]; then
                FAILED+=("latency-$name")
                log "latency $name FAILED (exit $status)"
            fi
            echo "latency-$name ${took}s exit=$status" >> "$OUT/jmh/timings.txt"
            log "latency $name took ${took} s"
        done
      done
    done
fi

TOTAL=$(( $(date +%s) - TOTAL_START ))
echo "total ${TOTAL}s" >> "$OUT/jmh/timings.txt"
log "timings (also in $OUT/jmh/timings.txt):"
cat "$OUT/jmh/timings.txt" >&2
if [ ${#FAILED[@]} -gt 0 ]; then
    log "FAILED: ${FAILED[*]}"
    exit 1
fi
log "done in ${TOTAL} s: $OUT"
