package io.promethium.chunks;

/**
 * One float field of a chunk encoded Gorilla-style: XORed with its previous value, reusing the
 * previous leading/trailing-zero window when the new bits fit in it. The histogram chunks keep
 * one per field (count, zero count, sum, each bucket), as the XOR chunk does for its value.
 */
public final class XorField {
    private long prev;
    private int leading = -1;
    private int trailing;

    public void first(BitWriter w, long bits) {
        w.writeBits(bits, 64);
        prev = bits;
        leading = -1;
        trailing = 0;
    }

    public void write(BitWriter w, long bits) {
        long xor = bits ^ prev;
        prev = bits;
        if (xor == 0) {
            w.writeBit(false);
            return;
        }
        w.writeBit(true);
        int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int trail = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            w.writeBit(false);
            w.writeBits(xor >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = lead;
        trailing = trail;
        int significant = 64 - lead - trail;
        w.writeBit(true);
        w.writeBits(lead, 5);
        w.writeBits(significant & 63, 6); // 64 is written as 0
        w.writeBits(xor >>> trail, significant);
    }

    public long readFirst(BitReader r) {
        prev = r.readBits(64);
        leading = 0;
        trailing = 0;
        return prev;
    }

    public long read(BitReader r) {
        if (!r.readBit()) {
            return prev;
        }
        if (r.readBit()) {
            leading = (int) r.readBits(5);
            int significant = (int) r.readBits(6);
            if (significant == 0) {
                significant = 64;
            }
            trailing = 64 - leading - significant;
            if (trailing < 0) {
                throw new ChunkFormatException("XOR window of " + significant + " bits after " + leading + " leading zeros");
            }
        } else if (leading < 0) {
            throw new ChunkFormatException("XOR value reuses a window before one was set");
        }
        prev ^= r.readBits(64 - leading - trailing) << trailing;
        return prev;
    }

    public long previous() {
        return prev;
    }
}
