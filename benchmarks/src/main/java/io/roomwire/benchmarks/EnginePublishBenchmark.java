package io.roomwire.benchmarks;

import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A session's publish with a client message id, so the engine acknowledges it, to a room with one receiver, on one
 * thread: {@link Gateway#publish} encodes it into the conductor's ring; one conductor duty cycle validates it (room,
 * id, rate limit, grant), sequences the {@code Deliver} into the room's log with its JSON form, and writes the
 * {@code Ack} into the gateway's control ring; one {@link Gateway#poll(SessionHandler, int)} hands the ack to the
 * publisher and the record to the receiver. The payload is the 74-byte JSON object of
 * {@link ProtocolCodecBenchmark}.
 * <p>
 * The score is publishes per second; the {@code acks} and {@code deliveries} auxiliary counters, per second, show that
 * every publish was acknowledged and delivered. {@code -prof gc} gives {@code gc.alloc.rate.norm} per publish, which
 * should be 0. The publish rate limit is raised out of the way (a session's default is 50 per second).
 * <p>
 * Run with {@code java -jar benchmarks/target/benchmarks.jar '.*EnginePublish.*' -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+UseParallelGC" })
public class EnginePublishBenchmark
{
    static final String ROOM = "bench";
    static final String CLIENT_MESSAGE_ID = "msg_123";

    /**
     * Acks and deliveries per second, counted by the handler.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Replies
    {
        /**
         * Acks in the iteration.
         */
        public long acks;

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
            acks = 0;
            deliveries = 0;
        }
    }

    /**
     * An engine driven on the benchmark thread: a publisher session and a receiver session in one room, one gateway.
     */
    @State(Scope.Thread)
    public static class RoomwirePublish implements SessionHandler
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ProtocolCodecBenchmark.PAYLOAD);
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        Engine engine;
        AgentInvoker conductor;
        Gateway gateway;
        long publisher;
        long receiver;
        long published;
        long acks;
        long delivered;
        long setupControls;
        long otherControls;
        long checksum;

        /**
         * Launch the engine, open both sessions and join the receiver.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            engine = Engine.launch(new Engine.Context()
                .useAgentInvoker(true)
                .publishRate(1_000_000_000)
                .publishBurst(1_000_000_000));
            conductor = engine.invoker();
            gateway = engine.newGateway();
            publisher = gateway.openSession("publisher", new String[]{ "*" }, new String[]{ "*" });
            receiver = gateway.openSession("receiver", new String[]{ "*" }, new String[0]);
            gateway.join(receiver, ROOM, null);
            settle();
            if (setupControls != 3 || otherControls != 0)
            {
                throw new IllegalStateException("setup incomplete: " + setupControls + " " + otherControls);
            }
            delivered = 0;
        }

        /**
         * Check that every publish was acknowledged and delivered, then close.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            settle();
            final long rejects = engine.engineCounters().get(EngineCounters.SystemCounter.REJECTS);
            gateway.close();
            engine.close();
            if (acks != published || delivered != published || rejects != 0 || otherControls != 0)
            {
                throw new IllegalStateException("published=" + published + " acks=" + acks + " delivered=" +
                    delivered + " rejects=" + rejects + " other=" + otherControls);
            }
        }

        void settle()
        {
            for (int i = 0; i < 100; i++)
            {
                conductor.invoke();
                gateway.poll(this, Integer.MAX_VALUE);
            }
        }

        /**
         * The publisher's ack.
         * {@inheritDoc}
         */
        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final int templateId = headerDecoder.wrap(buffer, offset).templateId();
            if (templateId == AckDecoder.TEMPLATE_ID)
            {
                acks++;
            }
            else if (templateId == ConnectedDecoder.TEMPLATE_ID || templateId == JoinedDecoder.TEMPLATE_ID)
            {
                setupControls++;
            }
            else
            {
                otherControls++;
            }
        }

        /**
         * The receiver: reads the record's seq, as a consumer would.
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
     * Roomwire: one acknowledged publish, sequenced, acked and delivered.
     *
     * @param room    the engine and its sessions.
     * @param replies counters.
     * @return checksum of what the receiver read.
     */
    @Benchmark
    public long roomwirePublishWithAck(final RoomwirePublish room, final Replies replies)
    {
        final long acks = room.acks;
        final long delivered = room.delivered;
        if (room.gateway.publish(room.publisher, ROOM, MessageKind.TEXT, PayloadFormat.JSON, CLIENT_MESSAGE_ID, null,
            room.payload, 0, room.payload.capacity()) > 0)
        {
            room.published++;
        }
        room.conductor.invoke();
        room.gateway.poll(room, 16);
        replies.acks += room.acks - acks;
        replies.deliveries += room.delivered - delivered;
        return room.checksum;
    }
}
