package io.promethium.tsdb.internal.chunk;

/** Decodes a {@link DecimalEncoder} chunk. */
public final class DecimalIterator implements ChunkIterator {
    private final BitReader in = new BitReader();
    private int count;
    private int read;
    private int scale;
    private boolean dod;
    private long t;
    private long tDelta;
    private long x;
    private long delta;
    private double v;

    @Override
    public void reset(byte[] bytes, int offset, int length, int count) {
        if (length < 3) {
            throw new ChunkFormatException("decimal chunk shorter than its header: " + length + " bytes");
        }
        int mode = bytes[offset + 2] & 0xff;
        scale = mode & 0x0f;
        dod = (mode >>> 4) == 1;
        if (scale >= DecimalEncoder.POW10.length) {
            throw new ChunkFormatException("decimal chunk with scale " + scale);
        }
        in.reset(bytes, offset + 3, length - 3);
        this.count = count;
        this.read = 0;
    }

    @Override
    public boolean next() {
        if (read >= count) {
            return false;
        }
        if (read == 0) {
            t = Varbits.readVarint(in);
            x = Varbits.readVarint(in);
        } else if (read == 1) {
            tDelta = Varbits.readUvarint(in);
            t += tDelta;
            delta = Varbits.readDod(in);
            x += delta;
        } else {
            tDelta += Varbits.readDod(in);
            t += tDelta;
            long d = Varbits.readDod(in);
            delta = dod ? delta + d : d;
            x += delta;
        }
        v = scale == 0 ? (double) x : x / DecimalEncoder.POW10[scale];
        read++;
        return true;
    }

    @Override
    public long t() {
        return t;
    }

    @Override
    public double v() {
        return v;
    }
}
