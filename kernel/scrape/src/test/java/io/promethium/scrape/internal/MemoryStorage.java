package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory storage for tests: committed samples per series, the Prometheus ordering rules
 * (older than newest: out of order; same time, other value: duplicate), and counters of
 * appenders, commits and rollbacks.
 */
final class MemoryStorage implements Storage {
    /** A native histogram appended (a kept copy of a Histogram or FloatHistogram), in append order. */
    record HistogramSample(Labels labels, long timestamp, Object histogram) {
    }

    final List<HistogramSample> histograms = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.Map<Labels, io.promethium.api.model.Metadata> metadata = new java.util.concurrent.ConcurrentHashMap<>();
    /** Start timestamps appended, keyed by {@code labels + "@" + timestamp}. */
    final java.util.Map<String, Long> starts = new java.util.concurrent.ConcurrentHashMap<>();

    /** The start timestamp appended with the sample of {@code labels} at {@code timestamp}, or null. */
    Long startAt(Labels labels, long timestamp) {
        return starts.get(labels + "@" + timestamp);
    }

    record Sample(long timestamp, double value) {
        boolean isStale() {
            return StaleMarker.isStale(value);
        }
    }

    private final Map<Labels, List<Sample>> series = new HashMap<>();
    private final Map<Long, Labels> byRef = new HashMap<>();
    private final Map<Labels, Long> refs = new HashMap<>();
    final AtomicInteger commits = new AtomicInteger();
    /** When set, every commit fails with this message (a storage that cannot write). */
    volatile String failCommits;
    final AtomicInteger rollbacks = new AtomicInteger();
    final AtomicInteger lookupsByLabels = new AtomicInteger();
    final java.util.List<io.promethium.api.model.Exemplar> exemplars = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized long startTime() {
        return Long.MAX_VALUE;
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return Querier.empty();
    }

    synchronized List<Sample> samples(Labels labels) {
        return List.copyOf(series.getOrDefault(labels, List.of()));
    }

    synchronized Map<Labels, List<Sample>> all() {
        Map<Labels, List<Sample>> copy = new HashMap<>();
        series.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    /** The value of a series at exactly {@code timestamp}, or null. */
    synchronized Double valueAt(Labels labels, long timestamp) {
        for (Sample s : series.getOrDefault(labels, List.of())) {
            if (s.timestamp() == timestamp) {
                return s.value();
            }
        }
        return null;
    }

    /** Series with a sample at {@code timestamp}, stale markers excluded. */
    synchronized int seriesWithSampleAt(long timestamp) {
        int n = 0;
        for (List<Sample> samples : series.values()) {
            for (Sample s : samples) {
                if (s.timestamp() == timestamp && !s.isStale()) {
                    n++;
                }
            }
        }
        return n;
    }

    private synchronized long ref(Labels labels) {
        lookupsByLabels.incrementAndGet();
        return refs.computeIfAbsent(labels, l -> {
            long ref = refs.size() + 1L;
            byRef.put(ref, l);
            return ref;
        });
    }

    private synchronized void commit(List<Labels> labels, List<Sample> samples) {
        for (int i = 0; i < labels.size(); i++) {
            series.computeIfAbsent(labels.get(i), l -> new ArrayList<>()).add(samples.get(i));
        }
        commits.incrementAndGet();
    }

    private synchronized Sample last(Labels labels) {
        List<Sample> s = series.get(labels);
        return s == null || s.isEmpty() ? null : s.get(s.size() - 1);
    }

    @Override
    public Appender appender() {
        return new Appender() {
            private final List<Labels> labels = new ArrayList<>();
            private final List<Sample> samples = new ArrayList<>();

            @Override
            public long append(long ref, Labels l, long timestamp, double value) {
                Labels resolved;
                synchronized (MemoryStorage.this) {
                    resolved = ref != 0 ? byRef.get(ref) : null;
                }
                if (resolved == null || !resolved.equals(l)) {
                    ref = ref(l);
                }
                Sample last = last(l);
                if (last != null && timestamp < last.timestamp()) {
                    throw new StorageException(StorageException.Reason.OUT_OF_ORDER, "out of order sample for " + l);
                }
                if (last != null && timestamp == last.timestamp()
                        && Double.doubleToRawLongBits(value) != Double.doubleToRawLongBits(last.value())) {
                    throw new StorageException(StorageException.Reason.DUPLICATE_TIMESTAMP, "duplicate sample for " + l);
                }
                labels.add(l);
                samples.add(new Sample(timestamp, value));
                return ref;
            }

            @Override
            public long appendWithStart(long ref, Labels l, long start, long timestamp, double value) {
                long r = append(ref, l, timestamp, value);
                starts.put(l + "@" + timestamp, start);
                return r;
            }

            @Override
            public long appendHistogramWithStart(long ref, Labels l, long start, long timestamp, io.promethium.api.model.Histogram h) {
                starts.put(l + "@" + timestamp, start);
                return appendHistogram(ref, l, timestamp, h);
            }

            @Override
            public long appendHistogramWithStart(long ref, Labels l, long start, long timestamp, io.promethium.api.model.FloatHistogram h) {
                starts.put(l + "@" + timestamp, start);
                return appendHistogram(ref, l, timestamp, h);
            }

            @Override
            public long appendExemplar(long ref, Labels l, io.promethium.api.model.Exemplar exemplar) {
                exemplars.add(exemplar);
                return ref;
            }

            @Override
            public long appendHistogram(long ref, Labels l, long timestamp, io.promethium.api.model.Histogram h) {
                histograms.add(new HistogramSample(l, timestamp, h.copy()));
                return ref == 0 ? ref(l) : ref;
            }

            @Override
            public long appendHistogram(long ref, Labels l, long timestamp, io.promethium.api.model.FloatHistogram h) {
                histograms.add(new HistogramSample(l, timestamp, h.copy()));
                return ref == 0 ? ref(l) : ref;
            }

            @Override
            public long updateMetadata(long ref, Labels l, io.promethium.api.model.Metadata m) {
                metadata.put(l, m);
                return ref == 0 ? ref(l) : ref;
            }

            @Override
            public void commit() {
                String failure = failCommits;
                if (failure != null) {
                    throw new StorageException(StorageException.Reason.IO, failure);
                }
                MemoryStorage.this.commit(labels, samples);
            }

            @Override
            public void rollback() {
                rollbacks.incrementAndGet();
                labels.clear();
                samples.clear();
            }
        };
    }
}
