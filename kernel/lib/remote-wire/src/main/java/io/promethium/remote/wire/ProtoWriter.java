package io.promethium.remote.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protobuf wire format into a growable buffer. Embedded messages are written by
 * reserving room for the length, writing the body, then moving it when the length needs more
 * than the reserved byte.
 */
public final class ProtoWriter {

    private byte[] buf = new byte[1024];
    private int size;

    public int size() {
        return size;
    }

    public byte[] buffer() {
        return buf;
    }

    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    public void varint(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    public void tag(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    public void int64Field(int field, long v) {
        tag(field, 0);
        varint(v);
    }

    /** A {@code sint32}/{@code sint64} field (zigzag). */
    public void sint64Field(int field, long v) {
        tag(field, 0);
        varint((v << 1) ^ (v >> 63));
    }

    /** {@code n} entries of a repeated {@code sint64} as one packed field. */
    public void packedSint64(int field, long[] values, int n) {
        if (n == 0) {
            return;
        }
        int m = beginMessage(field);
        for (int i = 0; i < n; i++) {
            long v = values[i];
            varint((v << 1) ^ (v >> 63));
        }
        endMessage(m);
    }

    /** {@code n} entries of a repeated {@code double} as one packed field. */
    public void packedDoubles(int field, double[] values, int n) {
        if (n == 0) {
            return;
        }
        tag(field, 2);
        varint(8L * n);
        ensure(8 * n);
        for (int i = 0; i < n; i++) {
            fixed64(Double.doubleToRawLongBits(values[i]));
        }
    }

    /** A repeated {@code uint32} as one packed field. */
    public void packedVarints(int field, int[] values, int n) {
        if (n == 0) {
            return;
        }
        int m = beginMessage(field);
        for (int i = 0; i < n; i++) {
            varint(values[i] & 0xffffffffL);
        }
        endMessage(m);
    }

    private void fixed64(long bits) {
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (bits >>> (8 * i));
        }
    }

    public void doubleField(int field, double v) {
        tag(field, 1);
        ensure(8);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (bits >>> (8 * i));
        }
    }

    public void stringField(int field, String s) {
        bytesField(field, s.getBytes(StandardCharsets.UTF_8), 0, -1);
    }

    public void bytesField(int field, byte[] b, int offset, int length) {
        int len = length < 0 ? b.length : length;
        tag(field, 2);
        varint(len);
        ensure(len);
        System.arraycopy(b, offset, buf, size, len);
        size += len;
    }

    /** Appends bytes already in wire format (fields encoded by another writer). */
    public void raw(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buf, size, length);
        size += length;
    }

    /** Starts an embedded message; pass the result to {@link #endMessage}. */
    public int beginMessage(int field) {
        tag(field, 2);
        ensure(1);
        size++;
        return size;
    }

    public void endMessage(int start) {
        int len = size - start;
        int lenBytes = 1;
        for (long v = len; v >= 0x80; v >>>= 7) {
            lenBytes++;
        }
        if (lenBytes > 1) {
            ensure(lenBytes - 1);
            System.arraycopy(buf, start, buf, start + lenBytes - 1, len);
            size += lenBytes - 1;
        }
        int p = start - 1;
        long v = len;
        while (v >= 0x80) {
            buf[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
    }
}
