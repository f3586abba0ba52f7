package io.promethium.tracing.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A loopback stand-in for an OpenTelemetry Collector's OTLP trace receiver (Debian packages no
 * collector): OTLP/HTTP ({@code POST /v1/traces}, protobuf {@code ExportTraceServiceRequest},
 * optionally gzip, answered with an empty {@code ExportTraceServiceResponse}) or OTLP/gRPC over
 * plain-text HTTP/2 ({@code TraceService/Export}, length-prefixed messages, {@code grpc-status}
 * trailer), shaped as the OTLP specification describes them. It records each request's headers
 * and decoded message.
 */
public final class OtlpStandIn implements AutoCloseable {

    /** One export as received: headers (lower-case names) and the decoded message. */
    public record Export(Map<String, String> headers, ExportTraceServiceRequest request) {
        public List<Span> spans() {
            List<Span> out = new ArrayList<>();
            for (ResourceSpans rs : request.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    out.addAll(ss.getSpansList());
                }
            }
            return out;
        }

        /** A resource attribute of the first resource ({@code service.name}). */
        public String resource(String key) {
            for (KeyValue kv : request.getResourceSpans(0).getResource().getAttributesList()) {
                if (kv.getKey().equals(key)) {
                    return kv.getValue().getStringValue();
                }
            }
            return null;
        }
    }

    private final List<Export> exports = new CopyOnWriteArrayList<>();
    private final HttpServer http;
    private final Server grpc;
    private final int port;

    private OtlpStandIn(boolean grpcServer) throws Exception {
        if (grpcServer) {
            http = null;
            grpc = new Server();
            ServerConnector connector = new ServerConnector(grpc, new HTTP2CServerConnectionFactory(new HttpConfiguration()));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            grpc.addConnector(connector);
            grpc.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    byte[] body = Content.Source.asInputStream(request).readAllBytes();
                    Map<String, String> headers = headers(request.getHeaders());
                    ByteBuffer frame = ByteBuffer.wrap(body);
                    boolean compressed = frame.get() == 1;
                    byte[] message = new byte[frame.getInt()];
                    frame.get(message);
                    if (compressed) {
                        message = gunzip(message);
                    }
                    exports.add(new Export(headers, ExportTraceServiceRequest.parseFrom(message)));
                    byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                    ByteBuffer out = ByteBuffer.allocate(5 + answer.length).put((byte) 0).putInt(answer.length).put(answer).flip();
                    response.setStatus(200);
                    response.getHeaders().put("content-type", "application/grpc");
                    response.setTrailersSupplier(() -> HttpFields.build().put("grpc-status", "0"));
                    response.write(true, out, callback);
                    return true;
                }
            });
            grpc.start();
            port = connector.getLocalPort();
        } else {
            grpc = null;
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/v1/traces", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                Map<String, String> headers = new TreeMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
                if ("gzip".equals(headers.get("content-encoding"))) {
                    body = gunzip(body);
                }
                exports.add(new Export(headers, ExportTraceServiceRequest.parseFrom(body)));
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                ex.getResponseBody().write(answer);
                ex.close();
            });
            http.start();
            port = http.getAddress().getPort();
        }
    }

    /** An OTLP/HTTP receiver on a free loopback port. */
    public static OtlpStandIn http() throws Exception {
        return new OtlpStandIn(false);
    }

    /** An OTLP/gRPC receiver (plain-text HTTP/2) on a free loopback port. */
    public static OtlpStandIn grpc() throws Exception {
        return new OtlpStandIn(true);
    }

    /** {@code 127.0.0.1:port}, the {@code endpoint} of a {@code tracing:} section. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public List<Export> exports() {
        return List.copyOf(exports);
    }

    public List<Span> spans() {
        List<Span> out = new ArrayList<>();
        exports.forEach(e -> out.addAll(e.spans()));
        return out;
    }

    /** Waits until at least {@code count} spans arrived (or the time is up) and returns them all. */
    public List<Span> awaitSpans(int count, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (spans().size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return spans();
    }

    private static Map<String, String> headers(HttpFields fields) {
        Map<String, String> out = new TreeMap<>();
        fields.forEach(f -> out.put(f.getLowerCaseName(), f.getValue()));
        return out;
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (grpc != null) {
            grpc.stop();
        }
    }
}
