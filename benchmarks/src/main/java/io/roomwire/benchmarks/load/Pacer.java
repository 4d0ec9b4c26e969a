package io.roomwire.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The publishers' thread: publishes on an open-loop schedule and writes every frame a publisher connection sends
 * once it is open.
 * <p>
 * In a step of rate {@code r} over {@code P} publishers, message {@code i} of publisher {@code p} is intended at
 * {@code publishStart + (p + P * i) / r} seconds, so publishers interleave evenly. Each due message is encoded, with
 * its intended {@link System#nanoTime()} as {@code t}, straight into the publisher's outbound array, masked in place and
 * written without blocking; a message due while the thread is behind (or while the server is not reading) is sent as
 * soon as it can be and keeps its intended time, so the delay counts as latency (no coordinated omission). How late
 * the pacer itself was is recorded as the lag histogram. Between messages the thread parks until the next is due.
 * <p>
 * Socket.IO publishers send each object as the event {@code 42["message",<object>]}: the same bytes, wrapped.
 * <p>
 * The schedule is one sequence of slots over all publishers (slot {@code k} is message {@code k / P} of publisher
 * {@code k % P}), walked by a cursor, so a wake-up costs what is due, not a pass over every publisher: ten thousand
 * publishers at one message a second each cost no more than one at ten thousand. A publisher whose outbound array is
 * full is set aside and caught up (its messages keeping their intended times) when it has room again; only publishers
 * with bytes waiting are written. Outbound arrays start small and grow, up to a limit, when a publisher falls behind.
 * <p>
 * Not thread safe: everything runs on the pacer's thread, except the methods documented as callable by others.
 */
final class Pacer implements Runnable
{
    private static final int INITIAL_OUT_LENGTH = 4 * 1024;
    private static final int MAX_OUT_LENGTH = 4 * 1024 * 1024;
    private static final long IDLE_PARK_NS = 2_000_000;
    private static final long WRITE_RETRY_NS = 50_000;
    private static final byte[] T = "{\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] P = ",\"p\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] N = ",\"n\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] X = ",\"x\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROBE = "{\"probe\":".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED_LENGTH = T.length + P.length + N.length + X.length + 2;

    private static final class ControlFrame
    {
        final WsClient client;
        final int opcode;
        final byte[] payload;

        ControlFrame(final WsClient client, final int opcode, final byte[] payload)
        {
            this.client = client;
            this.opcode = opcode;
            this.payload = payload;
        }
    }

    private final WsClient[] publishers;
    private final int payloadLength;
    private final byte[] messagePrefix;
    private final byte[] messageSuffix;
    private final byte[][] outArrays;
    private final ByteBuffer[] outViews;
    private final int[] outLengths;
    private final int[] waiting;          // publishers with bytes to write, the first waitingCount of them
    private final boolean[] isWaiting;
    private final int[] backlog;          // publishers whose outbound array was full, the first backlogCount
    private final boolean[] isBacklogged;
    private final long[] nextIndex;
    private final long[] counters;
    private final long[] sentByRoom;
    private final Histogram lagHistogram = new Histogram(1, ReceiverLoop.HIGHEST_TRACKABLE_NS, 3);
    private final ConcurrentLinkedQueue<ControlFrame> controls = new ConcurrentLinkedQueue<>();

    private Step current;
    private double intervalNs;   // between consecutive messages of all publishers
    private long nextSlot;       // the first slot of the step not yet due
    private int waitingCount;
    private int backlogCount;
    private boolean isStepDone;
    private boolean isBlocked;
    private int probesSent;
    private long maskSeed = ThreadLocalRandom.current().nextLong() | 1;
    private long writeFailures;
    private Thread thread;
    private final int rtPriority;

    private volatile boolean isRunning = true;
    private volatile RealtimePriority.Raised raised = RealtimePriority.Raised.NOT_STARTED;
    private volatile Step step;
    private volatile int probeRound;
    private volatile int doneStepIndex = -1;

    /**
     * @param publishers    the publisher connections, indexed by publisher number.
     * @param rooms         how many rooms.
     * @param payloadLength bytes of each published JSON object (at least what {@code t}, {@code p}, {@code n} need).
     * @param messagePrefix bytes sent before each object (and probe) in the same text frame: {@code 42["message",}
     *                      for Socket.IO, none for plain WebSocket.
     * @param messageSuffix bytes sent after it: {@code ]} for Socket.IO.
     * @param rtPriority    {@code SCHED_FIFO} priority the thread takes when it starts; 0 for none.
     */
    Pacer(
        final WsClient[] publishers,
        final int rooms,
        final int payloadLength,
        final byte[] messagePrefix,
        final byte[] messageSuffix,
        final int rtPriority)
    {
        this.rtPriority = rtPriority;
        this.publishers = publishers;
        this.payloadLength = payloadLength;
        this.messagePrefix = messagePrefix;
        this.messageSuffix = messageSuffix;
        this.outArrays = new byte[publishers.length][];
        this.outViews = new ByteBuffer[publishers.length];
        this.outLengths = new int[publishers.length];
        for (int i = 0; i < publishers.length; i++)
        {
            outArrays[i] = new byte[INITIAL_OUT_LENGTH];
            outViews[i] = ByteBuffer.wrap(outArrays[i]);
        }
        this.waiting = new int[publishers.length];
        this.isWaiting = new boolean[publishers.length];
        this.backlog = new int[publishers.length];
        this.isBacklogged = new boolean[publishers.length];
        this.nextIndex = new long[publishers.length];
        this.counters = new long[publishers.length];
        this.sentByRoom = new long[rooms];
    }

    // ------------------------------------------------------------------ any thread

    Thread start()
    {
        thread = new Thread(this, "load-pacer");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    Thread thread()
    {
        return thread;
    }

    /**
     * Publish on the schedule of a new step.
     */
    void step(final Step step)
    {
        this.step = step;
        LockSupport.unpark(thread);
    }

    /**
     * Have the first publisher of each room send {@code {"probe":round}}.
     */
    void probe(final int round)
    {
        probeRound = round;
        LockSupport.unpark(thread);
    }

    /**
     * @return the index of the last step whose messages are all written.
     */
    int doneStepIndex()
    {
        return doneStepIndex;
    }

    /**
     * @return messages written per room in the current step; read once {@link #doneStepIndex()} says it is done.
     */
    long[] sentByRoom()
    {
        return sentByRoom;
    }

    /**
     * @return how late the pacer encoded each measured message (now minus intended, ns); read once done.
     */
    Histogram lagHistogram()
    {
        return lagHistogram;
    }

    /**
     * @return writes to publishers that failed (the connection closed), since the start; approximate from other threads.
     */
    long writeFailures()
    {
        return writeFailures;
    }

    /**
     * Send a control frame (a pong, a close reply) on a publisher connection: called by the receiver loop that read
     * the ping, since only this thread writes publishers.
     */
    void enqueueControl(final WsClient client, final int opcode, final byte[] payload)
    {
        controls.add(new ControlFrame(client, opcode, payload));
        LockSupport.unpark(thread);
    }

    void stop() throws InterruptedException
    {
        isRunning = false;
        LockSupport.unpark(thread);
        thread.join(5_000);
    }

    // ------------------------------------------------------------------ pacer thread

    /**
     * Callable by the controller.
     *
     * @return what became of the thread's real-time priority when it started, with its kernel id.
     */
    RealtimePriority.Raised raised()
    {
        return raised;
    }

    public void run()
    {
        raised = RealtimePriority.raiseCurrentThread(rtPriority);
        while (isRunning)
        {
            final long nowNs = System.nanoTime();
            drainControls();
            final int round = probeRound;
            if (round != probesSent)
            {
                probesSent = round;
                sendProbes(round);
            }

            final Step latest = step;
            if (latest != current)
            {
                beginStep(latest);
            }

            long nextDueNs = Long.MAX_VALUE;
            isBlocked = false;
            if (null != current && !isStepDone)
            {
                nextDueNs = publishDue(nowNs);
            }
            final boolean isWritePending = writeAll();
            if (null != current && !isStepDone && nextDueNs == Long.MAX_VALUE && 0 == backlogCount && !isWritePending)
            {
                isStepDone = true;
                doneStepIndex = current.index;
            }

            long parkNs = Math.min(nextDueNs, nowNs + IDLE_PARK_NS) - System.nanoTime();
            if (isBlocked)
            {
                parkNs = WRITE_RETRY_NS;
            }
            else if (isWritePending)
            {
                parkNs = Math.min(parkNs, WRITE_RETRY_NS);
            }
            if (parkNs > 0)
            {
                LockSupport.parkNanos(parkNs);
            }
        }
    }

    private void beginStep(final Step latest)
    {
        current = latest;
        isStepDone = false;
        lagHistogram.reset();
        Arrays.fill(sentByRoom, 0);
        Arrays.fill(nextIndex, 0);
        nextSlot = 0;
        for (int j = 0; j < backlogCount; j++)
        {
            isBacklogged[backlog[j]] = false;
        }
        backlogCount = 0;
        intervalNs = null == latest ? 0 : 1e9 / latest.rate;
    }

    /**
     * Encode every message due by now: first those owed by publishers set aside when their outbound array was full,
     * then the slots that came due since the last call.
     *
     * @return when the next slot is due, or {@link Long#MAX_VALUE} when the step has none left.
     */
    private long publishDue(final long nowNs)
    {
        final Step s = current;
        int j = 0;
        while (j < backlogCount)
        {
            final int p = backlog[j];
            if (catchUp(s, p, nowNs))
            {
                isBacklogged[p] = false;
                backlog[j] = backlog[--backlogCount];
            }
            else
            {
                isBlocked = true;
                j++;
            }
        }

        final int count = publishers.length;
        while (true)
        {
            final long dueNs = s.publishStartNs + (long)(nextSlot * intervalNs);
            if (dueNs >= s.publishEndNs)
            {
                return Long.MAX_VALUE;
            }
            if (dueNs > nowNs)
            {
                return dueNs;
            }
            final int p = (int)(nextSlot % count);
            nextSlot++;
            if (!publishers[p].isOpen())
            {
                nextIndex[p]++;   // a closed publisher's messages are not sent, nor counted
                continue;
            }
            if (isBacklogged[p])
            {
                continue;         // caught up, with this message, when its array has room
            }
            if (!publishOne(s, p, dueNs, nowNs))
            {
                isBacklogged[p] = true;
                backlog[backlogCount++] = p;
                isBlocked = true;
            }
        }
    }

    /**
     * Encode the messages of a set-aside publisher whose slots have come due.
     *
     * @return true when it has caught up (or closed), false when its outbound array is still full.
     */
    private boolean catchUp(final Step s, final int p, final long nowNs)
    {
        final int count = publishers.length;
        final long dueMessages = nextSlot > p ? (nextSlot - 1 - p) / count + 1 : 0;
        while (nextIndex[p] < dueMessages)
        {
            if (!publishers[p].isOpen())
            {
                return true;
            }
            final long dueNs = s.publishStartNs + (long)((p + (double)count * nextIndex[p]) * intervalNs);
            if (!publishOne(s, p, dueNs, nowNs))
            {
                return false;
            }
        }
        return true;
    }

    private boolean publishOne(final Step s, final int p, final long dueNs, final long nowNs)
    {
        if (!encodeMessage(p, dueNs))
        {
            return false;
        }
        if (dueNs >= s.measureStartNs)
        {
            lagHistogram.recordValue(Math.min(Math.max(nowNs - dueNs, 1), ReceiverLoop.HIGHEST_TRACKABLE_NS));
        }
        sentByRoom[publishers[p].room]++;
        nextIndex[p]++;
        counters[p]++;
        return true;
    }

    /**
     * {@code {"t":<dueNs>,"p":<p>,"n":<counter>,"x":"<padding>"}}, padded to the payload length.
     *
     * @return false when the publisher's outbound array is full.
     */
    private boolean encodeMessage(final int p, final long dueNs)
    {
        final long counter = counters[p];
        final int variable = digits(dueNs) + digits(p) + digits(counter);
        final int padding = Math.max(1, payloadLength - FIXED_LENGTH - variable);
        final int length = messagePrefix.length + FIXED_LENGTH + variable + padding + messageSuffix.length;
        int at = outLengths[p];
        if (!ensureOutCapacity(p, at + Frames.MAX_HEADER_LENGTH + length))
        {
            return false;
        }

        final byte[] out = outArrays[p];
        final int mask = nextMask();
        at = Frames.putHeader(out, at, Frames.OPCODE_TEXT, length, mask);
        final int start = at;
        at = put(out, at, messagePrefix);
        at = put(out, at, T);
        at = putLong(out, at, dueNs);
        at = put(out, at, P);
        at = putLong(out, at, p);
        at = put(out, at, N);
        at = putLong(out, at, counter);
        at = put(out, at, X);
        for (int i = 0; i < padding; i++)
        {
            out[at++] = 'x';
        }
        out[at++] = '"';
        out[at++] = '}';
        at = put(out, at, messageSuffix);
        Frames.mask(out, start, length, mask);
        outLengths[p] = at;
        markWaiting(p);
        return true;
    }

    /**
     * Grow a publisher's outbound array, up to {@link #MAX_OUT_LENGTH}, so it holds {@code length} bytes.
     *
     * @return false when it cannot.
     */
    private boolean ensureOutCapacity(final int p, final int length)
    {
        final byte[] out = outArrays[p];
        if (length <= out.length)
        {
            return true;
        }
        if (length > MAX_OUT_LENGTH)
        {
            return false;
        }
        final byte[] larger = new byte[Math.min(MAX_OUT_LENGTH, Math.max(length, out.length * 2))];
        System.arraycopy(out, 0, larger, 0, outLengths[p]);
        outArrays[p] = larger;
        outViews[p] = ByteBuffer.wrap(larger);
        return true;
    }

    private void markWaiting(final int p)
    {
        if (!isWaiting[p])
        {
            isWaiting[p] = true;
            waiting[waitingCount++] = p;
        }
    }

    private void sendProbes(final int round)
    {
        final boolean[] isRoomProbed = new boolean[sentByRoom.length];
        for (int p = 0; p < publishers.length; p++)
        {
            final WsClient publisher = publishers[p];
            if (publisher.isOpen() && !isRoomProbed[publisher.room])
            {
                isRoomProbed[publisher.room] = true;
                final byte[] payload =
                    new byte[messagePrefix.length + PROBE.length + digits(round) + 1 + messageSuffix.length];
                int at = put(payload, 0, messagePrefix);
                at = put(payload, at, PROBE);
                at = putLong(payload, at, round);
                payload[at++] = '}';
                put(payload, at, messageSuffix);
                appendControl(p, Frames.OPCODE_TEXT, payload);
            }
        }
    }

    private void drainControls()
    {
        ControlFrame control;
        while (null != (control = controls.poll()))
        {
            if (control.client.isOpen())
            {
                appendControl(control.client.publisher, control.opcode, control.payload);
            }
        }
    }

    private void appendControl(final int p, final int opcode, final byte[] payload)
    {
        final int at = outLengths[p];
        if (!ensureOutCapacity(p, at + Frames.MAX_HEADER_LENGTH + payload.length))
        {
            return;
        }
        final byte[] out = outArrays[p];
        final int mask = nextMask();
        final int start = Frames.putHeader(out, at, opcode, payload.length, mask);
        System.arraycopy(payload, 0, out, start, payload.length);
        Frames.mask(out, start, payload.length, mask);
        outLengths[p] = start + payload.length;
        markWaiting(p);
    }

    /**
     * Write what waits on the publishers that have bytes waiting, without blocking.
     *
     * @return true when some bytes are still waiting.
     */
    private boolean writeAll()
    {
        int j = 0;
        while (j < waitingCount)
        {
            final int p = waiting[j];
            if (write(p))
            {
                j++;
            }
            else
            {
                isWaiting[p] = false;
                waiting[j] = waiting[--waitingCount];
            }
        }
        return waitingCount > 0;
    }

    /**
     * @return true when bytes are still waiting on the publisher.
     */
    private boolean write(final int p)
    {
        final int length = outLengths[p];
        if (length == 0)
        {
            return false;
        }
        final WsClient publisher = publishers[p];
        if (!publisher.isOpen())
        {
            outLengths[p] = 0;
            return false;
        }

        final ByteBuffer view = outViews[p];
        view.limit(length).position(0);
        try
        {
            publisher.channel.write(view);
        }
        catch (final IOException ex)
        {
            writeFailures++;
            outLengths[p] = 0;
            return false;
        }
        final int written = view.position();
        if (written < length)
        {
            System.arraycopy(outArrays[p], written, outArrays[p], 0, length - written);
        }
        outLengths[p] = length - written;
        return written < length;
    }

    private int nextMask()
    {
        long x = maskSeed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        maskSeed = x;
        return (int)x;
    }

    private static int put(final byte[] dst, final int offset, final byte[] src)
    {
        System.arraycopy(src, 0, dst, offset, src.length);
        return offset + src.length;
    }

    private static int putLong(final byte[] dst, final int offset, final long value)
    {
        long v = value;
        int at = offset;
        if (v < 0)
        {
            dst[at++] = '-';
            v = -v;
        }
        final int end = at + digits(v);
        for (int i = end - 1; i >= at; i--)
        {
            dst[i] = (byte)('0' + (v % 10));
            v /= 10;
        }
        return end;
    }

    /**
     * @return characters of the decimal form, sign included.
     */
    private static int digits(final long value)
    {
        if (value < 0)
        {
            return 1 + digits(-value);
        }
        int digits = 1;
        long v = value;
        while (v >= 10)
        {
            v /= 10;
            digits++;
        }
        return digits;
    }
}
