package io.roomwire.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Scratch work run once as the engine is built, so that the JIT has seen a rare branch of the engine's hot path taken
 * before it compiles it under traffic. C2 compiles a branch that its profile says was never taken as an uncommon trap;
 * the first time traffic takes it, minutes in, the compiled loop is thrown away, runs interpreted and C1-compiled until
 * C2 compiles it again, and a node near its core's limit falls behind for seconds. Profiles belong to methods, not to
 * objects, so running Agrona's ring on a scratch instance whose end comes every few dozen commands fills the profiles
 * the real ring's compiled code is built from.
 * <p>
 * The branches warmed are the inbound ring's first wrap (a claim across its end, the padding it leaves, the
 * conductor's scan ahead meeting the end), which trapped minutes into traffic (docs/operations.md, warm-up), and a
 * room log's rare write paths: its history count filling (the first room to keep its full history, a minute into
 * traffic at five messages a second a room, trapped the I/O thread's loop; with the node raised to the real-time
 * class the recompilation waited behind it for 130-230 ms), growth for history and ahead of need, and the log's wrap.
 * Warming
 * is not free: a scratch timer wheel run the same way also removed a trap at the first liveness checks, but its
 * expiries took over the profile of {@code DeadlineTimerWheel.poll} and made the conductor's idle duty cycle 2.5 times
 * slower (JMH {@code PresenceBenchmark.roomwireExpiryDutyCycle}: 19 to 50 ns at 10,000 users), so it is not done.
 * Warm only branches that traffic takes rarely, with a scratch run that does not change the common case's profile.
 * <p>
 * Stateless; its methods run on the thread that builds the engine, on scratch objects only.
 */
final class JitWarmup
{
    /** Length of the scratch ring: small, so that it wraps every few dozen commands. */
    private static final int RING_LENGTH = 64 * 1024;
    /** Commands offered to the scratch ring: well past the invocation counts at which the JIT compiles. */
    private static final int RING_COMMANDS = 40_000;
    private static final int RING_TYPE_ID = 1;
    /** Reads a scratch command and drops it. */
    private static final MessageHandler DISCARD = (msgTypeId, buffer, index, length) ->
    {
    };
    private static final int MIN_COMMAND_LENGTH = 16;
    private static final int COMMAND_LENGTH_SPREAD = 431;

    /**
     * Scratch room logs, each {initial length, maximum length, history records, retained length}: one whose history
     * count binds (grows for its history, then keeps it full), one whose length binds (grows to its maximum, then
     * wraps and drops records by position), one past {@link RoomLog#EARLY_GROWTH_MIN_CAPACITY} (grows ahead of need).
     */
    private static final int[][] LOG_SHAPES =
    {
        {1024, 64 * 1024, 64, 48 * 1024},
        {1024, 4 * 1024, 256, 3 * 1024},
        {1024, 256 * 1024, 256, 192 * 1024},
    };
    /** Growth jitters the scratch logs are built with, from none to the most. */
    private static final int[] LOG_JITTERS = {0, RoomLog.GROWTH_JITTER_VALUES / 2, RoomLog.GROWTH_JITTER_VALUES - 1};
    /** Records appended to each scratch log: several times its history count. */
    private static final int LOG_RECORDS = 2_000;
    private static final int MIN_RECORD_LENGTH = 32;
    private static final int RECORD_LENGTH_SPREAD = 256;
    /** Added to a record's binary length for its JSON form, when it has one. */
    private static final int JSON_EXTRA_LENGTH = 40;

    private JitWarmup()
    {
    }

    /**
     * A conductor's scan ahead of the commands it is about to read (it touches their sessions' liveness slots).
     */
    @FunctionalInterface
    interface ScanAhead
    {
        /**
         * @param ring  the ring to scan, from its consumer position.
         * @param limit most records to scan.
         * @return the records scanned.
         */
        int scan(ManyToOneRingBuffer ring, int limit);
    }

    /**
     * Offer commands of varying lengths to a small scratch ring, so that the ring's end falls at varying points in a
     * record, and read them back in batches, scanning ahead of each batch as the conductor does: claims across the
     * end, padding, reads and scans that meet it, hundreds of times.
     *
     * @param scanAhead the conductor's scan ahead.
     * @param batch     most commands read in one batch.
     * @return the ring, drained, for its positions.
     */
    static ManyToOneRingBuffer ringWraps(final ScanAhead scanAhead, final int batch)
    {
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(RING_LENGTH + RingBufferDescriptor.TRAILER_LENGTH)));
        for (int i = 0; i < RING_COMMANDS; i++)
        {
            if (!offer(ring, i))
            {
                readBatch(ring, scanAhead, batch);
                offer(ring, i);
            }
            else if ((i & 7) == 7)
            {
                readBatch(ring, scanAhead, batch);
            }
        }
        while (ring.size() > 0)
        {
            readBatch(ring, scanAhead, batch);
        }
        return ring;
    }

    private static void readBatch(final ManyToOneRingBuffer ring, final ScanAhead scanAhead, final int batch)
    {
        scanAhead.scan(ring, batch);
        ring.read(DISCARD, batch);
    }

    private static boolean offer(final ManyToOneRingBuffer ring, final int i)
    {
        final int length = MIN_COMMAND_LENGTH + (int)((i * 37L) % COMMAND_LENGTH_SPREAD);
        final int index = ring.tryClaim(RING_TYPE_ID, length);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putLong(index, 0L);
        ring.commit(index);
        return true;
    }

    /**
     * Append records of varying lengths, with and without a JSON form, to scratch room logs of several shapes, growing
     * each as the conductor does before every record (for a record longer than the log, for history): growth for
     * history and ahead of need, the history count full, the log at its maximum wrapping with padding and dropping
     * records by position, thousands of times.
     *
     * @param binary the conductor's buffer for a record's binary form, so the logs' type profiles stay the traffic's.
     * @param json   the conductor's buffer for a record's JSON form.
     * @return the scratch logs, as the records left them, in the order of {@code LOG_SHAPES} then jitters.
     */
    static RoomLog[] roomLogs(final DirectBuffer binary, final DirectBuffer json)
    {
        final int maxBinaryLength = Math.min(binary.capacity(), MIN_RECORD_LENGTH + RECORD_LENGTH_SPREAD);
        final int maxJsonLength = Math.min(json.capacity(), maxBinaryLength + JSON_EXTRA_LENGTH);
        final RoomLog[] logs = new RoomLog[LOG_SHAPES.length * LOG_JITTERS.length];
        int next = 0;
        for (final int[] shape : LOG_SHAPES)
        {
            for (final int jitter : LOG_JITTERS)
            {
                final RoomLog log = new RoomLog(shape[0], shape[1], shape[2], shape[3], jitter);
                logs[next++] = log;
                for (int seq = 1; seq <= LOG_RECORDS; seq++)
                {
                    final int binaryLength =
                        Math.min(maxBinaryLength, MIN_RECORD_LENGTH + (int)((seq * 37L) % RECORD_LENGTH_SPREAD));
                    final int jsonLength = (seq & 1) == 0 ? 0 : Math.min(maxJsonLength, binaryLength + JSON_EXTRA_LENGTH);
                    final int frameLength = RoomLog.FRAME_HEADER_LENGTH + binaryLength + jsonLength;
                    while ((!log.holds(frameLength) && log.canGrow()) || log.shouldGrowForHistory(frameLength))
                    {
                        log.grow();
                    }
                    log.append(seq, binary, 0, binaryLength, json, 0, jsonLength);
                }
            }
        }
        return logs;
    }
}
