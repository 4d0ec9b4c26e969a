package io.roomwire.engine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under any interleaving of publishes, joins, leaves, polls and conductor cycles by many sessions on several gateways,
 * every session sees each room's records gap-free, in seq order, from the {@code fromSeq} of its join until it leaves,
 * and every record it sees is the one the room sequenced at that seq.
 */
class RoomOrderingProperties
{
    private static final String[] ROOMS = { "a", "b", "c" };

    record Action(int kind, int session, int room)
    {
    }

    @Provide
    Arbitrary<List<Action>> actions()
    {
        final Arbitrary<Action> action = Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, ROOMS.length - 1)).as(Action::new);
        return action.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 150)
    void everySessionSeesEachRoomGapFreeAndInOrder(
        @ForAll("actions") final List<Action> actions,
        @ForAll @IntRange(min = 1, max = 3) final int gatewayCount)
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx
            .publishRate(1_000_000).publishBurst(1_000_000).maxPayloadLength(1024)
            .logInitialLength(1024).historyLength(64 * 1024).outboundLength(32 * 1024)
            .outboundRecords(100_000).historyRecords(4096)))
        {
            final List<Gateway> gateways = new ArrayList<>();
            for (int g = 0; g < gatewayCount; g++)
            {
                gateways.add(harness.gateway());
            }

            final long[] sessions = new long[8];
            final Gateway[] gatewayOf = new Gateway[8];
            for (int s = 0; s < sessions.length; s++)
            {
                gatewayOf[s] = gateways.get(s % gatewayCount);
                sessions[s] = harness.open(gatewayOf[s], "user" + (s % 5));
            }

            final boolean[][] joined = new boolean[8][ROOMS.length];
            int published = 0;
            for (final Action action : actions)
            {
                final Gateway gateway = gatewayOf[action.session()];
                final long session = sessions[action.session()];
                final String room = ROOMS[action.room()];
                switch (action.kind())
                {
                    case 0, 1, 2, 3 ->
                    {
                        if (harness.publish(gateway, session, room, "m" + published, "{\"n\":" + published + "}") > 0)
                        {
                            published++;
                        }
                    }
                    case 4 ->
                    {
                        if (!joined[action.session()][action.room()])
                        {
                            gateway.join(session, room, "j");
                            joined[action.session()][action.room()] = true;
                        }
                    }
                    case 5 ->
                    {
                        if (joined[action.session()][action.room()])
                        {
                            gateway.leave(session, room, "l");
                            joined[action.session()][action.room()] = false;
                        }
                    }
                    case 6, 7 -> harness.conduct();
                    default -> gateway.poll(harness.recorder(gateway), 1 + action.room());
                }
            }
            harness.drive();

            final Map<String, Map<Long, String>> sequencedByRoom = new HashMap<>();
            for (final Gateway gateway : gateways)
            {
                for (final Msg msg : harness.recorder(gateway).messages)
                {
                    if (msg.type.equals("deliver") || msg.type.equals("presence"))
                    {
                        final String identity = msg.type + msg.payload + msg.user + msg.status;
                        final String previous = sequencedByRoom.computeIfAbsent(msg.room, (r) -> new HashMap<>())
                            .putIfAbsent(msg.seq, identity);
                        assertTrue(null == previous || previous.equals(identity),
                            () -> "two different records at " + msg);
                    }
                }
            }

            for (int s = 0; s < sessions.length; s++)
            {
                final Recorder recorder = harness.recorder(gatewayOf[s]);
                for (final String r : ROOMS)
                {
                    long expected = -1;
                    for (final Msg msg : recorder.of(sessions[s]))
                    {
                        if (!msg.room.equals(r))
                        {
                            continue;
                        }
                        if (msg.type.equals("joined"))
                        {
                            expected = msg.fromSeq;
                        }
                        else if (msg.type.equals("left"))
                        {
                            assertEquals(expected - 1, msg.seq, () -> "left must name the last seq delivered: " + msg);
                            expected = -1;
                        }
                        else if (msg.type.equals("deliver") || msg.type.equals("presence"))
                        {
                            final long want = expected;
                            assertEquals(want, msg.seq, () -> "gap or duplicate in " + r + " at " + msg);
                            expected++;
                        }
                    }
                }
            }
        }
    }
}
