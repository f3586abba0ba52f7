package io.promethium.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.promql.testing.Asts;
import io.promethium.promql.testing.ConformanceQueries;
import io.promethium.testsupport.FuzzRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated queries (from the conformance scripts) for a bounded time: the parser may
 * only answer with a tree or a {@link ParseException}, each within a deadline; a tree it accepts
 * must print to text that parses back to the same tree.
 */
class ParserFuzzTest {

    /** A query's answer within this is no hang: parses take microseconds; the rest is margin for a loaded machine. */
    private static final long DEADLINE_MILLIS = 10_000;

    private static final String[] FRAGMENTS = {
        "(", ")", "[", "]", "{", "}", ",", ":", "@", " ", "\n", "#", "\"", "'", "`", "\\", "=", "!", "~", "=~", "!~",
        "+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless", "atan2", "bool", "on",
        "ignoring", "group_left", "group_right", "by", "without", "offset", "start()", "end()", "sum", "topk",
        "count_values", "quantile", "limitk", "rate", "label_replace", "info", "time()", "foo", "bar:baz", "__name__",
        "5m", "1h30m", "0", "1", "-1", "0x1F", "1e", "1e308", "1e-400", "Inf", "NaN", ".", "5", "999999999999999999999",
        "\u00e9", "\uD83D\uDE00", "\uD800", "\u0000", "\t", "[5m:1m]", "[5m]", "{a=\"b\"}", "\"\\x\"", "\"\\u12\"",
        "\"\\U0011FFFF\"", "'\\777'", "\"\\xff\"", "ms", "y", "w", "d",
    };

    @Test
    void onlyParseExceptionsNoHangsAndAcceptedQueriesRoundTrip() throws Exception {
        List<String> seeds = ConformanceQueries.all().stream().map(ConformanceQueries.Query::expr).toList();
        // 6 s locally (the issue bounds it at 20 s); a fixed count under CI.
        FuzzRun run = FuzzRun.configure("promql.fuzz", 20_261_121L, 40_000, Duration.ofSeconds(6));
        Random random = new Random(run.seed());
        List<String> problems = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "promql-fuzz");
            t.setDaemon(true);
            return t;
        });
        // Warm up untimed: the first parses load ANTLR's tables and classes, which on a loaded
        // machine alone can take seconds.
        for (String seed : seeds.subList(0, Math.min(50, seeds.size()))) {
            worker.submit(() -> check(seed)).get(2, TimeUnit.MINUTES);
        }
        run.start();
        int tried = 0;
        int accepted = 0;
        try {
            while (run.proceed(tried) && problems.size() < 10) {
                String query = tried % 4 == 3 ? randomQuery(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
                tried++;
                Future<Boolean> result = worker.submit(() -> check(query));
                try {
                    if (result.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)) {
                        accepted++;
                    }
                } catch (TimeoutException e) {
                    problems.add("no answer within " + DEADLINE_MILLIS + " ms: " + escape(query));
                    break; // the worker is stuck; nothing more can run on it
                } catch (java.util.concurrent.ExecutionException e) {
                    problems.add(e.getCause() + " for " + escape(query));
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("promql parser fuzz: %d accepted; %s%n", accepted, run.summary(tried));
        assertThat(problems).isEmpty();
        assertThat(tried).isGreaterThan(100);
    }

    /** True when the query parsed; throws AssertionError when the parser misbehaved. */
    private static boolean check(String query) {
        Expr tree;
        try {
            tree = PromQLParser.parseExpr(query);
        } catch (ParseException e) {
            assertThat(e.position().end()).isLessThanOrEqualTo(query.length());
            assertThat(e.getMessage()).contains("parse error: ");
            return false;
        }
        String printed = PromQLPrinter.toString(tree);
        Expr again;
        try {
            again = PromQLParser.parseExpr(printed);
        } catch (ParseException e) {
            throw new AssertionError("accepted, but its printed form " + escape(printed) + " fails: " + e.getMessage());
        }
        if (!Asts.normalize(again).equals(Asts.normalize(tree))) {
            throw new AssertionError("printed form " + escape(printed) + " parses to a different tree");
        }
        String pretty = PromQLPrinter.prettify(tree);
        try {
            if (!Asts.normalize(PromQLParser.parseExpr(pretty)).equals(Asts.normalize(tree))) {
                throw new AssertionError("prettified form " + escape(pretty) + " parses to a different tree");
            }
        } catch (ParseException e) {
            throw new AssertionError("accepted, but its prettified form " + escape(pretty) + " fails: " + e.getMessage());
        }
        return true;
    }

    private static String mutate(String query, Random random) {
        StringBuilder b = new StringBuilder(query);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = b.isEmpty() ? 0 : random.nextInt(b.length() + 1);
            switch (random.nextInt(5)) {
                case 0 -> b.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 1 -> {
                    if (!b.isEmpty() && at < b.length()) {
                        b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(5)));
                    }
                }
                case 2 -> b.setLength(Math.min(b.length(), at));
                case 3 -> {
                    int from = b.isEmpty() ? 0 : random.nextInt(b.length());
                    int to = Math.min(b.length(), from + random.nextInt(12));
                    b.insert(at, b.substring(from, to));
                }
                default -> b.insert(at, (char) random.nextInt(0x3000));
            }
        }
        return b.toString();
    }

    private static String randomQuery(Random random) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + random.nextInt(20);
        for (int i = 0; i < parts; i++) {
            b.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            if (random.nextBoolean()) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
