package io.promethium.remote.wire;

import io.promethium.chunks.BitWriter;
import io.promethium.chunks.Varbits;
import io.promethium.chunks.XorField;

/**
 * Prometheus's XOR chunk (Gorilla encoding with millisecond delta-of-delta buckets): a 2-byte
 * big-endian sample count, then the bit stream: the first timestamp as a zig-zag varint and the
 * first value's 64 bits; the second timestamp as a uvarint delta; later ones as
 * {@linkplain Varbits#writePrometheusDod delta of delta}; values {@linkplain XorField XORed} with
 * the previous one. Used for streamed remote read responses; the bit stream, XOR and integer
 * codecs are the chunk library's, shared with the TSDB. Reset and reuse one encoder per response.
 */
public final class XorChunkEncoder {

    private final BitWriter bits = new BitWriter(256);
    private final XorField value = new XorField();
    private int count;
    private long t;
    private long tDelta;

    public XorChunkEncoder() {
        reset();
    }

    public void reset() {
        bits.reset();
        bits.writeBits(0, 16); // the sample count, filled in by buffer()
        count = 0;
        t = 0;
        tDelta = 0;
    }

    public int count() {
        return count;
    }

    /** Bytes used so far. */
    public int length() {
        return bits.byteLength();
    }

    /** The chunk bytes (the first {@link #length()}), count filled in. */
    public byte[] buffer() {
        bits.setFirst16(count);
        return bits.buffer();
    }

    public void append(long ts, double v) {
        long b = Double.doubleToRawLongBits(v);
        if (count == 0) {
            Varbits.writeVarint(bits, ts);
            value.first(bits, b);
        } else if (count == 1) {
            tDelta = ts - t;
            Varbits.writeUvarint(bits, tDelta);
            value.write(bits, b);
        } else {
            long delta = ts - t;
            Varbits.writePrometheusDod(bits, delta - tDelta);
            tDelta = delta;
            value.write(bits, b);
        }
        t = ts;
        count++;
    }
}
