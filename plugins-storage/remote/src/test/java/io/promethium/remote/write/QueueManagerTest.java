package io.promethium.remote.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.AppendTotals;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.MetadataSource;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueManagerTest {
    @TempDir
    Path dir;

    private Tsdb db;
    private TestReceiver receiver;
    private final List<QueueManager> queues = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    /** Held here: the log manager keeps loggers weakly, and a collected one would lose the handler. */
    private final Logger writeLog = Logger.getLogger("io.promethium.remote.write");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                warnings.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void open() throws Exception {
        db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false));
        receiver = new TestReceiver();
        writeLog.addHandler(capture);
    }

    @AfterEach
    void close() {
        writeLog.removeHandler(capture);
        queues.forEach(QueueManager::close);
        receiver.close();
        db.close();
    }

    static SectionContext context(Labels external) {
        return new SectionContext() {
            @Override
            public Labels externalLabels() {
                return external;
            }

            @Override
            public Path configDirectory() {
                return Path.of(".");
            }

            @Override
            public LabelRewriter relabeling(PluginConfig entry, String field) {
                // Stands in for the kernel's relabeling: drop go_* series when rules are configured.
                return entry.values().get(field) == null ? LabelRewriter.IDENTITY
                        : labels -> labels.metricName().startsWith("go_") ? null : labels;
            }

            @Override
            public io.promethium.api.http.HttpClientFactory httpClients() {
                return new HttpConfigClientFactory();
            }
        };
    }

    static RemoteWriteSettings settings(String url, Map<String, Object> extra) throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("url", url);
        values.put("queue_config", Map.of("batch_send_deadline", "50ms", "min_backoff", "10ms", "max_backoff", "200ms",
                "capacity", 500L, "max_samples_per_send", 100L));
        values.putAll(extra);
        return RemoteWriteSettings.parse(new PluginConfig("remote_write", values, "prometheus.yml:3:5"),
                context(Labels.of("replica", "a")));
    }

    private QueueManager start(RemoteWriteSettings s, MetadataSource metadata) throws Exception {
        QueueManager q = new QueueManager(s, db.walWatchable(), new HttpSender(s, "test"),
                metadata == null ? List::of : metadata::metadata, 1000);
        q.start();
        queues.add(q);
        return q;
    }

    private void append(int series, long t, double v) {
        Appender app = db.appender();
        for (int s = 0; s < series; s++) {
            app.append(0, Labels.of("__name__", s % 5 == 4 ? "go_x" : "m", "s", Integer.toString(s)), t, v);
        }
        app.commit();
    }

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + max);
            }
            Thread.sleep(20);
        }
    }

    private Set<String> keys() {
        Set<String> keys = new HashSet<>();
        for (TestReceiver.Received r : receiver.samples) {
            keys.add(r.labels() + "@" + r.t());
        }
        return keys;
    }

    @Test
    void samplesAndStaleMarkersArriveIntactWithExternalLabelsAndRelabeling() throws Exception {
        QueueManager q = start(settings(receiver.url(), Map.of("write_relabel_configs", List.of(Map.of("action", "drop")),
                "headers", Map.of("X-Scope-OrgID", "tenant-1"))), null);
        for (int t = 1; t <= 20; t++) {
            append(10, t * 1000L, t + 0.25);
        }
        append(1, 21_000L, StaleMarker.STALE_NAN);
        await(() -> receiver.samples.size() == 20 * 8 + 1, Duration.ofSeconds(20));
        assertThat(receiver.samples).allMatch(r -> r.labels().get("replica").equals("a"))
                .noneMatch(r -> r.labels().metricName().startsWith("go_"));
        assertThat(receiver.samples).anyMatch(r -> r.t() == 21_000L
                && Double.doubleToRawLongBits(r.v()) == Double.doubleToRawLongBits(StaleMarker.STALE_NAN));
        assertThat(receiver.samples).anyMatch(r -> r.t() == 7000L && r.v() == 7.25
                && r.labels().equals(Labels.of("__name__", "m", "replica", "a", "s", "3")));
        assertThat(keys()).hasSize(20 * 8 + 1);
        assertThat(receiver.headers).containsEntry("x-scope-orgid", "tenant-1").containsEntry("content-encoding", "snappy")
                .containsEntry("x-prometheus-remote-write-version", "0.1.0");
        // The receiver holds the samples before the sender has read its answer and counted them.
        await(() -> q.metrics().samplesSent.sum() == 161, Duration.ofSeconds(10));
        assertThat(q.metrics().samplesDropped.sum()).isEqualTo(40);
    }

    @Test
    void seriesAHeadCutEndedAreForgottenOnceTheSegmentsWrittenBeforeItsCheckpointAreRead() throws Exception {
        QueueManager q = start(settings(receiver.url(), Map.of()), null);
        long hour = 3_600_000L;
        Appender app = db.appender();
        for (int s = 0; s < 100; s++) {
            app.append(0, Labels.of("__name__", "ended", "s", Integer.toString(s)), 1000, s);
        }
        app.commit();
        appendKept(4 * hour);
        await(() -> receiver.samples.size() == 110 && q.seriesKnown == 110, Duration.ofSeconds(20));
        // The first cut ends the "ended" series in the head; the WAL's only segment is the queue's,
        // so it is kept whole and no checkpoint is written yet.
        db.compact();
        appendKept(8 * hour);
        await(() -> q.metrics().samplesSent.sum() == 120, Duration.ofSeconds(20));
        q.persistSettled();
        // The second cut writes the checkpoint of the first segment: the "kept" series only. The
        // follower forgets the others once it reads past the segments written before that cut.
        db.compact();
        appendKept(8 * hour + 60_000);
        await(() -> q.seriesKnown == 10, Duration.ofSeconds(20));
        await(() -> q.metrics().samplesSent.sum() == 130, Duration.ofSeconds(20));
        assertThat(q.metrics().samplesDropped.sum()).isZero();
    }

    private void appendKept(long t) {
        Appender app = db.appender();
        for (int s = 0; s < 10; s++) {
            app.append(0, Labels.of("__name__", "kept", "s", Integer.toString(s)), t, s);
        }
        app.commit();
    }

    @Test
    void aRequestCarriesOneTimeSeriesPerSeriesWithItsSamplesInTimeOrder() throws Exception {
        QueueManager q = start(settings(receiver.url(), Map.of("queue_config", Map.of("batch_send_deadline", "3s",
                "capacity", 500L, "max_samples_per_send", 100L))), null);
        for (int t = 1; t <= 25; t++) {
            append(4, t * 1000L, t);
        }
        await(() -> receiver.samples.size() == 100, Duration.ofSeconds(20));
        assertThat(receiver.shapes).hasSize(1);
        assertThat(receiver.shapes.peek()).containsExactly(4, 100);
        Map<Labels, List<Long>> bySeries = new LinkedHashMap<>();
        for (TestReceiver.Received r : receiver.samples) {
            bySeries.computeIfAbsent(r.labels(), k -> new ArrayList<>()).add(r.t());
        }
        assertThat(bySeries).hasSize(4).allSatisfy((labels, times) -> assertThat(times).hasSize(25).isSorted());
        await(() -> q.metrics().samplesSent.sum() == 100, Duration.ofSeconds(10));
    }

    @Test
    void aZstdCompressedWalIsFollowedAndSentWhole() throws Exception {
        // The default WAL is snappy-compressed (every other test here); this one reopens with zstd.
        db.close();
        db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false)
                .withWalCompression(WalCompression.ZSTD).withWalSegmentBytes(64 << 10));
        QueueManager q = start(settings(receiver.url(), Map.of()), null);
        for (int t = 1; t <= 40; t++) {
            append(50, t * 1000L, t + 0.5);
        }
        await(() -> receiver.samples.size() == 40 * 50, Duration.ofSeconds(20));
        assertThat(keys()).hasSize(40 * 50);
        assertThat(receiver.samples).anyMatch(r -> r.t() == 33_000L && r.v() == 33.5
                && r.labels().equals(Labels.of("__name__", "m", "replica", "a", "s", "12")));
        await(() -> q.metrics().samplesSent.sum() == 40 * 50, Duration.ofSeconds(10));
    }

    @Test
    void aReceiverOutageLosesNothingSendsNothingTwiceAndLogsTheErrorOnce() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        QueueManager q = start(settings(receiver.url(), Map.of()), null);
        for (int t = 1; t <= 30; t++) {
            append(20, t * 1000L, t);
            Thread.sleep(20);
        }
        await(() -> q.metrics().samplesRetried.sum() > 0, Duration.ofSeconds(10));
        Thread.sleep(500);
        receiver.mode.set(TestReceiver.Mode.OK);
        try {
            await(() -> receiver.samples.size() >= 600, Duration.ofSeconds(20));
        } catch (AssertionError e) {
            throw new AssertionError("got=" + receiver.samples.size() + " sent=" + q.metrics().samplesSent.sum() + " retried=" + q.metrics().samplesRetried.sum() + " pending=" + q.metrics().samplesPending.get() + " read=" + q.samplesRead() + " dropped=" + q.metrics().samplesDropped.sum() + " shards=" + q.shardCount() + " warnings=" + warnings, e);
        }
        Thread.sleep(300);
        assertThat(receiver.samples).hasSize(600);
        assertThat(keys()).hasSize(600);
        assertThat(q.metrics().samplesFailed.sum()).isZero();
        assertThat(warnings.stream().filter(w -> w.contains("HTTP status 503"))).hasSize(1);
    }

    /**
     * The backlog of an outage, sent by a slow receiver, makes the queue reshard (the old shards
     * drain, new ones take over between two WAL reads) while samples keep coming: each arrives
     * exactly once. The VictoriaMetrics outage tests never reshard (one shard keeps up there).
     * When the machine is too loaded for the backlog to call for more shards, a reshard is asked
     * for directly: what is checked is that a reshard in the middle of a backlog loses nothing.
     */
    @Test
    void reshardingAfterAnOutageLosesNoSampleAndSendsNoneTwice() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        // 1 ms a sample: one shard sends 1000/s, less than the 2000/s coming in.
        receiver.delayMillis = 100;
        QueueManager q = start(settings(receiver.url(), Map.of("queue_config", Map.of("batch_send_deadline", "50ms",
                "min_backoff", "10ms", "max_backoff", "100ms", "capacity", 500L, "max_samples_per_send", 100L, "max_shards", 8L))), null);
        int series = 200;
        int rounds = 60;
        int maxShards = 1;
        for (int t = 1; t <= rounds; t++) {
            if (t == 15) {
                receiver.mode.set(TestReceiver.Mode.OK);
            }
            append(series, t * 1000L, t);
            Thread.sleep(100);
            maxShards = Math.max(maxShards, q.shardCount());
            if (t == 40 && maxShards == 1) {
                // A loaded machine appends slower than one shard sends, and the queue rightly keeps
                // one shard: the reshard is then asked for, as the shard-update tick would.
                q.requestReshard(3);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (receiver.samples.size() < series * rounds && System.nanoTime() < deadline) {
            maxShards = Math.max(maxShards, q.shardCount());
            Thread.sleep(50);
        }
        Thread.sleep(300);
        assertThat(maxShards).as("resharded").isGreaterThan(1);
        assertThat(keys()).as("distinct samples received").hasSize(series * rounds);
        assertThat(receiver.samples).as("samples received, duplicates included").hasSize(series * rounds);
        assertThat(q.metrics().samplesFailed.sum()).isZero();
        assertThat(q.metrics().samplesDropped.sum()).isZero();
    }

    @Test
    void clientErrorsAreDroppedAndCountedAndTheQueueMovesOn() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        receiver.status = 400;
        QueueManager q = start(settings(receiver.url(), Map.of()), null);
        append(10, 1000L, 1);
        await(() -> q.metrics().samplesFailed.sum() == 10, Duration.ofSeconds(10));
        receiver.mode.set(TestReceiver.Mode.OK);
        append(10, 2000L, 2);
        await(() -> receiver.samples.size() == 10, Duration.ofSeconds(10));
        assertThat(q.metrics().samplesRetried.sum()).isZero();
        assertThat(warnings).anyMatch(w -> w.contains("HTTP status 400") && w.contains("not recoverable"));
    }

    /** Without {@code retry_on_http_429} (off by default, as Prometheus) a 429 is dropped and counted as another 4xx. */
    @Test
    void tooManyRequestsIsRetriedOnlyWhenConfigured() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        receiver.status = 429;
        QueueManager q = start(settings(receiver.url(), Map.of("name", "no429", "queue_config", Map.of("batch_send_deadline", "50ms"))),
                null);
        append(10, 1000L, 1);
        await(() -> q.metrics().samplesFailed.sum() == 10, Duration.ofSeconds(10));
        assertThat(q.metrics().samplesRetried.sum()).isZero();
    }

    /**
     * A stand-in receiver ({@link TestReceiver}) answers 429 (with {@code retry_on_http_429}) or 503
     * with {@code Retry-After: 1} to the first requests: each retry waits the second the receiver asked for (not the 200 ms
     * {@code max_backoff}), as Prometheus honours it for both, then every sample arrives, counted
     * retried and never failed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {429, 503})
    void aRecoverableAnswerIsRetriedAfterTheReceiversRetryAfterThenEverySampleArrives(int status) throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        receiver.status = status;
        receiver.retryAfter = "1";
        QueueManager q = start(settings(receiver.url(), Map.of("queue_config", Map.of("batch_send_deadline", "50ms",
                "min_backoff", "10ms", "max_backoff", "200ms", "capacity", 500L, "max_samples_per_send", 100L,
                "retry_on_http_429", true))), null);
        append(10, 1000L, 1);
        await(() -> receiver.requests.get() >= 3, Duration.ofSeconds(10));
        receiver.mode.set(TestReceiver.Mode.OK);
        await(() -> receiver.samples.size() == 10, Duration.ofSeconds(10));
        List<Long> at = new ArrayList<>(receiver.arrivals);
        for (int i = 1; i < 3; i++) {
            assertThat((at.get(i) - at.get(i - 1)) / 1e6).as("wait before retry %d, ms", i).isGreaterThanOrEqualTo(950);
        }
        assertThat(q.metrics().samplesRetried.sum()).isGreaterThanOrEqualTo(20);
        assertThat(q.metrics().samplesFailed.sum()).isZero();
        await(() -> q.metrics().samplesPending.get() == 0, Duration.ofSeconds(5));
        assertThat(warnings.stream().filter(w -> w.contains("HTTP status " + status))).hasSize(1);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDateAndAPastOrUnreadableOneLeavesTheBackoff() {
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
        java.time.format.DateTimeFormatter http = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME;
        assertThat(HttpSender.retryAfterMillis("2")).isEqualTo(2000);
        assertThat(HttpSender.retryAfterMillis(http.format(now.plusSeconds(3)))).isBetween(1000L, 3000L);
        assertThat(HttpSender.retryAfterMillis(http.format(now.minusSeconds(3)))).isEqualTo(-1);
        assertThat(HttpSender.retryAfterMillis("soon")).isEqualTo(-1);
    }

    /**
     * The stand-in receiver answers 400 to a request holding series {@code s="3"}, having written
     * the rest of it, as Prometheus's receiver answers a batch with an out-of-order sample: the
     * batch is counted failed, sent once (never retried), and the queue moves on.
     */
    @Test
    void aBadRequestForPartOfABatchIsCountedFailedNotRetriedAndTheQueueMovesOn() throws Exception {
        receiver.refuseSeries = "3";
        QueueManager q = start(settings(receiver.url(), Map.of()), null);
        append(10, 1000L, 1);
        await(() -> q.metrics().samplesFailed.sum() == 10, Duration.ofSeconds(10));
        Thread.sleep(500);
        assertThat(receiver.requests.get()).as("requests for the refused batch").isEqualTo(1);
        receiver.refuseSeries = null;
        append(10, 2000L, 2);
        await(() -> receiver.samples.stream().filter(r -> r.t() == 2000L).count() == 10, Duration.ofSeconds(10));
        assertThat(receiver.samples.stream().filter(r -> r.t() == 1000L)).hasSize(9);
        assertThat(q.metrics().samplesRetried.sum()).isZero();
        assertThat(q.metrics().samplesFailed.sum()).isEqualTo(10);
        await(() -> q.metrics().samplesPending.get() == 0, Duration.ofSeconds(5));
        assertThat(warnings).anyMatch(w -> w.contains("HTTP status 400") && w.contains("not recoverable"));
    }

    @Test
    void aRestartResumesAfterWhatWasAcknowledgedAndLosesNothing() throws Exception {
        RemoteWriteSettings s = settings(receiver.url(), Map.of("name", "resume"));
        QueueManager first = start(s, null);
        append(10, 1000L, 1);
        await(() -> receiver.samples.size() == 10, Duration.ofSeconds(10));
        io.promethium.api.storage.WalPosition end = db.walWatchable().end();
        await(() -> end.equals(first.persistedPosition()), Duration.ofSeconds(10));
        receiver.mode.set(TestReceiver.Mode.STATUS);
        for (int t = 2; t <= 10; t++) {
            append(10, t * 1000L, t);
        }
        await(() -> first.metrics().samplesRetried.sum() > 0, Duration.ofSeconds(10));
        first.close();
        queues.remove(first);
        append(10, 11_000L, 11);
        receiver.mode.set(TestReceiver.Mode.OK);
        start(s, null);
        await(() -> keys().size() >= 110, Duration.ofSeconds(20));
        Thread.sleep(300);
        assertThat(keys()).hasSize(110);
        // What was acknowledged before the restart is not sent again. A batch cut off by close() may
        // reach the receiver and be resent (at least once, as Prometheus), so only t=1000 counts exactly.
        assertThat(receiver.samples.stream().filter(r -> r.t() == 1000L)).hasSize(10);
    }

    @Test
    void aHangingOrGarbageReceiverNeitherBlocksAppendsNorLosesData() throws Exception {
        receiver.mode.set(TestReceiver.Mode.HANG);
        QueueManager q = start(settings(receiver.url(), Map.of("remote_timeout", "300ms",
                "queue_config", Map.of("capacity", 50L, "max_samples_per_send", 10L, "batch_send_deadline", "20ms",
                        "min_backoff", "10ms", "max_backoff", "100ms"))), null);
        // Far more samples than the shards hold: appends must finish while nothing can be sent.
        for (int t = 1; t <= 50; t++) {
            append(20, t * 1000L, t);
        }
        await(() -> q.metrics().samplesRetried.sum() > 0, Duration.ofSeconds(10));
        receiver.mode.set(TestReceiver.Mode.GARBAGE);
        await(() -> warnings.stream().anyMatch(w -> w.contains("502")), Duration.ofSeconds(10));
        receiver.mode.set(TestReceiver.Mode.OK);
        await(() -> keys().size() == 1000, Duration.ofSeconds(30));
        assertThat(warnings.stream().filter(w -> w.contains("deadline"))).hasSize(1);
    }

    @Test
    void shardsFollowTheIncomingRate() throws Exception {
        receiver.delayMillis = 100;
        QueueManager q = start(settings(receiver.url(), Map.of("queue_config", Map.of("max_samples_per_send", 50L,
                "batch_send_deadline", "20ms", "capacity", 2000L, "max_shards", 8L))), null);
        long t = 1000;
        long until = System.currentTimeMillis() + 8000;
        while (System.currentTimeMillis() < until && q.shardCount() == 1) {
            append(200, t, 1);
            t += 1000;
            Thread.sleep(100);
        }
        assertThat(q.shardCount()).isGreaterThan(1);
        assertThat(q.metrics().shardsDesired.get()).isGreaterThan(1);
    }

    /**
     * Prometheus sizes shards from what its appender saw: behind a down receiver the WAL reader
     * waits, and a backlog measured by what was read would look like none (one shard caught up a
     * 5-minute outage at 100k series, ScrapeRemoteWriteOutageIT). The storage's committed newest
     * timestamp shows the 300 s still to send.
     */
    @Test
    void theBacklogIsMeasuredFromWhatTheStorageCommittedNotFromWhatWasRead() throws Exception {
        AppendTotals[] committed = {AppendTotals.UNKNOWN};
        WalWatchable real = db.walWatchable();
        WalWatchable log = new WalWatchable() {
            @Override
            public Path stateDirectory() {
                return real.stateDirectory();
            }

            @Override
            public WalPosition end() throws java.io.IOException {
                return real.end();
            }

            @Override
            public WalPosition oldest() throws java.io.IOException {
                return real.oldest();
            }

            @Override
            public void seriesBefore(WalPosition position, WalVisitor visitor) throws java.io.IOException {
                real.seriesBefore(position, visitor);
            }

            @Override
            public WalPosition read(WalPosition from, long maxBytes, WalVisitor visitor) throws java.io.IOException {
                return real.read(from, maxBytes, visitor);
            }

            @Override
            public AppendTotals appended() {
                return committed[0];
            }
        };
        RemoteWriteSettings s = settings(receiver.url(), Map.of("queue_config", Map.of("max_shards", 8L)));
        QueueManager q = new QueueManager(s, log, new HttpSender(s, "test"), List::of, QueueManager.SHARD_UPDATE_MILLIS);
        q.start();
        queues.add(q);
        append(10, 5000, 1);
        assertThat(db.walWatchable().appended()).isEqualTo(new AppendTotals(5000, 10));
        await(() -> q.metrics().highestSentMillis.get() == 5000, Duration.ofSeconds(10));
        // One shard busy 40% of the time keeps up with 10k samples/s.
        assertThat(q.desiredShards(10_000, 10_000, 0.4)).as("nothing behind by what was read").isEqualTo(1);
        committed[0] = new AppendTotals(305_000, 1_000_000);
        assertThat(q.highestInMillis()).isEqualTo(305_000);
        // 300 s behind: a tenth of the backlog a second on top of the rate, 0.4 × (1 + 3) = 1.6.
        assertThat(q.desiredShards(10_000, 10_000, 0.4)).as("300 s behind by what was committed").isEqualTo(2);
    }

    @Test
    void metadataIsSentFromTheScrapedFamilies() throws Exception {
        MetadataSource source = () -> List.of(
                new MetadataSource.FamilyMetadata("http_requests", new Metadata(MetricType.COUNTER, "Requests.", "")),
                new MetadataSource.FamilyMetadata("temp", new Metadata(MetricType.GAUGE, "Temperature.", "celsius")));
        QueueManager q = start(settings(receiver.url(), Map.of("metadata_config", Map.of("send_interval", "1s"))), source);
        await(() -> receiver.metadata.size() >= 2 && q.metrics().metadataSent.sum() >= 2, Duration.ofSeconds(10));
        assertThat(receiver.metadata).contains("type=1 name=http_requests help=Requests.",
                "type=2 name=temp help=Temperature. unit=celsius");
        assertThat(q.metrics().metadataSent.sum()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void closingFlushesWhatTheShardsHoldWithinTheFlushDeadline() throws Exception {
        QueueManager q = start(settings(receiver.url(), Map.of("name", "flush", "queue_config", Map.of("batch_send_deadline", "1h",
                "capacity", 500L, "max_samples_per_send", 100L))), null);
        append(10, 1000L, 1);
        await(() -> q.metrics().samplesPending.get() == 10, Duration.ofSeconds(10));
        assertThat(receiver.samples).isEmpty();
        queues.remove(q);
        q.close(Duration.ofSeconds(30));
        assertThat(receiver.samples).hasSize(10);
        assertThat(q.persistedPosition()).isEqualTo(db.walWatchable().end());
    }

    @Test
    void theFlushDeadlineBoundsTheWaitForADownReceiverAndTheNextStartSendsTheRest() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        RemoteWriteSettings s = settings(receiver.url(), Map.of("name", "deadline"));
        QueueManager q = start(s, null);
        append(10, 1000L, 1);
        await(() -> q.metrics().samplesRetried.sum() > 0, Duration.ofSeconds(10));
        queues.remove(q);
        long started = System.nanoTime();
        q.close(Duration.ofMillis(500));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        receiver.mode.set(TestReceiver.Mode.OK);
        start(s, null);
        await(() -> receiver.samples.size() == 10, Duration.ofSeconds(20));
    }

    @Test
    void theFlushDeadlineFlagIsADurationAndABadOneNamesTheFlag() throws Exception {
        assertThat(RemoteWriteComponent.flushDeadline(null)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RemoteWriteComponent.flushDeadline("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> RemoteWriteComponent.flushDeadline("soon")).hasMessageContaining("--storage.remote.flush-deadline")
                .hasMessageContaining("soon");
    }

    @Test
    void exemplarsTravelWithTheirSeriesWhenSendExemplarsIsOn() throws Exception {
        db.setMaxExemplars(1000);
        QueueManager with = start(settings(receiver.url(), Map.of("name", "with", "send_exemplars", true)), null);
        Labels l = Labels.of("__name__", "http_requests_total", "s", "1");
        Appender app = db.appender();
        long ref = app.append(0, l, 1000, 1);
        app.appendExemplar(ref, l, new Exemplar(Labels.of("trace_id", "abc"), 0.5, 1000, true));
        ref = app.append(ref, l, 2000, 2);
        app.appendExemplar(ref, l, new Exemplar(Labels.of("trace_id", "def"), 0.25, 2000, true));
        app.commit();
        await(() -> receiver.exemplars.size() == 2 && receiver.samples.size() == 2, Duration.ofSeconds(20));
        Labels sent = Labels.of("__name__", "http_requests_total", "replica", "a", "s", "1");
        assertThat(receiver.exemplars).containsExactly(sent + " " + Labels.of("trace_id", "abc") + " 0.5@1000",
                sent + " " + Labels.of("trace_id", "def") + " 0.25@2000");
        await(() -> with.metrics().exemplarsSent.sum() == 2 && with.metrics().samplesSent.sum() == 2, Duration.ofSeconds(10));
        assertThat(with.exemplarsRead()).isEqualTo(2);
        assertThat(with.metrics().exemplarsPending.get()).isZero();
    }

    @Test
    void exemplarsStayHomeWithoutSendExemplars() throws Exception {
        db.setMaxExemplars(1000);
        QueueManager without = start(settings(receiver.url(), Map.of("name", "without")), null);
        Labels l = Labels.of("__name__", "http_requests_total", "s", "1");
        Appender app = db.appender();
        long ref = app.append(0, l, 1000, 1);
        app.appendExemplar(ref, l, new Exemplar(Labels.of("trace_id", "abc"), 0.5, 1000, true));
        app.commit();
        await(() -> without.metrics().samplesSent.sum() == 1, Duration.ofSeconds(20));
        assertThat(receiver.exemplars).isEmpty();
        assertThat(without.metrics().exemplarsSent.sum()).isZero();
    }

    @Test
    void nativeHistogramsIntegerFloatAndCustomBucketsArriveEqualWithSendNativeHistograms() throws Exception {
        QueueManager with = start(settings(receiver.url(), Map.of("name", "with", "send_native_histograms", true)), null);
        Labels l = Labels.of("__name__", "rpc_seconds", "s", "1");
        Labels f = Labels.of("__name__", "rpc_rate", "s", "1");
        Labels c = Labels.of("__name__", "rpc_nhcb", "s", "1");
        List<Histogram> ints = new ArrayList<>();
        List<FloatHistogram> floats = new ArrayList<>();
        List<Histogram> customs = new ArrayList<>();
        Appender app = db.appender();
        for (int i = 1; i <= 5; i++) {
            Histogram h = new Histogram(CounterResetHint.UNKNOWN, 3, 1e-128, i, 10L * i + 2, 2.5 * i, HistogramSpans.pairs(-2, 2, 3, 1),
                    new long[] {2L * i, 1, 2L * i}, HistogramSpans.pairs(0, 1), new long[] {i}, null);
            app.appendHistogram(0, l, i * 1000L, h);
            ints.add(h);
            FloatHistogram fh = FloatHistogram.exponential(-1, 0, 0.5, 3.5 + i, 1.25, HistogramSpans.pairs(1, 2), 1, 2 + i);
            app.appendHistogram(0, f, i * 1000L, fh);
            floats.add(fh);
            Histogram ch = Histogram.custom(new double[] {0.1, 1, 10}, 4L * i, 4.0, HistogramSpans.pairs(0, 2, 1, 1), i, 0, i);
            app.appendHistogram(0, c, i * 1000L, ch);
            customs.add(ch);
        }
        app.append(0, Labels.of("__name__", "plain"), 1000, 7);
        app.commit();
        await(() -> receiver.histograms.size() == 15 && receiver.samples.size() == 1, Duration.ofSeconds(20));
        Map<String, List<Object>> bySeries = new LinkedHashMap<>();
        for (TestReceiver.ReceivedHistogram r : receiver.histograms) {
            bySeries.computeIfAbsent(r.labels().metricName(), k -> new ArrayList<>()).add(r.histogram());
            assertThat(r.labels().get("replica")).isEqualTo("a");
        }
        // The TSDB may record the counter-reset hint it worked out; the buckets and counts travel as they are.
        assertThat(bySeries.get("rpc_seconds")).extracting(h -> withoutHint(h)).containsExactlyElementsOf(ints.stream().map(h -> withoutHint(h)).toList());
        assertThat(bySeries.get("rpc_rate")).extracting(h -> withoutHint(h)).containsExactlyElementsOf(floats.stream().map(h -> withoutHint(h)).toList());
        assertThat(bySeries.get("rpc_nhcb")).extracting(h -> withoutHint(h)).containsExactlyElementsOf(customs.stream().map(h -> withoutHint(h)).toList());
        await(() -> with.metrics().histogramsSent.sum() == 15 && with.metrics().samplesSent.sum() == 1, Duration.ofSeconds(10));
        assertThat(with.histogramsRead()).isEqualTo(15);
        assertThat(with.metrics().histogramsPending.get()).isZero();
    }

    @Test
    void remoteWrite2SendsSymbolizedSeriesWithMetadataHistogramsAndExemplarsAndCountsAPartialWrite() throws Exception {
        db.setMaxExemplars(1000);
        MetadataSource families = () -> List.of(new MetadataSource.FamilyMetadata("rpc_seconds",
                new Metadata(MetricType.HISTOGRAM, "RPC latency.", "seconds")));
        QueueManager q = start(settings(receiver.url(), Map.of("name", "v2", "protobuf_message", "io.prometheus.write.v2.Request",
                "send_native_histograms", true, "send_exemplars", true)), families);
        Labels counter = Labels.of("__name__", "http_requests_total", "code", "200");
        Labels hist = Labels.of("__name__", "rpc_seconds");
        Appender app = db.appender();
        long ref = app.append(0, counter, 1000, 1);
        app.updateMetadata(ref, counter, new Metadata(MetricType.COUNTER, "Requests.", ""));
        app.appendExemplar(ref, counter, new Exemplar(Labels.of("trace_id", "abc"), 1, 1000, true));
        app.appendHistogram(0, hist, 1000, Histogram.exponential(0, 0, 1, 2, 0.5, HistogramSpans.pairs(0, 1), 1));
        app.append(ref, counter, 2000, 2);
        app.commit();
        await(() -> receiver.samples.size() == 2 && receiver.histograms.size() == 1, Duration.ofSeconds(20));
        assertThat(receiver.headers).containsEntry("content-type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                .containsEntry("x-prometheus-remote-write-version", "2.0.0");
        Labels counterSent = counter.toBuilder().set("replica", "a").build();
        Labels histSent = hist.toBuilder().set("replica", "a").build();
        assertThat(receiver.v2Series).contains(counterSent + " " + new Metadata(MetricType.COUNTER, "Requests.", "") + " samples");
        assertThat(receiver.v2Series).anyMatch(s -> s.startsWith(histSent + " ") && s.endsWith(" histograms"));
        assertThat(receiver.exemplars).containsExactly(counterSent + " " + Labels.of("trace_id", "abc") + " 1.0@1000");
        await(() -> q.metrics().samplesSent.sum() == 2 && q.metrics().histogramsSent.sum() == 1, Duration.ofSeconds(10));
        assertThat(q.metrics().samplesFailed.sum()).isZero();

        // A receiver that confirms fewer samples than it got: the shortfall is counted failed, not retried.
        receiver.v2Shortfall = 1;
        app = db.appender();
        app.append(0, counter, 3000, 3);
        app.commit();
        await(() -> q.metrics().samplesFailed.sum() == 1, Duration.ofSeconds(20));
        // The shortfall is counted before it is logged: wait for the warning rather than race it.
        await(() -> warnings.stream().anyMatch(w -> w.contains("the receiver wrote 0 of 1 samples")), Duration.ofSeconds(10));
    }

    @Test
    void remoteWrite2SendsStartTimestampsAsCreatedTimestampsSplittingASeriesWhereItsStartChanges() throws Exception {
        QueueManager q = start(settings(receiver.url(), Map.of("name", "v2", "protobuf_message", "io.prometheus.write.v2.Request",
                "send_native_histograms", true)), null);
        Labels counter = Labels.of("__name__", "req_total");
        Labels plain = Labels.of("__name__", "temp");
        Labels hist = Labels.of("__name__", "rpc_seconds");
        Appender app = db.appender();
        app.appendWithStart(0, counter, 500, 1000, 1);
        app.appendWithStart(0, counter, 500, 2000, 2);
        app.appendWithStart(0, counter, 2500, 3000, 1); // restarted
        app.append(0, plain, 1000, 20);
        app.appendHistogramWithStart(0, hist, 700, 1000, Histogram.exponential(0, 0, 1, 2, 0.5, HistogramSpans.pairs(0, 1), 1));
        app.commit();
        await(() -> receiver.samples.size() == 4 && receiver.histograms.size() == 1, Duration.ofSeconds(20));
        Labels counterSent = counter.toBuilder().set("replica", "a").build();
        assertThat(receiver.createdOf).containsEntry(counterSent + "@1000", 500L).containsEntry(counterSent + "@2000", 500L)
                .containsEntry(counterSent + "@3000", 2500L)
                .containsEntry(plain.toBuilder().set("replica", "a").build() + "@1000", 0L)
                .containsEntry(hist.toBuilder().set("replica", "a").build() + "@1000", 700L);
        assertThat(receiver.v2Series.stream().filter(s -> s.startsWith(counterSent + " "))).as("two TimeSeries: one per start").hasSize(2);
    }

    private static String withoutHint(Object h) {
        return h.toString().replaceFirst("hint=[A-Z_]+, ", "");
    }

    @Test
    void nativeHistogramsStayHomeWithoutSendNativeHistograms() throws Exception {
        QueueManager without = start(settings(receiver.url(), Map.of("name", "without")), null);
        Appender app = db.appender();
        app.appendHistogram(0, Labels.of("__name__", "h"), 1000, Histogram.exponential(0, 0, 1, 1, 1, HistogramSpans.EMPTY));
        app.append(0, Labels.of("__name__", "plain"), 1000, 7);
        app.commit();
        await(() -> without.metrics().samplesSent.sum() == 1, Duration.ofSeconds(20));
        assertThat(receiver.histograms).isEmpty();
        assertThat(without.metrics().histogramsSent.sum()).isZero();
        assertThat(without.histogramsRead()).isZero();
    }

    @Test
    void fieldsNotImplementedAreRefusedByName() {
        assertThatThrownBy(() -> settings(receiver.url(), Map.of("protobuf_message", "io.prometheus.write.v3.Request")))
                .hasMessageContaining("prometheus.yml:3:5").hasMessageContaining("unknown message");
        assertThatThrownBy(() -> settings(receiver.url(), Map.of("sigv4", Map.of("region", "x")))).hasMessageContaining("sigv4");
        assertThatThrownBy(() -> settings(receiver.url(), Map.of("queue_config", Map.of("bogus", 1L)))).hasMessageContaining("bogus");
        assertThatThrownBy(() -> settings(receiver.url(), Map.of("headers", Map.of("Authorization", "x"))))
                .hasMessageContaining("reserved");
        // Refused where Go's url.Parse refuses; ftp://x parses there and fails only when sent.
        assertThatThrownBy(() -> settings("http://h:abc", Map.of())).hasMessageContaining("url: parse \"http://h:abc\": invalid port");
    }
}
