package io.promethium.web.internal.query;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.engine.QueryException;
import java.util.List;
import java.util.Objects;

/**
 * A storage view that stops a query past its {@code timeout} parameter: reading series or
 * samples after the deadline throws the engine's timeout error. The check runs every 256 series
 * and every 1024 samples so it costs nothing measurable.
 */
final class DeadlineQueryable implements Queryable {

    static final String TIMED_OUT = "query timed out in expression evaluation";

    private final Queryable delegate;
    private final long deadlineNanos;

    DeadlineQueryable(Queryable delegate, long deadlineNanos) {
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.deadlineNanos = deadlineNanos;
    }

    private void check() {
        if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
            throw new QueryException(QueryException.TIMEOUT, TIMED_OUT);
        }
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        check();
        Querier q = delegate.querier(minTime, maxTime);
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                check();
                return new CheckedSet(q.select(sorted, hints, matchers));
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                check();
                return q.labelValues(name, matchers);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                check();
                return q.labelNames(matchers);
            }

            @Override
            public void close() {
                q.close();
            }
        };
    }

    private final class CheckedSet implements SeriesSet {
        private final SeriesSet set;
        private int count;

        CheckedSet(SeriesSet set) {
            this.set = set;
        }

        // Every 256 series, as the iterators every 1024 samples: a clock read per series was
        // 512k of them for one selector over 512k series.
        @Override
        public boolean next() {
            if ((count++ & 255) == 0) {
                check();
            }
            return set.next();
        }

        @Override
        public Series at() {
            Series s = set.at();
            return new Series() {
                @Override
                public Labels labels() {
                    return s.labels();
                }

                @Override
                public SampleIterator iterator(SampleIterator reuse) {
                    SampleIterator inner = reuse instanceof CheckedIterator c ? s.iterator(c.inner) : s.iterator(null);
                    return new CheckedIterator(inner);
                }
            };
        }

        @Override
        public Throwable error() {
            return set.error();
        }

        @Override
        public List<String> warnings() {
            return set.warnings();
        }
    }

    /** Checks the deadline every 1024 advances; everything else goes to the wrapped iterator. */
    private final class CheckedIterator extends ForwardingSampleIterator {
        private final SampleIterator inner;
        private int count;

        CheckedIterator(SampleIterator inner) {
            this.inner = inner;
        }

        @Override
        protected SampleIterator delegate() {
            return inner;
        }

        @Override
        public boolean next() {
            if ((++count & 1023) == 0) {
                check();
            }
            return inner.next();
        }

        @Override
        public boolean seek(long t) {
            if ((++count & 1023) == 0) {
                check();
            }
            return inner.seek(t);
        }

        // A plain wrapper: the wrapped iterator's last sample is its own.
        @Override
        public boolean seekLast(long t) {
            return inner.seekLast(t);
        }
    }
}
