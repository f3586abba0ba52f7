package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.internal.Names;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The writers' {@code escaping=} schemes: names escaped as client_golang's {@code model.EscapeName}
 * (cases from prometheus/common's {@code TestEscapeName}), and the scheme negotiated from an
 * {@code Accept} header as {@code expfmt.Negotiate} reads it.
 */
class NameEscapingTest {

    @Test
    void namesAreEscapedAsClientGolangEscapesThem() {
        assertThat(Names.escape("name.with.dots", NameEscaping.UNDERSCORES, true)).isEqualTo("name_with_dots");
        assertThat(Names.escape("name.with.dots", NameEscaping.DOTS, true)).isEqualTo("name_dot_with_dot_dots");
        assertThat(Names.escape("name.with.dots", NameEscaping.VALUES, true)).isEqualTo("U__name_2e_with_2e_dots");
        assertThat(Names.escape("label with 😱", NameEscaping.UNDERSCORES, false)).isEqualTo("label_with__");
        assertThat(Names.escape("label with 😱", NameEscaping.DOTS, false)).isEqualTo("label__with____");
        assertThat(Names.escape("label with 😱", NameEscaping.VALUES, false)).isEqualTo("U__label_20_with_20__1f631_");
        assertThat(Names.escape("a_b.c", NameEscaping.DOTS, true)).isEqualTo("a__b_dot_c");
    }

    /** prometheus/common's {@code TestEscapeName}: input, underscores, dots, dots unescaped, values. */
    private static final String[][] ESCAPE_NAME_CASES = {
        {"no:escaping_required", "no:escaping_required", "no:escaping__required", "no:escaping_required", "no:escaping_required"},
        {"mysystem.prod.west.cpu.load", "mysystem_prod_west_cpu_load", "mysystem_dot_prod_dot_west_dot_cpu_dot_load",
            "mysystem.prod.west.cpu.load", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load"},
        {"mysystem.prod.west.cpu.load_total", "mysystem_prod_west_cpu_load_total", "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total",
            "mysystem.prod.west.cpu.load_total", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total"},
        {"http.status:sum", "http_status:sum", "http_dot_status:sum", "http.status:sum", "U__http_2e_status:sum"},
        {"label with 😱", "label_with__", "label__with____", "label_with__", "U__label_20_with_20__1f631_"},
        {"花火", "__", "____", "__", "U___82b1__706b_"},
        {"label with \u0100", "label_with__", "label__with____", "label_with__", "U__label_20_with_20__100_"},
    };

    @Test
    void namesUnescapeAsClientGolangUnescapesThemAndValuesEscapingRoundTrips() {
        for (String[] c : ESCAPE_NAME_CASES) {
            String input = c[0];
            // The writers escape only names that are not legacy-valid; Go's EscapeName returns those
            // unchanged for underscores and values too.
            boolean legacy = Names.isLegacyMetricName(input);
            String underscores = legacy ? input : Names.escape(input, NameEscaping.UNDERSCORES, true);
            String values = legacy ? input : Names.escape(input, NameEscaping.VALUES, true);
            assertThat(underscores).as("underscores of %s", input).isEqualTo(c[1]);
            assertThat(NameEscaping.UNDERSCORES.unescape(underscores)).as("underscores cannot be undone").isEqualTo(c[1]);
            assertThat(Names.escape(input, NameEscaping.DOTS, true)).as("dots of %s", input).isEqualTo(c[2]);
            assertThat(NameEscaping.DOTS.unescape(c[2])).as("dots unescaped of %s", input).isEqualTo(c[3]);
            assertThat(values).as("values of %s", input).isEqualTo(c[4]);
            assertThat(NameEscaping.VALUES.unescape(values)).as("values unescaped of %s", input).isEqualTo(input);
        }
        assertThat(NameEscaping.VALUES.unescape("")).isEmpty();
        assertThat(NameEscaping.ALLOW_UTF8.unescape("U__a_2e_b")).isEqualTo("U__a_2e_b");
    }

    /** prometheus/common's {@code TestValueUnescapeErrors}: a malformed escape is given back as it came. */
    @Test
    void aMalformedValuesEscapeIsGivenBackUnchanged() {
        String[][] cases = {
            {"U__no:unescapingrequired", "no:unescapingrequired"},
            {"U__capitals_2E_ok", "capitals.ok"},
            {"U__underscores__doubled__", "underscores_doubled_"},
            {"U__underscores_doubled_", "U__underscores_doubled_"},
            {"U__underscores__doubled_", "U__underscores__doubled_"},
            {"U__my__hack_2e_attempt_872348732fabdabbab_", "U__my__hack_2e_attempt_872348732fabdabbab_"},
            {"U__my__hack_2e", "U__my__hack_2e"},
            {"U__bad__utf_2eg_", "U__bad__utf_2eg_"},
            {"U__bad__utf_D900_", "U__bad__utf_D900_"},
        };
        for (String[] c : cases) {
            assertThat(NameEscaping.VALUES.unescape(c[0])).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(NameEscaping.VALUES.unescape("U__five_fffff_")).isEqualTo("five\uDBBF\uDFFF");
        // Go's loop refuses a sixth digit before it looks for the closing underscore, so the code
        // points U+100000..U+10FFFF, which its EscapeName writes with six digits, do not come back.
        assertThat(NameEscaping.VALUES.unescape("U__six_100000_")).isEqualTo("U__six_100000_");
        assertThat(NameEscaping.VALUES.unescape("U__nul_0_")).as("U+0000 is a valid rune").isEqualTo("nul\u0000");
        assertThat(NameEscaping.VALUES.unescape("U__")).as("nothing after the prefix").isEmpty();
        assertThat(NameEscaping.VALUES.unescape("u__a_2e_b")).as("the prefix is case-sensitive").isEqualTo("u__a_2e_b");
        assertThat(NameEscaping.VALUES.unescape("U__a_\u00e9_")).as("a non-ASCII character is no hex digit").isEqualTo("U__a_\u00e9_");
    }

    @Test
    void theAcceptHeadersEscapingParameterIsReadAsExpfmtNegotiateReadsIt() {
        assertThat(ExpositionFormats.escapingFor("text/plain;version=0.0.4;escaping=allow-utf-8")).isEqualTo(NameEscaping.ALLOW_UTF8);
        assertThat(ExpositionFormats.escapingFor("text/plain;version=0.0.4")).isNull();
        assertThat(ExpositionFormats.escapingFor(null)).isNull();
        assertThat(ExpositionFormats.escapingFor("text/plain;version=0.0.4;escaping=sideways")).isNull();
        assertThat(ExpositionFormats.escapingFor("text/plain;version=9;escaping=dots;q=0.9,text/plain;version=0.0.4;q=0.5"))
                .as("a scheme named on a skipped entry still counts, as in Go").isEqualTo(NameEscaping.DOTS);
        assertThat(ExpositionFormats.escapingFor("application/openmetrics-text;version=1.0.0;escaping=values;q=0.4,"
                + "text/plain;version=0.0.4;escaping=underscores;q=0.3")).isEqualTo(NameEscaping.VALUES);
    }

    @Test
    void aWriterForAnEscapingSchemeWritesAndAnnouncesIt() throws Exception {
        assertThat(page(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, NameEscaping.ALLOW_UTF8))
                .isEqualTo("text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8\n"
                        + "# TYPE \"a.b\" gauge\n{\"a.b\",\"c.d\"=\"x\",ok=\"y\"} 1\n");
        assertThat(page(ExpositionFormat.PROMETHEUS_TEXT_1_0_0, NameEscaping.DOTS))
                .isEqualTo("text/plain; version=1.0.0; charset=utf-8; escaping=dots\n# TYPE a_dot_b gauge\na_dot_b{c_dot_d=\"x\",ok=\"y\"} 1\n");
        assertThat(page(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, NameEscaping.VALUES))
                .startsWith("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=values\n"
                        + "# TYPE U__a_2e_b gauge\nU__a_2e_b{U__c_2e_d=\"x\",ok=\"y\"} 1");
        String quoted = page(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, NameEscaping.ALLOW_UTF8);
        assertThat(ParsedPage.parse(ExpositionFormat.OPENMETRICS_TEXT_1_0_0, quoted.substring(quoted.indexOf('\n') + 1))
                .samples().get(0).labels()).isEqualTo(Labels.of("__name__", "a.b", "c.d", "x", "ok", "y"));
    }

    @Test
    void theContentTypeOfAnEscapingIsKnownWithoutAWriter() {
        for (ExpositionFormat format : ExpositionFormat.values()) {
            if (format == ExpositionFormat.PROMETHEUS_PROTO) {
                continue;
            }
            assertThat(format.contentType(null)).isEqualTo(format.contentType()).isEqualTo(format.newWriter(new StringWriter()).contentType());
            for (NameEscaping escaping : NameEscaping.values()) {
                assertThat(format.contentType(escaping)).isEqualTo(format.newWriter(new StringWriter(), escaping).contentType())
                        .endsWith("; escaping=" + escaping.headerValue());
            }
        }
        for (NameEscaping escaping : NameEscaping.values()) {
            assertThat(ProtobufFamilyWriter.contentType(escaping))
                    .isEqualTo(new ProtobufFamilyWriter(java.io.OutputStream.nullOutputStream(), escaping).contentType());
        }
    }

    /** The content type, then the page. */
    private static String page(ExpositionFormat format, NameEscaping escaping) {
        StringWriter out = new StringWriter();
        ExpositionWriter w = format.newWriter(out, escaping);
        w.family("a.b", MetricType.GAUGE, "", "");
        w.sample("a.b", Labels.of("c.d", "x", "ok", "y"), 1);
        w.finish();
        return w.contentType() + "\n" + out;
    }
}
