package io.promethium.chunks;

/** Encodes a run of samples into the smallest chunk: decimal when the values allow it, else XOR. */
public final class Chunks {
    /** Samples per chunk, as Prometheus: small enough to seek, large enough to compress. */
    public static final int SAMPLES_PER_CHUNK = 120;

    private final DecimalEncoder decimal = new DecimalEncoder();
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

    public byte encoding() {
        return encoding;
    }
}
