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
import io.undertow.util.Headers;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.LongArrayList;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A long-poll session of one room: an engine session that stays between polls, so the user's presence does not
 * flicker, and whose records wait in the room's log while no poll is held. A held poll is answered as soon as a
 * duty cycle produced something for it, or with an empty batch after the hold; the first answer waits for the
 * engine's answer to the join ({@code join}, or an {@code error}), so it always carries the room's epoch.
 * <p>
 * The last answer is kept until the next poll acknowledges it with {@code after}: a poll whose {@code after} is
 * older gets those records again (the answer was lost on the way), so nothing is lost and nothing repeated.
 * <p>
 * Not thread safe: owned by its I/O thread, which answers polls that arrived on other I/O threads too.
 */
final class LongPollEndpoint extends Endpoint
{
    private static final int BATCH_LIMIT = 64 * 1024;

    private final String sid;
    private final String room;
    private final String userId;
    private final boolean isGuest;
    private final String remoteAddress;
    private final byte[] head;
    private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(1024);
    private final LongArrayList batchEntries = new LongArrayList();
    private int batchLength;
    private byte[] lastBatch;
    private long[] lastEntries;
    private HttpServerExchange held;
    private long heldDeadlineNs;
    private long lastPollNs;
    private boolean isJoinAnswered;
    private boolean isJoined;

    LongPollEndpoint(
        final IoLoop loop,
        final String sid,
        final String room,
        final String userId,
        final boolean isGuest,
        final long sessionId,
        final String remoteAddress)
    {
        super(loop);
        // a write ends the held poll's response: the batch waits for the drain's end
        this.flushState = ALWAYS_BATCHED;
        this.sid = sid;
        this.room = room;
        this.userId = userId;
        this.isGuest = isGuest;
        this.sessionId = sessionId;
        this.isSessionOpen = true;
        this.remoteAddress = remoteAddress;
        this.head = ("{\"sid\":\"" + sid + "\",\"messages\":[").getBytes(StandardCharsets.US_ASCII);
        this.lastPollNs = System.nanoTime();
    }

    String transport()
    {
        return "longpoll";
    }

    String room()
    {
        return room;
    }

    String userId()
    {
        return userId;
    }

    /**
     * @return true when the session is a dev-mode guest's, found again by its sid alone.
     */
    boolean isGuest()
    {
        return isGuest;
    }

    void open()
    {
        loop.register(this);
        loop.longPollBySid.put(sid, this);
    }

    /**
     * A poll arrived.
     *
     * @param exchange the request, dispatched.
     * @param afterSeq seq of the last record the client has, or -1.
     */
    void poll(final HttpServerExchange exchange, final long afterSeq)
    {
        if (null != held)
        {
            respond();
        }
        lastPollNs = System.nanoTime();

        if (null != lastBatch)
        {
            final long lastSeq = lastSeq(lastEntries);
            if (afterSeq >= 0 && afterSeq < lastSeq)
            {
                resend(exchange, afterSeq);
                return;
            }
            lastBatch = null;
            lastEntries = null;
        }

        if (!isSessionOpen)
        {
            send(exchange, head, head.length, true);
            return;
        }

        held = exchange;
        heldDeadlineNs = lastPollNs + loop.config.pollHoldNs();
        exchange.addExchangeCompleteListener((completed, next) ->
        {
            // The exchange completes on its connection's I/O thread, which need not be this one.
            if (loop.thread() == Thread.currentThread())
            {
                onCompleted(completed);
            }
            else
            {
                loop.thread().execute(() -> onCompleted(completed));
            }
            next.proceed();
        });
        if (batchLength > 0 && isJoinAnswered)
        {
            respond();
        }
        else
        {
            loop.schedule();
        }
    }

    private void onCompleted(final HttpServerExchange completed)
    {
        if (held == completed)
        {
            held = null;
        }
    }

    void onControl(final DirectBuffer buffer, final int offset, final int length)
    {
        final int templateId = buffer.getShort(offset + 2) & 0xFFFF;
        if (templateId == JoinedDecoder.TEMPLATE_ID || templateId == ErrorDecoder.TEMPLATE_ID)
        {
            isJoined |= templateId == JoinedDecoder.TEMPLATE_ID;
            isJoinAnswered = true;
        }
        if (templateId != PongDecoder.TEMPLATE_ID)
        {
            final int jsonLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            if (jsonLength > 0 && batchLength + jsonLength < 4 * BATCH_LIMIT)
            {
                append(loop.jsonBuffer, 0, jsonLength, -1);
            }
        }

        if (templateId == SessionClosedDecoder.TEMPLATE_ID ||
            (templateId == LeftDecoder.TEMPLATE_ID && buffer.getByte(offset + MessageHeaderDecoder.ENCODED_LENGTH +
            LeftDecoder.reasonEncodingOffset()) == LeaveReason.LAGGING.value()))
        {
            endSession(templateId == SessionClosedDecoder.TEMPLATE_ID ? null : LeaveReason.LAGGING);
        }
        else if (templateId == ErrorDecoder.TEMPLATE_ID && !isJoined)
        {
            // The join of the session's one room was refused: answer with the error and end the session.
            endSession(LeaveReason.DISCONNECTED);
        }
    }

    boolean onRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == held || batchLength >= BATCH_LIMIT)
        {
            return false;
        }

        final int jsonLength = RoomRecords.jsonLength(buffer, offset, length);
        if (jsonLength > 0)
        {
            append(buffer, RoomRecords.jsonOffset(buffer, offset, length), jsonLength,
                buffer.getLong(offset + Requests.SEQ_OFFSET));
        }
        else
        {
            final int encoded = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            append(loop.jsonBuffer, 0, encoded, buffer.getLong(offset + Requests.SEQ_OFFSET));
        }
        return true;
    }

    private void append(final DirectBuffer json, final int offset, final int length, final long seq)
    {
        if (batchLength > 0)
        {
            batch.putByte(batchLength++, (byte)',');
        }
        batchEntries.addLong(((long)batchLength << 32) | length);
        batchEntries.addLong(seq);
        batch.putBytes(batchLength, json, offset, length);
        batchLength += length;
        markDirty();
    }

    void flush()
    {
        if (null != held && batchLength > 0 && isJoinAnswered)
        {
            respond();
        }
    }

    private void respond()
    {
        final HttpServerExchange exchange = held;
        held = null;
        final byte[] body = new byte[head.length + batchLength + 2];
        System.arraycopy(head, 0, body, 0, head.length);
        batch.getBytes(0, body, head.length, batchLength);
        body[body.length - 2] = ']';
        body[body.length - 1] = '}';
        lastBatch = body;
        lastEntries = batchEntries.toLongArray();
        batchEntries.clear();
        batchLength = 0;
        send(exchange, body, body.length, false);
    }

    private void resend(final HttpServerExchange exchange, final long afterSeq)
    {
        final StringBuilder json = new StringBuilder(lastBatch.length);
        json.append(new String(head, StandardCharsets.US_ASCII));
        boolean isFirst = true;
        for (int i = 0; i < lastEntries.length; i += 2)
        {
            final long seq = lastEntries[i + 1];
            if (seq > afterSeq || (seq < 0 && afterSeq < firstSeq(lastEntries)))
            {
                final int offset = head.length + (int)(lastEntries[i] >>> 32);
                final int length = (int)lastEntries[i];
                if (!isFirst)
                {
                    json.append(',');
                }
                json.append(new String(lastBatch, offset, length, StandardCharsets.UTF_8));
                isFirst = false;
            }
        }
        json.append("]}");
        final byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        send(exchange, body, body.length, false);
    }

    private static long lastSeq(final long[] entries)
    {
        long last = -1;
        for (int i = 1; i < entries.length; i += 2)
        {
            last = Math.max(last, entries[i]);
        }
        return last;
    }

    private static long firstSeq(final long[] entries)
    {
        for (int i = 1; i < entries.length; i += 2)
        {
            if (entries[i] >= 0)
            {
                return entries[i];
            }
        }
        return Long.MAX_VALUE;
    }

    private void send(final HttpServerExchange exchange, final byte[] body, final int length, final boolean isEmpty)
    {
        if (isEmpty)
        {
            final byte[] empty = new byte[head.length + 2];
            System.arraycopy(head, 0, empty, 0, head.length);
            empty[empty.length - 2] = ']';
            empty[empty.length - 1] = '}';
            RoomwireServer.sendJson(exchange, 200, empty, empty.length);
        }
        else
        {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(ByteBuffer.wrap(body, 0, length));
        }
        loop.server.metrics().bytesOut(length);
    }

    void onTick(final long nowNs)
    {
        if (null != held && nowNs >= heldDeadlineNs)
        {
            respond();
        }
        if (null == held && nowNs - lastPollNs > loop.config.pollSessionTimeoutNs())
        {
            close();
            return;
        }
        keepSessionAlive(nowNs);
    }

    void shutdown()
    {
        final byte[] closed = ("{\"type\":\"system\",\"data\":{\"event\":\"closed\",\"code\":\"shutting_down\"," +
            "\"reason\":\"node is shutting down\"}}").getBytes(StandardCharsets.US_ASCII);
        append(new org.agrona.concurrent.UnsafeBuffer(closed), 0, closed.length, -1);
        if (null != held)
        {
            respond();
        }
        close();
    }

    void fail()
    {
        close();
    }

    /**
     * End the session and forget this endpoint.
     */
    void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            endSession(LeaveReason.DISCONNECTED);
        }
    }

    /**
     * The engine session ended: the next poll with this sid opens a new one resuming from its {@code after}.
     */
    void onSessionEnded()
    {
        loop.longPollBySid.remove(sid, this);
        loop.server.releaseConnection(remoteAddress);
        if (null != held)
        {
            respond();
        }
    }
}
