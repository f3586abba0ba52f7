package io.promethium.chunks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of a Gorilla-style XOR chunk being written (see {@link XorAppender} for the format):
 * the bit stream, the sample count, the newest timestamp and value bits, the last timestamp delta
 * and the leading/trailing-zero window.
 *
 * <p>A base class rather than a field so that a head series ({@code MemSeries}) can be its own
 * open chunk: one object holds what an append reads and writes, one cache miss per sample
 * instead of two, and the newest time and value are kept once. Its buffer may be absent (no open
 * chunk); {@link #startChunk} allocates one.
 */
public abstract non-sealed class XorEncoder extends BitWriter {
    private static final VarHandle T;

    static {
        try {
            T = MethodHandles.lookup().findVarHandle(XorEncoder.class, "t", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int count;
    /** The newest timestamp written, or set by {@link #setNewest}; published opaque (see {@link #newestTimeOpaque}). */
    private long t = Long.MIN_VALUE;
    private long tDelta;
    private long vBits;
    private byte leading = -1;
    private byte trailing;

    /**
     * Grows an open chunk by an eighth, at least two words: a head keeps one open chunk per
     * series for up to its 120 samples, and growing by half left 15% of those bytes unused
     * (31–34 B of 133–231 B at 60–110 samples of node_exporter-like values); the chunks it
     * closes are copied to their length anyway.
     */
    @Override
    final int grownLength(int length) {
        return length + Math.max(16, length >> 3);
    }

    /** An encoder with an open chunk in a buffer of {@code initialBytes}. */
    protected XorEncoder(int initialBytes) {
        super(initialBytes);
        writeBits(0, 16);
    }

    /** An encoder without an open chunk until {@link #startChunk}. */
    protected XorEncoder() {
    }

    /** Opens an empty chunk in a fresh buffer; the newest time and value are kept. */
    protected final void startChunk(int initialBytes) {
        allocate(initialBytes);
        emptyChunk();
    }

    /** An empty chunk in the current buffer: no sample, no zero window, room for the count header. */
    private void emptyChunk() {
        count = 0;
        leading = -1;
        trailing = 0;
        writeBits(0, 16);
    }

    /** Drops the chunk (its buffer stays valid for readers holding it); the newest time and value are kept. */
    protected final void endChunk() {
        release();
        count = 0;
    }

    /** Whether a chunk is open ({@link #startChunk} or the sized constructor, not yet {@link #endChunk}). */
    protected final boolean chunkOpen() {
        return hasBuffer();
    }

    /** The chunk's bytes with its count header, complete up to the newest sample; null when none is open. */
    @Override
    public final byte[] buffer() {
        if (!hasBuffer()) {
            return null;
        }
        setFirst16(count);
        return super.buffer();
    }

    /** A right-sized copy of the chunk with its count header. */
    @Override
    public final byte[] toByteArray() {
        setFirst16(count);
        return super.toByteArray();
    }

    /** Appends a sample whose value has the raw bits {@code bits}; a first timestamp is written relative to {@code base}. */
    protected final void appendBits(long timestamp, long bits, long base) {
        int n = count;
        // Readers seek and merge on increasing times, and the second sample's delta is written
        // unsigned: an earlier or equal time would decode as a different, valid-looking series.
        assert n == 0 || timestamp > t : "chunk appends at " + timestamp + " after " + t;
        // The count header has 16 bits: one more and the chunk reads as holding a few samples.
        assert n < 0xFFFF : "chunk already holds " + n + " samples";
        if (n == 0) {
            Varbits.writeVarint(this, timestamp - base);
            writeBits(bits, 64);
        } else if (n == 1) {
            tDelta = timestamp - t;
            Varbits.writeUvarint(this, tDelta);
            writeValue(bits);
        } else {
            long delta = timestamp - t;
            Varbits.writeDod(this, delta - tDelta);
            tDelta = delta;
            writeValue(bits);
        }
        setNewest(timestamp, bits);
        count = n + 1;
        // The chunk's count header is written when its bytes are read (buffer, toByteArray): writing
        // it here would touch the chunk's bytes on every append.
    }

    private void writeValue(long bits) {
        long xor = bits ^ vBits;
        if (xor == 0) {
            writeBit(false);
            return;
        }
        writeBit(true);
        int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int trail = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            writeBit(false);
            writeBits(xor >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = (byte) lead;
        trailing = (byte) trail;
        int significant = 64 - lead - trail;
        writeBit(true);
        writeBits(lead, 5);
        // 64 significant bits (xor with no leading or trailing zero) is written as 0.
        writeBits(significant & 63, 6);
        writeBits(xor >>> trail, significant);
    }

    /**
     * Records the newest sample without encoding it (a sample kept elsewhere, e.g. a histogram).
     * Only while no chunk is open, or the next append would XOR against the wrong value.
     */
    protected final void setNewest(long timestamp, long bits) {
        // Opaque: a reader without the writer's lock must never see the time torn.
        T.setOpaque(this, timestamp);
        vBits = bits;
    }

    /** The newest timestamp, read without a lock (may lag a concurrent append, never torn). */
    protected final long newestTimeOpaque() {
        return (long) T.getOpaque(this);
    }

    /** Samples in the open chunk (0 when none is open). */
    public final int count() {
        return count;
    }

    /** The newest timestamp written or set, {@code Long.MIN_VALUE} before any. */
    public final long lastTimestamp() {
        return t;
    }

    /** The raw bits of the newest value written or set. */
    protected final long lastValueBits() {
        return vBits;
    }

    /** Starts an empty chunk in the same buffer. */
    @Override
    public void reset() {
        super.reset();
        emptyChunk();
    }
}
