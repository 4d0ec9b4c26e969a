package io.roomwire.undertow;

import io.roomwire.engine.RoomRecords;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.PongDecoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.undertow.server.HttpServerExchange;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events stream of one room for one session. Room records become events whose {@code id} is
 * {@code epoch-seq} and whose {@code data} is the record's JSON form copied from the room's log; control messages
 * become events without an id, so the browser's {@code Last-Event-ID} always names the last record received. A
 * {@code lagging} leave, a closed session or a refused join ends the stream; the browser reconnects with
 * {@code Last-Event-ID}.
 * <p>
 * Not thread safe: owned by the request's I/O thread.
 */
final class SseEndpoint extends Endpoint
{
    private static final long FORCE_CLOSE_AFTER_NS = 5_000_000_000L;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerExchange exchange;
    private final String remoteAddress;
    private final ExpandableArrayBuffer prefix = new ExpandableArrayBuffer(128);
    private StreamSinkChannel sink;
    private long lastWriteNs;
    private long lastKeepAliveNs;
    private boolean isEnding;
    private boolean isJoined;

    SseEndpoint(final IoLoop loop, final HttpServerExchange exchange, final long sessionId, final String remoteAddress)
    {
        super(loop);
        this.exchange = exchange;
        this.sessionId = sessionId;
        this.isSessionOpen = true;
        this.remoteAddress = remoteAddress;
        final long nowNs = System.nanoTime();
        this.lastWriteNs = nowNs;
        // the first keep-alive comment comes up to half an interval early, at random, as a WebSocket's first ping
        this.lastKeepAliveNs = nowNs - earlyBy(loop.config.sseKeepAliveNs());
    }

    String transport()
    {
        return "sse";
    }

    /**
     * Open the stream: runs on the I/O thread once the exchange is dispatched.
     */
    void start()
    {
        loop.register(this);
        exchange.getConnection().addCloseListener((connection) -> onConnectionClosed());
        sink = exchange.getResponseChannel();
        sink.getWriteSetter().set((ChannelListener<StreamSinkChannel>)(channel) ->
        {
            channel.suspendWrites();
            flush();
        });
        appendOutbound(("retry: " + TimeUnit.NANOSECONDS.toMillis(loop.config.sseRetryNs()) + "\n\n")
            .getBytes(StandardCharsets.US_ASCII));
        markDirty();
        loop.schedule();
    }

    void onControl(final DirectBuffer buffer, final int offset, final int length)
    {
        if (isEnding)
        {
            return;
        }

        final int templateId = buffer.getShort(offset + 2) & 0xFFFF;
        if (templateId != PongDecoder.TEMPLATE_ID)
        {
            final int jsonLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            if (jsonLength > 0)
            {
                int p = prefix.putStringWithoutLengthAscii(0, "event: ");
                p += prefix.putStringWithoutLengthAscii(p, Requests.controlType(templateId));
                p = put(p, DATA);
                append(p, loop.jsonBuffer, 0, jsonLength);
            }
        }

        if (templateId == SessionClosedDecoder.TEMPLATE_ID)
        {
            endSession(null);
            end();
        }
        else if (templateId == LeftDecoder.TEMPLATE_ID &&
            buffer.getByte(offset + MessageHeaderDecoder.ENCODED_LENGTH + LeftDecoder.reasonEncodingOffset()) ==
            LeaveReason.LAGGING.value())
        {
            loop.server.metrics().laggingClose();
            end();
        }
        else if (templateId == JoinedDecoder.TEMPLATE_ID)
        {
            isJoined = true;
        }
        else if (templateId == ErrorDecoder.TEMPLATE_ID && !isJoined)
        {
            // The join of the stream's one room was refused: a stream without its room would only send keep-alives.
            end();
        }
    }

    boolean onRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        if (isEnding)
        {
            return true;
        }

        int jsonOffset = RoomRecords.jsonOffset(buffer, offset, length);
        int jsonLength = RoomRecords.jsonLength(buffer, offset, length);
        DirectBuffer json = buffer;
        if (jsonLength <= 0)
        {
            jsonLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            jsonOffset = 0;
            json = loop.jsonBuffer;
        }

        int p = put(0, EVENT);
        p += prefix.putStringWithoutLengthAscii(p, Requests.recordType(buffer, offset));
        p = put(p, ID);
        p += prefix.putLongAscii(p, buffer.getLong(offset + Requests.EPOCH_OFFSET));
        prefix.putByte(p++, (byte)'-');
        p += prefix.putLongAscii(p, buffer.getLong(offset + Requests.SEQ_OFFSET));
        p = put(p, DATA);

        if (!hasOutboundRoomFor(p + jsonLength + END.length))
        {
            return holdBack();
        }
        append(p, json, jsonOffset, jsonLength);
        return true;
    }

    private int put(final int position, final byte[] bytes)
    {
        prefix.putBytes(position, bytes);
        return position + bytes.length;
    }

    private void append(final int prefixLength, final DirectBuffer json, final int jsonOffset, final int jsonLength)
    {
        final int lineBreaks = lineBreaks(json, jsonOffset, jsonLength);
        final ByteBuffer target = reserveOutbound(
            prefixLength + jsonLength + lineBreaks * (DATA.length - 1) + END.length);
        prefix.getBytes(0, target, target.position(), prefixLength);
        target.position(target.position() + prefixLength);
        if (0 == lineBreaks)
        {
            json.getBytes(jsonOffset, target, target.position(), jsonLength);
            target.position(target.position() + jsonLength);
        }
        else
        {
            putDataLines(target, json, jsonOffset, jsonLength);
        }
        target.put(END);
        markDirty();
    }

    /**
     * A published payload keeps its publisher's bytes, whitespace included, and a line break would end the
     * {@code data:} line: count them so each starts a {@code data:} line of its own (the browser joins them with
     * {@code \n}, which is JSON whitespace too).
     */
    private static int lineBreaks(final DirectBuffer json, final int offset, final int length)
    {
        int count = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final byte b = json.getByte(i);
            if (b == '\n' || (b == '\r' && (i + 1 == end || json.getByte(i + 1) != '\n')))
            {
                count++;
            }
        }
        return count;
    }

    private static void putDataLines(final ByteBuffer target, final DirectBuffer json, final int offset, final int length)
    {
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final byte b = json.getByte(i);
            if (b == '\n' || (b == '\r' && (i + 1 == end || json.getByte(i + 1) != '\n')))
            {
                target.put(DATA);
            }
            else if (b != '\r')
            {
                target.put(b);
            }
        }
    }

    void flush()
    {
        if (isClosed || null == sink)
        {
            return;
        }

        try
        {
            final int before = outboundPending();
            final boolean isDone = writeOutbound(sink, null);
            loop.server.metrics().bytesOut(before - outboundPending());
            onDrained(before, outboundPending());
            if (before > 0)
            {
                lastWriteNs = System.nanoTime();
            }
            if (!isDone)
            {
                sink.resumeWrites();
            }
            else if (isEnding)
            {
                finish();
            }
        }
        catch (final IOException ex)
        {
            onConnectionClosed();
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    void onTick(final long nowNs)
    {
        if (isEnding)
        {
            return;
        }
        if (nowNs - lastKeepAliveNs >= loop.config.sseKeepAliveNs())
        {
            lastKeepAliveNs = nowNs;
            appendOutbound(KEEP_ALIVE);
            markDirty();
        }
        if (nowNs - lastWriteNs < loop.config.idleTimeoutNs())
        {
            keepSessionAlive(nowNs);
        }
    }

    void shutdown()
    {
        final byte[] event = ("event: system\ndata: {\"type\":\"system\",\"data\":{\"event\":\"closed\"," +
            "\"code\":\"shutting_down\",\"reason\":\"node is shutting down\"}}\n\n").getBytes(StandardCharsets.US_ASCII);
        if (!isEnding)
        {
            appendOutbound(event);
        }
        end();
        flush();
    }

    void fail()
    {
        end();
    }

    private void end()
    {
        if (!isEnding)
        {
            isEnding = true;
            // The session ends here, and with it the tick, so a client that never reads the rest is dropped by a
            // timer of its own.
            loop.thread().executeAfter(this::forceClose, FORCE_CLOSE_AFTER_NS, TimeUnit.NANOSECONDS);
            endSession(LeaveReason.DISCONNECTED);
            markDirty();
        }
    }

    private void forceClose()
    {
        if (!isClosed)
        {
            IoUtils.safeClose(exchange.getConnection());
            onConnectionClosed();
        }
    }

    private void finish()
    {
        try
        {
            sink.shutdownWrites();
            sink.flush();
        }
        catch (final IOException ignore)
        {
            // closing either way
        }
        IoUtils.safeClose(exchange.getConnection());
        onConnectionClosed();
    }

    private void onConnectionClosed()
    {
        if (!isClosed)
        {
            isClosed = true;
            endSession(LeaveReason.DISCONNECTED);
            releaseOutbound();
            loop.server.releaseConnection(remoteAddress);
        }
    }
}
