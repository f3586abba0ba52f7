package io.promethium.exposition.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumberParserTest {

    private final NumberParser parser = new NumberParser();

    private boolean parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return parser.parseDouble(b, 0, b.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "-1", "+1", "1.5", ".5", "5.", "1e5", "1E-5", "1.726839813016397e+09",
        "0.013300656000000001", "9223372036854775808", "123456789012345678901234567890", "4.9e-324",
        "1.7976931348623157e308", "0000000000000000000001.2e-1", "2.2250738585072014E-308", "-0.0",
        "9007199254740993", "9007199254740995", "1.7000000123456789e+09", "0.30000000000000004", "1.00000000000000011102230246251565404236316680908203125",
        "123456789012345678e-400", "999999999999999999e290", "1e-348", "1e347", "2.4703282292062328e-324", "1.7976931348623158e308"})
    void decimalsMatchTheJdk(String text) {
        assertThat(parse(text)).isTrue();
        assertThat(Double.doubleToRawLongBits(parser.doubleValue))
                .as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    @Test
    void decimalsOfManyDigitsRoundAsTheJdk() {
        // Past Clinger's fast path (more than 2^53 or |exponent| > 22): decided by EiselLemire.
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int digits = 15 + random.nextInt(5);
            StringBuilder sb = new StringBuilder();
            sb.append(1 + random.nextInt(9));
            for (int d = 1; d < digits; d++) {
                sb.append(random.nextInt(10));
            }
            if (random.nextBoolean()) {
                sb.insert(1 + random.nextInt(digits - 1), '.');
            }
            sb.append('e').append(random.nextInt(-345, 330));
            String text = sb.toString();
            assertThat(parse(text)).as(text).isTrue();
            assertThat(Double.doubleToRawLongBits(parser.doubleValue))
                    .as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
    }

    @Test
    void randomDoublesRoundTripExactly() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String text = random.nextBoolean() ? Double.toString(v) : FloatFormat.text(v);
            assertThat(parse(text)).as(text).isTrue();
            assertThat(parser.doubleValue).as(text).isEqualTo(v);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Inf", "+Inf", "inf", "Infinity", "-INF"})
    void infinities(String text) {
        assertThat(parse(text)).isTrue();
        assertThat(Double.isInfinite(parser.doubleValue)).isTrue();
        assertThat(parser.doubleValue > 0).isEqualTo(!text.startsWith("-"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "NAN"})
    void nan(String text) {
        assertThat(parse(text)).isTrue();
        assertThat(parser.doubleValue).isNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+", "-", ".", "e5", "1e", "1e+", "0x1", "0x1p-3", "1_2", "1.1.1", "1z", " 1", "1 ",
        "Infx", "na", "1f", "1d", "--1"})
    void rejectsWhatIsNotADecimalFloat(String text) {
        assertThat(parse(text)).as(text).isFalse();
    }

    @Test
    void longsIncludingTheExtremes() {
        byte[] max = "9223372036854775807".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseLong(max, 0, max.length)).isTrue();
        assertThat(parser.longValue).isEqualTo(Long.MAX_VALUE);
        byte[] min = "-9223372036854775808".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseLong(min, 0, min.length)).isTrue();
        assertThat(parser.longValue).isEqualTo(Long.MIN_VALUE);
        byte[] over = "9223372036854775808".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseLong(over, 0, over.length)).isFalse();
        byte[] frac = "1.0".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseLong(frac, 0, frac.length)).isFalse();
    }

    @Test
    void secondsBecomeTruncatedMilliseconds() {
        assertMillis("1.1", 1100);
        assertMillis("0.0009", 0);
        assertMillis("-1.5", -1500);
        assertMillis("1.5e3", 1_500_000);
        assertMillis("12345678901234567890.1234567890", Long.MAX_VALUE);
        byte[] nan = "NaN".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseSecondsAsMillis(nan, 0, nan.length)).isFalse();
    }

    private void assertMillis(String text, long millis) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parseSecondsAsMillis(b, 0, b.length)).as(text).isTrue();
        assertThat(parser.longValue).as(text).isEqualTo(millis);
    }
}
