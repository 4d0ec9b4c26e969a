#!/usr/bin/env bash
# End-to-end fan-out benchmark over real sockets: Roomwire's server and the naive Java/Undertow design of the seed
# (io.roomwire.benchmarks.load.NaiveUndertowServer), each pinned to one core, driven in turn by the load generator
# (io.roomwire.benchmarks.load.LoadGenerator) pinned to another: N WebSocket clients on /ws/{room}, P publishers per
# room at an open-loop rate stepped up until a step loses messages or its p99 passes STOP_P99.
#
# usage: benchmarks/e2e.sh [quick|full|profile]
#   quick    a smoke check: three short steps per server
#   full     the fan-out step run: 1 room x 1,000 subscribers, 1 publisher, ~100-byte messages
#   profile  Roomwire only, one long step at PROFILE_RATE with a JFR recording of the server (hot methods summarised)
#
# Environment (defaults in brackets):
#   SERVERS [roomwire naive]  CLIENTS [1000]  ROOMS [1]  PUBLISHERS [1 per room]  PAYLOAD [100 bytes]
#   RATES [per mode, msgs/s]  PREWARM  WARMUP  DURATION  DRAIN [per mode]  STOP_P99 [100ms]
#   SERVER_CPU [0]  GEN_CPU [1]  IO_THREADS [1]  SPIN [false: the generator's selector blocks]
#   JFR [0; 1 records the Roomwire server during step JFR_STEP (1) for JFR_DURATION (30s)]  PROFILE_RATE [1000]
#   OUT [benchmarks/results/e2e-<mode>-<time>]  BUILD [0; 1 rebuilds even when the jars exist]
#   SERVER_JVM_OPTS, GEN_JVM_OPTS [-Xms1g -Xmx1g -XX:+UseParallelGC]
#   SUMMARY_ONLY [0; 1 rewrites $OUT/summary.md from $OUT/results.jsonl without running anything]
#
# Writes to $OUT: machine.txt, <server>.log (server output), <server>-generator.log (the generator's table),
# results.jsonl and results.csv (one line per step and server), summary.md (tables for docs/benchmarks.md), and in
# profile mode or with JFR=1 roomwire.jfr with roomwire-hot-methods.txt.
set -euo pipefail

MODE=${1:-full}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVERS=${SERVERS:-roomwire naive}
CLIENTS=${CLIENTS:-1000}
ROOMS=${ROOMS:-1}
PUBLISHERS=${PUBLISHERS:-1}
PAYLOAD=${PAYLOAD:-100}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
IO_THREADS=${IO_THREADS:-1}
SPIN=${SPIN:-false}
JFR=${JFR:-0}
JFR_STEP=${JFR_STEP:-1}
JFR_DURATION=${JFR_DURATION:-30s}
PORT_ROOMWIRE=${PORT_ROOMWIRE:-18080}
PORT_NAIVE=${PORT_NAIVE:-18081}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
GEN_JVM_OPTS=${GEN_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}

case "$MODE" in
    quick)
        RATES=${RATES:-10,100,1000}; PREWARM=${PREWARM:-3s}; WARMUP=${WARMUP:-1s}; DURATION=${DURATION:-3s}
        DRAIN=${DRAIN:-3s}; STOP_P99=${STOP_P99:-100ms} ;;
    full)
        RATES=${RATES:-10,20,50,100,200,500,1000,2000,3000,5000}; PREWARM=${PREWARM:-20s}; WARMUP=${WARMUP:-3s}
        DURATION=${DURATION:-10s}; DRAIN=${DRAIN:-5s}; STOP_P99=${STOP_P99:-100ms} ;;
    profile)
        SERVERS=roomwire; JFR=1; JFR_STEP=1; RATES=${PROFILE_RATE:-1000}; PREWARM=${PREWARM:-10s}
        WARMUP=${WARMUP:-5s}; DURATION=${DURATION:-40s}; DRAIN=${DRAIN:-5s}; STOP_P99=${STOP_P99:-60s} ;;
    *)
        sed -n '2,24p' "$0"; exit 2 ;;
esac
OUT=${OUT:-$ROOT/benchmarks/results/e2e-$MODE-$(date +%Y%m%d-%H%M%S)}
SERVER_JAR=$ROOT/undertow-adapter/target/roomwire-server.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar

log() { echo "[e2e $(date +%H:%M:%S)] $*" >&2; }

command -v taskset >/dev/null || { echo "taskset is required (Debian: apt-get install util-linux)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required to assemble the summary (apt-get install jq)" >&2; exit 1; }
if [ "$(nproc --all)" -lt 2 ] && [ "$SERVER_CPU" = "$GEN_CPU" ]; then
    log "warning: one core only; the server and the generator share it"
fi

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$SERVER_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    log "building (mvn -B -q install -DskipTests)"
    (cd "$ROOT" && mvn -B -q install -DskipTests)
fi

mkdir -p "$OUT"
[ "${SUMMARY_ONLY:-0}" = 1 ] || {
    echo "date: $(date -Is)"
    echo "mode: $MODE; servers: $SERVERS; clients $CLIENTS, rooms $ROOMS, publishers/room $PUBLISHERS, payload $PAYLOAD B"
    echo "rates: $RATES msgs/s; prewarm $PREWARM, warmup $WARMUP, duration $DURATION, drain $DRAIN, stop p99 $STOP_P99"
    echo "server on cpu $SERVER_CPU ($IO_THREADS I/O thread), generator on cpu $GEN_CPU, spin $SPIN"
    echo "server JVM: $SERVER_JVM_OPTS; generator JVM: $GEN_JVM_OPTS"
    echo "nproc: $(nproc)"
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Hypervisor' || true
    echo "kernel: $(uname -r)"
    java -version 2>&1
    echo "git: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
} > "$OUT/machine.txt"

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server $SERVER_PID did not stop on SIGTERM; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

wait_for_port() {
    local port=$1
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start_server() {
    local server=$1 port=$2
    case "$server" in
        roomwire)
            # Limits meant for browsers are raised so they do not refuse the load; the outbound budget is large so a
            # receiver behind shows up as latency, not as a cut connection.
            # shellcheck disable=SC2086
            taskset -c "$SERVER_CPU" java $SERVER_JVM_OPTS -jar "$SERVER_JAR" --dev --port "$port" \
                --io-threads "$IO_THREADS" \
                --roomwire.session.publish.rate=10000000 --roomwire.session.publish.burst=10000000 \
                --roomwire.http.frame.rate=10000000 --roomwire.http.frame.burst=10000000 \
                --roomwire.http.max.connections.per.ip=100000 --roomwire.room.max.members=100000 \
                --roomwire.session.outbound.records=1048576 --roomwire.session.outbound.length=32m \
                --roomwire.room.history.length=64m \
                > "$OUT/$server.log" 2>&1 &
            ;;
        naive)
            # shellcheck disable=SC2086
            taskset -c "$SERVER_CPU" java $SERVER_JVM_OPTS -cp "$BENCH_JAR" \
                io.roomwire.benchmarks.load.NaiveUndertowServer "$port" "$IO_THREADS" 127.0.0.1 \
                > "$OUT/$server.log" 2>&1 &
            ;;
        *)
            echo "unknown server $server (roomwire or naive)" >&2; exit 2 ;;
    esac
    SERVER_PID=$!
    if ! wait_for_port "$port"; then
        log "$server did not start listening on $port; its log:"
        cat "$OUT/$server.log" >&2
        exit 1
    fi
    log "$server started: pid $SERVER_PID, port $port, cpu $SERVER_CPU"
}

run_generator() {
    local server=$1 port=$2
    # shellcheck disable=SC2086
    taskset -c "$GEN_CPU" java $GEN_JVM_OPTS -cp "$BENCH_JAR" \
        -Droomwire.load.port="$port" -Droomwire.load.clients="$CLIENTS" -Droomwire.load.rooms="$ROOMS" \
        -Droomwire.load.publishers="$PUBLISHERS" -Droomwire.load.payload="$PAYLOAD" \
        -Droomwire.load.rates="$RATES" -Droomwire.load.prewarm="$PREWARM" -Droomwire.load.warmup="$WARMUP" \
        -Droomwire.load.duration="$DURATION" -Droomwire.load.drain="$DRAIN" -Droomwire.load.stop.p99="$STOP_P99" \
        -Droomwire.load.spin="$SPIN" -Droomwire.load.server.pid="$SERVER_PID" -Droomwire.load.label="$server" \
        -Droomwire.load.results="$OUT/results.jsonl" \
        io.roomwire.benchmarks.load.LoadGenerator > "$OUT/$server-generator.log" 2>&1 &
    local gen_pid=$!
    local recording=0
    while kill -0 "$gen_pid" 2>/dev/null; do
        if [ "$JFR" = 1 ] && [ "$server" = roomwire ] && [ $recording = 0 ] &&
            grep -q "^# step $JFR_STEP measuring" "$OUT/$server-generator.log"; then
            jcmd "$SERVER_PID" JFR.start name=e2e settings=profile duration="$JFR_DURATION" \
                filename="$OUT/$server.jfr" > "$OUT/$server-jfr.log" 2>&1 || true
            log "JFR recording of $server started for $JFR_DURATION"
            recording=1
        fi
        sleep 0.2
    done
    local status=0
    wait "$gen_pid" || status=$?
    # the generator prints each row as its step ends, then the whole table again: show the latter
    awk '/^\| server/ { headers++ } headers >= 2 || /^# (connected|pre-warm|stopping|every)/' \
        "$OUT/$server-generator.log" >&2 || true
    if [ $recording = 1 ]; then
        for _ in $(seq 1 100); do
            [ -s "$OUT/$server.jfr" ] && break
            sleep 0.5
        done
    fi
    return $status
}

for server in $SERVERS; do
    [ "${SUMMARY_ONLY:-0}" = 1 ] && break
    case "$server" in
        roomwire) port=$PORT_ROOMWIRE ;;
        naive) port=$PORT_NAIVE ;;
        *) echo "unknown server $server" >&2; exit 2 ;;
    esac
    log "load before $server: $(uptime)"
    echo "load before $server: $(uptime)" >> "$OUT/machine.txt"
    start_server "$server" "$port"
    run_generator "$server" "$port" || log "the generator exited with an error for $server (see $OUT/$server-generator.log)"
    stop_server
    echo "load after $server: $(uptime)" >> "$OUT/machine.txt"
done

if [ -s "$OUT/roomwire.jfr" ]; then
    java -cp "$BENCH_JAR" io.roomwire.benchmarks.load.JfrHotMethods "$OUT/roomwire.jfr" 30 > "$OUT/roomwire-hot-methods.txt"
    log "JFR summary: $OUT/roomwire-hot-methods.txt"
fi

# ---------------------------------------------------------------- summary for docs/benchmarks.md
if [ -s "$OUT/results.jsonl" ]; then
    {
        echo "## End-to-end fan-out ($MODE run, $(date +%Y-%m-%d))"
        echo
        echo "$CLIENTS WebSocket clients in $ROOMS room(s), $PUBLISHERS publisher(s) per room, $PAYLOAD-byte JSON objects;"
        echo "server pinned to cpu $SERVER_CPU, generator to cpu $GEN_CPU. Command: \`STOP_P99=$STOP_P99 RATES=$RATES benchmarks/e2e.sh $MODE\`"
        echo "(pre-warm $PREWARM, warm-up $WARMUP, measured $DURATION, drain $DRAIN per step; spin $SPIN)."
        echo "Loss = messages sent x members - deliveries received after the drain; latency from the intended send"
        echo "time (open loop), ms. gen CPU = the generator's process CPU / one core; sel = its selector thread."
        echo
        echo "| server | step | msgs/s | offered deliveries/s | achieved deliveries/s | loss | p50 | p99 | p99.9 | max | gen CPU | sel CPU | server CPU | server RSS MB | deliveries per server write | flags |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        jq -r '"| \(.label) | \(.step) | \(.offeredMsgs) | \(.offeredDeliveries|floor) | \(.achievedDeliveries|floor) | \(.loss) | \(.p50Us/1000*100|round/100) | \(.p99Us/1000*100|round/100) | \(.p999Us/1000*100|round/100) | \(.maxUs/1000*100|round/100) | \(.genCpu*100|round)% | \(.selectorCpu|map(.*100|round|tostring+"%")|join("/")) | \(.serverCpu*100|round)% | \(.serverRssMb|round) | \(.deliveriesPerServerWrite*10|round/10) | \([if .generatorBound then "generator-bound" else empty end, if .closed>0 then "closed=\(.closed)" else empty end, if .gaps>0 then "gaps=\(.gaps)" else empty end, if .late>0 then "late=\(.late)" else empty end]|join(" ")) |"' \
            "$OUT/results.jsonl"
        echo
        echo "Highest sustained deliveries/s (loss 0, no closed connections, achieved >= 95% of offered, p99 <= $STOP_P99):"
        echo
        jq -rs --arg stop "$STOP_P99" '
            def ms: if test("ms$") then (.[:-2]|tonumber) elif test("s$") then (.[:-1]|tonumber*1000) else tonumber*1000 end;
            ($stop|ms) as $limit
            | group_by(.label)[]
            | (map(select(.loss == 0 and .closed == 0 and .p99Us/1000 <= $limit
                and .achievedDeliveries >= 0.95 * .offeredDeliveries)) | max_by(.achievedDeliveries)) as $best
            | "- \(.[0].label): \(if $best then "\($best.achievedDeliveries|floor) deliveries/s (step \($best.step), \($best.offeredMsgs) msgs/s, p99 \($best.p99Us/1000*100|round/100) ms)" else "none" end)"' \
            "$OUT/results.jsonl"
        echo
        if jq -e -s 'map(.label) | unique | (index("roomwire") != null and index("naive") != null)' "$OUT/results.jsonl" > /dev/null; then
            echo "Roomwire / naive at the same offered rate:"
            echo
            echo "| msgs/s | roomwire achieved | naive achieved | ratio | roomwire p99 ms | naive p99 ms |"
            echo "|---:|---:|---:|---:|---:|---:|"
            jq -rs '
                (map(select(.label == "roomwire")) | map({key: (.offeredMsgs|tostring), value: .}) | from_entries) as $r
                | (map(select(.label == "naive")) | map({key: (.offeredMsgs|tostring), value: .}) | from_entries) as $n
                | [$r | keys[] | select($n[.] != null)] | sort_by(tonumber)[]
                | "| \(.) | \($r[.].achievedDeliveries|floor) | \($n[.].achievedDeliveries|floor) | \(($r[.].achievedDeliveries / $n[.].achievedDeliveries)*100|round/100) | \($r[.].p99Us/1000*100|round/100) | \($n[.].p99Us/1000*100|round/100) |"' \
                "$OUT/results.jsonl"
        fi
    } > "$OUT/summary.md"
    log "summary: $OUT/summary.md"
    cat "$OUT/summary.md" >&2
fi
