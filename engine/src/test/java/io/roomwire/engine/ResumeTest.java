package io.roomwire.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeTest
{
    private static final int HISTORY = 16;

    private static EngineHarness harness()
    {
        return new EngineHarness((ctx) -> ctx.historyRecords(HISTORY).maxPayloadLength(1024)
            .publishRate(1_000_000).publishBurst(1_000_000).roomIdleTimeoutNs(60_000_000_000L)
            .presenceTimeoutNs(600_000_000_000L));
    }

    /**
     * Publish {@code count} messages to "room" from a publisher that joined first; returns the publisher's joined msg.
     */
    private static Msg fill(final EngineHarness harness, final Gateway gateway, final int count)
    {
        final long publisher = harness.open(gateway, "publisher");
        gateway.join(publisher, "room", null);
        harness.drive();
        for (int i = 1; i <= count; i++)
        {
            harness.publish(gateway, publisher, "room", null, "{\"n\":" + i + "}");
        }
        harness.drive();
        return harness.recorder(gateway).last(publisher, "joined");
    }

    private static List<Long> seqs(final Recorder recorder, final long session)
    {
        return recorder.records(session, "room").stream().map((m) -> m.seq).collect(Collectors.toList());
    }

    @Test
    void shouldResumeWithExactlyTheMissingSuffixThenLive()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 10);

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, 7, "r1");
            harness.drive();
            final Msg readerJoined = recorder.last(reader, "joined");
            assertEquals(8, readerJoined.fromSeq);
            assertNull(recorder.last(reader, "resync"));

            final List<Long> seqs = seqs(recorder, reader);
            assertEquals(List.of(8L, 9L, 10L, 11L, 12L), seqs, "records 8..11 then its own presence at 12");

            harness.serverPublish(gateway, "room", null, "{\"live\":true}");
            harness.drive();
            assertEquals(13L, seqs(recorder, reader).get(5));
        }
    }

    @Test
    void shouldResumeAtHeadWithNothingToReplay()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 5);
            final long head = 6;

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, head, null);
            harness.drive();

            assertEquals(head + 1, recorder.last(reader, "joined").fromSeq);
            assertEquals(List.of(head + 1), seqs(recorder, reader), "only its own presence record");
        }
    }

    @Test
    void shouldReplayAllHistoryForResumeFromZero()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            fill(harness, gateway, 5);

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", 0, 0, null);
            harness.drive();

            assertEquals(1, recorder.last(reader, "joined").fromSeq);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs(recorder, reader));
        }
    }

    @Test
    void shouldResyncWhenHistoryNoLongerHoldsTheResumePoint()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 40);
            final long head = 41;
            final long oldest = head + 1 - HISTORY + 1;

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, 3, null);
            harness.drive();

            final Msg resync = recorder.last(reader, "resync");
            assertNotNull(resync);
            assertEquals(oldest, resync.fromSeq);
            assertEquals(head + 1, resync.headSeq, "the head includes the reader's own presence record");
            final List<Msg> own = recorder.of(reader);
            assertTrue(own.indexOf(resync) < own.indexOf(recorder.last(reader, "joined")), "resync comes before joined");
            final List<Long> seqs = seqs(recorder, reader);
            assertEquals(oldest, seqs.get(0));
            assertEquals(head + 1, seqs.get(seqs.size() - 1));
            assertEquals(head + 1 - oldest + 1, seqs.size());
        }
    }

    @Test
    void shouldResyncForAnotherEpoch()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 3);

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch - 1, 2, null);
            harness.drive();

            assertNotNull(recorder.last(reader, "resync"));
            assertEquals(1, recorder.last(reader, "joined").fromSeq);
        }
    }

    @Test
    void shouldRefuseResumeAheadOfHead()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 3);

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, 99, "ahead");
            harness.drive();

            final Msg error = recorder.last(reader, "error");
            assertEquals("RESUME_AHEAD", error.code);
            assertEquals("ahead", error.id);
            assertNull(recorder.last(reader, "joined"));
        }
    }

    @Test
    void shouldStartANewEpochWhenARetiredRoomIsCreatedAgain()
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final long alice = harness.open(gateway, "alice");
            gateway.join(alice, "room", null);
            harness.drive();
            final long firstEpoch = recorder.last(alice, "joined").epoch;
            gateway.leave(alice, "room", null);
            harness.drive();

            harness.advanceMs(59_999);
            harness.drive();
            assertEquals(1, harness.engine.engineCounters().get(EngineCounters.SystemCounter.ROOMS));
            harness.advanceMs(100);
            harness.drive();
            assertEquals(0, harness.engine.engineCounters().get(EngineCounters.SystemCounter.ROOMS));

            gateway.join(alice, "room", firstEpoch, 1, null);
            harness.drive();
            final Msg rejoined = recorder.last(alice, "joined");
            assertTrue(rejoined.epoch > firstEpoch);
            assertNotNull(recorder.last(alice, "resync"));
        }
    }

    /**
     * History counts the joiner's own presence record, which is sequenced before the resume point is looked up.
     */
    @Property(tries = 60)
    void resumeYieldsExactlyTheSuffixOrAResync(
        @ForAll @IntRange(min = 0, max = 60) final int published,
        @ForAll @IntRange(min = 0, max = 70) final int resumeSeq)
    {
        try (EngineHarness harness = harness())
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, published);
            final long head = published + 1;

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, resumeSeq, null);
            harness.drive();

            if (resumeSeq > head)
            {
                assertEquals("RESUME_AHEAD", recorder.last(reader, "error").code);
                return;
            }
            final long oldest = Math.max(1, head + 1 - HISTORY + 1);
            final List<Long> seqs = seqs(recorder, reader);
            final long first = resumeSeq + 1 >= oldest ? resumeSeq + 1 : oldest;
            assertEquals(resumeSeq + 1 < oldest, null != recorder.last(reader, "resync"));
            for (int i = 0; i < seqs.size(); i++)
            {
                assertEquals(first + i, seqs.get(i));
            }
            assertEquals(head + 1, seqs.get(seqs.size() - 1), "ends with the reader's own presence record");
        }
    }

    @Test
    void shouldResumeFromAHistoryWhoseIndexGrewWhileRecordsWereKept()
    {
        // The index of record positions starts small and doubles as records are kept: a resume point from before
        // the growths must still find exactly the records after it, and one older than history gets resync.
        final int history = 200;
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx.historyRecords(history).maxPayloadLength(1024)
            .historyLength(1024 * 1024).publishRate(1_000_000).publishBurst(1_000_000)
            .roomIdleTimeoutNs(60_000_000_000L).presenceTimeoutNs(600_000_000_000L)))
        {
            final Gateway gateway = harness.gateway();
            final Recorder recorder = harness.recorder(gateway);
            final Msg joined = fill(harness, gateway, 150);

            final long reader = harness.open(gateway, "reader");
            gateway.join(reader, "room", joined.epoch, 20, null);
            harness.drive();
            assertNull(recorder.last(reader, "resync"));
            assertEquals(21, recorder.last(reader, "joined").fromSeq);
            final List<Long> seqs = seqs(recorder, reader);
            assertEquals(151 - 21 + 1 + 1, seqs.size(), "records 21..151 then the reader's own presence");
            for (int i = 0; i < seqs.size(); i++)
            {
                assertEquals(21 + i, seqs.get(i), "no gap, no duplicate");
            }

            fill(harness, gateway, 300);
            final long late = harness.open(gateway, "late");
            gateway.join(late, "room", joined.epoch, 5, null);
            harness.drive();
            final Msg resync = recorder.last(late, "resync");
            assertNotNull(resync, "history keeps only the last " + history + " records");
            final List<Long> lateSeqs = seqs(recorder, late);
            assertEquals(resync.fromSeq, lateSeqs.get(0));
            assertEquals(history, lateSeqs.size(), "the whole history, the late reader's own presence its newest record");
            for (int i = 0; i < lateSeqs.size(); i++)
            {
                assertEquals(resync.fromSeq + i, lateSeqs.get(i), "no gap, no duplicate");
            }
        }
    }
}
