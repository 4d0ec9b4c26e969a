package io.roomwire.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the generated results section of a markdown file (such as {@code docs/benchmarks.md}) from a results
 * directory:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.roomwire.benchmarks.report.BenchmarkReport \
 *     &lt;resultsDir&gt; &lt;markdownFile&gt; [--stop-p99-ms=100]
 * </pre>
 * The results directory may hold {@code machine.txt} and {@code run.json} (the machine and the command, written by
 * the suite script), {@code jmh/commands.txt} (the commands {@code benchmarks/jmh.sh} ran), {@code jmh/*.json} (JMH,
 * {@code -rf json}; see {@link JmhSection}), {@code latency/*.json} or {@code *.txt} ({@code InProcessLatency}; see
 * {@link LatencySection}) and {@code e2e/*.jsonl} (the load generator; see {@link EndToEndSection}). What is missing
 * is reported as not run.
 * <p>
 * The section goes between the lines {@value #BEGIN_MARKER} and {@value #END_MARKER}, replacing what was there and
 * leaving the rest of the file, the hand-written analysis, as it was; without the markers it is appended at the end,
 * with them. The output depends only on the inputs (no clock is read), so running it twice changes nothing.
 * <p>
 * The p99 limit of a sustained end-to-end step is {@code --stop-p99-ms}, else {@code stopP99Ms} of {@code run.json},
 * else 100 ms, the load generator's default.
 * <p>
 * Not thread safe: one run, on the calling thread.
 */
public final class BenchmarkReport
{
    /**
     * Line before the generated section.
     */
    public static final String BEGIN_MARKER = "<!-- generated:begin -->";

    /**
     * Line after the generated section.
     */
    public static final String END_MARKER = "<!-- generated:end -->";

    /**
     * Default p99 limit of a sustained end-to-end step.
     */
    public static final double STOP_P99_MS_DEFAULT = 100;

    private static final String STOP_P99_OPTION = "--stop-p99-ms=";

    private BenchmarkReport()
    {
    }

    /**
     * @param args {@code <resultsDir> <markdownFile> [--stop-p99-ms=N]}.
     * @throws IOException when an input cannot be listed or the markdown file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].startsWith(STOP_P99_OPTION)))
        {
            System.err.println("usage: BenchmarkReport <resultsDir> <markdownFile> [" + STOP_P99_OPTION + "N]");
            System.exit(2);
        }
        final Path resultsDir = Path.of(args[0]);
        if (!Files.isDirectory(resultsDir))
        {
            System.err.println("not a directory: " + resultsDir);
            System.exit(2);
        }
        final Double stopP99Ms = args.length == 3 ?
            Double.valueOf(args[2].substring(STOP_P99_OPTION.length())) : null;

        final Path markdown = Path.of(args[1]);
        final String generated = generate(resultsDir, stopP99Ms);
        writeGenerated(markdown, generated);
        System.out.println("BenchmarkReport: wrote " + generated.length() + " characters from " + resultsDir +
            " between the markers of " + markdown);
    }

    /**
     * @param resultsDir holding the results.
     * @param stopP99Ms  the p99 limit of a sustained end-to-end step; null for {@code run.json}'s or the default.
     * @return the generated markdown, ending with a newline.
     * @throws IOException when a directory cannot be listed.
     */
    public static String generate(final Path resultsDir, final Double stopP99Ms) throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        JsonNode run = null;
        String runProblem = null;
        final Path runFile = resultsDir.resolve("run.json");
        if (Files.exists(runFile))
        {
            try
            {
                run = mapper.readTree(runFile.toFile());
            }
            catch (final IOException ex)
            {
                runProblem = "run.json could not be read: " + ex.getMessage();
            }
        }

        double stopMs = STOP_P99_MS_DEFAULT;
        if (null != stopP99Ms)
        {
            stopMs = stopP99Ms;
        }
        else if (null != run && run.path("stopP99Ms").isNumber())
        {
            stopMs = run.path("stopP99Ms").asDouble();
        }

        final StringBuilder out = new StringBuilder();
        out.append("## Generated results\n\n")
            .append("Written by `io.roomwire.benchmarks.report.BenchmarkReport` from `")
            .append(resultsDir.getFileName()).append("`; everything between the `generated` markers is replaced ")
            .append("on each run, so edit the analysis outside them.\n\n");
        appendMachineAndRun(out, resultsDir, run, runProblem);
        out.append(new JmhSection().read(resultsDir.resolve("jmh")).render());
        out.append(new LatencySection().read(resultsDir.resolve("latency")).render());
        out.append(new EndToEndSection(stopMs).read(resultsDir.resolve("e2e")).render());

        String text = out.toString();
        while (text.endsWith("\n\n"))
        {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    private static void appendMachineAndRun(
        final StringBuilder out, final Path resultsDir, final JsonNode run, final String runProblem) throws IOException
    {
        out.append("### Machine and run\n\n");
        if (null == run)
        {
            out.append(null == runProblem ? "`run.json`: not found.\n\n" : runProblem + "\n\n");
        }
        else
        {
            final JsonNode command = run.get("command");
            if (null != command)
            {
                out.append("Command:\n\n```\n").append(text(command)).append("\n```\n\n");
            }
            final Iterator<Map.Entry<String, JsonNode>> fields = run.fields();
            while (fields.hasNext())
            {
                final Map.Entry<String, JsonNode> field = fields.next();
                if (!"command".equals(field.getKey()))
                {
                    out.append("- ").append(field.getKey()).append(": `").append(text(field.getValue()))
                        .append("`\n");
                }
            }
            out.append('\n');
        }

        final Path commands = resultsDir.resolve("jmh").resolve("commands.txt");
        if (Files.exists(commands))
        {
            out.append("In-process suites (`jmh/commands.txt`, written by `benchmarks/jmh.sh`):\n\n```\n")
                .append(Files.readString(commands, StandardCharsets.UTF_8).strip()).append("\n```\n\n");
        }

        final Path machine = resultsDir.resolve("machine.txt");
        if (Files.exists(machine))
        {
            out.append("```\n").append(Files.readString(machine, StandardCharsets.UTF_8).strip()).append("\n```\n\n");
        }
        else
        {
            out.append("`machine.txt`: not found.\n\n");
        }
    }

    private static String text(final JsonNode value)
    {
        if (value.isArray())
        {
            final StringBuilder joined = new StringBuilder();
            for (final JsonNode element : value)
            {
                joined.append(joined.length() == 0 ? "" : " ").append(text(element));
            }
            return joined.toString();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /**
     * Put the generated section between the markers of a markdown file, creating the file if need be.
     *
     * @param markdown  file to update.
     * @param generated section.
     * @throws IOException when the file cannot be read or written.
     */
    public static void writeGenerated(final Path markdown, final String generated) throws IOException
    {
        final String document = Files.exists(markdown) ? Files.readString(markdown, StandardCharsets.UTF_8) : "";
        final String updated = replaceGenerated(document, generated);
        final Path parent = markdown.toAbsolutePath().getParent();
        final Path temporary = Files.createTempFile(parent, ".benchmark-report", ".md");
        try
        {
            Files.writeString(temporary, updated, StandardCharsets.UTF_8);
            Files.move(temporary, markdown, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * @param document  markdown, with one pair of markers or none.
     * @param generated section to put between them.
     * @return the document with the section between its markers, or appended with markers when it had none.
     * @throws IllegalArgumentException when the markers are not one begin followed by one end.
     */
    public static String replaceGenerated(final String document, final String generated)
    {
        final String body = generated.endsWith("\n") ? generated : generated + "\n";
        final int begin = document.indexOf(BEGIN_MARKER);
        final int end = document.indexOf(END_MARKER);
        if (begin < 0 && end < 0)
        {
            final StringBuilder appended = new StringBuilder(document);
            if (appended.length() > 0)
            {
                if (appended.charAt(appended.length() - 1) != '\n')
                {
                    appended.append('\n');
                }
                appended.append('\n');
            }
            return appended.append(BEGIN_MARKER).append('\n').append(body).append(END_MARKER).append('\n')
                .toString();
        }
        if (begin < 0 || end < 0 || end < begin ||
            document.indexOf(BEGIN_MARKER, begin + 1) >= 0 || document.indexOf(END_MARKER, end + 1) >= 0)
        {
            throw new IllegalArgumentException(
                "expected one " + BEGIN_MARKER + " followed by one " + END_MARKER + " in the markdown file");
        }
        return document.substring(0, begin + BEGIN_MARKER.length()) + "\n" + body + document.substring(end);
    }
}
