package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.testing.ResultText;
import io.promethium.testsupport.FuzzRun;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregations directly over an instant selector answer the same when folded from the
 * selector's flat array ({@link Evaluator#selectorRows}) as through a step series per selected
 * series (also the series topk, bottomk and limitk pick), and aggregations over a range function the
 * same when its rows are folded as they are computed ({@link GroupStream}) as when they are all
 * held: randomized series in the real TSDB (floats of every kind: NaN, infinities, zeros of both
 * signs, values whose sum overflows or loses precision without compensation; staleness markers;
 * native histograms, also mixed with floats in one group), some in a block; every folded operator
 * with and without grouping (also {@code without} leaving duplicate label sets), offset and
 * {@code @}, lookback edges, as instant and range queries, with and without delayed name removal,
 * under sample limits that some of them exceed. Results are compared in output order, values by
 * their bits, with their annotations (in any order) and sample statistics. Every few rounds the selection is large enough to be read on several cores.
 */
class FoldedAggregationTest {

    private static final long LOOKBACK = 300_000;
    private static final long T0 = 10_000_000;
    private static final HistogramSpans SPANS = HistogramSpans.pairs(0, 2);
    private static final List<String> OPS = List.of("sum", "avg", "count", "group", "min", "max", "stddev", "stdvar");
    private static final List<String> K_OPS = List.of("topk", "bottomk", "limitk");
    private static final List<String> GROUPINGS = List.of("", " by (a)", " by (__name__)", " by (a, b)", " without (b)",
            " without (a, b, c)", " without ()", " by (nope)");
    private static final List<String> SELECTORS = List.of("{__name__=~\"m.*\"}", "m0", "(m1)", "{__name__=~\"m.*\"} offset 1m",
            "{__name__=~\"m.*\", a=\"x1\"} offset -30s", "{__name__=~\"m.*\"} @ %d", "m2 @ end()", "nothing");

    /** Range function calls an aggregation folds as their rows are computed (GroupStream), and some it cannot. */
    private static final List<String> RANGE_CALLS = List.of("rate(%s)", "increase(%s)", "delta(%s)", "last_over_time(%s)",
            "sum_over_time(%s)", "count_over_time(%s)", "avg_over_time(%s)", "stddev_over_time(%s)", "absent_over_time(%s)",
            "predict_linear(%s, 60)", "quantile_over_time(0.5, %s)");
    private static final List<String> RANGE_ARGS = List.of("m0[1m]", "{__name__=~\"m.*\"}[2m]", "m1[1m] offset 1m",
            "m2[90s] @ %d", "{__name__=~\"m.*\", a=\"x1\"}[1m]", "m0[2m:30s]", "{__name__=~\"m.*\"}[3m:1m]", "nothing[1m]",
            "m1[1m] smoothed");

    @TempDir
    Path tmp;

    @Test
    void aggregationsOverASelectorOrARangeFunctionAndTheSelectorAloneAnswerTheSameFoldedAsFromRowsPerSeries() throws IOException {
        FuzzRun run = FuzzRun.configure("promql.foldedAggregation", 8L, 10, Duration.ofSeconds(6)).start();
        Random random = new Random(run.seed());
        long queries = 0;
        int round = 0;
        while (run.proceed(round)) {
            boolean delayed = random.nextBoolean();
            EngineOptions options = EngineOptions.DEFAULTS.withFeatures(delayed
                    ? Set.of(EngineOptions.DELAYED_NAME_REMOVAL, EngineOptions.EXTENDED_RANGE_SELECTORS, EngineOptions.EXPERIMENTAL_FUNCTIONS)
                    : Set.of(EngineOptions.EXTENDED_RANGE_SELECTORS, EngineOptions.EXPERIMENTAL_FUNCTIONS));
            if (random.nextInt(3) == 0) {
                options = options.withMaxSamples(50 + random.nextInt(400));
            }
            PromQLEngine folded = new PromQLEngine(options, true);
            PromQLEngine rows = new PromQLEngine(options, false);
            Path dir = Files.createDirectory(tmp.resolve("r" + round));
            // Every third round holds enough series to be read on several cores.
            int series = round % 3 == 2 ? SeriesParallel.MIN_PARALLEL + random.nextInt(3 * SeriesParallel.CHUNK) : 20 + random.nextInt(60);
            TsdbOptions tsdbOptions = TsdbOptions.defaults(dir).withSamplesPerChunk(4 + random.nextInt(40)).withWal(false, false);
            try (Tsdb tsdb = Tsdb.open(tsdbOptions)) {
                long newest = load(tsdb, random, series);
                int perRound = series > 1_000 ? 12 : 60;
                for (int k = 0; k < perRound; k++) {
                    String q = query(random, newest);
                    long t = newest + switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> LOOKBACK;
                        case 2 -> -random.nextInt(600_000);
                        default -> random.nextInt((int) LOOKBACK);
                    };
                    if (random.nextInt(4) == 0) {
                        long start = t - random.nextInt(20) * 15_000L;
                        long step = 1_000 + random.nextInt(60_000);
                        assertThat(describe(() -> folded.rangeQuery(tsdb, q, start, t, step)))
                                .as("%s from %d to %d by %d (seed %d)", q, start, t, step, run.seed())
                                .isEqualTo(describe(() -> rows.rangeQuery(tsdb, q, start, t, step)));
                    } else {
                        assertThat(describe(() -> folded.instantQuery(tsdb, q, t)))
                                .as("%s at %d (seed %d)", q, t, run.seed())
                                .isEqualTo(describe(() -> rows.instantQuery(tsdb, q, t)));
                    }
                    queries++;
                }
            }
            round++;
        }
        System.out.println(run.summary(round) + ", " + queries + " queries");
    }

    private static String query(Random random, long newest) {
        if (random.nextInt(3) == 0) {
            // An aggregation over a range function.
            String arg = RANGE_ARGS.get(random.nextInt(RANGE_ARGS.size()));
            if (arg.contains("%d")) {
                arg = String.format(arg, (newest + random.nextInt(600_000) - 300_000) / 1000);
            }
            String call = String.format(RANGE_CALLS.get(random.nextInt(RANGE_CALLS.size())), arg);
            String op = OPS.get(random.nextInt(OPS.size()));
            String grouping = GROUPINGS.get(random.nextInt(GROUPINGS.size()));
            return random.nextBoolean() ? op + grouping + " (" + call + ")" : op + "(" + call + ")" + grouping;
        }
        String selector = SELECTORS.get(random.nextInt(SELECTORS.size()));
        if (selector.contains("%d")) {
            selector = String.format(selector, (newest + random.nextInt(600_000) - 300_000) / 1000);
        }
        if (random.nextInt(5) == 0) {
            // The selector alone: an instant query then answers from the flat array too (Evaluator#bareSelector).
            return selector;
        }
        String op = OPS.get(random.nextInt(OPS.size()));
        String grouping = GROUPINGS.get(random.nextInt(GROUPINGS.size()));
        if (random.nextInt(4) == 0) {
            // The series that topk, bottomk and limitk pick: from the flat array too.
            op = K_OPS.get(random.nextInt(K_OPS.size()));
            selector = List.of("0", "1", "2", "3", "2.5", "100").get(random.nextInt(6)) + ", " + selector;
        }
        return random.nextBoolean() ? op + grouping + " (" + selector + ")" : op + "(" + selector + ")" + grouping;
    }

    /**
     * Appends {@code series} random series (with a flush of the head into a block midway in some
     * rounds); answers the newest sample time.
     */
    private static long load(Tsdb tsdb, Random random, int series) {
        boolean flushMidway = random.nextInt(3) == 0;
        boolean big = series > 1_000;
        Appender app = tsdb.appender();
        long newest = T0;
        for (int s = 0; s < series; s++) {
            Labels labels = Labels.of("__name__", "m" + (s % 3), "a", "x" + random.nextInt(3), "b", Integer.toString(s),
                    "c", Integer.toString(s % 2));
            long interval = 5_000 + random.nextInt(60_000);
            int count = 1 + random.nextInt(big ? 4 : 40);
            long t = T0 - count * interval + random.nextInt(600_000);
            int kind = random.nextInt(8);
            long ref = 0;
            for (int i = 0; i < count; i++) {
                if (flushMidway && i == count / 2 && s == series / 2) {
                    app.commit();
                    tsdb.flushHead();
                    app = tsdb.appender();
                }
                boolean histogram = kind == 1 || kind == 2 && i < count / 2;
                boolean stale = random.nextInt(8) == 0;
                try {
                    if (histogram) {
                        Histogram h = stale ? Histogram.exponential(0, 0, 0, 0, StaleMarker.STALE_NAN, SPANS, 0, 0)
                                : Histogram.exponential(0, 0, 0, 2L * i + 2, i * 1.5, SPANS, i + 1, 0);
                        ref = app.appendHistogram(ref, labels, t, h);
                    } else {
                        ref = app.append(ref, labels, t, stale ? StaleMarker.STALE_NAN : value(random, kind, i, s));
                    }
                } catch (StorageException e) {
                    // Below a flushed block's end: the head refuses it, as a scrape's would be.
                }
                newest = Math.max(newest, t);
                t += interval - 2_000 + random.nextInt(4_000);
            }
        }
        app.commit();
        return newest;
    }

    /** Floats that tell summation orders and compensations apart, and the special values. */
    private static double value(Random random, int kind, int i, int s) {
        return switch (kind) {
            case 3 -> switch (random.nextInt(8)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3 -> -0.0;
                case 4 -> 0.0;
                default -> random.nextGaussian();
            };
            case 4 -> (random.nextBoolean() ? 1 : -1) * 1e308 * random.nextDouble();
            case 5 -> (random.nextBoolean() ? 1e16 : 1) * (random.nextInt(7) - 3) + random.nextDouble();
            default -> i * 3.0 + s + random.nextDouble();
        };
    }

    /** The result in output order (values by their bits, histograms as text), or the error it failed with. */
    private static String describe(Supplier<QueryResult> query) {
        QueryResult result;
        try {
            result = query.get();
        } catch (QueryException e) {
            return "error " + e.errorType() + ": " + e.getMessage();
        }
        // Annotations sorted: their order is not part of the answer (Prometheus keeps them in a map),
        // and a fold as rows are computed interleaves the function's with the aggregation's.
        String text = ResultText.of(result, false);
        text = text.substring(0, text.lastIndexOf("\nwarnings ")) + "\nwarnings " + result.warnings().stream().sorted().toList()
                + " infos " + result.infos().stream().sorted().toList();
        return text + " samples read "
                + result.stats().totalQueryableSamples() + ", peak " + result.stats().peakSamples();
    }
}
