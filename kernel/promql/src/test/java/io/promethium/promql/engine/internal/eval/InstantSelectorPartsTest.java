package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.testing.ResultText;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A selector of fewer series than cores has each series' steps read in parts on several cores
 * when the rest of it is long to read ({@link InstantSelectors#inParts}); the same series in a
 * selection of as many series as cores is read whole on one. Both must give the same rows and count the same samples read:
 * jittered samples across a block and the head, gaps longer than the lookback, staleness markers,
 * steps shorter and longer than the lookback (windows overlapping a part's edge or not),
 * {@code offset}, {@code @}, {@code timestamp()}, and a native histogram series, whose
 * counter-reset hints need the step before and so is read whole.
 */
class InstantSelectorPartsTest {

    private static final long T0 = 1_000_000_000L;
    private static final HistogramSpans SPANS = HistogramSpans.pairs(0, 2);

    @TempDir
    Path tmp;

    @Test
    void aSeriesReadInPartsOfItsStepsAnswersAsWhenReadWholeOnOneCore() throws Exception {
        int threads = SeriesParallel.helpers() + 1;
        assumeTrue(InstantSelectors.inParts(1, InstantSelectors.MIN_PART_STEPS), "one core: no parts to compare");
        PromQLEngine engine = new PromQLEngine(EngineOptions.DEFAULTS);
        Random random = new Random(7);
        try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(tmp).withSamplesPerChunk(37).withWal(false, false))) {
            long last = load(tsdb, random, threads);
            long start = T0 - 600_000;
            long end = last + 600_000;
            for (String series : List.of("m{k=\"one\"}", "m{k=\"dense\"}", "h{k=\"one\"}")) {
                String name = series.substring(0, 1);
                String k = series.substring(1).replace("{", "").replace("}", "");
                for (String form : List.of("%s", "timestamp(%s)", "%s offset 7m", "%s @ " + (T0 + 3_600_000) / 1000, "-%s")) {
                    for (long step : List.of(11_000L, 15_000L, 47_000L, 60_000L, 301_000L)) {
                        String one = String.format(form, series);
                        String all = String.format(form, name);
                        String pads = String.format(form, name + "{" + k.replace("=", "!=") + "}");
                        QueryResult parts = engine.rangeQuery(tsdb, one, start, end, step);
                        QueryResult whole = engine.rangeQuery(tsdb, all, start, end, step);
                        QueryResult rest = engine.rangeQuery(tsdb, pads, start, end, step);
                        String as = one + " by " + step + " ms";
                        assertThat(ResultText.of(parts, true)).as(as).isEqualTo(only(ResultText.of(whole, true), k));
                        assertThat(parts.stats().totalQueryableSamples()).as(as)
                                .isEqualTo(whole.stats().totalQueryableSamples() - rest.stats().totalQueryableSamples());
                    }
                }
            }
        }
    }

    /** The lines of one series and the warnings line of a result's text, as the text of a result holding that series alone. */
    private static String only(String text, String label) {
        String[] lines = text.split("\n");
        return Arrays.stream(lines).filter(l -> l.contains(label)).collect(Collectors.joining("\n")) + "\n" + lines[lines.length - 1];
    }

    /**
     * A long float series and a histogram series labelled {@code k="one"}, half in a block and half
     * in the head, and {@code threads} short companions of each, so that the unlabelled selector
     * holds as many series as cores.
     */
    private static long load(Tsdb tsdb, Random random, int threads) {
        Appender app = tsdb.appender();
        for (int p = 0; p < threads; p++) {
            for (int i = 0; i < 20; i++) {
                app.append(0, Labels.of("__name__", "m", "k", "pad" + p), T0 + i * 15_000L, i);
                app.appendHistogram(0, Labels.of("__name__", "h", "k", "pad" + p), T0 + i * 15_000L,
                        Histogram.exponential(0, 0, 0, 2, 1.5, SPANS, 1, 0));
            }
        }
        Labels m = Labels.of("__name__", "m", "k", "one");
        Labels h = Labels.of("__name__", "h", "k", "one");
        // A series scraped every second (~75k samples, a block and the head): long enough to
        // read that the rest of it, after the timed first steps, is shared in parts.
        Labels dense = Labels.of("__name__", "m", "k", "dense");
        long t = T0;
        long denseT = T0;
        long last = t;
        int samples = 5_000;
        long count = 2;
        for (int i = 0; i < samples; i++) {
            if (i == samples / 2) {
                app.commit();
                tsdb.flushHead();
                app = tsdb.appender();
            }
            for (; denseT < t; denseT += 1_000) {
                app.append(0, dense, denseT, random.nextInt(500) == 0 ? StaleMarker.STALE_NAN : random.nextDouble());
            }
            boolean stale = random.nextInt(150) == 0;
            double v = random.nextInt(10) == 0 ? i - 1 : random.nextDouble() * 1e6;
            app.append(0, m, t, stale ? StaleMarker.STALE_NAN : v);
            if (i % 3 == 0) {
                // A counter that now and then resets, so the hints differ from step to step.
                count = random.nextInt(20) == 0 ? 1 : count + 1 + random.nextInt(3);
                app.appendHistogram(0, h, t, Histogram.exponential(0, 0, 0, 2 * count, count * 1.5, SPANS, count, 0));
            }
            last = t;
            t += 15_000 - 2_000 + random.nextInt(4_000);
            if (random.nextInt(900) == 0) {
                t += 420_000 + random.nextInt(780_000);
            }
        }
        app.commit();
        return last;
    }

    @Test
    void aSeriesIsSharedOnlyWhenItsRestIsLongToRead() {
        assertThat(InstantSelectors.parts(100, 944)).as("a day of one series: 0.1 ms left").isEqualTo(1);
        assertThat(InstantSelectors.parts(1_000, 944)).as("a week of one series: ~1 ms left, in parts of ~0.1 ms").isEqualTo(9);
        assertThat(InstantSelectors.parts(100_000, 200)).as("no part shorter than the probe").isEqualTo(3);
    }
}
