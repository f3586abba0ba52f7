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
        for (int i = read; i < count; i++) {
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
