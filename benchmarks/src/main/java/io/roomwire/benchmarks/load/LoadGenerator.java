package io.roomwire.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * End-to-end load generator for pub/sub servers: {@code N} clients in {@code R} rooms, {@code P} publishers per room
 * publishing at an open-loop rate, every member (the sender included) receiving every message of its room. The
 * clients speak the seed form over WebSocket on {@code /ws/{room}} by default, or ({@value #PROTOCOL_PROP_NAME})
 * Socket.IO 4 over a raw WebSocket, or Server-Sent Events on {@code /events/{room}} with WebSocket publishers (see
 * {@link Protocol}).
 * <p>
 * One JVM, non-blocking {@link java.nio.channels.SocketChannel}s, a hand-written RFC 6455 client: one or two
 * {@link ReceiverLoop} selector threads read every connection and time every delivery; one {@link Pacer} thread writes
 * the publishers' frames on schedule. Each published object is
 * {@code {"t":<intended nanoTime>,"p":<publisher>,"n":<counter>,"x":"<padding>"}} padded to the payload size; a
 * receiver finds {@code "t":} in the {@code data} of each message without a JSON parse and records
 * {@code nanoTime() - t} (the same JVM, so the clocks agree) in an HdrHistogram.
 * <p>
 * Clients connect in batches ({@value #CONNECT_RATE_PROP_NAME}); then the first publisher of each room publishes
 * {@code {"probe":k}} until every open client has received one, so every member is in its room before anything is
 * measured (a server may add a member after the handshake), and a pre-warm ({@value #PREWARM_PROP_NAME}, not
 * reported) lets both JITs compile their hot paths. For each offered rate (step mode: {@value #RATES_PROP_NAME}), the
 * generator publishes for the warm-up then the measured duration, waits for the drain period, and reports offered and
 * achieved deliveries per second (received in the window), loss (messages sent times members of the room, minus
 * deliveries received), latency percentiles of the messages intended in the measured window, its own CPU (process,
 * and per selector thread), the pacer's lag, and from {@code /proc/<pid>} the server's CPU (per thread too), RSS,
 * read and write system calls and context switches. It stops stepping after a step with loss, closed connections, or
 * p99 above {@value #STOP_P99_PROP_NAME}. A step in which a selector thread was busy, or the generator used its
 * cores, more than {@value #BUSY_LIMIT_PROP_NAME} of the window is flagged {@code generator-bound}: the generator may
 * have limited it. Each step is printed as a table row and appended as a JSON line to {@value #RESULTS_PROP_NAME}
 * (and as a CSV line beside it), with the {@value #LABEL_PROP_NAME}, {@value #SCENARIO_PROP_NAME} and protocol.
 * <p>
 * Idle mode ({@value #IDLE_PROP_NAME}): after connecting and probing, nothing is published; every connection is held
 * open for the given time, the server's RSS is read at the start and the end of the hold, the hook
 * ({@value #IDLE_HOOK_PROP_NAME}) runs halfway, and one JSON line
 * {@code {"label","scenario":"idle","protocol","clients","rssBaselineKb","rssStartKb","rssEndKb",
 * "rssPerConnectionBytes","closed","failed","openAtEnd","holdSeconds"}} is appended to the results file (no CSV line);
 * the exit status is 0 only when every client connected and stayed open.
 * <p>
 * Run with {@code java -cp benchmarks/target/benchmarks.jar io.roomwire.benchmarks.load.LoadGenerator} and system
 * properties ({@code -Dname=value}), or from code with {@link #LoadGenerator(Properties, PrintStream)},
 * {@link #run()} and {@link #results()}; every property and its value is printed at start. Durations take
 * {@code ms}, {@code s}, {@code m} suffixes.
 * <p>
 * Not thread safe: the controller runs on the thread that calls {@link #run()} and talks to the loops and the pacer
 * through their documented cross-thread methods.
 */
public final class LoadGenerator
{
    public static final String HOST_PROP_NAME = "roomwire.load.host";
    public static final String PORT_PROP_NAME = "roomwire.load.port";
    /**
     * What the clients speak: {@code ws} (default: RFC 6455 WebSocket, one JSON object per text frame),
     * {@code socketio} (Socket.IO 4 over a raw WebSocket) or {@code sse} (Server-Sent Events subscribers, with
     * WebSocket publishers). See {@link Protocol}.
     */
    public static final String PROTOCOL_PROP_NAME = "roomwire.load.protocol";
    /**
     * Path template; {@code {room}} is replaced by the room's name. Defaults by protocol: {@code /ws/{room}},
     * {@code /socket.io/?EIO=4&transport=websocket&room={room}}, {@code /events/{room}}.
     */
    public static final String PATH_PROP_NAME = "roomwire.load.path";
    /**
     * In {@code sse} mode, the path template of the publishers, which are WebSocket clients (default
     * {@code /ws/{room}}); ignored in the other modes, where publishers use {@value #PATH_PROP_NAME}.
     */
    public static final String PUBLISH_PATH_PROP_NAME = "roomwire.load.publish.path";
    public static final String ROOM_PREFIX_PROP_NAME = "roomwire.load.room.prefix";
    /** Token, sent as the {@code token} query parameter when set. */
    public static final String TOKEN_PROP_NAME = "roomwire.load.token";
    public static final String CLIENTS_PROP_NAME = "roomwire.load.clients";
    public static final String ROOMS_PROP_NAME = "roomwire.load.rooms";
    /** Publishers per room, among the room's clients. */
    public static final String PUBLISHERS_PROP_NAME = "roomwire.load.publishers";
    /** Messages per second over all publishers, when {@value #RATES_PROP_NAME} is not set. */
    public static final String RATE_PROP_NAME = "roomwire.load.rate";
    /** Comma-separated messages per second, one step each. */
    public static final String RATES_PROP_NAME = "roomwire.load.rates";
    /** Bytes of each published JSON object. */
    public static final String PAYLOAD_PROP_NAME = "roomwire.load.payload";
    /** Length of one entry of a step's latency timeline. */
    static final long TIMELINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Publishing before the first step, not reported, so the JIT has compiled both sides' hot paths (at a few messages
     * per second that takes the server tens of seconds).
     */
    public static final String PREWARM_PROP_NAME = "roomwire.load.prewarm";
    /** Messages per second of the pre-warm; the first step's rate when not set. */
    public static final String PREWARM_RATE_PROP_NAME = "roomwire.load.prewarm.rate";
    /** Warm-up of each step: published, delivered and counted for loss, not timed. */
    public static final String WARMUP_PROP_NAME = "roomwire.load.warmup";
    public static final String DURATION_PROP_NAME = "roomwire.load.duration";
    /** Longest wait after publishing ends for the last deliveries of a step. */
    public static final String DRAIN_PROP_NAME = "roomwire.load.drain";
    public static final String STOP_P99_PROP_NAME = "roomwire.load.stop.p99";
    /** Connections opened per second. */
    public static final String CONNECT_RATE_PROP_NAME = "roomwire.load.connect.rate";
    public static final String SELECTORS_PROP_NAME = "roomwire.load.selectors";
    /**
     * Selector threads poll without blocking: the server then never pays for waking them (on loopback a write that
     * wakes a sleeping reader on another core costs the writer the wake-up), and their CPU share is always 100%, so
     * only the time spent handling events counts as busy.
     */
    public static final String SPIN_PROP_NAME = "roomwire.load.spin";
    /**
     * Real-time priority ({@code SCHED_FIFO}) of the selector threads, the pacer one above, in each step whose warm-up
     * shows the generator using at most {@link #RT_LIMIT_PROP_NAME} of its cores; 0 (the default) leaves them in the
     * normal class. In the result line as {@code generatorRt}. See {@link RealtimePriority}.
     */
    public static final String RT_PRIORITY_PROP_NAME = "roomwire.load.rt.priority";
    /**
     * Real-time priority ({@code SCHED_FIFO}) for every thread of the server ({@link #SERVER_PID_PROP_NAME}) but its JIT
     * compilers, in each step whose warm-up shows the server using at most {@link #SERVER_RT_LIMIT_PROP_NAME} of its
     * cores; 0 (the default) leaves the server as it is. The server is in the normal class between steps and in the
     * drain; in the result line as {@code serverRt}.
     */
    public static final String SERVER_RT_PRIORITY_PROP_NAME = "roomwire.load.server.rt.priority";
    /**
     * Share of its cores (default 0.6) the generator may use in a step's warm-up, measured whole, for its pacer and
     * selectors to be real-time for the step ({@link #RT_PRIORITY_PROP_NAME}). The generator's load rises from its
     * warm-up into the measured window (at 10,000 msgs/s in many rooms: 75-80% in the warm-up, 87-96% after), and
     * real-time threads that keep a core more than 95% busy are paused by the kernel for up to 50 ms of each second
     * ({@code sched_rt_runtime_us}): raised there, the pacer was 35-37 ms late.
     */
    public static final String RT_LIMIT_PROP_NAME = "roomwire.load.rt.limit";
    /**
     * Share of its allowed cores (default 0.85) the server may use in a step's warm-up, in the normal class, to be
     * real-time for the step ({@link #SERVER_RT_PRIORITY_PROP_NAME}); one rule for every server. The servers' load
     * falls from the warm-up into the measured window (Roomwire at 5,000 msgs/s in many rooms: 61-65% in the warm-up,
     * 42-46% after; Bun 48-56%, 34-39%). Above it a real-time server leaves too little of its core to the threads it
     * keeps in the normal class, its JIT compilers above all, and nears the kernel's 95% (Node {@code ws}, raised at
     * 95% of its core, fell seconds behind).
     */
    public static final String SERVER_RT_LIMIT_PROP_NAME = "roomwire.load.server.rt.limit";
    /** Pid of the server, for its CPU and RSS. */
    public static final String SERVER_PID_PROP_NAME = "roomwire.load.server.pid";
    /** File to append one JSON line per step to; a CSV line goes to the same name with {@code .csv}. */
    public static final String RESULTS_PROP_NAME = "roomwire.load.results";
    /** Name of the server under test, in every result line. */
    public static final String LABEL_PROP_NAME = "roomwire.load.label";
    /**
     * Round of a scenario the suite repeats (1, 2, ...; default 0, not repeated), in every step line as {@code round}:
     * the suite runs the servers it compares closely in alternating rounds, so that a slow stretch of a shared machine
     * falls on both, and reports the median of the rounds.
     */
    public static final String ROUND_PROP_NAME = "roomwire.load.round";
    /** Name of the scenario run (default {@code fanout}), in every result line, for the suite that runs several. */
    public static final String SCENARIO_PROP_NAME = "roomwire.load.scenario";
    /** Busy share of a selector thread, or of the generator's cores, above which a step is generator-bound. */
    public static final String BUSY_LIMIT_PROP_NAME = "roomwire.load.busy.limit";
    /** Longest wait for connecting, handshakes and the first probe to reach everyone. */
    public static final String SETUP_TIMEOUT_PROP_NAME = "roomwire.load.setup.timeout";
    /**
     * Idle mode when set (a duration): connect and probe every client, publish nothing, hold every connection open
     * this long, and report the server's RSS at the start and end of the hold (one JSON line, scenario {@code idle}).
     */
    public static final String IDLE_PROP_NAME = "roomwire.load.idle";
    /**
     * Idle mode: the server's RSS in KiB measured before any client connected; with it the result has
     * {@code (rssEnd - baseline) / clients} as bytes per connection.
     */
    public static final String IDLE_BASELINE_RSS_PROP_NAME = "roomwire.load.idle.baseline.rss.kb";
    /**
     * Idle mode: an executable run halfway through the hold, while every connection is open, with the server's pid
     * as its one argument (when {@value #SERVER_PID_PROP_NAME} is set); waited for, its output printed. For a heap
     * histogram of a JVM server: a script running {@code jcmd "$1" GC.class_histogram}.
     */
    public static final String IDLE_HOOK_PROP_NAME = "roomwire.load.idle.hook";

    /**
     * Idle mode: at the end of the hold every client closes its socket at once, and the generator waits this long at
     * most (default {@code 60s}) for the server to close its ends.
     */
    public static final String DISCONNECT_TIMEOUT_PROP_NAME = "roomwire.load.disconnect.timeout";

    /**
     * Share of the offered deliveries a step must achieve, in its measured window, to count as sustained: below it the
     * server is falling behind even when the drain lets it catch up without loss.
     */
    private static final double KEEPING_UP_SHARE = 0.95;
    private static final long SETTLE_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long PROBE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long STEP_LEAD_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long IDLE_REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long DISCONNECT_POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final String SOCKET_IO_EVENT_PREFIX = "42[\"message\",";
    private static final String SOCKET_IO_EVENT_SUFFIX = "]";
    private static final String[] CSV_FIELDS = {
        "label", "scenario", "protocol", "step", "clients", "rooms", "publishers", "payload", "offeredMsgs",
        "sentMsgs", "offeredDeliveries", "achievedDeliveries", "expected", "received", "loss", "late", "other",
        "noData", "gaps", "reorders", "closed", "p50Us", "p90Us", "p99Us", "p999Us", "maxUs", "genCpu", "genCores",
        "selectorBusy", "selectorCpu", "pacerCpu", "pacerLagP99Us", "rxMBps", "bytesPerRead", "genReadsPerSecond",
        "serverCpu", "serverRssMb", "serverWritesPerSecond", "deliveriesPerServerWrite",
        "serverContextSwitchesPerSecond", "serverThreads", "generatorBound", "spin", "loadAvg", "round"};

    private final Properties properties;
    private final Protocol protocol;
    private final String host;
    private final int port;
    private final String pathTemplate;
    private final String publishPathTemplate;
    private final String roomPrefix;
    private final String token;
    private final int clientCount;
    private final int roomCount;
    private final int publishersPerRoom;
    private final double[] rates;
    private final int payloadLength;
    private final long prewarmNs;
    private final double prewarmRate;
    private final long warmupNs;
    private final long durationNs;
    private final long drainNs;
    private final long stopP99Ns;
    private final int connectRate;
    private final int selectorCount;
    private final boolean isSpinning;
    private final int rtPriority;
    private boolean isRtLowered;
    private final int serverRtPriority;
    private final double rtLimit;
    private final double serverRtLimit;
    private boolean isServerRaised;
    private final String serverPid;
    private final String resultsFile;
    private final String label;
    private final int round;
    private final String scenario;
    private final double busyLimit;
    private final long setupTimeoutNs;
    private final long idleNs;
    private final long idleBaselineRssKb;
    private final String idleHook;
    private final long disconnectTimeoutNs;

    private final PrintStream out;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<String> tableRows = new ArrayList<>();
    private final List<Map<String, Object>> results = new ArrayList<>();
    private WsClient[] clients;
    private ReceiverLoop[] loops;
    private Pacer pacer;

    /**
     * @param args ignored: settings are system properties.
     * @throws Exception when the generator cannot run at all.
     */
    public static void main(final String[] args) throws Exception
    {
        final int status = new LoadGenerator(System.getProperties(), System.out).run();
        System.exit(status);
    }

    /**
     * A generator configured by properties of the names of the {@code *_PROP_NAME} constants, for running it from
     * code (a test, a harness); {@link #main(String[])} passes the system properties.
     *
     * @param properties its settings; those not given take their defaults.
     * @param out        where the settings, progress and the table are printed.
     * @throws IllegalArgumentException when a setting cannot be parsed.
     */
    public LoadGenerator(final Properties properties, final PrintStream out)
    {
        this.properties = properties;
        this.out = out;
        protocol = Protocol.parse(properties.getProperty(PROTOCOL_PROP_NAME, Protocol.WS.propertyValue()));
        host = properties.getProperty(HOST_PROP_NAME, "127.0.0.1");
        port = intProperty(PORT_PROP_NAME, 8080);
        pathTemplate = properties.getProperty(PATH_PROP_NAME, protocol.defaultPath());
        publishPathTemplate = protocol == Protocol.SSE ?
            properties.getProperty(PUBLISH_PATH_PROP_NAME, Protocol.WS.defaultPath()) : pathTemplate;
        roomPrefix = properties.getProperty(ROOM_PREFIX_PROP_NAME, "load-");
        token = properties.getProperty(TOKEN_PROP_NAME);
        clientCount = intProperty(CLIENTS_PROP_NAME, 1000);
        roomCount = intProperty(ROOMS_PROP_NAME, 1);
        publishersPerRoom = intProperty(PUBLISHERS_PROP_NAME, 1);
        rates = parseRates(properties.getProperty(RATES_PROP_NAME, properties.getProperty(RATE_PROP_NAME, "1000")));
        payloadLength = intProperty(PAYLOAD_PROP_NAME, 100);
        prewarmNs = durationNs(PREWARM_PROP_NAME, "10s");
        prewarmRate = null == properties.getProperty(PREWARM_RATE_PROP_NAME) ? rates[0] :
            parseRates(properties.getProperty(PREWARM_RATE_PROP_NAME))[0];
        warmupNs = durationNs(WARMUP_PROP_NAME, "3s");
        durationNs = durationNs(DURATION_PROP_NAME, "10s");
        drainNs = durationNs(DRAIN_PROP_NAME, "5s");
        stopP99Ns = durationNs(STOP_P99_PROP_NAME, "100ms");
        connectRate = intProperty(CONNECT_RATE_PROP_NAME, 2000);
        selectorCount = intProperty(SELECTORS_PROP_NAME, 1);
        isSpinning = Boolean.parseBoolean(properties.getProperty(SPIN_PROP_NAME, "false"));
        rtPriority = intProperty(RT_PRIORITY_PROP_NAME, 0);
        serverRtPriority = intProperty(SERVER_RT_PRIORITY_PROP_NAME, 0);
        rtLimit = Double.parseDouble(properties.getProperty(RT_LIMIT_PROP_NAME, "0.6"));
        serverRtLimit = Double.parseDouble(properties.getProperty(SERVER_RT_LIMIT_PROP_NAME, "0.85"));
        serverPid = properties.getProperty(SERVER_PID_PROP_NAME);
        resultsFile = properties.getProperty(RESULTS_PROP_NAME);
        label = properties.getProperty(LABEL_PROP_NAME, "server");
        round = intProperty(ROUND_PROP_NAME, 0);
        scenario = properties.getProperty(SCENARIO_PROP_NAME, "fanout");
        busyLimit = Double.parseDouble(properties.getProperty(BUSY_LIMIT_PROP_NAME, "0.9"));
        setupTimeoutNs = durationNs(SETUP_TIMEOUT_PROP_NAME, "120s");
        idleNs = null == properties.getProperty(IDLE_PROP_NAME) ? 0 : durationNs(IDLE_PROP_NAME, "0");
        idleBaselineRssKb = null == properties.getProperty(IDLE_BASELINE_RSS_PROP_NAME) ? -1 :
            Long.parseLong(properties.getProperty(IDLE_BASELINE_RSS_PROP_NAME).trim());
        idleHook = properties.getProperty(IDLE_HOOK_PROP_NAME);
        disconnectTimeoutNs = durationNs(DISCONNECT_TIMEOUT_PROP_NAME, "60s");
    }

    /**
     * Connect, probe, then run the steps (or the idle hold); the connections are closed when it returns.
     *
     * @return the exit status: 0 when it ran, 1 when setup failed (or in idle mode a client did not stay open), 2 when
     * the settings do not fit together.
     * @throws Exception when the generator cannot run at all.
     */
    public int run() throws Exception
    {
        printSettings();
        if (publishersPerRoom < 1 || clientCount < roomCount * publishersPerRoom || selectorCount < 1)
        {
            out.println("need at least one publisher per room, publishers * rooms <= clients, and a selector");
            return 2;
        }

        createClients();
        try
        {
            if (!connect() || !probe())
            {
                return 1;
            }
            if (idleNs > 0)
            {
                return holdIdle();
            }
            runSteps();
            return 0;
        }
        finally
        {
            lowerServer();
            pacer.stop();
            for (final ReceiverLoop loop : loops)
            {
                loop.stop();
            }
            for (int l = 0; l < loops.length; l++)
            {
                if (!loops[l].closeReasons().isEmpty())
                {
                    out.println("# selector " + l + " closes and failures: " + loops[l].closeReasons());
                }
            }
        }
    }

    /**
     * @return the result of each reported step (the pre-warm is not), in order, with the fields of its JSON line;
     * read after {@link #run()}.
     */
    public List<Map<String, Object>> results()
    {
        return results;
    }

    private void printSettings()
    {
        out.println("# roomwire load generator");
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(PROTOCOL_PROP_NAME, protocol.propertyValue());
        settings.put(HOST_PROP_NAME, host);
        settings.put(PORT_PROP_NAME, port);
        settings.put(PATH_PROP_NAME, pathTemplate);
        if (protocol == Protocol.SSE)
        {
            settings.put(PUBLISH_PATH_PROP_NAME, publishPathTemplate);
        }
        settings.put(ROOM_PREFIX_PROP_NAME, roomPrefix);
        settings.put(TOKEN_PROP_NAME, null == token ? "(none)" : "(set)");
        settings.put(CLIENTS_PROP_NAME, clientCount);
        settings.put(ROOMS_PROP_NAME, roomCount);
        settings.put(PUBLISHERS_PROP_NAME, publishersPerRoom);
        settings.put(RATES_PROP_NAME, formatRates(rates));
        settings.put(PAYLOAD_PROP_NAME, payloadLength);
        settings.put(PREWARM_PROP_NAME, formatMs(prewarmNs));
        settings.put(PREWARM_RATE_PROP_NAME, number(prewarmRate));
        settings.put(WARMUP_PROP_NAME, formatMs(warmupNs));
        settings.put(DURATION_PROP_NAME, formatMs(durationNs));
        settings.put(DRAIN_PROP_NAME, formatMs(drainNs));
        settings.put(STOP_P99_PROP_NAME, formatMs(stopP99Ns));
        settings.put(CONNECT_RATE_PROP_NAME, connectRate + "/s");
        settings.put(SELECTORS_PROP_NAME, selectorCount);
        settings.put(SPIN_PROP_NAME, isSpinning);
        settings.put(RT_PRIORITY_PROP_NAME, rtPriority);
        settings.put(SERVER_RT_PRIORITY_PROP_NAME, serverRtPriority);
        settings.put(RT_LIMIT_PROP_NAME, rtLimit);
        settings.put(SERVER_RT_LIMIT_PROP_NAME, serverRtLimit);
        settings.put(SERVER_PID_PROP_NAME, null == serverPid ? "(none)" : serverPid);
        settings.put(RESULTS_PROP_NAME, null == resultsFile ? "(none)" : resultsFile);
        settings.put(LABEL_PROP_NAME, label);
        settings.put(ROUND_PROP_NAME, round);
        settings.put(SCENARIO_PROP_NAME, scenario);
        settings.put(BUSY_LIMIT_PROP_NAME, busyLimit);
        settings.put(SETUP_TIMEOUT_PROP_NAME, formatMs(setupTimeoutNs));
        settings.put(IDLE_PROP_NAME, idleNs > 0 ? formatMs(idleNs) : "(not set: step mode)");
        if (idleNs > 0)
        {
            settings.put(IDLE_BASELINE_RSS_PROP_NAME, idleBaselineRssKb < 0 ? "(none)" : idleBaselineRssKb);
            settings.put(IDLE_HOOK_PROP_NAME, null == idleHook ? "(none)" : idleHook);
            settings.put(DISCONNECT_TIMEOUT_PROP_NAME, formatMs(disconnectTimeoutNs));
        }
        settings.forEach((key, value) -> out.println("#   -D" + key + "=" + value));
        out.println("# cores available " + Runtime.getRuntime().availableProcessors() + " (allowed " +
            ProcStat.cpusAllowed("self") + "), java " + System.getProperty("java.version") + ", " +
            System.getProperty("os.name") + " " + System.getProperty("os.version") + ", load " + ProcStat.loadAverage());
    }

    private void createClients() throws IOException
    {
        final int publisherCount = roomCount * publishersPerRoom;
        clients = new WsClient[clientCount];
        final WsClient[] publishers = new WsClient[publisherCount];
        for (int i = 0; i < clientCount; i++)
        {
            final int room = i % roomCount;
            final int rank = i / roomCount;
            final int publisher = rank < publishersPerRoom ? rank * roomCount + room : -1;
            // In SSE mode the publishers of a room stay WebSocket clients: they publish, and receive as members.
            final Protocol clientProtocol = publisher >= 0 && protocol == Protocol.SSE ? Protocol.WS : protocol;
            final String template = publisher >= 0 ? publishPathTemplate : pathTemplate;
            final String path = template.replace("{room}", roomPrefix + room) +
                (null == token ? "" : (template.contains("?") ? "&" : "?") + "token=" + token);
            clients[i] = new WsClient(
                i, room, publisher, roomCount, publishersPerRoom, clientProtocol, host, port, path);
            if (publisher >= 0)
            {
                publishers[publisher] = clients[i];
            }
        }

        final boolean isSocketIo = protocol == Protocol.SOCKETIO;
        pacer = new Pacer(publishers, roomCount, payloadLength,
            (isSocketIo ? SOCKET_IO_EVENT_PREFIX : "").getBytes(StandardCharsets.US_ASCII),
            (isSocketIo ? SOCKET_IO_EVENT_SUFFIX : "").getBytes(StandardCharsets.US_ASCII),
            rtPriority > 0 ? rtPriority + 1 : 0);
        pacer.start();
        final InetSocketAddress address = new InetSocketAddress(host, port);
        loops = new ReceiverLoop[selectorCount];
        for (int l = 0; l < selectorCount; l++)
        {
            final List<WsClient> share = new ArrayList<>();
            for (int i = l; i < clientCount; i += selectorCount)
            {
                share.add(clients[i]);
            }
            loops[l] = new ReceiverLoop(l, share.toArray(new WsClient[0]), address, pacer, isSpinning, rtPriority);
            loops[l].start();
        }
    }

    private boolean connect()
    {
        final long startNs = System.nanoTime();
        final long batchIntervalNs = TimeUnit.MILLISECONDS.toNanos(10);
        final int perBatch = Math.max(1, connectRate / 100);
        int allowed = 0;
        long nextReportNs = startNs + TimeUnit.SECONDS.toNanos(1);
        while (true)
        {
            if (allowed < clientCount)
            {
                allowed = Math.min(clientCount, allowed + perBatch);
                for (int l = 0; l < loops.length; l++)
                {
                    loops[l].connectLimit(Math.max(0, (allowed - l + loops.length - 1) / loops.length));
                }
            }

            int upgraded = 0;
            int failed = 0;
            for (final ReceiverLoop loop : loops)
            {
                upgraded += loop.upgradedCount();
                failed += loop.failedCount();
            }
            final long nowNs = System.nanoTime();
            if (upgraded + failed == clientCount || nowNs - startNs > setupTimeoutNs)
            {
                out.printf(Locale.ROOT, "# connected %d of %d in %.1f s (%d failed%s)%n", upgraded, clientCount,
                    (nowNs - startNs) / 1e9, failed, failed > 0 ? ": " + firstFailure() : "");
                if (upgraded == 0)
                {
                    return false;
                }
                for (final WsClient client : clients)
                {
                    if (client.isPublisher() && !client.isOpen())
                    {
                        out.println("# publisher " + client.publisher + (null != client.failure ?
                            " did not connect: " + client.failure : " closed after connecting: " + client.closeReason));
                        return false;
                    }
                }
                return true;
            }
            if (nowNs >= nextReportNs)
            {
                out.printf(Locale.ROOT, "#   connecting: %d upgraded, %d failed%n", upgraded, failed);
                nextReportNs += TimeUnit.SECONDS.toNanos(1);
            }
            LockSupport.parkNanos(batchIntervalNs);
        }
    }

    /**
     * Publish probes until every open client has received one: then every member is in its room (the server may add
     * a member to the room after the handshake completes).
     */
    private boolean probe()
    {
        final long startNs = System.nanoTime();
        int round = 0;
        long nextProbeNs = startNs;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (nowNs >= nextProbeNs)
            {
                pacer.probe(++round);
                nextProbeNs = nowNs + PROBE_INTERVAL_NS;
            }
            int probed = 0;
            for (final ReceiverLoop loop : loops)
            {
                probed += loop.probedCount();
            }
            final int open = openCount();
            if (probed >= open)
            {
                out.printf(Locale.ROOT, "# every one of %d open clients got a probe after %d round(s), %.1f s%n",
                    open, round, (nowNs - startNs) / 1e9);
                LockSupport.parkNanos(SETTLE_NS);
                return true;
            }
            if (nowNs - startNs > setupTimeoutNs)
            {
                out.printf(Locale.ROOT, "# only %d of %d open clients got a probe; giving up%n", probed, open);
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void runSteps() throws IOException
    {
        final String header = String.format(Locale.ROOT,
            "| %-9s | %4s | %9s | %11s | %11s | %9s | %8s | %8s | %8s | %8s | %8s | %7s | %8s | %9s | %8s | %7s | %s |",
            "server", "step", "msgs/s", "offered d/s", "achieved d/s", "loss", "p50 ms", "p90 ms", "p99 ms",
            "p99.9 ms", "max ms", "gen CPU", "sel busy", "pacer lag", "srv CPU", "srv RSS", "flags");
        if (prewarmNs > 0)
        {
            final Map<String, Object> prewarm = runStep(0, prewarmRate, prewarmNs, TimeUnit.SECONDS.toNanos(1));
            out.printf(Locale.ROOT, "# pre-warm done: %.0f msgs/s, loss %d, p99 %.3f ms (not reported)%n", prewarmRate,
                (long)prewarm.get("loss"), (double)prewarm.get("p99Us") / 1000);
        }
        out.println(header);
        double bestDeliveries = 0;
        for (int k = 1; k <= rates.length; k++)
        {
            final Map<String, Object> result = runStep(k, rates[k - 1], warmupNs, durationNs);
            final String row = formatRow(result);
            tableRows.add(row);
            out.println(row);
            results.add(result);
            append(result);

            final long loss = (long)result.get("loss");
            final double p99Ms = (double)result.get("p99Us") / 1000.0;
            final int closed = (int)result.get("closed");
            final boolean isKeepingUp =
                (double)result.get("achievedDeliveries") >= KEEPING_UP_SHARE * (double)result.get("offeredDeliveries");
            if (loss == 0 && closed == 0 && p99Ms * 1e6 <= stopP99Ns && isKeepingUp)
            {
                bestDeliveries = Math.max(bestDeliveries, (double)result.get("achievedDeliveries"));
            }
            if (loss != 0 || closed > 0 || p99Ms * 1e6 > stopP99Ns)
            {
                out.printf(Locale.ROOT, "# stopping: loss %d, closed %d, p99 %.3f ms (limit %s)%n", loss, closed, p99Ms,
                    formatMs(stopP99Ns));
                break;
            }
        }

        out.println();
        out.println(header);
        tableRows.forEach(out::println);
        out.printf(Locale.ROOT,
            "# %s: highest sustained (loss 0, no closes, achieved >= %.0f%% of offered, p99 <= %s): %.0f deliveries/s%n",
            label, KEEPING_UP_SHARE * 100, formatMs(stopP99Ns), bestDeliveries);
    }

    /**
     * Idle mode: hold every connection open without publishing, run the hook halfway, and report the server's RSS.
     *
     * @return 0 when every client connected and stayed open, else 1.
     */
    private int holdIdle() throws IOException
    {
        final int openAtStart = openCount();
        final long rssStartKb = ProcStat.rssKb(serverPid);
        out.printf(Locale.ROOT, "# idle: holding %d of %d clients open for %s; server RSS at start %s%n", openAtStart,
            clientCount, formatMs(idleNs), formatKb(rssStartKb));
        final long startNs = System.nanoTime();
        holdUntil(startNs + idleNs / 2);
        if (null != idleHook)
        {
            runIdleHook();
        }
        holdUntil(startNs + idleNs);
        final long rssEndKb = ProcStat.rssKb(serverPid);

        int closed = 0;
        int failed = 0;
        for (final ReceiverLoop loop : loops)
        {
            closed += loop.closedCount();
            failed += loop.failedCount();
        }
        final int openAtEnd = openCount();
        final Double perConnectionBytes = idleBaselineRssKb < 0 || rssEndKb < 0 ? null :
            (rssEndKb - idleBaselineRssKb) * 1024.0 / clientCount;

        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", label);
        result.put("scenario", "idle");
        result.put("protocol", protocol.propertyValue());
        result.put("clients", clientCount);
        result.put("rssBaselineKb", idleBaselineRssKb < 0 ? null : idleBaselineRssKb);
        result.put("rssStartKb", rssStartKb);
        result.put("rssEndKb", rssEndKb);
        result.put("rssPerConnectionBytes", perConnectionBytes);
        result.put("closed", closed);
        result.put("failed", failed);
        result.put("openAtEnd", openAtEnd);
        result.put("holdSeconds", idleNs / 1e9);
        disconnectAll(result);
        results.add(result);
        appendJson(result);

        out.printf(Locale.ROOT, "# idle: server RSS start %s, end %s, baseline %s: %s per connection%n",
            formatKb(rssStartKb), formatKb(rssEndKb), formatKb(idleBaselineRssKb),
            null == perConnectionBytes ? "n/a (no baseline or no server pid)" :
            String.format(Locale.ROOT, "%.0f bytes", perConnectionBytes));
        if (openAtEnd == clientCount)
        {
            out.printf(Locale.ROOT, "# idle: every one of %d clients stayed open%n", clientCount);
            return 0;
        }
        out.printf(Locale.ROOT, "# idle: only %d of %d clients open at the end: %d did not connect, %d closed (%s)%n",
            openAtEnd, clientCount, failed, closed, closeSummary());
        return 1;
    }

    /**
     * End of the idle hold: every client closes its socket at once (as when a client fleet's network drops), and the
     * time until the server has closed its ends is measured: until no socket on the server's port is established or
     * waiting for its owner to close ({@link ProcStat#openServerSockets(int)}), polled every 5 ms, with the server's
     * CPU time meanwhile. The clock starts before the first client closes; the generator's selector threads close
     * their clients one after the other.
     *
     * @param result the idle line, which gets {@code disconnectMs} (null when the server had not closed every end
     *               within {@value #DISCONNECT_TIMEOUT_PROP_NAME}), {@code disconnectTimeoutMs},
     *               {@code disconnectServerCpuMs} and {@code disconnectOpenAtEnd}.
     */
    private void disconnectAll(final Map<String, Object> result)
    {
        final long cpuStartNs = ProcStat.cpuTimeNs(serverPid);
        final long startNs = System.nanoTime();
        for (final ReceiverLoop loop : loops)
        {
            loop.stopAsync();
        }

        int open = ProcStat.openServerSockets(port);
        long nowNs = System.nanoTime();
        while (open > 0 && nowNs - startNs < disconnectTimeoutNs)
        {
            LockSupport.parkNanos(DISCONNECT_POLL_NS);
            open = ProcStat.openServerSockets(port);
            nowNs = System.nanoTime();
        }
        final long cpuEndNs = ProcStat.cpuTimeNs(serverPid);
        final Double disconnectMs = 0 == open ? (nowNs - startNs) / 1e6 : null;
        final Double serverCpuMs = cpuStartNs < 0 || cpuEndNs < 0 ? null : (cpuEndNs - cpuStartNs) / 1e6;
        result.put("disconnectMs", disconnectMs);
        result.put("disconnectTimeoutMs", disconnectTimeoutNs / 1e6);
        result.put("disconnectServerCpuMs", serverCpuMs);
        result.put("disconnectOpenAtEnd", open);
        out.printf(Locale.ROOT, "# disconnect: %d clients closed at once; %s, server CPU %s%n", clientCount,
            null == disconnectMs ? open + " server ends still open after " + formatMs(disconnectTimeoutNs) :
            String.format(Locale.ROOT, "the server closed every end in %.0f ms", disconnectMs),
            null == serverCpuMs ? "n/a" : String.format(Locale.ROOT, "%.0f ms", serverCpuMs));
    }

    private void holdUntil(final long deadlineNs)
    {
        long nextReportNs = System.nanoTime() + IDLE_REPORT_INTERVAL_NS;
        long nowNs;
        while ((nowNs = System.nanoTime()) < deadlineNs)
        {
            if (nowNs >= nextReportNs)
            {
                out.printf(Locale.ROOT, "#   holding: %d open%n", openCount());
                nextReportNs += IDLE_REPORT_INTERVAL_NS;
            }
            LockSupport.parkNanos(Math.min(deadlineNs, nextReportNs) - nowNs);
        }
    }

    private void runIdleHook()
    {
        final List<String> command = new ArrayList<>();
        command.add(idleHook);
        if (null != serverPid)
        {
            command.add(serverPid);
        }
        out.println("# idle hook: " + String.join(" ", command) + " (" + openCount() + " clients open)");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    out.println(line);
                }
            }
            out.println("# idle hook exited with " + process.waitFor());
        }
        catch (final IOException ex)
        {
            out.println("# idle hook failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            out.println("# idle hook interrupted");
        }
    }

    private String closeSummary()
    {
        final StringBuilder text = new StringBuilder();
        for (final ReceiverLoop loop : loops)
        {
            if (null != loop.firstFailure())
            {
                text.append(text.length() == 0 ? "" : "; ").append("first failure: ").append(loop.firstFailure());
                break;
            }
        }
        for (final WsClient client : clients)
        {
            if (client.state() == WsClient.CLOSED && null != client.closeReason)
            {
                text.append(text.length() == 0 ? "" : "; ").append("first close: ").append(client.closeReason);
                break;
            }
        }
        return text.length() == 0 ? "no reason seen" : text.toString();
    }

    private static String formatKb(final long kb)
    {
        return kb < 0 ? "n/a" : kb + " KiB";
    }

    /**
     * Wait out a step's measured window, printing each second's latencies as they come, so that a stall shows where
     * in the window it was (the step's own figures pool the whole window).
     *
     * @param index of the step.
     * @param step  its times.
     * @return per whole second of the window: messages received with their latency recorded, p50, p99 and max in µs.
     */
    private double[][] timeline(final int index, final Step step)
    {
        final int seconds = (int)(step.measureNs() / TIMELINE_INTERVAL_NS);
        final double[][] timeline = new double[4][seconds];
        Histogram previous = totalHistogram();
        for (int i = 0; i < seconds; i++)
        {
            sleepUntil(step.measureStartNs + (i + 1) * TIMELINE_INTERVAL_NS);
            final Histogram current = totalHistogram();
            final Histogram interval = current.copy();
            interval.subtract(previous);
            previous = current;
            timeline[0][i] = interval.getTotalCount();
            timeline[1][i] = interval.getValueAtPercentile(50) / 1000.0;
            timeline[2][i] = interval.getValueAtPercentile(99) / 1000.0;
            timeline[3][i] = interval.getMaxValue() / 1000.0;
            out.printf(Locale.ROOT, "# step %d, second %d: %d received, p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                index, i + 1, interval.getTotalCount(), timeline[1][i] / 1000.0, timeline[2][i] / 1000.0,
                timeline[3][i] / 1000.0);
        }
        sleepUntil(step.publishEndNs);

        return timeline;
    }

    private Histogram totalHistogram()
    {
        final ReceiverLoop.Snapshot total = new ReceiverLoop.Snapshot();
        snapshotInto(total);
        return total.histogram;
    }

    /**
     * @param total replaced by the sum of every receiver loop's counts and latencies so far in this step.
     */
    private void snapshotInto(final ReceiverLoop.Snapshot total)
    {
        total.reset();
        for (final ReceiverLoop loop : loops)
        {
            total.add(loop.snapshot());
        }
    }

    private Map<String, Object> runStep(final int index, final double rate, final long warmupNs, final long durationNs)
    {
        final int[] members = new int[roomCount];
        for (final WsClient client : clients)
        {
            if (client.isOpen())
            {
                members[client.room]++;
            }
        }
        final String loadAverage = ProcStat.loadAverage();
        final long publishStartNs = System.nanoTime() + STEP_LEAD_NS;
        final Step step = new Step(index, rate, publishStartNs, publishStartNs + warmupNs,
            publishStartNs + warmupNs + durationNs);
        for (final ReceiverLoop loop : loops)
        {
            loop.step(step);
        }
        pacer.step(step);
        out.printf(Locale.ROOT, "# step %d%s: %.0f msgs/s, warm-up %s then measuring %s (load %s)%n", index,
            index == 0 ? " (pre-warm)" : "", rate,
            formatMs(warmupNs), formatMs(durationNs), loadAverage);

        final Placement placement = placeForStep(step);
        sleepUntil(step.measureStartNs);
        final long wallStartNs = System.nanoTime();
        final long genCpuStartNs = ProcStat.cpuTimeNs("self");
        final long serverCpuStartNs = ProcStat.cpuTimeNs(serverPid);
        final long[] serverSyscallsStart = ProcStat.ioSyscalls(serverPid);
        final long[] genSyscallsStart = ProcStat.ioSyscalls("self");
        final Map<String, Long> serverThreadsStart = ProcStat.threadCpuTimesNs(serverPid);
        final long[] busyStartNs = new long[loops.length];
        final long[] threadCpuStartNs = new long[loops.length];
        for (int l = 0; l < loops.length; l++)
        {
            busyStartNs[l] = loops[l].busyNs();
            threadCpuStartNs[l] = threads.getThreadCpuTime(loops[l].thread().getId());
        }
        final long pacerCpuStartNs = threads.getThreadCpuTime(pacer.thread().getId());
        out.println("# step " + index + " measuring from " + Instant.now());

        final double[][] timeline = timeline(index, step);
        final String serverLowered = lowerServer();
        final long wallNs = System.nanoTime() - wallStartNs;
        final long genCpuNs = ProcStat.cpuTimeNs("self") - genCpuStartNs;
        final long serverCpuNs = ProcStat.cpuTimeNs(serverPid) - serverCpuStartNs;
        final long[] serverSyscallsEnd = ProcStat.ioSyscalls(serverPid);
        final long[] genSyscallsEnd = ProcStat.ioSyscalls("self");
        final Map<String, Long> serverThreadsEnd = ProcStat.threadCpuTimesNs(serverPid);
        final double[] selectorBusy = new double[loops.length];
        final double[] selectorCpu = new double[loops.length];
        for (int l = 0; l < loops.length; l++)
        {
            selectorBusy[l] = (double)(loops[l].busyNs() - busyStartNs[l]) / wallNs;
            final long threadCpuNs = threads.getThreadCpuTime(loops[l].thread().getId()) - threadCpuStartNs[l];
            selectorCpu[l] = (double)threadCpuNs / wallNs;
        }
        final double pacerCpu = (double)(threads.getThreadCpuTime(pacer.thread().getId()) - pacerCpuStartNs) / wallNs;
        final long serverRssKb = ProcStat.rssKb(serverPid);

        final long drainDeadlineNs = System.nanoTime() + drainNs;
        while (pacer.doneStepIndex() < index && System.nanoTime() < drainDeadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        final boolean isPacerDone = pacer.doneStepIndex() >= index;
        final long[] sentByRoom = pacer.sentByRoom().clone();
        final Histogram lag = pacer.lagHistogram().copy();
        long sent = 0;
        long expected = 0;
        for (int r = 0; r < roomCount; r++)
        {
            sent += sentByRoom[r];
            expected += sentByRoom[r] * members[r];
        }

        final ReceiverLoop.Snapshot total = new ReceiverLoop.Snapshot();
        while (true)
        {
            snapshotInto(total);
            if (total.delivered >= expected || System.nanoTime() >= drainDeadlineNs)
            {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }

        final double measureSeconds = step.measureNs() / 1e9;
        int memberCount = 0;
        for (final int m : members)
        {
            memberCount += m;
        }
        final double genCores = Runtime.getRuntime().availableProcessors();
        final double genCpu = genCpuNs < 0 ? -1 : (double)genCpuNs / wallNs;
        double maxSelector = 0;
        for (int l = 0; l < loops.length; l++)
        {
            final double busy = isSpinning ? selectorBusy[l] : Math.max(selectorBusy[l], selectorCpu[l]);
            maxSelector = Math.max(maxSelector, busy);
        }
        final boolean isGeneratorBound = maxSelector > busyLimit || (!isSpinning && genCpu > busyLimit * genCores);

        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", label);
        result.put("scenario", scenario);
        result.put("protocol", protocol.propertyValue());
        result.put("step", index);
        if (round > 0)
        {
            result.put("round", round);
        }
        result.put("clients", memberCount);
        result.put("rooms", roomCount);
        result.put("publishers", roomCount * publishersPerRoom);
        result.put("payload", payloadLength);
        result.put("offeredMsgs", rate);
        result.put("sentMsgs", sent);
        result.put("offeredDeliveries", rate * memberCount / roomCount);
        result.put("achievedDeliveries", total.windowDelivered / measureSeconds);
        result.put("expected", expected);
        result.put("received", total.delivered);
        result.put("loss", expected - total.delivered);
        result.put("late", total.late);
        result.put("other", total.other);
        result.put("noData", total.noData);
        result.put("gaps", total.gaps);
        result.put("reorders", total.reorders);
        result.put("closed", (int)total.closedInStep);
        result.put("p50Us", total.histogram.getValueAtPercentile(50) / 1000.0);
        result.put("p90Us", total.histogram.getValueAtPercentile(90) / 1000.0);
        result.put("p99Us", total.histogram.getValueAtPercentile(99) / 1000.0);
        result.put("p999Us", total.histogram.getValueAtPercentile(99.9) / 1000.0);
        result.put("maxUs", total.histogram.getMaxValue() / 1000.0);
        result.put("latencyCount", total.histogram.getTotalCount());
        result.put("timelineReceived", timeline[0]);
        result.put("timelineP50Us", timeline[1]);
        result.put("timelineP99Us", timeline[2]);
        result.put("timelineMaxUs", timeline[3]);
        result.put("genCpu", genCpu);
        result.put("genCores", genCores);
        result.put("selectorBusy", selectorBusy);
        result.put("selectorCpu", selectorCpu);
        result.put("pacerCpu", pacerCpu);
        result.put("pacerLagP99Us", lag.getValueAtPercentile(99) / 1000.0);
        result.put("pacerLagMaxUs", lag.getMaxValue() / 1000.0);
        result.put("pacerDone", isPacerDone);
        result.put("publisherWriteFailures", pacer.writeFailures());
        result.put("generatorRt", rtOutcomes() + placement.generator());
        result.put("serverRt", placement.server() + (serverLowered.isEmpty() ? "" : "; after: " + serverLowered));
        result.put("rxMBps", total.windowBytes / measureSeconds / 1e6);
        result.put("bytesPerRead", total.windowReads == 0 ? 0.0 : (double)total.windowBytes / total.windowReads);
        result.put("readsPerSecond", total.windowReads / measureSeconds);
        result.put("serverCpu", serverCpuNs < 0 || null == serverPid ? -1.0 : (double)serverCpuNs / wallNs);
        result.put("serverRssMb", serverRssKb < 0 ? -1.0 : serverRssKb / 1024.0);
        final double serverWrites = rate(serverSyscallsStart[1], serverSyscallsEnd[1], measureSeconds);
        result.put("serverReadsPerSecond", rate(serverSyscallsStart[0], serverSyscallsEnd[0], measureSeconds));
        result.put("serverWritesPerSecond", serverWrites);
        result.put("deliveriesPerServerWrite",
            serverWrites > 0 ? total.windowDelivered / measureSeconds / serverWrites : -1.0);
        result.put("genReadsPerSecond", rate(genSyscallsStart[0], genSyscallsEnd[0], measureSeconds));
        final StringBuilder serverThreads = new StringBuilder();
        final List<Map.Entry<String, Long>> threadDeltas = new ArrayList<>();
        for (final Map.Entry<String, Long> end : serverThreadsEnd.entrySet())
        {
            final long start = serverThreadsStart.getOrDefault(end.getKey(), 0L);
            threadDeltas.add(Map.entry(end.getKey(), end.getValue() - start));
        }
        threadDeltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (final Map.Entry<String, Long> delta : threadDeltas)
        {
            if (delta.getKey().equals(ProcStat.CONTEXT_SWITCHES))
            {
                result.put("serverContextSwitchesPerSecond", delta.getValue() / measureSeconds);
            }
            else if (delta.getValue() > 0 && serverThreads.length() < 200)
            {
                serverThreads.append(serverThreads.length() == 0 ? "" : ", ").append(delta.getKey()).append(' ')
                    .append(Math.round(100.0 * delta.getValue() / wallNs)).append('%');
            }
        }
        result.put("serverThreads", serverThreads.toString());
        result.put("generatorBound", isGeneratorBound);
        result.put("spin", isSpinning);
        result.put("loadAvg", loadAverage);
        return result;
    }

    private String formatRow(final Map<String, Object> r)
    {
        final StringBuilder flags = new StringBuilder();
        if ((boolean)r.get("generatorBound"))
        {
            flags.append("generator-bound ");
        }
        if (!(boolean)r.get("pacerDone"))
        {
            flags.append("pacer-behind ");
        }
        if ((long)r.get("gaps") > 0)
        {
            flags.append("gaps=").append(r.get("gaps")).append(' ');
        }
        if ((long)r.get("reorders") > 0)
        {
            flags.append("reorders=").append(r.get("reorders")).append(' ');
        }
        if ((int)r.get("closed") > 0)
        {
            flags.append("closed=").append(r.get("closed")).append(' ');
        }
        if ((long)r.get("late") > 0)
        {
            flags.append("late=").append(r.get("late")).append(' ');
        }
        final double[] busy = (double[])r.get("selectorBusy");
        final StringBuilder busyText = new StringBuilder();
        for (final double b : busy)
        {
            busyText.append(busyText.length() == 0 ? "" : "/").append(Math.round(b * 100)).append('%');
        }
        return String.format(Locale.ROOT,
            "| %-9s | %4d | %9.0f | %11.0f | %12.0f | %9d | %8.3f | %8.3f | %8.3f | %8.3f | %8.3f | %6.0f%% | %8s " +
            "| %7.3fms | %8s | %7s | %s |",
            r.get("label"), (int)r.get("step"), (double)r.get("offeredMsgs"), (double)r.get("offeredDeliveries"),
            (double)r.get("achievedDeliveries"), (long)r.get("loss"), (double)r.get("p50Us") / 1000,
            (double)r.get("p90Us") / 1000, (double)r.get("p99Us") / 1000, (double)r.get("p999Us") / 1000,
            (double)r.get("maxUs") / 1000, (double)r.get("genCpu") * 100, busyText,
            (double)r.get("pacerLagP99Us") / 1000,
            (double)r.get("serverCpu") < 0 ? "n/a" : Math.round((double)r.get("serverCpu") * 100) + "%",
            (double)r.get("serverRssMb") < 0 ? "n/a" : Math.round((double)r.get("serverRssMb")) + " MB",
            flags.toString().trim());
    }

    private void append(final Map<String, Object> result) throws IOException
    {
        if (null == resultsFile)
        {
            return;
        }

        appendJson(result);

        final Path csvPath = Path.of(resultsFile.replaceFirst("\\.[A-Za-z]+$", "") + ".csv");
        final StringBuilder csv = new StringBuilder();
        if (!Files.exists(csvPath))
        {
            csv.append(String.join(",", CSV_FIELDS)).append('\n');
        }
        for (int i = 0; i < CSV_FIELDS.length; i++)
        {
            final Object value = result.get(CSV_FIELDS[i]);
            csv.append(i == 0 ? "" : ",")
                .append(value instanceof double[] ? csvArray((double[])value) : csvValue(value));
        }
        csv.append('\n');
        Files.writeString(csvPath, csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * With real-time priority on, place the generator's threads and the server for a step by one rule: a process is
     * real-time for the step when it used at most its limit ({@link #RT_LIMIT_PROP_NAME} for the generator,
     * {@link #SERVER_RT_LIMIT_PROP_NAME} for the server) of its cores in the first two thirds of the step's warm-up.
     * The generator's pacer and selectors are raised again when the step before put them back in the normal class;
     * the server is in the normal class at the start of every step.
     *
     * @param step about to start publishing.
     * @return what was done: appended to the step's {@code generatorRt} (empty when nothing was), and its
     * {@code serverRt}.
     */
    private Placement placeForStep(final Step step)
    {
        if (rtPriority <= 0 && serverRtPriority <= 0)
        {
            return Placement.NONE;
        }
        String raised = "";
        if (isRtLowered)
        {
            isRtLowered = false;
            raised = setRtPriority(rtPriority + 1, rtPriority);
        }

        sleepUntil(step.publishStartNs);
        final long startNs = System.nanoTime();
        final long cpuStartNs = ProcStat.cpuTimeNs("self");
        final long serverCpuStartNs = ProcStat.cpuTimeNs(serverPid);
        sleepUntil(step.publishStartNs + (step.measureStartNs - step.publishStartNs) * 2 / 3);
        final double elapsedNs = System.nanoTime() - startNs;
        final double share = (ProcStat.cpuTimeNs("self") - cpuStartNs) /
            (elapsedNs * Runtime.getRuntime().availableProcessors());
        final double serverShare = null == serverPid ? -1 : (ProcStat.cpuTimeNs(serverPid) - serverCpuStartNs) /
            (elapsedNs * Math.max(1, ProcStat.cpuCount(ProcStat.cpusAllowed(serverPid))));

        String generator = raised.isEmpty() ? "" : "; raised again for this step: " + raised;
        if (rtPriority > 0 && share > rtLimit)
        {
            isRtLowered = true;
            generator = String.format(Locale.ROOT, "; normal class for this step (%.0f%% of the generator's cores " +
                "in the warm-up, limit %.0f%%): %s", share * 100, rtLimit * 100, setRtPriority(0, 0));
        }
        return new Placement(generator, placeServer(serverShare));
    }

    private String placeServer(final double serverShare)
    {
        if (serverRtPriority <= 0)
        {
            return "off";
        }
        if (serverShare < 0)
        {
            return "normal class: the server's CPU time cannot be read";
        }
        final String warmup = String.format(Locale.ROOT, "%.0f%% of its cores in the warm-up, limit %.0f%%",
            serverShare * 100, serverRtLimit * 100);
        if (serverShare > serverRtLimit)
        {
            return "normal class for this step (" + warmup + ")";
        }
        isServerRaised = true;
        return RealtimePriority.raiseProcess(serverPid, serverRtPriority) + " (" + warmup + ")";
    }

    /**
     * @return what became of the server's raised threads, or empty when it was not raised.
     */
    private String lowerServer()
    {
        if (!isServerRaised)
        {
            return "";
        }
        isServerRaised = false;
        return RealtimePriority.lowerProcess(serverPid);
    }

    private String setRtPriority(final int pacerPriority, final int selectorPriority)
    {
        return eachRtThread((raised, isPacer) -> null == raised.tid() ? "not running" :
            RealtimePriority.set(raised.tid(), isPacer ? pacerPriority : selectorPriority));
    }

    /**
     * @return the pacer's and each selector's real-time priority outcome: {@code "pacer fifo 11, selector 0 fifo 10"}.
     */
    private String rtOutcomes()
    {
        return eachRtThread((raised, isPacer) -> raised.outcome());
    }

    /**
     * @param action on each raised thread (and whether it is the pacer), giving a word on it.
     * @return {@code "pacer <word>, selector 0 <word>, ..."}.
     */
    private String eachRtThread(final BiFunction<RealtimePriority.Raised, Boolean, String> action)
    {
        final StringBuilder words = new StringBuilder("pacer ").append(action.apply(pacer.raised(), true));
        for (int l = 0; l < loops.length; l++)
        {
            words.append(", selector ").append(l).append(' ').append(action.apply(loops[l].raised(), false));
        }
        return words.toString();
    }

    /**
     * What {@link #placeForStep(Step)} did.
     *
     * @param generator appended to the step's {@code generatorRt}; empty when nothing changed.
     * @param server    the step's {@code serverRt}.
     */
    private record Placement(String generator, String server)
    {
        static final Placement NONE = new Placement("", "off");
    }

    private void appendJson(final Map<String, Object> result) throws IOException
    {
        if (null == resultsFile)
        {
            return;
        }

        final StringBuilder json = new StringBuilder("{");
        for (final Map.Entry<String, Object> entry : result.entrySet())
        {
            json.append(json.length() == 1 ? "" : ",").append('"').append(entry.getKey()).append("\":")
                .append(jsonValue(entry.getValue()));
        }
        json.append("}\n");
        final Path jsonPath = Path.of(resultsFile);
        Files.writeString(jsonPath, json, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String jsonValue(final Object value)
    {
        if (value instanceof String)
        {
            return "\"" + ((String)value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (value instanceof double[])
        {
            final StringBuilder array = new StringBuilder("[");
            for (final double d : (double[])value)
            {
                array.append(array.length() == 1 ? "" : ",").append(number(d));
            }
            return array.append(']').toString();
        }
        if (value instanceof Double)
        {
            return number((Double)value);
        }
        return String.valueOf(value);
    }

    private static String csvValue(final Object value)
    {
        if (value instanceof Double)
        {
            return number((Double)value);
        }
        final String text = String.valueOf(value);
        return text.contains(",") || text.contains(" ") ? "\"" + text + "\"" : text;
    }

    private static String csvArray(final double[] values)
    {
        final StringBuilder text = new StringBuilder();
        for (final double d : values)
        {
            text.append(text.length() == 0 ? "" : "/").append(number(d));
        }
        return text.toString();
    }

    private static String number(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return "null";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ?
            Long.toString((long)value) : String.format(Locale.ROOT, "%.4f", value);
    }

    private static double rate(final long start, final long end, final double seconds)
    {
        return start < 0 || end < 0 ? -1 : (end - start) / seconds;
    }

    private int openCount()
    {
        int open = 0;
        for (final WsClient client : clients)
        {
            if (client.isOpen())
            {
                open++;
            }
        }
        return open;
    }

    private String firstFailure()
    {
        for (final ReceiverLoop loop : loops)
        {
            if (null != loop.firstFailure())
            {
                return loop.firstFailure();
            }
        }
        return "?";
    }

    private static void sleepUntil(final long deadlineNs)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(remainingNs);
        }
    }

    static double[] parseRates(final String text)
    {
        final String[] parts = text.split(",");
        final double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            String part = parts[i].trim().toLowerCase(Locale.ROOT);
            double scale = 1;
            if (part.endsWith("k"))
            {
                scale = 1_000;
                part = part.substring(0, part.length() - 1);
            }
            else if (part.endsWith("m"))
            {
                scale = 1_000_000;
                part = part.substring(0, part.length() - 1);
            }
            values[i] = Double.parseDouble(part) * scale;
            if (!(values[i] > 0))
            {
                throw new IllegalArgumentException("rates must be > 0: " + text);
            }
        }
        return values;
    }

    private int intProperty(final String propName, final int defaultValue)
    {
        final String text = properties.getProperty(propName);
        return null == text ? defaultValue : Integer.parseInt(text.trim());
    }

    private long durationNs(final String propName, final String defaultValue)
    {
        return parseDurationNs(properties.getProperty(propName, defaultValue));
    }

    /**
     * @param value a duration: a number with {@code ns}, {@code us}, {@code ms}, {@code s} or {@code m}, or seconds.
     * @return it in nanoseconds.
     */
    static long parseDurationNs(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final String[] suffixes = {"ns", "us", "ms", "s", "m"};
        final double[] scales = {1, 1e3, 1e6, 1e9, 60e9};
        for (int i = 0; i < suffixes.length; i++)
        {
            if (text.endsWith(suffixes[i]))
            {
                return (long)(Double.parseDouble(text.substring(0, text.length() - suffixes[i].length())) * scales[i]);
            }
        }
        return (long)(Double.parseDouble(text) * 1e9);
    }

    private static String formatRates(final double[] rates)
    {
        final StringBuilder text = new StringBuilder();
        for (final double rate : rates)
        {
            text.append(text.length() == 0 ? "" : ",").append(number(rate));
        }
        return text.toString();
    }

    private static String formatMs(final long ns)
    {
        return ns % 1_000_000_000L == 0 ? (ns / 1_000_000_000L) + "s" : String.format(Locale.ROOT, "%.0fms", ns / 1e6);
    }
}
