package io.promethium.tsdb.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MergeQuerierUnionTest {

    @Test
    void sourcesAnswersAreMergedSortedAndDistinct() {
        List<String> merged = MergeQuerier.union(List.of(List.of("a", "c", "e"), List.of("b", "c"), List.of(), List.of("a", "f"),
                List.of("d", "e", "g")));
        assertThat(merged).containsExactly("a", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void noSourceAndOneSourceAnswerAsThemselves() {
        assertThat(MergeQuerier.union(List.of())).isEmpty();
        List<String> only = List.of("x", "y");
        assertThat(MergeQuerier.union(List.of(only))).isSameAs(only);
    }

    @Test
    void valuesAreMergedInGoStringOrderWhereJavaOrderDiffers() {
        // U+E000 sorts before U+1F600 by code point (Go, Prometheus); Java's compareTo puts the surrogate pair first.
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00";
        assertThat(MergeQuerier.union(List.of(List.of(privateUse), List.of(emoji), List.of(privateUse, emoji))))
                .containsExactly(privateUse, emoji);
    }
}
