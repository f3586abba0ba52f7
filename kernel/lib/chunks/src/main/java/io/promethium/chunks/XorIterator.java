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
