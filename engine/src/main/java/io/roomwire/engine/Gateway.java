package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.GatewayCounters;
import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.CloseGatewayEncoder;
import io.roomwire.protocol.codec.CloseSessionEncoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.JoinEncoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.KeepAliveEncoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.LeaveEncoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.LeftEncoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.OpenSessionEncoder;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.Permission;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PingEncoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.PublishEncoder;
import io.roomwire.protocol.codec.RoomLaggingEncoder;
import io.roomwire.protocol.codec.ServerPublishEncoder;
import io.roomwire.protocol.codec.SessionClosedEncoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import io.roomwire.protocol.codec.TypingCommandEncoder;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One thread's connection to the engine: it opens sessions, sends their commands into the conductor's ring, and
 * polls what the engine produced for them: control messages from its own ring, and room records read in place from
 * each room's log, one position per session.
 * <p>
 * Commands return a positive value when accepted, or a negative code: {@link #BACK_PRESSURED} when the conductor's
 * ring is full (retry later), {@link #UNKNOWN_SESSION}, {@link #MESSAGE_TOO_LARGE}, {@link #NOT_A_CLIENT_MESSAGE} or
 * {@link #CLOSED}. A command accepted here can still be refused by the engine, which answers with an {@code Error}
 * carrying its correlation id.
 * <p>
 * Back-pressure and lag: a session that does not keep up (its handler returns false, or the gateway does not poll
 * often enough) is held at its position in the room's log; once it is more than the outbound budget
 * ({@link Engine.Context#outboundLength()} bytes or {@link Engine.Context#outboundRecords()} records) behind, it is cut
 * loose from that room with a {@code Left} of reason {@code lagging} carrying the last seq it received, from which it
 * can resume. In a conflated room it instead skips to the latest record of each key.
 * <p>
 * Session ids are opaque to callers. Inside they name this gateway, a slot of its tables and the slot's generation
 * ({@link SessionIds}), so finding a session is an array read and an id comparison, and an id of a closed session is
 * unknown even once a new session has its slot. A slot is freed when the session is gone on both sides: when this
 * gateway closes it ({@link #closeSession(long)}, as the conductor reads the {@code CloseSession} before any later
 * command of this gateway, the {@code OpenSession} of the slot's next session included), when the conductor closes it
 * (its {@code SessionClosed}: expiry, engine close), and when the gateway closes or is overrun (every slot, before
 * {@code CloseGateway}; the conductor closes the sessions it still has on reading it, and only then lets a new gateway
 * take this id and its slots).
 * <p>
 * Not thread safe: every method must be called by the one thread that owns the gateway (the conductor only writes
 * its control ring and its subscription queue, and reads its shared fields).
 */
public final class Gateway implements AutoCloseable
{
    /**
     * The conductor's ring is full: retry later.
     */
    public static final long BACK_PRESSURED = -1;

    /**
     * The gateway or the engine is closed, or the gateway was overrun.
     */
    public static final long CLOSED = -2;

    /**
     * The command is longer than the conductor's ring can take.
     */
    public static final long MESSAGE_TOO_LARGE = -3;

    /**
     * The session is not open on this gateway.
     */
    public static final long UNKNOWN_SESSION = -4;

    /**
     * {@link #offer(long, DirectBuffer, int, int)} was given something other than a client-to-server message.
     */
    public static final long NOT_A_CLIENT_MESSAGE = -5;

    static final int COMMAND_PREFIX_LENGTH = 8;

    /**
     * The slot a session id names: among the sessions open on one gateway, each has its own slot, and slots are dense
     * (a gateway reuses freed slots before taking new ones), so a table indexed by slot holds a gateway's sessions in
     * about as many entries as it has sessions open at its busiest. A closed session's slot may be taken by a later
     * session with another id: compare ids.
     * <p>
     * May be called from any thread.
     *
     * @param sessionId an id {@link #openSession(CharSequence, String[], String[])} returned.
     * @return its slot, from 0.
     */
    public static int sessionSlot(final long sessionId)
    {
        return SessionIds.slot(sessionId);
    }

    private static final java.lang.invoke.VarHandle SIGNALLED;

    static
    {
        try
        {
            SIGNALLED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Gateway.class, "isSignalled", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final int CONTROL_READ_LIMIT_FLOOR = 64;
    private static final int SUBSCRIPTION_QUEUE_CAPACITY = 4096;
    private static final int DIRTY_QUEUE_CAPACITY = 4096;
    private static final long NO_ENTRY = Long.MIN_VALUE;
    private static final long CLOSE_TIMEOUT_NS = 5_000_000_000L;
    private static final int INITIAL_SLOTS = 64;

    private final int id;
    private final ManyToOneRingBuffer inboundRing;
    private final OneToOneRingBuffer controlRing;
    private final OneToOneConcurrentArrayQueue<Subscription> subscriptionQueue =
        new OneToOneConcurrentArrayQueue<>(SUBSCRIPTION_QUEUE_CAPACITY);
    private final EngineCounters engineCounters;
    private final GatewayCounters counters;
    private final SessionSlots slots;
    private final int outboundLength;
    private final int outboundRecords;
    private final int catchUpLength;
    private volatile boolean isOverrun;
    private volatile int isSignalled;
    private volatile Runnable notifier;
    private boolean isClosed;

    private final Long2ObjectHashMap<Subscription> subscriptionById = new Long2ObjectHashMap<>();
    private final OneToOneConcurrentArrayQueue<Subscription> dirtySubscriptions =
        new OneToOneConcurrentArrayQueue<>(DIRTY_QUEUE_CAPACITY);
    private volatile boolean isDeliverAll;
    private Subscription[] retrying = new Subscription[16];
    private int retryCount;
    private Subscription[] subscriptions = new Subscription[8];
    private int subscriptionCount;

    /**
     * By slot: the id of the session open in it, or 0 (no id is 0), and its local state, kept for the slot's next
     * session.
     */
    private long[] sessionIdBySlot = new long[INITIAL_SLOTS];
    private LocalSession[] sessionBySlot = new LocalSession[INITIAL_SLOTS];
    private int sessionCount;

    private final ExpandableRingBuffer pendingCommands = new ExpandableRingBuffer(0, 1 << 30, false);
    private final ExpandableRingBuffer.MessageConsumer pendingConsumer = this::offerPending;
    private final MessageHandler controlHandler = this::onControlEvent;
    /** Non-null during a poll only: the handler it hands messages and records to. */
    private SessionHandler handler;
    /** Slot and id of each session the handler closed during the current poll (see {@link #removeClosedInPoll()}). */
    private final LongArrayList closedInPoll = new LongArrayList();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final OpenSessionEncoder openSessionEncoder = new OpenSessionEncoder();
    private final CloseSessionEncoder closeSessionEncoder = new CloseSessionEncoder();
    private final CloseGatewayEncoder closeGatewayEncoder = new CloseGatewayEncoder();
    private final JoinEncoder joinEncoder = new JoinEncoder();
    private final LeaveEncoder leaveEncoder = new LeaveEncoder();
    private final PublishEncoder publishEncoder = new PublishEncoder();
    private final ServerPublishEncoder serverPublishEncoder = new ServerPublishEncoder();
    private final TypingCommandEncoder typingEncoder = new TypingCommandEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();
    private final KeepAliveEncoder keepAliveEncoder = new KeepAliveEncoder();
    private final RoomLaggingEncoder roomLaggingEncoder = new RoomLaggingEncoder();
    private final LeftEncoder leftEncoder = new LeftEncoder();
    private final SessionClosedEncoder sessionClosedEncoder = new SessionClosedEncoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1024]);
    private final UnsafeBuffer messageScratch = new UnsafeBuffer(new byte[1024]);

    private final Long2LongHashMap conflationPositionByKey = new Long2LongHashMap(NO_ENTRY);
    private long[] conflationPositions = new long[64];

    Gateway(
        final int id,
        final Engine.Context ctx,
        final ManyToOneRingBuffer inboundRing,
        final EngineCounters engineCounters,
        final SessionSlots slots)
    {
        this.id = id;
        this.inboundRing = inboundRing;
        this.engineCounters = engineCounters;
        this.slots = slots;
        this.outboundLength = ctx.outboundLength();
        this.outboundRecords = ctx.outboundRecords();
        this.catchUpLength = ctx.historyLength() - ctx.outboundLength() / 2;
        this.controlRing = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.gatewayRingLength() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.counters = engineCounters.newGatewayCounters(id);
    }

    /**
     * @return this gateway's id.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return true once closed, or overrun by the conductor (see {@link #poll(SessionHandler, int)}).
     */
    public boolean isClosed()
    {
        return isClosed || isOverrun;
    }

    /**
     * @param sessionId to look up.
     * @return true when the session is open on this gateway.
     */
    public boolean isOpen(final long sessionId)
    {
        return slotOf(sessionId) >= 0;
    }

    /**
     * @return sessions open on this gateway.
     */
    public int sessionCount()
    {
        return sessionCount;
    }

    /**
     * How full the engine's inbound ring is, shared by every gateway: an I/O thread that reads sockets in larger
     * batches checks it so that a batch cannot fill the ring and have commands refused.
     *
     * @return fraction of the inbound ring's capacity taken by commands the conductor has not read yet, 0 to 1.
     */
    public double inboundRingFill()
    {
        return inboundRing.size() / (double)inboundRing.capacity();
    }

    /**
     * Whether the conductor has read every command sent to it, by this gateway and the others: on the conductor's own
     * thread after a duty cycle, what it owes this gateway's sessions so far is then all in what a poll reads. From
     * another thread, an estimate (the conductor may still be working on what it read).
     *
     * @return true when the engine's inbound ring is empty and this gateway has no commands queued behind it.
     */
    public boolean isEngineCaughtUp()
    {
        return pendingCommands.isEmpty() && 0 == inboundRing.size();
    }

    // ------------------------------------------------------------------ commands

    /**
     * Open a session for an authenticated user. The engine answers with {@code Connected}.
     *
     * @param userId          user id ({@link Identifiers} syntax).
     * @param joinPatterns    room patterns the session may join ({@code *} for all).
     * @param publishPatterns room patterns the session may publish to.
     * @return the new session id (positive), or a negative code.
     * @throws IllegalArgumentException when the user id or a pattern is invalid.
     * @throws IllegalStateException    when all {@link SessionIds#MAX_SLOTS} session slots of the gateway hold open
     *                                  sessions.
     */
    public long openSession(final CharSequence userId, final String[] joinPatterns, final String[] publishPatterns)
    {
        if (!Identifiers.isValidUser(userId))
        {
            throw new IllegalArgumentException("invalid user id");
        }
        int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + OpenSessionEncoder.BLOCK_LENGTH +
            4 + 2 + userId.length();
        for (final String pattern : joinPatterns)
        {
            length += patternLength(pattern);
        }
        for (final String pattern : publishPatterns)
        {
            length += patternLength(pattern);
        }

        final long ready = readyFor(length);
        if (ready < 0)
        {
            return ready;
        }

        final int index = inboundRing.tryClaim(OpenSessionEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return backPressured();
        }
        final int slot = slots.allocate();
        if (slot == SessionSlots.NO_SLOT)
        {
            inboundRing.abort(index);
            throw new IllegalStateException("all " + SessionIds.MAX_SLOTS + " session slots of gateway " + id +
                " hold open sessions");
        }
        final long sessionId = SessionIds.sessionId(id, slot, slots.generation(slot));

        final MutableDirectBuffer buffer = inboundRing.buffer();
        buffer.putLong(index, sessionId);
        openSessionEncoder.wrapAndApplyHeader(buffer, index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .sessionId(sessionId)
            .gatewayId(id);
        final OpenSessionEncoder.GrantsEncoder grants =
            openSessionEncoder.grantsCount(joinPatterns.length + publishPatterns.length);
        for (final String pattern : joinPatterns)
        {
            grants.next().permission(Permission.JOIN).pattern(pattern);
        }
        for (final String pattern : publishPatterns)
        {
            grants.next().permission(Permission.PUBLISH).pattern(pattern);
        }
        openSessionEncoder.userId(userId);
        inboundRing.commit(index);

        addSession(slot, sessionId);
        return sessionId;
    }

    /**
     * Join a room, live: records sequenced after the join follow.
     *
     * @param sessionId     joining.
     * @param room          name.
     * @param correlationId echoed in the answer; may be null.
     * @return a positive value when sent, or a negative code.
     */
    public long join(final long sessionId, final CharSequence room, final CharSequence correlationId)
    {
        return join(sessionId, room, JoinEncoder.resumeEpochNullValue(), JoinEncoder.resumeSeqNullValue(), correlationId);
    }

    /**
     * Join a room resuming after a point: {@code (epoch, seq)} from a record received earlier, or {@code (0, 0)} for
     * everything history holds. The engine answers {@code Joined}, preceded by {@code Resync} when history no longer
     * holds what was asked.
     *
     * @param sessionId     joining.
     * @param room          name.
     * @param resumeEpoch   epoch of the last record received.
     * @param resumeSeq     seq of the last record received.
     * @param correlationId echoed in the answer; may be null.
     * @return a positive value when sent, or a negative code.
     */
    public long join(
        final long sessionId,
        final CharSequence room,
        final long resumeEpoch,
        final long resumeSeq,
        final CharSequence correlationId)
    {
        final int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + JoinEncoder.BLOCK_LENGTH +
            2 + room.length() + 2 + lengthOf(correlationId);
        final int index = claim(sessionId, JoinEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return index;
        }

        joinEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .resumeEpoch(resumeEpoch)
            .resumeSeq(resumeSeq)
            .room(room)
            .correlationId(correlationId);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Leave a room. The engine answers {@code Left}.
     *
     * @param sessionId     leaving.
     * @param room          name.
     * @param correlationId echoed in the answer; may be null.
     * @return a positive value when sent, or a negative code.
     */
    public long leave(final long sessionId, final CharSequence room, final CharSequence correlationId)
    {
        final int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + LeaveEncoder.BLOCK_LENGTH +
            2 + room.length() + 2 + lengthOf(correlationId);
        final int index = claim(sessionId, LeaveEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return index;
        }

        leaveEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .room(room)
            .correlationId(correlationId);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Publish to a room as a session. The engine answers {@code Ack} with the record's seq when
     * {@code clientMessageId} is given, or {@code Error} when it refuses.
     *
     * @param sessionId       publishing.
     * @param room            name.
     * @param kind            of message.
     * @param format          of the payload; JSON payloads must be a valid JSON object without {@code author}.
     * @param clientMessageId echoed in the ack; null for none (and no ack).
     * @param key             conflation key; null for none.
     * @param payload         holding the payload.
     * @param offset          of the payload.
     * @param length          of the payload.
     * @return a positive value when sent, or a negative code.
     */
    public long publish(
        final long sessionId,
        final CharSequence room,
        final MessageKind kind,
        final PayloadFormat format,
        final CharSequence clientMessageId,
        final CharSequence key,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final int commandLength = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
            PublishEncoder.BLOCK_LENGTH + 2 + room.length() + 2 + lengthOf(clientMessageId) + 2 + lengthOf(key) +
            4 + length;
        final int index = claim(sessionId, PublishEncoder.TEMPLATE_ID, commandLength);
        if (index < 0)
        {
            return index;
        }

        publishEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .kind(kind)
            .format(format)
            .room(room)
            .clientMessageId(clientMessageId)
            .key(key)
            .putPayload(payload, offset, length);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Publish to a room as the server, without a session (a game tick, a price update). Room records carry
     * {@code author}.
     *
     * @param room    name.
     * @param kind    of message.
     * @param format  of the payload; JSON payloads must be a valid JSON object without {@code author}.
     * @param author  shown as the record's author ({@link Identifiers} user syntax).
     * @param key     conflation key; null for none.
     * @param payload holding the payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return a positive value when sent, or a negative code.
     */
    public long serverPublish(
        final CharSequence room,
        final MessageKind kind,
        final PayloadFormat format,
        final CharSequence author,
        final CharSequence key,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final int commandLength = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
            ServerPublishEncoder.BLOCK_LENGTH + 2 + room.length() + 2 + author.length() + 2 + lengthOf(key) + 4 + length;
        final long ready = readyFor(commandLength);
        if (ready < 0)
        {
            return ready;
        }
        final int index = inboundRing.tryClaim(ServerPublishEncoder.TEMPLATE_ID, commandLength);
        if (index < 0)
        {
            return backPressured();
        }

        final MutableDirectBuffer buffer = inboundRing.buffer();
        buffer.putLong(index, 0);
        serverPublishEncoder.wrapAndApplyHeader(buffer, index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .kind(kind)
            .format(format)
            .room(room)
            .author(author)
            .key(key)
            .putPayload(payload, offset, length);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Tell the room whether the session is typing. Rate limited by the engine; never kept in history.
     *
     * @param sessionId typing.
     * @param room      name.
     * @param isTyping  true when typing started, false when it stopped.
     * @return a positive value when sent, or a negative code.
     */
    public long typing(final long sessionId, final CharSequence room, final boolean isTyping)
    {
        final int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
            TypingCommandEncoder.BLOCK_LENGTH + 2 + room.length();
        final int index = claim(sessionId, TypingCommandEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return index;
        }

        typingEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .isTyping(isTyping ? BooleanType.TRUE : BooleanType.FALSE)
            .room(room);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Heartbeat: keeps the session alive (any command does) and is answered with {@code Pong}.
     *
     * @param sessionId beating.
     * @param timestamp echoed in the pong.
     * @return a positive value when sent, or a negative code.
     */
    public long ping(final long sessionId, final long timestamp)
    {
        final int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH;
        final int index = claim(sessionId, PingEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return index;
        }

        pingEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .timestamp(timestamp);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Vouch that a session's connection is alive, keeping its presence without an answer: an edge sends it for
     * connections that show life other than by commands (WebSocket pongs, an open SSE stream, a long poll).
     *
     * @param sessionId alive.
     * @return a positive value when sent, or a negative code.
     */
    public long keepAlive(final long sessionId)
    {
        final int length = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH + KeepAliveEncoder.BLOCK_LENGTH;
        final int index = claim(sessionId, KeepAliveEncoder.TEMPLATE_ID, length);
        if (index < 0)
        {
            return index;
        }

        keepAliveEncoder.wrapAndApplyHeader(inboundRing.buffer(), index + COMMAND_PREFIX_LENGTH, headerEncoder)
            .sessionId(sessionId);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Forward a client-to-server message that is already SBE-encoded (from a binary client, or decoded from JSON):
     * {@code Join}, {@code Leave}, {@code Publish}, {@code TypingCommand} or {@code Ping}, header included.
     *
     * @param sessionId sending.
     * @param message   holding the message.
     * @param offset    of the message header.
     * @param length    of the message, header included.
     * @return a positive value when sent, or a negative code.
     */
    public long offer(final long sessionId, final DirectBuffer message, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return NOT_A_CLIENT_MESSAGE;
        }
        headerDecoder.wrap(message, offset);
        final int templateId = headerDecoder.templateId();
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            (templateId != JoinDecoder.TEMPLATE_ID && templateId != LeaveDecoder.TEMPLATE_ID &&
            templateId != PublishDecoder.TEMPLATE_ID && templateId != TypingCommandDecoder.TEMPLATE_ID &&
            templateId != PingDecoder.TEMPLATE_ID))
        {
            return NOT_A_CLIENT_MESSAGE;
        }

        final int index = claim(sessionId, templateId, COMMAND_PREFIX_LENGTH + length);
        if (index < 0)
        {
            return index;
        }

        inboundRing.buffer().putBytes(index + COMMAND_PREFIX_LENGTH, message, offset, length);
        inboundRing.commit(index);
        return 1;
    }

    /**
     * Close a session: it leaves its rooms (presence reason {@code disconnected}) and receives nothing more. Never
     * refused: when the conductor's ring is full the close is queued and sent by a later {@code poll}, and commands
     * from this gateway are held back until it is.
     *
     * @param sessionId to close.
     * @return true when the session was open on this gateway.
     */
    public boolean closeSession(final long sessionId)
    {
        return closeSession(sessionId, LeaveReason.DISCONNECTED);
    }

    /**
     * Close a session naming why.
     *
     * @param sessionId to close.
     * @param reason    recorded in the presence records of the rooms it leaves.
     * @return true when the session was open on this gateway.
     */
    public boolean closeSession(final long sessionId, final LeaveReason reason)
    {
        final int slot = slotOf(sessionId);
        if (slot < 0)
        {
            return false;
        }

        closeSessionEncoder.wrapAndApplyHeader(scratch, COMMAND_PREFIX_LENGTH, headerEncoder)
            .sessionId(sessionId)
            .reason(reason);
        sendOrQueue(sessionId, CloseSessionEncoder.TEMPLATE_ID,
            MessageHeaderEncoder.ENCODED_LENGTH + closeSessionEncoder.encodedLength());
        if (null != handler)
        {
            // Closed by the handler inside a poll, which may be going over this session's subscriptions: gone at
            // once for this gateway's callers, out of its subscriptions once the poll is done (see #poll).
            sessionIdBySlot[slot] = 0;
            closedInPoll.addLong(slot);
            closedInPoll.addLong(sessionId);
        }
        else
        {
            removeSession(slot, sessionId);
        }
        return true;
    }

    // ------------------------------------------------------------------ polling

    /**
     * Hand what the engine produced for this gateway's sessions to a handler: first control messages (at most
     * {@code limit}), then up to {@code limit} records per session of each room.
     * <p>
     * When the conductor had to overrun this gateway (its control ring stayed full), every session gets
     * {@code SessionClosed} with code {@code lagging} and the gateway closes.
     *
     * @param handler of messages and records.
     * @param limit   most control messages, and most records per session per room, in this call.
     * @return work done: messages and records handed over.
     */
    public int poll(final SessionHandler handler, final int limit)
    {
        if (isClosed)
        {
            return 0;
        }

        this.handler = handler;
        if (0 != isSignalled)
        {
            isSignalled = 0;
        }
        try
        {
            if (isOverrun)
            {
                return onOverrun();
            }

            int workCount = flushPending();
            workCount += drainSubscriptionQueue();

            final int controlLimit = Math.max(limit, CONTROL_READ_LIMIT_FLOOR);
            int controlRead = 0;
            int read;
            do
            {
                read = controlRing.read(controlHandler, controlLimit - controlRead);
                controlRead += read;
            }
            while (read > 0 && controlRead < controlLimit);
            workCount += controlRead;
            workCount += deliverChanged(handler, limit);

            return workCount;
        }
        finally
        {
            this.handler = null;
            removeClosedInPoll();
        }
    }

    /**
     * Take the sessions the handler closed during a poll out of their subscriptions. Done then, not in
     * {@link #closeSession(long, LeaveReason)}: a subscription's sessions are kept in arrays that a removal reorders
     * (the last takes the removed one's place), and the poll may be going over them, handing records to each, when
     * the handler closes one (a write that fails, an endpoint that errs); the session that moved would have been given
     * the closed one's position, or skipped, or handed its records twice.
     */
    private void removeClosedInPoll()
    {
        final LongArrayList closed = closedInPoll;
        final int size = closed.size();
        if (size > 0)
        {
            for (int i = 0; i < size; i += 2)
            {
                removeSession((int)closed.getLong(i), closed.getLong(i + 1));
            }
            closed.clear();
        }
    }

    /**
     * Close the gateway: its open sessions are closed by the engine. Idempotent.
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            // Last use of the slots: once the conductor reads CloseGateway, another thread's gateway may take them.
            for (int slot = sessionIdBySlot.length - 1; slot >= 0; slot--)
            {
                if (0 != sessionIdBySlot[slot])
                {
                    removeSession(slot);
                }
            }
            closeGatewayEncoder.wrapAndApplyHeader(scratch, COMMAND_PREFIX_LENGTH, headerEncoder).gatewayId(id);
            sendOrQueue(0, CloseGatewayEncoder.TEMPLATE_ID,
                MessageHeaderEncoder.ENCODED_LENGTH + closeGatewayEncoder.encodedLength());
            final long deadlineNs = System.nanoTime() + CLOSE_TIMEOUT_NS;
            while (!pendingCommands.isEmpty() && System.nanoTime() < deadlineNs)
            {
                flushPending();
                Thread.onSpinWait();
            }
            engineCounters.freeGatewayCounters(id, counters);
        }
    }

    /**
     * Have the conductor call a notifier when it produces something for this gateway (a control message, or a record
     * in a room one of its sessions is in) while the gateway is not already signalled. An event loop that sleeps
     * between polls (an XNIO I/O thread) uses it to be woken: the notifier schedules a poll. The notifier runs on the
     * conductor thread, must be quick and must not block. Each {@link #poll(SessionHandler, int)} re-arms the signal.
     * <p>
     * May be called from any thread.
     *
     * @param notifier to run, or null for none (a gateway polled in a loop needs none).
     */
    public void notifier(final Runnable notifier)
    {
        this.notifier = notifier;
    }

    // ------------------------------------------------------------------ conductor side

    /**
     * Conductor thread: a record was appended to a room this gateway has sessions in. Queues the subscription for the
     * gateway's next poll (or, when the queue is full, has the next poll deliver to every subscription) and signals.
     *
     * @param subscription of this gateway to the room.
     */
    void onAppend(final Subscription subscription)
    {
        if (subscription.tryMarkQueued() && !dirtySubscriptions.offer(subscription))
        {
            isDeliverAll = true;
        }
        signal();
    }

    /**
     * Conductor thread: something was produced for this gateway; run the notifier unless already signalled.
     */
    void signal()
    {
        final Runnable notifier = this.notifier;
        if (null != notifier && 0 == isSignalled && SIGNALLED.compareAndSet(this, 0, 1))
        {
            notifier.run();
        }
    }

    OneToOneRingBuffer controlRing()
    {
        return controlRing;
    }

    int maxControlMessageLength()
    {
        return controlRing.maxMsgLength();
    }

    boolean offerSubscription(final Subscription subscription)
    {
        return subscriptionQueue.offer(subscription);
    }

    /**
     * @return true once the conductor overran this gateway: its next {@link #poll(SessionHandler, int)} tells every
     * session it is closed with {@code lagging}, and its owner should take a new gateway.
     */
    public boolean isOverrun()
    {
        return isOverrun;
    }

    void markOverrun()
    {
        isOverrun = true;
    }

    // ------------------------------------------------------------------ internals

    private void onControlEvent(final int eventType, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long sessionId = buffer.getLong(index + ControlEvents.SESSION_ID_OFFSET);
        final long subscriptionId = buffer.getLong(index + ControlEvents.SUBSCRIPTION_ID_OFFSET);
        final int messageOffset = index + ControlEvents.PREFIX_LENGTH;
        final int messageLength = length - ControlEvents.PREFIX_LENGTH;

        switch (eventType)
        {
            case ControlEvents.CONTROL:
                if (slotOf(sessionId) >= 0)
                {
                    handler.onControl(sessionId, buffer, messageOffset, messageLength);
                }
                break;

            case ControlEvents.JOINED:
                onJoined(sessionId, subscriptionId, buffer.getLong(index + ControlEvents.AUX_OFFSET),
                    buffer, messageOffset, messageLength);
                break;

            case ControlEvents.LEFT:
                onLeft(sessionId, subscriptionId, buffer, messageOffset, messageLength);
                break;

            case ControlEvents.BROADCAST:
                final Subscription subscription = subscription(subscriptionId);
                if (null != subscription)
                {
                    final long[] ids = subscription.sessionIds;
                    for (int i = 0, n = subscription.sessionCount; i < n; i++)
                    {
                        if (ids[i] != sessionId)
                        {
                            handler.onControl(ids[i], buffer, messageOffset, messageLength);
                        }
                    }
                }
                break;

            case ControlEvents.SESSION_CLOSED:
                final int slot = slotOf(sessionId);
                if (slot >= 0)
                {
                    removeSession(slot);
                    handler.onControl(sessionId, buffer, messageOffset, messageLength);
                }
                break;

            case ControlEvents.SUBSCRIPTION_CLOSED:
                removeSubscription(subscriptionId);
                break;

            default:
                break;
        }
    }

    private void onJoined(
        final long sessionId,
        final long subscriptionId,
        final long startPosition,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length)
    {
        final Subscription subscription = subscription(subscriptionId);
        final LocalSession session = localSession(sessionId);
        if (null != subscription)
        {
            if (null != session)
            {
                final long fromSeq = buffer.getLong(
                    offset + MessageHeaderDecoder.ENCODED_LENGTH + JoinedDecoder.fromSeqEncodingOffset());
                subscription.addSession(sessionId, startPosition, fromSeq - 1, startPosition < subscription.log.head());
                retry(subscription);
                session.add(subscription);
                subscription.publishedPosition = Math.min(subscription.publishedPosition, startPosition);
                subscription.publishPosition(subscription.publishedPosition);
            }
            subscription.onJoinApplied();
        }

        if (null != session)
        {
            handler.onControl(sessionId, buffer, offset, length);
        }
    }

    private void onLeft(
        final long sessionId,
        final long subscriptionId,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length)
    {
        final Subscription subscription = subscription(subscriptionId);
        final LocalSession session = localSession(sessionId);
        final int index = null == subscription ? -1 : subscription.indexOf(sessionId);
        if (null == session || index < 0)
        {
            return;
        }

        buffer.putLong(offset + MessageHeaderDecoder.ENCODED_LENGTH + LeftDecoder.lastSeqEncodingOffset(),
            subscription.sessionLastSeqs[index]);
        subscription.removeSessionAt(index);
        session.remove(subscription);
        handler.onControl(sessionId, buffer, offset, length);
    }

    private int drainSubscriptionQueue()
    {
        int count = 0;
        Subscription subscription;
        while (null != (subscription = subscriptionQueue.poll()))
        {
            addSubscription(subscription);
            count++;
        }

        return count;
    }

    /**
     * The conductor hands a subscription over before any control record names it, so a miss means it is still in
     * the queue.
     */
    private Subscription subscription(final long subscriptionId)
    {
        Subscription subscription = subscriptionById.get(subscriptionId);
        if (null == subscription && drainSubscriptionQueue() > 0)
        {
            subscription = subscriptionById.get(subscriptionId);
        }

        return subscription;
    }

    private void addSubscription(final Subscription subscription)
    {
        subscriptionById.put(subscription.id, subscription);
        if (subscriptionCount == subscriptions.length)
        {
            subscriptions = Arrays.copyOf(subscriptions, subscriptionCount * 2);
        }
        subscriptions[subscriptionCount++] = subscription;
        subscription.publishedPosition = Long.MAX_VALUE;
    }

    private void removeSubscription(final long subscriptionId)
    {
        final Subscription subscription = null == subscription(subscriptionId) ?
            null : subscriptionById.remove(subscriptionId);
        if (null == subscription)
        {
            return;
        }

        for (int i = 0; i < subscription.sessionCount; i++)
        {
            final LocalSession session = localSession(subscription.sessionIds[i]);
            if (null != session)
            {
                session.remove(subscription);
            }
        }
        subscription.sessionCount = 0;

        for (int i = 0; i < subscriptionCount; i++)
        {
            if (subscriptions[i] == subscription)
            {
                subscriptions[i] = subscriptions[--subscriptionCount];
                subscriptions[subscriptionCount] = null;
                break;
            }
        }
    }

    /**
     * Deliver to the subscriptions that may have something to deliver: those the conductor marked (a record was
     * appended) and those left behind by the last poll (a session held back or past the per-poll limit, or a session
     * that joined behind the head). An idle poll costs nothing per session.
     */
    private int deliverChanged(final SessionHandler handler, final int limit)
    {
        int workCount = 0;
        if (isDeliverAll)
        {
            isDeliverAll = false;
            Subscription queued;
            while (null != (queued = dirtySubscriptions.poll()))
            {
                queued.clearQueued();
            }
            for (int i = subscriptionCount - 1; i >= 0; i--)
            {
                subscriptions[i].clearQueued();
                workCount += deliverAndTrack(subscriptions[i], handler, limit);
            }
            return workCount;
        }

        final int retries = retryCount;
        for (int i = 0; i < retries; i++)
        {
            final Subscription subscription = retrying[i];
            retrying[i] = null;
            subscription.isRetrying = false;
            if (subscriptionById.get(subscription.id) == subscription)
            {
                workCount += deliverAndTrack(subscription, handler, limit);
            }
        }
        System.arraycopy(retrying, retries, retrying, 0, retryCount - retries);
        retryCount -= retries;

        Subscription subscription;
        while (null != (subscription = dirtySubscriptions.poll()))
        {
            subscription.clearQueued();
            if (!subscription.isRetrying && subscriptionById.get(subscription.id) == subscription)
            {
                workCount += deliverAndTrack(subscription, handler, limit);
            }
        }

        return workCount;
    }

    private int deliverAndTrack(final Subscription subscription, final SessionHandler handler, final int limit)
    {
        final int delivered = deliver(subscription, handler, limit);
        if (subscription.publishedPosition < subscription.log.head() && !subscription.isRetrying &&
            subscription.state() == Subscription.ACTIVE && subscription.sessionCount > 0)
        {
            retry(subscription);
        }

        return delivered;
    }

    private void retry(final Subscription subscription)
    {
        if (!subscription.isRetrying)
        {
            subscription.isRetrying = true;
            if (retryCount == retrying.length)
            {
                retrying = Arrays.copyOf(retrying, retryCount * 2);
            }
            retrying[retryCount++] = subscription;
        }
    }

    /**
     * Deliver records of one room to each of this gateway's sessions in it, then publish the lowest position. A
     * session already past its outbound budget is cut loose (or, in a conflated room, skipped to the latest record of
     * each key) before anything more is handed to it.
     */
    private int deliver(final Subscription subscription, final SessionHandler handler, final int limit)
    {
        if (subscription.state() != Subscription.ACTIVE)
        {
            return 0;
        }

        final RoomLog log = subscription.log;
        final long head = log.head();
        final long headSeq = log.headSeq();
        final UnsafeBuffer buffer = log.buffer();
        final int mask = buffer.capacity() - 1;
        final long[] ids = subscription.sessionIds;
        final long[] positions = subscription.sessionPositions;
        final long[] lastSeqs = subscription.sessionLastSeqs;
        long minPosition = Long.MAX_VALUE;
        int deliveries = 0;

        for (int i = subscription.sessionCount - 1; i >= 0; i--)
        {
            final long startPosition = positions[i];
            if (startPosition < head)
            {
                if (isOverBudget(subscription, i, head, headSeq, startPosition) && !catchUp(subscription, i, head, buffer))
                {
                    continue;
                }

                long position = positions[i];
                final long startLastSeq = lastSeqs[i];
                final long sessionId = ids[i];
                long lastSeq = startLastSeq;
                int count = 0;
                while (position < head && count < limit)
                {
                    final int offset = (int)position & mask;
                    final int frameLength = buffer.getInt(offset);
                    final int binaryLength = buffer.getInt(offset + 4);
                    if (binaryLength == RoomLog.PADDING)
                    {
                        position += frameLength;
                        continue;
                    }

                    final int messageOffset = offset + RoomLog.FRAME_HEADER_LENGTH;
                    if (!handler.onRecord(sessionId, buffer, messageOffset, binaryLength))
                    {
                        break;
                    }
                    lastSeq = buffer.getLong(messageOffset + RoomLog.SEQ_OFFSET);
                    position += BitUtil.align(frameLength, RoomLog.FRAME_ALIGNMENT);
                    count++;
                }
                positions[i] = position;
                lastSeqs[i] = lastSeq;
                deliveries += count;

                if (count > 0 && log.lowWater() > startPosition)
                {
                    lastSeqs[i] = startLastSeq;
                    counters.tornReads.incrementRelease();
                    cutLoose(subscription, i);
                    continue;
                }
                if (position < head && isOverBudget(subscription, i, head, headSeq, position) &&
                    !catchUp(subscription, i, head, buffer))
                {
                    continue;
                }
            }
            minPosition = Math.min(minPosition, positions[i]);
        }

        final long published = subscription.sessionCount == 0 ? head : Math.min(minPosition, head);
        if (published != subscription.publishedPosition)
        {
            subscription.publishedPosition = published;
            subscription.publishPosition(published);
        }
        if (deliveries > 0)
        {
            counters.deliveries.getAndAddRelease(deliveries);
        }

        return deliveries;
    }

    /**
     * A live session may be at most the outbound budget behind. A session that joined behind the head (a resume, at
     * most {@link Engine.Context#retainLength()} behind) is held instead to the catch-up budget, half an outbound
     * budget more, which still cuts it loose before the conductor would have to revoke the whole subscription, until
     * it first comes within the outbound budget.
     */
    private boolean isOverBudget(
        final Subscription subscription, final int index, final long head, final long headSeq, final long position)
    {
        final boolean isWithinOutbound = head - position <= outboundLength &&
            headSeq - subscription.sessionLastSeqs[index] <= outboundRecords;
        if (subscription.sessionCatchingUp[index])
        {
            if (isWithinOutbound)
            {
                subscription.sessionCatchingUp[index] = false;
                return false;
            }
            return head - position > catchUpLength;
        }

        return !isWithinOutbound;
    }

    /**
     * A session fell past its budget: conflate it when the room conflates, else cut it loose.
     *
     * @return true when the session is still in the subscription.
     */
    private boolean catchUp(final Subscription subscription, final int index, final long head, final UnsafeBuffer buffer)
    {
        if (subscription.isConflated)
        {
            conflate(subscription, index, head, buffer);
            return true;
        }

        cutLoose(subscription, index);
        return false;
    }

    /**
     * Cut a session loose from a room: it gets {@code Left} with reason {@code lagging}, and the engine is told.
     */
    private void cutLoose(final Subscription subscription, final int index)
    {
        final long sessionId = subscription.sessionIds[index];
        final long lastSeq = subscription.sessionLastSeqs[index];
        subscription.removeSessionAt(index);
        final LocalSession session = localSession(sessionId);
        if (null != session)
        {
            session.remove(subscription);
        }
        counters.laggingCuts.incrementRelease();

        roomLaggingEncoder.wrapAndApplyHeader(scratch, COMMAND_PREFIX_LENGTH, headerEncoder)
            .sessionId(sessionId)
            .lastSeq(lastSeq)
            .putRoom(subscription.roomName, 0, subscription.roomName.length);
        sendOrQueue(sessionId, RoomLaggingEncoder.TEMPLATE_ID,
            MessageHeaderEncoder.ENCODED_LENGTH + roomLaggingEncoder.encodedLength());

        leftEncoder.wrapAndApplyHeader(messageScratch, 0, headerEncoder)
            .reason(LeaveReason.LAGGING)
            .lastSeq(lastSeq)
            .putRoom(subscription.roomName, 0, subscription.roomName.length)
            .putCorrelationId(subscription.roomName, 0, 0);
        handler.onControl(sessionId, messageScratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + leftEncoder.encodedLength());
    }

    /**
     * Skip a lagging session of a conflated room ahead: hand it the latest record of each key among those it has not
     * read, in log order, then continue from the head.
     */
    private void conflate(
        final Subscription subscription,
        final int index,
        final long head,
        final UnsafeBuffer buffer)
    {
        final int mask = buffer.capacity() - 1;
        final Long2LongHashMap latest = conflationPositionByKey;
        latest.clear();
        long position = subscription.sessionPositions[index];
        while (position < head)
        {
            final int offset = (int)position & mask;
            final int frameLength = buffer.getInt(offset);
            if (buffer.getInt(offset + 4) != RoomLog.PADDING)
            {
                long hash = keyHash(buffer, offset + RoomLog.FRAME_HEADER_LENGTH);
                long existing;
                while ((existing = latest.get(hash)) != NO_ENTRY &&
                    !sameKey(buffer, offset + RoomLog.FRAME_HEADER_LENGTH,
                    ((int)existing & mask) + RoomLog.FRAME_HEADER_LENGTH))
                {
                    hash++;
                }
                latest.put(hash, position);
                position += BitUtil.align(frameLength, RoomLog.FRAME_ALIGNMENT);
            }
            else
            {
                position += frameLength;
            }
        }

        final int count = latest.size();
        if (conflationPositions.length < count)
        {
            conflationPositions = new long[BitUtil.findNextPositivePowerOfTwo(count)];
        }
        final Long2LongHashMap.ValueIterator values = latest.values().iterator();
        for (int i = 0; i < count; i++)
        {
            conflationPositions[i] = values.nextValue();
        }
        Arrays.sort(conflationPositions, 0, count);

        final long sessionId = subscription.sessionIds[index];
        long newPosition = head;
        int deliveries = 0;
        for (int i = 0; i < count; i++)
        {
            final long recordPosition = conflationPositions[i];
            final int offset = (int)recordPosition & mask;
            final int messageOffset = offset + RoomLog.FRAME_HEADER_LENGTH;
            if (!handler.onRecord(sessionId, buffer, messageOffset, buffer.getInt(offset + 4)))
            {
                newPosition = recordPosition;
                break;
            }
            subscription.sessionLastSeqs[index] = buffer.getLong(messageOffset + RoomLog.SEQ_OFFSET);
            deliveries++;
        }
        subscription.sessionPositions[index] = newPosition;
        counters.conflations.incrementRelease();
        if (deliveries > 0)
        {
            counters.deliveries.getAndAddRelease(deliveries);
        }
    }

    /**
     * Conflation key of a record: a {@code Deliver}'s key, or a {@code Presence}'s user id (a separate key space).
     */
    private static long keyHash(final UnsafeBuffer buffer, final int messageOffset)
    {
        final int keyOffset = keyOffset(buffer, messageOffset);
        final int keyLength = buffer.getShort(keyOffset) & 0xFFFF;
        long hash = buffer.getShort(messageOffset + 2) * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < keyLength; i++)
        {
            hash = (hash ^ buffer.getByte(keyOffset + 2 + i)) * 0x100000001b3L;
        }

        return hash;
    }

    private static boolean sameKey(final UnsafeBuffer buffer, final int messageOffsetA, final int messageOffsetB)
    {
        if (buffer.getShort(messageOffsetA + 2) != buffer.getShort(messageOffsetB + 2))
        {
            return false;
        }
        final int a = keyOffset(buffer, messageOffsetA);
        final int b = keyOffset(buffer, messageOffsetB);
        final int length = buffer.getShort(a) & 0xFFFF;
        if (length != (buffer.getShort(b) & 0xFFFF))
        {
            return false;
        }
        for (int i = 2; i < length + 2; i++)
        {
            if (buffer.getByte(a + i) != buffer.getByte(b + i))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * @return offset of the length of the key field: after room and author for Deliver, after room for Presence
     * (whose next field, the user id, serves as its key).
     */
    private static int keyOffset(final UnsafeBuffer buffer, final int messageOffset)
    {
        final int templateId = buffer.getShort(messageOffset + 2) & 0xFFFF;
        final int blockLength = buffer.getShort(messageOffset) & 0xFFFF;
        int offset = messageOffset + MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
        offset += 2 + (buffer.getShort(offset) & 0xFFFF);
        if (templateId == DeliverDecoder.TEMPLATE_ID)
        {
            offset += 2 + (buffer.getShort(offset) & 0xFFFF);
        }

        return offset;
    }

    private int claim(final long sessionId, final int templateId, final int length)
    {
        if (slotOf(sessionId) < 0)
        {
            return (int)UNKNOWN_SESSION;
        }
        final long ready = readyFor(length);
        if (ready < 0)
        {
            return (int)ready;
        }

        final int index = inboundRing.tryClaim(templateId, length);
        if (index < 0)
        {
            return (int)backPressured();
        }
        inboundRing.buffer().putLong(index, sessionId);

        return index;
    }

    private long readyFor(final int length)
    {
        if (isClosed || isOverrun)
        {
            return CLOSED;
        }
        if (length > inboundRing.maxMsgLength())
        {
            return MESSAGE_TOO_LARGE;
        }
        if (!pendingCommands.isEmpty() && (flushPending() < 0 || !pendingCommands.isEmpty()))
        {
            return backPressured();
        }

        return 1;
    }

    private long backPressured()
    {
        counters.backPressured.incrementRelease();
        return BACK_PRESSURED;
    }

    /**
     * Send a command whose SBE message is encoded at {@link #COMMAND_PREFIX_LENGTH} of the scratch buffer, or queue
     * it for a later poll when the ring is full (or earlier commands are queued).
     */
    private void sendOrQueue(final long sessionId, final int templateId, final int messageLength)
    {
        scratch.putLong(0, sessionId);
        final int length = COMMAND_PREFIX_LENGTH + messageLength;
        if (!pendingCommands.isEmpty() || !inboundRing.write(templateId, scratch, 0, length))
        {
            messageScratch.putInt(0, templateId);
            messageScratch.putBytes(4, scratch, 0, length);
            pendingCommands.append(messageScratch, 0, 4 + length);
        }
    }

    private int flushPending()
    {
        return pendingCommands.isEmpty() ? 0 : pendingCommands.consume(pendingConsumer, Integer.MAX_VALUE);
    }

    private boolean offerPending(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        return inboundRing.write(buffer.getInt(offset), buffer, offset + 4, length - 4);
    }

    private int onOverrun()
    {
        int workCount = 0;
        sessionClosedEncoder.wrapAndApplyHeader(messageScratch, 0, headerEncoder)
            .code(ErrorCode.LAGGING)
            .putReason(OVERRUN_REASON, 0, OVERRUN_REASON.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + sessionClosedEncoder.encodedLength();
        final long[] ids = new long[sessionCount];
        int count = 0;
        for (int slot = sessionIdBySlot.length - 1; slot >= 0; slot--)
        {
            final long sessionId = sessionIdBySlot[slot];
            if (0 != sessionId)
            {
                ids[count++] = sessionId;
                removeSession(slot);
            }
        }
        for (int i = 0; i < count; i++)
        {
            handler.onControl(ids[i], messageScratch, 0, length);
            workCount++;
        }
        close();
        return workCount;
    }

    /**
     * @param sessionId any value.
     * @return the slot of the session when it is open on this gateway, else -1: an id of a closed session (whose slot
     * may hold a newer one), of another gateway, or no id at all.
     */
    private int slotOf(final long sessionId)
    {
        final int slot = SessionIds.slot(sessionId);
        final long[] sessionIdBySlot = this.sessionIdBySlot;
        return slot < sessionIdBySlot.length && sessionIdBySlot[slot] == sessionId && 0 != sessionId ? slot : -1;
    }

    private LocalSession localSession(final long sessionId)
    {
        final int slot = slotOf(sessionId);
        return slot < 0 ? null : sessionBySlot[slot];
    }

    private void addSession(final int slot, final long sessionId)
    {
        if (slot >= sessionIdBySlot.length)
        {
            int newLength = sessionIdBySlot.length * 2;
            while (newLength <= slot)
            {
                newLength *= 2;
            }
            sessionIdBySlot = Arrays.copyOf(sessionIdBySlot, newLength);
            sessionBySlot = Arrays.copyOf(sessionBySlot, newLength);
        }
        sessionIdBySlot[slot] = sessionId;
        if (null == sessionBySlot[slot])
        {
            sessionBySlot[slot] = new LocalSession();
        }
        sessionCount++;
    }

    /**
     * Take an open session out of its subscriptions and its slot, and free the slot: only once the session is gone
     * on both sides, or will be before the conductor reads any later command of this gateway (see the class doc).
     */
    private void removeSession(final int slot)
    {
        removeSession(slot, sessionIdBySlot[slot]);
    }

    private void removeSession(final int slot, final long sessionId)
    {
        final LocalSession session = sessionBySlot[slot];
        for (int i = 0; i < session.subscriptionCount; i++)
        {
            final Subscription subscription = session.subscriptions[i];
            final int index = subscription.indexOf(sessionId);
            if (index >= 0)
            {
                subscription.removeSessionAt(index);
            }
            session.subscriptions[i] = null;
        }
        session.subscriptionCount = 0;
        sessionIdBySlot[slot] = 0;
        sessionCount--;
        slots.free(slot);
    }

    private static final byte[] OVERRUN_REASON =
        "gateway fell too far behind the engine; every session was closed".getBytes(StandardCharsets.UTF_8);

    private static int patternLength(final String pattern)
    {
        if (!Identifiers.isValidRoomPattern(pattern))
        {
            throw new IllegalArgumentException("invalid room pattern: " + pattern);
        }

        return OpenSessionEncoder.GrantsEncoder.sbeBlockLength() + 2 + pattern.length();
    }

    private static int lengthOf(final CharSequence value)
    {
        return null == value ? 0 : value.length();
    }

    /**
     * The rooms (subscriptions) an open session is in; kept in its slot for the slot's next session.
     */
    private static final class LocalSession
    {
        Subscription[] subscriptions = new Subscription[2];
        int subscriptionCount;

        void add(final Subscription subscription)
        {
            if (subscriptionCount == subscriptions.length)
            {
                subscriptions = Arrays.copyOf(subscriptions, subscriptionCount * 2);
            }
            subscriptions[subscriptionCount++] = subscription;
        }

        void remove(final Subscription subscription)
        {
            for (int i = 0; i < subscriptionCount; i++)
            {
                if (subscriptions[i] == subscription)
                {
                    subscriptions[i] = subscriptions[--subscriptionCount];
                    subscriptions[subscriptionCount] = null;
                    return;
                }
            }
        }
    }
}
