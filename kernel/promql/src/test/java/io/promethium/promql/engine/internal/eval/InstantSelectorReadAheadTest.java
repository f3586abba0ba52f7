package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.SeriesData;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instant selector over many steps reads floats ahead of its steps when few samples lie
 * between two windows ({@link InstantSelectors#readAheadTo}). Every step must still answer as an
 * instant query at its time (one step: no read ahead), and the samples read must be those of the
 * union of the windows, each once, as when a seek passed over the gaps: steps shorter and longer
 * than the lookback, gaps of fewer and more samples than {@link InstantSelectors#READ_AHEAD_GAP},
 * jittered scrapes across a block and the head, staleness markers, a float series that turns into
 * native histograms and back, {@code offset}, and one series alone (read in parts of its steps).
 */
class InstantSelectorReadAheadTest {

    private static final long T0 = 1_000_000_000L;
    private static final long LOOKBACK = 300_000;
    private static final HistogramSpans SPANS = HistogramSpans.pairs(0, 2);

    @TempDir
    Path tmp;

    @Test
    void eachStepAnswersAsAnInstantQueryAndEverySampleOfTheWindowsIsReadOnce() throws Exception {
        PromQLEngine engine = new PromQLEngine(EngineOptions.DEFAULTS);
        Map<String, List<Long>> times = new HashMap<>();
        try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(tmp).withWal(false, false))) {
            long last = load(tsdb, new Random(11), times);
            long start = T0 + 120_000;
            long end = last + 120_000;
            int compared = 0;
            for (String selector : List.of("s", "s{k=\"dense\"}")) {
                for (long offset : List.of(0L, 420_000L)) {
                    String q = offset == 0 ? selector : selector + " offset 7m";
                    // Overlapping windows; gaps of 1 to 20 samples at 15 s; 20 and 1,500 at 1 s.
                    for (long step : List.of(7_000L, 60_000L, 315_000L, 600_000L, 1_800_000L)) {
                        QueryResult range = engine.rangeQuery(tsdb, q, start, end, step);
                        Map<Long, Map<Labels, String>> byTime = new HashMap<>();
                        for (SeriesData s : ((RangeMatrix) range.value()).series()) {
                            for (int i = 0; i < s.length(); i++) {
                                byTime.computeIfAbsent(s.timestamps()[i], t -> new HashMap<>()).put(s.labels(), text(s.values()[i], s.histogram(i)));
                            }
                        }
                        long read = 0;
                        for (long t = start; t <= end; t += step) {
                            Map<Labels, String> want = new HashMap<>();
                            for (Sample s : ((InstantVector) engine.instantQuery(tsdb, q, t).value()).samples()) {
                                want.put(s.labels(), text(s.v(), s.h()));
                            }
                            assertThat(byTime.getOrDefault(t, Map.of())).as("%s by %d ms at %d", q, step, t).isEqualTo(want);
                            compared += want.size();
                        }
                        for (Map.Entry<String, List<Long>> series : times.entrySet()) {
                            if (selector.equals("s") || selector.contains(series.getKey())) {
                                read += inWindows(series.getValue(), start - offset, end - offset, step);
                            }
                        }
                        assertThat(range.stats().totalQueryableSamples()).as("%s by %d ms: samples read", q, step).isEqualTo(read);
                    }
                }
            }
            assertThat(compared).isGreaterThan(5_000);
        }
    }

    private static String text(double v, Object h) {
        return h != null ? h.toString() : Double.toString(v);
    }

    /** How many of {@code times} fall in the lookback window of some step from {@code first} to {@code last}. */
    private static long inWindows(List<Long> times, long first, long last, long step) {
        long n = 0;
        for (long t : times) {
            // The first step at or after t; its window holds t when t is within the lookback before it.
            long k = t <= first ? 0 : (t - first + step - 1) / step;
            long end = first + k * step;
            if (end <= last && end - LOOKBACK < t) {
                n++;
            }
        }
        return n;
    }

    /**
     * Three series of {@code s} over three hours, half in a block and half in the head: one
     * scraped every ~15 s with jitter, gaps and staleness markers; one every second; one that
     * turns into native histograms for its middle hour. Their sample times go into {@code times}.
     */
    private static long load(Tsdb tsdb, Random random, Map<String, List<Long>> times) {
        Labels jittered = Labels.of("__name__", "s", "k", "jittered");
        Labels dense = Labels.of("__name__", "s", "k", "dense");
        Labels mixed = Labels.of("__name__", "s", "k", "mixed");
        List<Long> jt = times.computeIfAbsent("jittered", k -> new ArrayList<>());
        List<Long> dt = times.computeIfAbsent("dense", k -> new ArrayList<>());
        List<Long> mt = times.computeIfAbsent("mixed", k -> new ArrayList<>());
        long hours3 = 3 * 3_600_000L;
        Appender app = tsdb.appender();
        long t = T0;
        long denseT = T0;
        long mixedT = T0;
        boolean flushed = false;
        while (t < T0 + hours3) {
            if (!flushed && t > T0 + hours3 / 2) {
                app.commit();
                tsdb.flushHead();
                app = tsdb.appender();
                flushed = true;
            }
            app.append(0, jittered, t, random.nextInt(150) == 0 ? StaleMarker.STALE_NAN : random.nextDouble() * 1e6);
            jt.add(t);
            for (; denseT <= t; denseT += 1_000) {
                app.append(0, dense, denseT, random.nextInt(500) == 0 ? StaleMarker.STALE_NAN : random.nextDouble());
                dt.add(denseT);
            }
            for (; mixedT <= t; mixedT += 10_000) {
                long into = mixedT - T0;
                if (into > hours3 / 3 && into < 2 * hours3 / 3) {
                    long c = into / 10_000;
                    app.appendHistogram(0, mixed, mixedT, Histogram.exponential(0, 0, 0, 2 * c, c * 1.5, SPANS, c, 0));
                } else {
                    app.append(0, mixed, mixedT, into);
                }
                mt.add(mixedT);
            }
            t += 15_000 - 2_000 + random.nextInt(4_000);
            if (random.nextInt(200) == 0) {
                t += 420_000 + random.nextInt(780_000);
            }
        }
        app.commit();
        return t;
    }
}
