package io.roomwire.benchmarks.report;

import java.util.Arrays;

/**
 * Order statistics of a sample: quantiles by linear interpolation between the closest ranks (Hyndman and Fan's type
 * 7, the default of R and of spreadsheets' {@code PERCENTILE.INC}), so the median of an even count is the mean of the
 * two middle values.
 * <p>
 * Immutable; safe from any thread.
 */
final class Stats
{
    private final double[] sorted;

    /**
     * @param values the sample, not empty; copied.
     */
    Stats(final double[] values)
    {
        if (values.length == 0)
        {
            throw new IllegalArgumentException("empty sample");
        }
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    /**
     * @return number of values.
     */
    int count()
    {
        return sorted.length;
    }

    /**
     * @return the smallest value.
     */
    double min()
    {
        return sorted[0];
    }

    /**
     * @return the largest value.
     */
    double max()
    {
        return sorted[sorted.length - 1];
    }

    /**
     * @return the median.
     */
    double median()
    {
        return quantile(0.5);
    }

    /**
     * @return the first quartile.
     */
    double q1()
    {
        return quantile(0.25);
    }

    /**
     * @return the third quartile.
     */
    double q3()
    {
        return quantile(0.75);
    }

    /**
     * @param p in [0, 1].
     * @return the p-quantile, interpolated linearly between the closest ranks.
     */
    double quantile(final double p)
    {
        if (p < 0 || p > 1)
        {
            throw new IllegalArgumentException("p must be in [0, 1]: " + p);
        }
        final double h = (sorted.length - 1) * p;
        final int below = (int)Math.floor(h);
        final int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }

    /**
     * @param values a sample, not empty.
     * @return its median.
     */
    static double median(final double[] values)
    {
        return new Stats(values).median();
    }
}
