package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A block's label values kept once read, within a bound of strings per block. */
class KeptLabelValuesTest {

    private static List<String> values(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("v" + i);
        }
        return out;
    }

    @Test
    void aNameIsReadFromTheTermsOnceAndItsKeptValuesCannotBeChangedByACaller() {
        KeptLabelValues kept = new KeptLabelValues();
        AtomicInteger reads = new AtomicInteger();
        Function<String, List<String>> read = name -> {
            reads.incrementAndGet();
            return values(3);
        };
        List<String> first = kept.get("pod", read);
        List<String> second = kept.get("pod", read);
        assertThat(second).isSameAs(first).containsExactly("v0", "v1", "v2");
        assertThat(reads).hasValue(1);
        assertThat(kept.size()).isEqualTo(3);
        assertThatThrownBy(() -> first.add("v3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aNameTheBlockLacksIsNotKeptSoNamesAskedForCannotGrowTheBlocksMemory() {
        KeptLabelValues kept = new KeptLabelValues();
        AtomicInteger reads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(kept.get("absent", name -> {
                reads.incrementAndGet();
                return List.of();
            })).isEmpty();
        }
        assertThat(reads).hasValue(3);
        assertThat(kept.size()).isZero();
    }

    @Test
    void valuesPastTheBoundAreReadEachTimeAndKeepNothingWhileSmallerNamesStillFit() {
        KeptLabelValues kept = new KeptLabelValues();
        AtomicInteger reads = new AtomicInteger();
        Function<String, List<String>> read = name -> {
            reads.incrementAndGet();
            return values(name.equals("id") ? KeptLabelValues.MAX - 9 : 10);
        };
        kept.get("id", read);
        assertThat(kept.size()).isEqualTo(KeptLabelValues.MAX - 9);
        // Ten more would pass the bound by one: read, answered, not kept.
        assertThat(kept.get("pod", read)).hasSize(10);
        assertThat(kept.get("pod", read)).hasSize(10);
        assertThat(reads).hasValue(3);
        assertThat(kept.size()).isEqualTo(KeptLabelValues.MAX - 9);
        kept.get("id", read);
        assertThat(reads).hasValue(3);
        assertThatThrownBy(() -> kept.get("pod", read).add("v10")).isInstanceOf(UnsupportedOperationException.class);
    }
}
