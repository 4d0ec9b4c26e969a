package io.roomwire.undertow;

import io.roomwire.engine.Gateway;
import io.roomwire.engine.RoomRecords;
import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.JsonError;
import io.roomwire.protocol.codec.ConnectDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.undertow.server.ServerConnection;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.CloseableChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket connection carrying one engine session, in the JSON form ({@code roomwire.json}, also the seed form on
 * {@code /ws/{room}}) or the binary form ({@code roomwire.sbe}).
 * <p>
 * Inbound frames are read into the I/O thread's shared read buffer and parsed in place; only the bytes of a frame cut
 * by the end of a read are kept, per connection, until the rest arrives. Outbound, each record's JSON (or binary) form
 * is copied from the room's log with its frame header into the endpoint's outbound bytes; when those are more
 * than the limit, delivery waits in the log (the engine cuts the session loose if it falls behind its budget, and the
 * connection is closed with {@code 4040 lagging}). The bytes are written to the NIO socket under the connection
 * directly when {@link RawSocket} finds it, through the connection's sink otherwise.
 * <p>
 * Not thread safe: owned by the connection's I/O thread. Once the endpoint is closed, the connection's close may run
 * on a worker thread (see {@link #closeConnection()}); its listener call then only reads {@code isClosed}, written
 * before the close was handed over.
 */
final class WebSocketEndpoint extends Endpoint implements ChannelListener<CloseableChannel>
{
    private static final long FORCE_CLOSE_AFTER_NS = 5_000_000_000L;
    /** The unit of {@link #firstPingEarly}: 65,536ths of the ping interval. */
    private static final int PING_INTERVAL_FRACTIONS = 1 << 16;

    private final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final SocketChannel socket;
    private final boolean isBinary;
    private final byte[] defaultRoom;
    private final String remoteAddress;

    private ByteBuffer pendingIn;
    private ExpandableArrayBuffer fragments;
    /** Opcode of the fragmented message being reassembled, or -1 (a byte: opcodes are four bits). */
    private byte fragmentOpcode = -1;
    private int fragmentLength;
    private long lastInboundNs;
    private long lastPingNs;
    /**
     * How much earlier than a whole quiet interval the first ping is due, in 65,536ths of the interval; 0 once it was
     * sent. A char, not a time: with the byte-sized fields it keeps the endpoint at 112 bytes.
     */
    private char firstPingEarly;
    private long frameTat = Long.MIN_VALUE + 1;
    private boolean isCloseSent;
    private boolean isCloseReceived;
    /** Our close frame is written and the output shut: waiting for the peer's close frame or end of stream. */
    private boolean isOutputShut;
    private boolean isHttpStateHeld;

    WebSocketEndpoint(
        final IoLoop loop,
        final StreamConnection connection,
        final boolean isBinary,
        final byte[] defaultRoom,
        final String remoteAddress)
    {
        super(loop);
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
        this.socket = RawSocket.of(sink);
        this.isBinary = isBinary;
        this.defaultRoom = defaultRoom;
        this.remoteAddress = remoteAddress;
        final long nowNs = System.nanoTime();
        this.lastInboundNs = nowNs;
        this.lastPingNs = nowNs;
        // the first ping of a quiet connection comes up to half an interval early, at random, so connections opened
        // together (a reconnect wave after a restart) are not pinged, and do not answer, in the same tick every interval
        this.firstPingEarly = (char)earlyBy(PING_INTERVAL_FRACTIONS);
    }

    String transport()
    {
        return "websocket";
    }

    /**
     * Start reading, with an open engine session.
     *
     * @param sessionId of the session opened for this connection.
     */
    void open(final long sessionId)
    {
        this.sessionId = sessionId;
        this.isSessionOpen = true;
        loop.register(this);
        listen();
    }

    /**
     * Complete the handshake only to refuse: send a close frame and close.
     *
     * @param code   error.
     */
    void refuse(final ErrorCode code)
    {
        listen();
        closeWith(ErrorCodes.closeCode(code), ErrorCodes.jsonName(code));
        flush();
    }

    /**
     * Take the connection over from Undertow's HTTP layer (see {@link UpgradeRelease}): this endpoint becomes its close
     * listener. Call once, before {@link #open(long)} or {@link #refuse(ErrorCode)}.
     *
     * @param http Undertow's connection of the upgrade.
     */
    void takeOver(final ServerConnection http)
    {
        isHttpStateHeld = !UpgradeRelease.takeOver(http, connection, this);
        if (isHttpStateHeld)
        {
            loop.server.metrics().httpStateHeld(1);
        }
    }

    /**
     * The connection's one listener (one object rather than three per connection): readable, writable or closed.
     *
     * @param channel the source, the sink or the connection.
     */
    public void handleEvent(final CloseableChannel channel)
    {
        if (isClosed)
        {
            // the close is under way off this thread (see closeConnection()), or done: nothing more to read or write
            return;
        }
        if (channel == source)
        {
            onReadable();
        }
        else if (channel == sink)
        {
            onWritable();
        }
        else
        {
            onConnectionClosed();
        }
    }

    private void listen()
    {
        source.setReadListener(this);
        sink.setWriteListener(this);
        source.resumeReads();
    }

    // ------------------------------------------------------------------ inbound

    private void onReadable()
    {
        final ByteBuffer buffer = loop.readBuffer;
        buffer.clear();
        if (null != pendingIn)
        {
            buffer.put(pendingIn);
            pendingIn = null;
        }

        try
        {
            while (true)
            {
                final int space = buffer.remaining();
                final int read = source.read(buffer);
                if (read < 0)
                {
                    closeNow();
                    return;
                }
                if (read > 0)
                {
                    loop.socketReads++;
                    loop.server.metrics().bytesIn(read);
                }

                buffer.flip();
                parseFrames(buffer);
                loop.afterInbound();
                if (isClosed)
                {
                    return;
                }
                buffer.compact();
                // A read that did not fill the buffer drained the socket: the selector is level-triggered, so bytes
                // that arrive later make it readable again, and the read that would return 0 is a system call saved.
                if (read < space)
                {
                    break;
                }
            }

            if (buffer.position() > 0)
            {
                buffer.flip();
                pendingIn = ByteBuffer.allocate(buffer.remaining());
                pendingIn.put(buffer).flip();
            }
        }
        catch (final IOException ex)
        {
            closeNow();
        }
    }

    private void parseFrames(final ByteBuffer buffer)
    {
        while (buffer.remaining() >= 2 && !isClosed)
        {
            final int start = buffer.position();
            final int b0 = buffer.get(start) & 0xFF;
            final int b1 = buffer.get(start + 1) & 0xFF;
            final boolean isFinal = (b0 & 0x80) != 0;
            final int opcode = b0 & 0x0F;
            final boolean isMasked = (b1 & 0x80) != 0;
            int headerLength = 2;
            long payloadLength = b1 & 0x7F;
            if (payloadLength == 126)
            {
                if (buffer.remaining() < 4)
                {
                    return;
                }
                payloadLength = buffer.getShort(start + 2) & 0xFFFF;
                headerLength = 4;
            }
            else if (payloadLength == 127)
            {
                if (buffer.remaining() < 10)
                {
                    return;
                }
                payloadLength = buffer.getLong(start + 2);
                headerLength = 10;
            }
            headerLength += 4;

            if ((b0 & 0x70) != 0 || !isMasked)
            {
                protocolError("frame reserved bits set or not masked");
                return;
            }
            if (opcode >= WebSocketFrames.OPCODE_CLOSE &&
                (!isFinal || payloadLength > WebSocketFrames.MAX_CONTROL_PAYLOAD || opcode > WebSocketFrames.OPCODE_PONG))
            {
                protocolError("invalid control frame");
                return;
            }
            if (payloadLength < 0 || payloadLength > loop.config.maxMessageLength())
            {
                tooLarge();
                return;
            }
            if (buffer.remaining() < headerLength + payloadLength)
            {
                return;
            }

            final int payloadOffset = start + headerLength;
            final int length = (int)payloadLength;
            final int mask = buffer.getInt(start + headerLength - 4);
            unmask(buffer, payloadOffset, length, mask);
            buffer.position(payloadOffset + length);
            lastInboundNs = System.nanoTime();
            onFrame(isFinal, opcode, buffer, payloadOffset, length);
        }
    }

    private static void unmask(final ByteBuffer buffer, final int offset, final int length, final int mask)
    {
        final byte[] key = { (byte)(mask >>> 24), (byte)(mask >>> 16), (byte)(mask >>> 8), (byte)mask };
        int i = 0;
        if (length >= 8)
        {
            final long mask64 = ((mask & 0xFFFF_FFFFL) << 32) | (mask & 0xFFFF_FFFFL);
            final java.nio.ByteOrder order = buffer.order();
            buffer.order(java.nio.ByteOrder.BIG_ENDIAN);
            for (; i + 8 <= length; i += 8)
            {
                buffer.putLong(offset + i, buffer.getLong(offset + i) ^ mask64);
            }
            buffer.order(order);
        }
        for (; i < length; i++)
        {
            buffer.put(offset + i, (byte)(buffer.get(offset + i) ^ key[i & 3]));
        }
    }

    private void onFrame(final boolean isFinal, final int opcode, final ByteBuffer buffer, final int offset, final int length)
    {
        switch (opcode)
        {
            case WebSocketFrames.OPCODE_TEXT:
            case WebSocketFrames.OPCODE_BINARY:
                if (fragmentOpcode != -1)
                {
                    protocolError("new message inside a fragmented one");
                }
                else if (isFinal)
                {
                    onMessage(opcode, loop.readView, offset, length);
                }
                else
                {
                    fragmentOpcode = (byte)opcode;
                    fragmentLength = 0;
                    appendFragment(buffer, offset, length);
                }
                break;

            case WebSocketFrames.OPCODE_CONTINUATION:
                if (fragmentOpcode == -1)
                {
                    protocolError("continuation without a message");
                }
                else if (appendFragment(buffer, offset, length) && isFinal)
                {
                    final int messageOpcode = fragmentOpcode;
                    fragmentOpcode = -1;
                    onMessage(messageOpcode, fragments, 0, fragmentLength);
                }
                break;

            case WebSocketFrames.OPCODE_CLOSE:
                isCloseReceived = true;
                if (isOutputShut)
                {
                    // the peer's answer to our close frame: both sent and received, the connection is done
                    closeNow();
                    break;
                }
                final int code = length >= 2 ? buffer.getShort(offset) & 0xFFFF : ErrorCodes.CLOSE_NORMAL;
                closeWith(code == 1005 || code == 1006 || code == 1015 ? ErrorCodes.CLOSE_NORMAL : code, "");
                break;

            case WebSocketFrames.OPCODE_PING:
                // Each ping costs a pong the client need not read: pings count against the frame rate like messages.
                if (isCloseSent || !isWithinFrameRate())
                {
                    break;
                }
                final ByteBuffer target = reserveOutbound(2 + length);
                WebSocketFrames.putHeader(target, WebSocketFrames.OPCODE_PONG, length);
                for (int i = 0; i < length; i++)
                {
                    target.put(buffer.get(offset + i));
                }
                markDirty();
                break;

            case WebSocketFrames.OPCODE_PONG:
                break;

            default:
                protocolError("unknown opcode");
        }
    }

    private boolean appendFragment(final ByteBuffer buffer, final int offset, final int length)
    {
        if (fragmentLength + length > loop.config.maxMessageLength())
        {
            tooLarge();
            return false;
        }
        if (null == fragments)
        {
            fragments = new ExpandableArrayBuffer(Math.max(1024, length));
        }
        fragments.putBytes(fragmentLength, buffer, offset, length);
        fragmentLength += length;
        return true;
    }

    private void onMessage(final int opcode, final DirectBuffer buffer, final int offset, final int length)
    {
        if (isCloseSent || !isSessionOpen)
        {
            return;
        }

        if (!isWithinFrameRate())
        {
            return;
        }

        if (opcode == WebSocketFrames.OPCODE_TEXT)
        {
            if (isBinary)
            {
                closeWith(ErrorCodes.CLOSE_UNSUPPORTED_DATA, "text frame on the binary subprotocol");
                return;
            }
            final int sbeLength = loop.jsonDecoder.decodeClientMessage(buffer, offset, length, loop.sbeBuffer, 0,
                defaultRoom);
            if (sbeLength < 0)
            {
                onJsonError(loop.jsonDecoder.error());
                return;
            }
            offer(loop.sbeBuffer, 0, sbeLength);
        }
        else
        {
            if (!isBinary)
            {
                closeWith(ErrorCodes.CLOSE_UNSUPPORTED_DATA, "binary frame on the JSON subprotocol");
                return;
            }
            final ErrorCode invalid = loop.binaryMessages.validate(buffer, offset, length);
            if (null != invalid)
            {
                sendError(invalid, null);
                return;
            }
            offer(buffer, offset, length);
        }
    }

    /**
     * Count an inbound frame against the connection's frame rate (a GCRA token bucket), closing the connection with
     * {@code rate_limited} when it is over.
     *
     * @return true when within the rate.
     */
    private boolean isWithinFrameRate()
    {
        final long nowNs = System.nanoTime();
        final long tat = Math.max(frameTat, nowNs);
        if (tat - nowNs > loop.frameToleranceNs)
        {
            loop.server.metrics().limitHit("frame_rate");
            closeWith(ErrorCodes.closeCode(ErrorCode.RATE_LIMITED), ErrorCodes.jsonName(ErrorCode.RATE_LIMITED));
            return false;
        }
        frameTat = tat + loop.frameIntervalNs;
        return true;
    }

    private void offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageHeaderDecoder headerDecoder = loop.headerDecoder.wrap(buffer, offset);
        if (headerDecoder.templateId() == ConnectDecoder.TEMPLATE_ID)
        {
            return;
        }

        final long result = loop.gateway.offer(sessionId, buffer, offset, length);
        if (result > 0)
        {
            onCommandAccepted(lastInboundNs);
        }
        else
        {
            final ErrorCode code = result == Gateway.BACK_PRESSURED ? ErrorCode.BACK_PRESSURED :
                (result == Gateway.MESSAGE_TOO_LARGE ? ErrorCode.MESSAGE_TOO_LARGE : ErrorCode.MALFORMED);
            sendError(code, loop.binaryMessages.correlationId(buffer, offset, length));
        }
    }

    private void onJsonError(final JsonError error)
    {
        final ErrorCode code = error.code();
        if (code == ErrorCode.INVALID_UTF8 || code == ErrorCode.MESSAGE_TOO_LARGE)
        {
            closeWith(ErrorCodes.closeCode(code), ErrorCodes.jsonName(code));
            return;
        }
        final int length = error.encode(loop.errorBuffer, 0);
        onControl(loop.errorBuffer, 0, length);
    }

    private void sendError(final ErrorCode code, final String correlationId)
    {
        final int length = BinaryMessages.encodeError(loop.errorBuffer, code, correlationId);
        onControl(loop.errorBuffer, 0, length);
    }

    private void protocolError(final String reason)
    {
        closeWith(ErrorCodes.CLOSE_PROTOCOL_ERROR, reason);
    }

    private void tooLarge()
    {
        loop.server.metrics().limitHit("message_length");
        closeWith(ErrorCodes.closeCode(ErrorCode.MESSAGE_TOO_LARGE), ErrorCodes.jsonName(ErrorCode.MESSAGE_TOO_LARGE));
    }

    // ------------------------------------------------------------------ outbound

    void onControl(final DirectBuffer buffer, final int offset, final int length)
    {
        if (isCloseSent)
        {
            return;
        }

        if (isBinary)
        {
            appendFrame(WebSocketFrames.OPCODE_BINARY, buffer, offset, length);
        }
        else
        {
            final int jsonLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            if (jsonLength > 0)
            {
                appendFrame(WebSocketFrames.OPCODE_TEXT, loop.jsonBuffer, 0, jsonLength);
            }
        }

        final int templateId = loop.headerDecoder.wrap(buffer, offset).templateId();
        if (templateId == LeftDecoder.TEMPLATE_ID)
        {
            final int reasonOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH + LeftDecoder.reasonEncodingOffset();
            if (buffer.getByte(reasonOffset) == LeaveReason.LAGGING.value())
            {
                loop.server.metrics().laggingClose();
                closeWith(ErrorCodes.closeCode(ErrorCode.LAGGING), ErrorCodes.jsonName(ErrorCode.LAGGING));
            }
        }
        else if (templateId == SessionClosedDecoder.TEMPLATE_ID)
        {
            endSession(null);
            final int codeOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH + SessionClosedDecoder.codeEncodingOffset();
            final ErrorCode code = ErrorCode.get(buffer.getShort(codeOffset) & 0xFFFF);
            closeWith(ErrorCodes.closeCode(code), ErrorCodes.jsonName(code));
        }
        else if (outboundPending() > 2 * loop.config.outboundLength())
        {
            loop.server.metrics().laggingClose();
            closeWith(ErrorCodes.closeCode(ErrorCode.LAGGING), ErrorCodes.jsonName(ErrorCode.LAGGING));
        }
    }

    boolean onRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        if (isCloseSent)
        {
            return true;
        }

        int formOffset = offset;
        int formLength = length;
        int opcode = WebSocketFrames.OPCODE_BINARY;
        DirectBuffer form = buffer;
        if (!isBinary)
        {
            opcode = WebSocketFrames.OPCODE_TEXT;
            formLength = RoomRecords.jsonLength(buffer, offset, length);
            formOffset = RoomRecords.jsonOffset(buffer, offset, length);
            if (formLength <= 0)
            {
                formLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
                formOffset = 0;
                form = loop.jsonBuffer;
            }
        }

        if (!hasOutboundRoomFor(WebSocketFrames.headerLength(formLength) + formLength))
        {
            return holdBack();
        }
        appendFrame(opcode, form, formOffset, formLength);
        return true;
    }

    private void appendFrame(final int opcode, final DirectBuffer src, final int offset, final int length)
    {
        final ByteBuffer target = reserveOutbound(WebSocketFrames.headerLength(length) + length);
        WebSocketFrames.putHeader(target, opcode, length);
        src.getBytes(offset, target, target.position(), length);
        target.position(target.position() + length);
        markDirty();
    }

    void flush()
    {
        if (isClosed)
        {
            return;
        }

        try
        {
            final int before = outboundPending();
            final boolean isDone = writeOutbound(sink, socket);
            loop.server.metrics().bytesOut(before - outboundPending());
            onDrained(before, outboundPending());
            if (!isDone)
            {
                sink.resumeWrites();
            }
            else if (isCloseSent)
            {
                finishClose();
            }
        }
        catch (final IOException ex)
        {
            closeNow();
        }
    }

    private void onWritable()
    {
        sink.suspendWrites();
        flush();
    }

    // ------------------------------------------------------------------ lifecycle

    void onTick(final long nowNs)
    {
        if (isCloseSent)
        {
            return;
        }

        if (nowNs - lastInboundNs > loop.config.idleTimeoutNs())
        {
            loop.server.metrics().limitHit("idle_timeout");
            closeWith(ErrorCodes.closeCode(ErrorCode.IDLE_TIMEOUT), ErrorCodes.jsonName(ErrorCode.IDLE_TIMEOUT));
            return;
        }
        final long pingIntervalNs = loop.config.pingIntervalNs();
        if (nowNs - Math.max(lastInboundNs, lastPingNs) >= pingIntervalNs - ((pingIntervalNs * firstPingEarly) >>> 16))
        {
            // only a quiet connection is pinged: a frame received is as good a sign of life as a pong
            lastPingNs = nowNs;
            firstPingEarly = 0;
            WebSocketFrames.putHeader(reserveOutbound(2), WebSocketFrames.OPCODE_PING, 0);
            markDirty();
        }
        keepSessionAlive(nowNs);
    }

    void shutdown()
    {
        closeWith(ErrorCodes.CLOSE_GOING_AWAY, ErrorCodes.jsonName(ErrorCode.SHUTTING_DOWN));
        flush();
    }

    void fail()
    {
        closeWith(ErrorCodes.closeCode(ErrorCode.INTERNAL_ERROR), ErrorCodes.jsonName(ErrorCode.INTERNAL_ERROR));
    }

    /**
     * Send a close frame, end the engine session, and close the connection once the frame is written.
     */
    void closeWith(final int code, final String reason)
    {
        if (isCloseSent || isClosed)
        {
            return;
        }
        isCloseSent = true;
        // The session ends here, and with it the tick, so a peer that never reads its close frame is dropped by a
        // timer of its own.
        loop.thread().executeAfter(this::forceClose, FORCE_CLOSE_AFTER_NS, TimeUnit.NANOSECONDS);
        endSession(code == ErrorCodes.closeCode(ErrorCode.LAGGING) ? LeaveReason.LAGGING : LeaveReason.DISCONNECTED);
        loop.server.metrics().closeCode(code);

        final byte[] payload = WebSocketFrames.closePayload(code, reason);
        final ByteBuffer target = reserveOutbound(2 + payload.length);
        WebSocketFrames.putHeader(target, WebSocketFrames.OPCODE_CLOSE, payload.length);
        target.put(payload);
        markDirty();
    }

    private void forceClose()
    {
        if (!isClosed)
        {
            closeNow();
        }
    }

    /**
     * Our close frame is written: shut the output, and close the connection once the peer has sent its close frame
     * too (RFC 6455, 5.5.1), or at its end of stream, or when the close's timer fires. Until then its frames are read
     * and dropped: closing a socket with unread bytes resets the connection, and a reset can reach the peer before it
     * has read our close frame, which it then never sees.
     */
    private void finishClose()
    {
        if (!isClosed && !isOutputShut)
        {
            isOutputShut = true;
            try
            {
                sink.shutdownWrites();
                sink.flush();
            }
            catch (final IOException ignore)
            {
                // the connection is being closed either way
            }
            if (isCloseReceived)
            {
                closeNow();
            }
        }
    }

    /**
     * The connection is done: end the session here, on the I/O thread, then close the socket
     * ({@link #closeConnection()}).
     */
    private void closeNow()
    {
        onConnectionClosed();
        closeConnection();
    }

    /**
     * Close the connection, after {@link #onConnectionClosed()}: from one of XNIO's worker threads when this endpoint
     * is the connection's only close listener, here otherwise.
     * <p>
     * XNIO closing a connection on its own I/O thread selects at once, so that the key is gone before the descriptor
     * closes, and the select hands over up to 1,024 ready keys. When thousands of peers leave together (a client
     * fleet's network drops, a load balancer restarts), every close paid for the thousands of sockets still waiting
     * to be read, all ready with their end of stream: 10,000 connections took the I/O thread about 9 s at 100%, and
     * the connections that stayed got nothing meanwhile. From another thread XNIO only cancels the key and wakes the
     * selector; NIO shuts the socket's output at once and closes the descriptor when the I/O thread next selects.
     * The close listener then runs on that worker thread and finds this endpoint closed. Undertow's listener, when it
     * is still held (see {@link UpgradeRelease}), expects the I/O thread, so such a connection closes here.
     */
    private void closeConnection()
    {
        if (isHttpStateHeld)
        {
            IoUtils.safeClose(connection);
            return;
        }

        final StreamConnection connection = this.connection;
        try
        {
            connection.getWorker().execute(() -> IoUtils.safeClose(connection));
        }
        catch (final RejectedExecutionException ex)
        {
            // the worker is shutting down: close here, as XNIO would
            IoUtils.safeClose(connection);
        }
    }

    private void onConnectionClosed()
    {
        if (!isClosed)
        {
            isClosed = true;
            endSession(LeaveReason.DISCONNECTED);
            releaseOutbound();
            pendingIn = null;
            fragments = null;
            loop.server.releaseConnection(remoteAddress);
            if (isHttpStateHeld)
            {
                loop.server.metrics().httpStateHeld(-1);
            }
        }
    }
}
