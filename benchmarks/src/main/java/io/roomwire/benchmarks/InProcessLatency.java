package io.roomwire.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * In-process publish to delivery latency at a fixed offered rate, without coordinated omission, in the manner of
 * Aeron's {@code Ping} sample.
 * <p>
 * The engine runs on its own thread ({@link Engine#launch(Engine.Context)}, busy-spinning by default). One embedder
 * thread owns a gateway with {@code fanout} receiver sessions in one room; it publishes with
 * {@link Gateway#serverPublish} on a fixed schedule, the i-th message intended at {@code t(i) = start + i / rate}, and
 * polls the gateway in between. The payload, a ~100-byte JSON object, carries {@code t(i)}. A message due while the
 * thread is behind is published at once but keeps its intended time, so time spent behind counts as latency (no
 * coordinated omission); a back-pressured publish is retried with the same {@code t(i)}. When the last of the
 * {@code fanout} receivers has been handed message {@code i}, {@code System.nanoTime() - t(i)} is recorded in an
 * HdrHistogram (nanoseconds, 3 significant digits): the latency from the intended publish until every receiver has the
 * message, one clock read per message (on this VM a clock read costs 35-60 ns, too much to pay per delivery at 10M
 * deliveries per second). Messages intended during the warm-up are not recorded.
 * <p>
 * The engine thread and the embedder thread each keep a core busy: on a 2-core machine, nothing else should run. With
 * {@value #ENGINE_PROP_NAME}{@code =invoker} the embedder thread drives the engine itself through its
 * {@code AgentInvoker} (publish, invoke, poll), so one core is busy and the other is left to the OS and the JVM.
 * <p>
 * Run with
 * {@code java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * io.roomwire.benchmarks.InProcessLatency}, with these system properties ({@code -Dname=value}) and defaults:
 * <ul>
 *     <li>{@value #RATE_PROP_NAME}: messages per second offered, {@value #RATE_DEFAULT};</li>
 *     <li>{@value #FANOUT_PROP_NAME}: receiver sessions in the room, {@value #FANOUT_DEFAULT};</li>
 *     <li>{@value #WARMUP_PROP_NAME}: warm-up duration, {@code 5s};</li>
 *     <li>{@value #MEASURE_PROP_NAME}: measured duration, {@code 10s};</li>
 *     <li>{@link Engine.Context#IDLE_STRATEGY_PROP_NAME}: the engine thread's idle strategy, {@code busy-spin};</li>
 *     <li>{@value #RESULT_FILE_PROP_NAME}: a file to write the result to as JSON (the settings, the counts, the
 *     percentiles in microseconds, the machine), for {@code BenchmarkReport}; none by default.</li>
 * </ul>
 * It prints the percentiles, the counts, and the machine it ran on.
 * <p>
 * Not thread safe: an instance is one run, owned by the embedder thread; its receivers run on that thread too.
 */
public final class InProcessLatency implements SessionHandler
{
    /**
     * Messages per second offered.
     */
    public static final String RATE_PROP_NAME = "roomwire.latency.rate";

    /**
     * Default rate: 100,000 messages per second.
     */
    public static final int RATE_DEFAULT = 100_000;

    /**
     * Receiver sessions in the room.
     */
    public static final String FANOUT_PROP_NAME = "roomwire.latency.fanout";

    /**
     * Default fan-out: 100 receivers.
     */
    public static final int FANOUT_DEFAULT = 100;

    /**
     * Warm-up duration (accepts {@code ns}, {@code us}, {@code ms}, {@code s} suffixes).
     */
    public static final String WARMUP_PROP_NAME = "roomwire.latency.warmup";

    /**
     * Default warm-up: 5 s.
     */
    public static final long WARMUP_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Measured duration (accepts {@code ns}, {@code us}, {@code ms}, {@code s} suffixes).
     */
    public static final String MEASURE_PROP_NAME = "roomwire.latency.measure";

    /**
     * Default measured duration: 10 s.
     */
    public static final long MEASURE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Default idle strategy of the engine thread.
     */
    public static final String IDLE_STRATEGY_DEFAULT = "busy-spin";

    /**
     * File to write the result to as JSON; none when not set.
     */
    public static final String RESULT_FILE_PROP_NAME = "roomwire.latency.result.file";

    /**
     * Who drives the engine: {@code thread} (its own thread under an {@code AgentRunner}, the default) or
     * {@code invoker} (the embedder's thread, through its {@code AgentInvoker}, between publishing and polling: one
     * busy thread instead of two, as a trading host that owns its duty cycle would run it).
     */
    public static final String ENGINE_PROP_NAME = "roomwire.latency.engine";

    /**
     * Default: the engine on its own thread.
     */
    public static final String ENGINE_DEFAULT = "thread";

    static final String ROOM = "latency";
    static final String AUTHOR = "feed";
    static final int MAX_PUBLISHES_PER_POLL = 16;
    static final int POLL_LIMIT = 64;
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    static final long JOIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Outbound budget of a receiver: large, so a receiver that falls behind (while the JIT warms up, or when the
     * thread is descheduled) shows up as latency rather than being cut loose; the room's log grows only while one
     * is behind.
     */
    static final int OUTBOUND_LENGTH = 32 * 1024 * 1024;
    static final int OUTBOUND_RECORDS = 1024 * 1024;
    static final int HISTORY_LENGTH = 2 * OUTBOUND_LENGTH;

    private static final byte[] PAYLOAD_PREFIX =
        "{\"content\":\"The quick brown fox jumps over the lazy dog; EURUSD 1.084120\",\"t\":\""
        .getBytes(StandardCharsets.US_ASCII);
    private static final int TIME_DIGITS = 19;
    private static final byte[] PAYLOAD_SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);

    private final Histogram histogram = new Histogram(1, HIGHEST_TRACKABLE_NS, 3);
    private final UnsafeBuffer payload =
        new UnsafeBuffer(new byte[PAYLOAD_PREFIX.length + TIME_DIGITS + PAYLOAD_SUFFIX.length]);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final DeliverDecoder deliverDecoder = new DeliverDecoder();
    private static final int SLOT_MASK = (1 << 20) - 1;

    private final int[] receivedBySlot = new int[SLOT_MASK + 1];
    private final long[] intendedBySlot = new long[SLOT_MASK + 1];
    private long startNs;
    private long recordFromNs;
    private long joined;
    private long deliveries;
    private long recorded;
    private long backPressured;

    private final int fanout;
    private AgentInvoker invoker;

    private InProcessLatency(final int fanout)
    {
        this.fanout = fanout;
        payload.putBytes(0, PAYLOAD_PREFIX);
        payload.putBytes(PAYLOAD_PREFIX.length + TIME_DIGITS, PAYLOAD_SUFFIX);
    }

    /**
     * Run the measurement, print the results and write them to {@value #RESULT_FILE_PROP_NAME} when set.
     *
     * @param args ignored; configure with system properties.
     * @throws IOException when the result file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final int rate = Integer.getInteger(RATE_PROP_NAME, RATE_DEFAULT);
        final int fanout = Integer.getInteger(FANOUT_PROP_NAME, FANOUT_DEFAULT);
        final long warmupNs = SystemUtil.getDurationInNanos(WARMUP_PROP_NAME, WARMUP_DEFAULT_NS);
        final long measureNs = SystemUtil.getDurationInNanos(MEASURE_PROP_NAME, MEASURE_DEFAULT_NS);
        final String idleStrategy = System.getProperty(Engine.Context.IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
        final String resultFile = System.getProperty(RESULT_FILE_PROP_NAME);
        final String engineMode = System.getProperty(ENGINE_PROP_NAME, ENGINE_DEFAULT);

        final Map<String, Object> result = measure(rate, fanout, warmupNs, measureNs, idleStrategy, engineMode);
        if (null != resultFile)
        {
            final Path path = Path.of(resultFile);
            if (null != path.getParent())
            {
                Files.createDirectories(path.getParent());
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(path.toFile(), result);
            System.out.println("result written to " + path);
        }
    }

    /**
     * Run the measurement once and print the results.
     *
     * @param rate         messages per second offered.
     * @param fanout       receiver sessions in the room.
     * @param warmupNs     warm-up, not recorded.
     * @param measureNs    measured duration.
     * @param idleStrategy of the engine thread, by name ({@link Engine.Context#idleStrategy(String)}).
     * @return the result: {@code settings}, {@code machine}, the counts, {@code valid}, and {@code latencyUs} with
     * {@code p50}, {@code p90}, {@code p99}, {@code p99.9}, {@code p99.99}, {@code max} and {@code count}.
     */
    public static Map<String, Object> measure(
        final int rate, final int fanout, final long warmupNs, final long measureNs, final String idleStrategy)
    {
        return measure(rate, fanout, warmupNs, measureNs, idleStrategy, ENGINE_DEFAULT);
    }

    /**
     * Run the measurement once and print the results.
     *
     * @param rate         messages per second offered.
     * @param fanout       receiver sessions in the room.
     * @param warmupNs     warm-up, not recorded.
     * @param measureNs    measured duration.
     * @param idleStrategy of the engine thread, by name ({@link Engine.Context#idleStrategy(String)}).
     * @param engineMode   {@code thread} or {@code invoker} (see {@link #ENGINE_PROP_NAME}).
     * @return the result, as {@link #measure(int, int, long, long, String)} describes.
     */
    public static Map<String, Object> measure(
        final int rate,
        final int fanout,
        final long warmupNs,
        final long measureNs,
        final String idleStrategy,
        final String engineMode)
    {
        if (rate < 1 || fanout < 1 || measureNs <= 0 || warmupNs < 0)
        {
            throw new IllegalArgumentException("rate, fanout and measure must be positive, warmup not negative");
        }
        if (!"thread".equals(engineMode) && !"invoker".equals(engineMode))
        {
            throw new IllegalArgumentException(ENGINE_PROP_NAME + " must be thread or invoker: " + engineMode);
        }
        final boolean isInvoked = "invoker".equals(engineMode);

        System.out.println("InProcessLatency: rate=" + rate + " msg/s, fanout=" + fanout + ", warmup=" +
            TimeUnit.NANOSECONDS.toMillis(warmupNs) + " ms, measure=" + TimeUnit.NANOSECONDS.toMillis(measureNs) +
            " ms, " + (isInvoked ? "engine invoked by the embedder thread" : "engine idle strategy=" + idleStrategy) +
            ", embedder thread: busy poll");
        System.out.println("machine: cores=" + Runtime.getRuntime().availableProcessors() + ", JDK " +
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", " +
            System.getProperty("os.name") + " " + System.getProperty("os.arch"));

        final InProcessLatency latency = new InProcessLatency(fanout);
        try (Engine engine = Engine.launch(new Engine.Context()
            .useAgentInvoker(isInvoked)
            .idleStrategy(Engine.Context.idleStrategy(idleStrategy))
            .maxMembersPerRoom(fanout)
            .historyLength(HISTORY_LENGTH)
            .outboundLength(OUTBOUND_LENGTH)
            .outboundRecords(OUTBOUND_RECORDS)))
        {
            latency.invoker = engine.invoker();
            final Gateway gateway = engine.newGateway();
            latency.joinReceivers(gateway, fanout);
            final long published = latency.run(gateway, rate, warmupNs, measureNs);
            final Map<String, Object> result = latency.report(
                engine.engineCounters(), published, rate, fanout, warmupNs, measureNs,
                isInvoked ? "invoker" : idleStrategy);
            gateway.close();
            return result;
        }
    }

    private void joinReceivers(final Gateway gateway, final int fanout)
    {
        for (int i = 0; i < fanout; i++)
        {
            final long sessionId = gateway.openSession("receiver-" + i, new String[]{ ROOM }, new String[0]);
            if (sessionId < 0 || gateway.join(sessionId, ROOM, null) < 0)
            {
                throw new IllegalStateException("open or join refused");
            }
        }

        final long deadlineNs = System.nanoTime() + JOIN_TIMEOUT_NS;
        while (joined < fanout)
        {
            poll(gateway);
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("joined " + joined + " of " + fanout);
            }
        }
    }

    /**
     * Publish on schedule and poll until the end, then drain.
     *
     * @return messages published.
     */
    private long run(final Gateway gateway, final int rate, final long warmupNs, final long measureNs)
    {
        final double intervalNs = 1e9 / rate;
        final int payloadLength = payload.capacity();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        final long endNs = start + warmupNs + measureNs;
        startNs = start;
        recordFromNs = start + warmupNs;

        long index = 0;
        long intendedNs = start;
        long nowNs;
        while ((nowNs = System.nanoTime()) < endNs)
        {
            for (int i = 0; i < MAX_PUBLISHES_PER_POLL && intendedNs <= nowNs; i++)
            {
                putTime(intendedNs - start);
                if (gateway.serverPublish(ROOM, MessageKind.TEXT, PayloadFormat.JSON, AUTHOR, null,
                    payload, 0, payloadLength) < 0)
                {
                    backPressured++;
                    break;
                }
                index++;
                intendedNs = start + (long)(index * intervalNs);
            }
            poll(gateway);
        }

        final long drainDeadlineNs = System.nanoTime() + DRAIN_TIMEOUT_NS;
        while (System.nanoTime() < drainDeadlineNs)
        {
            poll(gateway);
        }
        if (backPressured > 0)
        {
            System.out.println("publish attempts refused by a full inbound ring (retried with the same t(i)): " +
                backPressured);
        }

        return index;
    }

    /**
     * One duty cycle of the embedder: the engine's, when this thread drives it, then the gateway's.
     */
    private void poll(final Gateway gateway)
    {
        if (null != invoker)
        {
            invoker.invoke();
        }
        gateway.poll(this, POLL_LIMIT);
    }

    private Map<String, Object> report(
        final EngineCounters counters,
        final long published,
        final int rate,
        final int fanout,
        final long warmupNs,
        final long measureNs,
        final String idleStrategy)
    {
        final double runSeconds = (warmupNs + measureNs) / 1e9;
        final long laggingCuts = counters.total(EngineCounters.GatewayCounter.LAGGING_CUTS);
        final long errors = counters.get(EngineCounters.SystemCounter.ERRORS);
        final boolean isValid = laggingCuts == 0 && errors == 0 && deliveries == published * fanout;
        System.out.println("published=" + published + " (" + (long)(published / runSeconds) + " msg/s achieved)" +
            ", deliveries=" + deliveries + " of " + (published * fanout) +
            ", recorded=" + recorded + ", lagging cuts=" + laggingCuts + ", errors=" + errors);
        if (!isValid)
        {
            System.out.println("INVALID RUN: receivers were cut loose or deliveries are missing; the histogram " +
                "holds only what was delivered");
        }
        System.out.printf(
            "latency (intended publish time to delivery), us: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f p99.99=%.2f " +
            "max=%.2f count=%d%n",
            micros(histogram.getValueAtPercentile(50)),
            micros(histogram.getValueAtPercentile(90)),
            micros(histogram.getValueAtPercentile(99)),
            micros(histogram.getValueAtPercentile(99.9)),
            micros(histogram.getValueAtPercentile(99.99)),
            micros(histogram.getMaxValue()),
            histogram.getTotalCount());

        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rate", rate);
        settings.put("fanout", fanout);
        settings.put("warmupMs", TimeUnit.NANOSECONDS.toMillis(warmupNs));
        settings.put("measureMs", TimeUnit.NANOSECONDS.toMillis(measureNs));
        settings.put("idleStrategy", idleStrategy);
        settings.put("embedder", null == invoker ? "busy poll" : "busy poll, invokes the engine");

        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch"));

        final Map<String, Object> latencyUs = new LinkedHashMap<>();
        latencyUs.put("p50", micros(histogram.getValueAtPercentile(50)));
        latencyUs.put("p90", micros(histogram.getValueAtPercentile(90)));
        latencyUs.put("p99", micros(histogram.getValueAtPercentile(99)));
        latencyUs.put("p99.9", micros(histogram.getValueAtPercentile(99.9)));
        latencyUs.put("p99.99", micros(histogram.getValueAtPercentile(99.99)));
        latencyUs.put("max", micros(histogram.getMaxValue()));
        latencyUs.put("count", histogram.getTotalCount());

        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "InProcessLatency");
        result.put("settings", settings);
        result.put("machine", machine);
        result.put("published", published);
        result.put("achievedRate", published / runSeconds);
        result.put("deliveries", deliveries);
        result.put("expectedDeliveries", published * fanout);
        result.put("recorded", recorded);
        result.put("backPressured", backPressured);
        result.put("laggingCuts", laggingCuts);
        result.put("errors", errors);
        result.put("valid", isValid);
        result.put("latencyUs", latencyUs);
        return result;
    }

    private static double micros(final long nanos)
    {
        return nanos / 1000.0;
    }

    /**
     * Write the intended time, relative to the start, as fixed-width decimal digits in the payload.
     */
    private void putTime(final long relativeNs)
    {
        long value = relativeNs;
        for (int i = PAYLOAD_PREFIX.length + TIME_DIGITS - 1; i >= PAYLOAD_PREFIX.length; i--)
        {
            payload.putByte(i, (byte)('0' + (value % 10)));
            value /= 10;
        }
    }

    /**
     * Counts the receivers' {@code Joined}.
     * {@inheritDoc}
     */
    public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (headerDecoder.wrap(buffer, offset).templateId() == JoinedDecoder.TEMPLATE_ID)
        {
            joined++;
        }
    }

    /**
     * A receiver: reads the intended time from the payload and records the latency.
     * {@inheritDoc}
     */
    public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageHeaderDecoder header = headerDecoder.wrap(buffer, offset);
        if (header.templateId() != DeliverDecoder.TEMPLATE_ID)
        {
            return true;
        }

        // Every receiver is handed the same record: read its intended time when its first receiver gets it, and
        // record the latency once, when its last receiver has it (one clock read per message, not per delivery).
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final long seq = buffer.getLong(bodyOffset + DeliverDecoder.seqEncodingOffset());
        final int slot = (int)seq & SLOT_MASK;
        if (receivedBySlot[slot] == 0)
        {
            final DeliverDecoder decoder =
                deliverDecoder.wrap(buffer, bodyOffset, header.blockLength(), header.version());
            decoder.skipRoom();
            decoder.skipAuthor();
            decoder.skipKey();
            final int timeOffset = decoder.limit() + DeliverDecoder.payloadHeaderLength() + PAYLOAD_PREFIX.length;
            intendedBySlot[slot] = startNs + buffer.parseNaturalLongAscii(timeOffset, TIME_DIGITS);
        }

        deliveries++;
        if (++receivedBySlot[slot] == fanout)
        {
            receivedBySlot[slot] = 0;
            final long intendedNs = intendedBySlot[slot];
            if (intendedNs >= recordFromNs)
            {
                histogram.recordValue(Math.min(Math.max(System.nanoTime() - intendedNs, 1), HIGHEST_TRACKABLE_NS));
                recorded++;
            }
        }

        return true;
    }
}
