package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.StorageException;
import io.promethium.tsdb.TestSupport.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadQueryTest {
    @TempDir
    Path dir;
    Tsdb db;

    static final Labels UP_A = Labels.of("__name__", "up", "job", "api", "instance", "a:9090");
    static final Labels UP_B = Labels.of("__name__", "up", "job", "api", "instance", "b:9090");
    static final Labels UP_C = Labels.of("__name__", "up", "job", "db", "instance", "c:9090", "env", "prod");
    static final Labels REQS = Labels.of("__name__", "http_requests_total", "job", "api", "code", "200");

    @BeforeEach
    void open() {
        db = Tsdb.open(options(dir));
        Appender app = db.appender();
        for (int i = 0; i < 300; i++) {
            long t = 1000L * 15 * i;
            app.append(0, UP_A, t, 1);
            app.append(0, UP_B, t, i % 2);
            app.append(0, UP_C, t, 1);
            app.append(0, REQS, t, i * 10.5);
        }
        app.commit();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<Labels> select(Matcher... matchers) {
        return new ArrayList<>(read(db, Long.MIN_VALUE, Long.MAX_VALUE, matchers).keySet());
    }

    @Test
    void equalMatcherSelectsExactlyTheSeriesWithThatPair() {
        assertThat(select(Matcher.equal("job", "api"))).containsExactly(REQS, UP_A, UP_B);
    }

    @Test
    void notEqualMatcherAlsoSelectsSeriesLackingTheLabel() {
        assertThat(select(Matcher.equal("__name__", "up"), Matcher.of(MatchType.NOT_EQUAL, "env", "prod")))
                .containsExactly(UP_A, UP_B);
    }

    @Test
    void regexMatcherIsAnchored() {
        assertThat(select(Matcher.of(MatchType.REGEX, "instance", "a:.*|c:9090"))).containsExactly(UP_C, UP_A);
        assertThat(select(Matcher.of(MatchType.REGEX, "instance", "9090"))).isEmpty();
    }

    @Test
    void aRegexTooExpensiveForALongLabelValueFailsTheSelectionNamingItInsteadOfBacktrackingForMinutes() {
        Appender app = db.appender();
        app.append(0, Labels.of("__name__", "up", "path", "x".repeat(5_000)), 0, 1);
        app.commit();
        Matcher cubic = Matcher.of(MatchType.REGEX, "path", ".*.*.*a");
        Throwable failure;
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(cubic));
            set.next();
            failure = set.error();
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(io.promethium.api.model.RegexTooExpensiveException.in(failure)).isNotNull()
                .hasMessageContaining("regular expression \".*.*.*a\"").hasMessageContaining("5000 characters");
        assertThat(select(Matcher.of(MatchType.REGEX, "path", "x+"))).hasSize(1);
    }

    @Test
    void negativeRegexExcludesMatchingValuesAndKeepsSeriesWithoutTheLabel() {
        assertThat(select(Matcher.equal("__name__", "up"), Matcher.of(MatchType.NOT_REGEX, "instance", "a.*")))
                .containsExactly(UP_C, UP_B);
        assertThat(select(Matcher.of(MatchType.NOT_REGEX, "env", "p.*"), Matcher.equal("job", "api"))).hasSize(3);
    }

    @Test
    void emptyValueEqualMatcherSelectsSeriesWithoutTheLabel() {
        assertThat(select(Matcher.equal("__name__", "up"), Matcher.equal("env", ""))).containsExactly(UP_A, UP_B);
    }

    @Test
    void selectorOfOnlyEmptyMatchingMatchersIsAnError() {
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "job", ".*")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).hasMessageContaining("at least one non-empty matcher");
        }
    }

    @Test
    void seriesComeSortedByLabels() {
        List<Labels> all = select(Matcher.of(MatchType.REGEX, "__name__", ".+"));
        assertThat(all).isSortedAccordingTo(Labels::compareTo).hasSize(4);
    }

    @Test
    void labelNamesAndValuesRespectMatchers() {
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            assertThat(q.labelNames(List.of())).containsExactly("__name__", "code", "env", "instance", "job");
            assertThat(q.labelValues("job", List.of())).containsExactly("api", "db");
            assertThat(q.labelValues("instance", List.of(Matcher.equal("job", "api")))).containsExactly("a:9090", "b:9090");
            assertThat(q.labelNames(List.of(Matcher.equal("job", "db")))).containsExactly("__name__", "env", "instance", "job");
        }
    }

    @Test
    void labelNamesAndValuesComeInGoStringOrder() {
        // By code point, as Prometheus: U+E000 before U+1F600, where Java's compareTo puts the surrogate pair first.
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00";
        Appender app = db.appender();
        app.append(0, Labels.of("__name__", "up", "pod", emoji, emoji, "x"), 0, 1);
        app.append(0, Labels.of("__name__", "up", "pod", privateUse, privateUse, "x"), 0, 1);
        app.commit();
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            assertThat(q.labelValues("pod", List.of())).containsExactly(privateUse, emoji);
            assertThat(q.labelNames(List.of())).endsWith(privateUse, emoji);
        }
    }

    @Test
    void querierRangeIsInclusiveOnBothEnds() {
        Map<Labels, List<Sample>> data = read(db, 30_000, 60_000, Matcher.equal("instance", "a:9090"));
        assertThat(data.get(UP_A)).extracting(Sample::t).containsExactly(30_000L, 45_000L, 60_000L);
    }

    @Test
    void seriesWithoutSamplesInRangeAreNotReturned() {
        assertThat(read(db, 10_000_000, 20_000_000, Matcher.equal("job", "api"))).isEmpty();
    }

    @Test
    void seekMovesForwardOnlyAndAcrossChunks() {
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("code", "200")));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            assertThat(it.seek(15_000L * 250 - 1)).isTrue();
            assertThat(it.timestamp()).isEqualTo(15_000L * 250);
            assertThat(it.value()).isEqualTo(2500.0 + 125);
            assertThat(it.seek(0)).isTrue();
            assertThat(it.timestamp()).isEqualTo(15_000L * 250);
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(15_000L * 251);
            assertThat(it.seek(Long.MAX_VALUE)).isFalse();
        }
    }

    @Test
    void outOfOrderSampleIsRejectedAndCounted() {
        Appender app = db.appender();
        assertThatThrownBy(() -> app.append(0, UP_A, 1000, 5))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.OUT_OF_ORDER));
        app.commit();
        assertThat(db.metrics().outOfOrderSamples.sum()).isEqualTo(1);
    }

    @Test
    void duplicateTimestampWithOtherValueIsRejectedButSameValueIsIgnored() {
        long last = 15_000L * 299;
        Appender app = db.appender();
        assertThat(app.append(0, UP_A, last, 1)).isPositive();
        assertThatThrownBy(() -> app.append(0, UP_A, last, 7))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE_TIMESTAMP));
        app.commit();
    }

    @Test
    void outOfOrderWindowAcceptsRecentLateSamplesAndQueriesMergeThem() {
        db.applyOptions(db.options().withOutOfOrderWindow(Duration.ofMinutes(10)));
        long last = 15_000L * 299;
        Appender app = db.appender();
        app.append(0, UP_A, last - 7_000, 42);
        assertThatThrownBy(() -> app.append(0, UP_A, last - 3_600_000, 1)).isInstanceOf(StorageException.class);
        app.commit();
        List<Sample> samples = read(db, last - 20_000, last, Matcher.equal("instance", "a:9090")).get(UP_A);
        assertThat(samples).containsExactly(new Sample(last - 15_000, 1), new Sample(last - 7_000, 42), new Sample(last, 1));
    }

    @Test
    void staleMarkerIsStoredBitExact() {
        Appender app = db.appender();
        app.append(0, UP_A, 15_000L * 300, StaleMarker.STALE_NAN);
        app.commit();
        List<Sample> samples = read(db, 15_000L * 300, 15_000L * 300, Matcher.equal("instance", "a:9090")).get(UP_A);
        assertThat(Double.doubleToRawLongBits(samples.get(0).v())).isEqualTo(StaleMarker.STALE_NAN_BITS);
    }

    @Test
    void rolledBackBatchIsInvisible() {
        Appender app = db.appender();
        app.append(0, UP_A, 15_000L * 300, 9);
        app.rollback();
        assertThat(read(db, 15_000L * 300, Long.MAX_VALUE, Matcher.equal("instance", "a:9090"))).isEmpty();
    }

    @Test
    void refReturnedByAppendSkipsTheLabelLookup() {
        Appender app = db.appender();
        long ref = app.append(0, UP_A, 15_000L * 300, 3);
        assertThat(app.append(ref, null, 15_000L * 301, 4)).isEqualTo(ref);
        app.commit();
        assertThat(read(db, 15_000L * 300, Long.MAX_VALUE, Matcher.equal("instance", "a:9090")).get(UP_A)).hasSize(2);
    }

    @Test
    void concurrentAppendersAndReadersSeeConsistentSeries() throws Exception {
        int writers = 2;
        int perWriter = 200;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int batch = 0; batch < 50; batch++) {
                        Appender app = db.appender();
                        for (int s = 0; s < perWriter; s++) {
                            app.append(0, Labels.of("__name__", "load", "writer", "w" + id, "s", "s" + s), batch * 1000L, batch);
                        }
                        app.commit();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            try {
                start.await();
                for (int i = 0; i < 30; i++) {
                    Map<Labels, List<Sample>> data = read(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "load"));
                    for (List<Sample> samples : data.values()) {
                        for (int k = 0; k < samples.size(); k++) {
                            if (samples.get(k).t() != k * 1000L || samples.get(k).v() != k) {
                                throw new AssertionError("gap or wrong value at " + k + ": " + samples);
                            }
                        }
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }));
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        Map<Labels, List<Sample>> data = read(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "load"));
        assertThat(data).hasSize(writers * perWriter);
        assertThat(TestSupport.count(data)).isEqualTo(writers * perWriter * 50L);
    }

    @Test
    void headStatsReportCardinality() {
        HeadStats stats = db.headStats();
        assertThat(stats.numSeries()).isEqualTo(4);
        assertThat(stats.seriesCountByMetricName()).first().isEqualTo(new HeadStats.Stat("up", 3));
        assertThat(stats.minTime()).isZero();
        assertThat(stats.maxTime()).isEqualTo(15_000L * 299);
        assertThat(stats.chunkCount()).isEqualTo(4 * 3);
    }

    /**
     * A scrape in flight when the TSDB closes (a plugin update): the close refuses new appenders,
     * waits for the commit, and the batch is in the WAL the next open replays.
     */
    @Test
    void anAppenderOpenWhenTheTsdbClosesCommitsBeforeTheWalCloses() throws Exception {
        Appender app = db.appender();
        app.append(0, UP_A, 15_000L * 300, 7);
        Thread closing = Thread.ofPlatform().start(db::close);
        closing.join(200);
        assertThat(closing.isAlive()).as("the close waiting for the open appender").isTrue();
        assertThatThrownBy(db::appender).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.CLOSED));

        app.commit();

        closing.join();
        db = Tsdb.open(options(dir));
        assertThat(read(db, 15_000L * 300, Long.MAX_VALUE, Matcher.equal("instance", "a:9090")).get(UP_A))
                .containsExactly(new Sample(15_000L * 300, 7));
    }

    /** An appender left open (a caller that neither commits nor rolls back) holds the close 2 s at most; its commit then fails as closed. */
    @Test
    void anAppenderLeftOpenPastTheCloseFailsAsClosed() {
        Appender app = db.appender();
        app.append(0, UP_A, 15_000L * 300, 1);
        db.close();
        assertThatThrownBy(app::commit).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.CLOSED));
        assertThatThrownBy(db::appender).isInstanceOf(StorageException.class).hasMessageContaining("closed");
    }

    /** As Prometheus's head index reader: a range that meets the head gets its index's names and values, one that does not gets none. */
    @Test
    void labelNamesAndValuesComeFromTheHeadsIndexForAnyRangeThatMeetsTheHead() {
        Appender app = db.appender();
        Labels late = Labels.of("__name__", "late_metric", "zone", "z1");
        app.append(0, late, 15_000L * 1000, 1);
        app.commit();
        try (Querier q = db.querier(0, 15_000L * 10)) {
            assertThat(q.labelValues("__name__", List.of())).containsExactly("http_requests_total", "late_metric", "up");
            assertThat(q.labelNames(List.of())).contains("zone");
            assertThat(q.labelValues("zone", List.of(Matcher.equal("__name__", "late_metric")))).containsExactly("z1");
            assertThat(q.labelNames(List.of(Matcher.equal("__name__", "up")))).doesNotContain("zone").contains("instance");
            // Fewer matching series than values: the series' own values, in the same order, none from a series without the label.
            assertThat(q.labelValues("instance", List.of(Matcher.equal("__name__", "up"), Matcher.of(MatchType.NOT_EQUAL, "instance", "c:9090"))))
                    .containsExactly("a:9090", "b:9090");
            assertThat(q.labelValues("instance", List.of(Matcher.equal("__name__", "http_requests_total")))).isEmpty();
        }
        try (Querier q = db.querier(15_000L * 1001, Long.MAX_VALUE)) {
            assertThat(q.labelValues("__name__", List.of())).as("after the head's newest sample").isEmpty();
            assertThat(q.labelNames(List.of())).isEmpty();
            assertThat(q.labelNames(List.of(Matcher.equal("__name__", "up")))).isEmpty();
        }
        try (Querier q = db.querier(Long.MIN_VALUE, -1)) {
            assertThat(q.labelValues("__name__", List.of(Matcher.equal("zone", "z1")))).as("before the head's oldest sample").isEmpty();
        }
    }
}
