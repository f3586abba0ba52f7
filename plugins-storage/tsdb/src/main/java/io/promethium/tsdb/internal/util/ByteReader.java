package io.promethium.tsdb.internal.util;

import java.nio.charset.StandardCharsets;

/** Reads what {@link GrowableBytes} writes; throws {@link FormatException} naming the offset on bad input. */
public final class ByteReader {
    private byte[] bytes;
    private int pos;
    private int limit;

    public ByteReader() {
    }

    public ByteReader(byte[] bytes, int offset, int length) {
        reset(bytes, offset, length);
    }

    public void reset(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.pos = offset;
        this.limit = offset + length;
    }

    public boolean hasMore() {
        return pos < limit;
    }

    public int position() {
        return pos;
    }

    private void need(int n) {
        if (pos + n > limit) {
            throw new FormatException("truncated: need " + n + " bytes at offset " + pos + ", have " + (limit - pos));
        }
    }

    public int readByte() {
        need(1);
        return bytes[pos++] & 0xff;
    }

    public int readInt() {
        need(4);
        int v = ((bytes[pos] & 0xff) << 24) | ((bytes[pos + 1] & 0xff) << 16) | ((bytes[pos + 2] & 0xff) << 8) | (bytes[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    public long readUvarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new FormatException("varint too long at offset " + pos);
    }

    public long readVarint() {
        long u = readUvarint();
        return (u >>> 1) ^ -(u & 1);
    }

    /** A length as a non-negative int no larger than what remains. */
    public int readLength() {
        long n = readUvarint();
        if (n < 0 || n > limit - pos) {
            throw new FormatException("length " + n + " at offset " + pos + " exceeds the " + (limit - pos) + " bytes left");
        }
        return (int) n;
    }

    public String readString() {
        int n = readLength();
        String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }
}
