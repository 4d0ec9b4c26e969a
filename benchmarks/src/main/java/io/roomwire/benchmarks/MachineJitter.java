package io.roomwire.benchmarks;

/**
 * How often the machine takes a core away from a thread that never blocks: one thread reads {@link System#nanoTime()}
 * in a loop for a while and counts the gaps between consecutive reads by size. A gap is time the thread did not run
 * (an interrupt, the hypervisor, a JVM safepoint): no code on that core can answer faster than the machine lets it
 * run, so a latency target below the gaps that come more often than its percentile cannot be met here.
 * <p>
 * Usage: {@code taskset -c 1 java -cp benchmarks/target/benchmarks.jar io.roomwire.benchmarks.MachineJitter [seconds]}
 * <p>
 * Single-threaded.
 */
public final class MachineJitter
{
    private static final long[] THRESHOLDS_NS = { 5_000, 10_000, 50_000, 100_000, 1_000_000 };

    private MachineJitter()
    {
    }

    /**
     * @param args optional duration in seconds (default 10).
     */
    public static void main(final String[] args)
    {
        final long durationNs = (args.length > 0 ? Long.parseLong(args[0]) : 10) * 1_000_000_000L;
        final long[] counts = new long[THRESHOLDS_NS.length];
        final long startNs = System.nanoTime();
        final long endNs = startNs + durationNs;
        long lastNs = startNs;
        long maxGapNs = 0;
        long lostNs = 0;
        long reads = 0;
        while (lastNs < endNs)
        {
            final long nowNs = System.nanoTime();
            final long gapNs = nowNs - lastNs;
            lastNs = nowNs;
            reads++;
            maxGapNs = Math.max(maxGapNs, gapNs);
            if (gapNs > THRESHOLDS_NS[0])
            {
                for (int i = 0; i < THRESHOLDS_NS.length; i++)
                {
                    counts[i] += gapNs > THRESHOLDS_NS[i] ? 1 : 0;
                }
                lostNs += gapNs > THRESHOLDS_NS[1] ? gapNs : 0;
            }
        }

        final double seconds = (lastNs - startNs) / 1e9;
        System.out.printf("%,d reads in %.1f s; gaps per second over 5 us: %.0f, 10 us: %.0f, 50 us: %.0f, " +
            "100 us: %.1f, 1 ms: %.1f; longest %.1f us; time in gaps over 10 us: %.2f%%%n",
            reads, seconds, counts[0] / seconds, counts[1] / seconds, counts[2] / seconds, counts[3] / seconds,
            counts[4] / seconds, maxGapNs / 1e3, 100.0 * lostNs / (lastNs - startNs));
    }
}
