package io.promethium.web.internal.remote;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protobuf wire format into a growable buffer. Embedded messages are written by
 * reserving room for the length, writing the body, then moving it when the length needs more
 * than the reserved byte.
 */
final class ProtoWriter {

    private byte[] buf = new byte[1024];
    private int size;

    int size() {
        return size;
    }

    byte[] buffer() {
        return buf;
    }

    void reset() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void tag(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    void int64Field(int field, long v) {
        tag(field, 0);
        varint(v);
    }

    void doubleField(int field, double v) {
        tag(field, 1);
        ensure(8);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (bits >>> (8 * i));
        }
    }

    void stringField(int field, String s) {
        bytesField(field, s.getBytes(StandardCharsets.UTF_8), 0, -1);
    }

    void bytesField(int field, byte[] b, int offset, int length) {
        int len = length < 0 ? b.length : length;
        tag(field, 2);
        varint(len);
        ensure(len);
        System.arraycopy(b, offset, buf, size, len);
        size += len;
    }

    /** Starts an embedded message; pass the result to {@link #endMessage}. */
    int beginMessage(int field) {
        tag(field, 2);
        ensure(1);
        size++;
        return size;
    }

    void endMessage(int start) {
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
