package io.promethium.promql.engine.internal.eval;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's self-metrics under Prometheus's names: queries run, the concurrency high-water
 * mark, and query duration by slice (queue time and inner evaluation) as summaries; and, as
 * Promethium's own, the parse cache's entries and estimated heap.
 */
public final class EngineMetrics implements Collector {
    private final ParsedQueries parsed;
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder queueNanos = new LongAdder();
    private final LongAdder evalNanos = new LongAdder();
    private final LongAdder observations = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private volatile long maxConcurrentSetting;

    EngineMetrics(ParsedQueries parsed) {
        this.parsed = parsed;
    }

    void queryStarted() {
        inFlight.incrementAndGet();
    }

    void queryEnded() {
        inFlight.decrementAndGet();
    }

    void observeSamples(long n) {
        samples.add(n);
    }

    void observe(long queue, long eval) {
        queueNanos.add(queue);
        evalNanos.add(eval);
        observations.increment();
    }

    /** The configured concurrency limit, which Prometheus reports as the "concurrent max". */
    void setMaxConcurrent(long value) {
        maxConcurrentSetting = value;
    }

    @Override
    public void collect(MetricWriter writer) {
        writer.family("prometheus_engine_queries", MetricType.GAUGE, "The current number of queries being executed or waiting.", "");
        writer.sample("prometheus_engine_queries", inFlight.get());
        writer.family("prometheus_engine_queries_concurrent_max", MetricType.GAUGE, "The max number of concurrent queries.", "");
        writer.sample("prometheus_engine_queries_concurrent_max", maxConcurrentSetting);
        writer.family("prometheus_engine_query_samples_total", MetricType.COUNTER,
                "The total number of samples loaded by all queries.", "");
        writer.sample("prometheus_engine_query_samples_total", samples.sum());
        writer.family("prometheus_engine_query_duration_seconds", MetricType.SUMMARY, "Query timings", "");
        long count = observations.sum();
        writer.sample("prometheus_engine_query_duration_seconds_sum", Labels.of("slice", "queue_time"), queueNanos.sum() / 1e9);
        writer.sample("prometheus_engine_query_duration_seconds_count", Labels.of("slice", "queue_time"), count);
        writer.sample("prometheus_engine_query_duration_seconds_sum", Labels.of("slice", "inner_eval"), evalNanos.sum() / 1e9);
        writer.sample("prometheus_engine_query_duration_seconds_count", Labels.of("slice", "inner_eval"), count);
        writer.family("promethium_engine_query_parse_cache_entries", MetricType.GAUGE,
                "The parsed queries kept for reuse.", "");
        writer.sample("promethium_engine_query_parse_cache_entries", parsed.size());
        writer.family("promethium_engine_query_parse_cache_bytes", MetricType.GAUGE,
                "Estimated heap held by the parsed queries kept for reuse (texts and trees).", "bytes");
        writer.sample("promethium_engine_query_parse_cache_bytes", parsed.ramBytesUsed());
    }
}
