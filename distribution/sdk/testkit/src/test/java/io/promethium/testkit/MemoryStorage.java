package io.promethium.testkit;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small in-memory storage that keeps the storage contract, for the kit's own tests: with no
 * {@link Break} it passes {@link AbstractStorageContractTest}; each break violates one rule, and
 * the kit's test checks that the base catches it.
 */
final class MemoryStorage implements Storage, ExemplarQueryable, MetadataQueryable, DeclaredCapabilities {

    /** One deliberate violation of the contract. */
    enum Break {
        /** Older samples are kept. */
        ACCEPTS_OUT_OF_ORDER,
        /** Another value at the newest timestamp overwrites it. */
        OVERWRITES_DUPLICATES,
        /** Native histograms are dropped without an error. */
        DROPS_HISTOGRAMS,
        /** Rollback commits. */
        ROLLBACK_COMMITS,
        /** Regex matchers are not anchored. */
        UNANCHORED_REGEX,
        /** The querier ignores its time range. */
        IGNORES_TIME_RANGE,
        /** Staleness markers come back as a plain NaN. */
        LOSES_STALE_BITS,
        /** A series is made at append and selected, without samples, before commit and after rollback. */
        LISTS_SERIES_WITHOUT_SAMPLES,
        /** Declares START_TIMESTAMPS yet drops them (Appender's default). */
        CLAIMS_START_TIMESTAMPS,
        /** A series answers the same iterator object to every call. */
        SHARES_ONE_ITERATOR
    }

    private record Sample(long t, double v, Histogram h, FloatHistogram fh) {
    }

    private final Set<Break> breaks;
    private final Map<Labels, List<Sample>> data = new TreeMap<>();
    private final Map<Labels, List<Exemplar>> exemplars = new TreeMap<>();
    private final Map<Labels, Metadata> metadata = new TreeMap<>();

    MemoryStorage(Break... breaks) {
        this.breaks = breaks.length == 0 ? EnumSet.noneOf(Break.class) : EnumSet.of(breaks[0], breaks);
    }

    @Override
    public long startTime() {
        return Long.MIN_VALUE;
    }

    @Override
    public Set<StorageCapability> capabilities() {
        Set<StorageCapability> kept = EnumSet.of(StorageCapability.NATIVE_HISTOGRAMS, StorageCapability.EXEMPLARS, StorageCapability.METADATA);
        if (breaks.contains(Break.CLAIMS_START_TIMESTAMPS)) {
            kept.add(StorageCapability.START_TIMESTAMPS);
        }
        return kept;
    }

    @Override
    public synchronized Appender appender() {
        return new Appender() {
            private final List<Runnable> pending = new ArrayList<>();
            private final Map<Labels, Long> newest = new TreeMap<>();

            private long add(Labels labels, Sample s) {
                long last;
                Sample committed;
                synchronized (MemoryStorage.this) {
                    if (breaks.contains(Break.LISTS_SERIES_WITHOUT_SAMPLES)) {
                        data.computeIfAbsent(labels, k -> new ArrayList<>());
                    }
                    List<Sample> list = data.get(labels);
                    committed = list == null || list.isEmpty() ? null : list.get(list.size() - 1);
                    last = Math.max(committed == null ? Long.MIN_VALUE : committed.t(), newest.getOrDefault(labels, Long.MIN_VALUE));
                }
                if (s.t() < last && !breaks.contains(Break.ACCEPTS_OUT_OF_ORDER)) {
                    throw new StorageException(Reason.OUT_OF_ORDER, "out of order sample");
                }
                if (committed != null && s.t() == committed.t()) {
                    if (Double.doubleToRawLongBits(s.v()) == Double.doubleToRawLongBits(committed.v()) && s.h() == null && s.fh() == null) {
                        return 1 + (labels.hashCode() & 0xffff);
                    }
                    if (!breaks.contains(Break.OVERWRITES_DUPLICATES)) {
                        throw new StorageException(Reason.DUPLICATE_TIMESTAMP, "duplicate sample for timestamp");
                    }
                }
                newest.merge(labels, s.t(), Math::max);
                pending.add(() -> {
                    List<Sample> list = data.computeIfAbsent(labels, k -> new ArrayList<>());
                    list.removeIf(o -> o.t() == s.t());
                    list.add(s);
                    list.sort((a, b) -> Long.compare(a.t(), b.t()));
                });
                return 1 + (labels.hashCode() & 0xffff);
            }

            @Override
            public long append(long ref, Labels labels, long timestamp, double value) {
                double v = breaks.contains(Break.LOSES_STALE_BITS) && Double.isNaN(value) ? Double.NaN : value;
                return add(labels, new Sample(timestamp, v, null, null));
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
                if (breaks.contains(Break.DROPS_HISTOGRAMS)) {
                    return 1;
                }
                try {
                    histogram.validate();
                } catch (RuntimeException e) {
                    throw new StorageException(Reason.INVALID, e.getMessage());
                }
                return add(labels, new Sample(timestamp, Double.NaN, histogram.copy(), null));
            }

            @Override
            public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
                if (breaks.contains(Break.DROPS_HISTOGRAMS)) {
                    return 1;
                }
                return add(labels, new Sample(timestamp, Double.NaN, null, histogram.copy()));
            }

            @Override
            public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
                if (!exemplar.hasTimestamp()) {
                    throw new StorageException(Reason.INVALID, "exemplar without timestamp");
                }
                synchronized (MemoryStorage.this) {
                    List<Exemplar> list = exemplars.computeIfAbsent(labels, k -> new ArrayList<>());
                    Exemplar last = list.isEmpty() ? null : list.get(list.size() - 1);
                    if (exemplar.equals(last)) {
                        return ref;
                    }
                    if (last != null && exemplar.timestamp() < last.timestamp()) {
                        throw new StorageException(Reason.OUT_OF_ORDER, "out of order exemplar");
                    }
                    list.add(exemplar);
                }
                return ref;
            }

            @Override
            public long updateMetadata(long ref, Labels labels, Metadata m) {
                synchronized (MemoryStorage.this) {
                    metadata.put(labels, m);
                }
                return ref;
            }

            @Override
            public void commit() {
                synchronized (MemoryStorage.this) {
                    pending.forEach(Runnable::run);
                }
                pending.clear();
            }

            @Override
            public void rollback() {
                if (breaks.contains(Break.ROLLBACK_COMMITS)) {
                    commit();
                }
                pending.clear();
            }
        };
    }

    private boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            String v = labels.has(m.name()) ? labels.get(m.name()) : "";
            boolean ok = breaks.contains(Break.UNANCHORED_REGEX) && m.type() == io.promethium.api.model.MatchType.REGEX
                    ? java.util.regex.Pattern.compile(m.value()).matcher(v).find() : m.matches(v);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized Querier querier(long minTime, long maxTime) {
        long mint = breaks.contains(Break.IGNORES_TIME_RANGE) ? Long.MIN_VALUE : minTime;
        long maxt = breaks.contains(Break.IGNORES_TIME_RANGE) ? Long.MAX_VALUE : maxTime;
        Map<Labels, List<Sample>> snapshot = new TreeMap<>();
        data.forEach((l, list) -> {
            List<Sample> in = list.stream().filter(s -> s.t() >= mint && s.t() <= maxt).toList();
            if (!in.isEmpty() || (list.isEmpty() && breaks.contains(Break.LISTS_SERIES_WITHOUT_SAMPLES))) {
                snapshot.put(l, in);
            }
        });
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, io.promethium.api.storage.SelectHints hints, List<Matcher> matchers) {
                if (matchers.stream().allMatch(m -> m.matches(""))) {
                    return SeriesSet.failed(new IllegalArgumentException("at least one matcher must not match the empty string"));
                }
                List<Series> out = new ArrayList<>();
                snapshot.forEach((labels, samples) -> {
                    if (matches(labels, matchers)) {
                        out.add(series(labels, samples, breaks.contains(Break.SHARES_ONE_ITERATOR)));
                    }
                });
                return SeriesSet.ofList(out);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                Set<String> out = new TreeSet<>();
                snapshot.keySet().stream().filter(l -> matches(l, matchers) && l.has(name)).forEach(l -> out.add(l.get(name)));
                return List.copyOf(out);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                Set<String> out = new TreeSet<>();
                snapshot.keySet().stream().filter(l -> matches(l, matchers)).forEach(l -> out.addAll(l.names()));
                return List.copyOf(out);
            }

            @Override
            public void close() {
            }
        };
    }

    private static Series series(Labels labels, List<Sample> samples, boolean sharesOneIterator) {
        return new Series() {
            private SampleIterator only;

            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public synchronized SampleIterator iterator(SampleIterator reuse) {
                if (sharesOneIterator && only != null) {
                    return only;
                }
                only = made();
                return only;
            }

            private SampleIterator made() {
                int n = samples.size();
                long[] ts = new long[n];
                double[] vs = new double[n];
                Histogram[] hs = new Histogram[n];
                FloatHistogram[] fhs = new FloatHistogram[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = samples.get(i).t();
                    vs[i] = samples.get(i).v();
                    hs[i] = samples.get(i).h();
                    fhs[i] = samples.get(i).fh();
                }
                return new ArraySampleIterator(ts, vs, hs, fhs);
            }
        };
    }

    @Override
    public synchronized List<SeriesExemplars> selectExemplars(long start, long end, List<List<Matcher>> matcherSets) {
        List<SeriesExemplars> out = new ArrayList<>();
        exemplars.forEach((labels, list) -> {
            if (matcherSets.stream().anyMatch(ms -> matches(labels, ms))) {
                List<Exemplar> in = list.stream().filter(e -> e.timestamp() >= start && e.timestamp() <= end).toList();
                if (!in.isEmpty()) {
                    out.add(new SeriesExemplars(labels, in));
                }
            }
        });
        return out;
    }

    @Override
    public synchronized List<SeriesMetadata> selectMetadata(List<Matcher> matchers) {
        List<SeriesMetadata> out = new ArrayList<>();
        metadata.forEach((labels, m) -> {
            if (matches(labels, matchers)) {
                out.add(new SeriesMetadata(labels, m));
            }
        });
        return out;
    }
}
