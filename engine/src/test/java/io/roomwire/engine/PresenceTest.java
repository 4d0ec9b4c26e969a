package io.roomwire.engine;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTest
{
    private static final long TIMEOUT_MS = 30_000;

    /**
     * The timer wheel is polled once a tick has ended, so an expiry comes at most one tick (2^23 ns) after its
     * deadline, never before it.
     */
    private static final long TICK_MS = 9;

    @Test
    void shouldExpireAtTheDeadlineAndNotBefore()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long watcher = harness.open(gateway, "watcher");
            final long quiet = harness.open(gateway, "quiet");
            gateway.join(watcher, "room", null);
            gateway.join(quiet, "room", null);
            harness.drive();

            for (int i = 0; i < 5; i++)
            {
                harness.advanceMs(TIMEOUT_MS / 6);
                gateway.ping(watcher, i);
                harness.drive();
            }
            assertEquals(5, recorder.of(watcher, "pong").size());

            harness.advanceMs(TIMEOUT_MS / 6 - 1);
            harness.drive();
            assertNull(recorder.last(quiet, "closed"), "expired before its deadline");

            harness.advanceMs(1 + TICK_MS);
            harness.drive();
            final Msg closed = recorder.last(quiet, "closed");
            assertNotNull(closed);
            assertEquals("HEARTBEAT_TIMEOUT", closed.code);
            final Msg left = recorder.last(watcher, "presence");
            assertEquals("quiet", left.user);
            assertEquals("LEFT", left.status);
            assertEquals("EXPIRED", left.reason);
            assertEquals(1, harness.engine.engineCounters().get(EngineCounters.SystemCounter.PRESENCE_EXPIRIES));
            assertNull(recorder.last(watcher, "closed"), "the watcher heartbeats and stays");
        }
    }

    @Test
    void shouldKeepASessionAliveWithKeepAlivesWithoutAnswering()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "user");
            harness.drive();
            for (int i = 0; i < 4; i++)
            {
                harness.advanceMs(20_000);
                assertTrue(gateway.keepAlive(session) > 0);
                harness.drive();
            }
            assertNull(recorder.last(session, "closed"), "kept alive for 80 s with a 30 s timeout");
            assertTrue(recorder.of(session, "pong").isEmpty(), "keep-alives are not answered");

            harness.advanceMs(30_000);
            harness.drive();
            assertEquals("HEARTBEAT_TIMEOUT", recorder.last(session, "closed").code);
        }
    }

    @Test
    void shouldSignalAGatewayWhenSomethingIsProducedForIt()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
            gateway.notifier(signals::incrementAndGet);
            final long session = harness.open(gateway, "user");
            gateway.join(session, "room", null);
            harness.conductAll();
            assertEquals(1, signals.get(), "connected and joined: one signal until the gateway polls");

            gateway.poll(harness.recorder(gateway), 100);
            harness.serverPublish(gateway, "room", null, "{}");
            harness.conductAll();
            assertEquals(2, signals.get(), "a record in one of its rooms signals again after a poll");
            harness.serverPublish(gateway, "other", null, "{}");
            harness.conductAll();
            assertEquals(2, signals.get(), "a record in a room it has no session in does not");
        }
    }

    @Test
    void shouldNotExpireOneMillisecondBeforeTheDeadline()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.timerTickNs(1 << 20)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long session = harness.open(gateway, "user");
            harness.drive();

            harness.advanceMs(TIMEOUT_MS - 1);
            harness.drive();
            assertNull(recorder.last(session, "closed"));

            harness.advanceMs(1);
            harness.drive();
            assertEquals("HEARTBEAT_TIMEOUT", recorder.last(session, "closed").code);
        }
    }

    @Test
    void shouldCountAUserOnceAcrossSessionsAndLeaveWhenTheLastExpires()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long watcher = harness.open(gateway, "watcher");
            gateway.join(watcher, "room", null);
            harness.drive();

            final long tab1 = harness.open(gateway, "carol");
            gateway.join(tab1, "room", null);
            harness.drive();
            harness.advanceMs(10_000);
            harness.drive();
            final long tab2 = harness.open(gateway, "carol");
            gateway.join(tab2, "room", null);
            harness.drive();

            final List<Msg> presence = recorder.of(watcher, "presence");
            assertEquals(1, presence.size(), "the second tab of a present user is not a new presence");
            assertEquals("JOINED", presence.get(0).status);
            assertEquals(List.of("watcher", "carol"), recorder.last(tab2, "joined").members);
            assertEquals(2, recorder.last(tab2, "joined").membersTotal);

            // tab1 expires at 30 s, tab2 at 40 s; the watcher heartbeats throughout
            for (int t = 0; t < 29; t++)
            {
                harness.advanceMs(1_000);
                gateway.ping(watcher, t);
                harness.drive();
            }
            assertNotNull(recorder.last(tab1, "closed"), "first tab expired");
            assertEquals(1, recorder.of(watcher, "presence").size(), "carol still present through tab2");

            for (int t = 0; t < 11; t++)
            {
                harness.advanceMs(1_000);
                gateway.ping(watcher, t);
                harness.drive();
            }
            assertNotNull(recorder.last(tab2, "closed"));
            final Msg left = recorder.last(watcher, "presence");
            assertEquals("carol", left.user);
            assertEquals("LEFT", left.status);
            assertEquals("EXPIRED", left.reason);
        }
    }

    @Test
    void shouldRecordPresenceForExplicitLeaveAndDisconnect()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long watcher = harness.open(gateway, "watcher");
            final long leaver = harness.open(gateway, "leaver");
            final long dropper = harness.open(gateway, "dropper");
            gateway.join(watcher, "room", null);
            gateway.join(leaver, "room", null);
            gateway.join(dropper, "room", null);
            harness.drive();

            gateway.leave(leaver, "room", "bye");
            gateway.closeSession(dropper);
            harness.drive();

            final Msg left = recorder.last(leaver, "left");
            assertEquals("LEFT", left.reason);
            assertEquals("bye", left.id);
            final List<Msg> presence = recorder.of(watcher, "presence");
            assertEquals("LEFT", presence.get(presence.size() - 2).reason);
            assertEquals("leaver", presence.get(presence.size() - 2).user);
            assertEquals("DISCONNECTED", presence.get(presence.size() - 1).reason);
            assertEquals("dropper", presence.get(presence.size() - 1).user);
            assertEquals(1, harness.engine.engineCounters().get(EngineCounters.SystemCounter.SESSIONS) - 1);
        }
    }

    @Test
    void shouldSplitALargePresenceSnapshotBeforeJoined()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.gatewayRingLength(16 * 1024)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Set<String> expected = new HashSet<>();
            for (int i = 0; i < 300; i++)
            {
                final String user = "user-with-a-rather-long-name-to-fill-the-snapshot-" + i;
                final long session = harness.open(gateway, user);
                gateway.join(session, "big", null);
                expected.add(user);
                harness.drive();
            }
            harness.drive();
            recorder.clear();

            final long late = harness.open(gateway, "late");
            gateway.join(late, "big", null);
            harness.drive();
            expected.add("late");

            final List<Msg> own = recorder.of(late);
            final Msg joined = recorder.last(late, "joined");
            final Set<String> members = new HashSet<>(joined.members);
            int snapshots = 0;
            for (final Msg msg : own)
            {
                if (msg.type.equals("snapshot"))
                {
                    snapshots++;
                    members.addAll(msg.members);
                    assertTrue(own.indexOf(msg) < own.indexOf(joined));
                }
            }
            assertTrue(snapshots >= 2, "a 16 KiB control ring needs several messages for 301 members");
            assertEquals(301, joined.membersTotal);
            assertEquals(expected, members);
        }
    }

    @Test
    void shouldFanOutTypingToOthersOnlyAndNeverKeepIt()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway one = harness.gateway();
            final Gateway two = harness.gateway();
            final long typist = harness.open(one, "typist");
            final long sameGateway = harness.open(one, "near");
            final long otherGateway = harness.open(two, "far");
            final long elsewhere = harness.open(two, "elsewhere");
            one.join(typist, "room", null);
            one.join(sameGateway, "room", null);
            two.join(otherGateway, "room", null);
            two.join(elsewhere, "other", null);
            harness.drive();

            one.typing(typist, "room", true);
            harness.drive();

            assertTrue(harness.recorder(one).of(typist, "typing").isEmpty());
            assertEquals("typist", harness.recorder(one).last(sameGateway, "typing").user);
            assertTrue(harness.recorder(two).last(otherGateway, "typing").typing);
            assertTrue(harness.recorder(two).of(elsewhere, "typing").isEmpty());

            final long reader = harness.open(two, "reader");
            two.join(reader, "room", 0, 0, null);
            harness.drive();
            assertTrue(harness.recorder(two).records(reader, "room").stream().noneMatch((m) -> m.type.equals("typing")));
        }
    }

    @Test
    void shouldLetAUserWhoMayJoinTypeWithoutBeingAMemberButNotOthers()
    {
        try (EngineHarness harness = new EngineHarness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long member = harness.open(gateway, "member");
            final long sseUserPublisher = harness.open(gateway, "poster");
            final long outsider = gateway.openSession("outsider", new String[]{"elsewhere"}, new String[0]);
            gateway.join(member, "room", null);
            harness.drive();

            gateway.typing(sseUserPublisher, "room", true);
            gateway.typing(outsider, "room", true);
            gateway.typing(sseUserPublisher, "nowhere", true);
            harness.drive();

            assertEquals(1, recorder.of(member, "typing").size());
            assertEquals("poster", recorder.last(member, "typing").user);
            assertEquals("NOT_PERMITTED", recorder.last(outsider, "error").code);
            assertEquals("NOT_A_MEMBER", recorder.last(sseUserPublisher, "error").code, "no such room");
        }
    }

    @Test
    void shouldRateLimitTypingAtTheLimitAndPastIt()
    {
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.typingRate(3)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long typist = harness.open(gateway, "typist");
            final long peer = harness.open(gateway, "peer");
            gateway.join(typist, "room", null);
            gateway.join(peer, "room", null);
            harness.drive();

            for (int i = 0; i < 3; i++)
            {
                gateway.typing(typist, "room", true);
            }
            harness.drive();
            assertEquals(3, recorder.of(peer, "typing").size());
            assertTrue(recorder.of(typist, "error").isEmpty());

            gateway.typing(typist, "room", true);
            harness.drive();
            assertEquals(3, recorder.of(peer, "typing").size());
            assertEquals("RATE_LIMITED", recorder.last(typist, "error").code);

            harness.advanceMs(334);
            gateway.typing(typist, "room", false);
            harness.drive();
            assertEquals(4, recorder.of(peer, "typing").size());
        }
    }
}
