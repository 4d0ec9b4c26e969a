package io.roomwire.benchmarks.load;

import java.util.Arrays;

/**
 * Decodes the body of a Server-Sent Events response as it arrives, in reads cut anywhere: takes off HTTP/1.1 chunked
 * framing when the response has it (a chunk-size line, its extensions, the CRLF after a chunk and the last chunk's
 * trailer may each be split across reads), splits the stream into events at blank lines (lines end with LF, CR or
 * CRLF), and hands each event's first {@code data:} line to an {@link EventHandler}.
 * <p>
 * An event that lies whole in the bytes of one call is handed over in place, in the caller's array; the bytes of an
 * event cut by the end of a read or by a chunk boundary are copied into the decoder's own array, which grows to the
 * largest such event, until its blank line arrives. Nothing is allocated per event.
 * <p>
 * Not thread safe: owned by the thread that reads its connection (a {@link ReceiverLoop}).
 */
final class SseDecoder
{
    /**
     * Receives the events of a stream.
     */
    interface EventHandler
    {
        /**
         * An event is complete. An event is handed over even when it has no data line (a comment such as
         * {@code : keep-alive}, a {@code retry:}); empty events (blank lines in a row) are not.
         *
         * @param buffer     holding the event; valid only during the call.
         * @param dataOffset where the value of the event's first {@code data:} line starts (after the colon and one
         *                   space when there is one).
         * @param dataLength length of that value, without its line end; -1 when the event has no data line.
         */
        void onEvent(byte[] buffer, int dataOffset, int dataLength);
    }

    /**
     * Longest event kept across reads.
     */
    static final int MAX_EVENT_LENGTH = 16 * 1024 * 1024;

    private static final int MAX_CHUNK_SIZE_DIGITS = 8;
    private static final int INITIAL_EVENT_LENGTH = 256;

    private static final int PLAIN = 0;
    private static final int CHUNK_SIZE = 1;
    private static final int CHUNK_EXTENSION = 2;
    private static final int CHUNK_SIZE_LF = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_DATA_CR = 5;
    private static final int CHUNK_DATA_LF = 6;
    private static final int TRAILER_LINE_START = 7;
    private static final int TRAILER_LINE = 8;
    private static final int ENDED = 9;
    private static final int FAILED = 10;

    private int state = PLAIN;
    private long chunkRemaining;
    private int chunkSizeDigits;
    private boolean isLineStart = true;
    private boolean wasCr;
    private byte[] event = new byte[INITIAL_EVENT_LENGTH];
    private int eventLength;
    private String failure;

    /**
     * Start a new body.
     *
     * @param isChunked the response has {@code Transfer-Encoding: chunked}; otherwise the body is the stream as is,
     *                  until the connection closes.
     */
    void reset(final boolean isChunked)
    {
        state = isChunked ? CHUNK_SIZE : PLAIN;
        chunkRemaining = 0;
        chunkSizeDigits = 0;
        isLineStart = true;
        wasCr = false;
        eventLength = 0;
        failure = null;
    }

    /**
     * @return true once the last chunk (size 0) and its trailer have arrived: the server ended the stream.
     */
    boolean isEnded()
    {
        return state == ENDED;
    }

    /**
     * @return why the body could not be decoded, or null.
     */
    String failure()
    {
        return failure;
    }

    /**
     * Decode the next bytes of the body, handing over every event they complete; bytes after the end of a chunked
     * body are ignored.
     *
     * @param b       holding the bytes.
     * @param offset  of the first.
     * @param limit   after the last.
     * @param handler of the events.
     * @return false when the body is malformed (see {@link #failure()}); the decoder then takes no more.
     */
    boolean decode(final byte[] b, final int offset, final int limit, final EventHandler handler)
    {
        int i = offset;
        while (i < limit)
        {
            switch (state)
            {
                case PLAIN:
                    if (!feed(b, i, limit, handler))
                    {
                        return false;
                    }
                    i = limit;
                    break;

                case CHUNK_SIZE:
                {
                    final byte c = b[i++];
                    final int digit = Character.digit(c, 16);
                    if (digit >= 0)
                    {
                        if (++chunkSizeDigits > MAX_CHUNK_SIZE_DIGITS)
                        {
                            return fail("chunk size of more than " + MAX_CHUNK_SIZE_DIGITS + " digits");
                        }
                        chunkRemaining = (chunkRemaining << 4) | digit;
                    }
                    else if (chunkSizeDigits == 0)
                    {
                        return fail("chunk size expected, got byte " + (c & 0xFF));
                    }
                    else if (c == ';' || c == ' ' || c == '\t')
                    {
                        state = CHUNK_EXTENSION;
                    }
                    else if (c == '\r')
                    {
                        state = CHUNK_SIZE_LF;
                    }
                    else if (c == '\n')
                    {
                        endChunkSizeLine();
                    }
                    else
                    {
                        return fail("bad byte " + (c & 0xFF) + " in a chunk size");
                    }
                    break;
                }

                case CHUNK_EXTENSION:
                {
                    final byte c = b[i++];
                    if (c == '\r')
                    {
                        state = CHUNK_SIZE_LF;
                    }
                    else if (c == '\n')
                    {
                        endChunkSizeLine();
                    }
                    break;
                }

                case CHUNK_SIZE_LF:
                    if (b[i++] != '\n')
                    {
                        return fail("CR without LF after a chunk size");
                    }
                    endChunkSizeLine();
                    break;

                case CHUNK_DATA:
                {
                    final int n = (int)Math.min(chunkRemaining, limit - i);
                    if (!feed(b, i, i + n, handler))
                    {
                        return false;
                    }
                    i += n;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0)
                    {
                        state = CHUNK_DATA_CR;
                    }
                    break;
                }

                case CHUNK_DATA_CR:
                {
                    final byte c = b[i++];
                    if (c == '\r')
                    {
                        state = CHUNK_DATA_LF;
                    }
                    else if (c == '\n')
                    {
                        startChunkSize();
                    }
                    else
                    {
                        return fail("no CRLF after a chunk's data");
                    }
                    break;
                }

                case CHUNK_DATA_LF:
                    if (b[i++] != '\n')
                    {
                        return fail("CR without LF after a chunk's data");
                    }
                    startChunkSize();
                    break;

                case TRAILER_LINE_START:
                {
                    final byte c = b[i++];
                    if (c == '\n')
                    {
                        state = ENDED;
                    }
                    else if (c != '\r')
                    {
                        state = TRAILER_LINE;
                    }
                    break;
                }

                case TRAILER_LINE:
                    if (b[i++] == '\n')
                    {
                        state = TRAILER_LINE_START;
                    }
                    break;

                case ENDED:
                    return true;

                default:
                    return false;
            }
        }
        return true;
    }

    private void startChunkSize()
    {
        state = CHUNK_SIZE;
        chunkRemaining = 0;
        chunkSizeDigits = 0;
    }

    private void endChunkSizeLine()
    {
        state = chunkRemaining == 0 ? TRAILER_LINE_START : CHUNK_DATA;
    }

    private boolean fail(final String reason)
    {
        state = FAILED;
        failure = reason;
        return false;
    }

    /**
     * Split body bytes into events.
     */
    private boolean feed(final byte[] b, final int from, final int to, final EventHandler handler)
    {
        int eventStart = from;
        for (int i = from; i < to; i++)
        {
            final byte c = b[i];
            if (c == '\n' || c == '\r')
            {
                if (c == '\n' && wasCr)
                {
                    // the LF of a CRLF: ends no line of its own
                    wasCr = false;
                    if (eventStart == i && eventLength == 0)
                    {
                        eventStart = i + 1;
                    }
                    continue;
                }
                wasCr = c == '\r';
                if (isLineStart)
                {
                    dispatch(b, eventStart, i, handler);
                    eventStart = i + 1;
                }
                else
                {
                    isLineStart = true;
                }
            }
            else
            {
                isLineStart = false;
                wasCr = false;
            }
        }

        final int left = to - eventStart;
        if (left > 0)
        {
            if (eventLength + left > MAX_EVENT_LENGTH)
            {
                return fail("event longer than " + MAX_EVENT_LENGTH + " bytes");
            }
            keep(b, eventStart, left);
        }
        return true;
    }

    private void keep(final byte[] b, final int offset, final int length)
    {
        if (event.length < eventLength + length)
        {
            event = Arrays.copyOf(event, Math.max(eventLength + length, event.length * 2));
        }
        System.arraycopy(b, offset, event, eventLength, length);
        eventLength += length;
    }

    private void dispatch(final byte[] b, final int start, final int end, final EventHandler handler)
    {
        if (eventLength > 0)
        {
            keep(b, start, end - start);
            final int length = eventLength;
            eventLength = 0;
            handleEvent(event, 0, length, handler);
        }
        else if (end > start)
        {
            handleEvent(b, start, end, handler);
        }
    }

    private static void handleEvent(final byte[] b, final int start, final int end, final EventHandler handler)
    {
        int lineStart = start;
        while (lineStart < end)
        {
            int lineEnd = lineStart;
            while (lineEnd < end && b[lineEnd] != '\n' && b[lineEnd] != '\r')
            {
                lineEnd++;
            }
            if (lineEnd - lineStart >= 5 && b[lineStart] == 'd' && b[lineStart + 1] == 'a' &&
                b[lineStart + 2] == 't' && b[lineStart + 3] == 'a' && b[lineStart + 4] == ':')
            {
                int value = lineStart + 5;
                if (value < lineEnd && b[value] == ' ')
                {
                    value++;
                }
                handler.onEvent(b, value, lineEnd - value);
                return;
            }
            int next = lineEnd + 1;
            if (lineEnd < end && b[lineEnd] == '\r' && next < end && b[next] == '\n')
            {
                next++;
            }
            lineStart = next;
        }
        handler.onEvent(b, start, -1);
    }
}
