package io.promethium.chunks;

/**
 * Integers in a bit stream: byte varints (7 bits a group, high bit = more follows), the
 * delta-of-delta buckets of XOR chunk timestamps (the TSDB's and Prometheus's), and Prometheus's
 * histogram "varbit" integers.
 */
public final class Varbits {
    private Varbits() {
    }

    public static void writeUvarint(BitWriter w, long value) {
        while ((value & ~0x7fL) != 0) {
            w.writeByte((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        w.writeByte((int) value);
    }

    public static void writeVarint(BitWriter w, long value) {
        writeUvarint(w, (value << 1) ^ (value >> 63));
    }

    public static long readUvarint(BitReader r) {
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

    public static long readVarint(BitReader r) {
        long u = readUvarint(r);
        return (u >>> 1) ^ -(u & 1);
    }

    /**
     * Delta-of-delta buckets: '0' for 0, then '10'+7, '110'+14, '1110'+20 bits, '1111'+64. The
     * 7-bit bucket is ours (Prometheus starts at 14): scrape jitter of a few ms costs 9 bits, not 16.
     */
    public static void writeDod(BitWriter w, long dod) {
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

    public static long readDod(BitReader r) {
        if (r.canPeek()) {
            // Prefix and field from one load: the decoders' hottest call (two per decimal sample).
            long word = r.peek();
            int ones = Math.min(Long.numberOfLeadingZeros(~word), 4);
            if (ones == 0) {
                r.skip(1);
                return 0;
            }
            if (ones < 4) {
                int width = ones == 1 ? 7 : ones == 2 ? 14 : 20;
                r.skip(ones + 1 + width);
                return (word << (ones + 1)) >> (64 - width);
            }
        }
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
    public static boolean fits(long v, int bits) {
        long min = -(1L << (bits - 1));
        long max = (1L << (bits - 1)) - 1;
        return v >= min && v <= max;
    }

    public static long signExtend(long v, int bits) {
        int shift = 64 - bits;
        return (v << shift) >> shift;
    }

    /**
     * Prometheus's delta-of-delta buckets (tsdb/chunkenc's XOR chunk): '0' for 0, then '10'+14,
     * '110'+17, '1110'+20 bits, '1111'+64. A bucket of n bits holds -(2^(n-1) - 1) to 2^(n-1).
     */
    public static void writePrometheusDod(BitWriter w, long dod) {
        if (dod == 0) {
            w.writeBit(false);
        } else if (fitsPrometheus(dod, 14)) {
            w.writeBits(0b10, 2);
            w.writeBits(dod, 14);
        } else if (fitsPrometheus(dod, 17)) {
            w.writeBits(0b110, 3);
            w.writeBits(dod, 17);
        } else if (fitsPrometheus(dod, 20)) {
            w.writeBits(0b1110, 4);
            w.writeBits(dod, 20);
        } else {
            w.writeBits(0b1111, 4);
            w.writeBits(dod, 64);
        }
    }

    public static long readPrometheusDod(BitReader r) {
        return switch (r.readUnary(4)) {
            case 0 -> 0;
            case 1 -> prometheusSigned(r.readBits(14), 14);
            case 2 -> prometheusSigned(r.readBits(17), 17);
            case 3 -> prometheusSigned(r.readBits(20), 20);
            default -> r.readBits(64);
        };
    }

    /** Widths of Prometheus's varbit buckets, chosen by a unary prefix of 1 to 7 ones (8 ones: all 64 bits). */
    private static final int[] VARBIT_WIDTHS = {3, 6, 9, 12, 18, 25, 56};

    /**
     * Prometheus's signed "varbit" (histogram chunks): a single 0 bit for zero, else a unary prefix
     * (10, 110, ..., 11111110) choosing 3, 6, 9, 12, 18, 25 or 56 bits, or 11111111 and all 64.
     */
    public static void writeVarbitInt(BitWriter w, long v) {
        if (v == 0) {
            w.writeBit(false);
            return;
        }
        for (int k = 0; k < VARBIT_WIDTHS.length; k++) {
            if (fitsPrometheus(v, VARBIT_WIDTHS[k])) {
                writeOnes(w, k + 1);
                w.writeBits(v, VARBIT_WIDTHS[k]);
                return;
            }
        }
        w.writeBits(0xff, 8);
        w.writeBits(v, 64);
    }

    /** The unsigned "varbit": the same prefixes, the value unsigned in 3 ... 56 or 64 bits. */
    public static void writeVarbitUint(BitWriter w, long v) {
        if (v == 0) {
            w.writeBit(false);
            return;
        }
        for (int k = 0; k < VARBIT_WIDTHS.length; k++) {
            if (Long.numberOfLeadingZeros(v) >= 64 - VARBIT_WIDTHS[k]) {
                writeOnes(w, k + 1);
                w.writeBits(v, VARBIT_WIDTHS[k]);
                return;
            }
        }
        w.writeBits(0xff, 8);
        w.writeBits(v, 64);
    }

    public static long readVarbitInt(BitReader r) {
        int ones = r.readUnary(8);
        if (ones == 0) {
            return 0;
        }
        if (ones == 8) {
            return r.readBits(64);
        }
        int width = VARBIT_WIDTHS[ones - 1];
        return prometheusSigned(r.readBits(width), width);
    }

    public static long readVarbitUint(BitReader r) {
        int ones = r.readUnary(8);
        if (ones == 0) {
            return 0;
        }
        return r.readBits(ones == 8 ? 64 : VARBIT_WIDTHS[ones - 1]);
    }

    /** {@code ones} one bits, then a zero: 10, 110, ... */
    private static void writeOnes(BitWriter w, int ones) {
        w.writeBits(((1L << ones) - 1) << 1, ones + 1);
    }

    /** Whether {@code v} fits Prometheus's {@code bits}-bit bucket: -(2^(bits-1) - 1) to 2^(bits-1) (Go's bitRange). */
    public static boolean fitsPrometheus(long v, int bits) {
        return -((1L << (bits - 1)) - 1) <= v && v <= 1L << (bits - 1);
    }

    /** Reads Prometheus's n-bit bucket value back: above 2^(n-1) is negative (2^(n-1) itself is positive). */
    private static long prometheusSigned(long v, int bits) {
        return v > 1L << (bits - 1) ? v - (1L << bits) : v;
    }
}
