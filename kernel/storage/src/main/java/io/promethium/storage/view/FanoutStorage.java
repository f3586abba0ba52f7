package io.promethium.storage.view;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The primary storage plus secondary queryables (remote read), as Prometheus's fan-out storage:
 * writes go to the primary; series with the same labels are merged sample by sample (the primary
 * wins a timestamp both have); the primary's error fails a select or label call, a secondary's
 * error becomes a warning ({@link SeriesSet#warnings()} for selects, {@link Querier#warnings()}
 * for label calls).
 */
public final class FanoutStorage implements Storage {
    private final Storage primary;
    private final List<Queryable> secondaries;

    public FanoutStorage(Storage primary, List<? extends Queryable> secondaries) {
        this.primary = Objects.requireNonNull(primary, "primary is null");
        this.secondaries = List.copyOf(secondaries);
    }

    /** The storage of this server's own samples. */
    public Storage primary() {
        return primary;
    }

    @Override
    public Appender appender() {
        return primary.appender();
    }

    @Override
    public long startTime() {
        return primary.startTime();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        Querier p = primary.querier(minTime, maxTime);
        if (secondaries.isEmpty()) {
            return p; // the common case pays nothing
        }
        List<Querier> s = new ArrayList<>(secondaries.size());
        List<String> openWarnings = new ArrayList<>();
        for (Queryable q : secondaries) {
            try {
                Querier opened = q.querier(minTime, maxTime);
                if (opened != Querier.empty()) {
                    s.add(opened);
                }
            } catch (RuntimeException e) {
                openWarnings.add(String.valueOf(e.getMessage()));
            }
        }
        if (s.isEmpty() && openWarnings.isEmpty()) {
            // Remote read installed but not configured answers the empty querier: nothing to merge.
            return p;
        }
        return new FanoutQuerier(p, s, openWarnings);
    }

    private static final class FanoutQuerier implements Querier {
        private final Querier primary;
        private final List<Querier> secondaries;
        /** Secondaries that failed to open, then every label call's: read by {@link #warnings()}. */
        private final List<String> labelWarnings;
        private final List<String> openWarnings;

        FanoutQuerier(Querier primary, List<Querier> secondaries, List<String> openWarnings) {
            this.primary = primary;
            this.secondaries = secondaries;
            this.openWarnings = List.copyOf(openWarnings);
            this.labelWarnings = new ArrayList<>(openWarnings);
        }

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
            SeriesSet p = primary.select(true, hints, matchers);
            TreeMap<Labels, List<Series>> merged = new TreeMap<>();
            List<String> warnings = new ArrayList<>(openWarnings);
            while (p.next()) {
                merged.computeIfAbsent(p.at().labels(), k -> new ArrayList<>(2)).add(p.at());
            }
            if (p.error() != null) {
                return SeriesSet.failed(p.error());
            }
            warnings.addAll(p.warnings());
            long resolution = p.resolution();
            for (Querier q : secondaries) {
                SeriesSet s;
                try {
                    s = q.select(true, hints, matchers);
                } catch (RuntimeException e) {
                    warnings.add(String.valueOf(e.getMessage()));
                    continue;
                }
                while (s.next()) {
                    merged.computeIfAbsent(s.at().labels(), k -> new ArrayList<>(2)).add(s.at());
                }
                if (s.error() != null) {
                    warnings.add(String.valueOf(s.error().getMessage()));
                }
                warnings.addAll(s.warnings());
                resolution = Math.max(resolution, s.resolution());
            }
            List<Series> result = new ArrayList<>(merged.size());
            for (Map.Entry<Labels, List<Series>> e : merged.entrySet()) {
                result.add(e.getValue().size() == 1 ? e.getValue().get(0) : new MergedSeries(e.getKey(), e.getValue()));
            }
            SeriesSet out = SeriesSet.ofList(result, warnings);
            if (resolution == SelectHints.RAW) {
                return out;
            }
            return SeriesSet.withResolution(out, resolution);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            return labels(q -> q.labelValues(name, matchers));
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            return labels(q -> q.labelNames(matchers));
        }

        /** The sorted union of every source's answer; a secondary's failure is a warning (Prometheus's "not implemented" of remote read). */
        private List<String> labels(Function<Querier, List<String>> call) {
            // Each answer is sorted already (Querier's contract): merged pairwise, no set of every value.
            List<String> all = call.apply(primary);
            for (Querier q : secondaries) {
                try {
                    all = Labels.sortedUnion(all, call.apply(q), Labels.STRING_ORDER);
                } catch (RuntimeException e) {
                    labelWarnings.add(String.valueOf(e.getMessage()));
                }
            }
            return List.copyOf(all);
        }

        @Override
        public List<String> warnings() {
            // Distinct, as Prometheus's annotations: two match[] sets meeting the same remote warn once.
            java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(primary.warnings());
            out.addAll(labelWarnings);
            for (Querier q : secondaries) {
                out.addAll(q.warnings());
            }
            return List.copyOf(out);
        }

        @Override
        public void close() {
            primary.close();
            for (Querier q : secondaries) {
                q.close();
            }
        }
    }

    /** One series present in several sources. */
    private record MergedSeries(Labels labels, List<Series> parts) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            SampleIterator[] its = new SampleIterator[parts.size()];
            for (int i = 0; i < its.length; i++) {
                its[i] = parts.get(i).iterator(null);
            }
            return new MergedIterator(its);
        }
    }

    /**
     * The union of several iterators by timestamp; where several have a timestamp, the earliest
     * source (the primary) gives the sample. The chosen source does not move until the next
     * advance, so every read of the sample goes to it.
     */
    static final class MergedIterator extends ForwardingSampleIterator {
        private final SampleIterator[] its;
        private final boolean[] has;
        private boolean started;
        private long t;
        private int current = -1;
        private Throwable error;

        MergedIterator(SampleIterator[] its) {
            this.its = its;
            this.has = new boolean[its.length];
        }

        @Override
        protected SampleIterator delegate() {
            return current < 0 ? SampleIterator.empty() : its[current];
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                for (int i = 0; i < its.length; i++) {
                    has[i] = its[i].next();
                }
            } else {
                for (int i = 0; i < its.length; i++) {
                    if (has[i] && its[i].timestamp() == t) {
                        has[i] = its[i].next();
                    }
                }
            }
            return pick();
        }

        private boolean pick() {
            int best = -1;
            for (int i = 0; i < its.length; i++) {
                if (!has[i] && its[i].error() != null && error == null) {
                    error = its[i].error();
                }
                if (has[i] && (best < 0 || its[i].timestamp() < its[best].timestamp())) {
                    best = i;
                }
            }
            current = best;
            if (best < 0) {
                return false;
            }
            t = its[best].timestamp();
            return true;
        }

        @Override
        public boolean seek(long target) {
            if (started && current >= 0 && t >= target) {
                return true;
            }
            started = true;
            for (int i = 0; i < its.length; i++) {
                has[i] = its[i].seek(target);
            }
            return pick();
        }

        @Override
        public Throwable error() {
            return error;
        }
    }
}
