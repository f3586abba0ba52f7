package io.promethium.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import java.util.List;

/**
 * Decode and translation throughput, printed (not a test): a 1,000-series request (counters with
 * three attributes and classic histograms of ten buckets) decoded from protobuf and translated onto
 * an appender that keeps nothing.
 *
 * <pre>
 * cd kernel/otlp && mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.promethium.otlp.TranslatorBench
 * </pre>
 */
public final class TranslatorBench {

    public static void main(String[] args) throws Exception {
        long now = System.currentTimeMillis();
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        for (int m = 0; m < 50; m++) {
            Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            for (int p = 0; p < 18; p++) {
                sum.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(now * 1_000_000).setAsInt(p)
                        .addAttributes(TranslatorTest.kv("http.method", "GET")).addAttributes(TranslatorTest.kv("http.route", "/r" + p))
                        .addAttributes(TranslatorTest.kv("http.status_code", "200")));
            }
            scope.addMetrics(Metric.newBuilder().setName("http.server.requests." + m).setUnit("{request}").setSum(sum));
        }
        for (int m = 0; m < 2; m++) {
            scope.addMetrics(Metric.newBuilder().setName("http.server.duration." + m).setUnit("ms").setHistogram(Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(now * 1_000_000).setCount(100).setSum(1234)
                            .addAllExplicitBounds(List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0))
                            .addAllBucketCounts(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 55L)))));
        }
        byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(TranslatorTest.resource(TranslatorTest.kv("service.name", "svc"), TranslatorTest.kv("service.instance.id", "i"),
                        TranslatorTest.kv("host.name", "h")))
                .addScopeMetrics(scope)).build().toByteArray();
        Appender nothing = new Appender() {
            @Override
            public long append(long ref, Labels labels, long timestamp, double value) {
                return 1;
            }

            @Override
            public void commit() {
            }

            @Override
            public void rollback() {
            }
        };
        Translator.Options options = new Translator.Options(false, false, 300_000, Labels.EMPTY);
        int samples = 0;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            int requests = 0;
            while (System.nanoTime() - start < 3_000_000_000L) {
                Translator.Result r = new Translator(nothing, OtlpConfig.DEFAULT, options, now)
                        .translate(ExportMetricsServiceRequest.parseFrom(body));
                samples = r.samples();
                requests++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: %.0f requests/s, %.0f samples/s (%d samples, %d bytes per request)%n", round, requests / seconds,
                    requests * (double) samples / seconds, samples, body.length);
        }
    }
}
