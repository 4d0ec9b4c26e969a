package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.GatewayCounter;
import io.roomwire.engine.EngineCounters.SystemCounter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackpressureTest
{
    private static final String PAYLOAD = "{\"price\":\"1.08412\",\"qty\":1000000}";

    private static List<Long> seqs(final Recorder recorder, final long session, final String room)
    {
        return recorder.records(session, room).stream().map((m) -> m.seq).collect(Collectors.toList());
    }

    @Test
    void shouldCutALaggingSessionLooseAtItsRecordBudgetWhileOthersGetEveryRecord()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.outboundRecords(5).publishRate(1000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long fast = harness.open(gateway, "fast");
            final long slow = harness.open(gateway, "slow");
            final long publisher = harness.open(gateway, "pub");
            gateway.join(fast, "room", null);
            gateway.join(slow, "room", null);
            harness.drive();
            recorder.blocked.add(slow);
            final long slowLastSeq = recorder.last(slow, "joined").fromSeq - 1;

            for (int i = 0; i < 5; i++)
            {
                harness.publish(gateway, publisher, "room", null, PAYLOAD);
            }
            harness.drive();
            assertNull(recorder.last(slow, "left"), "five unread records are within the budget");

            harness.publish(gateway, publisher, "room", null, PAYLOAD);
            harness.drive();
            final Msg left = recorder.last(slow, "left");
            assertNotNull(left, "the sixth unread record is past the budget");
            assertEquals("LAGGING", left.reason);
            assertEquals(slowLastSeq, left.seq, "resume point: the last record it received");
            assertEquals(1, harness.engine.engineCounters().total(GatewayCounter.LAGGING_CUTS));

            final List<Long> fastSeqs = seqs(recorder, fast, "room");
            assertEquals(8, fastSeqs.size(), () -> recorder.messages.toString());
            final long first = fastSeqs.get(0);
            for (int i = 0; i < fastSeqs.size(); i++)
            {
                assertEquals(first + i, fastSeqs.get(i));
            }
            final Msg presence = recorder.last(fast, "presence");
            assertEquals("slow", presence.user);
            assertEquals("LAGGING", presence.reason);

            recorder.blocked.clear();
            gateway.join(slow, "room", recorder.last(fast, "joined").epoch, left.seq, "resume");
            harness.drive();
            final List<Long> resumed = seqs(recorder, slow, "room");
            assertTrue(resumed.size() > 1, () -> recorder.of(slow).toString());
            assertEquals(left.seq + 1, resumed.get(0));
            for (int i = 0; i < resumed.size(); i++)
            {
                assertEquals(left.seq + 1 + i, resumed.get(i), "no gap and no duplicate after resume");
            }
        }
    }

    @Test
    void shouldCutALaggingSessionLooseAtItsByteBudget()
    {
        final int frameLength;
        try (EngineHarness probe = new EngineHarness())
        {
            final Gateway gateway = probe.gateway();
            final long session = probe.open(gateway, "probe");
            gateway.join(session, "room", null);
            probe.drive();
            probe.publish(gateway, session, "room", null, PAYLOAD);
            probe.drive();
            frameLength = probe.recorder(gateway).lastFrameLength;
        }

        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.outboundLength(4 * frameLength).publishRate(1000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long slow = harness.open(gateway, "slow");
            final long publisher = harness.open(gateway, "probe");
            gateway.join(slow, "room", null);
            harness.drive();
            recorder.blocked.add(slow);

            for (int i = 0; i < 4; i++)
            {
                harness.publish(gateway, publisher, "room", null, PAYLOAD);
            }
            harness.drive();
            assertNull(recorder.last(slow, "left"), "exactly the byte budget unread is allowed");

            harness.publish(gateway, publisher, "room", null, PAYLOAD);
            harness.drive();
            assertEquals("LAGGING", recorder.last(slow, "left").reason, "one record past the byte budget");
        }
    }

    @Test
    void shouldHoldABackPressuredSessionAndResumeDeliveryWithoutLoss()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.publishRate(1000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "s");
            gateway.join(session, "room", null);
            harness.drive();
            recorder.blocked.add(session);
            for (int i = 0; i < 10; i++)
            {
                harness.publish(gateway, session, "room", null, PAYLOAD);
            }
            harness.drive();
            assertTrue(seqs(recorder, session, "room").isEmpty());

            recorder.blocked.clear();
            harness.drive();
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), seqs(recorder, session, "room"));
        }
    }

    @Test
    void shouldRevokeAStalledGatewayWithoutSlowingTheRoom()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx
            .logInitialLength(4096).historyLength(16 * 1024).outboundLength(8 * 1024).maxPayloadLength(1024)
            .publishRate(100_000).publishBurst(100_000)))
        {
            final Gateway live = harness.gateway();
            final Gateway stalled = harness.gateway();
            final long reader = harness.open(live, "reader");
            final long publisher = harness.open(live, "publisher");
            final long victim = harness.open(stalled, "victim");
            live.join(reader, "room", null);
            stalled.join(victim, "room", null);
            harness.drive();
            harness.gateways.remove(stalled);
            final Recorder stalledRecorder = harness.recorders.remove(1);

            for (int i = 0; i < 400; i++)
            {
                harness.publish(live, publisher, "room", null, PAYLOAD);
                harness.drive();
            }

            final List<Long> seqs = seqs(harness.recorder(live), reader, "room");
            assertTrue(seqs.size() >= 400);
            for (int i = 1; i < seqs.size(); i++)
            {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i));
            }
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.REVOCATIONS));
            assertTrue(harness.engine.engineCounters().get(SystemCounter.LOG_GROWTHS) >= 2, "grew to the limit first");

            stalled.poll(stalledRecorder, 100);
            final Msg left = stalledRecorder.last(victim, "left");
            assertNotNull(left);
            assertEquals("LAGGING", left.reason);
            final List<Long> victimSeqs = seqs(stalledRecorder, victim, "room");
            assertEquals(victimSeqs.isEmpty() ? recorderFromSeq(stalledRecorder, victim) - 1 :
                victimSeqs.get(victimSeqs.size() - 1), left.seq);
            assertEquals(0, harness.engine.engineCounters().total(GatewayCounter.TORN_READS));
            stalled.close();
        }
    }

    private static long recorderFromSeq(final Recorder recorder, final long session)
    {
        return recorder.last(session, "joined").fromSeq;
    }

    @Test
    void shouldConflateALaggingReceiverToTheLatestRecordPerKey()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx
            .conflatedRooms("prices.*").outboundRecords(8).publishRate(100_000).publishBurst(100_000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long slow = harness.open(gateway, "slow");
            gateway.join(slow, "prices.fx", null);
            harness.drive();
            assertTrue(recorder.last(slow, "joined").conflated);
            recorder.blocked.add(slow);

            final String[] keys = { "EURUSD", "GBPUSD", "USDJPY" };
            for (int i = 0; i < 30; i++)
            {
                harness.serverPublish(gateway, "prices.fx", keys[i % 3], "{\"tick\":" + i + "}");
            }
            harness.conductAll();
            recorder.blocked.clear();
            harness.drive();

            final List<Msg> received = recorder.records(slow, "prices.fx");
            assertNull(recorder.last(slow, "left"), "a conflated room does not cut loose");
            assertEquals(3, received.size(), () -> received.toString());
            assertEquals(List.of("{\"tick\":27}", "{\"tick\":28}", "{\"tick\":29}"),
                received.stream().map((m) -> m.payload).collect(Collectors.toList()));
            assertEquals(1, harness.engine.engineCounters().total(GatewayCounter.CONFLATIONS));

            harness.serverPublish(gateway, "prices.fx", "EURUSD", "{\"tick\":30}");
            harness.drive();
            assertEquals("{\"tick\":30}", recorder.records(slow, "prices.fx").get(3).payload, "live again");
        }
    }

    @Test
    void shouldCloseEverySessionOfAnOverrunGateway()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.gatewayRingLength(16 * 1024)
            .gatewayBacklogLength(16 * 1024).publishRate(100_000).publishBurst(100_000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "s");
            harness.drive();
            for (int i = 0; i < 2000; i++)
            {
                if (harness.publish(gateway, session, "room", "id" + i, PAYLOAD) < 0)
                {
                    harness.conductAll();
                }
            }
            harness.conductAll();
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.GATEWAY_OVERRUNS));
            assertEquals(0, harness.engine.engineCounters().get(SystemCounter.SESSIONS));

            gateway.poll(recorder, 10);
            assertEquals("LAGGING", recorder.last(session, "closed").code);
            assertTrue(gateway.isClosed());
            harness.conductAll();
            assertEquals(0, harness.engine.engineCounters().get(SystemCounter.GATEWAYS));
        }
    }
}
