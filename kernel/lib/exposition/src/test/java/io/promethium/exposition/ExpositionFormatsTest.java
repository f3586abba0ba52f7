package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpositionFormatsTest {

    @Test
    void defaultAcceptHeaderMatchesPrometheus3() {
        assertThat(ExpositionFormats.acceptHeader(ExpositionFormats.DEFAULT_SCRAPE_PROTOCOLS)).isEqualTo(
                "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                        + "application/openmetrics-text;version=0.0.1;q=0.5,"
                        + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                        + "text/plain;version=0.0.4;q=0.3,"
                        + "*/*;q=0.2");
    }

    @Test
    void acceptHeaderFollowsTheConfiguredOrderWithProtobufAsPrometheusAsksForIt() {
        assertThat(ExpositionFormats.acceptHeader(List.of("PrometheusProto", "PrometheusText0.0.4", "OpenMetricsText1.0.0"),
                "underscores")).isEqualTo(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
                        + "text/plain;version=0.0.4;q=0.5,"
                        + "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.4,"
                        + "*/*;q=0.3");
    }

    @Test
    void acceptHeaderRejectsUnknownAndRepeatedProtocols() {
        assertThatThrownBy(() -> ExpositionFormats.acceptHeader(List.of("PrometheusText9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown scrape protocol \"PrometheusText9\"");
        assertThatThrownBy(() -> ExpositionFormats.acceptHeader(List.of("PrometheusText0.0.4", "PrometheusText0.0.4")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicated");
        assertThatThrownBy(() -> ExpositionFormats.acceptHeader(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parserIsChosenByContentType() {
        assertThat(ExpositionFormats.parserFor("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(ExpositionFormats.parserFor("application/openmetrics-text;version=0.0.1"))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_0_0_1);
        assertThat(ExpositionFormats.parserFor("Application/OpenMetrics-Text")).isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(ExpositionFormats.parserFor("text/plain; version=0.0.4")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.parserFor("text/plain;version=1.0.0;escaping=allow-utf-8"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_1_0_0);
        assertThat(ExpositionFormats.parserFor("text/plain")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    }

    @Test
    void blankUnknownOrBrokenContentTypesFallBackToText004() {
        assertThat(ExpositionFormats.parserFor("")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.parserFor(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.parserFor("application/json")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.parserFor("garbage")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    }

    @Test
    void fallbackScrapeProtocolSemantics() throws Exception {
        ExpositionFormats.Negotiated fallback = ExpositionFormats.parserFor("application/json", ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(fallback.format()).isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(fallback.isFallback()).isTrue();
        assertThat(fallback.warning()).contains("unsupported Content-Type \"application/json\"", "OpenMetricsText1.0.0");

        ExpositionFormats.Negotiated recognised = ExpositionFormats.parserFor("text/plain", ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(recognised.format()).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(recognised.isFallback()).isFalse();

        assertThatThrownBy(() -> ExpositionFormats.parserFor("", null))
                .isInstanceOf(ExpositionException.class).hasMessageContaining("blank Content-Type and no fallback_scrape_protocol");
        assertThat(ExpositionFormats.parserFor(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", null).format())
                .isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        assertThatThrownBy(() -> ExpositionFormats.parserFor("application/vnd.google.protobuf; proto=other.Message", null))
                .isInstanceOf(ExpositionException.class).hasMessageContaining("protobuf");
    }

    @Test
    void writerIsChosenByAcceptHeader() {
        assertThat(ExpositionFormats.writerFor(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("*/*")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor(ExpositionFormats.acceptHeader(ExpositionFormats.DEFAULT_SCRAPE_PROTOCOLS)))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(ExpositionFormats.writerFor("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("application/openmetrics-text; version=0.0.1"))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_0_0_1);
        assertThat(ExpositionFormats.writerFor("application/openmetrics-text;version=2.0.0,text/plain;q=0.1"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("application/openmetrics-text;q=0")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    }

    @Test
    void formatsKnowTheirProtocolNamesAndContentTypes() {
        assertThat(ExpositionFormat.fromProtocol("OpenMetricsText1.0.0")).isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
        assertThat(ExpositionFormat.PROMETHEUS_TEXT_0_0_4.contentType()).isEqualTo(TextFormatWriter.CONTENT_TYPE);
        assertThat(ExpositionFormat.OPENMETRICS_TEXT_1_0_0.contentType()).isEqualTo(OpenMetricsWriter.CONTENT_TYPE);
        for (ExpositionFormat format : ExpositionFormat.values()) {
            if (format != ExpositionFormat.PROMETHEUS_PROTO) {
                assertThat(format.newWriter(new java.io.StringWriter()).contentType()).isEqualTo(format.contentType());
            }
        }
        assertThat(ExpositionFormat.fromProtocol("PrometheusProto")).isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        assertThatThrownBy(() -> ExpositionFormat.PROMETHEUS_PROTO.newWriter(new java.io.StringWriter()))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
