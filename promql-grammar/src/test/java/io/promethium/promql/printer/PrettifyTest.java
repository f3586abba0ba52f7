package io.promethium.promql.printer;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.testing.Asts;
import org.junit.jupiter.api.Test;

class PrettifyTest {

    @Test
    void shortExpressionsStayOnOneLine() {
        assertThat(PromQLPrinter.prettify(parseExpr("sum by(job)(rate(x[5m]))"))).isEqualTo("sum by (job) (rate(x[5m]))");
    }

    @Test
    void longAggregationsAndBinaryExpressionsSplitOverIndentedLines() {
        String q = "sum by (job, instance) (rate(http_requests_total{job=\"api-server\", status=~\"5..\"}[5m]))"
                + " / sum by (job, instance) (rate(http_requests_total{job=\"api-server\"}[5m]))";
        String expected = """
                  sum by (job, instance) (rate(http_requests_total{job="api-server",status=~"5.."}[5m]))
                /
                  sum by (job, instance) (rate(http_requests_total{job="api-server"}[5m]))""";
        assertThat(PromQLPrinter.prettify(parseExpr(q))).isEqualTo(expected);
    }

    @Test
    void callsAndNestedAggregationsSplitArgumentByArgument() {
        String q = "histogram_quantile(0.99, sum by (le, job, instance, handler, method) (rate(http_request_duration_seconds_bucket{job=\"api\"}[5m])))";
        String expected = """
                histogram_quantile(
                  0.99,
                  sum by (le, job, instance, handler, method) (
                    rate(http_request_duration_seconds_bucket{job="api"}[5m])
                  )
                )""";
        String pretty = PromQLPrinter.prettify(parseExpr(q));
        assertThat(pretty).isEqualTo(expected);
        assertThat(Asts.normalize(parseExpr(pretty))).isEqualTo(Asts.normalize(parseExpr(q)));
    }

    @Test
    void aShortSubqueryArgumentIsNotIndentedAsInPrometheus() {
        String q = "quantile_over_time(0.9, rate(http_request_duration_seconds_bucket{job=\"api-server\", handler=\"/x\"}[5m])[30m:1m])";
        assertThat(PromQLPrinter.prettify(parseExpr(q))).isEqualTo("""
                quantile_over_time(
                  0.9,
                rate(http_request_duration_seconds_bucket{handler="/x",job="api-server"}[5m])[30m:1m]
                )""");
    }

    @Test
    void lineLengthIsCountedInUtf8Bytes() {
        // 96 characters but more than 100 bytes: split, as Prometheus would.
        String q = "foo{a=\"" + "é".repeat(20) + "\"} + bar{b=\"" + "x".repeat(50) + "\"}";
        assertThat(PromQLPrinter.toString(parseExpr(q)).length()).isLessThanOrEqualTo(100);
        assertThat(PromQLPrinter.prettify(parseExpr(q))).contains("\n+\n");
    }

    @Test
    void matchingModifiersStayWithTheOperator() {
        String q = "very_long_metric_name_number_one{label=\"aaaaaaaaaaaaaaaaaaaa\"} * on (instance) group_left (node)"
                + " very_long_metric_name_number_two{label=\"bbbbbbbbbbbbbbbbbbbbb\"}";
        assertThat(PromQLPrinter.prettify(parseExpr(q))).isEqualTo("""
                  very_long_metric_name_number_one{label="aaaaaaaaaaaaaaaaaaaa"}
                * on (instance) group_left (node)
                  very_long_metric_name_number_two{label="bbbbbbbbbbbbbbbbbbbbb"}""");
    }
}
