package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Encoding;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * What {@code tsdb analyze} reads of one block, straight from its index and chunk files as
 * promtool reads a Prometheus block: every series the matchers select (deleted samples included,
 * as promtool does not read tombstones), with the span its chunks cover, and each chunk's
 * encoding, size and sample count.
 */
public final class BlockAnalysis {

    /** One series: its labels and the span from its first chunk's start to its last chunk's end. */
    public interface SeriesVisitor {
        void series(Labels labels, long firstChunkMinTime, long lastChunkMaxTime);
    }

    /** One chunk: {@code buckets} counts the positive and negative buckets of all its histograms (0 for floats). */
    public interface ChunkVisitor {
        void chunk(boolean histogram, int bytes, int samples, int buckets);
    }

    private BlockAnalysis() {
    }

    /** @param matchers none selects every series */
    public static void forEachSeries(Block block, List<Matcher> matchers, SeriesVisitor visitor) {
        BinaryDocValues fields = block.index().seriesValues();
        RoaringBitmap docs = docs(block, matchers);
        SymbolCache symbols = block.index().symbolCache(docs.getLongCardinality());
        IntIterator it = docs.getIntIterator();
        while (it.hasNext()) {
            BlockIndex.SeriesMeta meta = block.index().series(fields, it.next(), symbols);
            if (meta.mints().length > 0) {
                visitor.series(meta.labels(), meta.mints()[0], meta.maxts()[meta.maxts().length - 1]);
            }
        }
    }

    /** @param matchers none selects every series */
    public static void forEachChunk(Block block, List<Matcher> matchers, ChunkVisitor visitor) {
        BinaryDocValues fields = block.index().seriesValues();
        ChunkReader.Loaded loaded = new ChunkReader.Loaded();
        ChunkIterator reuse = null;
        IntIterator it = docs(block, matchers).getIntIterator();
        while (it.hasNext()) {
            BlockIndex.SeriesMeta meta = block.index().series(fields, it.next());
            for (int i = 0; i < meta.refs().length; i++) {
                block.chunks().load(meta.refs()[i], loaded);
                int samples = XorIterator.headerCount(loaded.data, 1);
                boolean histogram = Encoding.isHistogram(loaded.encoding);
                int buckets = 0;
                if (histogram) {
                    reuse = ChunkIterator.forEncoding(loaded.encoding, reuse);
                    reuse.reset(loaded.data, 1, loaded.length, samples, meta.mints()[i]);
                    while (reuse.next()) {
                        buckets += loaded.encoding == Encoding.FLOAT_HISTOGRAM
                                ? reuse.floatHistogram().positiveBucketCount() + reuse.floatHistogram().negativeBucketCount()
                                : reuse.histogram().positiveBucketCount() + reuse.histogram().negativeBucketCount();
                    }
                }
                visitor.chunk(histogram, loaded.length, samples, buckets);
            }
        }
    }

    private static RoaringBitmap docs(Block block, List<Matcher> matchers) {
        return matchers.isEmpty() ? block.index().labelIndex().all() : PostingsForMatchers.select(block.index().labelIndex(), matchers);
    }
}
