package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.ValueType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sample start timestamps through the head, the WAL (replay, torn tail, checkpoints) and blocks (head cut, merges). */
class StartTimestampStorageTest {
    private static final long STEP = 15_000;
    private static final long HOUR = 3_600_000;

    private static final Labels CUMULATIVE = Labels.of("__name__", "c_total", "kind", "cumulative");
    private static final Labels DELTA = Labels.of("__name__", "c_total", "kind", "delta");
    private static final Labels SOME = Labels.of("__name__", "c_total", "kind", "some");
    private static final Labels NONE = Labels.of("__name__", "c_total", "kind", "none");

    @TempDir
    Path dir;

    /** The start the fill gives series {@code s}'s sample at step {@code i} (0: none). */
    private static long start(Labels s, long i) {
        long t = i * STEP;
        if (s == CUMULATIVE) {
            return (i / 100) * 100 * STEP - 500; // restarts every 100 samples
        }
        if (s == DELTA) {
            return t - STEP;
        }
        if (s == SOME) {
            return i % 3 == 0 ? t - 1 : 0;
        }
        return 0;
    }

    private static void fill(Tsdb db, long from, long to) {
        for (long i = from; i < to; i++) {
            Appender app = db.appender();
            for (Labels s : List.of(CUMULATIVE, DELTA, SOME)) {
                app.appendWithStart(0, s, start(s, i), i * STEP, i);
            }
            app.append(0, NONE, i * STEP, i);
            app.commit();
        }
    }

    /** Per series, each sample as {time, start}. */
    private static Map<Labels, List<long[]>> read(Tsdb db) {
        try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "__name__", "c_total")));
            Map<Labels, List<long[]>> out = new LinkedHashMap<>();
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                List<long[]> samples = new ArrayList<>();
                while (it.next()) {
                    samples.add(new long[] {it.timestamp(), it.startTimestamp()});
                }
                assertThat(it.error()).isNull();
                out.put(set.at().labels(), samples);
            }
            return out;
        }
    }

    private static void assertContent(Tsdb db, long steps) {
        Map<Labels, List<long[]>> data = read(db);
        assertThat(data).hasSize(4);
        for (Labels s : List.of(CUMULATIVE, DELTA, SOME, NONE)) {
            List<long[]> samples = data.get(s);
            assertThat(samples).as("samples of %s", s).hasSize((int) steps);
            for (int i = 0; i < steps; i++) {
                assertThat(samples.get(i)[0]).isEqualTo(i * STEP);
                assertThat(samples.get(i)[1]).as("start of %s at step %d", s, i).isEqualTo(start(s, i));
            }
        }
    }

    @Test
    void startTimestampsAreReadBackWithTheirSamplesAndOthersHaveNone() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 300);
            assertContent(db, 300);
        }
    }

    @Test
    void integerAndFloatHistogramsKeepTheirStartTimestampsAndInvalidOnesAreRefusedAlike() {
        Labels ints = Labels.of("__name__", "h", "kind", "int");
        Labels floats = Labels.of("__name__", "h", "kind", "float");
        HistogramSpans spans = HistogramSpans.pairs(0, 2);
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            app.appendHistogramWithStart(0, ints, 500, 1_000, Histogram.exponential(0, 0, 0, 3, 4.5, spans, 1, 1));
            app.appendHistogramWithStart(0, floats, 600, 1_000, FloatHistogram.exponential(0, 0, 0, 3, 4.5, spans, 1, 2));
            app.appendHistogram(0, ints, 2_000, Histogram.exponential(0, 0, 0, 5, 6, spans, 2, 1));
            app.appendHistogram(0, floats, 2_000, FloatHistogram.exponential(0, 0, 0, 5, 6, spans, 2, 3));
            // Buckets summing to more than the count: invalid, whichever kind.
            assertThatThrownBy(() -> app.appendHistogramWithStart(0, ints, 700, 3_000, Histogram.exponential(0, 0, 0, 1, 1, spans, 5, 0)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("invalid histogram for " + ints);
            assertThatThrownBy(() -> app.appendHistogramWithStart(0, floats, 700, 3_000, FloatHistogram.exponential(0, 0, 0, 1, 1, spans, 5, 5)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("invalid histogram for " + floats);
            app.commit();
        }
        try (Tsdb db = Tsdb.open(options(dir))) { // through the WAL too
            Map<Labels, List<long[]>> read = new LinkedHashMap<>();
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "__name__", "h")));
                while (set.next()) {
                    SampleIterator it = set.at().iterator(null);
                    List<long[]> samples = new ArrayList<>();
                    while (it.next()) {
                        samples.add(new long[] {it.timestamp(), it.startTimestamp(), it.valueType().ordinal()});
                    }
                    read.put(set.at().labels(), samples);
                }
            }
            assertThat(read.get(ints)).containsExactly(new long[] {1_000, 500, ValueType.HISTOGRAM.ordinal()},
                    new long[] {2_000, 0, ValueType.HISTOGRAM.ordinal()});
            assertThat(read.get(floats)).containsExactly(new long[] {1_000, 600, ValueType.FLOAT_HISTOGRAM.ordinal()},
                    new long[] {2_000, 0, ValueType.FLOAT_HISTOGRAM.ordinal()});
        }
    }

    @Test
    void startTimestampsSurviveWalReplay() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 300);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertContent(db, 300);
            fill(db, 300, 310);
            assertContent(db, 310);
        }
    }

    @Test
    void aTornLastCommitLosesItsSamplesAndStartsAndTheRestReplays() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 50);
        }
        Path segment;
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            segment = s.filter(p -> p.getFileName().toString().matches("\\d{8}")).sorted().findFirst().orElseThrow();
        }
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7); // kill -9 in the middle of the last write
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            assertContent(db, 49);
            fill(db, 49, 60);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertContent(db, 60);
        }
    }

    @Test
    void headCompactionKeepsStartTimestampsInBlocksAndTheCheckpoint() {
        long steps = 4 * HOUR / STEP; // the first two hours get cut into a block
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, steps);
            db.compact();
            assertThat(db.blocks()).isNotEmpty();
            assertContent(db, steps); // block + head
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertContent(db, steps); // block + checkpoint + WAL
        }
    }

    @Test
    void mergingBlocksKeepsStartTimestamps() {
        long steps = 10 * HOUR / STEP;
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, steps);
            db.compact();
            assertThat(db.blocks().get(0).maxTime() - db.blocks().get(0).minTime()).isGreaterThan(2 * HOUR);
            assertContent(db, steps);
        }
    }
}
