package io.promethium.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds protobuf messages for tests: the exposition format's {@code MetricFamily} and friends,
 * remote write bodies. Field helpers take the field number; {@link #delimited()} length-prefixes.
 */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtoWriter varint(int field, long v) {
        tag(field, 0);
        raw(v);
        return this;
    }

    public ProtoWriter sint(int field, long v) {
        return varint(field, (v << 1) ^ (v >> 63));
    }

    public ProtoWriter dbl(int field, double v) {
        tag(field, 1);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)));
        }
        return this;
    }

    public ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    public ProtoWriter packedSint(int field, long... values) {
        ProtoWriter p = new ProtoWriter();
        for (long v : values) {
            p.raw((v << 1) ^ (v >> 63));
        }
        return bytes(field, p.toByteArray());
    }

    public ProtoWriter packedDouble(int field, double... values) {
        ProtoWriter p = new ProtoWriter();
        for (double v : values) {
            long bits = Double.doubleToRawLongBits(v);
            for (int i = 0; i < 8; i++) {
                p.out.write((int) (bits >>> (8 * i)));
            }
        }
        return bytes(field, p.toByteArray());
    }

    public ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        raw(b.length);
        out.writeBytes(b);
        return this;
    }

    /** This message, length-delimited (one element of an exposition page). */
    public byte[] delimited() {
        ProtoWriter d = new ProtoWriter();
        d.raw(out.size());
        d.out.writeBytes(toByteArray());
        return d.toByteArray();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    public static ProtoWriter label(String name, String value) {
        return new ProtoWriter().string(1, name).string(2, value);
    }

    public static ProtoWriter span(int offset, int length) {
        return new ProtoWriter().sint(1, offset).varint(2, length);
    }

    public static ProtoWriter exemplar(String traceId, double value, long seconds, int nanos) {
        return new ProtoWriter().message(1, label("trace_id", traceId)).dbl(2, value)
                .message(3, new ProtoWriter().varint(1, seconds).varint(2, nanos));
    }

    public static byte[] page(byte[]... families) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : families) {
            all.writeBytes(f);
        }
        return all.toByteArray();
    }
}
