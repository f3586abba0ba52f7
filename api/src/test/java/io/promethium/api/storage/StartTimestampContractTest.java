package io.promethium.api.storage;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage 1.6 start-timestamp additions keep appenders and iterators written before them working. */
class StartTimestampContractTest {

    private static final Labels SERIES = Labels.of("__name__", "c_total");

    /** An appender written before 1.6: only the old calls. */
    private static final class OldAppender implements Appender {
        final List<String> calls = new ArrayList<>();

        @Override
        public long append(long ref, Labels labels, long timestamp, double value) {
            calls.add("append " + timestamp + " " + value);
            return 7;
        }

        @Override
        public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
            calls.add("histogram " + timestamp);
            return 8;
        }

        @Override
        public void commit() {
        }

        @Override
        public void rollback() {
        }
    }

    @Test
    void anAppenderWithoutStartTimestampsStoresTheSampleAndDropsTheStart() {
        OldAppender a = new OldAppender();
        assertThat(a.appendWithStart(0, SERIES, 1_000, 5_000, 3.0)).isEqualTo(7);
        assertThat(a.appendHistogramWithStart(0, SERIES, 1_000, 6_000, Histogram.exponential(0, 0, 0, 0, 0, io.promethium.api.model.HistogramSpans.EMPTY))).isEqualTo(8);
        assertThat(a.calls).containsExactly("append 5000 3.0", "histogram 6000");
    }

    @Test
    void anIteratorWithoutStartTimestampsAnswersTheSentinel() {
        SampleIterator it = new ArraySampleIterator(new long[] {1, 2}, new double[] {1, 2});
        assertThat(it.next()).isTrue();
        assertThat(it.startTimestamp()).isEqualTo(SampleIterator.NO_START_TIMESTAMP).isZero();
    }

    @Test
    void aWalFollowerWrittenBeforeStartTimestampsIgnoresThem() {
        List<String> seen = new ArrayList<>();
        WalVisitor old = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                seen.add("series");
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                seen.add("sample " + timestamp);
            }
        };
        old.startTimestamp(1, 5_000, 1_000);
        old.sample(1, 5_000, 1);
        assertThat(seen).containsExactly("sample 5000");
    }
}
