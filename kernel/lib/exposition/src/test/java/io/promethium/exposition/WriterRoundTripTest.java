package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a writer writes, the matching parser reads back unchanged. */
class WriterRoundTripTest {

    private static final double[] VALUES = {0, 1, -1, 1.5, 1e6, 1234567.25, 1e-5, 0.1 + 0.2, Double.MAX_VALUE,
        Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -0.0015};

    private static final Labels AWKWARD = Labels.of("path", "C:\\dir \"quoted\"\nnext", "le", "+Inf", "x", "a # b } {");

    private static String write(ExpositionFormat format, java.util.function.Consumer<ExpositionWriter> body) {
        StringWriter out = new StringWriter();
        ExpositionWriter writer = format.newWriter(out);
        body.accept(writer);
        writer.finish();
        return out.toString();
    }

    @Test
    void textFormatRoundTripsValuesLabelsAndTimestamps() throws Exception {
        String page = write(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, w -> {
            w.family("g", MetricType.GAUGE, "Help with \\ and\nnewline", "");
            for (double v : VALUES) {
                w.sample("g", AWKWARD, v);
            }
            w.sample("g", Labels.of("t", "1"), 2, 1_700_000_000_123L);
        });
        ParsedPage parsed = ParsedPage.parse(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, page);
        assertThat(parsed.metadata().get(0).text()).isEqualTo("Help with \\ and\nnewline");
        assertThat(parsed.metadata().get(1).type()).isEqualTo(MetricType.GAUGE);
        for (int i = 0; i < VALUES.length; i++) {
            assertThat((Double) parsed.samples().get(i).value()).isEqualTo((Double) VALUES[i]);
            assertThat(parsed.samples().get(i).labels()).isEqualTo(AWKWARD.toBuilder().set("__name__", "g").build());
        }
        assertThat(parsed.samples().get(VALUES.length).timestamp()).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void textFormatSpellsFloatsTheGoWay() {
        String page = write(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, w -> {
            w.family("a", MetricType.UNKNOWN, "", "");
            w.sample("a", 1e6);
            w.sample("a", Double.POSITIVE_INFINITY);
            w.sample("a", 1);
        });
        assertThat(page).isEqualTo("# TYPE a untyped\na 1e+06\na +Inf\na 1\n");
    }

    @Test
    void openMetricsPageIsStrictlyValidAndRoundTrips() throws Exception {
        String page = write(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, w -> {
            w.family("requests_total", MetricType.COUNTER, "Requests \"served\".", "");
            w.sample("requests_total", Labels.of("code", "200"), 10, false, 0,
                    new Exemplar(Labels.of("trace_id", "abc"), 1, 1_700_000_000_500L, true));
            w.sample("requests_created", Labels.of("code", "200"), 1.7e9);
            w.family("latency_seconds", MetricType.HISTOGRAM, "", "seconds");
            w.sample("latency_seconds_bucket", Labels.of("le", "0.5"), 1);
            w.sample("latency_seconds_bucket", Labels.of("le", "+Inf"), 2);
            w.sample("latency_seconds_sum", 0.75);
            w.sample("latency_seconds_count", 2);
            w.family("temp", MetricType.GAUGE, "", "");
            for (double v : VALUES) {
                w.sample("temp", AWKWARD, v, 1_700_000_000_001L);
            }
        });
        assertThat(page).startsWith("# TYPE requests counter\n# HELP requests Requests \\\"served\\\".\n"
                + "requests_total{code=\"200\"} 10.0 # {trace_id=\"abc\"} 1.0 1700000000.5\n");
        assertThat(page).contains("# UNIT latency_seconds seconds\n").endsWith("# EOF\n");

        ParsedPage parsed = ParsedPage.parse(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, page, ParseMode.STRICT);
        assertThat(parsed.samples().get(0).exemplar())
                .isEqualTo(new Exemplar(Labels.of("trace_id", "abc"), 1, 1_700_000_000_500L, true));
        List<ParsedPage.Sample> temps = parsed.samples().subList(6, 6 + VALUES.length);
        for (int i = 0; i < VALUES.length; i++) {
            assertThat((Double) temps.get(i).value()).isEqualTo((Double) VALUES[i]);
            assertThat(temps.get(i).timestamp()).isEqualTo(1_700_000_000_001L);
            assertThat(temps.get(i).labels()).isEqualTo(AWKWARD.toBuilder().set("__name__", "temp").build());
        }
    }

    @Test
    void openMetricsAddsTheCounterAndInfoSuffixesToBareSampleNames() {
        String page = write(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, w -> {
            w.family("jobs", MetricType.COUNTER, "", "");
            w.sample("jobs", 3);
            w.family("build_info", MetricType.INFO, "", "");
            w.sample("build", Labels.of("version", "1"), 1);
        });
        assertThat(page).isEqualTo("# TYPE jobs counter\njobs_total 3.0\n# TYPE build info\nbuild_info{version=\"1\"} 1.0\n# EOF\n");
    }

    @Test
    void openMetricsDropsAUnitThatIsNotANameSuffix() {
        String page = write(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, w -> w.family("size", MetricType.GAUGE, "", "bytes"));
        assertThat(page).isEqualTo("# TYPE size gauge\n# EOF\n");
    }

    @Test
    void namesOutsideTheLegacyCharacterSetAreQuoted() throws Exception {
        String page = write(ExpositionFormat.PROMETHEUS_TEXT_1_0_0, w -> {
            w.family("my.metric", MetricType.GAUGE, "", "");
            w.sample("my.metric", Labels.of("dotted.label", "v"), 1);
        });
        assertThat(page).isEqualTo("# TYPE \"my.metric\" gauge\n{\"my.metric\",\"dotted.label\"=\"v\"} 1\n");
        ParsedPage parsed = ParsedPage.parse(ExpositionFormat.PROMETHEUS_TEXT_1_0_0, page);
        assertThat(parsed.samples().get(0).labels()).isEqualTo(Labels.of("__name__", "my.metric", "dotted.label", "v"));
    }

    @Test
    void olderFormatsEscapeNamesOutsideTheLegacySetWithUnderscores() throws Exception {
        String page = write(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, w -> {
            w.family("my.metric", MetricType.GAUGE, "", "");
            w.sample("my.metric", Labels.of("dotted.label", "v", "0lead", "x"), 1);
        });
        assertThat(page).isEqualTo("# TYPE my_metric gauge\nmy_metric{_lead=\"x\",dotted_label=\"v\"} 1\n");
        assertThat(ParsedPage.parse(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, page).samples()).hasSize(1);
        String openMetrics = write(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, w -> {
            w.family("caf\u00e9.count", MetricType.GAUGE, "", "");
            w.sample("caf\u00e9.count", 2);
        });
        assertThat(openMetrics).isEqualTo("# TYPE caf__count gauge\ncaf__count 2.0\n# EOF\n");
    }

    @Test
    void writersNameTheirContentType() {
        assertThat(ExpositionFormat.PROMETHEUS_TEXT_1_0_0.newWriter(new StringWriter()).contentType())
                .isEqualTo("text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
        assertThat(new TextFormatWriter(new StringWriter()).contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(new OpenMetricsWriter(new StringWriter()).contentType())
                .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }
}
