package io.promethium.tsdb.internal.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A reusable byte buffer with varint and fixed-width writers (big-endian). */
public final class GrowableBytes {
    private byte[] bytes;
    private int length;

    public GrowableBytes(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    public void reset() {
        length = 0;
    }

    public int length() {
        return length;
    }

    public byte[] array() {
        return bytes;
    }

    public void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + extra, bytes.length * 2));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    public void writeInt(int v) {
        ensure(4);
        bytes[length++] = (byte) (v >>> 24);
        bytes[length++] = (byte) (v >>> 16);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    public void writeUvarint(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            bytes[length++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        bytes[length++] = (byte) v;
    }

    public void writeVarint(long v) {
        writeUvarint((v << 1) ^ (v >> 63));
    }

    public void writeBytes(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    public void writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeUvarint(utf8.length);
        writeBytes(utf8, 0, utf8.length);
    }

    /** Takes {@code n} bytes already written in place through {@link #array()} (after {@link #ensure}). */
    public void skip(int n) {
        if (length + n > bytes.length) {
            throw new IndexOutOfBoundsException("skip " + n + " past the capacity " + bytes.length);
        }
        length += n;
    }

    /** Overwrites 4 bytes at {@code pos}. */
    public void putInt(int pos, int v) {
        bytes[pos] = (byte) (v >>> 24);
        bytes[pos + 1] = (byte) (v >>> 16);
        bytes[pos + 2] = (byte) (v >>> 8);
        bytes[pos + 3] = (byte) v;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }
}
