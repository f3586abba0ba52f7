package io.promethium.chunks;

/** Walks one encoded chunk's samples; reusable by {@link #reset}, no allocation per sample. */
public interface ChunkIterator {

    /**
     * Starts over on {@code length} bytes of a chunk at {@code offset} holding {@code count} samples
     * whose first timestamp was written relative to {@code base} (0 for head chunks; the chunk's
     * min time in blocks, where the index already holds it).
     */
    void reset(byte[] bytes, int offset, int length, int count, long base);

    default void reset(byte[] bytes, int offset, int length, int count) {
        reset(bytes, offset, length, count, 0);
    }

    boolean next();

    /** How many samples {@link #next()} has yet to give (since 1.1.0). */
    int remaining();

    /**
     * Whether every sample of this chunk is a float (XOR and decimal chunks), so that
     * {@link #drainFloats} can decode them (since 1.1.0).
     */
    default boolean floatSamples() {
        return true;
    }

    /**
     * Decodes every sample {@link #next()} has yet to give into {@code ts} and {@code vs} from
     * index 0 (each at least {@link #remaining()} long) and returns how many (since 1.1.0): the
     * same samples as calling {@code next()} until it answers false, in one loop the JIT keeps
     * tight. Float chunks only; the iterator is then at its end, {@link #t()} and {@link #v()}
     * on the last sample.
     */
    default int drainFloats(long[] ts, double[] vs) {
        int n = 0;
        while (next()) {
            ts[n] = t();
            vs[n] = v();
            n++;
        }
        return n;
    }

    long t();

    double v();

    /** The kind of the current sample; XOR and decimal chunks hold floats only. */
    default io.promethium.api.storage.ValueType valueType() {
        return io.promethium.api.storage.ValueType.FLOAT;
    }

    /** The current integer histogram (histogram chunks), refilled on the next advance. */
    default io.promethium.api.model.Histogram histogram() {
        throw new IllegalStateException("a float chunk holds no histograms");
    }

    /** The current histogram with float counts (histogram chunks), refilled on the next advance. */
    default io.promethium.api.model.FloatHistogram floatHistogram() {
        throw new IllegalStateException("a float chunk holds no histograms");
    }

    /** Decodes chunk bytes of either encoding: picks the right iterator, reusing {@code reuse} when it fits. */
    static ChunkIterator forEncoding(byte encoding, ChunkIterator reuse) {
        return switch (encoding) {
            case Encoding.XOR -> reuse instanceof XorIterator x ? x : new XorIterator();
            case Encoding.DECIMAL -> reuse instanceof DecimalIterator d ? d : new DecimalIterator();
            case Encoding.HISTOGRAM -> reuse instanceof HistogramChunkIterator h && !h.floats() ? h : new HistogramChunkIterator(false);
            case Encoding.FLOAT_HISTOGRAM -> reuse instanceof HistogramChunkIterator h && h.floats() ? h : new HistogramChunkIterator(true);
            default -> throw new ChunkFormatException("unknown chunk encoding " + encoding);
        };
    }
}
