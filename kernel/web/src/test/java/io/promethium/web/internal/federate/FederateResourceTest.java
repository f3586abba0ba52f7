package io.promethium.web.internal.federate;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import io.promethium.exposition.HistogramOptions;
import io.promethium.exposition.ParseMode;
import io.promethium.api.model.StaleMarker;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FederateResourceTest {

    private static final long NOW = 1_000_000;
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        server = new ApiServer(w -> w.register(new FederateResource(w.server().storage,
                () -> Labels.of("region", "eu", "job", "ignored"), () -> 300_000, clock)));
        server.append(Labels.of("__name__", "up", "job", "a", "instance", "x"), NOW - 30_000, 1, NOW - 15_000, 1);
        server.append(Labels.of("__name__", "up", "job", "b", "instance", "y"), NOW - 20_000, 0);
        server.append(Labels.of("__name__", "old", "job", "a"), NOW - 400_000, 5);
        server.append(Labels.of("__name__", "future", "job", "a"), NOW + 10_000, 5);
        server.appendValue(Labels.of("__name__", "gone", "job", "a"), NOW - 60_000, 2);
        server.appendValue(Labels.of("__name__", "gone", "job", "a"), NOW - 30_000, StaleMarker.STALE_NAN);
        server.append(Labels.of("__name__", "aaa", "job", "z"), NOW - 1000, 7);
        server.append(Labels.of("__name__", "a.b", "job", "u", "c.d", "x"), NOW - 1000, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String match(String selector) {
        return "match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    }

    @Test
    void nativeHistogramsAreFederatedInTheProtobufFormatAndLeftOutOfTheTextFormats() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        try (ApiServer hs = new ApiServer(w -> w.register(new FederateResource(w.server().storage, () -> Labels.of("region", "eu"),
                () -> 300_000, clock)))) {
            Histogram older = Histogram.exponential(1, 0.001, 1, 4, 2.5, HistogramSpans.pairs(0, 2), 2, -1);
            Histogram newest = new Histogram(CounterResetHint.UNKNOWN, 1, 0.001, 2, 12, 7.5, HistogramSpans.pairs(-1, 2, 2, 1),
                    new long[] {2, 1, 1}, HistogramSpans.pairs(0, 1), new long[] {1}, null);
            FloatHistogram rate = FloatHistogram.exponential(0, 0, 0.5, 3.5, 1.25, HistogramSpans.pairs(1, 2), 1, 2);
            Histogram nhcb = Histogram.custom(new double[] {0.1, 1}, 6, 3, HistogramSpans.pairs(0, 1, 1, 1), 2, 2);
            Appender a = hs.tsdb.appender();
            a.appendHistogram(0, Labels.of("__name__", "rpc_seconds", "job", "h"), NOW - 10_000, older);
            a.appendHistogram(0, Labels.of("__name__", "rpc_seconds", "job", "h"), NOW - 5_000, newest);
            a.appendHistogram(0, Labels.of("__name__", "rpc_rate", "job", "h"), NOW - 5_000, rate);
            a.appendHistogram(0, Labels.of("__name__", "rpc_nhcb", "job", "h"), NOW - 5_000, nhcb);
            a.append(0, Labels.of("__name__", "up", "job", "h"), NOW - 5_000, 1);
            a.commit();

            HttpResponse<byte[]> r = hs.sendBytes(HttpRequest.newBuilder(hs.uri("/federate?" + match("{job=\"h\"}")))
                    .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                            + "text/plain;version=0.0.4;q=0.3"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("proto=io.prometheus.client.MetricFamily");
            ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(r.body(), 0, r.body().length, ParseMode.LENIENT,
                    new HistogramOptions(true, false, 0, 0));
            java.util.Map<String, String> seen = new java.util.TreeMap<>();
            ExpositionParser.Entry e;
            while ((e = p.next()) != ExpositionParser.Entry.EOF) {
                if (e == ExpositionParser.Entry.SERIES || e == ExpositionParser.Entry.HISTOGRAM) {
                    Labels.Builder b = Labels.builder();
                    p.labels(b);
                    Object value = e == ExpositionParser.Entry.SERIES ? p.value() : p.isFloatHistogram() ? p.floatHistogram() : p.histogram();
                    seen.put(b.build().toString(), value + "@" + (p.hasTimestamp() ? p.timestamp() : -1));
                }
            }
            long t = NOW - 5_000;
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_seconds", "job", "h", "region", "eu").toString(),
                    newest.toString().replace("hint=UNKNOWN", "hint=UNKNOWN") + "@" + t);
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_rate", "job", "h", "region", "eu").toString(), rate + "@" + t);
            assertThat(seen).containsEntry(Labels.of("__name__", "up", "job", "h", "region", "eu").toString(), "1.0@" + t);
            // Custom buckets go as classic cumulative buckets, parsed back as Prometheus parses a classic histogram:
            // 2 up to 0.1, none more up to 1 (the second bucket sits at index 2, +Inf), 6 in all.
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_nhcb_bucket", "job", "h", "le", "0.1", "region", "eu").toString(), "2.0@" + t);
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_nhcb_bucket", "job", "h", "le", "1.0", "region", "eu").toString(), "2.0@" + t);
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_nhcb_bucket", "job", "h", "le", "+Inf", "region", "eu").toString(), "6.0@" + t);
            assertThat(seen).containsEntry(Labels.of("__name__", "rpc_nhcb_count", "job", "h", "region", "eu").toString(), "6.0@" + t);
            // The name is the family's, never a label pair (Prometheus's parser would see __name__ twice).
            assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain("__name__");

            HttpResponse<String> text = hs.get("/federate?" + match("{job=\"h\"}"));
            assertThat(text.body()).isEqualTo("""
                    # TYPE up untyped
                    up{job="h",region="eu"} 1 995000
                    """);
        }
    }

    @Test
    void newestSampleInLookbackWithTimestampsAndExternalLabels() {
        HttpResponse<String> r = server.get("/federate?" + match("{job=~\"a|b|z\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).isEqualTo("""
                # TYPE aaa untyped
                aaa{job="z",region="eu"} 7 999000
                # TYPE up untyped
                up{instance="x",job="a",region="eu"} 1 985000
                up{instance="y",job="b",region="eu"} 0 980000
                """);
    }

    @Test
    void openMetricsOnRequest() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/federate?" + match("aaa")))
                .header("Accept", "application/openmetrics-text;version=1.0.0").GET());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(r.body()).contains("aaa{job=\"z\",region=\"eu\"} 7.0 999").endsWith("# EOF\n");
    }

    @Test
    void utf8NamesAreQuotedWhenTheAcceptHeaderAllowsThemAndEscapedAsItAsksOtherwise() {
        HttpResponse<String> quoted = server.send(HttpRequest.newBuilder(server.uri("/federate?" + match("{\"a.b\"}")))
                .header("Accept", "text/plain;version=0.0.4;escaping=allow-utf-8").GET());
        assertThat(quoted.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8");
        assertThat(quoted.body()).isEqualTo("# TYPE \"a.b\" untyped\n{\"a.b\",\"c.d\"=\"x\",job=\"u\",region=\"eu\"} 3 999000\n");
        HttpResponse<String> dots = server.send(HttpRequest.newBuilder(server.uri("/federate?" + match("{\"a.b\"}")))
                .header("Accept", "text/plain;version=0.0.4;escaping=dots").GET());
        assertThat(dots.body()).isEqualTo("# TYPE a_dot_b untyped\na_dot_b{c_dot_d=\"x\",job=\"u\",region=\"eu\"} 3 999000\n");
        assertThat(server.get("/federate?" + match("{\"a.b\"}")).body())
                .isEqualTo("# TYPE a_b untyped\na_b{c_d=\"x\",job=\"u\",region=\"eu\"} 3 999000\n");
    }

    @Test
    void protobufFederationEscapesUtf8NamesAsTheAcceptHeaderAsksAndUnderscoresByDefault() throws Exception {
        String proto = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
        for (String[] c : new String[][] {{"", "underscores", "a_b", "c_d"}, {";escaping=allow-utf-8", "allow-utf-8", "a.b", "c.d"},
                {";escaping=dots", "dots", "a_dot_b", "c_dot_d"}}) {
            HttpResponse<byte[]> r = server.sendBytes(HttpRequest.newBuilder(server.uri("/federate?" + match("{\"a.b\"}")))
                    .header("Accept", proto + c[0]));
            assertThat(r.headers().firstValue("Content-Type")).as(c[1])
                    .hasValue("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=" + c[1]);
            ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(r.body(), 0, r.body().length, ParseMode.LENIENT,
                    new HistogramOptions(true, false, 0, 0));
            List<String> series = new ArrayList<>();
            ExpositionParser.Entry e;
            while ((e = p.next()) != ExpositionParser.Entry.EOF) {
                if (e == ExpositionParser.Entry.SERIES) {
                    Labels.Builder b = Labels.builder();
                    p.labels(b);
                    series.add(b.build() + " " + p.value());
                }
            }
            assertThat(series).as(c[1]).containsExactly(Labels.of("__name__", c[2], c[3], "x", "job", "u", "region", "eu") + " 3.0");
        }
    }

    @Test
    void badSelectorIs400AndNoMatchIsEmpty() {
        HttpResponse<String> bad = server.get("/federate?" + match("up{"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("parse error");
        HttpResponse<String> none = server.get("/federate");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).isEmpty();
    }
}
