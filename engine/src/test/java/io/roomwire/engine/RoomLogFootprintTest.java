package io.roomwire.engine;

import io.roomwire.protocol.JsonEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a room's log holds per record, and so what an idle room costs: presence records carry their JSON form only from
 * {@link EngineConductor#PRESENCE_JSON_MIN_MEMBERS} members on.
 */
class RoomLogFootprintTest
{
    @Test
    void shouldKeepASmallRoomsJoinsInTheInitialLog()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long watcher = joinMembers(harness, gateway, "load-999", 10).get(0);

            final List<Msg> joins = recorder.of(watcher, "presence");
            assertEquals(9, joins.size(), "the watcher saw every later join (its own came as the snapshot)");
            int bytes = 0;
            for (final Msg join : joins)
            {
                assertEquals("", join.json, "a small room's presence record has no JSON form");
                bytes += join.frameLength;
            }
            // the watcher's own join is one more frame of the same length
            bytes += joins.get(0).frameLength;
            assertTrue(bytes <= Engine.Context.LOG_INITIAL_LENGTH_DEFAULT, bytes + " bytes of joins");
            assertEquals(0, harness.engine.engineCounters().get(EngineCounters.SystemCounter.LOG_GROWTHS),
                "the log kept its initial length");
        }
    }

    @Test
    void shouldWriteTheJsonFormOfPresenceFromSixteenMembersOn()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final int members = EngineConductor.PRESENCE_JSON_MIN_MEMBERS + 2;
            final long watcher = joinMembers(harness, gateway, "room", members).get(0);

            final List<Msg> joins = recorder.of(watcher, "presence");
            assertEquals(members - 1, joins.size(), "every later join (the watcher's own came as the snapshot)");
            final JsonEncoder encoder = new JsonEncoder();
            final ExpandableArrayBuffer json = new ExpandableArrayBuffer();
            for (int i = 1; i < members; i++)
            {
                // user-i joined a room of i members
                final Msg join = joins.get(i - 1);
                assertEquals("user-" + i, join.user);
                if (i < EngineConductor.PRESENCE_JSON_MIN_MEMBERS)
                {
                    assertEquals("", join.json, "join " + i + " into a room of " + i);
                }
                else
                {
                    // the form a gateway would have encoded, byte for byte
                    final int length = encoder.encode(new UnsafeBuffer(join.binary), 0, join.binary.length, json, 0);
                    assertEquals(json.getStringWithoutLengthUtf8(0, length), join.json, "join " + i);
                    assertTrue(join.json.contains("\"user\":\"user-" + i + "\""), join.json);
                }
            }
        }
    }

    @Test
    void shouldGrowALogShorterThanARecordBeforeWritingIt()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long publisher = harness.open(gateway, "publisher");
            final String big = "{\"text\":\"" + "x".repeat(3 * Engine.Context.LOG_INITIAL_LENGTH_DEFAULT) + "\"}";

            // into a room nobody is in: the first record of a new log
            assertTrue(harness.publish(gateway, publisher, "empty", "first", big) > 0);
            harness.drive();
            // into a room with a receiver, whose last record was small
            final long receiver = harness.open(gateway, "receiver");
            gateway.join(receiver, "room", null);
            harness.drive();
            assertTrue(harness.publish(gateway, publisher, "room", "second", big) > 0);
            harness.drive();

            final List<Msg> delivered = recorder.of(receiver, "deliver");
            assertEquals(1, delivered.size());
            assertEquals(big, delivered.get(0).payload);
            assertEquals(2, recorder.of(publisher, "ack").size(), "both publishes sequenced");
            assertTrue(harness.engine.engineCounters().get(EngineCounters.SystemCounter.LOG_GROWTHS) >= 4,
                "each log grew to hold its record");
        }
    }

    private static List<Long> joinMembers(
        final EngineHarness harness, final Gateway gateway, final String room, final int count)
    {
        final List<Long> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final long session = harness.open(gateway, "user-" + i);
            gateway.join(session, room, null);
            harness.drive();
            sessions.add(session);
        }

        return sessions;
    }
}
