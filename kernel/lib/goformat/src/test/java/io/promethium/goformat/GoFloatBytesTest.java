package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte writer against {@link GoFloat#formatJson}, whose spellings {@link GoFloatTest} checks against Go's. */
class GoFloatBytesTest {
    private final GoFloatBytes writer = new GoFloatBytes();
    private final byte[] out = new byte[GoFloatBytes.MAX_LENGTH + 1];

    private String written(double v) {
        int n = writer.appendJson(out, 1, v);
        return new String(out, 1, n - 1, StandardCharsets.US_ASCII);
    }

    private void same(double v) {
        assertThat(written(v)).as("bits %x", Double.doubleToRawLongBits(v)).isEqualTo(GoFloat.formatJson(v));
    }

    @Test
    void specialValuesAndLayoutsAreGoSpellings() {
        assertThat(written(1)).isEqualTo("1");
        assertThat(written(-2.5)).isEqualTo("-2.5");
        assertThat(written(1.0 / 3)).isEqualTo("0.3333333333333333");
        assertThat(written(1e20)).isEqualTo("100000000000000000000");
        assertThat(written(1e21)).isEqualTo("1e+21");
        assertThat(written(1.5e300)).isEqualTo("1.5e+300");
        assertThat(written(0.000001)).isEqualTo("0.000001");
        assertThat(written(1e-7)).isEqualTo("1e-07");
        assertThat(written(-1.25e-10)).isEqualTo("-1.25e-10");
        assertThat(written(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(written(0.0)).isEqualTo("0");
        assertThat(written(-0.0)).isEqualTo("-0");
        assertThat(written(Double.NaN)).isEqualTo("NaN");
        assertThat(written(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(written(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(written(Double.MIN_NORMAL)).isEqualTo("2.2250738585072014e-308");
    }

    @Test
    void everyExponentAndPowerOfTwoMatchesTheStringPath() {
        for (int e = -1022; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            same(p);
            same(Math.nextUp(p));
            same(Math.nextDown(p));
        }
        for (int e = -307; e <= 308; e++) {
            same(Double.parseDouble("1e" + e));
            same(Double.parseDouble("9.999999999999999e" + e));
        }
    }

    @Test
    void randomBitsAndSampleLikeValuesMatchTheStringPath() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            same(Double.longBitsToDouble(random.nextLong()));
            same(random.nextLong(1L << 53) / 1000.0);
            same(random.nextDouble() * Math.pow(10, random.nextInt(-8, 22)));
        }
    }

    @Test
    void digitsOfLongsAreLongToString() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] b = new byte[24];
        long[] edges = {0, 9, 10, 99, 100, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE};
        for (long v : edges) {
            assertThat(new String(b, 2, GoFloatBytes.appendDigits(b, 2, v) - 2, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
        long p = 1;
        for (int k = 0; k <= 18; k++, p *= 10) {
            // Each power of ten and its neighbours: the digit count's edges, and eight-digit groups of zeros and nines.
            for (long v : new long[] {p - 1, p, p + 1, 2 * p - 1, Math.max(0, Long.MAX_VALUE / p * p - 1)}) {
                assertThat(new String(b, 2, GoFloatBytes.appendDigits(b, 2, v) - 2, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
            }
        }
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            assertThat(new String(b, 2, GoFloatBytes.appendDigits(b, 2, v) - 2, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }
}
