package io.promethium.promql.engine.internal.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.testing.FixedQueryable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanoutQueryableTest {

    private record ArraySeries(Labels labels, long[] ts, double[] vs) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new SampleIterator() {
                int i = -1;

                @Override
                public boolean next() {
                    return ++i < ts.length;
                }

                @Override
                public boolean seek(long t) {
                    if (i < 0) {
                        i = 0;
                    }
                    while (i < ts.length && ts[i] < t) {
                        i++;
                    }
                    return i < ts.length;
                }

                @Override
                public long timestamp() {
                    return ts[i];
                }

                @Override
                public double value() {
                    return vs[i];
                }
            };
        }
    }

    private static Queryable of(SeriesSet set) {
        return FixedQueryable.of(() -> set);
    }

    private static List<String> read(Queryable q, List<String> warnings) {
        try (Querier querier = q.querier(0, 100)) {
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
        Queryable local = of(SeriesSet.ofList(List.of(
                new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {10, 30}, new double[] {1, 3}),
                new ArraySeries(Labels.of("__name__", "m", "a", "3"), new long[] {10}, new double[] {9}))));
        Queryable remote = of(SeriesSet.ofList(List.of(
                new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {0, 10, 20}, new double[] {0, 100, 2}),
                new ArraySeries(Labels.of("__name__", "m", "a", "2"), new long[] {5}, new double[] {5}))));
        List<String> warnings = new ArrayList<>();
        assertThat(read(FanoutQueryable.of(local, List.of(remote)), warnings))
                .containsExactly("1 0=0.0 10=1.0 20=2.0 30=3.0", "2 5=5.0", "3 10=9.0");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aFailingSecondaryIsAWarningAndThePrimaryStillAnswers() {
        Queryable local = of(SeriesSet.ofList(List.of(
                new ArraySeries(Labels.of("__name__", "m", "a", "1"), new long[] {10}, new double[] {1}))));
        Queryable remote = of(SeriesSet.failed(new java.io.IOException("remote_read far: returned HTTP status 503")));
        List<String> warnings = new ArrayList<>();
        assertThat(read(FanoutQueryable.of(local, List.of(remote)), warnings)).containsExactly("1 10=1.0");
        assertThat(warnings).containsExactly("remote_read far: returned HTTP status 503");
    }

    @Test
    void withoutSecondariesThePrimaryIsUsedAsIs() {
        Queryable local = of(SeriesSet.empty());
        assertThat(FanoutQueryable.of(local, List.of())).isSameAs(local);
    }
}
