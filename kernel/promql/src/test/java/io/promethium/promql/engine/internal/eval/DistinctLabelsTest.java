package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.QueryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctLabelsTest {

    private static List<Labels> distinct(int n) {
        List<Labels> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(Labels.of("__name__", "m", "i", Integer.toString(i)));
        }
        return labels;
    }

    @Test
    void distinctLabelSetsPassFewOrMany() {
        for (int n : new int[] {0, 1, 7, 8, 10_000}) {
            List<Labels> labels = distinct(n);
            assertThatCode(() -> DistinctLabels.require(labels.size(), labels::get)).as("%d label sets", n).doesNotThrowAnyException();
        }
    }

    @Test
    void anEqualPairAnywhereIsTheDuplicateLabelsetError() {
        for (int n : new int[] {2, 7, 8, 10_000}) {
            List<Labels> labels = distinct(n);
            labels.set(n / 2, Labels.of("__name__", "m", "i", "0"));
            assertThatThrownBy(() -> DistinctLabels.require(labels.size(), labels::get)).as("%d label sets", n)
                    .isInstanceOf(QueryException.class).hasMessage("vector cannot contain metrics with the same labelset");
        }
    }

    @Test
    void equalHashesOfDifferentLabelSetsAreNoDuplicate() {
        // "Aa" and "BB" share String.hashCode, so these sets' Arrays.hashCode collide.
        List<Labels> labels = distinct(20);
        labels.add(Labels.of("k", "AaAa"));
        labels.add(Labels.of("k", "BBBB"));
        labels.add(Labels.of("k", "AaBB"));
        assertThatCode(() -> DistinctLabels.require(labels.size(), labels::get)).doesNotThrowAnyException();
        labels.add(Labels.of("k", "BBAa"));
        labels.add(Labels.of("k", "AaBB"));
        assertThatThrownBy(() -> DistinctLabels.require(labels.size(), labels::get)).isInstanceOf(QueryException.class);
    }
}
