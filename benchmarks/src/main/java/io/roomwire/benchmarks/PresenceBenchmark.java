package io.roomwire.benchmarks;

import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.PongDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Presence at scale: {@code users} users, one session each, 100 per room ({@code users / 100} rooms), on one thread.
 * Roomwire through the in-process API (a gateway, and the conductor driven by its {@link AgentInvoker}, with injected
 * clocks), beside the seed's {@link SeedPresenceTracker}. Nanoseconds per operation:
 * <ul>
 *     <li>{@code roomwireHeartbeat}: per heartbeat, the whole path. A batch of 100 {@link Gateway#ping(long, long)}
 *     for pseudo-random sessions, one conductor duty cycle that reads them (each marks its session alive and answers
 *     {@code Pong}), and one {@link Gateway#poll(SessionHandler, int)} that hands the pongs over.</li>
 *     <li>{@code roomwireHeartbeatConductorOnly}: per heartbeat, the conductor's share only: the duty cycle that
 *     reads a batch of 100 pings written into its ring, untimed, by a {@link Level#Invocation} setup, which also
 *     drains the pongs every 64 batches. Each invocation runs for microseconds, so the invocation-level timestamps
 *     JMH takes add well under 1 ns per heartbeat; the pings are written just before, so the ring is warm in cache,
 *     as it is when the conductor reads commands right behind their producers.</li>
 *     <li>{@code seedBaselineHeartbeat}: per heartbeat, {@link SeedPresenceTracker#heartbeat(String, String)} for a
 *     pseudo-random user, with the room and user strings built beforehand, so the map work is measured.</li>
 *     <li>{@code roomwireExpiryDutyCycle}: one conductor duty cycle with every session live and no command waiting,
 *     the clocks advancing 1 ms per cycle so the timer wheel that runs presence expiry ticks (one tick is about
 *     8.4 ms). This is what expiry costs Roomwire, on every duty cycle.</li>
 *     <li>{@code seedBaselineCleanupScan}: one pass of the seed's {@code cleanup_loop} over every user, with nothing
 *     expired. The seed runs it every {@code timeout / 2} (15 s) as one pause, proportional to the users.</li>
 * </ul>
 * Setting up: sessions open and join through the gateway, with a duty cycle every few sessions and a poll every few
 * thousand. The injected clock advances during setup so that the sessions' expiry deadlines spread evenly over one
 * turn of the timer wheel (about 4.3 s), as for sessions that connected over time. This is the wheel's best case: each
 * duty cycle scans as many slots as the fullest spoke holds. Heartbeats reschedule nothing (the engine checks the
 * deadline lazily when the timer fires). The presence timeout is a year, so no session expires however far the
 * injected clock runs; the teardown fails the trial if one did or if a ping went unanswered. The rooms are sized
 * small ({@code logInitialLength 4096}, {@code historyLength 65536}, {@code outboundLength 16384}).
 * <p>
 * Run with {@code java -jar benchmarks/target/benchmarks.jar '.*Presence.*' -prof gc}; add {@code -p users=1000000}
 * for the 1M case alone. Setting up 1M sessions takes 30 to 60 s per trial on a 2-core machine, in a fork with an
 * 8 GiB heap.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms8g", "-Xmx8g", "-XX:+UseParallelGC" })
public class PresenceBenchmark
{
    /**
     * Users (and sessions) per room.
     */
    static final int USERS_PER_ROOM = 100;

    /**
     * Heartbeats per benchmark invocation.
     */
    static final int HEARTBEATS = 100;

    /**
     * Spokes of the conductor's timer wheel ({@code EngineConductor.TICKS_PER_WHEEL}).
     */
    static final int TIMER_WHEEL_TICKS = 512;

    /**
     * Control messages a poll may hand over: more than a batch produces, as one poll reads the control ring only up
     * to where it wraps, and pongs left over must not pile up.
     */
    static final int POLL_LIMIT = 4 * HEARTBEATS;

    static final int SETUP_SESSIONS_PER_DUTY_CYCLE = 64;
    static final int SETUP_POLL_BATCH = 4096;
    static final int SETUP_RECORDS_PER_ROOM_BETWEEN_POLLS = 16;
    static final long PRESENCE_TIMEOUT_NS = TimeUnit.DAYS.toNanos(365);
    static final long HEARTBEAT_INTERVAL_NS = TimeUnit.HOURS.toNanos(1);
    static final long CLOCK_ADVANCE_PER_HEARTBEAT_NS = TimeUnit.MICROSECONDS.toNanos(1);
    static final long CLOCK_ADVANCE_PER_DUTY_CYCLE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long START_NS = TimeUnit.SECONDS.toNanos(1);
    static final long START_EPOCH_MS = 1_711_000_000_000L;
    static final double SEED_TIMEOUT_S = 30.0;

    static String roomName(final int room)
    {
        return "room-" + room;
    }

    static String userName(final int user)
    {
        return "user-" + user;
    }

    /**
     * An engine driven on the benchmark thread with {@code users} sessions of one gateway, each in one room.
     */
    @State(Scope.Thread)
    public static class RoomwirePresence implements SessionHandler
    {
        @Param({ "10000", "1000000" })
        int users;

        final CachedNanoClock nanoClock = new CachedNanoClock();
        final CachedEpochClock epochClock = new CachedEpochClock();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        Engine engine;
        AgentInvoker conductor;
        Gateway gateway;
        long[] sessionIds;
        long random = 0x9E3779B97F4A7C15L;
        long pings;
        long pongs;
        long connected;
        long joined;
        long otherControls;
        long records;
        long refused;

        /**
         * Launch the engine, open the sessions and join them to their rooms.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            nanoClock.update(START_NS);
            epochClock.update(START_EPOCH_MS);
            engine = Engine.launch(new Engine.Context()
                .useAgentInvoker(true)
                .nanoClock(nanoClock)
                .epochClock(epochClock)
                .presenceTimeoutNs(PRESENCE_TIMEOUT_NS)
                .heartbeatIntervalNs(HEARTBEAT_INTERVAL_NS)
                .maxMembersPerRoom(USERS_PER_ROOM)
                .maxPayloadLength(4096)
                .logInitialLength(4096)
                .historyLength(65536)
                .outboundLength(16384));
            conductor = engine.invoker();
            gateway = engine.newGateway();

            final int rooms = users / USERS_PER_ROOM;
            final String[] roomNames = new String[rooms];
            for (int i = 0; i < rooms; i++)
            {
                roomNames[i] = roomName(i);
            }

            final String[] joinAnyRoom = { "*" };
            final String[] publishNowhere = new String[0];
            final long tickNs = engine.context().timerTickNs();
            final long spreadNs = tickNs * TIMER_WHEEL_TICKS / users;
            // A duty cycle stamps every session it opens with its one clock reading: keep each cycle's sessions
            // within one tick, or their deadlines pile into one spoke of the wheel.
            final int sessionsPerDutyCycle =
                (int)Math.max(1, Math.min(SETUP_SESSIONS_PER_DUTY_CYCLE, tickNs / spreadNs));
            // Poll often enough that no receiver nears its outbound budget and the Joined messages (each lists the
            // room's members) waiting for the gateway stay well under its backlog limit; not more often, as a poll
            // walks every session.
            final int sessionsPerPoll = Math.min(SETUP_POLL_BATCH, rooms * SETUP_RECORDS_PER_ROOM_BETWEEN_POLLS);
            final long startMs = System.currentTimeMillis();
            sessionIds = new long[users];
            for (int i = 0; i < users; i++)
            {
                final long sessionId = gateway.openSession(userName(i), joinAnyRoom, publishNowhere);
                // Consecutive users go to different rooms, so a room gains few records between polls.
                final long result = gateway.join(sessionId, roomNames[i % rooms], null);
                if (sessionId < 0 || result < 0)
                {
                    throw new IllegalStateException("open or join refused: " + sessionId + ", " + result);
                }
                sessionIds[i] = sessionId;
                advance(spreadNs);
                if ((i + 1) % sessionsPerDutyCycle == 0)
                {
                    conductor.invoke();
                }
                if ((i + 1) % sessionsPerPoll == 0)
                {
                    settle();
                }
            }
            settle();

            if (connected != users || joined != users || otherControls != 0 ||
                engine.engineCounters().get(EngineCounters.SystemCounter.SESSIONS) != users)
            {
                throw new IllegalStateException("setup incomplete: connected=" + connected + " joined=" + joined +
                    " other=" + otherControls);
            }
            System.out.println("setup: " + users + " sessions in " + rooms + " rooms in " +
                (System.currentTimeMillis() - startMs) + " ms");
        }

        /**
         * Check that every ping was answered and nothing expired, then drop the engine.
         * <p>
         * The engine is dropped, not closed: driven by an invoker it has no thread to stop, and closing it would
         * write a presence record for each of the sessions, work that {@code -prof gc} would charge to the last
         * measured iteration (JMH runs the trial's teardown inside it).
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            settle();
            final long expiries = engine.engineCounters().get(EngineCounters.SystemCounter.PRESENCE_EXPIRIES);
            final String summary = "pings=" + pings + " pongs=" + pongs + " refused=" + refused +
                " expiries=" + expiries + " other=" + otherControls;
            System.out.println(summary);
            gateway = null;
            conductor = null;
            engine = null;
            sessionIds = null;

            if (pings != pongs || refused != 0 || expiries != 0 || otherControls != 0)
            {
                throw new IllegalStateException(summary);
            }
        }

        /**
         * Run duty cycles and polls until neither has work.
         */
        void settle()
        {
            int workCount;
            do
            {
                workCount = 0;
                int dutyCycleWork;
                while ((dutyCycleWork = conductor.invoke()) > 0)
                {
                    workCount += dutyCycleWork;
                }
                workCount += gateway.poll(this, Integer.MAX_VALUE);
            }
            while (workCount > 0);
        }

        /**
         * @param nanos to advance the injected clocks by.
         */
        void advance(final long nanos)
        {
            nanoClock.advance(nanos);
            epochClock.update(START_EPOCH_MS + TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - START_NS));
        }

        /**
         * Send a batch of pings for pseudo-random sessions.
         */
        void ping()
        {
            final Gateway gateway = this.gateway;
            final long[] sessionIds = this.sessionIds;
            final long timestamp = epochClock.time();
            for (int i = 0; i < HEARTBEATS; i++)
            {
                if (gateway.ping(sessionIds[nextUser()], timestamp) < 0)
                {
                    refused++;
                }
            }
            pings += HEARTBEATS;
        }

        /**
         * @return a pseudo-random user index (a 64-bit LCG, scaled without division).
         */
        int nextUser()
        {
            random = random * 6364136223846793005L + 1442695040888963407L;
            return (int)(((random >>> 32) * users) >>> 32);
        }

        /**
         * Counts pongs, and what setup expects.
         * {@inheritDoc}
         */
        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            switch (headerDecoder.wrap(buffer, offset).templateId())
            {
                case PongDecoder.TEMPLATE_ID:
                    pongs++;
                    break;

                case ConnectedDecoder.TEMPLATE_ID:
                    connected++;
                    break;

                case JoinedDecoder.TEMPLATE_ID:
                    joined++;
                    break;

                default:
                    otherControls++;
            }
        }

        /**
         * Presence records of the joins, during setup.
         * {@inheritDoc}
         */
        public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            records++;
            return true;
        }
    }

    /**
     * {@link RoomwirePresence} with a batch of pings written into the conductor's ring before each invocation.
     */
    @State(Scope.Thread)
    public static class PrefilledPresence extends RoomwirePresence
    {
        int batches;

        /**
         * Write a batch of pings, untimed; drain the pongs every 64 batches (the control ring holds far more).
         */
        @Setup(Level.Invocation)
        public void prefill()
        {
            if ((++batches & 63) == 0)
            {
                gateway.poll(this, Integer.MAX_VALUE);
            }
            ping();
            advance(HEARTBEATS * CLOCK_ADVANCE_PER_HEARTBEAT_NS);
        }
    }

    /**
     * The seed's design: a {@link SeedPresenceTracker} holding {@code users} users, 100 per room.
     */
    @State(Scope.Thread)
    public static class SeedPresence
    {
        @Param({ "10000", "1000000" })
        int users;

        SeedPresenceTracker tracker;
        String[] userIds;
        String[] roomOfUser;
        double now;
        long random = 0x9E3779B97F4A7C15L;
        long removed;

        /**
         * Build the strings and beat once for every user.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            final int rooms = users / USERS_PER_ROOM;
            final String[] roomNames = new String[rooms];
            for (int i = 0; i < rooms; i++)
            {
                roomNames[i] = roomName(i);
            }

            tracker = new SeedPresenceTracker(SEED_TIMEOUT_S);
            userIds = new String[users];
            roomOfUser = new String[users];
            for (int i = 0; i < users; i++)
            {
                userIds[i] = userName(i);
                roomOfUser[i] = roomNames[i % rooms];
                tracker.heartbeat(roomOfUser[i], userIds[i]);
            }
            now = tracker.now();
        }

        /**
         * Check that the cleanup passes found nothing to remove.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (removed != 0)
            {
                throw new IllegalStateException("cleanup removed " + removed + " users");
            }
        }

        /**
         * @return a pseudo-random user index, as {@link RoomwirePresence#nextUser()}.
         */
        int nextUser()
        {
            random = random * 6364136223846793005L + 1442695040888963407L;
            return (int)(((random >>> 32) * users) >>> 32);
        }
    }

    /**
     * Roomwire: 100 heartbeats through gateway, conductor and back.
     *
     * @param presence the engine and its sessions.
     * @return pongs received so far.
     */
    @Benchmark
    @OperationsPerInvocation(HEARTBEATS)
    public long roomwireHeartbeat(final RoomwirePresence presence)
    {
        presence.ping();
        presence.advance(HEARTBEATS * CLOCK_ADVANCE_PER_HEARTBEAT_NS);
        presence.conductor.invoke();
        presence.gateway.poll(presence, POLL_LIMIT);
        return presence.pongs;
    }

    /**
     * Roomwire: the conductor's duty cycle reading 100 heartbeats already in its ring.
     *
     * @param presence the engine and its sessions, with pings waiting.
     * @return work done by the duty cycle.
     */
    @Benchmark
    @OperationsPerInvocation(HEARTBEATS)
    public int roomwireHeartbeatConductorOnly(final PrefilledPresence presence)
    {
        return presence.conductor.invoke();
    }

    /**
     * The seed: 100 heartbeats into the tracker's maps.
     *
     * @param presence the tracker and its users.
     * @return the tracker.
     */
    @Benchmark
    @OperationsPerInvocation(HEARTBEATS)
    public SeedPresenceTracker seedBaselineHeartbeat(final SeedPresence presence)
    {
        final SeedPresenceTracker tracker = presence.tracker;
        final String[] userIds = presence.userIds;
        final String[] roomOfUser = presence.roomOfUser;
        for (int i = 0; i < HEARTBEATS; i++)
        {
            final int user = presence.nextUser();
            tracker.heartbeat(roomOfUser[user], userIds[user]);
        }

        return tracker;
    }

    /**
     * Roomwire: one idle duty cycle, the clock a millisecond on, every session live.
     *
     * @param presence the engine and its sessions.
     * @return work done by the duty cycle (0: nothing expires).
     */
    @Benchmark
    public int roomwireExpiryDutyCycle(final RoomwirePresence presence)
    {
        presence.advance(CLOCK_ADVANCE_PER_DUTY_CYCLE_NS);
        return presence.conductor.invoke();
    }

    /**
     * The seed: one cleanup pass over every user, none expired.
     *
     * @param presence the tracker and its users.
     * @return users removed (0).
     */
    @Benchmark
    public int seedBaselineCleanupScan(final SeedPresence presence)
    {
        final int removed = presence.tracker.cleanup(presence.now);
        presence.removed += removed;
        return removed;
    }
}
