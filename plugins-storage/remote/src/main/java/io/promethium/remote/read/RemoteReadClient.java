package io.promethium.remote.read;

import io.promethium.api.config.ConfigException;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import io.promethium.remote.http.HttpSpans;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import io.promethium.remote.wire.HistogramSamples;
import io.promethium.remote.wire.ReadClientCodec;
import io.promethium.remote.wire.Snappy;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Asks one remote read endpoint: one request per select, accepting streamed XOR chunks (decoded
 * frame by frame, never buffered whole) or sampled responses. Responses are bounded: a sampled
 * body past {@link #MAX_BODY_BYTES}, a frame past {@link #MAX_FRAME_BYTES}, or more than
 * {@link #MAX_SAMPLES} samples fail the read with a message instead of exhausting memory.
 */
final class RemoteReadClient implements AutoCloseable {
    static final int MAX_BODY_BYTES = 256 << 20;
    static final int MAX_FRAME_BYTES = 64 << 20;
    static final long MAX_SAMPLES = 50_000_000L;

    /**
     * One series as received: labels and its samples in time order; {@code histograms} null, or
     * holding at each index a copy of that sample's {@code Histogram}/{@code FloatHistogram}
     * (null where the sample is a float).
     */
    record SeriesData(Labels labels, long[] timestamps, double[] values, Object[] histograms) {
        SeriesData(Labels labels, long[] timestamps, double[] values) {
            this(labels, timestamps, values, null);
        }
    }

    /** Receives series as they are decoded. */
    interface Sink {
        void series(Labels labels, long[] timestamps, double[] values, int count);

        /** A series' native histogram samples (sampled responses); the objects are reused: copy them. */
        void histograms(Labels labels, HistogramSamples histograms);
    }

    private final RemoteReadSettings settings;
    private final ConfiguredHttpClient client;
    private final String userAgent;
    private final Supplier<Tracer> tracer;

    /** Builds the entry's client with the kernel's HTTP client factory (TLS, credentials, proxy, http_headers). */
    RemoteReadClient(RemoteReadSettings settings, String userAgent) throws ConfigException {
        this(settings, userAgent, () -> Tracer.NONE);
    }

    /** @param tracer the tracer bound now ({@link Tracer#NONE} when none), read once per request */
    RemoteReadClient(RemoteReadSettings settings, String userAgent, Supplier<Tracer> tracer) throws ConfigException {
        this.tracer = tracer;
        this.settings = settings;
        this.userAgent = userAgent;
        this.client = settings.http().create();
    }

    RemoteReadSettings settings() {
        return settings;
    }

    /**
     * Runs one query; the sink sees every series of the answer. Traced as Prometheus's client: a
     * {@code Remote Read} client span (a child of the query's span on this thread) > the
     * transport's {@code HTTP POST}, whose {@code traceparent} the request carries.
     */
    void read(ReadClientCodec.Query query, Sink sink) throws IOException, InterruptedException {
        Tracer t = tracer.get();
        try (Span read = t.startClient("Remote Read"); Span http = t.startClient(HttpSpans.POST)) {
            HttpSpans.request(http, settings.url());
            int[] status = {0};
            try {
                read(query, sink, http, status);
                HttpSpans.response(http, status[0], "");
            } catch (IOException e) {
                // A transport error, an error status or an unreadable answer: the transport span failed.
                if (status[0] > 0) {
                    http.attribute("http.response.status_code", status[0]);
                }
                http.error(e.getMessage());
                throw e;
            }
        }
    }

    private void read(ReadClientCodec.Query query, Sink sink, Span span, int[] status) throws IOException, InterruptedException {
        byte[] raw = ReadClientCodec.encodeRequest(List.of(query), true);
        byte[] body = Snappy.encode(raw, raw.length);
        String unsendable = io.promethium.remote.http.GoUrl.unsendable("Post", settings.url());
        if (unsendable != null) {
            throw new IOException(unsendable);
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(settings.url())
                .timeout(settings.remoteTimeout())
                .header("Content-Encoding", "snappy")
                .header("Accept-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("User-Agent", userAgent)
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : settings.headers().entrySet()) {
            r.header(h.getKey(), h.getValue());
        }
        span.injectContext(r::setHeader);
        HttpResponse<InputStream> response;
        try {
            response = client.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("remote_read " + settings.displayName() + ": context deadline exceeded (remote_timeout "
                    + settings.remoteTimeout().toMillis() + "ms)", e);
        }
        status[0] = response.statusCode();
        long[] samples = {0};
        ReadClientCodec.SeriesSink counting = new ReadClientCodec.SeriesSink() {
            @Override
            public void series(int index, Labels labels, long[] ts, double[] vs, int n) throws ProtoException {
                count(n);
                sink.series(labels, ts, vs, n);
            }

            @Override
            public void histograms(int index, Labels labels, HistogramSamples histograms) throws ProtoException {
                count(histograms.size());
                sink.histograms(labels, histograms);
            }

            private void count(int n) throws ProtoException {
                samples[0] += n;
                if (samples[0] > MAX_SAMPLES) {
                    throw new ProtoException("the response has more than " + MAX_SAMPLES + " samples");
                }
            }
        };
        try (InputStream in = response.body()) {
            if (response.statusCode() / 100 != 2) {
                String text = new String(in.readNBytes(1024), StandardCharsets.UTF_8).strip();
                throw new IOException("remote_read " + settings.displayName() + ": remote server " + settings.url()
                        + " returned HTTP status " + response.statusCode() + ": " + text);
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/x-streamed-protobuf")) {
                ReadClientCodec.decodeStreamed(in, MAX_FRAME_BYTES, counting);
            } else {
                byte[] compressed = in.readNBytes(MAX_BODY_BYTES + 1);
                if (compressed.length > MAX_BODY_BYTES) {
                    throw new IOException("remote_read " + settings.displayName() + ": response larger than " + MAX_BODY_BYTES + " bytes");
                }
                byte[] decoded = Snappy.decode(compressed, compressed.length, MAX_BODY_BYTES * 4L);
                ReadClientCodec.decodeSampled(decoded, decoded.length, counting);
            }
        } catch (ProtoException | Snappy.SnappyException e) {
            throw new IOException("remote_read " + settings.displayName() + ": bad response: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** Copies a series' histogram samples (the decoder reuses them). */
    static SeriesData copy(Labels labels, HistogramSamples h) {
        long[] ts = new long[h.size()];
        double[] vs = new double[h.size()];
        Object[] hs = new Object[h.size()];
        for (int i = 0; i < h.size(); i++) {
            ts[i] = h.timestamp(i);
            hs[i] = h.isFloat(i) ? h.floatHistogram(i).copy() : h.histogram(i).copy();
        }
        return new SeriesData(labels, ts, vs, hs);
    }

    /** Copies the reused arrays of a sink call. */
    static SeriesData copy(Labels labels, long[] ts, double[] vs, int n) {
        return new SeriesData(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
    }
}
