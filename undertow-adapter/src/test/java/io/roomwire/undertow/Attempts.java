package io.roomwire.undertow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Repeats a measurement that a paused thread on a busy test machine can spoil, until one attempt is good or the
 * attempts run out. A test asking this keeps its assertion strict: a broken feature spoils every attempt.
 * <p>
 * Stateless; any thread.
 */
final class Attempts
{
    /**
     * One attempt of a measurement.
     */
    @FunctionalInterface
    interface Measurement
    {
        /**
         * @param attempt from 0.
         * @return what the attempt measured.
         * @throws Exception when it cannot be measured.
         */
        long measure(int attempt) throws Exception;
    }

    private Attempts()
    {
    }

    /**
     * @param most        attempts at most.
     * @param measurement one attempt.
     * @param isGood      whether a value ends the attempts.
     * @return the value of every attempt made, in order; the last is good unless all {@code most} were not.
     * @throws Exception from the measurement.
     */
    static List<Long> untilGood(final int most, final Measurement measurement, final LongPredicate isGood)
        throws Exception
    {
        final List<Long> values = new ArrayList<>();
        do
        {
            values.add(measurement.measure(values.size()));
        }
        while (values.size() < most && !isGood.test(values.get(values.size() - 1)));
        return values;
    }
}
