package io.roomwire.engine;

import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.PresenceDecoder;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A room's broadcast log and history: a ring of sequenced records written once by the conductor and read in place by
 * every gateway with sessions in the room.
 * <p>
 * A record is a frame aligned to {@link #FRAME_ALIGNMENT} bytes:
 * <pre>
 *   0  int32 frame length (header + binary + JSON, unaligned)
 *   4  int32 binary length, or {@link #PADDING} for a frame that only fills the end of the buffer
 *   8  the binary form: an SBE {@code Deliver} or {@code Presence} message, header included
 *   .. the JSON form of the same message (empty when the engine runs without JSON, and for presence records of a
 *      room under {@code EngineConductor.PRESENCE_JSON_MIN_MEMBERS} members: readers encode those as they deliver)
 * </pre>
 * Positions are logical byte offsets that only grow; a record at position {@code p} lies at
 * {@code p & (capacity - 1)} and never wraps. The log starts small and doubles, up to the configured history length,
 * when keeping the configured number of history records or a live receiver's unread records needs more room; growth
 * copies the retained records into a new buffer at the same positions and publishes it, so readers holding the old
 * buffer still read valid bytes. From {@link #EARLY_GROWTH_MIN_CAPACITY} on, a log whose history is still filling
 * grows up to half a log ahead of need, by a slack fixed per room (see {@link #shouldGrowForHistory(int)}).
 * <p>
 * Memory ordering: before writing bytes that overwrite positions below {@code p}, the conductor publishes
 * {@code lowWater = p} with release semantics and a store-store fence; after writing a record it publishes
 * {@code head} with release semantics. A reader acquires {@code head}, then reads {@code buffer}, then the frames
 * below {@code head}; it may validate afterwards that {@code lowWater} has not passed what it read.
 * <p>
 * Thread ownership: the conductor alone calls the writing methods and the {@code engine*} methods; gateway threads call
 * only {@link #head()}, {@link #headSeq()}, {@link #buffer()} and {@link #lowWater()}.
 */
final class RoomLog
{
    /**
     * Frame header: frame length and binary length.
     */
    static final int FRAME_HEADER_LENGTH = 8;

    /**
     * Frames start on this alignment.
     */
    static final int FRAME_ALIGNMENT = 8;

    /**
     * Binary length of a padding frame.
     */
    static final int PADDING = -1;

    /**
     * Bytes a record needs besides its payload: message header, block, and identifiers at their longest.
     */
    static final int RECORD_OVERHEAD = 512;

    /**
     * Room to spare in an inbound command besides the payload.
     */
    static final int COMMAND_HEADROOM = 512;

    /**
     * Offset of {@code seq} from the start of a record's binary form; the same for {@code Deliver} and
     * {@code Presence}.
     */
    static final int SEQ_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + DeliverDecoder.seqEncodingOffset();

    static
    {
        if (DeliverDecoder.seqEncodingOffset() != PresenceDecoder.seqEncodingOffset() ||
            DeliverDecoder.epochEncodingOffset() != PresenceDecoder.epochEncodingOffset())
        {
            throw new IllegalStateException("Deliver and Presence must place epoch and seq alike");
        }
    }

    private static final VarHandle HEAD;
    private static final VarHandle LOW_WATER;
    private static final VarHandle HEAD_SEQ;
    private static final VarHandle BUFFER;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(RoomLog.class, "head", long.class);
            LOW_WATER = lookup.findVarHandle(RoomLog.class, "lowWater", long.class);
            HEAD_SEQ = lookup.findVarHandle(RoomLog.class, "headSeq", long.class);
            BUFFER = lookup.findVarHandle(RoomLog.class, "buffer", UnsafeBuffer.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * Entries the index of record positions starts with; it doubles up to the history count as records are retained.
     */
    private static final int INITIAL_SEQ_POSITIONS = 16;

    /**
     * Logs this long or longer grow ahead of need. A growth writes every byte of a new, larger buffer, and fresh memory
     * costs a page fault per 4 KiB on first touch: on the 2-vCPU VM of {@code docs/benchmarks.md}, about 3.5 us per
     * KiB, so 460 us for a 128 KiB log against 30 us for an 8 KiB one. Rooms that fill at the same rate (a thousand
     * rooms of ten, each member publishing every two seconds) reach a size together, and grew within the same two
     * seconds: half a second of the core's time in one burst at 64 to 128 KiB, and a stall of 450 ms. Growing each
     * room at its own point of the second half of the fill spreads the same work over a quarter of a minute.
     */
    static final int EARLY_GROWTH_MIN_CAPACITY = 8 * 1024;

    /**
     * Bits of the per-room growth jitter; the slack ahead of need is {@code jitter / (2 * GROWTH_JITTER_VALUES)} of
     * the log, under half of it.
     */
    private static final int GROWTH_JITTER_BITS = 8;

    /**
     * Values of the per-room growth jitter, from 0.
     */
    static final int GROWTH_JITTER_VALUES = 1 << GROWTH_JITTER_BITS;

    private final int maxCapacity;
    private final int historyRecords;
    private final int retainLength;
    private final int maxSeqPositions;
    private final int growthJitter;
    private long[] seqPositions;
    private int seqMask;

    private UnsafeBuffer buffer;
    private int capacity;
    private long head;
    private long lowWater;
    private long headSeq;

    private long oldestSeq = 1;
    private long growths;

    /**
     * @param initialCapacity bytes, a power of two.
     * @param maxCapacity     bytes the log may grow to, a power of two.
     * @param historyRecords  most records kept for resume.
     * @param retainLength    most bytes of records kept for resume, behind the head; less than {@code maxCapacity} by
     *                        the outbound budget, so a receiver resuming from the oldest record has that much slack
     *                        before it must be cut loose.
     * @param growthJitter    from 0 to {@link #GROWTH_JITTER_VALUES} - 1: how far ahead of need this log grows
     *                        while its history fills, in {@code 2 * GROWTH_JITTER_VALUES}ths of its length; 0 grows
     *                        only when needed.
     */
    RoomLog(
        final int initialCapacity,
        final int maxCapacity,
        final int historyRecords,
        final int retainLength,
        final int growthJitter)
    {
        if (growthJitter < 0 || growthJitter >= GROWTH_JITTER_VALUES)
        {
            throw new IllegalArgumentException("growthJitter must be in [0, " + GROWTH_JITTER_VALUES + "): " +
                growthJitter);
        }
        this.growthJitter = growthJitter;
        this.maxCapacity = maxCapacity;
        this.retainLength = retainLength;
        this.historyRecords = historyRecords;
        this.maxSeqPositions = BitUtil.findNextPositivePowerOfTwo(historyRecords);
        this.seqPositions = new long[Math.min(INITIAL_SEQ_POSITIONS, maxSeqPositions)];
        this.seqMask = seqPositions.length - 1;
        this.capacity = initialCapacity;
        this.buffer = newBuffer(initialCapacity);
    }

    /**
     * @param roomHash a well-mixed hash of the room's name, seeded per node.
     * @return its top bits, a growth jitter: rooms of one node grow at their own points, the same room at different
     * points on different nodes.
     */
    static int growthJitter(final long roomHash)
    {
        return (int)(roomHash >>> (Long.SIZE - GROWTH_JITTER_BITS));
    }

    // ------------------------------------------------------------------ reader side (any thread)

    /**
     * @return position after the newest record, with acquire semantics.
     */
    long head()
    {
        return (long)HEAD.getAcquire(this);
    }

    /**
     * @return seq of the newest record at or after the last {@link #head()} read; 0 when empty.
     */
    long headSeq()
    {
        return (long)HEAD_SEQ.getOpaque(this);
    }

    /**
     * @return the current buffer; read it after {@link #head()}.
     */
    UnsafeBuffer buffer()
    {
        return (UnsafeBuffer)BUFFER.getAcquire(this);
    }

    /**
     * @return positions below this may have been overwritten, with acquire semantics.
     */
    long lowWater()
    {
        VarHandle.loadLoadFence();
        return (long)LOW_WATER.getAcquire(this);
    }

    /**
     * @param buffer   of the log.
     * @param position of a record (not padding).
     * @return the record's seq.
     */
    static long seqAt(final DirectBuffer buffer, final long position)
    {
        final int offset = (int)position & (buffer.capacity() - 1);
        return buffer.getLong(offset + FRAME_HEADER_LENGTH + SEQ_OFFSET);
    }

    // ------------------------------------------------------------------ conductor side

    /**
     * @return bytes in the current buffer.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * @return position after the newest record, for the conductor.
     */
    long engineHead()
    {
        return head;
    }

    /**
     * @return seq of the newest record, for the conductor; 0 when empty.
     */
    long engineHeadSeq()
    {
        return headSeq;
    }

    /**
     * @return seq of the oldest record history still holds; {@code engineHeadSeq() + 1} when it holds none.
     */
    long oldestSeq()
    {
        return oldestSeq;
    }

    /**
     * @param seq between {@link #oldestSeq()} and {@link #engineHeadSeq()} + 1.
     * @return position of that record, or the head when {@code seq} is the next to be written.
     */
    long positionOf(final long seq)
    {
        return seq > headSeq ? head : seqPositions[(int)seq & seqMask];
    }

    /**
     * @return times the log has grown.
     */
    long growths()
    {
        return growths;
    }

    /**
     * Work out where a record of the given length would start, inserting nothing yet.
     *
     * @param frameLength unaligned frame length.
     * @return the head after the record (and any padding) is written.
     */
    long headAfter(final int frameLength)
    {
        final int aligned = BitUtil.align(frameLength, FRAME_ALIGNMENT);
        final int offset = (int)head & (capacity - 1);
        final int padding = offset + aligned > capacity ? capacity - offset : 0;
        return head + padding + aligned;
    }

    /**
     * @param frameLength unaligned frame length of a record.
     * @return true when the log is long enough for it: a frame never wraps.
     */
    boolean holds(final int frameLength)
    {
        return BitUtil.align(frameLength, FRAME_ALIGNMENT) <= capacity;
    }

    /**
     * The position below which the write of a record of the given length overwrites data.
     *
     * @param frameLength unaligned frame length.
     * @return new low water mark.
     */
    long lowWaterAfter(final int frameLength)
    {
        return headAfter(frameLength) - capacity;
    }

    /**
     * Whether to grow before writing the next record, for history: when writing it would drop records that the history
     * count says to keep; or, ahead of need, when the log is at least {@link #EARLY_GROWTH_MIN_CAPACITY} long and short
     * of the retained length, the records the history wants span more than the log less its slack
     * ({@code growthJitter / (2 * GROWTH_JITTER_VALUES)} of it), and at their mean length the whole history count
     * would not fit. So a room whose history fits is never grown early; the projection overshoots only when later
     * records are shorter than the earlier ones.
     *
     * @param frameLength unaligned frame length of the record to be written next.
     * @return true when the log should grow, and may.
     */
    boolean shouldGrowForHistory(final int frameLength)
    {
        if (capacity >= maxCapacity)
        {
            return false;
        }

        final long wantedOldestSeq = Math.max(1, headSeq + 2 - historyRecords);
        if (wantedOldestSeq > headSeq || wantedOldestSeq < oldestSeq)
        {
            return false;
        }

        final long span = headAfter(frameLength) - seqPositions[(int)wantedOldestSeq & seqMask];
        if (span > capacity)
        {
            return true;
        }

        final long records = headSeq + 2 - wantedOldestSeq;
        return capacity >= EARLY_GROWTH_MIN_CAPACITY && capacity < retainLength &&
            span + (((long)capacity * growthJitter) >> (GROWTH_JITTER_BITS + 1)) > capacity &&
            span * historyRecords > (long)capacity * records;
    }

    /**
     * @return true when the log is smaller than its maximum.
     */
    boolean canGrow()
    {
        return capacity < maxCapacity;
    }

    /**
     * Double the capacity, copying every retained record to the same position in a new buffer, and publish it.
     */
    void grow()
    {
        final int newCapacity = capacity << 1;
        final UnsafeBuffer oldBuffer = buffer;
        final UnsafeBuffer newBuffer = newBuffer(newCapacity);
        final long from = Math.max(0, Math.max(lowWater, head - capacity));
        long position = from;
        while (position < head)
        {
            final int oldOffset = (int)position & (capacity - 1);
            final int newOffset = (int)position & (newCapacity - 1);
            final int chunk = (int)Math.min(head - position, Math.min(capacity - oldOffset, newCapacity - newOffset));
            newBuffer.putBytes(newOffset, oldBuffer, oldOffset, chunk);
            position += chunk;
        }

        capacity = newCapacity;
        growths++;
        BUFFER.setRelease(this, newBuffer);
    }

    /**
     * Off-heap, so the history a node keeps (up to {@code roomwire.room.history.length} per room) is never copied or
     * scanned by the garbage collector: on a heap, rooms filling their history made every young collection copy them,
     * pauses of hundreds of milliseconds on one core. A buffer replaced by {@link #grow()} is freed by its cleaner once
     * no reader holds it.
     */
    private static UnsafeBuffer newBuffer(final int capacity)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
    }

    /**
     * Double the index of record positions until it holds every retained record and {@code seq}, up to the history
     * count: a quiet room keeps a small index, a busy one grows it a few times (conductor only).
     */
    private void growSeqPositions(final long seq)
    {
        int length = seqPositions.length;
        while (seq - oldestSeq >= length && length < maxSeqPositions)
        {
            length <<= 1;
        }
        final long[] grown = new long[length];
        final int mask = length - 1;
        for (long s = oldestSeq; s < seq; s++)
        {
            grown[(int)s & mask] = seqPositions[(int)s & seqMask];
        }
        seqPositions = grown;
        seqMask = mask;
    }

    /**
     * Write a record. The caller has made room: nothing a live receiver still needs lies below
     * {@link #lowWaterAfter(int)}.
     *
     * @param seq         of the record, {@link #engineHeadSeq()} + 1.
     * @param binary      holding the binary form.
     * @param binaryOffset of the binary form.
     * @param binaryLength of the binary form.
     * @param json        holding the JSON form.
     * @param jsonOffset  of the JSON form.
     * @param jsonLength  of the JSON form, 0 for none.
     * @return position of the record.
     */
    long append(
        final long seq,
        final DirectBuffer binary,
        final int binaryOffset,
        final int binaryLength,
        final DirectBuffer json,
        final int jsonOffset,
        final int jsonLength)
    {
        final int frameLength = FRAME_HEADER_LENGTH + binaryLength + jsonLength;
        final int aligned = BitUtil.align(frameLength, FRAME_ALIGNMENT);
        final int mask = capacity - 1;
        int offset = (int)head & mask;
        final int padding = offset + aligned > capacity ? capacity - offset : 0;
        final long newHead = head + padding + aligned;
        final long newLowWater = newHead - capacity;

        if (newLowWater > lowWater)
        {
            LOW_WATER.setRelease(this, newLowWater);
            VarHandle.storeStoreFence();
            lowWater = newLowWater;
        }

        final UnsafeBuffer buffer = this.buffer;
        if (padding > 0)
        {
            buffer.putInt(offset, padding);
            buffer.putInt(offset + 4, PADDING);
            offset = 0;
        }

        buffer.putInt(offset, frameLength);
        buffer.putInt(offset + 4, binaryLength);
        buffer.putBytes(offset + FRAME_HEADER_LENGTH, binary, binaryOffset, binaryLength);
        if (jsonLength > 0)
        {
            buffer.putBytes(offset + FRAME_HEADER_LENGTH + binaryLength, json, jsonOffset, jsonLength);
        }

        final long position = newHead - aligned;
        if (seq - oldestSeq >= seqPositions.length && seqPositions.length < maxSeqPositions)
        {
            growSeqPositions(seq);
        }
        seqPositions[(int)seq & seqMask] = position;
        HEAD_SEQ.setOpaque(this, seq);

        final long countOldest = seq - historyRecords + 1;
        final long positionOldest = Math.max(newLowWater, newHead - retainLength);
        while (oldestSeq <= seq && (oldestSeq < countOldest || seqPositions[(int)oldestSeq & seqMask] < positionOldest))
        {
            oldestSeq++;
        }

        HEAD.setRelease(this, newHead);
        return position;
    }
}
