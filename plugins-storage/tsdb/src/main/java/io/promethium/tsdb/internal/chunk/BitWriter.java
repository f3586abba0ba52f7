package io.promethium.tsdb.internal.chunk;

import java.util.Arrays;

/**
 * Appends bits, most significant first, into a growable byte array. Bits already written never
 * change, so a reader that knows how many samples were complete may read concurrently.
 */
public final class BitWriter {
    private byte[] bytes;
    private long bitLength;

    public BitWriter(int initialBytes) {
        this.bytes = new byte[Math.max(initialBytes, 8)];
    }

    public void writeBit(boolean bit) {
        ensure(1);
        if (bit) {
            int index = (int) (bitLength >>> 3);
            bytes[index] |= (byte) (0x80 >>> (int) (bitLength & 7));
        }
        bitLength++;
    }

    /** Writes the low {@code count} bits of {@code value} (0..64), most significant first. */
    public void writeBits(long value, int count) {
        if (count == 0) {
            return;
        }
        ensure(count);
        int remaining = count;
        while (remaining > 0) {
            int index = (int) (bitLength >>> 3);
            int free = 8 - (int) (bitLength & 7);
            int take = Math.min(free, remaining);
            int shift = remaining - take;
            int chunk = (int) ((value >>> shift) & ((1L << take) - 1));
            bytes[index] |= (byte) (chunk << (free - take));
            bitLength += take;
            remaining -= take;
        }
    }

    public void writeByte(int b) {
        writeBits(b & 0xff, 8);
    }

    private void ensure(int bits) {
        long needed = (bitLength + bits + 7) >>> 3;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(needed, bytes.length + (bytes.length >> 1)));
        }
    }

    public long bitLength() {
        return bitLength;
    }

    public int byteLength() {
        return (int) ((bitLength + 7) >>> 3);
    }

    /** The live buffer; only the first {@link #byteLength()} bytes are meaningful. */
    public byte[] buffer() {
        return bytes;
    }

    /** A right-sized copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, byteLength());
    }

    public void reset() {
        Arrays.fill(bytes, 0, byteLength(), (byte) 0);
        bitLength = 0;
    }
}
