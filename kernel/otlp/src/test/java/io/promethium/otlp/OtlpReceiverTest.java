package io.promethium.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.testing.RoutesServer;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint over HTTP as Prometheus 3 answers it: status codes, messages, protobuf and JSON bodies. */
class OtlpReceiverTest {

    @TempDir
    Path dir;
    private Tsdb db;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void open() {
        db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private OtlpComponent component;

    private RoutesServer server(boolean enabled, String features) throws Exception {
        OtlpComponent c = new OtlpComponent(name -> switch (name) {
            case "promethium.flag.web.enable-otlp-receiver" -> Boolean.toString(enabled);
            case "promethium.flag.enable-feature" -> features;
            default -> null;
        });
        c.storage(db);
        component = c;
        return new RoutesServer(c);
    }

    private HttpResponse<String> post(RoutesServer s, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(OtlpReceiver.PATH)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> values(String name) {
        List<String> out = new ArrayList<>();
        Querier q = db.querier(0, Long.MAX_VALUE);
        try {
            SeriesSet set = q.select(true, SelectHints.range(0, Long.MAX_VALUE), List.of(Matcher.equal("__name__", name)));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(set.at().labels() + " " + it.timestamp() + " " + it.value());
                }
            }
        } finally {
            q.close();
        }
        return out;
    }

    private static byte[] gauge(String name, long ms, double v) {
        return TranslatorTest.request(TranslatorTest.resource(TranslatorTest.kv("service.name", "svc")),
                io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName(name).setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                        .addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setTimeUnixNano(ms * 1_000_000)
                                .setAsDouble(v))).build()).toByteArray();
    }

    @Test
    void disabledReceiverAnswers404AsPrometheus() throws Exception {
        try (RoutesServer s = server(false, null)) {
            HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, gauge("g", System.currentTimeMillis(), 1));
            assertEquals(404, r.statusCode());
            assertEquals("otlp write receiver needs to be enabled with --web.enable-otlp-receiver\n", r.body());
        }
    }

    @Test
    void protobufBodyIsStoredAndAnsweredWithAnEmptyResponse() throws Exception {
        long now = System.currentTimeMillis();
        try (RoutesServer s = server(true, null)) {
            HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, gauge("temperature", now, 21.5));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("", r.body());
            assertEquals(List.of("{__name__=\"temperature\", job=\"svc\"} " + now + " 21.5"), values("temperature"));
        }
    }

    /**
     * A storage that cannot write (a full disk: the WAL write of the commit fails) is a 503, which
     * OTLP/HTTP senders retry (they drop a batch answered 500, Prometheus's answer); nothing of the
     * refused batch is stored, and the same batch sent again once the disk has room is stored once.
     */
    @Test
    void aFullDiskIs503SoTheSenderRetriesAndTheRefusedBatchIsStoredOnlyWhenSentAgain() throws Exception {
        long now = System.currentTimeMillis();
        boolean[] full = {true};
        io.promethium.api.storage.Storage failing = new io.promethium.api.storage.Storage() {
            @Override
            public io.promethium.api.storage.Appender appender() {
                io.promethium.api.storage.Appender real = db.appender();
                return new io.promethium.api.storage.Appender() {
                    @Override
                    public long append(long ref, Labels labels, long timestamp, double value) {
                        return real.append(ref, labels, timestamp, value);
                    }

                    @Override
                    public long updateMetadata(long ref, Labels labels, io.promethium.api.model.Metadata metadata) {
                        return real.updateMetadata(ref, labels, metadata);
                    }

                    @Override
                    public void commit() {
                        if (full[0]) {
                            real.rollback();
                            throw new io.promethium.api.storage.StorageException(io.promethium.api.storage.StorageException.Reason.IO,
                                    "WAL write failed, batch of 1 samples not stored: No space left on device");
                        }
                        real.commit();
                    }

                    @Override
                    public void rollback() {
                        real.rollback();
                    }
                };
            }

            @Override
            public Querier querier(long minTime, long maxTime) {
                return db.querier(minTime, maxTime);
            }

            @Override
            public long startTime() {
                return db.startTime();
            }
        };
        try (RoutesServer s = server(true, null)) {
            component.storage(failing);
            HttpResponse<String> refused = post(s, OtlpReceiver.PROTOBUF, gauge("temperature", now, 21.5));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("WAL write failed, batch of 1 samples not stored: No space left on device\n", refused.body());
            assertEquals(List.of(), values("temperature"));
            full[0] = false;
            HttpResponse<String> again = post(s, OtlpReceiver.PROTOBUF, gauge("temperature", now, 21.5));
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(List.of("{__name__=\"temperature\", job=\"svc\"} " + now + " 21.5"), values("temperature"));
        }
    }

    @Test
    void jsonBodyWithOtlpEncodingIsStored() throws Exception {
        long now = System.currentTimeMillis();
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
                  "scopeMetrics":[{"scope":{"name":"x"},"metrics":[
                    {"name":"jobs.done","unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,
                      "dataPoints":[{"timeUnixNano":"%d","asInt":"12","attributes":[{"key":"queue","value":{"stringValue":"q1"}}],
                        "exemplars":[{"timeUnixNano":"%d","asDouble":1,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}},
                    {"name":"unknownField","gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":"NaN"}]},"someFutureField":true}]}]}]}
                """.formatted(now * 1_000_000, now * 1_000_000, now * 1_000_000);
        try (RoutesServer s = server(true, null)) {
            HttpResponse<String> r = post(s, OtlpReceiver.JSON, json.getBytes(StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{}", r.body());
            assertEquals(List.of("{__name__=\"jobs_done_total\", job=\"svc\", queue=\"q1\"} " + now + " 12.0"), values("jobs_done_total"));
            assertEquals(1, values("unknownField").size());
            // An empty metric is dropped with a warning, counted as Prometheus counts it.
            String empty = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"e\",\"gauge\":{}}]}]}]}";
            assertEquals(200, post(s, OtlpReceiver.JSON, empty.getBytes(StandardCharsets.UTF_8)).statusCode());
            StringBuilder page = new StringBuilder();
            component.collect(new io.promethium.api.collect.MetricWriter() {
                @Override
                public void family(String name, io.promethium.api.model.MetricType type, String help, String unit) {
                }

                @Override
                public void sample(String name, Labels labels, double value) {
                    page.append(name).append(labels).append(' ').append(value).append('\n');
                }
            });
            assertTrue(page.toString().contains("prometheus_api_otlp_translation_warnings_total{category=\"empty_data_points\"} 1.0"), page.toString());
        }
    }

    @Test
    void wrongContentTypeEncodingOrBodyIs400WithPrometheusMessages() throws Exception {
        try (RoutesServer s = server(true, null)) {
            HttpResponse<String> r = post(s, "text/plain", new byte[0]);
            assertEquals(400, r.statusCode());
            assertEquals("unsupported content type: text/plain, supported: [application/json, application/x-protobuf]\n", r.body());
            r = post(s, OtlpReceiver.PROTOBUF, new byte[0], "Content-Encoding", "br");
            assertEquals(400, r.statusCode());
            assertEquals("unsupported compression: br. Only \"gzip\" or no compression supported\n", r.body());
            r = post(s, OtlpReceiver.PROTOBUF, new byte[] {(byte) 0xff, 0x01});
            assertEquals(400, r.statusCode());
            r = post(s, OtlpReceiver.JSON, "{\"resourceMetrics\": 3}".getBytes(StandardCharsets.UTF_8));
            assertEquals(400, r.statusCode());
            assertEquals("resourceMetrics: expected an array\n", r.body());
        }
    }

    @Test
    void aBodyOverThe32MiBLimitIs400AndReportedToTheServerAsARefusal() throws Exception {
        try (RoutesServer s = server(true, null)) {
            HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, new byte[OtlpReceiver.MAX_BODY_BYTES + 1]);
            assertEquals(400, r.statusCode());
            assertEquals("request body too large: more than " + OtlpReceiver.MAX_BODY_BYTES + " bytes\n", r.body());
            assertEquals(java.util.List.of("otlp_body_size"), s.refusals());
        }
    }

    @Test
    void outOfOrderSampleIs400AndNothingOfTheRequestIsStored() throws Exception {
        long now = System.currentTimeMillis();
        try (RoutesServer s = server(true, null)) {
            assertEquals(200, post(s, OtlpReceiver.PROTOBUF, gauge("g", now, 1)).statusCode());
            ExportMetricsServiceRequest both = ExportMetricsServiceRequest.newBuilder()
                    .mergeFrom(gauge("h", now, 5)).mergeFrom(gauge("g", now - 60_000, 2)).build();
            HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, both.toByteArray());
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(List.of(), values("h"));
        }
    }

    /**
     * As Prometheus's otlpWriteHandler: a translation error is logged (Warn) and the metric left out,
     * the request answered 200 with the rest stored; the sender has nothing to retry.
     */
    @Test
    void deltaTemporalityIsLeftOutWithoutTheFeatureAndStoredWithIt() throws Exception {
        long now = System.currentTimeMillis();
        io.opentelemetry.proto.metrics.v1.Metric gauge = io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("temp")
                .setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder().addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint
                        .newBuilder().setTimeUnixNano(now * 1_000_000).setAsDouble(21.5))).build();
        byte[] delta = TranslatorTest.request(TranslatorTest.resource(), io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("reqs")
                .setSum(io.opentelemetry.proto.metrics.v1.Sum.newBuilder().setIsMonotonic(true)
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setTimeUnixNano(now * 1_000_000)
                                .setAsInt(3))).build(), gauge).toByteArray();
        try (RoutesServer s = server(true, null); io.promethium.testsupport.LogCapture log = new io.promethium.testsupport.LogCapture(OtlpReceiver.class.getName(), java.util.logging.Level.WARNING)) {
            HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, delta);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of(), values("reqs_total"));
            assertEquals(List.of("{__name__=\"temp\"} " + now + " 21.5"), values("temp"));
            assertTrue(log.lines().stream().anyMatch(m -> m.contains("invalid temporality and type combination for metric \"reqs\"")),
                    log.lines().toString());
        }
        try (RoutesServer s = server(true, "otlp-native-delta-ingestion")) {
            assertEquals(200, post(s, OtlpReceiver.PROTOBUF, delta).statusCode());
            assertEquals(List.of("{__name__=\"reqs_total\"} " + now + " 3.0"), values("reqs_total"));
        }
    }

    private static byte[] deltaSum(long startMillis, long timeMillis, long v) {
        return TranslatorTest.request(TranslatorTest.resource(), io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("reqs")
                .setSum(io.opentelemetry.proto.metrics.v1.Sum.newBuilder().setIsMonotonic(true)
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
                                .setStartTimeUnixNano(startMillis * 1_000_000).setTimeUnixNano(timeMillis * 1_000_000).setAsInt(v)))
                .build()).toByteArray();
    }

    @Test
    void deltaToCumulativeStoresRunningTotalsAndDropsStalePointsWithA200() throws Exception {
        long now = System.currentTimeMillis();
        try (RoutesServer s = server(true, "otlp-deltatocumulative")) {
            assertEquals(200, post(s, OtlpReceiver.PROTOBUF, deltaSum(now - 20_000, now - 10_000, 3)).statusCode());
            assertEquals(200, post(s, OtlpReceiver.PROTOBUF, deltaSum(now - 10_000, now, 4)).statusCode());
            // Not after the total's time: dropped, nothing left to store, still a success.
            HttpResponse<String> late = post(s, OtlpReceiver.PROTOBUF, deltaSum(now - 10_000, now - 5_000, 100));
            assertEquals(200, late.statusCode(), late.body());
            assertEquals(List.of("{__name__=\"reqs_total\"} " + (now - 10_000) + " 3.0", "{__name__=\"reqs_total\"} " + now + " 7.0"),
                    values("reqs_total"));
        }
    }

    @Test
    void agentStorageTakesTheRequestIntoItsWal() throws Exception {
        long now = System.currentTimeMillis();
        Path agentDir = dir.resolve("agent");
        try (io.promethium.tsdb.agent.AgentDb agent = io.promethium.tsdb.agent.AgentDb.open(io.promethium.tsdb.agent.AgentDb.Options.defaults(agentDir))) {
            OtlpComponent c = new OtlpComponent(name -> name.equals("promethium.flag.web.enable-otlp-receiver") ? "true" : null);
            c.storage(agent);
            byte[] body = TranslatorTest.request(TranslatorTest.resource(TranslatorTest.kv("service.name", "svc")),
                    io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("size").setExponentialHistogram(
                            io.opentelemetry.proto.metrics.v1.ExponentialHistogram.newBuilder()
                                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                    .addDataPoints(io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.newBuilder()
                                            .setTimeUnixNano(now * 1_000_000).setScale(2).setCount(3).setSum(6)
                                            .setPositive(io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.Buckets.newBuilder()
                                                    .setOffset(1).addAllBucketCounts(List.of(1L, 2L))))).build()).toByteArray();
            try (RoutesServer s = new RoutesServer(c)) {
                HttpResponse<String> r = post(s, OtlpReceiver.PROTOBUF, body);
                assertEquals(200, r.statusCode(), r.body());
            }
            assertTrue(agent.numSeries() >= 1, "series in the agent's WAL: " + agent.numSeries());
        }
    }

    @Test
    void otherMethodsAre405() throws Exception {
        try (RoutesServer s = server(true, null)) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(s.uri(OtlpReceiver.PATH)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode());
            assertTrue(r.headers().firstValue("Allow").orElse("").contains("POST"));
        }
    }
}
