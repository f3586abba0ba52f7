package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.query.ListSeries;
import io.promethium.tsdb.internal.query.MergeKey;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/** Reads one block over {@code [mint, maxt]}. Releases the block on close. */
final class BlockQuerier implements Querier {
    private final Block block;
    private final long mint;
    private final long maxt;
    /** The head's own object for a label set, or null when the head has no such series; null: no head. */
    private final UnaryOperator<Labels> headLabels;
    private boolean closed;

    BlockQuerier(Block block, long mint, long maxt, UnaryOperator<Labels> headLabels) {
        this.block = block;
        this.headLabels = headLabels;
        // Block ranges are half-open; nothing at maxTime belongs to it.
        this.mint = mint;
        this.maxt = Math.min(maxt, block.meta().maxTime() - 1);
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        try {
            PostingsForMatchers.check(matchers);
        } catch (IllegalArgumentException e) {
            return SeriesSet.failed(e);
        }
        try {
            boolean labelsOnly = hints != null && "series".equals(hints.function());
            if (labelsOnly) {
                return SeriesSet.ofList(listed(matchers));
            }
            return SeriesSet.ofList(series(block.index().selected(matchers)));
        } catch (RuntimeException e) {
            block.markCorrupt(e.toString());
            return SeriesSet.failed(e);
        }
    }

    /** Series for documents, in document (= label) order. */
    List<Series> series(RoaringBitmap docs) {
        List<Series> out = new ArrayList<>((int) Math.min(docs.getLongCardinality(), 1 << 16));
        BinaryDocValues fields = block.index().seriesValues();
        BinaryDocValues startFields = block.index().startValues();
        SymbolCache symbols = block.index().querySymbolCache(docs.getLongCardinality());
        IntIterator it = docs.getIntIterator();
        while (it.hasNext()) {
            int doc = it.next();
            BlockIndex.SeriesMeta meta = block.index().series(fields, doc, symbols);
            if (!meta.overlaps(mint, maxt)) {
                continue;
            }
            long[] deleted = block.deleted(doc);
            if (deleted != null && fullyDeleted(deleted, meta)) {
                continue;
            }
            io.promethium.tsdb.internal.start.StartTimes.Points starts = block.index().starts(startFields, doc);
            out.add(new ListSeries(meta.labels(), reuse -> {
                io.promethium.api.storage.SampleIterator inner = io.promethium.tsdb.internal.start.StartTimesIterator.unwrap(reuse);
                BlockChunksIterator bi = inner instanceof BlockChunksIterator b ? b : new BlockChunksIterator();
                bi.reset(block, meta, mint, maxt, deleted);
                return starts == null ? bi : io.promethium.tsdb.internal.start.StartTimesIterator.wrap(bi, starts, reuse);
            }));
        }
        return out;
    }

    /**
     * As {@link #series}, for a select that lists labels (hinted {@code "series"}): the same series,
     * with their chunk references read only if a series' samples are asked for after all (a retention
     * wrapper's probe). The series API reads hundreds of series per block and never their chunks.
     * The matching documents, their labels and spans come from the block's recent listings
     * ({@link RecentByMatchers}) when these matchers were listed before: the postings walk and the
     * decoding of each entry were most of a listing's CPU, and a dashboard asks the same again.
     * A series the head holds too carries the head's label set as its merge key ({@link MergeKey}),
     * kept for the next listing ({@link KeptLabelSets}): the merge with the head and the other
     * blocks then matches it without comparing labels.
     */
    private List<Series> listed(List<Matcher> matchers) {
        BlockIndex index = block.index();
        KeptLabelSets kept = headLabels == null ? null : index.keptSets();
        Listing listing = index.listings().get(matchers);
        if (listing == null) {
            RoaringBitmap docs = PostingsForMatchers.select(index.labelIndex(), matchers);
            if (docs.getCardinality() > index.listings().maxEntry()) {
                // Too large to keep: decoded and filtered a document at a time, holding only what is listed.
                return listedOnce(index, docs, kept);
            }
            listing = listing(index, docs);
            index.listings().put(matchers, listing);
        }
        List<Series> out = new ArrayList<>(listing.size());
        int[] docs = listing.docs();
        for (int i = 0; i < docs.length; i++) {
            add(out, docs[i], listing.labels()[i], listing.first()[i], listing.last()[i], kept);
        }
        return out;
    }

    private List<Series> listedOnce(BlockIndex index, RoaringBitmap docs, KeptLabelSets kept) {
        List<Series> out = new ArrayList<>((int) Math.min(docs.getLongCardinality(), 1 << 16));
        BinaryDocValues fields = index.seriesValues();
        SymbolCache symbols = index.querySymbolCache(docs.getLongCardinality());
        long[] span = new long[2];
        IntIterator it = docs.getIntIterator();
        while (it.hasNext()) {
            int doc = it.next();
            Labels labels = index.labels(fields, doc, symbols, span);
            add(out, doc, labels, span[0], span[1], kept);
        }
        return out;
    }

    /** Adds the document's series if its chunks from {@code first} to {@code last} meet the range and are not all deleted. */
    private void add(List<Series> out, int doc, Labels labels, long first, long last, KeptLabelSets kept) {
        if (first > maxt || last < mint) {
            return;
        }
        long[] deleted = block.deleted(doc);
        if (deleted != null && fullyDeleted(deleted, first, last)) {
            return;
        }
        Labels key = kept == null ? null : kept.get(doc);
        if (key == null && kept != null) {
            key = headLabels.apply(labels);
            if (key != null) {
                kept.keep(doc, key);
            }
        }
        out.add(new Listed(this, doc, labels, key == null ? labels : key));
    }

    /**
     * One kept listing: document {@code docs[i]} has {@code labels[i]} and chunks from {@code first[i]}
     * to {@code last[i]} ({@code first > last} without chunks).
     */
    record Listing(int[] docs, Labels[] labels, long[] first, long[] last) {
        int size() {
            return docs.length;
        }
    }

    /** Every matching document's labels and span, whatever the querier's range. */
    private static Listing listing(BlockIndex index, RoaringBitmap docs) {
        int n = docs.getCardinality();
        Listing listing = new Listing(new int[n], new Labels[n], new long[n], new long[n]);
        BinaryDocValues fields = index.seriesValues();
        SymbolCache symbols = index.querySymbolCache(n);
        long[] span = new long[2];
        IntIterator it = docs.getIntIterator();
        for (int i = 0; i < n; i++) {
            int doc = it.next();
            listing.docs()[i] = doc;
            listing.labels()[i] = index.labels(fields, doc, symbols, span);
            listing.first()[i] = span[0];
            listing.last()[i] = span[1];
        }
        return listing;
    }

    /** A listed series; its samples, if asked for, come from its document read again. */
    private record Listed(BlockQuerier querier, int doc, Labels labels, Labels mergeKey) implements Series, MergeKey {
        @Override
        public io.promethium.api.storage.SampleIterator iterator(io.promethium.api.storage.SampleIterator reuse) {
            RoaringBitmap one = RoaringBitmap.bitmapOf(doc);
            List<Series> read = querier.series(one);
            return read.isEmpty() ? io.promethium.api.storage.SampleIterator.empty() : read.get(0).iterator(reuse);
        }
    }

    private boolean fullyDeleted(long[] deleted, BlockIndex.SeriesMeta meta) {
        return fullyDeleted(deleted, meta.mints()[0], meta.maxts()[meta.maxts().length - 1]);
    }

    private boolean fullyDeleted(long[] deleted, long first, long last) {
        long lo = Math.max(mint, first);
        long hi = Math.min(maxt, last);
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= lo && deleted[i + 1] >= hi) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            return block.index().labelIndex().values(name);
        }
        TreeSet<String> values = new TreeSet<>(Labels.STRING_ORDER);
        SeriesSet set = select(false, null, matchers);
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
        if (matchers.isEmpty()) {
            return block.index().labelIndex().names();
        }
        TreeSet<String> names = new TreeSet<>(Labels.STRING_ORDER);
        SeriesSet set = select(false, null, matchers);
        while (set.next()) {
            names.addAll(set.at().labels().names());
        }
        return new ArrayList<>(names);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            block.release();
        }
    }
}
