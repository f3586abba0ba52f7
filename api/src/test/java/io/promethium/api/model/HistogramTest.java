package io.promethium.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void wellFormedExponentialHistogramValidates() {
        // buckets 2, 3 (delta +1), then after a gap 1 (delta -2): 6 + zero count 1 = 7
        Histogram h = Histogram.exponential(0, 1e-128, 1, 7, 12.5, HistogramSpans.pairs(0, 2, 1, 1), 2, 1, -2);
        h.validate();
        assertThat(h.positiveSpans().bucketCount()).isEqualTo(3);
        assertThat(h.positiveSpans().indexes(null)).containsExactly(0, 1, 3);
    }

    @Test
    void countThatDisagreesWithBucketsIsRejected() {
        Histogram h = Histogram.exponential(0, 0, 0, 5, 1, HistogramSpans.pairs(0, 1), 4);
        assertThatThrownBy(h::validate).hasMessageContaining("5 observations but 4");
    }

    @Test
    void nanSumAllowsMoreObservationsThanBuckets() {
        Histogram.exponential(0, 0, 0, 5, Double.NaN, HistogramSpans.pairs(0, 1), 4).validate();
    }

    @Test
    void negativeBucketCountFromDeltasIsRejected() {
        Histogram h = Histogram.exponential(0, 0, 0, 0, 0, HistogramSpans.pairs(0, 2), 1, -2);
        assertThatThrownBy(h::validate).hasMessageContaining("negative count -1");
    }

    @Test
    void spansThatDoNotMatchBucketsAreRejected() {
        Histogram h = Histogram.exponential(0, 0, 0, 1, 0, HistogramSpans.pairs(0, 2), 1);
        assertThatThrownBy(h::validate).hasMessageContaining("need 2 buckets, have 1");
    }

    @Test
    void schemaOutOfRangeIsRejected() {
        Histogram h = Histogram.exponential(9, 0, 0, 0, 0, HistogramSpans.EMPTY);
        assertThatThrownBy(h::validate).hasMessageContaining("invalid schema 9");
    }

    @Test
    void customBucketsNeedIncreasingBoundsAndStayWithinThem() {
        Histogram.custom(new double[] {1, 5}, 2, 4, HistogramSpans.pairs(0, 3), 1, -1, 1).validate();
        assertThatThrownBy(() -> Histogram.custom(new double[] {5, 1}, 0, 0, HistogramSpans.EMPTY).validate())
                .hasMessageContaining("increasing");
        assertThatThrownBy(() -> Histogram.custom(new double[] {1}, 3, 0, HistogramSpans.pairs(0, 3), 1, 0, 0).validate())
                .hasMessageContaining("beyond the 1 bounds");
    }

    @Test
    void toFloatTurnsDeltasIntoAbsoluteCounts() {
        FloatHistogram f = Histogram.exponential(1, 0, 0, 6, 3, HistogramSpans.pairs(-1, 3), 1, 2, -1).toFloat();
        assertThat(f.positiveBuckets()).containsExactly(1, 3, 2);
        assertThat(f.schema()).isEqualTo(1);
        f.validate();
    }

    @Test
    void copyIsIndependentOfTheRefilledOriginal() {
        Histogram reused = new Histogram();
        reused.set(CounterResetHint.NOT_COUNTER_RESET, 0, 0, 0, 1, 1, HistogramSpans.pairs(0, 1), new long[] {1}, HistogramSpans.EMPTY, null, null);
        Histogram kept = reused.copy();
        reused.set(CounterResetHint.UNKNOWN, 2, 0, 0, 9, 9, HistogramSpans.pairs(0, 1), new long[] {9}, HistogramSpans.EMPTY, null, null);
        assertThat(kept.count()).isEqualTo(1);
        assertThat(kept.positiveDelta(0)).isEqualTo(1);
        assertThat(kept).isNotEqualTo(reused).isEqualTo(kept.copy());
    }

    @Test
    void exponentialBoundsMatchPowersOfTheBase() {
        assertThat(HistogramBounds.exponential(0, 0)).isEqualTo(1.0);
        assertThat(HistogramBounds.exponential(0, 3)).isEqualTo(8.0);
        assertThat(HistogramBounds.exponential(-1, 1)).isEqualTo(4.0);
        assertThat(HistogramBounds.exponential(1, 1)).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(HistogramBounds.exponential(0, 1024)).isEqualTo(Double.MAX_VALUE);
        assertThat(HistogramBounds.upper(Histogram.CUSTOM_BUCKETS_SCHEMA, 1, new double[] {0.5})).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void bucketIndexPutsABoundaryValueInTheLowerBucket() {
        for (int schema = -4; schema <= 8; schema++) {
            for (int index = -20; index <= 20; index++) {
                double upper = HistogramBounds.exponential(schema, index);
                assertThat(HistogramBounds.index(schema, upper)).as("schema %d index %d", schema, index).isEqualTo(index);
                assertThat(HistogramBounds.index(schema, Math.nextUp(upper))).as("schema %d above %d", schema, index).isEqualTo(index + 1);
            }
        }
    }
}
