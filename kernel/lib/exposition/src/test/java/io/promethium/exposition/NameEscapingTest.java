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
