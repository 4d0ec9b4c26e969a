package io.roomwire.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
