package io.promethium.tsdb.internal.block;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.HistogramChunkAppender;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import io.promethium.tsdb.internal.start.StartTimes;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogByteSizeMergePolicy;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Writes one block: series must come in label order. Samples are cut into chunks of
 * at most {@code samplesPerChunk} (float samples), each stored in whichever encoding is smaller; each series
 * becomes one Lucene document (label pairs as terms; labels and chunk references stored). The
 * block is built under {@code <ulid>.tmp} and renamed into place by {@link #finish}.
 */
public final class BlockWriter implements AutoCloseable {
    static final String SERIES_FIELD = "#series";
    /** A series' sample start timestamps ({@code StartTimes.Points#encode}); only series that have some. */
    static final String STARTS_FIELD = "#st";
    /** Commit user data key naming the series entry format; absent in format 1 (labels as strings). */
    static final String FORMAT_KEY = "promethium.format";
    static final String FORMAT_2 = "2";
    /** Format 2: a series' first chunk reference is a delta from the first chunk of file 1. */
    static final long FIRST_REF = 1L << 32;

    /** The current series' encoded start timestamps, or null. */
    private byte[] seriesStarts;
    /** Set while addSeries with start timestamps adds the series it began. */
    private boolean continueSeries;

    private final Path parent;
    private final String ulid;
    private final Path tmp;
    private final long minTime;
    private final long maxTime;
    private final FileOpener opener;
    private final int samplesPerChunk;
    private final long maxChunkFileBytes;
    private final Chunks encoder = new Chunks();
    private final CRC32C crc = new CRC32C();
    private final GrowableBytes record = new GrowableBytes(1024);
    private final GrowableBytes stored = new GrowableBytes(1024);
    private final GrowableBytes chunkMeta = new GrowableBytes(1024);
    /** Every label name and value once, numbered in first-seen order; series entries refer to them. */
    private final java.util.HashMap<String, Integer> symbolIds = new java.util.HashMap<>();
    private final List<String> symbols = new ArrayList<>();
    /**
     * The series' document and fields, refilled for each series (Lucene copies what it indexes
     * in addDocument), and each symbol's UTF-8 bytes made once: a field, its term's bytes and the
     * stored entry's copy per label per series were a seventh of what a merge allocated.
     */
    private final Document doc = new Document();
    private final List<BytesRef> symbolBytes = new ArrayList<>();
    private final java.util.HashMap<String, StringField> labelFields = new java.util.HashMap<>();
    private final BytesRef seriesEntry = new BytesRef();
    private final BinaryDocValuesField seriesField = new BinaryDocValuesField(SERIES_FIELD, seriesEntry);
    private final BinaryDocValuesField startsField = new BinaryDocValuesField(STARTS_FIELD, new BytesRef());
    private int seriesChunks;
    private long prevMax;
    private long prevRef;
    private final List<Long> chunkFileSizes = new ArrayList<>();
    private final Directory directory;
    private final IndexWriter index;
    private FileChannel chunkFile;
    private int chunkFileIndex;
    private long chunkFileOffset;
    /** Chunk records not yet written to the chunk file: one write a megabyte. */
    static final int PENDING_BYTES = 1 << 20;
    private final ByteBuffer pending;
    private Labels last;
    private long numSamples;
    private long numSeries;
    private long numChunks;
    private boolean finished;

    public BlockWriter(Path parent, long minTime, long maxTime, FileOpener opener) throws IOException {
        this(parent, minTime, maxTime, opener, Chunks.SAMPLES_PER_CHUNK);
    }

    /** {@code samplesPerChunk}: the most float samples a chunk holds ({@code --storage.tsdb.samples-per-chunk}). */
    public BlockWriter(Path parent, long minTime, long maxTime, FileOpener opener, int samplesPerChunk) throws IOException {
        this(parent, minTime, maxTime, opener, samplesPerChunk, ChunkFileFormat.MAX_FILE_BYTES);
    }

    /** {@code maxChunkFileBytes}: where a chunk file ends and the next begins ({@code --storage.tsdb.max-block-chunk-segment-size}). */
    public BlockWriter(Path parent, long minTime, long maxTime, FileOpener opener, int samplesPerChunk, long maxChunkFileBytes)
            throws IOException {
        this(parent, minTime, maxTime, opener, samplesPerChunk, maxChunkFileBytes, ByteBuffer.allocate(PENDING_BYTES), 0);
    }

    /**
     * With {@code pending} as the buffer for chunk records on their way to the file (cleared
     * here): a run of merges hands each block it writes the same one.
     */
    BlockWriter(Path parent, long minTime, long maxTime, FileOpener opener, int samplesPerChunk, long maxChunkFileBytes, ByteBuffer pending)
            throws IOException {
        this(parent, minTime, maxTime, opener, samplesPerChunk, maxChunkFileBytes, pending, 0);
    }

    /**
     * As above, the index flushing a segment every {@code maxBufferedDocs} series ({@code 0}: by
     * its RAM buffer alone), for tests of a block whose index is merged from several segments.
     */
    BlockWriter(Path parent, long minTime, long maxTime, FileOpener opener, int samplesPerChunk, long maxChunkFileBytes, ByteBuffer pending,
            int maxBufferedDocs) throws IOException {
        this.pending = requireNonNull(pending, "pending is null").clear();
        this.samplesPerChunk = samplesPerChunk;
        this.maxChunkFileBytes = maxChunkFileBytes;
        this.parent = requireNonNull(parent, "parent is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.ulid = Ulid.next(System.currentTimeMillis());
        this.tmp = parent.resolve(ulid + ".tmp");
        this.minTime = minTime;
        this.maxTime = maxTime;
        FSDirectory dir = null;
        IndexWriter writer = null;
        try {
            Files.createDirectories(tmp.resolve("chunks"));
            dir = FSDirectory.open(tmp.resolve("index"));
            IndexWriterConfig config = new IndexWriterConfig();
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            // Document order is label order, so a block's series sets come out sorted for free: one
            // thread adds the series in label order, and a log merge policy merges adjacent segments
            // only, keeping that order (the default tiered policy picks segments by size). An index
            // sort on a running number gave the same order at a cost: its stored-fields buffer
            // flushes every document, two fifths of what a compaction allocated at 200 hosts.
            config.setMergePolicy(new LogByteSizeMergePolicy());
            if (maxBufferedDocs > 0) {
                config.setMaxBufferedDocs(maxBufferedDocs);
            }
            config.setRAMBufferSizeMB(32);
            config.setUseCompoundFile(true);
            writer = new IndexWriter(dir, config);
            directory = dir;
            index = writer;
            openChunkFile();
        } catch (IOException | RuntimeException e) {
            // On a full disk even the first file may fail: leave no folder behind (close() is never called).
            try {
                if (writer != null) {
                    writer.rollback();
                }
                if (dir != null) {
                    dir.close();
                }
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            try {
                Fsync.deleteRecursively(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    public String ulid() {
        return ulid;
    }

    private void openChunkFile() throws IOException {
        if (chunkFile != null) {
            flushPending();
            chunkFile.force(false);
            chunkFile.close();
            chunkFileSizes.add(chunkFileOffset);
        }
        chunkFileIndex++;
        chunkFile = opener.open(tmp.resolve("chunks").resolve(ChunkFileFormat.fileName(chunkFileIndex)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        pending.clear();
        pending.putInt(ChunkFileFormat.MAGIC).put((byte) ChunkFileFormat.VERSION).put((byte) 0).put((byte) 0).put((byte) 0);
        chunkFileOffset = ChunkFileFormat.HEADER;
    }

    private void flushPending() throws IOException {
        pending.flip();
        while (pending.hasRemaining()) {
            chunkFile.write(pending);
        }
        pending.clear();
    }

    /**
     * Adds a series with {@code n} samples in time order, floats and native histograms:
     * {@code hs[i]} is the i-th sample's histogram ({@code Histogram} or {@code FloatHistogram})
     * or null when it is the float {@code vs[i]}; {@code hs} null means all floats. Each run of one
     * kind becomes its own chunks.
     */
    public void addSeries(Labels labels, long[] ts, double[] vs, Object[] hs, int n) throws IOException {
        addSeries(labels, ts, vs, hs, n, null);
    }

    /** As {@link #addSeries(Labels, long[], double[], Object[], int)}, with the samples' start timestamps (null: none). */
    public void addSeries(Labels labels, long[] ts, double[] vs, Object[] hs, int n, StartTimes.Points starts) throws IOException {
        if (starts != null && n > 0) {
            beginSeries(labels);
            seriesStarts = starts.encode();
            continueSeries = true;
        }
        try {
            addSeriesSamples(labels, ts, vs, hs, n);
        } finally {
            continueSeries = false;
        }
    }

    private void addSeriesSamples(Labels labels, long[] ts, double[] vs, Object[] hs, int n) throws IOException {
        if (hs == null) {
            addSeries(labels, ts, vs, n);
            return;
        }
        if (n == 0) {
            return;
        }
        beginSeries(labels);
        int from = 0;
        while (from < n) {
            Object first = hs[from];
            int to = from + 1;
            while (to < n && kind(hs[to]) == kind(first)) {
                to++;
            }
            if (first == null) {
                addFloatChunks(ts, vs, from, to - from);
            } else {
                addHistogramChunks(ts, hs, from, to - from);
            }
            from = to;
        }
        endSeries();
    }

    private static int kind(Object h) {
        return h == null ? 0 : h instanceof Histogram ? 1 : 2;
    }

    /** Histograms of one kind, cut where the layout changes, at a counter reset and every 120 samples. */
    private void addHistogramChunks(long[] ts, Object[] hs, int from, int n) throws IOException {
        HistogramChunkAppender chunk = null;
        long cmin = 0;
        for (int i = from; i < from + n; i++) {
            Object h = hs[i];
            int cut = chunk == null ? HistogramChunkAppender.NEW_CHUNK
                    : h instanceof Histogram ih ? chunk.cut(ih) : chunk.cut((FloatHistogram) h);
            if (cut != HistogramChunkAppender.APPEND) {
                if (chunk != null) {
                    byte[] data = chunk.toByteArray();
                    addChunk(cmin, chunk.lastTimestamp(), chunk.encoding(), data, 0, data.length);
                }
                CounterResetHint own = h instanceof Histogram ih ? ih.counterResetHint() : ((FloatHistogram) h).counterResetHint();
                CounterResetHint header = own == CounterResetHint.GAUGE ? own
                        : cut == HistogramChunkAppender.NEW_CHUNK_RESET ? CounterResetHint.COUNTER_RESET
                        : chunk != null ? CounterResetHint.NOT_COUNTER_RESET : own;
                cmin = ts[i];
                chunk = h instanceof Histogram ih ? HistogramChunkAppender.forHistogram(ih, header, 256, cmin)
                        : HistogramChunkAppender.forFloatHistogram((FloatHistogram) h, header, 256, cmin);
            }
            if (h instanceof Histogram ih) {
                chunk.append(ts[i], ih);
            } else {
                chunk.append(ts[i], (FloatHistogram) h);
            }
        }
        if (chunk != null) {
            byte[] data = chunk.toByteArray();
            addChunk(cmin, chunk.lastTimestamp(), chunk.encoding(), data, 0, data.length);
        }
    }

    /** Adds a series with {@code n} samples in time order; series with no samples are skipped. */
    public void addSeries(Labels labels, long[] ts, double[] vs, int n) throws IOException {
        if (n == 0) {
            return;
        }
        beginSeries(labels);
        addFloatChunks(ts, vs, 0, n);
        endSeries();
    }

    private void addFloatChunks(long[] ts, double[] vs, int start, int n) throws IOException {
        int chunks = (n + samplesPerChunk - 1) / samplesPerChunk;
        // Balance chunk sizes so the last one is not a stub.
        int per = (n + chunks - 1) / chunks;
        for (int from = start; from < start + n; from += per) {
            int count = Math.min(per, start + n - from);
            long cmin = ts[from];
            long cmax = ts[from + count - 1];
            // The index holds the chunk's min time, so the chunk stores its first timestamp relative to it.
            byte[] data = encoder.encode(ts, vs, from, count, cmin);
            addChunk(cmin, cmax, encoder.encoding(), data, 0, data.length);
        }
    }

    /** Starts a series given chunk by chunk (compaction copying encoded chunks); series must come in label order. */
    public void beginSeries(Labels labels) {
        if (continueSeries) {
            // addSeries with start timestamps began the series already.
            return;
        }
        seriesStarts = null;
        if (last != null && labels.compareTo(last) <= 0) {
            throw new IllegalStateException("series out of order: " + labels + " after " + last);
        }
        last = labels;
        chunkMeta.reset();
        seriesChunks = 0;
        prevMax = minTime;
        prevRef = FIRST_REF;
    }

    /** Adds an encoded chunk (its first timestamp relative to {@code mint}) to the current series. */
    public void addChunk(long mint, long maxt, byte encoding, byte[] data, int offset, int length) throws IOException {
        if (seriesChunks > 0 && mint <= prevMax) {
            throw new IllegalStateException("chunk of " + last + " starting at " + mint + " overlaps the previous one ending at " + prevMax);
        }
        long ref = writeChunk(encoding, data, offset, length);
        if (seriesChunks == 0) {
            chunkMeta.writeVarint(mint - prevMax);
        } else {
            // Chunks of a series are in time order and do not overlap.
            chunkMeta.writeUvarint(mint - prevMax - 1);
        }
        chunkMeta.writeUvarint(maxt - mint);
        // A series' chunks are consecutive in the file: the delta is the previous chunk's size,
        // and the first is the offset from file 1's start.
        chunkMeta.writeUvarint(ref - prevRef);
        prevMax = maxt;
        prevRef = ref;
        seriesChunks++;
        numChunks++;
        numSamples += ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
    }

    /** Ends the current series; one without chunks is left out. */
    public void endSeries() {
        if (seriesChunks == 0) {
            return;
        }
        Labels labels = last;
        stored.reset();
        stored.writeUvarint(labels.size());
        doc.clear();
        for (int i = 0; i < labels.size(); i++) {
            stored.writeUvarint(symbol(labels.name(i)));
            int value = symbol(labels.value(i));
            stored.writeUvarint(value);
            StringField field = labelFields.computeIfAbsent(labels.name(i), name -> new StringField(name, new BytesRef(), Field.Store.NO));
            field.setBytesValue(symbolBytes.get(value));
            doc.add(field);
        }
        stored.writeUvarint(seriesChunks);
        stored.writeBytes(chunkMeta.array(), 0, chunkMeta.length());
        seriesEntry.bytes = stored.array();
        seriesEntry.offset = 0;
        seriesEntry.length = stored.length();
        doc.add(seriesField);
        if (seriesStarts != null) {
            startsField.setBytesValue(seriesStarts);
            doc.add(startsField);
            seriesStarts = null;
        }
        try {
            index.addDocument(doc);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        numSeries++;
    }

    private int symbol(String s) {
        Integer id = symbolIds.get(s);
        if (id == null) {
            id = symbols.size();
            symbolIds.put(s, id);
            symbols.add(s);
            symbolBytes.add(new BytesRef(s));
        }
        return id;
    }

    private long writeChunk(byte encoding, byte[] data, int offset, int length) throws IOException {
        record.reset();
        record.writeUvarint(length);
        int crcStart = record.length();
        record.writeByte(encoding);
        record.writeBytes(data, offset, length);
        crc.reset();
        crc.update(record.array(), crcStart, record.length() - crcStart);
        record.writeInt((int) crc.getValue());
        if (chunkFileOffset + record.length() > maxChunkFileBytes) {
            openChunkFile();
        }
        long ref = ((long) chunkFileIndex << 32) | chunkFileOffset;
        if (pending.remaining() < record.length()) {
            flushPending();
        }
        if (record.length() > pending.capacity()) {
            chunkFile.write(ByteBuffer.wrap(record.array(), 0, record.length()));
        } else {
            pending.put(record.array(), 0, record.length());
        }
        chunkFileOffset += record.length();
        return ref;
    }

    /** Completes the block and moves it into place; returns its meta. */
    public BlockMeta finish(int level, List<String> sources) throws IOException {
        return finish(level, sources, 0);
    }

    /** As {@link #finish(int, List)}, for a downsampled block of {@code resolution} ms (0: raw). */
    public BlockMeta finish(int level, List<String> sources, long resolution) throws IOException {
        flushPending();
        chunkFile.force(false);
        chunkFile.close();
        chunkFileSizes.add(chunkFileOffset);
        chunkFile = null;
        index.forceMerge(1);
        index.setLiveCommitData(java.util.Map.of(FORMAT_KEY, FORMAT_2).entrySet());
        index.commit();
        index.close();
        directory.close();
        SymbolTable.write(tmp.resolve(SymbolTable.FILE), symbols, opener);
        BlockMeta meta = new BlockMeta(ulid, minTime, maxTime, numSamples, numSeries, numChunks, level,
                sources.isEmpty() ? List.of(ulid) : sources, chunkFileSizes, resolution);
        Path metaPath = tmp.resolve("meta.json");
        try (FileChannel ch = opener.open(metaPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(meta.toJson().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Fsync.dir(tmp.resolve("chunks"));
        Fsync.dir(tmp);
        opener.beforeRename(FileOpener.Written.BLOCK, tmp);
        Files.move(tmp, parent.resolve(ulid), StandardCopyOption.ATOMIC_MOVE);
        Fsync.dir(parent);
        finished = true;
        return meta;
    }

    public long numSamples() {
        return numSamples;
    }

    /** Abandons an unfinished block, removing its temporary folder. */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        try {
            if (chunkFile != null) {
                chunkFile.close();
            }
            index.rollback();
            directory.close();
        } catch (IOException | RuntimeException e) {
            // Best effort: the folder is removed below either way.
        } finally {
            Fsync.deleteRecursively(tmp);
        }
    }
}
