package io.promethium.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import org.junit.jupiter.api.Test;

class ArraySampleIteratorTest {

    private static final Histogram H = Histogram.exponential(0, 0, 0, 3, 1.5, HistogramSpans.pairs(0, 1), 3);
    private static final FloatHistogram F = FloatHistogram.exponential(1, 0, 0, 2.5, 1, HistogramSpans.pairs(0, 1), 2.5);

    @Test
    void floatsHistogramsAndFloatHistogramsComeOutByIndexWithTheirTypes() {
        SampleIterator it = new ArraySampleIterator(new long[] {1, 2, 3}, new double[] {0.5, 0, 0}, new Histogram[] {null, H, null},
                new FloatHistogram[] {null, null, F});
        assertThat(it.valueType()).isEqualTo(ValueType.NONE);
        assertThat(it.next()).isTrue();
        assertThat(it.valueType()).isEqualTo(ValueType.FLOAT);
        assertThat(it.value()).isEqualTo(0.5);
        assertThatThrownBy(it::histogram).isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOAT");
        assertThatThrownBy(it::floatHistogram).isInstanceOf(IllegalStateException.class);
        assertThat(it.next()).isTrue();
        assertThat(it.valueType()).isEqualTo(ValueType.HISTOGRAM);
        assertThat(it.histogram()).isSameAs(H);
        assertThat(it.floatHistogram()).isEqualTo(H.toFloat());
        assertThat(it.next()).isTrue();
        assertThat(it.valueType()).isEqualTo(ValueType.FLOAT_HISTOGRAM);
        assertThat(it.floatHistogram()).isSameAs(F);
        assertThatThrownBy(it::histogram).isInstanceOf(IllegalStateException.class);
        assertThat(it.next()).isFalse();
        assertThat(it.valueType()).isEqualTo(ValueType.NONE);
    }

    @Test
    void seekMovesForwardOnlyAndFloatsAloneStayFloats() {
        SampleIterator it = new ArraySampleIterator(new long[] {10, 20, 30}, new double[] {1, 2, 3}, null, new FloatHistogram[] {null, F, null});
        assertThat(it.seek(15)).isTrue();
        assertThat(it.timestamp()).isEqualTo(20);
        assertThat(it.valueType()).isEqualTo(ValueType.FLOAT_HISTOGRAM);
        assertThat(it.seek(5)).isTrue();
        assertThat(it.timestamp()).isEqualTo(20);
        assertThat(it.seek(31)).isFalse();
        SampleIterator floats = new ArraySampleIterator(new long[] {1}, new double[] {7});
        assertThat(floats.next()).isTrue();
        assertThat(floats.valueType()).isEqualTo(ValueType.FLOAT);
        assertThatThrownBy(() -> new ArraySampleIterator(new long[] {1, 2}, new double[] {1, 2}, new Histogram[1], null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
