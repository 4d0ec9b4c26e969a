package io.roomwire.engine;

import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A Roomwire node's core: launch it with a {@link Context}, connect sessions and publish through {@link Gateway}s.
 * <pre>{@code
 * try (Engine engine = Engine.launch(new Engine.Context()))
 * {
 *     Gateway gateway = engine.newGateway();          // one per thread that talks to the engine
 *     long session = gateway.openSession("user_42", new String[]{"*"}, new String[]{"*"});
 *     gateway.join(session, "prices", null);
 *     gateway.serverPublish("prices", MessageKind.TEXT, PayloadFormat.JSON, "feed", "EURUSD", payload, 0, length);
 *     gateway.poll(handler, 100);                     // deliveries arrive on the gateway's thread
 * }
 * }</pre>
 * <p>
 * Thread safety: {@link #launch(Context)}, {@link #newGateway()}, {@link #counters()} and {@link #close()} may be
 * called from any thread; all engine state is owned by the conductor thread.
 */
public final class Engine implements AutoCloseable
{
    private final Context ctx;
    private final EngineConductor conductor;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final EngineCounters counters;
    private volatile boolean isClosed;

    private Engine(final Context ctx)
    {
        this.ctx = ctx;
        this.counters = new EngineCounters(ctx.maxGateways());
        this.conductor = new EngineConductor(ctx, counters);

        if (ctx.useAgentInvoker())
        {
            runner = null;
            invoker = new AgentInvoker(ctx.errorHandler(), counters.errors(), conductor);
        }
        else
        {
            invoker = null;
            runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), counters.errors(), conductor);
        }
    }

    /**
     * Launch an engine. With {@link Context#useAgentInvoker(boolean)} the caller drives the conductor through
     * {@link #invoker()}; otherwise it starts on its own thread.
     *
     * @param ctx configuration; concluded here.
     * @return the running engine.
     */
    public static Engine launch(final Context ctx)
    {
        ctx.conclude();
        final Engine engine = new Engine(ctx);
        if (null != engine.invoker)
        {
            engine.invoker.start();
        }
        else
        {
            AgentRunner.startOnThread(engine.runner, ctx.threadFactory());
        }

        return engine;
    }

    /**
     * @return the concluded configuration.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return the invoker to drive the conductor from an embedder's duty cycle, or null when it runs on its own
     * thread.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * Create a gateway for the calling thread. A gateway must be used by one thread at a time.
     *
     * @return a new gateway.
     * @throws IllegalStateException when {@link Context#maxGateways()} gateways are open or the engine is closed.
     */
    public Gateway newGateway()
    {
        if (isClosed)
        {
            throw new IllegalStateException("engine is closed");
        }

        return conductor.gatewayRegistry().newGateway(conductor.inboundRing(), counters);
    }

    /**
     * @return the engine's counters, readable from any thread without locks. Ids are in {@link EngineCounters}.
     */
    public CountersReader counters()
    {
        return counters.reader();
    }

    /**
     * @return the engine's counters with named accessors.
     */
    public EngineCounters engineCounters()
    {
        return counters;
    }

    /**
     * Stop the conductor and release its resources. Sessions are closed with {@code shutting_down}. Idempotent.
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            CloseHelper.closeAll(runner, invoker);
        }
    }

    /**
     * Configuration of an engine. Every setting has a default and a system property (the {@code *_PROP_NAME}
     * constants; sizes accept {@code k}, {@code m}, {@code g} suffixes and durations {@code ns}, {@code us},
     * {@code ms}, {@code s}). Setters return this; {@link #conclude()} validates once, at launch.
     * <p>
     * Not thread safe: configure on one thread, then hand to {@link Engine#launch(Context)}.
     */
    public static final class Context
    {
        /**
         * Bytes of the many-to-one ring every gateway writes commands into (a power of two).
         */
        public static final String INBOUND_RING_LENGTH_PROP_NAME = "roomwire.engine.inbound.ring.length";

        /**
         * Default inbound ring length: 4 MiB.
         */
        public static final int INBOUND_RING_LENGTH_DEFAULT = 4 * 1024 * 1024;

        /**
         * Bytes of each gateway's control ring (acks, errors, joins, typing) from the conductor (a power of two).
         */
        public static final String GATEWAY_RING_LENGTH_PROP_NAME = "roomwire.engine.gateway.ring.length";

        /**
         * Default gateway ring length: 1 MiB.
         */
        public static final int GATEWAY_RING_LENGTH_DEFAULT = 1024 * 1024;

        /**
         * Most bytes of control records that may wait for space in one gateway's control ring; past it the gateway is
         * overrun and its sessions are closed.
         */
        public static final String GATEWAY_BACKLOG_LENGTH_PROP_NAME = "roomwire.engine.gateway.backlog.length";

        /**
         * Default gateway backlog: 16 MiB (allocated only while records wait).
         */
        public static final int GATEWAY_BACKLOG_LENGTH_DEFAULT = 16 * 1024 * 1024;

        /**
         * Most gateways open at once.
         */
        public static final String MAX_GATEWAYS_PROP_NAME = "roomwire.engine.max.gateways";

        /**
         * Default most gateways: 64.
         */
        public static final int MAX_GATEWAYS_DEFAULT = 64;

        /**
         * Idle strategy of the conductor thread: {@code backoff}, {@code busy-spin}, {@code yielding},
         * {@code sleeping} or {@code noop}.
         */
        public static final String IDLE_STRATEGY_PROP_NAME = "roomwire.engine.idle.strategy";

        /**
         * Default idle strategy: backoff.
         */
        public static final String IDLE_STRATEGY_DEFAULT = "backoff";

        /**
         * Most commands the conductor reads from its ring in one duty cycle.
         */
        public static final String COMMAND_LIMIT_PROP_NAME = "roomwire.engine.command.limit";

        /**
         * Default command limit per duty cycle: 256.
         */
        public static final int COMMAND_LIMIT_DEFAULT = 256;

        /**
         * Whether the conductor also writes the JSON form of every room record, once, beside the binary form.
         */
        public static final String JSON_FORM_PROP_NAME = "roomwire.engine.json.form";

        /**
         * Default: the JSON form is written.
         */
        public static final boolean JSON_FORM_DEFAULT = true;

        /**
         * A session with no command for this long is expired: it leaves its rooms (presence reason {@code expired})
         * and is closed with {@code heartbeat_timeout}.
         */
        public static final String PRESENCE_TIMEOUT_PROP_NAME = "roomwire.presence.timeout";

        /**
         * Default presence timeout: 30 s.
         */
        public static final long PRESENCE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

        /**
         * Heartbeat interval the engine advises clients to use (in {@code Connected}).
         */
        public static final String HEARTBEAT_INTERVAL_PROP_NAME = "roomwire.presence.heartbeat.interval";

        /**
         * Default heartbeat interval: 10 s.
         */
        public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

        /**
         * Resolution of the conductor's timer wheel (rounded up to a power of two nanoseconds).
         */
        public static final String TIMER_TICK_PROP_NAME = "roomwire.engine.timer.tick";

        /**
         * Default timer tick: 2^23 ns, about 8.4 ms.
         */
        public static final long TIMER_TICK_DEFAULT_NS = 1L << 23;

        /**
         * An empty room is retired, with its history, after this long without members.
         */
        public static final String ROOM_IDLE_TIMEOUT_PROP_NAME = "roomwire.room.idle.timeout";

        /**
         * Default room idle timeout: 60 s.
         */
        public static final long ROOM_IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

        /**
         * Most records a room keeps for resume.
         */
        public static final String HISTORY_RECORDS_PROP_NAME = "roomwire.room.history.records";

        /**
         * Default history records: 256.
         */
        public static final int HISTORY_RECORDS_DEFAULT = 256;

        /**
         * Most bytes a room's log grows to (a power of two); it holds history and the unread backlog of receivers.
         */
        public static final String HISTORY_LENGTH_PROP_NAME = "roomwire.room.history.length";

        /**
         * Default history length: 1 MiB.
         */
        public static final int HISTORY_LENGTH_DEFAULT = 1024 * 1024;

        /**
         * Bytes a room's log starts with (a power of two); it doubles when history or a receiver needs more.
         */
        public static final String LOG_INITIAL_LENGTH_PROP_NAME = "roomwire.room.log.initial.length";

        /**
         * Default initial log length: 1 KiB: an idle or quiet room costs little (a room of 10 that only saw its members
         * join holds them in 640-720 bytes), a busy one doubles a few times.
         */
        public static final int LOG_INITIAL_LENGTH_DEFAULT = 1024;

        /**
         * Most members (sessions) in one room.
         */
        public static final String MAX_MEMBERS_PROP_NAME = "roomwire.room.max.members";

        /**
         * Default most members per room: 10,000.
         */
        public static final int MAX_MEMBERS_DEFAULT = 10_000;

        /**
         * Comma-separated room patterns whose rooms conflate: a lagging receiver gets the latest record per key
         * instead of being cut loose.
         */
        public static final String CONFLATED_ROOMS_PROP_NAME = "roomwire.room.conflate";

        /**
         * Default: no room conflates.
         */
        public static final String CONFLATED_ROOMS_DEFAULT = "";

        /**
         * Most rooms one session is in at once.
         */
        public static final String MAX_ROOMS_PER_SESSION_PROP_NAME = "roomwire.session.max.rooms";

        /**
         * Default most rooms per session: 64.
         */
        public static final int MAX_ROOMS_PER_SESSION_DEFAULT = 64;

        /**
         * Largest payload of one publish, in bytes.
         */
        public static final String MAX_PAYLOAD_LENGTH_PROP_NAME = "roomwire.session.max.payload.length";

        /**
         * Default largest payload: 64 KiB.
         */
        public static final int MAX_PAYLOAD_LENGTH_DEFAULT = 64 * 1024;

        /**
         * Publishes per second a session may sustain (token bucket rate).
         */
        public static final String PUBLISH_RATE_PROP_NAME = "roomwire.session.publish.rate";

        /**
         * Default publish rate: 50 per second.
         */
        public static final int PUBLISH_RATE_DEFAULT = 50;

        /**
         * Publishes a session may send in a burst (token bucket depth).
         */
        public static final String PUBLISH_BURST_PROP_NAME = "roomwire.session.publish.burst";

        /**
         * Default publish burst: 100.
         */
        public static final int PUBLISH_BURST_DEFAULT = 100;

        /**
         * Typing indicators per second a session may send (token bucket rate and depth).
         */
        public static final String TYPING_RATE_PROP_NAME = "roomwire.session.typing.rate";

        /**
         * Default typing rate: 4 per second.
         */
        public static final int TYPING_RATE_DEFAULT = 4;

        /**
         * Most unread bytes a session may have in one room before it is cut loose ({@code lagging}).
         */
        public static final String OUTBOUND_LENGTH_PROP_NAME = "roomwire.session.outbound.length";

        /**
         * Default outbound budget: 256 KiB.
         */
        public static final int OUTBOUND_LENGTH_DEFAULT = 256 * 1024;

        /**
         * Most unread records a session may have in one room before it is cut loose ({@code lagging}).
         */
        public static final String OUTBOUND_RECORDS_PROP_NAME = "roomwire.session.outbound.records";

        /**
         * Default outbound budget: 1,024 records.
         */
        public static final int OUTBOUND_RECORDS_DEFAULT = 1024;

        private int inboundRingLength = SystemUtil.getSizeAsInt(INBOUND_RING_LENGTH_PROP_NAME, INBOUND_RING_LENGTH_DEFAULT);
        private int gatewayRingLength = SystemUtil.getSizeAsInt(GATEWAY_RING_LENGTH_PROP_NAME, GATEWAY_RING_LENGTH_DEFAULT);
        private int gatewayBacklogLength =
            SystemUtil.getSizeAsInt(GATEWAY_BACKLOG_LENGTH_PROP_NAME, GATEWAY_BACKLOG_LENGTH_DEFAULT);
        private int maxGateways = Integer.getInteger(MAX_GATEWAYS_PROP_NAME, MAX_GATEWAYS_DEFAULT);
        private String idleStrategyName = System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
        private IdleStrategy idleStrategy;
        private int commandLimit = Integer.getInteger(COMMAND_LIMIT_PROP_NAME, COMMAND_LIMIT_DEFAULT);
        private boolean jsonForm = Boolean.parseBoolean(System.getProperty(JSON_FORM_PROP_NAME, String.valueOf(JSON_FORM_DEFAULT)));
        private long presenceTimeoutNs = SystemUtil.getDurationInNanos(PRESENCE_TIMEOUT_PROP_NAME, PRESENCE_TIMEOUT_DEFAULT_NS);
        private long heartbeatIntervalNs = SystemUtil.getDurationInNanos(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_NS);
        private long timerTickNs = SystemUtil.getDurationInNanos(TIMER_TICK_PROP_NAME, TIMER_TICK_DEFAULT_NS);
        private long roomIdleTimeoutNs = SystemUtil.getDurationInNanos(ROOM_IDLE_TIMEOUT_PROP_NAME, ROOM_IDLE_TIMEOUT_DEFAULT_NS);
        private int historyRecords = Integer.getInteger(HISTORY_RECORDS_PROP_NAME, HISTORY_RECORDS_DEFAULT);
        private int historyLength = SystemUtil.getSizeAsInt(HISTORY_LENGTH_PROP_NAME, HISTORY_LENGTH_DEFAULT);
        private int logInitialLength = SystemUtil.getSizeAsInt(LOG_INITIAL_LENGTH_PROP_NAME, LOG_INITIAL_LENGTH_DEFAULT);
        private int maxMembersPerRoom = Integer.getInteger(MAX_MEMBERS_PROP_NAME, MAX_MEMBERS_DEFAULT);
        private String conflatedRooms = System.getProperty(CONFLATED_ROOMS_PROP_NAME, CONFLATED_ROOMS_DEFAULT);
        private int maxRoomsPerSession = Integer.getInteger(MAX_ROOMS_PER_SESSION_PROP_NAME, MAX_ROOMS_PER_SESSION_DEFAULT);
        private int maxPayloadLength = SystemUtil.getSizeAsInt(MAX_PAYLOAD_LENGTH_PROP_NAME, MAX_PAYLOAD_LENGTH_DEFAULT);
        private int publishRate = Integer.getInteger(PUBLISH_RATE_PROP_NAME, PUBLISH_RATE_DEFAULT);
        private int publishBurst = Integer.getInteger(PUBLISH_BURST_PROP_NAME, PUBLISH_BURST_DEFAULT);
        private int typingRate = Integer.getInteger(TYPING_RATE_PROP_NAME, TYPING_RATE_DEFAULT);
        private int outboundLength = SystemUtil.getSizeAsInt(OUTBOUND_LENGTH_PROP_NAME, OUTBOUND_LENGTH_DEFAULT);
        private int outboundRecords = Integer.getInteger(OUTBOUND_RECORDS_PROP_NAME, OUTBOUND_RECORDS_DEFAULT);
        private boolean useAgentInvoker;
        private EpochClock epochClock;
        private NanoClock nanoClock;
        private ErrorHandler errorHandler;
        private ThreadFactory threadFactory;
        private boolean isConcluded;

        /**
         * Validate the configuration and fill in defaults that are objects. Called by {@link Engine#launch(Context)}.
         *
         * @return this for a fluent API.
         * @throws IllegalArgumentException naming the first setting that is out of range.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                return this;
            }

            requirePowerOfTwo(INBOUND_RING_LENGTH_PROP_NAME, inboundRingLength, 64 * 1024);
            requirePowerOfTwo(GATEWAY_RING_LENGTH_PROP_NAME, gatewayRingLength, 16 * 1024);
            requirePowerOfTwo(HISTORY_LENGTH_PROP_NAME, historyLength, 4 * 1024);
            requirePowerOfTwo(LOG_INITIAL_LENGTH_PROP_NAME, logInitialLength, 1024);
            require(logInitialLength <= historyLength, LOG_INITIAL_LENGTH_PROP_NAME + " must not exceed " +
                HISTORY_LENGTH_PROP_NAME);
            require(gatewayBacklogLength >= 0 && gatewayBacklogLength <= 1 << 30,
                GATEWAY_BACKLOG_LENGTH_PROP_NAME + " must be in 0..1 GiB");
            require(maxGateways >= 1 && maxGateways <= 65_535, MAX_GATEWAYS_PROP_NAME + " must be in 1..65535");
            require(commandLimit >= 1, COMMAND_LIMIT_PROP_NAME + " must be >= 1");
            require(presenceTimeoutNs > 0, PRESENCE_TIMEOUT_PROP_NAME + " must be > 0");
            require(heartbeatIntervalNs > 0 && heartbeatIntervalNs < presenceTimeoutNs,
                HEARTBEAT_INTERVAL_PROP_NAME + " must be > 0 and less than " + PRESENCE_TIMEOUT_PROP_NAME);
            require(timerTickNs > 0, TIMER_TICK_PROP_NAME + " must be > 0");
            timerTickNs = BitUtil.findNextPositivePowerOfTwo(timerTickNs);
            require(roomIdleTimeoutNs >= 0, ROOM_IDLE_TIMEOUT_PROP_NAME + " must be >= 0");
            require(historyRecords >= 1 && historyRecords <= 1 << 24, HISTORY_RECORDS_PROP_NAME + " must be in 1..2^24");
            require(maxMembersPerRoom >= 1, MAX_MEMBERS_PROP_NAME + " must be >= 1");
            require(maxRoomsPerSession >= 1, MAX_ROOMS_PER_SESSION_PROP_NAME + " must be >= 1");
            require(maxPayloadLength >= 1, MAX_PAYLOAD_LENGTH_PROP_NAME + " must be >= 1");
            require(maxRecordLength() <= historyLength / 4, MAX_PAYLOAD_LENGTH_PROP_NAME + " " + maxPayloadLength +
                " needs " + HISTORY_LENGTH_PROP_NAME + " of at least " + BitUtil.findNextPositivePowerOfTwo(maxRecordLength() * 4));
            require(maxRecordLength() + RoomLog.COMMAND_HEADROOM <= maxInboundMessageLength(),
                INBOUND_RING_LENGTH_PROP_NAME + " too small for " + MAX_PAYLOAD_LENGTH_PROP_NAME);
            require(publishRate >= 1 && publishBurst >= 1, PUBLISH_RATE_PROP_NAME + " and " + PUBLISH_BURST_PROP_NAME +
                " must be >= 1");
            require(typingRate >= 1, TYPING_RATE_PROP_NAME + " must be >= 1");
            require(outboundRecords >= 1, OUTBOUND_RECORDS_PROP_NAME + " must be >= 1");
            require(outboundLength >= 1 && outboundLength <= historyLength / 2, OUTBOUND_LENGTH_PROP_NAME +
                " must be in 1.." + HISTORY_LENGTH_PROP_NAME + "/2 so a receiver is cut loose before it is overrun");
            for (final String pattern : conflatedRoomPatterns())
            {
                require(io.roomwire.protocol.Identifiers.isValidRoomPattern(pattern),
                    CONFLATED_ROOMS_PROP_NAME + " has an invalid pattern: " + pattern);
            }

            if (null == idleStrategy)
            {
                idleStrategy = idleStrategy(idleStrategyName);
            }
            if (null == epochClock)
            {
                epochClock = SystemEpochClock.INSTANCE;
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            if (null == errorHandler)
            {
                errorHandler = (throwable) -> throwable.printStackTrace(System.err);
            }
            if (null == threadFactory)
            {
                threadFactory = (runnable) ->
                {
                    final Thread thread = new Thread(runnable, "roomwire-engine");
                    thread.setDaemon(true);
                    return thread;
                };
            }

            isConcluded = true;
            return this;
        }

        /**
         * Parse an idle strategy name.
         *
         * @param name {@code backoff}, {@code busy-spin}, {@code yielding}, {@code sleeping} or {@code noop}.
         * @return a new idle strategy.
         */
        public static IdleStrategy idleStrategy(final String name)
        {
            switch (name)
            {
                case "backoff":
                    return new BackoffIdleStrategy();
                case "busy-spin":
                    return new BusySpinIdleStrategy();
                case "yielding":
                    return new YieldingIdleStrategy();
                case "sleeping":
                    return new SleepingMillisIdleStrategy(1);
                case "noop":
                    return new NoOpIdleStrategy();
                default:
                    throw new IllegalArgumentException(IDLE_STRATEGY_PROP_NAME + " unknown: " + name);
            }
        }

        /**
         * @return bytes of records a room keeps for resume: the history length less the outbound budget, so a
         * receiver resuming from the oldest record has an outbound budget of slack before it is cut loose.
         */
        public int retainLength()
        {
            return historyLength - outboundLength;
        }

        /**
         * @return the longest record (binary and JSON forms with their frame) a maximal publish produces.
         */
        public int maxRecordLength()
        {
            // JSON form of a binary payload is base64 (4/3) plus the envelope; identifiers are at most 64 bytes.
            return RoomLog.FRAME_HEADER_LENGTH + RoomLog.RECORD_OVERHEAD + maxPayloadLength +
                (jsonForm ? (maxPayloadLength / 3 + 1) * 4 + RoomLog.RECORD_OVERHEAD : 0);
        }

        private int maxInboundMessageLength()
        {
            return (inboundRingLength - RingBufferDescriptor.TRAILER_LENGTH) / 8;
        }

        /**
         * @return the conflated room patterns, split.
         */
        public String[] conflatedRoomPatterns()
        {
            final String trimmed = conflatedRooms.trim();
            return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s*,\\s*");
        }

        private static void requirePowerOfTwo(final String name, final int value, final int min)
        {
            require(value >= min && BitUtil.isPowerOfTwo(value), name + " must be a power of two >= " + min + ": " + value);
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }

        ManyToOneRingBuffer newInboundRing()
        {
            return new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(inboundRingLength + RingBufferDescriptor.TRAILER_LENGTH)));
        }

        /**
         * @return length in bytes of the inbound command ring, without its trailer.
         */
        public int inboundRingLength()
        {
            return inboundRingLength;
        }

        /**
         * @param length in bytes of the inbound command ring, a power of two.
         * @return this for a fluent API.
         */
        public Context inboundRingLength(final int length)
        {
            this.inboundRingLength = length;
            return this;
        }

        /**
         * @return length in bytes of each gateway's control ring, without its trailer.
         */
        public int gatewayRingLength()
        {
            return gatewayRingLength;
        }

        /**
         * @param length in bytes of each gateway's control ring, a power of two.
         * @return this for a fluent API.
         */
        public Context gatewayRingLength(final int length)
        {
            this.gatewayRingLength = length;
            return this;
        }

        /**
         * @return most bytes of control records that may wait for one gateway.
         */
        public int gatewayBacklogLength()
        {
            return gatewayBacklogLength;
        }

        /**
         * @param length most bytes of control records that may wait for one gateway.
         * @return this for a fluent API.
         */
        public Context gatewayBacklogLength(final int length)
        {
            this.gatewayBacklogLength = length;
            return this;
        }

        /**
         * @return most gateways open at once.
         */
        public int maxGateways()
        {
            return maxGateways;
        }

        /**
         * @param maxGateways most gateways open at once.
         * @return this for a fluent API.
         */
        public Context maxGateways(final int maxGateways)
        {
            this.maxGateways = maxGateways;
            return this;
        }

        /**
         * @return the conductor's idle strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param idleStrategy for the conductor thread; busy-spin for trading hosts.
         * @return this for a fluent API.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return most commands read per duty cycle.
         */
        public int commandLimit()
        {
            return commandLimit;
        }

        /**
         * @param limit most commands read per duty cycle.
         * @return this for a fluent API.
         */
        public Context commandLimit(final int limit)
        {
            this.commandLimit = limit;
            return this;
        }

        /**
         * @return whether room records carry their JSON form.
         */
        public boolean jsonForm()
        {
            return jsonForm;
        }

        /**
         * @param jsonForm whether room records carry their JSON form (needed by the Undertow adapter).
         * @return this for a fluent API.
         */
        public Context jsonForm(final boolean jsonForm)
        {
            this.jsonForm = jsonForm;
            return this;
        }

        /**
         * @return the presence timeout in nanoseconds.
         */
        public long presenceTimeoutNs()
        {
            return presenceTimeoutNs;
        }

        /**
         * @param timeoutNs presence timeout in nanoseconds.
         * @return this for a fluent API.
         */
        public Context presenceTimeoutNs(final long timeoutNs)
        {
            this.presenceTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return the advised heartbeat interval in nanoseconds.
         */
        public long heartbeatIntervalNs()
        {
            return heartbeatIntervalNs;
        }

        /**
         * @param intervalNs advised heartbeat interval in nanoseconds.
         * @return this for a fluent API.
         */
        public Context heartbeatIntervalNs(final long intervalNs)
        {
            this.heartbeatIntervalNs = intervalNs;
            return this;
        }

        /**
         * @return timer wheel resolution in nanoseconds (a power of two after conclude).
         */
        public long timerTickNs()
        {
            return timerTickNs;
        }

        /**
         * @param tickNs timer wheel resolution in nanoseconds, rounded up to a power of two.
         * @return this for a fluent API.
         */
        public Context timerTickNs(final long tickNs)
        {
            this.timerTickNs = tickNs;
            return this;
        }

        /**
         * @return how long an empty room keeps its history before it is retired, in nanoseconds.
         */
        public long roomIdleTimeoutNs()
        {
            return roomIdleTimeoutNs;
        }

        /**
         * @param timeoutNs how long an empty room keeps its history before it is retired, in nanoseconds.
         * @return this for a fluent API.
         */
        public Context roomIdleTimeoutNs(final long timeoutNs)
        {
            this.roomIdleTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return most records a room keeps for resume.
         */
        public int historyRecords()
        {
            return historyRecords;
        }

        /**
         * @param records most records a room keeps for resume.
         * @return this for a fluent API.
         */
        public Context historyRecords(final int records)
        {
            this.historyRecords = records;
            return this;
        }

        /**
         * @return most bytes a room's log grows to.
         */
        public int historyLength()
        {
            return historyLength;
        }

        /**
         * @param length most bytes a room's log grows to, a power of two.
         * @return this for a fluent API.
         */
        public Context historyLength(final int length)
        {
            this.historyLength = length;
            return this;
        }

        /**
         * @return bytes a room's log starts with.
         */
        public int logInitialLength()
        {
            return logInitialLength;
        }

        /**
         * @param length bytes a room's log starts with, a power of two.
         * @return this for a fluent API.
         */
        public Context logInitialLength(final int length)
        {
            this.logInitialLength = length;
            return this;
        }

        /**
         * @return most members (sessions) per room.
         */
        public int maxMembersPerRoom()
        {
            return maxMembersPerRoom;
        }

        /**
         * @param maxMembers most members (sessions) per room.
         * @return this for a fluent API.
         */
        public Context maxMembersPerRoom(final int maxMembers)
        {
            this.maxMembersPerRoom = maxMembers;
            return this;
        }

        /**
         * @return comma-separated patterns of rooms that conflate.
         */
        public String conflatedRooms()
        {
            return conflatedRooms;
        }

        /**
         * @param patterns comma-separated patterns of rooms that conflate.
         * @return this for a fluent API.
         */
        public Context conflatedRooms(final String patterns)
        {
            this.conflatedRooms = patterns;
            return this;
        }

        /**
         * @return most rooms per session.
         */
        public int maxRoomsPerSession()
        {
            return maxRoomsPerSession;
        }

        /**
         * @param maxRooms most rooms per session.
         * @return this for a fluent API.
         */
        public Context maxRoomsPerSession(final int maxRooms)
        {
            this.maxRoomsPerSession = maxRooms;
            return this;
        }

        /**
         * @return largest payload of one publish.
         */
        public int maxPayloadLength()
        {
            return maxPayloadLength;
        }

        /**
         * @param length largest payload of one publish, in bytes.
         * @return this for a fluent API.
         */
        public Context maxPayloadLength(final int length)
        {
            this.maxPayloadLength = length;
            return this;
        }

        /**
         * @return publishes per second a session may sustain.
         */
        public int publishRate()
        {
            return publishRate;
        }

        /**
         * @param perSecond publishes per second a session may sustain.
         * @return this for a fluent API.
         */
        public Context publishRate(final int perSecond)
        {
            this.publishRate = perSecond;
            return this;
        }

        /**
         * @return publishes a session may send in a burst.
         */
        public int publishBurst()
        {
            return publishBurst;
        }

        /**
         * @param burst publishes a session may send in a burst.
         * @return this for a fluent API.
         */
        public Context publishBurst(final int burst)
        {
            this.publishBurst = burst;
            return this;
        }

        /**
         * @return typing indicators per second a session may send.
         */
        public int typingRate()
        {
            return typingRate;
        }

        /**
         * @param perSecond typing indicators per second a session may send (also the burst).
         * @return this for a fluent API.
         */
        public Context typingRate(final int perSecond)
        {
            this.typingRate = perSecond;
            return this;
        }

        /**
         * @return most unread bytes per session per room before it is cut loose.
         */
        public int outboundLength()
        {
            return outboundLength;
        }

        /**
         * @param length most unread bytes per session per room before it is cut loose.
         * @return this for a fluent API.
         */
        public Context outboundLength(final int length)
        {
            this.outboundLength = length;
            return this;
        }

        /**
         * @return most unread records per session per room before it is cut loose.
         */
        public int outboundRecords()
        {
            return outboundRecords;
        }

        /**
         * @param records most unread records per session per room before it is cut loose.
         * @return this for a fluent API.
         */
        public Context outboundRecords(final int records)
        {
            this.outboundRecords = records;
            return this;
        }

        /**
         * @return true when the embedder drives the conductor through {@link Engine#invoker()}.
         */
        public boolean useAgentInvoker()
        {
            return useAgentInvoker;
        }

        /**
         * @param useAgentInvoker true to drive the conductor from the embedder's own duty cycle.
         * @return this for a fluent API.
         */
        public Context useAgentInvoker(final boolean useAgentInvoker)
        {
            this.useAgentInvoker = useAgentInvoker;
            return this;
        }

        /**
         * @return the wall clock used for record timestamps and epochs.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * @param clock wall clock for record timestamps and epochs.
         * @return this for a fluent API.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
        }

        /**
         * @return the monotonic clock used for timers and rates.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param clock monotonic clock for timers and rates.
         * @return this for a fluent API.
         */
        public Context nanoClock(final NanoClock clock)
        {
            this.nanoClock = clock;
            return this;
        }

        /**
         * @return the handler of errors on the conductor thread.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param handler of errors on the conductor thread; must not throw.
         * @return this for a fluent API.
         */
        public Context errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
        }

        /**
         * @return the factory of the conductor thread.
         */
        public ThreadFactory threadFactory()
        {
            return threadFactory;
        }

        /**
         * @param factory of the conductor thread.
         * @return this for a fluent API.
         */
        public Context threadFactory(final ThreadFactory factory)
        {
            this.threadFactory = factory;
            return this;
        }
    }
}
