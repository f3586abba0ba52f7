package io.promethium.chunks;

/**
 * Encodes a run of samples into the smallest chunk: decimal when the values allow it, else XOR.
 * One per thread: it reuses its buffers.
 */
public final class Chunks {
    /** Samples per chunk, as Prometheus: small enough to seek, large enough to compress. */
    public static final int SAMPLES_PER_CHUNK = 120;

    private final DecimalEncoder decimal = new DecimalEncoder();
    private final XorIterator xorReader = new XorIterator();
    private long[] ts = new long[SAMPLES_PER_CHUNK];
    private double[] vs = new double[SAMPLES_PER_CHUNK];
    private byte encoding;

    /** Encodes {@code n} samples from {@code from}; read the chosen encoding with {@link #encoding()}. */
    public byte[] encode(long[] ts, double[] vs, int from, int n) {
        return encode(ts, vs, from, n, 0);
    }

    /** As {@link #encode(long[], double[], int, int)}, the first timestamp written relative to {@code base}. */
    public byte[] encode(long[] ts, double[] vs, int from, int n, long base) {
        XorAppender xor = new XorAppender(n * 2 + 16, base);
        for (int i = 0; i < n; i++) {
            xor.append(ts[from + i], vs[from + i]);
        }
        byte[] dec = decimal.encode(ts, vs, from, n, base);
        if (dec != null && dec.length < xor.byteLength()) {
            encoding = Encoding.DECIMAL;
            return dec;
        }
        encoding = Encoding.XOR;
        return xor.toByteArray();
    }

    /**
     * The decimal encoding of the {@code count} samples of an XOR chunk (its first {@code length}
     * bytes; the first timestamp relative to {@code base}) when that takes fewer bytes; null when it
     * does not or a value is not a short decimal. For a chunk written sample by sample as XOR (a head
     * series' open chunk), whose values are known only once it is full.
     */
    public byte[] decimalIfSmaller(byte[] xor, int length, int count, long base) {
        if (ts.length < count) {
            ts = new long[count];
            vs = new double[count];
        }
        xorReader.reset(xor, 0, length, count, base);
        int n = xorReader.drainFloats(ts, vs);
        byte[] dec = decimal.encode(ts, vs, 0, n, base);
        return dec != null && dec.length < length ? dec : null;
    }

    public byte encoding() {
        return encoding;
    }
}
