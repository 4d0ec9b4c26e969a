package io.roomwire.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatsTest
{
    private static final double EPSILON = 1e-9;

    @Test
    void shouldTakeTheMiddleValueOfAnOddCountAndTheMeanOfTheTwoMiddleOfAnEvenCount()
    {
        assertEquals(3.0, Stats.median(new double[]{ 5, 1, 3 }), EPSILON);
        assertEquals(2.5, Stats.median(new double[]{ 4, 1, 3, 2 }), EPSILON);
        assertEquals(7.0, Stats.median(new double[]{ 7 }), EPSILON);
    }

    @Test
    void shouldInterpolateQuartilesLinearlyBetweenClosestRanks()
    {
        final Stats stats = new Stats(new double[]{ 3.6, 3.3, 3.5, 3.4 });
        assertEquals(3.375, stats.q1(), EPSILON, "rank 0.75 of 3.3, 3.4");
        assertEquals(3.525, stats.q3(), EPSILON, "rank 2.25 of 3.5, 3.6");
        assertEquals(3.3, stats.min(), EPSILON);
        assertEquals(3.6, stats.max(), EPSILON);
        assertEquals(4, stats.count());

        final Stats one = new Stats(new double[]{ 42 });
        assertEquals(42, one.q1(), EPSILON);
        assertEquals(42, one.q3(), EPSILON);
    }

    @Test
    void shouldRefuseAnEmptySample()
    {
        assertThrows(IllegalArgumentException.class, () -> new Stats(new double[0]));
    }
}
