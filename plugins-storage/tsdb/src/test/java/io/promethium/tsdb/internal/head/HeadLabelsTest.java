package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import org.junit.jupiter.api.Test;

class HeadLabelsTest {

    private final Head head = new Head(new TsdbMetrics(), 0);

    @Test
    void aLabelSetOfCanonicalStringsIsKeptItselfSoTheScrapeCacheAndTheHeadShareOneCopy() {
        Labels canonical = Labels.of("__name__", new String("up").intern(), "job", new String("node").intern());
        assertThat(head.getOrCreate(canonical).labels()).isSameAs(canonical);
    }

    @Test
    void otherLabelSetsAreCopiedOntoTheHeadsCanonicalStrings() {
        String canonical = new String(new char[] {'n', 'o', 'd', 'e', '_', 'x'}).intern();
        String copy = new String(canonical);
        Labels fresh = Labels.of("__name__", copy);
        Labels kept = head.getOrCreate(fresh).labels();
        assertThat(kept).isEqualTo(fresh).isNotSameAs(fresh);
        assertThat(kept.value(0)).isSameAs(canonical);
        Labels other = Labels.of("__name__", "y", "instance", new String(copy));
        assertThat(head.getOrCreate(other).labels().value(1)).as("values shared between series").isSameAs(canonical);
    }
}
