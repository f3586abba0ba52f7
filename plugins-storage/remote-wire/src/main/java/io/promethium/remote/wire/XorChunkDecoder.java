package io.promethium.remote.wire;

import java.util.List;

/** A reader of Prometheus XOR chunks, written from the format description, to check the encoder. */
public final class XorChunkDecoder {

    private final byte[] b;
    private int bit;

    private XorChunkDecoder(byte[] b, int start) {
        this.b = b;
        this.bit = start * 8;
    }

    private long bits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | ((b[bit >>> 3] >>> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    private long uvarint() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            long x = bits(8);
            v |= (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    public static void decode(byte[] data, int start, int end, List<double[]> out) {
        int count = ((data[start] & 0xff) << 8) | (data[start + 1] & 0xff);
        XorChunkDecoder d = new XorChunkDecoder(data, start + 2);
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
                    }
                    int sig = 64 - leading - trailing;
                    v ^= d.bits(sig) << trailing;
                }
            }
            out.add(new double[] {t, Double.longBitsToDouble(v)});
        }
        if (d.bit > end * 8) {
            throw new IllegalStateException("read past the chunk");
        }
    }
}
