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
        Iterable<MemSeries> series = head.seriesInLabelOrder();
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

    /**
     * A block's documents in order (document order is label order), one decoded at a time into
     * arrays the cursor reuses: a merge holds one series per source block, not every series of
     * every source (which under series churn was hundreds of megabytes of labels and chunk
     * references at once). Its chunks are read front to back through a {@link ChunkFileStream},
     * not the block's mapping.
     */
    private static final class Cursor implements java.io.Closeable {
        private final Block block;
        private final ChunkFileStream chunks;
        private final org.apache.lucene.index.BinaryDocValues values;
        private final org.apache.lucene.index.BinaryDocValues startValues;
        private final int maxDoc;
        /** The block's symbols, decoded once each for the whole merge. */
        private final SymbolCache symbols;
        private final BlockIndex.ChunkRefs refs = new BlockIndex.ChunkRefs();
        private int doc = -1;
        /** The series under the cursor; null when the block is done. */
        private io.promethium.api.model.Labels labels;
        private long[] deleted;
        private StartTimes.Points starts;

        Cursor(Block block, byte[] buffer) {
            this.block = block;
            this.chunks = block.chunks().stream(buffer);
            this.values = block.index().seriesValues();
            this.startValues = block.index().startValues();
            this.maxDoc = block.index().maxDoc();
            this.symbols = SymbolCache.whole(block.index().symbolCount());
            advance();
        }

        /** Moves to the next series; its chunk references replace the previous one's. */
        void advance() {
            doc++;
            if (doc < maxDoc) {
                labels = block.index().series(values, doc, symbols, refs);
                deleted = block.deleted(doc);
                starts = block.index().starts(startValues, doc);
            } else {
                labels = null;
            }
        }

        /** Where the series' first chunk starts; {@code Long.MAX_VALUE} without chunks. */
        long firstTime() {
            return refs.count == 0 ? Long.MAX_VALUE : refs.mints[0];
        }

        @Override
        public void close() throws IOException {
            chunks.close();
        }
    }

    private static final Comparator<Cursor> BY_FIRST_TIME = Comparator.comparingLong(Cursor::firstTime);

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
    public BlockMeta merge(List<Block> blocks, Path parent, java.util.function.ToLongFunction<io.promethium.api.model.Labels> expiredBefore)
            throws IOException {
        return merge(blocks, parent, expiredBefore, new Buffers());
    }

    /**
     * The buffers a run of merges shares, one merge after another: a merge reads each source
     * through 256 KB and writes through 1 MB, which allocated afresh per merge were a seventh of
     * what compacting a week of 200 hosts allocated, and the megabyte is a humongous object to G1
     * (it started a concurrent cycle). Held by the caller for the run only, so an idle server keeps
     * none. Not thread-safe.
     */
    public static final class Buffers {
        private final List<byte[]> reads = new ArrayList<>();
        private java.nio.ByteBuffer write;

        byte[] read(int source) {
            while (reads.size() <= source) {
                reads.add(new byte[ChunkFileStream.BUFFER_BYTES]);
            }
            return reads.get(source);
        }

        java.nio.ByteBuffer write() {
            if (write == null) {
                write = java.nio.ByteBuffer.allocate(BlockWriter.PENDING_BYTES);
            }
            return write;
        }
    }

    /** As {@link #merge(List, Path, java.util.function.ToLongFunction)}, through {@code buffers}. */
    public synchronized BlockMeta merge(List<Block> blocks, Path parent, java.util.function.ToLongFunction<io.promethium.api.model.Labels> expiredBefore,
            Buffers buffers) throws IOException {
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
            cursors.add(new Cursor(b, buffers.read(cursors.size())));
        }
        ChunkReader.Loaded loaded = new ChunkReader.Loaded();
        try (BlockWriter writer = new BlockWriter(parent, mint, maxt, opener, samplesPerChunk, maxChunkFileBytes, buffers.write())) {
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
        List<Cursor> group = new ArrayList<>(cursors.size());
        while (true) {
            io.promethium.api.model.Labels min = null;
            for (int i = 0; i < cursors.size(); i++) {
                io.promethium.api.model.Labels l = cursors.get(i).labels;
                if (l != null && (min == null || l.compareTo(min) < 0)) {
                    min = l;
                }
            }
            if (min == null) {
                break;
            }
            group.clear();
            for (int i = 0; i < cursors.size(); i++) {
                Cursor c = cursors.get(i);
                if (c.labels != null && c.labels.equals(min)) {
                    group.add(c);
                }
            }
            group.sort(BY_FIRST_TIME);
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
            // Only once written: advancing reads the next series into the same arrays.
            for (int i = 0; i < group.size(); i++) {
                group.get(i).advance();
            }
        }
        return writer.finish(level + 1, new ArrayList<>(sources));
    }

    private static boolean copyable(List<Cursor> group) {
        long prevMax = Long.MIN_VALUE;
        for (int g = 0; g < group.size(); g++) {
            Cursor c = group.get(g);
            // Start timestamps are rebuilt from the samples (the parts' change points join at their boundaries).
            if (c.deleted != null || c.starts != null) {
                return false;
            }
            BlockIndex.ChunkRefs r = c.refs;
            for (int i = 0; i < r.count; i++) {
                if (r.mints[i] <= prevMax) {
                    return false;
                }
                prevMax = r.maxts[i];
            }
        }
        return true;
    }

    private static void copy(BlockWriter writer, io.promethium.api.model.Labels labels, List<Cursor> group, ChunkReader.Loaded loaded,
            long cutoff) throws IOException {
        writer.beginSeries(labels);
        for (int g = 0; g < group.size(); g++) {
            Cursor c = group.get(g);
            BlockIndex.ChunkRefs r = c.refs;
            for (int i = 0; i < r.count; i++) {
                if (r.maxts[i] < cutoff) {
                    // Past the series' retention rule: the whole chunk goes (a series left without chunks is left out).
                    continue;
                }
                c.chunks.load(r.refs[i], loaded);
                writer.addChunk(r.mints[i], r.maxts[i], loaded.encoding, loaded.data, 1, loaded.length);
            }
        }
        writer.endSeries();
    }

    private void reencode(BlockWriter writer, io.promethium.api.model.Labels labels, List<Cursor> group, long cutoff) throws IOException {
        SampleIterator[] its = new SampleIterator[group.size()];
        for (int i = 0; i < its.length; i++) {
            Cursor c = group.get(i);
            BlockChunksIterator it = new BlockChunksIterator();
            it.reset(c.block, c.chunks, c.refs.meta(labels), cutoff, Long.MAX_VALUE, c.deleted);
            its[i] = c.starts == null ? it : StartTimesIterator.wrap(it, c.starts, null);
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
