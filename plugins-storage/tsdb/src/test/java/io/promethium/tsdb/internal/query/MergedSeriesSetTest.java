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
            out.add(described(merged.at()));
        }

        assertThat(out).containsExactly("a 1 6", "b 4", "c 2 5 7", "d 3", "e 8");
        assertThat(merged.error()).isNull();
    }

    @Test
    void seriesSharingAMergeKeyAreOneSeriesWithTheFirstSourcesLabels() {
        Labels headOwn = Labels.of("k", "b");
        Labels blockB = Labels.of("k", new String("b".toCharArray()));
        SeriesSet block = SeriesSet.ofList(List.of(keyed(Labels.of("k", "a"), Labels.of("k", "a"), 1), keyed(blockB, headOwn, 2)));
        // The same label set under another key object is still the same series (compared by value).
        SeriesSet otherBlock = SeriesSet.ofList(List.of(keyed(Labels.of("k", new String("b".toCharArray())), Labels.of("k", "b"), 3)));
        SeriesSet head = SeriesSet.ofList(List.of(keyed(headOwn, headOwn, 4), keyed(Labels.of("k", "c"), Labels.of("k", "c"), 5)));
        MergeQuerier.MergedSeriesSet merged = new MergeQuerier.MergedSeriesSet(List.of(block, otherBlock, head), List.of());

        List<String> out = new ArrayList<>();
        Labels mergedB = null;
        while (merged.next()) {
            Series s = merged.at();
            out.add(described(s));
            if (s.labels().get("k").equals("b")) {
                mergedB = s.labels();
            }
        }

        assertThat(out).containsExactly("a 1", "b 2 3 4", "c 5");
        assertThat(mergedB).isSameAs(blockB);
    }

    /** A merged series as its {@code k} label and its samples' timestamps: {@code "c 2 5 7"}. */
    private static String described(Series s) {
        StringBuilder b = new StringBuilder(s.labels().get("k"));
        SampleIterator it = s.iterator(null);
        while (it.next()) {
            b.append(' ').append(it.timestamp());
        }
        return b.toString();
    }

    private record Keyed(Labels labels, Labels mergeKey, long t) implements Series, MergeKey {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new ArraySampleIterator(new long[] {t}, new double[] {t}, 1, Long.MIN_VALUE, Long.MAX_VALUE, null);
        }
    }

    private static Series keyed(Labels labels, Labels key, long t) {
        return new Keyed(labels, key, t);
    }

    /** A series {@code {k="name"}} with one sample at {@code t}. */
    private static Series series(String name, long t) {
        Labels labels = Labels.of("k", new String(name.toCharArray()));
        return new ListSeries(labels, reuse -> new ArraySampleIterator(new long[] {t}, new double[] {t}, 1, Long.MIN_VALUE,
                Long.MAX_VALUE, null));
    }
}
