package io.promethium.otlp;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import io.promethium.api.testing.RoutesServer;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real OpenTelemetry Java SDK and its OTLP/HTTP exporter (over the JDK's HTTP client) push a
 * counter, an up-down counter, a gauge, a classic and an exponential histogram with resource
 * attributes into the receiver over loopback HTTP; the series stored in a real TSDB are compared
 * with what Prometheus 3's translation rules give (default {@code otlp:} settings).
 */
class OpenTelemetrySdkTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "gzip"})
    void sdkMetricsAreStoredWithPrometheusNamesLabelsAndValues(String compression) throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            OtlpComponent component = new OtlpComponent(name -> name.equals("promethium.flag.web.enable-otlp-receiver") ? "true" : null);
            component.storage(db);
            try (RoutesServer server = new RoutesServer(component)) {
                push(server.url() + OtlpReceiver.PATH, compression);
            }
            Map<Labels, List<Object>> stored = all(db);
            String id = "instance=\"i-1\", job=\"demo/shop\"";
            Map<String, Object> want = new LinkedHashMap<>();
            want.put("{__name__=\"http_requests_total\", http_method=\"GET\", " + id + "}", 3.0);
            want.put("{__name__=\"http_requests_total\", http_method=\"POST\", " + id + "}", 1.0);
            want.put("{__name__=\"sessions_active\", " + id + "}", 3.0);
            want.put("{__name__=\"queue_fill_ratio\", " + id + "}", 0.25);
            want.put("{__name__=\"http_latency_milliseconds_bucket\", " + id + ", le=\"10\"}", 1.0);
            want.put("{__name__=\"http_latency_milliseconds_bucket\", " + id + ", le=\"100\"}", 2.0);
            want.put("{__name__=\"http_latency_milliseconds_bucket\", " + id + ", le=\"+Inf\"}", 3.0);
            want.put("{__name__=\"http_latency_milliseconds_count\", " + id + "}", 3.0);
            want.put("{__name__=\"http_latency_milliseconds_sum\", " + id + "}", 555.0);
            for (Map.Entry<String, Object> e : want.entrySet()) {
                Labels labels = find(stored, e.getKey());
                assertEquals(e.getValue(), last(stored.get(labels)), e.getKey());
            }
            Labels payload = find(stored, "{__name__=\"payload_size_bytes\", " + id + "}");
            Histogram h = (Histogram) last(stored.get(payload));
            assertEquals(3, h.count());
            assertEquals(700.0, h.sum());
            assertTrue(h.schema() <= 8, "schema " + h.schema());
            long buckets = 0;
            long running = 0;
            for (long d : h.positiveDeltas()) {
                running += d;
                buckets += running;
            }
            assertEquals(3, buckets + h.zeroCount());

            Labels info = stored.keySet().stream().filter(l -> l.metricName().equals("target_info")).findFirst().orElseThrow();
            assertEquals("demo/shop", info.get("job"));
            assertEquals("i-1", info.get("instance"));
            assertEquals("test", info.get("deployment_environment"));
            assertEquals("java", info.get("telemetry_sdk_language"));
            assertEquals("opentelemetry", info.get("telemetry_sdk_name"));
            assertTrue(!info.has("service_name") && !info.has("service_namespace") && !info.has("service_instance_id"), info.toString());
            assertEquals(1.0, last(stored.get(info)));
            // The SDK's own metric (a histogram of seconds, without explicit buckets) comes along.
            find(stored, "{__name__=\"otel_sdk_metric_reader_collection_duration_seconds_bucket\", " + id
                    + ", le=\"+Inf\", otel_component_name=\"periodic_metric_reader/0\", otel_component_type=\"periodic_metric_reader\"}");
            long own = stored.keySet().stream().filter(l -> l.metricName().startsWith("otel_sdk_")).count();
            assertEquals(want.size() + 2, stored.size() - own, stored.keySet().toString());
        }
    }

    private static void push(String endpoint, String compression) {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder().setEndpoint(endpoint).setCompression(compression).build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(stringKey("service.name"), "shop",
                stringKey("service.namespace"), "demo", stringKey("service.instance.id"), "i-1", stringKey("deployment.environment"), "test")));
        SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .registerView(InstrumentSelector.builder().setName("payload.size").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
                .build();
        try {
            Meter meter = provider.get("io.promethium.otlp.test");
            LongCounter requests = meter.counterBuilder("http.requests").setUnit("{request}").build();
            requests.add(3, Attributes.of(stringKey("http.method"), "GET"));
            requests.add(1, Attributes.of(stringKey("http.method"), "POST"));
            LongUpDownCounter sessions = meter.upDownCounterBuilder("sessions.active").build();
            sessions.add(5);
            sessions.add(-2);
            meter.gaugeBuilder("queue.fill").setUnit("1").buildWithCallback(m -> m.record(0.25));
            DoubleHistogram latency = meter.histogramBuilder("http.latency").setUnit("ms")
                    .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
            latency.record(5);
            latency.record(50);
            latency.record(500);
            DoubleHistogram payload = meter.histogramBuilder("payload.size").setUnit("By").build();
            payload.record(100);
            payload.record(200);
            payload.record(400);
            CompletableResultCode flushed = provider.forceFlush().join(20, TimeUnit.SECONDS);
            assertTrue(flushed.isSuccess(), "the exporter's push failed");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /** The newest sample: the SDK pushes at the flush and again at its shutdown. */
    private static Object last(List<Object> samples) {
        return samples.get(samples.size() - 1);
    }

    static Labels find(Map<Labels, List<Object>> stored, String series) {
        return stored.keySet().stream().filter(l -> l.toString().equals(series)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + series + " in " + stored.keySet()));
    }

    /** Every stored series with its samples: a Double, or the Histogram. */
    static Map<Labels, List<Object>> all(Tsdb db) {
        Map<Labels, List<Object>> out = new LinkedHashMap<>();
        Querier q = db.querier(0, Long.MAX_VALUE);
        try {
            SeriesSet set = q.select(true, SelectHints.range(0, Long.MAX_VALUE), List.of(Matcher.of(io.promethium.api.model.MatchType.REGEX,
                    "__name__", ".+")));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                List<Object> values = new java.util.ArrayList<>();
                while (it.next()) {
                    values.add(it.valueType() == ValueType.HISTOGRAM ? it.histogram().copy() : (Object) it.value());
                }
                out.put(set.at().labels(), values);
            }
        } finally {
            q.close();
        }
        return out;
    }
}
