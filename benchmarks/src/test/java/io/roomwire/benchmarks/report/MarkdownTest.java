package io.roomwire.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MarkdownTest
{
    @Test
    void shouldFormatNumbersWithThreeSignificantDigitsBelowAThousandAndGroupedAbove()
    {
        assertEquals("0", Markdown.number(0));
        assertEquals("0.004", Markdown.number(0.0041));
        assertEquals("69.1", Markdown.number(69.12));
        assertEquals("444", Markdown.number(444.4));
        assertEquals("65,656", Markdown.number(65_656.2));
        assertEquals("–", Markdown.number(Double.NaN));
    }

    @Test
    void shouldFormatRatesAndRatiosWithSuffixes()
    {
        assertEquals("1.33 M", Markdown.rate(1_330_000));
        assertEquals("123 M", Markdown.rate(123_400_000));
        assertEquals("10.0 k", Markdown.rate(10_000));
        assertEquals("9,999", Markdown.rate(9_999));
        assertEquals("0.41×", Markdown.ratio(0.4123));
        assertEquals("36.5×", Markdown.ratio(36.49));
        assertEquals("2,491×", Markdown.ratio(2491.3));
        assertEquals("97%", Markdown.percent(0.97));
        assertEquals("–", Markdown.percent(-1));
    }

    @Test
    void shouldRenderATableWithAlignmentAndEscapedPipes()
    {
        final String table = new Markdown("name", ">value").row("a|b", "1").render();
        assertEquals("| name | value |\n|---|---:|\n| a\\|b | 1 |\n", table);
    }
}
