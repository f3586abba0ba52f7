package io.promethium.remote.wire;

/**
 * Prometheus's XOR chunk (Gorilla encoding with millisecond delta-of-delta buckets): a 2-byte
 * big-endian sample count, then the bit stream. Used for streamed remote read responses. Reset
 * and reuse one encoder per response.
 */
public final class XorChunkEncoder {

    private final ChunkBits bits = new ChunkBits();
    private final int[] leading = {ChunkBits.NO_WINDOW};
    private final int[] trailing = new int[1];
    private int count;
    private long t;
    private long tDelta;
    private long vBits;

    public XorChunkEncoder() {
        reset();
    }

    public void reset() {
        bits.reset(2);
        count = 0;
        t = 0;
        tDelta = 0;
        vBits = 0;
        leading[0] = ChunkBits.NO_WINDOW;
        trailing[0] = 0;
    }

    public int count() {
        return count;
    }

    /** Bytes used so far. */
    public int length() {
        return bits.length();
    }

    public byte[] buffer() {
        return bits.withCount(count);
    }

    public void append(long ts, double v) {
        long b = Double.doubleToRawLongBits(v);
        if (count == 0) {
            bits.writeVarint(ts);
            bits.writeBits(b, 64);
        } else if (count == 1) {
            long delta = ts - t;
            bits.writeUvarint(delta);
            bits.writeXor(b, vBits, leading, trailing, 0);
            tDelta = delta;
        } else {
            long delta = ts - t;
            long dod = delta - tDelta;
            if (dod == 0) {
                bits.writeBits(0, 1);
            } else if (ChunkBits.fitsSigned(dod, 14)) {
                bits.writeBits(0b10, 2);
                bits.writeBits(dod, 14);
            } else if (ChunkBits.fitsSigned(dod, 17)) {
                bits.writeBits(0b110, 3);
                bits.writeBits(dod, 17);
            } else if (ChunkBits.fitsSigned(dod, 20)) {
                bits.writeBits(0b1110, 4);
                bits.writeBits(dod, 20);
            } else {
                bits.writeBits(0b1111, 4);
                bits.writeBits(dod, 64);
            }
            bits.writeXor(b, vBits, leading, trailing, 0);
            tDelta = delta;
        }
        t = ts;
        vBits = b;
        count++;
    }
}
