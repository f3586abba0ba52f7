package io.promethium.tsdb.internal.block;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads downsampled blocks: a series' points of one {@link Aggregate}, joined over blocks of one
 * resolution in time order. {@code COUNTER} points come out with every reset added back, across
 * chunks and blocks too (a chunk's first raw value below the previous chunk's last raw value is a
 * reset), so they never decrease and {@code rate}/{@code increase} need no reset handling on them.
 * Queries reach it through {@code DownsampledQuerier} when their select hints allow a resolution.
 */
public final class DownsampledReader {
    private DownsampledReader() {
    }

    /** The labels of every series of a downsampled block, in label order. The caller holds the block. */
    public static List<Labels> series(Block block) {
        List<Labels> out = new ArrayList<>();
        BlockIndex index = block.index();
        BinaryDocValues values = index.seriesValues();
        RoaringBitmap all = index.labelIndex().all();
        SymbolCache symbols = index.symbolCache(all.getLongCardinality());
        IntIterator docs = all.getIntIterator();
        while (docs.hasNext()) {
            out.add(index.series(values, docs.next(), symbols).labels());
        }
        return out;
    }

    /** One selected series: its labels and its parts in the blocks, in time order. */
    public static final class Series {
        private final Labels labels;
        private final List<Part> parts = new ArrayList<>(2);

        private Series(Labels labels) {
            this.labels = labels;
        }

        public Labels labels() {
            return labels;
        }

        /**
         * Whether the series was downsampled as native histograms (its first chunk is a
         * {@link HistAggrChunk}): reads one chunk. False for a corrupt one (its readers report it).
         */
        public boolean histograms() {
            for (Part p : parts) {
                if (p.meta().refs().length > 0) {
                    ChunkReader.Loaded loaded = new ChunkReader.Loaded();
                    try {
                        p.block().chunks().load(p.meta().refs()[0], loaded);
                    } catch (ChunkFormatException e) {
                        return false;
                    }
                    return HistAggrChunk.isHistogramAggregate(loaded.encoding);
                }
            }
            return false;
        }

        /** Whether some chunk of the series holds points in {@code [mint, maxt]} (tombstones aside). */
        public boolean overlaps(long mint, long maxt) {
            for (Part p : parts) {
                long[] mints = p.meta().mints();
                long[] maxts = p.meta().maxts();
                for (int i = 0; i < mints.length; i++) {
                    if (mints[i] <= maxt && maxts[i] >= mint) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The newest point's timestamp over the parts (tombstones aside). */
        public long maxTime() {
            long max = Long.MIN_VALUE;
            for (Part p : parts) {
                long[] maxts = p.meta().maxts();
                if (maxts.length > 0) {
                    max = Math.max(max, maxts[maxts.length - 1]);
                }
            }
            return max;
        }

        /** The points of {@code column} in {@code [mint, maxt]}. */
        public SampleIterator iterator(Aggregate column, long mint, long maxt) {
            return new AggrIterator(parts, column, mint, maxt, false);
        }

        /**
         * As {@link #iterator}, each point also telling its window's sample count
         * ({@link SampleIterator#sampleCount()}, read from the {@code COUNT} column beside {@code column}).
         */
        public SampleIterator countedIterator(Aggregate column, long mint, long maxt) {
            return new AggrIterator(parts, column, mint, maxt, column != Aggregate.COUNT);
        }
    }

    /**
     * The series matching {@code matchers} in {@code blocks} (downsampled, of one resolution, in
     * time order, held by the caller) that have chunks in {@code [mint, maxt]}, in label order:
     * each block's index is walked once.
     */
    public static List<Series> select(List<Block> blocks, List<Matcher> matchers, long mint, long maxt) {
        PostingsForMatchers.check(matchers);
        java.util.TreeMap<Labels, Series> out = new java.util.TreeMap<>();
        checkResolutions(blocks);
        for (Block b : blocks) {
            if (b.meta().maxTime() <= mint || b.meta().minTime() > maxt) {
                continue;
            }
            RoaringBitmap docs = PostingsForMatchers.select(b.index().labelIndex(), matchers);
            SymbolCache symbols = b.index().querySymbolCache(docs.getLongCardinality());
            IntIterator it = docs.getIntIterator();
            BinaryDocValues values = b.index().seriesValues();
            while (it.hasNext()) {
                int doc = it.next();
                BlockIndex.SeriesMeta meta = b.index().series(values, doc, symbols);
                long[] deleted = b.deleted(doc);
                if (deleted != null && BlockSeries.coversAll(deleted, meta)) {
                    continue; // deleted (delete_series) or dropped by a retention rule
                }
                out.computeIfAbsent(meta.labels(), Series::new).parts.add(new Part(b, meta, deleted));
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void checkResolutions(List<Block> blocks) {
        long resolution = -1;
        for (Block b : blocks) {
            if (!b.meta().downsampled()) {
                throw new IllegalArgumentException("block " + b.meta().ulid() + " is raw, not downsampled");
            }
            if (resolution >= 0 && b.meta().resolution() != resolution) {
                throw new IllegalArgumentException("blocks of resolutions " + resolution + " and " + b.meta().resolution() + " ms mixed");
            }
            resolution = b.meta().resolution();
        }
    }

    /**
     * The points of {@code column} of the series with exactly {@code labels} in {@code [mint, maxt]},
     * over {@code blocks} (downsampled, of one resolution, in time order, held by the caller).
     */
    public static SampleIterator iterator(List<Block> blocks, Labels labels, Aggregate column, long mint, long maxt) {
        List<Matcher> matchers = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            matchers.add(Matcher.equal(labels.name(i), labels.value(i)));
        }
        List<Part> parts = new ArrayList<>();
        checkResolutions(blocks);
        for (Block b : blocks) {
            if (b.meta().maxTime() <= mint || b.meta().minTime() > maxt) {
                continue;
            }
            RoaringBitmap docs = PostingsForMatchers.select(b.index().labelIndex(), matchers);
            IntIterator it = docs.getIntIterator();
            BinaryDocValues values = b.index().seriesValues();
            while (it.hasNext()) {
                int doc = it.next();
                BlockIndex.SeriesMeta meta = b.index().series(values, doc);
                long[] deleted = b.deleted(doc);
                if (meta.labels().equals(labels) && (deleted == null || !BlockSeries.coversAll(deleted, meta))) {
                    parts.add(new Part(b, meta, deleted));
                }
            }
        }
        return new AggrIterator(parts, column, mint, maxt, false);
    }

    /** A series' chunks in one block and its tombstones there ({@code [mint, maxt]} pairs, null for none). */
    private record Part(Block block, BlockIndex.SeriesMeta meta, long[] deleted) {
    }

    /**
     * Whether tombstones {@code deleted} ({@code [mint, maxt]} pairs, null for none) hide the point at
     * {@code t} of a companion of {@code resolution} ms: when they touch any part of its window
     * {@code (k·res, (k+1)·res]}, since the window's aggregates mix deleted samples with the rest.
     */
    static boolean hidden(long[] deleted, long t, long resolution) {
        if (deleted == null) {
            return false;
        }
        long start = Math.floorDiv(t - 1, resolution) * resolution;
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= start + resolution && deleted[i + 1] > start) {
                return true;
            }
        }
        return false;
    }

    /**
     * The last raw counter value of the last chunk {@code it} (an iterator of this class) opened:
     * where a following source of the same counter is joined on; NaN before any chunk.
     */
    public static double lastRaw(SampleIterator it) {
        return it instanceof AggrIterator a ? a.chunkLastRaw : Double.NaN;
    }

    /** As {@link #lastRaw}, for a series downsampled as native histograms: null before any such chunk. */
    public static FloatHistogram lastRawHistogram(SampleIterator it) {
        return it instanceof AggrIterator a ? a.hChunkLastRaw : null;
    }

    /** Walks one column over the parts' chunks; no allocation per point. */
    private static final class AggrIterator implements SampleIterator {
        private final List<Part> parts;
        private final Aggregate column;
        private final boolean isCounter;
        private final long mint;
        private final long maxt;
        private final ChunkReader.Loaded loaded = new ChunkReader.Loaded();
        private final AggrChunk.Layout layout = new AggrChunk.Layout();
        private ChunkIterator chunk;
        // The COUNT column read beside another one (sampleCount()), else null.
        private final boolean withCount;
        private ChunkIterator countChunk;
        private long count = 1;
        // The current part's tombstones (null: none) and its block's resolution.
        private long[] deleted;
        private long resolution;
        private boolean inChunk;
        private int part;
        private int index = -1;
        private boolean done;
        private Throwable error;
        private long t;
        private double v;
        private boolean positioned;
        // COUNTER: the reset-adjusted total, where the current chunk started, its first raw value.
        private boolean counterStarted;
        private boolean firstOfChunk;
        private double total;
        private double entryTotal;
        private double entryRaw;
        private double prevLastRaw;
        private double chunkLastRaw = Double.NaN;
        // A histogram aggregate chunk, decoded whole; the point read from it (null: a float point).
        private final HistAggrChunk.Decoded decoded = new HistAggrChunk.Decoded();
        private boolean histChunk;
        private int hIndex;
        private FloatHistogram h;
        // COUNTER over histogram chunks: as the float fields above.
        private boolean hCounterStarted;
        private FloatHistogram hTotal;
        private FloatHistogram hEntryTotal;
        private FloatHistogram hEntryRaw;
        private FloatHistogram hPrevLastRaw;
        private FloatHistogram hChunkLastRaw;

        AggrIterator(List<Part> parts, Aggregate column, long mint, long maxt, boolean withCount) {
            this.parts = parts;
            this.column = column;
            this.withCount = withCount;
            this.isCounter = column == Aggregate.COUNTER;
            this.mint = mint;
            this.maxt = maxt;
        }

        @Override
        public boolean next() {
            positioned = false;
            while (!done) {
                if (!inChunk && !openNext()) {
                    done = true;
                    return false;
                }
                if (histChunk) {
                    int r = nextHistogram();
                    if (r < 0) {
                        inChunk = false;
                        hPrevLastRaw = hChunkLastRaw;
                        continue;
                    }
                    if (r == 0) {
                        continue;
                    }
                    if (done) {
                        return false;
                    }
                    positioned = true;
                    return true;
                }
                if (!chunk.next()) {
                    inChunk = false;
                    prevLastRaw = chunkLastRaw;
                    continue;
                }
                h = null;
                long ts = chunk.t();
                double value = chunk.v();
                if (withCount) {
                    if (!countChunk.next() || countChunk.t() != ts) {
                        error = new ChunkFormatException("aggregate chunk's count column does not match its " + column + " column");
                        done = true;
                        return false;
                    }
                    count = (long) countChunk.v();
                } else if (column == Aggregate.COUNT) {
                    count = (long) value;
                }
                if (isCounter) {
                    if (firstOfChunk) {
                        firstOfChunk = false;
                        if (!counterStarted) {
                            counterStarted = true;
                            total = value;
                        } else {
                            // Between chunks: a first raw value below the last one is a reset.
                            total += value >= prevLastRaw ? value - prevLastRaw : value;
                        }
                        entryTotal = total;
                        entryRaw = value;
                    } else {
                        total = entryTotal + (value - entryRaw);
                    }
                    value = total;
                }
                if (ts < mint) {
                    continue;
                }
                if (ts > maxt) {
                    done = true;
                    return false;
                }
                if (deleted != null && hidden(deleted, ts, resolution)) {
                    continue; // after the counter's bookkeeping: the total keeps every increase, as raw rate over a gap does
                }
                t = ts;
                v = value;
                positioned = true;
                return true;
            }
            return false;
        }

        /**
         * Advances in a histogram aggregate chunk: -1 at its end, 0 for a point not to show (before
         * mint, hidden by tombstones), 1 for a point now current (or past maxt: {@code done} set).
         */
        private int nextHistogram() {
            hIndex++;
            long ts;
            FloatHistogram value = null;
            double number = Double.NaN;
            switch (column) {
                case COUNT -> {
                    if (hIndex >= decoded.windows) {
                        return -1;
                    }
                    ts = decoded.wt[hIndex];
                    number = decoded.count[hIndex];
                    count = (long) number;
                }
                case SUM -> {
                    if (hIndex >= decoded.windows) {
                        return -1;
                    }
                    ts = decoded.wt[hIndex];
                    value = decoded.sum[hIndex];
                    if (withCount) {
                        count = (long) decoded.count[hIndex];
                    }
                }
                case COUNTER -> {
                    if (hIndex >= decoded.counters) {
                        return -1;
                    }
                    ts = decoded.ct[hIndex];
                    FloatHistogram raw = decoded.cv[hIndex];
                    if (hIndex == 0) {
                        if (!hCounterStarted) {
                            hCounterStarted = true;
                            hTotal = raw;
                        } else {
                            // Between chunks: the first raw histogram against the last one before it.
                            hTotal = AggrHistograms.increase(hTotal, hPrevLastRaw, raw);
                        }
                        hEntryTotal = hTotal;
                        hEntryRaw = raw;
                    } else {
                        hTotal = AggrHistograms.compatible(hEntryTotal, raw)
                                ? AggrHistograms.add(hEntryTotal, AggrHistograms.add(raw, hEntryRaw, -1,
                                        io.promethium.api.model.CounterResetHint.UNKNOWN), 1,
                                        io.promethium.api.model.CounterResetHint.NOT_COUNTER_RESET)
                                : raw;
                    }
                    value = hTotal;
                }
                default -> {
                    return -1; // min and max have no meaning for histograms (PromQL ignores them there)
                }
            }
            if (ts < mint) {
                return 0;
            }
            if (ts > maxt) {
                done = true;
                return 1;
            }
            if (deleted != null && hidden(deleted, ts, resolution)) {
                return 0;
            }
            t = ts;
            v = number;
            h = value;
            return 1;
        }

        /** Opens the next chunk that may hold points in range; chunks wholly before mint are skipped unread. */
        private boolean openNext() {
            while (part < parts.size()) {
                BlockIndex.SeriesMeta meta = parts.get(part).meta();
                index++;
                if (index >= meta.refs().length) {
                    part++;
                    index = -1;
                    continue;
                }
                if (meta.maxts()[index] < mint) {
                    // A counter read from a later chunk only starts its total there: differences stay right.
                    continue;
                }
                if (meta.mints()[index] > maxt) {
                    return false;
                }
                Block block = parts.get(part).block();
                try {
                    block.chunks().load(meta.refs()[index], loaded);
                    if (loaded.encoding != AggrChunk.ENCODING && !HistAggrChunk.isHistogramAggregate(loaded.encoding)) {
                        throw new ChunkFormatException("chunk of encoding " + loaded.encoding + " in downsampled block "
                                + block.meta().ulid() + ", not an aggregate chunk");
                    }
                    if (HistAggrChunk.isHistogramAggregate(loaded.encoding)) {
                        decoded.decode(loaded.encoding, loaded.data, 1, loaded.length, meta.mints()[index]);
                        histChunk = true;
                        hIndex = -1;
                        hChunkLastRaw = decoded.lastRaw;
                        deleted = parts.get(part).deleted();
                        resolution = block.meta().resolution();
                        inChunk = true;
                        return true;
                    }
                    histChunk = false;
                    layout.parse(loaded.data, 1, loaded.length);
                    chunk = layout.open(loaded.data, column, meta.mints()[index], chunk);
                    if (withCount) {
                        countChunk = layout.open(loaded.data, Aggregate.COUNT, meta.mints()[index], countChunk);
                    }
                } catch (ChunkFormatException e) {
                    block.markDamaged(e.getMessage());
                    error = e;
                    return false;
                }
                chunkLastRaw = layout.lastRaw;
                deleted = parts.get(part).deleted();
                resolution = block.meta().resolution();
                firstOfChunk = true;
                inChunk = true;
                return true;
            }
            return false;
        }

        @Override
        public boolean seek(long target) {
            if (done) {
                return false;
            }
            if (positioned && t >= target) {
                return true;
            }
            // Forward reading keeps the counter's joins between chunks right.
            while (next()) {
                if (t >= target) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long timestamp() {
            return t;
        }

        @Override
        public double value() {
            return v;
        }

        @Override
        public ValueType valueType() {
            return h == null ? ValueType.FLOAT : ValueType.FLOAT_HISTOGRAM;
        }

        @Override
        public FloatHistogram floatHistogram() {
            if (h == null) {
                throw new IllegalStateException("the current point is a float, not a histogram");
            }
            return h;
        }

        /** The window's sample count for the COUNT column or a counted iterator, else 1. */
        @Override
        public long sampleCount() {
            return count;
        }

        @Override
        public Throwable error() {
            return error;
        }
    }
}
