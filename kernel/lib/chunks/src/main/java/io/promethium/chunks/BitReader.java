package io.promethium.chunks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads bits, most significant first, from a byte array region. Reusable via {@link #reset}.
 * Reads of up to 56 bits load one big-endian long and shift, instead of looping over bytes; longer
 * ones load two.
 */
public final class BitReader {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private long position;
    private long limit;

    public void reset(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = (long) offset << 3;
        this.limit = (long) (offset + length) << 3;
    }

    public boolean readBit() {
        if (position >= limit) {
            throw new ChunkFormatException("chunk ends early at bit " + position);
        }
        int b = bytes[(int) (position >>> 3)];
        boolean bit = ((b << (position & 7)) & 0x80) != 0;
        position++;
        return bit;
    }

    public long readBits(int count) {
        if (count == 0) {
            return 0;
        }
        if (position + count > limit) {
            throw new ChunkFormatException("chunk ends early: need " + count + " bits at bit " + position);
        }
        int index = (int) (position >>> 3);
        int shift = (int) (position & 7);
        long value;
        if (count <= 56 && index + 8 <= bytes.length) {
            long word = (long) LONG.get(bytes, index);
            value = (word << shift) >>> (64 - count);
        } else if (index + 12 <= bytes.length) {
            // A whole float (a chunk's first value) in two loads rather than nine bytes one by one.
            value = BitLoads.at(bytes, position, count);
        } else {
            value = slow(count);
            return value;
        }
        position += count;
        return value;
    }

    private long slow(int count) {
        long value = 0;
        int remaining = count;
        while (remaining > 0) {
            int b = bytes[(int) (position >>> 3)] & 0xff;
            int used = (int) (position & 7);
            int avail = 8 - used;
            int take = Math.min(avail, remaining);
            int bits = (b >>> (avail - take)) & ((1 << take) - 1);
            value = (value << take) | bits;
            position += take;
            remaining -= take;
        }
        return value;
    }

    /** Number of leading one bits, at most {@code max}, consuming them and the terminating zero if any. */
    public int readUnary(int max) {
        int index = (int) (position >>> 3);
        if (max <= 56 && index + 8 <= bytes.length) {
            // One load for the whole run: the leading ones of the next bits, as the loop below counts them.
            long word = (long) LONG.get(bytes, index) << (position & 7);
            int n = Math.min(Long.numberOfLeadingZeros(~word), max);
            int used = n < max ? n + 1 : n;
            if (position + used > limit) {
                throw new ChunkFormatException("chunk ends early at bit " + limit);
            }
            position += used;
            return n;
        }
        int n = 0;
        while (n < max && readBit()) {
            n++;
        }
        return n;
    }

    /**
     * The next bits, most significant first, without consuming them: at least 57 valid bits
     * (those past the region's end are whatever follows it; {@link #skip} refuses to pass the
     * end). Only when {@link #canPeek()}. For decoders that take a prefix and its field in one load.
     */
    public long peek() {
        return (long) LONG.get(bytes, (int) (position >>> 3)) << (position & 7);
    }

    /** Whether {@link #peek()} may be called: 8 bytes of the array from the current byte. */
    public boolean canPeek() {
        return (int) (position >>> 3) + 8 <= bytes.length;
    }

    /** Consumes {@code count} bits already looked at with {@link #peek()}. */
    public void skip(int count) {
        if (position + count > limit) {
            throw new ChunkFormatException("chunk ends early: need " + count + " bits at bit " + position);
        }
        position += count;
    }

    /** Bits left to read. */
    public long remainingBits() {
        return limit - position;
    }

    /** The array read, for a decoder's own loop over it (package only). */
    byte[] array() {
        return bytes;
    }

    /** The next bit's index in {@link #array()}. */
    long position() {
        return position;
    }

    /** The index one past the region's last bit. */
    long limit() {
        return limit;
    }

    /** Moves to bit {@code position}, which a decoder's own loop has checked lies within the region. */
    void position(long position) {
        this.position = position;
    }

    public int readByte() {
        return (int) readBits(8);
    }
}
