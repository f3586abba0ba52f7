package io.promethium.chunks;

/** Decodes a {@link DecimalEncoder} chunk. */
public final class DecimalIterator implements ChunkIterator {
    private final BitReader in = new BitReader();
    private int count;
    private int read;
    private int scale;
    private boolean dod;
    private boolean fixed;
    private int width;
    private long base;
    private long t;
    private long tDelta;
    private long x;
    private long delta;
    private double v;

    @Override
    public void reset(byte[] bytes, int offset, int length, int count, long base) {
        if (length < 3) {
            throw new ChunkFormatException("decimal chunk shorter than its header: " + length + " bytes");
        }
        int mode = bytes[offset + 2] & 0xff;
        scale = mode & 0x0f;
        dod = ((mode >>> 4) & DecimalEncoder.MODE_DOD) != 0;
        fixed = ((mode >>> 4) & DecimalEncoder.MODE_FIXED) != 0;
        if (scale >= DecimalEncoder.POW10.length) {
            throw new ChunkFormatException("decimal chunk with scale " + scale);
        }
        in.reset(bytes, offset + 3, length - 3);
        this.count = count;
        this.base = base;
        this.read = 0;
    }

    @Override
    public boolean next() {
        if (read >= count) {
            return false;
        }
        if (read == 0) {
            t = base + Varbits.readVarint(in);
            x = Varbits.readVarint(in);
            if (fixed) {
                width = (int) in.readBits(7);
                if (width > 64) {
                    throw new ChunkFormatException("decimal chunk with width " + width);
                }
            }
        } else {
            if (read == 1) {
                tDelta = Varbits.readUvarint(in);
            } else {
                tDelta += Varbits.readDod(in);
            }
            t += tDelta;
            long residual;
            if (fixed && !(dod && read == 1)) {
                long zz = in.readBits(width);
                residual = (zz >>> 1) ^ -(zz & 1);
            } else if (fixed) {
                residual = Varbits.readVarint(in);
            } else {
                residual = Varbits.readDod(in);
            }
            delta = dod && read > 1 ? delta + residual : residual;
            x += delta;
        }
        v = scale == 0 ? (double) x : x / DecimalEncoder.POW10[scale];
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
            vs[n] = v;
            n++;
        }
        BitReader in = this.in;
        long time = t;
        long tD = tDelta;
        long value = x;
        long d = delta;
        boolean byWidth = fixed;
        boolean ofDeltas = dod;
        int w = width;
        double divisor = DecimalEncoder.POW10[scale];
        boolean whole = scale == 0;
        for (int i = read; i < count; i++) {
            tD += Varbits.readDod(in);
            time += tD;
            long residual;
            if (byWidth) {
                long zz = in.readBits(w);
                residual = (zz >>> 1) ^ -(zz & 1);
            } else {
                residual = Varbits.readDod(in);
            }
            d = ofDeltas ? d + residual : residual;
            value += d;
            ts[n] = time;
            vs[n] = whole ? (double) value : value / divisor;
            n++;
        }
        t = time;
        tDelta = tD;
        x = value;
        delta = d;
        if (n > 0) {
            v = vs[n - 1];
        }
        read = count;
        return n;
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
