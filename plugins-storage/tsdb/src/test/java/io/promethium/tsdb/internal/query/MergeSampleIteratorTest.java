package io.promethium.tsdb.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.storage.SampleIterator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeSampleIteratorTest {

    private static SampleIterator of(long... tsAndValues) {
        long[] ts = new long[tsAndValues.length / 2];
        double[] vs = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = tsAndValues[2 * i];
            vs[i] = tsAndValues[2 * i + 1];
        }
        return new ArraySampleIterator(ts, vs, ts.length, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    private static List<String> drain(SampleIterator it) {
        List<String> out = new ArrayList<>();
        while (it.next()) {
            out.add(it.timestamp() + "=" + (long) it.value());
        }
        return out;
    }

    @Test
    void interleavedSourcesComeOutInTimeOrderAndTheEarlierSourceWinsTies() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 10, 3, 30, 5, 50), of(2, 20, 3, 99, 4, 40, 6, 60)});
        assertThat(drain(merged)).containsExactly("1=10", "2=20", "3=30", "4=40", "5=50", "6=60");
    }

    @Test
    void consecutiveSourcesAreChained() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 1, 2, 2), of(), of(3, 3, 4, 4), of(5, 5)});
        assertThat(drain(merged)).containsExactly("1=1", "2=2", "3=3", "4=4", "5=5");
    }

    @Test
    void seekSkipsAcrossSourcesAndNeverMovesBack() {
        SampleIterator merged = new MergeSampleIterator(new SampleIterator[] {of(1, 1, 2, 2, 7, 7), of(3, 3, 4, 4, 9, 9)});
        assertThat(merged.seek(4)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(4);
        assertThat(merged.seek(2)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(4);
        assertThat(merged.next()).isTrue();
        assertThat(merged.timestamp()).isEqualTo(7);
        assertThat(merged.seek(8)).isTrue();
        assertThat(merged.timestamp()).isEqualTo(9);
        assertThat(merged.next()).isFalse();
    }
}
