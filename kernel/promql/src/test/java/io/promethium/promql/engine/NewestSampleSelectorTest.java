package io.promethium.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.StorageException;
import io.promethium.promql.engine.testing.ResultText;
import io.promethium.testsupport.FuzzRun;
import io.promethium.testsupport.SeriesMappingQueryable;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instant selectors over the real TSDB answer the same when the head hands out its newest sample
 * directly ({@link SampleIterator#seekLast}) as when every chunk is decoded forward: randomized
 * series with staleness markers, native histograms (and floats after them), out-of-order and
 * deleted samples, start timestamps, chunks closing often and older data in blocks; queried at
 * the lookback window's edges around each series' newest sample, with offset and {@code @}, as
 * instant and short range queries.
 */
class NewestSampleSelectorTest {

    private static final long LOOKBACK = 300_000;
    private static final long T0 = 10_000_000;
    private static final HistogramSpans SPANS = HistogramSpans.pairs(0, 2);
    private static final List<String> SELECTORS = List.of("{__name__=~\"m.*\"}", "timestamp({__name__=~\"m.*\"})",
            "{__name__=~\"m.*\"} offset 1m", "{__name__=~\"m.*\"} offset -30s", "{__name__=~\"m.*\"} @ %d", "count({__name__=~\"m.*\"})",
            "start_timestamp({__name__=~\"m.*\"})", "histogram_count({__name__=~\"m.*\"})");

    @TempDir
    Path tmp;

    @Test
    void selectorsAnswerTheSameFromTheHeadsNewestSampleAsFromDecodingItsChunks() throws IOException {
        FuzzRun run = FuzzRun.configure("promql.newestSample", 21L, 12, Duration.ofSeconds(4)).start();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(
                Set.of(EngineOptions.EXPERIMENTAL_FUNCTIONS, EngineOptions.USE_START_TIMESTAMPS)));
        Random random = new Random(run.seed());
        AtomicLong shortcuts = new AtomicLong();
        long queries = 0;
        int round = 0;
        while (run.proceed(round)) {
            Path dir = Files.createDirectory(tmp.resolve("r" + round));
            TsdbOptions options = TsdbOptions.defaults(dir).withOutOfOrderWindow(Duration.ofMinutes(30))
                    .withSamplesPerChunk(4 + random.nextInt(40)).withWal(false, false);
            try (Tsdb tsdb = Tsdb.open(options)) {
                List<Long> newest = load(tsdb, random);
                Queryable counted = counting(tsdb, shortcuts);
                Queryable decoded = forwardOnly(tsdb);
                for (long t : queryTimes(newest, random)) {
                    for (String selector : SELECTORS) {
                        String q = selector.contains("%d") ? String.format(selector, (t + random.nextInt(120_000) - 60_000) / 1000) : selector;
                        assertThat(describe(engine.instantQuery(counted, q, t)))
                                .as("%s at %d (seed %d)", q, t, run.seed())
                                .isEqualTo(describe(engine.instantQuery(decoded, q, t)));
                        queries++;
                    }
                    String q = SELECTORS.get(random.nextInt(3));
                    assertThat(describe(engine.rangeQuery(counted, q, t - 120_000, t, 15_000)))
                            .as("%s over 2m to %d (seed %d)", q, t, run.seed())
                            .isEqualTo(describe(engine.rangeQuery(decoded, q, t - 120_000, t, 15_000)));
                }
            }
            round++;
        }
        System.out.println(run.summary(round) + ", " + queries + " queries, " + shortcuts.get() + " newest-sample answers");
        assertThat(shortcuts.get()).as("the head answered newest samples directly").isPositive();
    }

    /**
     * Appends 30 random series (some of them after a flush of the head into a block); answers
     * each series' newest in-order time.
     */
    private static List<Long> load(Tsdb tsdb, Random random) {
        int series = 30;
        List<Long> newest = new ArrayList<>();
        boolean flushMidway = random.nextInt(2) == 0;
        Appender app = tsdb.appender();
        long[] ends = new long[series];
        for (int s = 0; s < series; s++) {
            Labels labels = Labels.of("__name__", "m" + (s % 3), "s", Integer.toString(s));
            long interval = 5_000 + random.nextInt(60_000);
            int count = 1 + random.nextInt(80);
            long t = T0 - count * interval + random.nextInt(600_000);
            int kind = random.nextInt(6);
            boolean starts = random.nextInt(5) == 0;
            long ref = 0;
            long last = t;
            for (int i = 0; i < count; i++) {
                last = t;
                if (flushMidway && i == count / 2 && s == series / 2) {
                    app.commit();
                    tsdb.flushHead();
                    app = tsdb.appender();
                }
                boolean histogram = kind == 1 || kind == 2 && i < count / 2 || kind == 3 && i >= count / 2;
                boolean stale = random.nextInt(8) == 0 || i == count - 1 && random.nextInt(4) == 0;
                try {
                    if (histogram) {
                        Histogram h = stale ? Histogram.exponential(0, 0, 0, 0, StaleMarker.STALE_NAN, SPANS, 0, 0)
                                : Histogram.exponential(0, 0, 0, 2L * i + 2, i * 1.5, SPANS, i + 1, 0);
                        ref = starts ? app.appendHistogramWithStart(ref, labels, t - 1000 * i, t, h) : app.appendHistogram(ref, labels, t, h);
                    } else {
                        double v = stale ? StaleMarker.STALE_NAN : kind == 4 ? random.nextGaussian() : i * 3.0 + s;
                        ref = starts ? app.appendWithStart(ref, labels, t - 1000 * i, t, v) : app.append(ref, labels, t, v);
                    }
                } catch (StorageException e) {
                    // Below a flushed block's end: the head refuses it, as a scrape's would be.
                }
                t += interval - 2_000 + random.nextInt(4_000);
            }
            ends[s] = last;
            newest.add(last);
        }
        app.commit();
        // Out-of-order samples: older than the series' newest, within the window; or newer, which
        // after a flush lands below the head's minimum valid time and so among them too.
        app = tsdb.appender();
        for (int s = 0; s < series; s++) {
            if (random.nextInt(3) == 0) {
                Labels labels = Labels.of("__name__", "m" + (s % 3), "s", Integer.toString(s));
                for (int k = 0; k < 1 + random.nextInt(3); k++) {
                    long t = random.nextBoolean() ? ends[s] - 1 - random.nextInt(600_000) : ends[s] + 1 + random.nextInt(30_000);
                    try {
                        app.append(0, labels, t, random.nextInt(100));
                    } catch (StorageException e) {
                        // Out of the window or a histogram series: rejected.
                    }
                }
            }
        }
        app.commit();
        if (random.nextInt(3) == 0) {
            String victim = Integer.toString(random.nextInt(series));
            long at = ends[Integer.parseInt(victim)];
            tsdb.delete(List.of(Matcher.equal("s", victim)), at - random.nextInt(60_000), at + (random.nextBoolean() ? 0 : 1_000));
        }
        return newest;
    }

    /** Around each series' newest sample: at it, just before, and at both edges of the lookback window; some at random. */
    private static List<Long> queryTimes(List<Long> newest, Random random) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long n = newest.get(random.nextInt(newest.size()));
            times.addAll(List.of(n, n - 1, n + LOOKBACK - 1, n + LOOKBACK, n + random.nextInt((int) LOOKBACK)));
        }
        times.add(T0 + 700_000L);
        return times;
    }

    /** The result as text, series in label order. */
    private static String describe(QueryResult result) {
        return ResultText.of(result, true);
    }

    /** The storage as it is, counting the newest samples its iterators hand out directly. */
    private static Queryable counting(Queryable storage, AtomicLong shortcuts) {
        return wrapIterators(storage, it -> new ForwardingSampleIterator() {
            @Override
            protected SampleIterator delegate() {
                return it;
            }

            @Override
            public boolean seekLast(long t) {
                boolean hit = it.seekLast(t);
                if (hit) {
                    shortcuts.incrementAndGet();
                }
                return hit;
            }
        });
    }

    /** The storage with every chunk read forward: its iterators never answer {@code seekLast}. */
    private static Queryable forwardOnly(Queryable storage) {
        return wrapIterators(storage, it -> new ForwardingSampleIterator() {
            @Override
            protected SampleIterator delegate() {
                return it;
            }
        });
    }

    private static Queryable wrapIterators(Queryable storage, java.util.function.UnaryOperator<SampleIterator> wrap) {
        return SeriesMappingQueryable.of(storage, s -> new Series() {
            @Override
            public Labels labels() {
                return s.labels();
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                return wrap.apply(s.iterator(null));
            }
        });
    }
}
