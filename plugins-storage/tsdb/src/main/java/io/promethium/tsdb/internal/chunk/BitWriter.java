package io.promethium.tsdb.internal.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bits, most significant first, into a growable byte array. Bits already written never
 * change, so a reader that knows how many samples were complete may read concurrently.
 *
 * <p>Open for {@link XorEncoder} only: a head series is then one object plus its open chunk's
 * bytes, one cache miss less per appended sample.
 */
public sealed class BitWriter permits XorEncoder {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Null while a head series has no open float chunk ({@link #BitWriter()}). */
    private byte[] bytes;
    /** An int: a chunk holds at most 2^16 samples, far below 2^31 bits. */
    private int bitLength;

    public BitWriter(int initialBytes) {
        this.bytes = new byte[Math.max(initialBytes, 16)];
    }

    /** A writer without a buffer, until {@link #allocate}. */
    BitWriter() {
    }

    /** Starts writing into a fresh buffer of {@code initialBytes}; the previous one is left to its readers. */
    final void allocate(int initialBytes) {
        bytes = new byte[Math.max(initialBytes, 16)];
        bitLength = 0;
    }

    /** Lets go of the buffer (readers may still hold it: it is never written again). */
    final void release() {
        bytes = null;
        bitLength = 0;
    }

    public void writeBit(boolean bit) {
        ensure(1);
        if (bit) {
            int index = bitLength >>> 3;
            bytes[index] |= (byte) (0x80 >>> (bitLength & 7));
        }
        bitLength++;
    }

    /** Writes the low {@code count} bits of {@code value} (0..64), most significant first. */
    public void writeBits(long value, int count) {
        if (count == 0) {
            return;
        }
        if (count > 56) {
            // Keep each word write within 56 bits so it never spans more than 8 bytes.
            writeBits(value >>> 32, count - 32);
            writeBits(value & 0xffffffffL, 32);
            return;
        }
        ensure(count);
        int index = bitLength >>> 3;
        int shift = bitLength & 7;
        long bits = count == 64 ? value : value & ((1L << count) - 1);
        // Bits past bitLength are zero, so OR-ing a whole big-endian word in place is enough.
        long word = bits << (64 - count - shift);
        LONG.set(bytes, index, (long) LONG.get(bytes, index) | word);
        bitLength += count;
    }

    public void writeByte(int b) {
        writeBits(b & 0xff, 8);
    }

    private void ensure(int bits) {
        // Eight bytes of slack past the last written bit, for the word-wide writes.
        long needed = (((long) bitLength + bits + 7) >>> 3) + 8;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(needed, bytes.length + (bytes.length >> 1)));
        }
    }

    public long bitLength() {
        return bitLength;
    }

    public int byteLength() {
        return (int) (((long) bitLength + 7) >>> 3);
    }

    /** The live buffer; only the first {@link #byteLength()} bytes are meaningful. */
    public byte[] buffer() {
        return bytes;
    }

    /** A right-sized copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, byteLength());
    }

    /**
     * Reads the byte at the write position, so that a batch can pull it into the CPU cache before
     * appending under a lock (see {@code HeadAppender}). Safe against a racing writer: at worst it
     * reads an older buffer.
     */
    public final int touchTail() {
        byte[] b = bytes;
        int i = bitLength >>> 3;
        return b != null && i < b.length ? b[i] : 0;
    }

    public void reset() {
        Arrays.fill(bytes, 0, Math.min(bytes.length, byteLength() + 8), (byte) 0);
        bitLength = 0;
    }
}
