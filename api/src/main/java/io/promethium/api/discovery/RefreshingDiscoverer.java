package io.promethium.api.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import io.promethium.api.model.Labels;

/**
 * A discoverer that asks its peer every interval, as Prometheus's {@code discovery/refresh}
 * (DNS, and any API that has no watch): {@link Refresh#refresh()} returns every current group;
 * the first answer is sent whole (an empty update when the first refresh fails), later ones only
 * the groups that changed, and a source that is no longer returned as a group with no targets.
 * A failed refresh keeps the last targets, is counted and logged once per change
 * ({@link DiscoveryFailures}). {@link #close()} interrupts a refresh in flight and stops within
 * 10 s; nothing is sent after it returns.
 *
 * <pre>{@code
 * return new RefreshingDiscoverer("Mycorp SD", config.refresh(), context.threads(),
 *         new DiscoveryFailures("Mycorp SD: ", context.logger(), failuresCounter), client::groups);
 * }</pre>
 *
 * @since 1.2
 */
public final class RefreshingDiscoverer implements Discoverer {

    /** One look at the peer. */
    @FunctionalInterface
    public interface Refresh {
        /**
         * Every group there is now (each source once).
         *
         * @throws IOException when the peer cannot be asked; the last targets stay
         * @throws InterruptedException when closed meanwhile
         */
        List<TargetGroup> refresh() throws IOException, InterruptedException;
    }

    private static final String CALL = "refresh";

    private final String mechanism;
    private final Duration interval;
    private final DiscovererThreads threads;
    /**
     * Prometheus's quantile objectives for {@code prometheus_sd_refresh_duration_seconds}
     * (0.5, 0.9 and 0.99), to pass to {@code MetricsRegistrar.summary}.
     *
     * @since 1.4
     */
    public static final java.util.Map<Double, Double> REFRESH_DURATION_OBJECTIVES = java.util.Map.of(0.5, 0.05, 0.9, 0.01, 0.99, 0.001);

    /**
     * Prometheus's refresh duration metrics, observed together with label values
     * {@code (mechanism, config)}: {@code prometheus_sd_refresh_duration_seconds{mechanism,config}}
     * (a summary with {@link #REFRESH_DURATION_OBJECTIVES}) and
     * {@code prometheus_sd_refresh_duration_histogram_seconds{mechanism}} (buckets 0.01, 0.1, 1,
     * 10), as Prometheus 3's {@code discovery/metrics_refresh.go}. Count and sum are the summary's.
     * Call {@code instantiate(mechanism, config)} when the discoverer is built: both series are then
     * on {@code /metrics} at 0 (quantiles NaN) before the first refresh, as Prometheus's
     * {@code Instantiate} makes them.
     *
     * @since 1.4
     */
    public static io.promethium.api.plugin.MetricsRegistrar.Summary refreshDurationMetrics(
            io.promethium.api.plugin.MetricsRegistrar registrar) {
        io.promethium.api.plugin.MetricsRegistrar.Summary summary = registrar.summary("prometheus_sd_refresh_duration_seconds",
                "The duration of a refresh in seconds for the given SD mechanism.", REFRESH_DURATION_OBJECTIVES, "mechanism", "config");
        io.promethium.api.plugin.MetricsRegistrar.Histogram histogram = registrar.histogram(
                "prometheus_sd_refresh_duration_histogram_seconds", "The duration of a refresh for the given SD mechanism.",
                new double[] {0.01, 0.1, 1, 10}, "mechanism");
        return new io.promethium.api.plugin.MetricsRegistrar.Summary() {
            @Override
            public void observe(double value, String... labelValues) {
                summary.observe(value, labelValues);
                histogram.observe(value, labelValues.length > 0 ? labelValues[0] : "");
            }

            @Override
            public void instantiate(String... labelValues) {
                summary.instantiate(labelValues);
                histogram.instantiate(labelValues.length > 0 ? labelValues[0] : "");
            }

            @Override
            public long count(String... labelValues) {
                return summary.count(labelValues);
            }

            @Override
            public double sum(String... labelValues) {
                return summary.sum(labelValues);
            }
        };
    }

    private final DiscoveryFailures failures;
    private final Refresh refresh;
    private final Map<String, TargetGroup> sent = new HashMap<>();
    private Consumer<List<TargetGroup>> updates;

    /**
     * @param mechanism for log lines and thread errors, e.g. {@code "DNS-SD"}
     * @param interval the time between the end of one refresh and the start of the next
     */
    public RefreshingDiscoverer(String mechanism, Duration interval, ThreadFactory threads, DiscoveryFailures failures,
                                Refresh refresh) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism is null");
        this.interval = Objects.requireNonNull(interval, "interval is null");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.threads = new DiscovererThreads(threads);
        this.failures = Objects.requireNonNull(failures, "failures is null");
        this.refresh = Objects.requireNonNull(refresh, "refresh is null");
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        Objects.requireNonNull(sink, "sink is null");
        threads.lock().lock();
        try {
            if (updates != null) {
                throw new IllegalStateException(mechanism + " discoverer already started");
            }
            updates = sink;
            threads.start(this::run);
        } finally {
            threads.lock().unlock();
        }
    }

    private void run() {
        boolean first = true;
        try {
            while (!threads.isClosed()) {
                List<TargetGroup> changed;
                try {
                    changed = changes(refresh.refresh(), first);
                    failures.succeeded(CALL);
                } catch (IOException | RuntimeException e) {
                    if (threads.isClosed()) {
                        return;
                    }
                    failures.failed(CALL, "refresh failed, keeping the last targets, retrying every " + interval, e);
                    changed = List.of();
                }
                if (first || !changed.isEmpty()) {
                    threads.send(updates, changed);
                }
                first = false;
                if (!threads.pause(interval)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The groups to send for {@code now}: all the first time, else what changed and what vanished. */
    private List<TargetGroup> changes(List<TargetGroup> now, boolean all) {
        List<TargetGroup> changed = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (TargetGroup group : now) {
            seen.add(group.source());
            if (all || !group.equals(sent.get(group.source()))) {
                changed.add(group);
                sent.put(group.source(), group);
            }
        }
        for (String source : new ArrayList<>(sent.keySet())) {
            if (!seen.contains(source)) {
                sent.remove(source);
                changed.add(new TargetGroup(source, List.of(), Labels.EMPTY));
            }
        }
        return changed;
    }

    @Override
    public void close() {
        threads.close();
    }
}
