package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The tracing bundle in the assembled server (its embedded OpenTelemetry SDK resolved in OSGi):
 * {@code check config} accepts a {@code tracing:} section, and the running server exports the
 * spans of an API query over OTLP/HTTP to a loopback stand-in receiver (shaped per the OTLP
 * specification: {@code POST /v1/traces}, protobuf; no collector is packaged), whose protobuf
 * strings (span names, {@code service.name}) are checked in the raw bytes.
 */
class TracingIT {

    @Test
    void theServerSendsTheSpansOfAnApiQueryOverOtlp() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = gunzip(body);
            }
            bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + "\n" + new String(body, StandardCharsets.ISO_8859_1));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("""
                    global:
                      scrape_interval: 1h
                    tracing:
                      client_type: http
                      endpoint: 127.0.0.1:%d
                      insecure: true
                      compression: gzip
                      sampling_fraction: 1
                    """.formatted(receiver.getAddress().getPort()));
            ServerProcess.Result check = server.runToCompletion("check", "config", "conf/prometheus.yml");
            assertThat(check.exitCode()).as(check.output()).isZero();
            server.start().awaitReady();
            assertThat(server.get("/api/v1/query?query=vector(1)").statusCode()).isEqualTo(200);
            // The batch is sent within the SDK's 5 s schedule delay.
            server.await(Duration.ofSeconds(30), () -> String.join("", bodies).contains("promqlExec"), "the query's span at the receiver");
            String all = String.join("", bodies);
            assertThat(all).contains("application/x-protobuf").contains("GET /api/v1/query").contains("prometheus");
        } finally {
            receiver.stop(0);
        }
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
