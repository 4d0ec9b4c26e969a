package io.roomwire.engine;

import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine on its own thread, with gateways on other threads publishing as fast as they can and polling at once. On
 * two cores the receivers fall behind their small outbound budget again and again: each cut loose receiver resumes
 * from the last seq it received, and in the end every receiver has every record exactly once, in order.
 */
class EngineThreadingTest
{
    private static final int THREADS = 3;
    private static final int SESSIONS_PER_THREAD = 4;
    private static final int MESSAGES_PER_THREAD = 3_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldDeliverEveryRecordInOrderAcrossThreads() throws Exception
    {
        final Engine.Context ctx = new Engine.Context()
            .publishRate(1_000_000).publishBurst(1_000_000)
            .outboundRecords(200).outboundLength(64 * 1024)
            .historyRecords(100_000).historyLength(8 * 1024 * 1024);
        try (Engine engine = Engine.launch(ctx))
        {
            final CountDownLatch joined = new CountDownLatch(THREADS);
            final CountDownLatch done = new CountDownLatch(THREADS);
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            final long totalRecords = (long)THREADS * MESSAGES_PER_THREAD;

            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                threads.add(new Thread(() ->
                {
                    try (Gateway gateway = engine.newGateway())
                    {
                        final Checker checker = new Checker();
                        final long[] sessions = new long[SESSIONS_PER_THREAD];
                        for (int s = 0; s < SESSIONS_PER_THREAD; s++)
                        {
                            sessions[s] = open(gateway, "t" + thread + "s" + s);
                            while (gateway.join(sessions[s], "room", "j") < 0)
                            {
                                gateway.poll(checker, 100);
                            }
                        }
                        while (checker.joins.get() < SESSIONS_PER_THREAD && checker.failure.get() == null)
                        {
                            gateway.poll(checker, 100);
                        }
                        joined.countDown();
                        while (joined.getCount() > 0)
                        {
                            gateway.poll(checker, 100);
                        }

                        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
                        int sent = 0;
                        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
                        while (checker.delivers.get() < totalRecords * SESSIONS_PER_THREAD && System.nanoTime() < deadline)
                        {
                            if (sent < MESSAGES_PER_THREAD)
                            {
                                payload.putInt(0, thread);
                                payload.putInt(4, sent);
                                if (gateway.publish(sessions[sent % SESSIONS_PER_THREAD], "room", MessageKind.TEXT,
                                    PayloadFormat.BINARY, null, null, payload, 0, 8) > 0)
                                {
                                    sent++;
                                }
                            }
                            gateway.poll(checker, 64);
                            for (int r = checker.toResume.size() - 1; r >= 0; r--)
                            {
                                final long session = checker.toResume.get(r);
                                if (gateway.join(session, "room", checker.epoch, checker.lastSeqBySession.get(session),
                                    "resume") > 0)
                                {
                                    checker.toResume.remove(r);
                                }
                            }
                        }
                        if (checker.failure.get() != null)
                        {
                            failures.add(checker.failure.get());
                        }
                        assertEquals(totalRecords * SESSIONS_PER_THREAD, checker.delivers.get(), "thread " + thread +
                            " sent " + sent + " records " + checker.records.get() + " cuts " + checker.cuts.get());
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                    finally
                    {
                        done.countDown();
                    }
                }, "gateway-" + t));
            }

            threads.forEach(Thread::start);
            assertTrue(done.await(55, TimeUnit.SECONDS));
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertTrue(failures.isEmpty(), () -> failures.toString() + " revocations " +
                engine.engineCounters().get(EngineCounters.SystemCounter.REVOCATIONS) + " torn " +
                engine.engineCounters().total(EngineCounters.GatewayCounter.TORN_READS) + " cuts " +
                engine.engineCounters().total(EngineCounters.GatewayCounter.LAGGING_CUTS) + " growths " +
                engine.engineCounters().get(EngineCounters.SystemCounter.LOG_GROWTHS));
            assertEquals(totalRecords, engine.engineCounters().get(EngineCounters.SystemCounter.PUBLISHES));
        }
    }

    private static long open(final Gateway gateway, final String user)
    {
        long session;
        while ((session = gateway.openSession(user, new String[]{"*"}, new String[]{"*"})) < 0)
        {
            Thread.onSpinWait();
        }
        return session;
    }

    /**
     * Checks every session's deliveries are gap-free and that each publisher's messages arrive in send order.
     */
    private static final class Checker implements SessionHandler
    {
        final java.util.concurrent.atomic.AtomicInteger joins = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
        final List<Long> toResume = new ArrayList<>();
        long epoch;
        final java.util.concurrent.atomic.AtomicLong delivers = new java.util.concurrent.atomic.AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final java.util.HashMap<Long, Long> lastSeqBySession = new java.util.HashMap<>();
        final java.util.HashMap<Long, int[]> lastSentBySession = new java.util.HashMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final DeliverDecoder deliver = new DeliverDecoder();

        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final Msg msg = Msg.decode(sessionId, buffer, offset, length);
            if (msg.type.equals("joined"))
            {
                if (!lastSeqBySession.containsKey(sessionId))
                {
                    lastSeqBySession.put(sessionId, msg.fromSeq - 1);
                }
                else if (msg.fromSeq != lastSeqBySession.get(sessionId) + 1)
                {
                    failure.compareAndSet(null, new AssertionError("resumed at " + msg.fromSeq));
                }
                epoch = msg.epoch;
                joins.incrementAndGet();
            }
            else if (msg.type.equals("left") && msg.reason.equals("LAGGING"))
            {
                if (msg.seq != lastSeqBySession.get(sessionId))
                {
                    failure.compareAndSet(null, new AssertionError("left names " + msg.seq));
                }
                cuts.incrementAndGet();
                toResume.add(sessionId);
            }
            else if (!msg.type.equals("connected"))
            {
                failure.compareAndSet(null, new AssertionError("unexpected " + msg));
            }
        }

        final java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();

        public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            records.incrementAndGet();
            final long seq = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH + DeliverDecoder.seqEncodingOffset());
            final long expected = lastSeqBySession.get(sessionId) + 1;
            if (seq != expected)
            {
                failure.compareAndSet(null, new AssertionError("session " + sessionId + " got " + seq + " not " + expected));
            }
            lastSeqBySession.put(sessionId, seq);
            header.wrap(buffer, offset);
            if (header.templateId() != DeliverDecoder.TEMPLATE_ID)
            {
                return true;
            }
            deliver.wrapAndApplyHeader(buffer, offset, header);
            deliver.skipRoom();
            deliver.skipAuthor();
            deliver.skipKey();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            deliver.getPayload(payload, 0, 8);
            final int[] lastSent = lastSentBySession.computeIfAbsent(sessionId, (k) -> new int[]{ -1, -1, -1, -1 });
            final int publisher = payload.getInt(0);
            final int sent = payload.getInt(4);
            if (sent <= lastSent[publisher])
            {
                failure.compareAndSet(null, new AssertionError("publisher " + publisher + " out of order"));
            }
            lastSent[publisher] = sent;
            delivers.incrementAndGet();
            return true;
        }
    }
}
