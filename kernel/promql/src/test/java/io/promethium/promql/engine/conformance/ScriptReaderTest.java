package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptReaderTest {

    @Test
    void expandingNotationRepeatsWithADelta() {
        assertThat(SeriesNotation.parseValues("1+2x3")).containsExactly(1, 3, 5, 7);
        assertThat(SeriesNotation.parseValues("1-1x2")).containsExactly(1, 0, -1);
        // "0x59" is zero repeated, never hexadecimal.
        assertThat(SeriesNotation.parseValues("0x2 60")).containsExactly(0, 0, 0, 60);
    }

    @Test
    void gapsAndStaleMarkersAreKept() {
        double[] v = SeriesNotation.parseValues("_x2 stale 4");
        assertThat(v).hasSize(4);
        assertThat(SeriesNotation.isMissing(v[0])).isTrue();
        assertThat(SeriesNotation.isMissing(v[1])).isTrue();
        assertThat(StaleMarker.isStale(v[2])).isTrue();
        assertThat(v[3]).isEqualTo(4);
    }

    @Test
    void readsLoadsEvalsAndExpectations() {
        String text = """
                load 5m
                  http_requests{job="api", "odd.label"="x"} 0+10x2
                  hist {{schema:0 sum:1 count:1}}

                eval range from 0 to 10m step 5m sum(http_requests)
                  expect warn msg: PromQL warning: something (1:1)
                  {} 0 10 20

                eval_fail instant at 1m foo(
                """;
        Script script = ScriptReader.read("t.test", text);
        assertThat(script.commands()).hasSize(3);
        Script.Load load = (Script.Load) script.commands().get(0);
        assertThat(load.stepMillis()).isEqualTo(300_000);
        assertThat(load.series()).hasSize(2);
        assertThat(load.series().get(0).labels()).isEqualTo(Labels.of("__name__", "http_requests", "job", "api", "odd.label", "x"));
        assertThat(load.series().get(1).labels()).isEqualTo(Labels.of("__name__", "hist"));
        assertThat(load.series().get(1).values()).hasSize(1);
        assertThat(SeriesNotation.isHistogram(load.series().get(1).values()[0])).isTrue();
        Script.Eval range = (Script.Eval) script.commands().get(1);
        assertThat(range.line()).isEqualTo(5);
        assertThat(range.step()).isEqualTo(300_000);
        assertThat(range.warn().message()).isEqualTo("PromQL warning: something (1:1)");
        assertThat(range.expected()).singleElement().satisfies(e -> assertThat(e.values()).containsExactly(0, 10, 20));
        Script.Eval fail = (Script.Eval) script.commands().get(2);
        assertThat(fail.fail()).isNotNull();
        assertThat(fail.start()).isEqualTo(60_000);
    }

    @Test
    void badLineNamesFileAndLine() {
        assertThatThrownBy(() -> ScriptReader.read("bad.test", "load 5m\n  x 1 2 zz\n"))
                .hasMessageStartingWith("bad.test:1");
        assertThatThrownBy(() -> ScriptReader.read("bad.test", "\nfrobnicate\n")).hasMessageStartingWith("bad.test:2");
    }

    @Test
    void keepsTheFloatSamplesOfASeriesMixingFloatsAndHistograms() {
        double[] v = SeriesNotation.parseValues(
                "{{schema:0 sum:5 count:4 buckets:[1 2 1]}} 1 2 {{schema:0 sum:5 count:4}}+{{sum:1}}x2 _ 3");
        assertThat(v).hasSize(8);
        assertThat(SeriesNotation.isHistogram(v[0])).isTrue();
        assertThat(v[1]).isEqualTo(1);
        assertThat(v[2]).isEqualTo(2);
        for (int i = 3; i <= 5; i++) {
            assertThat(SeriesNotation.isHistogram(v[i])).as("point %d", i).isTrue();
        }
        assertThat(SeriesNotation.isMissing(v[6])).isTrue();
        assertThat(v[7]).isEqualTo(3);
        assertThat(SeriesNotation.isFloat(v[7])).isTrue();
        assertThat(SeriesNotation.isFloat(v[0])).isFalse();
    }

    @Test
    void loadWithNhcbAddsAHistogramWhereverABucketHasASample() {
        Script script = ScriptReader.read("t.test", """
                load_with_nhcb 1m
                  req_bucket{le="1"} 1 _ 3
                  req_bucket{le="+Inf"} 2 _ 4 5
                """);
        Script.Load load = (Script.Load) script.commands().get(0);
        Script.LoadedSeries nhcb = load.series().get(2);
        assertThat(nhcb.labels()).isEqualTo(Labels.of("__name__", "req"));
        assertThat(nhcb.values()).hasSize(4);
        assertThat(SeriesNotation.isHistogram(nhcb.values()[0])).isTrue();
        assertThat(SeriesNotation.isMissing(nhcb.values()[1])).isTrue();
        assertThat(SeriesNotation.isHistogram(nhcb.values()[3])).isTrue();
        assertThat(load.hasHistograms()).isTrue();
    }
}
