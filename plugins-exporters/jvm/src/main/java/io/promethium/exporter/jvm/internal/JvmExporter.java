package io.promethium.exporter.jvm.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The server's own JVM, read by the Prometheus Java client's JVM instrumentation into a registry
 * of this exporter's own: memory (areas and pools), garbage collection, threads (by state,
 * deadlocked), classes, buffer pools, JIT compilation, runtime info and the process metrics. The
 * pool allocation counters are left out: they register GC notification listeners that cannot be
 * removed again, which would keep a stopped bundle's class loader alive across hot deploys.
 */
public final class JvmExporter implements Exporter {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    public JvmExporter() {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public void collect(MetricWriter writer) {
        SnapshotWriter.write(registry.scrape(), writer);
    }

    /** The registry, for tests that compare with the client's own writer. */
    PrometheusRegistry registry() {
        return registry;
    }
}
