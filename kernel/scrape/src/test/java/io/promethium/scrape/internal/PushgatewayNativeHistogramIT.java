package io.promethium.scrape.internal;

import static io.promethium.testsupport.ProtoWriter.exemplar;
import static io.promethium.testsupport.ProtoWriter.label;
import static io.promethium.testsupport.ProtoWriter.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.ExpositionParser;
import io.promethium.exposition.HistogramOptions;
import io.promethium.exposition.ParseMode;
import io.promethium.testsupport.Peers;
import io.promethium.testsupport.ProtoWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code prometheus-pushgateway} (a Go program serving client_golang's protobuf): a native
 * histogram pushed to it as protobuf comes back from its {@code /metrics} in protobuf, and this
 * parser reads the histogram the Go side re-encoded, buckets, schema and exemplar included.
 */
class PushgatewayNativeHistogramIT {
    static final String PROTO = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private static Process gateway;
    private static URI base;
    private static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path binary = Peers.require("prometheus-pushgateway");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        gateway = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        base = URI.create("http://127.0.0.1:" + port);
        for (int i = 0; i < 100; i++) {
            try {
                if (client.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus-pushgateway did not start");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nativeHistogramPushedThroughTheGoPushgatewayReadsBackEqual() throws Exception {
        byte[] family = new ProtoWriter().string(1, "rpc_latency_seconds").string(2, "RPC latency.").varint(3, 4)
                .message(4, new ProtoWriter().message(1, label("method", "get"))
                        .message(7, new ProtoWriter().varint(1, 10).dbl(2, 4.5)
                                .sint(5, 2).dbl(6, 0.001).varint(7, 2)
                                .message(12, span(-1, 2)).message(12, span(3, 1)).packedSint(13, 3, 1, -3)
                                .message(16, exemplar("abc", 0.9, 1_700_000_000, 0))))
                .delimited();
        HttpResponse<String> push = client.send(HttpRequest.newBuilder(base.resolve("/metrics/job/native"))
                .header("Content-Type", PROTO).PUT(HttpRequest.BodyPublishers.ofByteArray(family)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(push.statusCode()).as(push.body()).isBetween(200, 299);

        HttpResponse<byte[]> page = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .header("Accept", ExpositionFormats.acceptHeader(java.util.List.of("PrometheusProto"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        ExpositionFormat format = ExpositionFormats.parserFor(page.headers().firstValue("Content-Type").orElse(""), null).format();
        assertThat(format).isEqualTo(ExpositionFormat.PROMETHEUS_PROTO);
        ExpositionParser p = format.newParser(page.body(), 0, page.body().length, ParseMode.LENIENT, new HistogramOptions(true, false, 0, 0));
        Histogram found = null;
        int exemplars = 0;
        for (ExpositionParser.Entry e; (e = p.next()) != ExpositionParser.Entry.EOF; ) {
            if (e == ExpositionParser.Entry.HISTOGRAM && p.metricName().equals("rpc_latency_seconds")) {
                found = p.histogram().copy();
                exemplars = p.histogramExemplars().size();
            }
        }
        assertThat(found).as("the native histogram on the pushgateway's protobuf page").isNotNull();
        found.validate();
        assertThat(found.schema()).isEqualTo(2);
        assertThat(found.count()).isEqualTo(10);
        assertThat(found.zeroCount()).isEqualTo(2);
        assertThat(found.positiveSpans()).isEqualTo(HistogramSpans.pairs(-1, 2, 3, 1));
        assertThat(found.positiveDeltas()).containsExactly(3, 1, -3);
        assertThat(exemplars).isEqualTo(1);
    }
}
