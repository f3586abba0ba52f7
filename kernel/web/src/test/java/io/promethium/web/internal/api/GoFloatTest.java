package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoFloatTest {

    @Test
    void formatsAsGoAppendFloatWithPrometheusExponentBounds() {
        assertThat(GoFloat.format(1)).isEqualTo("1");
        assertThat(GoFloat.format(-2.5)).isEqualTo("-2.5");
        assertThat(GoFloat.format(0.1)).isEqualTo("0.1");
        assertThat(GoFloat.format(1.0 / 3)).isEqualTo("0.3333333333333333");
        assertThat(GoFloat.format(123456789012345678.0)).isEqualTo("123456789012345680");
        assertThat(GoFloat.format(1e20)).isEqualTo("100000000000000000000");
        assertThat(GoFloat.format(1e21)).isEqualTo("1e+21");
        assertThat(GoFloat.format(1.5e300)).isEqualTo("1.5e+300");
        assertThat(GoFloat.format(0.000001)).isEqualTo("0.000001");
        assertThat(GoFloat.format(1e-7)).isEqualTo("1e-07");
        assertThat(GoFloat.format(-1.25e-10)).isEqualTo("-1.25e-10");
        assertThat(GoFloat.format(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(GoFloat.format(0.0)).isEqualTo("0");
        assertThat(GoFloat.format(-0.0)).isEqualTo("-0");
        assertThat(GoFloat.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(GoFloat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(GoFloat.format(Double.NaN)).isEqualTo("NaN");
        assertThat(GoFloat.format(1e15)).isEqualTo("1000000000000000");
        assertThat(GoFloat.format(1234.5678)).isEqualTo("1234.5678");
    }

    @Test
    void randomDoublesReadBackExactly() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String s = GoFloat.format(v);
            assertThat(Double.parseDouble(s)).as(s).isEqualTo(v);
            double abs = Math.abs(v);
            assertThat(s.contains("e")).as(s).isEqualTo(abs != 0 && (abs < 1e-6 || abs >= 1e21));
            assertThat(Double.parseDouble(GoFloat.formatPlain(v))).isEqualTo(v);
        }
    }

    @Test
    void plainFormatNeverUsesExponent() {
        assertThat(GoFloat.formatPlain(1e-7)).isEqualTo("0.0000001");
        assertThat(GoFloat.formatPlain(1e21)).isEqualTo("1000000000000000000000");
    }

    @Test
    void timestampsAreSecondsWithThreeMillisecondDigits() {
        assertThat(ts(0)).isEqualTo("0");
        assertThat(ts(1500)).isEqualTo("1.500");
        assertThat(ts(1005)).isEqualTo("1.005");
        assertThat(ts(1_700_000_000_123L)).isEqualTo("1700000000.123");
        assertThat(ts(-1500)).isEqualTo("-1.500");
    }

    private static String ts(long t) {
        StringBuilder sb = new StringBuilder();
        GoFloat.appendTimestamp(sb, t);
        return sb.toString();
    }
}
