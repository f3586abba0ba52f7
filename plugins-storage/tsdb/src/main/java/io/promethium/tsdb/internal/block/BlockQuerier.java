package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.query.ListSeries;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/** Reads one block over {@code [mint, maxt]}. Releases the block on close. */
final class BlockQuerier implements Querier {
    private final Block block;
    private final long mint;
    private final long maxt;
    private boolean closed;

    BlockQuerier(Block block, long mint, long maxt) {
        this.block = block;
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
            return SeriesSet.ofList(series(docs));
        } catch (RuntimeException e) {
            block.markCorrupt(e.toString());
            return SeriesSet.failed(e);
        }
    }

    /** Series for documents, in document (= label) order. */
    List<Series> series(RoaringBitmap docs) {
        List<Series> out = new ArrayList<>();
        BinaryDocValues fields = block.index().seriesValues();
        BinaryDocValues startFields = block.index().startValues();
        SymbolCache symbols = block.index().symbolCache(docs.getLongCardinality());
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

    private boolean fullyDeleted(long[] deleted, BlockIndex.SeriesMeta meta) {
        long lo = Math.max(mint, meta.mints()[0]);
        long hi = Math.min(maxt, meta.maxts()[meta.maxts().length - 1]);
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
