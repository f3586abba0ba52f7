package io.promethium.rules.tool;

import io.promethium.api.model.Labels;
import io.promethium.api.tool.CommandLine;
import io.promethium.config.model.MetricNameScheme;
import io.promethium.goformat.GoDurations;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleDef;
import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code promethium check rules [--lint=duplicate-rules] [--lint-fatal] [--ignore-unknown-fields]
 * [--enable-feature=NAME,...] [FILE...]}: validates rule files as Prometheus 3's
 * {@code promtool check rules} does, standard input when no file is named, and reports each
 * file's result with promtool's words. Experimental PromQL syntax (functions, {@code anchored} and
 * {@code smoothed}, fill modifiers) is refused unless {@code --enable-feature} names it, as promtool.
 *
 * <p>{@code --lint} takes a comma-separated list of {@code all}, {@code duplicate-rules} (the
 * default) and {@code none}; an unknown option is a warning, as promtool. The one lint there is,
 * duplicate rules (same name and labels, group labels included, within one file), fails the file
 * with promtool's {@code lint error N duplicate rule(s) found.} message. Exit 1 when a file is
 * invalid or on a usage error; else 3 when a lint found something and {@code --lint-fatal} is
 * given; else 0 (a lint finding alone does not fail the command, as promtool).
 */
public final class CheckRules {

    /** Exit code for "one or more lint issues detected", as promtool's. */
    static final int LINT_EXIT = 3;

    private static final CommandLine.Reader READER = CommandLine.reader()
            .valued("lint", "query.lookback-delta").bool("lint-fatal", "ignore-unknown-fields");

    private CheckRules() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** promtool's {@code rulesLintConfig}: which lints run. */
    record Lint(boolean duplicateRules) {

        /** Reads {@code --lint}'s value as promtool does, warning on {@code out} about options it does not know. */
        static Lint parse(String value, PrintStream out) {
            boolean duplicates = false;
            if (value.isEmpty()) {
                return new Lint(false);
            }
            for (String option : value.split(",", -1)) {
                switch (option) {
                    case "all", "duplicate-rules" -> duplicates = true;
                    case "none" -> {
                    }
                    default -> out.println("WARNING: unknown lint option: \"" + option + "\"");
                }
            }
            return new Lint(duplicates);
        }
    }

    /** A rule's name and labels (group labels, overridden by the rule's), as promtool compares rules. */
    private record RuleKey(String metric, Labels labels) implements Comparable<RuleKey> {
        @Override
        public int compareTo(RuleKey o) {
            int c = metric.compareTo(o.metric);
            return c != 0 ? c : labels.compareTo(o.labels);
        }
    }

    /** promtool's {@code checkDuplicates}: each name and label set held by more than one rule, once, sorted. */
    static List<String> duplicates(List<GroupDef> groups) {
        Map<RuleKey, Integer> seen = new TreeMap<>();
        for (GroupDef g : groups) {
            for (RuleDef r : g.rules()) {
                Labels.Builder b = g.labels().toBuilder();
                r.labels().forEach(b::set);
                seen.merge(new RuleKey(r.name(), b.build()), 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        seen.forEach((key, n) -> {
            if (n > 1) {
                StringBuilder sb = new StringBuilder("Metric: " + key.metric() + "\nLabel(s):\n");
                key.labels().forEach((name, v) -> sb.append('\t').append(name).append(": ").append(v).append('\n'));
                out.add(sb.toString());
            }
        });
        return out;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** @param in read when no file is named, as promtool reads standard input */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<String> files;
        boolean fatal;
        boolean ignoreUnknownFields;
        String lintValue;
        java.util.Set<String> features;
        try {
            CommandLine line = READER.read(List.of(args));
            files = line.arguments(0, Integer.MAX_VALUE, "rule-files");
            fatal = line.flag("lint-fatal");
            ignoreUnknownFields = line.flag("ignore-unknown-fields");
            lintValue = line.value("lint", "duplicate-rules");
            // A flag of promtool's "check" that its rule check does not read; its value is still
            // parsed (kingpin's Duration, Go's syntax), so a bad one is refused as promtool does.
            try {
                GoDurations.parse(line.value("query.lookback-delta", "5m"));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
            features = line.features(out);
        } catch (CommandLine.UsageException e) {
            err.println("promethium check rules: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        Lint lint = Lint.parse(lintValue, out);
        // promtool parses with the parser its --enable-feature sets up: experimental syntax only when enabled.
        RuleFileParser parser = new RuleFileParser(MetricNameScheme.Validation.UTF8, ignoreUnknownFields,
                PromtoolFeatures.of(features).parser());
        boolean failed = false;
        boolean hasErrors = false;
        if (files.isEmpty()) {
            out.println("Checking standard input");
            try {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Result r = check(() -> parser.parse("<stdin>", text), lint, out, err);
                failed = r != Result.OK;
                hasErrors = r == Result.ERROR;
            } catch (IOException e) {
                err.println("  FAILED: " + e.getMessage());
                return 1;
            }
        }
        for (String arg : files) {
            out.println("Checking " + arg);
            Result r = check(() -> parser.parseFile(Path.of(arg)), lint, out, err);
            failed |= r != Result.OK;
            hasErrors |= r == Result.ERROR;
        }
        if (failed && hasErrors) {
            return 1;
        }
        return failed && fatal ? LINT_EXIT : 0;
    }

    private enum Result { OK, LINT, ERROR }

    private interface Source {
        List<GroupDef> groups() throws RuleFileException;
    }

    private static Result check(Source source, Lint lint, PrintStream out, PrintStream err) {
        List<GroupDef> groups;
        try {
            groups = source.groups();
        } catch (RuleFileException e) {
            err.println("  FAILED:");
            e.errors().forEach(err::println);
            // As Prometheus 3's promtool: no blank line after a file that does not parse.
            return Result.ERROR;
        } catch (RuntimeException e) {
            err.println("  FAILED:");
            err.println(e.getMessage());
            return Result.ERROR;
        }
        List<String> duplicates = lint.duplicateRules() ? duplicates(groups) : List.of();
        Result result = Result.OK;
        if (!duplicates.isEmpty()) {
            err.println("  FAILED:");
            err.println("lint error " + duplicates.size() + " duplicate rule(s) found.\n" + String.join("", duplicates)
                    + "Might cause inconsistency while recording expressions");
            result = Result.LINT;
        } else {
            out.println("  SUCCESS: " + groups.stream().mapToInt(g -> g.rules().size()).sum() + " rules found");
        }
        out.println();
        return result;
    }
}
