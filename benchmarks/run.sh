#!/usr/bin/env bash
# Roomwire's benchmark suite, one command: the JMH suites (protocol codec, engine fan-out, publish, presence, handoff
# queue, in-process latency) and the end-to-end load scenarios against Roomwire's server and its peers, each server
# pinned to one core (taskset -c $SERVER_CPU) and the load generator to the other ($GEN_CPU). Then the report is
# written between the generated markers of docs/benchmarks.md.
#
# usage: benchmarks/run.sh quick|full|smoke
#   quick  everything, short steps: under 10 minutes on 2 cores
#   full   the published run: longer warm-ups and steps, the whole fan-out step ladder
#   smoke  one tiny step of everything, to check the machinery (writes the report to $OUT only)
#
# End-to-end scenarios (~100-byte JSON messages; latency from the intended send time, open loop):
#   fanout  1 room x 1,000 WebSocket subscribers, 1 publisher, offered rate stepped up until loss or p99 > $STOP_P99
#   rooms   10,000 connections in 1,000 rooms of 10, each publishing once a second (full: first once every two
#           seconds, 5,000 msgs/s, a step one generator core receives with room to spare; at 10,000 msgs/s it is the
#           limit for any server on 2 cores). full: the servers in $ROUNDS_SERVERS run it $ROOMS_ROUNDS times in
#           alternating rounds (Roomwire, Bun, Roomwire, Bun, ...), so that a slow stretch of a shared machine falls
#           on both; the report compares the medians of the rounds. The other servers run it once, after.
#   idle    10,000 idle connections (1,000 rooms of 10): RSS per connection, and live heap per connection (class
#           histograms before and during) for the JVM servers; then every client closes at once, and the time until
#           the server has closed its ends (mass disconnect; waited for up to $DISCONNECT_TIMEOUT, per mode)
#   sse     the fan-out over Server-Sent Events: 1,000 SSE subscribers, 1 WebSocket publisher (Roomwire only)
# Servers: roomwire (this repository's server with its defaults: pinned to one core, it runs the engine on its I/O
# thread; roomwire-thread: the same with the engine on a thread of its own), naive (the
# seed's design on Undertow), bun (uWebSockets pub/sub),
# node-ws (Node.js ws), socketio (Socket.IO 4), fastapi (the seed's FastAPI server). Peers are installed by
# benchmarks/peers/install.sh (npm and Debian packages); a peer that cannot be installed or started is reported as
# not run, and the rest goes on.
#
# Environment (defaults in brackets):
#   SERVERS [roomwire naive bun node-ws socketio fastapi]  SCENARIOS [jmh fanout rooms idle sse]
#   SERVER_CPU [0]  GEN_CPU [1]  STOP_P99 [100ms]  FANOUT_RATES, ROOMS_RATES, ROOMS_ROUNDS [per mode]
#   ROUNDS_SERVERS [roomwire bun]
#   OUT [benchmarks/results/run-<mode>-<time>]
#   REPORT [docs/benchmarks.md; smoke: $OUT/benchmarks.md]  BUILD [0; 1 rebuilds even when the jars exist]
#   JFR [0; 1 records Roomwire's server during the fan-out step JFR_STEP (default 1) and summarises hot methods]
#   RT_SCENARIOS [rooms], RT_PRIORITY [10 where chrt -f may be used (root, CAP_SYS_NICE), else 0]: in the scenarios
#     named, the generator raises each server to SCHED_FIFO at RT_PRIORITY (every thread but its JIT compilers:
#     HotSpot's C1/C2 CompilerThreads, JavaScriptCore's JIT workers) for each step whose warm-up shows the server using
#     at most RT_LIMIT [0.85] of its core, and puts it back in the normal class after the measured window; by the same
#     rule for itself, with GEN_RT_LIMIT [0.6] (its load rises from the warm-up into the window, the servers' falls),
#     it raises its selector threads to RT_PRIORITY and its pacer one above.
#     Why: the sandbox's agent (a nice -10 thread) takes a core every ~1.05 s for 10-18 ms under load, and 13 of 16
#     many-rooms stalls over 8 ms of a traced round were it holding the server's core; raised, Roomwire and Bun both
#     came out at ~0.13 / ~0.47 ms at 5,000 msgs/s instead of ~0.19 / ~4 ms (docs/benchmarks.md, "Machine"). Why the
#     limit: a real-time thread near its core's limit starves the normal-class threads it depends on (a late
#     recompilation of Roomwire's at 10,000 msgs/s waited ~1 s for its compiler threads), and over 95% the kernel pauses
#     it for up to 50 ms of each second (Node ws fell seconds behind at 5,000). The fan-out steps run the servers near
#     their limit, so fan-out and SSE stay in the normal class. RT_SCENARIOS= (empty) turns it off.
#     GEN_RT_PRIORITY [RT_PRIORITY] sets the generator's apart.
#   SERVER_JVM_OPTS [-Xms1g -Xmx1g -XX:+UseParallelGC]
#   GEN_JVM_OPTS [-Xms2g -Xmx2g -XX:+UseParallelGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19]
#     The generator's JIT threads run at nice 19: on the generator's one core a C2 compilation (650 ms for the
#     controller's String.split at a step's start) otherwise took a quarter of a second from the selector thread, and
#     that second's p99 (150-200 ms) was charged to whichever server was under test. The servers keep the JVM's
#     defaults, as their users would run them.
set -euo pipefail

MODE=${1:-}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$MODE" in
    quick | full | smoke) ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 2 ;;
esac

SERVERS=${SERVERS:-roomwire naive bun node-ws socketio fastapi}
SCENARIOS=${SCENARIOS:-jmh fanout rooms idle sse}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
STOP_P99=${STOP_P99:-100ms}
JFR=${JFR:-0}
JFR_STEP=${JFR_STEP:-1}
ROUNDS_SERVERS=${ROUNDS_SERVERS:-roomwire bun}
ROOMS_ROUND=0
if [ -z "${RT_PRIORITY:-}" ]; then
    if chrt -f 10 true 2>/dev/null; then RT_PRIORITY=10; else RT_PRIORITY=0; fi
fi
RT_SCENARIOS=${RT_SCENARIOS-rooms}
RT_LIMIT=${RT_LIMIT:-0.85}
GEN_RT_LIMIT=${GEN_RT_LIMIT:-0.6}
SCENARIO_RT=0
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
GEN_JVM_OPTS=${GEN_JVM_OPTS:--Xms2g -Xmx2g -XX:+UseParallelGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19}
OUT=${OUT:-$ROOT/benchmarks/results/run-$MODE-$(date +%Y%m%d-%H%M%S)}
if [ "$MODE" = smoke ]; then REPORT=${REPORT:-$OUT/benchmarks.md}; else REPORT=${REPORT:-$ROOT/docs/benchmarks.md}; fi
SERVER_JAR=$ROOT/undertow-adapter/target/roomwire-server.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
PEERS_DIR=$ROOT/benchmarks/peers

# Per mode: the fan-out ladder (msgs/s, each delivered to 1,000 members) and the timings of every scenario.
case "$MODE" in
    smoke)
        FANOUT_RATES=${FANOUT_RATES:-10}; FANOUT_CLIENTS=100; ROOMS_CLIENTS=200; IDLE_CLIENTS=200; SSE_RATES=10
        ROOMS_RATES=${ROOMS_RATES:-200}; ROOMS_ROUNDS=${ROOMS_ROUNDS:-1}
        PREWARM=1s; WARMUP=500ms; DURATION=1s; DRAIN=1s; ROOMS_DURATION=2s; IDLE_HOLD=2s
        DISCONNECT_TIMEOUT=5s ;;
    quick)
        FANOUT_RATES=${FANOUT_RATES:-1000,3000}; FANOUT_CLIENTS=1000; ROOMS_CLIENTS=10000; IDLE_CLIENTS=10000
        ROOMS_RATES=${ROOMS_RATES:-10000}; ROOMS_ROUNDS=${ROOMS_ROUNDS:-1}
        SSE_RATES=100,1000; PREWARM=2s; WARMUP=1s; DURATION=3s; DRAIN=2s; ROOMS_DURATION=3s; IDLE_HOLD=3s
        DISCONNECT_TIMEOUT=3s ;;
    full)
        FANOUT_RATES=${FANOUT_RATES:-20,50,100,200,500,1000,2000,3000,4000,5000}; FANOUT_CLIENTS=1000
        ROOMS_CLIENTS=10000; IDLE_CLIENTS=10000; SSE_RATES=100,500,1000,2000,3000,5000; ROOMS_RATES=${ROOMS_RATES:-5000,10000}
        ROOMS_ROUNDS=${ROOMS_ROUNDS:-3}
        PREWARM=20s; WARMUP=3s; DURATION=10s; DRAIN=5s; ROOMS_DURATION=20s; IDLE_HOLD=20s
        DISCONNECT_TIMEOUT=60s ;;
esac

log() { echo "[run $(date +%H:%M:%S)] $*" >&2; }
has() { case " $2 " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

command -v taskset >/dev/null || { echo "taskset is required (Debian: apt-get install util-linux)" >&2; exit 1; }
if [ "$(nproc --all)" -lt 2 ]; then
    log "warning: one core only; the servers and the generator share it"
fi
if [ "$(ulimit -n)" -lt 12000 ]; then
    ulimit -n 20000 2>/dev/null || log "warning: ulimit -n is $(ulimit -n); the 10,000-connection scenarios need more"
fi

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$SERVER_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    log "building (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
mkdir -p "$OUT/e2e"
STARTED=$(date +%s)

# ---------------------------------------------------------------- machine facts and run description
{
    echo "date: $(date -Is)"
    echo "command: benchmarks/run.sh $MODE"
    echo "servers: $SERVERS; scenarios: $SCENARIOS; server on cpu $SERVER_CPU, generator on cpu $GEN_CPU"
    echo "nproc: $(nproc --all)"
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|Hypervisor|MHz' || true
    echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "kernel: $(uname -r)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "server JVM: $SERVER_JVM_OPTS"
    echo "generator JVM: $GEN_JVM_OPTS"
    echo "real-time priority (SCHED_FIFO): ${RT_PRIORITY/#0/none}, in scenarios: ${RT_SCENARIOS:-none}," \
        "for a step whose warm-up used at most $RT_LIMIT of a server's core, $GEN_RT_LIMIT of the generator's"
    echo "git: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet 2>/dev/null || echo ' (modified)')"
} > "$OUT/machine.txt"
cat > "$OUT/run.json" <<EOF
{"mode":"$MODE","command":"benchmarks/run.sh $MODE","date":"$(date -Is)","git":"$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')","jdk":"$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')","serverJvm":"$SERVER_JVM_OPTS","generatorJvm":"$GEN_JVM_OPTS","serverCpu":"$SERVER_CPU","rtPriority":"$RT_PRIORITY","rtScenarios":"$RT_SCENARIOS","rtLimit":"$RT_LIMIT","generatorRtLimit":"$GEN_RT_LIMIT","generatorCpu":"$GEN_CPU","stopP99":"$STOP_P99","fanoutRates":"$FANOUT_RATES","roomsRates":"$ROOMS_RATES","roomsRounds":"$ROOMS_ROUNDS","roundsServers":"$ROUNDS_SERVERS","servers":"$SERVERS","scenarios":"$SCENARIOS"}
EOF

# ---------------------------------------------------------------- peers
PEERS_OK=" roomwire roomwire-thread naive "
needs_peers=0
for s in $SERVERS; do case "$s" in roomwire | roomwire-thread | naive) ;; *) needs_peers=1 ;; esac; done
if [ $needs_peers = 1 ]; then
    log "installing peers (benchmarks/peers/install.sh)"
    if "$PEERS_DIR/install.sh" > "$OUT/peers-install.log" 2>&1; then
        PEERS_OK="$PEERS_OK bun node-ws socketio fastapi "
        grep -E '^[a-z.-]+[: ]' "$OUT/peers-install.log" | tail -12 >> "$OUT/machine.txt" || true
    else
        log "the peers could not be installed (see $OUT/peers-install.log): they are reported as not run"
    fi
fi

# ---------------------------------------------------------------- JMH and in-process latency
if has jmh "$SCENARIOS"; then
    log "JMH suites (benchmarks/jmh.sh $MODE)"
    "$ROOT/benchmarks/jmh.sh" "$MODE" "$OUT" 2>&1 | tee "$OUT/jmh.log" | grep -E '^\[jmh|took|Error|ERROR' >&2 || true
fi

# ---------------------------------------------------------------- servers
SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
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

port_of() {
    case "$1" in
        roomwire) echo 18080 ;; naive) echo 18081 ;; bun) echo 18082 ;; node-ws) echo 18083 ;;
        socketio) echo 18084 ;; fastapi) echo 18085 ;; roomwire-thread) echo 18086 ;;
        *) echo "unknown server $1" >&2; exit 2 ;;
    esac
}

is_jvm() { [ "$1" = roomwire ] || [ "$1" = roomwire-thread ] || [ "$1" = naive ]; }

# is_ready NAME PORT: Roomwire's server listens while its I/O threads warm up (about a second; it answers 503 until
# then), so it is ready once /health answers 200; the peers are ready when they listen.
is_ready() {
    case "$1" in
        roomwire | roomwire-thread) [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/health")" = 200 ] ;;
        *) return 0 ;;
    esac
}

# start_server NAME LOG: the server pinned to $SERVER_CPU, its PID in SERVER_PID; false when it does not listen.
start_server() {
    local server=$1 logfile=$2 port
    port=$(port_of "$server")
    case "$server" in
        roomwire | roomwire-thread)
            # Limits meant for browsers are raised so they do not refuse the load; the outbound budget is large so a
            # receiver behind shows up as latency, not as a cut connection. Where the engine runs is left to the
            # server (on one core: on the I/O thread); roomwire-thread gives it a thread of its own.
            local placement=()
            [ "$server" = roomwire-thread ] && placement=(--roomwire.http.engine.on.io.thread=false)
            # shellcheck disable=SC2086
            taskset -c "$SERVER_CPU" java $SERVER_JVM_OPTS -jar "$SERVER_JAR" --dev --port "$port" --io-threads 1 \
                "${placement[@]}" \
                --roomwire.session.publish.rate=10000000 --roomwire.session.publish.burst=10000000 \
                --roomwire.http.frame.rate=10000000 --roomwire.http.frame.burst=10000000 \
                --roomwire.http.max.connections.per.ip=100000 --roomwire.room.max.members=100000 \
                --roomwire.session.outbound.records=1048576 --roomwire.session.outbound.length=32m \
                --roomwire.room.history.length=64m > "$logfile" 2>&1 &
            ;;
        naive)
            # shellcheck disable=SC2086
            taskset -c "$SERVER_CPU" java $SERVER_JVM_OPTS -cp "$BENCH_JAR" \
                io.roomwire.benchmarks.load.NaiveUndertowServer "$port" 1 127.0.0.1 > "$logfile" 2>&1 &
            ;;
        *)
            taskset -c "$SERVER_CPU" "$PEERS_DIR/start.sh" "$server" "$port" > "$logfile" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && is_ready "$server" "$port"; then
            log "$server started: pid $SERVER_PID, port $port, cpu $SERVER_CPU"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    log "$server did not start listening on $port; its log ($logfile):"
    tail -20 "$logfile" >&2 || true
    stop_server
    return 1
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# generator SERVER SCENARIO PROTOCOL LOG [-Dname=value ...]: one run of the load generator on $GEN_CPU.
generator() {
    local server=$1 scenario=$2 protocol=$3 logfile=$4
    shift 4
    # shellcheck disable=SC2086
    taskset -c "$GEN_CPU" java $GEN_JVM_OPTS -cp "$BENCH_JAR" \
        -Droomwire.load.port="$(port_of "$server")" -Droomwire.load.label="$server" \
        -Droomwire.load.scenario="$scenario" -Droomwire.load.protocol="$protocol" \
        -Droomwire.load.server.pid="$SERVER_PID" -Droomwire.load.stop.p99="$STOP_P99" \
        -Droomwire.load.rt.priority="$([ "$SCENARIO_RT" -gt 0 ] && echo "${GEN_RT_PRIORITY:-$RT_PRIORITY}" || echo 0)" \
        -Droomwire.load.server.rt.priority="$SCENARIO_RT" -Droomwire.load.server.rt.limit="$RT_LIMIT" \
        -Droomwire.load.rt.limit="$GEN_RT_LIMIT" \
        -Droomwire.load.results="$OUT/e2e/$scenario.jsonl" "$@" \
        io.roomwire.benchmarks.load.LoadGenerator > "$logfile" 2>&1 &
    local gen_pid=$! recording=0
    while kill -0 "$gen_pid" 2>/dev/null; do
        if [ "$JFR" = 1 ] && [ "$server" = roomwire ] && [ "$scenario" = fanout ] && [ $recording = 0 ] &&
            grep -q "^# step $JFR_STEP measuring" "$logfile"; then
            jcmd "$SERVER_PID" JFR.start name=run settings=profile duration="${DURATION}" \
                filename="$OUT/e2e/roomwire-fanout.jfr" > /dev/null 2>&1 || true
            recording=1
        fi
        sleep 0.2
    done
    local status=0
    wait "$gen_pid" || status=$?
    awk '/^\| server/ { headers++ } headers >= 2' "$logfile" >&2 || true
    [ $status = 0 ] || log "the generator exited with $status for $server/$scenario (see $logfile)"
    return 0
}

protocol_of() { if [ "$1" = socketio ]; then echo socketio; else echo ws; fi; }

timing=(-Droomwire.load.prewarm="$PREWARM" -Droomwire.load.warmup="$WARMUP" -Droomwire.load.duration="$DURATION"
    -Droomwire.load.drain="$DRAIN")

# A JVM server's live heap: the total of a class histogram (which runs a full GC first).
heap_histogram() { jcmd "$1" GC.class_histogram > "$2" 2>/dev/null || true; }

# Direct buffers in use, from a Roomwire server's /metrics (room logs are off-heap): empty for other servers.
direct_bytes() { curl -s "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '/^jvm_memory_direct_used_bytes / {printf "%d", $2}'; }

# idle_heap SERVER BEFORE DURING CLIENTS [DIRECT_BEFORE DIRECT_DURING]: one JSON line with the live heap (and, for
# Roomwire, direct memory) per connection and the classes that grew most.
idle_heap() {
    awk -v label="$1" -v clients="$4" -v directBefore="${5:-}" -v directDuring="${6:-}" '
        function parse(line) { if (match(line, /^ *[0-9]+: +[0-9]+ +[0-9]+ +/)) { split(line, f); return 1 } return 0 }
        FNR == 1 { file++ }
        file == 1 && parse($0) { before[f[4]] = f[3]; bn[f[4]] = f[2] }
        file == 1 && /^Total/ { totalBefore = $3 }
        file == 2 && parse($0) { after[f[4]] = f[3]; an[f[4]] = f[2] }
        file == 2 && /^Total/ { totalAfter = $3 }
        END {
            n = 0
            for (c in after) { d = after[c] - before[c]; if (d > 0) { delta[c] = d; n++ } }
            printf "{\"label\":\"%s\",\"clients\":%d,\"heapBeforeBytes\":%d,\"heapDuringBytes\":%d,\"heapPerConnectionBytes\":%.1f,",
                label, clients, totalBefore, totalAfter, (totalAfter - totalBefore) / clients
            if (directBefore != "" && directDuring != "") {
                printf "\"directPerConnectionBytes\":%.1f,", (directDuring - directBefore) / clients
            }
            printf "\"top\":["
            for (k = 0; k < 12 && n > 0; k++) {
                best = ""; bestD = -1
                for (c in delta) if (delta[c] > bestD) { best = c; bestD = delta[c] }
                gsub(/"/, "", best)
                printf "%s{\"class\":\"%s\",\"bytes\":%d,\"instances\":%d}", (k ? "," : ""), best, bestD, an[best] - bn[best]
                delete delta[best]; n--
            }
            print "]}"
        }' "$2" "$3"
}

run_scenario() {
    local scenario=$1 server=$2 logs="$OUT/e2e/$scenario-$server"
    SCENARIO_RT=0
    has "$scenario" " $RT_SCENARIOS " && SCENARIO_RT=$RT_PRIORITY
    if ! has "$server" "$PEERS_OK"; then
        log "$server/$scenario: not run (peer not installed)"
        echo "{\"label\":\"$server\",\"scenario\":\"$scenario\",\"notRun\":\"peer not installed\"}" >> "$OUT/e2e/not-run.jsonl"
        return 0
    fi
    if ! start_server "$server" "$logs-server.log"; then
        echo "{\"label\":\"$server\",\"scenario\":\"$scenario\",\"notRun\":\"server did not start\"}" >> "$OUT/e2e/not-run.jsonl"
        return 0
    fi
    local protocol
    protocol=$(protocol_of "$server")
    case "$scenario" in
        fanout)
            generator "$server" fanout "$protocol" "$logs-generator.log" "${timing[@]}" \
                -Droomwire.load.clients="$FANOUT_CLIENTS" -Droomwire.load.rooms=1 -Droomwire.load.publishers=1 \
                -Droomwire.load.rates="$FANOUT_RATES"
            ;;
        rooms)
            generator "$server" rooms "$protocol" "$logs-generator.log" "${timing[@]}" \
                -Droomwire.load.duration="$ROOMS_DURATION" -Droomwire.load.clients="$ROOMS_CLIENTS" \
                -Droomwire.load.rooms=$((ROOMS_CLIENTS / 10)) -Droomwire.load.publishers=10 \
                -Droomwire.load.rates="$ROOMS_RATES" -Droomwire.load.stop.p99=60s -Droomwire.load.round="$ROOMS_ROUND"
            ;;
        idle)
            sleep 2
            local baseline
            baseline=$(rss_kb "$SERVER_PID")
            local hook_args=()
            if is_jvm "$server"; then
                heap_histogram "$SERVER_PID" "$logs-histogram-before.txt"
                direct_bytes "$(port_of "$server")" > "$logs-direct-before.txt"
                cat > "$OUT/e2e/idle-hook.sh" <<EOF
#!/usr/bin/env bash
jcmd "\$1" GC.class_histogram > "$logs-histogram-during.txt" 2>/dev/null
curl -s "http://127.0.0.1:$(port_of "$server")/metrics" 2>/dev/null |
    awk '/^jvm_memory_direct_used_bytes / {printf "%d", \$2}' > "$logs-direct-during.txt"
echo "class histogram of \$1 written to $logs-histogram-during.txt"
EOF
                chmod +x "$OUT/e2e/idle-hook.sh"
                hook_args=(-Droomwire.load.idle.hook="$OUT/e2e/idle-hook.sh")
            fi
            generator "$server" idle "$protocol" "$logs-generator.log" -Droomwire.load.clients="$IDLE_CLIENTS" \
                -Droomwire.load.rooms=$((IDLE_CLIENTS / 10)) -Droomwire.load.idle="$IDLE_HOLD" \
                -Droomwire.load.disconnect.timeout="$DISCONNECT_TIMEOUT" \
                -Droomwire.load.idle.baseline.rss.kb="$baseline" "${hook_args[@]}"
            if is_jvm "$server" && [ -s "$logs-histogram-during.txt" ]; then
                idle_heap "$server" "$logs-histogram-before.txt" "$logs-histogram-during.txt" "$IDLE_CLIENTS" \
                    "$(cat "$logs-direct-before.txt" 2>/dev/null)" "$(cat "$logs-direct-during.txt" 2>/dev/null)" \
                    >> "$OUT/e2e/idle-heap.jsonl"
            fi
            ;;
        sse)
            generator "$server" sse sse "$logs-generator.log" "${timing[@]}" \
                -Droomwire.load.clients="$FANOUT_CLIENTS" -Droomwire.load.rooms=1 -Droomwire.load.publishers=1 \
                -Droomwire.load.rates="$SSE_RATES"
            ;;
    esac
    stop_server
}

for scenario in fanout rooms idle sse; do
    has "$scenario" "$SCENARIOS" || continue
    if [ "$scenario" = rooms ] && [ "$ROOMS_ROUNDS" -gt 1 ]; then
        for ROOMS_ROUND in $(seq 1 "$ROOMS_ROUNDS"); do
            for server in $SERVERS; do
                has "$server" "$ROUNDS_SERVERS" || continue
                log "rooms, round $ROOMS_ROUND of $ROOMS_ROUNDS: $server (load $(cut -d' ' -f1-3 /proc/loadavg))"
                run_scenario rooms "$server"
            done
        done
        ROOMS_ROUND=0
        for server in $SERVERS; do
            has "$server" "$ROUNDS_SERVERS" && continue
            log "rooms: $server (load $(cut -d' ' -f1-3 /proc/loadavg))"
            run_scenario rooms "$server"
        done
        continue
    fi
    for server in $SERVERS; do
        # Only Roomwire serves Server-Sent Events among these servers.
        if [ "$scenario" = sse ] && [ "$server" != roomwire ] && [ "$server" != roomwire-thread ]; then continue; fi
        log "$scenario: $server (load $(cut -d' ' -f1-3 /proc/loadavg))"
        run_scenario "$scenario" "$server"
    done
done

if [ -s "$OUT/e2e/roomwire-fanout.jfr" ]; then
    java -cp "$BENCH_JAR" io.roomwire.benchmarks.load.JfrHotMethods "$OUT/e2e/roomwire-fanout.jfr" 30 \
        > "$OUT/e2e/roomwire-fanout-hot-methods.txt" || true
    log "JFR summary: $OUT/e2e/roomwire-fanout-hot-methods.txt"
fi

echo "wall time: $(( $(date +%s) - STARTED )) s" >> "$OUT/machine.txt"
log "report: $REPORT"
[ -f "$REPORT" ] || printf '# Benchmarks\n\n<!-- generated:begin -->\n<!-- generated:end -->\n' > "$REPORT"
java -cp "$BENCH_JAR" io.roomwire.benchmarks.report.BenchmarkReport "$OUT" "$REPORT"
log "done in $(( $(date +%s) - STARTED )) s; results in $OUT"
