package io.promethium.remote.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.MatchType;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.remote.wire.ProtoReader;
import io.promethium.api.testing.RecordingTracer;
import io.promethium.remote.wire.ProtoWriter;
import io.promethium.remote.wire.ReadClientCodec;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.XorChunkEncoder;
import io.promethium.testkit.HttpConfigClientFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The remote read client against a loopback endpoint answering sampled or streamed responses. */
class RemoteReadClientTest {

    private HttpServer server;
    private volatile boolean streamed;
    private volatile int status = 200;
    private volatile String traceparent;
    private volatile boolean withHistograms;
    static final List<io.promethium.api.model.Histogram> HISTOGRAMS = List.of(
            io.promethium.api.model.Histogram.exponential(2, 0, 0, 3, 1.5, io.promethium.api.model.HistogramSpans.pairs(0, 2), 1, 1),
            io.promethium.api.model.Histogram.exponential(2, 0, 0, 5, 2.5, io.promethium.api.model.HistogramSpans.pairs(0, 2), 2, 1),
            io.promethium.api.model.Histogram.custom(new double[] {1, 2}, 4, 3, io.promethium.api.model.HistogramSpans.pairs(0, 3), 1, 1, 0));
    static final io.promethium.api.model.FloatHistogram FLOAT_HISTOGRAM = io.promethium.api.model.FloatHistogram.exponential(0, 0, 0.5, 2.5,
            1, io.promethium.api.model.HistogramSpans.pairs(1, 1), 2);
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/read", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/read";
    }

    /** Answers with two series (site="b" external label on each) for any query, recording the matchers asked. */
    private void handle(HttpExchange exchange) throws IOException {
        traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            byte[] raw = Snappy.decode(body, body.length, 1 << 20);
            queries.add(describe(raw));
        } catch (Exception e) {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
            return;
        }
        if (status != 200) {
            byte[] text = "no such thing".getBytes();
            exchange.sendResponseHeaders(status, text.length);
            exchange.getResponseBody().write(text);
            exchange.close();
            return;
        }
        List<Labels> series = List.of(Labels.of("__name__", "m", "a", "1", "site", "b"), Labels.of("__name__", "m", "a", "2", "site", "b"));
        if (streamed) {
            exchange.getResponseHeaders().add("Content-Type", ReadClientCodec.STREAMED_CONTENT_TYPE);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (Labels l : series) {
                    ProtoWriter w = new ProtoWriter();
                    int cs = w.beginMessage(1);
                    labels(w, l);
                    XorChunkEncoder chunk = new XorChunkEncoder();
                    for (int i = 0; i < 150; i++) {
                        chunk.append(1000L * i, i * 0.5 + Integer.parseInt(l.get("a")));
                    }
                    int c = w.beginMessage(2);
                    w.int64Field(1, 0);
                    w.int64Field(2, 149_000);
                    w.int64Field(3, 1);
                    w.bytesField(4, chunk.buffer(), 0, chunk.length());
                    w.endMessage(c);
                    w.endMessage(cs);
                    frame(out, w);
                }
                if (withHistograms) {
                    // Prometheus's histogram chunks: a new one at the custom-bucket layout and at the float histogram.
                    ProtoWriter w = new ProtoWriter();
                    int cs = w.beginMessage(1);
                    labels(w, Labels.of("__name__", "h", "site", "b"));
                    io.promethium.remote.wire.HistogramChunkEncoder chunk = new io.promethium.remote.wire.HistogramChunkEncoder();
                    long[] first = {0};
                    for (int i = 0; i <= 3; i++) {
                        long t = 1000L * i;
                        boolean fits = i < 3 ? chunk.append(t, HISTOGRAMS.get(i)) : chunk.append(t, FLOAT_HISTOGRAM);
                        if (!fits) {
                            histogramChunk(w, chunk, first[0], t - 1000);
                            chunk.newChunk();
                            first[0] = t;
                            assertThat(i < 3 ? chunk.append(t, HISTOGRAMS.get(i)) : chunk.append(t, FLOAT_HISTOGRAM)).isTrue();
                        }
                    }
                    histogramChunk(w, chunk, first[0], 3000);
                    w.endMessage(cs);
                    frame(out, w);
                }
            }
        } else {
            ProtoWriter w = new ProtoWriter();
            int r = w.beginMessage(1);
            for (Labels l : series) {
                int ts = w.beginMessage(1);
                labels(w, l);
                for (int i = 0; i < 150; i++) {
                    int s = w.beginMessage(2);
                    w.doubleField(1, i * 0.5 + Integer.parseInt(l.get("a")));
                    w.int64Field(2, 1000L * i);
                    w.endMessage(s);
                }
                w.endMessage(ts);
            }
            if (withHistograms) {
                int ts = w.beginMessage(1);
                labels(w, Labels.of("__name__", "h", "site", "b"));
                io.promethium.remote.wire.HistogramCodec codec = new io.promethium.remote.wire.HistogramCodec();
                for (int i = 0; i < 3; i++) {
                    codec.encode(w, 4, 1000L * i, HISTOGRAMS.get(i));
                }
                codec.encode(w, 4, 3000, FLOAT_HISTOGRAM);
                w.endMessage(ts);
            }
            w.endMessage(r);
            byte[] compressed = Snappy.encode(w.buffer(), w.size());
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, compressed.length);
            exchange.getResponseBody().write(compressed);
        }
        exchange.close();
    }

    private static void histogramChunk(ProtoWriter w, io.promethium.remote.wire.HistogramChunkEncoder chunk, long min, long max) {
        int c = w.beginMessage(2);
        w.int64Field(1, min);
        w.int64Field(2, max);
        w.int64Field(3, chunk.encoding());
        w.bytesField(4, chunk.buffer(), 0, chunk.length());
        w.endMessage(c);
    }

    /** Writes {@code w}'s message as a frame: uvarint length, CRC32C, message. */
    private static void frame(OutputStream out, ProtoWriter w) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(w.buffer(), 0, w.size());
        long sum = crc.getValue();
        long n = w.size();
        while (n >= 0x80) {
            out.write((int) (n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write((int) n);
        out.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
        out.write(w.buffer(), 0, w.size());
    }

    private static void labels(ProtoWriter w, Labels l) {
        for (int i = 0; i < l.size(); i++) {
            int m = w.beginMessage(1);
            w.stringField(1, l.name(i));
            w.stringField(2, l.value(i));
            w.endMessage(m);
        }
    }

    /** "start-end name=value ..." of the request's first query. */
    private static String describe(byte[] raw) throws ProtoReader.ProtoException {
        ProtoReader r = new ProtoReader(raw, 0, raw.length);
        StringBuilder sb = new StringBuilder();
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (1 << 3 | 2)) {
                int end = r.lengthDelimitedEnd();
                ProtoReader q = new ProtoReader(raw, r.position(), end);
                while (q.hasMore()) {
                    int t = q.tag();
                    switch (t) {
                        case 1 << 3 -> sb.append(q.varint()).append('-');
                        case 2 << 3 -> sb.append(q.varint());
                        case 3 << 3 | 2 -> {
                            int me = q.lengthDelimitedEnd();
                            ProtoReader m = new ProtoReader(raw, q.position(), me);
                            long type = 0;
                            String name = "";
                            String value = "";
                            while (m.hasMore()) {
                                int mt = m.tag();
                                switch (mt) {
                                    case 1 << 3 -> type = m.varint();
                                    case 2 << 3 | 2 -> name = m.string();
                                    case 3 << 3 | 2 -> value = m.string();
                                    default -> m.skip(mt);
                                }
                            }
                            sb.append(' ').append(name).append(type == 0 ? "=" : "~").append(value);
                            q.position(me);
                        }
                        default -> q.skip(t);
                    }
                }
                r.position(end);
            } else {
                r.skip(tag);
            }
        }
        return sb.toString();
    }

    private RemoteReadComponent component(Map<String, Object> extra) throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("url", url());
        values.putAll(extra);
        RemoteReadComponent c = new RemoteReadComponent();
        c.apply(List.of(new PluginConfig("remote_read", values, "prometheus.yml:9:5")), new SectionContext() {
            @Override
            public Labels externalLabels() {
                return Labels.of("site", "b");
            }

            @Override
            public Path configDirectory() {
                return Path.of(".");
            }

            @Override
            public LabelRewriter relabeling(PluginConfig entry, String field) {
                return LabelRewriter.IDENTITY;
            }

            @Override
            public io.promethium.api.http.HttpClientFactory httpClients() {
                return new HttpConfigClientFactory();
            }
        });
        return c;
    }

    @Test
    void aReadIsARemoteReadSpanUnderTheCallersWhoseHttpSpanSendsTheTraceparent() throws Exception {
        RecordingTracer tracer = new RecordingTracer();
        RemoteReadComponent c = component(Map.of("read_recent", true));
        c.bindTracer(tracer);
        try (Querier q = c.querier(0, 200_000); var select = tracer.start("querierSelect")) {
            assertThat(read(q, Matcher.equal("__name__", "m"))).hasSize(2);
        }
        RecordingTracer.Recorded select = tracer.named("querierSelect").get(0);
        RecordingTracer.Recorded read = tracer.named("Remote Read").get(0);
        RecordingTracer.Recorded http = tracer.named("HTTP POST").get(0);
        assertThat(read.client()).isTrue();
        assertThat(read.parentId()).isEqualTo(select.spanId());
        assertThat(http.parentId()).isEqualTo(read.spanId());
        assertThat(http.attributes()).containsEntry("url.full", url()).containsEntry("http.response.status_code", 200L);
        assertThat(http.error()).isNull();
        assertThat(traceparent).isNotNull().isEqualTo(http.traceparent());

        status = 503;
        try (Querier q = c.querier(0, 1000)) {
            assertThat(q.select(true, null, List.of(Matcher.equal("__name__", "m"))).error()).isNotNull();
        }
        assertThat(tracer.named("HTTP POST").get(1).attributes()).containsEntry("http.response.status_code", 503L);
        assertThat(tracer.named("HTTP POST").get(1).error()).contains("503");

        c.unbindTracer(tracer);
        traceparent = null;
        status = 200;
        try (Querier q = c.querier(0, 200_000)) {
            assertThat(read(q, Matcher.equal("__name__", "m"))).hasSize(2);
        }
        assertThat(traceparent).isNull();
        assertThat(tracer.named("Remote Read")).hasSize(2);
    }

    private static List<String> read(Querier q, Matcher... matchers) {
        SeriesSet set = q.select(true, null, List.of(matchers));
        List<String> out = new ArrayList<>();
        while (set.next()) {
            SampleIterator it = set.at().iterator(null);
            int n = 0;
            double last = 0;
            while (it.next()) {
                n++;
                last = it.value();
            }
            out.add(set.at().labels() + " " + n + " " + last);
        }
        assertThat(set.error()).isNull();
        return out;
    }

    @Test
    void sampledAndStreamedResponsesGiveTheSameSeriesWithExternalLabelsFilteredAndStripped() throws Exception {
        RemoteReadComponent c = component(Map.of("read_recent", true));
        for (boolean s : new boolean[] {false, true}) {
            streamed = s;
            queries.clear();
            try (Querier q = c.querier(0, 200_000)) {
                assertThat(read(q, Matcher.equal("__name__", "m"))).containsExactly(
                        "{__name__=\"m\", a=\"1\"} 150 75.5", "{__name__=\"m\", a=\"2\"} 150 76.5");
            }
            assertThat(queries).containsExactly("0-200000 __name__=m site=b");
        }
    }

    /** The one series of {@code set}, named h, as "t TYPE histogram" lines. */
    private static List<String> histogramSeries(SeriesSet set) {
        assertThat(set.next()).isTrue();
        assertThat(set.at().labels()).isEqualTo(Labels.of("__name__", "h"));
        SampleIterator it = set.at().iterator(null);
        List<String> got = new ArrayList<>();
        while (it.next()) {
            got.add(it.timestamp() + " " + it.valueType() + " "
                    + (it.valueType() == io.promethium.api.storage.ValueType.HISTOGRAM ? it.histogram() : it.floatHistogram()));
        }
        return got;
    }

    @Test
    void nativeHistogramsInASampledAnswerComeBackAsHistogramSamples() throws Exception {
        withHistograms = true;
        RemoteReadComponent c = component(Map.of("read_recent", true));
        try (Querier q = c.querier(0, 200_000)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "h")));
            List<String> got = histogramSeries(set);
            assertThat(got).containsExactly("0 HISTOGRAM " + HISTOGRAMS.get(0), "1000 HISTOGRAM " + HISTOGRAMS.get(1),
                    "2000 HISTOGRAM " + HISTOGRAMS.get(2), "3000 FLOAT_HISTOGRAM " + FLOAT_HISTOGRAM);
            assertThat(set.error()).isNull();
        }
    }

    @Test
    void nativeHistogramsInStreamedHistogramChunksComeBackWithTheChunksCounterResetHints() throws Exception {
        withHistograms = true;
        streamed = true;
        RemoteReadComponent c = component(Map.of("read_recent", true));
        try (Querier q = c.querier(0, 200_000)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "h")));
            List<String> got = histogramSeries(set);
            // Within a chunk, later samples read as "not a counter reset", as in Prometheus.
            io.promethium.api.model.Histogram second = HISTOGRAMS.get(1);
            String secondRead = second.toString().replace("hint=UNKNOWN", "hint=NOT_COUNTER_RESET");
            assertThat(got).containsExactly("0 HISTOGRAM " + HISTOGRAMS.get(0), "1000 HISTOGRAM " + secondRead,
                    "2000 HISTOGRAM " + HISTOGRAMS.get(2), "3000 FLOAT_HISTOGRAM " + FLOAT_HISTOGRAM);
            assertThat(set.error()).isNull();
        }
    }

    @Test
    void requiredMatchersReadRecentAndFilterExternalLabelsDecideWhatIsAsked() throws Exception {
        RemoteReadComponent c = component(Map.of("required_matchers", Map.of("origin", "remote"), "filter_external_labels", false));
        c.bindStorage(new io.promethium.api.storage.Storage() {
            @Override
            public io.promethium.api.storage.Appender appender() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Querier querier(long minTime, long maxTime) {
                return Querier.empty();
            }

            @Override
            public long startTime() {
                return 100_000;
            }
        });
        try (Querier q = c.querier(0, 200_000)) {
            assertThat(read(q, Matcher.equal("__name__", "m"))).isEmpty();
            assertThat(queries).isEmpty();
            assertThat(read(q, Matcher.equal("__name__", "m"), Matcher.equal("origin", "remote"))).hasSize(2);
            // Not read_recent: only up to the local storage's oldest sample; no external label matcher.
            assertThat(queries).containsExactly("0-100000 __name__=m origin=remote");
        }
        try (Querier q = c.querier(150_000, 200_000)) {
            assertThat(read(q, Matcher.equal("__name__", "m"), Matcher.equal("origin", "remote"))).isEmpty();
            assertThat(queries).hasSize(1);
        }
    }

    @Test
    void aFailingRemoteIsAnErrorNamingItAndItsStatus() throws Exception {
        status = 503;
        RemoteReadComponent c = component(Map.of("read_recent", true, "name", "far"));
        try (Querier q = c.querier(0, 1000)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "__name__", "m")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).hasMessageContaining("far").hasMessageContaining("503").hasMessageContaining("no such thing");
        }
    }

    @Test
    void labelCallsAnswerFromTheSelectedSeriesWithMatchersAndAreNotImplementedWithout() throws Exception {
        RemoteReadComponent c = component(Map.of("read_recent", true));
        try (Querier q = c.querier(0, 200_000)) {
            assertThat(q.labelNames(List.of(Matcher.equal("__name__", "m")))).containsExactly("__name__", "a");
            assertThat(q.labelValues("a", List.of(Matcher.equal("__name__", "m")))).containsExactly("1", "2");
            assertThat(queries).containsExactly("0-200000 __name__=m site=b", "0-200000 __name__=m site=b");
            // Prometheus's remote querier: the storage view turns this into the response's warning.
            assertThatThrownBy(() -> q.labelNames(List.of())).hasMessage("not implemented");
            assertThatThrownBy(() -> q.labelValues("a", List.of())).hasMessage("not implemented");
        }
    }

    @Test
    void aLabelCallWhoseRemoteFailsFailsNamingTheRemote() throws Exception {
        status = 503;
        RemoteReadComponent c = component(Map.of("read_recent", true, "name", "far"));
        try (Querier q = c.querier(0, 1000)) {
            assertThatThrownBy(() -> q.labelNames(List.of(Matcher.equal("__name__", "m")))).hasMessageContaining("far").hasMessageContaining("503");
        }
    }
}
