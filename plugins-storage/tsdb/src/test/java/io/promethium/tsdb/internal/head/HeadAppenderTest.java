package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import org.junit.jupiter.api.Test;

class HeadAppenderTest {
    private static final int SPC = io.promethium.chunks.Chunks.SAMPLES_PER_CHUNK;
    private final Head head = new Head(new TsdbMetrics(), 0);

    private static void assertRejected(Appender app, long ref, long t, double v, StorageException.Reason reason) {
        assertThatThrownBy(() -> app.append(ref, null, t, v)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void outOfOrderAndDuplicatesAreRejectedAtAppendTime() {
        Appender app = head.appender();
        long ref = app.append(0, Labels.of("__name__", "a"), 2000, 1);
        app.commit();
        Appender late = head.appender();
        assertRejected(late, ref, 1000, 1, StorageException.Reason.OUT_OF_ORDER);
        assertRejected(late, ref, 2000, 5, StorageException.Reason.DUPLICATE_TIMESTAMP);
        assertThat(late.append(ref, null, 2000, 1)).as("identical re-append is ignored").isEqualTo(ref);
        assertThat(late.append(ref, null, 3000, 1)).isEqualTo(ref);
        late.commit();
        assertThat(head.series(ref).maxTime()).isEqualTo(3000);
    }

    @Test
    void seriesWithEqualMetadataShareOneInstance() {
        Appender app = head.appender();
        for (int s = 0; s < 3; s++) {
            Labels labels = Labels.of("__name__", "m", "instance", "host" + s);
            // A new Metadata (and help string) per series, as each target's scrape and WAL replay make.
            long ref = app.updateMetadata(0, labels, new io.promethium.api.model.Metadata(io.promethium.api.model.MetricType.COUNTER,
                    new String("Seconds spent."), ""));
            app.append(ref, labels, 1000, s);
        }
        app.commit();
        io.promethium.api.model.Metadata first = head.series(1).metadata();
        assertThat(first.help()).isEqualTo("Seconds spent.");
        assertThat(head.series(2).metadata()).isSameAs(first);
        assertThat(head.series(3).metadata()).isSameAs(first);
    }

    @Test
    void theRefTableFollowsEveryAppendedSample() {
        Appender app = head.appender();
        long ref = app.append(0, Labels.of("__name__", "a"), 2000, 1);
        assertThat(head.seriesMaxTime(ref)).as("not before commit").isEqualTo(Long.MIN_VALUE);
        app.commit();
        assertThat(head.seriesMaxTime(ref)).isEqualTo(2000);
        Appender next = head.appender();
        next.append(ref, null, 4000, 2);
        next.commit();
        assertThat(head.seriesMaxTime(ref)).isEqualTo(4000);
    }

    /** Labels of every series a head querier over {@code [mint, maxt]} selects. */
    private java.util.List<Labels> selected(long mint, long maxt) {
        try (var q = new io.promethium.tsdb.internal.query.HeadQuerier(head, mint, maxt)) {
            var set = q.select(true, null, java.util.List.of(io.promethium.api.model.Matcher.of(
                    io.promethium.api.model.MatchType.REGEX, "__name__", ".+")));
            java.util.List<Labels> out = new java.util.ArrayList<>();
            while (set.next()) {
                out.add(set.at().labels());
            }
            assertThat(set.error()).isNull();
            return out;
        }
    }

    @Test
    void aHeadSelectionAsAListGivesTheRestEachSeriesMadeAsItIsRead() {
        Appender app = head.appender();
        for (String name : java.util.List.of("c", "a", "b")) {
            app.append(0, Labels.of("__name__", name), 1000, name.charAt(0));
        }
        app.commit();
        try (var q = new io.promethium.tsdb.internal.query.HeadQuerier(head, 0, 2000)) {
            var set = q.select(true, null, java.util.List.of(io.promethium.api.model.Matcher.of(
                    io.promethium.api.model.MatchType.REGEX, "__name__", ".+")));
            assertThat(set.next()).isTrue();
            assertThat(set.at().labels().metricName()).isEqualTo("a");
            java.util.List<io.promethium.api.storage.Series> rest = set.toList();
            assertThat(set.next()).isFalse();
            assertThat(rest).extracting(s -> s.labels().metricName()).containsExactly("b", "c");
            assertThat(rest).isInstanceOf(java.util.RandomAccess.class);
            var it = rest.get(1).iterator(null);
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(1000);
            assertThat(it.value()).isEqualTo('c');
        }
    }

    @Test
    void aSeriesWithoutCommittedSamplesIsNotSelectedEvenOverTheWholeTimeRange() {
        Appender app = head.appender();
        app.append(0, Labels.of("__name__", "a"), 2000, 1);
        // The series exists (created at append, as Prometheus's head does) but has no sample yet.
        assertThat(head.numSeries()).isEqualTo(1);
        assertThat(selected(Long.MIN_VALUE, Long.MAX_VALUE)).as("before commit").isEmpty();
        assertThat(selected(0, 5000)).as("before commit, a bounded range").isEmpty();
        app.rollback();
        assertThat(selected(Long.MIN_VALUE, Long.MAX_VALUE)).as("after rollback").isEmpty();
        Appender next = head.appender();
        next.append(0, Labels.of("__name__", "b"), 3000, 1);
        next.append(0, Labels.of("__name__", "a"), 3000, 1);
        next.commit();
        assertThat(selected(Long.MIN_VALUE, Long.MAX_VALUE)).containsExactly(Labels.of("__name__", "a"), Labels.of("__name__", "b"));
        assertThat(selected(Long.MIN_VALUE, 2999)).isEmpty();
    }

    @Test
    void aRangeEndingBeforeTheNewestSampleIsAnsweredFromTheRefTableAndTruncationRaisesTheOldestBound() {
        Appender app = head.appender();
        long ref = app.append(0, Labels.of("__name__", "a"), 1000, 0);
        app.commit();
        // Two full chunks and one more sample, a second apart: the first chunk ends at SPC s.
        for (int i = 2; i <= 2 * SPC + 1; i++) {
            Appender next = head.appender();
            next.append(ref, null, i * 1000L, i);
            next.commit();
        }
        assertThat(head.spansIn(ref, 0, 1500)).as("newest past the range, oldest in it").isTrue();
        assertThat(selected(0, 1500)).containsExactly(Labels.of("__name__", "a"));
        assertThat(head.spansIn(ref, 0, 500)).as("the series starts after the range").isFalse();
        assertThat(selected(0, 500)).isEmpty();

        head.truncateBefore((SPC + 1) * 1000L);
        assertThat(head.series(ref).chunkCount()).as("the first chunk went to a block").isEqualTo(2);
        assertThat(head.spansIn(ref, 0, 1500)).as("what remains starts after the range").isFalse();
        assertThat(selected(0, 1500)).isEmpty();
        assertThat(head.spansIn(ref, 0, (SPC + 1) * 1000L)).isTrue();
        assertThat(selected(0, (SPC + 1) * 1000L)).containsExactly(Labels.of("__name__", "a"));
    }

    @Test
    void samplesRestoredByReplayAreKnownToTheRefTable() {
        MemSeries s = head.createWithRef(7, Labels.of("__name__", "a"));
        s.append(5000, 1, Long.MAX_VALUE, Long.MIN_VALUE, head.writes());
        assertThat(head.seriesMaxTime(7)).isEqualTo(5000);
        assertRejected(head.appender(), 7, 4000, 1, StorageException.Reason.OUT_OF_ORDER);
    }

    @Test
    void anAliasRefIsAlwaysCheckedAgainstItsSeries() {
        MemSeries s = head.createWithRef(3, Labels.of("__name__", "a"));
        s.append(5000, 1, Long.MAX_VALUE, Long.MIN_VALUE, head.writes());
        // The same labels logged again under another ref (a crash between logging and GC).
        assertThat(head.createWithRef(9, Labels.of("__name__", "a"))).isSameAs(s);
        Appender app = head.appender();
        assertRejected(app, 9, 4000, 1, StorageException.Reason.OUT_OF_ORDER);
        assertThat(app.append(9, null, 6000, 1)).as("the series' own ref").isEqualTo(3);
        app.commit();
        assertThat(s.maxTime()).isEqualTo(6000);
    }

    @Test
    void samplesBelowTheHeadsMinimumAreOutOfBoundsEvenForAKnownSeries() {
        Appender app = head.appender();
        long ref = app.append(0, Labels.of("__name__", "a"), 2000, 1);
        app.commit();
        head.setMinValidTime(10_000);
        assertRejected(head.appender(), ref, 5000, 1, StorageException.Reason.OUT_OF_BOUNDS);
    }
}
