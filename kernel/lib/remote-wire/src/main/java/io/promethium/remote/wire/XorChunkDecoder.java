package io.promethium.remote.wire;

import java.util.List;

/**
 * Reads Prometheus's XOR chunk (see {@link XorChunkEncoder}): a 2-byte big-endian sample count,
 * then the bit stream. Every read is checked against the chunk's end, so a hostile or truncated
 * chunk fails with {@link ProtoReader.ProtoException} instead of reading past it.
 */
public final class XorChunkDecoder {

    private final byte[] b;
    private final long endBit;
    private long bit;

    private XorChunkDecoder(byte[] b, int start, int end) {
        this.b = b;
        this.bit = (long) start * 8;
        this.endBit = (long) end * 8;
    }

    private long bits(int n) throws ProtoReader.ProtoException {
        if (bit + n > endBit) {
            throw new ProtoReader.ProtoException("xor chunk: read past the end of the chunk");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | ((b[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    private long uvarint() throws ProtoReader.ProtoException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            long x = bits(8);
            v |= (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
        throw new ProtoReader.ProtoException("xor chunk: varint overflow");
    }

    /** Receives decoded samples. */
    public interface SampleSink {
        void sample(long timestamp, double value);
    }

    /** Decodes the chunk in {@code data[start, end)}, adding {@code {t, v}} pairs to {@code out}. */
    public static void decode(byte[] data, int start, int end, List<double[]> out) {
        try {
            decode(data, start, end, (t, v) -> out.add(new double[] {t, v}));
        } catch (ProtoReader.ProtoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Decodes the chunk in {@code data[start, end)} into {@code sink}. */
    public static void decode(byte[] data, int start, int end, SampleSink sink) throws ProtoReader.ProtoException {
        if (end - start < 2) {
            throw new ProtoReader.ProtoException("xor chunk: shorter than its header");
        }
        int count = ((data[start] & 0xff) << 8) | (data[start + 1] & 0xff);
        XorChunkDecoder d = new XorChunkDecoder(data, start + 2, end);
        long t = 0;
        long delta = 0;
        long v = 0;
        int leading = 0;
        int trailing = 0;
        for (int i = 0; i < count; i++) {
            if (i == 0) {
                long zz = d.uvarint();
                t = (zz >>> 1) ^ -(zz & 1);
                v = d.bits(64);
            } else {
                if (i == 1) {
                    delta = d.uvarint();
                } else {
                    int prefix = 0;
                    while (prefix < 4 && d.bits(1) == 1) {
                        prefix++;
                    }
                    int n = switch (prefix) {
                        case 0 -> 0;
                        case 1 -> 14;
                        case 2 -> 17;
                        case 3 -> 20;
                        default -> 64;
                    };
                    long dod = 0;
                    if (n > 0) {
                        dod = d.bits(n);
                        if (n < 64 && (dod & (1L << (n - 1))) != 0) {
                            dod -= 1L << n;
                        }
                    }
                    delta += dod;
                }
                t += delta;
                if (d.bits(1) == 1) {
                    if (d.bits(1) == 1) {
                        leading = (int) d.bits(5);
                        int sig = (int) d.bits(6);
                        if (sig == 0) {
                            sig = 64;
                        }
                        trailing = 64 - leading - sig;
                        if (trailing < 0) {
                            throw new ProtoReader.ProtoException("xor chunk: invalid leading/significant bits");
                        }
                    }
                    int sig = 64 - leading - trailing;
                    v ^= d.bits(sig) << trailing;
                }
            }
            sink.sample(t, Double.longBitsToDouble(v));
        }
    }
}
