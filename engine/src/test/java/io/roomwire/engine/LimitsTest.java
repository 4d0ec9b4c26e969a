package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.SystemCounter;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit of the engine, at its value and just past it.
 */
class LimitsTest
{
    @Test
    void shouldAllowRoomsPerSessionUpToTheLimit()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.maxRoomsPerSession(3)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "u");
            for (int i = 0; i < 3; i++)
            {
                gateway.join(session, "room" + i, "j" + i);
            }
            harness.drive();
            assertEquals(3, recorder.of(session, "joined").size());

            gateway.join(session, "room3", "j3");
            harness.drive();
            final Msg error = recorder.last(session, "error");
            assertEquals("TOO_MANY_ROOMS", error.code);
            assertEquals("j3", error.id);
            assertEquals("room3", error.room);

            gateway.leave(session, "room0", null);
            gateway.join(session, "room3", "again");
            harness.drive();
            assertEquals("again", recorder.last(session, "joined").id, "leaving frees a slot");
        }
    }

    @Test
    void shouldAllowMembersPerRoomUpToTheLimit()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.maxMembersPerRoom(2)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long a = harness.open(gateway, "a");
            final long b = harness.open(gateway, "b");
            final long c = harness.open(gateway, "c");
            gateway.join(a, "room", null);
            gateway.join(b, "room", null);
            harness.drive();
            assertNotNull(recorder.last(b, "joined"));

            gateway.join(c, "room", "full");
            harness.drive();
            assertEquals("ROOM_FULL", recorder.last(c, "error").code);
            assertNull(recorder.last(c, "joined"));
        }
    }

    @Test
    void shouldAcceptPayloadAtTheLimitAndRefuseOneBytePast()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.maxPayloadLength(1000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "u");
            gateway.join(session, "room", null);
            harness.drive();

            final String atLimit = "{\"x\":\"" + "a".repeat(1000 - 8) + "\"}";
            assertEquals(1000, atLimit.length());
            harness.publish(gateway, session, "room", "ok", atLimit);
            harness.drive();
            assertEquals("ok", recorder.last(session, "ack").id);

            final String pastLimit = "{\"x\":\"" + "a".repeat(1000 - 7) + "\"}";
            harness.publish(gateway, session, "room", "big", pastLimit);
            harness.drive();
            final Msg error = recorder.last(session, "error");
            assertEquals("PAYLOAD_TOO_LARGE", error.code);
            assertEquals("big", error.id);
        }
    }

    @Test
    void shouldRateLimitPublishesAtTheBurstAndRefill()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.publishRate(10).publishBurst(5)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "u");
            gateway.join(session, "room", null);
            harness.drive();

            for (int i = 0; i < 5; i++)
            {
                harness.publish(gateway, session, "room", "m" + i, "{}");
            }
            harness.drive();
            assertEquals(5, recorder.of(session, "ack").size());
            assertTrue(recorder.of(session, "error").isEmpty());

            harness.publish(gateway, session, "room", "m5", "{}");
            harness.drive();
            assertEquals("RATE_LIMITED", recorder.last(session, "error").code);
            assertEquals("m5", recorder.last(session, "error").id);

            harness.advanceMs(100);
            harness.publish(gateway, session, "room", "m6", "{}");
            harness.drive();
            assertEquals("m6", recorder.last(session, "ack").id, "one token refills every 100 ms at 10/s");
            assertEquals(1, recorder.of(session, "error").size());
        }
    }

    @Test
    void shouldKeepHistoryRecordsUpToTheLimit()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.historyRecords(10).publishRate(1000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long publisher = harness.open(gateway, "p");
            gateway.join(publisher, "room", null);
            harness.drive();
            final long epoch = recorder.last(publisher, "joined").epoch;
            for (int i = 0; i < 8; i++)
            {
                harness.publish(gateway, publisher, "room", null, "{}");
            }
            harness.drive();

            final long exact = harness.open(gateway, "exact");
            gateway.join(exact, "room", epoch, 0, null);
            harness.drive();
            assertNull(recorder.last(exact, "resync"), "10 records held: seq 1..9 and exact's own presence");
            assertEquals(10, recorder.records(exact, "room").size());
            assertEquals(1, recorder.records(exact, "room").get(0).seq);

            final long past = harness.open(gateway, "past");
            gateway.join(past, "room", epoch, 0, null);
            harness.drive();
            assertNotNull(recorder.last(past, "resync"), "the 11th record (past's presence) pushed seq 1 out");
            assertEquals(2, recorder.last(past, "resync").fromSeq);
            assertEquals(10, recorder.records(past, "room").size());
        }
    }

    @Test
    void shouldKeepHistoryBytesUpToTheLimit()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.historyRecords(100_000).logInitialLength(8192)
            .historyLength(16384).outboundLength(8192).maxPayloadLength(512).publishRate(100_000).publishBurst(100_000)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long publisher = harness.open(gateway, "p");
            gateway.join(publisher, "room", null);
            harness.drive();
            final long epoch = recorder.last(publisher, "joined").epoch;
            for (int i = 0; i < 200; i++)
            {
                harness.publish(gateway, publisher, "room", null, "{\"n\":" + i + "}");
                harness.drive();
            }

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", epoch, 0, null);
            harness.drive();
            final List<Msg> held = recorder.records(reader, "room");
            assertTrue(held.size() > 1, () -> recorder.of(reader).toString());
            int bytes = 0;
            for (final Msg msg : held)
            {
                bytes += msg.frameLength;
            }
            assertTrue(held.get(0).seq > 1, "old records were dropped");
            final int retained = 16384 - 8192;
            assertTrue(bytes <= retained, "history holds at most history.length - outbound.length: " + bytes);
            assertTrue(bytes > retained - 2 * recorder.lastFrameLength, "and holds close to it: " + bytes);
            assertNull(recorder.last(reader, "left"), "a reader resuming from the oldest record is not cut loose");
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.LOG_GROWTHS), "8 KiB grew once to 16 KiB");
        }
    }

    @Test
    void shouldRefuseWithoutAGrantAndPublishWithoutJoiningWhenGranted()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long reader = harness.open(gateway, "reader");
            final long limited = gateway.openSession("limited", new String[]{"public.*"}, new String[]{"public.chat"});
            gateway.join(reader, "public.news", null);
            gateway.join(limited, "secret", "s");
            gateway.join(limited, "public.news", "n");
            harness.drive();
            assertEquals("NOT_PERMITTED", recorder.last(limited, "error").code);
            assertEquals("s", recorder.last(limited, "error").id);
            assertEquals("n", recorder.last(limited, "joined").id);

            harness.publish(gateway, limited, "public.news", "p1", "{}");
            harness.drive();
            assertEquals("p1", recorder.last(limited, "error").id);
            assertEquals("NOT_PERMITTED", recorder.last(limited, "error").code);

            harness.publish(gateway, limited, "public.chat", "p2", "{}");
            harness.drive();
            assertEquals("p2", recorder.last(limited, "ack").id, "publish grant without membership");
        }
    }

    @Test
    void shouldKeepEachSessionsGrantsWhetherTheyShareAListOrNot()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            // the same grants twice (a shared list), then more distinct lists than are shared
            final long first = gateway.openSession("first", new String[]{"same.*"}, new String[0]);
            final long second = gateway.openSession("second", new String[]{"same.*"}, new String[0]);
            final int distinct = EngineConductor.MAX_SHARED_PATTERN_LISTS + 2;
            final long[] own = new long[distinct];
            for (int i = 0; i < distinct; i++)
            {
                own[i] = gateway.openSession("u" + i, new String[]{"room-" + i}, new String[]{"room-" + i});
                harness.drive();
            }
            gateway.join(first, "same.a", "ok1");
            gateway.join(second, "same.b", "ok2");
            gateway.join(second, "room-0", "no2");
            harness.drive();
            assertEquals("ok1", recorder.last(first, "joined").id);
            assertEquals("ok2", recorder.last(second, "joined").id);
            assertEquals("no2", recorder.last(second, "error").id);

            for (final int i : new int[]{0, distinct - 2, distinct - 1})
            {
                gateway.join(own[i], "room-" + i, "ok");
                gateway.join(own[i], "room-" + (i + 1), "no");
                harness.drive();
                assertEquals("ok", recorder.last(own[i], "joined").id, "session " + i);
                assertEquals("no", recorder.last(own[i], "error").id, "session " + i);
                assertEquals("NOT_PERMITTED", recorder.last(own[i], "error").code);
            }
        }
    }

    @Test
    void shouldRefuseInvalidRoomsIdsAndDuplicateJoins()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "u");
            gateway.join(session, "bad room", "j1");
            gateway.join(session, "r".repeat(65), "j2");
            gateway.join(session, "r".repeat(64), "j\"3");
            harness.drive();
            final List<Msg> errors = recorder.of(session, "error");
            assertEquals("INVALID_ROOM", errors.get(0).code);
            assertEquals("", errors.get(0).room, "an invalid room is not echoed");
            assertEquals("j1", errors.get(0).id);
            assertEquals("INVALID_ROOM", errors.get(1).code);
            assertEquals("INVALID_ID", errors.get(2).code);

            gateway.join(session, "r".repeat(64), "ok");
            gateway.join(session, "r".repeat(64), "twice");
            gateway.leave(session, "elsewhere", "l");
            harness.drive();
            assertEquals("ok", recorder.last(session, "joined").id, "a 64-character room is valid");
            assertEquals("ALREADY_JOINED", recorder.of(session, "error").get(3).code);
            assertEquals("NOT_A_MEMBER", recorder.of(session, "error").get(4).code);
        }
    }

    @Test
    void shouldRejectInvalidConfiguration()
    {
        assertThrows(IllegalArgumentException.class, () -> new Engine.Context().historyLength(1000).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new Engine.Context().outboundLength(1024 * 1024).historyLength(1024 * 1024).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new Engine.Context().maxPayloadLength(1024 * 1024).conclude());
        assertThrows(IllegalArgumentException.class, () -> new Engine.Context().conflatedRooms("bad pattern!").conclude());
        assertThrows(IllegalArgumentException.class, () -> Engine.Context.idleStrategy("warp-speed"));
    }

    @Test
    void shouldSurfaceAFullInboundRingToTheProducer()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.inboundRingLength(64 * 1024).maxPayloadLength(1024)
            .historyLength(64 * 1024).outboundLength(16 * 1024)))
        {
            final Gateway gateway = harness.gateway();
            final long session = harness.open(gateway, "u");
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);
            int accepted = 0;
            long result;
            while ((result = gateway.publish(session, "room", MessageKind.TEXT, PayloadFormat.BINARY, null, null,
                payload, 0, payload.capacity())) > 0)
            {
                accepted++;
            }
            assertEquals(Gateway.BACK_PRESSURED, result);
            assertTrue(accepted > 40 && accepted < 70, "a 64 KiB ring holds about 60 such commands: " + accepted);
            assertEquals(1, harness.engine.engineCounters().total(EngineCounters.GatewayCounter.BACK_PRESSURED));

            harness.conduct();
            assertTrue(gateway.publish(session, "room", MessageKind.TEXT, PayloadFormat.BINARY, null, null,
                payload, 0, payload.capacity()) > 0, "accepted again once the conductor drained the ring");
        }
    }

    @Test
    void shouldRefuseACommandLargerThanTheRingCanTake()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.inboundRingLength(64 * 1024).maxPayloadLength(1024)
            .historyLength(64 * 1024).outboundLength(16 * 1024)))
        {
            final Gateway gateway = harness.gateway();
            final long session = harness.open(gateway, "u");
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64 * 1024]);
            assertEquals(Gateway.MESSAGE_TOO_LARGE, gateway.publish(session, "room", MessageKind.TEXT,
                PayloadFormat.BINARY, null, null, payload, 0, 9000));
            assertEquals(Gateway.UNKNOWN_SESSION, gateway.ping(12345L, 0));
        }
    }
}
