package io.promethium.chunks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bits, most significant first, into a growable byte array. The 64-bit word being filled
 * is kept in a field and stored into the array when full, or when the bytes are asked for
 * ({@link #buffer}, {@link #toByteArray}): most appends to a head chunk then write only the
 * series object, not its chunk's bytes, one cache miss less per sample. Bits already stored
 * never change (a word is stored again only with bits added after them), so a reader that knows
 * how many samples were complete may read concurrently.
 *
 * <p>Open for {@link XorEncoder} only: a head series is then one object plus its open chunk's
 * bytes.
 */
public sealed class BitWriter permits XorEncoder {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Null while a head series has no open float chunk ({@link #BitWriter()}). */
    private byte[] bytes;
    /** An int: a chunk holds at most 2^16 samples, far below 2^31 bits. */
    private int bitLength;
    /** The bits of the word being filled (from bit {@code bitLength & ~63}), left-aligned; the rest zero. */
    private long word;

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
        word = 0;
    }

    /** Lets go of the buffer (readers may still hold it: it is never written again). */
    final void release() {
        bytes = null;
        bitLength = 0;
        word = 0;
    }

    /** Whether there is a buffer; unlike {@link #buffer()}, stores nothing. */
    final boolean hasBuffer() {
        return bytes != null;
    }

    public void writeBit(boolean bit) {
        int used = bitLength & 63;
        if (bit) {
            word |= Long.MIN_VALUE >>> used;
        }
        bitLength++;
        if (used == 63) {
            storeFullWord();
        }
    }

    /** Writes the low {@code count} bits of {@code value} (0..64), most significant first. */
    public void writeBits(long value, int count) {
        if (count == 0) {
            return;
        }
        long bits = count == 64 ? value : value & ((1L << count) - 1);
        int free = 64 - (bitLength & 63);
        if (count < free) {
            word |= bits << (free - count);
            bitLength += count;
            return;
        }
        int rest = count - free;
        word |= bits >>> rest;
        bitLength += free;
        storeFullWord();
        // A shift by 64 would be a shift by 0: no bits left over means an empty word.
        word = rest == 0 ? 0 : bits << (64 - rest);
        bitLength += rest;
    }

    public void writeByte(int b) {
        writeBits(b & 0xff, 8);
    }

    /** Stores the word just filled ({@code bitLength} is a multiple of 64) and starts the next. */
    private void storeFullWord() {
        int index = (bitLength >>> 3) - 8;
        ensureBytes(index + 8);
        LONG.set(bytes, index, word);
        word = 0;
    }

    /** Stores the partly filled word, so that the array holds every bit written. */
    private void storePartialWord() {
        if ((bitLength & 63) != 0) {
            int index = (bitLength >>> 6) << 3;
            ensureBytes(index + 8);
            LONG.set(bytes, index, word);
        }
    }

    private void ensureBytes(int needed) {
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, grownLength(bytes.length)));
        }
    }

    /** The buffer's next length when it is full: half as long again, as a reused writer's buffer soon stops growing. */
    int grownLength(int length) {
        return length + (length >> 1);
    }

    /**
     * Sets the first 16 bits (a chunk's sample count) in place, in the array and in the word being
     * filled if that is the first.
     */
    public final void setFirst16(int value) {
        if (bitLength < 64) {
            word = (word & 0x0000_ffff_ffff_ffffL) | (long) (value & 0xffff) << 48;
        }
        bytes[0] = (byte) (value >>> 8);
        bytes[1] = (byte) value;
    }

    public long bitLength() {
        return bitLength;
    }

    public int byteLength() {
        return (int) (((long) bitLength + 7) >>> 3);
    }

    /**
     * The live buffer with every bit written so far; only the first {@link #byteLength()} bytes are
     * meaningful. Null when there is none ({@link #release}).
     */
    public byte[] buffer() {
        if (bytes != null) {
            storePartialWord();
        }
        return bytes;
    }

    /** A right-sized copy of the written bytes. */
    public byte[] toByteArray() {
        storePartialWord();
        return Arrays.copyOf(bytes, byteLength());
    }

    /**
     * Reads the byte where the word being filled will be stored, so that a batch can pull it into
     * the CPU cache before appending under a lock (see {@code HeadAppender}). Safe against a racing
     * writer: at worst it reads an older buffer.
     */
    public final int touchTail() {
        byte[] b = bytes;
        int i = (bitLength >>> 6) << 3;
        return b != null && i < b.length ? b[i] : 0;
    }

    /** Whether the word being filled is at least half full: the next appends will likely store it. */
    public final boolean wordHalfFull() {
        return (bitLength & 63) >= 32;
    }

    public void reset() {
        Arrays.fill(bytes, 0, Math.min(bytes.length, byteLength() + 8), (byte) 0);
        bitLength = 0;
        word = 0;
    }
}
