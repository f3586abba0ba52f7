package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.MemSeries;
import java.util.ArrayList;
import java.util.Comparator;
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
        List<Series> out = new ArrayList<>();
        for (MemSeries s : matching(matchers)) {
            long lo = mint;
            long hi = maxt;
            long from = inOrderMin;
            out.add(new ListSeries(s.labels(), reuse -> head.iterator(s, lo, hi, from, reuse)));
        }
        return SeriesSet.ofList(out);
    }

    /** Series matching (all when no matchers) and holding samples in range, sorted by labels. */
    List<MemSeries> matching(List<Matcher> matchers) {
        RoaringBitmap ids = matchers.isEmpty() ? head.postings().all() : PostingsForMatchers.select(head.postings(), matchers);
        List<MemSeries> out = new ArrayList<>(ids.getCardinality());
        IntIterator it = ids.getIntIterator();
        while (it.hasNext()) {
            MemSeries s = head.series(it.next());
            if (s != null && s.overlaps(mint, maxt)) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(MemSeries::labels));
        return out;
    }

    /** Whether the range covers the whole head, so the postings' names and values need no filtering by time. */
    private boolean coversHead() {
        return mint <= head.minTime() && maxt >= head.maxTime();
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        if (matchers.isEmpty() && coversHead()) {
            return head.postings().values(name);
        }
        TreeSet<String> values = new TreeSet<>();
        for (MemSeries s : matching(matchers)) {
            String v = s.labels().get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        if (matchers.isEmpty() && coversHead()) {
            return head.postings().names();
        }
        TreeSet<String> names = new TreeSet<>();
        for (MemSeries s : matching(matchers)) {
            names.addAll(s.labels().names());
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
