package io.promethium.otlp;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.promethium.otlp.OpenTelemetrySdkTest.all;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.ExemplarData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.api.testing.RoutesServer;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the real OpenTelemetry Java SDK exports, checked in detail against what the receiver
 * stores in a real TSDB. The SDK's own data points are captured by an exporter wrapped around
 * its OTLP/HTTP exporter, and the expected series are computed from them by Prometheus 3's
 * documented rules (not by the receiver's code): an exponential histogram's scale is the native
 * schema, scales above 8 merge {@code 2^(scale-8)} neighbours, OTLP bucket {@code i} is native
 * bucket {@code i+1}, gaps of up to two empty buckets are filled and longer ones start a span;
 * exemplars of measurements made in a sampled span carry {@code trace_id}/{@code span_id}; and
 * {@code translation_strategy} names the series.
 */
class OpenTelemetrySdkShapesTest {

    @TempDir
    Path dir;

    private static final Labels ID = Labels.of("instance", "i-1", "job", "shop");

    /** The SDK's exports as it hands them to the OTLP exporter, kept immutable so a later collection does not rewrite them. */
    private static final class Capturing implements MetricExporter {
        final MetricExporter otlp;
        final List<Collection<MetricData>> exports = new CopyOnWriteArrayList<>();

        Capturing(MetricExporter otlp) {
            this.otlp = otlp;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return otlp.getAggregationTemporality(type);
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.IMMUTABLE_DATA;
        }

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            exports.add(List.copyOf(metrics));
            return otlp.export(metrics);
        }

        @Override
        public CompletableResultCode flush() {
            return otlp.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return otlp.shutdown();
        }

        /** The named metric of the first export (the flush; the shutdown's export repeats the cumulative points). */
        MetricData metric(String name) {
            return exports.get(0).stream().filter(m -> m.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("the SDK exported no " + name));
        }
    }

    private static final View EXPONENTIAL = View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build();

    /** Runs {@code record} against a meter (with {@code views} by instrument name) whose provider pushes to {@code endpoint}, flushes once and shuts down. */
    private static Capturing push(String endpoint, Consumer<Meter> record, Map<String, View> views) {
        Capturing exporter = new Capturing(OtlpHttpMetricExporter.builder().setEndpoint(endpoint).build());
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(stringKey("service.name"), "shop",
                stringKey("service.instance.id"), "i-1", stringKey("deployment.environment"), "test")));
        var builder = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build());
        views.forEach((name, view) -> builder.registerView(InstrumentSelector.builder().setName(name).build(), view));
        SdkMeterProvider provider = builder.build();
        try {
            record.accept(provider.get("io.promethium.otlp.test"));
            assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess(), "the exporter's push failed");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        return exporter;
    }

    private static OtlpComponent receiver(Tsdb db) {
        OtlpComponent component = new OtlpComponent(name -> name.equals("promethium.flag.web.enable-otlp-receiver") ? "true" : null);
        component.storage(db);
        return component;
    }

    /** Prometheus's layout of one side of an exponential point, from its definition: absolute native indexes first, then spans. */
    record Side(HistogramSpans spans, long[] deltas) {
    }

    static Side expectedSide(ExponentialHistogramBuckets b, int scaleDown) {
        TreeMap<Integer, Long> counts = new TreeMap<>();
        for (int i = 0; i < b.getBucketCounts().size(); i++) {
            // OTLP bucket i is (base^i, base^(i+1)], native bucket i+1 is the same range; merging shifts the OTLP index.
            counts.merge(((b.getOffset() + i) >> scaleDown) + 1, b.getBucketCounts().get(i), Long::sum);
        }
        counts.values().removeIf(c -> c == 0);
        List<Integer> offsets = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Long> buckets = new ArrayList<>();
        Integer last = null;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            int gap = last == null ? Integer.MAX_VALUE : e.getKey() - last - 1;
            if (gap > 2) {
                offsets.add(last == null ? e.getKey() : gap);
                lengths.add(0);
            } else {
                for (int g = 0; g < gap; g++) {
                    buckets.add(0L);
                    lengths.set(lengths.size() - 1, lengths.get(lengths.size() - 1) + 1);
                }
            }
            buckets.add(e.getValue());
            lengths.set(lengths.size() - 1, lengths.get(lengths.size() - 1) + 1);
            last = e.getKey();
        }
        long[] deltas = new long[buckets.size()];
        long prev = 0;
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = buckets.get(i) - prev;
            prev = buckets.get(i);
        }
        return new Side(HistogramSpans.of(offsets.stream().mapToInt(Integer::intValue).toArray(),
                lengths.stream().mapToInt(Integer::intValue).toArray()), deltas);
    }

    private static void assertTranslated(ExponentialHistogramPointData p, Histogram h) {
        int scaleDown = Math.max(0, p.getScale() - 8);
        assertEquals(Math.min(p.getScale(), 8), h.schema(), "schema");
        assertEquals(1e-128, h.zeroThreshold(), "zero threshold: Prometheus's default, not OTLP's");
        assertEquals(p.getZeroCount(), h.zeroCount(), "zero count");
        assertEquals(p.getCount(), h.count(), "count");
        assertEquals(p.getSum(), h.sum(), "sum");
        Side pos = expectedSide(p.getPositiveBuckets(), scaleDown);
        assertEquals(pos.spans(), h.positiveSpans(), "positive spans");
        assertArrayEquals(pos.deltas(), h.positiveDeltas(), "positive bucket deltas");
        Side neg = expectedSide(p.getNegativeBuckets(), scaleDown);
        assertEquals(neg.spans(), h.negativeSpans(), "negative spans");
        assertArrayEquals(neg.deltas(), h.negativeDeltas(), "negative bucket deltas");
    }

    @Test
    void exponentialHistogramsKeepTheSdksBucketsAsNativeBuckets() throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            Capturing sdk;
            try (RoutesServer server = new RoutesServer(receiver(db))) {
                sdk = push(server.url() + OtlpReceiver.PATH, meter -> {
                    // Values within 3% of each other: the SDK keeps a scale above 8, which Prometheus merges down to 8.
                    DoubleHistogram narrow = meter.histogramBuilder("narrow").build();
                    for (double v : new double[] {100, 100.1, 100.2, 100.25, 100.9, 101, 101.05, 101.5, 101.6, 102.7, 102.8, 103}) {
                        narrow.record(v);
                    }
                    // Zeros and values six decades apart: a low scale, the zero bucket, several spans.
                    DoubleHistogram wide = meter.histogramBuilder("wide").build();
                    for (double v : new double[] {0, 0, 0.001, 0.0011, 1, 3, 3.5, 1000, 1e6}) {
                        wide.record(v);
                    }
                }, Map.of("narrow", EXPONENTIAL, "wide", EXPONENTIAL));
            }
            Map<Labels, List<Object>> stored = all(db);
            ExponentialHistogramPointData narrow = sdk.metric("narrow").getExponentialHistogramData().getPoints().iterator().next();
            ExponentialHistogramPointData wide = sdk.metric("wide").getExponentialHistogramData().getPoints().iterator().next();
            assertTrue(narrow.getScale() > 8, "the narrow histogram's scale " + narrow.getScale() + " needs merging");
            assertTrue(wide.getScale() <= 8 && wide.getZeroCount() == 2, "scale " + wide.getScale() + ", zero count " + wide.getZeroCount());
            List<Object> narrowSamples = stored.get(ID.toBuilder().set("__name__", "narrow").build());
            List<Object> wideSamples = stored.get(ID.toBuilder().set("__name__", "wide").build());
            assertNotNull(narrowSamples, stored.keySet().toString());
            assertNotNull(wideSamples, stored.keySet().toString());
            for (Object h : narrowSamples) {
                assertTranslated(narrow, (Histogram) h);
            }
            for (Object h : wideSamples) {
                assertTranslated(wide, (Histogram) h);
            }
            assertTrue(((Histogram) wideSamples.get(0)).positiveSpans().count() > 1, "the wide histogram's gaps start spans");
        }
    }

    @Test
    void exemplarsOfMeasurementsInASampledSpanAreStoredWithTraceAndSpanIds() throws Exception {
        InMemorySpans spans = new InMemorySpans();
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO));
                // A tracer provider without a span processor hands out no-op spans; this one keeps the ended spans.
                SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
            db.setMaxExemplars(100);
            Span[] span = new Span[1];
            Capturing sdk;
            try (RoutesServer server = new RoutesServer(receiver(db))) {
                sdk = push(server.url() + OtlpReceiver.PATH, meter -> {
                    LongCounter requests = meter.counterBuilder("http.requests").build();
                    DoubleHistogram latency = meter.histogramBuilder("http.latency").setUnit("ms")
                            .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
                    DoubleHistogram size = meter.histogramBuilder("payload.size").setUnit("By").build();
                    latency.record(5); // outside any span: no exemplar
                    span[0] = tracing.get("io.promethium.otlp.test").spanBuilder("GET /").startSpan();
                    try (Scope ignored = span[0].makeCurrent()) {
                        requests.add(3, Attributes.of(stringKey("http.method"), "GET"));
                        // user.id is dropped from the series by the view below, so the SDK keeps it on the exemplar.
                        latency.record(50, Attributes.of(stringKey("user.id"), "u-7"));
                        size.record(300);
                    } finally {
                        span[0].end();
                    }
                }, Map.of("payload.size", EXPONENTIAL, "http.latency", View.builder().setAttributeFilter(key -> !key.equals("user.id")).build()));
            }
            assertTrue(span[0].getSpanContext().isSampled(), span[0].toString());
            assertEquals(1, spans.ended.size());
            String trace = span[0].getSpanContext().getTraceId();
            String spanId = span[0].getSpanContext().getSpanId();
            Labels ids = Labels.of("span_id", spanId, "trace_id", trace);

            ExemplarData counter = sdk.metric("http.requests").getLongSumData().getPoints().iterator().next().getExemplars().get(0);
            assertStoredExemplar(db, ID.toBuilder().set("__name__", "http_requests_total").set("http_method", "GET").build(),
                    new Exemplar(ids, 3.0, counter.getEpochNanos() / 1_000_000, true));
            // A classic histogram's exemplar goes to the first bucket holding its value, with the SDK's filtered attributes as labels.
            ExemplarData latency = sdk.metric("http.latency").getHistogramData().getPoints().iterator().next().getExemplars().get(0);
            assertEquals("u-7", latency.getFilteredAttributes().get(stringKey("user.id")));
            assertStoredExemplar(db, ID.toBuilder().set("__name__", "http_latency_milliseconds_bucket").set("le", "100").build(),
                    new Exemplar(ids.toBuilder().set("user.id", "u-7").build(), 50.0, latency.getEpochNanos() / 1_000_000, true));
            // A native histogram's exemplar is the series' own.
            ExemplarData size = sdk.metric("payload.size").getExponentialHistogramData().getPoints().iterator().next().getExemplars().get(0);
            assertStoredExemplar(db, ID.toBuilder().set("__name__", "payload_size_bytes").build(),
                    new Exemplar(ids, 300.0, size.getEpochNanos() / 1_000_000, true));
            // Nothing else has one: the measurement outside the span (bucket le="10") none.
            List<SeriesExemplars> every = db.selectExemplars(0, Long.MAX_VALUE, List.of(List.of(Matcher.of(
                    io.promethium.api.model.MatchType.REGEX, "__name__", ".+"))));
            assertEquals(3, every.size(), every.toString());
        }
    }

    /** The spans the SDK ended (the application's own trace exporter, here in memory). */
    private static final class InMemorySpans implements SpanExporter {
        final List<SpanData> ended = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            ended.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static void assertStoredExemplar(Tsdb db, Labels series, Exemplar want) {
        List<Matcher> matchers = new ArrayList<>();
        series.forEach((name, value) -> matchers.add(Matcher.equal(name, value)));
        List<SeriesExemplars> got = db.selectExemplars(0, Long.MAX_VALUE, List.of(matchers));
        assertEquals(List.of(new SeriesExemplars(series, List.of(want))), got, series.toString());
    }

    /** The {@code otlp:} section of a prometheus.yml, applied to the component through the kernel's loader. */
    private static void configure(OtlpComponent component, String yaml) throws Exception {
        PluginKeys owner = new PluginKeys() {
            @Override
            public Set<String> discoveryTypes() {
                return Set.of();
            }

            @Override
            public void validateDiscovery(String type, PluginConfig config) {
            }

            @Override
            public Set<String> sectionKeys() {
                return Set.of("otlp");
            }

            @Override
            public void validateSection(String key, List<PluginConfig> entries, SectionContext context) throws ConfigException {
                component.validate(entries, context);
            }
        };
        PrometheusConfig config = new ConfigLoader(owner).parse(Path.of("prometheus.yml"), yaml);
        component.apply(config.sections().entries("otlp"), config.sections().context());
    }

    /**
     * Each {@code translation_strategy} as Prometheus 3 documents it: the UTF-8 strategies keep dots
     * in metric and label names (one with the unit and {@code _total} suffixes, one without), the
     * escaping one without suffixes only escapes; a classic histogram's {@code _bucket}/{@code _count}/{@code _sum}
     * are series names, not suffixes, and stay. The CSV columns: strategy, counter, gauge of unit 1,
     * classic histogram's base name, exponential histogram, the {@code http.method} label, target_info's {@code deployment.environment}.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "UnderscoreEscapingWithSuffixes|http_requests_total|queue_fill_ratio|http_latency_milliseconds|payload_size_bytes|http_method|deployment_environment",
            "UnderscoreEscapingWithoutSuffixes|http_requests|queue_fill|http_latency|payload_size|http_method|deployment_environment",
            "NoUTF8EscapingWithSuffixes|http.requests_total|queue.fill_ratio|http.latency_milliseconds|payload.size_bytes|http.method|deployment.environment",
            "NoTranslation|http.requests|queue.fill|http.latency|payload.size|http.method|deployment.environment",
    })
    void translationStrategiesNameTheSdksSeriesAsPrometheus(String strategy, String counter, String ratio, String latency, String size,
            String method, String environment) throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            OtlpComponent component = receiver(db);
            configure(component, "otlp:\n  translation_strategy: " + strategy + "\n");
            try (RoutesServer server = new RoutesServer(component)) {
                push(server.url() + OtlpReceiver.PATH, meter -> {
                    meter.counterBuilder("http.requests").setUnit("{request}").build().add(3, Attributes.of(stringKey("http.method"), "GET"));
                    meter.gaugeBuilder("queue.fill").setUnit("1").buildWithCallback(m -> m.record(0.25));
                    DoubleHistogram h = meter.histogramBuilder("http.latency").setUnit("ms").setExplicitBucketBoundariesAdvice(List.of(10.0)).build();
                    h.record(5);
                    h.record(50);
                    meter.histogramBuilder("payload.size").setUnit("By").build().record(100);
                }, Map.of("payload.size", EXPONENTIAL));
            }
            Map<Labels, List<Object>> stored = all(db);
            Map<Labels, Object> want = new java.util.LinkedHashMap<>();
            want.put(ID.toBuilder().set("__name__", counter).set(method, "GET").build(), 3.0);
            want.put(ID.toBuilder().set("__name__", ratio).build(), 0.25);
            want.put(ID.toBuilder().set("__name__", latency + "_bucket").set("le", "10").build(), 1.0);
            want.put(ID.toBuilder().set("__name__", latency + "_bucket").set("le", "+Inf").build(), 2.0);
            want.put(ID.toBuilder().set("__name__", latency + "_count").build(), 2.0);
            want.put(ID.toBuilder().set("__name__", latency + "_sum").build(), 55.0);
            for (Map.Entry<Labels, Object> e : want.entrySet()) {
                List<Object> samples = stored.get(e.getKey());
                assertNotNull(samples, "no " + e.getKey() + " in " + stored.keySet());
                assertEquals(e.getValue(), samples.get(samples.size() - 1), e.getKey().toString());
            }
            List<Object> sizes = stored.get(ID.toBuilder().set("__name__", size).build());
            assertNotNull(sizes, "no " + size + " in " + stored.keySet());
            assertEquals(1, ((Histogram) sizes.get(0)).count());
            Labels info = stored.keySet().stream().filter(l -> l.metricName().equals("target_info")).findFirst().orElseThrow();
            assertEquals("test", info.get(environment), info.toString());
            // Nothing else from the test's meter: every other series is the SDK's own or target_info.
            long ours = stored.keySet().stream().filter(l -> !l.metricName().startsWith("otel") && !l.metricName().equals("target_info")).count();
            assertEquals(want.size() + 1, ours, stored.keySet().toString());
        }
    }
}
