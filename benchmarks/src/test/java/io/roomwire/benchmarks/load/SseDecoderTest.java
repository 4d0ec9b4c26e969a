package io.roomwire.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SseDecoder} on hand-built bodies, plain and chunked, with LF, CRLF and CR line ends, cut into reads at every
 * position and every pair of positions: the same events come out whatever the cuts.
 */
class SseDecoderTest
{
    private static final String CONNECTED = "{\"type\":\"system\",\"data\":{\"event\":\"connected\"}}";
    private static final String RECORD = "{\"type\":\"text\",\"room\":\"load-0\",\"seq\":42," +
        "\"data\":{\"t\":123,\"p\":0,\"n\":7,\"x\":\"xx\",\"author\":\"guest-1\"},\"timestamp\":1}";
    private static final String NO_DATA = "(no data)";

    /**
     * What Roomwire sends: a retry, a control event, a keep-alive comment, a record, then an event ending the body.
     */
    private static String body(final String lineEnd)
    {
        final String n = lineEnd;
        return "retry: 2000" + n + n +
            "event: system" + n + "data: " + CONNECTED + n + n +
            ": keep-alive" + n + n +
            "event: text" + n + "id: 1-42" + n + "data: " + RECORD + n + n +
            "data:" + RECORD + n + "data: second line" + n + n + n +
            "event: text" + n + "data: " + RECORD + n + n;
    }

    private static final List<String> EXPECTED = List.of(NO_DATA, CONNECTED, NO_DATA, RECORD, RECORD, RECORD);

    /**
     * Chunked framing of a body, chunks of the given sizes in turn (the last size repeats), with an extension on the
     * second chunk, upper-case hex on the third, and a trailer after the last chunk.
     */
    private static String chunked(final String body, final int... sizes)
    {
        final StringBuilder out = new StringBuilder();
        int at = 0;
        int k = 0;
        while (at < body.length())
        {
            final int size = Math.min(sizes[Math.min(k, sizes.length - 1)], body.length() - at);
            final String hex = k == 2 ? Integer.toHexString(size).toUpperCase() : Integer.toHexString(size);
            out.append(hex).append(k == 1 ? ";name=value" : "").append("\r\n")
                .append(body, at, at + size).append("\r\n");
            at += size;
            k++;
        }
        return out.append("0\r\nX-Trailer: 1\r\n\r\n").toString();
    }

    private static final class Collector implements SseDecoder.EventHandler
    {
        final List<String> events = new ArrayList<>();

        public void onEvent(final byte[] buffer, final int dataOffset, final int dataLength)
        {
            events.add(dataLength < 0 ? NO_DATA :
                new String(buffer, dataOffset, dataLength, StandardCharsets.UTF_8));
        }
    }

    /**
     * Decode {@code input} in reads ending at each of {@code cuts}; each read is copied into a fresh array between
     * garbage bytes, so nothing outside a read's range may be used.
     */
    private static Collector decode(final byte[] input, final boolean isChunked, final int... cuts)
    {
        final SseDecoder decoder = new SseDecoder();
        decoder.reset(isChunked);
        final Collector collector = new Collector();
        int from = 0;
        for (int c = 0; c <= cuts.length; c++)
        {
            final int to = c < cuts.length ? cuts[c] : input.length;
            final byte[] read = new byte[to - from + 6];
            Arrays.fill(read, (byte)'\n');
            System.arraycopy(input, from, read, 3, to - from);
            assertTrue(decoder.decode(read, 3, 3 + to - from, collector), decoder.failure());
            from = to;
        }
        assertEquals(isChunked, decoder.isEnded());
        return collector;
    }

    private static void assertEveryCut(final String text, final boolean isChunked)
    {
        final byte[] input = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(EXPECTED, decode(input, isChunked).events);
        for (int i = 0; i <= input.length; i++)
        {
            assertEquals(EXPECTED, decode(input, isChunked, i).events, "cut at " + i);
        }
    }

    private static void assertEveryPairOfCuts(final String text, final boolean isChunked)
    {
        final byte[] input = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= input.length; i++)
        {
            for (int j = i; j <= input.length; j++)
            {
                assertEquals(EXPECTED, decode(input, isChunked, i, j).events, "cuts at " + i + ", " + j);
            }
        }
    }

    private static void assertByteAtATime(final String text, final boolean isChunked)
    {
        final byte[] input = text.getBytes(StandardCharsets.UTF_8);
        final int[] cuts = new int[input.length];
        for (int i = 0; i < cuts.length; i++)
        {
            cuts[i] = i + 1;
        }
        assertEquals(EXPECTED, decode(input, isChunked, cuts).events);
    }

    @Test
    void shouldSplitAPlainBodyWithAnyLineEndCutAnywhere()
    {
        for (final String lineEnd : List.of("\n", "\r\n", "\r"))
        {
            assertEveryCut(body(lineEnd), false);
            assertByteAtATime(body(lineEnd), false);
        }
        assertEveryPairOfCuts(body("\r\n"), false);
    }

    @Test
    void shouldDechunkWhereverChunksAndReadsCutTheEvents()
    {
        for (final int[] sizes : new int[][] {{1}, {7, 1, 30, 1000}, {64}, {100000}})
        {
            assertEveryCut(chunked(body("\n"), sizes), true);
            assertEveryCut(chunked(body("\r\n"), sizes), true);
            assertByteAtATime(chunked(body("\n"), sizes), true);
        }
        assertEveryPairOfCuts(chunked(body("\n"), 7, 1, 30, 13), true);
    }

    @Test
    void shouldHandOverEventsInPlaceWhenAReadHoldsThemWhole()
    {
        final byte[] input = body("\n").getBytes(StandardCharsets.UTF_8);
        final List<byte[]> buffers = new ArrayList<>();
        final SseDecoder decoder = new SseDecoder();
        decoder.reset(false);
        assertTrue(decoder.decode(input, 0, input.length, (buffer, offset, length) -> buffers.add(buffer)));
        assertEquals(EXPECTED.size(), buffers.size());
        for (final byte[] buffer : buffers)
        {
            assertTrue(buffer == input, "no copy of an event that was whole in the read");
        }
    }

    @Test
    void shouldDropAnUnfinishedEventWhenTheChunkedBodyEnds()
    {
        final String text = chunked("data: " + RECORD + "\n\n" + "data: cut", 1000);
        final Collector collector = decode(text.getBytes(StandardCharsets.UTF_8), true, 5);
        assertEquals(List.of(RECORD), collector.events);
    }

    @Test
    void shouldRefuseAMalformedChunkSize()
    {
        for (final String text : List.of("zz\r\ndata: x\n\n\r\n", "5\rdata:\r\n", "3\r\nabcX", "123456789\r\n"))
        {
            final SseDecoder decoder = new SseDecoder();
            decoder.reset(true);
            final byte[] input = text.getBytes(StandardCharsets.US_ASCII);
            assertFalse(decoder.decode(input, 0, input.length, (buffer, offset, length) -> { }), text);
            assertNotNull(decoder.failure(), text);
        }
    }
}
