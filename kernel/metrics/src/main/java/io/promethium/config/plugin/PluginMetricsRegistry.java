package io.promethium.config.plugin;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.plugin.MetricsRegistrar;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The kernel's {@link MetricsRegistrar}: families by name, children by label values, and the
 * collectors plugins registered; written on every scrape of {@code /metrics} as a
 * {@link Collector}. Thread-safe; updates are lock-free adders.
 */
public final class PluginMetricsRegistry implements MetricsRegistrar, Collector {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();
    /** Monotonic nanoseconds, for the quantiles' 10-minute window; a test may pass its own. */
    private final java.util.function.LongSupplier nanoClock;

    public PluginMetricsRegistry() {
        this(System::nanoTime);
    }

    public PluginMetricsRegistry(java.util.function.LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock is null");
    }
    private final List<Collector> collectors = new CopyOnWriteArrayList<>();

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        return (Counter) family(name, help, MetricType.COUNTER, labelNames);
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        return (Gauge) family(name, help, MetricType.GAUGE, labelNames);
    }

    @Override
    public Summary summary(String name, String help, String... labelNames) {
        return summary(name, help, Map.of(), labelNames);
    }

    @Override
    public Summary summary(String name, String help, Map<Double, Double> objectives, String... labelNames) {
        double[] quantiles = objectives.keySet().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        for (double q : quantiles) {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("summary " + name + ": quantile " + q + " is not in [0, 1]");
            }
        }
        Summary summary = (Summary) family(name, help, MetricType.SUMMARY, labelNames, quantiles);
        if (!Arrays.equals(((SummaryFamily) summary).quantiles, quantiles)) {
            throw new IllegalArgumentException("summary " + name + " is registered already with quantiles "
                    + Arrays.toString(((SummaryFamily) summary).quantiles) + ", asked for " + Arrays.toString(quantiles));
        }
        return summary;
    }

    @Override
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        double[] bounds = buckets.clone();
        for (int i = 0; i < bounds.length; i++) {
            if (Double.isNaN(bounds[i]) || i > 0 && bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("histogram " + name + ": buckets must be ascending, got " + Arrays.toString(buckets));
            }
        }
        if (bounds.length == 0 || bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
            bounds = Arrays.copyOf(bounds, bounds.length + 1);
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        }
        HistogramFamily family = (HistogramFamily) family(name, help, MetricType.HISTOGRAM, labelNames, bounds);
        if (!Arrays.equals(family.bounds, bounds)) {
            throw new IllegalArgumentException("histogram " + name + " is registered already with buckets "
                    + Arrays.toString(family.bounds) + ", asked for " + Arrays.toString(bounds));
        }
        return family;
    }

    @Override
    public Registration register(Collector collector) {
        Objects.requireNonNull(collector, "collector is null");
        collectors.add(collector);
        return () -> collectors.remove(collector);
    }

    private Family family(String name, String help, MetricType type, String[] labelNames) {
        return family(name, help, type, labelNames, new double[0]);
    }

    private Family family(String name, String help, MetricType type, String[] labelNames, double[] quantiles) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name \"" + name + "\"");
        }
        for (String label : labelNames) {
            if (!LABEL.matcher(label).matches() || label.startsWith("__") || type == MetricType.SUMMARY && label.equals("quantile")
                    || type == MetricType.HISTOGRAM && label.equals("le")) {
                throw new IllegalArgumentException("invalid label name \"" + label + "\" for metric " + name);
            }
        }
        Family family = families.computeIfAbsent(name, n -> switch (type) {
            case COUNTER -> new CounterFamily(n, help == null ? "" : help, labelNames.clone());
            case GAUGE -> new GaugeFamily(n, help == null ? "" : help, labelNames.clone());
            case SUMMARY -> new SummaryFamily(n, help == null ? "" : help, labelNames.clone(), quantiles, nanoClock);
            case HISTOGRAM -> new HistogramFamily(n, help == null ? "" : help, labelNames.clone(), quantiles);
            default -> throw new IllegalArgumentException("unsupported metric type " + type);
        });
        if (family.type() != type || !Arrays.equals(family.labelNames, labelNames)) {
            throw new IllegalArgumentException("metric " + name + " is registered already as a " + family.type()
                    + " with labels " + Arrays.toString(family.labelNames) + ", asked for a " + type + " with labels "
                    + Arrays.toString(labelNames));
        }
        return family;
    }

    @Override
    public void collect(MetricWriter writer) {
        for (Family family : families.values()) {
            family.write(writer);
        }
        for (Collector collector : collectors) {
            collector.collect(writer);
        }
    }

    /** One family: children keyed by their label values. */
    private abstract static class Family {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        abstract MetricType type();

        abstract void write(MetricWriter writer);

        List<String> key(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException("metric " + name + " has labels " + Arrays.toString(labelNames)
                        + ", got values " + Arrays.toString(values));
            }
            return List.of(values);
        }

        Labels labels(List<String> values) {
            Labels.Builder builder = Labels.builder();
            for (int i = 0; i < labelNames.length; i++) {
                builder.set(labelNames[i], values.get(i));
            }
            return builder.build();
        }
    }

    private static final class CounterFamily extends Family implements Counter {
        private final Map<List<String>, DoubleAdder> children = new ConcurrentHashMap<>();

        CounterFamily(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
            if (labelNames.length == 0) {
                children.put(List.of(), new DoubleAdder());
            }
        }

        @Override
        MetricType type() {
            return MetricType.COUNTER;
        }

        @Override
        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        @Override
        public void add(double amount, String... labelValues) {
            if (amount < 0) {
                throw new IllegalArgumentException("counter " + name + " cannot decrease (" + amount + ")");
            }
            children.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(amount);
        }

        @Override
        public double value(String... labelValues) {
            DoubleAdder adder = children.get(key(labelValues));
            return adder == null ? 0 : adder.sum();
        }

        @Override
        void write(MetricWriter writer) {
            writer.family(name, MetricType.COUNTER, help, "");
            for (Map.Entry<List<String>, DoubleAdder> child : children.entrySet()) {
                writer.sample(name, labels(child.getKey()), child.getValue().sum());
            }
        }
    }

    private static final class GaugeFamily extends Family implements Gauge {
        private final Map<List<String>, DoubleAdder> children = new ConcurrentHashMap<>();

        GaugeFamily(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
            if (labelNames.length == 0) {
                children.put(List.of(), new DoubleAdder());
            }
        }

        @Override
        MetricType type() {
            return MetricType.GAUGE;
        }

        @Override
        public synchronized void set(double value, String... labelValues) {
            DoubleAdder adder = children.computeIfAbsent(key(labelValues), k -> new DoubleAdder());
            adder.reset();
            adder.add(value);
        }

        @Override
        public void add(double amount, String... labelValues) {
            children.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(amount);
        }

        @Override
        public double value(String... labelValues) {
            DoubleAdder adder = children.get(key(labelValues));
            return adder == null ? 0 : adder.sum();
        }

        @Override
        public void remove(String... labelValues) {
            children.remove(key(labelValues));
        }

        @Override
        void write(MetricWriter writer) {
            writer.family(name, MetricType.GAUGE, help, "");
            for (Map.Entry<List<String>, DoubleAdder> child : children.entrySet()) {
                writer.sample(name, labels(child.getKey()), child.getValue().sum());
            }
        }
    }

    private static final class SummaryFamily extends Family implements Summary {
        /** Prometheus's default MaxAge: quantiles cover this much of the most recent observations. */
        private static final long MAX_AGE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        /** Bounds a child's window: beyond it the oldest observation goes (refreshes, requests: far fewer). */
        private static final int MAX_WINDOW = 65_536;

        /** Sum and count since the start; the recent observations (time, value) for the quantiles. */
        private static final class Child {
            final DoubleAdder sum = new DoubleAdder();
            final LongAdder count = new LongAdder();
            final java.util.ArrayDeque<long[]> window = new java.util.ArrayDeque<>();
        }

        final double[] quantiles;
        private final java.util.function.LongSupplier nanoClock;
        private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

        SummaryFamily(String name, String help, String[] labelNames, double[] quantiles, java.util.function.LongSupplier nanoClock) {
            super(name, help, labelNames);
            this.quantiles = quantiles;
            this.nanoClock = nanoClock;
            if (labelNames.length == 0) {
                children.put(List.of(), new Child());
            }
        }

        @Override
        MetricType type() {
            return MetricType.SUMMARY;
        }

        @Override
        public void observe(double value, String... labelValues) {
            Child child = children.computeIfAbsent(key(labelValues), k -> new Child());
            child.sum.add(value);
            child.count.increment();
            if (quantiles.length > 0) {
                long now = nanoClock.getAsLong();
                synchronized (child.window) {
                    child.window.addLast(new long[] {now, Double.doubleToRawLongBits(value)});
                    if (child.window.size() > MAX_WINDOW) {
                        child.window.removeFirst();
                    }
                }
            }
        }

        @Override
        public void instantiate(String... labelValues) {
            children.computeIfAbsent(key(labelValues), k -> new Child());
        }

        @Override
        public long count(String... labelValues) {
            Child child = children.get(key(labelValues));
            return child == null ? 0 : child.count.sum();
        }

        @Override
        public double sum(String... labelValues) {
            Child child = children.get(key(labelValues));
            return child == null ? 0 : child.sum.sum();
        }

        /** The child's quantiles over the last 10 minutes, by nearest rank; NaN without observations. */
        private double[] quantileValues(Child child) {
            double[] values;
            long oldest = nanoClock.getAsLong() - MAX_AGE_NANOS;
            synchronized (child.window) {
                while (!child.window.isEmpty() && child.window.peekFirst()[0] - oldest < 0) {
                    child.window.removeFirst();
                }
                values = new double[child.window.size()];
                int i = 0;
                for (long[] o : child.window) {
                    values[i++] = Double.longBitsToDouble(o[1]);
                }
            }
            Arrays.sort(values);
            double[] result = new double[quantiles.length];
            for (int i = 0; i < quantiles.length; i++) {
                if (values.length == 0) {
                    result[i] = Double.NaN;
                } else {
                    int rank = (int) Math.ceil(quantiles[i] * values.length);
                    result[i] = values[Math.min(values.length - 1, Math.max(0, rank - 1))];
                }
            }
            return result;
        }

        @Override
        void write(MetricWriter writer) {
            writer.family(name, MetricType.SUMMARY, help, "");
            for (Map.Entry<List<String>, Child> child : children.entrySet()) {
                Labels labels = labels(child.getKey());
                if (quantiles.length > 0) {
                    double[] values = quantileValues(child.getValue());
                    for (int i = 0; i < quantiles.length; i++) {
                        writer.sample(name, labels.toBuilder().set("quantile", goFloat(quantiles[i])).build(), values[i]);
                    }
                }
                writer.sample(name + "_sum", labels, child.getValue().sum.sum());
                writer.sample(name + "_count", labels, child.getValue().count.sum());
            }
        }

        /** A quantile as Go's client writes it: 0.5, 0.99, 1 (shortest form, no trailing .0). */
        static String goFloat(double q) {
            String text = Double.toString(q);
            return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
        }
    }

    private static final class HistogramFamily extends Family implements Histogram {
        /** Per bucket (upper bounds, the last +Inf) its own count; cumulated when written. */
        private record Child(LongAdder[] buckets, DoubleAdder sum, LongAdder count) {
        }

        final double[] bounds;
        private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

        HistogramFamily(String name, String help, String[] labelNames, double[] bounds) {
            super(name, help, labelNames);
            this.bounds = bounds;
            if (labelNames.length == 0) {
                children.put(List.of(), newChild());
            }
        }

        private Child newChild() {
            LongAdder[] buckets = new LongAdder[bounds.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
            return new Child(buckets, new DoubleAdder(), new LongAdder());
        }

        @Override
        MetricType type() {
            return MetricType.HISTOGRAM;
        }

        @Override
        public void observe(double value, String... labelValues) {
            Child child = children.computeIfAbsent(key(labelValues), k -> newChild());
            int i = Arrays.binarySearch(bounds, value);
            child.buckets()[i >= 0 ? i : Math.min(bounds.length - 1, -i - 1)].increment();
            child.sum().add(value);
            child.count().increment();
        }

        @Override
        public void instantiate(String... labelValues) {
            children.computeIfAbsent(key(labelValues), k -> newChild());
        }

        @Override
        public long count(String... labelValues) {
            Child child = children.get(key(labelValues));
            return child == null ? 0 : child.count().sum();
        }

        @Override
        public double sum(String... labelValues) {
            Child child = children.get(key(labelValues));
            return child == null ? 0 : child.sum().sum();
        }

        @Override
        void write(MetricWriter writer) {
            writer.family(name, MetricType.HISTOGRAM, help, "");
            for (Map.Entry<List<String>, Child> child : children.entrySet()) {
                Labels labels = labels(child.getKey());
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += child.getValue().buckets()[i].sum();
                    String le = bounds[i] == Double.POSITIVE_INFINITY ? "+Inf" : SummaryFamily.goFloat(bounds[i]);
                    writer.sample(name + "_bucket", labels.toBuilder().set("le", le).build(), cumulative);
                }
                writer.sample(name + "_sum", labels, child.getValue().sum().sum());
                writer.sample(name + "_count", labels, child.getValue().count().sum());
            }
        }
    }
}
