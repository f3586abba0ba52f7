package ${package};

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The write path of a storage, as an example: an {@link Appender} whose batch becomes visible at
 * {@link Appender#commit} and is gone at {@link Appender#rollback}, for floats (staleness
 * markers bit for bit), integer and float native histograms, and exemplars, which it declares
 * ({@link DeclaredCapabilities}: the server sends it only what it declares). Its
 * {@code MemoryStorageContractTest} runs the kit's {@code AbstractStorageContractTest}.
 *
 * <p>It keeps everything in memory until it is dropped: no retention, no durability. Replace the
 * maps with your store and keep the rules: refuse an older sample ({@code OUT_OF_ORDER}), another
 * value at the newest timestamp ({@code DUPLICATE_TIMESTAMP}) and a malformed histogram
 * ({@code INVALID}) with a {@link StorageException}, the batch carrying on.
 *
 * <p>It is not registered as a service: the server's own samples go to its primary storage (the
 * TSDB). {@link StaticSeriesQueryable} shows how a plugin's data reaches queries (a secondary
 * {@code Queryable}); a storage of this shape can be served the same way, registered as a
 * {@code Queryable} with {@code queryable.role=secondary} once something appends to it.
 * Thread-safe: appenders and queriers may be used from many threads, each appender by one.
 */
public final class MemoryStorage implements Storage, ExemplarQueryable, DeclaredCapabilities {

    /** An exemplar's labels may hold 128 characters in all, as Prometheus's. */
    static final int EXEMPLAR_LABELS_MAX = 128;

    /** One sample: a float ({@code h} and {@code fh} null) or a native histogram. */
    private record Sample(long t, double v, Histogram h, FloatHistogram fh) {
        boolean sameAs(Sample o) {
            return t == o.t && Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(o.v)
                    && java.util.Objects.equals(h, o.h) && java.util.Objects.equals(fh, o.fh);
        }
    }

    /** Committed series, sorted by labels (a sorted select walks them in order). Guarded by {@code this}. */
    private final Map<Labels, List<Sample>> series = new TreeMap<>();
    private final Map<Labels, List<Exemplar>> exemplars = new TreeMap<>();
    /** Series references: a hint for the caller, never needed here (every call carries the labels). */
    private final Map<Labels, Long> refs = new HashMap<>();
    private long oldest = Long.MAX_VALUE;

    @Override
    public Set<StorageCapability> capabilities() {
        return EnumSet.of(StorageCapability.NATIVE_HISTOGRAMS, StorageCapability.EXEMPLARS);
    }

    @Override
    public synchronized long startTime() {
        return oldest;
    }

    private synchronized long ref(Labels labels) {
        return refs.computeIfAbsent(labels, l -> (long) refs.size() + 1);
    }

    private synchronized Sample newestCommitted(Labels labels) {
        List<Sample> samples = series.get(labels);
        return samples == null || samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    private synchronized Exemplar newestExemplar(Labels labels) {
        List<Exemplar> list = exemplars.get(labels);
        return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
    }

    @Override
    public Appender appender() {
        return new Appender() {
            /** The batch, in append order; visible only once committed. */
            private final Map<Labels, List<Sample>> pending = new LinkedHashMap<>();
            private final Map<Labels, List<Exemplar>> pendingExemplars = new LinkedHashMap<>();

            private long add(Labels labels, Sample sample) {
                List<Sample> batch = pending.get(labels);
                Sample newest = batch == null || batch.isEmpty() ? newestCommitted(labels) : batch.get(batch.size() - 1);
                if (newest != null && sample.t() < newest.t()) {
                    throw new StorageException(Reason.OUT_OF_ORDER, "out of order sample");
                }
                if (newest != null && sample.t() == newest.t()) {
                    if (sample.sameAs(newest)) {
                        return ref(labels); // an exact duplicate (a scrape repeated) is accepted and kept once
                    }
                    throw new StorageException(Reason.DUPLICATE_TIMESTAMP, "duplicate sample for timestamp");
                }
                pending.computeIfAbsent(labels, l -> new ArrayList<>()).add(sample);
                return ref(labels);
            }

            @Override
            public long append(long ref, Labels labels, long timestamp, double value) {
                return add(labels, new Sample(timestamp, value, null, null));
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
                try {
                    histogram.validate();
                } catch (RuntimeException e) {
                    throw new StorageException(Reason.INVALID, e.getMessage());
                }
                // A copy: the caller may reuse its object once this returns.
                return add(labels, new Sample(timestamp, Double.NaN, histogram.copy(), null));
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
                try {
                    histogram.validate();
                } catch (RuntimeException e) {
                    throw new StorageException(Reason.INVALID, e.getMessage());
                }
                return add(labels, new Sample(timestamp, Double.NaN, null, histogram.copy()));
            }

            @Override
            public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
                if (!exemplar.hasTimestamp()) {
                    throw new StorageException(Reason.INVALID, "exemplar without a timestamp");
                }
                int[] length = {0};
                exemplar.labels().forEach((name, value) -> length[0] += name.codePointCount(0, name.length())
                        + value.codePointCount(0, value.length()));
                if (length[0] > EXEMPLAR_LABELS_MAX) {
                    throw new StorageException(Reason.INVALID, "exemplar labels longer than " + EXEMPLAR_LABELS_MAX + " characters");
                }
                List<Exemplar> batch = pendingExemplars.get(labels);
                Exemplar newest = batch == null || batch.isEmpty() ? newestExemplar(labels) : batch.get(batch.size() - 1);
                if (exemplar.equals(newest)) {
                    return ref(labels);
                }
                if (newest != null && exemplar.timestamp() < newest.timestamp()) {
                    throw new StorageException(Reason.OUT_OF_ORDER, "out of order exemplar");
                }
                pendingExemplars.computeIfAbsent(labels, l -> new ArrayList<>()).add(exemplar);
                return ref(labels);
            }

            @Override
            public void commit() {
                synchronized (MemoryStorage.this) {
                    pending.forEach((labels, batch) -> {
                        List<Sample> samples = series.computeIfAbsent(labels, l -> new ArrayList<>());
                        for (Sample s : batch) {
                            insert(samples, s);
                            oldest = Math.min(oldest, s.t());
                        }
                    });
                    pendingExemplars.forEach((labels, batch) -> exemplars.computeIfAbsent(labels, l -> new ArrayList<>()).addAll(batch));
                }
                rollback();
            }

            @Override
            public void rollback() {
                pending.clear();
                pendingExemplars.clear();
            }
        };
    }

    /**
     * Adds {@code s} in time order. Two appenders writing one series at once may commit out of
     * order; each checked its samples against what was committed when it appended.
     */
    private static void insert(List<Sample> samples, Sample s) {
        int i = samples.size();
        while (i > 0 && samples.get(i - 1).t() > s.t()) {
            i--;
        }
        if (i > 0 && samples.get(i - 1).t() == s.t()) {
            return; // the first committed value at a timestamp stays
        }
        samples.add(i, s);
    }

    static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher matcher : matchers) {
            String value = labels.get(matcher.name());
            if (!matcher.matches(value == null ? "" : value)) {
                return false;
            }
        }
        return true;
    }

    /** A querier over a copy of what was committed when it opened, within its time range. */
    @Override
    public synchronized Querier querier(long minTime, long maxTime) {
        Map<Labels, List<Sample>> snapshot = new TreeMap<>();
        series.forEach((labels, samples) -> {
            List<Sample> in = samples.stream().filter(s -> s.t() >= minTime && s.t() <= maxTime).toList();
            if (!in.isEmpty()) {
                snapshot.put(labels, in);
            }
        });
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
                    return SeriesSet.failed(new IllegalArgumentException("at least one matcher must not match the empty string"));
                }
                List<Series> found = new ArrayList<>();
                snapshot.forEach((labels, samples) -> {
                    if (matches(labels, matchers)) {
                        found.add(series(labels, samples));
                    }
                });
                return SeriesSet.ofList(found);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                TreeSet<String> values = new TreeSet<>();
                snapshot.keySet().stream().filter(l -> matches(l, matchers)).map(l -> l.get(name))
                        .filter(v -> v != null && !v.isEmpty()).forEach(values::add);
                return List.copyOf(values);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                TreeSet<String> names = new TreeSet<>();
                snapshot.keySet().stream().filter(l -> matches(l, matchers)).forEach(l -> l.forEach((name, value) -> names.add(name)));
                return List.copyOf(names);
            }

            @Override
            public void close() {
                // The snapshot is garbage once the caller drops the querier.
            }
        };
    }

    private static Series series(Labels labels, List<Sample> samples) {
        return new Series() {
            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                int n = samples.size();
                long[] ts = new long[n];
                double[] vs = new double[n];
                Histogram[] hs = new Histogram[n];
                FloatHistogram[] fhs = new FloatHistogram[n];
                for (int i = 0; i < n; i++) {
                    Sample s = samples.get(i);
                    ts[i] = s.t();
                    vs[i] = s.v();
                    hs[i] = s.h();
                    fhs[i] = s.fh();
                }
                return new ArraySampleIterator(ts, vs, hs, fhs);
            }
        };
    }

    @Override
    public synchronized List<SeriesExemplars> selectExemplars(long start, long end, List<List<Matcher>> matcherSets) {
        List<SeriesExemplars> found = new ArrayList<>();
        exemplars.forEach((labels, list) -> {
            if (matcherSets.stream().anyMatch(set -> matches(labels, set))) {
                List<Exemplar> in = list.stream().filter(e -> e.timestamp() >= start && e.timestamp() <= end).toList();
                if (!in.isEmpty()) {
                    found.add(new SeriesExemplars(labels, in));
                }
            }
        });
        return found;
    }
}
