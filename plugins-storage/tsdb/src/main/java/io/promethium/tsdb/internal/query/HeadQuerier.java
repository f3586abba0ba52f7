package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.MemSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/** Reads the head over {@code [mint, maxt]}: matchers via head postings, samples from series chunks. */
public final class HeadQuerier implements Querier {
    private final Head head;
    private final long mint;
    private final long maxt;
    private final long inOrderMin;
    private boolean closed;

    public HeadQuerier(Head head, long mint, long maxt) {
        this.head = head;
        head.readerOpened();
        // In-order data below this lives in blocks; reading it here too would duplicate it.
        this.inOrderMin = head.persistedBefore();
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        try {
            PostingsForMatchers.check(matchers);
        } catch (IllegalArgumentException e) {
            return SeriesSet.failed(e);
        }
        List<MemSeries> found = matching(matchers, s -> s);
        if (sorted) {
            head.sortByLabels(found);
        }
        return new HeadSeriesSet(found, this);
    }

    /**
     * The selected series, each made as it is read: the set holds the head's own series objects
     * (long-lived, in one array), so a caller that keeps {@link #toList()} holds no object per
     * series while its query runs (at 10 million series those objects were 240 MB that every
     * young collection during the query copied).
     */
    private static final class HeadSeriesSet implements SeriesSet {
        private final List<MemSeries> found;
        private final HeadQuerier querier;
        private int index = -1;

        HeadSeriesSet(List<MemSeries> found, HeadQuerier querier) {
            this.found = found;
            this.querier = querier;
        }

        @Override
        public boolean next() {
            return ++index < found.size();
        }

        @Override
        public Series at() {
            return new HeadSeries(found.get(index), querier);
        }

        @Override
        public List<Series> toList() {
            List<MemSeries> rest = found.subList(index + 1, found.size());
            index = found.size();
            return new HeadSeriesList(rest, querier);
        }
    }

    /** {@link HeadSeriesSet#toList()}: the found series, each made as it is read. */
    private static final class HeadSeriesList extends java.util.AbstractList<Series> implements java.util.RandomAccess {
        private final List<MemSeries> found;
        private final HeadQuerier querier;

        HeadSeriesList(List<MemSeries> found, HeadQuerier querier) {
            this.found = found;
            this.querier = querier;
        }

        @Override
        public Series get(int i) {
            return new HeadSeries(found.get(i), querier);
        }

        @Override
        public int size() {
            return found.size();
        }
    }

    /**
     * One object per selected series (a select can return half a million); its labels are read
     * from the series when asked, by whichever thread reads the series' samples.
     */
    private record HeadSeries(MemSeries series, HeadQuerier querier) implements Series, MergeKey {
        @Override
        public Labels labels() {
            return series.labels();
        }

        @Override
        public Labels mergeKey() {
            return series.labels();
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return querier.head.iterator(series, querier.mint, querier.maxt, querier.inOrderMin, reuse);
        }
    }

    /**
     * Series matching (all when no matchers) and holding samples in range, in id order (sorting
     * half a million label sets is most of a large select's cost, and the engine does not need it
     * when the head is the only source), each as {@code as} makes it.
     */
    <T> List<T> matching(List<Matcher> matchers, java.util.function.Function<MemSeries, T> as) {
        RoaringBitmap ids = ids(matchers);
        List<T> out = new ArrayList<>(ids.getCardinality());
        IntIterator it = ids.getIntIterator();
        while (it.hasNext()) {
            int id = it.next();
            MemSeries s = head.series(id);
            if (s != null && (head.spansIn(id, mint, maxt) || s.overlaps(mint, maxt))) {
                out.add(as.apply(s));
            }
        }
        return out;
    }

    private RoaringBitmap ids(List<Matcher> matchers) {
        return matchers.isEmpty() ? head.postings().all() : PostingsForMatchers.select(head.postings(), matchers);
    }

    /**
     * Whether the range meets the head's. Names and values come from the head's index whenever it
     * does, as Prometheus's head index reader answers them: no series is checked for samples in
     * the range (the API allows such false positives, as a block's index gives them too), where
     * checking each series cost 45 ms for a label request over 120k head series against the
     * index's 0.6 ms.
     */
    private boolean meetsHead() {
        return maxt >= head.minTime() && mint <= head.maxTime();
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        if (!meetsHead()) {
            return List.of();
        }
        if (matchers.isEmpty()) {
            return head.postings().values(name);
        }
        RoaringBitmap ids = ids(matchers);
        if (ids.getCardinality() >= head.postings().values(name).size()) {
            // The values whose postings meet the matching series.
            return head.postings().valuesIntersecting(name, ids);
        }
        // Fewer matching series than values (one pod's series, say): their own values, one lookup
        // per series instead of a postings intersection per value.
        TreeSet<String> values = new TreeSet<>(Labels.STRING_ORDER);
        IntIterator it = ids.getIntIterator();
        while (it.hasNext()) {
            MemSeries s = head.series(it.next());
            String v = s == null ? "" : s.labels().get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        if (!meetsHead()) {
            return List.of();
        }
        if (matchers.isEmpty()) {
            return head.postings().names();
        }
        TreeSet<String> names = new TreeSet<>(Labels.STRING_ORDER);
        IntIterator it = ids(matchers).getIntIterator();
        while (it.hasNext()) {
            MemSeries s = head.series(it.next());
            if (s != null) {
                names.addAll(s.labels().names());
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            head.readerClosed();
        }
    }
}
