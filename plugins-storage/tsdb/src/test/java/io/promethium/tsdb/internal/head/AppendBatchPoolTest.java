package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import org.junit.jupiter.api.Test;

class AppendBatchPoolTest {

    @Test
    void aReturnedBatchIsHandedOutAgainEmpty() {
        AppendBatchPool pool = new AppendBatchPool();
        AppendBatch b = pool.take();
        b.add(new MemSeries(1, Labels.of("__name__", "x")), 1, 10, 1);
        b.unlogged.add(new MemSeries(2, Labels.of("__name__", "y")));
        pool.give(b);
        AppendBatch again = pool.take();
        assertThat(again).isSameAs(b);
        assertThat(again.n).isZero();
        assertThat(again.unlogged).isEmpty();
        assertThat(again.series[0]).as("no series kept alive by the pool").isNull();
        assertThat(again.encoder.bytes().length()).isZero();
    }

    @Test
    void oversizedBatchesAreNotPooled() {
        AppendBatchPool pool = new AppendBatchPool();
        AppendBatch b = pool.take();
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        for (int i = 0; i <= AppendBatchPool.MAX_SAMPLES; i++) {
            b.add(s, 1, i, i);
        }
        pool.give(b);
        assertThat(pool.pooled()).isZero();
    }

    @Test
    void thePoolHoldsABoundedNumberOfBatches() {
        AppendBatchPool pool = new AppendBatchPool();
        for (int i = 0; i < 100; i++) {
            pool.give(new AppendBatch());
        }
        assertThat(pool.pooled()).isEqualTo(32);
    }

    @Test
    void aRolledBackBatchLeavesNothingInTheNextAppendersCommit() {
        Head head = new Head(new TsdbMetrics(), 0);
        Appender first = head.appender();
        first.append(0, Labels.of("__name__", "a"), 1000, 1);
        first.rollback();
        Appender second = head.appender();
        long ref = second.append(0, Labels.of("__name__", "b"), 1000, 2);
        second.commit();
        assertThat(head.series(ref).maxTime()).isEqualTo(1000);
        MemSeries a = head.getOrCreate(Labels.of("__name__", "a"));
        assertThat(a.maxTime()).as("rolled back sample never applied").isEqualTo(Long.MIN_VALUE);
        assertThat(head.batchPool().pooled()).isEqualTo(1);
    }
}
