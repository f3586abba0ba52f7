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
        ExemplarStorage[] last = new ExemplarStorage[1];
        long[] empty = new long[1];
        // The 500 series' label sets, which the head keeps, are in both the estimate and the heap.
        assertEstimateWithinTheHeap(() -> {
            ExemplarStorage exemplars = new ExemplarStorage(20_000);
            empty[0] = exemplars.ramBytesUsed();
            for (int i = 0; i < 20_000; i++) {
                Labels series = Labels.of("__name__", "requests_total", "instance", "host-" + (i % 500));
                exemplars.add(series, new Exemplar(Labels.of("trace_id", Long.toHexString(0x1234_5678_9abcL * (i + 1))), i, 1_000L + i, true));
            }
            last[0] = exemplars;
            return exemplars.ramBytesUsed();
        }, 3, 4);
        assertThat(empty[0]).as("five arrays of 20,000").isGreaterThan(20_000L * (8 + 8 + 4 + 4 + 4));
        long full = last[0].ramBytesUsed();
        assertThat(full).isGreaterThan(empty[0]);
        last[0].resize(1_000);
        assertThat(last[0].ramBytesUsed()).as("shrunk to 1,000 exemplars").isLessThan(full / 10);
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
        assertEstimateWithinTheHeap(() -> {
            Head fresh = new Head(new TsdbMetrics(), 0);
            Appender app = fresh.appender();
            for (int s = 0; s < 20_000; s++) {
                Labels labels = Labels.of("__name__", "m", "instance", "host-" + s);
                long ref = 0;
                for (int t = 0; t < 10; t++) {
                    ref = app.append(ref, labels, 1_000L * (t + 1), s * 1.5 + t);
                }
            }
            app.commit();
            // The whole head, its empty tables and exemplar buffer included, is built inside the
            // measurement; chunk array headers are not counted (Head.Memory).
            return new Object[] {fresh, fresh.memory().total()};
        }, 3, 4);
    }

    /**
     * What {@code make} builds (returning its estimate, or the object and its estimate) against
     * the used heap it adds, read after full collections: at least {@code lowNumerator/lowDenominator}
     * and at most 5/4 of it.
     * Other tests' garbage in this JVM can be freed between the two readings, so up to five
     * tries; one within the bounds passes.
     */
    private static void assertEstimateWithinTheHeap(java.util.function.Supplier<Object> make, int lowNumerator, int lowDenominator) {
        String tries = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = usedHeapAfterGc();
            Object made = make.get();
            long held = usedHeapAfterGc() - before;
            long estimate = made instanceof Object[] pair ? (Long) pair[1] : (Long) made;
            java.lang.ref.Reference.reachabilityFence(made);
            if (held > 0 && estimate >= held * lowNumerator / lowDenominator && estimate <= held * 5 / 4) {
                return;
            }
            tries += " estimate " + estimate + " vs " + held + " measured;";
        }
        throw new AssertionError("the estimate is not within the bounds of the heap held in five tries:" + tries);
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
