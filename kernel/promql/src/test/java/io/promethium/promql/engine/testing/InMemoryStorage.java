package io.promethium.promql.engine.testing;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A storage for tests: series sorted by labels, each a pair of growing primitive arrays. Samples
 * must arrive in time order per series; a sample at an existing timestamp replaces it.
 */
public final class InMemoryStorage implements Storage {

    private final ConcurrentSkipListMap<Labels, MemSeries> series = new ConcurrentSkipListMap<>();

    /** A series a select returned, with the time range of the querier that selected it. */
    public record Selection(Labels labels, long minTime, long maxTime) {
    }

    /** Null unless recording: what selects returned, for tests that ask which data a query read. */
    private volatile List<Selection> selections;

    /** Starts recording what selects return, dropping what was recorded before. */
    public void recordSelections() {
        selections = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    /** What selects returned since {@link #recordSelections()}; recording stops. */
    public List<Selection> stopRecordingSelections() {
        List<Selection> recorded = selections;
        selections = null;
        return recorded == null ? List.of() : List.copyOf(recorded);
    }

    /** Adds one sample directly (outside any appender batch). */
    public void add(Labels labels, long t, double v) {
        series.computeIfAbsent(labels, MemSeries::new).add(t, v, null);
    }

    /** Adds one native histogram sample directly. */
    public void add(Labels labels, long t, io.promethium.api.model.FloatHistogram h) {
        series.computeIfAbsent(labels, MemSeries::new).add(t, 0, h);
    }

    /** Adds one float sample with its start timestamp ({@link SampleIterator#NO_START_TIMESTAMP} for none). */
    public void add(Labels labels, long st, long t, double v) {
        series.computeIfAbsent(labels, MemSeries::new).add(st, t, v, null);
    }

    /** Adds one native histogram sample with its start timestamp. */
    public void add(Labels labels, long st, long t, io.promethium.api.model.FloatHistogram h) {
        series.computeIfAbsent(labels, MemSeries::new).add(st, t, 0, h);
    }

    public void clear() {
        series.clear();
    }

    public int seriesCount() {
        return series.size();
    }

    @Override
    public long startTime() {
        long min = Long.MAX_VALUE;
        for (MemSeries s : series.values()) {
            if (s.size > 0) {
                min = Math.min(min, s.ts[0]);
            }
        }
        return min;
    }

    @Override
    public Appender appender() {
        return new Appender() {
            private final List<Object[]> pending = new ArrayList<>();

            @Override
            public long append(long ref, Labels labels, long timestamp, double value) {
                pending.add(new Object[] {labels, timestamp, value});
                return 1;
            }

            @Override
            public long appendWithStart(long ref, Labels labels, long st, long timestamp, double value) {
                pending.add(new Object[] {labels, timestamp, value, st});
                return 1;
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, io.promethium.api.model.FloatHistogram h) {
                pending.add(new Object[] {labels, timestamp, h.copy()});
                return 1;
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, io.promethium.api.model.Histogram h) {
                pending.add(new Object[] {labels, timestamp, h.toFloat()});
                return 1;
            }

            @Override
            public long appendHistogramWithStart(long ref, Labels labels, long st, long timestamp, io.promethium.api.model.FloatHistogram h) {
                pending.add(new Object[] {labels, timestamp, h.copy(), st});
                return 1;
            }

            @Override
            public long appendHistogramWithStart(long ref, Labels labels, long st, long timestamp, io.promethium.api.model.Histogram h) {
                pending.add(new Object[] {labels, timestamp, h.toFloat(), st});
                return 1;
            }

            @Override
            public void commit() {
                for (Object[] p : pending) {
                    long st = p.length > 3 ? (Long) p[3] : SampleIterator.NO_START_TIMESTAMP;
                    if (p[2] instanceof io.promethium.api.model.FloatHistogram h) {
                        add((Labels) p[0], st, (Long) p[1], h);
                    } else {
                        add((Labels) p[0], st, (Long) p[1], (Double) p[2]);
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
        return new MemQuerier(minTime, maxTime);
    }

    private static final class MemSeries {
        final Labels labels;
        long[] ts = new long[8];
        double[] vs = new double[8];
        /** Null while the series holds floats only. */
        io.promethium.api.model.FloatHistogram[] hs;
        /** Start timestamps beside {@code ts}; null while no sample had one. */
        long[] sts;
        int size;

        MemSeries(Labels labels) {
            this.labels = labels;
        }

        void add(long t, double v, io.promethium.api.model.FloatHistogram h) {
            add(SampleIterator.NO_START_TIMESTAMP, t, v, h);
        }

        synchronized void add(long st, long t, double v, io.promethium.api.model.FloatHistogram h) {
            if (h != null && hs == null) {
                hs = new io.promethium.api.model.FloatHistogram[ts.length];
            }
            if (st != SampleIterator.NO_START_TIMESTAMP && sts == null) {
                sts = new long[ts.length];
            }
            if (size > 0 && ts[size - 1] >= t) {
                int i = Arrays.binarySearch(ts, 0, size, t);
                if (i >= 0) {
                    vs[i] = v;
                    if (hs != null) {
                        hs[i] = h;
                    }
                    if (sts != null) {
                        sts[i] = st;
                    }
                    return;
                }
                throw new StorageException(StorageException.Reason.OUT_OF_ORDER, "out of order sample for " + labels + " at " + t);
            }
            if (size == ts.length) {
                ts = Arrays.copyOf(ts, size * 2);
                vs = Arrays.copyOf(vs, size * 2);
                if (hs != null) {
                    hs = Arrays.copyOf(hs, size * 2);
                }
                if (sts != null) {
                    sts = Arrays.copyOf(sts, size * 2);
                }
            }
            ts[size] = t;
            vs[size] = v;
            if (hs != null) {
                hs[size] = h;
            }
            if (sts != null) {
                sts[size] = st;
            }
            size++;
        }
    }

    private final class MemQuerier implements Querier {
        private final long minTime;
        private final long maxTime;

        MemQuerier(long minTime, long maxTime) {
            this.minTime = minTime;
            this.maxTime = maxTime;
        }

        private boolean matches(Labels labels, List<Matcher> matchers) {
            for (Matcher m : matchers) {
                if (!m.matches(labels.get(m.name()))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
            List<Series> out = new ArrayList<>();
            for (MemSeries s : series.values()) {
                if (!matches(s.labels, matchers)) {
                    continue;
                }
                long[] ts;
                double[] vs;
                io.promethium.api.model.FloatHistogram[] hs;
                long[] sts;
                int size;
                synchronized (s) {
                    ts = s.ts;
                    vs = s.vs;
                    hs = s.hs;
                    sts = s.sts;
                    size = s.size;
                }
                int from = lowerBound(ts, size, minTime);
                int to = lowerBound(ts, size, maxTime == Long.MAX_VALUE ? Long.MAX_VALUE : maxTime + 1);
                if (from >= to) {
                    continue;
                }
                out.add(new ArraySeries(s.labels, ts, vs, hs, sts, from, to));
                List<Selection> recording = selections;
                if (recording != null) {
                    recording.add(new Selection(s.labels, minTime, maxTime));
                }
            }
            return SeriesSet.ofList(out);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            TreeSet<String> values = new TreeSet<>();
            for (MemSeries s : series.values()) {
                if (matches(s.labels, matchers) && s.labels.has(name)) {
                    values.add(s.labels.get(name));
                }
            }
            return List.copyOf(values);
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            TreeMap<String, Boolean> names = new TreeMap<>();
            for (MemSeries s : series.values()) {
                if (matches(s.labels, matchers)) {
                    s.labels.forEach((n, v) -> names.put(n, true));
                }
            }
            return List.copyOf(names.keySet());
        }

        @Override
        public void close() {
        }
    }

    private static int lowerBound(long[] ts, int size, long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private record ArraySeries(Labels labels, long[] ts, double[] vs, io.promethium.api.model.FloatHistogram[] hs, long[] sts, int from,
            int to) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            ArrayIterator it = reuse instanceof ArrayIterator a ? a : new ArrayIterator();
            it.reset(ts, vs, hs, sts, from, to);
            return it;
        }
    }

    /** Iterates a slice of primitive arrays; reusable across series. */
    private static final class ArrayIterator implements SampleIterator {
        private long[] ts;
        private double[] vs;
        private io.promethium.api.model.FloatHistogram[] hs;
        private long[] sts;
        private int from;
        private int pos;
        private int to;

        void reset(long[] ts, double[] vs, io.promethium.api.model.FloatHistogram[] hs, long[] sts, int from, int to) {
            this.ts = ts;
            this.vs = vs;
            this.hs = hs;
            this.sts = sts;
            this.from = from;
            this.pos = from - 1;
            this.to = to;
        }

        @Override
        public boolean next() {
            if (pos < to) {
                pos++;
            }
            return pos < to;
        }

        @Override
        public boolean seek(long t) {
            if (pos < from) {
                pos = from;
            }
            while (pos < to && ts[pos] < t) {
                pos++;
            }
            return pos < to;
        }

        @Override
        public long timestamp() {
            return ts[pos];
        }

        @Override
        public double value() {
            return vs[pos];
        }

        @Override
        public long startTimestamp() {
            return sts == null ? NO_START_TIMESTAMP : sts[pos];
        }

        @Override
        public io.promethium.api.storage.ValueType valueType() {
            if (pos < from || pos >= to) {
                return io.promethium.api.storage.ValueType.NONE;
            }
            return hs != null && hs[pos] != null ? io.promethium.api.storage.ValueType.FLOAT_HISTOGRAM
                    : io.promethium.api.storage.ValueType.FLOAT;
        }

        @Override
        public io.promethium.api.model.FloatHistogram floatHistogram() {
            if (hs == null || hs[pos] == null) {
                throw new IllegalStateException("not a histogram");
            }
            return hs[pos];
        }
    }
}
