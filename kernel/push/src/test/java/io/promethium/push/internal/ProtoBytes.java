package io.promethium.push.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protobuf encoder for tests: builds {@code metrics.proto} messages field by field. */
final class ProtoBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoBytes string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoBytes bytes(int field, byte[] b) {
        varint((long) field << 3 | 2);
        varint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoBytes message(int field, ProtoBytes m) {
        return bytes(field, m.toByteArray());
    }

    ProtoBytes uint(int field, long v) {
        varint((long) field << 3);
        varint(v);
        return this;
    }

    ProtoBytes dbl(int field, double v) {
        varint((long) field << 3 | 1);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)));
        }
        return this;
    }

    private void varint(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Messages each prefixed by its varint length: the delimited format of pushes. */
    static byte[] delimited(ProtoBytes... messages) {
        ProtoBytes all = new ProtoBytes();
        for (ProtoBytes m : messages) {
            byte[] b = m.toByteArray();
            all.varint(b.length);
            all.out.writeBytes(b);
        }
        return all.toByteArray();
    }

    static ProtoBytes label(String name, String value) {
        return new ProtoBytes().string(1, name).string(2, value);
    }

    static final String CONTENT_TYPE = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
}
