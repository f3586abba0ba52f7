package io.promethium.tsdb.internal.block;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Writes a block's downsampled companion (from a raw block, or from a finer companion: see
 * {@link #downsample}): the same time range and series, each float series
 * cut into windows {@code (k·resolution, (k+1)·resolution]} — left-open and right-closed as a
 * PromQL range is, so a range whose ends are multiples of the resolution is exactly a set of
 * windows — each window kept as count, sum, min, max and the reset-adjusted counter
 * ({@link AggrChunk}). Stale markers are left out (PromQL drops them from every range); other NaN
 * values count in count, sum, min and max as PromQL's {@code *_over_time} count them, and are
 * skipped by the counter (as by Thanos). A series holding only native histograms (all addable to
 * each other) is written as histogram aggregates by {@link HistogramWindows}; the histograms of a
 * series mixing them with floats, or whose bucket layouts cannot be added, are skipped and counted
 * in the result (a series holding only such histograms is left out).
 *
 * <p>Samples stream through one series at a time into reused primitive arrays: nothing is
 * allocated per sample, and per chunk only the column encoder's output.
 */
public final class Downsampler {
    /** Windows per aggregate chunk: 120 as raw chunks hold samples, 10 h of 5 m windows. */
    public static final int WINDOWS_PER_CHUNK = 120;

    /** What one run wrote and skipped. */
    /**
     * What one run wrote and skipped: {@code histogramSeries} and {@code histogramSamples} count the
     * native histograms left out (of series mixing them with floats, or whose buckets cannot be
     * added: see {@link HistogramWindows}); {@code histogramSeriesDownsampled} the histogram series
     * written as histogram aggregates.
     */
    public record Result(BlockMeta meta, long series, long windows, long histogramSeries, long histogramSamples,
            long staleMarkers, long histogramSeriesDownsampled) {
    }

    private final FileOpener opener;
    private final int windowsPerChunk;
    private final AggrChunk.Encoder encoder = new AggrChunk.Encoder();
    private final BlockChunksIterator raw = new BlockChunksIterator();

    // The current chunk's windows and counter points.
    // Sized for windowsPerChunk; grown only when re-aggregating (see closeWindow).
    private long[] wt = new long[0];
    private double[] wcount = new double[0];
    private double[] wsum = new double[0];
    private double[] wmin = new double[0];
    private double[] wmax = new double[0];
    private long[] ct = new long[0];
    private double[] cv = new double[0];
    private int n;
    private int cn;

    // The open window.
    private boolean windowOpen;
    private long window;
    private long count;
    private double sum;
    private double min;
    private double max;
    private long lastT;
    private long counterT;

    // The counter since the chunk's first sample.
    private boolean counterStarted;
    private double counter;
    private double prevRaw;

    public Downsampler(FileOpener opener) {
        this(opener, WINDOWS_PER_CHUNK);
    }

    /** {@code windowsPerChunk}: at most this many windows per aggregate chunk (tests use few, to cut chunks often). */
    public Downsampler(FileOpener opener, int windowsPerChunk) {
        this.opener = requireNonNull(opener, "opener is null");
        if (windowsPerChunk < 1 || windowsPerChunk > 0xffff) {
            throw new IllegalArgumentException("windowsPerChunk " + windowsPerChunk + " out of [1, 65535]");
        }
        this.windowsPerChunk = windowsPerChunk;
        this.histogramWindows = new HistogramWindows(windowsPerChunk);
        grow(windowsPerChunk);
    }

    /**
     * Writes the downsampled companion of {@code source} (acquired by the caller, or under the
     * compaction lock) at {@code resolution} ms under {@code parent}: from a raw block (tombstoned
     * samples left out), or from a downsampled one whose resolution divides {@code resolution}
     * (1 h from 5 m, as Thanos does, so raw data may be gone by then; the same resolution rewrites
     * it without the windows its tombstones touch). Null when nothing remains.
     */
    public synchronized Result downsample(Block source, long resolution, Path parent) throws IOException {
        if (resolution <= 0) {
            throw new IllegalArgumentException("resolution " + resolution + " ms is not positive");
        }
        long from = source.meta().resolution();
        if (from > 0 && (resolution < from || resolution % from != 0)) {
            throw new IllegalArgumentException("block " + source.meta().ulid() + " is downsampled at " + from
                    + " ms; a coarser resolution must be a multiple of it, not " + resolution + " ms");
        }
        BlockMeta m = source.meta();
        long series = 0;
        long windows = 0;
        long histogramSeries = 0;
        long histogramSamples = 0;
        long stale = 0;
        long histogramSeriesDownsampled = 0;
        try (ChunkFileStream stream = source.chunks().stream();
                BlockWriter writer = new BlockWriter(parent, m.minTime(), m.maxTime(), opener)) {
            chunks = stream;
            BlockIndex index = source.index();
            BinaryDocValues values = index.seriesValues();
            RoaringBitmap all = index.labelIndex().all();
            SymbolCache symbols = index.symbolCache(all.getLongCardinality());
            IntIterator docs = all.getIntIterator();
            while (docs.hasNext()) {
                int doc = docs.next();
                BlockIndex.SeriesMeta meta = index.series(values, doc, symbols);
                writer.beginSeries(meta.labels());
                startSeries();
                if (from > 0) {
                    long[] deleted = source.deleted(doc);
                    if (deleted != null && BlockSeries.coversAll(deleted, meta)) {
                        writer.endSeries();
                        continue; // deleted or dropped by a retention rule after the source was written
                    }
                    reaggregatedHistograms = false;
                    long written = reaggregate(source, meta, resolution, deleted, writer);
                    windows += written;
                    if (reaggregatedHistograms) {
                        if (written > 0) {
                            series++;
                            histogramSeriesDownsampled++;
                        }
                    } else if (n > 0) {
                        flush(writer);
                        series++;
                    }
                    writer.endSeries();
                    continue;
                }
                if (histogramOnly(source, meta, doc)) {
                    long[] counted = new long[2];
                    histogramWindows(source, meta, doc, resolution, writer, counted);
                    writer.endSeries();
                    windows += counted[0];
                    if (counted[0] > 0) {
                        series++;
                        histogramSeriesDownsampled++;
                    }
                    continue;
                }
                raw.reset(source, chunks, meta, Long.MIN_VALUE, Long.MAX_VALUE, source.deleted(doc));
                long histograms = 0;
                long seriesWindows = 0;
                while (raw.next()) {
                    if (raw.valueType() != ValueType.FLOAT) {
                        histograms++;
                        continue;
                    }
                    double v = raw.value();
                    if (StaleMarker.isStale(v)) {
                        stale++;
                        continue;
                    }
                    long t = raw.timestamp();
                    // Window k holds (k·res - res, k·res]: the right-closed end of a PromQL range.
                    long k = Math.floorDiv(t - 1, resolution);
                    if (windowOpen && k != window) {
                        seriesWindows++;
                        closeWindow();
                    }
                    if (!windowOpen) {
                        if (n == windowsPerChunk) {
                            flush(writer);
                        }
                        openWindow(k);
                    }
                    add(t, v);
                }
                if (raw.error() != null) {
                    throw new IOException("reading " + meta.labels() + " of block " + m.ulid() + " to downsample: "
                            + raw.error().getMessage(), raw.error());
                }
                if (windowOpen) {
                    seriesWindows++;
                    closeWindow();
                }
                if (n > 0) {
                    flush(writer);
                    series++;
                }
                writer.endSeries();
                windows += seriesWindows;
                if (histograms > 0) {
                    histogramSeries++;
                    histogramSamples += histograms;
                }
            }
            if (series == 0) {
                return null;
            }
            // The level-1 blocks it derives from, as the source lists them: a merged block's companion covers its pieces.
            BlockMeta written = writer.finish(m.level(), m.sources(), resolution);
            return new Result(written, series, windows, histogramSeries, histogramSamples, stale, histogramSeriesDownsampled);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            chunks = null;
        }
    }

    /**
     * The source's chunks during {@link #downsample}, read front to back: the pass visits every
     * series in label order, the order of their chunks in the files, and so keeps none of the
     * block's pages resident in the process as its mapping would.
     */
    private ChunkLoader chunks;

    private final HistogramWindows histogramWindows;

    /**
     * Whether the raw series holds native histograms only (stale markers aside), all of them
     * addable to each other ({@link AggrHistograms#compatible}); reads until the first float.
     */
    private boolean histogramOnly(Block source, BlockIndex.SeriesMeta meta, int doc) throws IOException {
        raw.reset(source, chunks, meta, Long.MIN_VALUE, Long.MAX_VALUE, source.deleted(doc));
        io.promethium.api.model.FloatHistogram first = null;
        while (raw.next()) {
            if (raw.valueType() == ValueType.FLOAT) {
                if (!StaleMarker.isStale(raw.value())) {
                    return false;
                }
                continue;
            }
            io.promethium.api.model.FloatHistogram h = raw.floatHistogram();
            if (h.isStale()) {
                continue;
            }
            if (first == null) {
                first = h.copy();
            } else if (!AggrHistograms.compatible(first, h)) {
                return false;
            }
        }
        if (raw.error() != null) {
            throw new IOException("reading " + meta.labels() + " of block " + source.meta().ulid() + " to downsample: "
                    + raw.error().getMessage(), raw.error());
        }
        return first != null;
    }

    /** Writes a histogram-only series' windows; {@code counted[0]} gets the windows written. */
    private void histogramWindows(Block source, BlockIndex.SeriesMeta meta, int doc, long resolution, BlockWriter writer,
            long[] counted) throws IOException {
        raw.reset(source, chunks, meta, Long.MIN_VALUE, Long.MAX_VALUE, source.deleted(doc));
        histogramWindows.startSeries();
        long lastWindow = Long.MIN_VALUE;
        while (raw.next()) {
            if (raw.valueType() == ValueType.FLOAT) {
                continue; // stale markers only (histogramOnly checked)
            }
            io.promethium.api.model.FloatHistogram h = raw.floatHistogram();
            if (h.isStale()) {
                continue;
            }
            long t = raw.timestamp();
            long k = Math.floorDiv(t - 1, resolution);
            if (k != lastWindow) {
                counted[0]++;
                lastWindow = k;
            }
            histogramWindows.add(t, h.copy(), resolution, writer);
        }
        if (raw.error() != null) {
            throw new IOException("reading " + meta.labels() + " of block " + source.meta().ulid() + " to downsample: "
                    + raw.error().getMessage(), raw.error());
        }
        histogramWindows.finish(writer);
    }

    // Reading a downsampled source: one chunk's columns.
    private final ChunkReader.Loaded loaded = new ChunkReader.Loaded();
    private final AggrChunk.Layout layout = new AggrChunk.Layout();
    private final ChunkIterator[] columns = new ChunkIterator[AggrChunk.COLUMNS];
    private double entryCounter;
    private double entryRaw;

    /**
     * Windows of a coarser resolution from a downsampled series: counts and sums add up, min and
     * max of the parts, and the counter carried on across the source's chunks as a reader joins
     * them. A raw value is known only at a source chunk's start and end, so an output chunk is cut
     * only there (once it holds {@code windowsPerChunk} windows); a window cut by it becomes two
     * points, one in each chunk, both inside the window. Returns the windows written.
     */
    private long reaggregate(Block source, BlockIndex.SeriesMeta meta, long resolution, long[] deleted, BlockWriter writer)
            throws IOException {
        if (meta.refs().length > 0) {
            try {
                chunks.load(meta.refs()[0], loaded);
            } catch (ChunkFormatException e) {
                source.markDamaged(e.getMessage());
                throw new IOException("block " + source.meta().ulid() + " to downsample is corrupt: " + e.getMessage(), e);
            }
            if (HistAggrChunk.isHistogramAggregate(loaded.encoding)) {
                return reaggregateHistograms(source, meta, resolution, deleted, writer);
            }
        }
        long closed = 0;
        for (int c = 0; c < meta.refs().length; c++) {
            try {
                chunks.load(meta.refs()[c], loaded);
                if (loaded.encoding != AggrChunk.ENCODING) {
                    throw new ChunkFormatException("chunk of encoding " + loaded.encoding + " in downsampled block " + source.meta().ulid());
                }
                layout.parse(loaded.data, 1, loaded.length);
                for (AggrChunk.Aggregate a : AggrChunk.Aggregate.values()) {
                    columns[a.ordinal()] = layout.open(loaded.data, a, meta.mints()[c], columns[a.ordinal()]);
                }
            } catch (ChunkFormatException e) {
                source.markDamaged(e.getMessage());
                throw new IOException("block " + source.meta().ulid() + " to downsample is corrupt: " + e.getMessage(), e);
            }
            if (n >= windowsPerChunk) {
                if (windowOpen) {
                    closed++;
                    closeWindow();
                }
                flush(writer);
            }
            ChunkIterator counts = columns[0];
            ChunkIterator counterIt = columns[AggrChunk.Aggregate.COUNTER.ordinal()];
            boolean entry = true;
            boolean pending = false;
            while (counts.next()) {
                if (!columns[1].next() || !columns[2].next() || !columns[3].next()) {
                    throw new IOException("block " + source.meta().ulid() + ": aggregate columns of " + meta.labels() + " differ in length");
                }
                long ts = counts.t();
                if (deleted != null && DownsampledReader.hidden(deleted, ts, source.meta().resolution())) {
                    // A source window touched by tombstones is left out, its counter points too: a later
                    // point of the chunk is relative to the chunk's entry, and one taken as an entry joins
                    // on the last raw value before it, so the counter keeps the increase over the gap.
                    while (pending || counterIt.next()) {
                        if (counterIt.t() > ts) {
                            pending = true;
                            break;
                        }
                        pending = false;
                    }
                    continue;
                }
                long k = Math.floorDiv(ts - 1, resolution);
                if (windowOpen && k != window) {
                    closed++;
                    closeWindow();
                }
                if (!windowOpen) {
                    openWindow(k);
                }
                // The counter's points up to this window point lie in its source window, so in this window.
                while (pending || counterIt.next()) {
                    if (counterIt.t() > ts) {
                        pending = true;
                        break;
                    }
                    pending = false;
                    addCounter(counterIt.t(), counterIt.v(), entry);
                    entry = false;
                }
                addAggregate(ts, counts.v(), columns[1].v(), columns[2].v(), columns[3].v());
            }
            prevRaw = layout.lastRaw;
        }
        if (windowOpen) {
            closed++;
            closeWindow();
        }
        return closed;
    }

    private final HistAggrChunk.Decoded decoded = new HistAggrChunk.Decoded();
    // Whether the last reaggregate() call read histogram aggregate chunks (it wrote them itself).
    private boolean reaggregatedHistograms;

    /** {@link #reaggregate} for a series of histogram aggregate chunks; returns the windows written. */
    private long reaggregateHistograms(Block source, BlockIndex.SeriesMeta meta, long resolution, long[] deleted,
            BlockWriter writer) throws IOException {
        reaggregatedHistograms = true;
        histogramWindows.startSeries();
        long sourceResolution = source.meta().resolution();
        java.util.HashSet<Long> windowsSeen = new java.util.HashSet<>();
        for (int c = 0; c < meta.refs().length; c++) {
            try {
                chunks.load(meta.refs()[c], loaded);
                if (!HistAggrChunk.isHistogramAggregate(loaded.encoding)) {
                    throw new ChunkFormatException("chunk of encoding " + loaded.encoding + " among histogram aggregate chunks of "
                            + meta.labels() + " in downsampled block " + source.meta().ulid());
                }
                decoded.decode(loaded.encoding, loaded.data, 1, loaded.length, meta.mints()[c]);
                for (int w = 0; w < decoded.windows; w++) {
                    if (deleted == null || !DownsampledReader.hidden(deleted, decoded.wt[w], sourceResolution)) {
                        windowsSeen.add(Math.floorDiv(decoded.wt[w] - 1, resolution));
                    }
                }
                histogramWindows.reaggregate(decoded, sourceResolution, resolution, deleted, writer);
            } catch (ChunkFormatException e) {
                source.markDamaged(e.getMessage());
                throw new IOException("block " + source.meta().ulid() + " to downsample is corrupt: " + e.getMessage(), e);
            }
        }
        histogramWindows.finish(writer);
        return windowsSeen.size();
    }

    private void addAggregate(long t, double c, double s, double mn, double mx) {
        count += (long) c;
        sum += s;
        if (mn < min || Double.isNaN(min)) {
            min = mn;
        }
        if (mx > max || Double.isNaN(max)) {
            max = mx;
        }
        lastT = t;
    }

    /** A source counter point: a chunk's first is its raw value, later ones are adjusted from it. */
    private void addCounter(long t, double v, boolean firstOfSourceChunk) {
        if (!counterStarted) {
            counterStarted = true;
            counter = v;
            if (cn == ct.length) {
                grow(wt.length * 2);
            }
            ct[cn] = t;
            cv[cn++] = v;
            entryCounter = v;
            entryRaw = v;
        } else if (firstOfSourceChunk) {
            counter += v >= prevRaw ? v - prevRaw : v;
            entryCounter = counter;
            entryRaw = v;
        } else {
            counter = entryCounter + (v - entryRaw);
        }
        counterT = t;
    }

    private void startSeries() {
        n = 0;
        cn = 0;
        windowOpen = false;
        counterStarted = false;
    }

    private void openWindow(long k) {
        windowOpen = true;
        window = k;
        count = 0;
        sum = 0;
        min = Double.NaN;
        max = Double.NaN;
        counterT = Long.MIN_VALUE;
    }

    private void add(long t, double v) {
        count++;
        sum += v;
        // As PromQL's min_/max_over_time: a NaN is replaced by any number that follows.
        if (v < min || Double.isNaN(min)) {
            min = v;
        }
        if (v > max || Double.isNaN(max)) {
            max = v;
        }
        lastT = t;
        if (Double.isNaN(v)) {
            return;
        }
        if (!counterStarted) {
            // A chunk's counter column starts with its first raw sample, so readers can join chunks.
            counterStarted = true;
            counter = v;
            ct[cn] = t;
            cv[cn++] = v;
        } else {
            counter += v >= prevRaw ? v - prevRaw : v;
        }
        prevRaw = v;
        counterT = t;
    }

    private void closeWindow() {
        windowOpen = false;
        if (n == wt.length || cn >= ct.length - 1) {
            // Only when re-aggregating: an output chunk ends at a source chunk's end, past windowsPerChunk.
            grow(wt.length * 2);
        }
        wt[n] = lastT;
        wcount[n] = count;
        wsum[n] = sum;
        wmin[n] = min;
        wmax[n] = max;
        n++;
        if (counterT != Long.MIN_VALUE && cn > 0 && counterT > ct[cn - 1]) {
            ct[cn] = counterT;
            cv[cn++] = counter;
        }
    }

    private void flush(BlockWriter writer) throws IOException {
        long base = cn > 0 ? Math.min(ct[0], wt[0]) : wt[0];
        encoder.encode(wt, wcount, wsum, wmin, wmax, 0, n, ct, cv, 0, cn, counterStarted ? prevRaw : Double.NaN, base);
        writer.addChunk(base, wt[n - 1], AggrChunk.ENCODING, encoder.array(), 0, encoder.length());
        n = 0;
        cn = 0;
        counterStarted = false;
    }

    private void grow(int windows) {
        if (wt.length < windows) {
            wt = Arrays.copyOf(wt, windows);
            wcount = Arrays.copyOf(wcount, windows);
            wsum = Arrays.copyOf(wsum, windows);
            wmin = Arrays.copyOf(wmin, windows);
            wmax = Arrays.copyOf(wmax, windows);
            ct = Arrays.copyOf(ct, windows + 1);
            cv = Arrays.copyOf(cv, windows + 1);
        }
    }
}
