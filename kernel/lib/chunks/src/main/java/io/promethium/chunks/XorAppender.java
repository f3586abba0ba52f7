package io.promethium.chunks;

/**
 * Encodes samples Gorilla-style into a growing bit stream: the first timestamp as a varint, the
 * second as a delta, later ones as delta-of-delta; the first value raw, later ones XORed with
 * the previous value (leading/trailing zero window reused when it fits). Not thread-safe.
 *
 * <p>Layout: a 2-byte sample count (big-endian), then the bit stream. Values are kept bit-exact,
 * so the staleness NaN survives.
 */
public final class XorAppender extends XorEncoder {
    private final long base;

    public XorAppender(int initialBytes) {
        this(initialBytes, 0);
    }

    /** An appender writing its first timestamp relative to {@code base}. */
    public XorAppender(int initialBytes, long base) {
        super(initialBytes);
        this.base = base;
    }

    public void append(long timestamp, double value) {
        appendBits(timestamp, Double.doubleToRawLongBits(value), base);
    }
}
