package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Walks a block's series for per-series retention and its statistics: each document's labels,
 * chunk count and whether tombstones already hide all of it.
 */
public final class BlockSeries {
    private BlockSeries() {
    }

    /** What {@link #forEach} hands over for each series. */
    @FunctionalInterface
    public interface Visitor {
        void series(int doc, Labels labels, int chunks, boolean deleted);
    }

    /** Visits every series of the block in document order. The caller holds the block (acquired or under the compaction lock). */
    public static void forEach(Block block, Visitor visitor) {
        BlockIndex index = block.index();
        BinaryDocValues values = index.seriesValues();
        RoaringBitmap all = index.labelIndex().all();
        SymbolCache symbols = index.symbolCache(all.getLongCardinality());
        IntIterator it = all.getIntIterator();
        while (it.hasNext()) {
            int doc = it.next();
            BlockIndex.SeriesMeta meta = index.series(values, doc, symbols);
            visitor.series(doc, meta.labels(), meta.refs().length, coversAll(block.deleted(doc), meta));
        }
    }

    /** The bytes of the block's chunk files (what dropping its series frees). */
    public static long chunkBytes(Block block) {
        long total = 0;
        for (long size : block.meta().chunkFileSizes()) {
            total += size;
        }
        return total;
    }

    /** Whether the tombstones {@code deleted} (null: none) hide every chunk of the series. */
    static boolean coversAll(long[] deleted, BlockIndex.SeriesMeta meta) {
        if (deleted == null || meta.mints().length == 0) {
            return deleted != null;
        }
        long lo = meta.mints()[0];
        long hi = meta.maxts()[meta.maxts().length - 1];
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= lo && deleted[i + 1] >= hi) {
                return true;
            }
        }
        return false;
    }
}
