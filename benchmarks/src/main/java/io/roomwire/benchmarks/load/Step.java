package io.roomwire.benchmarks.load;

/**
 * One step of offered load: its rate and its times, all {@link System#nanoTime()}. Messages are intended from
 * {@link #publishStartNs} until {@link #publishEndNs}; those intended from {@link #measureStartNs} (after the warm-up)
 * are measured. Handed from the controller to the pacer and the receiver loops through a volatile field.
 * <p>
 * Immutable; safe from any thread.
 */
final class Step
{
    final int index;
    final double rate;
    final long publishStartNs;
    final long measureStartNs;
    final long publishEndNs;

    /**
     * @param index          of the step, from 0.
     * @param rate           messages per second, over all publishers.
     * @param publishStartNs first intended publish time.
     * @param measureStartNs start of the measured window.
     * @param publishEndNs   end of the measured window and of publishing.
     */
    Step(
        final int index, final double rate, final long publishStartNs, final long measureStartNs, final long publishEndNs)
    {
        this.index = index;
        this.rate = rate;
        this.publishStartNs = publishStartNs;
        this.measureStartNs = measureStartNs;
        this.publishEndNs = publishEndNs;
    }

    /**
     * @return the measured window's length in nanoseconds.
     */
    long measureNs()
    {
        return publishEndNs - measureStartNs;
    }
}
