package io.promethium.tsdb.internal.block;

import static java.util.Objects.requireNonNull;

import io.promethium.tsdb.internal.start.StartTimes;
import io.promethium.tsdb.internal.start.StartTimesIterator;

import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.Chunks;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.MemSeries;
import io.promethium.tsdb.internal.query.MergeSampleIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes blocks: from a range of the head, or by merging blocks (re-encoding their samples,
 * dropping tombstoned ones and duplicates). Samples are gathered per series into reused
 * primitive arrays.
 */
public final class Compactor {
    private final FileOpener opener;
    private long[] ts = new long[4096];
    private double[] vs = new double[4096];
    /** Histogram samples' kept copies, parallel to {@code ts} (null for floats); null while a series has none. */
    private Object[] hs;
    private int n;

    private final int samplesPerChunk;
    private final long maxChunkFileBytes;

    public Compactor(FileOpener opener) {
        this(opener, Chunks.SAMPLES_PER_CHUNK);
    }

    /** {@code samplesPerChunk}: float samples per chunk in the blocks written ({@code --storage.tsdb.samples-per-chunk}). */
    public Compactor(FileOpener opener, int samplesPerChunk) {
        this(opener, samplesPerChunk, ChunkFileFormat.MAX_FILE_BYTES);
    }

    /** {@code maxChunkFileBytes}: the largest chunk file of the blocks written ({@code --storage.tsdb.max-block-chunk-segment-size}). */
    public Compactor(FileOpener opener, int samplesPerChunk, long maxChunkFileBytes) {
        this.opener = requireNonNull(opener, "opener is null");
        this.samplesPerChunk = samplesPerChunk;
        this.maxChunkFileBytes = maxChunkFileBytes;
    }

    /** Persists head samples in {@code [mint, maxt)} as a level-1 block under {@code parent}; null if none. */
    public synchronized BlockMeta writeHead(Head head, Path parent, long mint, long maxt) throws IOException {
        List<MemSeries> series = head.seriesInLabelOrder();
        try (BlockWriter writer = new BlockWriter(parent, mint, maxt, opener, samplesPerChunk, maxChunkFileBytes)) {
            SampleIterator reuse = null;
            for (MemSeries s : series) {
                if (!s.overlaps(mint, maxt - 1)) {
                    continue;
                }
                // Everything below maxt, whatever the head's valid time: out-of-order samples included.
                reuse = head.iterator(s, mint, maxt - 1, Long.MIN_VALUE, reuse);
                gather(reuse);
                writer.addSeries(s.labels(), ts, vs, hs, n, starts.build());
            }
            if (writer.numSamples() == 0) {
                return null;
            }
            return writer.finish(1, List.of());
        }
    }

    /** One block's view of a series, for merging. */
    private record Part(Block block, ChunkLoader chunks, BlockIndex.SeriesMeta meta, long[] deleted, StartTimes.Points starts) {
    }

    /**
     * A block's documents in order (document order is label order), one decoded at a time: a
     * merge holds one series per source block, not every series of every source (which under
     * series churn was hundreds of megabytes of labels and chunk references at once). Its chunks
     * are read front to back through a {@link ChunkFileStream}, not the block's mapping.
     */
    private static final class Cursor implements java.io.Closeable {
        private final Block block;
        private final ChunkFileStream chunks;
        private final org.apache.lucene.index.BinaryDocValues values;
        private final org.apache.lucene.index.BinaryDocValues startValues;
        private final int maxDoc;
        /** The block's symbols, decoded once each for the whole merge. */
        private final SymbolCache symbols;
        private int doc = -1;
        private Part current;

        Cursor(Block block) {
            this.block = block;
            this.chunks = block.chunks().stream();
            this.values = block.index().seriesValues();
            this.startValues = block.index().startValues();
            this.maxDoc = block.index().maxDoc();
            this.symbols = SymbolCache.whole(block.index().symbolCount());
            advance();
        }

        /** The series under the cursor, or null when the block is done. */
        Part current() {
            return current;
        }

        void advance() {
            doc++;
            current = doc < maxDoc
                    ? new Part(block, chunks, block.index().series(values, doc, symbols), block.deleted(doc),
                            block.index().starts(startValues, doc))
                    : null;
        }

        @Override
        public void close() throws IOException {
            chunks.close();
        }
    }

    /**
     * Merges blocks into one under {@code parent}; the sources stay until the caller removes them.
     * A series whose parts neither overlap in time nor carry tombstones has its encoded chunks
     * copied as they are; otherwise its samples are merged and re-encoded. Each source is read
     * in label order through a {@link Cursor}.
     */
    public BlockMeta merge(List<Block> blocks, Path parent) throws IOException {
        return merge(blocks, parent, null);
    }

    /**
     * As {@link #merge(List, Path)}, leaving out what per-series retention rules no longer keep:
     * {@code expiredBefore} gives, per series, the time before which its samples are past its rule
     * ({@code Long.MIN_VALUE}: none; null: keep everything). A copied series loses its chunks that
     * end before that time, whole; a re-encoded one its samples before it. Queries already hide
     * them, so the merged block answers the same while a block straddling a rule's cutoff stops
     * holding that rule's expired chunks until the whole block expires.
     */
    public synchronized BlockMeta merge(List<Block> blocks, Path parent, java.util.function.ToLongFunction<io.promethium.api.model.Labels> expiredBefore)
            throws IOException {
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int level = 0;
        Set<String> sources = new LinkedHashSet<>();
        List<Cursor> cursors = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            mint = Math.min(mint, b.meta().minTime());
            maxt = Math.max(maxt, b.meta().maxTime());
            level = Math.max(level, b.meta().level());
            sources.addAll(b.meta().sources());
            cursors.add(new Cursor(b));
        }
        ChunkReader.Loaded loaded = new ChunkReader.Loaded();
        try (BlockWriter writer = new BlockWriter(parent, mint, maxt, opener, samplesPerChunk, maxChunkFileBytes)) {
            return mergeSeries(cursors, writer, loaded, expiredBefore, level, sources);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            org.apache.lucene.util.IOUtils.close(cursors);
        }
    }

    /** Writes the union of the cursors' series, in label order, and finishes the block. */
    private BlockMeta mergeSeries(List<Cursor> cursors, BlockWriter writer, ChunkReader.Loaded loaded,
            java.util.function.ToLongFunction<io.promethium.api.model.Labels> expiredBefore, int level, Set<String> sources) throws IOException {
        List<Part> group = new ArrayList<>();
        while (true) {
            io.promethium.api.model.Labels min = null;
            for (Cursor c : cursors) {
                Part p = c.current();
                if (p != null && (min == null || p.meta().labels().compareTo(min) < 0)) {
                    min = p.meta().labels();
                }
            }
            if (min == null) {
                break;
            }
            group.clear();
            for (Cursor c : cursors) {
                Part p = c.current();
                if (p != null && p.meta().labels().equals(min)) {
                    group.add(p);
                    c.advance();
                }
            }
            group.sort(Comparator.comparingLong((Part p) -> p.meta().mints().length == 0 ? Long.MAX_VALUE : p.meta().mints()[0]));
            long cutoff = expiredBefore == null ? Long.MIN_VALUE : expiredBefore.applyAsLong(min);
            try {
                if (copyable(group)) {
                    copy(writer, min, group, loaded, cutoff);
                } else {
                    reencode(writer, min, group, cutoff);
                }
            } catch (io.promethium.chunks.ChunkFormatException e) {
                throw new IOException("compaction input is corrupt: " + e.getMessage(), e);
            }
        }
        return writer.finish(level + 1, new ArrayList<>(sources));
    }

    private static boolean copyable(List<Part> group) {
        long prevMax = Long.MIN_VALUE;
        for (Part p : group) {
            // Start timestamps are rebuilt from the samples (the parts' change points join at their boundaries).
            if (p.deleted() != null || p.starts() != null) {
                return false;
            }
            long[] mints = p.meta().mints();
            long[] maxts = p.meta().maxts();
            for (int i = 0; i < mints.length; i++) {
                if (mints[i] <= prevMax) {
                    return false;
                }
                prevMax = maxts[i];
            }
        }
        return true;
    }

    private static void copy(BlockWriter writer, io.promethium.api.model.Labels labels, List<Part> group, ChunkReader.Loaded loaded,
            long cutoff) throws IOException {
        writer.beginSeries(labels);
        for (Part p : group) {
            BlockIndex.SeriesMeta m = p.meta();
            for (int i = 0; i < m.refs().length; i++) {
                if (m.maxts()[i] < cutoff) {
                    // Past the series' retention rule: the whole chunk goes (a series left without chunks is left out).
                    continue;
                }
                p.chunks().load(m.refs()[i], loaded);
                writer.addChunk(m.mints()[i], m.maxts()[i], loaded.encoding, loaded.data, 1, loaded.length);
            }
        }
        writer.endSeries();
    }

    private void reencode(BlockWriter writer, io.promethium.api.model.Labels labels, List<Part> group, long cutoff) throws IOException {
        SampleIterator[] its = new SampleIterator[group.size()];
        for (int i = 0; i < its.length; i++) {
            Part p = group.get(i);
            BlockChunksIterator it = new BlockChunksIterator();
            it.reset(p.block(), p.chunks(), p.meta(), cutoff, Long.MAX_VALUE, p.deleted());
            its[i] = p.starts() == null ? it : StartTimesIterator.wrap(it, p.starts(), null);
        }
        SampleIterator merged = its.length == 1 ? its[0] : new MergeSampleIterator(its);
        gather(merged);
        if (merged.error() != null) {
            throw new IOException("reading " + labels + " for compaction: " + merged.error().getMessage(), merged.error());
        }
        writer.addSeries(labels, ts, vs, hs, n, starts.build());
    }

    /** The start timestamps of the samples gathered last. */
    private final StartTimes.Points.Builder starts = new StartTimes.Points.Builder();

    private void gather(SampleIterator it) {
        n = 0;
        hs = null;
        starts.reset();
        while (it.next()) {
            starts.add(it.timestamp(), it.startTimestamp());
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
                if (hs != null) {
                    hs = Arrays.copyOf(hs, n * 2);
                }
            }
            ts[n] = it.timestamp();
            ValueType type = it.valueType();
            if (type.isHistogram()) {
                if (hs == null) {
                    hs = new Object[ts.length];
                }
                hs[n] = type == ValueType.HISTOGRAM ? it.histogram().copy() : it.floatHistogram().copy();
                vs[n] = Double.NaN;
            } else {
                vs[n] = it.value();
                if (hs != null) {
                    hs[n] = null;
                }
            }
            n++;
        }
    }
}
