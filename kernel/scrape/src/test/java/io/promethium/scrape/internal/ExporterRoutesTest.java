package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.testing.RoutesServer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An exporter's page over HTTP ({@code /exporters/<name>/metrics}) in the format the scraper asks
 * for, negotiated as the server's own {@code /metrics}: text by default, delimited protobuf when
 * asked for first (a Prometheus with native histograms), with the scraper's {@code escaping=}.
 */
class ExporterRoutesTest {

    private static final Exporter NODE = new Exporter() {
        @Override
        public String name() {
            return "node";
        }

        @Override
        public void collect(MetricWriter writer) {
            writer.family("node_load1", MetricType.GAUGE, "1m load average.", "");
            writer.sample("node_load1", Labels.EMPTY, 0.5);
            writer.family("node_cpu_seconds", MetricType.COUNTER, "CPU time.", "");
            writer.sample("node_cpu_seconds_total", Labels.of("cpu", "0", "mode.kind", "idle"), 123.25);
        }
    };

    @Test
    void theExporterPageIsProtobufWhenAskedForFirstAndTextOtherwise() throws Exception {
        Exporters exporters = new Exporters();
        exporters.add(NODE);
        ExporterRoutes routes = new ExporterRoutes(exporters);
        HttpRoutes http = new HttpRoutes() {
            @Override
            public String pathPrefix() {
                return Exporters.PATH_PREFIX;
            }

            @Override
            public void handle(HttpExchange exchange) throws java.io.IOException {
                routes.handle(exchange);
            }
        };
        try (RoutesServer server = new RoutesServer(http); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> proto = client.send(HttpRequest.newBuilder(server.uri("/exporters/node/metrics"))
                    .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                            + "text/plain;version=0.0.4;q=0.5").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(proto.headers().firstValue("Content-Type")).hasValue(
                    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores");
            assertThat(series(ExpositionFormat.PROMETHEUS_PROTO, proto.body())).containsExactly(
                    "node_load1 0.5", "{__name__=\"node_cpu_seconds_total\", cpu=\"0\", mode_kind=\"idle\"} 123.25");

            HttpResponse<byte[]> utf8 = client.send(HttpRequest.newBuilder(server.uri("/exporters/node/metrics"))
                    .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
                            + "escaping=allow-utf-8").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(series(ExpositionFormat.PROMETHEUS_PROTO, utf8.body()))
                    .contains("{__name__=\"node_cpu_seconds_total\", cpu=\"0\", mode.kind=\"idle\"} 123.25");

            HttpResponse<byte[]> text = client.send(HttpRequest.newBuilder(server.uri("/exporters/node/metrics")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(series(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, text.body())).containsExactly(
                    "node_load1 0.5", "{__name__=\"node_cpu_seconds_total\", cpu=\"0\", mode_kind=\"idle\"} 123.25");
        }
    }

    private static List<String> series(ExpositionFormat format, byte[] page) throws Exception {
        ExpositionParser p = format.newParser(page, 0, page.length);
        List<String> out = new ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES) {
                Labels.Builder b = Labels.builder();
                p.labels(b);
                Labels l = b.build();
                out.add((l.size() == 1 ? l.metricName() : l.toString()) + " " + p.value());
            }
        }
        return out;
    }
}
