package io.roomwire.benchmarks;

import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.PublishEncoder;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Handing one publish command (the 74-byte JSON payload of {@link ProtocolCodecBenchmark}, in room {@code general}
 * with client message id {@code msg_123}: a 116-byte command, a 128-byte ring record) from a producer thread to a
 * consumer thread, the engine's inbound path, three ways, each a JMH {@link Group} of one producer and one consumer
 * thread (change with {@code -tg}):
 * <ul>
 *     <li>{@code roomwireRing}: what {@code Gateway.publish} and the conductor do. The producer claims space in an
 *     Agrona {@link ManyToOneRingBuffer} ({@code tryClaim}), writes the session id and encodes the SBE
 *     {@code Publish} in place, and commits; the consumer's {@code read(handler, 1)} decodes it in place (header,
 *     kind, format, room, id and key wrapped by views, the payload read where it lies) and clears the record. Nothing
 *     is allocated.</li>
 *     <li>{@code seedBaselineLinkedBlockingQueue}: the seed's design in Java terms: the producer builds a
 *     {@link PublishCommand} object, copying the payload out of its (reused) receive buffer into its own array, and
 *     offers it to a bounded {@link LinkedBlockingQueue}, which adds a node per element; the consumer polls it and reads
 *     the same fields. The strings the command refers to are built once: the object path is charged for the command,
 *     its payload array and the queue's node only, which favours it.</li>
 *     <li>{@code jctoolsBaselineMpscArrayQueue}: the same objects through a JCTools {@link MpscArrayQueue}
 *     ({@code relaxedOffer} / {@code relaxedPoll}), the best lock-free object queue: no node, still an object and an
 *     array per message.</li>
 * </ul>
 * Every queue holds {@value #QUEUE_CAPACITY} messages (the ring: {@value #RING_LENGTH} bytes, as many 128-byte
 * records). Each operation hands over exactly one message: a producer facing a full queue, or a consumer facing an
 * empty one, spins ({@link Thread#onSpinWait()}) until it can, or until JMH ends the iteration ({@link Control}). So
 * each side's ops/s (JMH's secondary result named after the method) is the messages it handed over per second, and
 * the {@code consumed} auxiliary counter, the messages the consumer read, is the one to compare across queues. The
 * consumer checks that each message is a well-formed publish (the trial fails otherwise) and sums fields of every
 * message into a checksum returned to JMH's blackhole.
 * <p>
 * For a group JMH counts the operations of both methods, so the group's primary score is about twice the messages
 * per second, and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes per operation of either side: twice it is
 * the bytes allocated per message. The ring's is 0.
 * <p>
 * One message per operation is the finest handoff; the conductor reads up to {@code commandLimit} (256) commands per
 * duty cycle, which amortises the ring's head update over the batch.
 * <p>
 * Run with {@code java -jar benchmarks/target/benchmarks.jar '.*HandoffQueue.*' -prof gc}. The two threads each keep
 * a core busy: on a 2-core machine, nothing else should run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+UseParallelGC" })
public class HandoffQueueBenchmark
{
    static final String ROOM = ProtocolCodecBenchmark.ROOM;
    static final String CLIENT_MESSAGE_ID = ProtocolCodecBenchmark.CLIENT_MESSAGE_ID;
    static final String KEY = "";
    static final byte[] PAYLOAD = ProtocolCodecBenchmark.PAYLOAD;

    /**
     * The gateway's command prefix, the session id ({@code Gateway.COMMAND_PREFIX_LENGTH}).
     */
    static final int COMMAND_PREFIX_LENGTH = 8;

    /**
     * Length of one publish command in the ring, computed as {@code Gateway.publish} does.
     */
    static final int COMMAND_LENGTH = COMMAND_PREFIX_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH +
        PublishEncoder.BLOCK_LENGTH + 2 + ROOM.length() + 2 + CLIENT_MESSAGE_ID.length() + 2 + KEY.length() +
        4 + PAYLOAD.length;

    /**
     * Length of one command's record in the ring, with the ring's record header and alignment.
     */
    static final int RECORD_LENGTH =
        BitUtil.align(RecordDescriptor.HEADER_LENGTH + COMMAND_LENGTH, RecordDescriptor.ALIGNMENT);

    /**
     * Capacity of every queue, in messages.
     */
    static final int QUEUE_CAPACITY = 8192;

    /**
     * Length of the ring, without its trailer: {@value #QUEUE_CAPACITY} records.
     */
    static final int RING_LENGTH = 1024 * 1024;

    /**
     * Pause of an operation that gives up because the iteration ended (see {@link #waitAfterStop()}).
     */
    static final long STOPPED_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);

    static
    {
        if (RING_LENGTH / RECORD_LENGTH != QUEUE_CAPACITY)
        {
            throw new IllegalStateException("ring holds " + RING_LENGTH / RECORD_LENGTH + " records, not " +
                QUEUE_CAPACITY + ": command length " + COMMAND_LENGTH);
        }
    }

    /**
     * An operation that finds the queue full, or empty, after JMH has ended the measurement gives up, so the group can
     * stop; it pauses first. JMH keeps calling each thread's method until every thread of the group has seen the end
     * (longer when a thread is descheduled), and counts those calls among the operations {@code -prof gc} divides the
     * allocated bytes by: calls that return at once would be millions of free operations and understate the bytes
     * per message.
     */
    static void waitAfterStop()
    {
        LockSupport.parkNanos(STOPPED_PAUSE_NS);
    }

    /**
     * A publish command as an object, the way a design that queues objects carries it.
     * <p>
     * Immutable once published; safe to hand to another thread through a queue.
     */
    static final class PublishCommand
    {
        final long sessionId;
        final MessageKind kind;
        final PayloadFormat format;
        final String room;
        final String clientMessageId;
        final String key;
        final byte[] payload;

        PublishCommand(
            final long sessionId,
            final MessageKind kind,
            final PayloadFormat format,
            final String room,
            final String clientMessageId,
            final String key,
            final byte[] payload)
        {
            this.sessionId = sessionId;
            this.kind = kind;
            this.format = format;
            this.room = room;
            this.clientMessageId = clientMessageId;
            this.key = key;
            this.payload = payload;
        }
    }

    // ------------------------------------------------------------------------------------------------ roomwire ring

    /**
     * The ring shared by the group's threads.
     * <p>
     * Created by JMH before the group's threads start; the ring itself is safe for many producers and one consumer.
     */
    @State(Scope.Group)
    public static class Ring
    {
        ManyToOneRingBuffer ring;

        /**
         * Allocate the ring off heap, as the engine does.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(RING_LENGTH + RingBufferDescriptor.TRAILER_LENGTH)));
        }
    }

    /**
     * A producer's encoders and its source payload, as a gateway holds them.
     * <p>
     * Owned by one producer thread.
     */
    @State(Scope.Thread)
    public static class RingProducer
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final PublishEncoder publishEncoder = new PublishEncoder();
        final UnsafeBuffer payload = new UnsafeBuffer(PAYLOAD.clone());
        long sent;
    }

    /**
     * The consumer's decoders and views, as the conductor holds them, and what it read.
     * <p>
     * Owned by the consumer thread.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class RingConsumer implements MessageHandler
    {
        /**
         * Messages read in the iteration.
         */
        public long consumed;

        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final PublishDecoder publishDecoder = new PublishDecoder();
        final UnsafeBuffer roomView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        final UnsafeBuffer idView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        final UnsafeBuffer keyView = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
        long checksum;
        long malformed;

        /**
         * Reset the counter at each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            consumed = 0;
        }

        /**
         * Fail the trial if a message was not what the producer wrote.
         */
        @TearDown(Level.Trial)
        public void check()
        {
            if (malformed != 0)
            {
                throw new IllegalStateException("malformed messages: " + malformed);
            }
        }

        /**
         * Decode one publish command in place, as {@code EngineConductor.onMessage} and {@code onPublish} do.
         * {@inheritDoc}
         */
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final long sessionId = buffer.getLong(index);
            final int offset = index + COMMAND_PREFIX_LENGTH;
            final MessageHeaderDecoder header = headerDecoder.wrap(buffer, offset);
            if (msgTypeId != PublishDecoder.TEMPLATE_ID || header.templateId() != PublishDecoder.TEMPLATE_ID)
            {
                malformed++;
                return;
            }

            final PublishDecoder decoder = publishDecoder.wrap(
                buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final MessageKind kind = decoder.kind();
            final PayloadFormat format = decoder.format();
            decoder.wrapRoom(roomView);
            decoder.wrapClientMessageId(idView);
            decoder.wrapKey(keyView);
            final int payloadLength = decoder.payloadLength();
            final int payloadOffset = decoder.limit() + PublishDecoder.payloadHeaderLength();
            if (payloadLength != PAYLOAD.length || roomView.capacity() != ROOM.length())
            {
                malformed++;
                return;
            }

            checksum += sessionId + kind.value() + format.value() + roomView.getByte(0) + idView.capacity() +
                keyView.capacity() + buffer.getByte(payloadOffset) + buffer.getByte(payloadOffset + payloadLength - 1);
            consumed++;
        }
    }

    /**
     * Roomwire's producer: claim, encode in place, commit.
     *
     * @param ring     shared.
     * @param producer this thread's encoders.
     * @param control  to stop spinning when the iteration ends.
     * @return commands sent.
     */
    @Benchmark
    @Group("roomwireRing")
    @GroupThreads(1)
    public long roomwireRingProduce(final Ring ring, final RingProducer producer, final Control control)
    {
        final ManyToOneRingBuffer commands = ring.ring;
        int index;
        while ((index = commands.tryClaim(PublishEncoder.TEMPLATE_ID, COMMAND_LENGTH)) < 0)
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                return producer.sent;
            }
            Thread.onSpinWait();
        }

        final MutableDirectBuffer buffer = commands.buffer();
        buffer.putLong(index, producer.sent);
        producer.publishEncoder.wrapAndApplyHeader(buffer, index + COMMAND_PREFIX_LENGTH, producer.headerEncoder)
            .kind(MessageKind.TEXT)
            .format(PayloadFormat.JSON)
            .room(ROOM)
            .clientMessageId(CLIENT_MESSAGE_ID)
            .key(KEY)
            .putPayload(producer.payload, 0, PAYLOAD.length);
        commands.commit(index);

        return ++producer.sent;
    }

    /**
     * Roomwire's consumer: read one command in place.
     *
     * @param ring     shared.
     * @param consumer the decoders.
     * @param control  to stop spinning when the iteration ends.
     * @return checksum of what was read.
     */
    @Benchmark
    @Group("roomwireRing")
    @GroupThreads(1)
    public long roomwireRingConsume(final Ring ring, final RingConsumer consumer, final Control control)
    {
        final ManyToOneRingBuffer commands = ring.ring;
        while (commands.read(consumer, 1) == 0)
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                break;
            }
            Thread.onSpinWait();
        }

        return consumer.checksum;
    }

    // ---------------------------------------------------------------------------------------------- object queues

    /**
     * A producer of command objects: its reused receive buffer, which the command must copy its payload out of.
     * <p>
     * Owned by one producer thread.
     */
    @State(Scope.Thread)
    public static class ObjectProducer
    {
        final UnsafeBuffer receiveBuffer = new UnsafeBuffer(PAYLOAD.clone());
        long sent;

        /**
         * @return a new command with its own copy of the payload.
         */
        PublishCommand newCommand()
        {
            final byte[] payload = new byte[PAYLOAD.length];
            receiveBuffer.getBytes(0, payload);
            return new PublishCommand(
                sent, MessageKind.TEXT, PayloadFormat.JSON, ROOM, CLIENT_MESSAGE_ID, KEY, payload);
        }
    }

    /**
     * The consumer of command objects, and what it read.
     * <p>
     * Owned by the consumer thread.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ObjectConsumer
    {
        /**
         * Messages read in the iteration.
         */
        public long consumed;

        long checksum;
        long malformed;

        /**
         * Reset the counter at each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            consumed = 0;
        }

        /**
         * Fail the trial if a message was not what the producer wrote.
         */
        @TearDown(Level.Trial)
        public void check()
        {
            if (malformed != 0)
            {
                throw new IllegalStateException("malformed messages: " + malformed);
            }
        }

        /**
         * Read the fields {@link RingConsumer} reads.
         *
         * @param command polled.
         */
        void onCommand(final PublishCommand command)
        {
            final byte[] payload = command.payload;
            if (payload.length != PAYLOAD.length || command.room.length() != ROOM.length())
            {
                malformed++;
                return;
            }

            checksum += command.sessionId + command.kind.value() + command.format.value() + command.room.charAt(0) +
                command.clientMessageId.length() + command.key.length() + payload[0] + payload[payload.length - 1];
            consumed++;
        }
    }

    /**
     * The bounded {@link LinkedBlockingQueue} shared by the group's threads.
     * <p>
     * Created by JMH before the group's threads start; the queue is thread safe.
     */
    @State(Scope.Group)
    public static class BlockingQueue
    {
        LinkedBlockingQueue<PublishCommand> queue;

        /**
         * Create the queue.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
        }
    }

    /**
     * The seed's design's producer: a command object per message, offered to a {@link LinkedBlockingQueue}.
     *
     * @param queue    shared.
     * @param producer this thread's receive buffer.
     * @param control  to stop spinning when the iteration ends.
     * @return commands sent.
     */
    @Benchmark
    @Group("seedBaselineLinkedBlockingQueue")
    @GroupThreads(1)
    public long seedBaselineLinkedBlockingQueueOffer(
        final BlockingQueue queue, final ObjectProducer producer, final Control control)
    {
        final PublishCommand command = producer.newCommand();
        while (!queue.queue.offer(command))
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                return producer.sent;
            }
            Thread.onSpinWait();
        }

        return ++producer.sent;
    }

    /**
     * The seed's design's consumer: poll one command object and read it.
     *
     * @param queue    shared.
     * @param consumer what it read.
     * @param control  to stop spinning when the iteration ends.
     * @return checksum of what was read.
     */
    @Benchmark
    @Group("seedBaselineLinkedBlockingQueue")
    @GroupThreads(1)
    public long seedBaselineLinkedBlockingQueuePoll(
        final BlockingQueue queue, final ObjectConsumer consumer, final Control control)
    {
        PublishCommand command;
        while (null == (command = queue.queue.poll()))
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                return consumer.checksum;
            }
            Thread.onSpinWait();
        }
        consumer.onCommand(command);

        return consumer.checksum;
    }

    /**
     * The JCTools {@link MpscArrayQueue} shared by the group's threads.
     * <p>
     * Created by JMH before the group's threads start; the queue is safe for many producers and one consumer.
     */
    @State(Scope.Group)
    public static class MpscQueue
    {
        MpscArrayQueue<PublishCommand> queue;

        /**
         * Create the queue.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            queue = new MpscArrayQueue<>(QUEUE_CAPACITY);
        }
    }

    /**
     * A command object per message, offered to a JCTools {@link MpscArrayQueue}.
     *
     * @param queue    shared.
     * @param producer this thread's receive buffer.
     * @param control  to stop spinning when the iteration ends.
     * @return commands sent.
     */
    @Benchmark
    @Group("jctoolsBaselineMpscArrayQueue")
    @GroupThreads(1)
    public long jctoolsBaselineMpscArrayQueueOffer(
        final MpscQueue queue, final ObjectProducer producer, final Control control)
    {
        final PublishCommand command = producer.newCommand();
        while (!queue.queue.relaxedOffer(command))
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                return producer.sent;
            }
            Thread.onSpinWait();
        }

        return ++producer.sent;
    }

    /**
     * Poll one command object from the {@link MpscArrayQueue} and read it.
     *
     * @param queue    shared.
     * @param consumer what it read.
     * @param control  to stop spinning when the iteration ends.
     * @return checksum of what was read.
     */
    @Benchmark
    @Group("jctoolsBaselineMpscArrayQueue")
    @GroupThreads(1)
    public long jctoolsBaselineMpscArrayQueuePoll(
        final MpscQueue queue, final ObjectConsumer consumer, final Control control)
    {
        PublishCommand command;
        while (null == (command = queue.queue.relaxedPoll()))
        {
            if (control.stopMeasurement)
            {
                waitAfterStop();
                return consumer.checksum;
            }
            Thread.onSpinWait();
        }
        consumer.onCommand(command);

        return consumer.checksum;
    }
}
