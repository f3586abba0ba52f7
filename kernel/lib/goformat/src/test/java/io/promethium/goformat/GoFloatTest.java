package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Expected strings are Go's ({@code strconv.FormatFloat}, Prometheus's {@code jsonutil.MarshalFloat}). */
class GoFloatTest {

    @Test
    void jsonFormIsPlainFromOneMillionthToBelow1e21() {
        assertThat(GoFloat.formatJson(1)).isEqualTo("1");
        assertThat(GoFloat.formatJson(-2.5)).isEqualTo("-2.5");
        assertThat(GoFloat.formatJson(0.1)).isEqualTo("0.1");
        assertThat(GoFloat.formatJson(1.0 / 3)).isEqualTo("0.3333333333333333");
        assertThat(GoFloat.formatJson(123456789012345678.0)).isEqualTo("123456789012345680");
        assertThat(GoFloat.formatJson(1e20)).isEqualTo("100000000000000000000");
        assertThat(GoFloat.formatJson(1e21)).isEqualTo("1e+21");
        assertThat(GoFloat.formatJson(1.5e300)).isEqualTo("1.5e+300");
        assertThat(GoFloat.formatJson(0.000001)).isEqualTo("0.000001");
        assertThat(GoFloat.formatJson(1e-7)).isEqualTo("1e-07");
        assertThat(GoFloat.formatJson(-1.25e-10)).isEqualTo("-1.25e-10");
        assertThat(GoFloat.formatJson(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(GoFloat.formatJson(0.0)).isEqualTo("0");
        assertThat(GoFloat.formatJson(-0.0)).isEqualTo("-0");
        assertThat(GoFloat.formatJson(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(GoFloat.formatJson(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(GoFloat.formatJson(Double.NaN)).isEqualTo("NaN");
        assertThat(GoFloat.formatJson(1e15)).isEqualTo("1000000000000000");
        assertThat(GoFloat.formatJson(1234.5678)).isEqualTo("1234.5678");
    }

    @Test
    void gFormUsesTheExponentBelow1e4AndFromOneMillion() {
        assertThat(GoFloat.formatG(1)).isEqualTo("1");
        assertThat(GoFloat.formatG(123456)).isEqualTo("123456");
        assertThat(GoFloat.formatG(999999)).isEqualTo("999999");
        assertThat(GoFloat.formatG(1e6)).isEqualTo("1e+06");
        assertThat(GoFloat.formatG(1234567)).isEqualTo("1.234567e+06");
        assertThat(GoFloat.formatG(-1234567.5)).isEqualTo("-1.2345675e+06");
        assertThat(GoFloat.formatG(0.0001)).isEqualTo("0.0001");
        assertThat(GoFloat.formatG(0.00001)).isEqualTo("1e-05");
        assertThat(GoFloat.formatG(608863452348.1149)).isEqualTo("6.088634523481149e+11");
        assertThat(GoFloat.formatG(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(GoFloat.formatG(1e100)).isEqualTo("1e+100");
        assertThat(GoFloat.formatG(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(GoFloat.formatG(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(GoFloat.formatG(-0.0)).isEqualTo("-0");
    }

    @Test
    void subnormalsPrintTheirShortestDigits() {
        // Java's Double.toString prints at least two digits: 4.9E-324, 9.9E-324, 1.5E-323.
        assertThat(GoFloat.formatG(2 * Double.MIN_VALUE)).isEqualTo("1e-323");
        assertThat(GoFloat.formatG(3 * Double.MIN_VALUE)).isEqualTo("1.5e-323");
        assertThat(GoFloat.formatG(-Double.MIN_VALUE)).isEqualTo("-5e-324");
    }

    @Test
    void eAndFFormsAlwaysAndNeverUseTheExponent() {
        assertThat(GoFloat.formatE(1)).isEqualTo("1e+00");
        assertThat(GoFloat.formatE(0.0025)).isEqualTo("2.5e-03");
        assertThat(GoFloat.formatE(0.0)).isEqualTo("0e+00");
        assertThat(GoFloat.formatE(123456789)).isEqualTo("1.23456789e+08");
        assertThat(GoFloat.formatF(1e-7)).isEqualTo("0.0000001");
        assertThat(GoFloat.formatF(1e21)).isEqualTo("1000000000000000000000");
        assertThat(GoFloat.formatF(-1.5)).isEqualTo("-1.5");
    }

    @Test
    void fixedPrecisionsRoundHalfToEvenOnTheBinaryValue() {
        assertThat(GoFloat.formatF(2.675, 2)).isEqualTo("2.67"); // 2.67499999... in binary
        assertThat(GoFloat.formatF(0.125, 2)).isEqualTo("0.12");
        assertThat(GoFloat.formatF(-0.0, 1)).isEqualTo("-0.0");
        assertThat(GoFloat.formatE(1234.5678, 2)).isEqualTo("1.23e+03");
        assertThat(GoFloat.formatE(0, 3)).isEqualTo("0.000e+00");
        assertThat(GoFloat.formatG(1234.5678, 4)).isEqualTo("1235");
        assertThat(GoFloat.formatG(123456.0, 4)).isEqualTo("1.235e+05");
        assertThat(GoFloat.formatG(0.000012345, 3)).isEqualTo("1.23e-05");
        assertThat(GoFloat.formatG(100, 4)).isEqualTo("100");
        assertThat(GoFloat.formatG(2.5, -1)).isEqualTo("2.5");
    }

    @Test
    void randomDoublesReadBackExactlyInEveryShortestForm() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            double abs = Math.abs(v);
            String json = GoFloat.formatJson(v);
            assertThat(Double.parseDouble(json)).as(json).isEqualTo(v);
            assertThat(json.contains("e")).as(json).isEqualTo(abs != 0 && (abs < 1e-6 || abs >= 1e21));
            String g = GoFloat.formatG(v);
            assertThat(Double.parseDouble(g)).as(g).isEqualTo(v);
            assertThat(g.contains("e")).as(g).isEqualTo(abs != 0 && (abs < 1e-4 || abs >= 1e6));
            assertThat(Double.parseDouble(GoFloat.formatF(v))).isEqualTo(v);
            assertThat(Double.parseDouble(GoFloat.formatE(v))).isEqualTo(v);
        }
    }

    @Test
    void integersTakeTheFastPathOnlyWhereThePlainFormApplies() {
        assertThat(GoFloat.format(42, -4, 2)).isEqualTo("42");
        assertThat(GoFloat.format(420, -4, 2)).isEqualTo("4.2e+02");
        assertThat(GoFloat.format(-999_999_999_999_999.0, -4, 21)).isEqualTo("-999999999999999");
    }
}
