package io.promethium.rules.internal.storage;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small in-memory storage for rule unit tests ({@code test rules}) and the rules' own tests:
 * primitive arrays per series, in-order appends only, visible at commit. Thread-safe by one lock.
 * Native histograms are kept as float histograms, each read back with the counter-reset hint
 * promtool 3's test storage gives it: {@link HeadChunkModel} follows where Prometheus's head cuts
 * the series' chunks ({@code unknown} first in a chunk, {@code not_reset} after, {@code gauge} in
 * a gauge chunk), so {@code test rules} shows what promtool shows.
 */
public final class MemoryStorage implements Storage {

    private final TreeMap<Labels, SeriesData> series = new TreeMap<>();
    /** The same series by hash, for appends (the tree is for ordered selects). Guarded by {@link #series}. */
    private final java.util.HashMap<Labels, SeriesData> index = new java.util.HashMap<>();

    /** Samples of one series in time order. */
    private static final class SeriesData {
        long[] times = new long[16];
        double[] values = new double[16];
        /** Null until the series' first histogram; then {@code hists[i]} is sample i's histogram or null. */
        FloatHistogram[] hists;
        int size;
        /** Where Prometheus's head would cut this series' chunks, for the hints read back. */
        final HeadChunkModel chunks = new HeadChunkModel();

        void add(long t, double v) {
            add(t, v, null);
        }

        void add(long t, double v, FloatHistogram h) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
                if (hists != null) {
                    hists = Arrays.copyOf(hists, size * 2);
                }
            }
            if (h != null) {
                if (hists == null) {
                    hists = new FloatHistogram[times.length];
                }
                if (h.isStale()) {
                    chunks.appendHistogram(t, null);
                } else {
                    CounterResetHint hint = chunks.appendHistogram(t, h);
                    if (hint != h.counterResetHint()) {
                        h = withHint(h, hint);
                    }
                }
                hists[size] = h;
            } else {
                chunks.appendFloat(t, v);
                if (hists != null) {
                    hists[size] = null;
                }
            }
            times[size] = t;
            values[size] = v;
            size++;
        }

        long lastTime() {
            return size == 0 ? Long.MIN_VALUE : times[size - 1];
        }
    }

    private static FloatHistogram withHint(FloatHistogram h, CounterResetHint hint) {
        FloatHistogram c = h.copy();
        return c.set(hint, c.schema(), c.zeroThreshold(), c.zeroCount(), c.count(), c.sum(), c.positiveSpans(),
                c.positiveBuckets(), c.positiveBucketCount(), c.negativeSpans(), c.negativeBuckets(), c.negativeBucketCount(),
                Arrays.copyOf(c.customValues(), c.customValueCount()));
    }

    @Override
    public long startTime() {
        synchronized (series) {
            long min = Long.MAX_VALUE;
            for (SeriesData d : series.values()) {
                if (d.size > 0) {
                    min = Math.min(min, d.times[0]);
                }
            }
            return min;
        }
    }

    /** Every series with its sample count, for tests. */
    public Map<Labels, Integer> seriesCounts() {
        synchronized (series) {
            Map<Labels, Integer> out = new TreeMap<>();
            series.forEach((l, d) -> out.put(l, d.size));
            return out;
        }
    }

    @Override
    public Appender appender() {
        return new Appender() {
            private final List<Object[]> pending = new ArrayList<>();

            @Override
            public long append(long ref, Labels labels, long timestamp, double value) {
                synchronized (series) {
                    SeriesData d = index.get(labels);
                    if (d != null && d.size > 0) {
                        long last = d.lastTime();
                        if (timestamp < last) {
                            throw new StorageException(StorageException.Reason.OUT_OF_ORDER,
                                    "out of order sample for " + labels + " at " + timestamp);
                        }
                        if (timestamp == last && Double.doubleToRawLongBits(value)
                                != Double.doubleToRawLongBits(d.values[d.size - 1])) {
                            throw new StorageException(StorageException.Reason.DUPLICATE_TIMESTAMP,
                                    "duplicate sample for timestamp " + timestamp + " of " + labels);
                        }
                    }
                }
                pending.add(new Object[] {labels, timestamp, value});
                return 1;
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
                return appendHistogram(ref, labels, timestamp, histogram.toFloat());
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
                synchronized (series) {
                    SeriesData d = index.get(labels);
                    if (d != null && d.size > 0 && timestamp < d.lastTime()) {
                        throw new StorageException(StorageException.Reason.OUT_OF_ORDER,
                                "out of order sample for " + labels + " at " + timestamp);
                    }
                }
                pending.add(new Object[] {labels, timestamp, 0.0, histogram.copy()});
                return 1;
            }

            @Override
            public void commit() {
                synchronized (series) {
                    for (Object[] p : pending) {
                        Labels labels = (Labels) p[0];
                        long t = (Long) p[1];
                        SeriesData d = index.get(labels);
                        if (d == null) {
                            d = new SeriesData();
                            index.put(labels, d);
                            series.put(labels, d);
                        }
                        if (t > d.lastTime()) {
                            d.add(t, (Double) p[2], p.length > 3 ? (FloatHistogram) p[3] : null);
                        }
                    }
                }
                pending.clear();
            }

            @Override
            public void rollback() {
                pending.clear();
            }
        };
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
                    return SeriesSet.failed(new IllegalArgumentException(
                            "vector selector must contain at least one non-empty matcher"));
                }
                List<Series> out = new ArrayList<>();
                synchronized (series) {
                    for (Map.Entry<Labels, SeriesData> e : series.entrySet()) {
                        if (!matches(e.getKey(), matchers)) {
                            continue;
                        }
                        SeriesData d = e.getValue();
                        int from = lowerBound(d, minTime);
                        int to = lowerBound(d, maxTime + 1);
                        if (from >= to) {
                            continue;
                        }
                        long[] ts = Arrays.copyOfRange(d.times, from, to);
                        double[] vs = Arrays.copyOfRange(d.values, from, to);
                        FloatHistogram[] hs = d.hists == null ? null : Arrays.copyOfRange(d.hists, from, to);
                        Labels labels = e.getKey();
                        out.add(new Series() {
                            @Override
                            public Labels labels() {
                                return labels;
                            }

                            @Override
                            public SampleIterator iterator(SampleIterator reuse) {
                                return new ArraySampleIterator(ts, vs, null, hs);
                            }
                        });
                    }
                }
                return SeriesSet.ofList(out);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                TreeSet<String> values = new TreeSet<>(Labels.STRING_ORDER);
                synchronized (series) {
                    for (Labels l : series.keySet()) {
                        if (l.has(name) && matches(l, matchers)) {
                            values.add(l.get(name));
                        }
                    }
                }
                return List.copyOf(values);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                TreeSet<String> names = new TreeSet<>(Labels.STRING_ORDER);
                synchronized (series) {
                    for (Labels l : series.keySet()) {
                        if (matches(l, matchers)) {
                            names.addAll(l.names());
                        }
                    }
                }
                return List.copyOf(names);
            }

            @Override
            public void close() {
            }
        };
    }

    private static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    private static int lowerBound(SeriesData d, long t) {
        int lo = 0;
        int hi = d.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (d.times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
