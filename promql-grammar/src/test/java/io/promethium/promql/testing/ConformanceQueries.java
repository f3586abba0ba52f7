package io.promethium.promql.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The PromQL expressions of every {@code eval} line of the conformance scripts. */
public final class ConformanceQueries {

    /** A query and where it comes from, {@code file.test:line}. */
    public record Query(String file, int line, String expr) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** Files that test experimental syntax this parser does not read yet (the issue allows skipping them). */
    public static final List<String> EXPERIMENTAL_SYNTAX = List.of(
            "native_histograms.test");   // </ and >/ trim operators for native histograms

    private static final Pattern INSTANT = Pattern.compile("^\\s*eval(?:_\\w+)?\\s+instant\\s+at\\s+\\S+\\s+(.*)$");
    private static final Pattern RANGE =
            Pattern.compile("^\\s*eval(?:_\\w+)?\\s+range\\s+from\\s+\\S+\\s+to\\s+\\S+\\s+step\\s+\\S+\\s+(.*)$");

    private ConformanceQueries() {
    }

    public static List<Query> all() {
        List<Query> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(ConformanceScripts.directory())) {
            for (Path file : files.filter(p -> p.toString().endsWith(".test")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = INSTANT.matcher(lines.get(i));
                    if (!m.matches()) {
                        m = RANGE.matcher(lines.get(i));
                        if (!m.matches()) {
                            continue;
                        }
                    }
                    queries.add(new Query(file.getFileName().toString(), i + 1, m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read conformance scripts in " + ConformanceScripts.directory(), e);
        }
        return queries;
    }
}
