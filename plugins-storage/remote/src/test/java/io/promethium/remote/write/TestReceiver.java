package io.promethium.remote.write;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.remote.wire.HistogramSamples;
import io.promethium.remote.wire.ProtoReader;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import io.promethium.remote.wire.WriteV2Decoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A remote write receiver on loopback for the queue's tests: decodes with the shared wire codec
 * and records every sample, and can be told to misbehave (answer a status, hang, answer
 * garbage) to check how the queue copes.
 */
final class TestReceiver implements AutoCloseable {
    /** How the receiver answers. */
    enum Mode { OK, STATUS, HANG, GARBAGE }

    record Received(Labels labels, long t, double v) {
    }

    record ReceivedHistogram(Labels labels, long t, Object histogram) {
    }

    final ConcurrentLinkedQueue<Received> samples = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> metadata = new ConcurrentLinkedQueue<>();
    /** Native histogram samples received: series labels, timestamp and a copy of the api object. */
    final ConcurrentLinkedQueue<ReceivedHistogram> histograms = new ConcurrentLinkedQueue<>();
    /** Exemplars received, as "series labels exemplar labels value@timestamp". */
    final ConcurrentLinkedQueue<String> exemplars = new ConcurrentLinkedQueue<>();
    /** Per accepted request with samples: its TimeSeries count and sample count. */
    final ConcurrentLinkedQueue<int[]> shapes = new ConcurrentLinkedQueue<>();
    final ConcurrentHashMap<String, String> headers = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
    volatile int status = 503;
    /** The {@code Retry-After} header of a STATUS answer, or null for none. */
    volatile String retryAfter;
    /**
     * When set, a request holding a series with this {@code s} label value is answered 400 after
     * the rest of it is recorded, as Prometheus's receiver answers a batch with an out-of-order sample.
     */
    volatile String refuseSeries;
    /** When each request arrived ({@link System#nanoTime()}). */
    final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    volatile long delayMillis;
    private final HttpServer server;

    TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/write", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
    }

    private void handle(HttpExchange exchange) throws IOException {
        // The mode when the request arrives: a test that switches modes must not see a request sent before the switch answered after it.
        Mode arrived = mode.get();
        requests.incrementAndGet();
        arrivals.add(System.nanoTime());
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        switch (arrived) {
            case STATUS -> {
                if (retryAfter != null) {
                    exchange.getResponseHeaders().add("Retry-After", retryAfter);
                }
                reply(exchange, status, "refused on purpose");
                return;
            }
            case HANG -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            case GARBAGE -> {
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                reply(exchange, 502, "<html>\u0000\u0001 bad gateway garbage");
                return;
            }
            default -> {
            }
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.contains("proto=io.prometheus.write.v2.Request")) {
            handleV2(exchange, body);
            return;
        }
        try {
            byte[] raw = Snappy.decode(body, body.length, 64 << 20);
            List<Received> got = new ArrayList<>();
            int[] shape = new int[2];
            List<ReceivedHistogram> gotHistograms = new ArrayList<>();
            new WriteRequestDecoder().decode(raw, raw.length, new WriteRequestDecoder.Sink() {
                @Override
                public void histograms(Labels labels, HistogramSamples h) {
                    for (int i = 0; i < h.size(); i++) {
                        gotHistograms.add(new ReceivedHistogram(labels, h.timestamp(i),
                                h.isFloat(i) ? h.floatHistogram(i).copy() : h.histogram(i).copy()));
                    }
                }

                @Override
                public void series(Labels labels, long[] ts, double[] vs, int n, Exemplar[] ex, int exN) {
                    shape[0]++;
                    shape[1] += n;
                    for (int i = 0; i < n; i++) {
                        got.add(new Received(labels, ts[i], vs[i]));
                    }
                    for (int i = 0; i < exN; i++) {
                        exemplars.add(labels + " " + ex[i].labels() + " " + ex[i].value() + "@" + ex[i].timestamp());
                    }
                }
            });
            if (shape[0] > 0) {
                shapes.add(shape);
            }
            ProtoReader r = new ProtoReader(raw, 0, raw.length);
            while (r.hasMore()) {
                int tag = r.tag();
                if (tag == (3 << 3 | 2)) {
                    int end = r.lengthDelimitedEnd();
                    ProtoReader m = new ProtoReader(raw, r.position(), end);
                    StringBuilder sb = new StringBuilder();
                    while (m.hasMore()) {
                        int t = m.tag();
                        switch (t) {
                            case 1 << 3 -> sb.append("type=").append(m.varint()).append(' ');
                            case 2 << 3 | 2 -> sb.append("name=").append(m.string()).append(' ');
                            case 4 << 3 | 2 -> sb.append("help=").append(m.string()).append(' ');
                            case 5 << 3 | 2 -> sb.append("unit=").append(m.string()).append(' ');
                            default -> m.skip(t);
                        }
                    }
                    metadata.add(sb.toString().strip());
                    r.position(end);
                } else {
                    r.skip(tag);
                }
            }
            String refuse = refuseSeries;
            if (refuse != null && got.stream().anyMatch(x -> refuse.equals(x.labels().get("s")))) {
                got.removeIf(x -> refuse.equals(x.labels().get("s")));
                samples.addAll(got);
                reply(exchange, 400, "out of order sample for series s=" + refuse);
                return;
            }
            samples.addAll(got);
            histograms.addAll(gotHistograms);
            reply(exchange, 204, "");
        } catch (Exception e) {
            reply(exchange, 400, e.getMessage());
        }
    }

    /** Remote write 2.0 series received: labels, metadata, and the kind of what it carried ("samples"/"histograms"). */
    final ConcurrentLinkedQueue<String> v2Series = new ConcurrentLinkedQueue<>();
    /** Remote write 2.0: the created timestamp of the TimeSeries that carried each sample, by {@code labels + "@" + t}. */
    final java.util.Map<String, Long> createdOf = new java.util.concurrent.ConcurrentHashMap<>();
    /** Remote write 2.0: each request body as received, unpacked, for decoding by another decoder. */
    final ConcurrentLinkedQueue<byte[]> v2Bodies = new ConcurrentLinkedQueue<>();
    /** How many samples fewer than received the 2.0 answer claims written (a partial write). */
    volatile int v2Shortfall;

    /** Decodes as the specification says and answers with the written counts. */
    private void handleV2(HttpExchange exchange, byte[] body) throws IOException {
        try {
            byte[] raw = Snappy.decode(body, body.length, 64 << 20);
            v2Bodies.add(raw);
            List<Received> got = new ArrayList<>();
            List<ReceivedHistogram> gotHistograms = new ArrayList<>();
            long[] exemplarCount = new long[1];
            new WriteV2Decoder().decode(raw, raw.length, (labels, ts, vs, n, hs, ex, exN, md, created) -> {
                for (int i = 0; i < n; i++) {
                    got.add(new Received(labels, ts[i], vs[i]));
                    createdOf.put(labels + "@" + ts[i], created);
                }
                for (int i = 0; i < hs.size(); i++) {
                    createdOf.put(labels + "@" + hs.timestamp(i), created);
                    gotHistograms.add(new ReceivedHistogram(labels, hs.timestamp(i),
                            hs.isFloat(i) ? hs.floatHistogram(i).copy() : hs.histogram(i).copy()));
                }
                for (int i = 0; i < exN; i++) {
                    exemplars.add(labels + " " + ex[i].labels() + " " + ex[i].value() + "@" + ex[i].timestamp());
                }
                exemplarCount[0] += exN;
                v2Series.add(labels + " " + md + " " + (n > 0 ? "samples" : "histograms"));
            });
            samples.addAll(got);
            histograms.addAll(gotHistograms);
            exchange.getResponseHeaders().add("X-Prometheus-Remote-Write-Samples-Written", Long.toString(Math.max(0, got.size() - v2Shortfall)));
            exchange.getResponseHeaders().add("X-Prometheus-Remote-Write-Histograms-Written", Integer.toString(gotHistograms.size()));
            exchange.getResponseHeaders().add("X-Prometheus-Remote-Write-Exemplars-Written", Long.toString(exemplarCount[0]));
            reply(exchange, 204, "");
        } catch (Exception e) {
            reply(exchange, 400, e.getMessage());
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            exchange.getResponseBody().write(b);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
