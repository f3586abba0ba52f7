package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of an iterator that wraps another (a deadline check, a merge of one source, a
 * filter): every sample comes out as the wrapped iterator has it, floats, integer and float
 * histograms and start timestamps alike, by {@code next} and by {@code seek}, and the wrapped
 * iterator's error is reported. Extend it with {@link #wrap} building the wrapper under test.
 */
public abstract class AbstractSampleIteratorWrapperContractTest {

    private static final HistogramSpans SPANS = HistogramSpans.pairs(0, 2);
    private static final long[] TIMES = {1_000, 2_000, 3_000, 4_000, 5_000};
    private static final long[] STARTS = {SampleIterator.NO_START_TIMESTAMP, 500, 2_500, SampleIterator.NO_START_TIMESTAMP, 4_500};

    /** The wrapper under test around {@code source}, which it must read through. */
    protected abstract SampleIterator wrap(SampleIterator source);

    /**
     * A source of five samples: floats at 1 s and 2 s, an integer histogram at 3 s, a float
     * histogram at 4 s, a float at 5 s; start timestamps on the 2nd, 3rd and 5th.
     */
    public static SampleIterator mixedSource() {
        return new Source(null);
    }

    @Test
    void aWrappedIteratorPreservesFloatsHistogramsAndStartTimestamps() {
        assertThat(readAll(wrap(mixedSource()))).containsExactlyElementsOf(readAll(mixedSource()))
                .containsExactly("1000 float 1.0 st=0", "2000 float 2.0 st=500",
                        "3000 histogram " + sampleHistogram() + " st=2500",
                        "4000 float_histogram " + sampleFloatHistogram() + " st=0", "5000 float 5.0 st=4500");
    }

    @Test
    void aWrappedIteratorSeeksToTheSameSamples() {
        SampleIterator it = wrap(mixedSource());
        assertThat(it.seek(2_500)).isTrue();
        assertThat(describe(it)).isEqualTo("3000 histogram " + sampleHistogram() + " st=2500");
        assertThat(it.seek(3_000)).isTrue();
        assertThat(it.timestamp()).isEqualTo(3_000);
        assertThat(it.seek(3_001)).isTrue();
        assertThat(describe(it)).isEqualTo("4000 float_histogram " + sampleFloatHistogram() + " st=0");
        assertThat(it.next()).isTrue();
        assertThat(describe(it)).isEqualTo("5000 float 5.0 st=4500");
        assertThat(it.seek(6_000)).isFalse();
    }

    @Test
    void aWrappedIteratorCopiesRunsOfFloatsAsNextReadsThem() {
        for (int room : new int[] {1, 2, 8}) {
            SampleIterator it = wrap(mixedSource());
            long[] ts = new long[room];
            double[] vs = new double[room];
            List<String> out = new ArrayList<>();
            boolean has = it.next();
            while (has) {
                int r = it.readFloats(Long.MAX_VALUE, ts, vs, 0, room);
                int n = r < 0 ? ~r : r;
                for (int i = 0; i < n; i++) {
                    out.add(ts[i] + " float " + vs[i]);
                }
                has = r >= 0;
                if (has && n == 0) {
                    assertThat(it.valueType()).as("a run stops only at a histogram here").isNotEqualTo(ValueType.FLOAT);
                    out.add(it.timestamp() + " " + it.valueType().name().toLowerCase(java.util.Locale.ROOT));
                    has = it.next();
                }
            }
            assertThat(out).as("runs of at most %d", room).containsExactly("1000 float 1.0", "2000 float 2.0", "3000 histogram",
                    "4000 float_histogram", "5000 float 5.0");
        }
        SampleIterator it = wrap(mixedSource());
        assertThat(it.next()).isTrue();
        assertThat(it.readFloats(1_500, new long[4], new double[4], 0, 4)).as("stops before a sample after the limit").isEqualTo(1);
        assertThat(it.timestamp()).isEqualTo(2_000);
    }

    @Test
    void aWrappedIteratorReportsTheSourcesError() {
        IllegalStateException failure = new IllegalStateException("chunk 3 is corrupt");
        SampleIterator it = wrap(new Source(failure));
        List<String> read = readAll(it);
        assertThat(read).hasSize(TIMES.length);
        assertThat(it.error()).isSameAs(failure);
    }

    private static Histogram sampleHistogram() {
        return Histogram.exponential(0, 0, 0, 3, 4.5, SPANS, 1, 1);
    }

    private static FloatHistogram sampleFloatHistogram() {
        return FloatHistogram.exponential(1, 0, 0, 5, 7.5, SPANS, 2, 3);
    }

    private static List<String> readAll(SampleIterator it) {
        List<String> out = new ArrayList<>();
        while (it.next()) {
            out.add(describe(it));
        }
        return out;
    }

    private static String describe(SampleIterator it) {
        String value = switch (it.valueType()) {
            case FLOAT -> Double.toString(it.value());
            case HISTOGRAM -> it.histogram().toString();
            case FLOAT_HISTOGRAM -> it.floatHistogram().toString();
            case NONE -> "none";
        };
        return it.timestamp() + " " + it.valueType().name().toLowerCase(java.util.Locale.ROOT) + " " + value + " st=" + it.startTimestamp();
    }

    /** The samples above, with every accessor its own (no interface default used); then {@code error} if given. */
    private static final class Source implements SampleIterator {
        private final Throwable error;
        private final Histogram histogram = sampleHistogram();
        private final FloatHistogram floatHistogram = sampleFloatHistogram();
        private int i = -1;

        Source(Throwable error) {
            this.error = error;
        }

        @Override
        public boolean next() {
            if (i < TIMES.length) {
                i++;
            }
            return i < TIMES.length;
        }

        @Override
        public boolean seek(long t) {
            if (i < 0) {
                i = 0;
            }
            while (i < TIMES.length && TIMES[i] < t) {
                i++;
            }
            return i < TIMES.length;
        }

        @Override
        public long timestamp() {
            return TIMES[i];
        }

        @Override
        public double value() {
            return TIMES[i] / 1000.0;
        }

        @Override
        public ValueType valueType() {
            if (i < 0 || i >= TIMES.length) {
                return ValueType.NONE;
            }
            return i == 2 ? ValueType.HISTOGRAM : i == 3 ? ValueType.FLOAT_HISTOGRAM : ValueType.FLOAT;
        }

        @Override
        public Histogram histogram() {
            if (valueType() != ValueType.HISTOGRAM) {
                throw new IllegalStateException("sample " + i + " is a " + valueType());
            }
            return histogram;
        }

        @Override
        public FloatHistogram floatHistogram() {
            return switch (valueType()) {
                case HISTOGRAM -> histogram.toFloat();
                case FLOAT_HISTOGRAM -> floatHistogram;
                default -> throw new IllegalStateException("sample " + i + " is a " + valueType());
            };
        }

        @Override
        public long startTimestamp() {
            return STARTS[i];
        }

        @Override
        public Throwable error() {
            return i >= TIMES.length ? error : null;
        }
    }
}
