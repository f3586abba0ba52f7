package io.promethium.tsdb.internal.chunk;

/**
 * Encodes samples Gorilla-style into a growing bit stream: the first timestamp as a varint, the
 * second as a delta, later ones as delta-of-delta; the first value raw, later ones XORed with
 * the previous value (leading/trailing zero window reused when it fits). Not thread-safe.
 *
 * <p>Layout: a 2-byte sample count (big-endian), then the bit stream. Values are kept bit-exact,
 * so the staleness NaN survives.
 */
public final class XorAppender {
    private final BitWriter out;
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
        this.base = base;
        out = new BitWriter(initialBytes);
        out.writeBits(0, 16);
    }

    public void append(long timestamp, double value) {
        long bits = Double.doubleToRawLongBits(value);
        if (count == 0) {
            Varbits.writeVarint(out, timestamp - base);
            out.writeBits(bits, 64);
        } else if (count == 1) {
            tDelta = timestamp - t;
            Varbits.writeUvarint(out, tDelta);
            writeValue(bits);
        } else {
            long delta = timestamp - t;
            Varbits.writeDod(out, delta - tDelta);
            tDelta = delta;
            writeValue(bits);
        }
        t = timestamp;
        vBits = bits;
        count++;
        byte[] buf = out.buffer();
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
    }

    private void writeValue(long bits) {
        long xor = bits ^ vBits;
        if (xor == 0) {
            out.writeBit(false);
            return;
        }
        out.writeBit(true);
        int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int trail = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            out.writeBit(false);
            out.writeBits(xor >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = lead;
        trailing = trail;
        int significant = 64 - lead - trail;
        out.writeBit(true);
        out.writeBits(lead, 5);
        // 64 significant bits cannot happen with lead or trail > 0 ... except xor with both zero: encode 64 as 0.
        out.writeBits(significant & 63, 6);
        out.writeBits(xor >>> trail, significant);
    }

    public int count() {
        return count;
    }

    public long lastTimestamp() {
        return t;
    }

    /** Live buffer (concurrent readers may decode the first {@link #count()} samples they saw). */
    public byte[] buffer() {
        return out.buffer();
    }

    public int byteLength() {
        return out.byteLength();
    }

    /** The finished chunk, right-sized. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
