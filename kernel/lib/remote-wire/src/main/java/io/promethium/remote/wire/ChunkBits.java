package io.promethium.remote.wire;

import java.util.Arrays;

/**
 * The bit stream under Prometheus's chunks (tsdb/chunkenc's {@code bstream}): bits written most
 * significant first after a few header bytes, with the integer forms the chunk encodings use
 * (byte varints, the "varbit" buckets of histogram chunks) and Gorilla's XOR of a float with the
 * previous one. Reset and reuse one per response.
 */
final class ChunkBits {

    /** An XOR field's leading-zero count before any value was written (never reuse the window). */
    static final int NO_WINDOW = 0xff;

    private byte[] buf = new byte[256];
    private int bitPos;
    private int headerBits;

    /** Clears the stream and leaves {@code headerBytes} zero bytes in front of the bits. */
    void reset(int headerBytes) {
        Arrays.fill(buf, 0, Math.min(buf.length, length() + 1), (byte) 0);
        headerBits = headerBytes * 8;
        bitPos = headerBits;
    }

    /** Bytes used so far, header included. */
    int length() {
        return (bitPos + 7) >>> 3;
    }

    /** Bytes of bit stream written after the header. */
    int streamBytes() {
        return length() - (headerBits >>> 3);
    }

    byte[] buffer() {
        return buf;
    }

    /** The buffer with a chunk's 2-byte big-endian sample count in front. */
    byte[] withCount(int count) {
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
        return buf;
    }

    /** Writes the low {@code n} bits of {@code v}, most significant first. */
    void writeBits(long v, int n) {
        if (((bitPos + n) >>> 3) + 2 > buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2 + ((bitPos + n) >>> 3));
        }
        for (int i = n - 1; i >= 0; i--) {
            if (((v >>> i) & 1) != 0) {
                buf[bitPos >>> 3] |= (byte) (0x80 >>> (bitPos & 7));
            }
            bitPos++;
        }
    }

    void writeByte(int b) {
        writeBits(b & 0xff, 8);
    }

    /** Go's {@code binary.PutUvarint}, byte-wise into the bit stream (XOR chunks' first timestamps). */
    void writeUvarint(long v) {
        while ((v & ~0x7fL) != 0) {
            writeBits((v & 0x7f) | 0x80, 8);
            v >>>= 7;
        }
        writeBits(v, 8);
    }

    /** Zig-zag, then {@link #writeUvarint}. */
    void writeVarint(long v) {
        writeUvarint((v << 1) ^ (v >> 63));
    }

    /** Whether {@code x} fits the signed {@code n}-bit bucket: -(2^(n-1) - 1) to 2^(n-1). */
    static boolean fitsSigned(long x, int n) {
        return -((1L << (n - 1)) - 1) <= x && x <= 1L << (n - 1);
    }

    private static final int[] VARBIT_WIDTHS = {3, 6, 9, 12, 18, 25, 56};

    /**
     * Histogram chunks' signed "varbit": a single 0 bit for zero, else a unary prefix (10, 110, …,
     * 11111110) choosing 3, 6, 9, 12, 18, 25 or 56 bits of two's complement, or 11111111 and all 64.
     */
    void writeVarbitInt(long v) {
        if (v == 0) {
            writeBits(0, 1);
            return;
        }
        for (int k = 0; k < VARBIT_WIDTHS.length; k++) {
            if (fitsSigned(v, VARBIT_WIDTHS[k])) {
                writePrefix(k + 1);
                writeBits(v, VARBIT_WIDTHS[k]);
                return;
            }
        }
        writeBits(0xff, 8);
        writeBits(v, 64);
    }

    /** The unsigned "varbit": the same prefixes, the value unsigned in 3 … 56 or 64 bits. */
    void writeVarbitUint(long v) {
        if (v == 0) {
            writeBits(0, 1);
            return;
        }
        for (int k = 0; k < VARBIT_WIDTHS.length; k++) {
            if (Long.numberOfLeadingZeros(v) >= 64 - VARBIT_WIDTHS[k]) {
                writePrefix(k + 1);
                writeBits(v, VARBIT_WIDTHS[k]);
                return;
            }
        }
        writeBits(0xff, 8);
        writeBits(v, 64);
    }

    /** {@code ones} one bits then a zero: 10, 110, … (7 ones: 11111110). */
    private void writePrefix(int ones) {
        writeBits(((1L << ones) - 1) << 1, ones + 1);
    }

    /**
     * Gorilla's XOR of {@code bits} with {@code previous}: 0 for no change; 10 and the meaningful
     * bits when they fit field {@code f}'s window ({@code leading[f]}, {@code trailing[f]}); else 11, 5
     * bits of leading zeros (at most 31), 6 bits of width (64 written as 0) and the bits, which
     * become the field's window.
     */
    void writeXor(long bits, long previous, int[] leading, int[] trailing, int f) {
        long delta = bits ^ previous;
        if (delta == 0) {
            writeBits(0, 1);
            return;
        }
        writeBits(1, 1);
        int lead = Math.min(Long.numberOfLeadingZeros(delta), 31);
        int trail = Long.numberOfTrailingZeros(delta);
        if (leading[f] != NO_WINDOW && lead >= leading[f] && trail >= trailing[f]) {
            writeBits(0, 1);
            writeBits(delta >>> trailing[f], 64 - leading[f] - trailing[f]);
            return;
        }
        leading[f] = lead;
        trailing[f] = trail;
        writeBits(1, 1);
        writeBits(lead, 5);
        int sigbits = 64 - lead - trail;
        writeBits(sigbits, 6);
        writeBits(delta >>> trail, sigbits);
    }
}
