package io.promethium.chunks;

/** Chunk encodings, by the byte that tags them on disk and in the WAL. */
public final class Encoding {
    /** Gorilla: delta-of-delta timestamps, XOR floats. Every head chunk. */
    public static final byte XOR = 1;
    /** Values that are decimals with few digits, stored as scaled integers (chosen at compaction). */
    public static final byte DECIMAL = 2;
    /** Native histograms with integer counts, one bucket layout per chunk. */
    public static final byte HISTOGRAM = 3;
    /** Native histograms with float counts, one bucket layout per chunk. */
    public static final byte FLOAT_HISTOGRAM = 4;

    /** Whether chunks of this encoding hold histograms. */
    public static boolean isHistogram(byte encoding) {
        return encoding == HISTOGRAM || encoding == FLOAT_HISTOGRAM;
    }

    private Encoding() {
    }
}
