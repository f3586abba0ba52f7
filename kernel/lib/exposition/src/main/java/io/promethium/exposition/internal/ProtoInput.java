package io.promethium.exposition.internal;

import java.nio.charset.StandardCharsets;

/** Reads protobuf wire format from a byte range; every read is bounds-checked (a page is untrusted). */
final class ProtoInput {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;

    ProtoInput(byte[] buf, int pos, int end) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new ProtoFormatException("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new ProtoFormatException("varint longer than 10 bytes");
    }

    long zigzag() {
        long u = varint();
        return (u >>> 1) ^ -(u & 1);
    }

    double fixed64Double() {
        if (end - pos < 8) {
            throw new ProtoFormatException("truncated 64-bit field");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    /** The length of a length-delimited field, checked against what remains. */
    int length() {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw new ProtoFormatException("length " + n + " exceeds the " + (end - pos) + " bytes left");
        }
        return (int) n;
    }

    /** A sub-reader over the next length-delimited field, skipping it here. */
    ProtoInput message() {
        int n = length();
        ProtoInput sub = new ProtoInput(buf, pos, pos + n);
        pos += n;
        return sub;
    }

    String string() {
        int n = length();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw new ProtoFormatException("unsupported wire type " + wireType);
        }
    }

    private void advance(int n) {
        if (end - pos < n) {
            throw new ProtoFormatException("truncated field");
        }
        pos += n;
    }

    /** A packed repeated field or one element of an unpacked one, of sint64s, into {@code out}. */
    void zigzags(int wireType, LongList out) {
        if (wireType == LENGTH) {
            ProtoInput packed = message();
            while (packed.hasMore()) {
                out.add(packed.zigzag());
            }
        } else {
            out.add(zigzag());
        }
    }

    /** A packed or unpacked repeated double. */
    void doubles(int wireType, DoubleList out) {
        if (wireType == LENGTH) {
            ProtoInput packed = message();
            while (packed.hasMore()) {
                out.add(packed.fixed64Double());
            }
        } else {
            out.add(fixed64Double());
        }
    }

    static final class ProtoFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtoFormatException(String message) {
            super(message);
        }
    }

    static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }

    static final class DoubleList {
        double[] a = new double[8];
        int n;

        void add(double v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }
}
