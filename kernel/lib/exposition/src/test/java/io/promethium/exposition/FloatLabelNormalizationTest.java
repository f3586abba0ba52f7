package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Prometheus 3 re-spells the {@code le} of classic histogram buckets and the {@code quantile} of
 * summaries as OpenMetrics floats at ingest ({@code normalizeFloatsInLabelValues} in its
 * {@code model/textparse}). Pages and expectations are from its {@code promparse_test.go} and
 * {@code openmetricsparse_test.go}.
 */
class FloatLabelNormalizationTest {

    private static List<Labels> labels(ExpositionFormat format, String page) throws ExpositionException {
        return ParsedPage.parse(format, page).samples().stream().map(ParsedPage.Sample::labels).toList();
    }

    @Test
    void textFormatRespellsLeAndQuantileByTheLastTypeLine() throws Exception {
        // From TestPromParse: the type is the last TYPE line's, whichever family the sample is in.
        List<Labels> got = labels(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, """
                # TYPE go_gc_duration_seconds summary
                go_gc_duration_seconds{quantile="0"} 4.9351e-05
                go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05
                go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
                # TYPE prometheus_http_request_duration_seconds histogram
                prometheus_http_request_duration_seconds_bucket{handler="/",le="1"} 423
                prometheus_http_request_duration_seconds_bucket{handler="/",le="2"} 1423
                prometheus_http_request_duration_seconds_bucket{handler="/",le="+Inf"} 1423
                go_gc_duration_seconds{ quantile="2", a="b" } 8.3835e-05
                # TYPE some_counter_total counter
                testmetric{le="10"} 1
                """);
        assertThat(got).containsExactly(
                Labels.of("__name__", "go_gc_duration_seconds", "quantile", "0.0"),
                Labels.of("__name__", "go_gc_duration_seconds", "quantile", "0.25"),
                Labels.of("__name__", "go_gc_duration_seconds", "quantile", "0.5", "a", "b"),
                Labels.of("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "1.0"),
                Labels.of("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "2.0"),
                Labels.of("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "+Inf"),
                Labels.of("__name__", "go_gc_duration_seconds", "quantile", "2", "a", "b"),
                Labels.of("__name__", "testmetric", "le", "10"));
    }

    @Test
    void openMetricsRespellsHistogramsAndSummariesButNotGaugeHistograms() throws Exception {
        List<Labels> got = labels(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, """
                # TYPE something histogram
                something_bucket{le="0.0"} 1
                something_bucket{le="1"} 2
                something_bucket{le="+Inf"} 18
                # TYPE gh gaugehistogram
                gh_bucket{le="5"} 1
                gh_bucket{le="+Inf"} 1
                # TYPE foo counter
                foo_total{le="1"} 10.0
                # TYPE bar summary
                bar{quantile="1"} 150.0
                # EOF
                """);
        assertThat(got).extracting(l -> l.get("le").isEmpty() ? l.get("quantile") : l.get("le"))
                .containsExactly("0.0", "1.0", "+Inf", "5", "+Inf", "1", "1.0");
    }

    /** Expected spellings: Go's labels.FormatOpenMetricsFloat(strconv.ParseFloat(v)), or v when ParseFloat fails. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1|1.0", "1.0|1.0", "0.5|0.5", "+Inf|+Inf", "inf|+Inf", "-Infinity|-Inf", "NaN|NaN", "nan|NaN",
        "-0|0.0", "0.000|0.0", "1e3|1000.0", "1000000|1e+06", "0.00001|1e-05", "1E-5|1e-05", ".5|0.5",
        "5.|5.0", "+2|2.0", "0.10|0.1", "0x1p-2|0.25", "0X1.8P1|3.0", "1e-400|0.0",
        // Not floats to strconv.ParseFloat: kept as written.
        "1e400|1e400", "-nan|-nan", "+NaN|+NaN", "0x10|0x10", "1_000|1_000", "abc|abc", "' 1'|' 1'", "0x1p2f|0x1p2f",
    })
    void valuesAreSpelledAsPrometheus3StoresThem(String written, String stored) throws Exception {
        List<Labels> got = labels(ExpositionFormat.PROMETHEUS_TEXT_0_0_4,
                "# TYPE h histogram\nh_bucket{le=\"" + written + "\"} 1\n");
        assertThat(got.get(0).get("le")).isEqualTo(stored);
    }

    @Test
    void rawLabelsStayAsWritten() throws Exception {
        byte[] page = "# TYPE h histogram\nh_bucket{le=\"1\"} 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ExpositionParser p = ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newParser(page, 0, page.length);
        p.next();
        p.next();
        StringBuilder raw = new StringBuilder();
        p.rawLabels((n, v) -> raw.append(n).append('=').append(v));
        assertThat(raw).hasToString("le=1");
    }

    @ParameterizedTest
    @CsvSource({"1, 1.0", "-0.0, 0.0", "0.25, 0.25", "1e6, 1e+06", "Infinity, +Inf"})
    void floatLabelValueIsTheStoredSpelling(double value, String expected) {
        assertThat(ExpositionFormats.floatLabelValue(value)).isEqualTo(expected);
    }
}
