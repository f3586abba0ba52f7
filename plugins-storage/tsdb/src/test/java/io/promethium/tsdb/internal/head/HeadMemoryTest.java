package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.exemplar.ExemplarStorage;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.lang.management.ManagementFactory;
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
        assertThat(m.total()).isEqualTo(m.series() + m.chunks() + m.postings() + m.symbols() + m.exemplars() + m.appendBuffers());
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

    @Test
    void exemplarsCountTheirBufferAndTheirOwnLabelsAndStayWithinAQuarterOfTheHeapTheyHold() {
        long before = usedHeapAfterGc();
        ExemplarStorage exemplars = new ExemplarStorage(20_000);
        long empty = exemplars.ramBytesUsed();
        assertThat(empty).as("five arrays of 20,000").isGreaterThan(20_000L * (8 + 8 + 4 + 4 + 4));
        for (int i = 0; i < 20_000; i++) {
            Labels series = Labels.of("__name__", "requests_total", "instance", "host-" + (i % 500));
            exemplars.add(series, new Exemplar(Labels.of("trace_id", Long.toHexString(0x1234_5678_9abcL * (i + 1))), i, 1_000L + i, true));
        }
        long held = usedHeapAfterGc() - before;
        long full = exemplars.ramBytesUsed();
        assertThat(full).as("estimate vs %d bytes measured (the 500 series' label sets, which the head keeps, included)", held)
                .isGreaterThan(empty).isBetween(held * 3 / 4, held * 5 / 4);
        exemplars.resize(1_000);
        assertThat(exemplars.ramBytesUsed()).as("shrunk to 1,000 exemplars").isLessThan(full / 10);
    }

    @Test
    void theAppendersPooledBuffersAreCountedAndGrowWithTheCommitsTheyServed() {
        assertThat(head.memory().appendBuffers()).as("no commit yet: nothing pooled").isZero();
        append(10, 1);
        long small = head.memory().appendBuffers();
        assertThat(small).as("the batch of the commit, back in the pool").isPositive();
        append(5_000, 1);
        assertThat(head.memory().appendBuffers()).as("its arrays grew to 5,000 samples").isGreaterThan(small + 5_000L * (8 + 8 + 8));
    }

    @Test
    void theHeadEstimateIsWithinAFactorOfTheHeapItHolds() {
        Head.Memory empty = head.memory();
        long before = usedHeapAfterGc();
        append(20_000, 10);
        long held = usedHeapAfterGc() - before;
        Head.Memory full = head.memory();
        // The exemplar buffer was there before; chunk array headers are not counted (Head.Memory).
        long estimate = full.total() - empty.total();
        assertThat(estimate).as("estimate vs %d bytes measured", held).isBetween(held * 3 / 4, held * 5 / 4);
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
