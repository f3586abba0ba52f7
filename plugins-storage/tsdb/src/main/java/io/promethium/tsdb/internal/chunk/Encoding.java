package io.promethium.tsdb.internal.chunk;

/** Chunk encodings, by the byte that tags them on disk and in the WAL. */
public final class Encoding {
    /** Gorilla: delta-of-delta timestamps, XOR floats. Every head chunk. */
    public static final byte XOR = 1;
    /** Values that are decimals with few digits, stored as scaled integers (chosen at compaction). */
    public static final byte DECIMAL = 2;

    private Encoding() {
    }
}
