package io.promethium.storage.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.testsupport.FixedQueryable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FanoutStorageTest {

    private record ArraySeries(Labels labels, long[] ts, double[] vs) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new io.promethium.api.storage.ArraySampleIterator(ts, vs, null, null);
        }
    }

    /** A primary storage whose every select answers {@code set} and whose label calls answer {@code labels}. */
    private static Storage primary(Supplier<SeriesSet> set, List<String> labels) {
        return new Storage() {
            @Override
            public Appender appender() {
                throw new UnsupportedOperationException("read-only test storage");
            }

            @Override
            public long startTime() {
                return 42;
            }

            @Override
            public Querier querier(long minTime, long maxTime) {
                return new LabelledQuerier(FixedQueryable.of(set).querier(minTime, maxTime), () -> labels);
            }
        };
    }

    /** A secondary whose label calls answer {@code labels.get()} (which may throw, as remote read's does). */
    private static Queryable secondary(Supplier<SeriesSet> set, Supplier<List<String>> labels) {
        return (min, max) -> new LabelledQuerier(FixedQueryable.of(set).querier(min, max), labels);
    }

    private record LabelledQuerier(Querier selects, Supplier<List<String>> labels) implements Querier {
        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
            return selects.select(sorted, hints, matchers);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            return labels.get();
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            return labels.get();
        }

        @Override
        public void close() {
        }
    }

    private static SeriesSet set(Series... series) {
        return SeriesSet.ofList(List.of(series));
    }

    private static List<String> read(Storage s, List<String> warnings) {
        try (Querier querier = s.querier(0, 100)) {
            SeriesSet set = querier.select(true, null, List.of(Matcher.equal("__name__", "m")));
            List<String> out = new ArrayList<>();
            while (set.next()) {
                StringBuilder sb = new StringBuilder(set.at().labels().get("a"));
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    sb.append(' ').append(it.timestamp()).append('=').append(it.value());
                }
                out.add(sb.toString());
            }
            warnings.addAll(set.warnings());
            assertThat(set.error()).isNull();
            return out;
        }
    }

    @Test
    void seriesOfBothSourcesAreMergedByLabelsAndTimeWithThePrimaryWinningTies() {
        Storage local = primary(() -> set(
                new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {10, 30}, new double[] {1, 3}),
                new ArraySeries(Labels.of("__name__", "m", "a", "3"), new long[] {10}, new double[] {9})), List.of());
        Queryable remote = secondary(() -> set(
                new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {0, 10, 20}, new double[] {0, 100, 2}),
                new ArraySeries(Labels.of("__name__", "m", "a", "2"), new long[] {5}, new double[] {5})), List::of);
        List<String> warnings = new ArrayList<>();
        assertThat(read(new FanoutStorage(local, List.of(remote)), warnings))
                .containsExactly("1 0=0.0 10=1.0 20=2.0 30=3.0", "2 5=5.0", "3 10=9.0");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aFailingSecondaryIsAWarningAndThePrimaryStillAnswers() {
        Storage local = primary(() -> set(new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {10}, new double[] {1})), List.of());
        Queryable failed = secondary(() -> SeriesSet.failed(new java.io.IOException("remote_read far: returned HTTP status 503")), List::of);
        Queryable unopenable = (min, max) -> {
            throw new IllegalStateException("remote_read closed: shutting down");
        };
        List<String> warnings = new ArrayList<>();
        assertThat(read(new FanoutStorage(local, List.of(failed, unopenable)), warnings)).containsExactly("1 10=1.0");
        assertThat(warnings).containsExactlyInAnyOrder("remote_read far: returned HTTP status 503", "remote_read closed: shutting down");
    }

    @Test
    void aFailingPrimaryFailsTheSelectWhateverTheSecondariesAnswer() {
        StorageException broken = new StorageException(StorageException.Reason.IO, "chunk 7: checksum mismatch");
        Storage local = primary(() -> SeriesSet.failed(broken), List.of());
        Queryable remote = secondary(() -> set(new ArraySeries(Labels.of("__name__", "m", "a", "2"), new long[] {5}, new double[] {5})), List::of);
        try (Querier q = new FanoutStorage(local, List.of(remote)).querier(0, 100)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "m")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).isSameAs(broken);
        }
    }

    @Test
    void labelCallsUnionTheSourcesAndASecondaryThatCannotAnswerWarnsOnce() {
        Storage local = primary(SeriesSet::empty, List.of("a", "job"));
        Queryable answering = secondary(SeriesSet::empty, () -> List.of("b", "job"));
        Queryable unanswering = secondary(SeriesSet::empty, () -> {
            throw new UnsupportedOperationException("not implemented");
        });
        try (Querier q = new FanoutStorage(local, List.of(answering, unanswering)).querier(0, 100)) {
            assertThat(q.labelNames(List.of())).containsExactly("a", "b", "job");
            assertThat(q.labelValues("job", List.of())).containsExactly("a", "b", "job");
            assertThat(q.warnings()).containsExactly("not implemented");
        }
    }

    @Test
    void aFailingPrimaryFailsALabelCall() {
        Storage local = new Storage() {
            @Override
            public Appender appender() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long startTime() {
                return 0;
            }

            @Override
            public Querier querier(long minTime, long maxTime) {
                return new LabelledQuerier(Querier.empty(), () -> {
                    throw new StorageException(StorageException.Reason.CLOSED, "the TSDB service was deactivated");
                });
            }
        };
        try (Querier q = new FanoutStorage(local, List.of(secondary(SeriesSet::empty, List::of))).querier(0, 100)) {
            assertThatThrownBy(() -> q.labelNames(List.of())).hasMessage("the TSDB service was deactivated");
        }
    }

    @Test
    void withoutSecondariesOrWithOnlyEmptyOnesThePrimarysQuerierIsUsedAsIsAndWritesAndStartTimeAreThePrimarys() {
        Storage local = primary(SeriesSet::empty, List.of("x"));
        FanoutStorage view = new FanoutStorage(local, List.of());
        assertThat(view.querier(0, 1)).isInstanceOf(LabelledQuerier.class);
        Queryable unconfigured = (min, max) -> Querier.empty();
        assertThat(new FanoutStorage(local, List.of(unconfigured)).querier(0, 1)).isInstanceOf(LabelledQuerier.class);
        assertThat(view.startTime()).isEqualTo(42);
        assertThatThrownBy(view::appender).hasMessage("read-only test storage");
    }
}
