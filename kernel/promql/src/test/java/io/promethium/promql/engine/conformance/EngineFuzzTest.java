package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.testsupport.FuzzRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds random and mutated queries (taken from the conformance scripts) to the parser and the
 * engine over loaded data: every outcome must be a result or a {@link QueryException}; any other
 * exception, or an error escaping as something else, fails the test with the query that caused it.
 * Runs 8 s locally and a fixed number of iterations under CI ({@link FuzzRun}: seed and count as properties).
 */
class EngineFuzzTest {

    private static final String[] TOKENS = {
        "(", ")", "[", "]", "{", "}", ",", "=", "!=", "=~", "!~", "+", "-", "*", "/", "%", "^", "==", ">", "<=", "and", "or",
        "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "@", "start()", "end()",
        "sum", "rate", "topk", "quantile", "count_values", "label_replace", "histogram_quantile", "[5m]", "[1m:10s]", "[0s]",
        "1e308", "-Inf", "NaN", "0x1f", "\"", "'", "`", "\\", "5m", "-1", "999999999999", ":", "__name__", "le", "x", "\n"
    };

    @Test
    void randomAndMutatedQueriesOnlyFailWithQueryErrors() throws IOException {
        Path dir = ConformanceTest.conformanceDir();
        List<String> queries = new ArrayList<>();
        InMemoryStorage storage = new InMemoryStorage();
        for (String file : List.of("functions.test", "aggregators.test", "operators.test", "subquery.test", "at_modifier.test",
                "histograms.test", "selectors.test", "staleness.test", "limit.test", "name_label_dropping.test")) {
            Script script = ScriptReader.read(file, Files.readString(dir.resolve(file)));
            for (Script.Command c : script.commands()) {
                if (c instanceof Script.Eval e) {
                    queries.add(e.query());
                } else if (c instanceof Script.Load l) {
                    for (Script.LoadedSeries s : l.series()) {
                        for (int i = 0; i < s.values().length && i < 400; i++) {
                            if (SeriesNotation.isFloat(s.values()[i])) {
                                try {
                                    storage.add(s.labels(), i * l.stepMillis(), s.values()[i]);
                                } catch (RuntimeException ignored) {
                                    // Scripts reload the same series with other steps; keep the first data.
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(queries).isNotEmpty();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(ConformanceTest.HARNESS_FEATURES).withMaxSamples(200_000).withTimeout(Duration.ofSeconds(2)));
        // 8 s locally; a fixed count under CI.
        FuzzRun run = FuzzRun.configure("promql.engine.fuzz", 20261121L, 20_000, Duration.ofSeconds(8)).start();
        SplittableRandom random = new SplittableRandom(run.seed());
        int runs = 0;
        int errors = 0;
        while (run.proceed(runs)) {
            String query = mutate(queries.get(random.nextInt(queries.size())), random);
            long t = random.nextLong(0, 4_000_000);
            try {
                if (random.nextBoolean()) {
                    engine.instantQuery(storage, query, t);
                } else {
                    engine.rangeQuery(storage, query, t, t + random.nextLong(0, 1_200_000), 1 + random.nextLong(1, 120_000));
                }
            } catch (QueryException e) {
                errors++;
                assertThat(e.errorType()).as("error type for %s", query).isIn("bad_data", "execution", "timeout");
                assertThat(e.errorType()).as("internal error for %s: %s", query, e).isNotEqualTo("internal");
            } catch (Throwable e) {
                throw new AssertionError("query " + query + " failed with " + e, e);
            }
            runs++;
        }
        System.out.println("promql fuzz: " + errors + " queries rejected with a query error; " + run.summary(runs));
        assertThat(runs).isGreaterThan(100);
    }

    private static String mutate(String query, SplittableRandom random) {
        StringBuilder sb = new StringBuilder(query);
        int edits = random.nextInt(4);
        for (int k = 0; k < edits; k++) {
            int pos = sb.isEmpty() ? 0 : random.nextInt(sb.length() + 1);
            switch (random.nextInt(5)) {
                case 0 -> sb.insert(pos, TOKENS[random.nextInt(TOKENS.length)]);
                case 1 -> {
                    if (!sb.isEmpty()) {
                        int end = Math.min(sb.length(), pos + 1 + random.nextInt(6));
                        sb.delete(Math.min(pos, sb.length()), end);
                    }
                }
                case 2 -> {
                    if (!sb.isEmpty()) {
                        int from = random.nextInt(sb.length());
                        int to = Math.min(sb.length(), from + random.nextInt(12));
                        sb.insert(pos, sb.substring(from, to));
                    }
                }
                case 3 -> sb.insert(pos, (char) random.nextInt(32, 0x2FF));
                default -> sb.setLength(Math.min(sb.length(), pos));
            }
        }
        return sb.toString();
    }
}
