package io.promethium.tsdb.internal.chunk;

/**
 * Encodes samples Gorilla-style into a growing bit stream: the first timestamp as a varint, the
 * second as a delta, later ones as delta-of-delta; the first value raw, later ones XORed with
 * the previous value (leading/trailing zero window reused when it fits). Not thread-safe.
 *
 * <p>Layout: a 2-byte sample count (big-endian), then the bit stream. Values are kept bit-exact,
 * so the staleness NaN survives.
 */
public final class XorAppender extends BitWriter {
    private int count;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading = -1;
    private int trailing;

    private final long base;

    public XorAppender(int initialBytes) {
        this(initialBytes, 0);
    }

    /** An appender writing its first timestamp relative to {@code base}. */
    public XorAppender(int initialBytes, long base) {
        super(initialBytes);
        this.base = base;
        writeBits(0, 16);
    }

    public void append(long timestamp, double value) {
        long bits = Double.doubleToRawLongBits(value);
        if (count == 0) {
            Varbits.writeVarint(this, timestamp - base);
            writeBits(bits, 64);
        } else if (count == 1) {
            tDelta = timestamp - t;
            Varbits.writeUvarint(this, tDelta);
            writeValue(bits);
        } else {
            long delta = timestamp - t;
            Varbits.writeDod(this, delta - tDelta);
            tDelta = delta;
            writeValue(bits);
        }
        t = timestamp;
        vBits = bits;
        count++;
        byte[] buf = buffer();
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
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
        leading = lead;
        trailing = trail;
        int significant = 64 - lead - trail;
        writeBit(true);
        writeBits(lead, 5);
        // 64 significant bits cannot happen with lead or trail > 0 ... except xor with both zero: encode 64 as 0.
        writeBits(significant & 63, 6);
        writeBits(xor >>> trail, significant);
    }

    public int count() {
        return count;
    }

    public long lastTimestamp() {
        return t;
    }

    /** Starts an empty chunk in the same buffer. */
    @Override
    public void reset() {
        super.reset();
        count = 0;
        leading = -1;
        trailing = 0;
        writeBits(0, 16);
    }
}
