package io.promethium.remote.read;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.remote.wire.ReadClientCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A read view over every configured remote, as Prometheus's remote read storage: each remote is
 * asked only when the query has its {@code required_matchers}, only for times before the local
 * storage's oldest sample unless {@code read_recent}, with the external labels added as matchers
 * (and stripped from the answer) when {@code filter_external_labels}. Series from several
 * remotes are merged by labels. A remote that fails makes a warning while others answer, and an
 * error only when every remote asked failed.
 */
final class RemoteQuerier implements Querier {
    private final List<RemoteReadClient> clients;
    private final long minTime;
    private final long maxTime;
    private final LongSupplier localStartTime;
    /** Warnings of the label calls so far (remotes that failed while others answered). */
    private final List<String> warnings = new ArrayList<>();

    RemoteQuerier(List<RemoteReadClient> clients, long minTime, long maxTime, LongSupplier localStartTime) {
        this.clients = clients;
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.localStartTime = localStartTime;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        // The Querier contract (as the TSDB's): an error, not every series of every remote.
        if (matchers.stream().allMatch(m -> m.matches(""))) {
            return SeriesSet.failed(new IllegalArgumentException("vector selector must contain at least one non-empty matcher: " + matchers));
        }
        TreeMap<Labels, List<RemoteReadClient.SeriesData>> merged = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        IOException lastError = null;
        int asked = 0;
        for (RemoteReadClient client : clients) {
            RemoteReadSettings s = client.settings();
            if (!hasRequired(s.requiredMatchers(), matchers)) {
                continue;
            }
            long start = minTime;
            long end = maxTime;
            if (!s.readRecent()) {
                long local = localStartTime.getAsLong();
                if (local != Long.MAX_VALUE) {
                    if (start > local) {
                        continue;
                    }
                    end = Math.min(end, local);
                }
            }
            List<Matcher> remoteMatchers = new ArrayList<>(matchers);
            List<String> added = new ArrayList<>();
            if (s.filterExternalLabels()) {
                Labels external = s.externalLabels();
                for (int i = 0; i < external.size(); i++) {
                    String name = external.name(i);
                    if (matchers.stream().noneMatch(m -> m.name().equals(name))) {
                        remoteMatchers.add(Matcher.equal(name, external.value(i)));
                        added.add(name);
                    }
                }
            }
            asked++;
            try {
                String[] strip = added.toArray(String[]::new);
                client.read(new ReadClientCodec.Query(start, end, remoteMatchers, hints), new RemoteReadClient.Sink() {
                    @Override
                    public void series(Labels labels, long[] ts, double[] vs, int n) {
                        Labels l = strip.length == 0 ? labels : labels.without(strip);
                        // A histogram series' empty float part adds nothing.
                        if (n > 0 || !merged.containsKey(l)) {
                            merged.computeIfAbsent(l, k -> new ArrayList<>()).add(RemoteReadClient.copy(l, ts, vs, n));
                        }
                    }

                    @Override
                    public void histograms(Labels labels, io.promethium.remote.wire.HistogramSamples h) {
                        Labels l = strip.length == 0 ? labels : labels.without(strip);
                        merged.computeIfAbsent(l, k -> new ArrayList<>()).add(RemoteReadClient.copy(l, h));
                    }
                });
            } catch (IOException e) {
                lastError = e;
                warnings.add(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SeriesSet.failed(e);
            }
        }
        if (asked > 0 && warnings.size() == asked) {
            return SeriesSet.failed(lastError);
        }
        List<Series> result = new ArrayList<>(merged.size());
        for (Map.Entry<Labels, List<RemoteReadClient.SeriesData>> e : merged.entrySet()) {
            result.add(series(e.getKey(), e.getValue()));
        }
        return SeriesSet.ofList(result, warnings);
    }

    /** Whether the query's equality matchers include every required pair. */
    static boolean hasRequired(Labels required, List<Matcher> matchers) {
        for (int i = 0; i < required.size(); i++) {
            String name = required.name(i);
            String value = required.value(i);
            if (matchers.stream().noneMatch(m -> m.type() == MatchType.EQUAL && m.name().equals(name) && m.value().equals(value))) {
                return false;
            }
        }
        return true;
    }

    /**
     * One series; samples of the same series from several remotes (or its floats and histograms
     * from one) are merged by time, the first part winning ties.
     */
    private static Series series(Labels labels, List<RemoteReadClient.SeriesData> parts) {
        long[] ts;
        double[] vs;
        Object[] hs;
        if (parts.size() == 1) {
            ts = parts.get(0).timestamps();
            vs = parts.get(0).values();
            hs = parts.get(0).histograms();
        } else {
            TreeMap<Long, Object> all = new TreeMap<>();
            boolean anyHistogram = false;
            for (RemoteReadClient.SeriesData p : parts) {
                for (int i = 0; i < p.timestamps().length; i++) {
                    Object h = p.histograms() == null ? null : p.histograms()[i];
                    anyHistogram |= h != null;
                    all.putIfAbsent(p.timestamps()[i], h != null ? h : (Object) p.values()[i]);
                }
            }
            ts = new long[all.size()];
            vs = new double[all.size()];
            hs = anyHistogram ? new Object[all.size()] : null;
            int i = 0;
            for (Map.Entry<Long, Object> e : all.entrySet()) {
                ts[i] = e.getKey();
                if (e.getValue() instanceof Double d) {
                    vs[i] = d;
                } else {
                    hs[i] = e.getValue();
                }
                i++;
            }
        }
        Histogram[] ints = null;
        FloatHistogram[] floats = null;
        if (hs != null) {
            ints = new Histogram[ts.length];
            floats = new FloatHistogram[ts.length];
            for (int i = 0; i < ts.length; i++) {
                if (hs[i] instanceof Histogram h) {
                    ints[i] = h;
                } else if (hs[i] instanceof FloatHistogram f) {
                    floats[i] = f;
                }
            }
        }
        Histogram[] intHistograms = ints;
        FloatHistogram[] floatHistograms = floats;
        return new Series() {
            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                return new ArraySampleIterator(ts, vs, intHistograms, floatHistograms);
            }
        };
    }

    /**
     * Remote read has no label call. Without matchers this fails as Prometheus's remote querier
     * does ({@value #NOT_IMPLEMENTED}, which the storage view turns into a warning) when a remote
     * would be asked for the range; with matchers it selects the matching series and answers from
     * their labels (Prometheus only warns).
     */
    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> values = new TreeSet<>(Labels.STRING_ORDER);
        for (Labels l : matching(matchers)) {
            String v = l.get(name);
            if (v != null && !v.isEmpty()) {
                values.add(v);
            }
        }
        return List.copyOf(values);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> names = new TreeSet<>(Labels.STRING_ORDER);
        for (Labels l : matching(matchers)) {
            for (int i = 0; i < l.size(); i++) {
                names.add(l.name(i));
            }
        }
        return List.copyOf(names);
    }

    static final String NOT_IMPLEMENTED = "not implemented";

    private List<Labels> matching(List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            for (RemoteReadClient client : clients) {
                if (client.settings().readRecent() || minTime <= localStartTime.getAsLong()) {
                    throw new UnsupportedOperationException(NOT_IMPLEMENTED);
                }
            }
            return List.of();
        }
        SeriesSet set = select(false, new SelectHints(minTime, maxTime, 0, "series", 0, List.of(), false), matchers);
        List<Labels> out = new ArrayList<>();
        while (set.next()) {
            out.add(set.at().labels());
        }
        warnings.addAll(set.warnings());
        if (set.error() != null) {
            throw new IllegalStateException(String.valueOf(set.error().getMessage()), set.error());
        }
        return out;
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
    }
}
