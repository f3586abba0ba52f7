package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The protobuf format written from a collector's samples, as a server's {@code /metrics} answers a
 * Prometheus that asks for it: the protobuf parser (Prometheus's rules) reads back exactly the
 * series and values the text format gives for the same samples, each family with its type.
 */
class ProtobufExpositionWriterTest {

    /** Every family shape a collector writes. */
    private static void everyShape(ExpositionWriter w) {
        w.family("http_requests", MetricType.COUNTER, "Requests served.", "");
        w.sample("http_requests_total", Labels.of("code", "200"), 1027);
        w.sample("http_requests_total", Labels.of("code", "500"), 3);
        w.family("temperature_celsius", MetricType.GAUGE, "Temperature.", "celsius");
        w.sample("temperature_celsius", Labels.EMPTY, -3.5);
        w.family("rpc_duration_seconds", MetricType.SUMMARY, "RPC durations.", "");
        for (String method : List.of("get", "put")) {
            Labels l = Labels.of("method", method);
            w.sample("rpc_duration_seconds", l.toBuilder().set("quantile", "0.5").build(), 0.25);
            w.sample("rpc_duration_seconds", l.toBuilder().set("quantile", "0.99").build(), 1.5);
            w.sample("rpc_duration_seconds_sum", l, 120.5);
            w.sample("rpc_duration_seconds_count", l, 400);
        }
        w.family("request_size_bytes", MetricType.HISTOGRAM, "Request sizes.", "bytes");
        Labels h = Labels.of("path", "/api");
        w.sample("request_size_bytes_bucket", h.toBuilder().set("le", "100").build(), 3);
        w.sample("request_size_bytes_bucket", h.toBuilder().set("le", "1000").build(), 7);
        w.sample("request_size_bytes_bucket", h.toBuilder().set("le", "+Inf").build(), 9);
        w.sample("request_size_bytes_sum", h, 5120);
        w.sample("request_size_bytes_count", h, 9);
        w.family("queue_items", MetricType.UNKNOWN, "", "");
        w.sample("queue_items", Labels.of("q", "a"), 12, 1_700_000_000_123L);
        // A sample that does not fit its family's shape: written on its own, not dropped.
        w.family("odd", MetricType.GAUGE, "", "");
        w.sample("odd_extra", Labels.EMPTY, 5);
    }

    private static byte[] protobuf(NameEscaping escaping, Consumer<ExpositionWriter> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionWriter w = ExpositionFormat.PROMETHEUS_PROTO.newWriter(out, escaping);
        body.accept(w);
        w.finish();
        return out.toByteArray();
    }

    private static Map<Labels, Double> series(ExpositionParser parser) throws ExpositionException {
        Map<Labels, Double> out = new LinkedHashMap<>();
        for (ParsedPage.Sample s : ParsedPage.parse(parser).samples()) {
            out.put(s.labels(), s.value());
        }
        return out;
    }

    @Test
    void everyFamilyShapeReadsBackAsTheTextFormatsSamplesWithItsType() throws Exception {
        byte[] page = protobuf(null, ProtobufExpositionWriterTest::everyShape);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ExpositionWriter t = ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newWriter(text, null);
        everyShape(t);
        t.finish();
        byte[] textPage = text.toByteArray();

        Map<Labels, Double> fromProtobuf = series(ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length));
        Map<Labels, Double> fromText = series(ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newParser(textPage, 0, textPage.length));
        assertThat(fromProtobuf).hasSize(18).containsExactlyInAnyOrderEntriesOf(fromText);

        ParsedPage parsed = ParsedPage.parse(ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length));
        Map<String, MetricType> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        for (ParsedPage.Meta m : parsed.metadata()) {
            if (m.entry() == ExpositionParser.Entry.TYPE) {
                types.put(m.name(), m.type());
            } else if (m.entry() == ExpositionParser.Entry.HELP) {
                help.put(m.name(), m.text());
            }
        }
        assertThat(types).containsExactly(Map.entry("http_requests_total", MetricType.COUNTER),
                Map.entry("temperature_celsius", MetricType.GAUGE), Map.entry("rpc_duration_seconds", MetricType.SUMMARY),
                Map.entry("request_size_bytes", MetricType.HISTOGRAM), Map.entry("queue_items", MetricType.UNKNOWN),
                Map.entry("odd_extra", MetricType.UNKNOWN));
        assertThat(help).containsEntry("http_requests_total", "Requests served.").containsEntry("request_size_bytes", "Request sizes.");
        assertThat(parsed.samples().stream().filter(s -> s.labels().metricName().equals("queue_items")).findFirst().orElseThrow().timestamp())
                .isEqualTo(1_700_000_000_123L);
    }

    @Test
    void createdTimestampsAndExemplarsGoInTheMessagesFields() throws Exception {
        Exemplar exemplar = new Exemplar(Labels.of("trace_id", "abc"), 1, 1_700_000_000_250L, true);
        byte[] page = protobuf(null, w -> {
            w.family("jobs", MetricType.COUNTER, "", "");
            w.sample("jobs_total", Labels.EMPTY, 5, false, 0, exemplar);
            w.sample("jobs_created", Labels.EMPTY, 1_700_000_000.5);
        });
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length);
        List<String> seen = new ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES) {
                seen.add(p.metricName() + " " + p.value() + " created=" + p.createdTimestamp() + " exemplar="
                        + (p.hasExemplar() ? p.exemplar().labels().get("trace_id") + "@" + p.exemplar().timestamp() : "none"));
            }
        }
        assertThat(seen).containsExactly("jobs_total 5.0 created=1700000000500 exemplar=abc@1700000000250");
    }

    @Test
    void utf8NamesAreQuotedOrEscapedAsTheNegotiatedSchemeSays() throws Exception {
        Consumer<ExpositionWriter> body = w -> {
            w.family("my.metric", MetricType.GAUGE, "", "");
            w.sample("my.metric", Labels.of("a.b", "x"), 1);
        };
        byte[] utf8 = protobuf(NameEscaping.ALLOW_UTF8, body);
        assertThat(series(ExpositionFormat.PROMETHEUS_PROTO.newParser(utf8, 0, utf8.length)))
                .containsOnlyKeys(Labels.of("__name__", "my.metric", "a.b", "x"));
        byte[] escaped = protobuf(null, body);
        assertThat(series(ExpositionFormat.PROMETHEUS_PROTO.newParser(escaped, 0, escaped.length)))
                .containsOnlyKeys(Labels.of("__name__", "my_metric", "a_b", "x"));
        assertThat(ExpositionFormat.PROMETHEUS_PROTO.newWriter(new ByteArrayOutputStream(), null).contentType())
                .isEqualTo(ExpositionFormat.PROMETHEUS_PROTO.contentType(null))
                .isEqualTo("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores");
        assertThat(ExpositionFormat.PROMETHEUS_PROTO.contentType(NameEscaping.ALLOW_UTF8)).endsWith("; escaping=allow-utf-8");
    }

    @Test
    void protobufIsAnsweredWhenAskedForFirstAsPrometheusWithNativeHistogramsAsks() {
        // Prometheus 2.42's scrape Accept header with --enable-feature=native-histograms.
        String withNativeHistograms = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertThat(ExpositionFormats.writerFor(withNativeHistograms)).isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        assertThat(ExpositionFormats.escapingFor(withNativeHistograms)).isNull();
        // Prometheus 3's header with PrometheusProto first in scrape_protocols.
        String prometheus3 = ExpositionFormats.acceptHeader(List.of("PrometheusProto", "OpenMetricsText1.0.0", "PrometheusText0.0.4"));
        assertThat(ExpositionFormats.writerFor(prometheus3)).isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        assertThat(ExpositionFormats.writerFor(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        assertThat(ExpositionFormats.escapingFor(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8"))
                .isEqualTo(NameEscaping.ALLOW_UTF8);
        // Weighed below text, or not delimited, or another message: not protobuf.
        assertThat(ExpositionFormats.writerFor("text/plain;version=0.0.4;q=0.9,"
                + "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        assertThat(ExpositionFormats.writerFor("application/vnd.google.protobuf;proto=other.Message;encoding=delimited"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        // Prometheus's default header (no protobuf): OpenMetrics, as before.
        assertThat(ExpositionFormats.writerFor(ExpositionFormats.acceptHeader(ExpositionFormats.DEFAULT_SCRAPE_PROTOCOLS)))
                .isEqualTo(ExpositionFormat.OPENMETRICS_TEXT_1_0_0);
    }

    @Test
    void theTextFormatsOverBytesWriteWhatTheyWriteOverCharacters() {
        for (ExpositionFormat format : ExpositionFormat.values()) {
            if (format == ExpositionFormat.PROMETHEUS_PROTO) {
                continue;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ExpositionWriter overBytes = format.newWriter(bytes, null);
            everyShape(overBytes);
            overBytes.finish();
            java.io.StringWriter chars = new java.io.StringWriter();
            ExpositionWriter overChars = format.newWriter(chars);
            everyShape(overChars);
            overChars.finish();
            assertThat(bytes.toString(StandardCharsets.UTF_8)).as(format.protocol()).isEqualTo(chars.toString());
            assertThat(overBytes.contentType()).isEqualTo(format.contentType(null));
        }
    }
}
