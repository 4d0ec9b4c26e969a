package io.roomwire.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomwire.protocol.JsonDecoder;
import io.roomwire.protocol.JsonEncoder;
import io.roomwire.protocol.codec.DeliverEncoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.PublishEncoder;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Encode and decode of one publish, {@code {"type":"text","id":"msg_123","room":"general","data":{"content":"..."}}}
 * with a 60-character content (129 bytes of JSON, 108 bytes as an SBE {@code Publish} with its header), in three
 * ways, on one thread, in nanoseconds per round, plus the inbound half of the JSON way on its own:
 * <ul>
 *     <li>{@code sbe}: the binary protocol. A {@code Publish} encoded into a pre-allocated buffer, then decoded
 *     reading every field: the room, id and key wrapped by pre-allocated views, the payload copied out. Allocates
 *     nothing.</li>
 *     <li>{@code json}: what Roomwire does for a browser. The JSON publish decoded into its SBE form by
 *     {@link JsonDecoder#decodeClientMessage(byte[], int, int, org.agrona.MutableDirectBuffer, int, byte[])} (UTF-8
 *     and syntax checks, identifiers validated, {@code data} copied as the client's bytes), plus the JSON form of the
 *     {@code Deliver} record that publish becomes, rendered by {@link JsonEncoder} (done once per record, for every
 *     receiver). Allocates nothing once warm: the decoder keeps one jackson-core parser for message after message,
 *     and the encoder writes into a pre-allocated buffer.</li>
 *     <li>{@code jsonDecode}: the decode alone, what the I/O thread does for every client message.</li>
 *     <li>{@code seedBaseline}: the seed's approach, with Jackson databind: {@code readValue(bytes, Map.class)}, then
 *     {@code writeValueAsBytes} of the broadcast map {@code {"type", "room", "data": {..., "author"}, "timestamp"}}
 *     (the seed serialises it once per receiver; this is one of those).</li>
 * </ul>
 * Run with {@code java -jar benchmarks/target/benchmarks.jar '.*ProtocolCodec.*' -prof gc}; {@code gc.alloc.rate.norm}
 * is bytes allocated per round.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+UseParallelGC" })
public class ProtocolCodecBenchmark
{
    static final String CONTENT = "The quick brown fox jumps over the lazy dog; EURUSD 1.084120";
    static final String ROOM = "general";
    static final String CLIENT_MESSAGE_ID = "msg_123";
    static final String AUTHOR = "user_42";
    static final byte[] JSON_PUBLISH = ("{\"type\":\"text\",\"id\":\"" + CLIENT_MESSAGE_ID + "\",\"room\":\"" + ROOM +
        "\",\"data\":{\"content\":\"" + CONTENT + "\"}}").getBytes(StandardCharsets.US_ASCII);
    static final byte[] PAYLOAD = ("{\"content\":\"" + CONTENT + "\"}").getBytes(StandardCharsets.US_ASCII);
    static final long EPOCH = 1_711_000_000_000L;
    static final long SEQ = 42;
    static final long TIMESTAMP_MS = 1_711_000_000_123L;

    /**
     * The binary protocol: pre-allocated buffers and flyweights.
     */
    @State(Scope.Thread)
    public static class SbeCodec
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
        final UnsafeBuffer room = new UnsafeBuffer(ROOM.getBytes(StandardCharsets.US_ASCII));
        final UnsafeBuffer clientMessageId = new UnsafeBuffer(CLIENT_MESSAGE_ID.getBytes(StandardCharsets.US_ASCII));
        final UnsafeBuffer payload = new UnsafeBuffer(PAYLOAD);
        final UnsafeBuffer roomView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        final UnsafeBuffer clientMessageIdView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        final UnsafeBuffer keyView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        final UnsafeBuffer payloadCopy = new UnsafeBuffer(new byte[1024]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final PublishEncoder publishEncoder = new PublishEncoder();
        final PublishDecoder publishDecoder = new PublishDecoder();
    }

    /**
     * The JSON form: Roomwire's decoder and encoder, a destination for the SBE publish, a {@code Deliver} record as
     * the engine writes it, and a destination for its JSON form.
     */
    @State(Scope.Thread)
    public static class JsonCodec
    {
        final JsonDecoder decoder = new JsonDecoder();
        final JsonEncoder encoder = new JsonEncoder();
        final UnsafeBuffer publish = new UnsafeBuffer(new byte[JSON_PUBLISH.length + JsonDecoder.MAX_SBE_OVERHEAD]);
        final UnsafeBuffer deliver = new UnsafeBuffer(new byte[1024]);
        int deliverLength;
        UnsafeBuffer json;

        /**
         * Encode the {@code Deliver} record and check that both directions render.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            final DeliverEncoder deliverEncoder = new DeliverEncoder();
            final byte[] room = ROOM.getBytes(StandardCharsets.US_ASCII);
            final byte[] author = AUTHOR.getBytes(StandardCharsets.US_ASCII);
            deliverEncoder.wrapAndApplyHeader(deliver, 0, new MessageHeaderEncoder())
                .epoch(EPOCH)
                .seq(SEQ)
                .timestamp(TIMESTAMP_MS)
                .kind(MessageKind.TEXT)
                .format(PayloadFormat.JSON)
                .putRoom(room, 0, room.length)
                .putAuthor(author, 0, author.length)
                .putKey(room, 0, 0)
                .putPayload(PAYLOAD, 0, PAYLOAD.length);
            deliverLength = MessageHeaderEncoder.ENCODED_LENGTH + deliverEncoder.encodedLength();
            json = new UnsafeBuffer(new byte[JsonEncoder.maxJsonLength(deliverLength)]);

            if (decoder.decodeClientMessage(JSON_PUBLISH, 0, JSON_PUBLISH.length, publish, 0, null) <= 0)
            {
                throw new IllegalStateException("publish refused: " + decoder.error());
            }
            if (encoder.encode(deliver, 0, deliverLength, json, 0) <= 0)
            {
                throw new IllegalStateException("deliver not rendered");
            }
        }
    }

    /**
     * The seed's approach: one Jackson {@link ObjectMapper}, reused.
     */
    @State(Scope.Thread)
    public static class SeedCodec
    {
        final ObjectMapper mapper = new ObjectMapper();
        final Long timestamp = TIMESTAMP_MS / 1000;
    }

    /**
     * SBE: encode a {@code Publish}, then decode every field of it.
     *
     * @param codec     pre-allocated buffers and flyweights.
     * @param blackhole sink.
     */
    @Benchmark
    public void sbe(final SbeCodec codec, final Blackhole blackhole)
    {
        final UnsafeBuffer message = codec.message;
        final PublishEncoder encoder = codec.publishEncoder
            .wrapAndApplyHeader(message, 0, codec.headerEncoder)
            .kind(MessageKind.TEXT)
            .format(PayloadFormat.JSON)
            .putRoom(codec.room, 0, codec.room.capacity())
            .putClientMessageId(codec.clientMessageId, 0, codec.clientMessageId.capacity())
            .putKey(codec.room, 0, 0)
            .putPayload(codec.payload, 0, codec.payload.capacity());
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        final MessageHeaderDecoder header = codec.headerDecoder.wrap(message, 0);
        if (header.templateId() != PublishDecoder.TEMPLATE_ID || header.schemaId() != PublishDecoder.SCHEMA_ID)
        {
            throw new IllegalStateException("not a publish");
        }
        final PublishDecoder decoder = codec.publishDecoder.wrap(
            message, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        blackhole.consume(decoder.kind());
        blackhole.consume(decoder.format());
        decoder.wrapRoom(codec.roomView);
        decoder.wrapClientMessageId(codec.clientMessageIdView);
        decoder.wrapKey(codec.keyView);
        final int payloadLength = decoder.getPayload(codec.payloadCopy, 0, codec.payloadCopy.capacity());

        blackhole.consume(length);
        blackhole.consume(codec.roomView.getByte(codec.roomView.capacity() - 1));
        blackhole.consume(codec.clientMessageIdView.getByte(codec.clientMessageIdView.capacity() - 1));
        blackhole.consume(codec.keyView.capacity());
        blackhole.consume(codec.payloadCopy.getByte(payloadLength - 1));
    }

    /**
     * Roomwire's JSON edge: decode the JSON publish into SBE, and render the JSON form of its {@code Deliver}.
     *
     * @param codec     Roomwire's JSON decoder and encoder with their buffers.
     * @param blackhole sink.
     */
    @Benchmark
    public void json(final JsonCodec codec, final Blackhole blackhole)
    {
        blackhole.consume(codec.decoder.decodeClientMessage(
            JSON_PUBLISH, 0, JSON_PUBLISH.length, codec.publish, 0, null));
        blackhole.consume(codec.encoder.encode(codec.deliver, 0, codec.deliverLength, codec.json, 0));
    }

    /**
     * Roomwire's JSON edge, inbound only: decode the JSON publish into SBE.
     *
     * @param codec Roomwire's JSON decoder with its destination.
     * @return length of the SBE publish.
     */
    @Benchmark
    public int jsonDecode(final JsonCodec codec)
    {
        return codec.decoder.decodeClientMessage(JSON_PUBLISH, 0, JSON_PUBLISH.length, codec.publish, 0, null);
    }

    /**
     * The seed: parse the JSON into a map, build the broadcast map, serialise it.
     *
     * @param codec     the mapper.
     * @param blackhole sink.
     * @throws IOException never for this input.
     */
    @Benchmark
    public void seedBaseline(final SeedCodec codec, final Blackhole blackhole) throws IOException
    {
        final Map<?, ?> received = codec.mapper.readValue(JSON_PUBLISH, Map.class);
        @SuppressWarnings("unchecked") // Jackson reads a JSON object as a LinkedHashMap<String, Object>
        final Map<String, Object> data = (Map<String, Object>)received.get("data");
        data.put("author", AUTHOR);

        final Map<String, Object> broadcast = new LinkedHashMap<>();
        broadcast.put("type", received.get("type"));
        broadcast.put("room", received.get("room"));
        broadcast.put("data", data);
        broadcast.put("timestamp", codec.timestamp);
        blackhole.consume(codec.mapper.writeValueAsBytes(broadcast));
    }
}
