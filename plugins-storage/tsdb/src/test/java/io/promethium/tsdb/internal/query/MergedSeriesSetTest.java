package io.promethium.tsdb.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergedSeriesSetTest {

    @Test
    void eachSeriesComesOutOnceInLabelOrderWithTheSamplesOfEverySourceHoldingIt() {
        // Equal label sets in different sources are different objects, as a block's and the head's are.
        SeriesSet first = SeriesSet.ofList(List.of(series("a", 1), series("c", 2), series("d", 3)));
        SeriesSet second = SeriesSet.ofList(List.of(series("b", 4), series("c", 5)));
        SeriesSet third = SeriesSet.ofList(List.of(series("a", 6), series("c", 7), series("e", 8)));
        MergeQuerier.MergedSeriesSet merged = new MergeQuerier.MergedSeriesSet(List.of(first, second, third), List.of());

        List<String> out = new ArrayList<>();
        while (merged.next()) {
            Series s = merged.at();
            StringBuilder b = new StringBuilder(s.labels().get("k"));
            SampleIterator it = s.iterator(null);
            while (it.next()) {
                b.append(' ').append(it.timestamp());
            }
            out.add(b.toString());
        }

        assertThat(out).containsExactly("a 1 6", "b 4", "c 2 5 7", "d 3", "e 8");
        assertThat(merged.error()).isNull();
    }

    /** A series {@code {k="name"}} with one sample at {@code t}. */
    private static Series series(String name, long t) {
        Labels labels = Labels.of("k", new String(name.toCharArray()));
        return new ListSeries(labels, reuse -> new ArraySampleIterator(new long[] {t}, new double[] {t}, 1, Long.MIN_VALUE,
                Long.MAX_VALUE, null));
    }
}
