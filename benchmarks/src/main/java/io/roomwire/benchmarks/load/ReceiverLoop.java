package io.roomwire.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A selector thread of the load generator: connects its share of the clients (as fast as the controller allows),
 * completes their WebSocket handshakes (or sends their SSE requests and reads the response headers), reads every
 * connection, parses server frames in place in one shared read buffer, answers pings, and counts and times every
 * delivery.
 * <p>
 * A delivery is a text message whose {@code data} object starts with {@code "t":<intended nanoTime>} (then
 * {@code "p":<publisher>,"n":<counter>}): found without a JSON parse (<code>"data":&#123;</code> is looked for where
 * it was in the previous message, then by a Horspool search), it is counted for the step whose publishing started at
 * or before {@code t}, and when {@code t} falls in the step's
 * measured window {@code receivedNs - t} goes into an HdrHistogram in nanoseconds. Every message of one read shares
 * one clock read taken when the read returned. Counters and the histogram are per loop and per step; the controller
 * asks for a {@link Snapshot}, which the loop copies on its own thread.
 * <p>
 * By protocol: a WebSocket text frame is one message. A Socket.IO client answers the Engine.IO open packet
 * {@code 0{...}} with {@code 40}, is connected when {@code 40{...}} comes back, answers ping {@code 2} with {@code 3},
 * and takes {@code 42[...]} events as messages. An SSE subscriber's body goes through its {@link SseDecoder}: the
 * first {@code data:} line of each event is one message; an event without one (a {@code : keep-alive} comment, a
 * {@code retry:}) or without <code>"data":&#123;</code> counts as {@code other}.
 * <p>
 * Nothing is allocated per message or per read once buffers have grown to the largest frame seen (a server that
 * splits frames across reads costs one copy of the cut bytes per read; an SSE event cut by a read is copied once).
 * <p>
 * Not thread safe: everything runs on the loop's thread, except the methods documented as callable by the controller.
 */
final class ReceiverLoop implements Runnable, SseDecoder.EventHandler
{
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);

    private static final int READ_BUFFER_LENGTH = 256 * 1024;
    private static final int MAX_FRAME_LENGTH = 16 * 1024 * 1024;
    private static final int MAX_HANDSHAKE_LENGTH = 16 * 1024;
    private static final int READS_PER_EVENT = 4;
    private static final long SELECT_TIMEOUT_MS = 50;

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;
    private static final int OPCODE_PONG = 0xA;

    private static final byte[] DATA = "\"data\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOCKET_IO_CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONG_VIEW =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long DATA_AS_LONG = (long)LONG_VIEW.get(DATA, 0);
    private static final int[] DATA_SHIFT = new int[256];

    static
    {
        Arrays.fill(DATA_SHIFT, DATA.length);
        for (int i = 0; i < DATA.length - 1; i++)
        {
            DATA_SHIFT[DATA[i] & 0xFF] = DATA.length - 1 - i;
        }
    }

    /**
     * What a loop counted in the current step: kept by the loop on its thread, and copied there when the controller
     * asks.
     */
    static final class Snapshot
    {
        int stepIndex = -1;
        long delivered;
        long windowDelivered;
        long windowBytes;
        long windowReads;
        long late;
        long other;
        long noData;
        long gaps;
        long reorders;
        long closedInStep;
        final Histogram histogram = new Histogram(1, HIGHEST_TRACKABLE_NS, 3);

        /**
         * Clear every count, for a total the controller sums loops into.
         */
        void reset()
        {
            delivered = 0;
            windowDelivered = 0;
            windowBytes = 0;
            windowReads = 0;
            late = 0;
            other = 0;
            noData = 0;
            gaps = 0;
            reorders = 0;
            closedInStep = 0;
            histogram.reset();
        }

        /**
         * Add another loop's counts and latencies to these.
         *
         * @param loop snapshot of a loop.
         */
        void add(final Snapshot loop)
        {
            delivered += loop.delivered;
            windowDelivered += loop.windowDelivered;
            windowBytes += loop.windowBytes;
            windowReads += loop.windowReads;
            late += loop.late;
            other += loop.other;
            noData += loop.noData;
            gaps += loop.gaps;
            reorders += loop.reorders;
            closedInStep += loop.closedInStep;
            histogram.add(loop.histogram);
        }
    }

    private final int id;
    private final WsClient[] clients;
    private final InetSocketAddress address;
    private final Pacer pacer;
    private final boolean isSpinning;
    private final int rtPriority;
    private final Selector selector;
    private final Consumer<SelectionKey> onKey = this::onKey;
    /** This step's counts and latencies, as the loop keeps them. */
    private final Snapshot counts = new Snapshot();
    /** The copy handed to the controller. */
    private final Snapshot snapshot = new Snapshot();
    private final Map<String, Integer> closeReasons = new TreeMap<>();

    private byte[] readArray = new byte[READ_BUFFER_LENGTH];
    private ByteBuffer readBuffer = ByteBuffer.wrap(readArray);
    private int opened;
    private int parseEnd;
    private int dataOffsetGuess;
    private long busyNs;
    private Step currentStep;
    private WsClient sseClient;
    private long sseNowNs;
    private Thread thread;

    private volatile boolean isRunning = true;
    private volatile RealtimePriority.Raised raised = RealtimePriority.Raised.NOT_STARTED;
    private volatile int connectLimit;
    private volatile Step step;
    private volatile boolean isSnapshotRequested;
    private volatile int snapshotSequence;
    private volatile long busyNsTotal;
    private volatile int upgradedCount;
    private volatile int failedCount;
    private volatile int closedCount;
    private volatile int probedCount;
    private volatile String firstFailure;

    /**
     * @param id      of the loop, for its thread's name.
     * @param clients its share of the clients.
     * @param address of the server.
     * @param pacer   that writes publishers' frames.
     * @param isSpinning poll the selector without blocking (burns the loop's core; spares the server the cost of
     *                   waking the loop's thread on every write).
     * @param rtPriority {@code SCHED_FIFO} priority the thread takes when it starts; 0 for none.
     * @throws IOException when no selector can be opened.
     */
    ReceiverLoop(
        final int id,
        final WsClient[] clients,
        final InetSocketAddress address,
        final Pacer pacer,
        final boolean isSpinning,
        final int rtPriority)
        throws IOException
    {
        this.rtPriority = rtPriority;
        this.isSpinning = isSpinning;
        this.id = id;
        this.clients = clients;
        this.address = address;
        this.pacer = pacer;
        this.selector = Selector.open();
    }

    // ------------------------------------------------------------------ controller side (any thread)

    /**
     * Start the loop's thread.
     *
     * @return the thread.
     */
    Thread start()
    {
        thread = new Thread(this, "load-selector-" + id);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    Thread thread()
    {
        return thread;
    }

    /**
     * Allow the first {@code limit} of this loop's clients to connect.
     */
    void connectLimit(final int limit)
    {
        connectLimit = limit;
        selector.wakeup();
    }

    /**
     * Count deliveries for a new step from now on (the counters and histogram are reset).
     */
    void step(final Step step)
    {
        this.step = step;
        selector.wakeup();
    }

    /**
     * Have the loop copy its counters, and wait for it.
     *
     * @return the copy, valid until the next call.
     */
    Snapshot snapshot()
    {
        final int sequence = snapshotSequence;
        isSnapshotRequested = true;
        selector.wakeup();
        while (snapshotSequence == sequence && thread.isAlive())
        {
            LockSupport.parkNanos(100_000);
        }
        return snapshot;
    }

    /**
     * @return nanoseconds spent handling socket events (not waiting in the selector) since the loop started.
     */
    long busyNs()
    {
        return busyNsTotal;
    }

    int upgradedCount()
    {
        return upgradedCount;
    }

    int failedCount()
    {
        return failedCount;
    }

    int closedCount()
    {
        return closedCount;
    }

    int probedCount()
    {
        return probedCount;
    }

    String firstFailure()
    {
        return firstFailure;
    }

    /**
     * Callable by the controller.
     *
     * @return what became of the thread's real-time priority when it started, with its kernel id.
     */
    RealtimePriority.Raised raised()
    {
        return raised;
    }

    /**
     * @return close codes and reasons seen, with counts; read after {@link #stop()}.
     */
    Map<String, Integer> closeReasons()
    {
        return closeReasons;
    }

    /**
     * Stop the loop and close its connections; waits for the thread.
     */
    void stop() throws InterruptedException
    {
        stopAsync();
        thread.join(5_000);
    }

    /**
     * Stop the loop and close its connections, without waiting. Idempotent.
     */
    void stopAsync()
    {
        if (isRunning)
        {
            isRunning = false;
            selector.wakeup();
        }
    }

    // ------------------------------------------------------------------ loop thread

    public void run()
    {
        raised = RealtimePriority.raiseCurrentThread(rtPriority);
        try
        {
            while (isRunning)
            {
                final long startNs = System.nanoTime();
                openConnections();
                final Step latest = step;
                if (latest != currentStep)
                {
                    beginStep(latest);
                }
                if (isSnapshotRequested)
                {
                    takeSnapshot();
                }
                busyNs += System.nanoTime() - startNs;
                busyNsTotal = busyNs;

                if (isSpinning)
                {
                    selector.selectNow(onKey);
                }
                else
                {
                    selector.select(onKey, SELECT_TIMEOUT_MS);
                }
            }
        }
        catch (final IOException ex)
        {
            firstFailure = "selector: " + ex;
        }
        finally
        {
            for (final WsClient client : clients)
            {
                closeQuietly(client);
            }
            try
            {
                selector.close();
            }
            catch (final IOException ignore)
            {
                // exiting
            }
        }
    }

    private void beginStep(final Step latest)
    {
        currentStep = latest;
        counts.reset();
    }

    private void takeSnapshot()
    {
        isSnapshotRequested = false;
        final Snapshot s = snapshot;
        s.stepIndex = null == currentStep ? -1 : currentStep.index;
        s.reset();
        s.add(counts);
        snapshotSequence = snapshotSequence + 1;
    }

    private void openConnections()
    {
        final int limit = Math.min(connectLimit, clients.length);
        while (opened < limit)
        {
            final WsClient client = clients[opened++];
            try
            {
                final SocketChannel channel = SocketChannel.open();
                client.channel = channel;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                client.state(WsClient.CONNECTING);
                if (channel.connect(address))
                {
                    client.key = channel.register(selector, 0, client);
                    onConnected(client);
                }
                else
                {
                    client.key = channel.register(selector, SelectionKey.OP_CONNECT, client);
                }
            }
            catch (final IOException ex)
            {
                fail(client, "connect: " + ex);
            }
        }
    }

    private void onKey(final SelectionKey key)
    {
        final long startNs = System.nanoTime();
        final WsClient client = (WsClient)key.attachment();
        try
        {
            if (key.isValid() && key.isConnectable())
            {
                if (client.channel.finishConnect())
                {
                    onConnected(client);
                }
            }
            if (key.isValid() && key.isWritable())
            {
                writeControl(client);
            }
            if (key.isValid() && key.isReadable())
            {
                onReadable(client);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(client, ex.toString());
        }
        busyNs += System.nanoTime() - startNs;
    }

    private void onConnected(final WsClient client) throws IOException
    {
        client.state(WsClient.HANDSHAKE);
        client.controlOut = ByteBuffer.wrap(client.handshakeRequest);
        client.key.interestOps(SelectionKey.OP_READ);
        writeControl(client);
    }

    private void writeControl(final WsClient client) throws IOException
    {
        final ByteBuffer out = client.controlOut;
        if (null == out)
        {
            client.key.interestOps(SelectionKey.OP_READ);
            return;
        }
        client.channel.write(out);
        if (out.hasRemaining())
        {
            client.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        else
        {
            client.controlOut = null;
            client.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void onReadable(final WsClient client) throws IOException
    {
        int limit = 0;
        if (client.pendingLength > 0)
        {
            ensureReadCapacity(client.pendingLength + 1);
            System.arraycopy(client.pending, 0, readArray, 0, client.pendingLength);
            limit = client.pendingLength;
            client.pendingLength = 0;
        }

        for (int round = 0; round < READS_PER_EVENT; round++)
        {
            final ByteBuffer buffer = readBuffer;
            buffer.limit(buffer.capacity()).position(limit);
            final int space = buffer.remaining();
            final int read = client.channel.read(buffer);
            if (read < 0)
            {
                onEndOfStream(client);
                return;
            }
            if (read == 0)
            {
                break;
            }

            final long nowNs = System.nanoTime();
            final Step s = currentStep;
            if (null != s && nowNs >= s.measureStartNs && nowNs < s.publishEndNs)
            {
                counts.windowBytes += read;
                counts.windowReads++;
            }
            limit += read;
            final int consumed;
            if (null != client.sse)
            {
                consumed = client.state() == WsClient.HANDSHAKE ?
                    onSseHead(client, limit, nowNs) : onSseBody(client, 0, limit, nowNs);
            }
            else
            {
                consumed = client.state() == WsClient.HANDSHAKE ?
                    onHandshake(client, limit, nowNs) : parseFrames(client, readArray, 0, limit, nowNs);
            }
            if (consumed < 0)
            {
                return;
            }
            final int left = limit - consumed;
            if (left > 0 && consumed > 0)
            {
                System.arraycopy(readArray, consumed, readArray, 0, left);
            }
            limit = left;
            if (limit == readArray.length)
            {
                if (limit >= MAX_FRAME_LENGTH + 16)
                {
                    fail(client, "frame longer than " + MAX_FRAME_LENGTH);
                    return;
                }
                ensureReadCapacity(limit * 2);
            }
            else if (read < space)
            {
                break;
            }
        }

        if (limit > 0)
        {
            client.keepPending(readArray, 0, limit);
        }
    }

    private void ensureReadCapacity(final int length)
    {
        if (readArray.length < length)
        {
            final byte[] larger = new byte[Math.max(length, readArray.length * 2)];
            System.arraycopy(readArray, 0, larger, 0, readArray.length);
            readArray = larger;
            readBuffer = ByteBuffer.wrap(larger);
        }
    }

    /**
     * @return the offset after the blank line ending an HTTP response head in {@code readArray[0..limit)}, or -1.
     */
    private int headEnd(final int limit)
    {
        final byte[] b = readArray;
        for (int i = 3; i < limit; i++)
        {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r')
            {
                return i + 1;
            }
        }
        return -1;
    }

    private int onHandshake(final WsClient client, final int limit, final long nowNs)
    {
        final byte[] b = readArray;
        final int end = headEnd(limit);
        if (end < 0)
        {
            if (limit > MAX_HANDSHAKE_LENGTH)
            {
                fail(client, "handshake answer longer than " + MAX_HANDSHAKE_LENGTH);
                return -1;
            }
            return 0;
        }

        final String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
        final String statusLine = head.substring(0, head.indexOf('\r'));
        if (!statusLine.startsWith("HTTP/1.1 101"))
        {
            fail(client, "handshake refused: " + statusLine);
            return -1;
        }
        String accept = null;
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept"))
            {
                accept = line.substring(colon + 1).trim();
            }
        }
        if (!client.expectedAccept.equals(accept))
        {
            fail(client, "handshake: wrong Sec-WebSocket-Accept " + accept);
            return -1;
        }

        if (client.protocol == Protocol.SOCKETIO)
        {
            client.state(WsClient.UPGRADED);
        }
        else
        {
            client.state(WsClient.OPEN);
            upgradedCount = upgradedCount + 1;
        }
        return parseFrames(client, b, end, limit, nowNs);
    }

    /**
     * Read an SSE response's head: 200 opens the stream (chunked or not), any other status fails the client.
     */
    private int onSseHead(final WsClient client, final int limit, final long nowNs)
    {
        final int end = headEnd(limit);
        if (end < 0)
        {
            if (limit > MAX_HANDSHAKE_LENGTH)
            {
                fail(client, "SSE response head longer than " + MAX_HANDSHAKE_LENGTH);
                return -1;
            }
            return 0;
        }

        final String head = new String(readArray, 0, end, StandardCharsets.ISO_8859_1);
        final String statusLine = head.substring(0, head.indexOf('\r'));
        if (!statusLine.startsWith("HTTP/1.1 200") && !statusLine.startsWith("HTTP/1.0 200"))
        {
            fail(client, "SSE refused: " + statusLine);
            return -1;
        }
        boolean isChunked = false;
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Transfer-Encoding") &&
                line.substring(colon + 1).toLowerCase(java.util.Locale.ROOT).contains("chunked"))
            {
                isChunked = true;
            }
        }

        client.sse.reset(isChunked);
        client.state(WsClient.OPEN);
        upgradedCount = upgradedCount + 1;
        return onSseBody(client, end, limit, nowNs);
    }

    /**
     * Decode SSE body bytes in {@code readArray[from..limit)}: the decoder keeps what it needs of a cut event.
     *
     * @return {@code limit}, or -1 when the stream ended or cannot be decoded.
     */
    private int onSseBody(final WsClient client, final int from, final int limit, final long nowNs)
    {
        sseClient = client;
        sseNowNs = nowNs;
        final boolean isDecoded = client.sse.decode(readArray, from, limit, this);
        sseClient = null;
        if (!isDecoded)
        {
            fail(client, "SSE body: " + client.sse.failure());
            return -1;
        }
        if (client.sse.isEnded())
        {
            onClosed(client, "SSE stream ended");
            return -1;
        }
        return limit;
    }

    /**
     * An SSE event of the client being decoded.
     */
    public void onEvent(final byte[] buffer, final int dataOffset, final int dataLength)
    {
        if (dataLength < 0)
        {
            counts.other++;
            return;
        }
        onText(sseClient, buffer, dataOffset, dataLength, sseNowNs, true);
    }

    /**
     * Parse the complete server frames in {@code b[position..limit)}.
     *
     * @return where the first incomplete frame starts, or -1 when the connection was closed.
     */
    private int parseFrames(
        final WsClient client, final byte[] b, final int position, final int limit, final long nowNs)
    {
        int pos = position;
        while (limit - pos >= 2)
        {
            final int b0 = b[pos] & 0xFF;
            final int b1 = b[pos + 1] & 0xFF;
            int headerLength = 2;
            long payloadLength = b1 & 0x7F;
            if (payloadLength == 126)
            {
                if (limit - pos < 4)
                {
                    break;
                }
                payloadLength = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
                headerLength = 4;
            }
            else if (payloadLength == 127)
            {
                if (limit - pos < 10)
                {
                    break;
                }
                payloadLength = 0;
                for (int i = 2; i < 10; i++)
                {
                    payloadLength = (payloadLength << 8) | (b[pos + i] & 0xFF);
                }
                headerLength = 10;
            }
            if ((b1 & 0x80) != 0)
            {
                fail(client, "masked frame from the server");
                return -1;
            }
            if (payloadLength < 0 || payloadLength > MAX_FRAME_LENGTH)
            {
                fail(client, "frame of " + payloadLength + " bytes");
                return -1;
            }
            if (limit - pos < headerLength + payloadLength)
            {
                break;
            }

            final int offset = pos + headerLength;
            final int length = (int)payloadLength;
            onFrame(client, b0, b, offset, length, nowNs);
            if (client.state() == WsClient.CLOSED)
            {
                return -1;
            }
            pos = offset + length;
        }

        return pos;
    }

    private void onFrame(
        final WsClient client, final int b0, final byte[] b, final int offset, final int length, final long nowNs)
    {
        final boolean isFinal = (b0 & 0x80) != 0;
        final int opcode = b0 & 0x0F;
        switch (opcode)
        {
            case OPCODE_TEXT:
            case OPCODE_BINARY:
                if (client.fragmentOpcode != -1)
                {
                    fail(client, "new message inside a fragmented one");
                }
                else if (isFinal)
                {
                    onMessage(client, opcode, b, offset, length, nowNs);
                }
                else
                {
                    client.fragmentOpcode = opcode;
                    client.fragmentLength = 0;
                    client.appendFragment(b, offset, length);
                }
                break;

            case OPCODE_CONTINUATION:
                if (client.fragmentOpcode == -1)
                {
                    fail(client, "continuation without a message");
                    break;
                }
                if (client.fragmentLength + length > MAX_FRAME_LENGTH)
                {
                    fail(client, "fragmented message longer than " + MAX_FRAME_LENGTH);
                    break;
                }
                client.appendFragment(b, offset, length);
                if (isFinal)
                {
                    final int messageOpcode = client.fragmentOpcode;
                    client.fragmentOpcode = -1;
                    onMessage(client, messageOpcode, client.fragments, 0, client.fragmentLength, nowNs);
                }
                break;

            case OPCODE_PING:
                sendControl(client, OPCODE_PONG, b, offset, length);
                break;

            case OPCODE_PONG:
                break;

            case OPCODE_CLOSE:
                final int code = length >= 2 ? ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF) : 1005;
                final String reason = length > 2 ? new String(b, offset + 2, length - 2, StandardCharsets.UTF_8) : "";
                sendControl(client, OPCODE_CLOSE, b, offset, Math.min(length, 2));
                onClosed(client, "close " + code + (reason.isEmpty() ? "" : " " + reason));
                break;

            default:
                fail(client, "unknown opcode " + opcode);
        }
    }

    private void onMessage(
        final WsClient client, final int opcode, final byte[] b, final int offset, final int length, final long nowNs)
    {
        if (opcode != OPCODE_TEXT)
        {
            counts.other++;
            return;
        }
        if (client.protocol == Protocol.SOCKETIO)
        {
            onSocketIoPacket(client, b, offset, length, nowNs);
            return;
        }
        onText(client, b, offset, length, nowNs, false);
    }

    /**
     * An Engine.IO packet: {@code 0} open, {@code 2} ping, {@code 1} close, or {@code 4} a Socket.IO packet:
     * {@code 40} connected, {@code 41} disconnected, {@code 44} connect error, {@code 42} an event.
     */
    private void onSocketIoPacket(
        final WsClient client, final byte[] b, final int offset, final int length, final long nowNs)
    {
        if (length == 0)
        {
            counts.other++;
            return;
        }
        final byte type = b[offset];
        final byte subType = length > 1 ? b[offset + 1] : 0;
        if (type == '4' && subType == '2')
        {
            onText(client, b, offset, length, nowNs, false);
        }
        else if (type == '4' && subType == '0')
        {
            if (client.state() == WsClient.UPGRADED)
            {
                client.state(WsClient.OPEN);
                upgradedCount = upgradedCount + 1;
            }
        }
        else if (type == '0')
        {
            if (client.state() == WsClient.UPGRADED)
            {
                sendControl(client, OPCODE_TEXT, SOCKET_IO_CONNECT);
            }
        }
        else if (type == '2')
        {
            final byte[] pong = Arrays.copyOfRange(b, offset, offset + length);
            pong[0] = '3';
            sendControl(client, OPCODE_TEXT, pong);
        }
        else if (type == '3' || type == '6')
        {
            // pong, noop
        }
        else if (type == '1' || (type == '4' && subType == '1'))
        {
            onClosed(client, type == '1' ? "engine.io close" : "socket.io disconnect");
        }
        else if (type == '4' && subType == '4')
        {
            fail(client, "socket.io connect error: " +
                new String(b, offset, Math.min(length, 200), StandardCharsets.UTF_8));
        }
        else
        {
            counts.other++;
        }
    }

    /**
     * A message: a delivery when its <code>"data":&#123;</code> starts with {@code "t":}, a probe when with
     * {@code "probe":}, else other.
     *
     * @param isNoDataOther count a message without <code>"data":&#123;</code> as other (SSE), not as no-data.
     */
    private void onText(
        final WsClient client,
        final byte[] b,
        final int offset,
        final int length,
        final long nowNs,
        final boolean isNoDataOther)
    {
        final int end = offset + length;
        // Messages of a run share their envelope's layout: look where "data":{ was in the last message first.
        int data = offset + dataOffsetGuess;
        if (data + DATA.length > end || (long)LONG_VIEW.get(b, data) != DATA_AS_LONG)
        {
            data = indexOfData(b, offset, end);
            if (data < 0)
            {
                if (isNoDataOther)
                {
                    counts.other++;
                }
                else
                {
                    counts.noData++;
                }
                return;
            }
            dataOffsetGuess = data - offset;
        }

        int i = data + DATA.length;
        if (i + 4 > end || b[i] != '"')
        {
            counts.other++;
            return;
        }
        if (b[i + 1] == 't' && b[i + 2] == '"' && b[i + 3] == ':')
        {
            final long t = parseLong(b, i + 4, end);
            if (parseEnd < 0)
            {
                counts.other++;
                return;
            }
            onDelivery(client, b, parseEnd, end, t, nowNs);
        }
        else if (b[i + 1] == 'p' && b[i + 2] == 'r')
        {
            if (!client.hasSeenProbe)
            {
                client.hasSeenProbe = true;
                probedCount = probedCount + 1;
            }
            counts.other++;
        }
        else
        {
            counts.other++;
        }
    }

    private void onDelivery(
        final WsClient client, final byte[] b, final int position, final int end, final long t, final long nowNs)
    {
        final Step s = currentStep;
        if (null == s || t < s.publishStartNs)
        {
            counts.late++;     // not counted for this step, but still in sequence: a late message is no gap
        }
        else
        {
            counts.delivered++;
            if (nowNs >= s.measureStartNs && nowNs < s.publishEndNs)
            {
                counts.windowDelivered++;
            }
            if (t >= s.measureStartNs && t < s.publishEndNs)
            {
                counts.histogram.recordValue(Math.min(Math.max(nowNs - t, 1), HIGHEST_TRACKABLE_NS));
            }
        }

        // ,"p":<publisher>,"n":<counter>
        int i = position;
        if (i + 5 < end && b[i] == ',' && b[i + 1] == '"' && b[i + 2] == 'p' && b[i + 3] == '"' && b[i + 4] == ':')
        {
            final long publisher = parseLong(b, i + 5, end);
            i = parseEnd;
            if (i > 0 && i + 5 < end && b[i] == ',' && b[i + 1] == '"' && b[i + 2] == 'n' && b[i + 3] == '"' &&
                b[i + 4] == ':')
            {
                final long counter = parseLong(b, i + 5, end);
                final long[] next = client.nextCounterByRank;
                final long rank = publisher / client.rooms;
                if (parseEnd > 0 && publisher >= 0 && publisher % client.rooms == client.room && rank < next.length)
                {
                    final int p = (int)rank;
                    final long expected = next[p];
                    if (expected >= 0 && counter != expected)
                    {
                        if (counter > expected)
                        {
                            counts.gaps += counter - expected;
                        }
                        else
                        {
                            counts.reorders++;
                        }
                    }
                    if (counter >= expected)
                    {
                        next[p] = counter + 1;
                    }
                }
            }
        }
    }

    /**
     * @return the index of <code>"data":&#123;</code> in {@code b[offset..end)}, or -1.
     */
    static int indexOfData(final byte[] b, final int offset, final int end)
    {
        final byte[] pattern = DATA;
        final int last = end - pattern.length;
        int i = offset;
        while (i <= last)
        {
            final byte tail = b[i + 7];
            if (tail == '{' && b[i] == '"' && b[i + 1] == 'd' && b[i + 2] == 'a' && b[i + 3] == 't' &&
                b[i + 4] == 'a' && b[i + 5] == '"' && b[i + 6] == ':')
            {
                return i;
            }
            i += DATA_SHIFT[tail & 0xFF];
        }
        return -1;
    }

    private long parseLong(final byte[] b, final int offset, final int end)
    {
        int i = offset;
        boolean isNegative = false;
        if (i < end && b[i] == '-')
        {
            isNegative = true;
            i++;
        }
        final int start = i;
        long value = 0;
        while (i < end)
        {
            final int digit = b[i] - '0';
            if (digit < 0 || digit > 9)
            {
                break;
            }
            value = value * 10 + digit;
            i++;
        }
        parseEnd = i == start ? -1 : i;
        return isNegative ? -value : value;
    }

    private void sendControl(
        final WsClient client, final int opcode, final byte[] b, final int offset, final int length)
    {
        sendControl(client, opcode, Arrays.copyOfRange(b, offset, offset + length));
    }

    /**
     * Send a frame the loop answers with (a pong, a close reply, Socket.IO's {@code 40} and {@code 3}): a publisher
     * that is open is written only by the pacer, so it gets the frame to write.
     */
    private void sendControl(final WsClient client, final int opcode, final byte[] payload)
    {
        if (client.isPublisher() && client.isOpen())
        {
            pacer.enqueueControl(client, opcode, payload);
            return;
        }

        final int length = payload.length;
        final int waiting = null == client.controlOut ? 0 : client.controlOut.remaining();
        final ByteBuffer frame = ByteBuffer.allocate(Frames.headerLength(length) + length + waiting);
        if (null != client.controlOut)
        {
            frame.put(client.controlOut);
        }
        Frames.putMaskedFrame(frame, opcode, payload, ThreadLocalRandom.current().nextInt());
        frame.flip();
        client.controlOut = frame;
        try
        {
            writeControl(client);
        }
        catch (final IOException ex)
        {
            fail(client, "writing a control frame: " + ex);
        }
    }

    private void onEndOfStream(final WsClient client)
    {
        onClosed(client, "end of stream");
    }

    private void onClosed(final WsClient client, final String reason)
    {
        if (client.state() == WsClient.CLOSED)
        {
            return;
        }
        final boolean wasOpen = client.state() == WsClient.OPEN;
        // the reason first: the controller reads it once it sees the state closed (a volatile write)
        if (wasOpen)
        {
            client.closeReason = reason;
        }
        else
        {
            client.failure = reason;
        }
        closeQuietly(client);
        closeReasons.merge(reason, 1, Integer::sum);
        if (wasOpen)
        {
            closedCount = closedCount + 1;
            counts.closedInStep++;
        }
        else
        {
            failedCount = failedCount + 1;
            if (null == firstFailure)
            {
                firstFailure = reason;
            }
        }
    }

    private void fail(final WsClient client, final String reason)
    {
        onClosed(client, reason);
    }

    private static void closeQuietly(final WsClient client)
    {
        final int state = client.state();
        client.state(WsClient.CLOSED);
        if (state != WsClient.CLOSED && null != client.channel)
        {
            try
            {
                client.channel.close();
            }
            catch (final IOException ignore)
            {
                // closing either way
            }
        }
    }
}
