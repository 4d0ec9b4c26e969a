package io.roomwire.undertow;

import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.JsonDecoder;
import io.roomwire.protocol.JsonEncoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's presence on one XNIO I/O thread: a {@link Gateway} owned by the thread, the endpoints of the sessions
 * the thread serves, and the duty cycle that moves what the engine produced into their outbound buffers and writes
 * each connection once.
 * <p>
 * The conductor signals the gateway when it produces something for it; the signal schedules {@link #run()} on the I/O
 * thread, which drains: it polls, one round per XNIO task, until nothing is left, and then writes every connection
 * that got something once however many records it got (earlier when enough bytes wait). An idle node does no work but
 * its housekeeping: the endpoints' ticks, and with the engine on this thread its duty cycle a little more often than
 * the engine's timer wheel ticks (see {@link #engineIntervalMs(long, long)}).
 * XNIO selects only once no task is queued, so a drain reads no sockets; after a select full of reads the drain is put
 * off for another select, so that every ready socket is read first.
 * <p>
 * Not thread safe: everything runs on {@link #thread()}, except {@link #run()} being scheduled by the conductor.
 */
final class IoLoop implements SessionHandler, Runnable
{
    private static final Logger LOGGER = Logger.getLogger(IoLoop.class.getName());
    private static final int POLL_LIMIT = 64;
    /**
     * Longest gap between engine duty cycles when the engine runs on the I/O thread, nothing else wakes it, and a
     * gateway other than this thread's is open (an embedder's, see {@link RoomwireServer#engine()}): that gateway's
     * commands wait for the next duty cycle.
     */
    private static final long ENGINE_INTERVAL_WITH_OTHER_GATEWAYS_MS = 1;
    /**
     * One round (engine duty cycle, gateway poll) per run, the run rescheduled while there is work: XNIO runs every
     * task queued, its own timers included, before it selects again, so a drain does not read sockets, but ticks and
     * handlers' tasks run between its rounds.
     */
    private static final int ROUNDS_PER_RUN = 1;
    /**
     * Socket reads since the last run that count as a full select: NIO's epoll selector hands over at most 1,024
     * ready keys per select, so a batch of about that many means more sockets are probably ready.
     */
    private static final int FULL_SELECT_READS = 1000;
    /** Most full selects in a row that put a drain off: at most about 8,000 sockets are read before it starts. */
    private static final int MAX_READ_DEFERRALS = 8;
    /** A drain is not put off while the engine's inbound ring is fuller than this. */
    private static final double MAX_RING_FILL_TO_DEFER = 0.25;
    /** Longest a put-off drain waits for the select it was put off for. */
    private static final long READ_DEFERRAL_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * Bytes waiting per connection to be written, on average over the connections with any, at which a drain writes
     * before it is done: a system call costs about as much as copying a few kilobytes, so past that, waiting for more
     * saves little and delays the first of them.
     */
    private static final int FLUSH_BYTES_PER_CONNECTION = 4 * 1024;
    /** Bytes appended since the last write at which a drain writes before it is done, however few per connection. */
    private static final int MAX_UNFLUSHED_BYTES = 32 * 1024 * 1024;
    /** Rounds after which a drain writes before it is done. */
    private static final int MAX_ROUNDS_BETWEEN_FLUSHES = 64;
    /**
     * Every endpoint is ticked (idle timeout, ping, keep-alive) once a second, a slice of them every
     * {@code 1 s / TICK_SLICES}: ten thousand connections opened in the same second would otherwise come due in the
     * same tick and write their pings and keep-alives in one burst, a stall every message behind it waits out.
     */
    private static final int TICK_SLICES = 20;
    private static final long TICK_SLICE_INTERVAL_MS = 1000 / TICK_SLICES;
    /**
     * Trims of the buffer pool (one a second) over which a size must have stayed unused before half of it is freed.
     * With one, a fan-out at 1 M deliveries/s freed 500 buffers of a size its slower drains needed every second or
     * two, and allocated them again: 250 a second.
     */
    private static final int POOL_TRIM_WINDOW = 4;

    /**
     * Most rounds a shutdown runs to deliver what the engine already sequenced: ample for every connection's
     * outbound budget, bounded so a shutdown cannot spin.
     */
    private static final int SHUTDOWN_ROUNDS = 1024;
    private static final long NO_SESSION = Long.MIN_VALUE;
    private static final String BARRIER_USER = "roomwire-shutdown";
    private static final String[] NO_PATTERNS = {};

    final RoomwireServer server;
    final ServerConfig config;
    final XnioIoThread thread;
    /** Replaced when the engine overruns it (see {@link #replaceOverrunGateway()}); read it afresh on each use. */
    Gateway gateway;
    final BufferPool pool;
    /** Most bytes that may wait for one connection ({@code roomwire.http.outbound.length}). */
    final int outboundLimit;
    final JsonDecoder jsonDecoder;
    final JsonEncoder jsonEncoder = new JsonEncoder();
    final BinaryMessages binaryMessages = new BinaryMessages();
    final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    /** Per-connection inbound frame rate (a token bucket's interval and tolerance), the same for every connection. */
    final long frameIntervalNs;
    final long frameToleranceNs;
    final ExpandableArrayBuffer jsonBuffer = new ExpandableArrayBuffer(4096);
    final UnsafeBuffer sbeBuffer;
    final UnsafeBuffer errorBuffer = new UnsafeBuffer(new byte[4096]);
    final ByteBuffer readBuffer;
    final UnsafeBuffer readView;
    final Map<String, HttpPublisher> publisherByUser = new HashMap<>();
    final Map<String, LongPollEndpoint> longPollBySid = new HashMap<>();

    /**
     * Endpoints by the slot of their session's id ({@link Gateway#sessionSlot(long)}): an array read per session change
     * in a poll, where a hash map cost a lookup and 19 bytes a connection more.
     */
    private Endpoint[] endpointBySlot = new Endpoint[64];
    private int endpointCount;
    /**
     * Endpoints by tick slice, dealt round-robin as they register: slice {@code n} is ticked every second at
     * {@code n * 50 ms}, so each endpoint is ticked every second at the same point of it, however others come and go.
     */
    private final List<Endpoint>[] tickLists = newTickLists();
    private int nextTickSlice;
    private Endpoint[] dirty = new Endpoint[64];
    private int dirtyCount;
    private XnioExecutor.Key tickKey;
    private int tickSlice;
    private XnioExecutor.Key engineKey;
    private final Runnable engineIntervalTask = this::onEngineInterval;
    private boolean isEngineIntervalStopped;
    private boolean isScheduled;
    private long lastSessionId = NO_SESSION;
    private Endpoint lastEndpoint;
    private boolean isInDutyCycle;
    /** True during a poll whose endpoints may be written as soon as their records are complete (see #writeThrough). */
    private boolean isWritingThrough;
    private long barrierSessionId = NO_SESSION;
    private boolean isBarrierPassed;
    private Runnable onShutdown;
    private boolean isClosing;
    private AgentInvoker engineInvoker;
    private final Runnable scheduleTask = this::schedule;
    /** Socket reads since the last run, counted by the endpoints. */
    int socketReads;
    /** Bytes appended to endpoints' outbound buffers since the last write of the dirty endpoints. */
    long unflushedBytes;
    private int roundsSinceFlush;
    private int readDeferrals;
    private long deferredAtNs;

    IoLoop(final RoomwireServer server, final XnioIoThread thread, final Gateway gateway)
    {
        this.server = server;
        this.config = server.config();
        this.thread = thread;
        this.gateway = gateway;
        this.jsonDecoder = new JsonDecoder(config.maxMessageLength(), JsonDecoder.DEFAULT_MAX_DEPTH);
        this.pool = new BufferPool(
            config.bufferPoolLength(), POOL_TRIM_WINDOW, server.metrics().outboundBufferAllocations());
        this.outboundLimit = config.outboundLength();
        this.frameIntervalNs = 1_000_000_000L / config.frameRate();
        this.frameToleranceNs = frameIntervalNs * (config.frameBurst() - 1L);
        this.sbeBuffer = new UnsafeBuffer(new byte[config.maxMessageLength() + JsonDecoder.MAX_SBE_OVERHEAD + 1024]);
        this.readBuffer = ByteBuffer.allocateDirect(config.maxMessageLength() + 2 * WebSocketFrames.MAX_HEADER_LENGTH + 4096);
        this.readView = new UnsafeBuffer(readBuffer);
    }

    /**
     * Start: called once, from any thread, after the gateway was created.
     */
    void start()
    {
        gateway.notifier(() -> thread.execute(this));
        thread.execute(() -> tickKey = thread.executeAtInterval(this::tick, TICK_SLICE_INTERVAL_MS, TimeUnit.MILLISECONDS));
        if (null != engineInvoker)
        {
            // the engine's timers, and commands from other threads' gateways, need a duty cycle even when no socket
            // has anything for this thread
            thread.execute(this::scheduleEngineInterval);
        }
    }

    /**
     * Drive the engine from this thread's duty cycle ({@link ServerConfig#isEngineOnIoThread()}): call before
     * {@link #start()}.
     *
     * @param invoker of the engine's conductor.
     */
    void engineInvoker(final AgentInvoker invoker)
    {
        this.engineInvoker = invoker;
    }

    /**
     * A handler or connection of this thread handed commands to the engine (every place that writes to the gateway
     * on a client's behalf calls this): when the engine runs on this thread, run a duty cycle soon rather than at the
     * next millisecond tick.
     */
    void afterInbound()
    {
        if (null != engineInvoker)
        {
            schedule();
        }
    }

    /**
     * The gap between engine duty cycles when the engine runs on the I/O thread and nothing else wakes it. While this
     * thread's gateway is the only one, only the engine's timers need those duty cycles (every command from this
     * thread's connections and handlers runs one at once, see {@link #afterInbound()}), and a timer cannot fire
     * before the timer wheel's next tick anyway: a little less than one tick, its whole milliseconds less the one XNIO
     * may add to a timed select (7 ms for the default 8.4 ms tick), so the engine of an idle node runs about 140 times
     * a second rather than 1,000. Never a whole tick: with 9 ms the wheel of 10,000 idle sessions doubled (1 MiB more),
     * most likely because a duty cycle that expires two ticks' timers at once reschedules them into one, and the wheel
     * sizes every tick for its fullest. While another gateway is open, its commands wait for the next duty cycle: a
     * millisecond.
     *
     * @param openGateways gateways open on the engine, this thread's included.
     * @param timerTickNs  the engine's timer tick ({@code roomwire.engine.timer.tick}).
     * @return milliseconds to the next duty cycle.
     */
    static long engineIntervalMs(final long openGateways, final long timerTickNs)
    {
        if (openGateways > 1)
        {
            return ENGINE_INTERVAL_WITH_OTHER_GATEWAYS_MS;
        }

        return Math.max(1, timerTickNs / TimeUnit.MILLISECONDS.toNanos(1) - 1);
    }

    private void scheduleEngineInterval()
    {
        if (!isEngineIntervalStopped)
        {
            final long openGateways = server.engine().engineCounters().get(EngineCounters.SystemCounter.GATEWAYS);
            final long intervalMs = engineIntervalMs(openGateways, server.engine().context().timerTickNs());
            engineKey = thread.executeAfter(engineIntervalTask, intervalMs, TimeUnit.MILLISECONDS);
        }
    }

    private void onEngineInterval()
    {
        engineKey = null;
        try
        {
            run();
        }
        finally
        {
            // re-armed whatever the duty cycle did, as XNIO's own repeating timers are
            scheduleEngineInterval();
        }
    }

    /**
     * One engine duty cycle when the engine runs on this thread, then one gateway poll.
     */
    private int pollOnce()
    {
        int workCount = 0;
        if (null != engineInvoker && !isClosing)
        {
            workCount += engineInvoker.invoke();
        }

        // Write endpoints through only when this poll brings all of the drain: no earlier poll of it left endpoints
        // to flush, and the engine has read every command, so no later duty cycle of this drain adds to them.
        isWritingThrough = 0 == dirtyCount && gateway.isEngineCaughtUp();
        try
        {
            return workCount + gateway.poll(this, POLL_LIMIT);
        }
        finally
        {
            isWritingThrough = false;
        }
    }

    /**
     * @return the I/O thread this loop runs on.
     */
    XnioIoThread thread()
    {
        return thread;
    }

    /**
     * @return endpoints open on this thread.
     */
    int endpointCount()
    {
        return endpointCount;
    }

    void register(final Endpoint endpoint)
    {
        lastSessionId = NO_SESSION;
        lastEndpoint = null;
        final int slot = Gateway.sessionSlot(endpoint.sessionId);
        if (slot >= endpointBySlot.length)
        {
            endpointBySlot = Arrays.copyOf(endpointBySlot, BitUtil.findNextPositivePowerOfTwo(slot + 1));
        }
        final Endpoint previous = endpointBySlot[slot];
        if (null != previous && previous != endpoint)
        {
            // the gateway gave the slot to a new session while an endpoint of its last occupant is still registered:
            // that endpoint's session is over, whatever its connection thinks
            onEndpointError(previous, new IllegalStateException("session slot " + slot + " reused"));
            if (endpointBySlot[slot] == previous)
            {
                unregister(previous);
            }
        }
        if (endpointBySlot[slot] != endpoint)
        {
            endpointBySlot[slot] = endpoint;
            endpointCount++;
        }
        endpoint.tickSlice = (byte)nextTickSlice;
        nextTickSlice = (nextTickSlice + 1) % TICK_SLICES;
        tickLists[endpoint.tickSlice].add(endpoint);
        server.metrics().opened(endpoint.transport());
    }

    void unregister(final Endpoint endpoint)
    {
        lastSessionId = NO_SESSION;
        lastEndpoint = null;
        final int slot = Gateway.sessionSlot(endpoint.sessionId);
        if (slot < endpointBySlot.length && endpointBySlot[slot] == endpoint)
        {
            endpointBySlot[slot] = null;
            endpointCount--;
            tickLists[endpoint.tickSlice].remove(endpoint);
            server.metrics().closed(endpoint.transport());
        }
    }

    /**
     * Poll the gateway and flush dirty connections until nothing is left, a few rounds at a time.
     */
    public void run()
    {
        isScheduled = false;
        if (gateway.isClosed() && !replaceOverrunGateway())
        {
            return;
        }

        if (deferForReads())
        {
            return;
        }

        int workCount = 0;
        isInDutyCycle = true;
        try
        {
            for (int round = 0; round < ROUNDS_PER_RUN; round++)
            {
                workCount = pollOnce();
                // a connection is written once per drain, not once per round: under load a drain takes many rounds
                // (the engine reads a bounded number of commands per duty cycle), and a connection gets records in
                // several of them
                if (0 == workCount || isWorthFlushing())
                {
                    flushDirty();
                }
                if (0 == workCount)
                {
                    break;
                }
            }
        }
        finally
        {
            isInDutyCycle = false;
        }

        if (workCount > 0)
        {
            schedule();
        }
        if (isBarrierPassed)
        {
            completeShutdown();
        }
    }

    /**
     * Put a drain off for one more select when the last select was full. Under a load of many sockets each sending a
     * little, a select brings at most 1,024 of them; a drain after each, taking all its rounds before XNIO selects
     * again, let the other ready sockets wait in the kernel through several drains (seconds at 10,000 connections)
     * and their messages pile up. Reading all that is ready first keeps a socket's wait to about one drain, and gives
     * that drain more records per connection to write with one system call.
     * <p>
     * Bounded: {@link #MAX_READ_DEFERRALS} selects in a row at most, and never while the inbound ring is a quarter
     * full, on shutdown or with the gateway closing. A select that finds nothing ready blocks: a timer set here runs
     * the drain a millisecond later at most.
     *
     * @return true when the drain is put off.
     */
    private boolean deferForReads()
    {
        final int reads = socketReads;
        socketReads = 0;
        if (readDeferrals > 0 && 0 == reads && System.nanoTime() - deferredAtNs < READ_DEFERRAL_WAIT_NS)
        {
            // a timer ran before the select the drain waits for
            return true;
        }

        if (reads >= FULL_SELECT_READS && readDeferrals < MAX_READ_DEFERRALS && !isClosing && null == onShutdown &&
            gateway.inboundRingFill() < MAX_RING_FILL_TO_DEFER)
        {
            readDeferrals++;
            deferredAtNs = System.nanoTime();
            thread.executeAfter(scheduleTask, 1, TimeUnit.MILLISECONDS);
            return true;
        }

        readDeferrals = 0;
        return false;
    }

    /**
     * The engine overran this thread's gateway: the thread fell so far behind that the records the conductor had for
     * it outgrew the control ring and the backlog ({@code roomwire.engine.gateway.backlog.length}). The overrun gateway's
     * last poll tells every session it is closed with {@code lagging}, so each connection is closed with that code
     * and its client reconnects and resumes; then the thread takes a new gateway so it serves new connections.
     *
     * @return true when a new gateway replaced an overrun one; false when the gateway was closed on purpose.
     */
    private boolean replaceOverrunGateway()
    {
        if (!gateway.isOverrun() || null != onShutdown || isClosing)
        {
            return false;
        }

        final Gateway overrun = gateway;
        final int endpoints = endpointCount;
        isInDutyCycle = true;
        try
        {
            overrun.poll(this, POLL_LIMIT);
            flushDirty();
            for (final Endpoint endpoint : allEndpoints())
            {
                // a session the gateway did not know yet: it cannot be served either
                onEndpointError(endpoint, new IllegalStateException("session of an overrun gateway"));
            }
            flushDirty();
        }
        finally
        {
            isInDutyCycle = false;
        }
        publisherByUser.clear();
        overrun.notifier(null);

        gateway = server.engine().newGateway();
        gateway.notifier(() -> thread.execute(this));
        LOGGER.warning("I/O thread " + thread.getNumber() + " fell behind the engine by more than its gateway ring " +
            "and backlog hold: " + endpoints + " connections were closed with lagging; serving on a new gateway");
        return true;
    }

    /**
     * Run a duty cycle soon on this thread (after socket events already waiting).
     */
    void schedule()
    {
        if (!isScheduled)
        {
            isScheduled = true;
            thread.execute(this);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Never throws: an endpoint that fails is closed with {@code internal_error}, so the gateway's poll goes on.
     */
    public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (sessionId == barrierSessionId)
        {
            isBarrierPassed = true;
            return;
        }

        final Endpoint endpoint = endpointOf(sessionId);
        if (null != endpoint)
        {
            try
            {
                endpoint.onControl(buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                onEndpointError(endpoint, ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Never throws: an endpoint that fails is closed with {@code internal_error} and the record is consumed.
     */
    public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        // The gateway hands a session all of its records in a row: look its endpoint up once.
        Endpoint endpoint = lastEndpoint;
        if (sessionId != lastSessionId)
        {
            if (isWritingThrough && null != endpoint && endpoint.isToWriteThrough())
            {
                writeThrough(endpoint);
            }
            endpoint = endpointOf(sessionId);
            lastSessionId = sessionId;
            lastEndpoint = endpoint;
        }
        if (null == endpoint)
        {
            return true;
        }

        try
        {
            return endpoint.onRecord(buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            onEndpointError(endpoint, ex);
            return true;
        }
    }

    /**
     * Write an endpoint whose records of this poll are all appended (the gateway hands a session all of its records
     * of a room in a row, and has moved on to another session) rather than at the drain's end. When a drain brings a
     * room's record to each of its members, the first member's write then goes out after one copy rather than after
     * the copies for every member: in many small rooms, where a drain carries a message or two, the median delivery
     * waited for about five copies of ~0.5 µs (cold outbound buffers) more than it needs to. An endpoint that then
     * gets more records in the same drain is marked {@link Endpoint#BATCHED} and waits for the drain's end until its
     * next tick, so a session in several busy rooms, or a fan-out whose records come over several polls of a drain,
     * keeps one write per drain. Only in a poll that brings the whole drain ({@link #pollOnce()}): under load, when
     * the engine's duty cycles split a drain's commands, every endpoint waits for the drain's end as before.
     */
    private void writeThrough(final Endpoint endpoint)
    {
        endpoint.flushState = Endpoint.WRITTEN_THROUGH;
        server.metrics().writeThrough();
        try
        {
            endpoint.flush();
        }
        catch (final RuntimeException ex)
        {
            onEndpointError(endpoint, ex);
        }
    }

    private Endpoint endpointOf(final long sessionId)
    {
        final int slot = Gateway.sessionSlot(sessionId);
        final Endpoint[] endpoints = endpointBySlot;
        if (slot < endpoints.length)
        {
            final Endpoint endpoint = endpoints[slot];
            if (null != endpoint && endpoint.sessionId == sessionId)
            {
                return endpoint;
            }
        }

        return null;
    }

    /**
     * Ask for an endpoint to be flushed at the end of this duty cycle, scheduling one when called outside of it (from
     * a socket's read listener, or a request's handler).
     *
     * @param endpoint with bytes to write.
     */
    void markDirty(final Endpoint endpoint)
    {
        if (dirtyCount == dirty.length)
        {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = endpoint;
        flushSoon();
    }

    /**
     * Have the endpoints in the list flushed: at the end of this duty cycle, or of one scheduled now when called
     * outside of it. An endpoint written through in this drain that has bytes again calls this alone: it is still in
     * the list.
     */
    void flushSoon()
    {
        if (!isInDutyCycle)
        {
            schedule();
        }
    }

    private void onEndpointError(final Endpoint endpoint, final RuntimeException ex)
    {
        server.metrics().endpointError();
        LOGGER.log(Level.WARNING, "closing a " + endpoint.transport() + " endpoint after an error", ex);
        try
        {
            endpoint.fail();
        }
        catch (final RuntimeException failure)
        {
            LOGGER.log(Level.WARNING, "closing a failed " + endpoint.transport() + " endpoint", failure);
            unregister(endpoint);
            gateway.closeSession(endpoint.sessionId);
        }
    }

    private boolean isWorthFlushing()
    {
        final long bytes = unflushedBytes;
        return bytes >= (long)FLUSH_BYTES_PER_CONNECTION * dirtyCount || bytes >= MAX_UNFLUSHED_BYTES ||
            ++roundsSinceFlush >= MAX_ROUNDS_BETWEEN_FLUSHES;
    }

    private void flushDirty()
    {
        unflushedBytes = 0;
        roundsSinceFlush = 0;
        for (int i = 0; i < dirtyCount; i++)
        {
            final Endpoint endpoint = dirty[i];
            dirty[i] = null;
            final int state = endpoint.flushState;
            endpoint.flushState = (byte)(state & (Endpoint.BATCHED | Endpoint.ALWAYS_BATCHED));
            if (0 == (state & Endpoint.DIRTY))
            {
                continue; // written through, nothing appended since
            }
            try
            {
                endpoint.flush();
            }
            catch (final RuntimeException ex)
            {
                onEndpointError(endpoint, ex);
            }
        }
        dirtyCount = 0;
    }

    /**
     * Tick the next slice of endpoints: each is ticked once a second, and a second's ticks are spread over it.
     */
    private void tick()
    {
        final long nowNs = System.nanoTime();
        final int slice = tickSlice;
        tickSlice = (slice + 1) % TICK_SLICES;
        final List<Endpoint> endpoints = tickLists[slice];
        isInDutyCycle = true;
        try
        {
            for (int i = endpoints.size() - 1; i >= 0; i--)
            {
                if (i < endpoints.size())
                {
                    final Endpoint endpoint = endpoints.get(i);
                    endpoint.forgetBatching();
                    try
                    {
                        endpoint.onTick(nowNs);
                    }
                    catch (final RuntimeException ex)
                    {
                        onEndpointError(endpoint, ex);
                    }
                }
            }
            flushDirty();
            if (0 == slice)
            {
                pool.trim();
            }
        }
        finally
        {
            isInDutyCycle = false;
        }
    }

    private List<Endpoint> allEndpoints()
    {
        final List<Endpoint> all = new ArrayList<>();
        for (final List<Endpoint> endpoints : tickLists)
        {
            all.addAll(endpoints);
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<Endpoint>[] newTickLists()
    {
        final List<Endpoint>[] lists = (List<Endpoint>[])new List<?>[TICK_SLICES];
        for (int i = 0; i < TICK_SLICES; i++)
        {
            lists[i] = new ArrayList<>();
        }
        return lists;
    }

    /**
     * Shut down every endpoint of this thread once what the engine sequenced before this call is delivered: a barrier
     * session is opened, and since the engine reads its inbound ring in order, the barrier's {@code Connected} comes
     * after every record published before it (by any thread). Then each client is told, and {@code onDone} runs on
     * this thread. Without an answer within {@code barrierTimeoutNs} the endpoints are shut down anyway.
     *
     * @param barrierTimeoutNs longest wait for the engine.
     * @param onDone           run once the endpoints are shut down.
     */
    void shutdown(final long barrierTimeoutNs, final Runnable onDone)
    {
        onShutdown = onDone;
        try
        {
            barrierSessionId = gateway.isClosed() ?
                NO_SESSION : gateway.openSession(BARRIER_USER, NO_PATTERNS, NO_PATTERNS);
            if (barrierSessionId >= 0)
            {
                thread.executeAfter(this::completeShutdown, barrierTimeoutNs, TimeUnit.NANOSECONDS);
                schedule();
                return;
            }
        }
        catch (final RuntimeException ex)
        {
            LOGGER.log(Level.WARNING, "shutting down without waiting for the engine", ex);
        }
        barrierSessionId = NO_SESSION;
        completeShutdown();
    }

    private void completeShutdown()
    {
        final Runnable onDone = onShutdown;
        if (null == onDone)
        {
            return;
        }
        onShutdown = null;

        try
        {
            isInDutyCycle = true;
            for (int i = 0; i < SHUTDOWN_ROUNDS && !gateway.isClosed() && pollOnce() > 0; i++)
            {
                flushDirty();
            }
            flushDirty();
            for (final Endpoint endpoint : allEndpoints())
            {
                try
                {
                    endpoint.shutdown();
                }
                catch (final RuntimeException ex)
                {
                    onEndpointError(endpoint, ex);
                }
            }
            flushDirty();
            if (null != tickKey)
            {
                tickKey.remove();
            }
            isEngineIntervalStopped = true;
            if (null != engineKey)
            {
                engineKey.remove();
            }
            if (barrierSessionId != NO_SESSION)
            {
                gateway.closeSession(barrierSessionId);
            }
        }
        finally
        {
            isInDutyCycle = false;
            onDone.run();
        }
    }

    /**
     * Close the gateway: called on this thread after {@link #shutdown(long, Runnable)}.
     */
    void closeGateway()
    {
        isClosing = true;
        gateway.notifier(null);
        gateway.close();
    }
}
