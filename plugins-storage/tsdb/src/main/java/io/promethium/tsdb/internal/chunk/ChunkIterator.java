package io.promethium.tsdb.internal.chunk;

/** Walks one encoded chunk's samples; reusable by {@link #reset}, no allocation per sample. */
public interface ChunkIterator {

    /** Starts over on {@code length} bytes of a chunk at {@code offset} holding {@code count} samples. */
    void reset(byte[] bytes, int offset, int length, int count);

    boolean next();

    long t();

    double v();

    /** Decodes chunk bytes of either encoding: picks the right iterator, reusing {@code reuse} when it fits. */
    static ChunkIterator forEncoding(byte encoding, ChunkIterator reuse) {
        return switch (encoding) {
            case Encoding.XOR -> reuse instanceof XorIterator x ? x : new XorIterator();
            case Encoding.DECIMAL -> reuse instanceof DecimalIterator d ? d : new DecimalIterator();
            default -> throw new ChunkFormatException("unknown chunk encoding " + encoding);
        };
    }
}
