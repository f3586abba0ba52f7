package io.promethium.chunks;

/** Decodes an {@link XorAppender} chunk. */
public final class XorIterator implements ChunkIterator {
    private final BitReader in = new BitReader();
    private int count;
    private long base;
    private int read;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading;
    private int trailing;

    @Override
    public void reset(byte[] bytes, int offset, int length, int count, long base) {
        if (length < 2) {
            throw new ChunkFormatException("chunk shorter than its header: " + length + " bytes");
        }
        in.reset(bytes, offset + 2, length - 2);
        this.count = count;
        this.base = base;
        this.read = 0;
        this.leading = 0;
        this.trailing = 0;
    }

    /** The sample count stored in a chunk's header. */
    public static int headerCount(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    @Override
    public boolean next() {
        if (read >= count) {
            return false;
        }
        if (read == 0) {
            t = base + Varbits.readVarint(in);
            vBits = in.readBits(64);
        } else if (read == 1) {
            tDelta = Varbits.readUvarint(in);
            t += tDelta;
            readValue();
        } else {
            tDelta += Varbits.readDod(in);
            t += tDelta;
            readValue();
        }
        read++;
        return true;
    }

    @Override
    public int remaining() {
        return count - read;
    }

    // next()'s decoding with the state in locals: one tight loop per chunk instead of a call per sample.
    @Override
    public int drainFloats(long[] ts, double[] vs) {
        int n = 0;
        while (read < 2 && next()) {
            ts[n] = t;
            vs[n] = Double.longBitsToDouble(vBits);
            n++;
        }
        BitReader in = this.in;
        long time = t;
        long delta = tDelta;
        long bits = vBits;
        int lead = leading;
        int trail = trailing;
        int i = read;
        // As DecimalIterator's loop: the bit position in a local, one 8-byte load per field (two for
        // one of more than 57 bits), stopping 18 bytes before the array's end (the last load reaches
        // 10 bytes past the first) and at a timestamp's 64-bit bucket; the loop below takes the rest.
        byte[] buf = in.array();
        long pos = in.position();
        long end = in.limit();
        int last = buf.length - 18;
        for (; i < count && (int) (pos >>> 3) <= last; i++) {
            long word = BitLoads.at(buf, pos);
            int ones = Long.numberOfLeadingZeros(~word);
            long dt;
            long p;
            long field;
            if (ones == 0) {
                dt = 0;
                p = pos + 1;
                field = word << 1;
            } else if (ones < 4) {
                int width = ones == 1 ? 7 : ones == 2 ? 14 : 20;
                dt = (word << (ones + 1)) >> (64 - width);
                p = pos + ones + 1 + width;
                field = BitLoads.at(buf, p);
            } else {
                break;
            }
            int newLead = lead;
            int newTrail = trail;
            long xor = 0;
            if (field < 0) {
                // '1': a changed value; '11' gives new leading and significant bit counts first.
                int control = 2;
                if ((field << 1) < 0) {
                    newLead = (int) (field >>> 57) & 0x1f;
                    int significant = (int) (field >>> 51) & 0x3f;
                    newTrail = 64 - newLead - (significant == 0 ? 64 : significant);
                    control = 13;
                }
                int significant = 64 - newLead - newTrail;
                // The field holds 54 more bits after the timestamp's bit and the control's two.
                long changed = control == 2 && significant <= 54 ? (field << 2) >>> (64 - significant)
                        : BitLoads.at(buf, p + control, significant);
                xor = changed << newTrail;
                p += control + significant;
            } else {
                p += 1;
            }
            if (p > end) {
                throw new ChunkFormatException("chunk ends early at bit " + end);
            }
            pos = p;
            lead = newLead;
            trail = newTrail;
            delta += dt;
            time += delta;
            bits ^= xor;
            ts[n] = time;
            vs[n] = Double.longBitsToDouble(bits);
            n++;
        }
        in.position(pos);
        for (; i < count; i++) {
            delta += Varbits.readDod(in);
            time += delta;
            if (in.readBit()) {
                if (in.readBit()) {
                    lead = (int) in.readBits(5);
                    int significant = (int) in.readBits(6);
                    trail = 64 - lead - (significant == 0 ? 64 : significant);
                }
                bits ^= in.readBits(64 - lead - trail) << trail;
            }
            ts[n] = time;
            vs[n] = Double.longBitsToDouble(bits);
            n++;
        }
        t = time;
        tDelta = delta;
        vBits = bits;
        leading = lead;
        trailing = trail;
        read = count;
        return n;
    }

    private void readValue() {
        if (!in.readBit()) {
            return;
        }
        if (in.readBit()) {
            leading = (int) in.readBits(5);
            int significant = (int) in.readBits(6);
            if (significant == 0) {
                significant = 64;
            }
            trailing = 64 - leading - significant;
        }
        int significant = 64 - leading - trailing;
        long xor = in.readBits(significant) << trailing;
        vBits ^= xor;
    }

    @Override
    public long t() {
        return t;
    }

    @Override
    public double v() {
        return Double.longBitsToDouble(vBits);
    }
}
