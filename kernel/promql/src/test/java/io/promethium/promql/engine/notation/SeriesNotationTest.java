package io.promethium.promql.engine.notation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeriesNotationTest {

    private static String roundTrip(String text) {
        return SeriesNotation.testExpression(SeriesNotation.parsePoints(text).hists()[0]);
    }

    @Test
    void testExpressionWritesFieldsInPrometheusOrder() {
        assertThat(roundTrip("{{schema:1 sum:-0.3 count:32.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7] offset:-3 "
                + "n_buckets:[4.1 5] n_offset:-5}}"))
                .isEqualTo("{{schema:1 count:32.1 sum:-0.3 z_bucket:7.1 z_bucket_w:0.05 offset:-3 buckets:[5.1 10 7] "
                        + "n_offset:-5 n_buckets:[4.1 5]}}");
    }

    @Test
    void testExpressionCompactsEmptyEdgeBucketsAndKeepsInnerOnes() {
        assertThat(roundTrip("{{count:3 buckets:[0 1 0 2 0] offset:1 counter_reset_hint:gauge}}"))
                .isEqualTo("{{count:3 counter_reset_hint:gauge offset:2 buckets:[1 0 2]}}");
        assertThat(roundTrip("{{buckets:[0 0]}}")).isEqualTo("{{}}");
    }

    @Test
    void increaseExpansionAddsTheDeltaEachStep() {
        var points = SeriesNotation.parsePoints("{{sum:3 count:2 buckets:[2]}}+{{sum:1.3 count:1 buckets:[1]}}x2");
        assertThat(points.values()).hasSize(3);
        assertThat(SeriesNotation.testExpression(points.hists()[2])).isEqualTo("{{count:4 sum:5.6 buckets:[4]}}");
    }
}
