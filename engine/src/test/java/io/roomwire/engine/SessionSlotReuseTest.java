package io.roomwire.engine;

import io.roomwire.engine.EngineCounters.SystemCounter;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session ids name a slot and its generation: slots are reused once a session is gone on both sides, and an id of a
 * closed session never reaches the session that took its slot, on the gateway or in the conductor.
 */
class SessionSlotReuseTest
{
    private static final long TIMEOUT_MS = 30_000;
    private static final long TICK_MS = 9;
    private static final String PAYLOAD = "{\"n\":1}";

    @Test
    void shouldRefuseAStaleIdWhoseSlotANewSessionTookWithoutTouchingTheNewSession()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long watcher = harness.open(gateway, "watcher");
            gateway.join(watcher, "room", null);
            final long old = harness.open(gateway, "old");
            harness.drive();
            assertTrue(gateway.closeSession(old));
            final long fresh = harness.open(gateway, "fresh");
            gateway.join(fresh, "room", null);
            harness.drive();

            assertEquals(SessionIds.slot(old), SessionIds.slot(fresh), "the closed session's slot is reused");
            assertNotEquals(old, fresh);
            assertEquals(SessionIds.generation(old) + 1, SessionIds.generation(fresh));

            assertFalse(gateway.isOpen(old));
            assertEquals(Gateway.UNKNOWN_SESSION, gateway.ping(old, 1));
            assertEquals(Gateway.UNKNOWN_SESSION, gateway.keepAlive(old));
            assertEquals(Gateway.UNKNOWN_SESSION, gateway.join(old, "other", null));
            assertEquals(Gateway.UNKNOWN_SESSION, harness.publish(gateway, old, "room", "m1", PAYLOAD));
            assertFalse(gateway.closeSession(old));
            assertEquals(2, gateway.sessionCount());

            harness.advanceMs(20_000);
            gateway.ping(watcher, 2);
            final long unknownBefore = harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS);
            for (int i = 0; i < 3; i++)
            {
                assertTrue(harness.writePingToConductor(old, 100 + i));
            }
            harness.drive();
            assertEquals(unknownBefore + 3, harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS),
                "the conductor counts commands of the stale id as unknown");
            assertTrue(recorder.of(fresh, "pong").isEmpty(), "no pong for the new session");
            assertTrue(recorder.of(old, "pong").isEmpty(), "none for the closed one");

            harness.advanceMs(TIMEOUT_MS - 20_000 + TICK_MS);
            harness.drive();
            assertEquals("HEARTBEAT_TIMEOUT", recorder.last(fresh, "closed").code,
                "the stale pings did not keep the new session alive");
            assertNull(recorder.last(watcher, "closed"));
            final Msg left = recorder.last(watcher, "presence");
            assertEquals("fresh", left.user);
            assertEquals("EXPIRED", left.reason);
        }
    }

    @Test
    void shouldNotHandWhatWasProducedForAClosedSessionToTheSessionInItsSlot()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long old = harness.open(gateway, "old");
            harness.drive();
            assertTrue(gateway.ping(old, 42) > 0);
            assertTrue(gateway.join(old, "room", "j-old") > 0);
            harness.conductAll();

            assertTrue(gateway.closeSession(old));
            final long fresh = harness.open(gateway, "fresh");
            assertEquals(SessionIds.slot(old), SessionIds.slot(fresh));
            harness.drive();

            assertEquals(List.of("connected"), types(recorder.of(fresh)), "only its own Connected");
            assertEquals(List.of("connected"), types(recorder.of(old)), "nothing after its close");

            final Gateway publisher = harness.gateway();
            harness.serverPublish(publisher, "room", null, PAYLOAD);
            harness.drive();
            assertTrue(recorder.records(fresh, "room").isEmpty(), "the old session's join did not make it a member");
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.SESSIONS));
        }
    }

    @Test
    void shouldReuseTheSlotOfASessionTheConductorClosed()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long expired = harness.open(gateway, "expired");
            harness.drive();
            harness.advanceMs(TIMEOUT_MS + TICK_MS);
            harness.conductAll();

            assertTrue(gateway.ping(expired, 1) > 0, "the gateway has not heard of the expiry yet");
            final long unknownBefore = harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS);
            harness.drive();
            assertEquals(unknownBefore + 1,
                harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS));
            assertEquals("HEARTBEAT_TIMEOUT", recorder.last(expired, "closed").code);
            assertEquals(0, gateway.sessionCount());

            final long next = harness.open(gateway, "next");
            assertEquals(SessionIds.slot(expired), SessionIds.slot(next));
            assertTrue(gateway.ping(next, 7) > 0);
            harness.drive();
            assertEquals(7, recorder.last(next, "pong").timestamp);
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.SESSIONS));
        }
    }

    @Test
    void shouldHandAClosedGatewaysSlotsToTheNextGatewayWithItsIdWithoutReissuingAnId()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway first = harness.engine.newGateway();
            final Set<Long> issued = new HashSet<>();
            for (int i = 0; i < 3; i++)
            {
                issued.add(harness.open(first, "a" + i));
            }
            harness.conductAll();
            first.close();
            harness.conductAll();
            assertEquals(0, harness.engine.engineCounters().get(SystemCounter.SESSIONS));
            assertEquals(0, harness.engine.engineCounters().get(SystemCounter.GATEWAYS));
            assertFalse(first.isOpen(issued.iterator().next()), "a closed gateway knows no session");

            final Gateway second = harness.gateway();
            final Recorder recorder = harness.recorder(second);
            assertEquals(first.id(), second.id());
            for (final long old : issued)
            {
                assertEquals(Gateway.UNKNOWN_SESSION, second.ping(old, 1));
            }
            final long session = harness.open(second, "b");
            assertEquals(0, SessionIds.slot(session), "the lowest slot first");
            assertFalse(issued.contains(session), "no id is issued twice");
            assertTrue(second.ping(session, 9) > 0);
            harness.drive();
            assertEquals(9, recorder.last(session, "pong").timestamp);
        }
    }

    @Test
    void shouldFreeTheSlotsOfAnOverrunGateway()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.gatewayRingLength(16 * 1024)
            .gatewayBacklogLength(16 * 1024).publishRate(100_000).publishBurst(100_000)))
        {
            final Gateway gateway = harness.engine.newGateway();
            final Recorder recorder = new Recorder();
            final long session = harness.open(gateway, "s");
            harness.conductAll();
            for (int i = 0; i < 2000; i++)
            {
                if (harness.publish(gateway, session, "room", "id" + i, PAYLOAD) < 0)
                {
                    harness.conductAll();
                }
            }
            harness.conductAll();
            assertEquals(1, harness.engine.engineCounters().get(SystemCounter.GATEWAY_OVERRUNS));
            gateway.poll(recorder, 10);
            assertEquals("LAGGING", recorder.last(session, "closed").code);
            assertEquals(0, gateway.sessionCount());
            harness.conductAll();

            final Gateway next = harness.gateway();
            assertEquals(gateway.id(), next.id());
            final long reopened = harness.open(next, "s");
            assertEquals(SessionIds.slot(session), SessionIds.slot(reopened));
            assertTrue(SessionIds.generation(reopened) > SessionIds.generation(session));
            harness.drive();
            assertEquals("connected", harness.recorder(next).last(reopened, "connected").type);
        }
    }

    @Test
    void shouldFreeEverySlotWhenTheEngineCloses()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long a = harness.open(gateway, "a");
            final long b = harness.open(gateway, "b");
            harness.drive();

            harness.engine.close();
            gateway.poll(recorder, 100);
            assertEquals("SHUTTING_DOWN", recorder.last(a, "closed").code);
            assertEquals("SHUTTING_DOWN", recorder.last(b, "closed").code);
            assertEquals(0, gateway.sessionCount());
            assertFalse(gateway.isOpen(a));
        }
    }

    @Test
    void shouldGrowPastItsFirstTablesOnSeveralGatewaysAndReuseFreedSlots()
    {
        final int perGateway = 3000;
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway[] gateways = { harness.gateway(), harness.gateway() };
            final long[][] sessions = new long[gateways.length][perGateway];
            final Set<Long> issued = new HashSet<>();
            for (int i = 0; i < perGateway; i++)
            {
                for (int g = 0; g < gateways.length; g++)
                {
                    sessions[g][i] = harness.open(gateways[g], "u" + g + "-" + i);
                    assertTrue(issued.add(sessions[g][i]));
                }
                if (i % 500 == 499)
                {
                    harness.drive();
                }
            }
            harness.drive();
            assertEquals(gateways.length * perGateway, harness.engine.engineCounters().get(SystemCounter.SESSIONS));
            pingEveryOneAndCheck(harness, gateways, sessions, 1_000_000);

            for (int g = 0; g < gateways.length; g++)
            {
                for (int i = 1; i < perGateway; i += 2)
                {
                    assertTrue(gateways[g].closeSession(sessions[g][i]));
                }
            }
            harness.drive();
            for (int g = 0; g < gateways.length; g++)
            {
                for (int i = 1; i < perGateway; i += 2)
                {
                    final long session = harness.open(gateways[g], "v" + g + "-" + i);
                    assertTrue(issued.add(session), "a new id for a reused slot");
                    assertTrue(SessionIds.slot(session) < perGateway, "a freed slot, not a new one");
                    sessions[g][i] = session;
                }
                assertEquals(perGateway, gateways[g].sessionCount());
            }
            harness.drive();
            assertEquals(gateways.length * perGateway, harness.engine.engineCounters().get(SystemCounter.SESSIONS));
            pingEveryOneAndCheck(harness, gateways, sessions, 2_000_000);
            assertEquals(0, harness.engine.engineCounters().get(SystemCounter.UNKNOWN_SESSION_COMMANDS));
        }
    }

    private static void pingEveryOneAndCheck(
        final EngineHarness harness, final Gateway[] gateways, final long[][] sessions, final long base)
    {
        for (int g = 0; g < gateways.length; g++)
        {
            harness.recorder(gateways[g]).clear();
        }
        for (int i = 0; i < sessions[0].length; i++)
        {
            for (int g = 0; g < gateways.length; g++)
            {
                assertTrue(gateways[g].ping(sessions[g][i], base + g * 100_000L + i) > 0);
            }
            if (i % 500 == 499)
            {
                harness.drive();
            }
        }
        harness.drive();
        for (int g = 0; g < gateways.length; g++)
        {
            final Recorder recorder = harness.recorder(gateways[g]);
            assertEquals(sessions[g].length, recorder.messages.size());
            for (int i = 0; i < sessions[g].length; i++)
            {
                final List<Msg> pongs = recorder.of(sessions[g][i], "pong");
                assertEquals(1, pongs.size());
                assertEquals(base + g * 100_000L + i, pongs.get(0).timestamp, "the pong of its own ping");
            }
        }
    }

    private static List<String> types(final List<Msg> messages)
    {
        return messages.stream().map((m) -> m.type).toList();
    }
}
