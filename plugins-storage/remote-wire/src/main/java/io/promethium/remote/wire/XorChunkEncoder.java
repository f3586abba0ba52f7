package io.promethium.remote.wire;

import java.util.Arrays;

/**
 * Prometheus's XOR chunk (Gorilla encoding with millisecond delta-of-delta buckets): a 2-byte
 * big-endian sample count, then the bit stream. Used for streamed remote read responses. Reset
 * and reuse one encoder per response.
 */
public final class XorChunkEncoder {

    private byte[] buf = new byte[256];
    private int bitPos = 16; // after the 2-byte count
    private int count;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading = 0xff;
    private int trailing;

    public void reset() {
        Arrays.fill(buf, 0, Math.min(buf.length, (bitPos + 7) / 8 + 1), (byte) 0);
        bitPos = 16;
        count = 0;
        t = 0;
        tDelta = 0;
        vBits = 0;
        leading = 0xff;
        trailing = 0;
    }

    public int count() {
        return count;
    }

    /** Bytes used so far. */
    public int length() {
        return (bitPos + 7) / 8;
    }

    public byte[] buffer() {
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
        return buf;
    }

    public void append(long ts, double v) {
        long bits = Double.doubleToRawLongBits(v);
        if (count == 0) {
            writeVarint(ts);
            writeBits(bits, 64);
        } else if (count == 1) {
            long delta = ts - t;
            writeUvarint(delta);
            writeValue(bits);
            tDelta = delta;
        } else {
            long delta = ts - t;
            long dod = delta - tDelta;
            if (dod == 0) {
                writeBits(0, 1);
            } else if (bitRange(dod, 14)) {
                writeBits(0b10, 2);
                writeBits(dod, 14);
            } else if (bitRange(dod, 17)) {
                writeBits(0b110, 3);
                writeBits(dod, 17);
            } else if (bitRange(dod, 20)) {
                writeBits(0b1110, 4);
                writeBits(dod, 20);
            } else {
                writeBits(0b1111, 4);
                writeBits(dod, 64);
            }
            writeValue(bits);
            tDelta = delta;
        }
        t = ts;
        vBits = bits;
        count++;
    }

    private static boolean bitRange(long x, int nbits) {
        return -((1L << (nbits - 1)) - 1) <= x && x <= 1L << (nbits - 1);
    }

    private void writeValue(long bits) {
        long delta = bits ^ vBits;
        if (delta == 0) {
            writeBits(0, 1);
            return;
        }
        writeBits(1, 1);
        int newLeading = Long.numberOfLeadingZeros(delta);
        int newTrailing = Long.numberOfTrailingZeros(delta);
        if (newLeading >= 32) {
            newLeading = 31;
        }
        if (leading != 0xff && newLeading >= leading && newTrailing >= trailing) {
            writeBits(0, 1);
            writeBits(delta >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = newLeading;
        trailing = newTrailing;
        writeBits(1, 1);
        writeBits(newLeading, 5);
        int sigbits = 64 - newLeading - newTrailing;
        writeBits(sigbits, 6); // 64 wraps to 0, as the reader expects
        writeBits(delta >>> newTrailing, sigbits);
    }

    private void writeVarint(long v) {
        writeUvarint((v << 1) ^ (v >> 63));
    }

    private void writeUvarint(long v) {
        while ((v & ~0x7fL) != 0) {
            writeBits((v & 0x7f) | 0x80, 8);
            v >>>= 7;
        }
        writeBits(v, 8);
    }

    /** Writes the low {@code n} bits of {@code v}, most significant first. */
    private void writeBits(long v, int n) {
        if ((bitPos + n + 7) / 8 + 1 > buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2 + 16);
        }
        for (int i = n - 1; i >= 0; i--) {
            if (((v >>> i) & 1) != 0) {
                buf[bitPos >>> 3] |= (byte) (0x80 >>> (bitPos & 7));
            }
            bitPos++;
        }
    }
}
