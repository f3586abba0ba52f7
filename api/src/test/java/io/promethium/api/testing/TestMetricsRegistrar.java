package io.promethium.api.testing;

import io.promethium.api.collect.Collector;
import io.promethium.api.plugin.MetricsRegistrar;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link MetricsRegistrar} for tests: values by metric name and label values, read
 * back with {@link #value}. Families are shared by name, as in the kernel.
 */
public final class TestMetricsRegistrar implements MetricsRegistrar {

    private final Map<String, Map<List<String>, double[]>> values = new ConcurrentHashMap<>();
    private final List<Collector> collectors = new CopyOnWriteArrayList<>();
    private final Map<String, String> registered = new ConcurrentHashMap<>();

    /** The current value of a counter or gauge (a summary's sum), 0 when never touched. */
    public double value(String name, String... labelValues) {
        Map<List<String>, double[]> family = values.get(name);
        if (family == null) {
            return 0;
        }
        double[] cell = family.get(List.of(labelValues));
        return cell == null ? 0 : cell[0];
    }

    /**
     * Whether the child exists: touched by an observation, an increment (even of 0) or
     * {@code instantiate}, so it would be on {@code /metrics}.
     */
    public boolean exists(String name, String... labelValues) {
        Map<List<String>, double[]> family = values.get(name);
        return family != null && family.containsKey(List.of(labelValues));
    }

    /** A summary's count. */
    public double count(String name, String... labelValues) {
        Map<List<String>, double[]> family = values.get(name);
        double[] cell = family == null ? null : family.get(List.of(labelValues));
        return cell == null ? 0 : cell[1];
    }

    /** The names of the counters, gauges and summaries asked for (touched or not), with their kind. */
    public Map<String, String> registered() {
        return Map.copyOf(registered);
    }

    public List<Collector> collectors() {
        return List.copyOf(collectors);
    }

    private double[] cell(String name, String[] labelValues) {
        return values.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).computeIfAbsent(List.of(labelValues), k -> new double[2]);
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        registered.put(name, "counter");
        return new Counter() {
            @Override
            public void inc(String... labelValues) {
                add(1, labelValues);
            }

            @Override
            public void add(double amount, String... labelValues) {
                double[] cell = cell(name, labelValues);
                synchronized (cell) {
                    cell[0] += amount;
                }
            }

            @Override
            public double value(String... labelValues) {
                return TestMetricsRegistrar.this.value(name, labelValues);
            }
        };
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        registered.put(name, "gauge");
        return new Gauge() {
            @Override
            public void set(double value, String... labelValues) {
                double[] cell = cell(name, labelValues);
                synchronized (cell) {
                    cell[0] = value;
                }
            }

            @Override
            public void add(double amount, String... labelValues) {
                double[] cell = cell(name, labelValues);
                synchronized (cell) {
                    cell[0] += amount;
                }
            }

            @Override
            public double value(String... labelValues) {
                return TestMetricsRegistrar.this.value(name, labelValues);
            }

            @Override
            public void remove(String... labelValues) {
                Map<List<String>, double[]> family = values.get(name);
                if (family != null) {
                    family.remove(List.of(labelValues));
                }
            }
        };
    }

    @Override
    public Summary summary(String name, String help, String... labelNames) {
        registered.put(name, "summary");
        return new Summary() {
            @Override
            public void observe(double value, String... labelValues) {
                double[] cell = cell(name, labelValues);
                synchronized (cell) {
                    cell[0] += value;
                    cell[1]++;
                }
            }

            @Override
            public void instantiate(String... labelValues) {
                cell(name, labelValues);
            }

            @Override
            public long count(String... labelValues) {
                return (long) TestMetricsRegistrar.this.count(name, labelValues);
            }

            @Override
            public double sum(String... labelValues) {
                return TestMetricsRegistrar.this.value(name, labelValues);
            }
        };
    }

    /** Records sum and count as the summary without quantiles does; the quantiles are the kernel's. */
    @Override
    public Summary summary(String name, String help, Map<Double, Double> objectives, String... labelNames) {
        return summary(name, help, labelNames);
    }

    /** Records sum and count, as {@link #summary}; the buckets are the kernel's. */
    @Override
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        Summary s = summary(name, help, labelNames);
        registered.put(name, "histogram");
        return new Histogram() {
            @Override
            public void observe(double value, String... labelValues) {
                s.observe(value, labelValues);
            }

            @Override
            public void instantiate(String... labelValues) {
                s.instantiate(labelValues);
            }

            @Override
            public long count(String... labelValues) {
                return s.count(labelValues);
            }

            @Override
            public double sum(String... labelValues) {
                return s.sum(labelValues);
            }
        };
    }

    @Override
    public Registration register(Collector collector) {
        collectors.add(collector);
        return () -> collectors.remove(collector);
    }
}
