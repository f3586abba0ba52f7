package io.promethium.otlp;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.promethium.otlp.OpenTelemetrySdkTest.all;
import static io.promethium.otlp.OpenTelemetrySdkTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.RoutesServer;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenTelemetry Java SDK exporting with DELTA temporality (its {@code deltaPreferred}
 * selector: counters and histograms as deltas, up-down counters cumulative), in two exports, into
 * a real TSDB: refused without a delta feature as Prometheus 3 does, made cumulative with
 * {@code otlp-deltatocumulative}, stored as sent with {@code otlp-native-delta-ingestion}.
 */
class OpenTelemetrySdkDeltaTest {

    @TempDir
    Path dir;

    private static final String ID = "instance=\"i-1\", job=\"shop\"";

    /** Two exports: the counter +3 (GET) and +1 (POST), latencies 5 and 50, sizes 100 and 200; then +2 (GET), latency 500, size 400. */
    private static boolean[] push(String endpoint) {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder().setEndpoint(endpoint)
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred()).build();
        Resource resource = Resource.create(Attributes.of(stringKey("service.name"), "shop", stringKey("service.instance.id"), "i-1"));
        SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .registerView(InstrumentSelector.builder().setName("payload.size").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
                .build();
        boolean[] ok = new boolean[2];
        try {
            Meter meter = provider.get("io.promethium.otlp.test");
            LongCounter requests = meter.counterBuilder("http.requests").build();
            DoubleHistogram latency = meter.histogramBuilder("http.latency").setUnit("ms")
                    .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
            DoubleHistogram payload = meter.histogramBuilder("payload.size").setUnit("By").build();
            requests.add(3, Attributes.of(stringKey("http.method"), "GET"));
            requests.add(1, Attributes.of(stringKey("http.method"), "POST"));
            latency.record(5);
            latency.record(50);
            payload.record(100);
            payload.record(200);
            ok[0] = provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
            requests.add(2, Attributes.of(stringKey("http.method"), "GET"));
            latency.record(500);
            payload.record(400);
            ok[1] = provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        return ok;
    }

    private Map<Labels, List<Object>> run(Tsdb db, String features, boolean[] ok) throws Exception {
        OtlpComponent component = new OtlpComponent(name -> switch (name) {
            case "promethium.flag.web.enable-otlp-receiver" -> "true";
            case "promethium.flag.enable-feature" -> features;
            default -> null;
        });
        component.storage(db);
        try (RoutesServer server = new RoutesServer(component)) {
            boolean[] got = push(server.url() + OtlpReceiver.PATH);
            ok[0] = got[0];
            ok[1] = got[1];
        }
        return all(db);
    }

    @Test
    void deltaMetricsAreLeftOutWithoutADeltaFeature() throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            boolean[] ok = new boolean[2];
            Map<Labels, List<Object>> stored = run(db, null, ok);
            // As Prometheus: the metrics that do not translate are logged and left out, the export answered 200.
            assertTrue(ok[0] && ok[1], "both exports answered 200");
            assertTrue(stored.keySet().stream().noneMatch(l -> l.metricName().startsWith("http_")), stored.keySet().toString());
        }
    }

    @Test
    void deltaToCumulativeStoresRunningTotalsAsCountersAndHistograms() throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            boolean[] ok = new boolean[2];
            Map<Labels, List<Object>> stored = run(db, "otlp-deltatocumulative", ok);
            assertTrue(ok[0] && ok[1], "both exports succeed");
            assertEquals(List.of(3.0, 5.0), stored.get(find(stored, "{__name__=\"http_requests_total\", http_method=\"GET\", " + ID + "}")));
            // The POST series had no measurement in the second interval: the SDK sends no delta, nothing is added.
            assertEquals(List.of(1.0), stored.get(find(stored, "{__name__=\"http_requests_total\", http_method=\"POST\", " + ID + "}")));
            assertEquals(List.of(1.0, 1.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_bucket\", " + ID + ", le=\"10\"}")));
            assertEquals(List.of(2.0, 2.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_bucket\", " + ID + ", le=\"100\"}")));
            assertEquals(List.of(2.0, 3.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_bucket\", " + ID + ", le=\"+Inf\"}")));
            assertEquals(List.of(2.0, 3.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_count\", " + ID + "}")));
            assertEquals(List.of(55.0, 555.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_sum\", " + ID + "}")));
            List<Object> sizes = stored.get(find(stored, "{__name__=\"payload_size_bytes\", " + ID + "}"));
            assertEquals(2, sizes.size());
            Histogram h = (Histogram) sizes.get(1);
            assertEquals(3, h.count());
            assertEquals(700.0, h.sum());
            assertTrue(h.counterResetHint() != CounterResetHint.GAUGE, "a cumulative histogram, not a gauge one");
            // Only identifying resource attributes: no target_info, as Prometheus.
            assertTrue(stored.keySet().stream().noneMatch(l -> l.metricName().equals("target_info")));
        }
    }

    @Test
    void nativeDeltaIngestionStoresTheDeltasAsSent() throws Exception {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO))) {
            boolean[] ok = new boolean[2];
            Map<Labels, List<Object>> stored = run(db, "otlp-native-delta-ingestion", ok);
            assertTrue(ok[0] && ok[1], "both exports succeed");
            assertEquals(List.of(3.0, 2.0), stored.get(find(stored, "{__name__=\"http_requests_total\", http_method=\"GET\", " + ID + "}")));
            assertEquals(List.of(2.0, 1.0), stored.get(find(stored, "{__name__=\"http_latency_milliseconds_count\", " + ID + "}")));
            Histogram h = (Histogram) stored.get(find(stored, "{__name__=\"payload_size_bytes\", " + ID + "}")).get(1);
            assertEquals(1, h.count());
            assertEquals(CounterResetHint.GAUGE, h.counterResetHint());
        }
    }
}
