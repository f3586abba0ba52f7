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
        int i = read;
        if (!byWidth || w <= 56) {
            // The same decoding with the bit position in a local and one 8-byte load per field
            // (one per sample when the timestamp's step is unchanged, the usual case; two for a
            // 64-bit value). Through the BitReader's calls a sample took 7-11 ns, this way about 4
            // (ChunkDecodeBenchmark). It stops 17 bytes before the array's end (the last load reaches
            // 8 bytes past the first) and at a timestamp's 64-bit bucket; the loop below takes the rest.
            byte[] buf = in.array();
            long pos = in.position();
            long end = in.limit();
            int last = buf.length - 17;
            for (; i < count && (int) (pos >>> 3) <= last; i++) {
                long word = BitLoads.at(buf, pos);
                // Varbits.readDod's buckets, spelled out: a helper returning the value and its
                // width packed in one long made the next load wait on this one (~1 ns a sample).
                int ones = Long.numberOfLeadingZeros(~word);
                long dt;
                long p;
                long field;
                if (ones == 0) {
                    dt = 0;
                    p = pos + 1;
                    field = word << 1;
                } else if (ones < 4) {
                    int bits = ones == 1 ? 7 : ones == 2 ? 14 : 20;
                    dt = (word << (ones + 1)) >> (64 - bits);
                    p = pos + ones + 1 + bits;
                    field = BitLoads.at(buf, p);
                } else {
                    break;
                }
                long residual;
                if (byWidth) {
                    // Shifted in two steps so that a width of 0 yields 0 (a shift by 64 is none).
                    long zz = (field >>> 1) >>> (63 - w);
                    residual = (zz >>> 1) ^ -(zz & 1);
                    p += w;
                } else {
                    int vones = Long.numberOfLeadingZeros(~field);
                    if (vones == 0) {
                        residual = 0;
                        p += 1;
                    } else if (vones < 4) {
                        int bits = vones == 1 ? 7 : vones == 2 ? 14 : 20;
                        residual = (field << (vones + 1)) >> (64 - bits);
                        p += vones + 1 + bits;
                    } else {
                        // A gauge's jump: common in memory bytes, so not left to the loop below.
                        residual = BitLoads.at(buf, p + 4, 64);
                        p += 68;
                    }
                }
                if (p > end) {
                    throw new ChunkFormatException("chunk ends early at bit " + end);
                }
                pos = p;
                tD += dt;
                time += tD;
                d = ofDeltas ? d + residual : residual;
                value += d;
                ts[n] = time;
                vs[n] = whole ? (double) value : value / divisor;
                n++;
            }
            in.position(pos);
        }
        for (; i < count; i++) {
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
