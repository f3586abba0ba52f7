package io.promethium.tsdb.internal.chunk;

/** Variable-length integers written into a bit stream (7 bits a group, high bit = more follows). */
final class Varbits {
    private Varbits() {
    }

    static void writeUvarint(BitWriter w, long value) {
        while ((value & ~0x7fL) != 0) {
            w.writeByte((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        w.writeByte((int) value);
    }

    static void writeVarint(BitWriter w, long value) {
        writeUvarint(w, (value << 1) ^ (value >> 63));
    }

    static long readUvarint(BitReader r) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = r.readByte();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ChunkFormatException("varint too long");
    }

    static long readVarint(BitReader r) {
        long u = readUvarint(r);
        return (u >>> 1) ^ -(u & 1);
    }

    /**
     * Delta-of-delta buckets: '0' for 0, then '10'+7, '110'+14, '1110'+20 bits, '1111'+64. The
     * 7-bit bucket is ours (Prometheus starts at 14): scrape jitter of a few ms costs 9 bits, not 16.
     */
    static void writeDod(BitWriter w, long dod) {
        if (dod == 0) {
            w.writeBit(false);
        } else if (fits(dod, 7)) {
            w.writeBits(0b10, 2);
            w.writeBits(dod, 7);
        } else if (fits(dod, 14)) {
            w.writeBits(0b110, 3);
            w.writeBits(dod, 14);
        } else if (fits(dod, 20)) {
            w.writeBits(0b1110, 4);
            w.writeBits(dod, 20);
        } else {
            w.writeBits(0b1111, 4);
            w.writeBits(dod, 64);
        }
    }

    static long readDod(BitReader r) {
        int prefix = r.readUnary(4);
        return switch (prefix) {
            case 0 -> 0;
            case 1 -> signExtend(r.readBits(7), 7);
            case 2 -> signExtend(r.readBits(14), 14);
            case 3 -> signExtend(r.readBits(20), 20);
            default -> r.readBits(64);
        };
    }

    /** Whether {@code v} fits in an {@code bits}-bit two's complement field. */
    static boolean fits(long v, int bits) {
        long min = -(1L << (bits - 1));
        long max = (1L << (bits - 1)) - 1;
        return v >= min && v <= max;
    }

    static long signExtend(long v, int bits) {
        int shift = 64 - bits;
        return (v << shift) >> shift;
    }
}
