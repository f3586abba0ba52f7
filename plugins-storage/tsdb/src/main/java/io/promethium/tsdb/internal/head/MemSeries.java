package io.promethium.tsdb.internal.head;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.SampleIterator;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.Encoding;
import io.promethium.chunks.HistogramChunkAppender;
import io.promethium.chunks.XorEncoder;
import io.promethium.tsdb.internal.query.ArraySampleIterator;
import io.promethium.tsdb.internal.query.MergeSampleIterator;
import java.util.Arrays;

/**
 * One series in the head: its closed chunks (immutable byte arrays), the open chunk being
 * appended to, a small sorted buffer of accepted out-of-order samples, and deleted intervals.
 * {@code ref} and {@code labels} are immutable; everything else is guarded by {@code this}.
 *
 * <p>Kept small, as a head holds one per series: what most series never have (out-of-order
 * samples, deletions, histograms) and what a series has only once a chunk closed (20 minutes
 * at a 10 s interval) live in objects of their own, allocated when first needed. That took the
 * object from 120 to 72 bytes (compact headers).
 *
 * <p>The series is its own open float chunk ({@link XorEncoder}): an append reads and writes one
 * object and the chunk's bytes, and the newest time and value bits are the encoder's, kept once.
 * That took a series with its open chunk from 136 bytes in two objects to one of 88 (with
 * compact headers): the flags share one byte, and what is the same for every series of a head
 * (samples per chunk, the chunk count, the ref table where appends publish times) is passed to
 * each write ({@link SeriesWrites}) instead of referenced from each series.
 */
public final class MemSeries extends XorEncoder {
    /** Result codes of {@link #appendable} and {@link #append}. */
    public static final int OK = 0;
    public static final int DUPLICATE_SAME = 1;
    public static final int OUT_OF_ORDER = 2;
    public static final int DUPLICATE_DIFFERENT = 3;
    public static final int OUT_OF_BOUNDS = 4;
    public static final int OOO_OK = 5;

    private static final byte[][] NO_CHUNKS = new byte[0][];
    private static final long[] NO_TIMES = new long[0];

    /**
     * The closed chunks, oldest first, each slot filled: a chunk that closes or is dropped replaces
     * the whole value (closing is once per chunk, 120 samples). Exact arrays, the times in one,
     * no encodings for a float series: 72 B beside one closed chunk where growable arrays of four
     * held 176 B (compact headers), which a series carries from its first closed chunk on.
     *
     * @param times each chunk's min and max time, in pairs
     * @param enc each chunk's {@link Encoding}; null while every one is {@link Encoding#XOR}
     * @param lastBytes size of the newest chunk that closed as it was written, before a float chunk
     *     became decimal (kept after truncation dropped it): the next chunk starts that large
     *     instead of growing into it
     */
    private record Closed(byte[][] chunks, long[] times, byte[] enc, int lastBytes) {
        int count() {
            return chunks.length;
        }

        /** With {@code chunk} last; {@code bytes}: its size as its open chunk had it (see {@code lastBytes}). */
        Closed plus(byte[] chunk, byte encoding, long mint, long maxt, int bytes) {
            int n = chunks.length;
            byte[][] c = Arrays.copyOf(chunks, n + 1);
            c[n] = chunk;
            long[] t = Arrays.copyOf(times, 2 * n + 2);
            t[2 * n] = mint;
            t[2 * n + 1] = maxt;
            byte[] e = enc;
            if (e != null || encoding != Encoding.XOR) {
                e = e == null ? filledXor(n + 1) : Arrays.copyOf(e, n + 1);
                e[n] = encoding;
            }
            return new Closed(c, t, e, bytes);
        }

        /** Without the chunks before {@code drop}. */
        Closed from(int drop) {
            int n = chunks.length;
            if (drop == n) {
                return new Closed(NO_CHUNKS, NO_TIMES, null, lastBytes);
            }
            return new Closed(Arrays.copyOfRange(chunks, drop, n), Arrays.copyOfRange(times, 2 * drop, 2 * n),
                    enc == null ? null : Arrays.copyOfRange(enc, drop, n), lastBytes);
        }

        private static byte[] filledXor(int n) {
            byte[] e = new byte[n];
            Arrays.fill(e, Encoding.XOR);
            return e;
        }
    }

    private static final Closed NONE_CLOSED = new Closed(NO_CHUNKS, NO_TIMES, null, 0);

    /** What few series have: a histogram chunk, out-of-order samples, deleted intervals. */
    private static final class Rare {
        /** The open chunk when the newest samples are histograms (then {@code open} is null). */
        HistogramChunkAppender openH;
        /** The newest sample when it is a histogram (the appender's own copy), for duplicate checks; else null. */
        Object lastHistogram;
        long[] oooT;
        double[] oooV;
        /** Out-of-order histograms, parallel to {@code oooT} (null entries are floats); null while none. */
        Object[] oooH;
        int oooN;
        long[] deleted;
    }

    /** An int: the head refuses refs past {@code Integer.MAX_VALUE}. */
    private final int ref;
    private final Labels labels;

    /** {@link #NONE_CLOSED} until a chunk closes. */
    private Closed closed = NONE_CLOSED;
    /** The first time of the open chunk (float or histogram). */
    private long openMint;

    /** The series' metadata as last written, or null. */
    private io.promethium.api.model.Metadata metadata;
    /** Null while the series has none of it. */
    private Rare rare;

    /**
     * {@link #LOGGED}, {@link #REMOVED}, {@link #HAS_STARTS} and {@link #IN_LABEL_ORDER}, each set once and never cleared;
     * read without the lock. One byte rather than four booleans: with the encoder's bytes it
     * fills the gap before {@code openMint}.
     */
    private volatile byte flags;
    /**
     * The series' place in the head's label order at the last cut, tagged with that order's epoch
     * ({@link LabelRanks}); 0 until a cut ranks it. Plain, read without a lock: the epoch,
     * published (volatile) after every rank is written, tells a current rank from one being
     * rewritten, and an int is never read torn.
     */
    private int labelRank;
    /** The WAL holds this series' record. */
    private static final byte LOGGED = 1;
    /** Head truncation dropped the series; commit then re-resolves by labels. */
    private static final byte REMOVED = 2;
    /** A sample of the series had a start timestamp: the head then keeps its starts (Head#recordStart). */
    private static final byte HAS_STARTS = 4;
    /** The head's kept label order holds the series (Head#seriesInLabelOrder). */
    private static final byte IN_LABEL_ORDER = 8;
    private static final java.lang.invoke.VarHandle FLAGS;

    static {
        try {
            FLAGS = java.lang.invoke.MethodHandles.lookup().findVarHandle(MemSeries.class, "flags", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    MemSeries(long ref, Labels labels) {
        if (ref > Integer.MAX_VALUE || ref < 0) {
            throw new IllegalArgumentException("series ref out of range: " + ref);
        }
        this.ref = (int) ref;
        this.labels = labels;
    }

    /** Whether the WAL holds this series' record. */
    boolean logged() {
        return (flags & LOGGED) != 0;
    }

    void markLogged() {
        FLAGS.getAndBitwiseOr(this, LOGGED);
    }

    /** Whether head truncation dropped the series. */
    boolean removed() {
        return (flags & REMOVED) != 0;
    }

    void markRemoved() {
        FLAGS.getAndBitwiseOr(this, REMOVED);
    }

    void markHasStarts() {
        FLAGS.getAndBitwiseOr(this, HAS_STARTS);
    }

    int labelRank() {
        return labelRank;
    }

    void labelRank(int rank) {
        labelRank = rank;
    }

    /** Whether the head's kept label order holds the series. */
    boolean inLabelOrder() {
        return (flags & IN_LABEL_ORDER) != 0;
    }

    /** Marks the series as held in the head's label order. */
    void markInLabelOrder() {
        FLAGS.getAndBitwiseOr(this, IN_LABEL_ORDER);
    }

    private Rare rare() {
        Rare r = rare;
        if (r == null) {
            r = rare = new Rare();
        }
        return r;
    }

    private HistogramChunkAppender openH() {
        Rare r = rare;
        return r == null ? null : r.openH;
    }

    private Object lastHistogram() {
        Rare r = rare;
        return r == null ? null : r.lastHistogram;
    }

    private int lastChunkBytes() {
        return closed.lastBytes();
    }

    /** Publishes the series' times in the ref table; called once by the head when it files the series there. */
    synchronized void publishTimes(SeriesRefs refs) {
        long maxT = lastTimestamp();
        if (maxT != Long.MIN_VALUE) {
            refs.setMaxTime(ref, maxT);
        }
        refs.setMinTime(ref, oldest());
    }

    public long ref() {
        return ref;
    }

    public Labels labels() {
        return labels;
    }

    /** Whether a sample of the series had a start timestamp. */
    public boolean hasStarts() {
        return (flags & HAS_STARTS) != 0;
    }

    /**
     * Whether a sample could be appended now (without appending it). The common case, a sample
     * newer than the series' newest, is decided from {@code maxT} without the lock: a scrape
     * batch checks a thousand series that are cold in the CPU caches, and without a locked
     * instruction per series the CPU overlaps their memory fetches. {@link #append} checks again
     * under the lock, so a concurrent appender can only make this answer optimistic.
     */
    public int appendable(long t, double v, long oooMin, long minValid) {
        if (t > newestTimeOpaque() && t >= minValid) {
            return OK;
        }
        synchronized (this) {
            return check(t, Double.doubleToRawLongBits(v), oooMin, minValid);
        }
    }

    private int check(long t, long bits, long oooMin, long minValid) {
        long maxT = lastTimestamp();
        if (t > maxT) {
            if (t >= minValid) {
                return OK;
            }
            return t >= oooMin ? OOO_OK : OUT_OF_BOUNDS;
        }
        if (t == maxT) {
            return lastHistogram() == null && bits == lastValueBits() ? DUPLICATE_SAME : DUPLICATE_DIFFERENT;
        }
        if (t >= oooMin) {
            return OOO_OK;
        }
        return t < minValid ? OUT_OF_BOUNDS : OUT_OF_ORDER;
    }

    /** Whether a histogram sample could be appended now, as {@link #appendable(long, double, long, long)}. */
    public synchronized int appendableHistogram(long t, Object histogram, long oooMin, long minValid) {
        return checkHistogram(t, histogram, oooMin, minValid);
    }

    private int checkHistogram(long t, Object histogram, long oooMin, long minValid) {
        if (t == lastTimestamp()) {
            return histogram.equals(lastHistogram()) ? DUPLICATE_SAME : DUPLICATE_DIFFERENT;
        }
        return check(t, 0, oooMin, minValid);
    }

    /**
     * Appends a histogram sample (a {@link Histogram} or {@link FloatHistogram} the caller will not
     * change again) if allowed, returning the codes of {@link #appendable}. A histogram staleness
     * marker goes into the open histogram chunk, or as a float marker when there is none
     * ({@code writes}: as {@link #append}).
     */
    public synchronized int appendHistogram(long t, Object histogram, long oooMin, long minValid, SeriesWrites writes) {
        int code = checkHistogram(t, histogram, oooMin, minValid);
        if (code == OOO_OK) {
            insertOutOfOrder(t, Double.NaN, histogram);
            return code;
        }
        if (code != OK) {
            return code;
        }
        boolean stale = histogram instanceof Histogram h ? h.isStale() : ((FloatHistogram) histogram).isStale();
        HistogramChunkAppender openH = openH();
        if (stale && openH == null) {
            appendFloat(t, StaleMarker.STALE_NAN, StaleMarker.STALE_NAN_BITS, writes);
            return code;
        }
        int cut = openH == null ? HistogramChunkAppender.NEW_CHUNK
                : histogram instanceof Histogram h ? openH.cut(h) : openH.cut((FloatHistogram) histogram);
        if (cut != HistogramChunkAppender.APPEND) {
            CounterResetHint own = histogram instanceof Histogram h ? h.counterResetHint() : ((FloatHistogram) histogram).counterResetHint();
            CounterResetHint header;
            if (own == CounterResetHint.GAUGE) {
                header = CounterResetHint.GAUGE;
            } else if (cut == HistogramChunkAppender.NEW_CHUNK_RESET) {
                header = CounterResetHint.COUNTER_RESET;
            } else {
                // Continuing a histogram chunk of this series: no reset. After floats nothing is known.
                header = openH != null && own != CounterResetHint.COUNTER_RESET ? CounterResetHint.NOT_COUNTER_RESET : own;
            }
            closeOpen(writes);
            int size = Math.max(64, lastChunkBytes() + 16);
            openH = histogram instanceof Histogram h ? HistogramChunkAppender.forHistogram(h, header, size, 0)
                    : HistogramChunkAppender.forFloatHistogram((FloatHistogram) histogram, header, size, 0);
            rare().openH = openH;
            openMint = t;
            writes.refs().lowerMinTime(ref, t);
            writes.chunks().increment();
        }
        if (histogram instanceof Histogram h) {
            openH.append(t, h);
        } else {
            openH.append(t, (FloatHistogram) histogram);
        }
        rare().lastHistogram = histogram;
        // No float chunk is open beside a histogram chunk, so the value bits are free to overwrite.
        publishMaxTime(writes.refs(), t, 0);
        if (openH.count() >= Chunks.SAMPLES_PER_CHUNK) {
            closeOpen(writes);
        }
        return code;
    }

    /** Records the newest sample when it was not encoded into the float chunk, and publishes its time. */
    private void publishMaxTime(SeriesRefs refs, long t, long bits) {
        setNewest(t, bits);
        refs.setMaxTime(ref, t);
    }

    /**
     * Appends if allowed, returning the same codes as {@link #appendable}; a float chunk closes at
     * the head's samples per chunk. A chunk opened adds one to the head's count of its chunks, kept
     * as chunks open and are dropped so that its gauge need not walk every series; the newest time
     * goes to the head's ref table ({@link SeriesWrites}).
     */
    public synchronized int append(long t, double v, long oooMin, long minValid, SeriesWrites writes) {
        long bits = Double.doubleToRawLongBits(v);
        int code = check(t, bits, oooMin, minValid);
        Rare r = rare;
        if (code == OK && r != null && (r.openH != null || r.lastHistogram != null)) {
            appendFloat(t, v, bits, writes);
        } else if (code == OK) {
            if (!chunkOpen()) {
                // A series' chunks are alike: sized like the last one, a chunk is allocated once
                // rather than regrown (and copied) four or five times on its way to 120 samples.
                startChunk(Math.max(48, lastChunkBytes() + 16));
                openMint = t;
                writes.refs().lowerMinTime(ref, t);
                writes.chunks().increment();
            }
            appendBits(t, bits, 0);
            writes.refs().setMaxTime(ref, t);
            int samplesPerChunk = writes.samplesPerChunk();
            assert lastTimestamp() == t : "the open chunk ends at " + lastTimestamp() + " after appending at " + t;
            assert count() <= samplesPerChunk : "open chunk holds " + count() + " samples, more than " + samplesPerChunk;
            if (count() >= samplesPerChunk) {
                closeOpenChunk(writes);
            }
        } else if (code == OOO_OK) {
            insertOutOfOrder(t, v, null);
        }
        return code;
    }

    /** A float after histograms: a marker stays in the histogram chunk, a value starts a float chunk. */
    private void appendFloat(long t, double v, long bits, SeriesWrites writes) {
        HistogramChunkAppender openH = openH();
        if (openH != null && bits == StaleMarker.STALE_NAN_BITS) {
            openH.appendStale(t);
            publishMaxTime(writes.refs(), t, bits);
        } else {
            if (openH != null) {
                closeOpen(writes);
                openH = null;
            }
            if (!chunkOpen()) {
                startChunk(Math.max(48, lastChunkBytes() + 16));
                openMint = t;
                writes.refs().lowerMinTime(ref, t);
                writes.chunks().increment();
            }
            appendBits(t, bits, 0);
            writes.refs().setMaxTime(ref, t);
        }
        if (rare != null) {
            rare.lastHistogram = null;
        }
        if (chunkOpen() && count() >= writes.samplesPerChunk() || openH != null && openH.count() >= Chunks.SAMPLES_PER_CHUNK) {
            closeOpen(writes);
        }
    }

    private void closeOpen(SeriesWrites writes) {
        if (chunkOpen() || openH() != null) {
            closeOpenChunk(writes);
        }
    }
    /**
     * Reads what an append will write without the lock, only to pull it into the CPU cache; the
     * result means nothing. See {@code HeadAppender#commit}. It reads the object's first and last
     * fields (the series spans two or three cache lines, and an append writes all of them), and
     * the float chunk's bytes only when the next appends will likely store a word there.
     */
    int touchOpenChunk() {
        int last = rare == null ? 1 : 0;
        if (!chunkOpen()) {
            HistogramChunkAppender h = openH();
            return h == null ? last : h.touchTail() + last;
        }
        return wordHalfFull() ? touchTail() + last : last;
    }

    /**
     * Closes the open chunk. A float chunk is kept as decimal when that is smaller (its values are
     * known only now): node-shaped data's full chunks take a quarter to two fifths of their XOR
     * bytes, and a head holds closed chunks for up to its block range and a half (the block writer
     * picks between the two the same way).
     */
    private void closeOpenChunk(SeriesWrites writes) {
        if (chunkOpen()) {
            int bytes = byteLength();
            byte[] decimal = writes.recoder().decimalIfSmaller(buffer(), bytes, count(), 0);
            closed = decimal != null ? closed.plus(decimal, Encoding.DECIMAL, openMint, lastTimestamp(), bytes)
                    : closed.plus(toByteArray(), Encoding.XOR, openMint, lastTimestamp(), bytes);
        } else {
            HistogramChunkAppender openH = rare.openH;
            byte[] chunk = openH.toByteArray();
            closed = closed.plus(chunk, openH.encoding(), openMint, openH.lastTimestamp(), chunk.length);
        }
        endChunk();
        if (rare != null) {
            rare.openH = null;
        }
    }

    private void insertOutOfOrder(long t, double v, Object histogram) {
        Rare r = rare();
        if (r.oooT == null) {
            r.oooT = new long[8];
            r.oooV = new double[8];
        }
        if (histogram != null && r.oooH == null) {
            r.oooH = new Object[r.oooT.length];
        }
        int oooN = r.oooN;
        int pos = Arrays.binarySearch(r.oooT, 0, oooN, t);
        if (pos >= 0) {
            r.oooV[pos] = v;
            if (r.oooH != null) {
                r.oooH[pos] = histogram;
            }
            return;
        }
        pos = -pos - 1;
        if (oooN == r.oooT.length) {
            r.oooT = Arrays.copyOf(r.oooT, oooN * 2);
            r.oooV = Arrays.copyOf(r.oooV, oooN * 2);
            if (r.oooH != null) {
                r.oooH = Arrays.copyOf(r.oooH, oooN * 2);
            }
        }
        System.arraycopy(r.oooT, pos, r.oooT, pos + 1, oooN - pos);
        System.arraycopy(r.oooV, pos, r.oooV, pos + 1, oooN - pos);
        r.oooT[pos] = t;
        r.oooV[pos] = v;
        if (r.oooH != null) {
            System.arraycopy(r.oooH, pos, r.oooH, pos + 1, oooN - pos);
            r.oooH[pos] = histogram;
        }
        r.oooN = oooN + 1;
    }

    public synchronized void addDeleted(long mint, long maxt) {
        Rare r = rare();
        long[] deleted = r.deleted;
        int n = deleted == null ? 0 : deleted.length;
        long[] d = deleted == null ? new long[2] : Arrays.copyOf(deleted, n + 2);
        d[n] = mint;
        d[n + 1] = maxt;
        r.deleted = d;
    }

    /** Whether any sample lies in {@code [mint, maxt]} (ignoring deletions). */
    public synchronized boolean overlaps(long mint, long maxt) {
        Rare r = rare;
        if (r != null && r.oooN > 0 && r.oooT[0] <= maxt && r.oooT[r.oooN - 1] >= mint) {
            return true;
        }
        long lo = oldest();
        return lo != Long.MAX_VALUE && lo <= maxt && lastTimestamp() >= mint;
    }

    /** The oldest sample time held, in order or not; {@code Long.MAX_VALUE} when none. Under the lock. */
    private long oldest() {
        long lo = Long.MAX_VALUE;
        Closed c = closed;
        if (c.count() > 0) {
            lo = c.times()[0];
        } else if (chunkOpen() || openH() != null) {
            lo = openMint;
        }
        Rare r = rare;
        if (r != null && r.oooN > 0) {
            lo = Math.min(lo, r.oooT[0]);
        }
        return lo;
    }

    /**
     * An iterator over the samples in {@code [mint, maxt]} as of now; later appends are not seen.
     * In-order chunks are read from {@code inOrderMin} on (older samples of a chunk that straddles
     * a block boundary are already in that block); out-of-order samples from {@code mint}.
     */
    public synchronized SampleIterator iterator(long mint, long maxt, long inOrderMin, SampleIterator reuse) {
        HeadChunksIterator it = reuse instanceof HeadChunksIterator h ? h : new HeadChunksIterator();
        Closed c = closed;
        Rare r = rare;
        long[] deleted = r == null ? null : r.deleted;
        it.reset(c.chunks(), c.enc(), c.times(), buffer(), count(), openH(), openMint, lastTimestamp(), Math.max(mint, inOrderMin), maxt,
                deleted);
        if (r == null || r.oooN == 0) {
            return it;
        }
        int oooN = r.oooN;
        ArraySampleIterator ooo = new ArraySampleIterator(Arrays.copyOf(r.oooT, oooN), Arrays.copyOf(r.oooV, oooN),
                r.oooH == null ? null : Arrays.copyOf(r.oooH, oooN), oooN, mint, maxt, deleted);
        return new MergeSampleIterator(new SampleIterator[] {it, ooo});
    }

    /**
     * The newest sample, when it is a float in the open chunk at or before {@code t}, inside
     * {@code [mint, maxt]} (in-order data from {@code inOrderMin} on, as {@link #iterator}) and
     * neither hidden by a deletion nor preceded in time order by an out-of-order sample from
     * {@code mint} on: then it is written into {@code into} (time, value as the chunk decodes it)
     * and the answer is true, else false and the caller decodes the chunks. What a query at
     * "now" wants, without reading the open chunk or the closed ones.
     */
    synchronized boolean newestFloat(long mint, long maxt, long inOrderMin, long t, HeadSeriesIterator into) {
        long newest = lastTimestamp();
        // An open float chunk holds the newest sample (a histogram closes it first).
        if (!chunkOpen() || newest > t || newest > maxt || newest < mint || newest < inOrderMin) {
            return false;
        }
        Rare r = rare;
        if (r != null && (r.deleted != null || r.oooN > 0 && r.oooT[r.oooN - 1] >= mint)) {
            return false;
        }
        into.newest(newest, Double.longBitsToDouble(lastValueBits()));
        return true;
    }

    /**
     * Whether the series holds no sample (no chunk, open or closed, no out-of-order sample): what
     * {@link #truncateBefore} answers for a bound below every sample, without writing anything.
     */
    synchronized boolean isEmpty() {
        Rare r = rare;
        return closed.count() == 0 && !chunkOpen() && openH() == null && (r == null || r.oooN == 0);
    }

    /**
     * Drops data entirely before {@code mint} (persisted to a block); returns whether the series
     * is now empty and can be garbage-collected. The chunks dropped are taken off the head's count
     * and the oldest-time bound in its ref table rises with what remains.
     */
    public synchronized boolean truncateBefore(long mint, SeriesWrites writes) {
        Closed c = closed;
        int drop = 0;
        while (drop < c.count() && c.times()[2 * drop + 1] < mint) {
            drop++;
        }
        if (drop > 0) {
            closed = c = c.from(drop);
            writes.chunks().add(-drop);
        }
        int numChunks = c.count();
        if ((chunkOpen() || openH() != null) && numChunks == 0 && lastTimestamp() < mint) {
            endChunk();
            if (rare != null) {
                rare.openH = null;
            }
            writes.chunks().decrement();
        }
        Rare r = rare;
        if (r != null && r.oooN > 0) {
            int oooN = r.oooN;
            int from = 0;
            while (from < oooN && r.oooT[from] < mint) {
                from++;
            }
            if (from > 0) {
                System.arraycopy(r.oooT, from, r.oooT, 0, oooN - from);
                System.arraycopy(r.oooV, from, r.oooV, 0, oooN - from);
                if (r.oooH != null) {
                    System.arraycopy(r.oooH, from, r.oooH, 0, oooN - from);
                    Arrays.fill(r.oooH, oooN - from, oooN, null);
                }
                r.oooN = oooN - from;
            }
        }
        if (r != null && r.deleted != null) {
            r.deleted = pruneDeleted(r.deleted, mint);
        }
        // What remains starts later: the bound rises with it (UNKNOWN_MIN when nothing remains).
        writes.refs().setMinTime(ref, oldest());
        return isEmpty();
    }

    private static long[] pruneDeleted(long[] d, long mint) {
        int keep = 0;
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i += 2) {
            if (d[i + 1] >= mint) {
                out[keep++] = d[i];
                out[keep++] = d[i + 1];
            }
        }
        return keep == 0 ? null : Arrays.copyOf(out, keep);
    }

    public synchronized int chunkCount() {
        return closed.count() + (!chunkOpen() && openH() == null ? 0 : 1);
    }

    /**
     * Records the series' metadata; returns whether it changed (and so must be logged). Read
     * without a batch's ordering: the newest write wins, as in Prometheus.
     */
    public synchronized boolean updateMetadata(io.promethium.api.model.Metadata m) {
        if (m.equals(metadata)) {
            return false;
        }
        metadata = m;
        return true;
    }

    /** The metadata last recorded, or null. */
    public synchronized io.promethium.api.model.Metadata metadata() {
        return metadata;
    }

    public synchronized long maxTime() {
        return lastTimestamp();
    }

    public synchronized long[] deletedIntervals() {
        Rare r = rare;
        return r == null || r.deleted == null ? null : r.deleted.clone();
    }

    /** The shallow size of a series object, without its chunks (Lucene's estimate for this JVM). */
    public static final long SHALLOW_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(MemSeries.class);

    /** Bytes held by chunk data, for heap accounting. */
    public synchronized long chunkBytes() {
        HistogramChunkAppender openH = openH();
        byte[] openBytes = buffer();
        long total = openBytes != null ? openBytes.length : openH != null ? openH.buffer().length : 0;
        for (byte[] chunk : closed.chunks()) {
            total += chunk.length;
        }
        return total;
    }

}
