package io.promethium.exposition;

import static io.promethium.exposition.ExpositionFormat.OPENMETRICS_TEXT_1_0_0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenMetricsParserTest {

    private static ParsedPage parse(String page) throws ExpositionException {
        return ParsedPage.parse(OPENMETRICS_TEXT_1_0_0, page);
    }

    @Test
    void readsMetadataIncludingUnit() throws Exception {
        ParsedPage page = parse("""
                # TYPE req_seconds counter
                # UNIT req_seconds seconds
                # HELP req_seconds Time \\"spent\\".
                req_seconds_total 1.5
                # EOF
                """);
        assertThat(page.metadata()).containsExactly(
                new ParsedPage.Meta(ExpositionParser.Entry.TYPE, "req_seconds", MetricType.COUNTER, null),
                new ParsedPage.Meta(ExpositionParser.Entry.UNIT, "req_seconds", null, "seconds"),
                new ParsedPage.Meta(ExpositionParser.Entry.HELP, "req_seconds", null, "Time \"spent\"."));
    }

    @Test
    void timestampsAreSecondsConvertedToMilliseconds() throws Exception {
        ParsedPage page = parse("a 1 1.5\nb 1 1700000000\nc 1 1.1\nd 1 -0.25\ne 1 1.5e3\nf 1 0.0001\n# EOF\n");
        assertThat(page.samples()).extracting(ParsedPage.Sample::timestamp)
                .containsExactly(1500L, 1_700_000_000_000L, 1100L, -250L, 1_500_000L, 0L);
    }

    @Test
    void exemplarsAreParsedWithAndWithoutTimestamp() throws Exception {
        ParsedPage page = parse("""
                # TYPE h histogram
                h_bucket{le="1.0"} 0 # {trace_id="abc"} 0.5
                h_bucket{le="+Inf"} 3 123 # {trace_id="d # e",span="f"} 4 123.456
                h_sum 2
                h_count 3
                # EOF
                """);
        assertThat(page.samples().get(0).exemplar())
                .isEqualTo(new Exemplar(Labels.of("trace_id", "abc"), 0.5, 0, false));
        assertThat(page.samples().get(1).exemplar())
                .isEqualTo(new Exemplar(Labels.of("trace_id", "d # e", "span", "f"), 4, 123_456, true));
        assertThat(page.samples().get(1).timestamp()).isEqualTo(123_000L);
        assertThat(page.samples().get(1).labels()).isEqualTo(Labels.of("__name__", "h_bucket", "le", "+Inf"));
        assertThat(page.samples().get(2).exemplar()).isNull();
    }

    @Test
    void createdSamplesAreReportedAsSeriesLikePrometheus3() throws Exception {
        ParsedPage page = parse("# TYPE c counter\nc_total 1\nc_created 1700000000.5\n# EOF\n");
        assertThat(page.samples()).extracting(s -> s.labels().metricName()).containsExactly("c_total", "c_created");
        assertThat(page.samples().get(1).value()).isEqualTo(1.7000000005e9);
    }

    @Test
    void nothingMayFollowEofButOneNewline() throws Exception {
        assertThat(parse("a 1\n# EOF").samples()).hasSize(1);
        assertThatThrownBy(() -> parse("a 1\n# EOF\n\n")).hasMessageStartingWith("line 3: text after # EOF");
    }

    @Test
    void errorsNameTheLine() {
        assertError("a 1\n", "line 2: page does not end with # EOF");
        assertError("a 1\n\n# EOF\n", "line 2: blank line");
        assertError("# free comment\n# EOF\n", "line 1: invalid metadata line");
        assertError("a  1\n# EOF\n", "line 1: missing value");
        assertError("a 1 NaN\n# EOF\n", "line 1: invalid timestamp \"NaN\"");
        assertError("a{b=\"c\",} 1\n# EOF\n", "line 1: trailing comma in label set");
        assertError("a_total 1 # {x=\"y\"}\n# EOF\n", "line 1: missing exemplar value");
        assertError("# UNIT a seconds\n# EOF\n", "line 1: unit \"seconds\" is not a suffix of metric \"a\"");
        assertError("# TYPE a untyped\n# EOF\n", "line 1: invalid metric type \"untyped\"");
    }

    @Test
    void exemplarLabelsMayHold128CharactersAndNoMore() throws Exception {
        String ok = "x".repeat(127);
        assertThat(parse("# TYPE a counter\na_total 1 # {a=\"" + ok + "\"} 1\n# EOF\n").samples()).hasSize(1);
        assertError("# TYPE a counter\na_total 1 # {a=\"" + ok + "x\"} 1\n# EOF\n", "line 2: exemplar labels have 129 characters");
    }

    @Test
    void lenientModeAcceptsFamilyRuleBreaksThatStrictModeRejects() throws Exception {
        String page = "# TYPE a counter\na_total -1\n# EOF\n";
        assertThat(parse(page).samples()).hasSize(1);
        assertThatThrownBy(() -> ParsedPage.parse(OPENMETRICS_TEXT_1_0_0, page, ParseMode.STRICT))
                .hasMessage("line 2: counter-like sample a_total cannot be negative");
    }

    @Test
    void strictModeChecksHistogramStructure() {
        String page = """
                # TYPE h histogram
                h_bucket{le="1"} 2
                h_bucket{le="+Inf"} 1
                # EOF
                """;
        assertThatThrownBy(() -> ParsedPage.parse(OPENMETRICS_TEXT_1_0_0, page, ParseMode.STRICT))
                .hasMessageContaining("bucket values out of order in histogram h");
    }

    @Test
    void version001ParsesTheSame() throws Exception {
        ParsedPage page = ParsedPage.parse(ExpositionFormat.OPENMETRICS_TEXT_0_0_1, "a 1 2\n# EOF\n");
        assertThat(page.samples()).extracting(ParsedPage.Sample::timestamp).isEqualTo(List.of(2000L));
    }

    private static void assertError(String page, String message) {
        assertThatThrownBy(() -> parse(page)).as(page).isInstanceOf(ExpositionException.class).hasMessageStartingWith(message);
    }

    @Test
    void createdSamplesBecomeTheirFamilysCreatedTimestampsWhenAsked() throws Exception {
        String page = "# TYPE req counter\nreq_total{a=\"x\\\"y\",code=\"200\"} 10\nreq_created{code=\"200\",a=\"x\\\"y\"} 1.5\n"
                + "# TYPE lat histogram\nlat_bucket{le=\"+Inf\"} 4\nlat_count 4\nlat_sum 2\nlat_created 2\n"
                + "# TYPE g gauge\ng 1\n# EOF\n";
        byte[] bytes = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ExpositionParser p = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, bytes.length);
        p.ingestCreatedTimestamps();
        java.util.List<String> seen = new java.util.ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES) {
                seen.add(p.metricName() + "=" + p.createdTimestamp());
            }
        }
        assertThat(seen).containsExactly("req_total=1500", "lat_bucket=2000", "lat_count=2000", "lat_sum=2000", "g=0");
        ExpositionParser plain = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, bytes.length);
        int created = 0;
        while ((e = plain.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES && plain.metricName().endsWith("_created")) {
                created++;
                assertThat(plain.createdTimestamp()).isZero();
            }
        }
        assertThat(created).as("without it, _created samples are series").isEqualTo(2);
    }

    /**
     * Prometheus 3's {@code TestOpenMetricsParse_UTF8} (model/textparse/openmetricsparse_test.go), its page and answers,
     * less its {@code _created} line and with {@code quantile="0.0"} written canonically: created timestamps and
     * {@code le}/{@code quantile} spelling are not about names and are tested elsewhere.
     */
    @Test
    void quotedUtf8NamesInMetadataSeriesAndExemplarsAsPrometheus3() throws Exception {
        ParsedPage page = parse("""
                # HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
                # TYPE "go.gc_duration_seconds" summary
                # UNIT "go.gc_duration_seconds" seconds
                {"go.gc_duration_seconds",quantile="0.0"} 4.9351e-05
                {"go.gc_duration_seconds",quantile="0.25"} 7.424100000000001e-05
                {"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
                {"http.status",q="0.9",a="b"} 8.3835e-05
                {q="0.9","http.status",a="b"} 8.3835e-05
                {"go.gc_duration_seconds_sum"} 0.004304266
                {"Heizölrückstoßabdämpfung 10€ metric with \\"interesting\\" {character\\nchoices}","strange©™\\n'quoted' \\"name\\""="6"} 10.0
                quotedexemplar_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
                # EOF
                """);
        assertThat(page.metadata()).extracting(ParsedPage.Meta::name).containsOnly("go.gc_duration_seconds");
        assertThat(page.metadata().get(1).type()).isEqualTo(MetricType.SUMMARY);
        assertThat(page.samples()).extracting(ParsedPage.Sample::labels).containsExactly(
                Labels.of("__name__", "go.gc_duration_seconds", "quantile", "0.0"),
                Labels.of("__name__", "go.gc_duration_seconds", "quantile", "0.25"),
                Labels.of("__name__", "go.gc_duration_seconds", "quantile", "0.5", "a", "b"),
                Labels.of("__name__", "http.status", "q", "0.9", "a", "b"),
                Labels.of("__name__", "http.status", "q", "0.9", "a", "b"),
                Labels.of("__name__", "go.gc_duration_seconds_sum"),
                Labels.of("__name__", "Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}",
                        "strange©™\n'quoted' \"name\"", "6"),
                Labels.of("__name__", "quotedexemplar_count"));
        assertThat(page.samples().get(7).exemplar().labels()).isEqualTo(Labels.of("id.thing", "histogram-count-test", "other", "hello"));
    }
}
