package io.promethium.tsdb.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.Histograms;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDbTest {
    @TempDir
    Path dir;

    private AgentDb.Options options() {
        return new AgentDb.Options(dir, 1 << 20, Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofHours(4), true,
                WalCompression.SNAPPY);
    }

    private static List<String> follow(WalWatchable log, WalPosition from) throws Exception {
        Map<Long, Labels> series = new HashMap<>();
        List<String> samples = new ArrayList<>();
        WalVisitor v = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                series.put(ref, labels);
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                samples.add(series.get(ref).get("s") + "@" + timestamp);
            }
        };
        log.seriesBefore(from, v);
        WalPosition at = from;
        while (true) {
            WalPosition next = log.read(at, 1 << 16, v);
            if (next.equals(at)) {
                return samples;
            }
            at = next;
        }
    }

    @Test
    void appendsGoToAFollowableWalAndSurviveARestartWithoutQueries() throws Exception {
        WalPosition start;
        try (AgentDb db = AgentDb.open(options())) {
            start = db.walWatchable().end();
            Appender app = db.appender();
            for (int s = 0; s < 3; s++) {
                app.append(0, Labels.of("__name__", "m", "s", "" + s), 1000, s);
            }
            app.commit();
            SeriesSet set = db.querier(0, 2000).select(true, null, List.of(Matcher.equal("__name__", "m")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).hasMessage(AgentDb.UNAVAILABLE);
        }
        try (AgentDb db = AgentDb.open(options())) {
            assertThat(db.numSeries()).isEqualTo(3);
            Appender app = db.appender();
            assertThatThrownBy(() -> app.append(0, Labels.of("__name__", "m", "s", "0"), 500, 1))
                    .isInstanceOf(StorageException.class).hasMessageContaining("out of order");
            app.append(0, Labels.of("__name__", "m", "s", "0"), 2000, 1);
            app.commit();
            assertThat(follow(db.walWatchable(), start)).containsExactly("0@1000", "1@1000", "2@1000", "0@2000");
        }
    }

    @Test
    void truncationForgetsSeriesWithoutRecentSamplesAndKeepsTheRest() throws Exception {
        try (AgentDb db = AgentDb.open(options())) {
            long now = 10 * 3_600_000L;
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "old", "s", "x"), now - 5 * 3_600_000L, 1);
            app.append(0, Labels.of("__name__", "new", "s", "y"), now - 60_000L, 1);
            app.commit();
            db.truncate(now);
            assertThat(db.numSeries()).isEqualTo(1);
            assertThat(follow(db.walWatchable(), db.walWatchable().oldest())).isEmpty();
            app.append(0, Labels.of("__name__", "new", "s", "y"), now, 2);
            app.commit();
            List<String> seen = follow(db.walWatchable(), db.walWatchable().oldest());
            assertThat(seen).containsExactly("y@" + now);
        }
    }

    @Test
    void agentFlagsAreParsedAndBadOnesNamed() throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("promethium.flag.storage.agent.path", dir.toString(),
                "promethium.flag.storage.agent.retention.max-time", "1h"));
        AgentDb.Options o = AgentFlags.parse(props::get);
        assertThat(o.maxTime()).isEqualTo(Duration.ofHours(1));
        assertThat(o.path()).isEqualTo(dir);
        props.put("promethium.flag.storage.agent.retention.min-time", "2h");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.retention.min-time");
        props.remove("promethium.flag.storage.agent.retention.min-time");
        assertThat(o.walCompression()).isEqualTo(WalCompression.SNAPPY);
        props.put("promethium.flag.storage.agent.wal-compression", "false");
        assertThat(AgentFlags.parse(props::get).walCompression()).isEqualTo(WalCompression.NONE);
        props.put("promethium.flag.storage.agent.wal-compression", "yes");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.wal-compression");
    }

    @Test
    void walCompressionTypeFlagChoosesZstdAndNamesItselfWhenBad() throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("promethium.flag.storage.agent.path", dir.toString(),
                "promethium.flag.storage.agent.wal-compression-type", "zstd"));
        assertThat(AgentFlags.parse(props::get).walCompression()).isEqualTo(WalCompression.ZSTD);
        props.put("promethium.flag.storage.agent.wal-compression", "false");
        assertThat(AgentFlags.parse(props::get).walCompression()).isEqualTo(WalCompression.NONE);
        props.remove("promethium.flag.storage.agent.wal-compression");
        props.put("promethium.flag.storage.agent.wal-compression-type", "lz4");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.wal-compression-type")
                .hasMessageContaining("lz4");
        props.put("promethium.flag.storage.agent.wal-compression-type", "none");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.wal-compression=false");
        // Written with zstd, the WAL replays: samples survive a restart.
        props.put("promethium.flag.storage.agent.wal-compression-type", "zstd");
        WalPosition start;
        try (AgentDb db = AgentDb.open(AgentFlags.parse(props::get))) {
            start = db.walWatchable().end();
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "z", "s", "0"), 1000, 1.0);
            a.commit();
        }
        try (AgentDb db = AgentDb.open(AgentFlags.parse(props::get))) {
            assertThat(db.numSeries()).isEqualTo(1);
            assertThat(follow(db.walWatchable(), start)).containsExactly("0@1000");
        }
    }

    /** Everything a follower (remote write) sees from {@code from}: one line per entry. */
    private static List<String> followAll(WalWatchable log, WalPosition from) throws Exception {
        Map<Long, String> series = new HashMap<>();
        List<String> seen = new ArrayList<>();
        WalVisitor v = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                series.put(ref, labels.get("__name__"));
            }

            @Override
            public void startTimestamp(long ref, long timestamp, long startTimestamp) {
                seen.add("start " + series.get(ref) + "@" + timestamp + "=" + startTimestamp);
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                seen.add("float " + series.get(ref) + "@" + timestamp);
            }

            @Override
            public void histogram(long ref, long timestamp, Histogram h) {
                seen.add("histogram " + series.get(ref) + "@" + timestamp + " count=" + h.count());
            }

            @Override
            public void floatHistogram(long ref, long timestamp, FloatHistogram h) {
                seen.add("floathistogram " + series.get(ref) + "@" + timestamp + " count=" + h.count());
            }

            @Override
            public void exemplar(long ref, Exemplar e) {
                seen.add("exemplar " + series.get(ref) + "@" + e.timestamp() + " " + e.labels());
            }

            @Override
            public void metadata(long ref, Metadata m) {
                seen.add("metadata " + series.get(ref) + " " + m.type().text() + " " + m.help());
            }
        };
        log.seriesBefore(from, v);
        WalPosition at = from;
        while (true) {
            WalPosition next = log.read(at, 1 << 16, v);
            if (next.equals(at)) {
                return seen;
            }
            at = next;
        }
    }

    @Test
    void startTimestampsGoToTheWalBeforeTheirSamplesForRemoteWriteAndSurviveARestart() throws Exception {
        Labels c = Labels.of("__name__", "req_total", "job", "a");
        Labels h = Labels.of("__name__", "rpc_seconds", "job", "a");
        WalPosition start;
        try (AgentDb db = AgentDb.open(options())) {
            start = db.walWatchable().end();
            Appender app = db.appender();
            long ref = app.appendWithStart(0, c, 500, 1000, 1);
            app.appendHistogramWithStart(0, h, 600, 1000, Histograms.counter(1));
            app.commit();
            app.appendWithStart(ref, c, 0, 2000, 2); // none: nothing logged for it
            app.appendHistogramWithStart(0, h, 1500, 2000, Histograms.floatCounter(2));
            app.commit();
        }
        try (AgentDb db = AgentDb.open(options())) {
            List<String> seen = followAll(db.walWatchable(), start);
            assertThat(seen).containsExactly("start req_total@1000=500", "start rpc_seconds@1000=600", "float req_total@1000",
                    "histogram rpc_seconds@1000 count=" + Histograms.counter(1).count(), "start rpc_seconds@2000=1500", "float req_total@2000",
                    "floathistogram rpc_seconds@2000 count=" + Histograms.floatCounter(2).count());
        }
    }

    @Test
    void histogramsExemplarsAndMetadataGoToTheWalAndSurviveARestart() throws Exception {
        Labels h = Labels.of("__name__", "rpc_seconds", "job", "a");
        Labels f = Labels.of("__name__", "ratio", "job", "a");
        Labels c = Labels.of("__name__", "req_total", "job", "a");
        Metadata hm = new Metadata(MetricType.HISTOGRAM, "RPC latency.", "seconds");
        Exemplar x = new Exemplar(Labels.of("trace_id", "abc"), 0.5, 1000, true);
        WalPosition start;
        try (AgentDb db = AgentDb.open(options())) {
            start = db.walWatchable().end();
            Appender app = db.appender();
            Histogram reused = Histograms.counter(1);
            long ref = app.appendHistogram(0, h, 1000, reused);
            app.updateMetadata(ref, h, hm);
            app.appendHistogram(0, f, 1000, Histograms.floatCounter(2));
            long cref = app.append(0, c, 1000, 7);
            app.appendExemplar(cref, c, x);
            app.updateMetadata(cref, c, new Metadata(MetricType.COUNTER, "Requests.", ""));
            app.commit();
            // Unchanged metadata and a duplicate exemplar are not logged again.
            app.updateMetadata(ref, h, hm);
            app.appendExemplar(cref, c, x);
            app.appendHistogram(ref, h, 2000, Histograms.counter(2));
            app.commit();
            assertThat(db.selectMetadata(List.of(Matcher.equal("__name__", "rpc_seconds"))))
                    .containsExactly(new MetadataQueryable.SeriesMetadata(h, hm));
        }
        try (AgentDb db = AgentDb.open(options())) {
            assertThat(db.numSeries()).isEqualTo(3);
            assertThat(db.selectMetadata(List.of())).extracting(m -> m.seriesLabels().get("__name__"))
                    .containsExactly("req_total", "rpc_seconds");
            Appender app = db.appender();
            assertThatThrownBy(() -> app.appendHistogram(0, h, 1500, Histograms.counter(3)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("out of order");
            assertThatThrownBy(() -> app.appendExemplar(0, c, new Exemplar(Labels.of("trace_id", "old"), 1, 500, true)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("out of order exemplar");
            app.rollback();
            long count1 = Histograms.counter(1).count();
            long count2 = Histograms.counter(2).count();
            assertThat(followAll(db.walWatchable(), start)).containsExactly(
                    "float req_total@1000",
                    "histogram rpc_seconds@1000 count=" + count1,
                    "floathistogram ratio@1000 count=" + Histograms.floatCounter(2).count(),
                    "exemplar req_total@1000 {trace_id=\"abc\"}",
                    "metadata rpc_seconds histogram RPC latency.",
                    "metadata req_total counter Requests.",
                    "histogram rpc_seconds@2000 count=" + count2);
        }
    }

    @Test
    void invalidHistogramIsRefusedNamingTheSeries() throws Exception {
        try (AgentDb db = AgentDb.open(options())) {
            Appender app = db.appender();
            Histogram bad = Histogram.custom(new double[] {1, 0.5}, 1, 1, HistogramSpans.pairs(0, 1), 1);
            assertThatThrownBy(() -> app.appendHistogram(0, Labels.of("__name__", "bad"), 1000, bad))
                    .isInstanceOf(StorageException.class).hasMessageContaining("invalid histogram for {__name__=\"bad\"}");
            app.rollback();
        }
    }

    @Test
    void truncationKeepsTheMetadataOfKeptSeries() throws Exception {
        Labels l = Labels.of("__name__", "kept");
        Metadata m = new Metadata(MetricType.GAUGE, "Kept.", "");
        long now = 10 * 3_600_000L;
        try (AgentDb db = AgentDb.open(options())) {
            Appender app = db.appender();
            app.updateMetadata(app.append(0, l, now - 60_000L, 1), l, m);
            app.commit();
            db.truncate(now);
        }
        try (AgentDb db = AgentDb.open(options())) {
            assertThat(db.selectMetadata(List.of())).containsExactly(new MetadataQueryable.SeriesMetadata(l, m));
        }
    }
}
