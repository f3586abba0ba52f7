package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeHistogramTest {
    static final long HOUR = 3_600_000L;
    static final Labels LATENCY = Labels.of("__name__", "rpc_latency_seconds", "job", "api");
    static final Labels FLOATS = Labels.of("__name__", "rpc_rate", "job", "api");
    static final Labels NHCB = Labels.of("__name__", "rpc_size_bytes", "job", "api");

    @TempDir
    Path dir;

    /** One sample as read back: a float, or a kept copy of a histogram. */
    record Read(long t, ValueType type, double v, Object histogram) {
    }

    static List<Read> read(Tsdb db, Labels series) {
        try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", series.get("__name__"))));
            List<Read> out = new ArrayList<>();
            SampleIterator reuse = null;
            while (set.next()) {
                reuse = set.at().iterator(reuse);
                while (reuse.next()) {
                    ValueType type = reuse.valueType();
                    Object h = switch (type) {
                        case HISTOGRAM -> reuse.histogram().copy();
                        case FLOAT_HISTOGRAM -> reuse.floatHistogram().copy();
                        default -> null;
                    };
                    out.add(new Read(reuse.timestamp(), type, type == ValueType.FLOAT ? reuse.value() : Double.NaN, h));
                }
                assertThat(reuse.error()).isNull();
            }
            return out;
        }
    }

    static final long STEP = 60_000;

    /** Samples every minute: integer histograms, float histograms, NHCB. */
    private static void fill(Tsdb db, long fromStep, long toStep) {
        for (long i = fromStep; i < toStep; i++) {
            Appender app = db.appender();
            app.appendHistogram(0, LATENCY, i * STEP, Histograms.counter(i));
            app.appendHistogram(0, FLOATS, i * STEP, Histograms.floatCounter(i));
            app.appendHistogram(0, NHCB, i * STEP, Histograms.custom(i));
            app.commit();
        }
    }

    private static void assertContent(Tsdb db, long steps) {
        List<Read> ints = read(db, LATENCY);
        assertThat(ints).hasSize((int) steps);
        for (int i = 0; i < steps; i++) {
            Read r = ints.get(i);
            assertThat(r.t()).isEqualTo(i * STEP);
            assertThat(r.type()).isEqualTo(ValueType.HISTOGRAM);
            Histogram h = (Histogram) r.histogram();
            Histogram want = Histograms.counter(i);
            assertThat(h.count()).isEqualTo(want.count());
            assertThat(h.positiveDeltas()).containsExactly(want.positiveDeltas());
            assertThat(h.negativeDeltas()).containsExactly(want.negativeDeltas());
            assertThat(h.sum()).isEqualTo(want.sum());
        }
        List<Read> floats = read(db, FLOATS);
        assertThat(floats).hasSize((int) steps);
        for (int i = 0; i < steps; i++) {
            assertThat(floats.get(i).type()).isEqualTo(ValueType.FLOAT_HISTOGRAM);
            assertThat(((FloatHistogram) floats.get(i).histogram()).positiveBuckets())
                    .containsExactly(Histograms.floatCounter(i).positiveBuckets());
        }
        List<Read> custom = read(db, NHCB);
        assertThat(custom).hasSize((int) steps);
        assertThat(((Histogram) custom.get((int) steps - 1).histogram()).customValues()).containsExactly(0.1, 1, 10);
    }

    @Test
    void histogramsSurviveReopenAndHeadCompactionIntoBlocks() {
        long steps = 4 * HOUR / STEP; // four hours: the first two get cut into a block
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, steps);
            assertContent(db, steps);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertContent(db, steps); // replayed from the WAL
            db.compact();
            assertThat(db.blocks()).isNotEmpty();
            assertContent(db, steps); // block + head
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertContent(db, steps); // block + checkpoint + WAL
        }
    }

    @Test
    void blocksWithHistogramsAreCompactedTogether() {
        long steps = 10 * HOUR / STEP;
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, steps);
            db.compact();
            assertThat(db.blocks().get(0).maxTime() - db.blocks().get(0).minTime()).isGreaterThan(2 * HOUR);
            assertContent(db, steps);
        }
    }

    @Test
    void floatsAndHistogramsAlternateInOneSeries() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            app.append(0, LATENCY, 1000, 1.5);
            app.appendHistogram(0, LATENCY, 2000, Histograms.counter(1));
            app.append(0, LATENCY, 3000, StaleMarker.STALE_NAN);
            app.appendHistogram(0, LATENCY, 4000, Histograms.counter(2));
            app.append(0, LATENCY, 5000, 2.5);
            app.commit();
            List<Read> r = read(db, LATENCY);
            assertThat(r).extracting(Read::type).containsExactly(ValueType.FLOAT, ValueType.HISTOGRAM, ValueType.FLOAT, ValueType.HISTOGRAM,
                    ValueType.FLOAT);
            assertThat(StaleMarker.isStale(r.get(2).v())).isTrue();
            assertThat(r.get(4).v()).isEqualTo(2.5);
        }
    }

    @Test
    void counterResetStartsAChunkMarkedAsReset() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            app.appendHistogram(0, LATENCY, 1000, Histograms.counter(10));
            app.appendHistogram(0, LATENCY, 2000, Histograms.counter(11));
            app.appendHistogram(0, LATENCY, 3000, Histograms.counter(1));
            app.commit();
            assertThat(read(db, LATENCY)).extracting(r -> ((Histogram) r.histogram()).counterResetHint())
                    .containsExactly(CounterResetHint.UNKNOWN, CounterResetHint.NOT_COUNTER_RESET, CounterResetHint.COUNTER_RESET);
        }
    }

    @Test
    void invalidHistogramIsRefusedAndTheBatchGoesOn() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            Histogram bad = Histogram.exponential(0, 0, 0, 10, 1, HistogramSpans.pairs(0, 1), 3);
            assertThatThrownBy(() -> app.appendHistogram(0, LATENCY, 1000, bad)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("10 observations but 3")
                    .extracting(e -> ((StorageException) e).reason()).isEqualTo(StorageException.Reason.INVALID);
            app.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            app.commit();
            assertThat(read(db, LATENCY)).hasSize(1);
        }
    }

    @Test
    void sameTimestampWithAnotherHistogramIsADuplicateAndTheSameOneIsIgnored() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            app.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            app.commit();
            Appender again = db.appender();
            again.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            assertThatThrownBy(() -> again.appendHistogram(0, LATENCY, 1000, Histograms.counter(2)))
                    .extracting(e -> ((StorageException) e).reason()).isEqualTo(StorageException.Reason.DUPLICATE_TIMESTAMP);
            assertThatThrownBy(() -> again.appendHistogram(0, LATENCY, 500, Histograms.counter(2)))
                    .extracting(e -> ((StorageException) e).reason()).isEqualTo(StorageException.Reason.OUT_OF_ORDER);
            again.commit();
            assertThat(read(db, LATENCY)).hasSize(1);
        }
    }

    @Test
    void outOfOrderHistogramsInsideTheWindowAreKeptAndPersisted() {
        try (Tsdb db = Tsdb.open(options(dir).withOutOfOrderWindow(Duration.ofHours(1)))) {
            Appender app = db.appender();
            app.appendHistogram(0, LATENCY, 60_000, Histograms.counter(4));
            app.commit();
            app = db.appender();
            app.appendHistogram(0, LATENCY, 30_000, Histograms.counter(2));
            app.appendHistogram(0, LATENCY, 45_000, Histograms.counter(3));
            app.commit();
            assertThat(read(db, LATENCY)).extracting(Read::t).containsExactly(30_000L, 45_000L, 60_000L);
        }
        try (Tsdb db = Tsdb.open(options(dir).withOutOfOrderWindow(Duration.ofHours(1)))) {
            List<Read> r = read(db, LATENCY);
            assertThat(r).extracting(Read::t).containsExactly(30_000L, 45_000L, 60_000L);
            assertThat(((Histogram) r.get(0).histogram()).count()).isEqualTo(Histograms.counter(2).count());
        }
    }

    @Test
    void exemplarsAreKeptQueriedAndReplayed() {
        Exemplar e1 = new Exemplar(Labels.of("trace_id", "abc"), 0.25, 1000, true);
        Exemplar e2 = new Exemplar(Labels.of("trace_id", "def"), 0.5, 2000, true);
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            long ref = app.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            app.appendExemplar(ref, LATENCY, e1);
            app.appendExemplar(ref, LATENCY, e2);
            app.commit();
            Appender later = db.appender();
            later.appendExemplar(ref, LATENCY, e2); // duplicate of the newest: skipped
            assertThatThrownBy(() -> later.appendExemplar(ref, LATENCY, new Exemplar(Labels.of("trace_id", "x"), 1, 1500, true)))
                    .extracting(e -> ((StorageException) e).reason()).isEqualTo(StorageException.Reason.OUT_OF_ORDER);
            later.commit();
            assertThat(db.selectExemplars(0, 5000, List.of(List.of(Matcher.equal("job", "api")))))
                    .containsExactly(new SeriesExemplars(LATENCY, List.of(e1, e2)));
            assertThat(db.selectExemplars(1500, 5000, List.of(List.of(Matcher.equal("job", "api")))))
                    .containsExactly(new SeriesExemplars(LATENCY, List.of(e2)));
            assertThat(db.selectExemplars(0, 5000, List.of(List.of(Matcher.equal("job", "other"))))).isEmpty();
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.selectExemplars(0, 5000, List.of(List.of(Matcher.equal("job", "api")))))
                    .containsExactly(new SeriesExemplars(LATENCY, List.of(e1, e2)));
        }
    }

    @Test
    void exemplarLabelsReplayedFromTheWalAreNotKeptAsHeadSymbols() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            long ref = app.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            for (int i = 0; i < 50; i++) {
                app.appendExemplar(ref, LATENCY, new Exemplar(Labels.of("trace_id", "trace-" + i), i, 1000 + i, true));
            }
            app.commit();
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.selectExemplars(0, 5000, List.of(List.of(Matcher.equal("job", "api")))).get(0).exemplars()).hasSize(50);
            // The series' names and values only: the trace ids belong to no series, and no
            // truncation would ever find a series whose collection drops them.
            assertThat(db.head().symbolCount()).isEqualTo(2 * LATENCY.size());
        }
    }

    @Test
    void exemplarBufferKeepsOnlyTheNewest() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setMaxExemplars(3);
            for (int i = 0; i < 5; i++) {
                Appender app = db.appender();
                Labels series = Labels.of("__name__", "req_total", "i", Integer.toString(i % 2));
                app.append(0, series, i * 1000L, i);
                app.appendExemplar(0, series, new Exemplar(Labels.of("trace_id", "t" + i), i, i * 1000L, true));
                app.commit();
            }
            List<SeriesExemplars> all = db.selectExemplars(0, 10_000, List.of(List.of(Matcher.equal("__name__", "req_total"))));
            assertThat(all.stream().flatMap(s -> s.exemplars().stream()).map(e -> e.labels().get("trace_id")))
                    .containsExactlyInAnyOrder("t2", "t3", "t4");
            db.setMaxExemplars(0);
            assertThat(db.selectExemplars(0, 10_000, List.of(List.of(Matcher.equal("__name__", "req_total"))))).isEmpty();
        }
    }

    @Test
    void metadataIsKeptPerSeriesAndReplayedWithItsFamilyName() {
        Metadata meta = new Metadata(MetricType.HISTOGRAM, "RPC latency.", "seconds", "rpc_latency_seconds");
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            long ref = app.appendHistogram(0, LATENCY, 1000, Histograms.counter(1));
            app.updateMetadata(ref, LATENCY, meta);
            app.commit();
            assertThat(db.seriesMetadata()).containsEntry("rpc_latency_seconds", List.of(meta));
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.seriesMetadata()).containsEntry("rpc_latency_seconds", List.of(meta));
            // What the metadata APIs read: per series, filtered by matchers.
            assertThat(db.selectMetadata(List.of(Matcher.equal("__name__", "rpc_latency_seconds"))))
                    .containsExactly(new io.promethium.api.storage.MetadataQueryable.SeriesMetadata(LATENCY, meta));
            assertThat(db.selectMetadata(List.of(Matcher.equal("__name__", "other")))).isEmpty();
        }
    }
}
