package io.roomwire.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Markdown tables and the number formats of the report.
 * <p>
 * A table is built by one thread; the static formatters are safe from any thread.
 */
final class Markdown
{
    /**
     * Text for a value that was not measured or does not apply.
     */
    static final String NONE = "–";

    private final String[] headers;
    private final boolean[] isRightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers of the columns; a header starting with {@code >} is right aligned (the {@code >} is dropped).
     */
    Markdown(final String... headers)
    {
        this.headers = new String[headers.length];
        isRightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            isRightAligned[i] = headers[i].startsWith(">");
            this.headers[i] = isRightAligned[i] ? headers[i].substring(1) : headers[i];
        }
    }

    /**
     * @param cells of the row, one per column.
     * @return this for a fluent API.
     */
    Markdown row(final String... cells)
    {
        if (cells.length != headers.length)
        {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table " + headers.length);
        }
        rows.add(cells.clone());
        return this;
    }

    /**
     * @return true when no row was added.
     */
    boolean isEmpty()
    {
        return rows.isEmpty();
    }

    /**
     * @return the table, each line ending with a newline.
     */
    String render()
    {
        final StringBuilder out = new StringBuilder();
        out.append('|');
        for (final String header : headers)
        {
            out.append(' ').append(escape(header)).append(" |");
        }
        out.append("\n|");
        for (final boolean right : isRightAligned)
        {
            out.append(right ? "---:|" : "---|");
        }
        out.append('\n');
        for (final String[] row : rows)
        {
            out.append('|');
            for (final String cell : row)
            {
                out.append(' ').append(escape(null == cell ? NONE : cell)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String escape(final String cell)
    {
        return cell.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * Three significant digits below 1,000 ({@code 0.004}, {@code 69.1}, {@code 444}), whole numbers with
     * thousands separators from 1,000 on ({@code 65,656}).
     *
     * @param value to format.
     * @return the text, or {@link #NONE} for NaN.
     */
    static String number(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return NONE;
        }
        final double magnitude = Math.abs(value);
        if (value == 0)
        {
            return "0";
        }
        if (magnitude >= 999.5)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 99.95)
        {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 9.995)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 0.9995)
        {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /**
     * A rate: three significant digits with {@code k}, {@code M} or {@code G} from 10,000 on ({@code 1.33 M},
     * {@code 123 M}), {@link #number(double)} below.
     *
     * @param value to format.
     * @return the text, or {@link #NONE} for NaN.
     */
    static String rate(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return NONE;
        }
        final double magnitude = Math.abs(value);
        if (magnitude >= 999.5e6)
        {
            return significant(value / 1e9) + " G";
        }
        if (magnitude >= 999.5e3)
        {
            return significant(value / 1e6) + " M";
        }
        if (magnitude >= 1e4)
        {
            return significant(value / 1e3) + " k";
        }
        return number(value);
    }

    /**
     * @param value to format, in a unit ({@code ops/s}, {@code ns/op}, ...).
     * @param unit  of the value: rates ({@code /s}) are formatted by {@link #rate(double)}.
     * @return the text.
     */
    static String inUnit(final double value, final String unit)
    {
        return unit.endsWith("/s") || unit.endsWith("/sec") ? rate(value) : number(value);
    }

    /**
     * @param ratio to format, such as {@code 36.5×} or {@code 0.41×}.
     * @return the text, or {@link #NONE} for NaN.
     */
    static String ratio(final double ratio)
    {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio))
        {
            return NONE;
        }
        return significant(ratio) + "×";
    }

    /**
     * @param share a fraction, such as 0.97.
     * @return {@code 97%}, or {@link #NONE} for a negative (unknown) share.
     */
    static String percent(final double share)
    {
        if (Double.isNaN(share) || share < 0)
        {
            return NONE;
        }
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String significant(final double value)
    {
        final double magnitude = Math.abs(value);
        if (magnitude >= 999.5)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 99.95)
        {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 9.995)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
