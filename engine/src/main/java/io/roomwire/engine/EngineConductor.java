package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.SystemCounter;
import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.JsonEncoder;
import io.roomwire.protocol.codec.AckEncoder;
import io.roomwire.protocol.codec.AckStatus;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.CloseGatewayDecoder;
import io.roomwire.protocol.codec.CloseSessionDecoder;
import io.roomwire.protocol.codec.ConnectedEncoder;
import io.roomwire.protocol.codec.DeliverEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.JoinedEncoder;
import io.roomwire.protocol.codec.KeepAliveDecoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftEncoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.OpenSessionDecoder;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.Permission;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PongEncoder;
import io.roomwire.protocol.codec.PresenceEncoder;
import io.roomwire.protocol.codec.PresenceSnapshotEncoder;
import io.roomwire.protocol.codec.PresenceStatus;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.ResyncEncoder;
import io.roomwire.protocol.codec.RoomLaggingDecoder;
import io.roomwire.protocol.codec.ServerPublishDecoder;
import io.roomwire.protocol.codec.SessionClosedEncoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import io.roomwire.protocol.codec.TypingEncoder;
import io.roomwire.protocol.codec.VarAsciiEncodingEncoder;
import org.agrona.BitUtil;
import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayListUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine's single writer: decodes commands from the inbound ring, sequences room records into room logs, keeps
 * sessions, membership and presence, runs presence expiry and room retirement on a timer wheel, and answers each
 * gateway through its control ring.
 * <p>
 * Not thread safe: every method runs on the conductor thread (the {@code AgentRunner}'s, or the embedder's through
 * {@code AgentInvoker}), except {@link #gatewayRegistry()} and {@link #inboundRing()}, which hand out thread-safe
 * objects.
 */
final class EngineConductor implements Agent, MessageHandler, DeadlineTimerWheel.TimerHandler
{
    /**
     * A new session's first liveness check comes after this fraction of the presence timeout, and finds it live (the
     * check compares the session's last activity plus the timeout with the time, so a session still expires exactly
     * one timeout after it was last heard from). Later checks come one timeout after the last activity. Checking early
     * once runs the path of a live session's check within seconds of a node's first connections, while the JIT is
     * still profiling the I/O thread's loop: checked only after a whole timeout, the path was never taken when C2
     * compiled the loop with the engine's duty cycle inlined, and the first checks, 30 s in, threw the compiled loop
     * away mid-traffic (measured with 10,000 sessions at 7,000 msgs/s: the loop ran interpreted and then as C1 code for
     * 3-4 s, 34-37 s after start). Cost: one timer event per session.
     */
    static final int FIRST_LIVENESS_CHECK_DIVISOR = 8;

    /**
     * Ticks of the timer wheel: 512 ticks of ~8.4 ms span ~4.3 s, and timers further out (liveness, room retirement)
     * wait in their tick's slots for later turns. The wheel's memory is its ticks times the most timers one tick ever
     * held (Agrona gives every tick as many slots and never shrinks), and each tick scans its slots once: 1,024 ticks
     * cost 1 MiB after ten thousand joins in a burst (a hundred-odd timers landed in one tick), 128 ticks a quarter of
     * that but eight times the scanning at a million sessions; 512 hold those joins in 512 KiB and scan each slot
     * every 4.3 s.
     */
    private static final int TICKS_PER_WHEEL = 512;
    private static final int TIMER_EXPIRY_LIMIT = 1024;
    private static final int INITIAL_SLOTS = 64;
    private static final int COMMAND_BATCH = 64;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[][] NO_PATTERNS = new byte[0][];
    /**
     * Most distinct grant lists shared between sessions (see {@link #sharedPatterns(byte[][], int)}); past it, a
     * session keeps a list of its own.
     */
    static final int MAX_SHARED_PATTERN_LISTS = 4096;
    /**
     * Members a room needs before its presence records carry their JSON form. The form is written once so that each
     * delivery is a copy; a small room has few deliveries to share it, and its log holds its history of joins and
     * leaves in a quarter of the bytes without it (a room of 10 that only ever saw its members join: 640-720 bytes,
     * against about 2 KiB with the form). Gateways encode a record without its JSON form as they deliver it, so up to
     * {@code PRESENCE_JSON_MIN_MEMBERS - 1} encodes per event.
     */
    static final int PRESENCE_JSON_MIN_MEMBERS = 16;
    private static final UnsafeBuffer EMPTY_BUFFER = new UnsafeBuffer(EMPTY);

    private final Engine.Context ctx;
    private final EngineCounters counters;
    private final ManyToOneRingBuffer inboundRing;
    private final GatewayRegistry gatewayRegistry;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final DeadlineTimerWheel timerWheel;
    private final Long2ObjectHashMap<Object> timerTargetById = new Long2ObjectHashMap<>();

    /**
     * Sessions by gateway id, then by slot ({@link SessionIds}); beside them each gateway's liveness array: at
     * {@code 2 * slot} the id of the session in the slot (0 when empty), at {@code 2 * slot + 1} the time of its last
     * command. A heartbeat checks the id and stores the time in that one pair of longs, on one cache line, and does
     * not touch the {@link Session}; a stale id (of a closed session, its slot empty or reused) does not match.
     * A gateway's arrays are made on its first session and double when a slot beyond them opens: the copy is O(slots)
     * on the conductor thread, amortised O(1) per session opened, and happens only as a gateway reaches a new high of
     * sessions. They are dropped when the gateway closes.
     */
    private final Session[][] sessionsByGateway;
    private final long[][] livenessByGateway;
    private int sessionCount;
    private final AsciiKeyTable<Room> rooms;
    private final AsciiKeyTable<User> users;
    private final Int2ObjectHashMap<User> userById = new Int2ObjectHashMap<>();
    /**
     * Grant lists by their patterns, one list per distinct content, so the sessions of a deployment share the few
     * lists their tokens grant (ten thousand guests' {@code *} and {@code *} were 96 bytes each). Lists are immutable.
     */
    private final HashMap<String, byte[][]> sharedPatternLists = new HashMap<>();
    private final RateLimiter publishLimiter;
    private final RateLimiter typingLimiter;
    private final byte[][] conflatedPatterns;
    private final byte[][] reasonByErrorCode = new byte[256][];
    private final ArrayList<Subscription> revokedSubscriptions = new ArrayList<>();
    private final ExpandableRingBuffer[] backlogs;
    private final ExpandableRingBuffer.MessageConsumer backlogConsumer = this::offerBacklogged;
    private OneToOneRingBuffer drainingRing;
    private int backloggedGateways;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final OpenSessionDecoder openSessionDecoder = new OpenSessionDecoder();
    private final CloseSessionDecoder closeSessionDecoder = new CloseSessionDecoder();
    private final CloseGatewayDecoder closeGatewayDecoder = new CloseGatewayDecoder();
    private final JoinDecoder joinDecoder = new JoinDecoder();
    private final LeaveDecoder leaveDecoder = new LeaveDecoder();
    private final PublishDecoder publishDecoder = new PublishDecoder();
    private final ServerPublishDecoder serverPublishDecoder = new ServerPublishDecoder();
    private final TypingCommandDecoder typingDecoder = new TypingCommandDecoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final RoomLaggingDecoder roomLaggingDecoder = new RoomLaggingDecoder();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DeliverEncoder deliverEncoder = new DeliverEncoder();
    private final PresenceEncoder presenceEncoder = new PresenceEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final JoinedEncoder joinedEncoder = new JoinedEncoder();
    private final PresenceSnapshotEncoder presenceSnapshotEncoder = new PresenceSnapshotEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final ResyncEncoder resyncEncoder = new ResyncEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final LeftEncoder leftEncoder = new LeftEncoder();
    private final TypingEncoder typingEncoder = new TypingEncoder();
    private final SessionClosedEncoder sessionClosedEncoder = new SessionClosedEncoder();
    private final JsonEncoder jsonEncoder = new JsonEncoder();

    private final UnsafeBuffer roomView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer idView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer authorView = new UnsafeBuffer(0, 0);
    /** Wraps the publishing user's name for the record: a view per user would cost every user 48 bytes. */
    private final UnsafeBuffer userNameView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer recordBuffer;
    private final ExpandableArrayBuffer jsonBuffer = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer controlBuffer = new ExpandableArrayBuffer(4096);

    /**
     * Sum of what {@link #touchSessionsOfNextCommands(int)} loaded, kept so the compiler keeps the loads.
     */
    private long touchedSum;
    private final int[] touchGatewayIds = new int[COMMAND_BATCH];
    private final int[] touchIndexes = new int[COMMAND_BATCH];
    private long nowNs;
    private long nowMs;
    private long lastEpoch;
    private long nextSubscriptionId = 1;
    private int nextUserId = 1;

    EngineConductor(final Engine.Context ctx, final EngineCounters counters)
    {
        this.ctx = ctx;
        this.counters = counters;
        this.inboundRing = ctx.newInboundRing();
        this.gatewayRegistry = new GatewayRegistry(ctx);
        this.nanoClock = ctx.nanoClock();
        this.epochClock = ctx.epochClock();
        this.nowNs = nanoClock.nanoTime();
        this.nowMs = epochClock.time();
        this.timerWheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, ctx.timerTickNs(), TICKS_PER_WHEEL);
        final long seed = ThreadLocalRandom.current().nextLong();
        this.rooms = new AsciiKeyTable<>(seed);
        this.users = new AsciiKeyTable<>(seed * 31);
        this.publishLimiter = new RateLimiter(ctx.publishRate(), ctx.publishBurst());
        this.typingLimiter = new RateLimiter(ctx.typingRate(), ctx.typingRate());
        this.recordBuffer = new UnsafeBuffer(new byte[ctx.maxRecordLength()]);
        this.backlogs = new ExpandableRingBuffer[ctx.maxGateways()];
        this.sessionsByGateway = new Session[ctx.maxGateways()][];
        this.livenessByGateway = new long[ctx.maxGateways()][];

        final String[] patterns = ctx.conflatedRoomPatterns();
        this.conflatedPatterns = new byte[patterns.length][];
        for (int i = 0; i < patterns.length; i++)
        {
            conflatedPatterns[i] = patterns[i].getBytes(StandardCharsets.US_ASCII);
        }
        for (final ErrorCode code : ErrorCode.values())
        {
            if (code != ErrorCode.NULL_VAL)
            {
                reasonByErrorCode[code.value()] = ErrorCodes.description(code).getBytes(StandardCharsets.UTF_8);
            }
        }
        warmRingWraps();
        warmRoomLogs();
    }

    /**
     * Take the inbound ring's wrap paths before any traffic, on a small scratch ring that wraps every few dozen
     * commands: claims across the ring's end and the padding they leave, reads over it, and this conductor's scan
     * ahead meeting the end. The JIT keeps branch profiles per method, not per ring, so when it compiles the hot
     * paths under traffic it has seen these branches taken and compiles them in. Without this the node's first real
     * wrap, after 4 MiB of commands (a few seconds at 20,000 publishes a second, minutes at 1,000), met code compiled
     * without them: an uncommon trap in the I/O thread's loop, which ran interpreted and C1-compiled until C2
     * compiled it again, and on one core a p99 two to three times the others' in the seconds that took (see
     * docs/operations.md, warm-up).
     */
    private void warmRingWraps()
    {
        JitWarmup.ringWraps(this::touchSessionsOfNextCommands, COMMAND_BATCH);
        touchedSum = 0;
    }

    /**
     * Take a room log's rare write paths before any traffic, on scratch logs ({@link JitWarmup#roomLogs}): a history
     * count filling, growth for history and ahead of need, a log at its maximum wrapping. Without this the first room
     * to keep its full history (256 records by default: in the benchmark's many rooms, about a minute in) met code
     * compiled without that branch, an uncommon trap in the I/O thread's loop, the same as the ring's first wrap.
     */
    private void warmRoomLogs()
    {
        JitWarmup.roomLogs(recordBuffer, jsonBuffer);
    }

    GatewayRegistry gatewayRegistry()
    {
        return gatewayRegistry;
    }

    ManyToOneRingBuffer inboundRing()
    {
        return inboundRing;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "roomwire-conductor";
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        nowNs = nanoClock.nanoTime();
        nowMs = epochClock.time();

        int workCount = backloggedGateways > 0 ? drainBacklogs() : 0;
        workCount += readCommands(ctx.commandLimit());
        workCount += pollTimers();
        counters.counter(SystemCounter.INBOUND_RING_OCCUPANCY).setRelease(inboundRing.size());

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final Throwable throwable)
    {
        ctx.errorHandler().onError(throwable);
    }

    /**
     * Close every session with {@code shutting_down}, so gateways can tell their clients.
     */
    public void onClose()
    {
        for (int gatewayId = 0; gatewayId < sessionsByGateway.length; gatewayId++)
        {
            closeSessionsOf(gatewayId, LeaveReason.SHUTDOWN, ErrorCode.SHUTTING_DOWN);
        }
    }

    // ------------------------------------------------------------------ inbound commands

    /**
     * Read up to {@code limit} commands in batches, touching the liveness pairs of each batch's sessions before
     * reading it (see {@link #touchSessionsOfNextCommands(int)}).
     */
    private int readCommands(final int limit)
    {
        int read = 0;
        while (read < limit)
        {
            final int batch = Math.min(COMMAND_BATCH, limit - read);
            if (0 == touchSessionsOfNextCommands(inboundRing, batch))
            {
                break;
            }
            final int count = inboundRing.read(this, batch);
            read += count;
            if (count < batch)
            {
                break;
            }
        }

        return read;
    }

    /**
     * Load the liveness pair of the session each of the next commands names, before any of them runs. With a million
     * sessions each pair is a cache miss; loaded here, in a loop whose next step does not wait for the value, the
     * misses of a batch overlap instead of each command waiting for its own, and the commands then find their pairs
     * in cache. Reads only committed records, as the ring's single consumer, and changes nothing.
     *
     * @return records found, padding included: 0 when the ring is empty, so an idle duty cycle reads no further.
     */
    private int touchSessionsOfNextCommands(final ManyToOneRingBuffer ring, final int limit)
    {
        final AtomicBuffer buffer = ring.buffer();
        final int capacity = ring.capacity();
        final long[][] livenessByGateway = this.livenessByGateway;
        final int[] gatewayIds = touchGatewayIds;
        final int[] indexes = touchIndexes;
        int recordIndex = (int)ring.consumerPosition() & (capacity - 1);
        int count = 0;
        int records = 0;
        for (; records < limit && recordIndex < capacity; records++)
        {
            final int recordLength = buffer.getIntVolatile(RecordDescriptor.lengthOffset(recordIndex));
            if (recordLength <= 0)
            {
                break;
            }
            if (buffer.getInt(RecordDescriptor.typeOffset(recordIndex)) != RingBuffer.PADDING_MSG_TYPE_ID)
            {
                final long sessionId = buffer.getLong(RecordDescriptor.encodedMsgOffset(recordIndex));
                final int gatewayId = SessionIds.gatewayId(sessionId);
                final long[] liveness = gatewayId >= 0 && gatewayId < livenessByGateway.length ?
                    livenessByGateway[gatewayId] : null;
                final int index = SessionIds.slot(sessionId) << 1;
                if (null != liveness && index < liveness.length)
                {
                    gatewayIds[count] = gatewayId;
                    indexes[count++] = index;
                }
            }
            recordIndex += BitUtil.align(recordLength, RecordDescriptor.ALIGNMENT);
        }

        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += livenessByGateway[gatewayIds[i]][indexes[i]];
        }
        touchedSum = sum;

        return records;
    }

    /**
     * Dispatch one inbound command: a session id, then one SBE message.
     * {@inheritDoc}
     */
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        counters.counter(SystemCounter.COMMANDS).incrementRelease();
        final long sessionId = buffer.getLong(index);
        final int offset = index + Gateway.COMMAND_PREFIX_LENGTH;
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;

        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            final Session session = session(sessionId);
            if (null != session)
            {
                sendError(session, ErrorCode.UNSUPPORTED_VERSION, null, null);
            }
            return;
        }

        switch (templateId)
        {
            case OpenSessionDecoder.TEMPLATE_ID:
                openSessionDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onOpenSession(openSessionDecoder);
                break;

            case CloseGatewayDecoder.TEMPLATE_ID:
                closeGatewayDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onCloseGateway(closeGatewayDecoder.gatewayId());
                break;

            case ServerPublishDecoder.TEMPLATE_ID:
                serverPublishDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onServerPublish(serverPublishDecoder);
                break;

            default:
                onSessionCommand(sessionId, templateId, buffer, bodyOffset, blockLength, version);
        }

        processRevocations();
    }

    /**
     * Mark the session alive and run its command. A heartbeat ({@code Ping}, {@code KeepAlive}) reads and writes only
     * the session's pair in its gateway's liveness array (and a {@code Ping} answers with the gateway and session
     * named by the id), so it costs one cache line of session state however many sessions there are.
     */
    private void onSessionCommand(
        final long sessionId,
        final int templateId,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final int gatewayId = SessionIds.gatewayId(sessionId);
        final long[] liveness = gatewayId >= 0 && gatewayId < livenessByGateway.length ?
            livenessByGateway[gatewayId] : null;
        final int slot = SessionIds.slot(sessionId);
        final int index = slot << 1;
        if (null == liveness || index >= liveness.length || liveness[index] != sessionId)
        {
            counters.counter(SystemCounter.UNKNOWN_SESSION_COMMANDS).incrementRelease();
            return;
        }
        liveness[index + 1] = nowNs;

        if (templateId == PingDecoder.TEMPLATE_ID)
        {
            pingDecoder.wrap(buffer, bodyOffset, blockLength, version);
            onPing(gatewayId, sessionId, pingDecoder);
            return;
        }
        if (templateId == KeepAliveDecoder.TEMPLATE_ID)
        {
            return;
        }

        final Session session = sessionsByGateway[gatewayId][slot];
        switch (templateId)
        {
            case PublishDecoder.TEMPLATE_ID:
                publishDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onPublish(session, publishDecoder);
                break;

            case JoinDecoder.TEMPLATE_ID:
                joinDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onJoin(session, joinDecoder);
                break;

            case LeaveDecoder.TEMPLATE_ID:
                leaveDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onLeave(session, leaveDecoder);
                break;

            case TypingCommandDecoder.TEMPLATE_ID:
                typingDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onTyping(session, typingDecoder);
                break;

            case RoomLaggingDecoder.TEMPLATE_ID:
                roomLaggingDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRoomLagging(session, roomLaggingDecoder);
                break;

            case CloseSessionDecoder.TEMPLATE_ID:
                closeSessionDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final LeaveReason reason = closeSessionDecoder.reason();
                closeSession(session, reason == LeaveReason.NULL_VAL ? LeaveReason.DISCONNECTED : reason, null);
                break;

            default:
                sendError(session, ErrorCode.MALFORMED, null, null);
        }
    }

    private void onOpenSession(final OpenSessionDecoder decoder)
    {
        final long sessionId = decoder.sessionId();
        final int gatewayId = decoder.gatewayId();
        final int slot = SessionIds.slot(sessionId);
        final Gateway gateway = gatewayRegistry.get(gatewayId);
        if (null == gateway || SessionIds.gatewayId(sessionId) != gatewayId || isSlotTaken(gatewayId, slot))
        {
            counters.counter(SystemCounter.UNKNOWN_SESSION_COMMANDS).incrementRelease();
            return;
        }

        int joinCount = 0;
        int publishCount = 0;
        final OpenSessionDecoder.GrantsDecoder grants = decoder.grants();
        final byte[][] joinPatterns = new byte[grants.count()][];
        final byte[][] publishPatterns = new byte[grants.count()][];
        while (grants.hasNext())
        {
            grants.next();
            final Permission permission = grants.permission();
            final byte[] pattern = new byte[grants.patternLength()];
            grants.getPattern(pattern, 0, pattern.length);
            if (permission == Permission.JOIN)
            {
                joinPatterns[joinCount++] = pattern;
            }
            else if (permission == Permission.PUBLISH)
            {
                publishPatterns[publishCount++] = pattern;
            }
        }
        decoder.wrapUserId(authorView);

        final User user = internUser(authorView);
        final Session session = new Session(
            sessionId,
            user,
            sharedPatterns(joinPatterns, joinCount),
            sharedPatterns(publishPatterns, publishCount));
        user.sessionCount++;
        ensureSlot(gatewayId, slot);
        sessionsByGateway[gatewayId][slot] = session;
        final long[] liveness = livenessByGateway[gatewayId];
        liveness[slot << 1] = sessionId;
        liveness[(slot << 1) + 1] = nowNs;
        counters.counter(SystemCounter.SESSIONS).setRelease(++sessionCount);
        // The first check comes early and finds the session live: see FIRST_LIVENESS_CHECK_DIVISOR.
        scheduleLiveness(session, nowNs + ctx.presenceTimeoutNs() / FIRST_LIVENESS_CHECK_DIVISOR);

        connectedEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
            .sessionId(sessionId)
            .heartbeatIntervalMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.heartbeatIntervalNs()))
            .heartbeatTimeoutMs((int)TimeUnit.NANOSECONDS.toMillis(ctx.presenceTimeoutNs()))
            .maxPayloadBytes(ctx.maxPayloadLength())
            .maxRoomsPerSession(ctx.maxRoomsPerSession())
            .publishRatePerSecond(ctx.publishRate())
            .publishBurst(ctx.publishBurst())
            .putUserId(user.key, 0, user.key.length);
        send(gatewayId, ControlEvents.CONTROL, sessionId, 0, 0, connectedEncoder.encodedLength());
    }

    private void onCloseGateway(final int gatewayId)
    {
        closeSessionsOf(gatewayId, LeaveReason.DISCONNECTED, null);
        if (gatewayId >= 0 && gatewayId < sessionsByGateway.length)
        {
            sessionsByGateway[gatewayId] = null;
            livenessByGateway[gatewayId] = null;
        }
        clearBacklog(gatewayId);
        gatewayRegistry.release(gatewayId);
        counters.counter(SystemCounter.GATEWAYS).setRelease(gatewayRegistry.size());
    }

    private void onJoin(final Session session, final JoinDecoder decoder)
    {
        final long resumeEpoch = decoder.resumeEpoch();
        final long resumeSeq = decoder.resumeSeq();
        decoder.wrapRoom(roomView);
        decoder.wrapCorrelationId(idView);

        final ErrorCode invalid = validateRoomAndId(roomView, idView);
        if (null != invalid)
        {
            sendError(session, invalid, roomView, idView);
            return;
        }
        if (!Session.isGranted(session.joinPatterns, roomView, 0, roomView.capacity()))
        {
            sendError(session, ErrorCode.NOT_PERMITTED, roomView, idView);
            return;
        }

        final boolean hasResume = resumeEpoch != JoinDecoder.resumeEpochNullValue() &&
            resumeSeq != JoinDecoder.resumeSeqNullValue();
        if (hasResume && (resumeEpoch < 0 || resumeSeq < 0))
        {
            sendError(session, ErrorCode.MALFORMED, roomView, idView);
            return;
        }

        Room room = findRoom(roomView);
        if (null != room)
        {
            if (session.indexOf(room) >= 0)
            {
                sendError(session, ErrorCode.ALREADY_JOINED, roomView, idView);
                return;
            }
            if (room.memberCount >= ctx.maxMembersPerRoom())
            {
                sendError(session, ErrorCode.ROOM_FULL, roomView, idView);
                return;
            }
            if (hasResume && resumeEpoch == room.epoch && resumeSeq > room.log.engineHeadSeq())
            {
                sendError(session, ErrorCode.RESUME_AHEAD, roomView, idView);
                return;
            }
        }
        if (session.roomCount >= ctx.maxRoomsPerSession())
        {
            sendError(session, ErrorCode.TOO_MANY_ROOMS, roomView, idView);
            return;
        }
        if (null == room)
        {
            room = createRoom(roomView);
        }

        final int userId = session.user.id;
        final int sessionsOfUser = room.sessionsByUserId.get(userId);
        room.sessionsByUserId.put(userId, sessionsOfUser + 1);
        if (sessionsOfUser == 0)
        {
            appendPresence(room, session.user, PresenceStatus.JOINED, LeaveReason.NONE);
        }

        final RoomLog log = room.log;
        boolean isResync = false;
        long fromSeq = log.engineHeadSeq() + 1;
        if (hasResume)
        {
            if (resumeEpoch == 0 && resumeSeq == 0)
            {
                fromSeq = log.oldestSeq();
            }
            else if (resumeEpoch == room.epoch && resumeSeq + 1 >= log.oldestSeq())
            {
                fromSeq = resumeSeq + 1;
            }
            else
            {
                isResync = true;
                fromSeq = log.oldestSeq();
            }
        }

        final long startPosition = log.positionOf(fromSeq);
        Subscription subscription = room.subscriptionOf(session.gatewayId());
        if (null == subscription)
        {
            subscription = new Subscription(nextSubscriptionId++, room, session.gatewayId(), startPosition);
            if (!gatewayRegistry.get(session.gatewayId()).offerSubscription(subscription))
            {
                if (sessionsOfUser == 0)
                {
                    room.sessionsByUserId.remove(userId);
                    appendPresence(room, session.user, PresenceStatus.LEFT, LeaveReason.LAGGING);
                }
                else
                {
                    room.sessionsByUserId.put(userId, sessionsOfUser);
                }
                onGatewayOverrun(session.gatewayId());
                return;
            }
            room.addSubscription(subscription);
        }
        subscription.onJoinIssued(startPosition);
        room.cachedFloor = Math.min(room.cachedFloor, startPosition);

        final int memberIndex = subscription.addMember(session);
        session.addSubscription(subscription, memberIndex,
            Session.isGranted(session.publishPatterns, roomView, 0, roomView.capacity()));
        room.memberCount++;
        cancelRetirement(room);

        if (isResync)
        {
            resyncEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
                .epoch(room.epoch)
                .headSeq(log.engineHeadSeq())
                .fromSeq(fromSeq)
                .requestedEpoch(resumeEpoch)
                .requestedSeq(resumeSeq)
                .putRoom(room.key, 0, room.key.length);
            send(session.gatewayId(), ControlEvents.CONTROL, session.id, 0, 0, resyncEncoder.encodedLength());
        }

        sendJoined(session, subscription, room, fromSeq, startPosition);
    }

    private void sendJoined(
        final Session session, final Subscription subscription, final Room room, final long fromSeq, final long startPosition)
    {
        final int membersTotal = room.sessionsByUserId.size();
        final int maxMessage = gatewayRegistry.get(session.gatewayId()).maxControlMessageLength() -
            ControlEvents.PREFIX_LENGTH - 256;
        final int perMember = VarAsciiEncodingEncoder.lengthEncodingLength() + Identifiers.MAX_LENGTH;
        final int membersPerMessage = Math.max(1, maxMessage / perMember);

        final Int2IntIterator iterator = memberIterator.reset(room);
        int remaining = membersTotal;
        while (remaining > membersPerMessage)
        {
            presenceSnapshotEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder);
            final PresenceSnapshotEncoder.MembersEncoder members = presenceSnapshotEncoder.membersCount(membersPerMessage);
            for (int i = 0; i < membersPerMessage; i++)
            {
                final User user = userById.get(iterator.nextKey());
                members.next().putUserId(user.key, 0, user.key.length);
            }
            presenceSnapshotEncoder.putRoom(room.key, 0, room.key.length);
            send(session.gatewayId(), ControlEvents.CONTROL, session.id, 0, 0, presenceSnapshotEncoder.encodedLength());
            remaining -= membersPerMessage;
        }

        joinedEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
            .epoch(room.epoch)
            .headSeq(room.log.engineHeadSeq())
            .fromSeq(fromSeq)
            .membersTotal(membersTotal)
            .conflated(room.isConflated ? BooleanType.TRUE : BooleanType.FALSE);
        final JoinedEncoder.MembersEncoder members = joinedEncoder.membersCount(remaining);
        for (int i = 0; i < remaining; i++)
        {
            final User user = userById.get(iterator.nextKey());
            members.next().putUserId(user.key, 0, user.key.length);
        }
        joinedEncoder.putRoom(room.key, 0, room.key.length);
        joinedEncoder.putCorrelationId(idView, 0, idView.capacity());
        send(session.gatewayId(), ControlEvents.JOINED, session.id, subscription.id, startPosition,
            joinedEncoder.encodedLength());
    }

    private void onLeave(final Session session, final LeaveDecoder decoder)
    {
        decoder.wrapRoom(roomView);
        decoder.wrapCorrelationId(idView);
        final ErrorCode invalid = validateRoomAndId(roomView, idView);
        if (null != invalid)
        {
            sendError(session, invalid, roomView, idView);
            return;
        }

        final Room room = findRoom(roomView);
        final int index = null == room ? -1 : session.indexOf(room);
        if (index < 0)
        {
            sendError(session, ErrorCode.NOT_A_MEMBER, roomView, idView);
            return;
        }

        removeMembership(session, index, LeaveReason.LEFT, true);
    }

    private void onPublish(final Session session, final PublishDecoder decoder)
    {
        final MessageKind kind = decoder.kind();
        final PayloadFormat format = decoder.format();
        decoder.wrapRoom(roomView);
        decoder.wrapClientMessageId(idView);
        decoder.wrapKey(keyView);
        final int payloadLength = decoder.payloadLength();
        final int payloadOffset = decoder.limit() + PublishDecoder.payloadHeaderLength();
        payloadView.wrap(decoder.buffer(), payloadOffset, payloadLength);

        ErrorCode error = validateRoomAndId(roomView, idView);
        if (null == error)
        {
            error = validatePublish(kind, format, payloadLength);
        }
        if (null == error)
        {
            final long tat = publishLimiter.tryAcquire(session.publishTat, nowNs);
            if (tat == Long.MIN_VALUE)
            {
                error = ErrorCode.RATE_LIMITED;
            }
            else
            {
                session.publishTat = tat;
            }
        }

        Room room = null;
        if (null == error)
        {
            room = findRoom(roomView);
            final int index = null == room ? -1 : session.indexOf(room);
            final boolean mayPublish = index >= 0 ?
                session.mayPublish(index) : Session.isGranted(session.publishPatterns, roomView, 0, roomView.capacity());
            if (!mayPublish)
            {
                error = ErrorCode.NOT_PERMITTED;
            }
        }
        if (null != error)
        {
            sendError(session, error, roomView, idView);
            return;
        }

        if (null == room)
        {
            room = createRoom(roomView);
            scheduleRetirement(room);
        }

        userNameView.wrap(session.user.key);
        final long seq = appendDeliver(room, kind, format, userNameView, keyView, payloadView);
        if (idView.capacity() > 0)
        {
            ackEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
                .status(AckStatus.DELIVERED)
                .epoch(room.epoch)
                .seq(seq)
                .putRoom(room.key, 0, room.key.length)
                .putClientMessageId(idView, 0, idView.capacity());
            send(session.gatewayId(), ControlEvents.CONTROL, session.id, 0, 0, ackEncoder.encodedLength());
            counters.counter(SystemCounter.ACKS).incrementRelease();
        }
    }

    private void onServerPublish(final ServerPublishDecoder decoder)
    {
        final MessageKind kind = decoder.kind();
        final PayloadFormat format = decoder.format();
        decoder.wrapRoom(roomView);
        decoder.wrapAuthor(authorView);
        decoder.wrapKey(keyView);
        final int payloadLength = decoder.payloadLength();
        payloadView.wrap(decoder.buffer(), decoder.limit() + ServerPublishDecoder.payloadHeaderLength(), payloadLength);

        if (!Identifiers.isValidRoom(roomView, 0, roomView.capacity()) ||
            !Identifiers.isValidUser(authorView, 0, authorView.capacity()) ||
            (keyView.capacity() > 0 && !Identifiers.isValidId(keyView, 0, keyView.capacity())) ||
            null != validatePublish(kind, format, payloadLength))
        {
            counters.counter(SystemCounter.REJECTS).incrementRelease();
            ctx.errorHandler().onError(new IllegalArgumentException("server publish refused: invalid room, author, " +
                "key, kind, format or payload length"));
            return;
        }

        Room room = findRoom(roomView);
        if (null == room)
        {
            room = createRoom(roomView);
            scheduleRetirement(room);
        }
        appendDeliver(room, kind, format, authorView, keyView, payloadView);
    }

    private ErrorCode validatePublish(final MessageKind kind, final PayloadFormat format, final int payloadLength)
    {
        if (kind == MessageKind.NULL_VAL || format == PayloadFormat.NULL_VAL)
        {
            return ErrorCode.MALFORMED;
        }
        if (payloadLength > ctx.maxPayloadLength())
        {
            return ErrorCode.PAYLOAD_TOO_LARGE;
        }
        if (keyView.capacity() > 0 && !Identifiers.isValidId(keyView, 0, keyView.capacity()))
        {
            return ErrorCode.INVALID_ID;
        }

        return null;
    }

    private void onTyping(final Session session, final TypingCommandDecoder decoder)
    {
        final BooleanType isTyping = decoder.isTyping();
        decoder.wrapRoom(roomView);
        idView.wrap(EMPTY);
        if (!Identifiers.isValidRoom(roomView, 0, roomView.capacity()))
        {
            sendError(session, ErrorCode.INVALID_ROOM, roomView, null);
            return;
        }

        final Room room = findRoom(roomView);
        if (null == room)
        {
            sendError(session, ErrorCode.NOT_A_MEMBER, roomView, null);
            return;
        }
        if (session.indexOf(room) < 0 && !Session.isGranted(session.joinPatterns, roomView, 0, roomView.capacity()))
        {
            sendError(session, ErrorCode.NOT_PERMITTED, roomView, null);
            return;
        }

        final long tat = typingLimiter.tryAcquire(session.typingTat, nowNs);
        if (tat == Long.MIN_VALUE)
        {
            sendError(session, ErrorCode.RATE_LIMITED, roomView, null);
            return;
        }
        session.typingTat = tat;

        typingEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
            .isTyping(isTyping == BooleanType.TRUE ? BooleanType.TRUE : BooleanType.FALSE)
            .putRoom(room.key, 0, room.key.length)
            .putUserId(session.user.key, 0, session.user.key.length);
        final int length = typingEncoder.encodedLength();
        for (int i = 0; i < room.subscriptionCount; i++)
        {
            final Subscription subscription = room.subscriptions[i];
            send(subscription.gatewayId, ControlEvents.BROADCAST, session.id, subscription.id, 0, length);
        }
        counters.counter(SystemCounter.TYPING).incrementRelease();
    }

    private void onPing(final int gatewayId, final long sessionId, final PingDecoder decoder)
    {
        pongEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
            .timestamp(decoder.timestamp())
            .serverTimestamp(nowMs);
        send(gatewayId, ControlEvents.CONTROL, sessionId, 0, 0, pongEncoder.encodedLength());
    }

    private void onRoomLagging(final Session session, final RoomLaggingDecoder decoder)
    {
        decoder.wrapRoom(roomView);
        final Room room = findRoom(roomView);
        final int index = null == room ? -1 : session.indexOf(room);
        if (index >= 0)
        {
            removeMembership(session, index, LeaveReason.LAGGING, false);
        }
    }

    // ------------------------------------------------------------------ sessions and membership

    private void closeSession(final Session session, final LeaveReason reason, final ErrorCode notifyCode)
    {
        // Out of its slot first, so no walk over the gateway's sessions that this close sets off meets it again.
        sessionsByGateway[session.gatewayId()][session.slot()] = null;
        final long[] liveness = livenessByGateway[session.gatewayId()];
        liveness[session.slot() << 1] = 0;
        liveness[(session.slot() << 1) + 1] = 0;
        counters.counter(SystemCounter.SESSIONS).setRelease(--sessionCount);

        for (int i = session.roomCount - 1; i >= 0; i--)
        {
            removeMembership(session, i, reason, false);
        }

        if (session.livenessTimerId != DeadlineTimerWheel.NULL_DEADLINE)
        {
            timerWheel.cancelTimer(session.livenessTimerId);
            timerTargetById.remove(session.livenessTimerId);
            session.livenessTimerId = DeadlineTimerWheel.NULL_DEADLINE;
        }

        final User user = session.user;
        if (--user.sessionCount == 0)
        {
            users.remove(user);
            userById.remove(user.id);
        }

        if (null != notifyCode)
        {
            sessionClosedEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
                .code(notifyCode)
                .putReason(reasonByErrorCode[notifyCode.value()], 0, reasonByErrorCode[notifyCode.value()].length);
            send(session.gatewayId(), ControlEvents.SESSION_CLOSED, session.id, 0, 0, sessionClosedEncoder.encodedLength());
        }
    }

    /**
     * Close every session of a gateway, walking its slots: O(slots), on a gateway's close or overrun and the engine's.
     */
    private void closeSessionsOf(final int gatewayId, final LeaveReason reason, final ErrorCode notifyCode)
    {
        final Session[] sessions = gatewayId >= 0 && gatewayId < sessionsByGateway.length ?
            sessionsByGateway[gatewayId] : null;
        if (null != sessions)
        {
            for (int slot = 0; slot < sessions.length; slot++)
            {
                final Session session = sessions[slot];
                if (null != session)
                {
                    closeSession(session, reason, notifyCode);
                }
            }
        }
    }

    /**
     * @param sessionId any value.
     * @return the open session with this id, or null: an id of a closed session (whose slot may hold a newer one), of
     * a gateway with no sessions, or no id at all.
     */
    private Session session(final long sessionId)
    {
        final int gatewayId = SessionIds.gatewayId(sessionId);
        final Session[] sessions = gatewayId >= 0 && gatewayId < sessionsByGateway.length ?
            sessionsByGateway[gatewayId] : null;
        final int slot = SessionIds.slot(sessionId);
        final Session session = null == sessions || slot >= sessions.length ? null : sessions[slot];

        return null != session && session.id == sessionId ? session : null;
    }

    private boolean isSlotTaken(final int gatewayId, final int slot)
    {
        final long[] liveness = livenessByGateway[gatewayId];
        return null != liveness && (slot << 1) < liveness.length && 0 != liveness[slot << 1];
    }

    /**
     * Make the gateway's arrays reach a slot, doubling them: see {@link #sessionsByGateway}.
     */
    private void ensureSlot(final int gatewayId, final int slot)
    {
        final Session[] sessions = sessionsByGateway[gatewayId];
        final int length = null == sessions ? 0 : sessions.length;
        if (slot >= length)
        {
            int newLength = Math.max(INITIAL_SLOTS, length * 2);
            while (newLength <= slot)
            {
                newLength *= 2;
            }
            sessionsByGateway[gatewayId] = null == sessions ?
                new Session[newLength] : Arrays.copyOf(sessions, newLength);
            final long[] liveness = livenessByGateway[gatewayId];
            livenessByGateway[gatewayId] = null == liveness ?
                new long[newLength * 2] : Arrays.copyOf(liveness, newLength * 2);
        }
    }

    private long lastActivityNs(final Session session)
    {
        return livenessByGateway[session.gatewayId()][(session.slot() << 1) + 1];
    }

    /**
     * Take a session out of one of its rooms.
     *
     * @param session   leaving.
     * @param index     of the room in the session.
     * @param reason    for the presence record and the {@code Left} message.
     * @param notify    whether to send the gateway a {@code Left} (false when the gateway already knows).
     */
    private void removeMembership(final Session session, final int index, final LeaveReason reason, final boolean notify)
    {
        final Subscription subscription = session.subscriptions[index];
        final Room room = subscription.room;
        final Session moved = subscription.removeMember(session.memberIndex(index));
        if (null != moved)
        {
            moved.memberIndex(moved.indexOf(room), session.memberIndex(index));
        }
        session.removeRoomAt(index);
        room.memberCount--;

        final int userId = session.user.id;
        final int sessionsOfUser = room.sessionsByUserId.get(userId) - 1;
        if (sessionsOfUser <= 0)
        {
            room.sessionsByUserId.remove(userId);
            appendPresence(room, session.user, PresenceStatus.LEFT, reason);
        }
        else
        {
            room.sessionsByUserId.put(userId, sessionsOfUser);
        }

        if (notify)
        {
            leftEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder)
                .reason(reason)
                .lastSeq(0)
                .putRoom(room.key, 0, room.key.length)
                .putCorrelationId(idView, 0, reason == LeaveReason.LEFT ? idView.capacity() : 0);
            send(session.gatewayId(), ControlEvents.LEFT, session.id, subscription.id, 0, leftEncoder.encodedLength());
        }

        if (subscription.memberCount == 0)
        {
            room.removeSubscription(subscription);
            if (subscription.state() == Subscription.ACTIVE)
            {
                subscription.state(Subscription.CLOSED);
            }
            send(session.gatewayId(), ControlEvents.SUBSCRIPTION_CLOSED, 0, subscription.id, 0, -1);
        }

        if (room.memberCount == 0)
        {
            scheduleRetirement(room);
        }
    }

    private User internUser(final DirectBuffer name)
    {
        final int length = name.capacity();
        final long hash = users.hash(name, 0, length);
        User user = users.get(name, 0, length, hash);
        if (null == user)
        {
            final byte[] key = new byte[length];
            name.getBytes(0, key);
            user = new User(key, hash, nextUserId++);
            users.add(user);
            userById.put(user.id, user);
        }

        return user;
    }

    // ------------------------------------------------------------------ rooms and records

    private Room findRoom(final DirectBuffer name)
    {
        final int length = name.capacity();
        return rooms.get(name, 0, length, rooms.hash(name, 0, length));
    }

    private Room createRoom(final DirectBuffer name)
    {
        final int length = name.capacity();
        final byte[] key = new byte[length];
        name.getBytes(0, key);
        boolean isConflated = false;
        for (final byte[] pattern : conflatedPatterns)
        {
            isConflated |= Identifiers.matches(pattern, name, 0, length);
        }

        lastEpoch = Math.max(lastEpoch + 1, nowMs);
        final long hash = rooms.hash(name, 0, length);
        final RoomLog log = new RoomLog(ctx.logInitialLength(), ctx.historyLength(), ctx.historyRecords(),
            ctx.retainLength(), RoomLog.growthJitter(hash));
        final Room room = new Room(key, hash, lastEpoch, log, isConflated);
        room.lastActivityNs = nowNs;
        rooms.add(room);
        counters.counter(SystemCounter.ROOMS).setRelease(rooms.size());

        return room;
    }

    private long appendDeliver(
        final Room room,
        final MessageKind kind,
        final PayloadFormat format,
        final DirectBuffer author,
        final DirectBuffer key,
        final DirectBuffer payload)
    {
        final long seq = room.log.engineHeadSeq() + 1;
        deliverEncoder.wrapAndApplyHeader(recordBuffer, 0, headerEncoder)
            .epoch(room.epoch)
            .seq(seq)
            .timestamp(nowMs)
            .kind(kind)
            .format(format)
            .putRoom(room.key, 0, room.key.length)
            .putAuthor(author, 0, author.capacity())
            .putKey(key, 0, key.capacity())
            .putPayload(payload, 0, payload.capacity());
        // counted before the append publishes the record, so whoever sees it delivered sees it counted
        counters.counter(SystemCounter.PUBLISHES).incrementRelease();
        append(room, seq, MessageHeaderEncoder.ENCODED_LENGTH + deliverEncoder.encodedLength(), ctx.jsonForm());

        return seq;
    }

    private void appendPresence(final Room room, final User user, final PresenceStatus status, final LeaveReason reason)
    {
        final long seq = room.log.engineHeadSeq() + 1;
        presenceEncoder.wrapAndApplyHeader(recordBuffer, 0, headerEncoder)
            .epoch(room.epoch)
            .seq(seq)
            .timestamp(nowMs)
            .status(status)
            .reason(reason)
            .putRoom(room.key, 0, room.key.length)
            .putUserId(user.key, 0, user.key.length);
        counters.counter(SystemCounter.PRESENCE_RECORDS).incrementRelease();
        append(room, seq, MessageHeaderEncoder.ENCODED_LENGTH + presenceEncoder.encodedLength(),
            ctx.jsonForm() && room.memberCount >= PRESENCE_JSON_MIN_MEMBERS);
    }

    private void append(final Room room, final long seq, final int binaryLength, final boolean withJson)
    {
        int jsonLength = 0;
        if (withJson)
        {
            jsonLength = Math.max(0, jsonEncoder.encode(recordBuffer, 0, binaryLength, jsonBuffer, 0));
        }

        makeRoom(room, RoomLog.FRAME_HEADER_LENGTH + binaryLength + jsonLength);
        room.log.append(seq, recordBuffer, 0, binaryLength, jsonBuffer, 0, jsonLength);
        room.lastActivityNs = nowNs;
        for (int i = 0; i < room.subscriptionCount; i++)
        {
            final Subscription subscription = room.subscriptions[i];
            final Gateway gateway = gatewayRegistry.get(subscription.gatewayId);
            if (null != gateway)
            {
                gateway.onAppend(subscription);
            }
        }
    }

    /**
     * Make sure the next record can be written without overwriting what a live subscription still has to read: grow
     * the log while it may, otherwise revoke the subscriptions that are that far behind.
     */
    private void makeRoom(final Room room, final int frameLength)
    {
        final RoomLog log = room.log;
        while (true)
        {
            // a frame never wraps, so it needs a log at least its length (a record is at most a quarter of the
            // history length, so the log can always grow to hold it); then history, then receivers
            if ((!log.holds(frameLength) && log.canGrow()) || log.shouldGrowForHistory(frameLength))
            {
                log.grow();
                counters.counter(SystemCounter.LOG_GROWTHS).incrementRelease();
                continue;
            }

            final long newLowWater = log.lowWaterAfter(frameLength);
            if (newLowWater <= room.cachedFloor)
            {
                return;
            }

            long floor = Long.MAX_VALUE;
            for (int i = 0; i < room.subscriptionCount; i++)
            {
                floor = Math.min(floor, room.subscriptions[i].floor());
            }
            room.cachedFloor = floor;
            if (newLowWater <= floor)
            {
                return;
            }

            if (log.canGrow())
            {
                log.grow();
                counters.counter(SystemCounter.LOG_GROWTHS).incrementRelease();
                continue;
            }

            floor = Long.MAX_VALUE;
            for (int i = room.subscriptionCount - 1; i >= 0; i--)
            {
                final Subscription subscription = room.subscriptions[i];
                final long subscriptionFloor = subscription.floor();
                if (subscriptionFloor < newLowWater)
                {
                    room.removeSubscription(subscription);
                    subscription.state(Subscription.REVOKED);
                    revokedSubscriptions.add(subscription);
                    counters.counter(SystemCounter.REVOCATIONS).incrementRelease();
                }
                else
                {
                    floor = Math.min(floor, subscriptionFloor);
                }
            }
            room.cachedFloor = floor;
            return;
        }
    }

    private void processRevocations()
    {
        while (!revokedSubscriptions.isEmpty())
        {
            final Subscription subscription = revokedSubscriptions.get(revokedSubscriptions.size() - 1);
            ArrayListUtil.fastUnorderedRemove(revokedSubscriptions, revokedSubscriptions.size() - 1);
            idView.wrap(EMPTY);
            while (subscription.memberCount > 0)
            {
                final Session session = subscription.members[subscription.memberCount - 1];
                removeMembership(session, session.indexOf(subscription.room), LeaveReason.LAGGING, true);
            }
        }
    }

    // ------------------------------------------------------------------ timers

    /**
     * {@inheritDoc}
     */
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final Object target = timerTargetById.remove(timerId);
        if (target instanceof Session)
        {
            final Session session = (Session)target;
            session.livenessTimerId = DeadlineTimerWheel.NULL_DEADLINE;
            final long deadline = lastActivityNs(session) + ctx.presenceTimeoutNs();
            if (now >= deadline)
            {
                counters.counter(SystemCounter.PRESENCE_EXPIRIES).incrementRelease();
                closeSession(session, LeaveReason.EXPIRED, ErrorCode.HEARTBEAT_TIMEOUT);
                processRevocations();
            }
            else
            {
                scheduleLiveness(session, deadline);
            }
        }
        else if (target instanceof Room)
        {
            final Room room = (Room)target;
            room.retireTimerId = DeadlineTimerWheel.NULL_DEADLINE;
            if (room.memberCount == 0)
            {
                final long deadline = room.lastActivityNs + ctx.roomIdleTimeoutNs();
                if (now >= deadline)
                {
                    rooms.remove(room);
                    counters.counter(SystemCounter.ROOMS).setRelease(rooms.size());
                    counters.counter(SystemCounter.ROOMS_RETIRED).incrementRelease();
                }
                else
                {
                    room.retireTimerId = timerWheel.scheduleTimer(deadline);
                    timerTargetById.put(room.retireTimerId, room);
                }
            }
        }

        return true;
    }

    /**
     * The wheel examines one spoke per poll (every slot the busiest spoke ever needed) and then moves to the next tick
     * if that tick has started. It is polled only once the current tick has ended, so an idle duty cycle costs nothing
     * whatever the number of timers, and a timer fires at most one tick after its deadline, never before; then it is
     * polled until it no longer moves, so after a pause every due tick is examined with the current time.
     */
    private int pollTimers()
    {
        if (nowNs < timerWheel.currentTickTime())
        {
            return 0;
        }

        int expired = 0;
        long tickTime;
        do
        {
            tickTime = timerWheel.currentTickTime();
            expired += timerWheel.poll(nowNs, this, TIMER_EXPIRY_LIMIT - expired);
        }
        while (expired < TIMER_EXPIRY_LIMIT && timerWheel.currentTickTime() != tickTime);

        return expired;
    }

    /**
     * @param patterns a session's grants of one permission, in the first {@code count} elements.
     * @param count    how many.
     * @return an immutable list of them, the same list for every session granted the same patterns while fewer than
     * {@link #MAX_SHARED_PATTERN_LISTS} distinct lists are known.
     */
    private byte[][] sharedPatterns(final byte[][] patterns, final int count)
    {
        if (0 == count)
        {
            return NO_PATTERNS;
        }

        final StringBuilder key = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            // each prefixed by its length, so no two lists share a key
            key.append(patterns[i].length).append(':').append(new String(patterns[i], StandardCharsets.US_ASCII));
        }
        final String name = key.toString();
        final byte[][] shared = sharedPatternLists.get(name);
        if (null != shared)
        {
            return shared;
        }

        final byte[][] list = Arrays.copyOf(patterns, count);
        if (sharedPatternLists.size() < MAX_SHARED_PATTERN_LISTS)
        {
            sharedPatternLists.put(name, list);
        }
        return list;
    }

    private void scheduleLiveness(final Session session, final long deadlineNs)
    {
        session.livenessTimerId = timerWheel.scheduleTimer(deadlineNs);
        timerTargetById.put(session.livenessTimerId, session);
    }

    private void scheduleRetirement(final Room room)
    {
        if (room.retireTimerId == DeadlineTimerWheel.NULL_DEADLINE)
        {
            room.retireTimerId = timerWheel.scheduleTimer(nowNs + ctx.roomIdleTimeoutNs());
            timerTargetById.put(room.retireTimerId, room);
        }
    }

    private void cancelRetirement(final Room room)
    {
        if (room.retireTimerId != DeadlineTimerWheel.NULL_DEADLINE)
        {
            timerWheel.cancelTimer(room.retireTimerId);
            timerTargetById.remove(room.retireTimerId);
            room.retireTimerId = DeadlineTimerWheel.NULL_DEADLINE;
        }
    }

    // ------------------------------------------------------------------ control ring

    private ErrorCode validateRoomAndId(final DirectBuffer room, final DirectBuffer id)
    {
        if (!Identifiers.isValidRoom(room, 0, room.capacity()))
        {
            return ErrorCode.INVALID_ROOM;
        }
        if (id.capacity() > 0 && !Identifiers.isValidId(id, 0, id.capacity()))
        {
            return ErrorCode.INVALID_ID;
        }

        return null;
    }

    private void sendError(final Session session, final ErrorCode code, final DirectBuffer room, final DirectBuffer id)
    {
        counters.counter(SystemCounter.REJECTS).incrementRelease();
        final byte[] reason = reasonByErrorCode[code.value()];
        errorEncoder.wrapAndApplyHeader(controlBuffer, ControlEvents.PREFIX_LENGTH, headerEncoder).code(code);
        putIfValid(errorEncoder, room, true);
        putIfValid(errorEncoder, id, false);
        errorEncoder.putReason(reason, 0, reason.length);
        send(session.gatewayId(), ControlEvents.CONTROL, session.id, 0, 0, errorEncoder.encodedLength());
    }

    private static void putIfValid(final ErrorEncoder encoder, final DirectBuffer value, final boolean isRoom)
    {
        final int length = null == value ? 0 : value.capacity();
        final boolean isValid = length > 0 &&
            (isRoom ? Identifiers.isValidRoom(value, 0, length) : Identifiers.isValidId(value, 0, length));
        final DirectBuffer source = isValid ? value : EMPTY_BUFFER;
        if (isRoom)
        {
            encoder.putRoom(source, 0, isValid ? length : 0);
        }
        else
        {
            encoder.putCorrelationId(source, 0, isValid ? length : 0);
        }
    }

    /**
     * Write a control record whose SBE message is already encoded at {@link ControlEvents#PREFIX_LENGTH} of the
     * control buffer. When the gateway's ring is full, or records wait before it, the record waits in the gateway's
     * backlog, in order; a backlog longer than {@link Engine.Context#gatewayBacklogLength()} overruns the gateway.
     *
     * @param messageLength length of the SBE message body after its header, or -1 for a record with no message.
     */
    private void send(
        final int gatewayId,
        final int eventType,
        final long sessionId,
        final long subscriptionId,
        final long aux,
        final int messageLength)
    {
        final Gateway gateway = gatewayRegistry.get(gatewayId);
        if (null == gateway || gateway.isOverrun())
        {
            return;
        }

        controlBuffer.putLong(ControlEvents.SESSION_ID_OFFSET, sessionId);
        controlBuffer.putLong(ControlEvents.SUBSCRIPTION_ID_OFFSET, subscriptionId);
        controlBuffer.putLong(ControlEvents.AUX_OFFSET, aux);
        final int length = ControlEvents.PREFIX_LENGTH +
            (messageLength < 0 ? 0 : MessageHeaderEncoder.ENCODED_LENGTH + messageLength);

        ExpandableRingBuffer backlog = backlogs[gatewayId];
        if ((null == backlog || backlog.isEmpty()) && gateway.controlRing().write(eventType, controlBuffer, 0, length))
        {
            gateway.signal();
            return;
        }

        if (null == backlog)
        {
            backlog = new ExpandableRingBuffer(0, ExpandableRingBuffer.MAX_CAPACITY, false);
            backlogs[gatewayId] = backlog;
        }
        if (backlog.size() + length > ctx.gatewayBacklogLength())
        {
            onGatewayOverrun(gatewayId);
            return;
        }
        if (backlog.isEmpty())
        {
            backloggedGateways++;
        }
        controlBuffer.putInt(length, eventType);
        backlog.append(controlBuffer, 0, length + 4);
    }

    /**
     * Move records waiting in gateways' backlogs into their rings, as space allows.
     */
    private int drainBacklogs()
    {
        int workCount = 0;
        for (int gatewayId = 0; gatewayId < backlogs.length && backloggedGateways > 0; gatewayId++)
        {
            final ExpandableRingBuffer backlog = backlogs[gatewayId];
            if (null != backlog && !backlog.isEmpty())
            {
                final Gateway gateway = gatewayRegistry.get(gatewayId);
                drainingRing = null == gateway || gateway.isOverrun() ? null : gateway.controlRing();
                final int drained = backlog.consume(backlogConsumer, Integer.MAX_VALUE);
                if (drained > 0 && null != drainingRing)
                {
                    gateway.signal();
                }
                workCount += drained;
                if (backlog.isEmpty())
                {
                    backloggedGateways--;
                }
            }
        }

        return workCount;
    }

    private boolean offerBacklogged(final MutableDirectBuffer buffer, final int offset, final int length, final int head)
    {
        final int recordLength = length - 4;
        return null == drainingRing ||
            drainingRing.write(buffer.getInt(offset + recordLength), buffer, offset, recordLength);
    }

    private void clearBacklog(final int gatewayId)
    {
        final ExpandableRingBuffer backlog = backlogs[gatewayId];
        if (null != backlog)
        {
            if (!backlog.isEmpty())
            {
                backloggedGateways--;
            }
            backlogs[gatewayId] = null;
        }
    }

    private void onGatewayOverrun(final int gatewayId)
    {
        final Gateway gateway = gatewayRegistry.get(gatewayId);
        if (null != gateway && !gateway.isOverrun())
        {
            gateway.markOverrun();
            gateway.signal();
            clearBacklog(gatewayId);
            counters.counter(SystemCounter.GATEWAY_OVERRUNS).incrementRelease();
            closeSessionsOf(gatewayId, LeaveReason.LAGGING, null);
        }
    }

    /**
     * Walks the user ids of a room's presence map without allocating.
     */
    private final Int2IntIterator memberIterator = new Int2IntIterator();

    private static final class Int2IntIterator
    {
        private final org.agrona.collections.IntIntConsumer adder = this::add;
        private int[] keys = new int[16];
        private int count;
        private int next;

        Int2IntIterator reset(final Room room)
        {
            count = 0;
            next = 0;
            final int size = room.sessionsByUserId.size();
            if (keys.length < size)
            {
                keys = new int[Math.max(size, keys.length * 2)];
            }
            room.sessionsByUserId.forEachInt(adder);
            return this;
        }

        private void add(final int key, final int value)
        {
            keys[count++] = key;
        }

        int nextKey()
        {
            return keys[next++];
        }
    }
}
