package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import org.junit.jupiter.api.Test;

class KeptLabelSetsTest {

    @Test
    void keepsALabelSetPerDocumentAcrossPagesAndAnswersNullForOthers() {
        KeptLabelSets kept = new KeptLabelSets(5000);
        Labels first = Labels.of("pod", "a");
        Labels last = Labels.of("pod", "b");

        kept.keep(0, first);
        kept.keep(4999, last);
        kept.keep(0, Labels.of("pod", "other")); // a slot already kept stays

        assertThat(kept.get(0)).isSameAs(first);
        assertThat(kept.get(4999)).isSameAs(last);
        assertThat(kept.get(1)).isNull();
        assertThat(kept.get(2048)).isNull();
        assertThat(kept.size()).isEqualTo(2);
    }

    @Test
    void keepsNoMoreThanItsBound() {
        int docs = KeptLabelSets.MAX + 100;
        KeptLabelSets kept = new KeptLabelSets(docs);
        Labels labels = Labels.of("pod", "a");

        for (int doc = 0; doc < docs; doc++) {
            kept.keep(doc, labels);
        }

        assertThat(kept.size()).isEqualTo(KeptLabelSets.MAX);
        assertThat(kept.get(KeptLabelSets.MAX - 1)).isSameAs(labels);
        assertThat(kept.get(KeptLabelSets.MAX)).isNull();
    }
}
