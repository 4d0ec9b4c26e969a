package io.roomwire.undertow;

import io.roomwire.engine.EngineCounters;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The edge's own counters, and the text of {@code /metrics}: engine counters, connections per transport, bytes,
 * close codes, limits hit, authentication failures, and the JVM, in the Prometheus text exposition format.
 * <p>
 * Thread safe: counters are updated by every I/O thread and read by the thread serving {@code /metrics}.
 */
final class Metrics
{
    private static final String[] TRANSPORTS = { "websocket", "sse", "longpoll", "http" };

    private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
    private final AtomicLong httpStateHeld = new AtomicLong();
    private final Map<String, LongAdder> opened = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder socketWrites = new LongAdder();
    private final LongAdder writesThrough = new LongAdder();
    private final LongAdder outboundBufferAllocations = new LongAdder();
    private final LongAdder outboundBufferGrowths = new LongAdder();
    private final LongAdder laggingCloses = new LongAdder();
    private final LongAdder endpointErrors = new LongAdder();
    private final LongAdder warmupBounces = new LongAdder();
    private final LongAdder warmupNs = new LongAdder();
    private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> limitHits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> httpRequests = new ConcurrentHashMap<>();

    Metrics()
    {
        for (final String transport : TRANSPORTS)
        {
            connections.put(transport, new AtomicLong());
            opened.put(transport, new LongAdder());
        }
    }

    void opened(final String transport)
    {
        connections.get(transport).incrementAndGet();
        opened.get(transport).increment();
    }

    /**
     * A WebSocket whose HTTP state Undertow keeps until it closes opened ({@code +1}) or closed ({@code -1}).
     *
     * @param delta +1 or -1.
     */
    void httpStateHeld(final int delta)
    {
        httpStateHeld.addAndGet(delta);
    }

    void closed(final String transport)
    {
        connections.get(transport).decrementAndGet();
    }

    long connections(final String transport)
    {
        return connections.get(transport).get();
    }

    void bytesIn(final long bytes)
    {
        bytesIn.add(bytes);
    }

    void bytesOut(final long bytes)
    {
        bytesOut.add(bytes);
    }

    void socketWrite()
    {
        socketWrites.increment();
    }

    void writeThrough()
    {
        writesThrough.increment();
    }

    /**
     * @return the counter of outbound buffers the I/O threads' pools allocated, none of the size being free.
     */
    LongAdder outboundBufferAllocations()
    {
        return outboundBufferAllocations;
    }

    /**
     * A connection's outbound bytes outgrew their buffer and were copied to a larger one.
     */
    void outboundBufferGrown()
    {
        outboundBufferGrowths.increment();
    }

    void laggingClose()
    {
        laggingCloses.increment();
    }

    void endpointError()
    {
        endpointErrors.increment();
    }

    /**
     * An I/O thread's start-up warm-up ended (see {@link SelectLoopWarmup}).
     *
     * @param bounces    reads of a ready loopback socket it went through, a select each.
     * @param durationNs it took.
     */
    void warmedUp(final int bounces, final long durationNs)
    {
        warmupBounces.add(bounces);
        warmupNs.add(durationNs);
    }

    /**
     * @return bounces of the I/O threads' start-up warm-ups, all threads.
     */
    long warmupBounces()
    {
        return warmupBounces.sum();
    }

    /**
     * @return time the I/O threads' start-up warm-ups took, all threads added.
     */
    long warmupNs()
    {
        return warmupNs.sum();
    }

    void closeCode(final int code)
    {
        closeCodes.computeIfAbsent(code, (c) -> new LongAdder()).increment();
    }

    void limitHit(final String limit)
    {
        limitHits.computeIfAbsent(limit, (l) -> new LongAdder()).increment();
    }

    void authFailure(final String reason)
    {
        authFailures.computeIfAbsent(reason, (r) -> new LongAdder()).increment();
    }

    void httpRequest(final String endpoint)
    {
        httpRequests.computeIfAbsent(endpoint, (e) -> new LongAdder()).increment();
    }

    /**
     * @param engineCounters of the engine.
     * @return the Prometheus text of every metric.
     */
    String render(final EngineCounters engineCounters)
    {
        final StringBuilder out = new StringBuilder(8192);
        for (final EngineCounters.SystemCounter counter : EngineCounters.SystemCounter.values())
        {
            final boolean isGauge = counter == EngineCounters.SystemCounter.SESSIONS ||
                counter == EngineCounters.SystemCounter.ROOMS || counter == EngineCounters.SystemCounter.GATEWAYS ||
                counter == EngineCounters.SystemCounter.INBOUND_RING_OCCUPANCY;
            final String name = "roomwire_engine_" + snake(counter.label()) + (isGauge ? "" : "_total");
            metric(out, name, isGauge ? "gauge" : "counter", "engine: " + counter.label(), engineCounters.get(counter));
        }
        for (final EngineCounters.GatewayCounter counter : EngineCounters.GatewayCounter.values())
        {
            metric(out, "roomwire_engine_" + snake(counter.label()) + "_total", "counter",
                "engine, all gateways: " + counter.label(), engineCounters.total(counter));
        }

        header(out, "roomwire_connections", "gauge", "open connections by transport");
        for (final String transport : TRANSPORTS)
        {
            out.append("roomwire_connections{transport=\"").append(transport).append("\"} ")
                .append(connections.get(transport).get()).append('\n');
        }
        metric(out, "roomwire_websocket_http_state_held", "gauge",
            "open WebSockets whose HTTP state Undertow still holds (~1 KB each: see UpgradeRelease)",
            httpStateHeld.get());
        header(out, "roomwire_connections_opened_total", "counter", "connections opened by transport");
        for (final String transport : TRANSPORTS)
        {
            out.append("roomwire_connections_opened_total{transport=\"").append(transport).append("\"} ")
                .append(opened.get(transport).sum()).append('\n');
        }
        metric(out, "roomwire_bytes_received_total", "counter", "bytes read from clients", bytesIn.sum());
        metric(out, "roomwire_bytes_sent_total", "counter", "bytes written to clients", bytesOut.sum());
        metric(out, "roomwire_socket_writes_total", "counter", "system calls writing to clients (many records each under load)",
            socketWrites.sum());
        metric(out, "roomwire_socket_writes_through_total", "counter",
            "connections written as soon as their records of a drain were complete, before the drain's end (light load)",
            writesThrough.sum());
        metric(out, "roomwire_outbound_buffers_allocated_total", "counter",
            "outbound buffers allocated because the I/O thread's pool had none of the size free (steady traffic: none)",
            outboundBufferAllocations.sum());
        metric(out, "roomwire_outbound_buffer_growths_total", "counter",
            "outbound bytes copied to a larger buffer because a drain brought a connection more than its last write",
            outboundBufferGrowths.sum());
        metric(out, "roomwire_lagging_disconnects_total", "counter", "connections closed because they lagged",
            laggingCloses.sum());
        metric(out, "roomwire_endpoint_errors_total", "counter", "connections closed after an unexpected error",
            endpointErrors.sum());
        metric(out, "roomwire_warmup_bounces_total", "counter",
            "bounces (a select and a read each) the I/O threads' loops went through at start, to be compiled before traffic (all threads)",
            warmupBounces());
        metric(out, "roomwire_warmup_seconds_total", "counter", "time the I/O threads' start-up warm-ups took (all threads)",
            warmupNs() / 1e9);
        labelled(out, "roomwire_close_codes_total", "WebSocket close codes sent", "code", closeCodes);
        labelled(out, "roomwire_limit_hits_total", "requests or connections refused by a limit", "limit", limitHits);
        labelled(out, "roomwire_auth_failures_total", "refused authentications", "reason", authFailures);
        labelled(out, "roomwire_http_requests_total", "HTTP requests by endpoint", "endpoint", httpRequests);

        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        metric(out, "jvm_memory_heap_used_bytes", "gauge", "heap used", memory.getHeapMemoryUsage().getUsed());
        metric(out, "jvm_memory_heap_committed_bytes", "gauge", "heap committed", memory.getHeapMemoryUsage().getCommitted());
        metric(out, "jvm_memory_heap_max_bytes", "gauge", "heap max", memory.getHeapMemoryUsage().getMax());
        metric(out, "jvm_memory_nonheap_used_bytes", "gauge", "non-heap used", memory.getNonHeapMemoryUsage().getUsed());
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                metric(out, "jvm_memory_direct_used_bytes", "gauge",
                    "direct buffers in use: room logs (history) and outbound buffers", pool.getMemoryUsed());
            }
        }
        metric(out, "jvm_threads_live", "gauge", "live threads", ManagementFactory.getThreadMXBean().getThreadCount());
        long gcCount = 0;
        long gcTimeMs = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcTimeMs += Math.max(0, gc.getCollectionTime());
        }
        metric(out, "jvm_gc_collections_total", "counter", "garbage collections", gcCount);
        metric(out, "jvm_gc_pause_seconds_total", "counter", "time in garbage collection", gcTimeMs / 1000.0);
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            metric(out, "process_cpu_seconds_total", "counter", "CPU time of the process",
                ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime() / 1e9);
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean)
        {
            metric(out, "process_open_fds", "gauge", "open file descriptors",
                ((com.sun.management.UnixOperatingSystemMXBean)os).getOpenFileDescriptorCount());
        }
        metric(out, "process_uptime_seconds", "gauge", "uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);

        return out.toString();
    }

    private static void labelled(
        final StringBuilder out,
        final String name,
        final String help,
        final String label,
        final Map<?, LongAdder> values)
    {
        header(out, name, "counter", help);
        for (final Map.Entry<String, Long> entry : sorted(values).entrySet())
        {
            out.append(name).append('{').append(label).append("=\"").append(entry.getKey()).append("\"} ")
                .append(entry.getValue()).append('\n');
        }
    }

    private static Map<String, Long> sorted(final Map<?, LongAdder> values)
    {
        final Map<String, Long> sorted = new TreeMap<>();
        values.forEach((key, adder) -> sorted.put(String.valueOf(key), adder.sum()));
        return sorted;
    }

    private static void metric(final StringBuilder out, final String name, final String type, final String help,
        final double value)
    {
        header(out, name, type, help);
        out.append(name).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
        out.append('\n');
    }

    private static void header(final StringBuilder out, final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String snake(final String label)
    {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
