package io.promethium.exposition.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FloatFormatTest {

    /** Expected spellings are Go's strconv.FormatFloat(v, 'g', -1, 64). */
    @ParameterizedTest
    @CsvSource({
        "1, 1", "0, 0", "-1, -1", "1.5, 1.5", "1000000, 1e+06", "123456, 123456", "1234567, 1.234567e+06",
        "0.0001, 0.0001", "0.00001, 1e-05", "0.000012345, 1.2345e-05", "1e100, 1e+100", "1e-100, 1e-100",
        "100000, 100000", "2.5e+06, 2.5e+06", "0.1, 0.1", "1.726839813016397e+09, 1.726839813016397e+09",
        "-0.0015, -0.0015", "4.9e-324, 5e-324", "1.7976931348623157e308, 1.7976931348623157e+308",
        "123.456, 123.456", "9007199254740993, 9.007199254740992e+15",
    })
    void textMatchesGo(double value, String expected) {
        assertThat(FloatFormat.text(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1, 1.0", "0, 0.0", "-1, -1.0", "1.5, 1.5", "1000000, 1e+06", "42, 42.0", "0.25, 0.25"})
    void openMetricsMarksIntegralValuesAsFloats(double value, String expected) {
        assertThat(FloatFormat.openMetrics(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"Infinity, +Inf, +Inf", "-Infinity, -Inf, -Inf", "NaN, NaN, NaN"})
    void specialValues(double value, String text, String openMetrics) {
        assertThat(FloatFormat.text(value)).isEqualTo(text);
        assertThat(FloatFormat.openMetrics(value)).isEqualTo(openMetrics);
    }

    @ParameterizedTest
    @CsvSource({"1234, 1.234", "5000, 5", "1, 0.001", "-250, -0.25", "-1500, -1.5", "0, 0", "10, 0.01"})
    void millisecondsAsSeconds(long millis, String expected) {
        StringBuilder sb = new StringBuilder();
        FloatFormat.appendSeconds(sb, millis);
        assertThat(sb.toString()).isEqualTo(expected);
    }
}
