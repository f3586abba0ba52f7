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
            RoaringBitmap docs = PostingsForMatchers.select(block.index().labelIndex(), matchers);
            boolean labelsOnly = hints != null && "series".equals(hints.function());
            return SeriesSet.ofList(labelsOnly ? listed(docs) : series(docs));
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
     * A series the head holds too carries the head's label set as its merge key ({@link MergeKey}),
     * kept for the next listing ({@link KeptLabelSets}): the merge with the head and the other
     * blocks then matches it without comparing labels.
     */
    private List<Series> listed(RoaringBitmap docs) {
        List<Series> out = new ArrayList<>((int) Math.min(docs.getLongCardinality(), 1 << 16));
        BlockIndex index = block.index();
        BinaryDocValues fields = index.seriesValues();
        SymbolCache symbols = index.querySymbolCache(docs.getLongCardinality());
        KeptLabelSets kept = headLabels == null ? null : index.keptSets();
        long[] span = new long[2];
        IntIterator it = docs.getIntIterator();
        while (it.hasNext()) {
            int doc = it.next();
            Labels labels = index.labels(fields, doc, symbols, span);
            if (span[0] > maxt || span[1] < mint) {
                continue;
            }
            long[] deleted = block.deleted(doc);
            if (deleted != null && fullyDeleted(deleted, span[0], span[1])) {
                continue;
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
        return out;
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
