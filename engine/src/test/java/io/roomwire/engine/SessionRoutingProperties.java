package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.SystemCounter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under any interleaving of opens, closes, commands (through a gateway, or written straight into the conductor's ring
 * as a command already there when its session closed would be), expiries, gateway closes and polls on several
 * gateways, with ids of closed sessions (whose slots new sessions take) used again and again: every command reaches
 * exactly the session its id names, or is refused by the gateway, or is counted unknown by the conductor, and nothing
 * produced for one session is ever handed over for another.
 * <p>
 * A model keeps what each side knows: the sessions open on each gateway and in the conductor, the commands in the
 * ring in order, and what the conductor has produced for each gateway and not yet been polled. It predicts, per
 * session id, the control messages the gateway hands over, and the count of unknown commands.
 */
class SessionRoutingProperties
{
    private static final String[] ROOMS = { "a", "b" };
    private static final long[] NOT_IDS = { 0, 12345, -4, Long.MAX_VALUE };

    private static final int OPEN = 0;
    private static final int CLOSE = 1;
    private static final int PING = 2;
    private static final int KEEP_ALIVE = 3;
    private static final int JOIN = 4;
    private static final int RAW_PING = 5;
    private static final int CONDUCT = 6;
    private static final int POLL = 7;
    private static final int PUBLISH = 8;
    private static final int EXPIRE_ALL = 9;
    private static final int CLOSE_GATEWAY = 10;

    record Action(int kind, int gateway, int pick)
    {
    }

    /**
     * A command in the conductor's ring, as the model sees it.
     */
    record Command(int kind, long sessionId, int gateway, long value, String room)
    {
    }

    @Provide
    Arbitrary<List<Action>> actions()
    {
        final Arbitrary<Integer> kind = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(OPEN)),
            Tuple.of(4, Arbitraries.just(CLOSE)),
            Tuple.of(6, Arbitraries.just(PING)),
            Tuple.of(2, Arbitraries.just(KEEP_ALIVE)),
            Tuple.of(3, Arbitraries.just(JOIN)),
            Tuple.of(3, Arbitraries.just(RAW_PING)),
            Tuple.of(5, Arbitraries.just(CONDUCT)),
            Tuple.of(5, Arbitraries.just(POLL)),
            Tuple.of(2, Arbitraries.just(PUBLISH)),
            Tuple.of(1, Arbitraries.just(EXPIRE_ALL)),
            Tuple.of(1, Arbitraries.just(CLOSE_GATEWAY)));
        final Arbitrary<Action> action = Combinators.combine(
            kind,
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 1 << 20)).as(Action::new);
        return action.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 200)
    void everyCommandReachesTheSessionItNamesOrIsCountedUnknown(
        @ForAll("actions") final List<Action> actions,
        @ForAll @IntRange(min = 1, max = 3) final int gatewayCount)
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Model model = new Model(harness, gatewayCount);
            for (final Action action : actions)
            {
                model.apply(action);
            }
            model.conductAll();
            for (int g = 0; g < gatewayCount; g++)
            {
                model.poll(g);
            }
            model.check();
            model.closeGateways();
        }
    }

    /**
     * The engine under test beside the model of what it must do.
     */
    static final class Model
    {
        final EngineHarness harness;
        final Gateway[] gateways;
        final Handler[] handlers;
        final List<Set<Long>> openOnGateway = new ArrayList<>();
        final List<List<Expected>> produced = new ArrayList<>();
        final List<Long> issued = new ArrayList<>();
        final Set<Long> issuedSet = new HashSet<>();
        final Map<Long, Integer> gatewayOfSession = new HashMap<>();
        final Set<Long> openInConductor = new HashSet<>();
        final Map<Long, Set<String>> roomsInConductor = new HashMap<>();
        final Map<Long, Set<String>> roomsOnGateway = new HashMap<>();
        final List<Command> ring = new ArrayList<>();
        final Map<Long, List<String>> expected = new HashMap<>();
        final Map<Long, List<String>> received = new HashMap<>();
        long unknown;
        long nextValue = 1;
        int nextUser;

        record Expected(long sessionId, String message)
        {
        }

        Model(final EngineHarness harness, final int gatewayCount)
        {
            this.harness = harness;
            this.gateways = new Gateway[gatewayCount];
            this.handlers = new Handler[gatewayCount];
            for (int g = 0; g < gatewayCount; g++)
            {
                gateways[g] = harness.engine.newGateway();
                handlers[g] = new Handler(this, g);
                openOnGateway.add(new HashSet<>());
                produced.add(new ArrayList<>());
            }
        }

        long pick(final int pick)
        {
            final int index = pick % (issued.size() + NOT_IDS.length);
            return index < issued.size() ? issued.get(index) : NOT_IDS[index - issued.size()];
        }

        void apply(final Action action)
        {
            final int g = action.gateway() % gateways.length;
            final Gateway gateway = gateways[g];
            final long sessionId = pick(action.pick());
            final boolean isOpen = openOnGateway.get(g).contains(sessionId);
            final long refused = isOpen ? 1 : Gateway.UNKNOWN_SESSION;
            switch (action.kind())
            {
                case OPEN ->
                {
                    final long id = gateway.openSession("u" + nextUser++, new String[]{ "*" }, new String[]{ "*" });
                    assertTrue(id > 0, () -> "openSession: " + id);
                    assertTrue(issuedSet.add(id), () -> "id issued twice: " + id);
                    issued.add(id);
                    openOnGateway.get(g).add(id);
                    gatewayOfSession.put(id, g);
                    ring.add(new Command(OPEN, id, g, 0, null));
                }
                case CLOSE ->
                {
                    assertEquals(isOpen, gateway.closeSession(sessionId));
                    if (isOpen)
                    {
                        openOnGateway.get(g).remove(sessionId);
                        ring.add(new Command(CLOSE, sessionId, g, 0, null));
                    }
                }
                case PING ->
                {
                    final long timestamp = nextValue++;
                    assertEquals(refused, gateway.ping(sessionId, timestamp));
                    if (isOpen)
                    {
                        ring.add(new Command(PING, sessionId, g, timestamp, null));
                    }
                }
                case KEEP_ALIVE ->
                {
                    assertEquals(refused, gateway.keepAlive(sessionId));
                    if (isOpen)
                    {
                        ring.add(new Command(KEEP_ALIVE, sessionId, g, 0, null));
                    }
                }
                case JOIN ->
                {
                    final String room = ROOMS[action.pick() % ROOMS.length];
                    assertEquals(refused, gateway.join(sessionId, room, "j" + nextValue++));
                    if (isOpen)
                    {
                        ring.add(new Command(JOIN, sessionId, g, 0, room));
                    }
                }
                case RAW_PING ->
                {
                    final long timestamp = nextValue++;
                    assertTrue(harness.writePingToConductor(sessionId, timestamp));
                    ring.add(new Command(PING, sessionId, g, timestamp, null));
                }
                case CONDUCT -> conductAll();
                case POLL -> poll(g);
                case PUBLISH ->
                {
                    harness.serverPublish(gateway, ROOMS[action.pick() % ROOMS.length], null, "{}");
                    ring.add(new Command(PUBLISH, 0, g, 0, null));
                }
                case EXPIRE_ALL -> expireAll();
                default -> closeGateway(g);
            }
        }

        /**
         * Run the conductor until it has read every command: the model reads the same commands in the same order.
         */
        void conductAll()
        {
            harness.conductAll();
            for (final Command command : ring)
            {
                final long id = command.sessionId();
                final boolean isOpen = openInConductor.contains(id);
                switch (command.kind())
                {
                    case OPEN ->
                    {
                        openInConductor.add(id);
                        roomsInConductor.put(id, new HashSet<>());
                        produce(id, "connected");
                    }
                    case CLOSE ->
                    {
                        if (isOpen)
                        {
                            openInConductor.remove(id);
                        }
                        else
                        {
                            unknown++;
                        }
                    }
                    case PING ->
                    {
                        if (isOpen)
                        {
                            produce(id, "pong " + command.value());
                        }
                        else
                        {
                            unknown++;
                        }
                    }
                    case KEEP_ALIVE ->
                    {
                        if (!isOpen)
                        {
                            unknown++;
                        }
                    }
                    case JOIN ->
                    {
                        if (!isOpen)
                        {
                            unknown++;
                        }
                        else if (roomsInConductor.get(id).add(command.room()))
                        {
                            produce(id, "joined " + command.room());
                        }
                        else
                        {
                            produce(id, "error ALREADY_JOINED");
                        }
                    }
                    case CLOSE_GATEWAY -> openInConductor.removeIf((s) -> gatewayOfSession.get(s) == command.gateway());
                    default ->
                    {
                    }
                }
            }
            ring.clear();
            assertEquals(unknown, harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS),
                "commands counted unknown");
            assertEquals(openInConductor.size(), harness.engine.engineCounters().get(SystemCounter.SESSIONS));
        }

        /**
         * Let every session the conductor has expire: its gateway has not heard of it until it polls.
         */
        void expireAll()
        {
            conductAll();
            harness.advanceMs(60_000);
            harness.conductAll();
            for (final long id : openInConductor)
            {
                produce(id, "closed HEARTBEAT_TIMEOUT");
            }
            openInConductor.clear();
            conductAll();
        }

        void closeGateway(final int g)
        {
            gateways[g].close();
            openOnGateway.get(g).clear();
            produced.get(g).clear();
            ring.add(new Command(CLOSE_GATEWAY, 0, g, 0, null));
            conductAll();
            final Gateway next = harness.engine.newGateway();
            assertEquals(gateways[g].id(), next.id(), "the id is free again");
            gateways[g] = next;
        }

        void produce(final long sessionId, final String message)
        {
            produced.get(gatewayOfSession.get(sessionId)).add(new Expected(sessionId, message));
        }

        /**
         * Poll a gateway: of what the conductor produced for it, what is for a session still open there is handed
         * over, and a {@code SessionClosed} closes the session there.
         */
        void poll(final int g)
        {
            final Set<Long> open = openOnGateway.get(g);
            for (final Expected message : produced.get(g))
            {
                if (open.contains(message.sessionId()))
                {
                    expected.computeIfAbsent(message.sessionId(), (s) -> new ArrayList<>()).add(message.message());
                    if (message.message().startsWith("joined "))
                    {
                        roomsOnGateway.computeIfAbsent(message.sessionId(), (s) -> new HashSet<>())
                            .add(message.message().substring("joined ".length()));
                    }
                    if (message.message().startsWith("closed "))
                    {
                        open.remove(message.sessionId());
                    }
                }
            }
            produced.get(g).clear();
            while (gateways[g].poll(handlers[g], 10_000) > 0)
            {
                continue;
            }
            assertEquals(open.size(), gateways[g].sessionCount());
        }

        void check()
        {
            for (final long id : issued)
            {
                final List<String> want = expected.getOrDefault(id, List.of());
                final List<String> got = received.getOrDefault(id, List.of());
                assertEquals(want, got, () -> "control messages of session " + id);
            }
            for (final long id : received.keySet())
            {
                assertTrue(issuedSet.contains(id), () -> "messages for an id never issued: " + id);
            }
        }

        void closeGateways()
        {
            for (final Gateway gateway : gateways)
            {
                gateway.close();
            }
        }
    }

    /**
     * Records what a gateway hands over, and checks each record against the model as it comes.
     */
    static final class Handler implements SessionHandler
    {
        final Model model;
        final int gateway;

        Handler(final Model model, final int gateway)
        {
            this.model = model;
            this.gateway = gateway;
        }

        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final Msg msg = Msg.decode(sessionId, buffer, offset, length);
            final String text = switch (msg.type)
            {
                case "pong" -> "pong " + msg.timestamp;
                case "joined" -> "joined " + msg.room;
                case "error", "closed" -> msg.type + " " + msg.code;
                default -> msg.type;
            };
            model.received.computeIfAbsent(sessionId, (s) -> new ArrayList<>()).add(text);
        }

        public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final Msg msg = Msg.decode(sessionId, buffer, offset, length);
            assertTrue(model.openOnGateway.get(gateway).contains(sessionId),
                () -> "a record for a session not open on its gateway: " + sessionId);
            assertTrue(model.roomsOnGateway.getOrDefault(sessionId, Set.of()).contains(msg.room),
                () -> "a record of room " + msg.room + " for session " + sessionId + ", which did not join it");
            return true;
        }
    }
}
