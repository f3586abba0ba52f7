package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.roaringbitmap.RoaringBitmap;

/**
 * An immutable block folder, opened: meta, mmapped chunks, Lucene index, tombstones. Reference
 * counted so retention or compaction can drop it while queries still read it; the files are
 * closed when the last reader lets go.
 */
public final class Block {
    private static final Logger LOG = Logger.getLogger(Block.class.getName());

    private final Path dir;
    private final BlockMeta meta;
    private final ChunkReader chunks;
    private final BlockIndex index;
    private final long sizeBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile Tombstones tombstones;
    private volatile String corruption;

    private Block(Path dir, BlockMeta meta, ChunkReader chunks, BlockIndex index, Tombstones tombstones) {
        this.dir = dir;
        this.meta = meta;
        this.chunks = chunks;
        this.index = index;
        this.tombstones = tombstones;
        this.sizeBytes = Fsync.sizeOf(dir);
    }

    /** Opens and checks a block; any inconsistency is an exception naming the block and the file. */
    public static Block open(Path dir) throws IOException {
        Path metaPath = dir.resolve("meta.json");
        BlockMeta meta = BlockMeta.fromJson(Files.readString(metaPath, StandardCharsets.UTF_8));
        if (!meta.ulid().equals(dir.getFileName().toString())) {
            throw new io.promethium.tsdb.internal.util.FormatException("block " + dir + " has meta.json ulid " + meta.ulid());
        }
        ChunkReader chunks = new ChunkReader(dir, meta.chunkFileSizes());
        BlockIndex index = null;
        try {
            index = BlockIndex.open(dir, meta.minTime());
            return new Block(dir, meta, chunks, index, Tombstones.read(dir));
        } catch (IOException | RuntimeException e) {
            try {
                if (index != null) {
                    index.close();
                }
                chunks.close();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    public BlockMeta meta() {
        return meta;
    }

    public Path dir() {
        return dir;
    }

    /** Bytes of chunk records read from this block's chunk files since it was opened (queries, compaction, downsampling). */
    public long chunkBytesRead() {
        return chunks.bytesRead();
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public int numTombstones() {
        return tombstones.size();
    }

    /** Deletion intervals recorded against this block (Prometheus's {@code numTombstones} in meta.json stats). */
    public long numTombstoneIntervals() {
        return tombstones.intervals();
    }

    /** Why reads found this block corrupt, or null. */
    public String corruption() {
        return corruption;
    }

    /** Skips the block in this process's reads from now on (queries, compaction). */
    void markCorrupt(String why) {
        if (corruption == null) {
            corruption = why;
            LOG.warning("block " + dir + " is corrupt and will be skipped: " + why);
        }
    }

    /**
     * The name of the note a read leaves in a block folder whose data it found damaged; the next
     * start sets a block with this note aside, as one that fails to open.
     */
    public static final String DAMAGE_NOTE = "corrupt";

    /**
     * As {@link #markCorrupt}, for damage in the block's files (a chunk failing its checksum): also
     * leaves {@link #DAMAGE_NOTE} in the folder, since opening a block does not read every chunk
     * and the next start would otherwise serve it again until a read fails once more.
     */
    void markDamaged(String why) {
        if (corruption != null) {
            return;
        }
        markCorrupt(why);
        Path tmp = dir.resolve(DAMAGE_NOTE + ".tmp");
        try {
            Files.writeString(tmp, why + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(DAMAGE_NOTE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warning("block " + dir + ": cannot leave the note that it is corrupt (" + e.getMessage()
                    + "); the next start serves it again until a read fails");
        }
    }

    public boolean acquire() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (refs.decrementAndGet() == 0) {
            try (chunks) {
                index.close();
            } catch (IOException e) {
                LOG.warning("closing block " + dir + ": " + e);
            }
        }
    }

    /** Drops the owner's reference; files close once no querier holds the block. */
    public void close() {
        release();
    }

    /** A querier; the caller must have {@link #acquire acquired} the block and releases it via close. */
    public Querier querier(long mint, long maxt) {
        return new BlockQuerier(this, mint, maxt, null);
    }

    /**
     * As {@link #querier(long, long)}, beside a head: {@code headLabels} answers the head's own
     * object for a label set (null when the head has no such series), which a series listing
     * keys the series by and keeps (see {@code KeptLabelSets}).
     */
    public Querier querier(long mint, long maxt, UnaryOperator<Labels> headLabels) {
        return new BlockQuerier(this, mint, maxt, headLabels);
    }

    BlockIndex index() {
        return index;
    }

    ChunkReader chunks() {
        return chunks;
    }

    long[] deleted(int doc) {
        return tombstones.get(doc);
    }

    /** Adds tombstones for series matching the matchers over {@code [mint, maxt]}; returns how many series. */
    public synchronized int delete(List<Matcher> matchers, long mint, long maxt) throws IOException {
        PostingsForMatchers.check(matchers);
        RoaringBitmap docs = PostingsForMatchers.select(index.labelIndex(), matchers);
        if (docs.isEmpty() || mint > meta.maxTime() || maxt < meta.minTime()) {
            return 0;
        }
        Tombstones next = tombstones.with(docs.toArray(), mint, maxt);
        next.write(dir);
        tombstones = next;
        return docs.getCardinality();
    }

    /** Adds tombstones over {@code [mint, maxt]} for the given documents (per-series retention); returns how many. */
    public synchronized int deleteDocs(int[] docs, long mint, long maxt) throws IOException {
        if (docs.length == 0) {
            return 0;
        }
        Tombstones next = tombstones.with(docs, mint, maxt);
        next.write(dir);
        tombstones = next;
        return docs.length;
    }
}
