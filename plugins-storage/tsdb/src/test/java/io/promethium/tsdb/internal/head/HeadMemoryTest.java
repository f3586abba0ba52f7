package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import org.junit.jupiter.api.Test;

class HeadMemoryTest {

    private final Head head = new Head(new TsdbMetrics(), 0);

    private void append(int series, int samples) {
        Appender app = head.appender();
        for (int s = 0; s < series; s++) {
            Labels labels = Labels.of("__name__", "m", "instance", "host-" + s);
            long ref = 0;
            for (int t = 0; t < samples; t++) {
                ref = app.append(ref, labels, 1_000L * (t + 1), s * 1.5 + t);
            }
        }
        app.commit();
    }

    @Test
    void anEmptyHeadHoldsOnlyItsEmptyTablesAndNoChunksOrSymbols() {
        Head.Memory m = head.memory();
        assertThat(m.series()).as("the empty by-labels table and ref pages").isPositive().isLessThan(64 * 1024);
        assertThat(m.chunks()).isZero();
        assertThat(m.symbols()).isZero();
        assertThat(head.ramBytesUsed()).isEqualTo(m.total());
    }

    @Test
    void seriesAreCountedPerObjectAndTheirChunksByTheirBytes() {
        append(100, 30);
        Head.Memory m = head.memory();
        assertThat(m.series()).isGreaterThan(100 * MemSeries.SHALLOW_BYTES);
        long chunks = 0;
        for (int s = 0; s < 100; s++) {
            chunks += head.getOrCreate(Labels.of("__name__", "m", "instance", "host-" + s)).chunkBytes();
        }
        assertThat(m.chunks()).isPositive().isEqualTo(chunks);
        assertThat(m.total()).isEqualTo(m.series() + m.chunks() + m.postings() + m.symbols());
    }

    @Test
    void postingsAndSymbolsGrowWithNewLabelValues() {
        append(10, 1);
        Head.Memory before = head.memory();
        append(1_000, 1);
        Head.Memory after = head.memory();
        assertThat(after.postings()).isGreaterThan(before.postings());
        assertThat(after.symbols()).isGreaterThan(before.symbols());
        assertThat(after.series() - before.series()).isGreaterThanOrEqualTo(990 * MemSeries.SHALLOW_BYTES);
    }

    @Test
    void theSortedValuesCacheCountsInThePostings() {
        append(100, 1);
        long before = head.memory().postings();
        assertThat(head.postings().values("instance")).hasSize(100);
        assertThat(head.memory().postings()).isGreaterThanOrEqualTo(before + 100L * 4);
    }
}
