package io.roomwire.benchmarks;

import io.roomwire.engine.Engine;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fan-out of one ~100-byte publish to N receivers in one room, on one thread: Roomwire through the in-process API
 * (publish into the engine's ring, one conductor duty cycle sequences it into the room's log once, the gateway hands
 * the same bytes to each receiver), beside the seed's design ported to Java (a map of room to receivers, the message
 * serialised to JSON per receiver).
 * <p>
 * The score is operations (publishes) per second; the {@code deliveries} auxiliary counter is deliveries per second.
 * {@code -prof gc} gives {@code gc.alloc.rate.norm} per publish.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+UseParallelGC" })
public class FanOutBenchmark
{
    static final byte[] PAYLOAD =
        "{\"content\":\"The quick brown fox jumps over the lazy dog while the market ticks 1.08412\"}"
        .getBytes(StandardCharsets.US_ASCII);

    /**
     * Deliveries per second, counted by the receivers.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries
    {
        /**
         * Deliveries in the iteration.
         */
        public long deliveries;

        /**
         * Reset at each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            deliveries = 0;
        }
    }

    /**
     * An engine driven on the benchmark thread, with N sessions of one gateway in one room.
     */
    @State(Scope.Thread)
    public static class RoomwireRoom implements SessionHandler
    {
        @Param({ "1", "100", "1000", "10000" })
        int receivers;

        Engine engine;
        AgentInvoker conductor;
        Gateway gateway;
        final UnsafeBuffer payload = new UnsafeBuffer(PAYLOAD);
        long delivered;
        long checksum;

        /**
         * Launch the engine and join the receivers.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            engine = Engine.launch(new Engine.Context()
                .useAgentInvoker(true)
                .presenceTimeoutNs(TimeUnit.HOURS.toNanos(1))
                .heartbeatIntervalNs(TimeUnit.MINUTES.toNanos(1))
                .maxMembersPerRoom(receivers + 1));
            conductor = engine.invoker();
            gateway = engine.newGateway();
            for (int i = 0; i < receivers; i++)
            {
                final long session = gateway.openSession("user" + i, new String[]{ "*" }, new String[0]);
                gateway.join(session, "bench", null);
                if ((i & 255) == 0)
                {
                    settle();
                }
            }
            settle();
        }

        private void settle()
        {
            for (int i = 0; i < 100; i++)
            {
                conductor.invoke();
                gateway.poll(this, Integer.MAX_VALUE);
            }
        }

        /**
         * Close the engine.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            gateway.close();
            engine.close();
        }

        /**
         * {@inheritDoc}
         */
        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
        }

        /**
         * A receiver: reads the record's seq, as a consumer would.
         * {@inheritDoc}
         */
        public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            checksum += buffer.getLong(offset + 16) ^ sessionId;
            delivered++;
            return true;
        }
    }

    /**
     * The seed's design: N receivers in one room of a {@link SeedConnectionManager}.
     */
    @State(Scope.Thread)
    public static class SeedRoom
    {
        @Param({ "1", "100", "1000", "10000" })
        int receivers;

        SeedConnectionManager manager;
        Map<String, Object> message;
        long delivered;
        long checksum;

        /**
         * Connect the receivers.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            manager = new SeedConnectionManager();
            for (int i = 0; i < receivers; i++)
            {
                final Consumer<byte[]> receiver = (bytes) ->
                {
                    checksum += bytes.length;
                    delivered++;
                };
                manager.connect("bench", receiver);
            }

            final Map<String, Object> data = new LinkedHashMap<>();
            data.put("content", "The quick brown fox jumps over the lazy dog while the market ticks 1.08412");
            data.put("author", "user_42");
            message = new LinkedHashMap<>();
            message.put("type", "message");
            message.put("room", "bench");
            message.put("data", data);
        }
    }

    /**
     * Roomwire: one publish, sequenced once, delivered to every receiver.
     *
     * @param room       the engine and its receivers.
     * @param deliveries counter.
     * @return checksum of what the receivers read.
     */
    @Benchmark
    public long roomwire(final RoomwireRoom room, final Deliveries deliveries)
    {
        final long before = room.delivered;
        room.gateway.serverPublish("bench", MessageKind.TEXT, PayloadFormat.JSON, "user_42", null,
            room.payload, 0, PAYLOAD.length);
        room.conductor.invoke();
        room.gateway.poll(room, 16);
        deliveries.deliveries += room.delivered - before;
        return room.checksum;
    }

    /**
     * The seed's broadcast: the message serialised to JSON for each receiver.
     *
     * @param room       the seed's connection manager and its receivers.
     * @param deliveries counter.
     * @param blackhole  sink.
     */
    @Benchmark
    public void seedBaseline(final SeedRoom room, final Deliveries deliveries, final Blackhole blackhole)
    {
        deliveries.deliveries += room.manager.broadcast("bench", room.message);
        blackhole.consume(room.checksum);
    }
}
