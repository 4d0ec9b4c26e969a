package io.roomwire.engine;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway delivers only to subscriptions that may have something new (marked by the conductor, or left behind by
 * the last poll), so an idle poll costs nothing per session; these tests check nothing is missed by that.
 */
class GatewayPollTest
{
    @Test
    void shouldDeliverToEveryRoomWhenMoreRoomsChangedThanTheQueueHolds()
    {
        final int rooms = 5000;
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.logInitialLength(1024).historyLength(16 * 1024)
            .outboundLength(4096).maxPayloadLength(256).maxRoomsPerSession(rooms).inboundRingLength(16 * 1024 * 1024)))
        {
            final Gateway gateway = harness.gateway();
            final Gateway publisher = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "reader");
            for (int i = 0; i < rooms; i++)
            {
                gateway.join(session, "room" + i, null);
                if (i % 500 == 0)
                {
                    harness.drive();
                }
            }
            harness.drive();
            recorder.clear();

            for (int i = 0; i < rooms; i++)
            {
                harness.serverPublish(publisher, "room" + i, null, "{\"n\":" + i + "}");
            }
            harness.conductAll();
            gateway.poll(recorder, 10);

            assertEquals(rooms, recorder.of(session, "deliver").size(), "every room delivered in one poll");
        }
    }

    @Test
    void shouldKeepDeliveringASessionLeftBehindByThePerPollLimitWithoutNewRecords()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.publishRate(10_000).publishBurst(10_000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "reader");
            gateway.join(session, "room", null);
            harness.drive();
            for (int i = 0; i < 50; i++)
            {
                harness.serverPublish(gateway, "room", null, "{}");
            }
            harness.conductAll();

            int polls = 0;
            while (recorder.of(session, "deliver").size() < 50 && polls < 100)
            {
                gateway.poll(recorder, 7);
                polls++;
            }
            assertEquals(50, recorder.of(session, "deliver").size());
            assertEquals(8, polls, "7 records per poll, no record appended meanwhile");
        }
    }

    /**
     * A handler may close a session while a poll hands records out (an I/O thread's write fails for a connection it
     * writes as soon as its records are complete): the session must not be taken out of the room's arrays under the
     * poll, where the last session would take its place and be handed the same records twice.
     */
    @Test
    void shouldHandEveryOtherSessionEachRecordOnceWhenTheHandlerClosesASessionMidPoll()
    {
        final int members = 5;
        final int publishes = 3;
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Gateway publisher = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final List<Long> sessions = new ArrayList<>();
            for (int i = 0; i < members; i++)
            {
                final long session = harness.open(gateway, "member" + i);
                gateway.join(session, "room", null);
                sessions.add(session);
            }
            harness.drive();
            recorder.clear();

            for (int i = 0; i < publishes; i++)
            {
                harness.serverPublish(publisher, "room", null, "{\"n\":" + i + "}");
            }
            harness.conductAll();
            final long[] closed = {0};
            gateway.poll(new SessionHandler()
            {
                public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
                {
                    recorder.onControl(sessionId, buffer, offset, length);
                }

                public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
                {
                    if (0 == closed[0])
                    {
                        // the first session handed records closes another, not yet handed any
                        closed[0] = sessions.get(sessions.indexOf(sessionId) == 0 ? 1 : 0);
                        assertTrue(gateway.closeSession(closed[0]));
                        assertTrue(!gateway.closeSession(closed[0]), "closed once: gone at once for callers");
                    }
                    return recorder.onRecord(sessionId, buffer, offset, length);
                }
            }, 100);
            harness.serverPublish(publisher, "room", null, "{\"n\":" + publishes + "}");
            harness.drive();

            for (final long session : sessions)
            {
                final List<Msg> delivered = recorder.of(session, "deliver");
                if (session == closed[0])
                {
                    assertTrue(delivered.size() <= publishes, "the closed session gets nothing after the poll: " +
                        delivered.size());
                }
                else
                {
                    assertEquals(publishes + 1, delivered.size(), "each record once for session " + session);
                    for (int i = 0; i < delivered.size(); i++)
                    {
                        assertTrue(delivered.get(i).json.contains("\"data\":{\"n\":" + i + ","),
                            "in order, each once: " + delivered.get(i).json);
                    }
                }
            }
        }
    }

    @Test
    void shouldSayTheEngineCaughtUpOnlyOnceTheConductorHasReadEveryCommand()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Gateway other = harness.gateway();
            final long session = harness.open(gateway, "reader");
            gateway.join(session, "room", null);
            harness.drive();
            assertTrue(gateway.isEngineCaughtUp());

            harness.serverPublish(other, "room", null, "{}");
            assertTrue(!gateway.isEngineCaughtUp(), "another gateway's command waits in the shared ring");
            harness.conduct();
            assertTrue(gateway.isEngineCaughtUp());
            assertTrue(other.isEngineCaughtUp());
        }
    }
}
