package io.promethium.tsdb.internal.chunk;

/** Reads bits, most significant first, from a byte array region. Reusable via {@link #reset}. */
public final class BitReader {
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
        int b = bytes[(int) (position >>> 3)] & 0xff;
        boolean bit = ((b << (position & 7)) & 0x80) != 0;
        position++;
        return bit;
    }

    public long readBits(int count) {
        if (position + count > limit) {
            throw new ChunkFormatException("chunk ends early: need " + count + " bits at bit " + position);
        }
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
        int n = 0;
        while (n < max && readBit()) {
            n++;
        }
        return n;
    }

    public int readByte() {
        return (int) readBits(8);
    }
}
