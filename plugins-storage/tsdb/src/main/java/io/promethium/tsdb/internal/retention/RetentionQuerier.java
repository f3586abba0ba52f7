package io.promethium.tsdb.internal.retention;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.query.LabelsOnlySeries;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Hides, at query time, the samples a series' retention class no longer keeps, so a query never
 * answers with data past its rule's retention even before the retention pass has removed it (the
 * pass works on whole blocks; the head is never trimmed by it). Wrapped around the database's
 * querier only when some class's cutoff lies after the query's start ({@link #wrap}), so queries
 * over recent data pay nothing.
 *
 * <p>A series whose class hides some of the range is read from its cutoff on; one with no sample
 * left after it is dropped from the answer (found by one seek into its data). Label names and
 * values are then taken from the visible series, which costs a select over the matchers.
 */
public final class RetentionQuerier implements Querier {
    private static final List<Matcher> ALL = List.of(Matcher.of(MatchType.REGEX, Labels.METRIC_NAME, ".+"));
    // Labels only: a downsampled querier inside then lists the series its companions hold where raw data is gone.
    private static final SelectHints LIST = new SelectHints(Long.MIN_VALUE, Long.MAX_VALUE, 0, "series", 0, List.of(), false);

    private final Querier inner;
    private final RetentionPolicy policy;
    private final long[] cutoffs;
    private final long minTime;

    private RetentionQuerier(Querier inner, RetentionPolicy policy, long[] cutoffs, long minTime) {
        this.inner = inner;
        this.policy = policy;
        this.cutoffs = cutoffs;
        this.minTime = minTime;
    }

    /**
     * {@code inner} itself when no class hides anything at or after {@code minTime}, else a querier
     * hiding what each class no longer keeps.
     */
    public static Querier wrap(Querier inner, RetentionPolicy policy, long minTime, long newest, long globalMillis) {
        if (policy.isEmpty() || policy.latestCutoff(newest, globalMillis) <= minTime) {
            return inner;
        }
        long[] cutoffs = new long[policy.defaultClass() + 1];
        for (int c = 0; c < cutoffs.length; c++) {
            cutoffs[c] = policy.cutoff(c, newest, globalMillis);
        }
        return new RetentionQuerier(inner, policy, cutoffs, minTime);
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        SeriesSet set = inner.select(sorted, hints, matchers);
        return new SeriesSet() {
            private Series current;

            @Override
            public boolean next() {
                while (set.next()) {
                    Series s = set.at();
                    long cutoff = cutoffs[policy.classify(s.labels())];
                    if (cutoff <= minTime) {
                        current = s;
                        return true;
                    }
                    if (s instanceof LabelsOnlySeries l) {
                        // Listed from a companion where raw data is gone: it has no samples to seek in.
                        if (l.maxTime() >= cutoff) {
                            current = s;
                            return true;
                        }
                        continue;
                    }
                    // One seek tells whether anything is left; the answer must not list a series it hides entirely.
                    SampleIterator probe = s.iterator(null);
                    if (probe.seek(cutoff)) {
                        current = new Trimmed(s, cutoff);
                        return true;
                    }
                }
                return false;
            }

            @Override
            public Series at() {
                return current;
            }

            @Override
            public Throwable error() {
                return set.error();
            }

            @Override
            public List<String> warnings() {
                return set.warnings();
            }

            @Override
            public long resolution() {
                return set.resolution();
            }
        };
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> values = new TreeSet<>(Labels.STRING_ORDER);
        SeriesSet set = select(false, LIST, matchers.isEmpty() ? ALL : matchers);
        while (set.next()) {
            String v = set.at().labels().get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> names = new TreeSet<>(Labels.STRING_ORDER);
        SeriesSet set = select(false, LIST, matchers.isEmpty() ? ALL : matchers);
        while (set.next()) {
            names.addAll(set.at().labels().names());
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> warnings() {
        return inner.warnings();
    }

    @Override
    public void close() {
        inner.close();
    }

    /** A series read from {@code cutoff} on. */
    private record Trimmed(Series inner, long cutoff) implements Series {
        @Override
        public Labels labels() {
            return inner.labels();
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            SampleIterator from = reuse instanceof FromCutoff f ? f.inner : reuse;
            return new FromCutoff(inner.iterator(from), cutoff);
        }
    }

    /** Starts at the first sample at or after the cutoff; every later move stays at or after it. */
    private static final class FromCutoff extends ForwardingSampleIterator {
        private final SampleIterator inner;
        private final long cutoff;
        private boolean started;

        FromCutoff(SampleIterator inner, long cutoff) {
            this.inner = inner;
            this.cutoff = cutoff;
        }

        @Override
        protected SampleIterator delegate() {
            return inner;
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                return inner.seek(cutoff);
            }
            return inner.next();
        }

        @Override
        public boolean seek(long t) {
            started = true;
            return inner.seek(Math.max(t, cutoff));
        }
    }
}
