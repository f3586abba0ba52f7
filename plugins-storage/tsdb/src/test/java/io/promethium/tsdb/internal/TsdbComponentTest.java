package io.promethium.tsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbComponentTest {
    @TempDir
    Path dir;

    /** Records what a collector writes. */
    static final class RecordingWriter implements MetricWriter {
        final Map<String, MetricType> families = new LinkedHashMap<>();
        final Map<String, Double> samples = new LinkedHashMap<>();

        @Override
        public void family(String name, MetricType type, String help, String unit) {
            families.put(name, type);
        }

        @Override
        public void sample(String name, Labels labels, double value) {
            samples.put(name, value);
        }
    }

    private static void appendOne(Storage storage, long t) {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "up", "job", "x"), t, 1);
        app.commit();
    }

    private static int countSeries(Storage storage) {
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "up")));
            int n = 0;
            while (set.next()) {
                n++;
            }
            return n;
        }
    }

    @Test
    void activatesFromStringPropertiesAndSurvivesDeactivateActivate() throws Exception {
        TsdbComponent component = new TsdbComponent();
        Map<String, String> props = Map.of("path", dir.toString(), "retentionTime", "1d", "retentionSize", "512MB");
        component.activate(props);
        assertThat(component.tsdb().options().retention()).isEqualTo(Duration.ofDays(1));
        assertThat(component.tsdb().options().retentionBytes()).isEqualTo(512L << 20);
        appendOne(component, 1000);
        component.deactivate();
        TsdbComponent again = new TsdbComponent();
        again.activate(props);
        assertThat(countSeries(again)).isEqualTo(1);
        again.deactivate();
    }

    @Test
    void modifiedAppliesOutOfOrderWindowWithoutReopening() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString()));
        var before = component.tsdb();
        appendOne(component, 100_000);
        Appender late = component.appender();
        assertThatThrownBy(() -> late.append(0, Labels.of("__name__", "up", "job", "x"), 50_000, 1)).isInstanceOf(StorageException.class);
        late.rollback();
        component.modified(Map.of("path", dir.toString(), "outOfOrderTimeWindow", "5m"));
        assertThat(component.tsdb()).isSameAs(before);
        Appender app = component.appender();
        app.append(0, Labels.of("__name__", "up", "job", "x"), 50_000, 1);
        app.commit();
        component.deactivate();
    }

    @Test
    void badFlagValuesAreConfigErrorsNamingTheFlag() {
        TsdbComponent component = new TsdbComponent();
        assertThatThrownBy(() -> component.activate(Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> component.activate(Map.of("path", dir.toString(), "retentionTime", "15 days")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.retention.time");
        assertThatThrownBy(() -> component.activate(Map.of("path", dir.toString(), "retentionSize", "5 parsecs")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.retention.size");
        assertThatThrownBy(() -> component.activate(Map.of("path", dir.toString(), "faultPauseBeforeRename", "block,index")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.fault.pause-before-rename")
                .hasMessageContaining("\"index\" is not block or checkpoint");
        assertThatThrownBy(() -> component.activate(Map.of("path", dir.toString(), "faultCompactionInterval", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.fault.compaction-interval");
    }

    @Test
    void walSegmentSizeFlagSplitsTheWalAtThatSize() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString(), "walSegmentSize", "10MB", "walCompression", "false"));
        assertThat(component.tsdb().options().walSegmentBytes()).isEqualTo(10L << 20);
        String padding = "p".repeat(1000);
        for (int batch = 0; batch < 12; batch++) {
            Appender app = component.appender();
            for (int i = 0; i < 1000; i++) {
                app.append(0, Labels.of("__name__", "up", "job", padding, "i", batch + "-" + i), 1000, 1);
            }
            app.commit();
        }
        component.deactivate();
        // About 12MB of series records: a second segment at 10MB (the default would keep one 128MB segment).
        try (var files = java.nio.file.Files.list(dir.resolve("wal"))) {
            List<Long> segments = files.filter(f -> f.getFileName().toString().matches("\\d+"))
                    .map(f -> f.toFile().length()).toList();
            assertThat(segments).hasSizeGreaterThanOrEqualTo(2).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(10L << 20));
        }
    }

    @Test
    void walSegmentSizeDefaultsTo128MBAndOutside10To256MBIsAnErrorNamingTheFlag() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).walSegmentBytes()).isEqualTo(128L << 20);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSegmentSize", "0B")).walSegmentBytes()).isEqualTo(128L << 20);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSegmentSize", "256MB")).walSegmentBytes()).isEqualTo(256L << 20);
        for (String bad : List.of("9MB", "257MB", "100", "big")) {
            assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "walSegmentSize", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.wal-segment-size");
        }
    }

    @Test
    void maxBlockChunkSegmentSizeDefaultsTo512MBAndOutside1MBTo2GBIsAnErrorNamingTheFlag() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).maxChunkFileBytes()).isEqualTo(512L << 20);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "maxChunkSegmentSize", "0B")).maxChunkFileBytes())
                .isEqualTo(512L << 20);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "maxChunkSegmentSize", "16MB")).maxChunkFileBytes())
                .isEqualTo(16L << 20);
        for (String bad : List.of("1023KB", "2GB", "lots")) {
            assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "maxChunkSegmentSize", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.max-block-chunk-segment-size");
        }
    }

    @Test
    void blockReloadIntervalDefaultsToAMinuteAndBelowASecondIsAnErrorNamingTheFlag() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).blockReloadInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "blockReloadInterval", "5s")).blockReloadInterval())
                .isEqualTo(Duration.ofSeconds(5));
        for (String bad : List.of("500ms", "0s", "soon")) {
            assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "blockReloadInterval", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.block-reload-interval");
        }
    }

    @Test
    void compactionDelayNeedsTheFeatureAndStaysWithinItsPercentOfTheBlockDuration() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).compactionDelay()).isZero();
        assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "delayedCompactionMaxPercent", "20")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.delayed-compaction.max-percent")
                .hasMessageContaining("--enable-feature=delayed-compaction");
        for (int i = 0; i < 20; i++) {
            Duration d = ComponentConfig.parse(Map.of("path", dir.toString(), "delayedCompaction", "true", "blockDuration", "1h"))
                    .compactionDelay();
            assertThat(d).as("10%% of 1h by default").isLessThan(Duration.ofMinutes(6));
            d = ComponentConfig.parse(Map.of("path", dir.toString(), "delayedCompaction", "true", "blockDuration", "1h",
                    "delayedCompactionMaxPercent", "1")).compactionDelay();
            assertThat(d).isLessThan(Duration.ofSeconds(36));
        }
        for (String bad : List.of("0", "101", "ten")) {
            assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "delayedCompaction", "true",
                    "delayedCompactionMaxPercent", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.delayed-compaction.max-percent");
        }
    }

    private long headChunksAfter120Samples(Map<String, String> props) throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(props);
        Appender app = component.appender();
        for (int i = 0; i < 120; i++) {
            app.append(0, Labels.of("__name__", "up", "job", "x"), 1000L + i * 15_000L, i);
        }
        app.commit();
        long chunks = component.tsdb().headStats().chunkCount();
        component.deactivate();
        return chunks;
    }

    @Test
    void samplesPerChunkFlagCutsHeadChunksAtThatCount() throws Exception {
        assertThat(headChunksAfter120Samples(Map.of("path", dir.resolve("a").toString()))).isEqualTo(1);
        assertThat(headChunksAfter120Samples(Map.of("path", dir.resolve("b").toString(), "samplesPerChunk", "30"))).isEqualTo(4);
    }

    @Test
    void samplesPerChunkIsAnIntegerAndZeroOrLessMeans120() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).samplesPerChunk()).isEqualTo(120);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "samplesPerChunk", "0")).samplesPerChunk()).isEqualTo(120);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "samplesPerChunk", "-5")).samplesPerChunk()).isEqualTo(120);
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "samplesPerChunk", "240")).samplesPerChunk()).isEqualTo(240);
        assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "samplesPerChunk", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.samples-per-chunk");
    }

    @Test
    void walSyncOnCommitDefaultsToFalseAndParsesTrueAndFalse() throws Exception {
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString())).walSyncOnCommit()).isFalse();
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSyncOnCommit", "true")).walSyncOnCommit()).isTrue();
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSyncOnCommit", " TRUE ")).walSyncOnCommit()).isTrue();
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSyncOnCommit", "false")).walSyncOnCommit()).isFalse();
        assertThat(ComponentConfig.parse(Map.of("path", dir.toString(), "walSyncOnCommit", "false")).walEnabled()).isTrue();
    }

    @Test
    void walSyncOnCommitOtherThanTrueOrFalseIsAConfigErrorNamingTheFlag() {
        assertThatThrownBy(() -> ComponentConfig.parse(Map.of("path", dir.toString(), "walSyncOnCommit", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--storage.tsdb.wal-sync-on-commit").hasMessageContaining("\"yes\"");
    }

    @Test
    void modifiedWalSyncOnCommitReopensKeepingTheData() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString()));
        var before = component.tsdb();
        appendOne(component, 1000);
        component.modified(Map.of("path", dir.toString(), "walSyncOnCommit", "true"));
        assertThat(component.tsdb()).isNotSameAs(before);
        assertThat(component.tsdb().options().walSyncOnCommit()).isTrue();
        assertThat(countSeries(component)).isEqualTo(1);
        appendOne(component, 2000);
        component.deactivate();
    }

    @Test
    void collectorWritesPrometheusNamedSelfMetrics() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString()));
        appendOne(component, 1000);
        RecordingWriter w = new RecordingWriter();
        component.collect(w);
        assertThat(w.samples).containsEntry("prometheus_tsdb_head_series", 1.0)
                .containsEntry("prometheus_tsdb_head_samples_appended_total", 1.0)
                .containsEntry("prometheus_tsdb_out_of_order_samples_total", 0.0)
                .containsEntry("prometheus_tsdb_wal_corruptions_total", 0.0)
                .containsEntry("prometheus_tsdb_compactions_total", 0.0)
                .containsEntry("prometheus_tsdb_blocks_loaded", 0.0)
                .containsEntry("prometheus_tsdb_storage_blocks_bytes", 0.0)
                .containsEntry("prometheus_tsdb_head_chunks", 1.0)
                .containsEntry("prometheus_tsdb_head_min_time", 1000.0)
                .containsEntry("prometheus_tsdb_head_max_time", 1000.0);
        assertThat(w.families).containsEntry("prometheus_tsdb_head_samples_appended", MetricType.COUNTER)
                .containsEntry("prometheus_tsdb_head_series", MetricType.GAUGE);
        component.deactivate();
    }

    @Test
    void storageAdminStatsAreTheHeadStatsInTheApisTerms() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString()));
        appendOne(component, 1000);
        Appender app = component.appender();
        app.append(0, Labels.of("__name__", "up", "job", "y"), 1000, 1);
        app.append(0, Labels.of("__name__", "down", "job", "y"), 2000, 1);
        app.commit();
        io.promethium.api.storage.StorageStats stats = component.stats();
        var head = component.headStats();
        assertThat(stats.numSeries()).isEqualTo(3).isEqualTo(head.numSeries());
        assertThat(stats.minTime()).isEqualTo(1000);
        assertThat(stats.maxTime()).isEqualTo(2000);
        assertThat(stats.seriesCountByMetricName()).containsExactly(new io.promethium.api.storage.StorageStats.Stat("up", 2),
                new io.promethium.api.storage.StorageStats.Stat("down", 1));
        assertThat(stats.labelValueCountByLabelName()).hasSameSizeAs(head.labelValueCountByLabelName());
        component.deactivate();
    }

    @Test
    void serviceLoaderFindsTheComponentAsStorageAndCollector() {
        assertThat(ServiceLoader.load(Storage.class).stream().map(p -> p.type().getName()))
                .contains(TsdbComponent.class.getName());
        assertThat(ServiceLoader.load(Collector.class).stream().map(p -> p.type().getName()))
                .contains(TsdbComponent.class.getName());
        assertThat(ServiceLoader.load(io.promethium.api.storage.StorageAdmin.class).stream().map(p -> p.type().getName()))
                .contains(TsdbComponent.class.getName());
    }

    @Test
    void callsAfterDeactivationFailInsteadOfReopening() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString()));
        component.deactivate();
        assertThatThrownBy(component::appender).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.CLOSED));
    }
}
