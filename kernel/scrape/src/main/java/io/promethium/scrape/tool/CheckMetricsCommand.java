package io.promethium.scrape.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.exposition.ExpositionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium check metrics [--extended] [--lint=all|none]}: lints a text-format page read
 * from standard input as Prometheus 3's {@code promtool check metrics} does. Each problem goes to
 * standard error as {@code <metric> <text>}; {@code --extended} then prints each family's
 * cardinality (problems or not); exit code 3 when there were problems, 1 when the page does not
 * parse, 0 otherwise. {@code --lint=none} skips the lint (and needs {@code --extended}, as
 * promtool: alone it would do nothing); any other value lints, as promtool only tests for
 * {@code none}.
 */
@Component(service = Tool.class)
public final class CheckMetricsCommand implements Tool {

    private static final CommandLine.Reader READER = CommandLine.reader().bool("extended").valued("lint");

    private final InputStream in;

    /** Reads the page from {@link System#in}. */
    public CheckMetricsCommand() {
        this(System.in);
    }

    /** Reads the page from {@code in}. */
    public CheckMetricsCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public String name() {
        return "check metrics";
    }

    @Override
    public String help() {
        return "[--extended] [--lint=all|none] < PAGE  Lint a text-format metrics page from stdin (as promtool check metrics; "
                + "--extended adds each family's cardinality, --lint=none only parses).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        boolean extended;
        boolean lint;
        try {
            CommandLine line = READER.read(args);
            line.arguments();
            extended = line.flag("extended");
            lint = !line.value("lint", "all").equals("none");
            line.features(out);
        } catch (CommandLine.UsageException e) {
            err.println("promethium check metrics: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        if (!extended && !lint) {
            err.println("error: at least one of --extended or linting must be enabled");
            err.println("Use --extended for cardinality analysis, or remove --lint=none to enable linting");
            return 1;
        }
        byte[] page = in.readAllBytes();
        List<MetricsLint.Family> families;
        try {
            families = MetricsLint.families(page);
        } catch (ExpositionException e) {
            // promtool's words: the lint's parse fails first; without the lint, the cardinality's parse.
            err.println((lint ? "error while linting: " : "error while parsing text to metric families: ")
                    + "text format parsing error in " + e.getMessage());
            return 1;
        }
        List<MetricsLint.Problem> problems = lint ? MetricsLint.lint(families) : List.of();
        for (MetricsLint.Problem p : problems) {
            err.println(p.metric() + " " + p.text());
        }
        if (extended) {
            printCardinality(families, out);
        }
        return problems.isEmpty() ? 0 : 3;
    }

    /** The table of {@code --extended}, laid out as Go's tabwriter (min width 4, padding 4) lays it. */
    private static void printCardinality(List<MetricsLint.Family> families, PrintStream out) {
        int total = 0;
        for (MetricsLint.Family f : families) {
            total += f.cardinality();
        }
        List<MetricsLint.Family> sorted = new ArrayList<>(families);
        sorted.sort(Comparator.comparingInt(MetricsLint.Family::cardinality).reversed());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Metric", "Cardinality", "Percentage"});
        for (MetricsLint.Family f : sorted) {
            rows.add(new String[] {f.name(), Integer.toString(f.cardinality()),
                    String.format(Locale.ROOT, "%.2f%%", 100.0 * f.cardinality() / total)});
        }
        rows.add(new String[] {"Total", Integer.toString(total), "100%"});
        int[] widths = new int[3];
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                widths[i] = Math.max(widths[i], Math.max(4, row[i].length() + 4));
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
            }
            out.println(line);
        }
    }
}
